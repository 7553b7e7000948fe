"""The roadmap chart's reads: plain SQL over any DB-API connection, without SQLAlchemy.

The chart opens on these rows (lanes, items, links, the requirement counts, the launch
lane, the baselines). They are read here, once, as SQL text and small named tuples, so
that the same reads serve the store (:class:`~pmdesk.store.services.roadmap_queries.
RoadmapQueries`, on its session's connection) and a file opened before SQLAlchemy and the
models are loaded (a plain ``sqlite3`` connection). Nothing here imports SQLAlchemy:
``tests/test_layering.py`` holds it to that.

:class:`RoadmapQueries` holds them for a workspace: on its session's connection, or
on the file's own read-only connection while an early workspace's store loads
(:mod:`pmdesk.store.early`). A read takes a ``fetch(sql, params)`` that runs one
statement and returns its rows as tuples. The SQL is SQLite's and PostgreSQL's alike (``?`` placeholders: a PostgreSQL
fetch writes them as its driver's ``%s``). Dates come as ISO text from SQLite and as
dates from PostgreSQL; enums as their values; flags as 0/1 or booleans. Every row read
for editing ends with its ``row_version``, which ``seen(table, pairs)`` is told of: on a
team workspace an edit made from the chart is checked against the version read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from pmdesk.core.enums import (
    DependencyType,
    Horizon,
    ItemKind,
    ItemStatus,
    LaneKind,
    LaunchFunction,
    TaskStatus,
)
from pmdesk.core.history import SnapshotKind
from pmdesk.core.scheduling import Link, Task, task_duration
from pmdesk.core.working_calendar import CalendarException as Day
from pmdesk.core.working_calendar import WorkingCalendar

from .plain import Fetch, plain_read, read_date

T = TypeVar("T")
Seen = Callable[[str, Iterable[tuple[int, int]]], None]

CHUNK = 500  # SQLite limits the number of bound parameters in one IN (...)


class ItemRow(NamedTuple):
    id: int
    lane_id: int
    parent_id: int | None
    name: str
    kind: ItemKind
    start: dt.date
    end: dt.date
    progress: int
    status: ItemStatus
    horizon: Horizon | None
    notes: str
    sort_order: int


class LaneRow(NamedTuple):
    id: int
    name: str
    kind: LaneKind
    colour: str
    sort_order: int
    collapsed: bool


class LinkRow(NamedTuple):
    id: int
    pred: int
    succ: int
    type: DependencyType
    lag: int
    elapsed: bool = True  # False: the lag counts working days


class BaselineRow(NamedTuple):
    id: int
    name: str
    created_at: dt.datetime
    is_active: bool


class SnapshotRow(NamedTuple):
    """A named moment of the workspace (``history_snapshot``); ``at`` in UTC."""

    id: int
    name: str
    at: dt.datetime
    kind: SnapshotKind
    who: str
    note: str


class LaneTask(NamedTuple):
    """A launch task as the roadmap's "Launch" lane draws it (read-only there)."""

    id: int
    title: str
    due: dt.date
    status: TaskStatus
    function: LaunchFunction


_KINDS = {m.value: m for m in ItemKind}
_STATUSES = {m.value: m for m in ItemStatus}
_HORIZONS: dict[str | None, Horizon | None] = {m.value: m for m in Horizon} | {None: None}
_LINK_TYPES = {m.value: m for m in DependencyType}
_LANE_KINDS = {m.value: m for m in LaneKind}
_TASK_STATUSES = {m.value: m for m in TaskStatus}
_FUNCTIONS = {m.value: m for m in LaunchFunction}
_FUNCTION_ORDER = {m: n for n, m in enumerate(LaunchFunction)}
_SNAPSHOT_KINDS = {m.value: m for m in SnapshotKind}

