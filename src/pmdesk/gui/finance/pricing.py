"""Pricing and margins of one product: the unit cost build-up, the price points, the waterfall.

The cost items add up to the unit cost the business case uses (it replaces the
case's own unit cost driver as soon as there is one item). Each price point (a
segment, tier and channel) has its list price, discount, channel margin and target
margin; the selected one is drawn as a margin waterfall: list price → discount →
channel → net price → unit cost → gross margin, with a warning under the target.

Every edit goes through the FinanceService as one undo step; what a person types is
read by the core's parsers (money in the case's currency, rates in per cent), so a
bad value says why and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.palette import NEUTRAL_GREY, OKABE_ITO
from pmdesk.core.pricing import (
    SYMBOLS,
    CostItem,
    PricePoint,
    Waterfall,
    format_money,
    format_rate,
    parse_amount,
    parse_money,
    parse_rate,
    quantum,
    unit_cost,
    waterfall,
)
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.hint import accessible_table, next_step_hint
from pmdesk.gui.widgets.plot import StyledPlot
from pmdesk.store.models.finance import CostItem as CostItemRecord
from pmdesk.store.models.finance import PricePoint as PricePointRecord
from pmdesk.store.queries import TableQuery
from pmdesk.store.services.base import Repo
from pmdesk.store.services.finance import FinanceService, PricePointRow

from .commands import FinanceCommand

DEFAULT_CURRENCY = "EUR"  # a product without a business case yet prices in euros

# The waterfall's colours (core/palette.py: Okabe–Ito, readable with colour-vision deficiencies).
TOTAL_COLOUR = OKABE_ITO["blue"]  # list price and net price: what there is
DEDUCTION_COLOUR = OKABE_ITO["orange"]  # discount and channel: what the price gives away
COST_COLOUR = OKABE_ITO["reddish_purple"]  # the unit cost
MARGIN_COLOUR = OKABE_ITO["bluish_green"]  # the gross margin, on target
SHORT_COLOUR = OKABE_ITO["vermillion"]  # the gross margin under its target, and the warning


class RowCommand(FinanceCommand):
    """A FinanceService write whose result is a new row's id: the table selects that row."""

    @property
    def entity_id(self) -> int | None:
        return self.result if isinstance(self.result, int) else None


class FinanceRowsModel(EntityTableModel):
    """Cost items or price points of a product: an edit is the service's update, parsed first."""

    def __init__(
        self,
        ctx: AppContext,
        repo: Any,
        columns: list[Column],
        write: Callable[..., Any],
        noun: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, repo, columns, name_of=self._name, parent=parent)
        self.write = write  # the service's update of one row: (id, **fields)
        self.noun = noun
        self.service = ctx.service(FinanceService)

    def _name(self, row: Any) -> str:
        return getattr(row, "name", None) or " / ".join(
            part for part in (row.segment, row.tier, row.channel) if part
        )

    def edit(self, row: int, column_number: int, value: Any) -> bool:
        entity = self.entity(row)
        if entity is None:
            return False
        column = self.columns[column_number]
        try:
            changes = column.changes(value, entity)
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            return False
        if all(getattr(entity, name) == new for name, new in changes.items()):
            return False
        entity_id = entity.id
        text = f"Edit {column.header.lower()} of the {self.noun} “{self.name_of(entity)}”"
        return self.ctx.run(
            FinanceCommand(self.service, lambda: self.write(entity_id, **changes), text)
        )


def _text(field: str, header: str, width: int, tip: str = "") -> Column:
    def changes(value: Any, _row: Any) -> dict[str, Any]:
        return {field: str(value or "").strip()}

    return Column(
        field,
        header,
        width=width,
        header_tip=tip,
        value=lambda r: getattr(r, field),
        to_changes=changes,
    )


