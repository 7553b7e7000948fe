"""The product's P&L per period, actual where metric values exist and plan elsewhere.

Each period reads revenue, cost of goods, gross margin, operating costs and
contribution. A period whose revenue comes from the product's metric values is
*actual*; one that has none yet shows the business case's figures and is *plan*,
in grey italics, as the legend above the table says. Beside the actual revenue
stand the plan it was measured against (the latest signed version of the case, else
the draft's Base scenario) and the variance, in money and per cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QEvent,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.finance import Period
from pmdesk.core.finance_wording import period_label
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.palette import OKABE_ITO
from pmdesk.core.pricing import format_money, format_rate
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.row_sync import sync_rows
from pmdesk.gui.widgets.rows_model import Index, RowsModel
from pmdesk.store.services.finance import FinanceService

SHORT_COLOUR = OKABE_ITO["vermillion"]  # an actual under its plan
AHEAD_COLOUR = OKABE_ITO["bluish_green"]  # an actual over its plan
PLAN_NOTE = "plan"
ACTUAL_NOTE = "actual"

# The kinds whose changes move a P&L: the case (plan), its versions, the metrics (actuals).
FOLLOWED = (
    ChangeKind.BUSINESS_CASE,
    ChangeKind.BUSINESS_DRIVER,
    ChangeKind.BUSINESS_SCENARIO,
    ChangeKind.SCENARIO_OVERRIDE,
    ChangeKind.BUSINESS_CASE_VERSION,
    ChangeKind.COST_ITEM,
    ChangeKind.METRIC,
    ChangeKind.METRIC_VALUE,
)


@dataclass(frozen=True)
class PnlLine:
    """One period of the P&L as the table shows it, with the variance of its revenue."""

    period: dt.date
    label: str
    source: str  # "actual" or "plan"
    revenue: Decimal
    cost_of_goods: Decimal
    gross_margin: Decimal
    operating_costs: Decimal
    contribution: Decimal
    plan_revenue: Decimal | None  # what the plan expected of an actual period
    variance: Decimal | None
    ratio: Decimal | None  # actual ÷ plan
    complete: bool = True  # False: a period whose months are not all in yet

    @property
    def id(self) -> dt.date:
        return self.period

    @property
    def margin_pct(self) -> Decimal | None:
        return self.gross_margin / self.revenue if self.revenue else None

    @property
    def plan(self) -> bool:
        return self.source != ACTUAL_NOTE


# Two-line headers: eleven columns side by side, whole, on a laptop and in large type.
COLUMNS = (  # (title, what its header says when pointed at)
    ("Period", ""),
    ("Source", "Actual: revenue from the metric values; plan: the business case's figures"),
    ("Revenue", ""),
    ("Cost of\ngoods", "Units × unit cost"),
    ("Gross\nmargin", "Revenue − cost of goods"),
    ("Margin\n%", "Gross margin ÷ revenue"),
    ("Operating\ncosts", "Support, hosting and marketing of the period"),
    ("Contribution", "Gross margin − operating costs"),
    ("Plan\nrevenue", "What the plan expected of this period"),
    ("Variance", "Actual revenue − plan revenue"),
    ("Variance\n%", "Actual ÷ plan − 1"),
)
MONEY_COLUMNS = {2, 3, 4, 6, 7, 8, 9}
VARIANCE_COLUMNS = (8, 9, 10)  # plan revenue, variance, variance %: actual periods only


class PnlModel(RowsModel[PnlLine]):
    """The P&L lines, one per period; read-only."""

    HEADERS = tuple(title for title, _tip in COLUMNS)
    HEADER_TIPS = tuple(tip for _title, tip in COLUMNS)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currency = "EUR"
        self.muted = QColor("#777777")

    def set_rows(self, rows: Sequence[PnlLine], currency: str | None = None) -> None:
        """New lines, row by row (no reset); ``currency`` (default: the one shown) names
        their figures' currency."""
        currency = currency or self.currency
        changed = currency != self.currency
        self.currency = currency
        sync_rows(self, self.rows, list(rows))
        if changed and self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1)
            )

    def alignment(self, column: int) -> Qt.AlignmentFlag:
        return _alignment(column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line, column = self.row_at(index), index.column()
        if line is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.alignment(column))  # as its header
        if role == Qt.ItemDataRole.FontRole and line.plan:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.plan:
                return QBrush(self.muted)
            if column in (9, 10) and line.variance is not None and line.variance != 0:
                return QBrush(QColor(SHORT_COLOUR if line.variance < 0 else AHEAD_COLOUR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tip(line)
        return None

    def text(self, line: PnlLine, column: int) -> str:
        money = self._money
        if column == 0:
            return line.label
        if column == 1:
            return line.source if line.complete else f"{line.source}, partial"
        if column == 2:
            return money(line.revenue)
        if column == 3:
            return money(line.cost_of_goods)
        if column == 4:
            return money(line.gross_margin)
        if column == 5:
            return "" if line.margin_pct is None else format_rate(line.margin_pct)
        if column == 6:
            return money(line.operating_costs)
        if column == 7:
            return money(line.contribution)
        if column == 8:
            return "" if line.plan_revenue is None else money(line.plan_revenue)
        if column == 9:
            return "" if line.variance is None else _signed(money(line.variance), line.variance)
        if column == 10:
            if line.ratio is None:
                return ""
            return _signed(format_rate(line.ratio - 1), line.ratio - 1)
        return ""

    def tip(self, line: PnlLine) -> str:
        if line.plan:
            return f"{line.label}: no metric values yet, so the business case's plan is shown"
        if line.variance is None or line.plan_revenue is None:
            return f"{line.label}: actual revenue from the metric values"
        partial = (
            "" if line.complete else "; not every month of the period is in yet, so it is short"
        )
        return (
            f"{line.label}: actual revenue {self._money(line.revenue)} against a plan of "
            f"{self._money(line.plan_revenue)} ({self.text(line, 10)}){partial}"
        )

    def _money(self, value: Decimal) -> str:
        return format_money(value, self.currency, whole=True)


def _signed(text: str, value: Decimal) -> str:
    return f"+{text}" if value > 0 else text


def _alignment(column: int) -> Qt.AlignmentFlag:
    if column in MONEY_COLUMNS or column in (5, 10):
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class PnlPanel(QWidget):
    """One product's P&L per period: plan and actual told apart, variance against the plan."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(FinanceService)
        self.product_id: int | None = None
        self.version_id: int | None = None  # a signed version's plan; None: the latest plan
        self.model = PnlModel(self)
        self.summary = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.summary.setAccessibleName("P&L summary")
        self.legend = QLabel(textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.legend.setAccessibleName("P&L legend")
        self.hint = next_step_hint("", centred=True)
        self.table = self._table()
        top = QHBoxLayout()
        top.addWidget(self.summary, 3)
        top.addWidget(self.legend, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.table, 1)
        ctx.changed.connect(self._follow)

    def _table(self) -> QTableView:
        table = QTableView(self)
        table.setAccessibleName("Profit and loss per period")
        table.setModel(self.model)
        table.setTabKeyNavigation(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        header.setHighlightSections(False)
        return table

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # the projector's type: rows grow with it
            self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
            QTimer.singleShot(0, self.scroll_to_latest)  # once the rows have their new height
        elif event.type() == QEvent.Type.PaletteChange and self.product_id is not None:
            self.refresh()  # plan rows in the new palette's quieter colour

    # -- loading ----------------------------------------------------------------------------

    def show_product(self, product_id: int | None) -> None:
        self.product_id = product_id
        self.version_id = None
        self.refresh()

    def show_version(self, version_id: int | None) -> None:
        """The actuals held to a signed version's frozen plan (None: the plan in force)."""
        if version_id != self.version_id:
            self.version_id = version_id
            self.refresh()

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is not None and changes.touches(*FOLLOWED):
            self.refresh()

    def refresh(self) -> None:
        self.model.muted = self.palette().color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
        )
        if self.product_id is None:
            self.model.set_rows([], self.model.currency)
            self._empty("")
            return
        # The periods and currency of the plan the rows come from (a signed version's may
        # differ from the draft's).
        found = self.service.plan(self.product_id, self.version_id)
        case = found[2] if found is not None else None
        currency = case.settings.currency if case is not None else self.model.currency
        period = case.settings.period if case is not None else Period.MONTH
        plan = self.service.plan_vs_actual(self.product_id, self.version_id)
        lines = self.lines(self.service.pnl(self.product_id, self.version_id), plan, period)
        self.model.set_rows(lines, currency)
        if not lines:
            self._empty(
                "No P&L yet — create the business case (its plan fills every period) "
                "or type Revenue values in Lifecycle ▸ Metrics"
            )
            return
        self.hint.hide()
        # Plan, variance and variance % say something only beside an actual period.
        actuals = any(not line.plan for line in lines)
        for column in VARIANCE_COLUMNS:
            self.table.setColumnHidden(column, not actuals)
        first_show = self.table.isHidden() or self.model.property("product") != self.product_id
        self.model.setProperty("product", self.product_id)
        self.table.show()
        if first_show:
            self.scroll_to_latest()
        self.legend.show()
        self.legend.setText(self._legend())
        self.summary.setText(self._summary(lines, plan, currency))

    def scroll_to_latest(self) -> None:
        """Open on the latest actual period: the one a person asks about."""
        actual = [n for n, line in enumerate(self.model.rows) if not line.plan]
        if self.model.rows:
            self.table.scrollTo(
                self.model.index(actual[-1] if actual else 0, 0),
                QAbstractItemView.ScrollHint.PositionAtCenter,
            )

    def _empty(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setAccessibleName(text)
        self.hint.setVisible(bool(text))
        self.table.hide()
        self.legend.hide()
        self.summary.setText("")

    def _legend(self) -> str:
        muted = self.model.muted.name()
        return (
            "<b>actual</b>: revenue from the metric values &nbsp;·&nbsp; "
            f"<i style='color:{muted}'>plan</i>: from the business case, where no values are yet"
        )

    @staticmethod
    def lines(rows: Sequence[Any], plan: Any, period: Period) -> list[PnlLine]:
        """The P&L rows with each actual period's revenue set against the plan's."""
        variances = {v.period: v for v in (plan.revenue if plan is not None else ())}
        lines = []
        for row in rows:
            found = variances.get(row.period)
            actual = row.source == ACTUAL_NOTE
            lines.append(
                PnlLine(
                    period=row.period,
                    label=period_label(period, row.period, 1),
                    source=ACTUAL_NOTE if actual else PLAN_NOTE,
                    revenue=row.revenue,
                    cost_of_goods=row.cost_of_goods,
                    gross_margin=row.gross_margin,
                    operating_costs=row.operating_costs,
                    contribution=row.contribution,
                    plan_revenue=found.plan if found is not None and actual else None,
                    variance=found.variance if found is not None and actual else None,
                    ratio=found.ratio if found is not None and actual else None,
                    complete=getattr(found, "complete", True) if actual else True,
                )
            )
        return lines

    @staticmethod
    def _summary(lines: Sequence[PnlLine], plan: Any, currency: str) -> str:
        actual = [line for line in lines if not line.plan]
        compared = [line for line in actual if line.plan_revenue is not None]
        source = plan_words(plan)
        if not compared:
            return (
                f"{len(actual)} actual and {len(lines) - len(actual)} planned periods; "
                f"measured against {source}"
            )
        got = sum((line.revenue for line in compared), Decimal(0))
        planned = sum((line.plan_revenue or Decimal(0) for line in compared), Decimal(0))
        share = f" ({format_rate(got / planned)} of plan)" if planned else ""
        return (
            f"Actual revenue {format_money(got, currency, whole=True)} over "
            f"{len(compared)} period{'s' if len(compared) != 1 else ''} against "
            f"{format_money(planned, currency, whole=True)} planned{share}; "
            f"measured against {source}"
        )


def plan_words(plan: Any) -> str:
    """Which plan the actuals are held to, in words: "the plan signed as v2 (Base)"."""
    if plan is None:
        return "no plan"
    if plan.plan_source.startswith("signed "):
        version = plan.plan_source.removeprefix("signed ")
        return f"the plan signed as {version} ({plan.scenario})"
    return f"the draft's {plan.scenario} scenario (nothing is signed yet)"
