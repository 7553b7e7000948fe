"""File > Export > PowerPoint Deck… and Excel Workbook…: choose, then write in a worker.

Both share the PDF export dialog's run (:mod:`.export_run`): they only
gather choices — the product (or the whole portfolio), for a deck the slides,
and the file — and the export runs as a :class:`~pmdesk.gui.ops.BackgroundOp`
with a read-only Workspace of its own (``Workspace.reopen_read_only``), showing
its progress in the dialog's own bar with Cancel beside it. The file appears
only when complete (``export_deck`` and ``export_workbook`` write beside the
target and rename), so cancelling leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.exchange.deck import PORTFOLIO_DEFAULT, PRODUCT_DEFAULT, SLIDES
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

from .context import AppContext
from .export_run import ExportRunDialog, open_file, write_in_worker
from .ops import OpToken

WHOLE_PORTFOLIO = "Whole portfolio"
# Views about the portfolio as a whole: from them a deck or workbook is of the portfolio.
PORTFOLIO_VIEWS = ("portfolio", "lifecycle")
NEEDS_PRODUCT_TIP = "About one product: choose a product above to include this slide"
PORTFOLIO_HINT = "The greyed slides are about one product: choose a product above to add them."
PRODUCT_HINT = "Slides appear in this order; a long roadmap or table goes on over more slides."


def file_name(subject: str, what: str, suffix: str) -> str:
    """ "Pulse Cloud – Review.pptx", with characters no file system takes removed."""
    stem = f"{subject} – {what}" if subject else what
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", stem)
    return " ".join(cleaned.split()).strip(" .") + suffix


def product_for_view(view: QWidget | None, product_id: int | None) -> int | None:
    """The product to offer first: none (the whole portfolio) from a portfolio-wide view."""
    key = view.property("viewKey") if view is not None else None
    return None if key in PORTFOLIO_VIEWS else product_id


def write_deck(
    open_workspace: Callable[[], Workspace],
    output: Path,
    product_id: int | None,
    slides: Sequence[str],
    token: OpToken | None = None,
) -> Path:
    """Write one deck with a workspace of its own (opened here, in the worker's thread)."""
    from pmdesk.exchange.deck import export_deck

    return write_in_worker(
        open_workspace, token, export_deck, output, product_id=product_id, slides=list(slides)
    )


def write_workbook(
    open_workspace: Callable[[], Workspace],
    output: Path,
    product_id: int | None,
    token: OpToken | None = None,
) -> Path:
    """Write one workbook with a workspace of its own (opened here, in the worker's thread)."""
    from pmdesk.exchange.workbook import export_workbook

    return write_in_worker(open_workspace, token, export_workbook, output, product_id=product_id)


class OfficeExportDialog(ExportRunDialog):
    """The product (or whole portfolio) and the file, then the export with a bar and Cancel.

    A subclass names the document (``TITLE``, ``WHAT``, ``SUFFIX``, ``FILTER``,
    ``NOUN``) and writes it (``_work``); the deck adds its slide picker.
    """

    WHAT = ""  # the second half of the suggested file name

    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None = None,
        parent: QWidget | None = None,
        *,
        choose_output: Callable[[QWidget, Path], Path | None] | None = None,
        open_file: Callable[[Path], bool | None] = open_file,
    ) -> None:
        super().__init__(ctx, parent, choose_output=choose_output, open_file=open_file)
        self._products = ctx.service(PortfolioService).list_products()
        self._build()
        self.product_box.setCurrentIndex(max(0, self.product_box.findData(product_id)))
        self._product_changed()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.product_box = QComboBox()
        self.product_box.addItem(WHOLE_PORTFOLIO, None)
        for product in self._products:
            self.product_box.addItem(product.name, product.id)
        self.product_box.setAccessibleName("Product")
        output_row = self._build_output()
        self.form = QFormLayout()
        self.form.addRow("Product", self.product_box)
        self._add_choices(self.form)
        self.form.addRow("Save as", output_row)
        self._build_run()
        self._finish_layout(self.form)
        self.product_box.currentIndexChanged.connect(self._product_changed)

    def _add_choices(self, form: QFormLayout) -> None:
        """Rows of the form between the product and the file (none by default)."""

    def _inputs(self) -> list[QWidget]:
        return [self.product_box, *super()._inputs()]

    # -- following the choices ----------------------------------------------------------

    @property
    def product_id(self) -> int | None:
        return self.product_box.currentData()

    def subject(self) -> str:
        """The product's name, or the portfolio's."""
        if self.product_id is None:
            return self.ctx.service(PortfolioService).workspace_info().name or "Portfolio"
        return self.product_box.currentText()

    def _product_changed(self) -> None:
        self._suggest(file_name(self.subject(), self.WHAT, self.SUFFIX))


