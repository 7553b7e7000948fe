"""Critical-path scheduling over roadmap dependencies, in pure Python.

Days are counted as ``date.toordinal()``. An item occupies ``[start, finish)``
where ``finish = end_date + 1`` (dates are inclusive), so a milestone has
``finish == start``. A dependency ``pred -> succ`` with lag ``L`` (negative is
a lead) requires:

* FS: ``succ.start  >= pred.finish + L``
* SS: ``succ.start  >= pred.start  + L``
* FF: ``succ.finish >= pred.finish + L``
* SF: ``succ.finish >= pred.start  + L``

Each item's planned start is a "start no earlier than" constraint: the forward
pass pushes items later where their predecessors demand it, never earlier. The
backward pass runs from the latest finish of the plan; total float is how far
an item can slip without moving that finish, and the critical path is the items
with no float.

With a :class:`~pmdesk.core.working_calendar.WorkingCalendar` a task's duration
is its working days, a working-time lag (``Link.elapsed`` False) counts working
days, an elapsed lag calendar days, and a start a link pushes later rolls on to
the next working day. Without one every day is a working day.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from heapq import heapify, heappop, heappush
from typing import Protocol

from .enums import DependencyType, ItemKind
from .errors import ValidationError
from .working_calendar import WorkingCalendar


# Tasks and links are not frozen (none is changed once made): opening a 100,000-item plan
# makes tens of thousands of each, three times faster without frozen's per-field guard;
# they compare and hash by value all the same.
@dataclass(slots=True, unsafe_hash=True)
class Task:
    id: int
    start: int  # ordinal day
    duration: int  # days; 0 for a milestone


@dataclass(slots=True, unsafe_hash=True)
class Link:
    pred: int
    succ: int
    type: DependencyType = DependencyType.FINISH_TO_START
    lag: int = 0
    elapsed: bool = True  # False: the lag counts working days of the calendar


class _Dated(Protocol):
    """What :meth:`TaskDays.tasks` reads of an item (the chart's rows)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> ItemKind: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...


class _LinkLike(Protocol):
    """What :func:`broken_links` reads of a link (a :class:`Link`, or a row with its fields)."""

    @property
    def pred(self) -> int: ...
    @property
    def succ(self) -> int: ...
    @property
    def type(self) -> DependencyType: ...
    @property
    def lag(self) -> int: ...
    @property
    def elapsed(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Timing:
    early_start: int
    early_finish: int
    late_start: int
    late_finish: int

    @property
    def total_float(self) -> int:
        return self.late_start - self.early_start

    @property
    def critical(self) -> bool:
        return self.total_float <= 0


@dataclass(frozen=True)
class Schedule:
    timings: dict[int, Timing]
    finish: int  # latest early finish of the plan (ordinal, exclusive)
    order: tuple[int, ...]  # a topological order of the items

    def critical_path(self) -> list[int]:
        return [i for i in self.order if self.timings[i].critical]


class CycleError(ValidationError):
    def __init__(self, cycle: list[int], names: Mapping[int, str] | None = None) -> None:
        self.cycle = cycle
        label = " → ".join((names or {}).get(i, str(i)) for i in cycle)
        super().__init__("dependencies", f"they form a cycle: {label}")


def task_duration(
    first: int, last: int, milestone: bool = False, calendar: WorkingCalendar | None = None
) -> int:
    """An item's duration as scheduling counts it, from its first to its last day (ordinals,
    both inclusive): 0 for a milestone; with a calendar, its working days, at least one."""
    if milestone:
        return 0
    if calendar is None:
        return last + 1 - first
    return max(calendar.working_between(first, last + 1), 1)


def task_from_dates(
    item_id: int,
    start: dt.date,
    end: dt.date,
    milestone: bool = False,
    calendar: WorkingCalendar | None = None,
) -> Task:
    """A task for an item's inclusive dates; with a calendar its duration is working days."""
    first = start.toordinal()
    return Task(item_id, first, task_duration(first, end.toordinal(), milestone, calendar))


class TaskDays:
    """:func:`task_from_dates` for the many items of one plan under one calendar.

    The same tasks, but each day's running count of working days is worked out once
    and remembered (a plan reuses its days), so 100,000 items cost dictionary look-ups
    rather than two calendar sums each.
    """

    __slots__ = ("calendar", "_counts")

    _ORIGIN = 1  # any fixed day: a duration is the difference of two counts from it

    def __init__(self, calendar: WorkingCalendar | None = None) -> None:
        self.calendar = calendar
        self._counts: dict[int, int] = {}

    def _count(self, day: int) -> int:
        found = self._counts.get(day)
        if found is None:
            assert self.calendar is not None
            found = self._counts[day] = self.calendar.working_between(self._ORIGIN, day)
        return found

    def duration(self, first: int, last: int, milestone: bool = False) -> int:
        """As :func:`task_duration`."""
        if milestone:
            return 0
        if self.calendar is None:
            return last + 1 - first
        return max(self._count(last + 1) - self._count(first), 1)

    def task(self, item_id: int, start: dt.date, end: dt.date, milestone: bool = False) -> Task:
        """As :func:`task_from_dates` with this calendar."""
        first = start.toordinal()
        return Task(item_id, first, self.duration(first, end.toordinal(), milestone))

    def tasks(self, items: Iterable[_Dated | None]) -> dict[int, Task]:
        """:meth:`task` for each item (None: skipped), by id, in one loop: the tasks of a
        plan's every linked item as it opens."""
        calendar, counts, count = self.calendar, self._counts, self._count
        milestone = ItemKind.MILESTONE
        found: dict[int, Task] = {}
        for item in items:
            if item is None:
                continue
            first = item.start.toordinal()
            if item.kind is milestone:
                duration = 0
            elif calendar is None:
                duration = item.end.toordinal() + 1 - first
            else:
                after = item.end.toordinal() + 1
                before = counts.get(first)
                if before is None:
                    before = count(first)
                upto = counts.get(after)
                if upto is None:
                    upto = count(after)
                duration = upto - before if upto - before > 1 else 1
            found[item.id] = Task(item.id, first, duration)
        return found


class _Days:
    """Day arithmetic for one scheduling pass: calendar days, or a working calendar's."""

    def __init__(self, calendar: WorkingCalendar | None) -> None:
        self.calendar = calendar

    def lag(self, day: int, link: _LinkLike, sign: int = 1) -> int:
        if self.calendar is None or link.elapsed:
            return day + sign * link.lag
        return self.calendar.add_working(day, sign * link.lag)

    def finish(self, start: int, duration: int) -> int:
        if self.calendar is None:
            return start + duration
        return self.calendar.add_working(start, duration)

    def start_for(self, finish: int, duration: int) -> int:
        if self.calendar is None:
            return finish - duration
        return self.calendar.add_working(finish, -duration)

    def roll(self, day: int) -> int:
        """A start pushed to ``day`` begins on the first working day from there."""
        return day if self.calendar is None else self.calendar.next_working(day)

    def required_start(self, link: _LinkLike, pred: tuple[int, int], succ_duration: int) -> int:
        """The earliest start of the successor this link allows."""
        pred_start, pred_finish = pred
        kind = link.type
        if kind is DependencyType.FINISH_TO_START:
            return self.lag(pred_finish, link)
        if kind is DependencyType.START_TO_START:
            return self.lag(pred_start, link)
        if kind is DependencyType.FINISH_TO_FINISH:
            return self.start_for(self.lag(pred_finish, link), succ_duration)
        return self.start_for(self.lag(pred_start, link), succ_duration)  # START_TO_FINISH

    def latest_finish(self, link: _LinkLike, succ: tuple[int, int], pred_duration: int) -> int:
        """The latest finish of the predecessor this link allows."""
        succ_ls, succ_lf = succ
        kind = link.type
        if kind is DependencyType.FINISH_TO_START:
            return self.lag(succ_ls, link, -1)
        if kind is DependencyType.START_TO_START:
            return self.finish(self.lag(succ_ls, link, -1), pred_duration)
        if kind is DependencyType.FINISH_TO_FINISH:
            return self.lag(succ_lf, link, -1)
        return self.finish(self.lag(succ_lf, link, -1), pred_duration)  # START_TO_FINISH


def topological_order(
    ids: Iterable[int], links: Iterable[Link], names: Mapping[int, str] | None = None
) -> list[int]:
    """Kahn's algorithm; a cycle raises CycleError naming its items in order."""
    ids = list(ids)
    successors: dict[int, list[int]] = {i: [] for i in ids}
    indegree = dict.fromkeys(ids, 0)
    for link in links:
        successors[link.pred].append(link.succ)
        indegree[link.succ] += 1
    queue = deque(i for i in ids if indegree[i] == 0)
    order: list[int] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for nxt in successors[node]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    if len(order) < len(ids):
        raise CycleError(_find_cycle(successors, indegree), names)
    return order


def _find_cycle(successors: dict[int, list[int]], indegree: dict[int, int]) -> list[int]:
    """A cycle among the nodes Kahn's algorithm could not order.

    Every such node still has an unordered predecessor, so walking backwards
    through predecessors must eventually repeat a node: that loop is a cycle.
    """
    remaining = {i for i, d in indegree.items() if d > 0}
    predecessors: dict[int, list[int]] = {i: [] for i in remaining}
    for node, nexts in successors.items():
        if node in remaining:
            for nxt in nexts:
                if nxt in remaining:
                    predecessors[nxt].append(node)
    node = min(remaining)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = predecessors[node][0]
    loop = path[seen[node] :][::-1]
    first = loop.index(min(loop))  # start at the lowest id, so the message is stable
    loop = loop[first:] + loop[:first]
    return loop + [loop[0]]


def schedule(
    tasks: Iterable[Task],
    links: Iterable[Link],
    names: Mapping[int, str] | None = None,
    calendar: WorkingCalendar | None = None,
) -> Schedule:
    return LiveSchedule(tasks, links, names, calendar).result()


class LiveSchedule:
    """A schedule kept up to date as tasks move (the chart's critical path while it is shown).

    Made with a whole pass, forward then backward. :meth:`move` then takes tasks whose start
    or duration changed (the same tasks and links otherwise) and walks forward only through
    their successors whose early dates change and back only through their predecessors whose
    late dates change; a move that shifts the plan's finish walks back through every task.
    A cycle raises :class:`CycleError` as it is made.
    """

    def __init__(
        self,
        tasks: Iterable[Task],
        links: Iterable[Link],
        names: Mapping[int, str] | None = None,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        self.days = _Days(calendar)
        by_id = self.by_id = {t.id: t for t in tasks}
        kept = [link for link in links if link.pred in by_id and link.succ in by_id]
        self.order = topological_order(by_id, kept, names)
        self.position = {i: n for n, i in enumerate(self.order)}
        self.incoming: dict[int, list[Link]] = {i: [] for i in by_id}
        self.outgoing: dict[int, list[Link]] = {i: [] for i in by_id}
        for link in kept:
            self.incoming[link.succ].append(link)
            self.outgoing[link.pred].append(link)
        early: dict[int, tuple[int, int]] = {}
        self.early, early_of = early, self._early
        for i in self.order:
            early[i] = early_of(i)
        self._count_finish()
        late: dict[int, tuple[int, int]] = {}
        self.late, late_of = late, self._late
        for i in reversed(self.order):
            late[i] = late_of(i)

    def _early(self, i: int) -> tuple[int, int]:
        """Earliest start and finish: the task's own start, pushed later by its links."""
        task, days, early = self.by_id[i], self.days, self.early
        start = task.start
        for link in self.incoming[i]:
            needed = days.required_start(link, early[link.pred], task.duration)
            if needed > start:
                start = days.roll(needed)
        return start, days.finish(start, task.duration)

    def _late(self, i: int) -> tuple[int, int]:
        """Latest start and finish that keep the plan's finish."""
        task, days, late = self.by_id[i], self.days, self.late
        latest = self.finish
        for link in self.outgoing[i]:
            latest = min(latest, days.latest_finish(link, late[link.succ], task.duration))
        return days.start_for(latest, task.duration), latest

    def timing(self, i: int) -> Timing:
        (es, ef), (ls, lf) = self.early[i], self.late[i]
        return Timing(es, ef, ls, lf)

    def result(self) -> Schedule:
        timings = {i: self.timing(i) for i in self.order}
        return Schedule(timings, self.finish, tuple(self.order))

    def move(self, tasks: Iterable[Task]) -> set[int]:
        """Take these tasks' new starts and durations; returns the ids whose timing changed.

        Raises KeyError for a task the schedule does not hold (make a new one instead).
        """
        moved: list[int] = []
        for task in tasks:
            if task.id not in self.by_id:
                raise KeyError(task.id)
            self.by_id[task.id] = task
            moved.append(task.id)
        before: dict[int, tuple[int, int]] = {}
        changed = self._walk(moved, 1, self.early, self._early, self._successors, before)
        if self._finish_moved(changed, before):  # every latest date counts back from it
            moved = self.order
        return changed | self._walk(moved, -1, self.late, self._late, self._predecessors)

    def _count_finish(self) -> None:
        """The plan's finish (the latest early finish) and how many tasks end on it."""
        finishes = [ef for _, ef in self.early.values()]
        self.finish = max(finishes, default=0)
        self._at_finish = finishes.count(self.finish)

    def _finish_moved(self, changed: set[int], before: dict[int, tuple[int, int]]) -> bool:
        """The plan's finish after the early dates of ``changed`` moved from ``before``;
        True if it moved. Only the changed tasks are looked at, unless the last ones that
        ended on the finish all moved earlier (then every task is counted again)."""
        finish, early, at = self.finish, self.early, self._at_finish
        latest = finish
        for i in changed:
            old, new = before[i][1], early[i][1]
            at += (new == finish) - (old == finish)
            if new > latest:
                latest = new
        if latest > finish:  # only a task that moved can end after the old finish
            self.finish = latest
            self._at_finish = sum(1 for i in changed if early[i][1] == latest)
            return True
        if at > 0:
            self._at_finish = at
            return False
        self._count_finish()
        return self.finish != finish

    def _successors(self, i: int) -> Iterator[int]:
        return (link.succ for link in self.outgoing[i])

    def _predecessors(self, i: int) -> Iterator[int]:
        return (link.pred for link in self.incoming[i])

    def _walk(
        self,
        seeds: Iterable[int],
        direction: int,
        dates: dict[int, tuple[int, int]],
        work_out: Callable[[int], tuple[int, int]],
        next_to: Callable[[int], Iterable[int]],
        before: dict[int, tuple[int, int]] | None = None,
    ) -> set[int]:
        """From ``seeds``, in topological order (``direction`` 1) or against it (-1): each
        task's ``dates`` worked out again, and where they changed, the tasks ``next_to`` it;
        returns the ids whose dates changed (their old dates into ``before``, if given)."""
        position = self.position
        queue = [(direction * position[i], i) for i in set(seeds)]
        heapify(queue)
        queued = {i for _, i in queue}
        changed: set[int] = set()
        while queue:
            _, i = heappop(queue)
            found = work_out(i)
            if found != dates[i]:
                if before is not None:
                    before[i] = dates[i]
                dates[i] = found
                changed.add(i)
                for j in next_to(i):
                    if j not in queued:
                        queued.add(j)
                        heappush(queue, (direction * position[j], j))
        return changed


@dataclass(frozen=True)
class Violation:
    """A dependency the current dates break, and by how many days."""

    link: Link
    days: int


def violations(
    tasks: Iterable[Task], links: Iterable[Link], calendar: WorkingCalendar | None = None
) -> list[Violation]:
    by_id = {t.id: t for t in tasks}
    return [Violation(link, days) for link, days in broken_links(by_id, links, calendar)]


def broken_links[L: _LinkLike](
    tasks: Mapping[int, Task], links: Iterable[L], calendar: WorkingCalendar | None = None
) -> list[tuple[L, int]]:
    """(link, days it is broken by) for each link the tasks' dates break, in the links' order.

    ``tasks`` by id; a link to an item not among them is left out. Any object with a
    link's fields will do (the chart passes its rows). The common link, finish-to-start
    with its lag in calendar days, is worked out inline: this runs over every link of the
    plan when it opens (75,000 of them in a 100,000-item plan).
    """
    days = _Days(calendar)
    add_working = calendar.add_working if calendar is not None else None
    finish_to_start = DependencyType.FINISH_TO_START
    found: list[tuple[L, int]] = []
    rolled: dict[int, int] = {}  # a day -> the working day it rolls on to
    get = tasks.get
    for link in links:
        pred = get(link.pred)
        succ = get(link.succ)
        if pred is None or succ is None:
            continue
        start = pred.start
        if add_working is None:
            finish = start + pred.duration
            if link.type is finish_to_start:
                needed = finish + link.lag
            else:
                needed = days.required_start(link, (start, finish), succ.duration)
        else:
            finish = add_working(start, pred.duration)
            if link.type is finish_to_start:
                needed = finish + link.lag if link.elapsed else add_working(finish, link.lag)
            else:
                needed = days.required_start(link, (start, finish), succ.duration)
        if succ.start < needed:  # by how far it must move: to a working day
            day = rolled.get(needed)
            if day is None:
                day = rolled[needed] = days.roll(needed)
            found.append((link, day - succ.start))
    return found


def reschedule(
    tasks: Iterable[Task],
    links: Iterable[Link],
    names: Mapping[int, str] | None = None,
    calendar: WorkingCalendar | None = None,
) -> dict[int, int]:
    """New start days for the items the dependencies push later ({id: new start})."""
    tasks = list(tasks)
    result = schedule(tasks, links, names, calendar)
    return {
        t.id: result.timings[t.id].early_start
        for t in tasks
        if result.timings[t.id].early_start != t.start
    }
