"""The business-case sign-off document, and the business parts of the spec and portfolio PDFs.

Cases are made from a new empty workspace through FinanceService (what a person can
type), exported, and read back with pypdf; text placement is checked with
``_pdf_positions`` and every page kind is rendered to PNG with pdftoppm.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from _pdf_positions import outside_margins, overlaps, placed_text
from pypdf import PdfReader

from pmdesk.cli import main
from pmdesk.core.finance import DRIVERS, Period, PricingModel, add_months
from pmdesk.exchange.pdf import KINDS, SECTIONS, PdfOptions, export_pdf
from pmdesk.exchange.pdf.business_case import DRAFT
from pmdesk.exchange.pdf.theme import SPACING
from pmdesk.store.services import FinanceService, PortfolioService
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 16)
START = dt.date(2026, 1, 1)
HEBREW = "פלטפורמת חיישנים"
EMOJI_NAME = "Pulse ❤️ Cloud 🚀"


def _product(ws, name: str = "Aurora Sensors") -> int:
    return ws.service(PortfolioService).create_product(name=name, owner="Hannah Okafor").id


def _case(
    ws,
    product_id: int,
    *,
    horizon: int = 20,
    period: Period = Period.QUARTER,
    pricing: PricingModel = PricingModel.UNIT,
    currency: str = "EUR",
    drivers: dict[str, str] | None = None,
    build_up: bool = True,
) -> int:
    """A case with notes, a cost build-up and price points (as the editor would make it)."""
    finance = ws.service(FinanceService)
    case_id = finance.create_case(
        product_id,
        currency=currency,
        period=period,
        horizon=horizon,
        start=START,
        pricing_model=pricing,
    )
    values = {
        "market_size": "5000",
        "units_first": "40",
        "units_growth": "0.05",
        "price": "1200",
        "churn": "0",
        "unit_cost": "300",
        "investment_development": "250000",
        "investment_tooling": "0",
        "investment_launch": "50000",
        "cost_support": "8000",
        "cost_hosting": "0",
        "cost_marketing": "4000",
        "discount_rate": "0.1",
    }
    for key, value in (values | (drivers or {})).items():
        finance.set_driver(case_id, key, value)
    overrides = {"Worst": {"units_first": "25"}, "Best": {"units_first": "60"}}
    for scenario in finance.case_details(product_id).scenarios:  # ours, not the defaults'
        for key in scenario.overrides:
            finance.set_override(scenario.id, key, None)
        for key, value in overrides.get(scenario.name, {}).items():
            finance.set_override(scenario.id, key, value)
    finance.set_driver_note(case_id, "price", "List price after the launch discount")
    finance.set_driver_note(case_id, "market_size", "Labs with a cold room in DACH")
    if build_up:
        finance.add_cost_item(product_id, "Sensor board", Decimal(2), Decimal("120"))
        finance.add_cost_item(product_id, "Enclosure & cable", Decimal(1), Decimal("45.50"))
        finance.add_price_point(product_id, "Labs", "Standard", "Direct", "1400", "0.1", "0", "0.6")
        finance.add_price_point(product_id, "Clinics", "Pro", "Reseller", "1400", "0", "0.5", "0.6")
    return case_id


def _export(ws, path: Path, product_id: int | None, kind: str = "business-case", **options):
    options.setdefault("paper", "A4")
    return export_pdf(
        ws, kind, path, product_id=product_id, options=PdfOptions(today=TODAY, **options)
    )


def _pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


@pytest.fixture
def ws(tmp_path: Path):
    workspace = Workspace.create(tmp_path / "finance.pmdesk", name="Finance <test> & Co")
    yield workspace
    workspace.close()


def test_a_signed_case_prints_every_section_from_summary_to_signature(ws, tmp_path):
    pid = _product(ws)
    case_id = _case(ws, pid)
    ws.service(FinanceService).sign_off(
        case_id, signed_by="Margaret Ellison", scenario="Base", signed_on=dt.date(2026, 2, 2)
    )
    out = _export(ws, tmp_path / "case.pdf", pid)
    pages = _pages(out)
    text = " ".join(pages)
    first = pages[0]
    # the one-page summary: the decision, key figures per scenario, the chart
    for words in (
        "Aurora Sensors — business case",
        "SIGNED OFF",
        "The decision asked",
        "Approved: an investment of €300,000",
        "Key figures by scenario",
        "Net present value",
        "Internal rate of return",
        "Discounted payback",
        "Peak funding need",
        "Worst",
        "Best",
        "Cash flow of the Base scenario (EUR)",
        "cumulative, Base",
    ):
        assert words in first, words
    assert DRAFT not in text and "Draft" not in text
    assert re.search(r"Break-even Q\d 20\d\d", first)  # named as on screen
    for heading in (
        "1 Assumptions",
        "1.1 Drivers",
        "1.2 Scenarios",
        "2 Cash flow by period",
        "3 Sensitivity",
        "4 Pricing and margin",
        "4.1 Unit cost",
        "4.2 Price points",
        "4.3 Margin waterfall per price point",
        "5 Sign-off",
        "5.1 Signed versions",
    ):
        assert heading in text, heading
    for spec in DRIVERS:  # every driver with its unit; the notes typed
        assert spec.label in text, spec.label
    assert "List price after the launch discount" in text
    assert "Labs with a cold room in DACH" in text
    assert "EUR per unit" in text and "% a year" in text and "EUR per quarter" in text
    assert "Sensor board" in text and "Enclosure & cable" in text and "€285.50" in text
    assert "Clinics · Pro · Reseller" in text  # a waterfall's title
    assert "Gross margin" in text and "is under the 60 % target" in text  # the reseller's
    assert "Signed off: version 1, signed by Margaret Ellison on 2 February 2026" in text
    assert "For signature" not in text
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page


def test_a_case_never_signed_is_a_draft_on_every_page(ws, tmp_path):
    pid = _product(ws)
    _case(ws, pid)
    out = _export(ws, tmp_path / "draft.pdf", pid)
    pages = _pages(out)
    assert "DRAFT — NOT SIGNED OFF" in pages[0]
    assert "Approve an investment of €300,000" in pages[0]
    assert all(DRAFT in page for page in pages)  # the header of every page says so
    text = " ".join(pages)
    assert "No version has been signed yet." in text
    assert "For signature" in text and "Signature" in text
    assert PdfReader(str(out)).metadata.subject == f"Business case · {DRAFT}"


def test_an_edit_after_signing_is_a_draft_naming_what_changed(ws, tmp_path):
    pid = _product(ws)
    case_id = _case(ws, pid)
    finance = ws.service(FinanceService)
    finance.sign_off(case_id, signed_by="Ana Petrova", scenario="Best", signed_on=START)
    finance.set_driver(case_id, "price", "1350")
    finance.add_cost_item(pid, "Certificate", Decimal(1), Decimal("9"))
    text = " ".join(_pages(_export(ws, tmp_path / "changed.pdf", pid)))
    assert f"{DRAFT}: the case has changed since the last signed version 1" in text
    assert "Best scenario" in text  # the scenario that was approved is the one asked again
    assert "Changed since the last signed version" in text
    assert "Price: €1,200 → €1,350" in text
    assert "Cost build-up: €285.50 → €294.50" in text
    assert "v1" in text and "Ana Petrova" in text


@pytest.mark.parametrize("horizon", [1, 20, 80])
def test_the_cash_flow_splits_cleanly_and_the_page_count_stays_sane(ws, tmp_path, horizon):
    pid = _product(ws)
    _case(ws, pid, horizon=horizon)
    out = _export(ws, tmp_path / f"h{horizon}.pdf", pid)
    pages = _pages(out)
    table = [p for p in pages if "Cumulative" in p and "Net cash flow" in p]
    rows_per_page = 20  # a landscape A4 page holds at least this many periods
    assert len(table) <= 1 + horizon // rows_per_page
    assert len(pages) <= 7 + len(table)
    for page in table:  # every page of the table repeats its header
        assert "# Period New units Units to date Revenue" in page
    text = " ".join(table)
    for index in range(horizon + 1):  # every period once, none lost at a page break
        start = add_months(START, 3 * (index - 1))
        name = "Start" if index == 0 else f"Q{(start.month - 1) // 3 + 1} {start.year}"
        assert len(re.findall(rf"(?<![\d,.]){index} {name}\b", text)) == 1, (index, name)
    assert "Total" in table[-1]
    reader = PdfReader(str(out))
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert sizes == {(595, 842), (842, 595)}  # the table on landscape pages, the rest portrait


def test_four_hundred_months_export_quickly(ws, tmp_path):
    import time

    pid = _product(ws)
    _case(ws, pid, horizon=400, period=Period.MONTH, drivers={"units_growth": "0.01"})
    began = time.perf_counter()
    out = _export(ws, tmp_path / "months.pdf", pid)
    assert time.perf_counter() - began < 30
    pages = _pages(out)
    assert 15 <= len(pages) <= 35
    assert f"400 {add_months(START, 399):%b %Y}" in " ".join(pages)


def test_extreme_values_are_printed_not_crashed_on(ws, tmp_path):
    pid = _product(ws, "Colossus")
    _case(
        ws,
        pid,
        horizon=12,
        drivers={"price": "1000000000000", "units_first": "1000000", "market_size": "9000000"},
    )
    out = _export(ws, tmp_path / "huge.pdf", pid)
    pages = _pages(out)
    assert "amounts in billions of EUR" in " ".join(pages)
    assert outside_margins(out, SPACING.margin) == []
    assert overlaps(out) == []


def test_a_case_without_revenue_has_no_irr_and_never_pays_back(ws, tmp_path):
    pid = _product(ws, "Nothing sold")
    case_id = _case(ws, pid, build_up=False, drivers={"price": "0"})
    out = _export(ws, tmp_path / "none.pdf", pid)
    pages = _pages(out)
    text = " ".join(pages)
    assert "no IRR" in pages[0] and "not reached" in pages[0]  # payback, break-even
    assert "No IRR: the cash flows never change sign" in pages[0]
    assert "does not pay back within the horizon" in pages[0]
    assert "No cost build-up: the case uses the unit cost driver" in text
    assert "No price points yet." in text
    assert case_id


@pytest.mark.parametrize("name", [HEBREW, EMOJI_NAME, "W" * 200])
def test_awkward_product_names_stay_on_the_page(ws, tmp_path, name):
    pid = _product(ws, name)
    _case(ws, pid, pricing=PricingModel.SUBSCRIPTION, drivers={"churn": "0.04"})
    ws.service(FinanceService).add_price_point(
        pid, name, name, name, "99", "0", "0", "0.5"
    )  # the segment, tier and channel head a waterfall
    out = _export(ws, tmp_path / "awkward.pdf", pid)
    assert placed_text(out)
    assert outside_margins(out, SPACING.margin) == []
    assert overlaps(out) == []
    if name == EMOJI_NAME:
        assert "Pulse" in _pages(out)[0]


def test_a_product_without_a_case_says_so(ws, tmp_path):
    pid = _product(ws, "Empty")
    pages = _pages(_export(ws, tmp_path / "empty.pdf", pid))
    assert len(pages) == 1
    assert "Empty has no business case yet" in pages[0]


def test_sections_can_be_left_out(ws, tmp_path):
    pid = _product(ws)
    _case(ws, pid)
    assert set(SECTIONS["business-case"]) == {
        "summary",
        "assumptions",
        "cashflow",
        "sensitivity",
        "pricing",
        "signoff",
    }
    out = _export(ws, tmp_path / "two.pdf", pid, sections=frozenset({"sensitivity", "pricing"}))
    text = " ".join(_pages(out))
    assert "1 Sensitivity" in text and "2 Pricing and margin" in text
    assert "The decision asked" not in text and "Assumptions" not in text
    assert "Sign-off" not in text and "Cash flow by period" not in text


@pytest.mark.parametrize(
    "sections", [{"cashflow"}, {"summary", "cashflow"}, {"cashflow", "signoff"}]
)
def test_the_landscape_table_leaves_no_blank_page(ws, tmp_path, sections):
    pid = _product(ws)
    _case(ws, pid, horizon=30)
    out = _export(ws, tmp_path / "wide.pdf", pid, sections=frozenset(sections))
    reader = PdfReader(str(out))
    for page in reader.pages:  # every page has more than its header and footer
        assert len((page.extract_text() or "").split()) > 25
    wide = [float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages]
    if "summary" not in sections:  # the table comes first: the document is landscape
        assert wide[0]
    assert any(wide)


def test_every_page_kind_renders(ws, tmp_path):
    """Summary, assumptions, cash flow (landscape), sensitivity, pricing, sign-off: as PNG."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler's pdftoppm is not installed")
    pid = _product(ws)
    _case(ws, pid, horizon=28)
    out = _export(ws, tmp_path / "look.pdf", pid)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(out), str(tmp_path / "page")], check=True, timeout=120
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(PdfReader(str(out)).pages)
    assert all(image.stat().st_size > 5_000 for image in images)  # drawn, not blank


