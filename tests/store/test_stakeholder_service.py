"""The stakeholder service: moves with exact undo, contacts done, RACI with one Accountable."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pmdesk.core.enums import ContactFrequency, RaciActivity, RaciRole
from pmdesk.core.errors import ValidationError
from pmdesk.store.models import RaciAssignment, StakeholderPosition
from pmdesk.store.services import LaunchService, PortfolioService, RequirementService
from pmdesk.store.services.stakeholders import StakeholderService
from pmdesk.store.workspace import Workspace

SIGNOFF = (RaciActivity.SPEC_SIGNOFF, None)


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Atlas")


@pytest.fixture
def service(workspace) -> StakeholderService:
    return workspace.service(StakeholderService)


def _points(ws: Workspace, person_id: int) -> list[tuple[int, float, float]]:
    with ws.read() as session:
        rows = session.execute(
            sa.select(
                StakeholderPosition.id, StakeholderPosition.power, StakeholderPosition.interest
            )
            .where(StakeholderPosition.stakeholder_id == person_id)
            .order_by(StakeholderPosition.id)
        )
        return [tuple(row) for row in rows]


def test_a_move_is_snapped_recorded_and_its_undo_forgets_the_point(workspace, product, service):
    person = service.stakeholders.create(product_id=product.id, name="Dana", power=3, interest=4)
    before = _points(workspace, person.id)
    with workspace.recording() as journal:
        previous = service.move(person.id, power=7.26, interest=11)
    moved = service.stakeholders.get(person.id)
    assert (moved.power, moved.interest) == (7.3, 10.0)
    assert previous == {"power": 3, "interest": 4}
    (point,) = journal.ids("stakeholder_position", "insert")
    assert _points(workspace, person.id) == [*before, (point, 7.3, 10.0)]

    workspace.revert(journal)  # what an undo does
    back = service.stakeholders.get(person.id)
    assert (back.power, back.interest) == (3, 4)
    assert _points(workspace, person.id) == before


def test_a_change_that_is_not_a_move_leaves_the_trail_alone(workspace, product, service):
    person = service.stakeholders.create(product_id=product.id, name="Dana")
    previous = service.stakeholders.update(person.id, role="CFO")
    assert previous == {"role": ""}
    assert len(_points(workspace, person.id)) == 1


def test_history_trail_is_in_the_order_of_the_moves(workspace, product, service):
    person = service.stakeholders.create(product_id=product.id, name="Kai", power=1, interest=1)
    for spot in ((2, 3), (6, 3), (6, 8)):
        service.move(person.id, *spot)
    trail = [(p.power, p.interest) for p in service.history(person.id)]
    assert trail == [(1, 1), (2, 3), (6, 3), (6, 8)]
    assert [(p.power, p.interest) for p in service.histories_of(product.id)[person.id]] == trail


def test_mark_contact_done_sets_the_next_date_from_the_frequency(product, service):
    person = service.stakeholders.create(
        product_id=product.id,
        name="Ola",
        comm_frequency=ContactFrequency.FORTNIGHTLY,
        next_contact=dt.date(2027, 1, 3),
    )
    previous = service.mark_contact_done(person.id, dt.date(2027, 1, 5))
    done = service.stakeholders.get(person.id)
    assert (done.last_contact, done.next_contact) == (dt.date(2027, 1, 5), dt.date(2027, 1, 19))
    assert previous == {"last_contact": None, "next_contact": dt.date(2027, 1, 3)}
    service.stakeholders.update(person.id, comm_frequency="As needed")
    service.mark_contact_done(person.id, dt.date(2027, 2, 1))
    assert service.stakeholders.get(person.id).next_contact is None


def _roles(service, product_id, key) -> dict[str, str]:
    names = {p.id: p.name for p in service.stakeholders_of(product_id)}
    rows = service.raci_row(product_id, key)
    return {names[r.stakeholder_id]: RaciRole(r.role).value for r in rows}


def test_giving_a_moves_the_accountable_in_one_step_and_undo_restores_it(product, service):
    ann, bo = (service.stakeholders.create(product_id=product.id, name=n) for n in ("Ann", "Bo"))
    service.set_raci(product.id, SIGNOFF, ann.id, "A")
    original = service.raci_row(product.id, SIGNOFF)[0]
    edit = service.set_raci(product.id, SIGNOFF, bo.id, RaciRole.ACCOUNTABLE)
    assert _roles(service, product.id, SIGNOFF) == {"Bo": "A"}
    service.replace_raci_row(product.id, SIGNOFF, edit.before)
    restored = service.raci_row(product.id, SIGNOFF)
    assert [(r.id, r.stakeholder_id, RaciRole(r.role)) for r in restored] == [
        (original.id, ann.id, RaciRole.ACCOUNTABLE)
    ]
    service.replace_raci_row(product.id, SIGNOFF, edit.after)
    assert _roles(service, product.id, SIGNOFF) == {"Bo": "A"}


def test_set_changes_and_clears_a_cell(workspace, product, service):
    ann = service.stakeholders.create(product_id=product.id, name="Ann")
    service.set_raci(product.id, SIGNOFF, ann.id, "R")
    service.set_raci(product.id, SIGNOFF, ann.id, "Consulted")
    assert _roles(service, product.id, SIGNOFF) == {"Ann": "C"}
    service.set_raci(product.id, SIGNOFF, ann.id, None)
    with workspace.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RaciAssignment)) == 0


def test_raci_refuses_people_and_activities_of_another_product(workspace, product, service):
    other = workspace.service(PortfolioService).create_product(name="Borealis")
    stranger = service.stakeholders.create(product_id=other.id, name="Zed")
    ann = service.stakeholders.create(product_id=product.id, name="Ann")
    req = workspace.service(RequirementService).requirements.create(
        product_id=other.id, title="Export"
    )
    with pytest.raises(ValidationError):
        service.set_raci(product.id, SIGNOFF, stranger.id, "R")
    with pytest.raises(ValidationError):
        service.set_raci(product.id, (RaciActivity.REQUIREMENT, req.id), ann.id, "R")


def test_activities_list_signoff_launch_tasks_and_chosen_requirements(workspace, product, service):
    launches = workspace.service(LaunchService)
    launch = launches.launches.create(product_id=product.id, name="GA", launch_date="2027-03-01")
    task = launches.tasks.create(
        launch_id=launch.id, function="legal", title="Terms <v2>", due_date="2027-02-01"
    )
    reqs = workspace.service(RequirementService).requirements
    chosen = reqs.create(product_id=product.id, ref="R-1", title="Single sign-on")
    reqs.create(product_id=product.id, ref="R-2", title="Dark mode")
    ann = service.stakeholders.create(product_id=product.id, name="Ann")
    service.set_raci(product.id, (RaciActivity.REQUIREMENT, chosen.id), ann.id, "R")
    rows = service.raci_activities(product.id)
    assert [row.key for row in rows] == [
        SIGNOFF,
        (RaciActivity.LAUNCH_TASK, task.id),
        (RaciActivity.REQUIREMENT, chosen.id),
    ]
    assert rows[1].label == "Terms <v2>" and rows[2].label == "R-1 Single sign-on"
    added = service.raci_activities(product.id, extra_requirements=(chosen.id + 1,))
    assert len(added) == 4


# -- the pure rules these operations rest on (core.communication, core.stakeholders) ------------


def test_assign_role_keeps_at_most_one_accountable():
    from pmdesk.core.communication import assign_role

    row = {1: RaciRole.ACCOUNTABLE, 2: RaciRole.RESPONSIBLE}
    assert assign_role(row, 3, RaciRole.ACCOUNTABLE) == {
        2: RaciRole.RESPONSIBLE,
        3: RaciRole.ACCOUNTABLE,
    }
    assert assign_role(row, 1, RaciRole.ACCOUNTABLE) == row
    assert assign_role(row, 1, None) == {2: RaciRole.RESPONSIBLE}
    assert assign_role(row, 2, RaciRole.INFORMED) == {1: RaciRole.ACCOUNTABLE, 2: RaciRole.INFORMED}


def test_due_status_matches_the_fourteen_day_agenda():
    from pmdesk.core.communication import due_status

    today = dt.date(2027, 5, 10)
    assert due_status(dt.date(2027, 5, 9), today) == "overdue"
    assert due_status(today, today) == "due"
    assert due_status(dt.date(2027, 5, 24), today) == "due"
    assert due_status(dt.date(2027, 5, 25), today) is None
    assert due_status(None, today) is None


def test_trail_is_oldest_first_and_drops_repeated_spots():
    from pmdesk.core.stakeholders import snap, trail

    t = [dt.datetime(2027, 1, d) for d in (1, 2, 3, 4)]
    points = [(t[2], 6, 6), (t[0], 1, 1), (t[1], 1, 1), (t[3], 8, 2), (t[3], 9, 2)]
    assert trail(points) == [(t[0], 1, 1), (t[2], 6, 6), (t[3], 8, 2), (t[3], 9, 2)]
    assert (snap(-1), snap(4.26), snap(12)) == (0.0, 4.3, 10.0)
