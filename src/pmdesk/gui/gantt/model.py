"""The product's roadmap as the chart and the board see it, kept in step with the file.

``RoadmapModel`` holds plain rows (loaded in bulk through ``RoadmapQueries``),
the filter, the core :class:`GanttLayout`, and what is derived from them:
broken links, the critical path, selection. A ChangeSet is applied by reading
back only the rows it names, so one moved bar costs one small query, not a
reload of 20,000 items. No Qt here: widgets read the model and paint it.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, KeysView, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from pmdesk.core.bulk import bulk_work
from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import Horizon, ItemKind, ItemStatus
from pmdesk.core.gantt_layout import (
    GanttLayout,
    LaneOccupancy,
    LayoutItem,
    LayoutLane,
    Metrics,
    finish_slip,
    lane_occupancies,
)
from pmdesk.core.horizon import effective_horizon
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.scheduling import (
    CycleError,
    Link,
    LiveSchedule,
    Task,
    TaskDays,
    broken_links,
)
from pmdesk.core.timeline import LaneBox
from pmdesk.core.working_calendar import WorkingCalendar
from pmdesk.store.roadmap_rows import (
    BaselineRow,
    ItemRow,
    LaneRow,
    LaneTask,
    LinkRow,
    RoadmapQueries,
    SnapshotRow,
)

ITEM, LINK, LANE = ChangeKind.ROADMAP_ITEM, ChangeKind.DEPENDENCY, ChangeKind.LANE
# The read-only "Launch" lane follows these.
LAUNCH_KINDS = (ChangeKind.LAUNCH, ChangeKind.LAUNCH_TASK)
BASELINE_KINDS = (ChangeKind.BASELINE, ChangeKind.BASELINE_ENTRY)
# The working calendar follows these.
CALENDAR_KINDS = (ChangeKind.WORK_CALENDAR, ChangeKind.CALENDAR_EXCEPTION)
# From this many links a plan opens with its links checked for broken ones as they are
# asked about (the chart's first paint asks only for those on screen), and the rest right
# after the first paint (see BrokenLinks). Below it the whole check runs as the plan is
# read, before anything is drawn: 4,000 links take about 7 ms of CPU (1,000: 2 ms, 5,000:
# 9 ms, 75,000: 0.27 s), too little to be worth a legend that names "Broken dependency" a
# moment after the chart is drawn.
LATE_CHECK_FROM = 4_000


@dataclass
class Filter:
    """Which items the chart shows; an empty filter shows everything."""

    lane_id: int | None = None
    kind: ItemKind | None = None
    status: ItemStatus | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.lane_id or self.kind or self.status or self.text.strip())

    def test(self) -> Callable[[ItemRow], bool]:
        """Whether a row passes the filter, with its words worked out once: a layout asks it
        of every item (20,000 of them each time the filter changes)."""
        lane, kind, status = self.lane_id, self.kind, self.status
        wanted = self.text.strip().casefold()

        def accepts(row: ItemRow) -> bool:
            if lane is not None and row.lane_id != lane:
                return False
            if kind is not None and row.kind is not kind:
                return False
            if status is not None and row.status is not status:
                return False
            return not wanted or wanted in row.name.casefold() or wanted in row.notes.casefold()

        return accepts

    def select(self, rows: Collection[ItemRow], folded: FoldedText) -> Collection[ItemRow]:
        """The rows that pass, as :meth:`test` says, without a call per row: the words are
        looked for in each item's casefolded text kept in ``folded`` (a filter typed over a
        20,000-item plan then folds each name once, not on every key)."""
        if not self.active:
            return rows
        lane, kind, status = self.lane_id, self.kind, self.status
        if lane is not None or kind is not None or status is not None:
            rows = [
                row
                for row in rows
                if (lane is None or row.lane_id == lane)
                and (kind is None or row.kind is kind)
                and (status is None or row.status is status)
            ]
        wanted = self.text.strip().casefold()
        if not wanted:
            return rows
        if FoldedText.JOIN in wanted:  # could run across the join: look in each text alone
            return list(filter(self.test(), rows))
        return folded.matching(wanted, rows)


# A filter showing more than one item in OCCUPANCY_SHARE has its lanes' rows counted from
# their occupancies (a pass over every item of the plan in C) rather than from the items
# shown (a sort and a search of each shown item's days, some six times as long an item).
OCCUPANCY_SHARE = 6


class FoldedText:
    """Each item's name and notes casefolded and joined, kept until the model says the item
    changed (:meth:`forget`; a plan loaded again starts a new one).

    The texts of the rows last looked in are kept in their order too: the next filter over
    the same rows (the same objects, as long as no item changed) reads them side by side
    with the rows, without looking each one up (20,000 items: 0.6 ms against 0.9 ms)."""

    JOIN = "\0"  # words without it are in the joined text only if in the name or the notes

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._rows: list[ItemRow] = []  # the rows last looked in
        self._in_order: list[str] = []  # and their texts, in the same order

    def forget(self, item_ids: Iterable[int]) -> None:
        """These items changed or went: their text is folded again when next asked."""
        for item_id in item_ids:
            self._texts.pop(item_id, None)
        self._rows, self._in_order = [], []

    def matching(self, wanted: str, rows: Collection[ItemRow]) -> list[ItemRow]:
        """The rows whose name or notes hold ``wanted`` (casefolded, without JOIN)."""
        listed = rows if isinstance(rows, list) else list(rows)
        if listed != self._rows:  # element by element, each the same object: at C speed
            texts, join = self._texts, self.JOIN
            for row in listed:
                if row.id not in texts:
                    texts[row.id] = row.name.casefold() + join + row.notes.casefold()
            self._rows, self._in_order = listed, [texts[row.id] for row in listed]
        return [row for row, text in zip(listed, self._in_order, strict=True) if wanted in text]


class _Names(Mapping):
    """Item names looked up when asked, instead of a 20,000-entry dict made every pass."""

    def __init__(self, items: dict[int, ItemRow]) -> None:
        self._items = items

    def __getitem__(self, item_id: int) -> str:
        return self._items[item_id].name

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class BrokenLinks(Mapping[int, int]):
    """link id -> days the dates break it by: the plan's broken links, checked as asked.

    Checking every link of a large plan takes a while (75,000 links: 0.3 s of CPU), and
    the chart's first paint needs only the links on screen. So a link is checked the first
    time it is asked about (``in``, ``[]``, ``get``; ``keys() & ids`` checks those ids in
    one go, which is how the chart's links ask), and every link as soon as anything needs
    them all (iterating, ``len``, ``bool``, ``==``) or :meth:`finish` is called (the panel
    calls it right after the chart's first paint, a few thousand links at a time:
    :meth:`check_some`). Whoever reads gets the answer a full check would give; only
    :meth:`found_so_far` answers without checking more.
    """

    def __init__(
        self,
        check: Callable[[list[int]], dict[int, int]],
        links: Callable[[], Collection[int]],
    ) -> None:
        self._check = check  # the broken ones among these ids of links that exist
        self._links = links  # the ids of the plan's links now
        self._found: dict[int, int] = {}
        self._checked: set[int] | None = set()  # None: every link is checked
        self._pending: list[int] | None = None  # what check_some has still to go through

    @property
    def complete(self) -> bool:
        """Whether every link has been checked (nothing is left to work out)."""
        return self._checked is None

    def finish(self) -> None:
        """Check the links not checked yet (at once for a small plan; after the first paint
        for a large one)."""
        checked = self._checked
        if checked is not None:
            rest = [i for i in self._links() if i not in checked]
            if rest:
                with bulk_work():  # tens of thousands of tasks: no collection while made
                    self._found.update(self._check(rest))
            self._checked = None
            self._pending = None

    def check_some(self, most: int) -> bool:
        """Check up to ``most`` of the links not checked yet; whether all are checked now.
        (The panel checks a large plan's links in steps after its first paint, so that a
        scroll or a click right then waits for one step, not for the whole check.)"""
        checked = self._checked
        if checked is None:
            return True
        if self._pending is None:  # the links then; any added since are checked as added
            self._pending = [i for i in self._links() if i not in checked]
        pending = self._pending
        step = pending[-most:]
        del pending[-most:]
        with bulk_work():
            self._ask(step)  # the links gone since are left out, those asked meanwhile too
        if not pending:
            self.finish()
        return self._checked is None

    def found_so_far(self) -> Mapping[int, int]:
        """The broken links among those checked until now, without checking any more (what
        the legend shows until the check is complete)."""
        return self._found

    def _ask(self, ids: Iterable[int]) -> None:
        checked = self._checked
        if checked is None:
            return
        links = self._links()
        new = [i for i in ids if i not in checked and i in links]
        if new:
            self._found.update(self._check(new))
            checked.update(new)

    def recheck(self, ids: Iterable[int]) -> None:
        """These links (or their items) changed: check them again now."""
        links = self._links()
        ids = [i for i in ids if i in links]
        for link_id in ids:
            self._found.pop(link_id, None)
        if ids:
            self._found.update(self._check(ids))
        if self._checked is not None:
            self._checked.update(ids)

    def forget(self, link_id: int) -> None:
        """The link is gone."""
        self._found.pop(link_id, None)
        if self._checked is not None:
            self._checked.discard(link_id)

    def __getitem__(self, link_id: int) -> int:
        self._ask((link_id,))
        return self._found[link_id]

    def __contains__(self, link_id: object) -> bool:
        if isinstance(link_id, int):
            self._ask((link_id,))
        return link_id in self._found

    def get(self, link_id: int, default=None):  # type: ignore[override]
        self._ask((link_id,))
        return self._found.get(link_id, default)

    def keys(self) -> KeysView[int]:
        return self._found.keys() if self._checked is None else _AskedKeys(self)

    def __iter__(self) -> Iterator[int]:
        self.finish()
        return iter(self._found)

    def __len__(self) -> int:
        self.finish()
        return len(self._found)

    def __repr__(self) -> str:
        return f"BrokenLinks({dict(self)!r})"


class _AskedKeys(KeysView[int]):
    """``BrokenLinks.keys()`` before the check is complete: ``ids & keys`` checks only ids."""

    _mapping: BrokenLinks

    def __and__(self, other: Iterable[object]) -> set[int]:  # type: ignore[override]
        ids = [i for i in other if isinstance(i, int)]
        self._mapping._ask(ids)
        found = self._mapping.found_so_far()
        return {i for i in ids if i in found}

    __rand__ = __and__  # type: ignore[assignment]


@dataclass(frozen=True)
class Ghosts:
    """The items' dates at a moment (a snapshot or a day), drawn as ghost bars in place of
    the baseline's. A view: it lives in the window, never in the file, and has no undo."""

    since: str | dt.date  # what was chosen: a snapshot's name, or a day
    label: str  # what the legend calls it: "Q3 review, 3 Sep 2026" or "14 Sep 2026"
    # item id -> (start, end) ordinals then; an item added since has none. Read once: a
    # later edit of an item moves its bar, never its ghost.
    dates: dict[int, tuple[int, int]]


class LaneShift(NamedTuple):
    """Lanes moved up or down as a whole: ``tops`` where each lane began before, in order,
    and ``moves`` by how much its items moved (None: a lane folded or unfolded, whose items
    took other shapes)."""

    tops: tuple[float, ...]
    moves: tuple[float | None, ...]

    def move_at(self, y: float) -> float | None:
        """How far what was at ``y`` moved (None: it was in a reshaped lane, or in none)."""
        index = bisect_right(self.tops, y) - 1
        return self.moves[index] if index >= 0 else None


@dataclass
class Moved:
    """What may sit elsewhere since a version of the layout: these items and links, and
    the lanes each shift (with the version it came at) moved up or down."""

    items: set[int]
    links: set[int]
    shifts: list[tuple[int, LaneShift]]


@dataclass
class Refresh:
    """What a change needs repainted: some lanes, or everything when rows moved."""

    everything: bool = False  # lay the chart out again
    repaint: bool = False  # same layout, but anything may look different
    lanes: set[int] = field(default_factory=set)
    items: set[int] = field(default_factory=set)
    links: set[int] = field(default_factory=set)
    board: bool = False
    launch: bool = False  # the launch lane's tasks changed
    calendar: bool = False  # the working calendar changed: days off shade differently
    reread: bool = False  # the whole plan read again (a reconnect): anything may have changed
    lane_list: bool = False  # the lanes themselves changed (a name, a colour, the order)
    baselines: bool = False  # the baselines changed (one set, renamed, compared, removed)
    # Items that came onto the critical path or left it (drawn, with their links, in or out
    # of its colour) where the path was worked out from the moved items only.
    critical: set[int] = field(default_factory=set)
    # Rows added or freed, or a lane folded or unfolded: the lanes from this y down (scene
    # coordinates) moved or changed shape; the chart above stands. None: not that, or more
    # than that (``everything`` alone then says the whole chart).
    moved_below: float | None = None
    stack_before: list[LaneBox] | None = None  # with moved_below: the lanes as they were
    lane_change: LaneChange | None = None  # one lane's height changed, the rest moved alike


def _moved(before: list[LaneBox], after: list[LaneBox], refresh: Refresh, metrics: Metrics) -> None:
    """Into ``refresh``: where the first of the same lanes, stacked again, starts to differ
    (a lane's rows added or freed at its end, a lane folded, move what is below), the
    stack before, and, when that lane alone changed its height and every lane below it
    moved by as much, the change (``LaneChange``)."""
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    if not changed:
        return
    (first, now), rest = changed[0], changed[1:]
    refresh.stack_before = before
    refresh.moved_below = min(first.top, now.top)
    if first.top != now.top:
        return
    if not first.collapsed and not now.collapsed:  # rows come and go at a lane's end
        rows = min(first.rows, now.rows)  # those before them stand
        refresh.moved_below = first.top + metrics.lane_padding + rows * metrics.row_pitch
    by = now.height - first.height
    if len(rest) == len(after) - after.index(now) - 1 and all(
        a.top - b.top == by and a.height == b.height for b, a in rest
    ):
        refresh.lane_change = LaneChange(now.top, first.height, now.height)


class LaneChange(NamedTuple):
    """One lane changed its height (a row more or fewer, folded or unfolded) and every lane
    below it moved by as much: the chart below it is the same picture, moved."""

    top: float
    before: float  # its height before
    after: float  # and now

    @property
    def by(self) -> float:
        """How far the lanes below moved (down when positive)."""
        return self.after - self.before


class RoadmapModel:
    def __init__(self, queries: RoadmapQueries, metrics: Metrics | None = None) -> None:
        self.queries = queries
        self.metrics = metrics or Metrics()
        self.today = dt.date.today()
        self.filter = Filter()
        # Presenting: lanes folded to one row to fit the screen, and no launch lane (views only,
        # never written to the file).
        self.folded: set[int] = set()
        self.hide_launch = False
        self.product_id: int | None = None
        self.show_critical = False
        self.baseline_shown = True
        # A moment's dates drawn instead of the baseline's (kept across a reload of the same
        # product; another product, or another file's model, starts without).
        self.moment: Ghosts | None = None
        self.version = 0  # grows with every change of the layout: caches of geometry check it
        # What each step of ``version`` since the last full layout touched (see moved_since).
        self._laid_out = 0  # the version of the last full layout: everything may have moved
        self._steps: list[tuple[int, frozenset[int], frozenset[int], LaneShift | None]] = []
        self._extent: tuple[int, tuple[int, int] | None] = (-1, None)
        # The layout's items of every layout since the last whole one, the filtered-out too:
        # a filter typed, changed and taken back takes them as they are (see _relayout).
        self._made: dict[int, LayoutItem] = {}
        # Each lane's items' occupancies (as in _made, for the baseline shown or not): a filter
        # that shows many items counts their rows from these (see _relayout).
        self._occupancies: dict[int, LaneOccupancy] = {}
        self._occupied_with_baseline = False
        self._made_behind = True  # the layout holds items _made lacks (or newer ones)
        self._clear()

    def _clear(self) -> None:
        self.lanes: list[LaneRow] = []
        self.lane_index: dict[int, int] = {}
        self.items: dict[int, ItemRow] = {}
        self.folded_text = FoldedText()  # for the filter's words
        self._tasks: dict[int, Task] = {}
        self._task_days = TaskDays()  # remade for another calendar (see _task)
        self.links: dict[int, LinkRow] = {}
        # The scheduler's links, made the first time the critical path is worked out.
        self._core_links: dict[int, Link] | None = None
        # The critical path's schedule, kept up to date as items move (see _move_critical).
        self._live: LiveSchedule | None = None
        self.links_of: dict[int, set[int]] = {}
        self.baselines: list[BaselineRow] = []
        self.baseline_id: int | None = None
        self.baseline: dict[int, tuple[int, int]] = {}
        self.requirement_counts: dict[int, int] = {}
        self.launch_tasks: list[LaneTask] = []
        self.critical: set[int] = set()
        self.floats: dict[int, int] = {}
        self.schedule_error = ""
        self.selected: set[int] = set()
        self.selected_links: set[int] = set()
        self.layout = GanttLayout([], [], self.metrics)
        self.calendar = WorkingCalendar()
        self.violated: BrokenLinks  # link id -> days it is broken by (see BrokenLinks)
        self.check_links()  # no links: nothing to check

    # -- loading ---------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        if product_id != self.product_id:
            self.moment = None
        with bulk_work():
            self._load(product_id)

    def _load(self, product_id: int | None) -> None:
        self._clear()
        self.product_id = product_id
        if product_id is None:
            return
        q = self.queries
        self.calendar = self._read_calendar()
        self._set_lanes(q.lane_rows(product_id))
        self.items = {row.id: row for row in q.item_rows(product_id)}
        self._index_links(q.link_rows(product_id))
        self.requirement_counts = q.requirement_counts(product_id)
        self.launch_tasks = q.launch_tasks(product_id)
        self._load_baselines()
        self.check_links(late=True)
        self.relayout()
        if self.show_critical:
            self.compute_critical()

    def _read_calendar(self) -> WorkingCalendar:
        return self.queries.calendar(self.product_id)

    def _apply_calendar(self, refresh: Refresh) -> None:
        """Another working calendar (days, hours, holidays, or the product's own one): the
        items' working days and every link's check count in it now; the shading follows."""
        calendar = self._read_calendar()
        if calendar == self.calendar:
            return
        self.calendar = calendar
        self._tasks.clear()
        self.check_links()
        refresh.repaint = True
        refresh.calendar = True
        refresh.links |= set(self.links)
        if self.show_critical:
            self.compute_critical()

    def _set_lanes(self, lanes: list[LaneRow]) -> None:
        self.lanes = lanes
        self.lane_index = {lane.id: n for n, lane in enumerate(lanes)}

    def _load_baselines(self) -> None:
        """The baselines, and the dates of the one compared (the active one in the file)."""
        self.baselines = self.queries.baseline_rows(self.product_id)
        self.baseline_id = next((b.id for b in self.baselines if b.is_active), None)
        self.baseline = (
            self.queries.baseline_ordinals(self.baseline_id) if self.baseline_id is not None else {}
        )

    @property
    def baseline_visible(self) -> bool:
        """Whether ghost bars are drawn: the compared baseline's, or a moment's."""
        return self.baseline_shown and (self.moment is not None or self.baseline_id is not None)

    @property
    def ghosts(self) -> dict[int, tuple[int, int]]:
        """item id -> (start, end) ordinals the ghost bars and slips compare with."""
        return self.moment.dates if self.moment is not None else self.baseline

    @property
    def compared_with(self) -> str:
        """What the slips are against, in a sentence: "the baseline" or "“Q3 review”"."""
        return f"“{self.moment.label}”" if self.moment is not None else "the baseline"

    def snapshots(self) -> list[SnapshotRow]:
        """The workspace's snapshots, oldest first (the moments ghosts can be drawn from)."""
        return self.queries.snapshots()

    def layout_item(self, row: ItemRow) -> LayoutItem:
        baseline = self.ghosts.get(row.id) if self.baseline_visible else None
        return LayoutItem(
            row.id, row.lane_id, row.kind, row.start.toordinal(), row.end.toordinal(), baseline
        )

    def shown_lanes(self) -> list[LaneRow]:
        if self.filter.lane_id is None:
            return self.lanes
        return [lane for lane in self.lanes if lane.id == self.filter.lane_id]

    def relayout(self, *, same_items: bool = False) -> None:
        """Lay the whole chart out again (after a load, a filter or a baseline change).

        ``same_items``: nothing but the filter changed since the last layout, whose items
        then stand for their rows as they are (each edit replaces its item in the layout).
        """
        with bulk_work():
            self._relayout(same_items)

    def _layout_lanes(self) -> list[LayoutLane]:
        folded = self.folded
        return [
            LayoutLane(lane.id, lane.collapsed or lane.id in folded) for lane in self.shown_lanes()
        ]

    def _relayout(self, same_items: bool = False) -> None:
        metrics = self.metrics.showing_baseline(self.baseline_visible)
        lanes = self._layout_lanes()
        chosen = self.filter.select(self.items.values(), self.folded_text)
        # layout_item() for each, its look-ups made once (100,000 items as a plan opens)
        ghosts = self.ghosts if self.baseline_visible else {}
        item, ghost = LayoutItem, ghosts.get
        shown: list[LayoutItem] | None = None
        if same_items:  # the items are as they were: what any layout since made stands
            made = self._made
            if self._made_behind:  # an edit since: the current layout's are the freshest
                made.update(self.layout.items)
            try:  # a filter typed and taken back: every item shown was made before
                shown = [made[r.id] for r in chosen]
            except KeyError:
                pass
        else:
            self._made, self._occupancies = {}, {}
        self._made_behind = shown is None  # made now: not in _made (unless counted below)
        if shown is None:
            kept = self._made.get
            shown = [
                kept(r.id)
                or item(
                    r.id, r.lane_id, r.kind, r.start.toordinal(), r.end.toordinal(), ghost(r.id)
                )
                for r in chosen
            ]
        occupancies = None
        if same_items and len(shown) * OCCUPANCY_SHARE > len(self.items):
            occupancies = self._lane_occupancies(lanes, shown, metrics.with_baseline)
        self.layout = GanttLayout(lanes, shown, metrics, occupancies)
        self._laid_out_again()
        self.selected &= self.layout.items.keys()
        self.selected_links = {i for i in self.selected_links if self.link_shown(i)}

    def _lane_occupancies(
        self, lanes: list[LayoutLane], shown: list[LayoutItem], with_baseline: bool
    ) -> dict[int, LaneOccupancy]:
        """The occupancy of each of ``lanes``, made for those that have none yet from every
        item of the plan: the items of ``shown`` as they are, the others as _made has them
        (or made now and kept there)."""
        if with_baseline != self._occupied_with_baseline:
            self._occupancies, self._occupied_with_baseline = {}, with_baseline
        kept = self._occupancies
        missing = {lane.id for lane in lanes} - kept.keys()
        if missing:
            made = self._made
            if self._made_behind:
                made.update((item.id, item) for item in shown)
                self._made_behind = False
            fresh = made.get
            items = (
                fresh(row.id) or made.setdefault(row.id, self.layout_item(row))
                for row in self.items.values()
                if row.lane_id in missing
            )
            kept.update(lane_occupancies(items, missing, with_baseline))
        return kept

    def _restack(self) -> bool:
        """Lanes folded or unfolded, renamed or recoloured, the same ones in the same order:
        the rows stand and only the lanes' heights move. False (nothing done) otherwise."""
        before = self.layout.boxes
        try:
            self.layout.restack(self._layout_lanes())
        except ValueError:  # lanes came, went or moved: a new layout
            return False
        self._lanes_moved(before)
        return True

    def _laid_out_again(self) -> None:
        """Anything may sit elsewhere now: what was kept of the last layout is not used."""
        self.version += 1
        self._laid_out = self.version
        self._steps.clear()

    def _step(
        self,
        items: Iterable[int] = (),
        links: Iterable[int] = (),
        shift: LaneShift | None = None,
    ) -> None:
        """A change that moved only these items and links (and, with ``shift``, whole lanes
        up or down): the rest of the layout stands."""
        self.version += 1
        self._steps.append((self.version, frozenset(items), frozenset(links), shift))
        if len(self._steps) > 64:  # a cache this far behind starts afresh
            self._laid_out = self._steps.pop(0)[0]

    def _lanes_moved(self, before: list[LaneBox]) -> None:
        """The same lanes as in ``before`` (the stack until now), some of them taller, shorter,
        folded or unfolded: every item keeps its row, so the items of a lane that only moved
        up or down moved by as much as its top; a lane folded or unfolded reshaped its own."""
        after = self.layout.box_of
        moves = tuple(
            None if after[b.lane_id].collapsed != b.collapsed else after[b.lane_id].top - b.top
            for b in before
        )
        reshaped = [b.lane_id for b, move in zip(before, moves, strict=True) if move is None]
        within = [i for lane in reshaped for i in self.layout.ids_of_lane(lane)]
        self._step(within, (), LaneShift(tuple(b.top for b in before), moves))

    def moved_since(self, version: int) -> Moved | None:
        """What may have moved since ``version``: items, links and lanes (see :class:`Moved`),
        or None when anything may have (the chart was laid out again since)."""
        if version < self._laid_out:
            return None
        found = Moved(set(), set(), [])
        for step, moved, changed, shift in self._steps:
            if step > version:
                found.items |= moved
                found.links |= changed
                if shift is not None:
                    found.shifts.append((step, shift))
        return found

    def extent(self) -> tuple[int, int] | None:
        """First and last day of what the chart shows (kept until the layout changes)."""
        if self._extent[0] != self.version:
            found = self.layout.extent()
            days = [t.due.toordinal() for t in self.shown_launch_tasks()]
            if days:
                first, last = min(days), max(days)
                found = (min(found[0], first), max(found[1], last)) if found else (first, last)
            self._extent = (self.version, found)
        return self._extent[1]

    def shown_launch_tasks(self) -> list[LaneTask]:
        """The launch lane's tasks the filter lets through (none when it asks for one lane,
        a kind or a status: those are roadmap words that launch tasks do not have)."""
        wanted = self.filter
        if self.hide_launch:
            return []
        if wanted.lane_id is not None or wanted.kind is not None or wanted.status is not None:
            return []
        text = wanted.text.strip().casefold()
        return [t for t in self.launch_tasks if not text or text in t.title.casefold()]

    def link_shown(self, link_id: int) -> bool:
        link = self.links.get(link_id)
        shown = self.layout.items
        return link is not None and link.pred in shown and link.succ in shown

    def _index_links(self, rows: list[LinkRow]) -> None:
        """The plan's links as it opens, and each item's links, in one loop (``_add_link``'s
        work without a call per link: 75,000 links as a large plan opens)."""
        self.links = {link.id: link for link in rows}
        links_of = self.links_of = {}
        get = links_of.get
        for link_id, pred, succ, *_ in rows:
            found = get(pred)
            if found is None:
                links_of[pred] = {link_id}
            else:
                found.add(link_id)
            found = get(succ)
            if found is None:
                links_of[succ] = {link_id}
            else:
                found.add(link_id)

    def _add_link(self, link: LinkRow) -> None:
        self.links[link.id] = link
        if self._core_links is not None:
            self._core_links[link.id] = _core_link(link)
        links_of = self.links_of
        for end in (link.pred, link.succ):
            found = links_of.get(end)
            if found is None:
                links_of[end] = {link.id}
            else:
                found.add(link.id)

    def _drop_link(self, link_id: int) -> LinkRow | None:
        link = self.links.pop(link_id, None)
        if self._core_links is not None:
            self._core_links.pop(link_id, None)
        if link is not None:
            for end in (link.pred, link.succ):
                self.links_of.get(end, set()).discard(link_id)
        self.violated.forget(link_id)
        self.selected_links.discard(link_id)
        return link

    # -- derived ---------------------------------------------------------------------------

    def _task(self, item_id: int) -> Task | None:
        """The scheduler's view of an item, kept until the item changes."""
        found = self._tasks.get(item_id)
        if found is None:
            row = self.items.get(item_id)
            if row is None:
                return None
            found = self._tasks[item_id] = self._days().task(
                row.id, row.start, row.end, row.kind is ItemKind.MILESTONE
            )
        return found

    def _days(self) -> TaskDays:
        """Tasks under the current calendar (made afresh for another one)."""
        if self._task_days.calendar is not self.calendar:
            self._task_days = TaskDays(self.calendar)
        return self._task_days

    def check_links(self, *, late: bool = False) -> None:
        """Check every link for broken ones afresh (another calendar, another day, a plan
        read again). ``late``: a plan of ``LATE_CHECK_FROM`` links or more is checked as
        it is asked about, and wholly when the panel calls ``violated.finish()`` after the
        chart's first paint (or anything needs every link first)."""
        self.violated = BrokenLinks(self._broken_among, lambda: self.links)
        if not late or len(self.links) < LATE_CHECK_FROM:
            self.violated.finish()

    def _broken_among(self, link_ids: list[int]) -> dict[int, int]:
        links = self.links
        return self._violations(links[i] for i in link_ids)

    def _violations(self, links: Iterable[LinkRow]) -> dict[int, int]:
        links = list(links)
        ends = {i for link in links for i in (link.pred, link.succ)}
        missing = ends - self._tasks.keys()
        if missing:  # each end's task, made in one go and kept
            self._tasks.update(self._days().tasks(map(self.items.get, missing)))
        return {link.id: days for link, days in broken_links(self._tasks, links, self.calendar)}

    def compute_critical(self) -> None:
        """Earliest/latest dates over the whole plan (not only what the filter shows)."""
        tasks = [t for t in map(self._task, self.items) if t is not None]
        if self._core_links is None:
            self._core_links = {i: _core_link(link) for i, link in self.links.items()}
        links = self._core_links.values()
        names = _Names(self.items)  # only read if there is a cycle to name
        self._live = None
        try:
            with bulk_work():
                live = LiveSchedule(tasks, links, names, self.calendar)
        except CycleError as exc:
            self.critical, self.floats, self.schedule_error = set(), {}, str(exc)
            return
        self._live = live
        self.schedule_error = ""
        with bulk_work():
            self.floats = {i: live.timing(i).total_float for i in live.order}
        self.critical = {i for i, f in self.floats.items() if f <= 0}

    def _move_critical(self, moved: set[int]) -> set[int] | None:
        """Items that moved or changed length, the same items and links otherwise: the path
        is worked out again from them only (a whole pass on 20,000 items takes some 0.1 s,
        too long for every drag). Returns the items that came onto the path or left it;
        None (nothing done) when that cannot answer."""
        live = self._live
        tasks = [self._task(i) for i in moved]
        if live is None or not all(t is not None and t.id in live.by_id for t in tasks):
            return None
        if len(live.by_id) != len(self.items):  # an item came or went
            return None
        critical, flipped = self.critical, set()
        for i in live.move(t for t in tasks if t is not None):
            total = live.timing(i).total_float
            self.floats[i] = total
            if (total <= 0) != (i in critical):
                flipped.add(i)
                if total <= 0:
                    critical.add(i)
                else:
                    critical.discard(i)
        return flipped

    def horizon_of(self, row: ItemRow) -> Horizon:
        return effective_horizon(row.horizon, row.start, row.end, self.today)

    def slip(self, item_id: int) -> int | None:
        row, base = self.items.get(item_id), self.ghosts.get(item_id)
        if row is None or base is None:
            return None
        return finish_slip(row.end.toordinal(), base[1])

    def lane_name(self, lane_id: int) -> str:
        index = self.lane_index.get(lane_id)
        return self.lanes[index].name if index is not None else ""

    # -- changes ---------------------------------------------------------------------------

    def apply(self, changes: ChangeSet) -> Refresh:
        """Bring the model in line with a committed change; says what to repaint."""
        refresh = Refresh()
        if self.product_id is None or not changes:
            return refresh
        if changes.reloads(
            ITEM, LINK, LANE, ChangeKind.REQUIREMENT_ITEM_LINK, *BASELINE_KINDS, *LAUNCH_KINDS
        ):
            return self._reload()
        # Lanes or baselines changed: the chart is laid out again below (an item's move that
        # adds or frees a row sets ``everything`` too, but its layout is already updated).
        lay_out = changes.touches(LANE, *BASELINE_KINDS)
        if changes.touches(LANE):
            shown_before = [lane._replace(collapsed=False) for lane in self.lanes]
            self._set_lanes(self.queries.lane_rows(self.product_id))
            refresh.everything = True
            # Names, colours, kinds or order: not a lane folded or unfolded, which changes
            # neither the lists nor the colours.
            refresh.lane_list = shown_before != [
                lane._replace(collapsed=False) for lane in self.lanes
            ]
        if changes.touches(*BASELINE_KINDS):
            self._load_baselines()
            refresh.everything = refresh.baselines = True
        if changes.touches(ChangeKind.REQUIREMENT_ITEM_LINK):
            self.requirement_counts = self.queries.requirement_counts(self.product_id)
            refresh.items |= {
                key[1]
                for key in changes.ids(ChangeKind.REQUIREMENT_ITEM_LINK)
                if isinstance(key, tuple)
            }
        if changes.touches(*CALENDAR_KINDS):
            self._apply_calendar(refresh)
        if changes.touches(*LAUNCH_KINDS):
            self.launch_tasks = self.queries.launch_tasks(self.product_id)
            refresh.launch = True
            self._step()  # the roadmap's items stay where they are
        changed_items = self._apply_items(changes, refresh)
        touched_links = self._apply_links(changes, refresh)
        for item_id in changed_items:
            touched_links |= self.links_of.get(item_id, set())
        touched_links = {i for i in touched_links if i in self.links}
        self.violated.recheck(touched_links)
        refresh.links |= touched_links
        if refresh.items or refresh.links or refresh.lanes:
            self._step(refresh.items, refresh.links)
        if self.show_critical and (changed_items or touched_links):
            # Items that only moved: the path is worked out from where they went, and the
            # items it gained or lost are redrawn with their links. A link, an item added
            # or gone: a whole pass, after which the path may run anywhere (redraw all).
            flipped = None if changes.touches(LINK) else self._move_critical(changed_items)
            if flipped is None:
                self.compute_critical()
                refresh.repaint = True
            else:
                refresh.critical = flipped
        if lay_out:  # lanes or baselines changed: anything may have moved (unless a lane
            refresh.moved_below = refresh.lane_change = None  # was only folded: below)
            stack = self.layout.boxes
            if changes.kinds != {LANE} or not self._restack():  # a lane folded: no new layout
                self.relayout()
            elif not refresh.lane_list:
                _moved(stack, self.layout.boxes, refresh, self.layout.metrics)
        return refresh

    def _reload(self) -> Refresh:
        """Anything may have changed (a reconnect): read it all again, keep the selection."""
        selected, selected_links = set(self.selected), set(self.selected_links)
        self.load(self.product_id)
        self.selected = selected & self.layout.items.keys()
        self.selected_links = {i for i in selected_links if self.link_shown(i)}
        return Refresh(
            everything=True,
            items=set(self.items),
            links=set(self.links),
            board=True,
            launch=True,
            reread=True,
            lane_list=True,
            baselines=True,
        )

    def _apply_items(self, changes: ChangeSet, refresh: Refresh) -> set[int]:
        removed = {i for i in changes.ids(ITEM, "delete") if i in self.items}
        wanted = set(changes.ids(ITEM, "insert")) | set(changes.ids(ITEM, "update"))
        rows = self.queries.item_rows(self.product_id, wanted) if wanted else []
        removed |= {i for i in wanted if i in self.items} - {row.id for row in rows}
        lanes_touched = {self.items[i].lane_id for i in removed | wanted if i in self.items}
        for item_id in removed:
            self.items.pop(item_id, None)
            self._tasks.pop(item_id, None)
            self.selected.discard(item_id)
            for link_id in list(self.links_of.pop(item_id, ())):
                self._drop_link(link_id)
        for row in rows:
            self.items[row.id] = row
            self._tasks.pop(row.id, None)
        refresh.items |= removed | {row.id for row in rows}
        for item_id in refresh.items:  # a filtered-out item edited: made again when shown
            self._made.pop(item_id, None)
        for lane_id in lanes_touched | {row.lane_id for row in rows}:
            self._occupancies.pop(lane_id, None)  # counted again when a filter next asks
        self.folded_text.forget(refresh.items)
        refresh.board = bool(refresh.items)
        if not refresh.everything:
            accepts = self.filter.test() if self.filter.active else None
            shown = [self.layout_item(r) for r in rows if accepts is None or accepts(r)]
            hidden = removed | {r.id for r in rows if accepts is not None and not accepts(r)}
            stack = self.layout.boxes
            refresh.lanes |= self.layout.update(shown, hidden)
            self._made_behind = True
            if self.layout.boxes != stack:  # rows added or freed: lanes below moved (one
                refresh.everything = True  # lane's row can balance another's: not the height)
                _moved(stack, self.layout.boxes, refresh, self.layout.metrics)
                self._lanes_moved(stack)
            self.selected &= self.layout.items.keys()
        return refresh.items

    def _apply_links(self, changes: ChangeSet, refresh: Refresh) -> set[int]:
        touched = set(changes.ids(LINK))
        for link_id in changes.ids(LINK, "delete"):
            self._drop_link(link_id)
        wanted = set(changes.ids(LINK, "insert")) | set(changes.ids(LINK, "update"))
        if wanted:
            kept = self.selected_links & wanted
            for link_id in wanted:
                self._drop_link(link_id)
            for link in self.queries.link_rows(self.product_id, wanted):
                self._add_link(link)
            self.selected_links |= kept & self.links.keys()
        return touched


def _core_link(link: LinkRow) -> Link:
    return Link(link.pred, link.succ, link.type, link.lag, link.elapsed)
