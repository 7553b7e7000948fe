"""Counts agree with their nouns everywhere: one helper, core.wording.plural."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.scoring import rice, rice_parts
from pmdesk.core.wording import (
    dated,
    describe_days,
    long_date,
    noun,
    plural,
    short_date,
    short_moment,
)


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [
        (1, "requirement", "1 requirement"),
        (0, "requirement", "0 requirements"),
        (2, "requirement", "2 requirements"),
        (1, "activity", "1 activity"),
        (3, "activity", "3 activities"),
        (2, "day", "2 days"),
        (1.0, "person-month", "1 person-month"),
        (0.5, "person-month", "0.5 person-months"),
        (1200, "stakeholder", "1,200 stakeholders"),
        (2, "process", "2 processes"),
        (-1, "day", "-1 day"),
    ],
)
def test_plural_agrees_with_the_count(count, word, expected):
    assert plural(count, word) == expected


def test_an_irregular_plural_is_given():
    assert plural(2, "person", "people") == "2 people"
    assert noun(1, "person", "people") == "person"


def test_rice_divides_by_one_person_month_not_months():
    score = rice(100, 1.0, 100, 1)
    assert "÷ 1 person-month =" in score.explain()
    assert dict(rice_parts(score))["Effort"] == "÷ 1 person-month"
    assert dict(rice_parts(rice(100, 1.0, 100, 2)))["Effort"] == "÷ 2 person-months"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-1, "1 day ago"),
        (-3, "3 days ago"),
        (0, "today"),
        (1, "1 day"),
        (13, "13 days"),
        (21, "3 weeks"),
        (365, "1 year"),
        (400, "1 year 1 month"),
    ],
)
def test_spans_of_days_agree_too(days, expected):
    assert describe_days(days) == expected


def test_a_day_reads_the_same_everywhere_without_a_leading_zero():
    assert short_date(dt.date(2026, 12, 7)) == "7 Dec 2026"
    assert short_date(dt.datetime(2026, 12, 7, 9, 30)) == "7 Dec 2026"  # a moment's day
    assert short_date(None) == "" and short_date(None, "—") == "—"
    assert long_date(dt.date(2026, 12, 7)) == "7 December 2026"
    assert long_date(dt.date(9999, 12, 31)) == "31 December 9999"


def test_something_due_on_a_day_reads_its_day_first():
    # A cell cut at its end ("6 Mar 2027 · Vega 3…") still says when.
    assert dated(dt.date(2027, 3, 6), "Vega 3.5 GA") == "6 Mar 2027 · Vega 3.5 GA"
    assert dated(None, "Vega 3.5 GA") == "Vega 3.5 GA"


def test_a_moment_reads_its_day_then_its_time_on_a_24_hour_clock():
    assert short_moment(dt.datetime(2026, 12, 7, 9, 5)) == "7 Dec 2026 09:05"
    assert short_moment(dt.datetime(2026, 1, 31, 23, 59, 59)) == "31 Jan 2026 23:59"
    assert short_moment(dt.datetime(9999, 12, 31, 0, 0)) == "31 Dec 9999 00:00"
