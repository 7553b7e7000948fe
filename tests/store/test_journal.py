"""The journal of a unit of work: every kind of write reverts and replays exactly.

Each test edits a real workspace file, dumps every table through a separate SQLite
connection before and after, and checks that reverting the recorded journal gives
back the first dump and replaying it the second: same rows, same ids. Row versions
are left out of the comparison: a reverted or replayed update is a new write, so
the version of an updated row grows (checked on its own).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.file_rows import file_rows

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import NotFoundError, PmdeskError, ValidationError
from pmdesk.store.demo import create_demo
from pmdesk.store.journal import Deleted, Inserted, Journal, Updated
from pmdesk.store.models import Lane, RoadmapItem, StakeholderPosition
from pmdesk.store.services import (
    CanvasService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace

D = dt.date


def dump(path: Path, *, versions: bool = False) -> dict[str, list[tuple]]:
    return file_rows(path, versions=versions)


def versions(path: Path, table: str) -> dict[int, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute(f'SELECT id, row_version FROM "{table}"').fetchall())
    finally:
        conn.close()


def round_trip(ws: Workspace, edit) -> Journal:
    """Run ``edit`` while recording; revert and replay it, checking the file each time."""
    before = dump(ws.path)
    with ws.recording() as journal:
        edit()
    after = dump(ws.path)
    assert after != before, "the edit wrote nothing"
    assert not journal.empty
    ws.revert(journal)
    assert dump(ws.path) == before
    ws.replay(journal)
    assert dump(ws.path) == after
    ws.revert(journal)
    assert dump(ws.path) == before
    return journal


@pytest.fixture
def demo(tmp_path: Path):
    path = create_demo(tmp_path / "demo.pmdesk")
    ws = Workspace.open(path)
    yield ws
    ws.close()


@pytest.fixture
def plan(workspace):
    """A new, empty workspace with one product, two lanes and a few items."""
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lanes = [roadmap.lanes.create(product_id=product.id, name=n) for n in ("Core", "Apps")]
    items = [
        roadmap.items.create(
            product_id=product.id,
            lane_id=lanes[i % 2].id,
            name=f"Item <{i}> & “more”",
            start_date=D(2027, 1, 4 + i),
            end_date=D(2027, 1, 8 + i),
        )
        for i in range(4)
    ]
    roadmap.dependencies.create(predecessor_id=items[0].id, successor_id=items[1].id)
    return product, lanes, items


# -- ORM writes ---------------------------------------------------------------------------------


def test_an_orm_insert_reverts_and_replays_with_the_same_id(workspace, plan) -> None:
    product, lanes, _items = plan
    roadmap = workspace.service(RoadmapService)
    made = []

    def edit() -> None:
        made.append(
            roadmap.items.create(
                product_id=product.id,
                lane_id=lanes[0].id,
                name="New 🚀",
                start_date=D(2027, 2, 1),
                end_date=D(2027, 2, 3),
            ).id
        )

    journal = round_trip(workspace, edit)
    assert journal.ids("roadmap_item", "insert") == made
    workspace.replay(journal)
    assert roadmap.items.get(made[0]).name == "New 🚀"


def test_an_orm_update_keeps_before_and_after_of_the_changed_columns(workspace, plan) -> None:
    _product, _lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    changes = {i.id: {"start_date": i.start_date + dt.timedelta(days=2)} for i in items}
    changes[items[0].id]["name"] = "Renamed"
    versions_before = versions(workspace.path, "roadmap_item")
    journal = round_trip(workspace, lambda: roadmap.items.update_many(changes))
    (step,) = journal.steps
    assert isinstance(step, Updated) and step.table == "roadmap_item"
    first = next(row for row in step.rows if row[0] == items[0].id)
    assert first[1] == {"start_date": items[0].start_date, "name": items[0].name}
    assert first[2] == {"start_date": items[0].start_date + dt.timedelta(days=2), "name": "Renamed"}
    grown = versions(workspace.path, "roadmap_item")
    assert all(grown[i.id] > versions_before[i.id] for i in items)


def test_an_orm_delete_with_database_cascades_comes_back_whole(workspace, plan) -> None:
    """Deleting a lane through the ORM takes its items and their dependencies along."""
    _product, lanes, items = plan

    def edit() -> None:
        with workspace.transaction() as uow:
            uow.session.delete(uow.session.get(Lane, lanes[0].id))

    journal = round_trip(workspace, edit)
    (step,) = journal.steps
    assert isinstance(step, Deleted) and step.ids == [lanes[0].id]
    taken = {name for name, _row in step.snapshot.rows}
    assert taken == {"lane", "roadmap_item", "dependency"}
    assert set(step.snapshot.ids("roadmap_item")) == {items[0].id, items[2].id}


def test_a_stakeholder_move_and_its_trail_point_undo_together(workspace, plan) -> None:
    product, _lanes, _items = plan
    people = workspace.service(StakeholderService)
    person = people.stakeholders.create(product_id=product.id, name="Dana", power=2, interest=2)
    trail = len(people.history(person.id))
    round_trip(workspace, lambda: people.move(person.id, 8.0, 7.5))
    assert len(people.history(person.id)) == trail


def test_raci_rows_replaced_through_the_orm_revert_and_replay(demo) -> None:
    people = demo.service(StakeholderService)
    product = demo.service(PortfolioService).list_products()[0]
    person = people.stakeholders_of(product.id)[0]
    from pmdesk.core.enums import RaciActivity

    key = (RaciActivity.SPEC_SIGNOFF, None)
    round_trip(demo, lambda: people.set_raci(product.id, key, person.id, "A"))


def test_a_product_stage_change_and_its_timeline_undo_exactly(demo) -> None:
    portfolio = demo.service(PortfolioService)
    product = portfolio.list_products()[0]
    round_trip(demo, lambda: portfolio.products.update(product.id, stage="End-of-life"))


def test_a_new_product_with_its_first_stage_period(workspace) -> None:
    portfolio = workspace.service(PortfolioService)
    journal = round_trip(workspace, lambda: portfolio.create_product(name="Nova"))
    assert {s.table for s in journal.steps} == {"product", "stage_period"}


# -- Core writes through the unit of work -------------------------------------------------------


def test_core_insert_update_and_delete_revert_and_replay(workspace, plan) -> None:
    product, lanes, items = plan

    def edit() -> None:
        with workspace.transaction() as uow:
            lane = uow.insert("lane", product_id=product.id, name="Lifecycle", sort_order=9)
            uow.insert(
                "roadmap_item",
                product_id=product.id,
                lane_id=lane,
                name="End of sale",
                start_date=D(2028, 1, 1),
                end_date=D(2028, 1, 1),
            )
            uow.update("lane", lanes[1].id, name="Apps & “web”")
            uow.update_rows("roadmap_item", {i.id: {"end_date": D(2027, 3, 1)} for i in items[:2]})
            uow.delete("lane", [lanes[0].id])

    journal = round_trip(workspace, edit)
    kinds = [(type(s).__name__, s.table) for s in journal.steps]
    assert kinds == [
        ("Inserted", "lane"),
        ("Inserted", "roadmap_item"),
        ("Updated", "lane"),
        ("Updated", "roadmap_item"),
        ("Deleted", "lane"),
    ]


def test_core_rows_with_composite_keys(workspace, plan) -> None:
    """Link rows have no id: they are journaled by their composite key."""
    product, _lanes, items = plan
    requirements = workspace.service(RequirementService)
    req = requirements.requirements.create(product_id=product.id, title="Offline mode")
    round_trip(workspace, lambda: requirements.link(req.id, items[0].id))
    requirements.link(req.id, items[0].id)
    journal = round_trip(workspace, lambda: requirements.unlink(req.id, items[0].id))
    assert journal.ids("requirement_item_link", "delete") == [(req.id, items[0].id)]


def test_a_baseline_with_its_entries_and_the_one_it_replaced(workspace, plan) -> None:
    product, _lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    first = roadmap.set_baseline(product.id, "First")
    heard: list[ChangeSet] = []
    workspace.changes.subscribe(heard.append)
    journal = round_trip(workspace, lambda: roadmap.set_baseline(product.id, "Second"))
    assert journal.ids("baseline", "update") == [first.id]
    (inserted,) = [s for s in journal.steps if isinstance(s, Inserted) and s.table == "baseline"]
    second = inserted.rows[0]["id"]
    assert sorted(journal.ids("baseline_entry", "insert")) == sorted((second, i.id) for i in items)
    # The first notice is the edit's own: the baseline it replaced, and each entry by its key.
    notice = heard[0]
    assert notice.ids("baseline", "update") == {first.id}
    assert notice.ids("baseline_entry", "insert") == {(second, i.id) for i in items}


def test_canvas_notes_duplicate_move_and_template_switch(demo) -> None:
    canvas = demo.service(CanvasService)
    product = demo.service(PortfolioService).list_products()[0]
    board = canvas.boards_of(product.id)[0]
    notes = [n.id for n in canvas.notes_of_board(board.id)][:3]
    round_trip(demo, lambda: canvas.duplicate_notes(notes))
    round_trip(demo, lambda: canvas.move_notes(notes, "to_sort", 0))
    from pmdesk.core.enums import CanvasTemplate

    other = next(t for t in CanvasTemplate if t != board.template)
    round_trip(demo, lambda: canvas.switch_template(board.id, other))


def test_a_repo_delete_of_many_rows_in_the_demo(demo) -> None:
    roadmap = demo.service(RoadmapService)
    product = demo.service(PortfolioService).list_products()[0]
    ids = [i.id for i in roadmap.items_of(product.id)]
    journal = round_trip(demo, lambda: roadmap.items.delete(ids))
    assert journal.ids("roadmap_item", "delete") == ids


# -- several transactions, notices, failures ----------------------------------------------------


def test_a_recording_spans_several_transactions(workspace, plan) -> None:
    product, lanes, items = plan
    roadmap = workspace.service(RoadmapService)

    def edit() -> None:
        lane = roadmap.lanes.create(product_id=product.id, name="Third")
        roadmap.items.update(items[0].id, lane_id=lane.id)
        roadmap.lanes.delete(lanes[1].id)

    journal = round_trip(workspace, edit)
    assert [type(s) for s in journal.steps] == [Inserted, Updated, Deleted]


def test_a_recording_leaves_out_what_another_thread_commits(workspace, plan) -> None:
    import threading

    product, lanes, _items = plan
    roadmap = workspace.service(RoadmapService)
    with workspace.recording() as journal:
        roadmap.lanes.update(lanes[0].id, name="Mine")
        other = threading.Thread(
            target=lambda: roadmap.lanes.create(product_id=product.id, name="Theirs")
        )
        other.start()
        other.join()
    assert journal.tables() == {"lane"} and len(journal.steps) == 1


def test_revert_and_replay_publish_what_they_changed(workspace, plan) -> None:
    _product, lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    with workspace.recording() as journal:
        roadmap.items.update(items[0].id, name="Renamed")
        roadmap.lanes.delete(lanes[1].id)
    heard: list[ChangeSet] = []
    workspace.changes.subscribe(heard.append)
    workspace.revert(journal)
    workspace.replay(journal)
    reverted, replayed = heard
    assert reverted.ids("roadmap_item", "update") == {items[0].id}
    assert reverted.ids("lane", "insert") == {lanes[1].id}
    assert {items[1].id, items[3].id} <= reverted.ids("roadmap_item", "insert")
    assert replayed.ids("lane", "delete") == {lanes[1].id}
    assert replayed.ids("roadmap_item", "update") == {items[0].id}


def test_a_failed_revert_leaves_the_file_as_it_was(workspace, plan) -> None:
    """The lane the journal deleted cannot come back (its id is taken): nothing is written,
    not even the update the revert made first."""
    product, lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    with workspace.recording() as journal:
        roadmap.lanes.delete(lanes[1].id)
        roadmap.items.update(items[0].id, name="Renamed")
    with workspace.transaction() as uow:  # someone puts another row under that id
        uow.session.execute(
            sa.insert(Lane).values(id=lanes[1].id, product_id=product.id, name="Squatter")
        )
    before = dump(workspace.path, versions=True)
    with pytest.raises(PmdeskError):
        workspace.revert(journal)
    assert dump(workspace.path, versions=True) == before
    assert roadmap.items.get(items[0].id).name == "Renamed"


def test_a_failed_edit_records_nothing(workspace, plan) -> None:
    _product, _lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    with workspace.recording() as journal, pytest.raises(ValidationError):
        roadmap.items.update(items[0].id, end_date=D(2000, 1, 1))  # ends before it starts
    assert journal.empty


def test_values_edited_later_do_not_change_the_journal(workspace) -> None:
    """JSON columns (a product's gate criteria) are copied into the journal."""
    portfolio = workspace.service(PortfolioService)
    product = portfolio.create_product(name="Atlas")
    criteria = {"analysis": [{"text": "Signed", "met": False}]}
    with workspace.recording() as journal:
        portfolio.products.update(product.id, gate_criteria=criteria)
    criteria["analysis"][0]["met"] = True
    (step,) = [s for s in journal.steps if isinstance(s, Updated)]
    assert step.rows[0][2]["gate_criteria"]["analysis"][0]["met"] is False


def test_an_orm_delete_of_a_trail_point_journals_the_row(workspace, plan) -> None:
    product, _lanes, _items = plan
    people = workspace.service(StakeholderService)
    person = people.stakeholders.create(product_id=product.id, name="Dana")

    def edit() -> None:
        with workspace.transaction() as uow:
            for point in uow.session.scalars(
                sa.select(StakeholderPosition).where(
                    StakeholderPosition.stakeholder_id == person.id
                )
            ):
                uow.session.delete(point)

    round_trip(workspace, edit)


def test_an_item_inside_an_item_comes_back_below_its_parent(workspace, plan) -> None:
    product, lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    if "parent_id" not in RoadmapItem.__table__.c:
        pytest.skip("items do not nest in this format")
    child = roadmap.items.create(
        product_id=product.id,
        lane_id=lanes[0].id,
        parent_id=items[0].id,
        name="Child",
        start_date=D(2027, 1, 5),
        end_date=D(2027, 1, 6),
    )
    journal = round_trip(workspace, lambda: roadmap.items.delete([items[0].id]))
    assert child.id in journal.steps[0].snapshot.ids("roadmap_item")


def test_a_write_around_the_unit_of_work_marks_the_journal_incomplete(workspace, plan) -> None:
    """A bare ``session.execute`` UPDATE is not journaled; the journal says so, while every
    write of the unit of work (and the flush) leaves it complete."""
    _product, lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    with workspace.recording() as journaled:
        roadmap.items.update(items[0].id, name="Through the ORM")
        with workspace.transaction() as uow:
            uow.update("lane", lanes[0].id, name="Through the unit of work")
            uow.delete("dependency", journaled.ids("dependency", "insert") or [1])
    assert journaled.complete
    with workspace.recording() as bare:
        with workspace.transaction() as uow:
            uow.session.execute(sa.update(Lane).where(Lane.id == lanes[1].id).values(name="x"))
    assert not bare.complete


def test_a_repo_restore_is_journaled_too(workspace, plan) -> None:
    _product, lanes, _items = plan
    roadmap = workspace.service(RoadmapService)
    snapshot = roadmap.lanes.delete(lanes[0].id)
    journal = round_trip(workspace, lambda: roadmap.lanes.restore(snapshot))
    assert journal.complete and lanes[0].id in journal.ids("lane", "insert")


def test_an_undo_of_a_change_to_a_row_deleted_since_is_refused_whole(workspace, plan) -> None:
    _product, _lanes, items = plan
    roadmap = workspace.service(RoadmapService)
    with workspace.recording() as journal:
        roadmap.items.update_many({i.id: {"name": f"Renamed {i.id}"} for i in items})
    roadmap.items.delete(items[2].id)  # an edit made after, outside this journal
    before = dump(workspace.path, versions=True)
    with pytest.raises(NotFoundError) as refused:
        workspace.revert(journal)
    assert refused.value.entity_id == items[2].id
    assert dump(workspace.path, versions=True) == before
