"""Launch service: a launch from its tier's checklist in one step, typed due dates,
relative tasks following the launch date, readiness figures and the roadmap's Launch lane."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.enums import LaunchFunction, TaskStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.templates import launch_checklist
from pmdesk.store.services import LaunchService, PortfolioService

LAUNCH = dt.date(2026, 6, 1)


@pytest.fixture
def service(workspace):
    return workspace.service(LaunchService)


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Atlas")


def test_create_launch_with_the_tier_checklist_is_one_change(workspace, service, product):
    notices = []
    workspace.changes.subscribe(notices.append)
    launch = service.create_launch(product.id, 'Atlas <1.0> & "GA"', LAUNCH, tier=1)
    assert len(notices) == 1
    template = launch_checklist(1)
    tasks = service.tasks_of(launch.id)
    assert len(tasks) == len(template) > 0
    assert notices[0].ids("launch_task", "insert") == {t.id for t in tasks}
    for task in tasks:
        assert task.due_offset_days is not None
        assert task.due_date == LAUNCH + dt.timedelta(days=task.due_offset_days)
    assert service.launches.get(launch.id).name == 'Atlas <1.0> & "GA"'


def test_a_bad_launch_creates_nothing(service, product):
    with pytest.raises(ValidationError):
        service.create_launch(product.id, "Bad", LAUNCH, tier=4)
    assert service.launches_of(product.id) == []


def test_add_checklist_appends_after_existing_tasks(service, product):
    launch = service.create_launch(product.id, "GA", LAUNCH, tier=3, with_checklist=False)
    assert service.tasks_of(launch.id) == []
    ids = service.add_checklist(launch.id)
    assert len(ids) == len(launch_checklist(3))
    again = service.add_checklist(launch.id, tier=3)
    positions = {t.id: t.position for t in service.tasks_of(launch.id)}
    assert min(positions[i] for i in again) > max(positions[i] for i in ids)


def test_due_from_text_and_relative_tasks_follow_the_launch_date(service, product):
    launch = service.create_launch(product.id, "GA", LAUNCH, with_checklist=False)
    task = service.tasks.create(
        launch_id=launch.id, function=LaunchFunction.LEGAL, title="DPA", due_date="2026-03-01"
    )
    fixed = service.tasks.create(
        launch_id=launch.id, function=LaunchFunction.LEGAL, title="TM", due_date="2026-03-01"
    )
    service.tasks.update(task.id, **service.due_changes(task.id, "L−30"))
    assert service.tasks.get(task.id).due_date == dt.date(2026, 5, 2)
    previous = service.launches.update(launch.id, launch_date="2026-07-01")
    assert service.tasks.get(task.id).due_date == dt.date(2026, 6, 1)
    assert service.tasks.get(fixed.id).due_date == dt.date(2026, 3, 1)
    service.launches.update(launch.id, **previous)  # what undo does: both move back
    assert service.tasks.get(task.id).due_date == dt.date(2026, 5, 2)
    assert service.due_changes(task.id, "2026-04-04") == {
        "due_date": dt.date(2026, 4, 4),
        "due_offset_days": None,
    }
    with pytest.raises(ValidationError):
        service.due_changes(task.id, "soon")


def test_readiness_figures_overdue_and_flag(service, product):
    launch = service.create_launch(product.id, "GA", LAUNCH, with_checklist=False)

    def task(function, status, due):
        return service.tasks.create(
            launch_id=launch.id, function=function, title="t", status=status, due_date=due
        ).id

    done = task(LaunchFunction.MARKETING, TaskStatus.DONE, "2026-05-01")
    late = task(LaunchFunction.MARKETING, TaskStatus.TODO, "2026-05-01")
    task(LaunchFunction.LEGAL, TaskStatus.NOT_APPLICABLE, "2026-05-01")
    later = task(LaunchFunction.SUPPORT, TaskStatus.IN_PROGRESS, "2026-07-01")
    before = service.readiness_of(launch.id, today=dt.date(2026, 5, 15))
    assert (before.overall.done, before.overall.counted) == (1, 3)
    assert list(before.per_function) == [LaunchFunction.MARKETING, LaunchFunction.SUPPORT]
    assert before.per_function[LaunchFunction.MARKETING].percent == 50
    assert before.overdue_ids == {late}
    assert not before.passed_with_open
    after = service.readiness_of(launch.id, today=dt.date(2026, 7, 2))
    assert after.overdue_ids == {late, later}
    assert after.passed_with_open
    assert done not in after.overdue_ids


def test_launch_lane_lists_every_task_by_due_date(service, product, workspace):
    other = workspace.service(PortfolioService).create_product(name="Other")
    service.create_launch(other.id, "Elsewhere", LAUNCH, tier=3)
    launch = service.create_launch(product.id, "GA", LAUNCH, with_checklist=False)
    b = service.tasks.create(
        launch_id=launch.id,
        function=LaunchFunction.SUPPORT,
        title="B",
        due_offset_days=-5,
        due_date="2026-05-27",
    )
    a = service.tasks.create(
        launch_id=launch.id,
        function=LaunchFunction.LEGAL,
        title="A & <b>",
        due_date="2026-05-01",
        status=TaskStatus.DONE,
    )
    lane = service.launch_lane(product.id)
    assert [(t.id, t.title, t.due, t.status, t.function) for t in lane] == [
        (a.id, "A & <b>", dt.date(2026, 5, 1), TaskStatus.DONE, LaunchFunction.LEGAL),
        (b.id, "B", dt.date(2026, 5, 27), TaskStatus.TODO, LaunchFunction.SUPPORT),
    ]


def test_launch_lane_orders_a_days_tasks_by_function_then_by_when_they_were_added(service, product):
    """Tasks due the same day stand in the checklist's order of functions (product before
    marketing before sales …), then in the order they were added; a task due relative to
    the launch ("L-3") on the day another is due by date stands among them."""
    launch = service.create_launch(product.id, "GA", LAUNCH, with_checklist=False)
    functions = list(LaunchFunction)
    day = LAUNCH - dt.timedelta(days=3)
    made = []
    for function in (functions[-1], functions[0], functions[-1], functions[1]):
        made.append(
            service.tasks.create(
                launch_id=launch.id, function=function, title=function.value, due_date=day
            ).id
        )
    relative = service.tasks.create(
        launch_id=launch.id,
        function=functions[0],
        title="relative",
        due_offset_days=-3,
        due_date=day,
    ).id
    lane = service.launch_lane(product.id)
    assert [t.id for t in lane] == [made[1], relative, made[3], made[0], made[2]]
    assert {t.due for t in lane} == {day}
