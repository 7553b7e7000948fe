"""Stale edits refused on every write path: bulk chart reads, deletes, journaled edits, undo.

Each test has two clients on one team database; "mine" works from what it
last read, "theirs" changes the same row in between.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from pmdesk.exchange.pdf import export_pdf
from pmdesk.gui.commands import CreateCommand, DeleteCommand, UpdateCommand
from pmdesk.gui.export_dialog import write_pdf
from pmdesk.gui.team import TeamContext
from pmdesk.store.services import LifecycleService, PortfolioService, RoadmapService
from pmdesk.store.services.roadmap_queries import RoadmapQueries
from pmdesk.store.team_server import ConnectionLostError
from pmdesk.store.team_versions import ConflictError

NAME = 'Item <b>&amp;</b> "quoted" 😀'


@pytest.fixture
def team_context(qtbot):
    """A TeamContext per workspace, closed after the test even when it fails."""
    made: list[TeamContext] = []

    def _make(ws) -> TeamContext:
        made.append(ctx := TeamContext(ws))
        return ctx

    yield _make
    for ctx in made:
        ctx.close()


def _roadmap(ws, product_name: str = "Alpha"):
    """A product with one lane and three items; returns (product id, [item ids])."""
    roadmap = ws.service(RoadmapService)
    product = ws.service(PortfolioService).create_product(name=product_name)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    start = dt.date(2026, 3, 2)
    items = [
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"{NAME} {n}",
            start_date=start,
            end_date=start + dt.timedelta(days=9),
        )
        for n in range(3)
    ]
    return product.id, [item.id for item in items]


def test_an_edit_from_the_chart_after_someone_else_changed_the_item_is_refused(connect):
    mine, theirs = connect(), connect()
    product_id, (item_id, *_) = _roadmap(mine)
    # What the roadmap chart shows: rows read in bulk, without ORM objects.
    shown = {row.id: row for row in RoadmapQueries(mine).item_rows(product_id)}
    theirs.service(RoadmapService).items.update(item_id, progress=80)
    items = mine.service(RoadmapService).items
    later = shown[item_id].end + dt.timedelta(days=5)
    with pytest.raises(ConflictError) as refused:
        items.update(item_id, end_date=later)  # a drag on the chart made before the refresh
    assert refused.value.kind == "roadmap_item" and refused.value.field == "end_date"
    assert theirs.service(RoadmapService).items.get(item_id).end_date == shown[item_id].end
    # Once the chart has re-read the row (their notice), the same edit goes through.
    RoadmapQueries(mine).item_rows(product_id, [item_id])
    items.update(item_id, end_date=later)
    assert theirs.service(RoadmapService).items.get(item_id).progress == 80


def test_a_dependency_and_a_lane_read_by_the_chart_are_checked_too(connect):
    mine, theirs = connect(), connect()
    product_id, (first, second, _) = _roadmap(mine)
    roadmap = mine.service(RoadmapService)
    link = roadmap.dependencies.create(predecessor_id=first, successor_id=second)
    queries = RoadmapQueries(mine)
    queries.link_rows(product_id)
    (lane,) = queries.lane_rows(product_id)
    theirs.service(RoadmapService).dependencies.update(link.id, lag_days=3)
    theirs.service(RoadmapService).lanes.update(lane.id, name="Theirs")
    with pytest.raises(ConflictError):
        roadmap.dependencies.update(link.id, lag_days=1)
    with pytest.raises(ConflictError):
        roadmap.lanes.update(lane.id, name="Mine")


def test_deleting_a_row_someone_changed_since_is_refused_and_keeps_it(connect):
    mine, theirs = connect(), connect()
    _, (item_id, *_) = _roadmap(mine)
    items = mine.service(RoadmapService).items
    items.get(item_id)
    theirs.service(RoadmapService).items.update(item_id, name="Renamed <&> by them")
    with pytest.raises(ConflictError) as refused:
        items.delete(item_id)
    conflict = refused.value
    assert conflict.deleting and not conflict.undo and "not deleted" in str(conflict)
    assert conflict.theirs == "Renamed <&> by them"
    assert theirs.service(RoadmapService).items.get(item_id).name == "Renamed <&> by them"
    # Having seen their change ("keep mine"), the person may still delete it.
    mine.versions.accept("roadmap_item", item_id, conflict.their_version)
    items.delete(item_id)
    assert theirs.service(RoadmapService).items.count() == 2


def test_a_delete_of_rows_nobody_else_touched_goes_through(connect):
    mine, _theirs = connect(), connect()
    _, item_ids = _roadmap(mine)
    mine.service(RoadmapService).items.delete(item_ids)
    assert mine.service(RoadmapService).items.count() == 0


def test_undoing_a_journaled_gate_decision_refuses_after_someone_else_moved_the_product(connect):
    mine, theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name="Alpha")
    lifecycle = mine.service(LifecycleService)
    journal = lifecycle.record_gate(
        product.id, "go", decided_on=dt.date.today(), decided_by_name="Dana"
    )
    theirs.service(PortfolioService).products.update(product.id, owner="Cy")
    with pytest.raises(ConflictError) as refused, mine.undo_guard():
        lifecycle.revert(journal)
    assert refused.value.undo and refused.value.kind == "product"
    # Nothing of the undo happened: the gate review is still there.
    assert len(theirs.service(LifecycleService).gates_of(product.id)) == 1


def test_undoing_my_gate_decision_works_when_nobody_else_touched_it(connect):
    mine, _theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name="Alpha")
    lifecycle = mine.service(LifecycleService)
    stage = mine.service(PortfolioService).products.get(product.id).stage
    journal = lifecycle.record_gate(
        product.id, "go", decided_on=dt.date.today(), decided_by_name="Dana"
    )
    with mine.undo_guard():
        lifecycle.revert(journal)
    with mine.undo_guard():
        lifecycle.replay(journal)
    with mine.undo_guard():
        lifecycle.revert(journal)
    assert mine.service(PortfolioService).products.get(product.id).stage == stage


def test_a_refused_undo_drops_that_step_only(qtbot, connect, team_context):
    mine, theirs = connect(), connect()
    ctx = team_context(mine)
    _, item_ids = _roadmap(mine)
    items = mine.service(RoadmapService).items
    for n, item_id in enumerate(item_ids):
        assert ctx.run(UpdateCommand(items, item_id, {"progress": 10 * (n + 1)}, f"Progress {n}"))
    theirs.service(RoadmapService).items.update(item_ids[2], progress=99)
    with qtbot.waitSignal(ctx.errorRaised) as said:
        failure = ctx.undo()
    assert isinstance(failure, ConflictError)
    assert "Progress 2" in said.args[0] and "taken out of the undo history" in said.args[0]
    assert (ctx.undo_stack.count(), ctx.undo_stack.index()) == (2, 2)
    assert ctx.undo() is None and ctx.undo() is None  # the two earlier steps still undo
    assert [items.get(i).progress for i in item_ids] == [0, 0, 99]
    assert ctx.redo() is None and items.get(item_ids[0]).progress == 10


def test_undoing_a_create_after_someone_edited_the_new_row_is_refused(qtbot, connect, team_context):
    mine, theirs = connect(), connect()
    ctx = team_context(mine)
    product_id, _ = _roadmap(mine)
    lanes = mine.service(RoadmapService).lanes
    create = CreateCommand(lanes, {"product_id": product_id, "name": "New lane"}, "Add lane")
    assert ctx.run(create)
    theirs.service(RoadmapService).lanes.update(create.entity_id, name="Their name")
    with qtbot.waitSignal(ctx.errorRaised) as said:
        ctx.undo()
    assert "undoing it would delete their change" in said.args[0]
    assert lanes.get(create.entity_id).name == "Their name"
    assert ctx.undo_stack.count() == 0


def test_an_undo_while_the_server_is_away_stays_and_works_once_it_is_back(
    qtbot, connect, pg_server, team_context
):
    mine = connect()
    ctx = team_context(mine)
    _, (item_id, *_) = _roadmap(mine)
    items = mine.service(RoadmapService).items
    delete = DeleteCommand(items, [item_id], "Delete item")
    assert ctx.run(delete)
    pg_server.stop()
    try:
        with qtbot.waitSignal(ctx.errorRaised) as said:
            failure = ctx.undo()
        assert isinstance(failure, ConnectionLostError) and ctx.state == "lost"
        assert "Try Undo again" in said.args[0]
        assert (ctx.undo_stack.count(), ctx.undo_stack.index()) == (1, 1)
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: ctx.state == "connected", timeout=5000)
    assert ctx.undo() is None
    assert items.get(item_id).name.startswith(NAME)


def test_a_pdf_exports_from_a_team_workspace_in_the_worker(qtbot, connect, tmp_path):
    mine = connect()
    product_id, _ = _roadmap(mine, product_name='Pump <&> "Ω" 😀')
    output = tmp_path / "spec.pdf"
    # In this thread: what matters is that it opens its own connection.
    assert write_pdf(mine.reopen_read_only, "spec", output, product_id, None) == output
    text = "".join(page.extract_text() for page in PdfReader(output).pages)
    assert 'Pump <&> "Ω"' in text


def test_a_read_only_reopen_of_a_team_workspace_cannot_write_and_does_not_listen(connect, tmp_path):
    mine = connect()
    with mine.reopen_read_only() as copy:
        assert copy.is_team and copy.read_only and copy.feed is None
        assert copy.location == mine.location
        with pytest.raises(Exception, match="read-only"):
            copy.service(PortfolioService).create_product(name="Nope")
        export_pdf(copy, "portfolio", tmp_path / "portfolio.pdf")
    assert (tmp_path / "portfolio.pdf").stat().st_size > 0


def test_an_edit_to_the_value_a_colleague_has_just_set_is_reported(connect):
    """Typing the same value someone else saved meanwhile writes nothing, but the person
    worked from a stale row: they are told, as for any other stale edit."""
    mine, theirs = connect(), connect()
    product_id, (item_id, *_) = _roadmap(mine)
    items = mine.service(RoadmapService).items
    shown = items.get(item_id)  # what my screen shows (seen version noted)
    mine.versions.note_seen("roadmap_item", [(shown.id, shown.row_version)])
    theirs.service(RoadmapService).items.update(item_id, progress=80)
    with pytest.raises(ConflictError) as refused:
        items.update(item_id, progress=80)
    assert refused.value.entity_id == item_id
    # Not stale: the same value typed again after seeing theirs goes through quietly.
    again = items.get(item_id)
    mine.versions.note_seen("roadmap_item", [(again.id, again.row_version)])
    assert items.update(item_id, progress=80) == {}
