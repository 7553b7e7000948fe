"""The layout packs a lane's items into the rows pack_rows assigns, in start order, and
only when the lane is first read."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.core.enums import ItemKind
from pmdesk.core.gantt_layout import (
    GanttLayout,
    LaneOccupancy,
    LayoutItem,
    LayoutLane,
    Metrics,
    lane_occupancies,
    occupancy,
    rows_needed,
)
from pmdesk.core.timeline import pack_rows


def _items(seed: int) -> list[LayoutItem]:
    rng = random.Random(seed)
    found = []
    for item_id in rng.sample(range(1, 5000), 1500):  # ids not in start order
        start = 739000 + rng.randrange(300)
        kind = ItemKind.MILESTONE if rng.random() < 0.15 else ItemKind.FEATURE
        end = start if kind is ItemKind.MILESTONE else start + rng.randrange(0, 40)
        baseline = None
        if rng.random() < 0.4:
            base_start = start + rng.randrange(-20, 20)
            baseline = (base_start, base_start + rng.randrange(0, 30))
        found.append(LayoutItem(item_id, rng.randrange(1, 5), kind, start, end, baseline))
    return found


@pytest.mark.parametrize("with_baseline", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_rows_are_pack_rows_assignment_in_start_order(seed, with_baseline):
    items = _items(seed)
    lanes = [LayoutLane(n) for n in range(1, 5)]
    layout = GanttLayout(lanes, items, Metrics(with_baseline=with_baseline))
    for lane in lanes:
        members = [i for i in items if i.lane_id == lane.id]
        spans = {i.id: occupancy(i, with_baseline) for i in members}
        assigned = pack_rows((i, s, f) for i, (s, f) in spans.items())
        assert layout.row_count(lane.id) == max(assigned.values()) + 1
        for item in members:
            assert layout.place(item.id)[:2] == (lane.id, assigned[item.id])
        for row in range(layout.row_count(lane.id)):
            ids = layout.row_items(lane.id, row, -1e9, 1e9)
            expected = sorted((spans[i][0], i) for i in assigned if assigned[i] == row)
            assert ids == [i for _start, i in expected]
            starts = [spans[i][0] for i in ids]
            assert starts == sorted(starts)


def test_layout_items_compare_and_hash_by_value():
    one = LayoutItem(1, 2, ItemKind.FEATURE, 10, 12, (9, 12))
    same = LayoutItem(1, 2, ItemKind.FEATURE, 10, 12, (9, 12))
    assert one == same and hash(one) == hash(same) and len({one, same}) == 1


def _extent_item_by_item(layout: GanttLayout) -> tuple[int, int] | None:
    if not layout.items:
        return None
    first = min(occupancy(i, True)[0] for i in layout.items.values())
    return first, max(occupancy(i, True)[1] for i in layout.items.values()) - 1


@pytest.mark.parametrize("with_baseline", [False, True])
def test_extent_counts_every_item_and_baseline_after_moves(with_baseline):
    items = _items(3)
    lanes = [LayoutLane(n) for n in range(1, 5)]
    layout = GanttLayout(lanes, items, Metrics(with_baseline=with_baseline))
    assert layout.extent() == _extent_item_by_item(layout)
    rng = random.Random(4)
    for item in rng.sample(items, 200):  # moved, some far out, some with a baseline further
        start = item.start + rng.randrange(-400, 400)
        base = (start - 500, start - 490) if rng.random() < 0.1 else item.baseline
        moved = LayoutItem(item.id, item.lane_id, item.kind, start, start + 3, base)
        layout.update([moved], [i.id for i in rng.sample(items, 1)])
        assert layout.extent() == _extent_item_by_item(layout)
    assert GanttLayout(lanes, [], Metrics()).extent() is None


spans_lists = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=60).map(
    lambda pairs: [(start, n, start + days) for n, (start, days) in enumerate(pairs)]
)


@settings(max_examples=300)
@given(spans_lists)
def test_rows_needed_is_the_row_count_packing_gives(spans):
    """Counted without packing, the rows a lane needs are the rows its packing makes: the
    most items running at once, a finish freeing its row for a start on the same day."""
    assigned = pack_rows((i, s, f) for s, i, f in spans)
    assert rows_needed(spans) == (max(assigned.values()) + 1 if assigned else 0)


def _answers(layout: GanttLayout, items: list[LayoutItem]) -> dict:
    """Everything the chart and the poster ask a layout, in a form to compare."""
    scale_rows = [(b.lane_id, b.top, b.height, b.collapsed) for b in layout.boxes]
    return {
        "boxes": scale_rows,
        "height": layout.height,
        "extent": layout.extent(),
        "places": {i.id: layout.place(i.id) for i in items},
        "lanes": {
            lane.id: (
                layout.row_count(lane.id),
                layout.item_count(lane.id),
                layout.ids_of_lane(lane.id),
            )
            for lane in layout.lanes
        },
        "visible": list(layout.visible(-1e9, 1e9, 0, layout.height)),
        "rows at": [layout.row_at(y) for y in range(0, int(layout.height) + 40, 7)],
    }


def _packed_whole(layout: GanttLayout) -> GanttLayout:
    for lane in layout.lanes:
        layout._lane_rows(lane.id)  # noqa: SLF001 - every lane packed before any question
    return layout


@pytest.mark.parametrize("with_baseline", [False, True])
def test_a_layout_packed_as_read_answers_as_one_packed_whole(with_baseline):
    """Lanes are stacked from their row counts and packed when first read: whatever is
    asked first, and after moves into, out of and within lanes not read yet, every answer
    is the one a layout packed whole gives."""
    items = _items(5)
    lanes = [LayoutLane(n, collapsed=n == 3) for n in range(1, 5)]
    metrics = Metrics(with_baseline=with_baseline)
    lazy = GanttLayout(lanes, items, metrics)
    assert all(not rows for rows in lazy._rows.values())  # noqa: SLF001 - nothing packed yet
    whole = _packed_whole(GanttLayout(lanes, items, metrics))
    assert [b.height for b in lazy.boxes] == [b.height for b in whole.boxes]
    for lane in lanes:  # the lane column's counts, from lanes not packed
        assert lazy.item_count(lane.id) == sum(i.lane_id == lane.id for i in items)
        assert lazy.row_count(lane.id) == whole.row_count(lane.id)
    assert all(not rows for rows in lazy._rows.values())  # noqa: SLF001 - counting packs none
    # Read the second lane's band only: that lane alone is packed.
    band = lazy.box_of[2]
    lazy.ids_between(-1e9, 1e9, band.top + 1, band.top + band.height - 1)
    assert set(lazy._rows) == {2}  # noqa: SLF001
    _moved_alike(lazy, whole, items, random.Random(6), 60)


def _moved_alike(
    one: GanttLayout, other: GanttLayout, items: list[LayoutItem], rng: random.Random, steps: int
) -> None:
    """The same random moves (into, out of and within lanes) and removals made in both
    layouts, asked the same questions as they go and at the end."""
    current = {item.id: item for item in items}
    for step in range(steps):
        item = rng.choice(list(current.values()))
        if step % 10 == 9:
            one.update(removed=[item.id])
            other.update(removed=[item.id])
            del current[item.id]
            continue
        start = item.start + rng.randrange(-30, 30)
        moved = LayoutItem(item.id, rng.randrange(1, 5), item.kind, start, start + 4)
        current[item.id] = moved
        one.update([moved])
        other.update([moved])
        if step % 20 == 0:  # some questions while lanes still wait
            assert one.place(item.id) == other.place(item.id)
            assert one.extent() == other.extent()
    assert _answers(one, list(current.values())) == _answers(other, list(current.values()))


@settings(max_examples=300)
@given(spans_lists, st.lists(st.booleans(), min_size=60, max_size=60))
def test_an_occupancy_counts_any_of_its_items_as_their_own_packing_does(spans, picks):
    """Rows, count, ends and spans of the items shown, read from the lane's occupancy made
    once from all of them, are what those items alone give: a finish frees its row for a
    start on the same day there too."""
    lane = LaneOccupancy(spans)
    shown_ids = {item_id for _start, item_id, _finish in spans if picks[item_id]}
    chosen = sorted(span for span in spans if span[1] in shown_ids)
    shown = shown_ids.__contains__
    assert lane.rows(shown) == rows_needed(chosen)
    assert lane.count(shown) == len(chosen)
    assert lane.chosen(shown) == chosen
    ends = (chosen[0][0], max(finish for _s, _i, finish in chosen)) if chosen else None
    assert lane.ends(shown) == ends


@pytest.mark.parametrize("with_baseline", [False, True])
@pytest.mark.parametrize("seed", [7, 8])
def test_a_layout_counted_from_occupancies_answers_as_a_layout_of_its_items(seed, with_baseline):
    """A filter's layout counts its lanes' rows from occupancies made once from every item
    of the plan: for a few, most, all and none of the items, and after moves into, out of
    and within its lanes, every answer is the one a layout of those items alone gives.
    Items of a lane the layout does not show (the lane filter's others) are left out."""
    items = _items(seed)
    lanes = [LayoutLane(n, collapsed=n == 2) for n in (1, 2, 3)]  # lane 4 is not shown
    metrics = Metrics(with_baseline=with_baseline)
    occupancies = lane_occupancies(items, [1, 2, 3, 4], with_baseline)
    rng = random.Random(seed)
    for share in (0.0, 0.1, 0.7, 1.0):
        subset = [item for item in items if rng.random() < share]
        counted = GanttLayout(lanes, subset, metrics, occupancies)
        fresh = _packed_whole(GanttLayout(lanes, subset, metrics))
        assert counted.items == fresh.items
        assert _answers(counted, subset) == _answers(fresh, subset)
    _moved_alike(counted, fresh, subset, rng, 40)
