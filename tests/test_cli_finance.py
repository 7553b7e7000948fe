"""``pmdesk finance``: a business case's figures from the command line, on real files.

The JSON is read back with Decimals (``parse_float=Decimal``): its numbers carry every
digit of the exact figures, so a script can check NPV against the cash flows itself.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal, localcontext
from pathlib import Path

import numpy_financial as npf
import pytest

from pmdesk.cli import main
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace

KEYS = {
    "product",
    "currency",
    "discount_rate",
    "periods_per_year",
    "rate_per_period",
    "scenarios",
    "signed",
}
SCENARIO_KEYS = {
    "name",
    "cash_flows",
    "npv",
    "irr_per_period",
    "irr_annual",
    "payback_period",
    "discounted_payback_period",
    "roi",
}
NAME = 'Atlas <R&D> "beta" 🚀'


@pytest.fixture
def plan(tmp_path) -> Path:
    """A monthly case with a stretch scenario that never pays back, and a second product."""
    path = tmp_path / "plan.pmdesk"
    with Workspace.create(path) as ws:
        portfolio = ws.service(PortfolioService)
        pid = portfolio.create_product(name=NAME).id
        portfolio.create_product(name="No case yet")
        finance = ws.service(FinanceService)
        case_id = finance.create_case(
            pid, currency="USD", period="month", horizon=24, start=dt.date(2027, 1, 1)
        )
        finance.set_driver(case_id, "discount_rate", "0.1")
        finance.set_driver(case_id, "units_growth", "0.30000000000000004")
        doomed = finance.add_scenario(case_id, "Doomed")
        finance.set_override(doomed, "price", "1")
    return path


def _json(capsys, *args: str) -> dict:
    assert main(["finance", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out, parse_float=Decimal)


def test_the_json_has_the_documented_shape_and_its_npv_adds_up(plan, capsys):
    before = plan.read_bytes()
    document = _json(capsys, str(plan), "--product", 'atlas <r&d> "BETA" 🚀')
    assert set(document) == KEYS
    assert (document["product"], document["currency"]) == (NAME, "USD")
    assert document["discount_rate"] == Decimal("0.1")
    assert document["periods_per_year"] == 12
    rate = document["rate_per_period"]
    with localcontext(prec=34):
        assert abs((1 + rate) ** 12 - Decimal("1.1")) < Decimal("1e-25")
    assert [s["name"] for s in document["scenarios"]] == ["Worst", "Base", "Best", "Doomed"]
    for scenario in document["scenarios"]:
        assert set(scenario) == SCENARIO_KEYS
        flows = scenario["cash_flows"]
        assert len(flows) == 25 and all(isinstance(v, Decimal | int) for v in flows)
        with localcontext(prec=34):
            npv = sum(v / (1 + rate) ** t for t, v in enumerate(flows))
            assert abs(npv - scenario["npv"]) <= abs(npv) * Decimal("1e-20")
        independent = npf.npv(float(rate), [float(v) for v in flows])
        assert abs(float(scenario["npv"]) - independent) <= abs(independent) * 1e-9
    base = document["scenarios"][1]
    assert base["irr_per_period"] is not None and base["payback_period"] is not None
    with localcontext(prec=34):
        assert abs((1 + base["irr_per_period"]) ** 12 - 1 - base["irr_annual"]) < Decimal("1e-20")
    doomed = document["scenarios"][3]
    assert doomed["irr_per_period"] is None and doomed["irr_annual"] is None
    assert doomed["payback_period"] is None and doomed["discounted_payback_period"] is None
    assert document["signed"] is None
    assert plan.read_bytes() == before  # read-only


def test_a_scenario_with_its_own_discount_rate_says_so(plan, capsys):
    with Workspace.open(plan) as ws:
        finance = ws.service(FinanceService)
        pid = ws.service(PortfolioService).product_by_name(NAME).id
        best = {s.name: s.id for s in finance.case_details(pid).scenarios}["Best"]
        finance.set_override(best, "discount_rate", "20 %")
    document = _json(capsys, str(plan), "--product", NAME)
    base, best = document["scenarios"][1], document["scenarios"][2]
    assert set(base) == SCENARIO_KEYS
    assert set(best) == SCENARIO_KEYS | {"discount_rate", "rate_per_period"}
    assert best["discount_rate"] == Decimal("0.2")
    rate = best["rate_per_period"]
    with localcontext(prec=34):
        assert abs((1 + rate) ** 12 - Decimal("1.2")) < Decimal("1e-25")
        npv = sum(v / (1 + rate) ** t for t, v in enumerate(best["cash_flows"]))
    assert abs(npv - best["npv"]) <= abs(npv) * Decimal("1e-20")


def test_the_numbers_are_exact_decimal_text_never_floats(plan, capsys):
    assert main(["finance", str(plan), "--product", NAME, "--json"]) == 0
    text = capsys.readouterr().out
    assert '"discount_rate": 0.1,' in text
    assert "e+" not in text.lower() and "e-" not in text.lower()  # no exponent, every digit
    assert "0.30000000000000004" not in text  # the driver is not a figure the JSON prints


def test_a_signed_version_is_named(plan, capsys):
    with Workspace.open(plan) as ws:
        finance = ws.service(FinanceService)
        pid = ws.service(PortfolioService).product_by_name(NAME).id
        finance.sign_off(
            finance.case_id_for(pid),
            signed_by="Dana <CFO>",
            scenario="Best",
            signed_on="2026-02-03",
        )
    document = _json(capsys, str(plan), "--product", NAME)
    assert document["signed"] == {
        "version": 1,
        "by": "Dana <CFO>",
        "on": "2026-02-03",
        "scenario": "Best",
    }
    assert main(["finance", str(plan), "--product", NAME]) == 0
    text = capsys.readouterr().out
    assert "Signed off: version 1 by Dana <CFO> on 2026-02-03, Best scenario approved" in text


def test_the_text_summary(plan, capsys):
    assert main(["finance", str(plan), "--product", NAME]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert (
        lines[0]
        == f"{NAME}: business case in USD, 24 months from 2027-01-01 (one-off sale pricing)"
    )
    assert lines[1].startswith("Discount rate 10 % a year (0.797 % a month)")
    assert "Not signed off yet" in lines[2]
    table = lines[lines.index("") + 1 :]
    assert table[0].split()[:2] == ["Scenario", "NPV"]
    assert [row.split()[0] for row in table[1:5]] == ["Worst", "Base", "Best", "Doomed"]
    assert "$" in table[2] and "never" in table[4]
    assert "Doomed: No IRR" in text

    with Workspace.open(plan) as ws:  # by the year, the rate per period says nothing more
        finance = ws.service(FinanceService)
        pid = ws.service(PortfolioService).product_by_name(NAME).id
        finance.update_settings(finance.case_id_for(pid), period="year", horizon=5)
    assert main(["finance", str(plan), "--product", NAME]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "Discount rate 10 % a year"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--product", "Nope"], "no product named 'Nope'"),
        (["--product", "No case yet"], "No case yet has no business case yet"),
        ([], "--product NAME"),
    ],
)
def test_refusals_are_one_clear_line(plan, capsys, args, message):
    assert main(["finance", str(plan), *args, "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("pmdesk: ") and message in captured.err
    assert captured.err.count("\n") == 1


def test_a_missing_file_is_refused(tmp_path, capsys):
    assert main(["finance", str(tmp_path / "none.pmdesk"), "--json"]) == 2
    assert capsys.readouterr().err.startswith("pmdesk: ")


def test_the_real_command_on_the_demo(tmp_path):
    """The installed entry point, in a process of its own, without Qt."""
    demo = create_demo(tmp_path / "demo.pmdesk")
    with Workspace.open(demo, read_only=True) as ws:
        finance = ws.service(FinanceService)
        products = [
            p.name
            for p in ws.service(PortfolioService).list_products()
            if finance.case_id_for(p.id) is not None
        ]
    assert products, "the demo's products have business cases"
    code = (
        "import sys; from pmdesk.cli import main; rc = main(sys.argv[1:]); "
        "assert 'PySide6' not in sys.modules; sys.exit(rc)"
    )
    for name in products:
        done = subprocess.run(
            [sys.executable, "-c", code, "finance", str(demo), "--product", name, "--json"],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        assert done.returncode == 0, done.stderr
        document = json.loads(done.stdout, parse_float=Decimal)
        assert document["product"] == name and len(document["scenarios"]) >= 3
    done = subprocess.run(
        [sys.executable, "-m", "pmdesk.cli", "finance", str(demo), "--product", "Pulse Cloud"],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Pulse Cloud: business case in ")
    assert "Signed off: version" in done.stdout
