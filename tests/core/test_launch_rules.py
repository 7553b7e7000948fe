"""Launch rules: typed due dates, how they read, readiness figures, the past-launch flag."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.enums import LaunchFunction as F
from pmdesk.core.enums import TaskStatus as S
from pmdesk.core.errors import ValidationError
from pmdesk.core.launch import (
    TaskFacts,
    due_text,
    is_overdue,
    launch_passed_with_open_tasks,
    parse_due,
    readiness,
)

LAUNCH = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("typed", "due", "offset"),
    [
        ("L-30", dt.date(2026, 4, 1), -30),
        ("L−30", dt.date(2026, 4, 1), -30),
        (" l + 7 ", dt.date(2026, 5, 8), 7),
        ("L", LAUNCH, 0),
        ("2026-02-03", dt.date(2026, 2, 3), None),
    ],
)
def test_typed_due_dates(typed, due, offset):
    assert parse_due(typed, LAUNCH) == (due, offset)


@pytest.mark.parametrize("typed", ["L-x", "next week", "2026-13-01", ""])
def test_unreadable_due_dates_are_refused_with_a_hint(typed):
    with pytest.raises(ValidationError, match="L−30"):
        parse_due(typed, LAUNCH)


def test_due_text_shows_the_date_and_the_relative_label():
    assert due_text(dt.date(2026, 4, 1), -30) == "2026-04-01 (L−30)"
    assert due_text(dt.date(2026, 4, 1), None) == "2026-04-01"
    assert due_text(LAUNCH, 0) == "2026-05-01 (L)"
    assert due_text(None, None) == ""


def test_readiness_overall_and_per_function_ignores_not_applicable():
    tasks = [
        TaskFacts(F.MARKETING, S.DONE, None),
        TaskFacts(F.MARKETING, S.TODO, None),
        TaskFacts(F.MARKETING, S.NOT_APPLICABLE, None),
        TaskFacts(F.LEGAL, S.DONE, None),
        TaskFacts(F.SUPPORT, S.BLOCKED, None),
    ]
    overall, per = readiness(tasks)
    assert (overall.done, overall.counted) == (2, 4)
    assert overall.percent == 50.0
    assert per[F.MARKETING].percent == 50.0
    assert per[F.LEGAL].percent == 100.0
    assert per[F.SUPPORT].percent == 0.0
    assert F.OPERATIONS not in per


def test_overdue_and_the_past_launch_flag():
    today = dt.date(2026, 5, 10)
    late = TaskFacts(F.LEGAL, S.IN_PROGRESS, dt.date(2026, 5, 9))
    done_late = TaskFacts(F.LEGAL, S.DONE, dt.date(2026, 5, 9))
    due_today = TaskFacts(F.LEGAL, S.TODO, today)
    assert is_overdue(late, today)
    assert not is_overdue(done_late, today)
    assert not is_overdue(due_today, today)
    assert launch_passed_with_open_tasks(LAUNCH, [done_late, late], today)
    assert not launch_passed_with_open_tasks(LAUNCH, [done_late], today)
    assert not launch_passed_with_open_tasks(today, [late], today)
