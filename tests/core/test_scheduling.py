"""Critical-path scheduling: hand-worked cases per link type, and property tests
against a brute-force reference on small random graphs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.core.enums import DependencyType as T
from pmdesk.core.scheduling import (
    CycleError,
    Link,
    Task,
    reschedule,
    schedule,
    task_from_dates,
    violations,
)


def test_task_from_inclusive_dates():
    assert task_from_dates(1, dt.date(2027, 1, 4), dt.date(2027, 1, 8)).duration == 5
    assert (
        task_from_dates(2, dt.date(2027, 1, 4), dt.date(2027, 1, 4), milestone=True).duration == 0
    )


@pytest.mark.parametrize(
    ("kind", "lag", "expected_start"),
    [
        (T.FINISH_TO_START, 0, 15),  # pred runs 10..15 (exclusive finish)
        (T.FINISH_TO_START, 2, 17),  # lag
        (T.FINISH_TO_START, -3, 12),  # lead
        (T.START_TO_START, 1, 11),
        (T.FINISH_TO_FINISH, 0, 12),  # succ lasts 3: must finish >= 15
        (T.START_TO_FINISH, 4, 11),  # finish >= 10 + 4
    ],
)
def test_each_link_type_pushes_the_successor(kind, lag, expected_start):
    tasks = [Task(1, 10, 5), Task(2, 0, 3)]
    result = schedule(tasks, [Link(1, 2, kind, lag)])
    assert result.timings[2].early_start == expected_start
    assert reschedule(tasks, [Link(1, 2, kind, lag)]) == {2: expected_start}


def test_planned_start_is_never_pulled_earlier():
    result = schedule([Task(1, 0, 5), Task(2, 30, 3)], [Link(1, 2)])
    assert result.timings[2].early_start == 30
    assert result.timings[1].total_float == 25
    assert result.critical_path() == [2]


def test_critical_path_and_float_on_a_diamond():
    tasks = [Task(1, 0, 2), Task(2, 0, 5), Task(3, 0, 1), Task(4, 0, 2)]
    links = [Link(1, 2), Link(1, 3), Link(2, 4), Link(3, 4)]
    result = schedule(tasks, links)
    assert result.finish == 9
    assert result.critical_path() == [1, 2, 4]
    assert result.timings[3].total_float == 4


def test_cycle_names_the_items():
    names = {1: "Design", 2: "Build", 3: "Test"}
    with pytest.raises(CycleError) as err:
        schedule([Task(i, 0, 1) for i in names], [Link(1, 2), Link(2, 3), Link(3, 2)], names)
    assert "Build → Test → Build" in str(err.value)


def test_violations_report_days_late():
    tasks = [Task(1, 0, 10), Task(2, 5, 3)]
    (found,) = violations(tasks, [Link(1, 2)])
    assert found.days == 5


# -- property tests against a brute-force reference ------------------------------------

KINDS = list(T)


@st.composite
def plans(draw, acyclic=True):
    n = draw(st.integers(1, 7))
    tasks = [Task(i, draw(st.integers(0, 20)), draw(st.integers(0, 6))) for i in range(n)]
    links = []
    for a in range(n):
        for b in range(n):
            if a != b and (not acyclic or a < b) and draw(st.booleans()) and draw(st.booleans()):
                links.append(Link(a, b, draw(st.sampled_from(KINDS)), draw(st.integers(-3, 3))))
    order = draw(st.permutations(range(n)))  # hide the topological order from the scheduler
    relabel = dict(zip(range(n), order, strict=True))
    tasks = [Task(relabel[t.id], t.start, t.duration) for t in tasks]
    links = [Link(relabel[x.pred], relabel[x.succ], x.type, x.lag) for x in links]
    return tasks, links


def _brute_early(tasks, links):
    """Relax every constraint until nothing moves (Bellman-Ford style)."""
    start = {t.id: t.start for t in tasks}
    dur = {t.id: t.duration for t in tasks}
    for _ in range(len(tasks) + 1):
        moved = False
        for x in links:
            ps, pf = start[x.pred], start[x.pred] + dur[x.pred]
            need = {
                T.FINISH_TO_START: pf + x.lag,
                T.START_TO_START: ps + x.lag,
                T.FINISH_TO_FINISH: pf + x.lag - dur[x.succ],
                T.START_TO_FINISH: ps + x.lag - dur[x.succ],
            }[x.type]
            if start[x.succ] < need:
                start[x.succ], moved = need, True
        if not moved:
            return start
    raise AssertionError("did not settle: the graph has a cycle")


def _finish(tasks, links):
    early = _brute_early(tasks, links)
    return max(early[t.id] + t.duration for t in tasks)


@settings(max_examples=300, deadline=None)
@given(plans())
def test_forward_pass_matches_brute_force(plan):
    tasks, links = plan
    result = schedule(tasks, links)
    expected = _brute_early(tasks, links)
    assert {i: t.early_start for i, t in result.timings.items()} == expected
    assert result.finish == _finish(tasks, links)


@settings(max_examples=200, deadline=None)
@given(plans())
def test_total_float_is_exactly_the_slip_that_keeps_the_finish(plan):
    tasks, links = plan
    result = schedule(tasks, links)
    for task in tasks:
        timing = result.timings[task.id]
        assert timing.total_float >= 0

        def delayed(days, task=task, timing=timing):
            moved = Task(task.id, timing.early_start + days, task.duration)
            return [moved if t.id == task.id else t for t in tasks]

        assert _finish(delayed(timing.total_float), links) == result.finish
        assert _finish(delayed(timing.total_float + 1), links) > result.finish


def _has_cycle(n, links):
    succ = {i: [x.succ for x in links if x.pred == i] for i in range(n)}
    state = dict.fromkeys(range(n), 0)

    def visit(node):
        state[node] = 1
        for nxt in succ[node]:
            if state[nxt] == 1 or (state[nxt] == 0 and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(state[i] == 0 and visit(i) for i in range(n))


@settings(max_examples=300, deadline=None)
@given(plans(acyclic=False))
def test_cycles_are_found_exactly_when_present(plan):
    tasks, links = plan
    if _has_cycle(len(tasks), links):
        with pytest.raises(CycleError) as err:
            schedule(tasks, links)
        cycle = err.value.cycle
        assert cycle[0] == cycle[-1]
        edges = {(x.pred, x.succ) for x in links}
        assert all((a, b) in edges for a, b in zip(cycle, cycle[1:], strict=False))
    else:
        schedule(tasks, links)
