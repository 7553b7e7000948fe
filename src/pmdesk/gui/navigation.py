"""Where the person is: which view (sidebar + stack) and which product (toolbar selector).

Views are created lazily, the first time they are shown, so opening a file
costs one view rather than seven. A view created late is told the current
product as it is created (and inherits the zoomed font), so it cannot tell it was late.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.paths import resource_path

from . import theme
from .widgets.settle import settle

if TYPE_CHECKING:
    from .context import AppContext

ZOOM_STEP = 1.1
ICON_ROLE = Qt.ItemDataRole.UserRole + 1


class ViewSpecLike(Protocol):
    """What the window needs of a ``pmdesk.gui.views.ViewSpec``."""

    key: str
    title: str
    factory: Callable[..., Any]


def default_views() -> list[ViewSpecLike]:
    from pmdesk.gui.views import VIEWS  # cheap: each view's module is imported on first use

    return list(VIEWS)


class _UnavailableView(QWidget):
    """Stands in for a view whose creation failed: the rest of the window keeps working."""

    productActivated = Signal(int)
    selectionChanged = Signal()
    statusMessage = Signal(str)

    def __init__(self, title: str, error: Exception, parent: QWidget | None) -> None:
        super().__init__(parent)
        label = QLabel(f"The {title} view could not be opened.\n\n{type(error).__name__}: {error}")
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)

    def set_product(self, product_id: int | None) -> None:
        pass

    def delete_selected(self) -> None:
        pass

    def has_selection(self) -> bool:
        return False


class _SidebarDelegate(QStyledItemDelegate):
    """Draws a sidebar entry: a rounded highlight, a tinted icon and the title.

    Painted from the palette at paint time, so a theme switch needs no restyling.
    """

    ICON = 20

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(option.rect.width(), max(36, option.fontMetrics.height() + 18))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        rect = option.rect.adjusted(8, 2, -8, -2)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected or hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Midlight
            painter.setBrush(palette.color(role))
            painter.drawRoundedRect(rect, 6, 6)
        ink = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.WindowText
        )
        icon_rect = QRect(
            rect.left() + 10, rect.center().y() - self.ICON // 2 + 1, self.ICON, self.ICON
        )
        if getattr(self.parent(), "compact", False):  # a narrow window: the icon alone
            icon_rect.moveCenter(rect.center())
            theme.icon(index.data(ICON_ROLE), ink).paint(painter, icon_rect)
            painter.restore()
            return
        theme.icon(index.data(ICON_ROLE), ink).paint(painter, icon_rect)
        painter.setPen(ink)
        text_rect = rect.adjusted(self.ICON + 22, 0, -6, 0)
        text = option.fontMetrics.elidedText(
            index.data(Qt.ItemDataRole.DisplayRole), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text
        )
        painter.restore()


class Sidebar(QListWidget):
    """The list of views, on the window's own background, with room above the first entry.

    In a narrow window (a laptop at scale 2 is 960 wide) it shows icons only, so the
    view keeps the width; each entry's title is then its tooltip and accessible text.
    """

    WIDE, NARROW = 184, 60

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAccessibleName("Views")
        self.compact = False
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFixedWidth(self.WIDE)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setViewportMargins(0, 10, 0, 10)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.setMouseTracking(True)
        self.setItemDelegate(_SidebarDelegate(self))

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self.setFixedWidth(self.NARROW if compact else self.WIDE)
            self.viewport().update()


class ViewHost(QWidget):
    """The sidebar of views and the stack that shows the current one."""

    currentChanged = Signal(str)
    viewCreated = Signal(QWidget)

    def __init__(self, specs: Sequence[ViewSpecLike], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = {spec.key: spec for spec in specs}
        self._ctx: AppContext | None = None
        self._views: dict[str, QWidget] = {}
        self._product_id: int | None = None
        self.sidebar = Sidebar()
        for spec in specs:
            item = QListWidgetItem(spec.title)
            item.setToolTip(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            has_icon = resource_path("icons", f"{spec.key}.svg").is_file()
            item.setData(ICON_ROLE, spec.key if has_icon else "canvas")
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        self.stack.setObjectName("viewStack")
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.VLine)
        rule.setFrameShadow(QFrame.Shadow.Plain)
        rule.setForegroundRole(QPalette.ColorRole.Mid)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(rule)
        layout.addWidget(self.stack, 1)
        self.sidebar.currentRowChanged.connect(self._row_changed)

    # Narrower than this, the sidebar shows icons only (see Sidebar).
    COMPACT_BELOW = 1100

    def resizeEvent(self, event) -> None:
        self.sidebar.set_compact(event.size().width() < self.COMPACT_BELOW)
        super().resizeEvent(event)

    # -- views ---------------------------------------------------------------------------

    def set_context(self, ctx: AppContext | None, product_id: int | None) -> None:
        """Drop every view (they belong to the previous file) and remember the new context."""
        for view in self._views.values():
            self.stack.removeWidget(view)
            view.deleteLater()
        self._views.clear()
        self._ctx = ctx
        self._product_id = product_id

    def show_view(self, key: str) -> None:
        """Show the view ``key`` (the first view when there is no such key), creating it if new."""
        if not self.specs:
            return
        if key not in self.specs:
            key = next(iter(self.specs))
        row = list(self.specs).index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)  # comes back through _row_changed
        else:
            self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        if row < 0 or self._ctx is None:
            return
        key = list(self.specs)[row]
        view = self._views.get(key)
        if view is None:
            view = self._create(key)
        self.stack.setCurrentWidget(view)
        settle(view)  # laid out whole before its first paint
        self.currentChanged.emit(key)

    def _create(self, key: str) -> QWidget:
        try:
            view = self.specs[key].factory(self._ctx, self.stack)
        except Exception as exc:  # noqa: BLE001 - a bug in one view must not take the window down
            traceback.print_exc()
            view = _UnavailableView(self.specs[key].title, exc, self.stack)
        self._views[key] = view
        view.setProperty("viewKey", key)  # e.g. File ▸ Export ▸ PDF offers this view's document
        self.stack.addWidget(view)
        view.set_product(self._product_id)
        self.viewCreated.emit(view)
        return view

    @property
    def current_key(self) -> str | None:
        row = self.sidebar.currentRow()
        return list(self.specs)[row] if row >= 0 else None

    def before_store(self, key: str) -> bool:
        """Whether ``show_view(key)`` shows a view drawn before a file's store has loaded."""
        spec = self.specs.get(key) or next(iter(self.specs.values()), None)
        return bool(getattr(spec, "before_store", False))

    def prepare(self, key: str) -> None:
        """Import what ``show_view(key)`` will need (the view's module), without showing it."""
        spec = self.specs.get(key) or next(iter(self.specs.values()), None)
        prepare = getattr(getattr(spec, "factory", None), "prepare", None)
        if prepare is not None:
            prepare()

    def current_view(self) -> QWidget | None:
        key = self.current_key
        return self._views.get(key) if key else None

    def current_title(self) -> str:
        key = self.current_key
        return self.specs[key].title if key else ""

    def created_views(self) -> dict[str, QWidget]:
        return dict(self._views)

    def set_product(self, product_id: int | None) -> None:
        self._product_id = product_id
        for view in self._views.values():
            view.set_product(product_id)

    # -- looks ----------------------------------------------------------------------------

    def set_zoom(self, step: int) -> None:
        """Scale the font of the view area (not the menus or sidebar) by ``ZOOM_STEP**step``."""
        base = QFont(QApplication.font())
        font = QFont(base)
        factor = ZOOM_STEP**step
        if base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * factor)
        else:
            font.setPixelSize(max(6, round(base.pixelSize() * factor)))
        self.stack.setFont(font)


