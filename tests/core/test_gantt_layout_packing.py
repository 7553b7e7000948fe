"""The layout packs a lane's items into the rows pack_rows assigns, in start order."""

from __future__ import annotations

import random

import pytest

from pmdesk.core.enums import ItemKind
from pmdesk.core.gantt_layout import GanttLayout, LayoutItem, LayoutLane, Metrics, occupancy
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
