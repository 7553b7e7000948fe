"""The business tables in the JSON export: decimals travel as text and come back exactly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from _interchange_data import build_business_case

from pmdesk.exchange.importing import ImportRefused
from pmdesk.exchange.json_io import export_json, import_json
from pmdesk.store.models import Base, ExactDecimal
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace

FINANCE = [
    "business_case",
    "business_driver",
    "business_scenario",
    "scenario_override",
    "business_case_version",
    "cost_item",
    "price_point",
]
DECIMAL_COLUMNS = {
    (table.name, column.name)
    for table in Base.metadata.sorted_tables
    for column in table.columns
    if isinstance(column.type, ExactDecimal) and table.name in FINANCE
}


@pytest.fixture
def signed(workspace) -> tuple[Workspace, int]:
    pid = workspace.service(PortfolioService).create_product(name="Ledger").id
    build_business_case(workspace, pid)
    return workspace, pid


def test_every_decimal_column_is_text_in_the_export(signed):
    ws, _pid = signed
    document = json.loads(export_json(ws))
    assert len(DECIMAL_COLUMNS) == 8
    for table, column in DECIMAL_COLUMNS:
        rows = document["tables"][table]
        assert rows, table
        assert all(isinstance(row[column], str) for row in rows), (table, column)
    drivers = {r["key"]: r["value"] for r in document["tables"]["business_driver"]}
    assert drivers["price"] == "999999999999.99"
    assert drivers["units_growth"] == "0.30000000000000004"
    [point] = document["tables"]["price_point"]
    assert (point["list_price"], point["discount"]) == ("1250.10", "0.125")
    [version] = document["tables"]["business_case_version"]
    assert version["content"]["drivers"]["price"] == "999999999999.99"


def test_a_case_comes_back_exactly(signed, tmp_path):
    ws, pid = signed
    exported = export_json(ws)
    finance = ws.service(FinanceService)
    details, content = finance.case_details(pid), finance.version_content(1)
    path = import_json(exported, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        again = copy.service(FinanceService)
        assert again.case_details(pid) == details
        assert again.version_content(1) == content
        assert again.signed_case(pid) == finance.signed_case(pid)
        assert copy.check().ok
        tables = json.loads(export_json(copy))["tables"]
        first = json.loads(exported)["tables"]
        assert {t: tables[t] for t in FINANCE} == {t: first[t] for t in FINANCE}


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("business_driver", "value", 0.1, "should be a decimal number written as text"),
        ("business_driver", "value", "12,5", "'12,5' is not a decimal number"),
        ("cost_item", "quantity", "1e3", "not a decimal number"),
        ("price_point", "list_price", "10000000000000", "beyond"),
    ],
)
def test_a_decimal_that_is_not_one_is_refused(signed, tmp_path, table, column, value, message):
    ws, _pid = signed
    document = json.loads(export_json(ws))
    document["tables"][table][0][column] = value
    with pytest.raises(ImportRefused) as refused:
        import_json(json.dumps(document).encode(), tmp_path / "new.pmdesk")
    text = [str(e) for e in refused.value.errors]
    assert any(t.startswith(f"{table} row 1: {column}:") and message in t for t in text), text
    assert not (tmp_path / "new.pmdesk").exists()


def test_a_share_over_one_is_refused_by_the_files_rule(signed, tmp_path):
    ws, _pid = signed
    document = json.loads(export_json(ws))
    document["tables"]["price_point"][0]["discount"] = "1.5"
    with pytest.raises(Exception, match="discount fraction"):
        import_json(json.dumps(document).encode(), tmp_path / "new.pmdesk")
    assert not (tmp_path / "new.pmdesk").exists()
    assert Decimal(document["tables"]["price_point"][0]["list_price"]) == Decimal("1250.10")