# -- the command line ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from pmdesk.store.demo import create_demo

    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk", today=TODAY)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_summary_is_one_page_on_a4_and_letter(demo, tmp_path, paper, orientation):
    with Workspace.open(demo, read_only=True) as ws:
        for product in ws.service(PortfolioService).list_products():
            out = _export(
                ws,
                tmp_path / "summary.pdf",
                product.id,
                paper=paper,
                orientation=orientation,
                sections=frozenset({"summary"}),
            )
            (page,) = _pages(out)  # the decision, the figures and the whole chart
            assert "The decision asked" in page and "Total revenue" in page
            assert "cumulative, Base" in page, product.name


def test_the_command_writes_the_sign_off_document(demo, tmp_path):
    out = tmp_path / "pulse.pdf"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmdesk",
            "export",
            "business-case",
            str(demo),
            "--product",
            "Pulse Cloud",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out)
    first = _pages(out)[0]
    assert "Pulse Cloud — business case" in first
    assert "SIGNED OFF" in first and "Margaret Ellison" in first
    assert "Analysis gate review" in first


def test_the_command_refuses_a_product_without_a_case(tmp_path, capsys):
    path = tmp_path / "bare.pmdesk"
    with Workspace.create(path) as ws:
        _product(ws, "Bare")
        _product(ws, "Other")
    out = tmp_path / "bare.pdf"
    code = main(["export", "business-case", str(path), "--product", "Bare", "-o", str(out)])
    assert code == 2
    assert "Bare has no business case yet" in capsys.readouterr().err
    assert not out.exists()


