"""Undo and redo from the journal on a team workspace: others' later edits are never overwritten.

Two clients on one PostgreSQL database: "mine" records an edit, "theirs" changes a
row it touched, and mine's revert (inside ``undo_guard``, as the app's Undo runs)
is refused as a whole, leaving the database as it was.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.team_versions import ConflictError

START = dt.date(2026, 3, 2)


def _plan(ws):
    roadmap = ws.service(RoadmapService)
    product = ws.service(PortfolioService).create_product(name="Alpha & <β>")
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    items = [
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"Item {n}",
            start_date=START,
            end_date=START + dt.timedelta(days=4),
        )
        for n in range(3)
    ]
    return product.id, lane.id, [i.id for i in items]


def _names(ws, ids):
    return {i.id: (i.name, i.start_date) for i in ws.service(RoadmapService).items.list()}


def test_reverting_an_update_someone_changed_since_is_refused_whole(connect):
    mine, theirs = connect(), connect()
    _product, _lane, ids = _plan(mine)
    roadmap = mine.service(RoadmapService)
    with mine.recording() as journal:
        roadmap.items.update_many({i: {"start_date": START + dt.timedelta(days=1)} for i in ids})
    theirs.service(RoadmapService).items.update(ids[1], name="Theirs")
    before = _names(theirs, ids)
    with pytest.raises(ConflictError) as refused, mine.undo_guard():
        mine.revert(journal)
    assert refused.value.undo and refused.value.entity_id == ids[1]
    # The refusal names what the undo would write and what is there now.
    assert [(f.field, f.mine, f.theirs) for f in refused.value.fields] == [
        ("start_date", START, START + dt.timedelta(days=1))
    ]
    assert _names(theirs, ids) == before  # not even the first row went back


def test_reverting_an_insert_someone_edited_since_is_refused(connect):
    mine, theirs = connect(), connect()
    product, lane, _ids = _plan(mine)
    with mine.recording() as journal:
        made = (
            mine.service(RoadmapService)
            .items.create(
                product_id=product,
                lane_id=lane,
                name="Mine",
                start_date=START,
                end_date=START,
            )
            .id
        )
    theirs.service(RoadmapService).items.update(made, name="Kept by them")
    with pytest.raises(ConflictError) as refused, mine.undo_guard():
        mine.revert(journal)
    assert refused.value.deleting
    assert theirs.service(RoadmapService).items.get(made).name == "Kept by them"


def test_a_core_update_of_a_baseline_is_checked_on_revert(connect):
    """set_baseline steps the compared baseline down with a Core update: journaled and checked."""
    mine, theirs = connect(), connect()
    product, _lane, _ids = _plan(mine)
    roadmap = mine.service(RoadmapService)
    first = roadmap.set_baseline(product, "First")
    with mine.recording() as journal:
        roadmap.set_baseline(product, "Second")
    theirs.service(RoadmapService).baselines.update(first.id, name="First, renamed")
    with pytest.raises(ConflictError), mine.undo_guard():
        mine.revert(journal)
    assert len(theirs.service(RoadmapService).baselines_of(product)) == 2


def test_my_own_edit_reverts_and_replays_when_nobody_else_touched_it(connect):
    mine, theirs = connect(), connect()
    product, _lane, ids = _plan(mine)
    roadmap = mine.service(RoadmapService)
    before = _names(theirs, ids)
    with mine.recording() as journal:
        roadmap.items.update(ids[0], name="Renamed")
        roadmap.items.delete([ids[2]])
        roadmap.set_baseline(product, "Plan")
    after = _names(theirs, ids)
    for _ in range(2):
        with mine.undo_guard():
            mine.revert(journal)
        assert _names(theirs, ids) == before
        with mine.undo_guard():
            mine.replay(journal)
        assert _names(theirs, ids) == after