class PricingPanel(QWidget):
    """The cost build-up and price points of one product, and the selected point's waterfall."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(FinanceService)
        self.product_id: int | None = None
        self.currency = DEFAULT_CURRENCY
        # A signed version's frozen content while one is shown (read-only), else None.
        self.frozen: dict[str, Any] | None = None
        self.frozen_points: list[PricePointRow] = []
        # The tables read their rows a scope at a time (like every entity table); writes go
        # through the service, except Delete, which is the repository's (one undo step too).
        self.cost_repo = Repo(
            ctx.workspace,
            CostItemRecord,
            order_by=(CostItemRecord.sort_order, CostItemRecord.id),
        )
        self.point_repo = Repo(
            ctx.workspace,
            PricePointRecord,
            order_by=(PricePointRecord.sort_order, PricePointRecord.id),
        )
        self.costs = self._costs_table()
        self.total = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.total.setAccessibleName("Unit cost from the build-up")
        self.points = self._points_table()
        self.chart = MarginWaterfall(self)
        self.chart.setAccessibleName("Margin waterfall")
        self.chart_title = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        font = self.chart_title.font()
        font.setBold(True)
        self.chart_title.setFont(font)
        self.warning = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.warning.setAccessibleName("Margin warning")
        # Colour and weight without a style sheet, so the warning follows the projector's type.
        palette = self.warning.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(SHORT_COLOUR))
        self.warning.setPalette(palette)
        bold = QFont()
        bold.setBold(True)
        self.warning.setFont(bold)
        self.chart_hint = next_step_hint("", centred=True)
        self._frozen_tables()
        self._layout()
        self.points.selectionChanged.connect(self._draw_waterfall)
        self.points.model.modelReset.connect(self._draw_waterfall)
        ctx.changed.connect(self._follow)

    # -- building -----------------------------------------------------------------------------

    def _money(self, field: str, header: str, tip: str, *, exact: bool = False) -> Column:
        """A money column in the case's currency (``exact``: finer than a cent, as typed)."""

        def changes(value: Any, _row: Any) -> dict[str, Any]:
            label = header.lower()
            if exact:
                return {field: parse_amount(str(value), label, currency=self.currency)}
            return {field: parse_money(str(value), self.currency, label)}

        return Column(
            field,
            header,
            value=lambda r: getattr(r, field),
            display=lambda r: self._format(getattr(r, field)),
            to_changes=changes,
            sort_value=lambda r: getattr(r, field),
            align_right=True,
            width=11,
            header_tip=tip,
        )

    def _format(self, amount: Decimal) -> str:
        """Money as read: in the currency's minor units, or every digit of a finer cost
        (hosting at €0.004 a user must not read €0)."""
        if amount == amount.quantize(quantum(self.currency)):
            return format_money(amount, self.currency)
        digits = f"{amount.normalize():,f}"
        symbol = SYMBOLS.get(self.currency)
        return f"{symbol}{digits}" if symbol else f"{digits} {self.currency}"

    @staticmethod
    def _rate(field: str, header: str, tip: str) -> Column:
        """A share in per cent: "15" and "15 %" are both 15 %."""

        def changes(value: Any, _row: Any) -> dict[str, Any]:
            text = str(value or "").strip()
            if text and "%" not in text:
                text += " %"
            return {field: parse_rate(text, header.lower(), maximum=Decimal(1))}

        return Column(
            field,
            header,
            value=lambda r: format_rate(getattr(r, field), 2),
            to_changes=changes,
            sort_value=lambda r: getattr(r, field),
            align_right=True,
            width=9,
            header_tip=tip,
        )

    def _costs_table(self) -> EntityTable:
        columns = [
            _text("name", "Cost item", 22, "A component, licence, hosting or support per unit"),
            Column(
                "quantity",
                "Quantity",
                value=lambda r: r.quantity,
                display=lambda r: f"{r.quantity.normalize():,f}",
                to_changes=lambda v, _r: {"quantity": parse_amount(str(v), "quantity")},
                sort_value=lambda r: r.quantity,
                align_right=True,
                width=8,
                header_tip="How many per unit sold (or per customer per period)",
            ),
            self._money("unit_cost", "Unit cost", "The cost of one", exact=True),
            Column(
                "line_total",
                "Line total",
                value=lambda r: r.quantity * r.unit_cost,
                display=lambda r: self._format(r.quantity * r.unit_cost),
                editable=False,
                align_right=True,
                width=11,
                header_tip="Quantity × unit cost",
            ),
        ]
        model = FinanceRowsModel(
            self.ctx,
            self.cost_repo,
            columns,
            self.service.update_cost_item,
            "cost item",
            parent=self,
        )
        table = EntityTable(
            model,
            title="Unit cost build-up",
            noun=("cost item", "cost items"),
            create=self._new_cost_item,
            edit_field="name",
            fit_field="name",
            empty_hint="No cost items yet — Add cost item (a component, a licence, "
            "hosting per user) to build up the unit cost",
        )
        return accessible_table(table, "Unit cost build-up")

    def _points_table(self) -> EntityTable:
        columns = [
            _text("segment", "Segment", 13, "Who buys at this price"),
            _text("tier", "Tier", 16, "The package or edition"),
            _text("channel", "Channel", 14, "Where it is sold: direct, reseller, marketplace"),
            self._money("list_price", "List price", "The price before any discount"),
            self._rate("discount", "Discount", "Share of the list price given as discount"),
            self._rate(
                "channel_margin",
                "Channel cut",
                "The reseller's margin or commission: a share of the price after discount",
            ),
            self._rate("target_margin", "Target", "The gross margin aimed at, in %"),
        ]
        model = FinanceRowsModel(
            self.ctx,
            self.point_repo,
            columns,
            self.service.update_price_point,
            "price point",
            parent=self,
        )
        table = EntityTable(
            model,
            title="Price points",
            noun=("price point", "price points"),
            create=self._new_price_point,
            edit_field="segment",
            fit_field="segment",
            empty_hint="No price points yet — Add price point: a list price per segment, "
            "tier and channel",
        )
        return accessible_table(table, "Price points")

    def _layout(self) -> None:
        costs = QWidget()
        costs_layout = QVBoxLayout(costs)
        costs_layout.setContentsMargins(0, 0, 0, 0)
        costs_layout.addWidget(self.costs, 1)
        costs_layout.addWidget(self.total)
        tables = QSplitter(Qt.Orientation.Vertical)
        tables.addWidget(costs)
        tables.addWidget(self.points)
        tables.setSizes([300, 300])
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart_title)
        chart_layout.addWidget(self.chart_hint, 1)
        chart_layout.addWidget(self.chart, 1)
        chart_layout.addWidget(self.warning)
        self.left = QStackedWidget()  # the draft's tables, or a signed version's, read-only
        self.left.addWidget(tables)
        self.left.addWidget(self.frozen_page)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.left)
        split.addWidget(chart_box)
        split.setSizes([620, 480])
        self.split = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(split, 1)

    def _frozen_tables(self) -> None:
        """A signed version's cost items and price points: read-only, as they were signed."""

        def table(name: str, headers: list[str], right: set[int]) -> QTableView:
            model = QStandardItemModel(0, len(headers), self)
            model.setHorizontalHeaderLabels(headers)
            for column in range(len(headers)):  # headers over their figures, as in the draft
                side = (
                    Qt.AlignmentFlag.AlignRight if column in right else Qt.AlignmentFlag.AlignLeft
                )
                model.horizontalHeaderItem(column).setTextAlignment(
                    side | Qt.AlignmentFlag.AlignVCenter
                )
            view = QTableView()
            view.setModel(model)
            view.setAccessibleName(name)
            view.setProperty("right", sorted(right))
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setTabKeyNavigation(False)
            view.setAlternatingRowColors(True)
            view.setWordWrap(False)
            view.verticalHeader().hide()
            view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setHighlightSections(False)
            return view

        self.frozen_costs = table(
            "Unit cost build-up as signed",
            ["Cost item", "Quantity", "Unit cost", "Line total"],
            {1, 2, 3},
        )
        self.frozen_total = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.frozen_prices = table(
            "Price points as signed",
            ["Segment", "Tier", "Channel", "List price", "Discount", "Channel cut", "Target"],
            {3, 4, 5, 6},
        )
        self.frozen_prices.selectionModel().currentRowChanged.connect(
            lambda *_a: self._draw_waterfall()
        )
        self.frozen_costs_title = QLabel(textFormat=Qt.TextFormat.PlainText)
        self.frozen_prices_title = QLabel(textFormat=Qt.TextFormat.PlainText)
        for title in (self.frozen_costs_title, self.frozen_prices_title):
            font = title.font()
            font.setBold(True)
            title.setFont(font)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.frozen_costs_title)
        layout.addWidget(self.frozen_costs, 1)
        layout.addWidget(self.frozen_total)
        layout.addWidget(self.frozen_prices_title)
        layout.addWidget(self.frozen_prices, 1)
        self.frozen_page = page

    # -- loading ----------------------------------------------------------------------------

    def show_frozen(self, content: dict[str, Any] | None, version: int | None = None) -> None:
        """A signed version's cost build-up and price points, read-only (None: the draft's)."""
        if content is None:
            if self.frozen is None:
                return
            self.frozen = None
            self.frozen_points = []
            self.left.setCurrentIndex(0)
            self._read_currency()
            self._show_total()
            self._draw_waterfall()
            return
        self.frozen = content
        self.currency = str(content.get("settings", {}).get("currency", DEFAULT_CURRENCY))
        signed = f" — as signed in v{version}" if version is not None else " — as signed"
        self.frozen_costs_title.setText(f"Unit cost build-up{signed}")
        self.frozen_prices_title.setText(f"Price points{signed}")
        items = [
            CostItem(str(i["name"]), Decimal(i["quantity"]), Decimal(i["unit_cost"]))
            for i in content.get("cost_items", ())
        ]
        self._fill(
            self.frozen_costs,
            [
                [
                    i.name,
                    f"{i.quantity.normalize():,f}",
                    self._format(i.unit_cost),
                    self._format(i.quantity * i.unit_cost),
                ]
                for i in items
            ],
        )
        self.frozen_points = [
            PricePointRow(
                number,
                str(p["segment"]),
                str(p["tier"]),
                str(p["channel"]),
                Decimal(p["list_price"]),
                Decimal(p["discount"]),
                Decimal(p["channel_margin"]),
                Decimal(p["target_margin"]),
            )
            for number, p in enumerate(content.get("price_points", ()))
        ]
        self._fill(
            self.frozen_prices,
            [
                [
                    p.segment,
                    p.tier,
                    p.channel,
                    self._format(p.list_price),
                    format_rate(p.discount, 2),
                    format_rate(p.channel_margin, 2),
                    format_rate(p.target_margin, 2),
                ]
                for p in self.frozen_points
            ],
        )
        cost = self.unit_cost()
        self.frozen_total.setText(
            f"Unit cost {format_money(cost, self.currency)} (the sum of {len(items)} "
            f"item{'s' if len(items) != 1 else ''}), as the signed case used it"
            if items
            else f"No cost items were signed: the case's own unit cost, "
            f"{format_money(cost, self.currency)}"
        )
        self.left.setCurrentIndex(1)
        if self.frozen_points:
            self.frozen_prices.selectRow(0)
        self._draw_waterfall()

    @staticmethod
    def _fill(view: QTableView, rows: list[list[str]]) -> None:
        model = view.model()
        assert isinstance(model, QStandardItemModel)
        right = set(view.property("right") or ())
        model.setRowCount(0)
        for texts in rows:
            items = []
            for column, text in enumerate(texts):
                item = QStandardItem(text)
                item.setEditable(False)
                if column in right:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                items.append(item)
            model.appendRow(items)

    def show_product(self, product_id: int | None) -> None:
        self.product_id = product_id
        self.frozen = None
        self.frozen_points = []
        self.left.setCurrentIndex(0)
        self._read_currency()
        self.costs.model.set_query(self._scope(self.cost_repo))
        self.points.model.set_query(self._scope(self.point_repo))
        if self.points.model.rowCount():
            self.points.view.selectRow(0)
            self.points.view.setCurrentIndex(self.points.model.index(0, 0))
        self._show_total()
        self._draw_waterfall()

    def _scope(self, repo: Any) -> TableQuery | None:
        if self.product_id is None:
            return None
        return TableQuery.where_equal(repo, product_id=self.product_id)

    def _read_currency(self) -> None:
        case = self.service.business_case(self.product_id) if self.product_id else None
        self.currency = case.settings.currency if case is not None else DEFAULT_CURRENCY

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None or self.frozen is not None:  # a signed version never moves
            return
        if changes.touches(ChangeKind.BUSINESS_CASE):
            before = self.currency
            self._read_currency()
            if before != self.currency:  # every amount is shown in the case's currency
                for table in (self.costs, self.points):  # redrawn in place: selection kept
                    table.model.columns_changed(range(len(table.model.columns)))
        if changes.touches(ChangeKind.COST_ITEM, ChangeKind.BUSINESS_CASE):
            self._show_total()
        if changes.touches(
            ChangeKind.COST_ITEM,
            ChangeKind.PRICE_POINT,
            ChangeKind.BUSINESS_CASE,
            ChangeKind.BUSINESS_DRIVER,
        ):
            self._draw_waterfall()

    # -- figures ----------------------------------------------------------------------------

    def cost_items(self) -> list[CostItem]:
        return [CostItem(r.name, r.quantity, r.unit_cost) for r in self.costs.model.entities()]

    def unit_cost(self) -> Decimal:
        """The build-up's sum, or (no items) the business case's own unit cost driver."""
        if self.frozen is not None:
            built = self.frozen.get("unit_cost_from_build_up")
            if built is not None:
                return Decimal(built)
            return Decimal(self.frozen.get("drivers", {}).get("unit_cost", "0"))
        items = self.cost_items()
        if items:
            return unit_cost(items)
        case = self.service.business_case(self.product_id) if self.product_id else None
        return case.drivers.get("unit_cost", Decimal(0)) if case is not None else Decimal(0)

    def _show_total(self) -> None:
        items = self.cost_items()
        if self.product_id is None:
            self.total.setText("")
        elif items:
            self.total.setText(
                f"Unit cost {format_money(unit_cost(items), self.currency)} "
                f"(the sum of {len(items)} item{'s' if len(items) != 1 else ''}): "
                "the business case uses it as its unit cost"
            )
        else:
            self.total.setText(
                f"Unit cost {format_money(self.unit_cost(), self.currency)}, "
                "the business case's own figure, until cost items build it up"
            )

    def selected_point(self) -> Any | None:
        if self.frozen is not None:
            row = self.frozen_prices.currentIndex().row()
            return self.frozen_points[row] if 0 <= row < len(self.frozen_points) else None
        point_id = self.points.current_id()
        if point_id is None:
            return None
        row = self.points.model.row_of(point_id)
        return None if row is None else self.points.model.entity(row)

    def _draw_waterfall(self, *_args: Any) -> None:
        row = self.selected_point()
        if row is None:
            if self.frozen is not None:
                hint = (
                    "No price points were signed in this version"
                    if not self.frozen_points
                    else "Select a price point to see its margin waterfall"
                )
            elif not self.points.model.rowCount():
                hint = "Add a price point to see its margin waterfall"
            else:
                hint = "Select a price point to see its margin waterfall"
            self.chart_hint.setText(hint)
            self.chart_hint.setAccessibleName(hint)
            self.chart_hint.setVisible(self.product_id is not None)
            self.chart.setVisible(False)
            self.chart_title.setText("")
            self.warning.setText("")
            self.warning.setVisible(False)
            self.chart.set_data(None, self.currency, "")
            return
        point = PricePoint(
            row.segment,
            row.tier,
            row.channel,
            row.list_price,
            row.discount,
            row.channel_margin,
            row.target_margin,
        )
        name = " / ".join(p for p in (row.segment, row.tier, row.channel) if p) or "price point"
        result = waterfall(point, self.unit_cost())
        self.chart_hint.setVisible(False)
        self.chart.setVisible(True)
        margin = (
            "no margin"
            if result.gross_margin_pct is None
            else f"gross margin {format_rate(result.gross_margin_pct)}"
        )
        if point.target_margin:
            margin += f" (target {format_rate(point.target_margin)}, dashed)"
        self.chart_title.setText(
            f"Margin waterfall — {name}: net price "
            f"{format_money(result.net_price, self.currency)}, {margin}"
        )
        self.warning.setText(f"⚠ {result.warning}" if result.warning else "")
        self.warning.setVisible(bool(result.warning))
        self.chart.set_data(result, self.currency, name, target=point.target_margin)

    # -- new rows ------------------------------------------------------------------------------

    def _new_cost_item(self) -> RowCommand:
        product_id = self._product()
        taken = {r.name.casefold() for r in self.costs.model.entities()}
        name, number = "New cost item", 2
        while name.casefold() in taken:
            name, number = f"New cost item {number}", number + 1
        return RowCommand(
            self.service,
            lambda: self.service.add_cost_item(product_id, name, Decimal(1), Decimal(0)),
            f"Add cost item “{name}”",
        )

    def _new_price_point(self) -> RowCommand:
        product_id = self._product()
        return RowCommand(
            self.service,
            lambda: self.service.add_price_point(
                product_id,
                "New segment",
                "Standard",
                "Direct",
                Decimal(0),
                Decimal(0),
                Decimal(0),
                Decimal("0.3"),
            ),
            "Add price point",
        )

    def _product(self) -> int:
        if self.product_id is None:
            raise PmdeskError("Choose a product first")
        return self.product_id


