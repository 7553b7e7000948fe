"""File > Export > PDF: choose what to print, then print it in a worker with progress and cancel.

The dialog only gathers choices into a :class:`PdfOptions`. The export runs as a
:class:`~pmdesk.gui.ops.BackgroundOp` (:func:`write_pdf` off the GUI thread),
which opens its **own** read-only Workspace (``Workspace.reopen_read_only``: the
file again, or a connection of its own to a team workspace's server; a session
never crosses threads); the dialog shows its progress in its own bar and never
blocks. The file appears only when the export completes (``export_pdf`` writes
a temporary file and renames it), so cancelling leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.exchange.pdf import (
    KINDS,
    NEEDS_PRODUCT,
    SECTIONS,
    PdfOptions,
    default_paper,
)
from pmdesk.exchange.pdf.options import OPT_IN
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

from .context import AppContext
from .export_run import ExportRunDialog, open_file, write_in_worker
from .ops import OpToken

PAPERS = ("A4", "Letter", "A3", "A2")
POSTERS = ("roadmap", "canvas")  # print on A3 unless told otherwise
LANDSCAPE = ("roadmap", "canvas", "stakeholders", "portfolio")
PDF_FILTER = "PDF documents (*.pdf)"


# The document that prints what a view shows; every other view prints the specification.
VIEW_KINDS = {
    "launch": "launch",
    "roadmap": "roadmap",
    "stakeholders": "stakeholders",
    "canvas": "canvas",
    "portfolio": "portfolio",
    "business_case": "business-case",
}


def kind_for_view(view: QWidget | None) -> str:
    """The document to offer first from ``view`` (the window tags each view with its key)."""
    key = view.property("viewKey") if view is not None else None
    return VIEW_KINDS.get(key or "", "spec")


def file_name(kind: str, subject: str) -> str:
    """ "Pulse Cloud – Product specification.pdf", with characters no file system takes removed."""
    stem = f"{subject} – {KINDS[kind]}" if subject else KINDS[kind]
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", stem)
    return " ".join(cleaned.split()).strip(" .") + ".pdf"


def write_pdf(
    open_workspace: Callable[[], Workspace],
    kind: str,
    output: Path,
    product_id: int | None,
    options: PdfOptions | None,
    token: OpToken | None = None,
) -> Path:
    """Write one PDF with a workspace of its own (opened here, in the worker's thread)."""
    from pmdesk.exchange.pdf import export_pdf

    return write_in_worker(
        open_workspace, token, export_pdf, kind, output, product_id=product_id, options=options
    )


class ExportDialog(ExportRunDialog):
    """Options for one PDF, then the export itself with a progress bar and Cancel."""

    TITLE = "Export PDF"
    NOUN = "PDF"
    SUFFIX = ".pdf"
    FILTER = PDF_FILTER
    VIEWER = "PDF viewer"

    def __init__(
        self,
        ctx: AppContext,
        kind: str = "spec",
        product_id: int | None = None,
        parent: QWidget | None = None,
        *,
        choose_output: Callable[[QWidget, Path], Path | None] | None = None,
        open_file: Callable[[Path], bool | None] = open_file,
    ) -> None:
        super().__init__(ctx, parent, choose_output=choose_output, open_file=open_file)
        self._products = ctx.service(PortfolioService).list_products()
        self._build()
        self.kind_box.setCurrentIndex(max(0, self.kind_box.findData(kind)))
        if product_id is not None:
            self.product_box.setCurrentIndex(max(0, self.product_box.findData(product_id)))
        self._kind_changed()

    # -- building ----------------------------------------------------------------------

    def _build(self) -> None:
        self.kind_box = QComboBox()
        for kind, label in KINDS.items():
            self.kind_box.addItem(label, kind)
        self.product_box = QComboBox()
        for product in self._products:
            self.product_box.addItem(product.name, product.id)
        self.paper_box = QComboBox()
        self.paper_box.addItems(PAPERS)
        self.orientation_box = QComboBox()
        self.orientation_box.addItem("Portrait", "portrait")
        self.orientation_box.addItem("Landscape", "landscape")
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("None (e.g. Confidential – internal only)")
        self.sections = QListWidget()
        self.sections.setMaximumHeight(150)
        output_row = self._build_output()
        # Named for screen readers: a combo box would otherwise be read by its current text.
        for widget, name in (
            (self.kind_box, "Document"),
            (self.product_box, "Product"),
            (self.paper_box, "Paper"),
            (self.orientation_box, "Orientation"),
        ):
            widget.setAccessibleName(name)
        form = QFormLayout()
        form.addRow("Document", self.kind_box)
        form.addRow("Product", self.product_box)
        form.addRow("Paper", self.paper_box)
        form.addRow("Orientation", self.orientation_box)
        form.addRow("Confidentiality", self.label_edit)
        form.addRow("Include", self.sections)
        form.addRow("Save as", output_row)
        self.roadmap_box = self._roadmap_options()
        self._build_run()
        self._finish_layout(form, self.roadmap_box)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.product_box.currentIndexChanged.connect(self._product_changed)

    def _roadmap_options(self) -> QGroupBox:
        box = QGroupBox("Roadmap")
        self.date_from = QDateEdit(calendarPopup=True)
        self.date_to = QDateEdit(calendarPopup=True)
        self.use_dates = QCheckBox("Only from")
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        today = QDate.currentDate()
        self.date_from.setDate(today.addMonths(-3))
        self.date_to.setDate(today.addMonths(15))
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        dates = QHBoxLayout()
        for widget in (self.use_dates, self.date_from, QLabel("to"), self.date_to):
            dates.addWidget(widget)
        dates.addStretch(1)
        self.date_from.setAccessibleName("From")
        self.date_to.setAccessibleName("To")
        self.lanes = QListWidget()
        self.lanes.setAccessibleName("Lanes")
        self.lanes.setMaximumHeight(110)
        self.split_pages = QRadioButton("Keep a readable scale; split across pages")
        self.one_page = QRadioButton("Fit on one large page")
        self.split_pages.setChecked(True)
        group = QButtonGroup(box)
        group.addButton(self.split_pages)
        group.addButton(self.one_page)
        self.chart_only = QCheckBox("Chart only (no title, legend or tables)")
        layout = QVBoxLayout(box)
        layout.addLayout(dates)
        layout.addWidget(QLabel("Lanes"))
        layout.addWidget(self.lanes)
        layout.addWidget(self.split_pages)
        layout.addWidget(self.one_page)
        layout.addWidget(self.chart_only)
        return box

    # -- following the choices ----------------------------------------------------------

    @property
    def kind(self) -> str:
        return self.kind_box.currentData()

    def _kind_changed(self) -> None:
        kind = self.kind
        self.product_box.setEnabled(kind in NEEDS_PRODUCT)
        self.sections.clear()
        for key, label in SECTIONS[kind].items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            offered = key in OPT_IN  # offered, unticked until asked for
            item.setCheckState(Qt.CheckState.Unchecked if offered else Qt.CheckState.Checked)
            self.sections.addItem(item)
        self.sections.setEnabled(bool(SECTIONS[kind]))
        paper = "A3" if kind in POSTERS else default_paper()
        self.paper_box.setCurrentText(paper)
        self.orientation_box.setCurrentIndex(1 if kind in LANDSCAPE else 0)
        self.roadmap_box.setVisible(kind == "roadmap")
        self._product_changed()

    def _product(self):
        wanted = self.product_box.currentData()
        return next((p for p in self._products if p.id == wanted), None)

    def _product_changed(self) -> None:
        product = self._product() if self.kind in NEEDS_PRODUCT else None
        self.label_edit.setText(product.confidentiality if product is not None else "")
        self.lanes.clear()
        if product is not None and self.kind == "roadmap":
            for lane in self.ctx.service(RoadmapService).lanes_of(product.id):
                item = QListWidgetItem(lane.name)
                item.setData(Qt.ItemDataRole.UserRole, lane.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked)
                self.lanes.addItem(item)
        subject = product.name if product is not None else self._portfolio_name()
        workspace = self.ctx.workspace
        folder = Path.home() if workspace.is_team else Path(workspace.path).parent
        self.output_edit.setText(str(folder / file_name(self.kind, subject)))

    def _portfolio_name(self) -> str:
        return self.ctx.service(PortfolioService).workspace_info().name

    @staticmethod
    def _checked(widget: QListWidget) -> list:
        return [
            widget.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def options(self) -> PdfOptions:
        """The choices made so far, as the exporter takes them."""
        kind = self.kind
        roadmap = kind == "roadmap"
        dates = roadmap and self.use_dates.isChecked()
        lanes = tuple(self._checked(self.lanes)) if roadmap else None
        if lanes is not None and len(lanes) == self.lanes.count():
            lanes = None  # every lane, including ones added later
        return PdfOptions(
            paper=self.paper_box.currentText(),
            orientation=self.orientation_box.currentData(),
            sections=frozenset(self._checked(self.sections)) if SECTIONS[kind] else None,
            confidentiality=self.label_edit.text().strip(),
            date_from=_date(self.date_from.date()) if dates else None,
            date_to=_date(self.date_to.date()) if dates else None,
            lanes=lanes,
            one_page=roadmap and self.one_page.isChecked(),
            chart_only=roadmap and self.chart_only.isChecked(),
        )

    # -- running ------------------------------------------------------------------------------

    def _work(self, output: Path) -> Callable[[OpToken], Path]:
        product_id = self.product_box.currentData() if self.kind in NEEDS_PRODUCT else None
        reopen, kind, options = self.ctx.workspace.reopen_read_only, self.kind, self.options()
        return lambda token: write_pdf(reopen, kind, output, product_id, options, token)

    def _inputs(self) -> list[QWidget]:
        return [
            self.kind_box,
            self.product_box,
            self.paper_box,
            self.orientation_box,
            self.label_edit,
            self.sections,
            *super()._inputs(),
            self.roadmap_box,
        ]

    def _set_running(self, running: bool) -> None:
        super()._set_running(running)
        if not running:
            self.product_box.setEnabled(self.kind in NEEDS_PRODUCT)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())
