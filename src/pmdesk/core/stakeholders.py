"""The power/interest grid: which quadrant a stakeholder falls in, and its strategy."""

from __future__ import annotations

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