def test_the_demo_prints_a_draft_for_the_case_whose_costs_rose(demo, tmp_path):
    out = tmp_path / "datalog.pdf"
    assert (
        main(["export", "business-case", str(demo), "--product", "DataLog 200", "-o", str(out)])
        == 0
    )
    text = " ".join(_pages(out))
    assert "DRAFT — NOT SIGNED OFF" in text
    assert "Cost build-up: €104 → €127" in text
    assert "Robert Lang (former VP Product)" in text


# -- the specification and the portfolio ----------------------------------------------------


def test_the_specification_has_a_short_business_case_section(demo, tmp_path):
    with Workspace.open(demo, read_only=True) as ws:
        pulse = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        out = _export(ws, tmp_path / "spec.pdf", pulse, kind="spec")
        text = " ".join(_pages(out))
        assert "Business case" in text
        assert "Signed off: version 1, signed by Margaret Ellison" in text
        assert "Net present value" in text and "Payback" in text
        only = _export(
            ws, tmp_path / "only.pdf", pulse, kind="spec", sections=frozenset({"business_case"})
        )
        assert "1 Business case" in " ".join(_pages(only))


def test_a_specification_without_a_case_notes_it(ws, tmp_path):
    pid = _product(ws, "No case")
    out = _export(ws, tmp_path / "spec.pdf", pid, kind="spec")
    assert "No business case yet." in " ".join(_pages(out))


