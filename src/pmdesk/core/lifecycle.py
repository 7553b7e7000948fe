"""Lifecycle rules: what a gate decision does, time in stage, health and elimination flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .enums import Direction, GateDecision, Stage
from .errors import ValidationError


def gate_outcome(stage: Stage, decision: GateDecision, recycle_to: Stage | None = None) -> Stage:
    """The stage a product is in after a gate review of its current stage.

    Go moves to the next stage; Hold keeps it; Kill sends it to End-of-life;
    Recycle returns it to an earlier stage, which must be given.
    """
    if stage is Stage.END_OF_LIFE:
        raise ValidationError("stage", "an End-of-life product has no further gate")
    if decision is GateDecision.GO:
        following = stage.next()
        assert following is not None
        return following
    if decision is GateDecision.HOLD:
        return stage
    if decision is GateDecision.KILL:
        return Stage.END_OF_LIFE
    if recycle_to is None:
        raise ValidationError("recycle to", "choose the earlier stage the product returns to")
    if recycle_to.order >= stage.order:
        raise ValidationError("recycle to", f"{recycle_to.label} is not earlier than {stage.label}")
    return recycle_to


def check_stage_move(current: Stage, target: Stage, decision: GateDecision | None) -> None:
    """Moving forward needs a Go at the gate; any other move needs a matching decision."""
    if target == current:
        return
    if decision is None:
        raise ValidationError("stage", f"moving from {current.label} needs a gate review")
    if (
        gate_outcome(current, decision, target if decision is GateDecision.RECYCLE else None)
        != target
    ):
        raise ValidationError(
            "decision",
            f"{decision.label} does not move a product from {current.label} to {target.label}",
        )


def unmet_criteria(criteria: Sequence[dict]) -> list[str]:
    """The texts of the criteria not ticked as met (a checklist row is ``{"text", "met"}``)."""
    return [str(c.get("text", "")) for c in criteria if isinstance(c, dict) and not c.get("met")]


def check_gate_review(
    decision: GateDecision,
    criteria: Sequence[dict],
    decided_by: str,
    rationale: str,
    go_despite_unmet: bool = False,
) -> None:
    """A gate is a decision someone owns, not a click: refuse a review that waves it through.

    The decider is always named. A Go while criteria are unmet needs an explicit
    "Go despite unmet criteria" and a rationale saying why the gaps are acceptable.
    """
    if not decided_by.strip():
        raise ValidationError("decided by", "name who took the decision")
    unmet = unmet_criteria(criteria)
    if decision is not GateDecision.GO or not unmet:
        return
    count = f"{len(unmet)} of {len(criteria)} criteria {'is' if len(unmet) == 1 else 'are'} unmet"
    if not go_despite_unmet:
        raise ValidationError(
            "go despite unmet criteria",
            f"{count}; confirm “Go despite unmet criteria”, or choose Hold",
        )
    if not rationale.strip():
        raise ValidationError("rationale", f"{count}; say why the product goes on regardless")


def days_in_stage(entered_on: dt.date, left_on: dt.date | None, today: dt.date) -> int:
    return ((left_on or today) - entered_on).days


@dataclass(frozen=True)
class Health:
    colour: str  # "green", "amber" or "red"
    reason: str


def metric_health(
    actual: float | None, target: float | None, direction: Direction, tolerance: float = 0.1
) -> Health:
    """Green on or better than target; amber within ``tolerance`` (10%) of it; red beyond."""
    if actual is None:
        return Health("amber", "no value yet")
    if target is None:
        return Health("green", "no target set")
    gap = (actual - target) if direction is Direction.UP else (target - actual)
    if gap >= 0:
        return Health("green", f"{figure(actual)} meets the target {figure(target)}")
    shortfall = abs(gap) / abs(target) if target else float("inf")
    colour = "amber" if shortfall <= tolerance else "red"
    return Health(
        colour, f"{figure(actual)} is {shortfall:.0%} short of the target {figure(target)}"
    )


def figure(value: float) -> str:
    """A number as a person reads it: 424,600 rather than 4.246e+05; 12.3 stays 12.3."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def worst(healths: Sequence[Health]) -> Health:
    rank = {"green": 0, "amber": 1, "red": 2}
    return max(healths, key=lambda h: rank[h.colour], default=Health("green", "no metrics"))


@dataclass(frozen=True)
class EliminationRules:
    """When an In-life product is flagged as a candidate for elimination (configurable)."""

    falling_periods: int = 3  # revenue fell this many periods in a row
    margin_floor: float = 15.0  # gross margin (%) under this
    share_periods: int = 6  # market share lower than this many periods ago
    # delivering under this share (%) of its business case's revenue ...
    business_case_floor: float = 50.0
    # ... in each of this many periods in a row (the latest with actuals)
    business_case_periods: int = 2


@dataclass(frozen=True)
class Trigger:
    rule: str
    detail: str


def falling_run(values: Sequence[float]) -> int:
    """How many consecutive periods, ending with the latest, each value fell."""
    run = 0
    for earlier, later in zip(reversed(values[:-1]), reversed(values[1:]), strict=True):
        if later < earlier:
            run += 1
        else:
            break
    return run


