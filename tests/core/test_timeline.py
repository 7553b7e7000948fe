from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from pmdesk.core.timeline import (
    ZOOM_STEPS,
    TimeScale,
    fit_zoom,
    next_unit,
    nudge,
    pack_rows,
    readable_tiers,
    stack_lanes,
    step_zoom,
    ticks,
    tiers,
    unit_start,
)

D = dt.date


def test_dates_and_x_round_trip():
    scale = TimeScale(D(2027, 1, 1), 10.0)
    assert scale.x(D(2027, 1, 11)) == 100
    assert scale.date_at(105) == D(2027, 1, 11)
    assert scale.date_at(-0.5) == D(2026, 12, 31)
    assert scale.span(D(2027, 1, 1), D(2027, 1, 3)) == (0, 30)
    assert scale.ordinal_at(105) == D(2027, 1, 11).toordinal() + 0.5
    assert scale.x_of_ordinal(scale.ordinal_at(-37.5)) == -37.5


def test_tiers_follow_zoom():
    assert tiers(20) == ("week", "day")
    assert tiers(3) == ("month", "week")
    assert tiers(0.5) == ("quarter", "month")
    assert tiers(0.1) == ("year", "quarter")


def test_units_and_ticks():
    assert unit_start(D(2027, 5, 19), "quarter") == D(2027, 4, 1)
    assert unit_start(D(2027, 5, 19), "week") == D(2027, 5, 17)  # Monday
    assert next_unit(D(2027, 11, 1), "quarter") == D(2028, 2, 1)
    assert next_unit(D(2027, 12, 1), "month") == D(2028, 1, 1)
    scale = TimeScale(D(2027, 1, 1), 3.0)
    months = ticks(scale, D(2027, 1, 15), D(2027, 3, 2), "month")
    assert [t.day for t in months] == [D(2027, 1, 1), D(2027, 2, 1), D(2027, 3, 1)]
    assert months[1].width == 28 * 3.0


def test_zoom_steps_and_fit():
    assert step_zoom(1.0, +1) == 1.5 and step_zoom(1.0, -100) == ZOOM_STEPS[0]
    assert fit_zoom(D(2027, 1, 1), D(2027, 12, 31), 1000) == 2.0
    assert fit_zoom(D(2000, 1, 1), D(2099, 1, 1), 10) == ZOOM_STEPS[0]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20)), max_size=40))
def test_packed_rows_never_overlap_and_use_the_fewest_rows(spans):
    intervals = [(i, start, start + length) for i, (start, length) in enumerate(spans)]
    rows = pack_rows(intervals)
    for a in intervals:
        for b in intervals:
            if a[0] < b[0] and rows[a[0]] == rows[b[0]]:
                a_end, b_end = max(a[2], a[1] + 1), max(b[2], b[1] + 1)
                assert a_end <= b[1] or b_end <= a[1]
    # The fewest rows is the largest number of intervals covering one day.
    depth = max(
        (sum(1 for _, s, f in intervals if s <= day < max(f, s + 1)) for day in range(0, 81)),
        default=0,
    )
    assert (max(rows.values()) + 1 if rows else 0) == depth


def test_lanes_stack_with_collapsed_ones_short():
    boxes = stack_lanes([(1, 3, False), (2, 0, False), (3, 5, True)], 20, 4, 12)
    assert [(b.top, b.height) for b in boxes] == [(0, 68), (68, 28), (96, 12)]


def test_nudge_by_the_units_of_the_zoom():
    start, end = D(2027, 1, 31), D(2027, 2, 4)
    assert nudge(start, end, "day", 1) == (D(2027, 2, 1), D(2027, 2, 5))
    assert nudge(start, end, "week", -1) == (D(2027, 1, 24), D(2027, 1, 28))
    assert nudge(start, end, "month", 1) == (D(2027, 2, 28), D(2027, 3, 4))  # no 31 February
    assert nudge(start, end, "quarter", 1) == (D(2027, 4, 30), D(2027, 5, 4))
    assert nudge(start, end, "year", -1) == (D(2026, 1, 31), D(2026, 2, 4))


def test_time_scale_units_stay_readable_when_zoomed_out():
    assert readable_tiers(20) == ("week", "day")
    assert readable_tiers(3) == ("month", "week")
    assert readable_tiers(2) == ("quarter", "month")  # weeks of 14 px cannot hold "52"
    assert readable_tiers(0.3) == ("year", "quarter")
    assert readable_tiers(0.08) == ("", "year")
    assert readable_tiers(0.3, {"month": 5, "week": 1, "day": 1, "quarter": 1, "year": 1}) == (
        "quarter",
        "month",
    )  # smaller labels keep the finer units