_ITEM_SQL = (
    "SELECT id, lane_id, parent_id, name, kind, start_date, end_date, progress, status,"
    " horizon, notes, sort_order, row_version FROM roadmap_item WHERE product_id = ?"
)
# A dependency belongs where its predecessor does. Joined to the items rather than IN
# their ids: SQLite walks the product's items and each one's dependencies by their
# indexes without building the list of ids first (75,000 dependencies: 88 ms, not 104).
_LINK_SQL = (
    "SELECT dependency.id, dependency.predecessor_id, dependency.successor_id,"
    " dependency.type, dependency.lag_days, dependency.lag_elapsed, dependency.row_version"
    " FROM dependency JOIN roadmap_item ON roadmap_item.id = dependency.predecessor_id"
    " WHERE roadmap_item.product_id = ?"
)
_LANE_SQL = (
    "SELECT id, name, kind, colour, sort_order, collapsed, row_version FROM lane"
    " WHERE product_id = ? ORDER BY sort_order, id"
)
_REQUIREMENT_COUNT_SQL = (
    "SELECT requirement_item_link.item_id, count(*) FROM requirement_item_link"
    " JOIN roadmap_item ON roadmap_item.id = requirement_item_link.item_id"
    " WHERE roadmap_item.product_id = ? GROUP BY requirement_item_link.item_id"
)
_BASELINE_SQL = (
    "SELECT id, name, created_at, is_active FROM baseline WHERE product_id = ?"
    " ORDER BY created_at, id"
)
_BASELINE_ENTRY_SQL = (
    "SELECT item_id, start_date, end_date FROM baseline_entry WHERE baseline_id = ?"
)
_SCHEDULE_ITEM_SQL = (
    "SELECT id, name, kind, start_date, end_date FROM roadmap_item WHERE product_id = ?"
)
_SCHEDULE_LINK_SQL = (
    "SELECT predecessor_id, successor_id, type, lag_days, lag_elapsed FROM dependency"
    " WHERE predecessor_id IN (SELECT id FROM roadmap_item WHERE product_id = ?)"
)
_REQUIREMENT_CHOICE_SQL = (
    "SELECT id, ref, title FROM requirement WHERE product_id = ? ORDER BY sort_order, id"
)
_ITEM_REQUIREMENT_SQL = "SELECT requirement_id FROM requirement_item_link WHERE item_id = ?"
# A file edited elsewhere may hold several workspace calendars: the first one counts.
_OWN_CALENDAR_SQL = (
    "SELECT id, weekdays, day_start, day_end, minutes_per_day FROM work_calendar"
    " WHERE product_id = ? ORDER BY id LIMIT 1"
)
_WORKSPACE_CALENDAR_SQL = (
    "SELECT id, weekdays, day_start, day_end, minutes_per_day FROM work_calendar"
    " WHERE product_id IS NULL ORDER BY id LIMIT 1"
)
# Exceptions apply in the order they were made (a later one wins on a shared day).
_CALENDAR_DAYS_SQL = (
    "SELECT start_date, end_date, working, name FROM calendar_exception"
    " WHERE calendar_id = ? ORDER BY id"
)
_SNAPSHOT_SQL = "SELECT id, name, at, kind, who, note FROM history_snapshot ORDER BY at, id"
# The products as the window's product list shows them (PortfolioService lists them so).
_LAUNCH_LANE_SQL = (
    "SELECT launch_task.id, launch_task.title, launch_task.due_date,"
    " launch_task.due_offset_days, launch.launch_date, launch_task.status,"
    " launch_task.function FROM launch_task JOIN launch ON launch_task.launch_id = launch.id"
    " WHERE launch.product_id = ?"
)


