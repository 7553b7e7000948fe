"""Timeline maths shared by the roadmap on screen and on paper.

Dates become x coordinates through a TimeScale, whose units (years down to
days) are chosen per zoom so their labels can be read, and an item moves by
steps of those units; items are packed into rows within their lane so bars
never overlap; lanes stack vertically. The Qt scene and the PDF renderer both
draw from these numbers, so screen and paper agree. (Bars, labels and links
are placed from them in :mod:`pmdesk.core.gantt_layout`.)
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Zoom steps in pixels per day, from decades on one screen to single days.
ZOOM_STEPS: tuple[float, ...] = (
    0.08,
    0.12,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    3.0,
    4.5,
    6.0,
    9.0,
    14.0,
    20.0,
    30.0,
    45.0,
    60.0,
)

UNITS = ("year", "quarter", "month", "week", "day")


@dataclass(frozen=True)
class TimeScale:
    """Linear map between dates and x; ``origin`` is at x = 0."""

    origin: dt.date
    px_per_day: float

    def x(self, day: dt.date) -> float:
        return (day.toordinal() - self.origin.toordinal()) * self.px_per_day

    def x_of_ordinal(self, ordinal: float) -> float:
        return (ordinal - self.origin.toordinal()) * self.px_per_day

    def ordinal_at(self, x: float) -> float:
        """The day under x as a fractional ordinal (``x_of_ordinal``'s inverse)."""
        return self.origin.toordinal() + x / self.px_per_day

    def date_at(self, x: float) -> dt.date:
        """The day under x (the day whose column contains it)."""
        return dt.date.fromordinal(self.origin.toordinal() + int(x // self.px_per_day))

    def span(self, start: dt.date, end_inclusive: dt.date) -> tuple[float, float]:
        """Left and right x of a bar covering whole days start..end."""
        return self.x(start), self.x(end_inclusive) + self.px_per_day

    def zoomed(self, px_per_day: float) -> TimeScale:
        return TimeScale(self.origin, px_per_day)


def tiers(px_per_day: float) -> tuple[str, str]:
    """(upper, lower) units of the two-tier time scale at this zoom."""
    if px_per_day >= 14:
        return "week", "day"
    if px_per_day >= 2.0:
        return "month", "week"
    if px_per_day >= 0.3:
        return "quarter", "month"
    return "year", "quarter"


TIER_LADDER = (
    ("week", "day"),
    ("month", "week"),
    ("quarter", "month"),
    ("year", "quarter"),
    ("", "year"),
)
UNIT_DAYS = {"day": 1, "week": 7, "month": 28, "quarter": 90, "year": 365}  # shortest period
# Width of the shortest label of each unit ("M", "52", "J", "Q1", "2027") at about 8 pt.
SHORTEST_LABEL = {"day": 10.0, "week": 16.0, "month": 10.0, "quarter": 18.0, "year": 30.0}


def readable_tiers(px_per_day: float, shortest: dict[str, float] | None = None) -> tuple[str, str]:
    """The (upper, lower) units to show: :func:`tiers`, made coarser while the
    lower unit's periods are too narrow for even their shortest label. An empty upper
    unit means one tier is enough (years, when zoomed out the furthest)."""
    shortest = shortest or SHORTEST_LABEL
    pair = tiers(px_per_day)
    for upper, lower in TIER_LADDER[TIER_LADDER.index(pair) :]:
        if UNIT_DAYS[lower] * px_per_day >= shortest[lower]:
            return upper, lower
    return TIER_LADDER[-1]


def fit_zoom(start: dt.date, end: dt.date, width_px: float) -> float:
    """The largest zoom step at which start..end fits in width_px (at least the smallest)."""
    days = max(1, (end - start).days + 1)
    fitting = [z for z in ZOOM_STEPS if z * days <= width_px]
    return fitting[-1] if fitting else ZOOM_STEPS[0]


def step_zoom(px_per_day: float, steps: int) -> float:
    """Move ``steps`` zoom steps in (positive) or out (negative) from the nearest step."""
    nearest = min(range(len(ZOOM_STEPS)), key=lambda i: abs(ZOOM_STEPS[i] - px_per_day))
    return ZOOM_STEPS[max(0, min(len(ZOOM_STEPS) - 1, nearest + steps))]


def unit_start(day: dt.date, unit: str) -> dt.date:
    if unit == "year":
        return dt.date(day.year, 1, 1)
    if unit == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if unit == "month":
        return day.replace(day=1)
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())  # ISO weeks start on Monday
    return day


def next_unit(day: dt.date, unit: str) -> dt.date:
    if unit == "year":
        return dt.date(day.year + 1, 1, 1)
    if unit in ("quarter", "month"):
        months = 3 if unit == "quarter" else 1
        index = day.year * 12 + day.month - 1 + months
        return dt.date(index // 12, index % 12 + 1, 1)
    return day + dt.timedelta(days=7 if unit == "week" else 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def nudge(start: dt.date, end: dt.date, unit: str, steps: int) -> tuple[dt.date, dt.date]:
    """Dates moved by ``steps`` of a time-scale unit (day, week, month, quarter, year).

    Months move by the calendar (the 31st becomes the last day of a shorter
    month); the duration in days is kept either way.
    """
    length = end - start
    if unit in ("day", "week"):
        new_start = start + dt.timedelta(days=steps * (7 if unit == "week" else 1))
    else:
        months = {"month": 1, "quarter": 3, "year": 12}[unit] * steps
        new_start = add_months(start, months)
    return new_start, new_start + length


def unit_label(day: dt.date, unit: str, width_px: float) -> str:
    """A label for the period starting on ``day`` that fits roughly in ``width_px``."""
    if unit == "year":
        return str(day.year)
    if unit == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return f"Q{quarter} {day.year}" if width_px >= 48 else f"Q{quarter}"
    if unit == "month":
        if width_px >= 70:
            return day.strftime("%B %Y")
        return day.strftime("%b") if width_px >= 28 else day.strftime("%b")[0]
    if unit == "week":
        week = day.isocalendar().week
        return f"W{week} · {day.day} {day.strftime('%b')}" if width_px >= 80 else f"W{week}"
    return str(day.day) if width_px >= 14 else ""


@dataclass(frozen=True)
class Tick:
    day: dt.date
    x: float
    width: float
    label: str


def ticks(scale: TimeScale, first: dt.date, last: dt.date, unit: str) -> list[Tick]:
    """One tick per unit period overlapping first..last (inclusive)."""
    found = []
    day = unit_start(first, unit)
    while day <= last:
        following = next_unit(day, unit)
        x0, x1 = scale.x(day), scale.x(following)
        found.append(Tick(day, x0, x1 - x0, unit_label(day, unit, x1 - x0)))
        day = following
    return found


def pack_rows(intervals: Iterable[tuple[int, int, int]]) -> dict[int, int]:
    """Assign each (id, start, finish) a row so no two overlapping intervals share one.

    Interval-partitioning: sweep by start, reuse the lowest-numbered free row.
    Uses the fewest rows possible; ties resolve by id so layout is stable.
    """
    active: list[tuple[int, int]] = []  # (finish, row)
    free: list[int] = []
    rows: dict[int, int] = {}
    count = 0
    for item_id, start, finish in sorted(intervals, key=lambda i: (i[1], i[0])):
        while active and active[0][0] <= start:
            heapq.heappush(free, heapq.heappop(active)[1])
        if free:
            row = heapq.heappop(free)
        else:
            row, count = count, count + 1
        rows[item_id] = row
        heapq.heappush(active, (max(finish, start + 1), row))
    return rows


@dataclass(frozen=True)
class LaneBox:
    lane_id: int
    top: float
    height: float
    rows: int
    collapsed: bool


def stack_lanes(
    lanes: Sequence[tuple[int, int, bool]],
    row_height: float,
    padding: float,
    collapsed_height: float,
) -> list[LaneBox]:
    """Stack (lane id, row count, collapsed) top to bottom; an empty lane keeps one row."""
    boxes = []
    top = 0.0
    for lane_id, rows, collapsed in lanes:
        height = collapsed_height if collapsed else max(1, rows) * row_height + 2 * padding
        boxes.append(LaneBox(lane_id, top, height, rows, collapsed))
        top += height
    return boxes
