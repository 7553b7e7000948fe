"""The power/interest grid: which quadrant a stakeholder falls in, and its strategy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .enums import Quadrant

# The grid runs 0-10 on both axes; the midline belongs to the upper half, so a
# stakeholder at exactly 5 power counts as high power (err on engaging more).
MIDPOINT = 5.0

STRATEGY = {
    Quadrant.MANAGE_CLOSELY: "Manage closely",
    Quadrant.KEEP_SATISFIED: "Keep satisfied",
    Quadrant.KEEP_INFORMED: "Keep informed",
    Quadrant.MONITOR: "Monitor",
}


def quadrant(power: float, interest: float) -> Quadrant:
    high_power = power >= MIDPOINT
    high_interest = interest >= MIDPOINT
    if high_power and high_interest:
        return Quadrant.MANAGE_CLOSELY
    if high_power:
        return Quadrant.KEEP_SATISFIED
    if high_interest:
        return Quadrant.KEEP_INFORMED
    return Quadrant.MONITOR


# What each quadrant asks of the product manager, said on the map under its name.
ADVICE = {
    Quadrant.MANAGE_CLOSELY: "High power, high interest: involve in decisions",
    Quadrant.KEEP_SATISFIED: "High power, low interest: meet their needs",
    Quadrant.KEEP_INFORMED: "Low power, high interest: keep them up to date",
    Quadrant.MONITOR: "Low power, low interest: watch, with little effort",
}

SCALE_MAX = 10.0


def snap(value: float) -> float:
    """A position dropped on the map, kept to one decimal and inside 0-10.

    One decimal is what a person can tell apart by eye; more would only make the
    file claim a precision that a drag cannot give.
    """
    return round(min(max(float(value), 0.0), SCALE_MAX), 1)


TrailPoint = tuple[dt.datetime, float, float]


def trail(points: Iterable[TrailPoint]) -> list[TrailPoint]:
    """A stakeholder's moves, oldest first, without repeats of the same spot in a row.

    An attitude change records a point where the stakeholder already stood; a
    trail drawn through it would have a kink of length zero, so it is kept once.
    Points recorded at the same moment keep their given order (the file's id order).
    """
    ordered = sorted(enumerate(points), key=lambda pair: (pair[1][0], pair[0]))
    kept: list[TrailPoint] = []
    for _, point in ordered:
        if kept and (kept[-1][1], kept[-1][2]) == (point[1], point[2]):
            continue
        kept.append(point)
    return kept
