"""Services on a real file: validation, refusals that leave the file as it was, change notices."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pmdesk.core.enums import ItemKind, Stage
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.store.models import StagePeriod, StakeholderPosition
from pmdesk.store.services import (
    LaunchService,
    LifecycleService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Atlas", stage="Development")


@pytest.fixture
def roadmap(workspace, product):
    service = workspace.service(RoadmapService)
    lane = service.lanes.create(product_id=product.id, name="Platform")
    items = [
        service.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=name,
            start_date=dt.date(2027, 1, 1 + 7 * i),
            end_date=dt.date(2027, 1, 5 + 7 * i),
        )
        for i, name in enumerate(["Design", "Build", "Test", "Ship"])
    ]
    return service, lane, items


def _dump(ws: Workspace) -> dict[str, list]:
    """Every table but the history of edits (a restore is itself an edit it keeps)."""
    with ws.engine.connect() as conn:
        return {
            t: sorted(map(tuple, conn.exec_driver_sql(f'SELECT * FROM "{t}"').fetchall()), key=repr)
            for t in sa.inspect(conn).get_table_names()
            if t not in ("change_edit", "change_entry")
        }


def test_create_product_starts_its_lifecycle(workspace, product):
    assert product.stage is Stage.DEVELOPMENT
    periods = workspace.service(LifecycleService).periods_of(product.id)
    assert [(p.stage, p.left_on) for p in periods] == [(Stage.DEVELOPMENT, None)]


def test_duplicate_product_name_is_refused(workspace, product):
    with pytest.raises(ValidationError, match="already exists"):
        workspace.service(PortfolioService).create_product(name="atlas")


def test_stage_change_closes_the_open_period(workspace, product):
    portfolio = workspace.service(PortfolioService)
    with workspace.transaction() as uow:  # pretend the product entered Development last month
        period = uow.session.scalars(sa.select(StagePeriod)).one()
        period.entered_on = dt.date.today() - dt.timedelta(days=30)
    portfolio.products.update(product.id, stage="Go-to-Market")
    periods = workspace.service(LifecycleService).periods_of(product.id)
    assert [(p.stage, p.left_on) for p in periods] == [
        (Stage.DEVELOPMENT, dt.date.today()),
        (Stage.GO_TO_MARKET, None),
    ]


def test_update_returns_previous_values_and_coerces_text(workspace, roadmap):
    service, _lane, items = roadmap
    previous = service.items.update(items[0].id, start_date="2027-01-02", progress="40")
    assert previous == {"start_date": dt.date(2027, 1, 1), "progress": 0}
    assert service.items.get(items[0].id).progress == 40


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2026-12-01"}, "before the start date"),
        ({"progress": 150}, "outside 0 to 100"),
        ({"start_date": "next tuesday"}, "not a valid date"),
        ({"kind": "epic"}, "not one of"),
        ({"name": "  "}, "cannot be empty"),
        ({"colour": "red"}, "is not a field"),
    ],
)
def test_refused_updates_leave_the_file_unchanged(workspace, roadmap, changes, message):
    service, _lane, items = roadmap
    before = _dump(workspace)
    with pytest.raises(ValidationError, match=message):
        service.items.update(items[0].id, **changes)
    assert _dump(workspace) == before


def test_database_constraint_is_the_second_line(workspace, roadmap):
    """Even a write that skips the service rules cannot put a bad row in the file."""
    service, _lane, items = roadmap
    before = _dump(workspace)
    with pytest.raises(ValidationError, match="end_after_start"):
        with workspace.transaction() as uow:
            uow.session.execute(sa.text("UPDATE roadmap_item SET end_date = '2000-01-01'"))
    assert _dump(workspace) == before


def test_cycle_is_refused_naming_the_items(workspace, roadmap):
    service, _lane, (design, build, test, ship) = roadmap
    service.dependencies.create(predecessor_id=design.id, successor_id=build.id)
    service.dependencies.create(
        predecessor_id=build.id, successor_id=test.id, type="SS", lag_days=-2
    )
    with pytest.raises(ValidationError, match="Design → Build → Test → Design"):
        service.dependencies.create(predecessor_id=test.id, successor_id=design.id)
    assert len(service.dependencies_of(design.product_id)) == 2


def test_milestone_keeps_one_day(workspace, roadmap):
    service, lane, items = roadmap
    service.items.update(items[3].id, kind=ItemKind.MILESTONE)
    ship = service.items.get(items[3].id)
    assert ship.start_date == ship.end_date


def test_delete_and_restore_bring_back_everything(workspace, product, roadmap):
    service, lane, items = roadmap
    service.dependencies.create(predecessor_id=items[0].id, successor_id=items[1].id)
    requirements = workspace.service(RequirementService)
    req = requirements.requirements.create(
        product_id=product.id, title="Single sign-on & <SAML> 🚀"
    )
    requirements.link(req.id, items[0].id)
    requirements.customers.create(requirement_id=req.id, customer="Müller & Söhne", revenue=120000)
    before = _dump(workspace)
    snapshot = workspace.service(PortfolioService).products.delete(product.id)
    assert workspace.service(RoadmapService).items_of(product.id) == []
    workspace.service(PortfolioService).products.restore(snapshot)
    assert _dump(workspace) == before


def test_delete_restores_cleared_references(workspace, product):
    stakeholders = workspace.service(StakeholderService)
    launches = workspace.service(LaunchService)
    owner = stakeholders.stakeholders.create(
        product_id=product.id, name="Priya", power=8, interest=9
    )
    launch = launches.launches.create(product_id=product.id, name="GA", launch_date="2027-05-01")
    task = launches.tasks.create(
        launch_id=launch.id,
        function="marketing",
        title="Press kit",
        owner_id=owner.id,
        due_offset_days=-30,
    )
    snapshot = stakeholders.stakeholders.delete(owner.id)
    assert launches.tasks.get(task.id).owner_id is None
    stakeholders.stakeholders.restore(snapshot)
    assert launches.tasks.get(task.id).owner_id == owner.id


def test_missing_id_is_reported(workspace):
    with pytest.raises(NotFoundError, match="No roadmap item with id 99"):
        workspace.service(RoadmapService).items.update(99, name="x")


def test_relative_launch_tasks_follow_the_launch_date(workspace, product):
    launches = workspace.service(LaunchService)
    launch = launches.launches.create(product_id=product.id, name="GA", launch_date="2027-05-01")
    relative = launches.tasks.create(
        launch_id=launch.id,
        function="legal",
        title="Terms",
        due_offset_days=-30,
        due_date="2027-04-01",
    )
    fixed = launches.tasks.create(
        launch_id=launch.id, function="support", title="Train", due_date="2027-04-20"
    )
    previous = launches.launches.update(launch.id, launch_date="2027-06-01")
    assert previous == {"launch_date": dt.date(2027, 5, 1)}
    assert launches.tasks.get(relative.id).due_date == dt.date(2027, 5, 2)
    assert launches.tasks.get(fixed.id).due_date == dt.date(2027, 4, 20)


def test_stakeholder_moves_leave_a_trail(workspace, product):
    stakeholders = workspace.service(StakeholderService)
    person = stakeholders.stakeholders.create(
        product_id=product.id, name="Jonas", power=3, interest=4
    )
    stakeholders.stakeholders.update(person.id, role="CFO")  # not a move
    stakeholders.stakeholders.update(person.id, power=7)
    trail = stakeholders.history(person.id)
    assert [(p.power, p.interest) for p in trail] == [(3, 4), (7, 4)]
    with workspace.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(StakeholderPosition)) == 2


def test_change_notices_name_kinds_and_ids(workspace, roadmap):
    service, lane, items = roadmap
    seen = []
    workspace.changes.subscribe(seen.append)
    service.items.update(items[1].id, name="Build it")
    service.items.delete([items[2].id, items[3].id])
    assert seen[0].ids("roadmap_item", "update") == {items[1].id}
    assert seen[1].ids("roadmap_item", "delete") == {items[2].id, items[3].id}


def test_baseline_records_current_dates(workspace, product, roadmap):
    service, lane, items = roadmap
    first = service.set_baseline(product.id, "Plan of record")
    service.items.update(items[0].id, end_date="2027-01-20")
    second = service.set_baseline(product.id, "Re-plan")
    assert service.baseline_dates(first.id)[items[0].id] == (
        dt.date(2027, 1, 1),
        dt.date(2027, 1, 5),
    )
    assert service.baseline_dates(second.id)[items[0].id][1] == dt.date(2027, 1, 20)
    assert [b.is_active for b in service.baselines_of(product.id)] == [False, True]


def test_setting_a_baseline_tells_what_it_changed(workspace, product, roadmap):
    """The new baseline, its entries by their own key, and the one it replaced as compared."""
    service, _lane, items = roadmap
    first = service.set_baseline(product.id, "Plan of record")
    seen = []
    workspace.changes.subscribe(seen.append)
    second = service.set_baseline(product.id, "Re-plan")
    (changes,) = seen
    assert changes.ids("baseline", "insert") == {second.id}
    assert changes.ids("baseline", "update") == {first.id}
    assert changes.ids("baseline_entry", "insert") == {(second.id, i.id) for i in items}
    assert service.baselines.get(first.id).row_version == 2


def test_revenue_at_stake_adds_up_across_customers(workspace, product):
    requirements = workspace.service(RequirementService)
    req = requirements.requirements.create(product_id=product.id, title="Audit log")
    for name, revenue in [("Acme", 50000), ("Globex", 25000.5)]:
        requirements.customers.create(requirement_id=req.id, customer=name, revenue=revenue)
    assert requirements.revenue_by_requirement(product.id) == {req.id: (2, 75000.5)}


def test_update_many_is_one_step_and_all_or_nothing(workspace, roadmap):
    service, _lane, items = roadmap
    before = _dump(workspace)
    with pytest.raises(ValidationError, match="before the start date"):
        service.items.update_many(
            {
                items[0].id: {"start_date": "2027-02-01", "end_date": "2027-02-05"},
                items[1].id: {"end_date": "2026-01-01"},
            }
        )
    assert _dump(workspace) == before
    previous = service.items.update_many(
        {
            items[0].id: {"start_date": "2027-02-01", "end_date": "2027-02-05"},
            items[1].id: {"progress": 10},
        }
    )
    service.items.update_many(previous)
    after = {i.id: i.to_dict() for i in service.items_of(items[0].product_id)}
    for item in items:
        restored = after[item.id]
        assert restored.pop("row_version") >= item.row_version
        assert restored == {k: v for k, v in item.to_dict().items() if k != "row_version"}


def test_changing_a_dependency_end_cannot_close_a_cycle(workspace, roadmap):
    service, _lane, (design, build, test, _ship) = roadmap
    service.dependencies.create(predecessor_id=design.id, successor_id=build.id)
    link = service.dependencies.create(predecessor_id=build.id, successor_id=test.id)
    with pytest.raises(ValidationError, match="cycle"):
        service.dependencies.update(link.id, successor_id=design.id)


def test_reschedule_successors_moves_violating_items_in_one_step(workspace, product, roadmap):
    service, _lane, (design, build, test, ship) = roadmap
    service.dependencies.create(predecessor_id=design.id, successor_id=build.id)
    service.items.update(design.id, end_date="2027-01-10")  # now overlaps Build (starts 01-08)
    (violation,) = service.violations_of(product.id)
    assert violation.days == 3
    previous = service.reschedule_successors(product.id)
    moved = service.items.get(build.id)
    # Build ran Friday to Tuesday: 3 working days of the standard calendar, which it keeps.
    assert (moved.start_date, moved.end_date) == (dt.date(2027, 1, 11), dt.date(2027, 1, 13))
    assert service.violations_of(product.id) == []
    service.items.update_many(previous)
    assert service.items.get(build.id).start_date == dt.date(2027, 1, 8)


def test_schedule_of_reports_the_critical_path(workspace, product, roadmap):
    service, _lane, (design, build, test, ship) = roadmap
    service.dependencies.create(predecessor_id=design.id, successor_id=build.id)
    service.dependencies.create(predecessor_id=build.id, successor_id=ship.id)
    plan = service.schedule_of(product.id)
    assert ship.id in plan.critical_path()
    assert plan.timings[test.id].total_float > 0
