"""The Market view: a product's competitors with their threat, and the deals won and lost.

Competitors are edited in place (the table and the form beside it); the four threat
criteria are spin boxes with every criterion's part shown, the way RICE shows its
factors. Every edit is one undo step (:class:`MarketCommand` over MarketService); a
refused edit says why and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.market import AXES, SCORE_MAX, THREAT_CRITERIA, DealOutcome, threat_parts
from pmdesk.core.wording import short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import heading, name_parts, quiet, tabs
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.look import Look, row_height
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.market import CompetitorRow, MarketService

from .commands import MarketCommand
from .feedback import FeedbackPanel
from .matrix import LEGEND, CellDialog, MatrixModel
from .mix import MixTab
from .models import CompetitorsModel, DealsModel, SummaryModel
from .positioning import PositioningChart
from .signals import SignalsPanel

MARKET_KINDS = (
    ChangeKind.COMPETITOR,
    ChangeKind.PRODUCT_COMPETITOR,
    ChangeKind.WIN_LOSS,
    ChangeKind.CAPABILITY,
    ChangeKind.COMPARISON_CELL,
)

# The form's text fields beside the competitors table: (field, label).
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("website", "Website"),
    ("positioning", "Positioning"),
    ("pricing", "Pricing"),
    ("strengths", "Strengths"),
    ("weaknesses", "Weaknesses"),
    ("recent_moves", "Recent moves"),
)


def _table(model: Any, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cells
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.AnyKeyPressed
    )
    return view


class MarketView(BaseView):
    viewRequested = Signal(str)  # another view's key: the window shows it (the mix's buttons)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(MarketService)
        self.portfolio = ctx.service(PortfolioService)
        self.competitors: list[CompetitorRow] = []
        self.current: CompetitorRow | None = None
        self._filling = False
        self.look = Look()
        self._build()
        self.follow_changes(self._follow)
        name_parts(self)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading("Market")
        self.status = quiet()
        self.status.setObjectName("marketStatus")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        self.content_layout.addLayout(top)
        self.signals = SignalsPanel(self.ctx)
        self.feedback = FeedbackPanel(self.ctx)
        self.mix_tab = MixTab(self.ctx)
        self.mix_tab.viewRequested.connect(self.viewRequested)
        self.tabs = tabs(
            (self._competitors_page(), "Competitors"),
            (self._matrix_page(), "Comparison matrix"),
            (self._positioning_page(), "Positioning"),
            (self._deals_page(), "Win/loss"),
            (self.signals, "Signals"),
            (self.feedback, "Feedback"),
            (self.mix_tab, "Marketing mix"),
            name="Market",
        )
        self.content_layout.addWidget(self.tabs, 1)

    def _add_row(self) -> QHBoxLayout:
        """Add a competitor: a new name, or one from the workspace not linked yet."""
        self.add_box = QComboBox()
        self.add_box.setEditable(True)
        self.add_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.add_box.setAccessibleName("Competitor to add")
        self.add_box.setToolTip(
            "Type a new competitor's name, or choose one from the workspace to link it here"
        )
        self.add_box.lineEdit().setPlaceholderText("New competitor, or one from the workspace")
        self.add_box.setMinimumWidth(260)
        self.add_box.lineEdit().returnPressed.connect(lambda: self.add_competitor())
        self.add_button = QPushButton("Add competitor")
        self.add_button.clicked.connect(lambda: self.add_competitor())
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.setToolTip("Stop comparing this product with the competitor")
        self.unlink_button.clicked.connect(lambda: self.unlink_selected())
        self.delete_button = QPushButton("Delete competitor")
        self.delete_button.setToolTip(
            "Delete the competitor from the workspace, with its cells and deals"
        )
        self.delete_button.clicked.connect(lambda: self.delete_selected())
        row = QHBoxLayout()
        row.addWidget(self.add_box)
        row.addWidget(self.add_button)
        row.addStretch(1)
        row.addWidget(self.unlink_button)
        row.addWidget(self.delete_button)
        return row

    def _competitors_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(self._add_row())
        self.competitors_hint = next_step_hint(
            "No competitors yet — Add competitor: type its name above and press Add competitor",
            hidden=True,
        )
        layout.addWidget(self.competitors_hint)
        self.model = CompetitorsModel(self._edit_competitor, self)
        self.table = _table(self.model, "Competitors")
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_current())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self._form())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        return page

    def _form(self) -> QWidget:
        box = QGroupBox("Selected competitor")
        self.form_box = box
        outer = QVBoxLayout(box)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for field, label in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(label)
            edit.editingFinished.connect(lambda f=field: self._text_edited(f))
            form.addRow(label, edit)
            self.fields[field] = edit
        outer.addLayout(form)
        threat = QGroupBox("Threat")
        grid = QGridLayout(threat)
        self.spins: dict[str, QSpinBox] = {}
        self.part_labels: dict[str, QLabel] = {}
        for row, criterion in enumerate(THREAT_CRITERIA):
            label = QLabel(f"{criterion.label} ({criterion.weight:.0%})")
            spin = QSpinBox()
            spin.setRange(0, SCORE_MAX)
            spin.setAccessibleName(criterion.label)
            spin.setToolTip(f"0 none … 5: {criterion.question}")
            spin.valueChanged.connect(lambda v, k=criterion.key: self._score_changed(k, v))
            label.setBuddy(spin)
            part = QLabel()
            part.setObjectName(f"part_{criterion.key}")
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(part, row, 2)
            self.spins[criterion.key] = spin
            self.part_labels[criterion.key] = part
        self.score_label = QLabel()
        self.score_label.setObjectName("threatScore")
        font = QFont(self.score_label.font())
        font.setBold(True)
        self.score_label.setFont(font)
        grid.addWidget(QLabel("Threat score"), len(THREAT_CRITERIA), 0)
        grid.addWidget(self.score_label, len(THREAT_CRITERIA), 1, 1, 2)
        grid.setColumnStretch(2, 1)
        outer.addWidget(threat)
        outer.addStretch(1)
        return box

    def _matrix_page(self) -> QWidget:
        page = QWidget()
        self.matrix_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.capability_name = QLineEdit()
        self.capability_name.setPlaceholderText("New capability to compare")
        self.capability_name.setAccessibleName("Capability to add")
        self.capability_name.returnPressed.connect(lambda: self.add_capability())
        self.add_capability_button = QPushButton("Add capability")
        self.add_capability_button.clicked.connect(lambda: self.add_capability())
        self.from_requirements_button = QPushButton("From requirements")
        self.from_requirements_button.setToolTip(
            "A row for each of the product's requirements not compared yet"
        )
        self.from_requirements_button.clicked.connect(lambda: self.add_from("requirements"))
        self.from_canvas_button = QPushButton("From canvas")
        self.from_canvas_button.setToolTip(
            "A row for each key-feature note of the product's canvases not compared yet"
        )
        self.from_canvas_button.clicked.connect(lambda: self.add_from("canvas"))
        self.delete_capability_button = QPushButton("Delete capability")
        self.delete_capability_button.clicked.connect(lambda: self.delete_capability())
        row.addWidget(self.capability_name, 1)
        for button in (
            self.add_capability_button,
            self.from_requirements_button,
            self.from_canvas_button,
            self.delete_capability_button,
        ):
            row.addWidget(button)
        layout.addLayout(row)
        self.matrix_hint = next_step_hint(
            "No capabilities yet — Add capability, or take them From requirements or "
            "From canvas; then press Enter on a cell to say how fully each product covers it",
            hidden=True,
        )
        layout.addWidget(self.matrix_hint)
        self.matrix = MatrixModel(self._rename_capability, self)
        self.matrix_view = _table(self.matrix, "Comparison matrix")
        self.matrix_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.matrix_view.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.matrix_view.activated.connect(lambda index: self.edit_cell(index))
        self.matrix_view.doubleClicked.connect(lambda index: self.edit_cell(index))
        self.matrix_view.selectionModel().currentChanged.connect(
            lambda *_a: self._capability_chosen()
        )
        layout.addWidget(self.matrix_view, 1)
        self.legend = quiet(LEGEND)
        self.legend.setObjectName("matrixLegend")
        self.legend.setWordWrap(True)
        layout.addWidget(self.legend)
        self.cell_dialog: CellDialog | None = None
        return page

    def _positioning_page(self) -> QWidget:
        page = QWidget()
        self.positioning_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.x_box = QComboBox()
        self.y_box = QComboBox()
        for box, name, key in (
            (self.x_box, "Across", "price_index"),
            (self.y_box, "Up", "capability"),
        ):
            box.setAccessibleName(f"{name} axis")
            for each in AXES:
                box.addItem(each.label, each.key)
            box.setCurrentIndex(box.findData(key))
            box.activated.connect(lambda _n: self._draw_positioning())
            label = QLabel(name)
            label.setBuddy(box)
            row.addWidget(label)
            row.addWidget(box)
            row.addSpacing(12)
        row.addStretch(1)
        layout.addLayout(row)
        self.chart = PositioningChart()
        self.chart.setAccessibleName("Positioning chart")
        layout.addWidget(self.chart, 1)
        self.left_out = quiet()
        self.left_out.setObjectName("leftOut")
        self.left_out.setWordWrap(True)
        layout.addWidget(self.left_out)
        return page

    def _draw_positioning(self) -> None:
        pid = self.product_id
        if pid is None:
            self.chart.set_points([], "price_index", "capability")
            self.left_out.clear()
            return
        x, y = self.x_box.currentData(), self.y_box.currentData()
        points, left_out = self.service.positioning(pid, x, y)
        self.chart.set_points(points, x, y)
        self.left_out.setText(
            "Left out (no value on an axis yet): " + ", ".join(left_out) if left_out else ""
        )
        self.left_out.setVisible(bool(left_out))

    def _deals_page(self) -> QWidget:
        page = QWidget()
        self.deals_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        self.deal_competitor = QComboBox()
        self.deal_competitor.setAccessibleName("Deal competitor")
        self.deal_outcome = QComboBox()
        self.deal_outcome.setAccessibleName("Deal outcome")
        for outcome in DealOutcome:
            self.deal_outcome.addItem(outcome.label, outcome.value)
        self.deal_date = QDateEdit()
        self.deal_date.setCalendarPopup(True)
        self.deal_date.setDisplayFormat("yyyy-MM-dd")
        self.deal_date.setDate(QDate.currentDate())
        self.deal_date.setAccessibleName("Deal date")
        self.deal_name = QLineEdit()
        self.deal_name.setPlaceholderText("Deal")
        self.deal_name.setAccessibleName("Deal")
        self.deal_reason = QLineEdit()
        self.deal_reason.setPlaceholderText("Reason")
        self.deal_reason.setAccessibleName("Deal reason")
        self.deal_value = QLineEdit()
        self.deal_value.setPlaceholderText("Value")
        self.deal_value.setAccessibleName("Deal value")
        self.deal_value.setMaximumWidth(110)
        self.add_deal_button = QPushButton("Add deal")
        self.add_deal_button.clicked.connect(lambda: self.add_deal())
        self.delete_deal_button = QPushButton("Delete deal")
        self.delete_deal_button.clicked.connect(lambda: self.delete_deal())
        for widget in (
            self.deal_competitor,
            self.deal_outcome,
            self.deal_date,
            self.deal_name,
            self.deal_reason,
            self.deal_value,
            self.add_deal_button,
        ):
            row.addWidget(widget, 1 if isinstance(widget, QLineEdit) else 0)
        row.addWidget(self.delete_deal_button)
        layout.addLayout(row)
        self.deals_hint = next_step_hint(
            "No deals yet — Add competitor first, then Add deal for each deal won or lost "
            "against it",
            hidden=True,
        )
        layout.addWidget(self.deals_hint)
        self.deals = DealsModel(self._edit_deal, self)
        self.deals_view = _table(self.deals, "Deals")
        self.deals_view.selectionModel().currentRowChanged.connect(lambda *_a: self._deal_chosen())
        self.summary = SummaryModel(self)
        self.summary_view = _table(self.summary, "Win/loss by competitor")
        self.summary_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.deals_view)
        split.addWidget(self.summary_view)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        return page

    # -- loading ----------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self._reload()
        self.signals.show_product(product_id)
        self.feedback.show_product(product_id)
        self.mix_tab.show_product(product_id)

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is not None and changes.touches(*MARKET_KINDS, ChangeKind.PRODUCT):
            self._reload()

    def _reload(self) -> None:
        selected = self.current.id if self.current is not None else None
        pid = self.product_id
        self.competitors = self.service.competitors(pid) if pid is not None else []
        self.model.set_rows(self.competitors)
        names = {c.id: c.name for c in self.service.competitors()}
        linked = {c.id for c in self.competitors}
        self._filling = True
        try:
            text = self.add_box.currentText()
            self.add_box.clear()
            for cid, name in sorted(names.items(), key=lambda kv: kv[1].casefold()):
                if cid not in linked:
                    self.add_box.addItem(name, cid)
            self.add_box.setEditText(text)
            current_deal = self.deal_competitor.currentData()
            self.deal_competitor.clear()
            for competitor in self.competitors:
                self.deal_competitor.addItem(competitor.name, competitor.id)
            found = self.deal_competitor.findData(current_deal)
            self.deal_competitor.setCurrentIndex(max(found, 0))
        finally:
            self._filling = False
        self.matrix.set_matrix(self.service.matrix(pid) if pid is not None else None)
        self._draw_positioning()
        self.deals.names = names
        self.summary.names = names
        deals = self.service.win_losses(product_id=pid) if pid is not None else []
        self.deals.set_rows(deals)
        summaries = self.service.win_loss_summaries(product_id=pid) if pid is not None else {}
        self.summary.set_rows(
            sorted(summaries.values(), key=lambda s: names.get(s.competitor_id, "").casefold())
        )
        for view in (self.table, self.deals_view, self.summary_view, self.matrix_view):
            view.resizeColumnsToContents()
        row = self.model.row_of(selected) if selected is not None else None
        if row is None and self.competitors:
            row = 0
        if row is not None:
            self.table.selectRow(row)
        self._show_current()
        self._show_state()

    def _show_state(self) -> None:
        writable = not self.ctx.read_only and self.product_id is not None
        empty = not self.competitors
        self.competitors_hint.setVisible(empty)
        self.matrix_hint.setVisible(self.matrix.rowCount() == 0)
        self.legend.setVisible(self.matrix.rowCount() > 0)
        for widget in (
            self.capability_name,
            self.add_capability_button,
            self.from_requirements_button,
            self.from_canvas_button,
        ):
            widget.setEnabled(writable)
        self.delete_capability_button.setEnabled(
            writable and self._current_capability() is not None
        )
        self.deals_hint.setVisible(not self.deals.rows)
        for widget in (self.add_box, self.add_button):
            widget.setEnabled(writable)
        has_current = self.current is not None
        self.unlink_button.setEnabled(writable and has_current)
        self.delete_button.setEnabled(writable and has_current)
        self.add_deal_button.setEnabled(writable and not empty)
        self.delete_deal_button.setEnabled(writable and self._current_deal() is not None)
        threats = sorted(self.competitors, key=lambda c: -c.threat.value)
        if empty:
            self.status.setText("No competitors linked to this product")
        else:
            lead = threats[0]
            self.status.setText(
                f"{len(self.competitors)} competitor{'s' if len(self.competitors) != 1 else ''}"
                f" · highest threat: {lead.name} ({lead.threat.value:.0f}, "
                f"{lead.threat.level.label.lower()})"
            )

    def _show_current(self) -> None:
        index = self.table.currentIndex()
        row = index.row() if index.isValid() else -1
        self.current = self.model.rows[row] if 0 <= row < len(self.model.rows) else None
        current = self.current
        self._filling = True
        try:
            self.form_box.setEnabled(current is not None and not self.ctx.read_only)
            self.form_box.setTitle(current.name if current is not None else "Selected competitor")
            for field, edit in self.fields.items():
                edit.setText(getattr(current, field) if current is not None else "")
                edit.setCursorPosition(0)
            for key, spin in self.spins.items():
                spin.setValue(current.scores.get(key, 0) if current is not None else 0)
        finally:
            self._filling = False
        self._show_parts()
        self.unlink_button.setEnabled(current is not None and not self.ctx.read_only)
        self.delete_button.setEnabled(current is not None and not self.ctx.read_only)
        self.selectionChanged.emit()

    def _show_parts(self) -> None:
        current = self.current
        if current is None:
            for label in self.part_labels.values():
                label.clear()
            self.score_label.clear()
            return
        parts = threat_parts(current.threat)
        for part, (key, label) in zip(parts, self.part_labels.items(), strict=False):
            label.setText(part[1])
            label.setToolTip(next(c.question for c in THREAT_CRITERIA if c.key == key))
        self.score_label.setText(parts[-1][1].removeprefix("= "))
        self.score_label.setToolTip(current.threat.explain())

    def _deal_chosen(self) -> None:
        writable = not self.ctx.read_only and self.product_id is not None
        self.delete_deal_button.setEnabled(writable and self._current_deal() is not None)
        self.selectionChanged.emit()

    def _current_capability(self) -> Any:
        index = self.matrix_view.currentIndex()
        matrix = self.matrix.matrix
        if matrix is None or not index.isValid() or self.matrix.is_coverage(index.row()):
            return None
        rows = matrix.capabilities
        return rows[index.row()] if index.row() < len(rows) else None

    def _capability_chosen(self) -> None:
        writable = not self.ctx.read_only and self.product_id is not None
        self.delete_capability_button.setEnabled(
            writable and self._current_capability() is not None
        )
        self.selectionChanged.emit()

    def _current_deal(self) -> Any:
        index = self.deals_view.currentIndex()
        rows = self.deals.rows
        return rows[index.row()] if index.isValid() and index.row() < len(rows) else None

    # -- edits, each one undo step ----------------------------------------------------------

    def _run(self, action: Callable[[], Any], text: str) -> Any:
        command = MarketCommand(self.service, action, text)
        return command.result if self.ctx.run(command) else None

    def _ran(self, action: Callable[[], Any], text: str) -> bool:
        return self.ctx.run(MarketCommand(self.service, action, text))

    def add_competitor(self, name: str | None = None) -> int | None:
        """Link the named competitor of the workspace, or add a new one: one undo step."""
        pid = self.product_id
        if pid is None or self.ctx.read_only:
            return None
        text = " ".join((self.add_box.currentText() if name is None else name).split())
        if not text:
            self.ctx.errorRaised.emit("Type the competitor's name first")
            return None
        existing = next(
            (c for c in self.service.competitors() if c.name.casefold() == text.casefold()), None
        )
        if existing is not None:
            if pid in existing.product_ids:
                self.ctx.errorRaised.emit(f"“{existing.name}” is a competitor here already")
                return None
            ok = self._ran(
                lambda: self.service.link_product(existing.id, pid),
                f"Add competitor “{existing.name}”",
            )
            new_id = existing.id if ok else None
        else:
            new_id = self._run(
                lambda: self.service.add_competitor(text, product_ids=[pid]),
                f"Add competitor “{text}”",
            )
        if new_id is not None:
            self.add_box.setEditText("")
            self.select_competitor(new_id)
        return new_id

    def select_competitor(self, competitor_id: int) -> None:
        row = self.model.row_of(competitor_id)
        if row is not None:
            self.table.selectRow(row)
            self._show_current()

    def unlink_selected(self) -> bool:
        current, pid = self.current, self.product_id
        if current is None or pid is None:
            return False
        return self._ran(
            lambda: self.service.unlink_product(current.id, pid),
            f"Unlink competitor “{current.name}”",
        )

    def delete_selected(self) -> None:
        if self.tabs.currentWidget() is self.deals_page:
            self.delete_deal()
            return
        if self.tabs.currentWidget() is self.signals:
            self.signals.delete_selected()
            return
        if self.tabs.currentWidget() in (self.feedback, self.mix_tab):
            return  # feedback is archived with a reason; the mix's entries live elsewhere
        if self.tabs.currentWidget() is self.matrix_page:
            self.delete_capability()
            return
        current = self.current
        if current is None or self.ctx.read_only:
            return
        self._ran(
            lambda: self.service.delete_competitor(current.id),
            f"Delete competitor “{current.name}”",
        )

    def has_selection(self) -> bool:
        if self.tabs.currentWidget() is self.deals_page:
            return self._current_deal() is not None
        if self.tabs.currentWidget() is self.signals:
            return self.signals.current() is not None
        if self.tabs.currentWidget() in (self.feedback, self.mix_tab):
            return False
        if self.tabs.currentWidget() is self.matrix_page:
            return self._current_capability() is not None
        return self.current is not None

    def _edit_competitor(self, row: CompetitorRow, field: str, text: str) -> bool:
        if self.ctx.read_only:
            return False
        value: Any = text.strip() or None if field in ("market_share", "price_index") else text
        label = dict(TEXT_FIELDS).get(field, field.replace("_", " ").capitalize())
        return self._ran(
            lambda: self.service.update_competitor(row.id, **{field: value}),
            f"Edit the {label.lower()} of “{row.name}”",
        )

    def _text_edited(self, field: str) -> None:
        current = self.current
        if self._filling or current is None:
            return
        text = self.fields[field].text()
        if text == getattr(current, field):
            return
        if not self._edit_competitor(current, field, text):
            self.fields[field].setText(getattr(current, field))  # refused: shown as it is

    def _score_changed(self, key: str, value: int) -> None:
        current = self.current
        if self._filling or current is None or current.scores.get(key) == value:
            return
        label = next(c.label for c in THREAT_CRITERIA if c.key == key)
        if not self._ran(
            lambda: self.service.set_threat_scores(current.id, **{key: value}),
            f"Set {label.lower()} of “{current.name}” to {value}",
        ):
            self._show_current()

    def add_capability(self) -> int | None:
        pid = self.product_id
        if pid is None or self.ctx.read_only:
            return None
        name = " ".join(self.capability_name.text().split())
        if not name:
            self.ctx.errorRaised.emit("Type the capability to compare first")
            return None
        new_id = self._run(
            lambda: self.service.add_capability(pid, name), f"Add capability “{name}”"
        )
        if new_id is not None:
            self.capability_name.clear()
        return new_id

    def add_from(self, source: str) -> list[int]:
        """Rows from the product's requirements or its canvas's key features: one step;
        with none left to add, said and nothing changes."""
        pid = self.product_id
        if pid is None or self.ctx.read_only:
            return []
        service = self.service
        what = "requirement" if source == "requirements" else "key-feature note of its canvas"

        def add() -> list[int]:
            if source == "requirements":
                added = service.add_capabilities_from_requirements(pid)
            else:
                added = service.add_capabilities_from_canvas(pid)
            if not added:
                raise PmdeskError(
                    f"Nothing to add: every {what} of this product is a row already, "
                    "or it has none yet"
                )
            return added

        return self._run(add, f"Add capabilities from the {source}") or []

    def delete_capability(self) -> bool:
        capability = self._current_capability()
        if capability is None or self.ctx.read_only:
            return False
        return self._ran(
            lambda: self.service.delete_capability(capability.id),
            f"Delete capability “{capability.name}”",
        )

    def _rename_capability(self, capability_id: int, text: str) -> bool:
        if self.ctx.read_only:
            return False
        return self._ran(
            lambda: self.service.update_capability(capability_id, name=text.strip()),
            f"Rename capability to “{text.strip()}”",
        )

    def edit_cell(self, index: Any) -> CellDialog | None:
        """A small dialog for the cell: level, evidence, checked on (today by default)."""
        found = self.matrix.cell_at(index)
        matrix = self.matrix.matrix
        if found is None or matrix is None or self.ctx.read_only:
            if index.isValid() and index.column() == 0 and not self.ctx.read_only:
                self.matrix_view.edit(index)
            return None
        capability_id, competitor_id = found
        cell = matrix.cell(capability_id, competitor_id)
        column = self.matrix.headerData(index.column(), Qt.Orientation.Horizontal, 0)
        row = matrix.capabilities[index.row()].name
        dialog = CellDialog(
            f"{row} — {column}",
            matrix.level(capability_id, competitor_id),
            cell.evidence if cell is not None else "",
            self,
        )
        dialog.accepted.connect(
            lambda: self._set_cell(capability_id, competitor_id, dialog, f"{row} — {column}")
        )
        dialog.finished.connect(lambda _r: setattr(self, "cell_dialog", None))
        self.cell_dialog = dialog
        dialog.open()
        return dialog

    def _set_cell(
        self, capability_id: int, competitor_id: int | None, dialog: CellDialog, what: str
    ) -> bool:
        level, evidence, checked_on = dialog.values()
        return self._ran(
            lambda: self.service.set_cell(
                capability_id, competitor_id, level, evidence, checked_on
            ),
            f"Set {what} to {level.label}",
        )

    def add_deal(self) -> int | None:
        pid = self.product_id
        competitor_id = self.deal_competitor.currentData()
        if pid is None or competitor_id is None or self.ctx.read_only:
            return None
        outcome = DealOutcome(self.deal_outcome.currentData())
        date = self.deal_date.date().toPython()
        deal = self.deal_name.text().strip()
        reason = self.deal_reason.text().strip()
        value = self.deal_value.text().strip() or None
        name = self.deal_competitor.currentText()
        new_id = self._run(
            lambda: self.service.add_win_loss(
                competitor_id,
                outcome,
                date,
                deal=deal,
                reason=reason,
                value=value,
                product_id=pid,
            ),
            f"Add a deal {outcome.label.lower()} against “{name}”",
        )
        if new_id is not None:
            for edit in (self.deal_name, self.deal_reason, self.deal_value):
                edit.clear()
            row = self.deals.row_of(new_id)
            if row is not None:
                self.deals_view.selectRow(row)
        return new_id

    def delete_deal(self) -> bool:
        deal = self._current_deal()
        if deal is None or self.ctx.read_only:
            return False
        return self._ran(
            lambda: self.service.delete_win_loss(deal.id),
            f"Delete the deal “{deal.deal or short_date(deal.date)}”",
        )

    def _edit_deal(self, row: Any, field: str, text: str) -> bool:
        if self.ctx.read_only:
            return False
        value: Any = (text.strip() or None) if field == "value" else text.strip()
        return self._ran(
            lambda: self.service.update_win_loss(row.id, **{field: value}),
            f"Edit the {field} of a deal",
        )

    # -- the window's hooks -----------------------------------------------------------------

    def start_voting(self) -> bool:
        """Workshop ▸ Start Dot Voting: a round on the product's feedback items, in its tab."""
        if self.product_id is None or self.ctx.read_only:
            return False
        self.tabs.setCurrentWidget(self.feedback)
        return self.feedback.start_voting()

    def export_image(self, path: Path) -> Path:
        return export_widget(self.content, path, title="Market")

    def set_presentation(self, theme: Any | None) -> None:
        """The competitors and their threat as a room reads them: no editing chrome,
        larger rows."""
        self.look.restore()
        super().set_presentation(theme)
        self.signals.set_presentation(theme)
        self.feedback.set_presentation(theme)
        self.mix_tab.set_presentation(theme)
        if theme is None:
            return
        look = self.look
        # Every tab's editing chrome, shown or not yet: a tab chosen in front of the room
        # reads, it does not offer edits.
        look.hide(
            self.form_box,
            self.add_box,
            self.add_button,
            self.unlink_button,
            self.delete_button,
            self.capability_name,
            self.add_capability_button,
            self.from_requirements_button,
            self.from_canvas_button,
            self.delete_capability_button,
            self.deal_competitor,
            self.deal_outcome,
            self.deal_date,
            self.deal_name,
            self.deal_reason,
            self.deal_value,
            self.add_deal_button,
            self.delete_deal_button,
        )
        look.call(self.chart.setMinimumHeight, self.chart.minimumHeight(), theme.body_px * 12)
        if self.tabs.currentWidget() is self.deals_page:
            look.tab(self.tabs, self.matrix_page)  # the room compares; deals stay at the desk
        for view in (self.table, self.deals_view, self.summary_view, self.matrix_view):
            look.read_only(view)
            look.rows(view, row_height(theme))
            look.call(lambda _v, v=view: v.resizeColumnsToContents(), None, None)
