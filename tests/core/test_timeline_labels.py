"""The time scale's names (core.timeline.tier_labels), which the screen's header and the
paper draw from: one form for a tier, and the year always said, never twice."""

from __future__ import annotations

import datetime as dt

from pmdesk.core.timeline import QUARTER_DAYS, Tick, tier_labels, years_over_quarters

D = dt.date


def _quarters(first: D, count: int, width: float) -> list[Tick]:
    found, day = [], first
    for n in range(count):
        found.append(Tick(day, n * width, width))
        day = D(day.year + (day.month + 2) // 12, (day.month + 2) % 12 + 1, 1)
    return found


def _width(text: str) -> float:
    return 10.0 * len(text)  # a stand-in font: ten pixels a character


def test_short_quarters_say_their_year_first_and_at_each_january_and_never_twice():
    quarters = _quarters(D(2026, 7, 1), 8, 116)  # room 100: "Q3 ’26" (60) fits, "Q3 2026" too
    texts = tier_labels(quarters, "quarter", _width, 16)
    assert texts == ["Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027"] + [
        "Q3 2027",
        "Q4 2027",
        "Q1 2028",
        "Q2 2028",
    ]
    narrow = _quarters(D(2026, 7, 1), 8, 66)  # room 50: "Q3" only; "2027" (40) fits
    texts = tier_labels(narrow, "quarter", _width, 16)
    assert texts == ["2026", "Q4", "2027", "Q2", "Q3", "Q4", "2028", "Q2"]
    under_years = tier_labels(narrow, "quarter", _width, 16, years_above=True)
    assert under_years == ["Q3", "Q4", "Q1", "Q2", "Q3", "Q4", "Q1", "Q2"]
    room = _quarters(D(2026, 7, 1), 4, 80)  # room 64: "Q3 ’26" (60) fits, presented
    presented = tier_labels(room, "quarter", _width, 16, with_year=True)
    assert presented == ["Q3 ’26", "Q4 ’26", "Q1 ’27", "Q2 ’27"]
    # Room 133: "Sep 2026" fits, "September 2026" (140) does not; "Sep 2026 2026" (130)
    # would: a name that says its year already is not given it again.
    months = [Tick(D(2026, m, 1), (m - 9) * 136.0, 136.0) for m in range(9, 13)]
    months += [Tick(D(2027, 1, 1), 4 * 136.0, 136.0)]
    texts = tier_labels(months, "month", _width, 3)
    assert texts == ["Sep 2026", "Oct 2026", "Nov 2026", "Dec 2026", "Jan 2027"]


def test_the_years_go_above_quarters_too_narrow_to_name_theirs():
    """A quarter narrower than its year's name and its padding: years over quarters."""
    year_width, padding = 40.0, 16.0
    enough = (year_width + padding) / QUARTER_DAYS
    assert years_over_quarters("quarter", "month", enough, year_width, padding) == (
        "quarter",
        "month",
    )
    assert years_over_quarters("quarter", "month", enough * 0.99, year_width, padding) == (
        "year",
        "quarter",
    )
    assert years_over_quarters("month", "week", 0.01, year_width, padding) == ("month", "week")
