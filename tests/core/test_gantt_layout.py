"""The chart layout without Qt: rows, lanes, visible ranges, incremental moves, shapes, links."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.core.enums import DependencyType, ItemKind
from pmdesk.core.gantt_layout import (
    Box,
    GanttLayout,
    LayoutItem,
    LayoutLane,
    Metrics,
    bar_box,
    baseline_box,
    distance_to_route,
    finish_slip,
    label_place,
    link_route,
    occupancy,
    scaled_metrics,
    slip_days,
    slip_text,
)
from pmdesk.core.timeline import TimeScale

D = dt.date
FEATURE, MILESTONE = ItemKind.FEATURE, ItemKind.MILESTONE


def feature(item_id: int, lane: int, start: int, days: int, baseline=None) -> LayoutItem:
    return LayoutItem(item_id, lane, FEATURE, start, start + days - 1, baseline)


def check_rows(layout: GanttLayout) -> None:
    """Every laid-out item is in exactly one row, rows are sorted and never overlap."""
    seen = []
    for lane in layout.lanes:
        lane_id, rows = lane.id, layout._lane_rows(lane.id)  # packed now if still waiting
        for number, row in enumerate(rows):
            assert row.starts == sorted(row.starts)
            for k in range(len(row) - 1):
                assert row.finishes[k] <= row.starts[k + 1]
            for k, item_id in enumerate(row.ids):
                item = layout.items[item_id]
                assert item.lane_id == lane_id
                shown = layout.metrics.with_baseline
                assert (row.starts[k], row.finishes[k]) == occupancy(item, shown)
                assert layout.place(item_id)[:2] == (lane_id, number)
                seen.append(item_id)
    assert sorted(seen) == sorted(layout.items)


def test_lanes_stack_and_items_pack_into_rows():
    m = Metrics()
    items = [feature(1, 10, 0, 5), feature(2, 10, 3, 5), feature(3, 10, 5, 2), feature(4, 20, 0, 1)]
    layout = GanttLayout([LayoutLane(10), LayoutLane(20), LayoutLane(30)], items, m)
    assert [layout.row_count(lane) for lane in (10, 20, 30)] == [2, 1, 0]
    tops = [box.top for box in layout.boxes]
    assert tops == [0, 2 * m.row_pitch + 2 * m.lane_padding, 3 * m.row_pitch + 4 * m.lane_padding]
    assert layout.place(3)[1] == 0  # item 3 starts when item 1 ends: same row
    assert layout.place(2) == (10, 1, m.lane_padding + m.row_pitch)
    assert layout.height == tops[2] + m.row_pitch + 2 * m.lane_padding  # an empty lane keeps a row
    check_rows(layout)


def test_items_of_hidden_lanes_are_left_out():
    layout = GanttLayout([LayoutLane(1)], [feature(1, 1, 0, 3), feature(2, 2, 0, 3)])
    assert set(layout.items) == {1} and layout.place(2) is None


def test_row_and_lane_under_a_point():
    m = Metrics()
    layout = GanttLayout([LayoutLane(1), LayoutLane(2, collapsed=True)], [feature(1, 1, 0, 3)], m)
    assert layout.row_at(m.lane_padding + 1) == (1, 0)
    assert layout.row_at(0.5) is None  # the padding above the first row
    collapsed_y = layout.box_of[2].top + 2
    assert layout.lane_at(collapsed_y).lane_id == 2 and layout.row_at(collapsed_y) is None
    assert layout.lane_at(-1) is None and layout.lane_at(layout.height + 1) is None


spans = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 80), st.integers(1, 25)), max_size=40)


@given(spans, st.floats(-10, 110), st.floats(0, 60), st.floats(0, 400), st.floats(0, 400))
def test_visible_finds_exactly_the_items_in_the_window(specs, day0, width, y0, height):
    items = [feature(i, lane, start, days) for i, (lane, start, days) in enumerate(specs)]
    layout = GanttLayout([LayoutLane(0), LayoutLane(1, collapsed=True), LayoutLane(2)], items)
    day1, y1 = day0 + width, y0 + height
    found = {v.item_id for v in layout.visible(day0, day1, y0, y1)}
    m = layout.metrics
    expected = set()
    for item in items:
        lane_id, _row, top = layout.place(item.id)
        box = layout.box_of[lane_id]
        row_bottom = top + (m.row_height if box.collapsed else m.row_pitch)
        if box.collapsed:
            top, row_bottom = box.top, box.top + box.height
        start, finish = occupancy(item, False)
        if start < day1 and finish > day0 and top < y1 and row_bottom > y0:
            expected.add(item.id)
    # Rows are found by their band, so the search may also return a row touching the edge.
    assert expected <= found
    # The ids alone (what a frame's links are found from): the same, in the same order.
    assert layout.ids_between(day0, day1, y0, y1) == [
        v.item_id for v in layout.visible(day0, day1, y0, y1)
    ]
    for item_id in found - expected:
        start, finish = occupancy(layout.items[item_id], False)
        assert start < day1 and finish > day0


@settings(max_examples=60)
@given(
    spans,
    st.lists(
        st.tuples(st.integers(0, 39), st.integers(-30, 30), st.integers(0, 2), st.booleans()),
        max_size=25,
    ),
)
def test_incremental_moves_keep_rows_valid_and_others_still(specs, moves):
    items = {i: feature(i, lane, start, days) for i, (lane, start, days) in enumerate(specs)}
    layout = GanttLayout([LayoutLane(0), LayoutLane(1), LayoutLane(2)], items.values())
    for item_id, shift, lane, remove in moves:
        if item_id not in items:
            continue
        before = {i: layout.place(i) for i in items if i != item_id}
        if remove:
            layout.update(removed=[item_id])
            del items[item_id]
        else:
            old = items[item_id]
            items[item_id] = feature(item_id, lane, old.start + shift, old.end - old.start + 1)
            layout.update([items[item_id]])
        check_rows(layout)
        for other, place in before.items():  # nobody else changed row (tops may shift)
            assert layout.place(other)[:2] == place[:2]
        for lane_id in (0, 1, 2):  # the lane column's counts, kept by the rows
            assert layout.item_count(lane_id) == sum(i.lane_id == lane_id for i in items.values())


kinds = st.sampled_from(list(ItemKind))
placed = st.lists(
    st.tuples(st.integers(0, 2), kinds, st.integers(0, 80), st.integers(1, 25), st.booleans()),
    max_size=40,
)


@settings(max_examples=80)
@given(
    placed, st.floats(-10, 110), st.floats(0, 60), st.floats(0, 400), st.sampled_from([0.3, 3, 8])
)
def test_bar_boxes_place_each_visible_item_as_bar_box_does(specs, day0, width, y0, ppd):
    """The batched call (a whole frame at once) and the one-item call agree exactly, for
    every kind, in open and folded lanes, with and without baselines."""
    items = [
        LayoutItem(
            i,
            lane,
            kind,
            start,
            start if kind is MILESTONE else start + days - 1,
            (start + 1, start + days) if based else None,
        )
        for i, (lane, kind, start, days, based) in enumerate(specs)
    ]
    m = Metrics(with_baseline=True)
    layout = GanttLayout([LayoutLane(0), LayoutLane(1, collapsed=True), LayoutLane(2)], items, m)
    scale = TimeScale(D(1, 1, 3), ppd)  # ordinal 3: the items' days lie either side of x = 0
    day1, y1 = day0 + width, y0 + 300
    seen = list(layout.visible(day0, day1, y0, y1))
    batch = layout.bar_boxes(day0, day1, y0, y1, scale)
    assert [entry[0].id for entry in batch] == [v.item_id for v in seen]
    for v, (item, box, row_top, compact, next_x, prev_x) in zip(seen, batch, strict=True):
        assert (row_top, compact) == (v.row_top, v.compact)
        assert box == bar_box(item, v.row_top, scale, m, v.compact) == layout.bar(item.id, scale)
        nxt = None if v.next_start is None else scale.x_of_ordinal(v.next_start)
        prev = None if v.prev_end is None else scale.x_of_ordinal(v.prev_end)
        assert (next_x, prev_x) == (nxt, prev)


def test_slip_is_counted_and_written_one_way():
    assert finish_slip(D(2027, 3, 5).toordinal(), D(2027, 3, 1).toordinal()) == 4
    assert finish_slip(10, 12) == -2
    assert [slip_text(3), slip_text(-2)] == ["+3d", "−2d"]


def test_metrics_scale_all_sizes_or_only_those_named():
    m = Metrics()
    assert scaled_metrics(m, 1.0) is m
    double = scaled_metrics(m, 2.0)
    assert double == m.scaled(2.0)
    assert (double.row_height, double.label_padding) == (64.0, 12.0)
    rows = scaled_metrics(m, 2.0, ("row_height", "bar_height"))
    assert (rows.row_height, rows.bar_height, rows.label_padding) == (64.0, 36.0, 6.0)
    assert rows.with_baseline is m.with_baseline


def test_a_moved_item_keeps_its_row_when_it_still_fits():
    layout = GanttLayout(
        [LayoutLane(1)], [feature(1, 1, 0, 10), feature(2, 1, 2, 3), feature(3, 1, 20, 3)]
    )
    assert layout.place(2)[1] == 1
    layout.update([feature(2, 1, 30, 3)])  # now fits in row 0 too, but stays where it was
    assert layout.place(2)[1] == 1
    layout.update([feature(3, 1, 1, 3)])  # collides in row 0: takes the lowest free row
    assert layout.place(3)[1] == 1
    assert layout.update(removed=[2, 3]) == {1} and layout.row_count(1) == 1


def test_shapes_by_kind_and_compact_lanes():
    m = Metrics()
    scale = TimeScale(D(2027, 1, 1), 10.0)
    o = D(2027, 1, 1).toordinal()
    bar = bar_box(feature(1, 1, o + 2, 3), 0, scale, m)
    assert (bar.x, bar.w, bar.h, bar.cy) == (20, 30, m.bar_height, m.row_height / 2)
    wide = bar_box(LayoutItem(2, 1, ItemKind.INITIATIVE, o, o), 0, scale, m)
    assert wide.h == m.initiative_height and wide.cy == bar.cy
    diamond = bar_box(LayoutItem(3, 1, MILESTONE, o + 4, o + 4), 0, scale, m)
    assert diamond.w == diamond.h == m.milestone_size and diamond.x + diamond.w / 2 == 45
    compact = bar_box(feature(4, 1, o, 3), 0, scale, m, compact=True)
    assert compact.h == m.compact_height


def test_baselines_widen_the_row_and_show_the_slip():
    m = Metrics(with_baseline=True)
    scale = TimeScale(D(2027, 1, 1), 10.0)
    item = feature(1, 1, 10, 5, baseline=(8, 12))
    assert occupancy(item, True) == (8, 15) and occupancy(item, False) == (10, 15)
    assert slip_days(item) == 2 and slip_days(feature(2, 1, 0, 1)) is None
    under = baseline_box(item, 0, scale, m)
    bar = bar_box(item, 0, scale, m)
    assert under.y > bar.bottom - 1 and under.bottom <= m.row_pitch
    assert baseline_box(item, 0, scale, Metrics()) is None  # not drawn unless shown
    assert m.row_pitch > Metrics().row_pitch


def test_labels_go_inside_beside_or_nowhere():
    m = Metrics()
    bar = Box(100, 0, 120, 18)
    inside = label_place(bar, 60, None, m)
    assert inside.inside and inside.x == 106
    beside = label_place(bar, 200, None, m)
    assert not beside.inside and beside.x == 226 and beside.width == 200
    squeezed = label_place(bar, 200, 300, m)  # the next bar leaves 68 px: elide inside (108 px)
    assert squeezed.inside and squeezed.width == 108
    assert label_place(Box(100, 0, 20, 18), 200, 150, m) is None  # nowhere readable
    diamond = label_place(Box(100, 0, 16, 16), 10, None, m, milestone=True)
    assert not diamond.inside  # never inside a diamond


def route_enters(points, succ: Box, kind: DependencyType) -> bool:
    (x0, y0), (x1, y1) = points[-2], points[-1]
    into_start = kind in (DependencyType.FINISH_TO_START, DependencyType.START_TO_START)
    horizontal = y0 == y1 == succ.cy
    return horizontal and (x0 < x1 == succ.x if into_start else x0 > x1 == succ.right)


@pytest.mark.parametrize("kind", list(DependencyType))
@pytest.mark.parametrize("succ_x", [0, 60, 300])
@pytest.mark.parametrize("succ_y", [0, 80, -80])
def test_links_leave_and_enter_the_right_ends(kind, succ_x, succ_y):
    pred = Box(100, 0, 100, 18)
    succ = Box(succ_x, succ_y, 50, 18)
    points = link_route(kind, pred, succ)
    from_finish = kind in (DependencyType.FINISH_TO_START, DependencyType.FINISH_TO_FINISH)
    assert points[0] == ((pred.right if from_finish else pred.x), pred.cy)
    assert route_enters(points, succ, kind)
    for (xa, ya), (xb, yb) in pairwise(points):
        assert xa == xb or ya == yb  # orthogonal segments only


def test_forward_finish_to_start_is_one_elbow_and_distance_to_it():
    points = link_route(DependencyType.FINISH_TO_START, Box(0, 0, 50, 18), Box(200, 40, 50, 18))
    assert points == [(50, 9), (58, 9), (58, 49), (200, 49)]
    assert distance_to_route(points, 120, 52) == 3
    assert distance_to_route(points, 58, 30) == 0


def test_a_label_with_no_room_on_the_right_goes_left_when_that_is_clear():
    m = Metrics()
    bar = Box(300, 0, 20, 18)  # a short bar, the next one 10 px after it
    place = label_place(bar, 120, 330, m, left_limit=100)
    assert place is not None and not place.inside and place.x == 300 - 6 - 120
    assert place.width == 120  # whole, not cut
    # The previous bar (or its label) reaches too far: no left placement, the old choices.
    blocked = label_place(bar, 120, 330, m, left_limit=200)
    assert blocked is None or blocked.x >= bar.x
    # Without a left limit (paper, unchanged), never left.
    assert label_place(bar, 120, 330, m) is None or label_place(bar, 120, 330, m).x >= bar.x


def test_restack_folds_lanes_as_a_new_layout_would_and_takes_only_the_same_lanes():
    items = [feature(1, 1, 0, 3), feature(2, 1, 1, 3), feature(3, 2, 0, 2), feature(4, 3, 5, 1)]
    lanes = [LayoutLane(1), LayoutLane(2), LayoutLane(3)]
    layout = GanttLayout(lanes, items)
    folded = [LayoutLane(1, collapsed=True), LayoutLane(2), LayoutLane(3, collapsed=True)]
    layout.restack(folded)
    fresh = GanttLayout(folded, items)
    assert layout.boxes == fresh.boxes and layout.height == fresh.height
    assert [layout.place(i) for i in (1, 2, 3, 4)] == [fresh.place(i) for i in (1, 2, 3, 4)]
    with pytest.raises(ValueError, match="same lanes"):
        layout.restack([LayoutLane(2), LayoutLane(1), LayoutLane(3)])
    with pytest.raises(ValueError, match="same lanes"):
        layout.restack(lanes[:2])
