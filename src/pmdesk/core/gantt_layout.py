"""The whole roadmap chart laid out in numbers: lanes → rows → bars, labels and links.

The Qt chart (``gui/gantt``) and the PDF renderer both draw from this module so
screen and paper agree. Units are whatever the caller draws in (pixels on
screen, points on paper): x comes from a :class:`~pmdesk.core.timeline.TimeScale`,
y is measured from the top of the chart body (below the time scale).

Items of a lane are packed into rows so bars never overlap (interval
partitioning, :func:`~pmdesk.core.timeline.pack_rows`). Each row keeps its
items sorted by start in plain lists; since items in one row never overlap,
their finishes are sorted too, so the items under any x range are found by
binary search. That is what keeps painting and hit-testing fast at 20,000
items: work is proportional to what is on screen, not to the plan.

Days are ordinals (``date.toordinal()``); an item covers ``start..end``
inclusive, so it occupies ``[start, end + 1)``; a milestone occupies its day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from heapq import heappop, heappush
from itertools import accumulate, compress, count, pairwise, repeat
from operator import itemgetter, sub
from typing import NamedTuple

from .enums import DependencyType, ItemKind
from .timeline import LaneBox, TimeScale, stack_lanes


# Not frozen (none is changed once made): a 100,000-item plan opens with as many, made
# three times faster without frozen's per-field guard; hashable all the same.
@dataclass(slots=True, unsafe_hash=True)
class LayoutItem:
    """What the layout needs of a roadmap item; ``baseline`` is (start, end) ordinals."""

    id: int
    lane_id: int
    kind: ItemKind
    start: int
    end: int
    baseline: tuple[int, int] | None = None

    @property
    def is_milestone(self) -> bool:
        return self.kind is ItemKind.MILESTONE


@dataclass(frozen=True, slots=True)
class LayoutLane:
    id: int
    collapsed: bool = False


@dataclass(frozen=True)
class Metrics:
    """Sizes of rows and shapes; one object so the screen and the PDF can scale them."""

    row_height: float = 32.0
    lane_padding: float = 6.0
    collapsed_height: float = 28.0
    bar_height: float = 18.0
    initiative_height: float = 24.0
    milestone_size: float = 16.0
    compact_height: float = 8.0  # bars in a collapsed lane
    baseline_height: float = 5.0
    baseline_gap: float = 3.0
    label_padding: float = 6.0
    min_label_width: float = 48.0  # narrower than this, a label cannot be read: skip it
    max_label_width: float = 300.0  # a label beside its bar is elided beyond this
    link_gap: float = 8.0
    with_baseline: bool = False

    @property
    def row_pitch(self) -> float:
        """Height of one row: the bar band, plus the baseline strip when one is shown."""
        extra = self.baseline_gap + self.baseline_height if self.with_baseline else 0.0
        return self.row_height + extra

    def scaled(self, factor: float, sizes: Iterable[str] | None = None) -> Metrics:
        """Every size (or only ``sizes``) times ``factor``: :func:`scaled_metrics`."""
        return scaled_metrics(self, factor, sizes)

    def showing_baseline(self, shown: bool) -> Metrics:
        return replace(self, with_baseline=shown)


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a frame makes hundreds, none changes
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def grown(self, by: float) -> Box:
        return Box(self.x - by, self.y - by, self.w + 2 * by, self.h + 2 * by)

    def contains(self, x: float, y: float, slop: float = 0.0) -> bool:
        inside_x = self.x - slop <= x <= self.right + slop
        return inside_x and self.y - slop <= y <= self.bottom + slop


@dataclass(frozen=True, slots=True)
class Visible:
    """An item on screen: its id, the top of its row, the start of the next item in the row."""

    item_id: int
    row_top: float
    next_start: int | None
    compact: bool
    prev_end: int | None = None  # where the previous item in the row ends (exclusive day)


def occupancy(item: LayoutItem, with_baseline: bool) -> tuple[int, int]:
    """The days an item holds in its row: its dates, and its baseline's when that is drawn."""
    start, finish = item.start, max(item.end + 1, item.start + 1)
    if with_baseline and item.baseline is not None:
        start = min(start, item.baseline[0])
        finish = max(finish, item.baseline[1] + 1)
    return start, finish


