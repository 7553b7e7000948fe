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
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .enums import DependencyType
from .errors import ValidationError


@dataclass(frozen=True, slots=True)
class Task:
    id: int
    start: int  # ordinal day
    duration: int  # days; 0 for a milestone


@dataclass(frozen=True, slots=True)
class Link:
    pred: int
    succ: int
    type: DependencyType = DependencyType.FINISH_TO_START
    lag: int = 0


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


def task_from_dates(item_id: int, start: dt.date, end: dt.date, milestone: bool = False) -> Task:
    duration = 0 if milestone else (end - start).days + 1
    return Task(item_id, start.toordinal(), duration)


def _required_start(link: Link, pred_start: int, pred_finish: int, succ_duration: int) -> int:
    """The earliest start of the successor this link allows."""
    kind = link.type
    if kind is DependencyType.FINISH_TO_START:
        return pred_finish + link.lag
    if kind is DependencyType.START_TO_START:
        return pred_start + link.lag
    if kind is DependencyType.FINISH_TO_FINISH:
        return pred_finish + link.lag - succ_duration
    return pred_start + link.lag - succ_duration  # START_TO_FINISH


def _latest_finish(link: Link, succ_ls: int, succ_lf: int, pred_duration: int) -> int:
    """The latest finish of the predecessor this link allows."""
    kind = link.type
    if kind is DependencyType.FINISH_TO_START:
        return succ_ls - link.lag
    if kind is DependencyType.START_TO_START:
        return succ_ls - link.lag + pred_duration
    if kind is DependencyType.FINISH_TO_FINISH:
        return succ_lf - link.lag
    return succ_lf - link.lag + pred_duration  # START_TO_FINISH


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
    tasks: Iterable[Task], links: Iterable[Link], names: Mapping[int, str] | None = None
) -> Schedule:
    by_id = {t.id: t for t in tasks}
    links = [link for link in links if link.pred in by_id and link.succ in by_id]
    order = topological_order(by_id, links, names)
    incoming: dict[int, list[Link]] = {i: [] for i in by_id}
    outgoing: dict[int, list[Link]] = {i: [] for i in by_id}
    for link in links:
        incoming[link.succ].append(link)
        outgoing[link.pred].append(link)

    early: dict[int, tuple[int, int]] = {}
    for i in order:
        task = by_id[i]
        start = task.start
        for link in incoming[i]:
            ps, pf = early[link.pred]
            start = max(start, _required_start(link, ps, pf, task.duration))
        early[i] = (start, start + task.duration)
    finish = max((ef for _, ef in early.values()), default=0)

    late: dict[int, tuple[int, int]] = {}
    for i in reversed(order):
        task = by_id[i]
        latest = finish
        for link in outgoing[i]:
            ls, lf = late[link.succ]
            latest = min(latest, _latest_finish(link, ls, lf, task.duration))
        late[i] = (latest - task.duration, latest)

    timings = {i: Timing(early[i][0], early[i][1], late[i][0], late[i][1]) for i in order}
    return Schedule(timings, finish, tuple(order))


@dataclass(frozen=True)
class Violation:
    """A dependency the current dates break, and by how many days."""

    link: Link
    days: int


def violations(tasks: Iterable[Task], links: Iterable[Link]) -> list[Violation]:
    by_id = {t.id: t for t in tasks}
    found = []
    for link in links:
        pred, succ = by_id.get(link.pred), by_id.get(link.succ)
        if pred is None or succ is None:
            continue
        needed = _required_start(link, pred.start, pred.start + pred.duration, succ.duration)
        if succ.start < needed:
            found.append(Violation(link, needed - succ.start))
    return found


def reschedule(
    tasks: Iterable[Task], links: Iterable[Link], names: Mapping[int, str] | None = None
) -> dict[int, int]:
    """New start days for the items the dependencies push later ({id: new start})."""
    tasks = list(tasks)
    result = schedule(tasks, links, names)
    return {
        t.id: result.timings[t.id].early_start
        for t in tasks
        if result.timings[t.id].early_start != t.start
    }
