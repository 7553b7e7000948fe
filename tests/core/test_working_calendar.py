"""Working-day arithmetic, checked against counting day by day, and scheduling over it."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from pmdesk.core.enums import DependencyType
from pmdesk.core.scheduling import Link, Task, schedule, task_from_dates, violations
from pmdesk.core.working_calendar import (
    CALENDAR_DAYS,
    CalendarException,
    WorkingCalendar,
    check_calendar,
)

MON = dt.date(2027, 3, 1)  # a Monday
D = dt.timedelta


def _day(offset: int) -> int:
    return (MON + D(days=offset)).toordinal()


def _naive_between(cal: WorkingCalendar, first: int, after: int) -> int:
    if after < first:
        return -_naive_between(cal, after, first)
    return sum(cal.is_working(d) for d in range(first, after))


def _naive_is_working(cal: WorkingCalendar, day: int) -> bool:
    state = cal.works_on_weekday(dt.date.fromordinal(day).weekday())
    for e in cal.exceptions:
        if e.first.toordinal() <= day <= e.last.toordinal():
            state = e.working
    return state


CALENDARS = [
    WorkingCalendar(),
    CALENDAR_DAYS,
    WorkingCalendar(weekdays=0b1011111),  # Mon–Fri and Sun
    WorkingCalendar(weekdays=0b0000001),  # Mondays only
    WorkingCalendar(
        exceptions=(
            CalendarException(MON + D(days=4), MON + D(days=4), False, "Good Friday"),
            CalendarException(MON + D(days=5), MON + D(days=5), True, "Launch Saturday"),
            CalendarException(MON + D(days=20), MON + D(days=33), False, "Plant shutdown"),
            CalendarException(MON + D(days=25), MON + D(days=25), True, "Release day"),
        )
    ),
]


@pytest.mark.parametrize("cal", CALENDARS, ids=lambda c: c.describe())
def test_counting_and_adding_agree_with_walking_day_by_day(cal):
    rng = random.Random(7)
    for day in range(_day(-10), _day(60)):
        assert cal.is_working(day) == _naive_is_working(cal, day)
    for _ in range(400):
        first = _day(rng.randint(-20, 50))
        after = first + rng.randint(-15, 40)
        assert cal.working_between(first, after) == _naive_between(cal, first, after)
        count = rng.randint(-12, 12)
        moved = cal.add_working(first, count)
        assert cal.working_between(first, moved) == count
        if count > 0:  # smallest such boundary: the day before it is worked
            assert cal.is_working(moved - 1)
        elif count < 0:  # largest such boundary: it is a working day itself
            assert cal.is_working(moved)


def test_next_and_previous_working_day_skip_weekends_and_holidays():
    cal = CALENDARS[4]
    friday = _day(4)  # Good Friday is off, Saturday is an extra working day
    assert cal.next_working(friday) == _day(5)
    assert cal.previous_working(friday) == _day(3)
    assert cal.holiday_on(MON + D(days=4)) == "Good Friday"
    assert cal.holiday_on(MON + D(days=25)) is None  # a working exception inside the shutdown
    runs = cal.non_working_runs(MON, MON + D(days=13))
    assert runs == [
        (MON + D(days=4), MON + D(days=4)),
        (MON + D(days=6), MON + D(days=6)),
        (MON + D(days=12), MON + D(days=13)),
    ]


def test_a_calendar_without_working_days_counts_calendar_days_and_never_loops():
    cal = WorkingCalendar(weekdays=0)
    assert cal.add_working(_day(0), 5) == _day(5)
    assert cal.next_working(_day(0)) == _day(0)


def test_describe_reads_like_a_settings_line():
    assert WorkingCalendar().describe() == "Mon–Fri, 09:00–17:00 (8 h)"
    text = CALENDARS[4].describe()
    assert text.startswith("Mon–Fri") and "2 holidays" in text and "2 extra working days" in text


def test_check_calendar_names_the_problem():
    assert check_calendar(31, 540, 1020, 480) is None
    assert "end after it starts" in check_calendar(31, 1020, 540, 480)
    assert "fit between" in check_calendar(31, 540, 1020, 600)
    assert "weekdays" in check_calendar(300, 540, 1020, 480)


def test_a_working_lag_skips_the_weekend_and_an_elapsed_lag_does_not():
    cal = WorkingCalendar()
    pred = task_from_dates(1, MON, MON + D(days=3), calendar=cal)  # Mon–Thu: 4 working days
    succ = task_from_dates(2, MON, MON, calendar=cal)
    working = schedule([pred, succ], [Link(1, 2, lag=2, elapsed=False)], calendar=cal)
    assert dt.date.fromordinal(working.timings[2].early_start) == MON + D(
        days=8
    )  # Tuesday: Friday and Monday are the lag
    elapsed = schedule([pred, succ], [Link(1, 2, lag=2, elapsed=True)], calendar=cal)
    # Friday + 2 calendar days is Sunday, which rolls on to Monday.
    assert dt.date.fromordinal(elapsed.timings[2].early_start) == MON + D(days=7)


def test_a_pushed_task_keeps_its_working_days_across_a_weekend_and_a_holiday():
    cal = CALENDARS[4]
    pred = task_from_dates(1, MON, MON + D(days=2), calendar=cal)  # Mon–Wed
    succ = task_from_dates(2, MON, MON + D(days=2), calendar=cal)  # 3 working days
    result = schedule([pred, succ], [Link(1, 2)], calendar=cal)
    timing = result.timings[2]
    assert dt.date.fromordinal(timing.early_start) == MON + D(days=3)  # Thursday
    # Thu, (Good Friday off), Saturday (worked), (Sunday off), Monday: finishes Monday.
    assert dt.date.fromordinal(timing.early_finish - 1) == MON + D(days=7)
    assert result.critical_path() == [1, 2]


@pytest.mark.parametrize("kind", list(DependencyType))
def test_with_every_day_working_the_calendar_changes_nothing(kind):
    rng = random.Random(kind.value)
    for _ in range(50):
        tasks = [Task(i, _day(rng.randint(0, 30)), rng.randint(0, 6)) for i in range(1, 6)]
        links = [Link(i, i + 1, kind, rng.randint(-3, 5), elapsed=False) for i in range(1, 5)]
        plain = schedule(tasks, links)
        assert schedule(tasks, links, calendar=CALENDAR_DAYS) == plain
        assert violations(tasks, links, CALENDAR_DAYS) == violations(tasks, links)


def test_a_successor_starting_monday_after_a_friday_finish_is_no_violation():
    cal = WorkingCalendar()
    pred = task_from_dates(1, MON, MON + D(days=4), calendar=cal)  # Mon–Fri
    succ = task_from_dates(2, MON + D(days=7), MON + D(days=8), calendar=cal)
    assert violations([pred, succ], [Link(1, 2, lag=0, elapsed=False)], cal) == []
    assert violations([pred, succ], [Link(1, 2, lag=1, elapsed=False)], cal) != []


def test_a_hostile_calendar_answers_at_once():
    """Ten thousand century-long exceptions, and one that takes every working day away."""
    everything = CalendarException(dt.date(1900, 1, 1), dt.date(2199, 12, 31), False, "All")
    crowded = WorkingCalendar(
        exceptions=tuple(
            CalendarException(dt.date(1900, 1, 1), dt.date(2199, 12, 31), i % 2 == 0, "x")
            for i in range(10_000)
        )
        + (everything,)
    )
    day = MON.toordinal()
    assert not crowded.is_working(day)
    # The first working days are after 2199 (or before 1900): found, not searched forever.
    assert crowded.add_working(day, 10) > dt.date(2199, 12, 31).toordinal()
    assert crowded.add_working(day, -10) < dt.date(1900, 1, 1).toordinal()
    nothing = WorkingCalendar(weekdays=0, exceptions=(everything,))
    assert nothing.add_working(day, 10) == day + 10  # no working day at all: calendar days
    assert crowded.next_working(day) >= day


def test_a_calendar_that_barely_works_never_throws_a_start_years_ahead():
    only_extra = WorkingCalendar(
        weekdays=0, exceptions=(CalendarException(MON + D(days=10), MON + D(days=10), True, "x"),)
    )
    assert only_extra.next_working(_day(0)) == _day(10)
    assert only_extra.previous_working(_day(20)) == _day(10)
    assert only_extra.next_working(_day(11)) == _day(11)  # none after it: the day itself
    closed = WorkingCalendar(
        exceptions=(CalendarException(dt.date(1900, 1, 1), dt.date(2199, 12, 31), False, "x"),)
    )
    assert closed.next_working(_day(0)) == _day(0)
