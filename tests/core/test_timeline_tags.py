"""A period's name keeps clear of the tags laid over its tier (today's): in the middle when
no tag covers it, beside the tag when the period has room there, else left out. A period
cut by a page's or a slide's edge takes a shorter name of its own, never one cut short."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from pmdesk.core.timeline import clear_of_tags, cut_name, label_choices

D = dt.date


def test_a_name_no_tag_covers_stays_in_the_middle():
    assert clear_of_tags(0, 60, 20, [], 2) == 30
    assert clear_of_tags(0, 60, 20, [(45, 60)], 2) == 30  # the tag is beside it
    assert clear_of_tags(0, 60, 20, [(-30, 10)], 2) == 30


def test_a_covered_name_moves_beside_the_tag_nearest_its_middle():
    # today early in December: the tag over the month's left, "Dec" to its right
    assert clear_of_tags(0, 65, 20, [(0, 29)], 4) == 43
    assert clear_of_tags(0, 65, 20, [(36, 65)], 4) == 22  # late in the month: to its left
    # a tag in the middle of a wide period: the nearer side, both fit
    assert clear_of_tags(0, 100, 20, [(40, 62)], 2) == 28


def test_a_name_with_no_room_beside_the_tag_is_left_out():
    assert clear_of_tags(0, 30, 20, [(5, 30)], 2) is None
    assert clear_of_tags(0, 40, 20, [(12, 26)], 2) is None  # room either side, too little


@given(
    left=st.floats(-500, 500),
    span=st.floats(0, 300),
    width=st.floats(0, 100),
    tags=st.lists(st.tuples(st.floats(-600, 900), st.floats(0, 80)), max_size=3),
    margin=st.floats(0, 8),
)
def test_a_placed_name_lies_in_its_period_and_clear_of_every_tag(left, span, width, tags, margin):
    right = left + span
    spans = [(a, a + w) for a, w in tags]
    x = clear_of_tags(left, right, width, spans, margin)
    if x is None:
        return
    half = width / 2 + margin
    if x != (left + right) / 2:  # moved: whole inside its period
        assert left - 1e-9 <= x - half and x + half <= right + 1e-9
    for a, b in spans:
        assert b <= x - half + 1e-9 or a >= x + half - 1e-9


def _width(text: str) -> float:
    return 6.0 * len(text)  # a stand-in font: six points a character


def test_a_cut_period_keeps_its_name_where_it_fits():
    assert cut_name("Q2 2026", D(2026, 4, 1), "quarter", 42, _width) == "Q2 2026"


def test_a_cut_period_takes_a_shorter_name_of_its_own_keeping_its_year():
    assert cut_name("Q2 2026", D(2026, 4, 1), "quarter", 40, _width) == "Q2 ’26"
    assert cut_name("Q2 2026", D(2026, 4, 1), "quarter", 30, _width) == "Q2"
    assert cut_name("September 2026", D(2026, 9, 1), "month", 50, _width) == "Sep 2026"
    assert cut_name("Sep", D(2026, 9, 1), "month", 10, _width) == "S"
    assert cut_name("2026", D(2026, 1, 1), "year", 20, _width) == ""


def test_a_cut_period_under_a_tier_of_years_does_not_take_one():
    # "Jan" under "Q1 2027": a shorter name of its own does not bring its year back
    assert cut_name("Jan", D(2027, 1, 1), "month", 15, _width, years_above=True) == "J"
    assert cut_name("Jan", D(2027, 1, 1), "month", 5, _width, years_above=True) == ""


@given(
    day=st.dates(D(1900, 1, 1), D(2199, 12, 31)),
    unit=st.sampled_from(["day", "week", "month", "quarter", "year"]),
    room=st.floats(0, 200),
    form=st.integers(0, 3),
    years_above=st.booleans(),
)
def test_a_cut_name_fits_its_room_and_is_one_of_its_periods_names(
    day, unit, room, form, years_above
):
    choices = label_choices(day, unit)
    name = choices[min(form, len(choices) - 1)]
    cut = cut_name(name, day, unit, room, _width, years_above=years_above)
    assert cut == "" or (_width(cut) <= room and cut in (name, *choices))
    assert "…" not in cut
    if _width(name) <= room:
        assert cut == name


def test_a_cut_period_in_a_room_keeps_its_year_or_goes_without_a_name():
    # presented, every name of the tier says its year: a cut one too, or none
    assert cut_name("Q2 2026", D(2026, 4, 1), "quarter", 40, _width, with_year=True) == "Q2 ’26"
    assert cut_name("Q2 2026", D(2026, 4, 1), "quarter", 30, _width, with_year=True) == ""