class Row:
    """Disjoint intervals sorted by start (so finishes are sorted too)."""

    __slots__ = ("starts", "finishes", "ids")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.finishes: list[int] = []
        self.ids: list[int] = []

    def __len__(self) -> int:
        return len(self.ids)

    def fits(self, start: int, finish: int) -> bool:
        i = bisect_right(self.starts, start)
        if i > 0 and self.finishes[i - 1] > start:
            return False
        return i == len(self.starts) or self.starts[i] >= finish

    def insert(self, start: int, finish: int, item_id: int) -> None:
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.finishes.insert(i, finish)
        self.ids.insert(i, item_id)

    def remove(self, item_id: int, start: int) -> None:
        i = bisect_left(self.starts, start)
        while self.ids[i] != item_id:  # starts are unique in a row, but be safe
            i += 1
        del self.starts[i], self.finishes[i], self.ids[i]

    def between(self, day0: float, day1: float) -> range:
        """Indexes of the intervals overlapping [day0, day1)."""
        first = bisect_right(self.finishes, day0)
        last = bisect_left(self.starts, day1)
        return range(first, max(first, last))


_START, _FINISH = itemgetter(0), itemgetter(2)


def rows_needed(spans: Sequence[tuple[int, int, int]]) -> int:
    """How many rows the lowest-free-row packing gives (start, id, finish) occupancies: the
    most that run at once, a finish freeing its row for a start on the same day (interval
    partitioning in start order opens a row only when every row is busy).

    Counted with sorted lists and C-level maps, without assigning any row: about half the
    packing's time, so a lane can be stacked before (or without) being packed."""
    return _stacked(spans)[0] if spans else 0


def _stacked(spans: Sequence[tuple[int, int, int]]) -> tuple[int, int, int]:
    """(rows needed, first start, last finish) of a lane's spans, at least one."""
    starts, finishes = sorted(map(_START, spans)), sorted(map(_FINISH, spans))
    # After the n-th start (counting from 1): n begun, bisect_right of them finished.
    rows = max(map(sub, count(1), map(bisect_right, repeat(finishes), starts)))
    return rows, starts[0], finishes[-1]


class LaneOccupancy:
    """A lane's items' occupancies, sorted once, so that the rows any of them need (those a
    filter shows) are counted without sorting or packing them.

    Every start and finish is a step up or down, in the order the packing meets them: by
    day, a finish before a start on the same day (its row is free again for the start).
    The most steps up at any point, counting only the items shown, is how many rows those
    items need (:func:`rows_needed`): one pass of C-level maps over the lane, where
    counting them afresh sorts their starts and finishes and searches one in the other
    (20,000 items, two thirds shown: 1.7 ms against 4.5 ms).
    """

    __slots__ = ("spans", "ids", "starts", "finish_ids", "finishes", "step_ids", "steps")

    def __init__(self, spans: Iterable[tuple[int, int, int]]) -> None:
        # (start, id, finish): by start, then id, as the packing goes
        self.spans = spans = sorted(spans)
        self.ids = [item_id for _start, item_id, _finish in spans]
        self.starts = [start for start, _id, _finish in spans]
        by_finish = sorted((finish, item_id) for _start, item_id, finish in spans)
        self.finish_ids = [item_id for _finish, item_id in by_finish]
        self.finishes = [finish for finish, _id in by_finish]
        steps = sorted(
            [(2 * start + 1, item_id, 1) for start, item_id, _finish in spans]
            + [(2 * finish, item_id, -1) for _start, item_id, finish in spans]
        )
        self.step_ids = [item_id for _key, item_id, _step in steps]
        self.steps = [step for _key, _id, step in steps]

    def rows(self, shown: Callable[[int], bool]) -> int:
        """How many rows the items ``shown`` (by id) need."""
        return max(accumulate(compress(self.steps, map(shown, self.step_ids))), default=0)

    def count(self, shown: Callable[[int], bool]) -> int:
        return sum(map(shown, self.ids))

    def chosen(self, shown: Callable[[int], bool]) -> list[tuple[int, int, int]]:
        """The (start, id, finish) of the items shown, by start (then id)."""
        return list(compress(self.spans, map(shown, self.ids)))

    def ends(self, shown: Callable[[int], bool]) -> tuple[int, int] | None:
        """The first start and the last finish of the items shown; None if none is."""
        first = next(compress(self.starts, map(shown, self.ids)), None)
        if first is None:
            return None
        last = next(compress(reversed(self.finishes), map(shown, reversed(self.finish_ids))))
        return first, last


