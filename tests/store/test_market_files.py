"""The market radar in files of every format: older files gain its tables, the latest reads back,
a value edited elsewhere is named at open, and the JSON and CSV exports carry it exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from decimal import Decimal

import pytest
from format_files import FIXTURES, assert_refused_untouched, copy_fixture, tables_in

from pmdesk.core.market import CellLevel, FeedbackStatus
from pmdesk.exchange.importing import ImportRefused
from pmdesk.exchange.json_io import export_json, import_json
from pmdesk.exchange.tabular import export_table
from pmdesk.store import schema
from pmdesk.store.models import Base
from pmdesk.store.services import MarketService, PortfolioService, RequirementService
from pmdesk.store.workspace import Workspace

V5 = FIXTURES / "schema_v5.pmdesk"
LATEST = FIXTURES / f"schema_v{schema.SCHEMA_VERSION}.pmdesk"  # the same market, no upgrade
MARKET_TABLES = (
    "competitor",
    "product_competitor",
    "capability",
    "comparison_cell",
    "win_loss",
    "market_signal",
    "signal_product",
    "signal_competitor",
    "signal_requirement",
    "feedback",
    "feedback_requirement",
    "limitation",
)


def test_the_market_tables_are_the_ones_of_format_5():
    assert {t.name for t in Base.metadata.sorted_tables} >= set(MARKET_TABLES)
    assert schema.SCHEMA_VERSION >= 5


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_an_older_file_gains_empty_market_tables_that_work(version, tmp_path):
    path = copy_fixture(FIXTURES / f"schema_v{version}.pmdesk", tmp_path)
    assert not tables_in(path) & set(MARKET_TABLES)
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        counts = ws.check().counts
        assert {t: counts[t] for t in MARKET_TABLES} == dict.fromkeys(MARKET_TABLES, 0)
        market = ws.service(MarketService)
        product = ws.service(PortfolioService).list_products()[0]
        [requirement, *_] = ws.service(RequirementService).requirements_of(product.id)
        rival = market.add_competitor("Rival", product_ids=[product.id], market_share="0.2")
        [row] = market.add_capabilities_from_requirements(product.id, [requirement.id])
        market.set_cell(row, rival, "full", "Docs", dt.date(2026, 1, 1))
        feedback = market.add_feedback("Need it", dt.date(2026, 1, 2), customer="Acme")
        market.link_feedback(feedback, requirement.id)
        signal = market.add_signal("News", "partner", dt.date(2026, 1, 3), tags="a")
        market.signal_to_requirement(signal, product.id)
        market.add_limitation(product.id, "No offline mode")
        assert market.demand(requirement.id).customers >= 1
        assert ws.check().ok
    with Workspace.open(path, read_only=True) as ws:  # and it opens again as a format 5 file
        assert ws.service(MarketService).competitor(rival).market_share == Decimal("0.2")


def test_the_format_5_fixture_reads_back_through_the_service(tmp_path):
    path = copy_fixture(V5, tmp_path)
    with Workspace.open(path, read_only=True) as ws:
        market = ws.service(MarketService)
        [rival, umlaut] = market.competitors()
        assert rival.name == "Rival & Co <GmbH>" and umlaut.notes == "שלום — RTL"
        assert rival.market_share == Decimal("0.125") and rival.price_index == 85
        assert rival.threat.value == pytest.approx(71.0)
        matrix = market.matrix(1, today=dt.date(2026, 3, 1))
        first = matrix.capabilities[0]
        assert matrix.level(first.id, None) is CellLevel.FULL
        assert matrix.cell(first.id, rival.id).stale  # checked 2025-03-01
        assert market.win_loss_summaries()[rival.id].win_rate == 0.5
        [signal] = market.signals(tag="smb")
        assert len(signal.requirement_ids) == 1
        statuses = {f.status for f in market.feedback()}
        assert statuses == {FeedbackStatus.LINKED, FeedbackStatus.ARCHIVED}
        [limitation] = market.limitations(1)
        assert limitation.workaround == "Export to PDF before travelling"


# -- values of the new tables, edited elsewhere -----------------------------------------------

REFUSED = {
    "a market share that is no number": (
        "UPDATE competitor SET market_share = 'a tenth' WHERE market_share IS NOT NULL",
        "market share holds 'a tenth', not a decimal number written as text",
    ),
    "a market share over one": (
        "UPDATE competitor SET market_share = '1.5' WHERE market_share IS NOT NULL",
        "breaks the rule “market share fraction”",
    ),
    "a threat score of seven": (
        "UPDATE competitor SET momentum = 7",
        "breaks the rule “momentum range”",
    ),
    "a cell level that is not one": (
        "UPDATE comparison_cell SET level = 'mostly'",
        "level holds 'mostly', not one of full, partial, none, unknown",
    ),
    "a negative deal value": (
        "UPDATE win_loss SET value = '-1' WHERE value IS NOT NULL",
        "breaks the rule “value not negative”",
    ),
    "tags that are not a list": (
        "UPDATE market_signal SET tags = '{}'",
        "tags holds '{}', not JSON array",
    ),
    "a feedback status that is not one": (
        "UPDATE feedback SET status = 'lost'",
        "status holds 'lost', not one of new, linked, archived",
    ),
    "a blank limitation": (
        "UPDATE limitation SET description = '   '",
        "breaks the rule “description not blank”",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_market_value_pmdesk_cannot_use_is_refused_untouched(case, tmp_path):
    statement, expected = REFUSED[case]
    assert_refused_untouched(copy_fixture(LATEST, tmp_path), statement, expected)


def test_the_checks_hold_on_a_normal_write_too(tmp_path):
    path = copy_fixture(V5, tmp_path)
    conn = sqlite3.connect(path)
    for statement in (
        "UPDATE competitor SET market_share = '1.01' WHERE market_share IS NOT NULL",
        "UPDATE competitor SET price_pressure = -1",
        "UPDATE competitor SET name = ' '",
        "UPDATE feedback SET revenue = '-0.01' WHERE revenue IS NOT NULL",
        "UPDATE market_signal SET impact = 'huge'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="constraint failed"):
            conn.execute(statement)
    conn.close()


# -- JSON and CSV -----------------------------------------------------------------------------


def test_the_json_export_carries_the_market_exactly_and_back(tmp_path):
    path = copy_fixture(V5, tmp_path)
    with Workspace.open(path, read_only=True) as ws:
        document = export_json(ws)
    tables = json.loads(document)["tables"]
    assert {t: len(tables[t]) > 0 for t in MARKET_TABLES} == dict.fromkeys(MARKET_TABLES, True)
    [rival, _] = tables["competitor"]
    assert rival["market_share"] == "0.125"  # text, never a float
    [feedback, _] = tables["feedback"]
    assert feedback["revenue"] == "0.30"  # the scale kept as typed
    assert [w["value"] for w in tables["win_loss"]] == ["125000.50", None]
    copy = tmp_path / "copy.pmdesk"
    import_json(document, copy)
    with Workspace.open(copy, read_only=True) as ws:
        again = json.loads(export_json(ws))["tables"]
    for table in MARKET_TABLES:
        assert again[table] == tables[table], table


def test_a_float_for_a_market_share_is_refused_by_the_import(tmp_path):
    with Workspace.open(copy_fixture(V5, tmp_path), read_only=True) as ws:
        document = json.loads(export_json(ws))
    document["tables"]["competitor"][0]["market_share"] = 0.125
    with pytest.raises(ImportRefused, match="decimal number written as text"):
        import_json(json.dumps(document).encode(), tmp_path / "float.pmdesk")
    assert not (tmp_path / "float.pmdesk").exists()


def test_the_csv_export_has_every_market_table(tmp_path):
    with Workspace.open(copy_fixture(V5, tmp_path), read_only=True) as ws:
        for table in MARKET_TABLES:
            data = export_table(ws, table)
            rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
            assert len(rows) > 1, table
        competitor = list(
            csv.DictReader(io.StringIO(export_table(ws, "competitor")[3:].decode("utf-8")))
        )
    assert competitor[0]["market_share"] == "0.125"
    assert competitor[0]["strengths"].startswith("Pricing <draft>")