class ProductSelector(QComboBox):
    """The products of the open file; keeps the chosen one across reloads when it still exists."""

    productChosen = Signal(object)  # int, or None when the file has no product
    NONE_YET = "No products yet"
    NO_FILE = "No file open"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("productSelector")
        self.setAccessibleName("Product")
        self.setMinimumContentsLength(18)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setToolTip("The product the views show")
        self.setPlaceholderText(self.NONE_YET)
        self.currentIndexChanged.connect(self._index_changed)
        self._quiet = False

    def product_id(self) -> int | None:
        value = self.currentData()
        return int(value) if value is not None else None

    def show_opening(self) -> None:
        """While the file opens: no products yet to choose, and none claimed missing."""
        self._quiet = True
        try:
            self.clear()
        finally:
            self._quiet = False
        self.setPlaceholderText("Opening…")
        self.setEnabled(False)

    def set_products(
        self, products: Sequence[tuple[int, str]], keep: int | None, *, file_open: bool = True
    ) -> None:
        """Replace the list; select ``keep`` if present, else the first product (or none).
        Empty, it says why: the file has no products yet, or no file is open."""
        self.setPlaceholderText(self.NONE_YET if file_open else self.NO_FILE)
        previous = self.product_id()
        self._quiet = True
        try:
            self.clear()
            for product_id, name in products:
                self.addItem(name, product_id)
            index = self.findData(keep) if keep is not None else -1
            self.setCurrentIndex(index if index >= 0 else (0 if products else -1))
        finally:
            self._quiet = False
        self.setEnabled(bool(products))
        if self.product_id() != previous:
            self.productChosen.emit(self.product_id())

    def select(self, product_id: int) -> None:
        index = self.findData(product_id)
        if index >= 0:
            self.setCurrentIndex(index)

    def _index_changed(self, _index: int) -> None:
        if not self._quiet:
            self.productChosen.emit(self.product_id())
