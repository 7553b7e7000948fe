"""The bulk helpers the roadmap chart uses when a plan opens give what the plain ones give."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from pmdesk.core.enums import DependencyType, ItemKind
from pmdesk.core.scheduling import (
    Link,
    LiveSchedule,
    Task,
    TaskDays,
    _Days,
    broken_links,
    schedule,
    task_duration,
    task_from_dates,
    violations,
)
from pmdesk.core.working_calendar import CalendarException, WorkingCalendar

CALENDARS = [
    None,
    WorkingCalendar(),
    WorkingCalendar(weekdays=0b1111111),
    WorkingCalendar(
        weekdays=0b0011110,  # Tuesday to Friday
        exceptions=(
            CalendarException(dt.date(2026, 12, 24), dt.date(2027, 1, 1)),
            CalendarException(dt.date(2027, 2, 6), dt.date(2027, 2, 6), working=True),
        ),
    ),
]


def _plan(seed: int, items: int = 400, links: int = 600) -> tuple[list[Task], list[Link]]:
    rng = random.Random(seed)
    first = dt.date(2026, 11, 1).toordinal()
    tasks = [
        Task(i, first + rng.randrange(200), 0 if rng.random() < 0.2 else rng.randrange(1, 30))
        for i in range(items)
    ]
    kinds = list(DependencyType)
    found = [
        Link(
            rng.randrange(items + 5),  # a few ends that are not among the tasks
            rng.randrange(items),
            rng.choice(kinds),
            rng.randrange(-5, 10),
            rng.random() < 0.5,
        )
        for _ in range(links)
    ]
    return tasks, found


def _reference(tasks, links, calendar) -> list[tuple[Link, int]]:
    """Each link checked on its own with the scheduler's day arithmetic."""
    days = _Days(calendar)
    by_id = {t.id: t for t in tasks}
    found = []
    for link in links:
        pred, succ = by_id.get(link.pred), by_id.get(link.succ)
        if pred is None or succ is None:
            continue
        span = (pred.start, days.finish(pred.start, pred.duration))
        needed = days.required_start(link, span, succ.duration)
        if succ.start < needed:
            found.append((link, days.roll(needed) - succ.start))
    return found


@pytest.mark.parametrize("calendar", CALENDARS, ids=["none", "mon-fri", "every day", "odd"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_broken_links_match_each_link_checked_alone(calendar, seed):
    tasks, links = _plan(seed)
    expected = _reference(tasks, links, calendar)
    assert expected  # the plans do break links
    assert broken_links({t.id: t for t in tasks}, links, calendar) == expected
    assert [(v.link, v.days) for v in violations(tasks, links, calendar)] == expected


@pytest.mark.parametrize("calendar", CALENDARS, ids=["none", "mon-fri", "every day", "odd"])
def test_task_days_match_task_from_dates(calendar):
    rng = random.Random(7)
    made = TaskDays(calendar)
    for item_id in range(2000):
        start = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randrange(-60, 400))
        end = start + dt.timedelta(days=rng.randrange(0, 90))
        milestone = rng.random() < 0.1
        expected = task_from_dates(item_id, start, end, milestone, calendar)
        assert made.task(item_id, start, end, milestone) == expected
        first, last = start.toordinal(), end.toordinal()
        assert made.duration(first, last, milestone) == task_duration(
            first, last, milestone, calendar
        )


def test_tasks_and_links_compare_and_hash_by_value():
    assert Task(1, 10, 3) == Task(1, 10, 3) and len({Task(1, 10, 3), Task(1, 10, 3)}) == 1
    link = Link(1, 2, DependencyType.START_TO_START, 2, False)
    assert link == Link(1, 2, DependencyType.START_TO_START, 2, False)
    assert hash(link) == hash(Link(1, 2, DependencyType.START_TO_START, 2, False))
    assert link != Link(1, 2)


class _Row:
    def __init__(self, item_id, kind, start, end):
        self.id, self.kind, self.start, self.end = item_id, kind, start, end


@pytest.mark.parametrize("calendar", CALENDARS, ids=["none", "mon-fri", "every day", "odd"])
def test_tasks_in_one_go_match_one_by_one(calendar):
    rng = random.Random(11)
    rows = []
    for item_id in range(1500):
        start = dt.date(2026, 12, 1) + dt.timedelta(days=rng.randrange(-60, 400))
        kind = ItemKind.MILESTONE if rng.random() < 0.1 else ItemKind.FEATURE
        end = start + dt.timedelta(days=rng.randrange(0, 90))
        rows.append(_Row(item_id, kind, start, end))
    made = TaskDays(calendar).tasks([*rows, None])
    assert made == {
        r.id: task_from_dates(r.id, r.start, r.end, r.kind is ItemKind.MILESTONE, calendar)
        for r in rows
    }


def _acyclic(tasks: list[Task], links: list[Link]) -> list[Link]:
    """The links that go forward in id order and join two tasks: a plan without cycles."""
    ids = {t.id for t in tasks}
    return [link for link in links if link.pred < link.succ and link.pred in ids]


@pytest.mark.parametrize("calendar", CALENDARS, ids=["none", "mon-fri", "every day", "odd"])
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_live_schedule_moved_matches_a_whole_pass(calendar, seed):
    """Tasks moved and resized, a few at a time (a drag, an undo, a side panel's dates, the
    plan's last task pushing the finish): the live schedule's every timing and finish are
    what a whole new pass gives, and it names exactly the tasks whose timing changed."""
    rng = random.Random(seed)
    tasks, links = _plan(seed, items=300, links=450)
    links = _acyclic(tasks, links)
    live = LiveSchedule(tasks, links, calendar=calendar)
    current = {t.id: t for t in tasks}
    for _step in range(40):
        before = {i: live.timing(i) for i in current}
        moved = []
        for i in rng.sample(sorted(current), rng.choice([1, 1, 2, 5])):
            old = current[i]
            start = old.start + rng.randrange(-20, 40)
            duration = old.duration if rng.random() < 0.6 else rng.randrange(0, 40)
            current[i] = Task(i, start, duration)
            moved.append(current[i])
        changed = live.move(moved)
        whole = schedule(current.values(), links, calendar=calendar)
        assert live.finish == whole.finish
        assert {i: live.timing(i) for i in current} == whole.timings
        assert changed == {i for i in current if before[i] != whole.timings[i]}
    with pytest.raises(KeyError):
        live.move([Task(10_000, 0, 1)])


def test_a_live_schedule_keeps_its_finish_as_the_tasks_ending_on_it_move():
    """The finish is kept from the moved tasks alone: three tasks end on it, each pulled
    earlier in turn (the finish holds until the last goes, then falls to the next latest),
    one pushed past it, and one brought back onto it; every step against a whole pass."""
    current = {i: Task(i, 0, 10) for i in (1, 2, 3)} | {4: Task(4, 0, 6), 5: Task(5, 8, 0)}
    links = [Link(4, 5)]
    live = LiveSchedule(current.values(), links)
    steps = [Task(1, 0, 4), Task(2, 0, 5), Task(3, 0, 2), Task(1, 0, 30), Task(2, 0, 30)]
    steps += [Task(1, 0, 1), Task(2, 0, 1), Task(5, 0, 0)]
    for task in steps:
        current[task.id] = task
        live.move([task])
        whole = schedule(current.values(), links)
        assert live.finish == whole.finish
        assert {i: live.timing(i) for i in current} == whole.timings
