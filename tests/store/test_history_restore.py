"""Restore from the history: a deleted item with its links, an old value, a reference its
delete cleared, a text kept cut; each one undoable edit. And snapshots renamed and deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from test_history_apply import state  # the tests' shared reading of a workspace

from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.store import history
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import CUT_ITEM, Q3_REVIEW
from pmdesk.store.services import (
    HistoryService,
    LaunchService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace

TRICKY = 'Sensor & gateway <hardware> "v2" 🚀'
START = dt.date(2027, 1, 4)


@pytest.fixture
def plan(workspace):
    pid = workspace.service(PortfolioService).create_product(name="Atlas").id
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=pid, name="Core").id

    def item(name: str, **more) -> int:
        return roadmap.items.create(
            product_id=pid,
            lane_id=lane,
            name=name,
            start_date=START,
            end_date=START + dt.timedelta(days=28),
            **more,
        ).id

    return workspace, pid, lane, item


def _rows(ws: Workspace, table: str) -> list[dict]:
    return state(ws)[table]


def test_a_deleted_item_comes_back_with_its_link_and_undo_takes_them_again(plan):
    ws, pid, lane, item = plan
    roadmap = ws.service(RoadmapService)
    service = ws.service(HistoryService)
    hardware = item(TRICKY, notes="Two suppliers <quoted>", progress=30)
    other = item("Firmware")
    epic = item("Epic")
    child = item("Child of the hardware", parent_id=hardware)
    roadmap.dependencies.create(predecessor_id=hardware, successor_id=other, lag_days=3)
    roadmap.dependencies.create(predecessor_id=epic, successor_id=other)
    before = state(ws)
    roadmap.items.delete([hardware])  # one edit: the item, its child and its link go
    assert {i.id for i in roadmap.items.list()} == {other, epic}
    after_delete = state(ws)

    plan_ = service.restore_plan("roadmap_item", hardware)
    assert plan_.whole and plan_.rows == 3 and plan_.cut == [] and plan_.note() == ""
    with ws.recording() as journal:
        label = service.restore("roadmap_item", hardware)
    assert label == f"Restore “{TRICKY}”"
    assert state(ws) == before  # the same ids, the same values, the link and the child
    assert roadmap.items.get(child).parent_id == hardware
    with ws.engine.connect() as conn:
        labels = [row[0] for row in conn.exec_driver_sql("SELECT label FROM change_edit")]
    assert labels[-1] == label  # an ordinary edit, in the history under its undo text
    ws.revert(journal)  # undo
    assert state(ws) == after_delete
    ws.replay(journal)  # redo
    assert state(ws) == before
    with pytest.raises(ValidationError, match="nothing to restore|already holds"):
        service.restore("roadmap_item", child)  # there, and never changed


def test_an_old_end_date_comes_back(plan):
    ws, pid, lane, item = plan
    roadmap = ws.service(RoadmapService)
    service = ws.service(HistoryService)
    alpha = item("Alpha")
    roadmap.items.update(alpha, end_date=dt.date(2027, 3, 1))
    roadmap.items.update(alpha, end_date=dt.date(2027, 4, 12), status="at_risk")
    roadmap.items.update(alpha, progress=20)
    # Without fields: every field of the last change (the progress).
    with ws.recording() as undo_progress:
        assert service.restore("roadmap_item", alpha) == "Restore progress of “Alpha”"
    assert roadmap.items.get(alpha).progress == 0
    ws.revert(undo_progress)
    with ws.recording() as journal:
        label = service.restore("roadmap_item", alpha, ["end_date"])
    assert label == "Restore end date of “Alpha”"
    restored = roadmap.items.get(alpha)
    assert restored.end_date == dt.date(2027, 3, 1)  # from before its last change
    assert (restored.progress, restored.status.value) == (20, "at_risk")  # the rest stays
    ws.revert(journal)
    assert roadmap.items.get(alpha).end_date == dt.date(2027, 4, 12)
    # The last change is now that undo: restoring it is the end date of before again.
    assert service.restore("roadmap_item", alpha) == "Restore end date of “Alpha”"
    assert roadmap.items.get(alpha).end_date == dt.date(2027, 3, 1)
    with pytest.raises(ValidationError, match="no field “colour”"):
        service.restore("roadmap_item", alpha, ["colour"])
    with pytest.raises(ValidationError, match="no change"):
        service.restore("roadmap_item", alpha, ["notes"])
    with pytest.raises(ValidationError, match="nothing the history keeps"):
        service.restore("history_snapshot", 1)
    with pytest.raises(ValidationError, match="holds nothing"):
        service.restore("roadmap_item", 4242)


def test_an_item_whose_lane_is_gone_waits_for_the_lane(plan):
    ws, pid, lane, item = plan
    roadmap = ws.service(RoadmapService)
    service = ws.service(HistoryService)
    alpha = item("Alpha")
    roadmap.items.delete([alpha])
    roadmap.lanes.delete([lane])
    before = state(ws)
    with pytest.raises(ValidationError, match="belonged to the lane “Core”, which is gone too"):
        service.restore("roadmap_item", alpha)
    assert state(ws) == before
    assert service.restore("lane", lane) == "Restore “Core”"
    service.restore("roadmap_item", alpha)
    assert roadmap.items.get(alpha).lane_id == lane


def test_a_stakeholder_comes_back_as_the_owner_of_the_tasks_it_had(plan):
    ws, pid, lane, item = plan
    people = ws.service(StakeholderService)
    launches = ws.service(LaunchService)
    dana = people.stakeholders.create(product_id=pid, name="Dana", power=8, interest=6).id
    launch = launches.launches.create(product_id=pid, name="GA", launch_date="2027-06-01").id
    kit = launches.tasks.create(
        launch_id=launch, function="marketing", title="Press kit", owner_id=dana, due_offset_days=-9
    ).id
    before = state(ws)
    people.stakeholders.delete([dana])  # the database clears the task's owner
    assert launches.tasks.get(kit).owner_id is None
    service = ws.service(HistoryService)
    assert service.restore("stakeholder", dana) == "Restore “Dana”"
    assert launches.tasks.get(kit).owner_id == dana
    assert state(ws) == before


def test_a_requirement_comes_back_with_its_link_and_a_link_alone_by_its_pair(plan):
    ws, pid, lane, item = plan
    alpha = item("Alpha")
    requirements = ws.service(RequirementService)
    sso = requirements.requirements.create(product_id=pid, title="Single sign-on <SAML>").id
    requirements.link(sso, alpha)
    before = state(ws)
    requirements.requirements.delete([sso])
    service = ws.service(HistoryService)
    found = service.restore_plan("requirement", sso)
    assert [(c.table, c.key) for c in found.changes] == [
        ("requirement", sso),
        ("requirement_item_link", [sso, alpha]),
    ]
    service.restore("requirement", sso)
    assert state(ws) == before
    with ws.transaction() as uow:  # the link alone goes
        uow.delete("requirement_item_link", [(sso, alpha)])
    label = service.restore("requirement_item_link", f"{sso},{alpha}")
    assert label == f"Restore the requirement item link {sso},{alpha}"
    assert state(ws) == before


def test_a_long_text_comes_back_as_far_as_the_history_kept_it(plan):
    ws, pid, lane, item = plan
    roadmap = ws.service(RoadmapService)
    service = ws.service(HistoryService)
    long = "Ω" + "x" * 9_000
    alpha = item("Alpha", notes=long)
    roadmap.items.update(alpha, notes="short")
    found = service.restore_plan("roadmap_item", alpha, ["notes"])
    assert found.cut == ["notes"] and "8,000 characters" in found.note()
    service.restore("roadmap_item", alpha, ["notes"])
    notes = roadmap.items.get(alpha).notes
    assert len(notes) == history.TEXT_MAX and notes.endswith("…") and long.startswith(notes[:-1])
    roadmap.items.delete([alpha])
    whole = service.restore_plan("roadmap_item", alpha)
    assert whole.whole and whole.cut == ["notes"]


def test_the_demo_brings_back_the_feature_cut_since_the_q3_review(tmp_path):
    path = create_demo(tmp_path / "demo.pmdesk")
    with Workspace.open(path) as ws:
        service = ws.service(HistoryService)
        [cut] = [c for c in service.net_changes(Q3_REVIEW) if c.name == CUT_ITEM]
        assert service.restore(cut.table, cut.key) == f"Restore “{CUT_ITEM}”"
        item = ws.service(RoadmapService).items.get(cut.key)
        assert item.name == CUT_ITEM and item.end_date.isoformat() == cut.fields["end_date"][0]
        assert CUT_ITEM not in {c.name for c in service.changes(Q3_REVIEW)}
        assert ws.check().ok


def test_a_new_empty_workspace_has_nothing_to_restore(workspace):
    with pytest.raises(ValidationError, match="holds nothing"):
        workspace.service(HistoryService).restore("product", 1)


# -- snapshots renamed and deleted --------------------------------------------------------------


def test_snapshots_are_renamed_and_deleted_each_as_one_undoable_edit(workspace):
    service = workspace.service(HistoryService)
    first = service.snapshot("Q3 review").id
    second = service.snapshot("Board").id
    with workspace.recording() as journal:
        service.rename_snapshot(first, "  Q3 review <final> 🚀  ")
    assert [s.name for s in service.snapshots()] == ["Q3 review <final> 🚀", "Board"]
    workspace.revert(journal)
    assert [s.name for s in service.snapshots()] == ["Q3 review", "Board"]
    service.rename_snapshot(first, "Q3 review")  # its own name: nothing to do
    with pytest.raises(ValidationError, match="cannot be empty"):
        service.rename_snapshot(first, "   ")
    with pytest.raises(ValidationError, match="at most 200"):
        service.rename_snapshot(first, "x" * 201)
    with pytest.raises(ValidationError, match="“Board” already exists"):
        service.rename_snapshot(first, "Board")
    with pytest.raises(NotFoundError):
        service.rename_snapshot(4242, "Elsewhere")
    edits = service.counts()
    with workspace.recording() as journal:
        service.delete_snapshot(second)
    assert [s.name for s in service.snapshots()] == ["Q3 review"]
    assert service.counts() == edits  # the history itself is untouched
    workspace.revert(journal)
    assert [(s.id, s.name) for s in service.snapshots()] == [
        (first, "Q3 review"),
        (second, "Board"),
    ]
    with pytest.raises(NotFoundError):
        service.delete_snapshot(4242)
