"""Gate reviews that move the product, metric upserts, elimination rules and milestones."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from pmdesk.core.enums import GateDecision, ItemKind, LaneKind, MetricKind, Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.lifecycle import EliminationRules
from pmdesk.store.models import RoadmapItem
from pmdesk.store.services import LifecycleService, PortfolioService, RoadmapService
from pmdesk.store.services.portfolio import portfolio_overview

TODAY = dt.date.today()  # taken again as each test starts (today_at_each_test)
pytestmark = pytest.mark.usefixtures("today_at_each_test")
TRICKY = 'Dana <PM> & "Ops" 🚀'


def _product(ws, stage: str = "Analysis", entered_days_ago: int = 30) -> int:
    portfolio = ws.service(PortfolioService)
    product = portfolio.create_product(name="Atlas", stage=stage)
    lifecycle = ws.service(LifecycleService)
    period = lifecycle.periods_of(product.id)[0]
    lifecycle.periods.update(period.id, entered_on=TODAY - dt.timedelta(days=entered_days_ago))
    return product.id


def _state(ws, product_id: int):
    lifecycle = ws.service(LifecycleService)
    stage = ws.service(PortfolioService).products.get(product_id).stage
    periods = [(p.id, p.stage, p.entered_on, p.left_on) for p in lifecycle.periods_of(product_id)]
    gates = [(g.id, g.decision) for g in lifecycle.gates_of(product_id)]
    return stage, periods, gates


def test_go_moves_to_the_next_stage_and_undo_is_exact(workspace) -> None:
    pid = _product(workspace)
    lifecycle = workspace.service(LifecycleService)
    before = _state(workspace, pid)
    day = TODAY - dt.timedelta(days=2)
    journal = lifecycle.record_gate(
        pid,
        GateDecision.GO,
        decided_on=day,
        decided_by_name=TRICKY,
        rationale=TRICKY,
        criteria=[{"text": "Market need validated with customers", "met": True}],
    )
    stage, periods, gates = _state(workspace, pid)
    assert stage is Stage.DEVELOPMENT
    assert [(p[1], p[3]) for p in periods] == [(Stage.ANALYSIS, day), (Stage.DEVELOPMENT, None)]
    review = lifecycle.gates.get(journal.entity_id)
    assert (review.stage, review.decided_by_name, review.rationale) == (
        Stage.ANALYSIS,
        TRICKY,
        TRICKY,
    )
    after = _state(workspace, pid)
    lifecycle.revert(journal)
    assert _state(workspace, pid) == before
    lifecycle.replay(journal)
    assert _state(workspace, pid) == after  # the very same ids come back


@pytest.mark.parametrize(
    ("decision", "recycle_to", "expected"),
    [
        (GateDecision.HOLD, None, Stage.IN_LIFE),
        (GateDecision.KILL, None, Stage.END_OF_LIFE),
        (GateDecision.RECYCLE, Stage.ANALYSIS, Stage.ANALYSIS),
    ],
)
def test_other_decisions(workspace, decision, recycle_to, expected) -> None:
    pid = _product(workspace, "In-life")
    lifecycle = workspace.service(LifecycleService)
    lifecycle.record_gate(
        pid, decision, decided_on=TODAY, recycle_to=recycle_to, decided_by_name="Dana"
    )
    stage, periods, gates = _state(workspace, pid)
    assert stage is expected
    assert len(gates) == 1
    assert len(periods) == (1 if decision is GateDecision.HOLD else 2)


def test_refused_reviews_change_nothing(workspace) -> None:
    pid = _product(workspace, entered_days_ago=10)
    lifecycle = workspace.service(LifecycleService)
    before = _state(workspace, pid)
    with pytest.raises(ValidationError, match="future"):
        lifecycle.record_gate(
            pid, "go", decided_on=TODAY + dt.timedelta(days=1), decided_by_name="Dana"
        )
    with pytest.raises(ValidationError, match="on or after"):
        lifecycle.record_gate(
            pid, "go", decided_on=TODAY - dt.timedelta(days=11), decided_by_name="Dana"
        )
    with pytest.raises(ValidationError):  # no stage to go back to
        lifecycle.record_gate(pid, "recycle", decided_on=TODAY, decided_by_name="Dana")
    assert _state(workspace, pid) == before


UNMET = [
    {"text": "Market need validated with customers", "met": True},
    {"text": "Pilot customer named", "met": False},
]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"decided_by_name": "  "}, "decided by"),  # nobody owns the decision
        ({"decided_by_name": "Dana", "criteria": UNMET}, "go despite unmet criteria"),
        (
            {
                "decided_by_name": "Dana",
                "criteria": UNMET,
                "go_despite_unmet": True,
                "rationale": " ",
            },
            "rationale",
        ),  # an exception without a reason
    ],
)
def test_a_gate_cannot_be_waved_through(workspace, fields, field) -> None:
    pid = _product(workspace)
    lifecycle = workspace.service(LifecycleService)
    before = _state(workspace, pid)
    with pytest.raises(ValidationError) as refused:
        lifecycle.record_gate(pid, "go", decided_on=TODAY, **fields)
    assert refused.value.field == field
    assert _state(workspace, pid) == before


def test_a_go_despite_unmet_criteria_with_a_reason_is_recorded(workspace) -> None:
    pid = _product(workspace)
    lifecycle = workspace.service(LifecycleService)
    lifecycle.record_gate(
        pid,
        "go",
        decided_on=TODAY,
        decided_by_name="Dana",
        criteria=UNMET,
        go_despite_unmet=True,
        rationale="Pilot signs next week",
    )
    assert _state(workspace, pid)[0] is Stage.DEVELOPMENT
    lifecycle.record_gate(
        pid, "hold", decided_on=TODAY, decided_by_name="Dana", criteria=UNMET
    )  # only a Go needs the criteria met
    assert [g[1] for g in _state(workspace, pid)[2]] == [GateDecision.GO, GateDecision.HOLD]


def test_a_new_product_keeps_its_first_stage_after_a_same_day_gate(workspace) -> None:
    """Created today and through its first gate today: Innovation is still part of its life."""
    portfolio = workspace.service(PortfolioService)
    pid = portfolio.create_product(name="Nova").id
    lifecycle = workspace.service(LifecycleService)
    assert [(p.stage, p.entered_on, p.left_on) for p in lifecycle.periods_of(pid)] == [
        (Stage.INNOVATION, TODAY, None)
    ]
    journal = lifecycle.record_gate(pid, "go", decided_on=TODAY, decided_by_name="Dana")
    assert [(p.stage, p.entered_on, p.left_on) for p in lifecycle.periods_of(pid)] == [
        (Stage.INNOVATION, TODAY, TODAY),
        (Stage.ANALYSIS, TODAY, None),
    ]
    lifecycle.revert(journal)
    assert [(p.stage, p.left_on) for p in lifecycle.periods_of(pid)] == [(Stage.INNOVATION, None)]


def test_a_product_from_an_older_file_without_stage_record_passes_its_gate(workspace) -> None:
    pid = _product(workspace)
    lifecycle = workspace.service(LifecycleService)
    for period in lifecycle.periods_of(pid):
        lifecycle.periods.delete(period.id)
    lifecycle.record_gate(pid, "go", decided_on=TODAY, decided_by_name="Dana")
    assert [(p.stage, p.left_on) for p in lifecycle.periods_of(pid)] == [(Stage.DEVELOPMENT, None)]


def test_upsert_values_adds_and_updates_in_one_step(workspace) -> None:
    pid = _product(workspace)
    lifecycle = workspace.service(LifecycleService)
    metric = lifecycle.metrics.create(product_id=pid, name="Revenue", kind=MetricKind.REVENUE)
    lifecycle.values.create(metric_id=metric.id, period="2024-01-01", value=1.0, target=5.0)
    journal = lifecycle.upsert_values(
        metric.id,
        [
            {"period": "2024-01-15", "value": "2"},  # the month of an existing value
            {"period": dt.date(2024, 2, 1), "value": 3.0, "target": 4.0},
        ],
    )
    values = [(v.period, v.value, v.target) for v in lifecycle.values_of(metric.id)]
    assert values == [(dt.date(2024, 1, 1), 2.0, 5.0), (dt.date(2024, 2, 1), 3.0, 4.0)]
    lifecycle.revert(journal)
    assert [(v.period, v.value) for v in lifecycle.values_of(metric.id)] == [
        (dt.date(2024, 1, 1), 1.0)
    ]
    with pytest.raises(ValidationError):
        lifecycle.upsert_values(metric.id, [{"period": "2024-03-01", "value": "lots"}])
    assert len(lifecycle.values_of(metric.id)) == 1


def _series(ws, pid: int, kind: MetricKind, values: list[float]) -> None:
    lifecycle = ws.service(LifecycleService)
    metric = lifecycle.metrics.create(product_id=pid, name=kind.label, kind=kind)
    lifecycle.upsert_values(
        metric.id, [{"period": dt.date(2024, 1 + n, 1), "value": v} for n, v in enumerate(values)]
    )


def test_candidates_follow_the_stored_rules(workspace) -> None:
    pid = _product(workspace, "In-life")
    _series(workspace, pid, MetricKind.REVENUE, [100, 98, 96, 95])
    _series(workspace, pid, MetricKind.MARGIN, [20, 19, 18, 17])
    lifecycle = workspace.service(LifecycleService)
    assert [t.rule for t in lifecycle.candidates()[pid]] == ["revenue_falling"]
    journal = lifecycle.set_elimination_rules(EliminationRules(4, 18.0, 6))
    assert lifecycle.elimination_rules() == EliminationRules(4, 18.0, 6)
    assert [t.rule for t in lifecycle.candidates()[pid]] == ["margin_below"]
    lifecycle.revert(journal)
    assert lifecycle.elimination_rules() == EliminationRules()
    workspace.service(PortfolioService).products.update(
        pid, elimination_flag=True, elimination_flag_reason=TRICKY
    )
    assert lifecycle.triggers_of(pid)[-1].detail == TRICKY


def _milestones(ws, pid: int) -> list[tuple[str, dt.date, str]]:
    roadmap = ws.service(RoadmapService)
    items = roadmap.items.list(
        RoadmapItem.product_id == pid, RoadmapItem.kind == ItemKind.MILESTONE
    )
    return [(i.name, i.start_date, roadmap.lanes.get(i.lane_id).name) for i in items]


def test_elimination_dates_are_roadmap_milestones(workspace) -> None:
    pid = _product(workspace, "In-life")
    lifecycle = workspace.service(LifecycleService)
    review_id = lifecycle.open_elimination(pid).entity_id
    sale, support = dt.date(2027, 3, 31), dt.date(2028, 3, 31)
    first = lifecycle.update_elimination(
        review_id, strategy="Phase-out", end_of_sale=sale, end_of_support=support
    )
    assert _milestones(workspace, pid) == [
        ("End of sale", sale, "Lifecycle"),
        ("End of support", support, "Lifecycle"),
    ]
    lane = workspace.service(RoadmapService).lanes.list()[0]
    assert lane.kind is LaneKind.LAUNCH
    later = dt.date(2027, 6, 30)
    moved = lifecycle.update_elimination(review_id, end_of_sale=later)
    assert _milestones(workspace, pid)[0][:2] == ("End of sale", later)
    cleared = lifecycle.update_elimination(review_id, end_of_support=None)
    assert [m[0] for m in _milestones(workspace, pid)] == ["End of sale"]
    with pytest.raises(ValidationError):
        lifecycle.update_elimination(review_id, end_of_support=dt.date(2020, 1, 1))
    for journal in (cleared, moved, first):
        lifecycle.revert(journal)
    assert _milestones(workspace, pid) == []
    assert workspace.service(RoadmapService).lanes.count() == 0
    lifecycle.replay(first)
    assert len(_milestones(workspace, pid)) == 2


def test_overview_gathers_health_revenue_and_flags(workspace) -> None:
    pid = _product(workspace, "In-life")
    _series(workspace, pid, MetricKind.REVENUE, [100, 98, 96, 95])
    lifecycle = workspace.service(LifecycleService)
    nps = lifecycle.metrics.create(product_id=pid, name="NPS <score>", kind="kpi", target=40)
    lifecycle.upsert_values(nps.id, [{"period": "2024-01-01", "value": 20}])
    (row,) = portfolio_overview(workspace)
    assert row.revenue == [100, 98, 96, 95]
    assert row.health.colour == "red"
    assert "NPS <score>" in row.health.reason
    assert row.flagged
    with workspace.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(RoadmapItem)) == 0


# -- elimination milestones held by key ------------------------------------------------------


def _review_with_sale(ws, sale: dt.date = dt.date(2027, 3, 31)) -> tuple[int, int, object]:
    """(product id, review id, the journal that set end of sale) on a new In-life product."""
    pid = _product(ws, "In-life")
    lifecycle = ws.service(LifecycleService)
    review_id = lifecycle.open_elimination(pid).entity_id
    journal = lifecycle.update_elimination(review_id, end_of_sale=sale)
    return pid, review_id, journal


def _link(ws, review_id: int) -> int | None:
    return ws.service(LifecycleService).eliminations.get(review_id).end_of_sale_item_id


def test_setting_end_of_sale_creates_its_milestone_and_ties_it_by_key(workspace) -> None:
    sale = dt.date(2027, 3, 31)
    pid, review_id, _ = _review_with_sale(workspace, sale)
    item_id = _link(workspace, review_id)
    item = workspace.service(RoadmapService).items.get(item_id)
    assert (item.product_id, item.kind, item.name) == (pid, ItemKind.MILESTONE, "End of sale")
    assert (item.start_date, item.end_date) == (sale, sale)
    assert "[elimination review" not in item.notes  # no format 2 marker any more
    lifecycle = workspace.service(LifecycleService)
    assert lifecycle.milestones_of(review_id)["end_of_sale"].id == item_id
    assert lifecycle.eliminations.get(review_id).end_of_support_item_id is None


def test_a_dragged_milestone_keeps_its_date_when_another_field_is_saved(workspace) -> None:
    pid, review_id, _ = _review_with_sale(workspace)
    item_id = _link(workspace, review_id)
    roadmap, lifecycle = workspace.service(RoadmapService), workspace.service(LifecycleService)
    dragged = dt.date(2027, 4, 15)
    roadmap.items.update(item_id, start_date=dragged, end_date=dragged)  # the Gantt's drag
    # The dialog saves every field it shows: the date as it was, the rationale changed.
    lifecycle.update_elimination(
        review_id, end_of_sale=dt.date(2027, 3, 31), rationale="Margins are gone"
    )
    item = roadmap.items.get(item_id)
    assert (item.start_date, item.end_date) == (dragged, dragged)
    assert _link(workspace, review_id) == item_id
    assert lifecycle.eliminations.get(review_id).rationale == "Margins are gone"
    # Changing the review's date moves the same milestone there.
    later = dt.date(2027, 9, 30)
    lifecycle.update_elimination(review_id, end_of_sale=later)
    assert roadmap.items.get(item_id).start_date == later
    assert _link(workspace, review_id) == item_id
    assert len(roadmap.items_of(pid)) == 1


def test_clearing_end_of_sale_deletes_the_milestone_and_undo_brings_back_the_link(
    workspace,
) -> None:
    pid, review_id, _ = _review_with_sale(workspace)
    item_id = _link(workspace, review_id)
    roadmap, lifecycle = workspace.service(RoadmapService), workspace.service(LifecycleService)
    roadmap.items.update(item_id, notes="Tell the channel partners first")
    kept = roadmap.items.get(item_id).to_dict()

    cleared = lifecycle.update_elimination(review_id, end_of_sale=None)
    assert roadmap.items_of(pid) == []
    assert _link(workspace, review_id) is None

    lifecycle.revert(cleared)
    assert roadmap.items.get(item_id).to_dict() == kept
    assert _link(workspace, review_id) == item_id
    assert lifecycle.eliminations.get(review_id).end_of_sale == dt.date(2027, 3, 31)
    # Still tied: a change of date moves the restored milestone, no second one appears.
    lifecycle.update_elimination(review_id, end_of_sale=dt.date(2027, 5, 31))
    assert [i.id for i in roadmap.items_of(pid)] == [item_id]
    assert roadmap.items.get(item_id).start_date == dt.date(2027, 5, 31)
    lifecycle.update_elimination(review_id, end_of_sale=dt.date(2027, 3, 31))

    lifecycle.replay(cleared)
    assert roadmap.items_of(pid) == []
    assert _link(workspace, review_id) is None


def test_a_milestone_deleted_from_the_roadmap_comes_back_with_the_next_date_change(
    workspace,
) -> None:
    pid, review_id, _ = _review_with_sale(workspace)
    item_id = _link(workspace, review_id)
    roadmap, lifecycle = workspace.service(RoadmapService), workspace.service(LifecycleService)

    snap = roadmap.items.delete(item_id)
    assert _link(workspace, review_id) is None  # ON DELETE SET NULL
    roadmap.items.restore(snap)  # the roadmap's undo puts the link back too
    assert _link(workspace, review_id) == item_id
    roadmap.items.delete(item_id)

    # A save that leaves the date alone respects the deletion ...
    lifecycle.update_elimination(review_id, rationale="No successor product")
    assert roadmap.items_of(pid) == []
    assert lifecycle.milestones_of(review_id) == {}
    # ... a new date puts a milestone there again, tied by its new id.
    later = dt.date(2027, 6, 30)
    journal = lifecycle.update_elimination(review_id, end_of_sale=later)
    [item] = roadmap.items_of(pid)
    assert (item.name, item.start_date) == ("End of sale", later)
    assert _link(workspace, review_id) == item.id
    lifecycle.revert(journal)
    assert roadmap.items_of(pid) == [] and _link(workspace, review_id) is None


def test_the_milestones_notes_and_name_are_the_users_without_touching_the_link(workspace) -> None:
    pid, review_id, _ = _review_with_sale(workspace)
    item_id = _link(workspace, review_id)
    roadmap, lifecycle = workspace.service(RoadmapService), workspace.service(LifecycleService)
    roadmap.items.update(
        item_id, notes="[elimination review 99: end of sale] pasted", name="Atlas EoS"
    )
    lifecycle.update_elimination(review_id, end_of_sale=dt.date(2027, 8, 31))
    item = roadmap.items.get(item_id)
    assert (item.start_date, item.name) == (dt.date(2027, 8, 31), "Atlas EoS")
    assert item.notes == "[elimination review 99: end of sale] pasted"
    assert _link(workspace, review_id) == item_id
    assert len(roadmap.items_of(pid)) == 1


@pytest.mark.parametrize("target", ["nothing", "another product's item"])
def test_a_link_edited_elsewhere_to_a_wrong_item_is_never_followed(workspace, target) -> None:
    pid, review_id, _ = _review_with_sale(workspace)
    roadmap, lifecycle = workspace.service(RoadmapService), workspace.service(LifecycleService)
    other = workspace.service(PortfolioService).create_product(name="Borealis").id
    lane = roadmap.lanes.create(product_id=other, name="Build")
    theirs = roadmap.items.create(
        product_id=other,
        lane_id=lane.id,
        name="Borealis GA",
        kind=ItemKind.MILESTONE,
        start_date=dt.date(2027, 2, 1),
    )
    wrong = 9999 if target == "nothing" else theirs.id
    with workspace.engine.begin() as conn:  # as another SQLite tool would
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql(
            f"UPDATE elimination_review SET end_of_sale_item_id = {wrong} WHERE id = {review_id}"
        )
    assert lifecycle.milestones_of(review_id) == {}
    lifecycle.update_elimination(review_id, end_of_sale=None)
    assert roadmap.items.get(theirs.id).start_date == dt.date(2027, 2, 1)  # not deleted
    lifecycle.update_elimination(review_id, end_of_sale=dt.date(2027, 7, 1))
    assert roadmap.items.get(theirs.id).start_date == dt.date(2027, 2, 1)  # not moved
    mine = _link(workspace, review_id)
    assert roadmap.items.get(mine).product_id == pid
