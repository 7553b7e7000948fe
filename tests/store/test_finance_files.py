"""Format 4 in files: every earlier format gains the business tables, a newer one is still
refused, and a file edited elsewhere is held to the new tables' rules at open.

The committed fixtures (``fixtures/schema_v<N>.pmdesk``) are copied before they are opened.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest
from format_files import FIXTURES, assert_refused_untouched, copy_fixture, tables_in

from pmdesk.core.errors import ValidationError
from pmdesk.store import schema
from pmdesk.store.errors import TooNewError
from pmdesk.store.models import ExactDecimal
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace

V4 = FIXTURES / "schema_v4.pmdesk"
LATEST = FIXTURES / f"schema_v{schema.SCHEMA_VERSION}.pmdesk"  # holds the same business case
FORMAT_4_TABLES = [
    "business_case",
    "business_driver",
    "business_scenario",
    "scenario_override",
    "business_case_version",
    "cost_item",
    "price_point",
]


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_older_file_gains_empty_business_tables_that_work(version, tmp_path):
    path = copy_fixture(FIXTURES / f"schema_v{version}.pmdesk", tmp_path)
    assert not tables_in(path) & set(FORMAT_4_TABLES)
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION >= 4
        counts = ws.check().counts
        assert {t: counts[t] for t in FORMAT_4_TABLES} == dict.fromkeys(FORMAT_4_TABLES, 0)
        finance = ws.service(FinanceService)
        product = ws.service(PortfolioService).list_products()[0]
        assert finance.case_details(product.id) is None
        case_id = finance.create_case(product.id, currency="GBP")
        finance.set_driver(case_id, "price", "£19.999")
        finance.add_cost_item(product.id, "Part", "3", "0.1")
        gate = ws.service(LifecycleService).gates_of(product.id)[0]
        finance.sign_off(case_id, signed_by="Board", scenario="Base", gate_review_id=gate.id)
        assert ws.check().ok
    with Workspace.open(path, read_only=True) as ws:  # and it opens again, sound
        finance = ws.service(FinanceService)
        version_row, case = finance.signed_case(product.id)
        assert case.drivers["price"] == Decimal("20.00")
        assert case.unit_cost_from_build_up == Decimal("0.3")
        assert version_row.gate_review_id == gate.id


def test_the_format_4_fixture_reads_back_through_the_service(tmp_path):
    path = copy_fixture(V4, tmp_path)
    with Workspace.open(path, read_only=True) as ws:
        finance = ws.service(FinanceService)
        details = finance.case_details(1)
        assert details.settings.currency == "JPY" and details.drivers["price"] == Decimal(12345)
        assert [s.name for s in details.scenarios] == ["Worst", "Base", "Best", "Stretch 🚀"]
        assert details.cost_items[0].unit_cost == Decimal("1500.25")
        [version] = details.versions
        content = finance.version_content(version.id)
        assert content["drivers"]["price"] == "12345"
        assert set(content["figures"]) == {"Worst", "Base", "Best", "Stretch 🚀"}
        assert finance.signed_case(1)[1].drivers == details.drivers


def test_a_file_of_a_newer_format_is_still_refused(tmp_path):
    path = copy_fixture(V4, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
            (str(schema.SCHEMA_VERSION + 1),),
        )
    conn.close()
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(TooNewError, match="newer pmdesk"):
            Workspace.open(path, read_only=read_only)
    assert path.read_bytes() == before


# -- values of the new tables, edited elsewhere -------------------------------------------------

REFUSED = {
    "a price that is no number": (
        "UPDATE business_driver SET value = 'twelve' WHERE key = 'price'",
        "value holds 'twelve', not a decimal number written as text",
    ),
    "a price stored as bytes": (  # a number written there is kept as text by SQLite
        "UPDATE business_driver SET value = X'3132' WHERE key = 'price'",
        "not a decimal number written as text",
    ),
    "a decimal with an exponent": (
        "UPDATE business_driver SET value = '1e3' WHERE key = 'price'",
        "value holds '1e3'",
    ),
    "a decimal with two points": (
        "UPDATE scenario_override SET value = '1.2.3'",
        "value holds '1.2.3'",
    ),
    "a minus in the middle": (
        "UPDATE cost_item SET quantity = '1-2'",
        "quantity holds '1-2'",
    ),
    "an empty decimal": ("UPDATE cost_item SET unit_cost = ''", "unit cost holds ''"),
    "a decimal beyond a trillion": (
        "UPDATE price_point SET list_price = '10000000000000'",
        "list price holds '10000000000000'",
    ),
    "a negative quantity": (
        "UPDATE cost_item SET quantity = '-2'",
        "breaks the rule “quantity not negative”",
    ),
    "a discount over 100 %": (
        "UPDATE price_point SET discount = '1.5'",
        "breaks the rule “discount fraction”",
    ),
    "a horizon of 1000 periods": (
        "UPDATE business_case SET horizon = 1000",
        "breaks the rule “horizon range”",
    ),
    "a currency that is no code": (
        "UPDATE business_case SET currency = 'y€n'",
        "breaks the rule “currency code”",
    ),
    "a period that is not one": (
        "UPDATE business_case SET period = 'fortnight'",
        "period holds 'fortnight', not one of year, quarter, month",
    ),
    "a version's content that is a list": (
        "UPDATE business_case_version SET content = '[]'",
        "content holds '[]', not JSON object",
    ),
    "version zero": (
        "UPDATE business_case_version SET version = 0",
        "breaks the rule “version positive”",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_business_value_pmdesk_cannot_use_is_refused_untouched(case, tmp_path):
    statement, expected = REFUSED[case]
    assert_refused_untouched(copy_fixture(LATEST, tmp_path), statement, expected)


def test_the_checks_hold_on_a_normal_write_too(tmp_path):
    """SQLite enforces the CHECKs on any write that does not switch them off."""
    path = copy_fixture(LATEST, tmp_path)
    conn = sqlite3.connect(path)
    for statement in (
        "UPDATE cost_item SET quantity = '-0.5'",
        "UPDATE price_point SET target_margin = '1.01'",
        "UPDATE business_case SET currency = 'eur'",
        "UPDATE business_case SET horizon = 0",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            conn.execute(statement)
    conn.close()


def test_exact_decimal_text_is_canonical_and_refuses_floats():
    assert ExactDecimal.canonical(Decimal("1E+3")) == "1000"
    assert ExactDecimal.canonical(Decimal("-0.00")) == "0.00"
    assert ExactDecimal.canonical("0.30000000000000004") == "0.30000000000000004"
    assert ExactDecimal.canonical(7) == "7"
    for bad in (0.1, True, "1e3", " ", "NaN", Decimal("Infinity"), Decimal("1e13"), [1]):
        with pytest.raises(ValueError):
            ExactDecimal.canonical(bad)
    assert ExactDecimal.parse("-12.50") == Decimal("-12.50")
    with pytest.raises(ValueError):
        ExactDecimal.parse("12,5")
    # what the export writes is what the import reads
    assert json.loads(json.dumps(ExactDecimal.canonical(Decimal("0.1")))) == "0.1"


def test_a_signed_version_emptied_elsewhere_is_named_not_crashed_on(tmp_path):
    path = copy_fixture(LATEST, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE business_case_version SET content = '{\"settings\": 7}'")
        conn.execute("UPDATE product SET stage = 'in_life' WHERE id = 1")
    conn.close()
    with Workspace.open(path) as ws:  # a JSON object, as the column's kind asks
        finance = ws.service(FinanceService)
        assert finance.version_content(1) == {"settings": 7}
        with pytest.raises(ValidationError, match="Signed version: its frozen content"):
            finance.signed_case(1)
        assert finance.plan_ratios(1) == []
        ws.service(LifecycleService).triggers_of(1)  # the rules still run
        assert finance.case_details(1).versions[0].version == 1  # the draft reads as before
