"""The business case of one product: assumptions, scenarios, cash flow, sensitivity, sign-off.

What a product manager does here: set the drivers (market, ramp, price, costs,
investment, discount rate) as they would write them, try Worst, Base and Best (and any
named scenario) side by side, read the cash flow and the figures a gate decides on (NPV,
IRR, payback, ROI, break-even, peak funding), see which driver moves the NPV most, and
have the case signed off at the Analysis gate. A signed version stays readable as it was
signed; editing afterwards makes a draft, "changed since v2".

Every figure is worked out by ``core.finance`` from the case the view holds, again
whenever an edit lands (the case is read once per change, never per figure). Every edit
is one undo step (:class:`FinanceCommand` over FinanceService).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QSize, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.core.finance import (
    SPECS,
    BusinessCase,
    Period,
    PricingModel,
    ScenarioResult,
    evaluate_all,
    sensitivity,
)
from pmdesk.core.finance_wording import (
    FIGURE_ROWS,
    parse_driver,
    period_label,
    period_noun,
    value_text,
)
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.palette import OKABE_ITO
from pmdesk.core.pricing import check_currency, format_money, format_rate
from pmdesk.core.wording import short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import heading, name_parts, quiet, tabs, unique_name
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.look import Look, row_height
from pmdesk.store.services import LifecycleService, PortfolioService, StakeholderService
from pmdesk.store.services.finance import (
    BASE,
    CaseDetails,
    FinanceService,
    VersionRow,
    case_from_content,
)

from .charts import CashFlowChart, CashFlowData, TornadoChart, TornadoData
from .commands import FinanceCommand
from .models import (
    CaseInputs,
    CashFlowModel,
    DriverModel,
    FiguresModel,
    OverrideModel,
    VersionLine,
    VersionModel,
)
from .pnl import PnlPanel
from .pricing import PricingPanel
from .signoff import SignOffDialog

FINANCE_KINDS = (
    ChangeKind.BUSINESS_CASE,
    ChangeKind.BUSINESS_DRIVER,
    ChangeKind.BUSINESS_SCENARIO,
    ChangeKind.SCENARIO_OVERRIDE,
    ChangeKind.BUSINESS_CASE_VERSION,
    ChangeKind.COST_ITEM,  # the cost build-up is the unit cost
)
CURRENCIES = ("EUR", "USD", "GBP", "CHF", "SEK", "NOK", "DKK", "JPY", "CAD", "AUD")
TILES = ("npv", "irr_annual", "payback", "peak_funding", "roi")
DRAFT = "Draft"
DEFAULTED = ("Worst", "Best")  # the scenarios made from the base by default factors
SENSITIVITY_DEFAULT = 20
PRESENTED_WITHOUT = ("irr_period", "discounted_payback")  # figure rows a room can do without
SIGNED_BACKGROUND = "#FFF4D6"  # a pale yellow
SIGNED_EDGE = OKABE_ITO["orange"]
WARNING_COLOUR = OKABE_ITO["vermillion"]  # as the pricing panel's margin warning


class FigureTable(QTableView):
    """A table of the case: rows as tall as the text needs, following zoom and projector.

    ``whole``: as tall as all its rows (a short table of figures over empty space would
    only push what comes below it out of sight).
    """

    def __init__(self, parent: QWidget | None = None, *, whole: bool = False) -> None:
        super().__init__(parent)
        self.whole = whole
        self._fit_rows()
        if whole:
            self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.verticalHeader().sectionResized.connect(lambda *_a: self.updateGeometry())

    def show_model(self, model: Any) -> None:
        self.setModel(model)
        if self.whole:
            for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
                signal.connect(self.updateGeometry)

    def _fit_rows(self) -> None:
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if not self.whole:
            return hint
        rows = sum(self.rowHeight(r) for r in range(self.model().rowCount()))
        header = self.horizontalHeader().sizeHint().height()
        return QSize(hint.width(), rows + header + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint() if self.whole else super().minimumSizeHint()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()
            self.updateGeometry()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete (or Backspace) empties an editable cell: an override goes back to the base."""
        index = self.currentIndex()
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
            and index.isValid()
            and index.flags() & Qt.ItemFlag.ItemIsEditable
        ):
            self.model().setData(index, "")
            return
        super().keyPressEvent(event)


