"""The business case in the workbook: driver cells, and live formulas that LibreOffice
recalculates to exactly what ``pmdesk finance --json`` says — also after a driver changes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from tests.exchange.workbook.books import exported
from tests.office import convert, needs_office

from pmdesk.cli import main
from pmdesk.core.finance import DRIVERS, Period, PricingModel, evaluate
from pmdesk.exchange.workbook import money_format
from pmdesk.store.services import FinanceService, PortfolioService
from pmdesk.store.workspace import Workspace

FIGURES = (
    "NPV",
    "IRR per period",
    "IRR a year",
    "Payback (periods)",
    "Discounted payback (periods)",
    "ROI",
    "Break-even period",
    "Peak funding",
    "Total revenue",
)


@pytest.fixture(scope="module")
def recalculated(demo_book: Path) -> Path:
    """The workbook as LibreOffice computes it on load (tests/office.py recalculates)."""
    return convert(demo_book, "xlsx")


def _finance_json(path: Path, product: str, capsys) -> dict:
    assert main(["finance", str(path), "--product", product, "--json"]) == 0
    return json.loads(capsys.readouterr().out, parse_float=Decimal, parse_int=Decimal)


def _find(sheet, text: str, column: int = 1) -> int:
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, column).value == text:
            return row
    raise AssertionError(f"{text!r} is not in column {column} of {sheet.title}")


def _figures(sheet) -> dict[str, dict[str, object]]:
    """{scenario: {figure: value}} from the Figures block."""
    header = _find(sheet, "Figure")
    result: dict[str, dict[str, object]] = {}
    for col in range(4, sheet.max_column + 1):
        name = sheet.cell(header, col).value
        if not name:
            break
        result[name] = {
            sheet.cell(header + n, 1).value: sheet.cell(header + n, col).value
            for n in range(1, len(FIGURES) + 1)
        }
    return result


def _products(path: Path) -> list[str]:
    with Workspace.open(path, read_only=True) as ws:
        finance = ws.service(FinanceService)
        return [
            p.name
            for p in ws.service(PortfolioService).list_products()
            if finance.case_id_for(p.id) is not None
        ]


def _check(figures: dict, document: dict) -> None:
    """Each scenario's figures equal the app's: NPV to the cent (a spreadsheet's numbers
    are doubles with about 15 significant digits, so beyond 10^13 to 1e-12 of the value),
    rates to 1e-6."""
    for scenario in document["scenarios"]:
        got = figures[scenario["name"]]
        name = scenario["name"]
        assert got["NPV"] == pytest.approx(float(scenario["npv"]), abs=0.005, rel=1e-12), name
        irr = scenario["irr_per_period"]
        if irr is None:
            assert got["IRR per period"] == "no IRR", name
        else:
            assert got["IRR per period"] == pytest.approx(float(irr), abs=1e-6), name
            assert got["IRR a year"] == pytest.approx(float(scenario["irr_annual"]), abs=1e-6)
        for key, figure in (
            ("payback_period", "Payback (periods)"),
            ("discounted_payback_period", "Discounted payback (periods)"),
        ):
            if scenario[key] is None:
                assert got[figure] == "never", (name, figure)
            else:
                assert got[figure] == pytest.approx(float(scenario[key]), abs=1e-6), (name, figure)
        if scenario["roi"] is not None:
            assert got["ROI"] == pytest.approx(float(scenario["roi"]), abs=1e-9, rel=1e-12), name


def test_the_case_sheet_holds_driver_cells_and_formulas(demo_book, demo_path):
    book = openpyxl.load_workbook(demo_book)
    names = _products(demo_path)
    assert len(names) == 3
    sheets = [n for n in book.sheetnames if n.startswith("Business case – ")]
    assert len(sheets) == 3
    sheet = book["Business case – Pulse Cloud"]
    # The base drivers are named cells holding numbers (scoped to the sheet).
    named = sheet.defined_names
    for spec in DRIVERS:
        assert spec.key in named, spec.key
    sheet_name, cell = next(iter(named["price"].destinations))
    assert sheet_name == sheet.title
    assert isinstance(sheet[cell.replace("$", "")].value, (int, float))
    assert sheet[cell.replace("$", "")].number_format == money_format("EUR")
    # Figures and cash flows are formulas over them.
    header = _find(sheet, "Figure")
    npv = sheet.cell(header + 1, 5).value
    assert npv.startswith("=NPV(") and "+" in npv
    assert "IRR(" in sheet.cell(header + 2, 5).value
    flows = _find(sheet, "Cash flows — Base scenario (the plan)")
    formulas = [c for row in sheet.iter_rows(min_row=flows + 2) for c in row if c.data_type == "f"]
    assert len(formulas) > 20 * 15
    revenue = sheet.cell(flows + 3, 6).value  # period 1's revenue
    assert revenue.startswith("=") and "*" in revenue  # customers × price
    # The plan comes first and is named; the settings say how it became the plan.
    assert "signed off" in sheet.cell(_find(sheet, "Plan"), 2).value


def test_cached_values_are_the_apps_figures(demo_book, demo_path, capsys):
    book = openpyxl.load_workbook(demo_book, data_only=True)
    for name in _products(demo_path):
        document = _finance_json(demo_path, name, capsys)
        sheet = book[
            next(n for n in book.sheetnames if n.startswith(f"Business case – {name}"[:31]))
        ]
        _check(_figures(sheet), document)


@needs_office
def test_libreoffice_recalculates_npv_and_irr_to_pmdesk_finance_json(
    recalculated, demo_path, capsys
):
    book = openpyxl.load_workbook(recalculated, data_only=True)
    for name in _products(demo_path):
        document = _finance_json(demo_path, name, capsys)
        title = next(n for n in book.sheetnames if n.startswith(f"Business case – {name}"[:31]))
        _check(_figures(book[title]), document)


@needs_office
def test_a_changed_driver_recalculates_the_npv_the_app_would_give(demo_book, demo_path, tmp_path):
    """The formulas are live: a new price and discount rate typed over the base drivers,
    LibreOffice's NPV equals the app's for those drivers; a scenario that overrides the
    price keeps its own."""
    book = openpyxl.load_workbook(demo_book)
    sheet = book["Business case – Pulse Cloud"]

    def cell(key: str):
        _, ref = next(iter(sheet.defined_names[key].destinations))
        return sheet[ref.replace("$", "")]

    cell("price").value = 2750
    cell("discount_rate").value = 0.15
    cell("market_size").value = 1200
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    figures = _figures(
        openpyxl.load_workbook(convert(changed, "xlsx"), data_only=True)[sheet.title]
    )
    with Workspace.open(demo_path, read_only=True) as ws:
        pulse = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        case = ws.service(FinanceService).business_case(pulse)
    assert case is not None
    drivers = dict(case.drivers) | {
        "price": Decimal("2750"),
        "discount_rate": Decimal("0.15"),
        "market_size": Decimal("1200"),
    }
    moved = dataclasses.replace(case, drivers=drivers)
    for scenario in ("Base", "Worst", "Best"):
        expected = evaluate(moved, scenario).figures
        assert figures[scenario]["NPV"] == pytest.approx(float(expected.npv), abs=0.005)
        assert figures[scenario]["IRR per period"] == pytest.approx(
            float(expected.irr.per_period), abs=1e-6
        )
    assert evaluate(moved, "Base").figures.npv != evaluate(case, "Base").figures.npv


def _monthly_case(path: Path) -> None:
    """A new workspace with a monthly one-off-sale case in SEK whose Best scenario has its
    own discount rate and unit cost, and no cost build-up."""
    with Workspace.create(path, name="Cases") as ws:
        product = ws.service(PortfolioService).create_product(name="Nordic =1+1", owner="A")
        finance = ws.service(FinanceService)
        case_id = finance.create_case(
            product.id,
            currency="SEK",
            period=Period.MONTH,
            horizon=36,
            start=dt.date(2027, 1, 31),
            pricing_model=PricingModel.UNIT,
        )
        for key, value in {"price": "950", "units_first": "30", "discount_rate": "0.08"}.items():
            finance.set_driver(case_id, key, value)
        for scenario in finance.case_details(product.id).scenarios:
            if scenario.name == "Best":
                finance.set_override(scenario.id, "discount_rate", "0.2")
                finance.set_override(scenario.id, "unit_cost", "90")


@needs_office
def test_a_monthly_case_in_another_currency_recalculates_too(tmp_path, capsys):
    path = tmp_path / "monthly.pmdesk"
    _monthly_case(path)
    out = tmp_path / "monthly.xlsx"
    exported(path, out)
    title = "Business case – Nordic =1+1"
    raw = openpyxl.load_workbook(out)[title]
    assert raw["A1"].value == title and raw["A1"].data_type == "s"
    starts = _find(raw, "Cash flows — Base scenario (the plan)") + 2
    assert raw.cell(starts + 2, 2).value.startswith("=EDATE(")
    book = openpyxl.load_workbook(convert(out, "xlsx"), data_only=True)
    sheet = book[title]
    # 31 January plus a month is the last day of February, as in the app.
    assert sheet.cell(starts + 2, 2).value == dt.datetime(2027, 2, 28)
    document = _finance_json(path, "Nordic =1+1", capsys)
    assert "discount_rate" in document["scenarios"][2]  # Best has its own rate
    _check(_figures(sheet), document)
    assert money_format("SEK") in {
        sheet.cell(_find(sheet, "Price"), 3).number_format,
        raw.cell(_find(raw, "Price"), 3).number_format,
    }


@needs_office
def test_the_workbook_converts_to_pdf(demo_book):
    pdf = convert(demo_book, "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 50_000


@needs_office
def test_a_steep_ramp_over_400_months_stays_within_the_spreadsheets_numbers(tmp_path, capsys):
    """Growth of 500 % a month for 400 months: the app's ramp passes 1e308; the sheet's is
    held below 1E+300 and every figure still equals the app's."""
    path = tmp_path / "steep.pmdesk"
    with Workspace.create(path, name="Steep") as ws:
        product = ws.service(PortfolioService).create_product(name="Rocket", owner="A")
        finance = ws.service(FinanceService)
        case_id = finance.create_case(
            product.id,
            currency="JPY",
            period=Period.MONTH,
            horizon=400,
            start=dt.date(2027, 1, 1),
            pricing_model=PricingModel.SUBSCRIPTION,
        )
        finance.set_driver(case_id, "units_growth", "5")
        finance.set_driver(case_id, "market_size", "1000000000000")
        for scenario in finance.case_details(product.id).scenarios:
            for key in scenario.overrides:
                finance.set_override(scenario.id, key, None)
    out = tmp_path / "steep.xlsx"
    exported(path, out)
    sheet = openpyxl.load_workbook(convert(out, "xlsx"), data_only=True)["Business case – Rocket"]
    _check(_figures(sheet), _finance_json(path, "Rocket", capsys))
    first = _find(sheet, "Cash flows — Base scenario (the plan)") + 2
    ramp = [sheet.cell(first + n, 3).value for n in range(1, 401)]
    assert all(isinstance(v, float | int) for v in ramp) and max(ramp) == 1e300