class DeckDialog(OfficeExportDialog):
    """File > Export > PowerPoint Deck…: a product's review or the portfolio's, slide by slide.

    The slides are listed in the order the deck shows them; choosing a product
    (or the whole portfolio) ticks that review's usual slides, and a product's
    slides cannot be ticked for the whole portfolio.
    """

    TITLE = "Export PowerPoint Deck"
    WHAT = "Review"
    SUFFIX = ".pptx"
    FILTER = "PowerPoint decks (*.pptx)"
    NOUN = "deck"

    def _add_choices(self, form: QFormLayout) -> None:
        self.slides = QListWidget()
        self.slides.setAccessibleName("Slides")
        for key, kind in SLIDES.items():
            item = QListWidgetItem(kind.label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.slides.addItem(item)
        self.slides.itemChanged.connect(self._slides_changed)
        # Every slide in view without a scroll bar, measured in the font it is shown in.
        self.slides.ensurePolished()
        rows = self.slides.sizeHintForRow(0) * self.slides.count()
        self.slides.setFixedHeight(rows + 2 * self.slides.frameWidth() + 2)
        self.slides_hint = QLabel(PORTFOLIO_HINT)
        self.slides_hint.setWordWrap(True)
        self.slides_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column = QVBoxLayout()
        column.addWidget(self.slides)
        column.addWidget(self.slides_hint)
        form.addRow("Slides", column)

    def _inputs(self) -> list[QWidget]:
        return [*super()._inputs(), self.slides]

    def _product_changed(self) -> None:
        """The review's usual slides; a product's slides only when a product is chosen."""
        portfolio = self.product_id is None
        defaults = PORTFOLIO_DEFAULT if portfolio else PRODUCT_DEFAULT
        blocked = self.slides.blockSignals(True)
        for item in self._items():
            key = item.data(Qt.ItemDataRole.UserRole)
            allowed = not (portfolio and SLIDES[key].needs_product)
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if allowed else flags)
            item.setToolTip("" if allowed else NEEDS_PRODUCT_TIP)
            checked = allowed and key in defaults
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.slides.blockSignals(blocked)
        self.slides_hint.setText(PORTFOLIO_HINT if portfolio else PRODUCT_HINT)
        self._slides_changed()
        super()._product_changed()

    def _items(self) -> list[QListWidgetItem]:
        return [self.slides.item(row) for row in range(self.slides.count())]

    def chosen_slides(self) -> list[str]:
        """The slides ticked, in the order the deck shows them."""
        return [
            item.data(Qt.ItemDataRole.UserRole)
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
            and item.flags() & Qt.ItemFlag.ItemIsEnabled
        ]

    def _slides_changed(self, _item: QListWidgetItem | None = None) -> None:
        if self.op is None:
            self.export_button.setEnabled(bool(self.chosen_slides()))

    def _refusal(self) -> str:
        return "" if self.chosen_slides() else "Tick at least one slide."

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        if not running:
            self._slides_changed()

    def _work(self, output: Path) -> Callable[[OpToken], Path]:
        reopen, product, slides = (
            self.ctx.workspace.reopen_read_only,
            self.product_id,
            self.chosen_slides(),
        )
        return lambda token: write_deck(reopen, output, product, slides, token)


class WorkbookDialog(OfficeExportDialog):
    """File > Export > Excel Workbook…: one product's tables or the whole portfolio's."""

    TITLE = "Export Excel Workbook"
    WHAT = "Workbook"
    SUFFIX = ".xlsx"
    FILTER = "Excel workbooks (*.xlsx)"
    NOUN = "workbook"

    def _work(self, output: Path) -> Callable[[OpToken], Path]:
        reopen, product = self.ctx.workspace.reopen_read_only, self.product_id
        return lambda token: write_workbook(reopen, output, product, token)