class BusinessCaseView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(FinanceService)
        self.portfolio = ctx.service(PortfolioService)
        self.details: CaseDetails | None = None
        self.version: VersionRow | None = None  # the signed version shown; None: the draft
        self.shown: BusinessCase | None = None  # the case shown (the draft or a version's)
        self.shown_notes: dict[str, str] = {}
        self.results: tuple[ScenarioResult, ...] = ()
        self.scenario = BASE
        self._frozen: dict[int, dict[str, Any]] = {}  # signed versions read, by id
        self._sensitivity_stale = True
        self.sign_off_dialog: SignOffDialog | None = None
        self.currency_question: QMessageBox | None = None  # open while a change is asked
        self.look = Look()
        self._build()
        self.follow_changes(self._follow)
        name_parts(self)

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = heading("Business case")
        self.status = quiet()
        self.status.setObjectName("caseStatus")
        self.status.setWordWrap(True)  # "Signed off as v1 by …" wraps rather than being cut
        self.scenario_box = QComboBox()
        self.scenario_box.setAccessibleName("Scenario shown")
        self.scenario_box.setToolTip("The scenario of the overview, cash flow and sensitivity")
        self.scenario_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scenario_box.activated.connect(
            lambda _n: self.choose_scenario(self.scenario_box.currentText())
        )
        self.version_box = QComboBox()
        self.version_box.setAccessibleName("Version shown")
        self.version_box.setToolTip("The draft, or a signed version as it was signed (read-only)")
        self.version_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.version_box.activated.connect(
            lambda _n: self.show_version(self.version_box.currentData())
        )
        self.sign_button = QPushButton("Sign off…")
        self.sign_button.setToolTip(
            "Freeze the business case as a signed version: who approves it, for which "
            "scenario, at which gate review"
        )
        self.sign_button.clicked.connect(lambda: self.open_sign_off())
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        self.scenario_label = QLabel("Scenario")
        self.scenario_label.setBuddy(self.scenario_box)
        top.addWidget(self.scenario_label)
        top.addWidget(self.scenario_box)
        top.addSpacing(8)
        top.addWidget(self.version_box)
        top.addWidget(self.sign_button)
        self.content_layout.addLayout(top)
        self.content_layout.addWidget(self._banner())
        self.pages = QStackedWidget()
        self.pages.addWidget(self._empty_page())
        self.pricing = PricingPanel(self.ctx)
        self.pnl = PnlPanel(self.ctx)
        for panel in (self.pricing, self.pnl):
            for table in panel.findChildren(EntityTable):  # Edit ▸ Delete works in them
                self.register(table)
        self.tabs = tabs(
            (self._overview_page(), "Overview"),
            (self._assumptions_page(), "Assumptions"),
            (self._scenarios_page(), "Scenarios"),
            (self._cash_page(), "Cash flow"),
            (self._sensitivity_page(), "Sensitivity"),
            (self.pricing, "Pricing && margins"),  # && is an ampersand, not a mnemonic
            (self.pnl, "P&&L"),
            (self._versions_page(), "Sign-off"),
            name="Business case",
        )
        self.tabs.currentChanged.connect(lambda _i: self._draw_sensitivity())
        self.pages.addWidget(self.tabs)
        self.content_layout.addWidget(self.pages, 1)

    def _banner(self) -> QWidget:
        """Shown over a signed version: what it is, and the way back to the draft."""
        self.banner = QFrame()
        self.banner.setObjectName("signedBanner")
        # Amber on pale yellow in any palette: a frozen version is not the draft.
        self.banner.setStyleSheet(
            f"QFrame#signedBanner {{ background: {SIGNED_BACKGROUND}; "
            f"border: 2px solid {SIGNED_EDGE}; border-radius: 4px; }}"
            "QFrame#signedBanner > QLabel { color: #000000; }"
        )
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 4, 6, 4)
        self.banner_text = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        font = QFont(self.banner_text.font())
        font.setBold(True)
        self.banner_text.setFont(font)
        self.draft_button = QPushButton("Back to the draft")
        self.draft_button.clicked.connect(lambda: self.show_version(None))
        row.addWidget(self.banner_text, 1)
        row.addWidget(self.draft_button)
        self.banner.hide()
        return self.banner

    def _empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        self.empty_hint = next_step_hint(
            "No business case yet — Create a business case: default assumptions and the "
            "Worst, Base and Best scenarios to start from",
            centred=True,
            hidden=False,
        )
        self.create_button = QPushButton("Create a business case")
        self.create_button.setToolTip(
            "Start from default drivers (per quarter, 5 years) and three scenarios"
        )
        self.create_button.clicked.connect(lambda: self.create_case())
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        return page

    def _table(self, model: Any, name: str, *, whole: bool = False) -> QTableView:
        view = FigureTable(whole=whole)
        view.show_model(model)
        view.setAccessibleName(name)
        view.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move between cells
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.horizontalHeader().setHighlightSections(False)
        model.modelReset.connect(lambda v=view: self._fit(v))
        return view

    @staticmethod
    def _fit(view: QTableView) -> None:
        """Labels take what they need, figures share the rest: nothing scrolls sideways."""
        header = view.horizontalHeader()
        model = view.model()
        stretch = getattr(model, "stretch_column", None)
        for column in range(model.columnCount()):
            fits = column == 0 or (stretch is not None and column != stretch)
            mode = (
                QHeaderView.ResizeMode.ResizeToContents if fits else QHeaderView.ResizeMode.Stretch
            )
            header.setSectionResizeMode(column, mode)

    def _tile(self, caption: str) -> tuple[QWidget, QLabel]:
        box = QFrame()
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(10, 6, 10, 6)
        label = QLabel(caption, textFormat=Qt.TextFormat.PlainText)
        label.setEnabled(False)  # the quiet caption
        value = QLabel("", textFormat=Qt.TextFormat.PlainText)
        value.setObjectName("keyFigure")
        font = QFont(value.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        value.setFont(font)
        layout.addWidget(label)
        layout.addWidget(value)
        return box, value

    @staticmethod
    def _warning_label(name: str) -> QLabel:
        """A warning in the palette's own type (it follows the projector), coloured and bold."""
        label = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        label.setAccessibleName(name)
        palette = label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(WARNING_COLOUR))
        label.setPalette(palette)
        font = QFont()
        font.setBold(True)
        label.setFont(font)
        label.hide()
        return label

    def _overview_page(self) -> QWidget:
        tiles = QHBoxLayout()
        tiles.setContentsMargins(0, 0, 0, 0)
        self.tiles: dict[str, QLabel] = {}
        self.tile_boxes: list[QWidget] = []
        for key in TILES:
            row = next(r for r in FIGURE_ROWS if r.key == key)
            box, value = self._tile(row.label)
            box.setToolTip(row.tip)
            self.tiles[key] = value
            self.tile_boxes.append(box)
            tiles.addWidget(box, 1)
        self.figures = FiguresModel(self)
        self.figures_view = self._table(self.figures, "Key figures by scenario", whole=True)
        self.overview_chart = CashFlowChart()
        self.overview_chart.setAccessibleName("Cash flow chart")
        self.decision_caption = QLabel("Decision asked", textFormat=Qt.TextFormat.PlainText)
        self.decision_caption.setEnabled(False)  # the quiet caption
        self.decision = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.decision.setObjectName("decisionAsked")
        self.decision.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.figures_view)
        self.overview_warning = self._warning_label("Scenario order warning")
        column.addWidget(self.overview_warning)
        column.addSpacing(6)
        column.addWidget(self.decision_caption)
        column.addWidget(self.decision)
        column.addStretch(1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(left)
        split.addWidget(self.overview_chart)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([480, 720])
        self.overview_split = split
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(tiles)
        layout.addWidget(split, 1)
        self.overview = page
        return page

    def _assumptions_page(self) -> QWidget:
        self.currency_box = QComboBox(editable=True)
        self.currency_box.setAccessibleName("Currency")
        self.currency_box.addItems(list(CURRENCIES))
        self.currency_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.currency_box.activated.connect(lambda _n: self._set_currency())
        self.currency_box.lineEdit().editingFinished.connect(self._set_currency)
        self.period_box = QComboBox()
        self.period_box.setAccessibleName("Period")
        for period in Period:
            self.period_box.addItem(period.label, period)
        self.period_box.activated.connect(
            lambda _n: self._set_setting("period", self.period_box.currentData())
        )
        self.horizon_box = QSpinBox()
        self.horizon_box.setAccessibleName("Horizon")
        self.horizon_box.setRange(1, 400)
        self.horizon_box.setKeyboardTracking(False)
        self.horizon_box.editingFinished.connect(
            lambda: self._set_setting("horizon", self.horizon_box.value())
        )
        self.start_box = QDateEdit(calendarPopup=True)
        self.start_box.setAccessibleName("Start of period 1")
        self.start_box.setDisplayFormat("yyyy-MM-dd")
        self.start_box.editingFinished.connect(
            lambda: self._set_setting("start", self.start_box.date().toPython())
        )
        self.pricing_box = QComboBox()
        self.pricing_box.setAccessibleName("Pricing model")
        for model in PricingModel:
            self.pricing_box.addItem(model.label, model)
        self.pricing_box.setToolTip(
            "Unit: each unit is sold once. Subscription: each customer pays the price every "
            "period until they churn"
        )
        self.pricing_box.activated.connect(
            lambda _n: self._set_setting("pricing_model", self.pricing_box.currentData())
        )
        self.notes_box = QLineEdit()
        self.notes_box.setAccessibleName("Decision asked")
        self.notes_box.setPlaceholderText("The decision asked of the gate, and its context")
        self.notes_box.editingFinished.connect(
            lambda: self._set_setting("notes", self.notes_box.text().strip())
        )
        grid = QGridLayout()
        grid.setContentsMargins(0, 6, 0, 0)
        pairs = (
            ("Currency", self.currency_box),
            ("Period", self.period_box),
            ("Horizon", self.horizon_box),
            ("Start", self.start_box),
            ("Pricing", self.pricing_box),
        )
        for column, (text, widget) in enumerate(pairs):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column * 2)
            grid.addWidget(widget, 0, column * 2 + 1)
        decision = QLabel("Decision asked")
        decision.setBuddy(self.notes_box)
        grid.addWidget(decision, 1, 0)
        grid.addWidget(self.notes_box, 1, 1, 1, len(pairs) * 2 - 1)
        for column in range(len(pairs)):
            grid.setColumnStretch(column * 2 + 1, 1)
        self.settings_widgets = [w for _t, w in pairs] + [self.notes_box]
        self.drivers = DriverModel(self._set_driver, self)
        self.drivers_view = self._table(self.drivers, "Drivers")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.drivers_view, 1)
        self.assumptions_page = page
        return page

    def _scenarios_page(self) -> QWidget:
        self.add_scenario_button = QPushButton("Add scenario…")
        self.add_scenario_button.setToolTip("A named scenario that overrides some drivers")
        self.add_scenario_button.clicked.connect(lambda: self.add_scenario())
        self.rename_button = QPushButton("Rename scenario…")
        self.rename_button.clicked.connect(lambda: self.rename_scenario())
        self.delete_button = QPushButton("Delete scenario")
        self.delete_button.clicked.connect(lambda: self.delete_scenario())
        self.reset_button = QPushButton("Reset Worst and Best from the base")
        self.reset_button.setToolTip(
            "Make Worst and Best again from today's base: new units × 0.6 and × 1.3, their "
            "growth × 0.5 and × 1.2, price × 0.9 and × 1.05 (their other overrides stay)"
        )
        self.reset_button.clicked.connect(lambda: self.reset_scenarios())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 6, 0, 0)
        self.scenarios_hint = quiet(
            "Bold values are a scenario's own; grey ones are the base. Type to override, "
            "clear to go back."
        )
        self.scenarios_hint.setWordWrap(True)
        buttons.addWidget(self.scenarios_hint, 1)
        for button in (
            self.add_scenario_button,
            self.rename_button,
            self.delete_button,
            self.reset_button,
        ):
            buttons.addWidget(button)
        self.scenario_warning = self._warning_label("Scenario order warning")
        self.scenario_figures_view = self._table(
            self.figures, "Key figures side by side", whole=True
        )
        self.overrides = OverrideModel(self._set_override, self)
        self.overrides_view = self._table(self.overrides, "Scenario overrides")
        self.overrides_view.selectionModel().currentChanged.connect(self._override_cell)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.scenario_warning)
        layout.addWidget(self.scenario_figures_view)
        layout.addWidget(self.overrides_view, 1)
        self.scenarios_page = page
        return page

    def _cash_page(self) -> QWidget:
        self.cash = CashFlowModel(self)
        self.cash_view = self._table(self.cash, "Cash flow by period")
        self.cash_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cash_chart = CashFlowChart()
        self.cash_chart.setAccessibleName("Cash flow chart by period")
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.cash_view)
        split.addWidget(self.cash_chart)
        split.setSizes([340, 360])
        self.cash_page = split
        return split

    def _sensitivity_page(self) -> QWidget:
        self.percent_box = QSpinBox()
        self.percent_box.setAccessibleName("Move each driver by ± per cent")
        self.percent_box.setRange(1, 90)
        self.percent_box.setValue(SENSITIVITY_DEFAULT)
        self.percent_box.setPrefix("± ")
        self.percent_box.setSuffix(" %")
        self.percent_box.valueChanged.connect(lambda _v: self._mark_sensitivity())
        label = QLabel("Move each driver by")
        label.setBuddy(self.percent_box)
        self.sensitivity_text = quiet()
        self.sensitivity_text.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 6, 0, 0)
        row.addWidget(label)
        row.addWidget(self.percent_box)
        row.addSpacing(12)
        row.addWidget(self.sensitivity_text, 1)
        self.tornado = TornadoChart()
        self.tornado.setAccessibleName("Sensitivity of the NPV (tornado)")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.tornado, 1)
        self.sensitivity_page = page
        return page

    def _versions_page(self) -> QWidget:
        self.open_button = QPushButton("Open version")
        self.open_button.setToolTip("Show the chosen signed version as it was signed (read-only)")
        self.open_button.clicked.connect(lambda: self._open_selected_version())
        self.sign_button_2 = QPushButton("Sign off…")
        self.sign_button_2.setToolTip(self.sign_button.toolTip())
        self.sign_button_2.clicked.connect(lambda: self.open_sign_off())
        self.versions_text = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 6, 0, 0)
        row.addWidget(self.versions_text, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.sign_button_2)
        self.versions = VersionModel(self)
        self.versions_view = self._table(self.versions, "Signed versions")
        self.versions_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.versions_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.versions_view.doubleClicked.connect(
            lambda index: self.show_version(self.versions.data(index, Qt.ItemDataRole.UserRole))
        )
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.versions_view, 1)
        layout.addStretch(0)  # takes the room while there is no version to list
        self.versions_page = page
        return page

    # -- loading ----------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self.version = None
        self._reload()
        self.pricing.show_product(product_id)
        self.pnl.show_product(product_id)

    def _reload(self) -> None:
        """Read the product's case once, then show it (or the signed version being shown)."""
        self.details = (
            self.service.case_details(self.product_id) if self.product_id is not None else None
        )
        if self.details is None or (
            self.version is not None
            and self.version.id not in {v.id for v in self.details.versions}
        ):
            self.version = None  # the version went (an undone sign-off)
        self._show()

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None:
            return
        if changes.touches(ChangeKind.BUSINESS_CASE_VERSION):
            # A version never changes, but an undone sign-off's id can be given to the next.
            self._frozen.clear()
        if changes.touches(*FINANCE_KINDS):
            self._reload()
        elif changes.touches(ChangeKind.PRODUCT, ChangeKind.GATE_REVIEW):
            self._show()

    def _show(self) -> None:
        details = self.details
        has_case = details is not None
        self.pages.setCurrentIndex(1 if has_case else 0)
        writable = not self.ctx.read_only
        self.create_button.setEnabled(self.product_id is not None and writable)
        for widget in (self.scenario_label, self.scenario_box):
            widget.setVisible(has_case)
        if not has_case and not self.look.active:
            self.version_box.hide()
        if not self.look.active:
            self.sign_button.setVisible(has_case)
        if details is None:
            self.shown, self.results = None, ()
            self.banner.hide()
            self.status.setText("")
            self._title()
            return
        if self.version is None:
            self.shown = details.case
            self.shown_notes = dict(details.notes)
            case_notes = details.case_notes
        else:
            content = self._content(self.version.id)
            self.shown = case_from_content(content)
            self.shown_notes = dict(content.get("driver_notes", {}))
            case_notes = str(content.get("notes", ""))
        names = [s.name for s in self.shown.scenarios]
        if self.scenario not in names:
            self.scenario = BASE if BASE in names else names[0]
        try:
            self.results = evaluate_all(self.shown)
        except PmdeskError as exc:  # a frozen version a newer rule refuses: say so
            self.results = ()
            self.ctx.errorRaised.emit(str(exc))
        self._title()
        self._fill_boxes(names)
        self._warn_order()
        self._fill_settings(case_notes)
        self._fill_tables()
        self._draw_figures()
        self._mark_sensitivity()

    def order_warning(self, here: bool = False) -> str:
        """Said when Best is worth less than Base, or Worst more: their overrides are values
        set from an earlier base, which has moved on since."""
        npv = {r.name: r.figures.npv for r in self.results}
        base = npv.get(BASE)
        if base is None or self.shown is None:
            return ""
        currency = self.shown.settings.currency
        wrong = []
        if "Best" in npv and npv["Best"] < base:
            wrong.append(
                f"Best's NPV ({format_money(npv['Best'], currency, whole=True)}) is under Base's"
            )
        if "Worst" in npv and npv["Worst"] > base:
            wrong.append(
                f"Worst's NPV ({format_money(npv['Worst'], currency, whole=True)}) is over Base's"
            )
        if not wrong:
            return ""
        text = (
            f"⚠ {' and '.join(wrong)} ({format_money(base, currency, whole=True)}): their "
            "overrides are fixed values from an earlier base."
        )
        if self.editable:
            where = "" if here else " (Scenarios tab)"
            text += f" Reset Worst and Best from the base{where} to make them again."
        return text

    def _warn_order(self) -> None:
        for label, here in ((self.scenario_warning, True), (self.overview_warning, False)):
            text = self.order_warning(here)
            label.setText(text)
            label.setVisible(bool(text))

    def _title(self) -> None:
        name = self.details.product_name if self.details is not None else ""
        if not name and self.product_id is not None:
            name = self.portfolio.products.get(self.product_id).name
        self.title.setText(f"Business case — {name}" if name else "Business case")

    def _content(self, version_id: int) -> dict[str, Any]:
        if version_id not in self._frozen:
            self._frozen[version_id] = self.service.version_content(version_id)
        return self._frozen[version_id]

    @property
    def editable(self) -> bool:
        """Edits go to the draft only, and only in a workspace open for writing."""
        return self.details is not None and self.version is None and not self.ctx.read_only

    def _fill_boxes(self, names: list[str]) -> None:
        details = self.details
        assert details is not None
        box = self.scenario_box
        box.blockSignals(True)
        box.clear()
        box.addItems(names)
        box.setCurrentIndex(names.index(self.scenario))
        box.blockSignals(False)
        versions = self.version_box
        versions.blockSignals(True)
        versions.clear()
        versions.addItem(DRAFT, None)
        for row in reversed(details.versions):
            versions.addItem(f"v{row.version} — signed {short_date(row.signed_on)}", row)
        found = 0
        if self.version is not None:
            found = next(
                i
                for i in range(versions.count())
                if versions.itemData(i) is not None and versions.itemData(i).id == self.version.id
            )
        versions.setCurrentIndex(found)
        if not self.look.active:
            versions.setVisible(bool(details.versions))
        versions.blockSignals(False)
        latest = details.versions[-1] if details.versions else None
        if self.version is not None:
            who = f"signed by {self.version.signed_by} on {short_date(self.version.signed_on)}"
            self.status.setText(f"Signed version v{self.version.version} — read-only")
            self.banner_text.setText(
                f"Signed version v{self.version.version}, {who} for the "
                f"{self.version.scenario} scenario: the figures as they were signed. "
                "Read-only."
            )
        elif latest is None:
            self.status.setText("Draft — not signed off yet")
        elif self._unchanged_since(latest):
            self.status.setText(
                f"Signed off as v{latest.version} by {latest.signed_by} on "
                f"{short_date(latest.signed_on)}"
            )
        else:
            self.status.setText(f"Draft — changed since v{latest.version}")
        # Quiet while there is nothing to heed; plain text once the draft is not what was
        # signed, or what is shown is not the draft.
        changed = self.version is not None or (
            latest is not None and not self.status.text().startswith("Signed off")
        )
        self.status.setEnabled(changed)
        self.banner.setVisible(self.version is not None)
        # Pricing and P&L follow what is shown: a signed version's frozen cost items and
        # price points (read-only), and the actuals held to that version's plan.
        version = self.version
        self.pricing.show_frozen(
            None if version is None else self._content(version.id),
            None if version is None else version.version,
        )
        self.pnl.show_version(None if version is None else version.id)
        writable = self.editable
        self.reset_button.setEnabled(
            writable and any(s.name in DEFAULTED for s in details.scenarios)
        )
        for widget in (self.sign_button, self.sign_button_2):
            widget.setEnabled(writable)
        self.add_scenario_button.setEnabled(writable)
        chosen_base = self.scenario == BASE
        self.rename_button.setEnabled(writable and not chosen_base)
        self.delete_button.setEnabled(writable and not chosen_base)
        tip = "The Base scenario is the case itself: it keeps its name" if chosen_base else ""
        self.rename_button.setToolTip(tip or f"Rename the {self.scenario} scenario")
        self.delete_button.setToolTip(
            "The Base scenario cannot be deleted"
            if chosen_base
            else f"Delete the {self.scenario} scenario (Undo brings it back)"
        )

    def _unchanged_since(self, version: VersionRow) -> bool:
        """Whether the draft is still exactly what ``version`` froze."""
        details = self.details
        assert details is not None
        content = self._content(version.id)
        try:
            frozen = case_from_content(content)
        except PmdeskError:
            return False
        notes = {k: v for k, v in details.notes.items() if v}
        return (
            frozen == details.case
            and dict(content.get("driver_notes", {})) == notes
            and str(content.get("notes", "")) == details.case_notes
        )

    def _fill_settings(self, case_notes: str) -> None:
        assert self.shown is not None
        settings = self.shown.settings
        for widget in self.settings_widgets:
            widget.blockSignals(True)
            widget.setEnabled(self.editable)
        self.currency_box.setCurrentText(settings.currency)
        self.period_box.setCurrentIndex(self.period_box.findData(settings.period))
        self.horizon_box.setValue(settings.horizon)
        self.horizon_box.setSuffix(f" {period_noun(settings.period, 2)}")
        self.start_box.setDate(QDate(settings.start))
        self.pricing_box.setCurrentIndex(self.pricing_box.findData(settings.pricing_model))
        if not self.notes_box.hasFocus():
            self.notes_box.setText(case_notes)
        self.decision.setText(case_notes)
        self.decision_caption.setVisible(bool(case_notes))
        self.decision.setVisible(bool(case_notes))
        for widget in self.settings_widgets:
            widget.blockSignals(False)

    def _fill_tables(self) -> None:
        assert self.shown is not None
        case = self.shown
        if self.version is None:
            assert self.details is not None
            scenarios = tuple((s.id, s.name, s.overrides) for s in self.details.scenarios)
        else:
            scenarios = tuple((None, s.name, s.overrides) for s in case.scenarios)
        inputs = CaseInputs(
            case.settings, case.drivers, self.shown_notes, case.unit_cost_from_build_up, scenarios
        )
        self.drivers.set_inputs(inputs, self.editable)
        self.overrides.set_inputs(inputs, self.editable)
        self.figures.set_results(case.settings, self.results, self.scenario)
        lines = []
        gates = self._gate_texts()
        for row in reversed(self.details.versions if self.details else ()):
            lines.append(
                VersionLine(
                    row.id,
                    row.version,
                    row.signed_by,
                    short_date(row.signed_on),
                    row.scenario,
                    gates.get(row.gate_review_id, "") if row.gate_review_id else "—",
                )
            )
        self.versions.set_lines(lines)
        self.open_button.setEnabled(bool(lines))
        self.versions_view.setVisible(bool(lines))
        self.versions_text.setText(
            "Not signed off yet. Sign it off when the gate review approves it: the case is "
            "then frozen as version 1, and later edits make a new draft."
            if not lines
            else "Each signed version is the case frozen as it was approved. Double-click one "
            "to read it."
        )

    def _gate_texts(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        return {
            gate.id: f"{gate.stage.label} gate · {gate.decision.label} · "
            f"{short_date(gate.decided_on)}"
            for gate in self.ctx.service(LifecycleService).gates_of(self.product_id)
        }

    # -- figures ------------------------------------------------------------------------------

    def result(self, name: str | None = None) -> ScenarioResult | None:
        wanted = name or self.scenario
        return next((r for r in self.results if r.name == wanted), None)

    def _draw_figures(self) -> None:
        """The chosen scenario's tiles, cash-flow table and charts."""
        result = self.result()
        case = self.shown
        if result is None or case is None:
            for label in self.tiles.values():
                label.setText("—")
            self.cash.set_rows(None, ())
            self.overview_chart.set_data(None)
            self.cash_chart.set_data(None)
            return
        settings = case.settings
        for key, label in self.tiles.items():
            row = next(r for r in FIGURE_ROWS if r.key == key)
            text = row.text(result.figures, settings, False)
            label.setText(text.text)
            label.setToolTip(text.tip or row.tip)
            label.parentWidget().setAccessibleName(f"{row.label}: {text.text}")
        self.cash.set_rows(settings, result.rows)
        data = self._cash_data(result)
        self.overview_chart.set_data(data)
        self.cash_chart.set_data(data)

    def _cash_data(self, result: ScenarioResult) -> CashFlowData:
        assert self.shown is not None
        settings = self.shown.settings
        currency = settings.currency
        labels = tuple(period_label(settings.period, r.start, r.index) for r in result.rows)
        texts = tuple(
            f"{label}\nNet cash flow: {format_money(r.net_cash_flow, currency, whole=True)}"
            f"\nCumulative: {format_money(r.cumulative, currency, whole=True)}"
            for label, r in zip(labels, result.rows, strict=True)
        )
        figures = result.figures
        payback = figures.payback_period
        noun = period_noun(settings.period, 2)
        return CashFlowData(
            scenario=result.name,
            currency=currency,
            labels=labels,
            net=tuple(float(r.net_cash_flow) for r in result.rows),
            cumulative=tuple(float(r.cumulative) for r in result.rows),
            texts=texts,
            payback=float(payback) if payback is not None and payback > 0 else None,
            payback_text=(
                f"Payback {payback.quantize(Decimal('0.1'))} {noun}" if payback is not None else ""
            ),
            break_even=figures.break_even_period,
            break_even_text="Break-even",
        )

    def _mark_sensitivity(self) -> None:
        self._sensitivity_stale = True
        self._draw_sensitivity()

    def _draw_sensitivity(self) -> None:
        """The tornado, worked out when it is on screen (a dozen NPVs per driver move)."""
        if not self._sensitivity_stale or self.tabs.currentWidget() is not self.sensitivity_page:
            return
        self._sensitivity_stale = False
        case = self.shown
        if case is None or self.result() is None:
            self.tornado.set_data(None)
            self.sensitivity_text.setText("")
            return
        share = Decimal(self.percent_box.value()) / 100
        currency = case.settings.currency
        base, bars = sensitivity(case, self.scenario, share)
        percent = format_rate(share)
        self.sensitivity_text.setText(
            f"NPV of {self.scenario}: {format_money(base, currency, whole=True)}. Each bar is "
            f"the NPV with one driver {percent} lower and {percent} higher, the rest kept; "
            "the widest on top."
        )

        def said(bar: Any, value: Decimal, npv: Decimal, sign: str) -> str:
            spec = SPECS[bar.key]
            return (
                f"{bar.label} {sign}{percent} ({value_text(spec, value, currency)})\n"
                f"NPV {format_money(npv, currency, whole=True)}"
            )

        self.tornado.set_data(
            TornadoData(
                scenario=self.scenario,
                currency=currency,
                percent_text=percent,
                base_npv=float(base),
                labels=tuple(bar.label for bar in bars),
                low=tuple(float(bar.low_npv) for bar in bars),
                high=tuple(float(bar.high_npv) for bar in bars),
                low_texts=tuple(said(b, b.low_value, b.low_npv, "−") for b in bars),
                high_texts=tuple(said(b, b.high_value, b.high_npv, "+") for b in bars),
            )
        )

    def choose_scenario(self, name: str) -> None:
        if not name or name == self.scenario and self.scenario_box.currentText() == name:
            return
        self.scenario = name
        if self.shown is None:
            return
        self.scenario_box.setCurrentText(name)
        self._fill_boxes([s.name for s in self.shown.scenarios])
        self.figures.set_results(self.shown.settings, self.results, name)
        self._draw_figures()
        self._mark_sensitivity()

    def _override_cell(self, current: QModelIndex, _previous: QModelIndex) -> None:
        found = self.overrides.scenario_at(current.column()) if current.isValid() else None
        if found is not None and found[1] != self.scenario:
            self.choose_scenario(found[1])

    def show_version(self, version: VersionRow | int | None) -> None:
        """The draft (None), or a signed version read-only, as it was signed."""
        if isinstance(version, int) and self.details is not None:
            version = next((v for v in self.details.versions if v.id == version), None)
        self.version = version if isinstance(version, VersionRow) else None
        self._show()

    def _open_selected_version(self) -> None:
        index = self.versions_view.currentIndex()
        if not index.isValid() and self.versions.rowCount():
            index = self.versions.index(0, 0)
        if index.isValid():
            self.show_version(self.versions.data(index, Qt.ItemDataRole.UserRole))

    # -- edits, each one undo step ----------------------------------------------------------------

    def _run(self, action: Callable[[], Any], text: str) -> Any:
        command = FinanceCommand(self.service, action, text)
        return command.result if self.ctx.run(command) else None

    def _ran(self, action: Callable[[], Any], text: str) -> bool:
        command = FinanceCommand(self.service, action, text)
        return self.ctx.run(command)

    def create_case(self) -> int | None:
        if self.product_id is None or self.ctx.read_only:
            return None
        product_id = self.product_id
        name = self.portfolio.products.get(product_id).name
        return self._run(
            lambda: self.service.create_case(product_id), f"Create the business case of “{name}”"
        )

    def _set_driver(self, key: str, column: str, value: Any) -> bool:
        details = self.details
        if details is None or not self.editable:
            return False
        spec = SPECS[key]
        case_id = details.case_id
        if column == "note":
            note = " ".join(str(value or "").split())
            if note == details.notes.get(key, ""):
                return False
            return self._ran(
                lambda: self.service.set_driver_note(case_id, key, note),
                f"Edit the note of {spec.label.lower()}",
            )
        currency = details.settings.currency
        try:
            parsed = parse_driver(spec, str(value if value is not None else ""), currency)
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            return False
        if parsed == details.drivers[key]:
            return False
        return self._ran(
            lambda: self.service.set_driver(case_id, key, parsed),
            f"Set {spec.label.lower()} to {value_text(spec, parsed, currency)}",
        )

    def _set_override(self, scenario_id: int, key: str, text: str) -> bool:
        details = self.details
        if details is None or not self.editable:
            return False
        spec = SPECS[key]
        scenario = next(s for s in details.scenarios if s.id == scenario_id)
        currency = details.settings.currency
        if not text.strip():
            if key not in scenario.overrides:
                return False
            return self._ran(
                lambda: self.service.set_override(scenario_id, key, None),
                f"{scenario.name}: {spec.label.lower()} back to the base",
            )
        try:
            parsed = parse_driver(spec, text, currency)
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            return False
        if scenario.overrides.get(key) == parsed:
            return False
        return self._ran(
            lambda: self.service.set_override(scenario_id, key, parsed),
            f"{scenario.name}: {spec.label.lower()} {value_text(spec, parsed, currency)}",
        )

    def _set_currency(self) -> None:
        """A new currency converts nothing: asked first, then one undo step."""
        details = self.details
        if details is None or not self.editable or self.currency_question is not None:
            return
        text = self.currency_box.currentText().strip().upper()
        old = details.settings.currency
        if text == old:
            self.currency_box.setCurrentText(old)  # "usd" typed over USD reads USD again
            return
        try:
            new = check_currency(text)
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            self._fill_settings(details.case_notes)  # refused: show what is stored again
            return
        example = Decimal(1200)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Change the currency?",
            f"Amounts are not converted: {format_money(example, old)} becomes "
            f"{format_money(example, new)}.",
            parent=self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(
            "Every driver, scenario override, cost item and price point keeps its number; "
            f"only the currency it is read in changes. Retype the amounts that must be "
            f"converted. Undo changes the currency back to {old}."
        )
        change = box.addButton(f"Change to {new}", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(change)
        self.currency_question = box

        def answered(_result: int) -> None:
            self.currency_question = None
            box.deleteLater()
            if box.clickedButton() is change:
                self._set_setting("currency", new)
            elif self.details is not None and self.shown is not None:
                self._fill_settings(self.details.case_notes)  # kept: show it again

        box.finished.connect(answered)
        box.open()

    def _set_setting(self, field: str, value: Any) -> bool:
        details = self.details
        if details is None or not self.editable:
            return False
        settings = details.settings
        current = details.case_notes if field == "notes" else getattr(settings, field)
        if value == current:
            return False
        case_id = details.case_id
        label = {"pricing_model": "pricing model", "notes": "decision asked"}.get(field, field)
        done = self._ran(
            lambda: self.service.update_settings(case_id, **{field: value}),
            f"Change the business case's {label}",
        )
        if not done:
            self._fill_settings(details.case_notes)  # refused: show what is stored again
        return done

    def _scenario_names(self) -> list[str]:
        return [s.name for s in self.details.scenarios] if self.details else []

    def ask_name(self, title: str, label: str, text: str) -> str | None:
        """The one place a scenario name is asked (tests answer QInputDialog.getText)."""
        name, ok = QInputDialog.getText(self, title, label, QLineEdit.EchoMode.Normal, text)
        return name.strip() if ok and name.strip() else None

    def add_scenario(self) -> int | None:
        details = self.details
        if details is None or not self.editable:
            return None
        name = self.ask_name(
            "Add scenario",
            "Name of the new scenario (it starts as the base; then override some drivers):",
            unique_name("Scenario", self._scenario_names()),
        )
        if name is None:
            return None
        case_id = details.case_id
        found = self._run(
            lambda: self.service.add_scenario(case_id, name), f"Add scenario “{name}”"
        )
        if found is not None:
            self.choose_scenario(name)
        return found

    def _chosen_row(self) -> Any:
        if self.details is None:
            return None
        return next((s for s in self.details.scenarios if s.name == self.scenario), None)

    def rename_scenario(self) -> bool:
        row = self._chosen_row()
        if row is None or not self.editable or row.name == BASE:
            return False
        name = self.ask_name("Rename scenario", f"New name of “{row.name}”:", row.name)
        if name is None or name == row.name:
            return False
        done = self._ran(
            lambda: self.service.rename_scenario(row.id, name),
            f"Rename scenario “{row.name}” to “{name}”",
        )
        if done:
            self.choose_scenario(name)
        return done

    def delete_scenario(self) -> bool:
        row = self._chosen_row()
        if row is None or not self.editable or row.name == BASE:
            return False
        return self._ran(
            lambda: self.service.delete_scenario(row.id), f"Delete scenario “{row.name}”"
        )

    def reset_scenarios(self) -> bool:
        """Worst and Best made again from the base drivers as they are now: one undo step."""
        details = self.details
        if details is None or not self.editable:
            return False
        case_id = details.case_id
        return self._ran(
            lambda: self.service.rebuild_default_scenarios(case_id),
            "Reset Worst and Best from the base",
        )

    # -- sign-off ----------------------------------------------------------------------------

    def open_sign_off(self) -> SignOffDialog | None:
        details = self.details
        if details is None or not self.editable or self.product_id is None:
            return None
        people = [
            s.name for s in self.ctx.service(StakeholderService).stakeholders_of(self.product_id)
        ]
        texts = self._gate_texts()
        gates = [
            (g.id, texts[g.id], g.stage)
            for g in self.ctx.service(LifecycleService).gates_of(self.product_id)
        ]
        dialog = SignOffDialog(
            details.product_name,
            people,
            self._scenario_names(),
            self.scenario,
            gates,
            (details.versions[-1].version if details.versions else 0) + 1,
            self,
            taken={v.gate_review_id for v in details.versions if v.gate_review_id},
        )
        dialog.accepted.connect(lambda: self._sign_off(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.sign_off_dialog = dialog
        dialog.open()
        return dialog

    def _sign_off(self, dialog: SignOffDialog) -> int | None:
        details = self.details
        if details is None:
            return None
        values = dialog.values()
        case_id = details.case_id
        return self._run(
            lambda: self.service.sign_off(case_id, **values),
            f"Sign off the business case ({values['scenario']}) by {values['signed_by']}",
        )

    # -- the window's hooks ----------------------------------------------------------------------

    def export_image(self, path: Path) -> Path:
        """PNG or SVG (by suffix) of what the view shows."""
        return export_widget(self.content, path, title="Business case")

    def set_presentation(self, theme: Any | None) -> None:
        """The case as a room reads it: the key figures large and the cash-flow chart.

        The overview alone (no tabs), no editing chrome; the figures table's rows follow
        the large type and the chart takes the room's height.
        """
        self.look.restore()
        if theme is None:
            return
        look = self.look
        look.tab(self.tabs, self.overview, bar=False)
        look.hide(self.version_box, self.sign_button, self.draft_button)
        look.read_only(self.figures_view)
        look.rows(self.figures_view, row_height(theme))
        look.call(self.figures.set_compact, False, True)
        for label in self.tiles.values():
            font = QFont(label.font())
            font.setPixelSize(round(theme.body_px * 1.6))
            font.setBold(True)
            look.call(label.setFont, QFont(label.font()), font)
        # Fewer, wider figures: the room reads IRR a year and payback, not their variants,
        # and half the width keeps the bold Base column whole on a 1366 × 768 projector.
        for key in PRESENTED_WITHOUT:
            row = next(n for n, r in enumerate(FIGURE_ROWS) if r.key == key)
            look.call(lambda hidden, r=row: self.figures_view.setRowHidden(r, hidden), False, True)
        look.call(lambda _v: self.figures_view.updateGeometry(), None, None)
        split = self.overview_split
        total = max(sum(split.sizes()), 1)
        look.call(split.setSizes, split.sizes(), [total // 2, total - total // 2])
        look.call(
            self.overview_chart.setMinimumHeight,
            self.overview_chart.minimumHeight(),
            theme.body_px * 9,
        )