@needs_office
def test_every_recalculated_cash_flow_line_is_the_apps(recalculated, demo_path):
    """Period by period, every line LibreOffice computes from the formulas is the line
    pmdesk's cash-flow table holds, and so are the figures the JSON does not carry."""
    book = openpyxl.load_workbook(recalculated, data_only=True)
    lines = {
        "New units": "new_units",
        "Customers": "customers",
        "Revenue": "revenue",
        "Cost of goods": "cost_of_goods",
        "Gross margin": "gross_margin",
        "Operating costs": "operating_costs",
        "Investment": "investment",
        "Net cash flow": "net_cash_flow",
        "Cumulative": "cumulative",
        "Discounted": "discounted",
        "Cumulative discounted": "cumulative_discounted",
    }
    with Workspace.open(demo_path, read_only=True) as ws:
        finance = ws.service(FinanceService)
        for product in ws.service(PortfolioService).list_products():
            case = finance.business_case(product.id)
            if case is None:
                continue
            title = next(
                n for n in book.sheetnames if n.startswith(f"Business case – {product.name}"[:31])
            )
            sheet = book[title]
            figures = _figures(sheet)
            for result in (evaluate(case, s.name) for s in case.scenarios):
                label = f"Cash flows — {result.name} scenario"
                header = (
                    next(
                        row
                        for row in range(1, sheet.max_row + 1)
                        if str(sheet.cell(row, 1).value).startswith(label)
                    )
                    + 1
                )
                columns = {sheet.cell(header, c).value: c for c in range(1, 19)}
                for row in result.rows:
                    at = header + 1 + row.index
                    assert sheet.cell(at, 1).value == row.index
                    assert sheet.cell(at, columns["Starts"]).value.date() == row.start
                    for line, field in lines.items():
                        want = float(getattr(row, field))
                        got = sheet.cell(at, columns[line]).value
                        assert got == pytest.approx(want, rel=1e-9, abs=1e-6), (
                            title,
                            result.name,
                            row.index,
                            line,
                        )
                f = result.figures
                got = figures[result.name]
                assert got["Break-even period"] == (
                    "never" if f.break_even_period is None else f.break_even_period
                )
                assert got["Peak funding"] == pytest.approx(float(f.peak_funding), abs=0.005)
                assert got["Total revenue"] == pytest.approx(float(f.total_revenue), abs=0.005)