def _moment(value: str | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    """The ids sorted, in pieces small enough for one ``IN (...)``."""
    values = sorted(set(ids))
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _in(column: str, count: int) -> str:
    return f" AND {column} IN ({', '.join('?' * count)})"


def _noted(rows: Sequence[Sequence], table: str, seen: Seen | None) -> Sequence[Sequence]:
    if seen is not None:
        seen(table, ((row[0], row[-1]) for row in rows))
    return rows


def make_items(rows: Sequence[Sequence]) -> list[ItemRow]:
    """Raw rows (with their version last) to ItemRows; equal dates share one date object
    (plans reuse days a lot).

    Each distinct day is read once, before the rows; the rows are then made as plain
    tuples of their class (``tuple.__new__``, without a Python call per row): 100,000
    items open a large plan.
    """
    texts = {row[5] for row in rows} | {row[6] for row in rows}
    days = {t: read_date(t) for t in texts}
    new, kinds, statuses, horizons = tuple.__new__, _KINDS, _STATUSES, _HORIZONS
    return [
        new(
            ItemRow,
            (
                i,
                lane,
                parent,
                name,
                kinds[kind],
                days[start],
                days[end],
                progress,
                statuses[status],
                horizons[horizon],
                notes,
                order,
            ),
        )
        for i, lane, parent, name, kind, start, end, progress, status, horizon, notes, order, _v in rows
    ]


def make_links(rows: Iterable[Sequence]) -> list[LinkRow]:
    new, types = tuple.__new__, _LINK_TYPES
    return [
        new(LinkRow, (i, p, s, types[t], lag, bool(elapsed)))
        for i, p, s, t, lag, elapsed, _version in rows
    ]


def _product_rows(
    fetch: Fetch,
    sql: str,
    table: str,
    key: str,
    product_id: int,
    ids: Iterable[int] | None,
    seen: Seen | None,
) -> Sequence[Sequence]:
    """A product's rows of ``sql`` (its ``product_id = ?`` bound), or only those whose
    ``key`` is among ``ids``, asked for in pieces a single IN (...) can hold."""
    if ids is None:
        return _noted(fetch(sql, (product_id,)), table, seen)
    found: list[Sequence] = []
    for chunk in chunks(ids):
        found += _noted(fetch(sql + _in(key, len(chunk)), (product_id, *chunk)), table, seen)
    return found


def item_rows(
    fetch: Fetch, product_id: int, ids: Iterable[int] | None = None, seen: Seen | None = None
) -> list[ItemRow]:
    """All items of a product, or only those of ``ids`` that belong to it."""
    return make_items(_product_rows(fetch, _ITEM_SQL, "roadmap_item", "id", product_id, ids, seen))


def link_rows(
    fetch: Fetch, product_id: int, ids: Iterable[int] | None = None, seen: Seen | None = None
) -> list[LinkRow]:
    """The product's dependencies, or only those of ``ids``."""
    rows = _product_rows(fetch, _LINK_SQL, "dependency", "dependency.id", product_id, ids, seen)
    return make_links(rows)


def lane_rows(fetch: Fetch, product_id: int, seen: Seen | None = None) -> list[LaneRow]:
    """The product's lanes, top to bottom."""
    kinds, new = _LANE_KINDS, tuple.__new__
    return [
        new(LaneRow, (i, name, kinds[kind], colour, order, bool(collapsed)))
        for i, name, kind, colour, order, collapsed, _v in _noted(
            fetch(_LANE_SQL, (product_id,)), "lane", seen
        )
    ]


def requirement_counts(fetch: Fetch, product_id: int) -> dict[int, int]:
    """item id -> how many requirements it delivers (items with none are left out)."""
    return {item_id: count for item_id, count in fetch(_REQUIREMENT_COUNT_SQL, (product_id,))}


def baseline_rows(fetch: Fetch, product_id: int) -> list[BaselineRow]:
    """The product's baselines, oldest first."""
    return [
        BaselineRow(i, name, _moment(created), bool(active))
        for i, name, created, active in fetch(_BASELINE_SQL, (product_id,))
    ]


def baseline_ordinals(fetch: Fetch, baseline_id: int) -> dict[int, tuple[int, int]]:
    """item id -> (start, end) ordinals recorded in a baseline."""
    return {
        i: (read_date(start).toordinal(), read_date(end).toordinal())
        for i, start, end in fetch(_BASELINE_ENTRY_SQL, (baseline_id,))
    }


def launch_lane(fetch: Fetch, product_id: int) -> list[LaneTask]:
    """Every launch task of the product with its due date, by due date, then function (in
    the checklist's order), then id; a due date relative to the launch ("L-30") resolved."""
    lane = []
    for task_id, title, due, offset, launch_date, status, function in fetch(
        _LAUNCH_LANE_SQL, (product_id,)
    ):
        day = (
            read_date(launch_date) + dt.timedelta(days=offset)
            if offset is not None
            else read_date(due)
        )
        lane.append(LaneTask(task_id, title, day, _TASK_STATUSES[status], _FUNCTIONS[function]))
    return sorted(lane, key=lambda t: (t.due, _FUNCTION_ORDER[t.function], t.id))


def snapshot_rows(fetch: Fetch) -> list[SnapshotRow]:
    """Every snapshot of the workspace, oldest first (the moments ghosts and the history
    compare with)."""
    return [
        SnapshotRow(i, name, _moment(at), _SNAPSHOT_KINDS[kind], who, note)
        for i, name, at, kind, who, note in fetch(_SNAPSHOT_SQL, ())
    ]


def working_calendar(fetch: Fetch, product_id: int | None) -> WorkingCalendar:
    """The working calendar scheduling and the chart use for a product: its own, else the
    workspace's (the first, should a file edited elsewhere hold several), else the
    standard week."""
    found = fetch(_OWN_CALENDAR_SQL, (product_id,)) if product_id is not None else []
    if not found:
        found = fetch(_WORKSPACE_CALENDAR_SQL, ())
    if not found:
        return WorkingCalendar()
    calendar_id, weekdays, day_start, day_end, minutes = found[0]
    days = fetch(_CALENDAR_DAYS_SQL, (calendar_id,))
    return WorkingCalendar(
        weekdays=weekdays,
        day_start=day_start,
        day_end=day_end,
        minutes_per_day=minutes,
        exceptions=tuple(Day(read_date(s), read_date(e), bool(w), n) for s, e, w, n in days),
    )


class RoadmapQueries:
    """Fast, read-only views of one product's roadmap for the chart and the board.

    Each read runs on a short session's connection, or, while an early workspace's
    store is loading, on the file's own read-only connection (``early_fetch``).
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def _read(self, read: Callable[[Fetch], T]) -> T:
        return plain_read(self.ws, read)

    def _seen(self, table: str, pairs: Iterable[tuple[int, int]]) -> None:
        """The rows read end with their ``row_version``: on a team workspace an edit made
        from the chart is then checked against the version the person saw."""
        self.ws.versions.note_seen(table, pairs)

    def lane_rows(self, product_id: int) -> list[LaneRow]:
        return self._read(lambda fetch: lane_rows(fetch, product_id, self._seen))

    def item_rows(self, product_id: int, ids: Iterable[int] | None = None) -> list[ItemRow]:
        """All items of a product, or only those of ``ids`` that belong to it."""
        return self._read(lambda fetch: item_rows(fetch, product_id, ids, self._seen))

    def link_rows(self, product_id: int, ids: Iterable[int] | None = None) -> list[LinkRow]:
        """The product's dependencies (a dependency belongs where its predecessor does)."""
        return self._read(lambda fetch: link_rows(fetch, product_id, ids, self._seen))

    def requirement_counts(self, product_id: int) -> dict[int, int]:
        """item id -> how many requirements it delivers (items with none are left out)."""
        return self._read(lambda fetch: requirement_counts(fetch, product_id))

    def baseline_rows(self, product_id: int) -> list[BaselineRow]:
        return self._read(lambda fetch: baseline_rows(fetch, product_id))

    def baseline_ordinals(self, baseline_id: int) -> dict[int, tuple[int, int]]:
        """item id -> (start, end) ordinals recorded in a baseline."""
        return self._read(lambda fetch: baseline_ordinals(fetch, baseline_id))

    def launch_tasks(self, product_id: int) -> list[LaneTask]:
        """The product's launch tasks by due date, for the chart's read-only "Launch" lane
        (relative due dates such as "L-30" resolved, as the Launch view shows them)."""
        return self._read(lambda fetch: launch_lane(fetch, product_id))

    def snapshots(self) -> list[SnapshotRow]:
        """Every snapshot, oldest first (:func:`snapshot_rows`)."""
        return self._read(snapshot_rows)

    def calendar(self, product_id: int | None) -> WorkingCalendar:
        """The product's working calendar (:func:`working_calendar`)."""
        return self._read(lambda fetch: working_calendar(fetch, product_id))

    def requirement_choices(self, product_id: int) -> list[tuple[int, str, str]]:
        """(id, ref, title) of the product's requirements, for the item editor."""
        return self._read(
            lambda fetch: [tuple(row) for row in fetch(_REQUIREMENT_CHOICE_SQL, (product_id,))]
        )

    def requirements_of_item(self, item_id: int) -> set[int]:
        return self._read(lambda fetch: {i for (i,) in fetch(_ITEM_REQUIREMENT_SQL, (item_id,))})

    def schedule_input(
        self, product_id: int, calendar: WorkingCalendar | None = None
    ) -> tuple[list[Task], list[Link], dict[int, str]]:
        """Tasks, links and names for a scheduling pass: only the columns it needs.

        With a calendar a task's duration is its working days (at least one).
        """

        def read(fetch: Fetch) -> tuple[Sequence[Sequence], Sequence[Sequence]]:
            return fetch(_SCHEDULE_ITEM_SQL, (product_id,)), fetch(
                _SCHEDULE_LINK_SQL, (product_id,)
            )

        items, links = self._read(read)
        ordinals: dict[object, int] = {}

        def day(value: str | dt.date) -> int:
            found = ordinals.get(value)
            if found is None:
                found = ordinals[value] = read_date(value).toordinal()
            return found

        milestone = ItemKind.MILESTONE.value
        tasks = [
            Task(i, day(start), task_duration(day(start), day(end), kind == milestone, calendar))
            for i, _name, kind, start, end in items
        ]
        return (
            tasks,
            [Link(p, s, _LINK_TYPES[t], lag, bool(elapsed)) for p, s, t, lag, elapsed in links],
            {i: name for i, name, *_ in items},
        )
