"""Writing the history's net changes back and forward: values as the history keeps them
turned into column values, and apply_changes as one journaled, undoable edit — parents
before children, fresh ids when asked, a parent that is gone refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from pmdesk.core.enums import ItemStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.history import EntryKind, NetChange
from pmdesk.store import history
from pmdesk.store.history_apply import apply_changes, column_values, looks_cut
from pmdesk.store.models import Base
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

TRICKY = 'Alpha <β> & "x" 🚀'
START = dt.date(2027, 1, 4)


def state(ws: Workspace) -> dict[str, list[dict]]:
    """Every recorded table's rows, as the history sees them (no row versions)."""
    found: dict[str, list[dict]] = {}
    with ws.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in history.UNRECORDED:
                continue
            rows = [
                {k: v for k, v in row.items() if k not in ("row_version", "collapsed")}
                for row in conn.execute(sa.select(table)).mappings()
            ]
            found[table.name] = sorted(rows, key=lambda r: [str(v) for v in r.values()])
    return found


def test_column_values_turn_json_values_into_python_values():
    fields = {
        "start_date": ["2027-01-04", "2027-02-01"],
        "status": ["planned", "at_risk"],
        "notes": [None, TRICKY],
        "no_such_column": [1, 2],
        "progress": "not a pair",
    }
    assert column_values("roadmap_item", fields, 0) == {
        "start_date": dt.date(2027, 1, 4),
        "status": ItemStatus.PLANNED,
        "notes": None,
    }
    new = column_values("roadmap_item", fields, 1)
    assert new["status"] is ItemStatus.AT_RISK and new["notes"] == TRICKY
    assert column_values("baseline", {"created_at": ["2026-09-01T10:30:00.250000", None]}, 0) == {
        "created_at": dt.datetime(2026, 9, 1, 10, 30, 0, 250000)
    }
    assert column_values("business_driver", {"value": ["0.10", "-3.5"]}, 1) == {
        "value": Decimal("-3.5")
    }
    assert column_values("business_driver", {"value": ["0.10", "-3.5"]}, 0)["value"].as_tuple() == (
        Decimal("0.10").as_tuple()
    )
    with pytest.raises(ValidationError, match="Start date"):
        column_values("roadmap_item", {"start_date": ["not a day", None]}, 0)
    with pytest.raises(ValidationError, match="Status"):
        column_values("roadmap_item", {"status": ["nonsense", None]}, 0)


def test_a_text_cut_when_recorded_is_recognised():
    kept = history.bounded({"notes": ["x" * 9_000, ""]})["notes"][0]
    assert len(kept) == history.TEXT_MAX and looks_cut(kept)
    assert looks_cut({"deep": [kept]})
    assert not looks_cut("x" * 9_000) and not looks_cut("short…") and not looks_cut(None)


@pytest.fixture
def roadmap(workspace):
    pid = workspace.service(PortfolioService).create_product(name="Atlas").id
    service = workspace.service(RoadmapService)
    lane = service.lanes.create(product_id=pid, name="Core").id

    def item(name: str, **more) -> int:
        return service.items.create(
            product_id=pid,
            lane_id=lane,
            name=name,
            start_date=START,
            end_date=START + dt.timedelta(days=28),
            **more,
        ).id

    alpha, beta = item("Alpha"), item("Beta")
    service.dependencies.create(predecessor_id=alpha, successor_id=beta)
    return workspace, pid, lane, item, {"alpha": alpha, "beta": beta}


