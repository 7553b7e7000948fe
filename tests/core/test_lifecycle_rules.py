"""Gate decisions, board moves, elimination candidates and the growth–share quadrants."""

from __future__ import annotations

import pytest

from pmdesk.core.enums import Direction, GateDecision, Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.lifecycle import (
    EliminationRules,
    check_gate_review,
    check_stage_move,
    decision_for_move,
    elimination_triggers,
    figure,
    gate_outcome,
    growth_share_quadrant,
    latest_health,
    recycle_choices,
    relative_shares,
    rules_from_settings,
    rules_to_settings,
)


@pytest.mark.parametrize("stage", [s for s in Stage if s is not Stage.END_OF_LIFE])
def test_each_decision_at_every_gate(stage: Stage) -> None:
    assert gate_outcome(stage, GateDecision.GO) == stage.next()
    assert gate_outcome(stage, GateDecision.HOLD) == stage
    assert gate_outcome(stage, GateDecision.KILL) == Stage.END_OF_LIFE
    for earlier in recycle_choices(stage):
        assert gate_outcome(stage, GateDecision.RECYCLE, earlier) == earlier
    with pytest.raises(ValidationError):
        gate_outcome(stage, GateDecision.RECYCLE)  # the earlier stage must be chosen
    with pytest.raises(ValidationError):
        gate_outcome(stage, GateDecision.RECYCLE, stage)  # not earlier


def test_end_of_life_has_no_gate() -> None:
    with pytest.raises(ValidationError):
        gate_outcome(Stage.END_OF_LIFE, GateDecision.HOLD)
    assert decision_for_move(Stage.END_OF_LIFE, Stage.IN_LIFE) is None


def test_moving_forward_needs_a_go() -> None:
    with pytest.raises(ValidationError, match="gate review"):
        check_stage_move(Stage.ANALYSIS, Stage.DEVELOPMENT, None)
    for decision in (GateDecision.HOLD, GateDecision.KILL, GateDecision.RECYCLE):
        with pytest.raises(ValidationError):
            check_stage_move(Stage.ANALYSIS, Stage.DEVELOPMENT, decision)
    check_stage_move(Stage.ANALYSIS, Stage.DEVELOPMENT, GateDecision.GO)


def test_board_moves_map_to_decisions() -> None:
    assert decision_for_move(Stage.ANALYSIS, Stage.DEVELOPMENT) is GateDecision.GO
    assert decision_for_move(Stage.ANALYSIS, Stage.END_OF_LIFE) is GateDecision.KILL
    assert decision_for_move(Stage.IN_LIFE, Stage.ANALYSIS) is GateDecision.RECYCLE
    assert decision_for_move(Stage.ANALYSIS, Stage.ANALYSIS) is GateDecision.HOLD
    assert decision_for_move(Stage.INNOVATION, Stage.IN_LIFE) is None  # no skipping gates


def test_candidate_rules_on_crafted_series() -> None:
    rules = EliminationRules(falling_periods=3, margin_floor=15.0, share_periods=2)
    healthy = elimination_triggers([100, 90, 95, 99], [20.0], [10, 11, 12], rules)
    assert healthy == []
    falling = elimination_triggers([100, 99, 98, 97], [20.0], [10, 10, 10], rules)
    assert [t.rule for t in falling] == ["revenue_falling"]
    two_only = elimination_triggers([100, 100, 98, 97], [20.0], [], rules)
    assert two_only == []  # fell two periods, the rule wants three
    thin = elimination_triggers([1, 2, 3], [18.0, 14.9], [], rules)
    assert [t.rule for t in thin] == ["margin_below"]
    assert "14.9" in thin[0].detail
    shrinking = elimination_triggers([], [], [12.0, 11.0, 10.0], rules)
    assert [t.rule for t in shrinking] == ["share_shrinking"]


def test_rules_survive_the_settings_round_trip_and_bad_values() -> None:
    rules = EliminationRules(falling_periods=5, margin_floor=9.5, share_periods=4)
    settings = rules_to_settings({"other": 1}, rules)
    assert settings["other"] == 1
    assert rules_from_settings(settings) == rules
    assert (
        rules_from_settings({"elimination_rules": {"falling_periods": "x"}}) == EliminationRules()
    )
    assert rules_from_settings(None) == EliminationRules()


def test_growth_share_quadrants() -> None:
    assert growth_share_quadrant(2.0, 12.0) == "Stars"
    assert growth_share_quadrant(0.5, 12.0) == "Question marks"
    assert growth_share_quadrant(2.0, 1.0) == "Cash cows"
    assert growth_share_quadrant(0.5, 1.0) == "Dogs"
    shares = relative_shares({1: 20.0, 2: 10.0, 3: 5.0})
    assert shares == {1: 2.0, 2: 0.5, 3: 0.25}
    assert relative_shares({7: 3.0}) == {7: 1.0}


def test_health_uses_the_period_target_first() -> None:
    assert latest_health([(90.0, None)], 100.0, Direction.UP).colour == "amber"
    assert latest_health([(90.0, 80.0)], 100.0, Direction.UP).colour == "green"
    assert latest_health([], 100.0, Direction.UP).reason == "no value yet"
    assert figure(424600.0) == "424,600"
    assert figure(12.3) == "12.3"


def test_a_gate_review_needs_a_decider_and_a_reasoned_exception_for_unmet_criteria() -> None:
    met = [{"text": "Signed off", "met": True}]
    unmet = [*met, {"text": "Pilot named", "met": False}]
    check_gate_review(GateDecision.GO, met, "Dana", "")
    check_gate_review(GateDecision.HOLD, unmet, "Dana", "")
    check_gate_review(GateDecision.GO, unmet, "Dana", "Pilot next week", go_despite_unmet=True)
    for args, field in (
        ((GateDecision.HOLD, met, " ", "why"), "decided by"),
        ((GateDecision.GO, unmet, "Dana", "why"), "go despite unmet criteria"),
        ((GateDecision.GO, unmet, "Dana", " ", True), "rationale"),
    ):
        with pytest.raises(ValidationError) as refused:
            check_gate_review(*args)
        assert refused.value.field == field
