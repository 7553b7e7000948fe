"""The demo portfolio and the large-workspace generator, checked on real files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core.enums import (
    Attitude,
    DependencyType,
    EliminationStatus,
    GateDecision,
    ItemKind,
    ItemStatus,
    LaunchFunction,
    MetricKind,
    MoSCoW,
    Quadrant,
    RaciActivity,
    RaciRole,
    Stage,
    TaskStatus,
    Touchpoint,
)
from pmdesk.core.errors import PmdeskError
from pmdesk.core.graph import cycle_if_added
from pmdesk.core.scheduling import Link, task_from_dates, violations
from pmdesk.core.scoring import RICE_IMPACT_SCALE
from pmdesk.core.stakeholders import quadrant
from pmdesk.store.demo import DemoDates, add_months, create_demo
from pmdesk.store.generate import create_large
from pmdesk.store.models import (
    CanvasBoard,
    CanvasNote,
    Dependency,
    Lane,
    RaciAssignment,
    RequirementCustomer,
    RequirementItemLink,
    RoadmapItem,
)
from pmdesk.store.services import (
    CanvasService,
    LaunchService,
    LifecycleService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 17)
PRODUCT_CANVAS_BLOCKS = {
    "target_customers",
    "problems",
    "value_proposition",
    "key_features",
    "differentiation",
    "positioning",
    "price",
    "channels",
    "promotion",
    "goals_kpis",
    "risks_assumptions",
}
LEAN_CANVAS_BLOCKS = {
    "problem",
    "solution",
    "key_metrics",
    "unique_value_proposition",
    "unfair_advantage",
    "channels",
    "customer_segments",
    "cost_structure",
    "revenue_streams",
}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk", today=TODAY)


@pytest.fixture(scope="module")
def ws(demo_path: Path):
    workspace = Workspace.open(demo_path, read_only=True)
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def products(ws) -> dict[str, object]:
    """The three products by their situation: launching, healthy, declining."""
    found = ws.service(PortfolioService).list_products()
    developing = [p for p in found if p.stage is Stage.DEVELOPMENT]
    in_life = [p for p in found if p.stage is Stage.IN_LIFE]
    assert len(found) == 3 and len(developing) == 1 and len(in_life) == 2
    declining = [p for p in in_life if p.elimination_flag]
    healthy = [p for p in in_life if not p.elimination_flag]
    assert len(declining) == len(healthy) == 1
    return {"launching": developing[0], "healthy": healthy[0], "declining": declining[0]}


def _series(ws, product, kind: MetricKind) -> list[float]:
    lifecycle = ws.service(LifecycleService)
    (metric,) = [m for m in lifecycle.metrics_of(product.id) if m.kind is kind]
    return [v.value for v in lifecycle.values_of(metric.id)]


def _is_acyclic(edges: list[tuple[int, int]]) -> bool:
    return all(
        cycle_if_added(edges[:n] + edges[n + 1 :], edge) is None for n, edge in enumerate(edges)
    )


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, without the columns that record when the file was made."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        dump = {}
        for table in sa.inspect(conn).get_table_names():
            columns = [
                c["name"] for c in sa.inspect(conn).get_columns(table) if c["name"] != "created_at"
            ]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = conn.exec_driver_sql(f'SELECT {names} FROM "{table}"').fetchall()
            dump[table] = sorted(map(tuple, rows), key=repr)
    engine.dispose()
    return dump


def test_the_demo_file_is_sound(ws):
    report = ws.check()
    assert report.ok, report.integrity
    assert report.counts["product"] == 3


def test_the_portfolio_has_a_launch_a_success_and_a_candidate_for_elimination(ws, products):
    lifecycle = ws.service(LifecycleService)
    assert not lifecycle.eliminations_of(products["healthy"].id)
    (review,) = lifecycle.eliminations_of(products["declining"].id)
    assert review.status is EliminationStatus.OPEN and review.strategy is None
    assert 2 <= len(lifecycle.actions_of(review.id)) <= 3
    assert review.revenue_lost_per_year > review.margin_lost_per_year > 0
    assert review.customers_affected > 0 and review.triggers
    assert products["declining"].elimination_flag_reason
    assert ws.service(LaunchService).launches_of(products["launching"].id)


def test_the_declining_product_really_declines(ws, products):
    declining = products["declining"]
    revenue = _series(ws, declining, MetricKind.REVENUE)
    assert len(revenue) == 24
    last_seven = revenue[-7:]
    assert all(a > b for a, b in pairwise(last_seven)), last_seven
    assert revenue[-1] < 0.8 * revenue[-13]
    assert _series(ws, declining, MetricKind.MARGIN)[-1] < 15
    share = _series(ws, declining, MetricKind.MARKET_SHARE)
    assert share[-1] < share[-7] < share[0]


def test_the_healthy_product_grows_on_target(ws, products):
    healthy = products["healthy"]
    revenue = _series(ws, healthy, MetricKind.REVENUE)
    units = _series(ws, healthy, MetricKind.UNITS)
    assert sum(revenue[-6:]) > 1.1 * sum(revenue[:6])
    assert sum(units[-6:]) > sum(units[:6])
    (margin,) = [
        m
        for m in ws.service(LifecycleService).metrics_of(healthy.id)
        if m.kind is MetricKind.MARGIN
    ]
    assert margin.target is not None
    assert min(_series(ws, healthy, MetricKind.MARGIN)[-6:]) >= margin.target


def test_in_life_products_have_two_years_of_monthly_metrics(ws, products):
    lifecycle = ws.service(LifecycleService)
    last_month = add_months(TODAY.replace(day=1), -1)
    for product in (products["healthy"], products["declining"]):
        metrics = lifecycle.metrics_of(product.id)
        kinds = {m.kind for m in metrics}
        assert {
            MetricKind.REVENUE,
            MetricKind.UNITS,
            MetricKind.MARGIN,
            MetricKind.MARKET_SHARE,
            MetricKind.MARKET_GROWTH,
            MetricKind.KPI,
        } <= kinds
        assert any(m.kind is MetricKind.KPI and m.target is not None for m in metrics)
        for metric in metrics:
            periods = [v.period for v in lifecycle.values_of(metric.id)]
            assert periods == [add_months(last_month, n - 23) for n in range(24)], metric.name
    launching = lifecycle.metrics_of(products["launching"].id)
    assert launching and all(0 < len(lifecycle.values_of(m.id)) <= 6 for m in launching)


def test_the_launch_is_a_few_months_ahead_with_a_full_plan(ws, products):
    service = ws.service(LaunchService)
    (launch,) = service.launches_of(products["launching"].id)
    assert 90 <= (launch.launch_date - TODAY).days <= 140
    assert launch.tier == 1
    for field in (
        "pos_target",
        "pos_need",
        "pos_category",
        "pos_benefit",
        "pos_alternative",
        "pos_differentiator",
        "segments",
        "price",
        "channels",
        "success_metrics",
    ):
        assert getattr(launch, field).strip(), field
    by_audience = Counter(m.audience for m in service.messages_of(launch.id))
    assert len(by_audience) >= 3 and all(4 <= n <= 5 for n in by_audience.values())
    milestones = ws.service(RoadmapService).items_of(products["launching"].id)
    assert any(
        i.kind is ItemKind.MILESTONE and i.start_date == launch.launch_date for i in milestones
    )


def test_launch_tasks_cover_every_function_with_owners_and_due_dates(ws, products):
    launching = products["launching"]
    (launch,) = ws.service(LaunchService).launches_of(launching.id)
    tasks = ws.service(LaunchService).tasks_of(launch.id)
    assert 28 <= len(tasks) <= 34
    assert {t.function for t in tasks} == set(LaunchFunction)
    people = {s.id for s in ws.service(StakeholderService).stakeholders_of(launching.id)}
    assert all(t.owner_id in people for t in tasks)
    relative = [t for t in tasks if t.due_offset_days is not None]
    assert relative and len(relative) < len(tasks)
    assert all(
        t.due_date == launch.launch_date + dt.timedelta(days=t.due_offset_days) for t in relative
    )
    assert {-60, -30, -7} <= {t.due_offset_days for t in relative}
    open_statuses = {TaskStatus.TODO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED}
    overdue = [t for t in tasks if t.due_date < TODAY and t.status in open_statuses]
    assert len(overdue) == 1
    statuses = Counter(t.status for t in tasks)
    assert statuses[TaskStatus.DONE] >= 3 and statuses[TaskStatus.IN_PROGRESS] >= 3


def test_raci_has_one_accountable_and_a_responsible_per_activity(ws, products):
    launching = products["launching"]
    assignments = ws.service(StakeholderService).raci_of(launching.id)
    (launch,) = ws.service(LaunchService).launches_of(launching.id)
    activities = {
        (RaciActivity.LAUNCH_TASK, t.id) for t in ws.service(LaunchService).tasks_of(launch.id)
    }
    activities.add((RaciActivity.SPEC_SIGNOFF, None))
    roles: dict[tuple, Counter] = {a: Counter() for a in activities}
    for a in assignments:
        roles[(a.activity, a.launch_task_id)][a.role] += 1
    for activity, counted in roles.items():
        assert counted[RaciRole.ACCOUNTABLE] == 1, activity
        assert counted[RaciRole.RESPONSIBLE] >= 1, activity


def test_stakeholders_fill_the_map(ws, products):
    service = ws.service(StakeholderService)
    people = [s for p in products.values() for s in service.stakeholders_of(p.id)]
    assert 13 <= len(people) <= 17
    assert len(service.stakeholders_of(products["launching"].id)) > len(people) / 2
    assert {quadrant(s.power, s.interest) for s in people} == set(Quadrant)
    assert {s.attitude for s in people} == set(Attitude)
    departments = {s.department for s in people}
    assert departments <= {t.label for t in Touchpoint} and len(departments) >= 9
    assert 2 <= sum(s.desired_power is not None for s in people) < len(people)
    assert all(s.comm_channel and s.next_contact for s in people)
    assert any(s.next_contact < TODAY for s in people)
    assert any(TODAY <= s.next_contact <= TODAY + dt.timedelta(days=14) for s in people)
    year_ago = dt.datetime.combine(TODAY - dt.timedelta(days=380), dt.time())
    for person in people:
        trail = service.history(person.id)
        assert 3 <= len(trail) <= 5
        assert all(year_ago < p.recorded_at < dt.datetime.combine(TODAY, dt.time()) for p in trail)
        assert (trail[-1].power, trail[-1].interest) == (person.power, person.interest)


def test_the_roadmap_of_the_launching_product(ws, products):
    roadmap = ws.service(RoadmapService)
    launching = products["launching"]
    items = roadmap.items_of(launching.id)
    assert 55 <= len(items) <= 65
    assert len(roadmap.lanes_of(launching.id)) == 4
    assert {i.kind for i in items} == set(ItemKind)
    assert min(i.start_date for i in items) < TODAY - dt.timedelta(days=150)
    assert max(i.end_date for i in items) > TODAY + dt.timedelta(days=300)
    as_of = DemoDates.for_today(TODAY).as_of
    for item in items:
        if item.end_date < as_of:
            assert (item.progress, item.status) == (100, ItemStatus.DONE), item.name
        elif item.start_date > as_of:
            assert (item.progress, item.status) == (0, ItemStatus.PLANNED), item.name
    assert any(0 < i.progress < 100 for i in items)
    for product in products.values():
        assert roadmap.lanes_of(product.id) and roadmap.items_of(product.id)


def test_dependencies_are_acyclic_and_kept_by_the_dates(ws, products):
    roadmap = ws.service(RoadmapService)
    launching = products["launching"]
    deps = roadmap.dependencies_of(launching.id)
    assert 35 <= len(deps)
    assert _is_acyclic([(d.predecessor_id, d.successor_id) for d in deps])
    types = Counter(d.type for d in deps)
    assert types.most_common(1)[0][0] is DependencyType.FINISH_TO_START
    assert types[DependencyType.START_TO_START] and types[DependencyType.FINISH_TO_FINISH]
    assert any(d.lag_days > 0 for d in deps) and any(d.lag_days < 0 for d in deps)
    for product in products.values():
        items = roadmap.items_of(product.id)
        tasks = [
            task_from_dates(i.id, i.start_date, i.end_date, i.kind is ItemKind.MILESTONE)
            for i in items
        ]
        links = [
            Link(d.predecessor_id, d.successor_id, d.type, d.lag_days)
            for d in roadmap.dependencies_of(product.id)
        ]
        assert violations(tasks, links) == [], product.name


def test_a_baseline_from_months_ago_shows_slips(ws, products):
    roadmap = ws.service(RoadmapService)
    launching = products["launching"]
    (baseline,) = roadmap.baselines_of(launching.id)
    assert baseline.is_active and baseline.created_at.date() < TODAY - dt.timedelta(days=60)
    planned = roadmap.baseline_dates(baseline.id)
    items = roadmap.items_of(launching.id)
    assert set(planned) == {i.id for i in items}
    slipped = [i for i in items if planned[i.id][1] < i.end_date]
    assert 3 <= len(slipped) <= 10


def test_requirements_are_scored_and_traced(ws, products):
    service = ws.service(RequirementService)
    everything = [r for p in products.values() for r in service.requirements_of(p.id)]
    launching = service.requirements_of(products["launching"].id)
    assert 35 <= len(everything) <= 45 and len(launching) >= 30
    assert {r.moscow for r in everything} == set(MoSCoW)
    assert len({r.status for r in everything}) >= 4 and len({r.source for r in everything}) == 5
    for r in everything:
        assert r.impact in RICE_IMPACT_SCALE and 0 <= r.confidence <= 100 and r.effort > 0
        assert r.acceptance_criteria and all(
            c.startswith("Given") and " when " in c and " then " in c for c in r.acceptance_criteria
        ), r.title
        if r.kind == "user_story":
            assert r.story_role and r.story_goal and r.story_benefit
    revenue = service.revenue_by_requirement(products["launching"].id)
    for r in launching:
        if r.source in ("sales", "customer"):
            assert revenue.get(r.id, (0, 0))[1] > 0, r.title
    assert len({r.ref for r in launching}) == len(launching)
    assert sum(bool(service.linked_items(r.id)) for r in launching) >= 30


def test_canvases_fill_their_template_blocks(ws, products):
    canvas = ws.service(CanvasService)
    for product in products.values():
        boards = canvas.boards_of(product.id)
        assert "product_canvas" in {b.template for b in boards}
        for board in boards:
            notes = canvas.notes_of_board(board.id)
            blocks = {n.block for n in notes}
            expected = (
                LEAN_CANVAS_BLOCKS if board.template == "lean_canvas" else PRODUCT_CANVAS_BLOCKS
            )
            assert blocks == expected, board.name
            assert len({n.colour for n in notes}) >= 3
    boards = canvas.boards_of(products["launching"].id)
    assert {b.template for b in boards} >= {"product_canvas", "lean_canvas"}
    assert sum(n.votes for n in canvas.notes_of_product(products["launching"].id)) > 20


def test_lifecycles_and_gates_agree(ws, products):
    lifecycle = ws.service(LifecycleService)
    decisions = Counter()
    for product in products.values():
        periods = lifecycle.periods_of(product.id)
        assert periods[-1].stage is product.stage and periods[-1].left_on is None
        assert all(a.left_on == b.entered_on for a, b in pairwise(periods))
        gates = lifecycle.gates_of(product.id)
        assert gates and all(g.criteria and g.rationale and g.decided_by_name for g in gates)
        moves = [
            g.decided_on for g in gates if g.decision in (GateDecision.GO, GateDecision.RECYCLE)
        ]
        assert moves == [p.left_on for p in periods[:-1]]
        decisions.update(g.decision for g in gates)
    assert decisions[GateDecision.HOLD] >= 1 and decisions[GateDecision.RECYCLE] >= 1
    portfolio = ws.service(PortfolioService)
    for product in products.values():
        assert 5 <= len(portfolio.risks_of(product.id)) <= 8
        assert product.tagline and product.vision and product.goals and product.owner
    assert 3 <= len(portfolio.revisions_of(products["launching"].id)) <= 4


def test_text_with_markup_characters_and_emoji_survives(ws):
    with ws.read() as session:
        customers = set(session.scalars(sa.select(RequirementCustomer.customer)))
        notes = set(session.scalars(sa.select(CanvasNote.text)))
    assert "Müller & Söhne GmbH" in customers
    assert "Faster setup < 5 min 🚀" in notes


def test_the_same_day_gives_the_same_demo(tmp_path):
    first = create_demo(tmp_path / "a.pmdesk", today=TODAY)
    second = create_demo(tmp_path / "b.pmdesk", today=TODAY.replace(day=2))
    assert _dump(first) == _dump(second)


def test_the_demo_moves_with_the_month(tmp_path):
    later = dt.date(2027, 8, 30)
    with Workspace.open(create_demo(tmp_path / "later.pmdesk", today=later)) as ws:
        (product,) = [
            p for p in ws.service(PortfolioService).list_products() if p.stage is Stage.DEVELOPMENT
        ]
        (launch,) = ws.service(LaunchService).launches_of(product.id)
        assert 90 <= (launch.launch_date - later).days <= 140
        assert ws.check().ok


def test_an_existing_file_is_never_overwritten(tmp_path):
    target = tmp_path / "mine.pmdesk"
    target.write_bytes(b"precious")
    with pytest.raises(PmdeskError, match="already exists"):
        create_demo(target, today=TODAY)
    assert target.read_bytes() == b"precious"
    with pytest.raises(PmdeskError, match="already exists"):
        create_large(target, items=10, dependencies=5, lanes=2)
    assert target.read_bytes() == b"precious"


def test_create_large_makes_an_acyclic_roadmap(tmp_path):
    path = create_large(
        tmp_path / "large.pmdesk", items=500, dependencies=400, lanes=7, seed=3, today=TODAY
    )
    with Workspace.open(path, read_only=True) as ws:
        assert ws.check().ok
        with ws.read() as session:
            edges = session.execute(
                sa.select(Dependency.predecessor_id, Dependency.successor_id)
            ).all()
            lanes_used = set(session.scalars(sa.select(RoadmapItem.lane_id)))
            lanes = set(session.scalars(sa.select(Lane.id)))
            assert session.scalar(sa.select(sa.func.count()).select_from(RoadmapItem)) == 500
        assert len(edges) == len(set(edges)) == 400
        assert _is_acyclic([tuple(e) for e in edges])
        assert lanes_used == lanes and len(lanes) == 7
        roadmap = ws.service(RoadmapService)
        (product,) = ws.service(PortfolioService).list_products()
        assert len(roadmap.schedule_of(product.id).order) == 500


def test_create_large_is_reproducible_and_refuses_impossible_sizes(tmp_path):
    first = create_large(
        tmp_path / "a.pmdesk", items=60, dependencies=80, lanes=3, seed=9, today=TODAY
    )
    second = create_large(
        tmp_path / "b.pmdesk", items=60, dependencies=80, lanes=3, seed=9, today=TODAY
    )
    assert _dump(first) == _dump(second)
    with pytest.raises(ValueError, match="at most"):
        create_large(tmp_path / "c.pmdesk", items=4, dependencies=7, lanes=1)
    assert not (tmp_path / "c.pmdesk").exists()


def test_tables_the_demo_leaves_empty_are_only_the_workshop_ones(ws):
    counts = ws.check().counts
    empty = {table for table, n in counts.items() if n == 0}
    # Workshop votes, and what-if scenarios: a branch of the plan is made by a person.
    assert empty <= {"vote_round", "vote", "note_requirement_link", "what_if"}
    assert counts["note_item_link"] > 0
    with ws.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RequirementItemLink)) > 30
        assert session.scalar(sa.select(sa.func.count()).select_from(RaciAssignment)) > 60
        assert session.scalar(sa.select(sa.func.count()).select_from(CanvasBoard)) == 4
