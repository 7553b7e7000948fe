"""Every committed edit leaves its entries in the same transaction, on a real file.

Each test makes edits through the services, then reads ``change_edit`` and
``change_entry`` back with a connection of its own: what the file holds, not what the
service says it wrote.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

import pytest

from pmdesk.core.enums import GateDecision
from pmdesk.core.errors import ValidationError
from pmdesk.store import history
from pmdesk.store.services import (
    HistoryService,
    LifecycleService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.services.portfolio import NOTES_KEY
from pmdesk.store.workspace import Workspace

TRICKY = 'Pricing <draft> & "beta" — café 🚀'
DAY = dt.date(2027, 3, 1)


def _entries(path: Path, since: int = 0) -> list[tuple]:
    """(edit id, who, label, table, key, name, kind, fields) after edit ``since``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT e.id, e.who, e.label, c.table_name, c.row_key, c.name, c.kind, c.fields "
            "FROM change_entry c JOIN change_edit e ON e.id = c.edit_id "
            "WHERE e.id > ? ORDER BY c.id",
            (since,),
        ).fetchall()
    finally:
        conn.close()
    return [(*row[:7], json.loads(row[7])) for row in rows]


def _last_edit(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT coalesce(max(id), 0) FROM change_edit").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def plan(workspace):
    """A product with a lane and an item."""
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Alpha",
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 2, 1),
    )
    return workspace, product.id, lane.id, item.id


def test_a_new_workspace_has_an_empty_history(workspace):
    assert _entries(workspace.path) == []
    assert workspace.service(HistoryService).counts() == (0, 0)


def test_a_field_edit_is_one_entry_with_old_and_new(plan):
    ws, _pid, _lane, item = plan
    since = _last_edit(ws.path)
    with ws.labelled("Move Alpha"):
        ws.service(RoadmapService).items.update(item, end_date=DAY, notes=TRICKY)
    [(edit, who, label, table, key, name, kind, fields)] = _entries(ws.path, since)
    assert (who, label, table, key, name, kind) == (
        history.os_user(),
        "Move Alpha",
        "roadmap_item",
        str(item),
        "Alpha",
        "changed",
    )
    assert fields == {"end_date": ["2027-02-01", "2027-03-01"], "notes": ["", TRICKY]}
    assert edit > since


def test_a_new_item_is_added_with_every_field_and_an_insert_then_update_is_one_entry(plan):
    ws, pid, lane, _item = plan
    since = _last_edit(ws.path)
    roadmap = ws.service(RoadmapService)
    with ws.transaction() as uow:  # one edit: insert, then update, of the same row
        key = uow.insert(
            "roadmap_item",
            product_id=pid,
            lane_id=lane,
            name="Beta",
            kind="feature",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 1, 9),
            progress=0,
            status="planned",
            notes="",
            sort_order=0,
            row_version=1,
        )
        uow.update("roadmap_item", key, progress=40)
    [entry] = _entries(ws.path, since)
    assert entry[3:7] == ("roadmap_item", str(key), "Beta", "added")
    fields = entry[7]
    assert fields["progress"] == [None, 40] and fields["name"] == [None, "Beta"]
    assert "row_version" not in fields
    assert roadmap.items.get(key).progress == 40


def test_a_delete_records_the_row_and_what_went_with_it(plan):
    ws, pid, lane, item = plan
    roadmap = ws.service(RoadmapService)
    other = roadmap.items.create(
        product_id=pid, lane_id=lane, name="Beta", start_date=DAY, end_date=DAY
    )
    roadmap.dependencies.create(predecessor_id=item, successor_id=other.id)
    since = _last_edit(ws.path)
    roadmap.lanes.delete([lane])  # the lane takes its items and their link along
    found = {(e[3], e[4]): e for e in _entries(ws.path, since)}
    assert {k for k in found} >= {
        ("lane", str(lane)),
        ("roadmap_item", str(item)),
        ("roadmap_item", str(other.id)),
    }
    assert {e[6] for e in found.values()} == {"removed"}
    alpha = found[("roadmap_item", str(item))]
    assert alpha[5] == "Alpha" and alpha[7]["end_date"] == ["2027-02-01", None]
    assert len({e[0] for e in found.values()}) == 1  # one edit