def lane_occupancies(
    items: Iterable[LayoutItem], lane_ids: Iterable[int], with_baseline: bool
) -> dict[int, LaneOccupancy]:
    """A :class:`LaneOccupancy` for each of ``lane_ids`` (from those of ``items`` in it)."""
    spans: dict[int, list[tuple[int, int, int]]] = {lane_id: [] for lane_id in lane_ids}
    lane_spans = spans.get
    for item in items:
        found = lane_spans(item.lane_id)
        if found is not None:
            start, finish = occupancy(item, with_baseline)
            found.append((start, item.id, finish))
    return {lane_id: LaneOccupancy(found) for lane_id, found in spans.items()}


class GanttLayout:
    """Lanes stacked top to bottom, each with its items packed into rows.

    Built once from the plan; :meth:`update` then moves single items without
    repacking the rest, so a bar being dragged never makes its neighbours jump.

    A lane is stacked from how many rows it needs (:func:`rows_needed`) and packed when
    it is first read (drawn, hit, asked for an item's place or moved into): opening a
    plan or applying a filter packs the lanes on screen, not all of them.

    ``occupancies`` (:func:`lane_occupancies`, made for these metrics from every item the
    ``items`` are picked from, each as it is in ``items``): the lanes' rows are counted
    from them instead of from ``items`` (a filter showing most of a large plan).
    """

    def __init__(
        self,
        lanes: Sequence[LayoutLane],
        items: Iterable[LayoutItem],
        metrics: Metrics | None = None,
        occupancies: Mapping[int, LaneOccupancy] | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.lanes = list(lanes)
        self.items: dict[int, LayoutItem] = {}
        self._rows: dict[int, list[Row]] = {}  # of the lanes packed
        # lane id -> its spans, or its occupancy (what of it is shown is in self.items)
        self._waiting: dict[int, list[tuple[int, int, int]] | LaneOccupancy] = {}
        self._counts: dict[int, int] = {}  # rows a waiting lane needs
        self._ends: dict[int, tuple[int, int]] = {}  # a waiting lane's first start, last finish
        self._place: dict[int, tuple[int, int]] = {}  # item id -> (lane id, row), when packed
        self._extent: tuple[int, int] | None = None
        self._extent_known = False  # worked out since the items last changed
        if occupancies is not None:
            self._count_from(occupancies, items)
            self._restack()
            return
        # Each item's occupancy (occupancy(), inline: this runs over every item of the plan),
        # gathered by lane in the same pass that keeps the item.
        spans_of: dict[int, list[tuple[int, int, int]]] = {lane.id: [] for lane in self.lanes}
        lane_spans, kept = spans_of.get, self.items
        shown = self.metrics.with_baseline
        for item in items:
            spans = lane_spans(item.lane_id)
            if spans is None:
                continue
            kept[item.id] = item
            start, finish = item.start, item.end + 1
            if finish <= start:
                finish = start + 1
            if shown and item.baseline is not None:
                start = min(start, item.baseline[0])
                finish = max(finish, item.baseline[1] + 1)
            spans.append((start, item.id, finish))
        for lane_id, spans in spans_of.items():
            if spans:
                self._waiting[lane_id] = spans
                rows, first, after = _stacked(spans)
                self._counts[lane_id], self._ends[lane_id] = rows, (first, after)
            else:
                self._rows[lane_id] = []
        self._restack()

    # -- building -----------------------------------------------------------------

    def _count_from(
        self, occupancies: Mapping[int, LaneOccupancy], items: Iterable[LayoutItem]
    ) -> None:
        """Each lane's rows counted from its occupancy; ``items`` kept if their lane is shown."""
        shown_lanes = {lane.id for lane in self.lanes}
        self.items = kept = {item.id: item for item in items if item.lane_id in shown_lanes}
        shown = kept.__contains__
        for lane_id in shown_lanes:
            lane = occupancies[lane_id]
            rows = lane.rows(shown)
            if rows:
                self._waiting[lane_id], self._counts[lane_id] = lane, rows
            else:
                self._rows[lane_id] = []

    def _lane_rows(self, lane_id: int) -> list[Row]:
        """The lane's rows, packed now if they were waiting (KeyError: not a lane shown)."""
        rows = self._rows.get(lane_id)
        if rows is None:
            waiting = self._waiting.pop(lane_id)  # KeyError for a lane this layout lacks
            del self._counts[lane_id]
            self._ends.pop(lane_id, None)
            if isinstance(waiting, LaneOccupancy):  # the rows it counted, from the same spans
                waiting = waiting.chosen(self.items.__contains__)
            self._pack_lane(lane_id, waiting)
            rows = self._rows[lane_id]
        return rows

    def _row_count(self, lane_id: int) -> int:
        rows = self._rows.get(lane_id)
        return len(rows) if rows is not None else self._counts.get(lane_id, 0)

    def _pack_lane(self, lane_id: int, spans: list[tuple[int, int, int]]) -> None:
        """Rows for a lane's items, from their (start, id, finish) occupancies:
        :func:`~pmdesk.core.timeline.pack_rows`'s assignment (by start, then id; the lowest
        free row), made in the same sweep that fills the rows.

        The rows still running are kept in a heap as one int each, ``finish`` shifted left
        past the row's number: ints compare faster than (finish, row) pairs, in the same
        order, and none is made per item (100,000 items as a large plan opens)."""
        spans.sort()  # ids are unique: by start, then id, as pack_rows sorts
        shift = len(spans).bit_length()  # room for every row number this lane can have
        mask = (1 << shift) - 1
        active: list[int] = []  # finish << shift | row, of the items still running
        free: list[int] = []  # rows free again, lowest first
        rows: list[Row] = []
        places: list[tuple[int, int]] = []  # (lane id, row) of each row, shared by its items
        place = self._place
        for start, item_id, finish in spans:
            ended = (start + 1) << shift  # below it: finished by ``start``
            while active and active[0] < ended:
                heappush(free, heappop(active) & mask)
            if free:
                number = heappop(free)
                row = rows[number]
            else:
                number = len(rows)
                row = Row()
                rows.append(row)
                places.append((lane_id, number))
            row.starts.append(start)
            row.finishes.append(finish)
            row.ids.append(item_id)
            place[item_id] = places[number]
            heappush(active, finish << shift | number)  # finish > start: a day at least
        self._rows[lane_id] = rows

    def restack(self, lanes: Sequence[LayoutLane]) -> None:
        """The same lanes in the same order, some folded or unfolded since: every row stands
        and the lanes below move (what a whole new layout would give, without packing every
        item again: 20,000 items took some 25 ms)."""
        if [lane.id for lane in lanes] != [lane.id for lane in self.lanes]:
            raise ValueError("restack takes the same lanes in the same order")
        self.lanes = list(lanes)
        self._restack()

    def _restack(self) -> None:
        m = self.metrics
        spec = [(lane.id, self._row_count(lane.id), lane.collapsed) for lane in self.lanes]
        self.boxes: list[LaneBox] = stack_lanes(
            spec, m.row_pitch, m.lane_padding, m.collapsed_height
        )
        self.box_of: dict[int, LaneBox] = {box.lane_id: box for box in self.boxes}
        self._tops = [box.top for box in self.boxes]

    @property
    def height(self) -> float:
        return self.boxes[-1].top + self.boxes[-1].height if self.boxes else 0.0

    def row_count(self, lane_id: int) -> int:
        return self._row_count(lane_id)

    def ids_of_lane(self, lane_id: int) -> list[int]:
        """The ids of the items a lane shows, row by row."""
        if lane_id not in self._rows and lane_id not in self._waiting:
            return []
        return [i for row in self._lane_rows(lane_id) for i in row.ids]

    def item_count(self, lane_id: int) -> int:
        """How many items the lane shows, summed over its rows (no pass over the items)."""
        waiting = self._waiting.get(lane_id)
        if isinstance(waiting, LaneOccupancy):
            return waiting.count(self.items.__contains__)
        if waiting is not None:
            return len(waiting)
        return sum(len(row) for row in self._rows.get(lane_id, ()))

    def extent(self) -> tuple[int, int] | None:
        """First and last day (inclusive) covered by any item or its baseline; kept until
        items change (:meth:`update`): a lane folded asks again and changes nothing."""
        if not self._extent_known:
            self._extent, self._extent_known = self._work_out_extent(), True
        return self._extent

    def _work_out_extent(self) -> tuple[int, int] | None:
        if not self.items:
            return None
        # The rows hold every item's occupancy already (a row's starts are sorted): no pass
        # over 100,000 items to open a plan, only over the baselines when rows leave them out.
        rows = [row for lane in self._rows.values() for row in lane if row.ids]
        ends = [(row.starts[0], row.finishes[-1]) for row in rows]  # finishes sorted too
        ends += self._ends.values()  # the lanes not packed yet
        shown = self.items.__contains__
        for waiting in self._waiting.values():
            if isinstance(waiting, LaneOccupancy):
                found = waiting.ends(shown)
                if found is not None:
                    ends.append(found)
        first = min(start for start, _after in ends)
        after = max(finish for _first, finish in ends)
        if not self.metrics.with_baseline:
            for item in self.items.values():
                if item.baseline is not None:
                    first = min(first, item.baseline[0])
                    after = max(after, item.baseline[1] + 1)
        return first, after - 1

    # -- incremental change -----------------------------------------------------------

    def update(self, changed: Iterable[LayoutItem] = (), removed: Iterable[int] = ()) -> set[int]:
        """Place changed items (new or moved) and drop removed ones; returns the lanes touched.

        A moved item keeps its row when it still fits there, else takes the lowest
        row with room, else a new row; other items never move.
        """
        removed, changed = list(removed), list(changed)
        # Every lane an item leaves or enters is packed first: the rows it had are counted.
        known, items = self._rows.keys() | self._waiting.keys(), self.items
        lanes = {items[i].lane_id for i in removed if i in items}
        lanes |= {items[i.id].lane_id for i in changed if i.id in items}
        lanes |= {i.lane_id for i in changed if i.lane_id in known}
        counts = {lane: len(self._lane_rows(lane)) for lane in lanes}
        touched: set[int] = set()
        self._extent_known = False
        for item_id in removed:
            touched |= self._unplace(item_id)
            self.items.pop(item_id, None)
        for item in changed:
            old = self._place.get(item.id)
            touched |= self._unplace(item.id)
            if item.lane_id not in known:  # its lane is not shown (filtered out)
                self.items.pop(item.id, None)
                continue
            self.items[item.id] = item
            self._put(item, old[1] if old is not None and old[0] == item.lane_id else None)
            touched.add(item.lane_id)
        for lane in touched:
            rows = self._rows[lane]
            while rows and not rows[-1]:
                rows.pop()
        if any(len(self._rows[lane]) != counts[lane] for lane in touched):
            self._restack()
        return touched

    def _unplace(self, item_id: int) -> set[int]:
        place = self._place.pop(item_id, None)
        if place is None:
            return set()
        lane_id, row = place
        old = self.items[item_id]
        self._rows[lane_id][row].remove(item_id, occupancy(old, self.metrics.with_baseline)[0])
        return {lane_id}

    def _put(self, item: LayoutItem, preferred: int | None) -> None:
        start, finish = occupancy(item, self.metrics.with_baseline)
        rows = self._rows[item.lane_id]
        if preferred is not None and preferred < len(rows) and rows[preferred].fits(start, finish):
            row = preferred
        else:
            free = next((r for r, there in enumerate(rows) if there.fits(start, finish)), None)
            if free is None:
                rows.append(Row())
                free = len(rows) - 1
            row = free
        rows[row].insert(start, finish, item.id)
        self._place[item.id] = (item.lane_id, row)

    # -- reading ------------------------------------------------------------------------

    def lane_at(self, y: float) -> LaneBox | None:
        i = bisect_right(self._tops, y) - 1
        if i < 0:
            return None
        box = self.boxes[i]
        return box if y < box.top + box.height else None

    def row_top(self, lane_id: int, row: int) -> float:
        box = self.box_of[lane_id]
        if box.collapsed:
            return self._folded_row_top(box)
        return box.top + self.metrics.lane_padding + row * self.metrics.row_pitch

    def _folded_row_top(self, box: LaneBox) -> float:
        """Where a folded lane draws all its rows, on one line."""
        return box.top + (self.metrics.collapsed_height - self.metrics.row_height) / 2

    def row_at(self, y: float) -> tuple[int, int] | None:
        """(lane id, row) under y, or None outside any row (collapsed lanes have none)."""
        box = self.lane_at(y)
        if box is None or box.collapsed:
            return None
        row = int((y - box.top - self.metrics.lane_padding) // self.metrics.row_pitch)
        if 0 <= row < self._row_count(box.lane_id):
            return box.lane_id, row
        return None

    def place(self, item_id: int) -> tuple[int, int, float] | None:
        """(lane id, row, row top) of an item, or None if it is not laid out."""
        found = self._place.get(item_id)
        if found is None:
            item = self.items.get(item_id)
            if item is None or item.lane_id not in self._waiting:
                return None
            self._lane_rows(item.lane_id)
            found = self._place[item_id]
        return found[0], found[1], self.row_top(*found)

    def row_items(self, lane_id: int, row: int, day0: float, day1: float) -> list[int]:
        target = self._lane_rows(lane_id)[row]
        return [target.ids[k] for k in target.between(day0, day1)]

    def _rows_in(
        self, y0: float, y1: float, boxes: list[LaneBox] | None = None
    ) -> Iterator[tuple[Row, float, bool]]:
        """Rows crossing [y0, y1), top to bottom: (row, its top, whether its lane is folded).

        ``boxes``: the lanes stacked as they were (the same lanes, the rows as they are)."""
        m = self.metrics
        tops = self._tops if boxes is None else [box.top for box in boxes]
        first = max(0, bisect_right(tops, y0) - 1)
        for box in (self.boxes if boxes is None else boxes)[first:]:
            if box.top >= y1:
                break
            rows = self._lane_rows(box.lane_id)
            if box.collapsed:  # a folded lane draws all its rows on one line
                top = self._folded_row_top(box)
                for row in rows:
                    yield row, top, True
                continue
            low = int((y0 - box.top - m.lane_padding) // m.row_pitch)
            high = int((y1 - box.top - m.lane_padding) // m.row_pitch)
            for r in range(max(0, low), min(len(rows) - 1, high) + 1):
                yield rows[r], box.top + m.lane_padding + r * m.row_pitch, False

    def visible(self, day0: float, day1: float, y0: float, y1: float) -> Iterator[Visible]:
        """Items overlapping days [day0, day1) in rows crossing [y0, y1), top to bottom."""
        for row, top, compact in self._rows_in(y0, y1):
            starts, ids, finishes = row.starts, row.ids, row.finishes
            last = len(starts) - 1
            for k in row.between(day0, day1):
                following = starts[k + 1] if k < last else None
                previous = finishes[k - 1] if k else None
                yield Visible(ids[k], top, following, compact, previous)

    def ids_between(
        self,
        day0: float,
        day1: float,
        y0: float,
        y1: float,
        boxes: list[LaneBox] | None = None,
    ) -> list[int]:
        """The ids :meth:`visible` finds, in the same order, without the rest of what it says
        of each (a frame's links are found from these); with ``boxes``, where the lanes
        were stacked so (see :meth:`_rows_in`)."""
        found: list[int] = []
        for row, _top, _compact in self._rows_in(y0, y1, boxes):
            span = row.between(day0, day1)
            found += row.ids[span.start : span.stop]
        return found

    # -- geometry -------------------------------------------------------------------------

    def bar(self, item_id: int, scale: TimeScale) -> Box | None:
        place = self.place(item_id)
        if place is None:
            return None
        compact = self.box_of[place[0]].collapsed
        return bar_box(self.items[item_id], place[2], scale, self.metrics, compact)

    def bar_boxes(
        self, day0: float, day1: float, y0: float, y1: float, scale: TimeScale
    ) -> list[Placed]:
        """Every item :meth:`visible` finds, with its shape (:func:`bar_box`) and the x where
        its row's neighbours begin and end: the whole of a frame (or a page) in one call.

        Each entry is a plain tuple, cheaper to make than an object, unpacked as
        ``item, box, row_top, compact, next_x, prev_x``: ``next_x`` is where the next
        item of the row starts (None at the row's end), ``prev_x`` where the previous one
        ends (None at its start), both counting their baselines when those are shown.
        """
        m = self.metrics
        origin, ppd = scale.origin.toordinal(), scale.px_per_day
        items = self.items
        half = m.row_height / 2
        heights = {kind: shape_height(kind, m) for kind in ItemKind}
        compact_height = shape_height(ItemKind.FEATURE, m, compact=True)
        found: list[Placed] = []
        add = found.append
        milestone = ItemKind.MILESTONE
        for row, top, compact in self._rows_in(y0, y1):
            starts, ids, finishes = row.starts, row.ids, row.finishes
            last = len(starts) - 1
            cy = top + half
            for k in row.between(day0, day1):
                item = items[ids[k]]
                h = compact_height if compact else heights[item.kind]
                # shape_box, inline: a frame places hundreds (the same sums, in the same order)
                if item.kind is milestone:
                    box = Box((item.start + 0.5 - origin) * ppd - h / 2, cy - h / 2, h, h)
                else:
                    width = (item.end + 1 - item.start) * ppd
                    box = Box((item.start - origin) * ppd, cy - h / 2, max(width, 1.0), h)
                add(
                    (
                        item,
                        box,
                        top,
                        compact,
                        (starts[k + 1] - origin) * ppd if k < last else None,
                        (finishes[k - 1] - origin) * ppd if k else None,
                    )
                )
        return found


Placed = tuple[LayoutItem, Box, float, bool, float | None, float | None]


def shape_height(kind: ItemKind, m: Metrics, compact: bool = False) -> float:
    """How tall an item's shape is: a bar; an initiative's, taller; a milestone's diamond
    (as wide as it is tall); any of them in a folded lane, a thin strip."""
    if compact:
        return m.compact_height
    if kind is ItemKind.MILESTONE:
        return m.milestone_size
    return m.initiative_height if kind is ItemKind.INITIATIVE else m.bar_height


def shape_box(item: LayoutItem, cy: float, h: float, origin: int, px_per_day: float) -> Box:
    """An item's shape, ``h`` tall and centred on ``cy``, placed by its days: a bar covers
    them (at least one unit wide, so none vanishes), a milestone's diamond sits in the
    middle of its day. ``origin`` is the ordinal at x = 0."""
    if item.kind is ItemKind.MILESTONE:
        return Box((item.start + 0.5 - origin) * px_per_day - h / 2, cy - h / 2, h, h)
    width = max((item.end + 1 - item.start) * px_per_day, 1.0)
    return Box((item.start - origin) * px_per_day, cy - h / 2, width, h)


def bar_box(
    item: LayoutItem, row_top: float, scale: TimeScale, m: Metrics, compact: bool = False
) -> Box:
    """The rectangle of an item's shape (a milestone's diamond fits in it)."""
    h = shape_height(item.kind, m, compact)
    cy = row_top + m.row_height / 2
    return shape_box(item, cy, h, scale.origin.toordinal(), scale.px_per_day)


def baseline_box(item: LayoutItem, row_top: float, scale: TimeScale, m: Metrics) -> Box | None:
    """The thin bar under an item showing where the baseline had it, or None."""
    if item.baseline is None or not m.with_baseline:
        return None
    y = row_top + m.row_height / 2 + m.initiative_height / 2 + m.baseline_gap - 2
    start, end = item.baseline
    if item.is_milestone:
        x = scale.x_of_ordinal(start + 0.5)
        return Box(x - m.baseline_height / 2 - 1, y, m.baseline_height + 2, m.baseline_height)
    x0, x1 = scale.x_of_ordinal(start), scale.x_of_ordinal(end + 1)
    return Box(x0, y, max(x1 - x0, 1.0), m.baseline_height)


def finish_slip(end: int, baseline_end: int) -> int:
    """How many days later (positive) or earlier an item finishing on ``end`` finishes than
    its baseline, which finished on ``baseline_end`` (ordinals, both inclusive)."""
    return end - baseline_end


def slip_days(item: LayoutItem) -> int | None:
    """:func:`finish_slip` of an item against its baseline; None without one."""
    return None if item.baseline is None else finish_slip(item.end, item.baseline[1])


def slip_text(days: int) -> str:
    """A slip as the chart writes it beside the baseline: "+3d" late, "−2d" early."""
    return f"+{days}d" if days > 0 else f"−{-days}d"


class LabelPlace(NamedTuple):
    """Where a label goes (a tuple: the chart asks for hundreds a frame)."""

    x: float
    width: float  # room for the text; the caller elides to it
    inside: bool


def label_place(
    box: Box,
    text_width: float,
    next_left: float | None,
    m: Metrics,
    milestone: bool = False,
    left_limit: float | None = None,
) -> LabelPlace | None:
    """Inside the bar when the text fits, right of it when there is room, else left of it
    when there is room there (``left_limit``: where the previous bar, or its label, ends;
    None: never left), else the longest cut-down form that reads.

    ``next_left`` is the x of the next bar in the same row (None if there is none):
    a label beside its bar never runs into its neighbour, nor runs on for ever.
    """
    pad = m.label_padding
    beside_x = box.right + pad
    room = (next_left - pad - beside_x) if next_left is not None else m.max_label_width
    room = min(room, m.max_label_width)
    inside_room = box.w - 2 * pad
    if not milestone and text_width <= inside_room:
        return LabelPlace(box.x + pad, inside_room, True)
    if text_width <= room:
        return LabelPlace(beside_x, text_width, False)
    left_x = box.x - pad - text_width
    if left_limit is not None and text_width <= m.max_label_width and left_x >= left_limit + pad:
        return LabelPlace(left_x, text_width, False)
    if not milestone and inside_room >= max(m.min_label_width, room):
        return LabelPlace(box.x + pad, inside_room, True)
    if room >= m.min_label_width:
        return LabelPlace(beside_x, room, False)
    return None


# -- dependency links ----------------------------------------------------------------------

_FROM_FINISH = {DependencyType.FINISH_TO_START, DependencyType.FINISH_TO_FINISH}
_TO_START = {DependencyType.FINISH_TO_START, DependencyType.START_TO_START}

Point = tuple[float, float]


def link_route(kind: DependencyType, pred: Box, succ: Box, gap: float = 8.0) -> list[Point]:
    """An orthogonal path from the predecessor's end (or start) to the successor's.

    The path leaves the predecessor sideways, runs along the gap between rows when
    it has to double back, and enters the successor horizontally, so an arrow head
    drawn on the last segment points into the bar.
    """
    from_finish, to_start = kind in _FROM_FINISH, kind in _TO_START
    sx = pred.right if from_finish else pred.x
    tx = succ.x if to_start else succ.right
    sy, ty = pred.cy, succ.cy
    same_row = abs(sy - ty) < 0.5
    out = gap if from_finish else -gap
    a = sx + out
    if same_row:
        detour_y = pred.bottom + 4
    else:
        detour_y = succ.y - 4 if ty > sy else succ.bottom + 4
    if from_finish != to_start:  # FF or SS: both ends face the same side
        m = max(sx, tx) + gap if from_finish else min(sx, tx) - gap
        if same_row or abs(m - a) > gap:  # turn in the gap by the target, not along our row
            return [(sx, sy), (a, sy), (a, detour_y), (m, detour_y), (m, ty), (tx, ty)]
        return [(sx, sy), (m, sy), (m, ty), (tx, ty)]
    b = tx - out  # FS or SF: leave on one side, enter on the other
    if same_row and (tx - sx) * out >= 0:
        return [(sx, sy), (tx, ty)]
    if not same_row and (b - a) * out >= 0:
        return [(sx, sy), (a, sy), (a, ty), (tx, ty)]
    return [(sx, sy), (a, sy), (a, detour_y), (b, detour_y), (b, ty), (tx, ty)]


def distance_to_route(points: Sequence[Point], x: float, y: float) -> float:
    """Shortest distance from (x, y) to the path (segments are horizontal or vertical)."""
    best = float("inf")
    for (x0, y0), (x1, y1) in pairwise(points):
        cx = min(max(x, min(x0, x1)), max(x0, x1))
        cy = min(max(y, min(y0, y1)), max(y0, y1))
        best = min(best, ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5)
    return best


# The sizes of rows and shapes: what a poster with room to spare grows (its text, padding
# and link gaps stay as they are).
ROW_SIZES = (
    "row_height",
    "lane_padding",
    "bar_height",
    "initiative_height",
    "milestone_size",
    "baseline_height",
    "baseline_gap",
)


def scaled_metrics(metrics: Metrics, factor: float, sizes: Iterable[str] | None = None) -> Metrics:
    """Every size of ``metrics`` times ``factor``, or only the ``sizes`` named (a
    projector's larger text needs taller rows; a poster grows its rows and shapes)."""
    if factor == 1.0:
        return metrics
    names = [f.name for f in fields(metrics) if isinstance(getattr(metrics, f.name), float)]
    if sizes is not None:
        wanted = set(sizes)
        names = [name for name in names if name in wanted]
    return replace(metrics, **{name: getattr(metrics, name) * factor for name in names})
