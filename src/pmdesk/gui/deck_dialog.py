"""File > Export > PowerPoint Deck… and Excel Workbook…: choose, then write in a worker.

Both dialogs follow the PDF export dialog (:mod:`.export_dialog`): they only
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

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.exchange.deck import PORTFOLIO_DEFAULT, PRODUCT_DEFAULT, SLIDES
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

from .context import AppContext
from .ops import STEPS, BackgroundOp, OpToken, error_text

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

    token = token or OpToken()
    with open_workspace() as ws:
        return export_deck(
            ws,
            output,
            product_id=product_id,
            slides=list(slides),
            progress=token.steps(),
            cancelled=lambda: token.cancelled,
        )


def write_workbook(
    open_workspace: Callable[[], Workspace],
    output: Path,
    product_id: int | None,
    token: OpToken | None = None,
) -> Path:
    """Write one workbook with a workspace of its own (opened here, in the worker's thread)."""
    from pmdesk.exchange.workbook import export_workbook

    token = token or OpToken()
    with open_workspace() as ws:
        return export_workbook(
            ws,
            output,
            product_id=product_id,
            progress=token.steps(),
            cancelled=lambda: token.cancelled,
        )


def _open_file(path: Path) -> bool:
    """Whether a program took the file (False where the system has none for it)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class OfficeExportDialog(QDialog):
    """The product (or whole portfolio) and the file, then the export with a bar and Cancel.

    A subclass names the document (``TITLE``, ``WHAT``, ``SUFFIX``, ``FILTER``,
    ``NOUN``) and writes it (``_work``); the deck adds its slide picker.
    """

    TITLE = ""
    WHAT = ""  # the second half of the suggested file name
    SUFFIX = ""
    FILTER = ""
    NOUN = ""  # "deck", "workbook"

    exported = Signal(object)  # the Path written
    cancelled = Signal()
    failed = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None = None,
        parent: QWidget | None = None,
        *,
        choose_output: Callable[[QWidget, Path], Path | None] | None = None,
        open_file: Callable[[Path], bool | None] = _open_file,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.TITLE)
        self.setMinimumWidth(560)  # room for the file's path, which is read in full
        self.ctx = ctx
        self._choose_output = choose_output or self._ask_output
        self._open_file = open_file
        self.op: BackgroundOp | None = None  # the export, while it runs
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
        self.output_edit = QLineEdit()
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._browse)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(self.browse_button)
        self.open_after = QCheckBox(f"Open the {self.NOUN} when it is ready")
        self.open_after.setChecked(True)
        self.product_box.setAccessibleName("Product")
        self.output_edit.setAccessibleName("Save as")
        self.form = QFormLayout()
        self.form.addRow("Product", self.product_box)
        self._add_choices(self.form)
        self.form.addRow("Save as", output_row)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.open_after)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.product_box.currentIndexChanged.connect(self._product_changed)

    def _add_choices(self, form: QFormLayout) -> None:
        """Rows of the form between the product and the file (none by default)."""

    def _inputs(self) -> list[QWidget]:
        """What the person may change while no export runs."""
        return [self.product_box, self.output_edit, self.browse_button]

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
        current = self.output_edit.text().strip()
        if current:
            folder = Path(current).expanduser().parent
        else:
            workspace = self.ctx.workspace
            folder = Path.home() if workspace.is_team else Path(workspace.path).parent
        self.output_edit.setText(str(folder / file_name(self.subject(), self.WHAT, self.SUFFIX)))

    def _ask_output(self, parent: QWidget, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, self.TITLE, str(suggested), self.FILTER)
        return Path(name) if name else None

    def _browse(self) -> None:
        chosen = self._choose_output(self, Path(self.output_edit.text()))
        if chosen is not None:
            if chosen.suffix.lower() != self.SUFFIX:
                chosen = chosen.with_name(chosen.name + self.SUFFIX)
            self.output_edit.setText(str(chosen))

    def _refusal(self) -> str:
        """Why the export cannot start as chosen ("" when it can)."""
        return ""

    def _work(self, output: Path) -> Callable[[OpToken], Path]:
        raise NotImplementedError

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        """Export in a worker thread; the dialog stays responsive and can cancel."""
        if self.op is not None:
            return
        output = Path(self.output_edit.text().strip()).expanduser()
        refusal = self._refusal()
        if not self.output_edit.text().strip() or not output.name:
            refusal = f"Choose where to save the {self.NOUN}."
        if refusal:
            self.status.setText(refusal)
            return
        if output.suffix.lower() != self.SUFFIX:
            output = output.with_name(output.name + self.SUFFIX)
        # The dialog shows the progress and has the Cancel button itself.
        self.op = BackgroundOp(
            self, self._work(output), title=self.TITLE, show_progress=False, block_input=False
        )
        self.op.progressed.connect(self._progressed)
        self.op.succeeded.connect(self._done)
        self.op.failed.connect(lambda error: self._failed(error_text(error, "The export")))
        self.op.cancelled.connect(self._cancelled)
        self._set_running(True)
        self.status.setText("Exporting…")
        self.op.start()

    def cancel(self) -> None:
        if self.op is not None:
            self.op.cancel()
            self.status.setText("Cancelling…")

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running or self.progress.isVisible())
        if running:
            self.progress.setRange(0, 0)
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in self._inputs():
            widget.setEnabled(not running)

    @Slot(object, str)
    def _progressed(self, fraction: float | None, _text: str) -> None:
        if fraction is not None:
            self.progress.setRange(0, STEPS)
            self.progress.setValue(round(fraction * STEPS))

    def _finish_thread(self) -> None:
        self.op = None
        self._set_running(False)

    @Slot(object)
    def _done(self, path: Path) -> None:
        self._finish_thread()
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setText(f"Saved {path}")
        if self.open_after.isChecked() and self._open_file(path) is False:
            # Said, not swallowed: the person would otherwise wait for a window that never comes.
            self.status.setText(
                f"Saved {path}\nNo program could open it: the file is in {path.parent}"
            )
        self.exported.emit(path)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._finish_thread()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(message)
        self.failed.emit(message)

    @Slot()
    def _cancelled(self) -> None:
        self._finish_thread()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText("Cancelled: no file was written.")
        self.cancelled.emit()

    def done(self, result: int) -> None:
        """Closing the dialog mid-export cancels it and waits for the worker to stop."""
        if self.op is not None:
            self.op.cancel_and_wait()  # delivers the outcome: the op is gone after this
        super().done(result)


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