def test_a_failed_edit_records_nothing(plan):
    ws, _pid, _lane, item = plan
    roadmap = ws.service(RoadmapService)
    before = _entries(ws.path)
    with pytest.raises(ValidationError):
        roadmap.items.update(item, end_date=dt.date(2026, 1, 1))  # before its start
    with pytest.raises(RuntimeError):
        with ws.transaction() as uow:
            uow.update("roadmap_item", item, notes="never")
            raise RuntimeError("stopped halfway")
    assert _entries(ws.path) == before
    assert roadmap.items.get(item).notes == ""


def test_undo_and_redo_are_recorded_as_the_changes_back(plan):
    ws, _pid, _lane, item = plan
    roadmap = ws.service(RoadmapService)
    since = _last_edit(ws.path)
    with ws.labelled("Move Alpha"):
        with ws.recording() as journal:
            roadmap.items.update(item, end_date=DAY)
        ws.revert(journal)
        ws.replay(journal)
    found = _entries(ws.path, since)
    assert [(e[2], e[6], e[7]) for e in found] == [
        ("Move Alpha", "changed", {"end_date": ["2027-02-01", "2027-03-01"]}),
        ("Undo Move Alpha", "changed", {"end_date": ["2027-03-01", "2027-02-01"]}),
        ("Redo Move Alpha", "changed", {"end_date": ["2027-02-01", "2027-03-01"]}),
    ]


def test_undoing_a_delete_brings_the_rows_back_as_added(plan):
    ws, _pid, _lane, item = plan
    roadmap = ws.service(RoadmapService)
    with ws.recording() as journal:
        roadmap.items.delete([item])
    since = _last_edit(ws.path)
    ws.revert(journal)
    [entry] = _entries(ws.path, since)
    assert entry[2:7] == ("Undo", "roadmap_item", str(item), "Alpha", "added")


def test_every_kind_of_service_edit_is_recorded(plan):
    ws, pid, _lane, _item = plan
    since = _last_edit(ws.path)
    req = ws.service(RequirementService).requirements.create(product_id=pid, title="Export")
    ws.service(RequirementService).requirements.update(req.id, moscow="must")
    person = ws.service(StakeholderService).stakeholders.create(
        product_id=pid, name="Dana", power=3.0, interest=4.0
    )
    ws.service(StakeholderService).stakeholders.update(person.id, power=8.0)
    ws.service(PortfolioService).products.update(pid, vision=TRICKY)
    found = [(e[3], e[6]) for e in _entries(ws.path, since)]
    assert ("requirement", "added") in found and ("requirement", "changed") in found
    assert ("stakeholder", "added") in found and ("stakeholder", "changed") in found
    assert ("product", "changed") in found
    moved = [e for e in _entries(ws.path, since) if e[3:7:3] == ("stakeholder", "changed")]
    assert moved[-1][7]["power"] == [3.0, 8.0] and moved[-1][5] == "Dana"


def test_view_state_is_not_history(plan):
    ws, _pid, lane, _item = plan
    since = _last_edit(ws.path)
    ws.service(RoadmapService).lanes.update(lane, collapsed=True)
    portfolio = ws.service(PortfolioService)
    info = portfolio.workspace_info()
    settings = dict(info.settings or {}) | {NOTES_KEY: {"roadmap": "Say the dates twice"}}
    portfolio.info.update(info.id, settings=settings)
    assert _entries(ws.path, since) == []
    ws.service(RoadmapService).lanes.update(lane, collapsed=False, name="Platform")
    [entry] = _entries(ws.path, since)
    assert entry[7] == {"name": ["Core", "Platform"]}


def test_a_gate_sign_off_takes_a_snapshot_in_the_same_step(workspace):
    pid = workspace.service(PortfolioService).create_product(name="Pulse", stage="Analysis").id
    lifecycle = workspace.service(LifecycleService)
    journal = lifecycle.record_gate(
        pid, GateDecision.GO, decided_on=dt.date.today(), decided_by_name="Dana"
    )
    history_service = workspace.service(HistoryService)
    [snap] = history_service.snapshots()
    assert (snap.name, snap.kind.value) == ("Gate: Analysis — Pulse", "gate")
    assert "Go" in snap.note and "Dana" in snap.note
    # The sign-off is part of the moment: nothing changed since it.
    assert history_service.changes(snap.name) == []
    workspace.revert(journal)  # undoing the decision takes its snapshot too
    assert history_service.snapshots() == []
    workspace.replay(journal)
    lifecycle.record_gate(pid, GateDecision.HOLD, decided_on=dt.date.today(), decided_by_name="D")
    names = [s.name for s in history_service.snapshots()]
    assert names == ["Gate: Analysis — Pulse", "Gate: Development — Pulse"]