def test_the_portfolio_rolls_up_the_p_and_l_per_currency(demo, tmp_path):
    with Workspace.open(demo, read_only=True) as ws:
        out = _export(ws, tmp_path / "portfolio.pdf", None, kind="portfolio")
    pages = _pages(out)
    (page,) = [p for p in pages if "Profit and loss" in p]
    for words in (
        "2026 (this year)",
        "2025",
        "Vega Benchtop Analyser",
        "DataLog 200",
        "Pulse Cloud",
        "Total in EUR",
        "Actual",
        "Plan",
        "Contribution",
    ):
        assert words in page, words
    assert outside_margins(out, SPACING.margin) == []


def test_currencies_are_totalled_apart_never_converted(ws, tmp_path):
    euro, dollar = _product(ws, "Euro product"), _product(ws, "Dollar product")
    _product(ws, "Idea without a case")
    _case(ws, euro, build_up=False)
    _case(ws, dollar, build_up=False, currency="USD")
    pages = _pages(_export(ws, tmp_path / "p.pdf", None, kind="portfolio"))
    (page,) = [p for p in pages if "Profit and loss" in p]
    assert "Total in EUR" in page and "Total in USD" in page
    assert "$" in page and "€" in page
    assert "Euro product Plan €" in page and "Dollar product Plan $" in page  # no actuals yet
    assert "Not in the P&L (no business case, so no costs to set against revenue): " in page
    assert "Idea without a case." in page


def test_the_business_case_is_a_kind_of_document():
    assert KINDS["business-case"] == "Business case"


def test_many_scenarios_with_long_names_stay_apart(ws, tmp_path):
    pid = _product(ws, "Crowded")
    case_id = _case(ws, pid)
    finance = ws.service(FinanceService)
    for n in range(4):
        scenario = finance.add_scenario(case_id, f"Expansion into market number {n} 中文 🚀")
        finance.set_override(scenario, "units_first", str(30 + 10 * n))
        finance.set_override(scenario, "price", str(1100 + 50 * n))
    out = _export(ws, tmp_path / "crowded.pdf", pid)
    assert "Expansion into market number 3" in " ".join(_pages(out))
    assert outside_margins(out, SPACING.margin) == []
    assert overlaps(out) == []