def below_business_case(
    plan_ratios: Sequence[float | Decimal], rules: EliminationRules = EliminationRules()
) -> Trigger | None:
    """The "delivering under X % of its business case for N periods" rule.

    ``plan_ratios``: actual ÷ plan revenue of each period that has actuals, oldest first
    (``core.pnl.plan_vs_actual``'s complete periods; the store feeds them). Trips when
    each of the latest ``rules.business_case_periods`` ratios is under
    ``rules.business_case_floor`` %; the detail gives their average.
    """
    periods = rules.business_case_periods
    latest = [float(ratio) for ratio in plan_ratios][-periods:]
    floor = rules.business_case_floor / 100
    if len(latest) < periods or any(ratio >= floor for ratio in latest):
        return None
    average = sum(latest) / len(latest)
    span = "the last period" if periods == 1 else f"each of the last {periods} periods"
    return Trigger(
        "below_business_case",
        f"revenue is {average:.0%} of its business case, under "
        f"{rules.business_case_floor:g}% in {span}",
    )


def elimination_triggers(
    revenue: Sequence[float],
    margin: Sequence[float],
    share: Sequence[float],
    rules: EliminationRules = EliminationRules(),
    plan_ratios: Sequence[float | Decimal] = (),
) -> list[Trigger]:
    """The rules a product's recent metrics trip (values oldest first).

    ``plan_ratios``: actual ÷ plan revenue per period against its signed business case
    (see :func:`below_business_case`); empty when the product has no plan.
    """
    found = []
    run = falling_run(revenue)
    if run >= rules.falling_periods:
        found.append(Trigger("revenue_falling", f"revenue fell {run} periods in a row"))
    if margin and margin[-1] < rules.margin_floor:
        found.append(
            Trigger("margin_below", f"margin {margin[-1]:.1f}% is under {rules.margin_floor:.1f}%")
        )
    if len(share) > rules.share_periods and share[-1] < share[-1 - rules.share_periods]:
        before = share[-1 - rules.share_periods]
        found.append(
            Trigger(
                "share_shrinking",
                f"share {share[-1]:.1f}% is down from {before:.1f}% {rules.share_periods} periods ago",
            )
        )
    plan = below_business_case(plan_ratios, rules)
    if plan is not None:
        found.append(plan)
    return found


# -- settings, recycling, the portfolio's quadrants ------------------------------------------

RULES_KEY = "elimination_rules"


def rules_from_settings(settings: dict | None) -> EliminationRules:
    """The thresholds stored in the workspace settings, defaults for anything missing or bad."""
    stored = (settings or {}).get(RULES_KEY) or {}
    defaults = EliminationRules()
    try:
        return EliminationRules(
            falling_periods=max(1, int(stored.get("falling_periods", defaults.falling_periods))),
            margin_floor=float(stored.get("margin_floor", defaults.margin_floor)),
            share_periods=max(1, int(stored.get("share_periods", defaults.share_periods))),
            business_case_floor=_percent(
                stored.get("business_case_floor", defaults.business_case_floor)
            ),
            business_case_periods=max(
                1, int(stored.get("business_case_periods", defaults.business_case_periods))
            ),
        )
    except (TypeError, ValueError):
        return defaults


def rules_to_settings(settings: dict | None, rules: EliminationRules) -> dict:
    """A copy of ``settings`` holding ``rules`` (the other preferences are kept)."""
    updated = dict(settings or {})
    updated[RULES_KEY] = {
        "falling_periods": rules.falling_periods,
        "margin_floor": rules.margin_floor,
        "share_periods": rules.share_periods,
        "business_case_floor": rules.business_case_floor,
        "business_case_periods": rules.business_case_periods,
    }
    return updated


def _percent(value: float | str) -> float:
    """A stored percentage, 0 … 1000; a bad one raises ValueError (the defaults then apply)."""
    number = float(value)
    if not 0 <= number <= 1000:
        raise ValueError(number)
    return number


def recycle_choices(stage: Stage) -> list[Stage]:
    """The earlier stages a Recycle at ``stage``'s gate may return the product to."""
    return [s for s in Stage if s.order < stage.order]


def can_review(stage: Stage) -> bool:
    """Every stage but End-of-life ends in a gate."""
    return stage is not Stage.END_OF_LIFE


def decision_for_move(current: Stage, target: Stage) -> GateDecision | None:
    """The decision that would move a product from ``current`` to ``target`` (None: none can)."""
    if target == current:
        return GateDecision.HOLD
    if current is Stage.END_OF_LIFE:
        return None
    if target == current.next():
        return GateDecision.GO
    if target is Stage.END_OF_LIFE:
        return GateDecision.KILL
    if target.order < current.order:
        return GateDecision.RECYCLE
    return None


# Where the growth-share chart splits its quadrants (screen and deck): a relative share as
# large as the largest other product's, and this much market growth (% per period).
SHARE_SPLIT = 1.0
GROWTH_SPLIT = 5.0

QUADRANTS = {
    (True, True): "Stars",
    (False, True): "Question marks",
    (True, False): "Cash cows",
    (False, False): "Dogs",
}


def growth_share_quadrant(
    share: float, growth: float, share_split: float = 1.0, growth_split: float = 10.0
) -> str:
    """The growth-share matrix quadrant: high share and high growth are Stars, and so on."""
    return QUADRANTS[(share >= share_split, growth >= growth_split)]


def relative_shares(shares: dict[int, float]) -> dict[int, float]:
    """Each product's share relative to the largest other share in the portfolio.

    The file holds each product's own market share only, so the portfolio's
    other products stand in for "the largest competitor"; a lone product is 1.0.
    """
    result = {}
    for key, share in shares.items():
        others = [v for k, v in shares.items() if k != key and v > 0]
        result[key] = share / max(others) if others else 1.0
    return result


def latest_health(
    values: Sequence[tuple[float, float | None]], target: float | None, direction: Direction
) -> Health:
    """Health of a metric from its (value, per-period target) series, oldest first."""
    if not values:
        return Health("amber", "no value yet")
    value, period_target = values[-1]
    return metric_health(value, period_target if period_target is not None else target, direction)
