"""The business case in Excel: driver cells, and cash flows, NPV and IRR as live formulas.

One sheet per product with a business case ("Business case – <product>"):

- **Settings**: currency, period, periods per year, the first day of period 1, the
  horizon, the pricing model, and which scenario is the plan (signed off or the draft's).
- **Drivers**: one row per driver of :data:`pmdesk.core.finance.DRIVERS`; the column
  "Base drivers" holds the case's values (blue: type over them), each scenario's column
  either its own override (blue) or a formula repeating the base value. The base
  drivers are also named cells (``price``, ``churn``, … scoped to the sheet). With a
  cost build-up, the base unit cost is the build-up's total, a formula over its rows.
- **Figures** per scenario: NPV (``=NPV(rate per period, periods 1…N) + period 0``,
  period 0 undiscounted as in :func:`pmdesk.core.finance.npv`), IRR (``=IRR(periods
  0…N, guess)``, per period, and a year; the guess is the rate pmdesk found, so where
  several IRRs exist the spreadsheet finds pmdesk's, the one nearest 0), payback and discounted payback (interpolated within
  the period, as :class:`pmdesk.core.finance.Figures` defines them), ROI, the break-even
  period, the peak funding and the total revenue.
- **Cash flows** per scenario, the plan's first: every line of
  :func:`pmdesk.core.finance.cash_flow_table` as a formula over the driver cells
  (the ramp, the market cap, churn for a subscription, revenue = units × price, …).

Every formula cell also carries the value pmdesk computed, so a viewer that does not
recalculate shows the figures; Excel and LibreOffice recalculate when a driver changes.
The horizon sets how many rows the tables have: a longer one needs a new export.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import (  # type: ignore[import-untyped]
    xl_col_to_name,
    xl_rowcol_to_cell,
)

from pmdesk.core.finance import (
    DRIVERS,
    INVESTMENT_KEYS,
    OPERATING_KEYS,
    PERIODS_PER_YEAR,
    PricingModel,
    ScenarioResult,
    drivers_for,
    evaluate_all,
    rate_per_period,
)
from pmdesk.core.palette import DOCUMENT_COLOURS
from pmdesk.core.pricing import ONE, PRECISION

from .workbook import money_format

if TYPE_CHECKING:
    from pmdesk.store.services.finance import CaseDetails, VersionRow
    from pmdesk.store.workspace import Workspace

    from .workbook import _Writer

__all__ = ["CaseData", "CaseSheet", "load_cases"]

_INPUT_FONT = "#0B4FA8"  # the finance convention: inputs in blue, formulas in black
_INPUT_FILL = "#EAF2FC"
#: The ramp of new units is held below this: a steep ramp over a long horizon would pass
#: a spreadsheet's largest number (about 1.8E+308), and new units never exceed the
#: market (at most 10^12) anyway, so the cap changes no figure.
RAMP_CAP = "1E+300"
NO_IRR = "no IRR"
NEVER = "never"
NONE = "—"
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class CaseData:
    """One product's case as the workbook shows it: the draft, every scenario evaluated."""

    name: str
    details: CaseDetails
    results: tuple[ScenarioResult, ...]
    plan: str  # the scenario the product is held to
    plan_text: str  # how it came to be the plan
    title: str = ""  # the sheet's name, set when written


def load_cases(ws: Workspace, product_ids: Sequence[int]) -> list[CaseData]:
    """The business cases of ``product_ids`` that have one, evaluated as ``pmdesk finance``
    does (the draft, every scenario); the plan is the signed version's scenario, else Base."""
    from pmdesk.store.services import FinanceService

    finance = ws.service(FinanceService)
    cases = []
    for product_id in product_ids:
        details = finance.case_details(product_id)
        if details is None:
            continue
        results = evaluate_all(details.case)
        names = [result.name for result in results]
        signed = finance.signed_case(product_id)
        version: VersionRow | None = signed[0] if signed is not None else None
        if version is not None and version.scenario in names:
            plan = version.scenario
            text = (
                f"{plan} scenario, signed off as version {version.version} by "
                f"{version.signed_by} on {version.signed_on.isoformat()} "
                "(the figures here are the current draft)"
            )
        else:
            plan = "Base" if "Base" in names else (names[0] if names else "")
            text = f"{plan} scenario of the draft (not signed off yet)"
        cases.append(CaseData(details.product_name, details, results, plan, text))
    return cases


