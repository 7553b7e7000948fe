"""The history on a team workspace (PostgreSQL): who made each edit, in the edit's own
transaction, read by every client; an older team database gains the history on connect."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pmdesk.core.enums import GateDecision
from pmdesk.store import schema
from pmdesk.store.factory import connect_workspace
from pmdesk.store.services import (
    HistoryService,
    LifecycleService,
    PortfolioService,
    RoadmapService,
)

START = dt.date(2026, 3, 2)
TRICKY = 'Alpha & <β> "x" 🚀'


def _entries(ws) -> list[tuple]:
    with ws.engine.connect() as conn:
        return list(
            conn.exec_driver_sql(
                "SELECT e.who, e.label, c.table_name, c.row_key, c.name, c.kind, c.fields "
                "FROM change_entry c JOIN change_edit e ON e.id = c.edit_id ORDER BY c.id"
            )
        )


def test_a_team_edit_records_the_server_user_and_every_client_reads_it(connect):
    mine, theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name=TRICKY)
    roadmap = mine.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    item = roadmap.items.create(
        product_id=product.id, lane_id=lane.id, name="Item", start_date=START, end_date=START
    )
    theirs.service(HistoryService).snapshot("Review <1> 🚀")
    with mine.labelled("Move Item"):
        roadmap.items.update(item.id, end_date=START + dt.timedelta(days=9), notes=TRICKY)
    found = _entries(mine)
    role = mine.url.username
    assert role and {row[0] for row in found} == {role}
    assert found[0][2:6] == ("product", str(product.id), TRICKY, "added")
    last = found[-1]
    assert last[:6] == (role, "Move Item", "roadmap_item", str(item.id), "Item", "changed")
    assert last[6] == {"end_date": ["2026-03-02", "2026-03-11"], "notes": ["", TRICKY]}
    [change] = theirs.service(HistoryService).changes("Review <1> 🚀")
    assert change.as_json() == {
        "entity": "roadmap_item",
        "id": item.id,
        "name": "Item",
        "kind": "changed",
        "fields": {"end_date": ["2026-03-02", "2026-03-11"], "notes": ["", TRICKY]},
    }
    [snap] = mine.service(HistoryService).snapshots()
    assert (snap.who, snap.kind.value) == (role, "manual")


def test_a_failed_team_edit_records_nothing_and_undo_is_recorded(connect):
    ws = connect()
    product = ws.service(PortfolioService).create_product(name="Atlas", stage="Analysis")
    before = _entries(ws)
    with pytest.raises(RuntimeError), ws.transaction() as uow:
        uow.update("product", product.id, vision="never")
        raise RuntimeError("stopped")
    assert _entries(ws) == before
    lifecycle = ws.service(LifecycleService)
    journal = lifecycle.record_gate(
        product.id, GateDecision.GO, decided_on=dt.date.today(), decided_by_name="Dana"
    )
    assert [s.name for s in ws.service(HistoryService).snapshots()] == ["Gate: Analysis — Atlas"]
    ws.revert(journal)
    undone = [row for row in _entries(ws) if row[1] == "Undo"]
    assert {(row[2], row[5]) for row in undone} >= {
        ("gate_review", "removed"),
        ("product", "changed"),
    }
    assert ws.service(HistoryService).snapshots() == []


def test_a_format_5_team_database_gains_the_history_on_connect(team_db, pg_server):
    url = team_db
    full = sa.make_url(url).set(password=pg_server.password)
    engine = sa.create_engine(full.set(drivername="postgresql+psycopg"))
    try:
        with engine.begin() as conn:
            for table in ("what_if", "change_entry", "change_edit", "history_snapshot"):
                conn.exec_driver_sql(f"DROP TABLE {table}")
            conn.exec_driver_sql("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    finally:
        engine.dispose()
    with connect_workspace(url, pg_server.password, listen=False) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION == 7
        assert ws.service(HistoryService).counts() == (0, 0)
        ws.service(PortfolioService).create_product(name="After the upgrade")
        assert ws.service(HistoryService).counts() == (1, 2)  # the product and its stage
        assert ws.service(HistoryService).changes(dt.date.today())
