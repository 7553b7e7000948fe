"""What every view is to the main window: a widget that shows one product (or the portfolio).

The window creates views lazily through their ViewSpec, tells them which product
is selected, and asks them to delete what is selected; everything else a view
does it does itself, following ``ctx.changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedLayout,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.kinds import ChangeKind
from pmdesk.gui.widgets.heading import Heading, fit_headings
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.stale import StaleUntilShown

from .hooks import NotOffered

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QAction

    from pmdesk.core.changes import ChangeSet
    from pmdesk.gui.context import AppContext
    from pmdesk.gui.widgets.entity_table import EntityTable


NO_PRODUCT_HINT = "No products yet — Add product to start"
CHOOSE_PRODUCT_HINT = "Choose a product in the toolbar, or add one in the Portfolio view"


@dataclass(frozen=True)
class ViewSpec:
    key: str
    title: str
    factory: Callable[[AppContext, QWidget | None], BaseView]
    # Drawn from a file before the store (SQLAlchemy and the models) has loaded: the view
    # reads only through reads that need no store (see pmdesk.store.early).
    before_store: bool = False


class BaseView(QWidget):
    productActivated = Signal(int)
    selectionChanged = Signal()
    statusMessage = Signal(str)
    addProductRequested = Signal()  # the no-product page's button; the window adds one

    # Portfolio works without a product; every other view shows a prompt instead.
    needs_product = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product_id: int | None = None
        self._tables: list[EntityTable] = []
        self._last_table: EntityTable | None = None
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._make_placeholder())
        self.content = QWidget(self)
        self.content_layout = QVBoxLayout(self.content)
        self.content_layout.setContentsMargins(14, 12, 14, 10)
        self.content_layout.setSpacing(8)
        self._stack.addWidget(self.content)
        self._stack.setCurrentIndex(0 if self.needs_product else 1)
        ctx.changed.connect(self._follow_products)

    def _make_placeholder(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        title = Heading("Select or create a product", 1.5)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.product_hint = self.next_step_hint(NO_PRODUCT_HINT, page)
        self.product_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # The next step itself, where the person is: no detour through another view.
        self.add_product_button = QPushButton("Add product…")
        self.add_product_button.clicked.connect(self.addProductRequested)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(self.product_hint)
        layout.addWidget(self.add_product_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.placeholder = title
        return page

    def next_step_hint(self, text: str, parent: QWidget | None = None) -> QLabel:
        """The one line that tells a person with an empty view what to do next.

        Named ``nextStepHint`` (the convention every view follows), so a test can find the
        hint of any view and check it shows exactly while there is nothing to show yet.
        The caller shows or hides it as its state changes.
        """
        return next_step_hint(text, parent or self, hidden=False)

    # -- the window's contract ------------------------------------------------------------

    def set_presentation(self, theme: object | None) -> None:
        """The projector look of a view that does not draw its own: no editing chrome.

        Buttons, toolbars and filter boxes are for the desk; in front of a room they
        are noise. Choices that change what is shown (check boxes, radio buttons,
        tabs) stay. Views that draw themselves (canvas, roadmap) override this.
        """
        if theme is None:
            for widget in getattr(self, "_desk_chrome", []):
                widget.setVisible(True)
            self._desk_chrome = []
            return
        chrome = [
            w for w in self.findChildren(QWidget) if w.isVisibleTo(self) and _is_editing_chrome(w)
        ]
        for widget in chrome:
            widget.setVisible(False)
        self._desk_chrome = chrome

    def set_product(self, product_id: int | None) -> None:
        self.product_id = product_id
        shown = product_id is not None or not self.needs_product
        if not shown:
            from pmdesk.store.services.portfolio import PortfolioService

            none_yet = self.ctx.service(PortfolioService).products.count() == 0
            self.product_hint.setText(NO_PRODUCT_HINT if none_yet else CHOOSE_PRODUCT_HINT)
            self.add_product_button.setVisible(none_yet and not self.ctx.read_only)
        self._stack.setCurrentIndex(1 if shown else 0)
        self.load(product_id)
        self.selectionChanged.emit()

    def load(self, product_id: int | None) -> None:
        """Show the product's rows (or nothing for None); subclasses point their tables at it."""

    def delete_selected(self) -> None:
        table = self.current_table()
        if table is not None:
            table.delete_selected()

    def has_selection(self) -> bool:
        table = self.current_table()
        return table is not None and table.has_selection()

    # -- hooks the window's menus call (see hooks.py) -------------------------------------------
    # A view offers a hook by overriding it; the window enables the matching action only where
    # ``offers(view, BaseView.<hook>)``. The defaults say "not offered here".

    def export_image(self, path: Path) -> Path:
        """File ▸ Export ▸ image: what the view shows, as PNG or SVG by the name's suffix.

        Written through ``pmdesk.gui.widgets.image_export``; returns the path written.
        """
        raise NotOffered("This view has no image to export")

    def add_product(self) -> int | None:
        """Add product: ask its name, add it (one undo step); its id, or None if cancelled."""
        raise NotOffered("Products are added in the Portfolio view")

    def start_voting(self) -> bool:
        """Workshop ▸ Start Dot Voting: start a round in this view; whether one started."""
        raise NotOffered("Dot voting is not offered in this view")

    def chart_actions(self) -> list[QAction]:
        """View ▸ Roadmap: the chart's zoom, fit, today and display actions."""
        raise NotOffered("Available in the Roadmap view")

    def asks_for_product(self) -> bool:
        """Whether the view shows its page asking for a product instead of its content
        (an image of the view is then an image of that page: what the person sees)."""
        return self._stack.currentIndex() == 0

    # -- following edits --------------------------------------------------------------------

    def follow_changes(self, follow: Callable[[ChangeSet], None]) -> StaleUntilShown:
        """Have ``follow`` bring the view in line with every committed change (edit, undo, redo,
        a teammate's edit), but only while the view is on screen.

        A view hidden behind another one when a change arrives is stale: it follows, once,
        what it missed the next time it is shown (see :class:`StaleUntilShown`). Call this
        where the view's own tables and models are already following ``ctx.changed``, so
        that ``follow`` reads them after they have applied the change.
        """
        stale = StaleUntilShown(self, follow)
        self.ctx.changed.connect(stale.changed)
        return stale

    # -- tables ------------------------------------------------------------------------------

    def register(self, table: EntityTable) -> EntityTable:
        """Track a table: its selection drives Edit > Delete, focus makes it the current one."""
        self._tables.append(table)
        table.selectionChanged.connect(self.selectionChanged)
        table.statusMessage.connect(self.statusMessage)
        table.view.installEventFilter(self)
        return table

    def tables(self) -> list[EntityTable]:
        return list(self._tables)

    def current_table(self) -> EntityTable | None:
        """The table last used, if still on screen; else the first one on screen."""
        if self._last_table is not None and self._last_table.isVisibleTo(self):
            return self._last_table
        return next((t for t in self._tables if t.isVisibleTo(self)), None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for table in self._tables:
                if table.view is watched and table is not self._last_table:
                    self._last_table = table
                    self.selectionChanged.emit()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom, or the projector's large type
            fit_headings(self)

    def showEvent(self, event: QShowEvent) -> None:
        fit_headings(self)
        super().showEvent(event)

    def _follow_products(self, changes: ChangeSet) -> None:
        if not self.needs_product or self.product_id is None:
            return
        if self.product_id in changes.ids(ChangeKind.PRODUCT, "delete") or (
            changes.reloads(ChangeKind.PRODUCT) and not self._product_exists()
        ):
            self.set_product(None)

    def _product_exists(self) -> bool:
        """After a reconnect: is the product still there (someone may have deleted it)?"""
        from pmdesk.store.models import Product
        from pmdesk.store.services.portfolio import PortfolioService

        products = self.ctx.service(PortfolioService).products
        return products.count(Product.id == self.product_id) > 0


def _is_editing_chrome(widget: QWidget) -> bool:
    if isinstance(widget, QCheckBox | QRadioButton):
        return False
    if isinstance(widget, QAbstractButton):
        return not isinstance(widget.parent(), QTabBar)
    if isinstance(widget, QToolBar):
        return True
    return isinstance(widget, QLineEdit) and widget.placeholderText().lower().startswith("filter")