def _serial(day: dt.date) -> float:
    """An Excel date serial (for dates from 1 March 1900 on)."""
    return float((day - _EXCEL_EPOCH).days)


def _f(value: Decimal | float | int | None) -> float | str:
    return "" if value is None else float(value)


@dataclass(frozen=True)
class _Line:
    """A column of the cash-flow table: its header and number format key."""

    header: str
    style: str


# The cash-flow table's columns, A onwards.
LINES = (
    _Line("Period", "whole"),
    _Line("Starts", "date"),
    _Line("Ramp of new units", "count"),
    _Line("New units", "count"),
    _Line("Customers", "count"),
    _Line("Revenue", "money"),
    _Line("Cost of goods", "money"),
    _Line("Gross margin", "money"),
    _Line("Operating costs", "money"),
    _Line("Investment", "money"),
    _Line("Net cash flow", "money"),
    _Line("Cumulative", "money"),
    _Line("Discount factor", "factor"),
    _Line("Discounted", "money"),
    _Line("Cumulative discounted", "money"),
    _Line("Payback point", "periods"),
    _Line("Discounted payback point", "periods"),
    _Line("Breaks even", "whole"),
)
_COL = {line.header: n for n, line in enumerate(LINES)}


class CaseSheet:
    """Writes one product's business case sheet (see the module's docstring)."""

    def __init__(self, writer: _Writer, case: CaseData, title: str) -> None:
        self.writer = writer
        self.case = case
        case.title = title
        self.sheet = writer.book.add_worksheet(title)
        self.details = case.details
        self.settings = case.details.settings
        self.currency = self.settings.currency
        styles = writer.styles
        money = money_format(self.currency)
        self.formats = {
            "money": styles.get(num_format=money),
            "count": styles.get(num_format="#,##0.00"),
            "rate": styles.get(num_format="0.00%"),
            "whole": styles.get(num_format="0"),
            "period": styles.get(num_format="0", align="left"),
            "date": styles.get(num_format="yyyy-mm-dd", align="center"),
            "factor": styles.get(num_format="0.000000"),
            "periods": styles.get(num_format="0.00"),
            "text": styles.get(),
        }
        numbers = {
            "money": money,
            "count": "#,##0",
            "rate": "0.00%",
            "whole": "0",
            "date": "yyyy-mm-dd",
            "text": "General",
        }
        self.inputs = {
            key: styles.get(
                num_format=number,
                font_color=_INPUT_FONT,
                bg_color=_INPUT_FILL,
                border=1,
                border_color=DOCUMENT_COLOURS["hairline"],
                **({"align": "left"} if key in ("date", "text") else {}),
            )
            for key, number in numbers.items()
        }
        self.section = styles.get(bold=True, font_size=12, font_color=DOCUMENT_COLOURS["primary"])
        self.driver_row: dict[str, int] = {}
        self.scenario_col: dict[str, int] = {}
        self.rate_row = 0

    # -- small writers ---------------------------------------------------------------

    def text(self, row: int, col: int, value: str, style: Any = None) -> None:
        self.writer.text(self.sheet, row, col, value, style)

    def formula(self, row: int, col: int, formula: str, style: str, cached: Any) -> None:
        value = cached if cached is not None else ""
        if isinstance(value, float) and not math.isfinite(value):
            value = ""  # beyond a spreadsheet's numbers: let it compute (and show) its own
        self.sheet.write_formula(row, col, formula, self.formats[style], value)

    # -- the sheet -----------------------------------------------------------------------

    def write(self) -> None:
        sheet, styles = self.sheet, self.writer.styles
        names = [result.name for result in self.case.results]
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 14)
        sheet.set_column(2, len(LINES), 16)
        sheet.set_landscape()
        sheet.set_paper(8)  # A3: the cash flows' eighteen columns on one page's width
        sheet.fit_to_pages(1, 0)
        self.text(0, 0, f"Business case – {self.case.name}", styles.title)
        self.text(
            1,
            0,
            "Blue cells are the drivers: change one and the cash flows, NPV, IRR and payback "
            "below recalculate (they are formulas, as pmdesk computes them).",
            styles.muted,
        )
        row = self._settings(3)
        row = self._drivers(row + 1, names)
        if self.details.cost_items:
            row = self._build_up(row + 1)
        figures_row = row + 1
        row = figures_row + 12
        ordered = sorted(self.case.results, key=lambda r: r.name != self.case.plan)
        blocks: dict[str, tuple[int, int]] = {}
        for result in ordered:
            first, last = self._cash_flows(row, result)
            blocks[result.name] = (first, last)
            row = last + 3
        self._figures(figures_row, blocks)

    def _settings(self, row: int) -> int:
        settings = self.settings
        self.text(row, 0, "Settings", self.section)
        ppy = PERIODS_PER_YEAR[settings.period]
        entries: list[tuple[str, Any, str]] = [
            ("Currency", settings.currency, "text"),
            ("Period", settings.period.label, "text"),
            ("Periods per year", ppy, "whole"),
            ("Months per period", settings.period.months, "whole"),
            ("First period of sales starts", settings.start, "date"),
            ("Horizon (periods after period 0)", settings.horizon, "whole"),
            ("Pricing", settings.pricing_model.label, "text"),
            ("Plan", self.case.plan_text, "text"),
        ]
        self.cells: dict[str, str] = {}
        for offset, (label, value, kind) in enumerate(entries, 1):
            r = row + offset
            self.text(r, 0, label)
            if kind == "text":
                self.text(r, 1, str(value))
            elif kind == "date":
                self.sheet.write_datetime(r, 1, value, self.inputs["date"])
            else:
                self.sheet.write_number(r, 1, value, self.formats["whole"])
            self.cells[label] = xl_rowcol_to_cell(r, 1, row_abs=True, col_abs=True)
        months_row = row + 4
        self.sheet.write_formula(
            months_row,
            1,
            f"=12/{self.cells['Periods per year']}",
            self.formats["whole"],
            settings.period.months,
        )
        self.sheet.write_comment(
            row + 5,
            1,
            "Change the start and every period's date follows. The horizon is how many "
            "periods the tables below have: for another horizon, change it in pmdesk and "
            "export again.",
        )
        self.writer.book.define_name(
            self._name("start"), f"={self._ref(self.cells['First period of sales starts'])}"
        )
        return row + len(entries) + 1

    def _name(self, name: str) -> str:
        quoted = "'" + self.sheet.get_name().replace("'", "''") + "'"
        return f"{quoted}!{name}"

    def _ref(self, cell: str) -> str:
        quoted = "'" + self.sheet.get_name().replace("'", "''") + "'"
        return f"{quoted}!{cell}"

    def _drivers(self, row: int, names: list[str]) -> int:
        details, case = self.details, self.details.case
        sheet = self.sheet
        self.text(row, 0, "Drivers", self.section)
        header = row + 1
        headers = ["Driver", "Unit", "Base drivers", *names, "Note"]
        for col, text in enumerate(headers):
            self.text(header, col, text, self.writer.styles.header)
        for n, name in enumerate(names):
            self.scenario_col[name] = 3 + n
        scenarios = {s.name: s for s in case.scenarios}
        effective = {name: drivers_for(case, name) for name in names}
        build_up = case.unit_cost_from_build_up
        for offset, spec in enumerate(DRIVERS, 2):
            r = row + offset
            self.driver_row[spec.key] = r
            style = "rate" if spec.is_rate else ("money" if spec.is_money else "count")
            self.text(r, 0, spec.label)
            self.text(r, 1, _unit(spec.unit, self.currency, self.settings.period.label.lower()))
            value = details.drivers[spec.key]
            base_cell = xl_rowcol_to_cell(r, 2, row_abs=True, col_abs=True)
            if spec.key == "unit_cost" and build_up is not None:
                self.unit_cost_cell = (r, 2)  # its formula is written by the build-up
            else:
                sheet.write_number(r, 2, float(value), self.inputs[style])
            self.writer.book.define_name(self._name(spec.key), f"={self._ref(base_cell)}")
            for name in names:
                col = self.scenario_col[name]
                override = scenarios[name].overrides.get(spec.key)
                if override is not None:
                    sheet.write_number(r, col, float(override), self.inputs[style])
                else:
                    self.formula(r, col, f"={base_cell}", style, float(effective[name][spec.key]))
            note = details.notes.get(spec.key, "")
            if spec.key == "unit_cost" and build_up is not None:
                note = (
                    "The cost build-up's total (below); the unit cost typed in pmdesk "
                    f"({float(value):,.2f}) is not used while the product has cost items."
                    + (f" {note}" if note else "")
                )
            if spec.key == "churn" and self.settings.pricing_model is PricingModel.UNIT:
                note = "Not used in a one-off sale." + (f" {note}" if note else "")
            if note:
                self.text(r, 3 + len(names), note)
        self.rate_row = row + 2 + len(DRIVERS)
        r = self.rate_row
        self.text(r, 0, "Discount rate per period")
        self.text(r, 1, "rate / period")
        ppy = self.cells["Periods per year"]
        for name in names:
            col = self.scenario_col[name]
            annual = xl_rowcol_to_cell(self.driver_row["discount_rate"], col)
            cached = rate_per_period(effective[name]["discount_rate"], self.settings.period)
            self.formula(r, col, f"=(1+{annual})^(1/{ppy})-1", "rate", float(cached))
        self.sheet.write_comment(
            r,
            0,
            "The annual discount rate compounded down to one period: "
            "(1 + annual) ^ (1 / periods per year) − 1.",
        )
        return r + 1

    def _build_up(self, row: int) -> int:
        items = self.details.cost_items
        self.text(row, 0, "Cost build-up (unit cost)", self.section)
        for col, text in enumerate(("Item", "Quantity", "Unit cost", "Cost per unit")):
            self.text(row + 1, col, text, self.writer.styles.header)
        first = row + 2
        for n, item in enumerate(items):
            r = first + n
            self.text(r, 0, item.name)
            self.sheet.write_number(r, 1, float(item.quantity), self.inputs["count"])
            self.sheet.write_number(r, 2, float(item.unit_cost), self.inputs["money"])
            with localcontext(prec=PRECISION):
                cached = item.quantity * item.unit_cost
            self.formula(r, 3, f"=B{r + 1}*C{r + 1}", "money", float(cached))
        total = first + len(items)
        self.text(total, 0, "Total: the unit cost")
        assert self.details.case.unit_cost_from_build_up is not None
        cached_total = float(self.details.case.unit_cost_from_build_up)
        self.formula(total, 3, f"=SUM(D{first + 1}:D{total})", "money", cached_total)
        r, c = self.unit_cost_cell
        self.formula(
            r,
            c,
            f"={xl_rowcol_to_cell(total, 3, row_abs=True, col_abs=True)}",
            "money",
            cached_total,
        )
        return total + 1

    def _driver(self, key: str, scenario: str) -> str:
        """The absolute reference of driver ``key`` in ``scenario``'s column."""
        return xl_rowcol_to_cell(
            self.driver_row[key], self.scenario_col[scenario], row_abs=True, col_abs=True
        )

    def _cash_flows(self, row: int, result: ScenarioResult) -> tuple[int, int]:
        """The scenario's cash-flow table from ``row``; returns its first and last data rows."""
        name = result.name
        label = f"Cash flows — {name} scenario" + (" (the plan)" if name == self.case.plan else "")
        self.text(row, 0, label, self.section)
        header = row + 1
        for col, line in enumerate(LINES):
            self.text(header, col, line.header, self.writer.styles.header)
        self.sheet.write_comment(
            header,
            _COL["Ramp of new units"],
            "New units in period 1, grown by the growth of new units each period; new units "
            "are the ramp as far as the market has room. Held below 1E+300 so a steep ramp "
            "never passes the spreadsheet's largest number (it changes no figure).",
        )
        d = {spec.key: self._driver(spec.key, name) for spec in DRIVERS}
        rate = xl_rowcol_to_cell(self.rate_row, self.scenario_col[name], row_abs=True, col_abs=True)
        months = self.cells["Months per period"]
        start = self.cells["First period of sales starts"]
        subscription = self.settings.pricing_model is PricingModel.SUBSCRIPTION
        first = header + 1
        rows = result.rows
        drivers = drivers_for(self.details.case, name)
        per_period = rate_per_period(drivers["discount_rate"], self.settings.period)
        invest = "+".join(d[key] for key in INVESTMENT_KEYS)
        operating = "+".join(d[key] for key in OPERATING_KEYS)
        ramp = drivers["units_first"]
        helper = _helpers(rows)
        factor = 1.0
        for period in rows:
            r = first + period.index
            x = r + 1  # the Excel row number

            def at(line: str, offset: int = 0, _x: int = x) -> str:
                return f"{xl_col_to_name(_COL[line])}{_x + offset}"

            t = period.index
            self.sheet.write_number(r, 0, t, self.formats["period"])
            self.formula(
                r,
                1,
                f"=EDATE({start},({at('Period')}-1)*{months})",
                "date",
                _serial(period.start),
            )
            if t == 0:
                self.formula(r, _COL["New units"], "=0", "count", 0.0)
                self.formula(r, _COL["Customers"], "=0", "count", 0.0)
                for nil in ("Revenue", "Cost of goods", "Gross margin", "Operating costs"):
                    self.formula(r, _COL[nil], "=0", "money", 0.0)
                self.formula(r, _COL["Investment"], f"={invest}", "money", _f(period.investment))
                self.formula(
                    r, _COL["Cumulative"], f"={at('Net cash flow')}", "money", _f(period.cumulative)
                )
                self.formula(
                    r,
                    _COL["Cumulative discounted"],
                    f"={at('Discounted')}",
                    "money",
                    _f(period.cumulative_discounted),
                )
            else:
                if t > 1:
                    with localcontext(prec=PRECISION):
                        ramp *= ONE + drivers["units_growth"]
                    ramp_formula = (
                        f"=MIN({at('Ramp of new units', -1)}*(1+{d['units_growth']}),{RAMP_CAP})"
                    )
                else:
                    ramp_formula = f"={d['units_first']}"
                self.formula(
                    r, _COL["Ramp of new units"], ramp_formula, "count", min(float(ramp), 1e300)
                )
                before = at("Customers", -1)
                retained = f"{before}*(1-{d['churn']})" if subscription else before
                room = f"({d['market_size']}-{retained})"
                self.formula(
                    r,
                    _COL["New units"],
                    f"=IF({room}>0,MIN({at('Ramp of new units')},{room}),0)",
                    "count",
                    _f(period.new_units),
                )
                self.formula(
                    r,
                    _COL["Customers"],
                    f"={retained}+{at('New units')}",
                    "count",
                    _f(period.customers),
                )
                billed = at("Customers") if subscription else at("New units")
                self.formula(
                    r, _COL["Revenue"], f"={billed}*{d['price']}", "money", _f(period.revenue)
                )
                self.formula(
                    r,
                    _COL["Cost of goods"],
                    f"={billed}*{d['unit_cost']}",
                    "money",
                    _f(period.cost_of_goods),
                )
                self.formula(
                    r,
                    _COL["Gross margin"],
                    f"={at('Revenue')}-{at('Cost of goods')}",
                    "money",
                    _f(period.gross_margin),
                )
                self.formula(
                    r, _COL["Operating costs"], f"={operating}", "money", _f(period.operating_costs)
                )
                self.formula(r, _COL["Investment"], "=0", "money", 0.0)
                self.formula(
                    r,
                    _COL["Cumulative"],
                    f"={at('Cumulative', -1)}+{at('Net cash flow')}",
                    "money",
                    _f(period.cumulative),
                )
                self.formula(
                    r,
                    _COL["Cumulative discounted"],
                    f"={at('Cumulative discounted', -1)}+{at('Discounted')}",
                    "money",
                    _f(period.cumulative_discounted),
                )
                self.formula(
                    r,
                    _COL["Payback point"],
                    f"=IF(AND({at('Cumulative', -1)}<0,{at('Cumulative')}>=0),"
                    f'{at("Period")}-1-{at("Cumulative", -1)}/{at("Net cash flow")},"")',
                    "periods",
                    _f(helper[0][t]),
                )
                self.formula(
                    r,
                    _COL["Discounted payback point"],
                    f"=IF(AND({at('Cumulative discounted', -1)}<0,"
                    f"{at('Cumulative discounted')}>=0),"
                    f'{at("Period")}-1-{at("Cumulative discounted", -1)}/{at("Discounted")},"")',
                    "periods",
                    _f(helper[1][t]),
                )
                self.formula(
                    r,
                    _COL["Breaks even"],
                    f"=IF(AND({at('Revenue')}>0,"
                    f"{at('Revenue')}-{at('Cost of goods')}-{at('Operating costs')}>=0),"
                    f'{at("Period")},"")',
                    "whole",
                    _f(helper[2][t]),
                )
            self.formula(
                r,
                _COL["Net cash flow"],
                f"={at('Gross margin')}-{at('Operating costs')}-{at('Investment')}",
                "money",
                _f(period.net_cash_flow),
            )
            self.formula(
                r, _COL["Discount factor"], f"=1/(1+{rate})^{at('Period')}", "factor", factor
            )
            self.formula(
                r,
                _COL["Discounted"],
                f"={at('Net cash flow')}*{at('Discount factor')}",
                "money",
                _f(period.discounted),
            )
            factor /= 1 + float(per_period)
        return first, first + len(rows) - 1

    def _figures(self, row: int, blocks: dict[str, tuple[int, int]]) -> None:
        self.text(row, 0, "Figures", self.section)
        header = row + 1
        self.text(header, 0, "Figure", self.writer.styles.header)
        self.text(header, 1, "", self.writer.styles.header)
        self.text(header, 2, "", self.writer.styles.header)
        ppy = self.cells["Periods per year"]
        labels = [
            ("NPV", "money"),
            ("IRR per period", "rate"),
            ("IRR a year", "rate"),
            ("Payback (periods)", "periods"),
            ("Discounted payback (periods)", "periods"),
            ("ROI", "rate"),
            ("Break-even period", "whole"),
            ("Peak funding", "money"),
            ("Total revenue", "money"),
        ]
        for offset, (label, _style) in enumerate(labels, 2):
            self.text(row + offset, 0, label)
        self.text(row + 2, 1, self.currency)
        note_row = row + 2 + len(labels)
        for result in self.case.results:
            name = result.name
            col = self.scenario_col[name]
            self.text(header, col, name, self.writer.styles.header)
            first, last = blocks[name]

            def span(line: str, start: int = first, _last: int = last) -> str:
                letter = xl_col_to_name(_COL[line])
                return f"{letter}{start + 1}:{letter}{_last + 1}"

            net0 = f"{xl_col_to_name(_COL['Net cash flow'])}{first + 1}"
            rate = xl_rowcol_to_cell(self.rate_row, col, row_abs=True, col_abs=True)
            f = result.figures
            irr_cell = xl_rowcol_to_cell(row + 3, col)
            cum_span = span("Cumulative")
            formulas: list[tuple[str, Any]] = [
                (f"=NPV({rate},{span('Net cash flow', first + 1)})+{net0}", _f(f.npv)),
                (
                    f"=IFERROR(IRR({span('Net cash flow')},{_guess(f.irr.per_period)}),"
                    f'IFERROR(IRR({span("Net cash flow")}),"{NO_IRR}"))',
                    _f(f.irr.per_period) if f.irr.per_period is not None else NO_IRR,
                ),
                (
                    f'=IF(ISNUMBER({irr_cell}),(1+{irr_cell})^{ppy}-1,"{NO_IRR}")',
                    _f(f.irr.annual) if f.irr.annual is not None else NO_IRR,
                ),
                (
                    f"=IF(COUNT({span('Payback point')})>0,MIN({span('Payback point')}),"
                    f'IF(MIN({cum_span})>=0,0,"{NEVER}"))',
                    _or(f.payback_period, NEVER),
                ),
                (
                    f"=IF(COUNT({span('Discounted payback point')})>0,"
                    f"MIN({span('Discounted payback point')}),"
                    f'IF(MIN({span("Cumulative discounted")})>=0,0,"{NEVER}"))',
                    _or(f.discounted_payback_period, NEVER),
                ),
                (
                    f'=IF(SUM({span("Investment")})=0,"{NONE}",'
                    f"SUM({span('Net cash flow')})/SUM({span('Investment')}))",
                    _or(f.roi, NONE),
                ),
                (
                    f'=IF(COUNT({span("Breaks even")})>0,MIN({span("Breaks even")}),"{NEVER}")',
                    _or(f.break_even_period, NEVER),
                ),
                (f"=MAX(0,-MIN({cum_span}))", _f(f.peak_funding)),
                (f"=SUM({span('Revenue')})", _f(f.total_revenue)),
            ]
            for offset, ((formula, cached), (_label, style)) in enumerate(
                zip(formulas, labels, strict=True), 2
            ):
                self.formula(row + offset, col, formula, style, cached)
            if f.irr.note:
                self.text(note_row, col, f.irr.note, self.writer.styles.muted)
        if any(result.figures.irr.note for result in self.case.results):
            self.text(
                note_row,
                0,
                "pmdesk's note on the IRR. With several sign changes more than one IRR can "
                "exist: the IRR formula starts its search at the rate pmdesk found, the one "
                "nearest 0, so it finds that one.",
                self.writer.styles.muted,
            )