class MarginWaterfall(StyledPlot):
    """One price point's waterfall: floating bars from the list price down to the margin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.steps_axis = pg.AxisItem(orientation="bottom")
        super().__init__(parent, bottom=self.steps_axis)
        self.legend.setColumnCount(2)
        self.plotItem.showGrid(x=False, y=True, alpha=0.18)
        self.plotItem.getViewBox().setMouseEnabled(x=False, y=False)
        self._data: tuple[Waterfall | None, str, str, Decimal | None] = (None, "EUR", "", None)
        self.bars: list[tuple[float, float, str]] = []  # (bottom, top, colour) per step
        self.labels: list[str] = []  # the amount and share written over each bar
        self.steps: list[str] = []
        self.target_text = ""

    def restyle(self) -> None:
        super().restyle()
        # Room for the two-line step names under the bars, in whatever type is on.
        self.steps_axis.setHeight(int(self.fontMetrics().lineSpacing() * 2.4 + 8))

    def set_data(
        self, result: Waterfall | None, currency: str, name: str, *, target: Decimal | None = None
    ) -> None:
        self._data = (result, currency, name, target)
        self._subject_is(name)
        self.redraw()

    def _draw(self) -> None:
        result, currency, _name, target = self._data
        self.clear_chart()
        self.bars, self.labels, self.target_text = [], [], ""
        if result is None:
            return
        self.steps = [step.label for step in result.steps]
        list_price = result.steps[0].amount
        previous = Decimal(0)
        for number, step in enumerate(result.steps):
            subtotal = number in (0, 3, 5)  # list price, net price, gross margin stand on 0
            if subtotal:
                bottom, top = Decimal(0), step.running
            else:
                bottom, top = step.running, previous
            colour = self._colour(number, result)
            low, high = float(min(bottom, top)), float(max(bottom, top))
            self.bars.append((low, high, colour))
            share = (
                result.gross_margin_pct
                if number == 5
                else (step.amount / list_price if list_price else None)
            )
            # Cents only where they matter (a price under 100): six labels side by side.
            amount = format_money(step.amount, currency, whole=abs(list_price) >= 100)
            percent = "" if share is None else format_rate(share)
            self.labels.append(f"{amount}\n{percent}".strip())
            previous = step.running
        if target and result.net_price > 0:  # the dashed line over the margin bar
            self.target_text = f"target {format_rate(target)}"
        level = self._plot_target(result, target)
        self._plot_bars(level)
        # Two words a line: six steps side by side fit a narrow chart and large type.
        ticks = [(n, s.label.replace(" ", "\n")) for n, s in enumerate(result.steps)]
        self.steps_axis.setTicks([ticks])
        self.plotItem.setLabel("left", currency)
        self.plotItem.setXRange(-0.6, len(result.steps) - 0.4, padding=0)
        lows = [low for low, _h, _c in self.bars] + [0.0]
        highs = [high for _l, high, _c in self.bars] + [0.0]
        span = (max(highs) - min(lows)) or 1.0
        self.plotItem.setYRange(min(lows) - 0.05 * span, max(highs) + 0.22 * span, padding=0)

    @staticmethod
    def _colour(number: int, result: Waterfall) -> str:
        if number in (0, 3):
            return TOTAL_COLOUR
        if number in (1, 2):
            return DEDUCTION_COLOUR
        if number == 4:
            return COST_COLOUR
        return SHORT_COLOUR if result.below_target else MARGIN_COLOUR

    def _plot_bars(self, target_level: float | None = None) -> None:
        for number, ((low, high, colour), text) in enumerate(
            zip(self.bars, self.labels, strict=True)
        ):
            bar = pg.BarGraphItem(
                x=[number],
                y0=[low],
                height=[max(high - low, 0.0)],
                width=0.62,
                brush=QColor(colour),
                pen=pg.mkPen(self.ink(), width=0.6 * self.scale),
            )
            self.plotItem.addItem(bar)
            label = pg.TextItem(text, color=self.ink(), anchor=(0.5, 1))
            label.setFont(self.font())
            top = max(high, target_level) if number == 5 and target_level is not None else high
            label.setPos(number, top)
            self.plotItem.addItem(label)
            self._points.append((float(number), high, f"{self.steps[number]}\n{text}"))
        for number in range(len(self.bars) - 1):  # thin connectors: where the next bar starts
            level = self.bars[number][1] if number in (0, 3) else self.bars[number][0]
            connector = pg.PlotDataItem(
                [number + 0.31, number + 0.69],
                [level, level],
                pen=pg.mkPen(NEUTRAL_GREY, width=self.scale, style=Qt.PenStyle.DotLine),
            )
            self.plotItem.addItem(connector)

    def _plot_target(self, result: Waterfall, target: Decimal | None) -> float | None:
        """The target margin as a dashed line across the margin bar; returns its height."""
        if target is None or not target or result.net_price <= 0:
            return None
        level = float(result.net_price * target)
        line = pg.PlotDataItem(
            [4.6, 5.4],
            [level, level],
            pen=pg.mkPen(self.ink(), width=2 * self.scale, style=Qt.PenStyle.DashLine),
        )
        self.plotItem.addItem(line)
        self._points.append((5.0, level, f"Target gross margin {format_rate(target)} of net"))
        return level
