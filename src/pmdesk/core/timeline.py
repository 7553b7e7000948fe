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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True)
class Tick:
    """A period of the time scale: its first day, and its x and width on the scale (its
    name is :func:`tier_labels`'s, chosen with its tier's)."""

    day: dt.date
    x: float
    width: float


def ticks(scale: TimeScale, first: dt.date, last: dt.date, unit: str) -> list[Tick]:
    """One tick per unit period overlapping first..last (inclusive)."""
    found = []
    day = unit_start(first, unit)
    while day <= last:
        following = next_unit(day, unit)
        x0, x1 = scale.x(day), scale.x(following)
        found.append(Tick(day, x0, x1 - x0))
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


# -- the time scale's names: the screen's header and the paper's draw from these ------------


@lru_cache(maxsize=8192)
def label_choices(day: dt.date, unit: str) -> tuple[str, ...]:
    """Names for the period starting on ``day``, longest first; the header picks what fits."""
    if unit == "year":
        return (str(day.year),)
    if unit == "quarter":
        quarter = f"Q{(day.month - 1) // 3 + 1}"
        return (f"{quarter} {day.year}", f"{quarter} ’{day.year % 100:02d}", quarter)
    if unit == "month":
        return (
            day.strftime("%B %Y"),
            day.strftime("%b %Y"),
            day.strftime("%b"),
            day.strftime("%b")[0],
        )
    if unit == "week":
        week = day.isocalendar().week
        return (
            f"Week {week} · {day.day} {day:%b}",
            f"W{week} · {day.day} {day:%b}",
            f"W{week}",
            str(week),
        )
    return (f"{day:%a} {day.day}", str(day.day), day.strftime("%a")[0])


QUARTER_DAYS = 90  # the shortest quarter


def years_over_quarters(
    upper: str, lower: str, px_per_day: float, year_width: float, padding: float
) -> tuple[str, str]:
    """The tiers, with the years above the quarters when a quarter is too narrow to name
    its year (zoomed out, a small projector, a narrow page): the scale still says which
    year it is."""
    if upper == "quarter" and QUARTER_DAYS * px_per_day < year_width + padding:
        return "year", "quarter"
    return upper, lower


def names_year(text: str, year: int) -> bool:
    """Whether a period's name says its year, in full or as ’26."""
    return str(year) in text or f"’{year % 100:02d}" in text


def _one_form(
    choices: list[tuple[str, ...]], rooms: list[float], width_of: Callable[[str], float]
) -> list[str] | None:
    """The names in the longest form (by its place in each period's choices) that fits every
    period's room; None when even the shortest does not fit one."""
    for form in range(max((len(c) for c in choices), default=0)):
        # (checked before the names are listed: most forms fail at the first period)
        if all(
            width_of(c[min(form, len(c) - 1)]) <= room
            for c, room in zip(choices, rooms, strict=True)
        ):
            return [c[min(form, len(c) - 1)] for c in choices]
    return None


def says_years(labels: Sequence[str], found: Sequence[Tick]) -> bool:
    """Whether a tier's names say a year anywhere: the tier below then need not."""
    return any(
        text and names_year(text, tick.day.year) for text, tick in zip(labels, found, strict=True)
    )


def tier_labels(
    found: Sequence[Tick],
    unit: str,
    width_of: Callable[[str], float],
    padding: float,
    *,
    with_year: bool = False,
    years_above: bool = False,
    first_room: float | None = None,
) -> list[str]:
    """One form for the whole tier (the longest that fits every period), not a mix.

    ``with_year`` (a room, which has no other clue): every period names its year, in
    full or as ’26, when one such form fits them all. Otherwise, and on a screen, the
    first period shown and the first of each year say more (their year), in the
    longest way that fits, so short forms such as “Q1” still tell the year; not under a
    tier that names the years already (``years_above``: :func:`says_years`).
    ``first_room``: what of the first period's room is shown (it may be scrolled or cut
    partly out); when its name cannot say its year there, the next period does.
    """
    choices = [label_choices(tick.day, unit) for tick in found]
    rooms = [tick.width - padding for tick in found]
    if years_above:  # the tier above names the years: these need not (Jul under Q3 2026)
        choices = [
            tuple(c for c in forms if not names_year(c, tick.day.year)) or forms
            for forms, tick in zip(choices, found, strict=True)
        ]
    if with_year:
        dated = [
            tuple(c for c in forms if names_year(c, tick.day.year)) or forms
            for forms, tick in zip(choices, found, strict=True)
        ]
        every_dated = _one_form(dated, rooms, width_of)
        if every_dated is not None:
            return every_dated
    texts = _one_form(choices, rooms, width_of)
    if texts is None:
        return [""] * len(found)
    if unit in ("week", "month", "quarter") and not years_above:
        due = True  # the first period whose name is seen says its year
        for n, tick in enumerate(found):
            year, room = tick.day.year, rooms[n]
            if n == 0 and first_room is not None:
                room = min(room, first_room)
            due = due or (n > 0 and year != found[n - 1].day.year)
            if not due:
                continue
            if names_year(texts[n], year):
                due = False
                continue
            longer = [f"{texts[n]} {year}"]
            if unit == "quarter":  # a quarter's column is wide enough for its year
                longer += [f"{texts[n]} ’{year % 100:02d}", str(year)]
            said = next((t for t in longer if width_of(t) <= room), None)
            if said is not None:
                texts[n], due = said, False
    return texts


def clear_of_tags(
    left: float, right: float, width: float, tags: Sequence[tuple[float, float]], margin: float
) -> float | None:
    """Where a period's name ``width`` wide is centred, its period running from ``left`` to
    ``right``, clear of the tags laid over its tier (today's, each from its left to its
    right): the period's middle when no tag covers that, else the point nearest it in a
    part of the period the tags leave free that holds the name with ``margin`` either side;
    None when no part does (the tag says where the reader is; the neighbours name theirs)."""
    middle, half = (left + right) / 2, width / 2 + margin
    if all(b <= middle - half or a >= middle + half for a, b in tags):
        return middle
    free, start = [], left
    for a, b in sorted(tags):
        if a > start:
            free.append((start, min(a, right)))
        start = max(start, b)
    if start < right:
        free.append((start, right))
    fits = [min(max(middle, s + half), e - half) for s, e in free if e - s >= 2 * half]
    return min(fits, key=lambda x: abs(x - middle), default=None)


def cut_name(
    name: str,
    day: dt.date,
    unit: str,
    room: float,
    width_of: Callable[[str], float],
    *,
    years_above: bool = False,
    with_year: bool = False,
) -> str:
    """The name of a period cut by an edge (a page's, a slide's, the screen's), which may
    leave it less room than :func:`tier_labels` chose its tier's names for: ``name`` where
    it fits ``room``, else the longest of the period's other names that fits (one saying
    its year where ``name`` did and one such fits: "Q2 ’26" for "Q2 2026"), else "" —
    never a name cut short ("Q2 2…"). ``with_year`` (a room): only a name that says its
    year, as the tier's others do."""
    if width_of(name) <= room:
        return name
    forms = label_choices(day, unit)
    if years_above:
        forms = tuple(form for form in forms if not names_year(form, day.year)) or forms
    fitting = [form for form in forms if width_of(form) <= room]
    dated = [form for form in fitting if names_year(form, day.year)]
    if not names_year(name, day.year):
        return next(iter(fitting), "")
    return next(iter(dated if with_year else dated or fitting), "")
