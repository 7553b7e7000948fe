"""A period's name keeps clear of the tags laid over its tier (today's): in the middle when
no tag covers it, beside the tag when the period has room there, else left out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pmdesk.core.timeline import clear_of_tags


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