def _guess(rate: Decimal | None) -> str:
    """Where the IRR formula starts its search: the rate pmdesk found (so that, when the
    cash flows change sign several times and more than one IRR exists, the spreadsheet
    finds the same one, nearest 0), else 0."""
    return "0" if rate is None else repr(float(rate))


def _or(value: Decimal | int | None, missing: str) -> float | str:
    return missing if value is None else float(value)


def _unit(unit: str, currency: str, period: str) -> str:
    return {
        "money": currency,
        "money/period": f"{currency} / {period}",
        "rate": "rate / year",
        "rate/period": f"rate / {period}",
        "count": "count",
        "count/period": f"count / {period}",
    }.get(unit, unit)


def _helpers(rows: Sequence[Any]) -> tuple[list[Any], list[Any], list[Any]]:
    """Per period, the payback point, discounted payback point and break-even marker the
    helper columns' formulas give (None where a formula gives "")."""
    plain: list[Any] = [None] * len(rows)
    discounted: list[Any] = [None] * len(rows)
    even: list[Any] = [None] * len(rows)
    with localcontext(prec=PRECISION):
        for position in range(1, len(rows)):
            before, now = rows[position - 1], rows[position]
            if before.cumulative < 0 <= now.cumulative:
                plain[position] = Decimal(now.index - 1) - before.cumulative / now.net_cash_flow
            if before.cumulative_discounted < 0 <= now.cumulative_discounted:
                discounted[position] = (
                    Decimal(now.index - 1) - before.cumulative_discounted / now.discounted
                )
            if now.revenue > 0 and now.revenue - now.cost_of_goods - now.operating_costs >= 0:
                even[position] = now.index
    return plain, discounted, even