def test_a_baseline_takes_a_snapshot_and_its_copied_dates_are_no_entries(plan):
    ws, pid, _lane, _item = plan
    since = _last_edit(ws.path)
    roadmap = ws.service(RoadmapService)
    roadmap.set_baseline(pid, "Plan of record")
    roadmap.set_baseline(pid, "Plan of record")
    found = _entries(ws.path, since)
    assert {e[3] for e in found} == {"baseline"}
    names = [s.name for s in ws.service(HistoryService).snapshots()]
    assert names == ["Baseline: Plan of record — Atlas", "Baseline: Plan of record — Atlas (2)"]


def test_manual_snapshots_refuse_a_name_twice(workspace):
    service = workspace.service(HistoryService)
    made = service.snapshot("Q3 review", note=TRICKY)
    assert (made.name, made.kind.value, made.note, made.who) == (
        "Q3 review",
        "manual",
        TRICKY,
        history.os_user(),
    )
    with pytest.raises(ValidationError, match="already exists"):
        service.snapshot("Q3 review")
    with pytest.raises(ValidationError):
        service.snapshot("   ")


def test_a_big_import_is_written_in_bulk(plan):
    ws, pid, _lane, _item = plan
    since = _last_edit(ws.path)
    rows = [
        {
            "product_id": pid,
            "ref": f"REQ-{n}",
            "title": f"Requirement {n} {TRICKY}",
            "kind": "requirement",
            "story_role": "",
            "story_goal": "",
            "story_benefit": "",
            "description": "",
            "acceptance_criteria": [],
            "moscow": "should",
            "status": "proposed",
            "source": "internal",
            "sort_order": n,
            "created_at": dt.datetime(2027, 1, 1),
            "id": 1000 + n,
            "row_version": 1,
        }
        for n in range(3000)
    ]
    start = time.perf_counter()
    with ws.transaction() as uow:
        uow.insert_rows("requirement", rows)
    seconds = time.perf_counter() - start
    found = _entries(ws.path, since)
    assert len(found) == 3000 and len({e[0] for e in found}) == 1
    assert found[-1][5] == f"Requirement 2999 {TRICKY}" and found[-1][6] == "added"
    assert seconds < 10  # a few hundred ms on a quiet machine; generous for a loaded one


def test_a_long_text_is_cut_to_what_an_entry_holds(plan):
    ws, _pid, _lane, item = plan
    since = _last_edit(ws.path)
    ws.service(RoadmapService).items.update(item, notes="x" * 50_000)
    [entry] = _entries(ws.path, since)
    old, new = entry[7]["notes"]
    assert old == "" and new.endswith("…") and len(new) == history.TEXT_MAX
    assert ws.service(RoadmapService).items.get(item).notes == "x" * 50_000  # the row is whole


def test_history_switched_off_records_nothing(plan):
    ws, _pid, _lane, item = plan
    since = _last_edit(ws.path)
    ws.history_enabled = False
    ws.service(RoadmapService).items.update(item, progress=50)
    ws.history_enabled = True
    assert _entries(ws.path, since) == []


def test_the_history_survives_closing_and_reopening(tmp_path):
    path = tmp_path / "kept.pmdesk"
    with Workspace.create(path) as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    with Workspace.open(path) as ws:
        assert ws.service(HistoryService).counts()[0] >= 1
        assert ws.check().ok


@pytest.mark.parametrize(
    "fields",
    [
        {"name": [None, "Atlas"], "progress": [0, 55], "done": [False, True]},
        {"name": ["ש ו ק", "😀 Ünïcode \u202e"], "notes": ['\x00\t\n"\\', "é" * 3]},
        {"amount": [1e308, -0.0], "tiny": [5e-324, float("inf")], "big": [10**30, -(10**18)]},
        {"values": [[1, [2, {"k": None}]], {"nested": ["a", 1.5]}]},
        {},
    ],
)
def test_entries_are_written_as_json_dumps_writes_them(fields):
    assert history.compact_json(fields) == json.dumps(
        fields, separators=(",", ":"), ensure_ascii=False
    )


def test_a_value_json_cannot_hold_is_refused_as_before():
    with pytest.raises(TypeError, match="not JSON serializable"):
        history.compact_json({"when": [None, object()]})
