"""Lifecycle, launch, requirement, communication and template rules (no Qt, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.communication import contact_agenda, next_contact_after, raci_problems
from pmdesk.core.enums import (
    CanvasTemplate,
    ContactFrequency,
    Direction,
    GateDecision,
    LaunchFunction,
    RaciRole,
    Stage,
    TaskStatus,
)
from pmdesk.core.errors import ValidationError
from pmdesk.core.launch import (
    TaskFacts,
    is_overdue,
    launch_passed_with_open_tasks,
    parse_due,
    readiness,
    relative_label,
)
from pmdesk.core.lifecycle import (
    EliminationRules,
    check_stage_move,
    elimination_triggers,
    falling_run,
    gate_outcome,
    metric_health,
)
from pmdesk.core.requirements import parse_user_story, similar_titles, user_story
from pmdesk.core.templates import (
    TO_SORT,
    canvas_layout,
    default_gate_criteria,
    launch_checklist,
    remap_blocks,
)

D = dt.date


# -- gates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "decision", "recycle", "expected"),
    [
        (Stage.ANALYSIS, GateDecision.GO, None, Stage.DEVELOPMENT),
        (Stage.IN_LIFE, GateDecision.GO, None, Stage.END_OF_LIFE),
        (Stage.ANALYSIS, GateDecision.HOLD, None, Stage.ANALYSIS),
        (Stage.DEVELOPMENT, GateDecision.KILL, None, Stage.END_OF_LIFE),
        (Stage.GO_TO_MARKET, GateDecision.RECYCLE, Stage.ANALYSIS, Stage.ANALYSIS),
    ],
)
def test_gate_outcomes(stage, decision, recycle, expected):
    assert gate_outcome(stage, decision, recycle) is expected


def test_recycle_must_go_back():
    with pytest.raises(ValidationError, match="not earlier"):
        gate_outcome(Stage.ANALYSIS, GateDecision.RECYCLE, Stage.DEVELOPMENT)
    with pytest.raises(ValidationError, match="choose the earlier stage"):
        gate_outcome(Stage.ANALYSIS, GateDecision.RECYCLE)


def test_moving_forward_needs_a_go():
    with pytest.raises(ValidationError, match="needs a gate review"):
        check_stage_move(Stage.ANALYSIS, Stage.DEVELOPMENT, None)
    with pytest.raises(ValidationError, match="Hold does not move"):
        check_stage_move(Stage.ANALYSIS, Stage.DEVELOPMENT, GateDecision.HOLD)
    check_stage_move(Stage.ANALYSIS, Stage.DEVELOPMENT, GateDecision.GO)
    with pytest.raises(ValidationError, match="End-of-life product has no further gate"):
        gate_outcome(Stage.END_OF_LIFE, GateDecision.GO)


# -- health and elimination ------------------------------------------------------------


def test_health_colours():
    assert metric_health(110, 100, Direction.UP).colour == "green"
    assert metric_health(95, 100, Direction.UP).colour == "amber"
    assert metric_health(80, 100, Direction.UP).colour == "red"
    assert metric_health(80, 100, Direction.DOWN).colour == "green"
    assert "20% short" in metric_health(80, 100, Direction.UP).reason


def test_falling_run_counts_only_the_latest_streak():
    assert falling_run([10, 9, 11, 10, 9, 8]) == 3
    assert falling_run([10, 10, 9]) == 1
    assert falling_run([5]) == 0


def test_elimination_triggers_on_crafted_series():
    rules = EliminationRules(falling_periods=3, margin_floor=15, share_periods=6)
    revenue = [100, 98, 97, 95, 90]
    margin = [20, 18, 14.5]
    share = [12, 12, 11, 11, 10, 10, 9.5]
    found = {t.rule for t in elimination_triggers(revenue, margin, share, rules)}
    assert found == {"revenue_falling", "margin_below", "share_shrinking"}
    assert elimination_triggers([100, 101, 102], [30], [10, 11], rules) == []


# -- launch ---------------------------------------------------------------------------------


def test_relative_due_labels_and_parsing():
    launch = D(2027, 6, 1)
    assert relative_label(-30) == "L−30" and relative_label(0) == "L" and relative_label(7) == "L+7"
    assert parse_due("L-30", launch) == (D(2027, 5, 2), -30)
    assert parse_due("l − 30", launch) == (D(2027, 5, 2), -30)
    assert parse_due("L", launch) == (launch, 0)
    assert parse_due("2027-05-20", launch) == (D(2027, 5, 20), None)
    with pytest.raises(ValidationError, match="neither a date"):
        parse_due("soon", launch)


def test_readiness_overall_and_per_function():
    tasks = [
        TaskFacts(LaunchFunction.MARKETING, TaskStatus.DONE, D(2027, 1, 1)),
        TaskFacts(LaunchFunction.MARKETING, TaskStatus.TODO, D(2027, 1, 1)),
        TaskFacts(LaunchFunction.LEGAL, TaskStatus.DONE, None),
        TaskFacts(LaunchFunction.LEGAL, TaskStatus.NOT_APPLICABLE, None),
    ]
    overall, per = readiness(tasks)
    assert (overall.done, overall.counted) == (2, 3)
    assert overall.percent == pytest.approx(66.67, abs=0.01)
    assert per[LaunchFunction.LEGAL].percent == 100
    assert is_overdue(tasks[1], D(2027, 1, 2)) and not is_overdue(tasks[0], D(2027, 1, 2))
    assert launch_passed_with_open_tasks(D(2027, 1, 1), tasks, D(2027, 1, 2))


# -- requirements ------------------------------------------------------------------------


def test_user_story_builder_and_parser():
    text = user_story("account admin", "to export the audit log", "I can pass a SOC 2 audit")
    assert (
        text
        == "As an account admin, I want to export the audit log so that I can pass a SOC 2 audit."
    )
    assert parse_user_story(text) == (
        "account admin",
        "to export the audit log",
        "I can pass a SOC 2 audit",
    )
    assert parse_user_story("as a buyer I want cheaper prices") == ("buyer", "cheaper prices", "")
    assert parse_user_story("Export to CSV") is None


def test_possible_duplicates():
    existing = [(1, "Export audit log as CSV"), (2, "Single sign-on with SAML"), (3, "Dark mode")]
    hits = similar_titles("Export the audit log to CSV", existing)
    assert [h[0] for h in hits] == [1]
    assert similar_titles("Dark", existing) == []


# -- communication and RACI -------------------------------------------------------------


def test_contact_schedule():
    assert next_contact_after(D(2027, 1, 1), ContactFrequency.FORTNIGHTLY) == D(2027, 1, 15)
    assert next_contact_after(D(2027, 1, 1), ContactFrequency.AS_NEEDED) is None
    agenda = contact_agenda(
        [
            (1, D(2027, 1, 9)),
            (2, D(2027, 1, 10)),
            (3, D(2027, 1, 24)),
            (4, D(2027, 1, 25)),
            (5, None),
        ],
        today=D(2027, 1, 10),
    )
    assert agenda.overdue == [(1, D(2027, 1, 9))]
    assert agenda.upcoming == [(2, D(2027, 1, 10)), (3, D(2027, 1, 24))]


def test_raci_exactly_one_accountable_and_a_responsible():
    problems = raci_problems(
        [
            ("launch", RaciRole.ACCOUNTABLE),
            ("launch", RaciRole.RESPONSIBLE),
            ("signoff", RaciRole.ACCOUNTABLE),
            ("signoff", RaciRole.ACCOUNTABLE),
            ("press", RaciRole.INFORMED),
        ]
    )
    assert {(p.activity, p.problem) for p in problems} == {
        ("signoff", "2 people are Accountable; keep one"),
        ("signoff", "no one is Responsible"),
        ("press", "no one is Accountable"),
        ("press", "no one is Responsible"),
    }


# -- templates ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", list(CanvasTemplate))
def test_canvas_templates_tile_their_grid(template):
    layout = canvas_layout(template)
    cells = set()
    for block in layout.blocks:
        for r in range(block.row, block.row + block.rowspan):
            for c in range(block.col, block.col + block.colspan):
                assert (r, c) not in cells, f"{block.key} overlaps"
                cells.add((r, c))
    assert len(cells) == layout.rows * layout.columns
    assert all(block.prompt for block in layout.blocks)


def test_product_canvas_has_the_blocks_of_the_brief():
    keys = [b.key for b in canvas_layout(CanvasTemplate.PRODUCT_CANVAS).blocks]
    assert keys == [
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
    ]


def test_switching_templates_keeps_meanings():
    mapping = remap_blocks(CanvasTemplate.PRODUCT_CANVAS, CanvasTemplate.LEAN_CANVAS)
    assert mapping["problems"] == "problem"
    assert mapping["target_customers"] == "customer_segments"
    assert mapping["risks_assumptions"] == TO_SORT


def test_gate_criteria_and_checklists_load():
    assert "Business case signed off" in default_gate_criteria(Stage.ANALYSIS)
    assert default_gate_criteria(Stage.END_OF_LIFE) == []
    tier1, tier3 = launch_checklist(1), launch_checklist(3)
    assert len(tier1) > len(tier3) > 0
    assert {t.function for t in tier1} == set(LaunchFunction)
