"""Working time: which days are worked, for how long, and day arithmetic over them.

A :class:`WorkingCalendar` is the workspace's (or one product's) calendar: the
working weekdays, the working hours of a day, and exceptions — holidays (days
off on a working weekday) and extra working days (a Saturday release). Days are
``date.toordinal()`` numbers, as in :mod:`pmdesk.core.scheduling`, and spans are
half-open ``[first, after)``.

Counting is arithmetic on whole weeks plus the exceptions that fall in the span,
so ``working_between`` is O(exceptions in range) and ``add_working`` is a binary
search over it: fast enough to schedule 20,000 items.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONDAY_TO_FRIDAY = 0b0011111  # bit 0 is Monday
EVERY_DAY = 0b1111111
DAY_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class CalendarException:
    """Days that differ from the week: a holiday (``working`` False) or extra working days."""

    first: dt.date
    last: dt.date  # inclusive
    working: bool = False
    name: str = ""


@dataclass(frozen=True)
class WorkingCalendar:
    weekdays: int = MONDAY_TO_FRIDAY
    day_start: int = 9 * 60  # minutes after midnight
    day_end: int = 17 * 60
    minutes_per_day: int = 8 * 60  # working minutes of a day (the hours less any break)
    exceptions: tuple[CalendarException, ...] = field(default=())

    # -- the shape of a day and a week ------------------------------------------------

    def works_on_weekday(self, weekday: int) -> bool:
        """Monday is 0, as ``date.weekday()``."""
        return bool(self.weekdays >> weekday & 1)

    @property
    def every_day_works(self) -> bool:
        """True for a calendar in which days are plain calendar days."""
        return self.weekdays == EVERY_DAY and not any(not e.working for e in self.exceptions)

    @cached_property
    def _week_prefix(self) -> tuple[int, ...]:
        """_week_prefix[k]: working weekdays among the first k days of a Monday week."""
        counts = [0]
        for weekday in range(7):
            counts.append(counts[-1] + self.works_on_weekday(weekday))
        return tuple(counts)

    @cached_property
    def _overrides(self) -> tuple[list[int], list[int]]:
        """Sorted days whose working state differs from their weekday, and +1/-1 for each.

        Later exceptions win over earlier ones on a day they share, as in MS Project
        where the last exception entered applies.
        """
        # Painted last first, each day once: a day already painted is skipped in O(1)
        # amortised (``skip`` points past painted runs), so ten thousand overlapping
        # century-long exceptions from a hostile file cost what the days they cover cost.
        state: dict[int, bool] = {}
        skip: dict[int, int] = {}

        def unpainted(day: int) -> int:
            path = []
            while day in skip:
                path.append(day)
                day = skip[day]
            for visited in path:
                skip[visited] = day
            return day

        for exception in reversed(self.exceptions):
            last = exception.last.toordinal()
            day = unpainted(exception.first.toordinal())
            while day <= last:
                state[day] = exception.working
                skip[day] = day + 1
                day = unpainted(day + 1)
        days, deltas = [], []
        for day in sorted(state):
            usual = self.works_on_weekday((day - 1) % 7)
            if state[day] != usual:
                days.append(day)
                deltas.append(1 if state[day] else -1)
        return days, deltas

    @cached_property
    def _override_prefix(self) -> list[int]:
        prefix = [0]
        for delta in self._overrides[1]:
            prefix.append(prefix[-1] + delta)
        return prefix

    # -- single days ------------------------------------------------------------------

    def is_working(self, day: int) -> bool:
        days, deltas = self._overrides
        at = bisect.bisect_left(days, day)
        if at < len(days) and days[at] == day:
            return deltas[at] > 0
        return self.works_on_weekday((day - 1) % 7)

    def is_working_date(self, day: dt.date) -> bool:
        return self.is_working(day.toordinal())

    @property
    def has_working_days(self) -> bool:
        return self.weekdays != 0 or any(e.working for e in self.exceptions)

    def next_working(self, day: int) -> int:
        """``day`` itself if it is worked, else the first working day after it.

        Where no working day comes within _WALK_DAYS (a calendar of holidays), the day
        itself: a plan is never thrown years ahead by a calendar that barely works.
        """
        return self._walk(day, 1)

    def previous_working(self, day: int) -> int:
        """``day`` itself if it is worked, else the last working day before it."""
        return self._walk(day, -1)

    def _walk(self, day: int, step: int) -> int:
        if not self.has_working_days:
            return day
        if not self._week_prefix[7]:  # only extra working days work: the nearest one
            days = self._overrides[0]
            if step > 0:
                at = bisect.bisect_left(days, day)
                found = days[at] if at < len(days) else None
            else:
                at = bisect.bisect_right(days, day)
                found = days[at - 1] if at else None
            if found is None or abs(found - day) > _WALK_DAYS:
                return day
            return found
        current = day
        for _ in range(_WALK_DAYS):
            if self.is_working(current):
                return current
            current += step
        return day

    # -- spans ------------------------------------------------------------------------

    def _weekly(self, day: int) -> int:
        """Working weekdays in [epoch, day) where the epoch is ordinal 1 (a Monday)."""
        weeks, rest = divmod(day - 1, 7)
        return weeks * self._week_prefix[7] + self._week_prefix[rest]

    def _cumulative(self, day: int) -> int:
        """Working days in [epoch, day), exceptions included."""
        at = bisect.bisect_left(self._overrides[0], day)
        return self._weekly(day) + self._override_prefix[at]

    def working_between(self, first: int, after: int) -> int:
        """Working days in ``[first, after)``; negative when ``after`` is before ``first``."""
        return self._cumulative(after) - self._cumulative(first)

    def add_working(self, boundary: int, count: int) -> int:
        """The day boundary ``count`` working days after ``boundary`` (before it, if negative).

        Forwards: the smallest ``x`` with ``count`` working days in ``[boundary, x)``, so
        ``add_working(start, duration)`` is the day after the last one worked. Backwards:
        the largest ``x`` with ``-count`` working days in ``[x, boundary)``, the start of a
        task that must finish by ``boundary``. A calendar without any working day counts
        calendar days, so nothing can loop forever.
        """
        if count == 0:
            return boundary
        key = (boundary, count)
        found = self._added.get(key)
        if found is None:
            found = self._added[key] = self._add_working(boundary, count)
        return found

    @cached_property
    def _added(self) -> dict[tuple[int, int], int]:
        """add_working's answers: a plan asks the same few (start, duration) pairs again and again."""
        return {}

    def _add_working(self, boundary: int, count: int) -> int:
        if not self.has_working_days:
            return boundary + count
        target = self._cumulative(boundary) + count
        if count > 0:  # the smallest x with `target` working days before it
            return self._first_reaching(target, boundary)
        # the largest x with at most `target` working days before it
        return self._first_reaching(target + 1, boundary) - 1

    def _first_reaching(self, target: int, near: int) -> int:
        """The smallest day boundary ``x`` with ``_cumulative(x) >= target``.

        Whole-week arithmetic gives the answer for the weekdays alone; the exceptions
        before it shift the target, and a few rounds settle it. A calendar that works
        no weekday, or exceptions that keep it moving, fall back to a binary search.
        """
        per_week = self._week_prefix[7]
        if per_week:
            days, _deltas = self._overrides
            prefix = self._override_prefix
            x = near
            for _ in range(8):
                shifted = target - prefix[bisect.bisect_left(days, x)]
                weeks, nth = divmod(shifted - 1, per_week)
                x = 7 * weeks + self._nth_weekday[nth] + 2  # the day after that weekday
                if self._cumulative(x) >= target > self._cumulative(x - 1):
                    return x
        return self._search(target, near)

    @cached_property
    def _nth_weekday(self) -> tuple[int, ...]:
        """_nth_weekday[n]: the weekday (Monday 0) of a week's (n + 1)-th working weekday."""
        return tuple(i for i in range(7) if self.works_on_weekday(i))

    def _search(self, target: int, near: int) -> int:
        """Binary search for the smallest x with ``_cumulative(x) >= target``."""
        step = 7 * (abs(target - self._cumulative(near)) + 2) + self._span_slack()
        low, high = near - step, near + step
        for _ in range(_SEARCH_STEPS):
            if self._cumulative(high) >= target:
                break
            high += step + 366
        else:  # no working days ahead at all (holidays to the end of time)
            return near + target - self._cumulative(near)
        for _ in range(_SEARCH_STEPS):
            if self._cumulative(low) < target:
                break
            low -= step + 366
        else:
            return near + target - self._cumulative(near)
        while low < high:
            middle = (low + high) // 2
            if self._cumulative(middle) >= target:
                high = middle
            else:
                low = middle + 1
        return low

    def _span_slack(self) -> int:
        """Extra days a search window needs when exceptions take working days away."""
        return len(self._overrides[0]) + 7

    def non_working_runs(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Runs of consecutive days off in ``[first, last]`` (both inclusive), for shading."""
        runs: list[tuple[dt.date, dt.date]] = []
        start = None
        day = first.toordinal()
        end = last.toordinal()
        while day <= end:
            if not self.is_working(day):
                if start is None:
                    start = day
            elif start is not None:
                runs.append((dt.date.fromordinal(start), dt.date.fromordinal(day - 1)))
                start = None
            day += 1
        if start is not None:
            runs.append((dt.date.fromordinal(start), dt.date.fromordinal(end)))
        return runs

    def holiday_on(self, day: dt.date) -> str | None:
        """The name of the exception that makes ``day`` a day off, if any."""
        name = None
        for exception in self.exceptions:
            if exception.first <= day <= exception.last:
                name = None if exception.working else (exception.name or "Holiday")
        return name

    # -- words ------------------------------------------------------------------------

    def describe(self) -> str:
        """ "Mon–Fri, 09:00–17:00 (8 h), 3 holidays" — for a status line or a PDF."""
        days = [WEEKDAY_SHORT[i] for i in range(7) if self.works_on_weekday(i)]
        if days and _contiguous([i for i in range(7) if self.works_on_weekday(i)]):
            week = days[0] if len(days) == 1 else f"{days[0]}–{days[-1]}"
        else:
            week = ", ".join(days) or "no working weekdays"
        hours = f"{_clock(self.day_start)}–{_clock(self.day_end)}"
        text = f"{week}, {hours} ({_hours(self.minutes_per_day)})"
        off = sum(1 for e in self.exceptions if not e.working)
        extra = sum(1 for e in self.exceptions if e.working)
        if off:
            text += f", {off} holiday{'s' if off != 1 else ''}"
        if extra:
            text += f", {extra} extra working day{'s' if extra != 1 else ''}"
        return text


CALENDAR_DAYS = WorkingCalendar(weekdays=EVERY_DAY)
# How far add_working looks for working days before it gives up and counts calendar days:
# beyond three centuries, further than any date pmdesk accepts.
_SEARCH_STEPS = 300
# How far a start rolls on to find a working day: a year and a season of days off at most.
_WALK_DAYS = 500


def _contiguous(indexes: list[int]) -> bool:
    return indexes == list(range(indexes[0], indexes[-1] + 1))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if not rest else f"{hours} h {rest:02d}"


def day_off(calendar: WorkingCalendar, day: dt.date) -> str:
    """Why ``day`` is not worked ("Christmas Day", "a Saturday"); "" when it is."""
    if calendar.is_working_date(day):
        return ""
    return calendar.holiday_on(day) or f"a {WEEKDAY_NAMES[day.weekday()]}"


def weekdays_mask(days: list[int] | tuple[int, ...]) -> int:
    """The bit mask of the given weekdays (Monday 0)."""
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def check_calendar(weekdays: int, day_start: int, day_end: int, minutes_per_day: int) -> str | None:
    """What is wrong with these working hours, in words; None when they are fine."""
    if not 0 <= weekdays <= EVERY_DAY:
        return "the working weekdays are not a set of days"
    if not 0 <= day_start < day_end <= DAY_MINUTES:
        return "the working day must end after it starts, within one day"
    if not 0 < minutes_per_day <= day_end - day_start:
        return "the working minutes of a day must fit between its start and its end"
    return None