def test_backward_brings_the_workspace_back_to_the_moment_as_one_undoable_edit(roadmap):
    ws, pid, lane, item, ids = roadmap
    service = ws.service(RoadmapService)
    histories = ws.service(HistoryService)
    histories.snapshot("Before")
    then = state(ws)
    service.items.update(ids["alpha"], end_date=dt.date(2027, 3, 1), notes=TRICKY)
    epic = item("Epic <new>")
    item("Child of the epic", parent_id=epic)  # a row of the same table as its parent
    service.items.delete([ids["beta"]])  # and its dependency with it
    second = service.lanes.create(product_id=pid, name="Second").id
    service.items.update(ids["alpha"], lane_id=second)  # moved into a lane added since
    now = state(ws)
    changes = histories.net_changes("Before")
    assert {(c.table, c.kind) for c in changes} >= {
        ("roadmap_item", EntryKind.CHANGED),
        ("roadmap_item", EntryKind.REMOVED),
        ("roadmap_item", EntryKind.ADDED),
        ("dependency", EntryKind.REMOVED),
        ("lane", EntryKind.ADDED),
    }
    alpha = next(c for c in changes if c.key == ids["alpha"])
    assert alpha.fields["notes"] == ["", TRICKY]  # every recorded field, raw
    edits_before = histories.counts()[0]
    with ws.recording() as journal, ws.transaction() as uow:
        assert apply_changes(uow, changes, backward=True) == {}
    assert state(ws) == then
    assert histories.counts()[0] == edits_before + 1  # recorded as one edit
    assert histories.net_changes("Before") == []
    ws.revert(journal)  # undo
    assert state(ws) == now
    ws.replay(journal)  # redo
    assert state(ws) == then


def test_forward_applies_the_changes_again_and_fresh_ids_follow(roadmap, tmp_path):
    ws, pid, lane, item, ids = roadmap
    service = ws.service(RoadmapService)
    histories = ws.service(HistoryService)
    histories.snapshot("Branch")
    copy_path = histories.materialize("Branch", tmp_path / "branch.pmdesk")
    epic = item("Epic")
    child = item("Child", parent_id=epic)
    service.dependencies.create(predecessor_id=epic, successor_id=ids["alpha"])
    service.items.update(ids["beta"], progress=40)
    changes = histories.net_changes("Branch")
    now = state(ws)
    with Workspace.open(copy_path) as copy:
        # The copy went on meanwhile: the ids the changes add are taken there.
        copy_roadmap = copy.service(RoadmapService)
        taken = copy_roadmap.items.create(
            product_id=pid, lane_id=lane, name="Taken", start_date=START, end_date=START
        ).id
        assert taken == epic
        with copy.transaction() as uow:
            remapped = apply_changes(uow, changes, backward=False, remap_added=True)
        assert list(remapped) == [("roadmap_item", epic)]  # only the id that was taken
        new_epic = remapped[("roadmap_item", epic)]
        assert new_epic not in (epic, child, taken)
        items = {i.id: i for i in copy_roadmap.items.list()}
        assert items[new_epic].name == "Epic"
        assert items[child].parent_id == new_epic and items[child].name == "Child"
        assert items[taken].name == "Taken"
        assert items[ids["beta"]].progress == 40
        links = {(d.predecessor_id, d.successor_id) for d in copy_roadmap.dependencies_of(pid)}
        assert (new_epic, ids["alpha"]) in links
    # Without fresh ids, on a copy of the moment where nothing else happened: the plan now.
    again = histories.materialize("Branch", tmp_path / "again.pmdesk")
    with Workspace.open(again) as copy:
        with copy.transaction() as uow:
            assert apply_changes(uow, changes, backward=False) == {}
        assert state(copy) == now


def test_a_row_whose_parent_is_gone_is_refused_with_a_clear_message(roadmap):
    ws, pid, lane, item, ids = roadmap
    service = ws.service(RoadmapService)
    gone = NetChange(
        "roadmap_item",
        9_999,
        "Orphan",
        EntryKind.REMOVED,
        {
            "id": [9_999, None],
            "product_id": [pid, None],
            "lane_id": [4_242, None],
            "name": ["Orphan", None],
            "start_date": ["2027-01-04", None],
            "end_date": ["2027-01-08", None],
        },
    )
    before = state(ws)
    with pytest.raises(ValidationError, match="“Orphan”.*lane with id 4242.*gone"):
        with ws.transaction() as uow:
            apply_changes(uow, [gone], backward=True)
    assert state(ws) == before
    # The same row with its lane among the changes comes back whole.
    lane_back = NetChange(
        "lane",
        4_242,
        "Old lane",
        EntryKind.REMOVED,
        {"id": [4_242, None], "product_id": [pid, None], "name": ["Old lane", None]},
    )
    with ws.transaction() as uow:
        apply_changes(uow, [gone, lane_back], backward=True)
    orphan = service.items.get(9_999)
    assert (orphan.lane_id, orphan.parent_id, orphan.notes) == (4_242, None, "")
    assert orphan.end_date == dt.date(2027, 1, 8)
