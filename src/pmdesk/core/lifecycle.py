"""Lifecycle rules: what a gate decision does, time in stage, health and elimination flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

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
        raise ValidationError(
            "recycle to", f"{recycle_to.label} is not earlier than {stage.label}"
        )
    return recycle_to


def check_stage_move(current: Stage, target: Stage, decision: GateDecision | None) -> None:
    """Moving forward needs a Go at the gate; any other move needs a matching decision."""
    if target == current:
        return
    if decision is None:
        raise ValidationError("stage", f"moving from {current.label} needs a gate review")
    if gate_outcome(current, decision, target if decision is GateDecision.RECYCLE else None) != target:
        raise ValidationError(
            "decision",
            f"{decision.label} does not move a product from {current.label} to {target.label}",
        )


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
        return Health("green", f"{actual:,.4g} meets the target {target:,.4g}")
    shortfall = abs(gap) / abs(target) if target else float("inf")
    colour = "amber" if shortfall <= tolerance else "red"
    return Health(colour, f"{actual:,.4g} is {shortfall:.0%} short of the target {target:,.4g}")


def worst(healths: Sequence[Health]) -> Health:
    rank = {"green": 0, "amber": 1, "red": 2}
    return max(healths, key=lambda h: rank[h.colour], default=Health("green", "no metrics"))


@dataclass(frozen=True)
class EliminationRules:
    """When an In-life product is flagged as a candidate for elimination (configurable)."""

    falling_periods: int = 3  # revenue fell this many periods in a row
    margin_floor: float = 15.0  # gross margin (%) under this
    share_periods: int = 6  # market share lower than this many periods ago


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


def elimination_triggers(
    revenue: Sequence[float],
    margin: Sequence[float],
    share: Sequence[float],
    rules: EliminationRules = EliminationRules(),
) -> list[Trigger]:
    """The rules a product's recent metrics trip (values oldest first)."""
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
    return found
