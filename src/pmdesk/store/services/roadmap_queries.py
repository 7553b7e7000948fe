"""Bulk reads for the roadmap chart: plain tuples from plain selects, not ORM objects.

The chart must show 20,000 items and 15,000 dependencies in well under a
second. Loading them as ORM objects (identity map, instrumentation, one object
per row) costs several times more than the chart's own layout, so the chart
reads through this service instead: one SELECT per table, rows turned straight
into small named tuples. The reads the chart opens on are written once, in
:mod:`pmdesk.store.roadmap_rows`, which needs no SQLAlchemy; this service runs them
on its session's connection. Writes still go through :class:`RoadmapService`'s
repositories, so validation and change notices stay in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TypeVar

import sqlalchemy as sa

from pmdesk.core.enums import DependencyType, ItemKind
from pmdesk.core.scheduling import Link, Task, task_duration
from pmdesk.core.working_calendar import WorkingCalendar

from .. import roadmap_rows
from ..models import Dependency, Requirement, RequirementItemLink, RoadmapItem
from ..roadmap_rows import BaselineRow, Fetch, ItemRow, LaneRow, LaneTask, LinkRow

__all__ = ["BaselineRow", "ItemRow", "LaneRow", "LaneTask", "LinkRow", "RoadmapQueries"]

T = TypeVar("T")


_ITEMS = RoadmapItem.__table__
_LINKS = Dependency.__table__
_TEXT = sa.String  # dates and enums are read as text and converted here, faster in bulk
_LINK_TYPES = {m.value: m for m in DependencyType}


def fetcher(conn: sa.Connection) -> Fetch:
    """``roadmap_rows``' fetch on a session's connection: plain tuples.

    On SQLite straight from the driver's cursor: the bulk reads hold only ints and text,
    which SQLAlchemy would hand over unchanged, so the driver's own tuples are the same
    values without building a Row per row (100,000 items: about a third of the read).
    Other databases (a team workspace) run the same SQL through SQLAlchemy, with their
    driver's placeholders.
    """
    if conn.dialect.name == "sqlite":
        driver = conn.connection.driver_connection
        assert driver is not None
        return lambda sql, params: driver.execute(sql, tuple(params)).fetchall()
    return lambda sql, params: conn.exec_driver_sql(sql.replace("?", "%s"), tuple(params)).all()


class RoadmapQueries:
    """Fast, read-only views of one product's roadmap for the chart and the board."""

    def __init__(self, ws) -> None:
        self.ws = ws

    def _items_of(self, product_id: int) -> sa.Select:
        return sa.select(_ITEMS.c.id).where(_ITEMS.c.product_id == product_id)

    def _read(self, read: Callable[[Fetch], T]) -> T:
        """``read(fetch)`` on a short session's connection (see :func:`fetcher`)."""
        with self.ws.read() as session:
            return read(fetcher(session.connection()))

    def _seen(self, table: str, pairs: Iterable[tuple[int, int]]) -> None:
        """The rows read end with their ``row_version``: on a team workspace an edit made
        from the chart is then checked against the version the person saw."""
        self.ws.versions.note_seen(table, pairs)

    def schedule_input(
        self, product_id: int, calendar: WorkingCalendar | None = None
    ) -> tuple[list[Task], list[Link], dict[int, str]]:
        """Tasks, links and names for a scheduling pass: only the columns it needs.

        With a calendar a task's duration is its working days (at least one).
        """
        items = sa.select(
            _ITEMS.c.id,
            _ITEMS.c.name,
            sa.type_coerce(_ITEMS.c.kind, _TEXT),
            sa.type_coerce(_ITEMS.c.start_date, _TEXT),
            sa.type_coerce(_ITEMS.c.end_date, _TEXT),
        )
        mine = _LINKS.c.predecessor_id.in_(self._items_of(product_id))
        links = sa.select(
            _LINKS.c.predecessor_id,
            _LINKS.c.successor_id,
            sa.type_coerce(_LINKS.c.type, _TEXT),
            _LINKS.c.lag_days,
            _LINKS.c.lag_elapsed,
        ).where(mine)
        with self.ws.read() as session:
            conn = session.connection()
            item_rows = conn.execute(items.where(_ITEMS.c.product_id == product_id)).all()
            link_rows = conn.execute(links).all()
        ordinals: dict[object, int] = {}

        def day(value: str | dt.date) -> int:
            found = ordinals.get(value)
            if found is None:
                date = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
                found = ordinals[value] = date.toordinal()
            return found

        milestone = ItemKind.MILESTONE.value
        tasks = [
            Task(i, day(start), task_duration(day(start), day(end), kind == milestone, calendar))
            for i, _name, kind, start, end in item_rows
        ]
        return (
            tasks,
            [Link(p, s, _LINK_TYPES[t], lag, bool(elapsed)) for p, s, t, lag, elapsed in link_rows],
            {i: name for i, name, *_ in item_rows},
        )

    def lane_rows(self, product_id: int) -> list[LaneRow]:
        return self._read(lambda fetch: roadmap_rows.lane_rows(fetch, product_id, self._seen))

    def item_rows(self, product_id: int, ids: Iterable[int] | None = None) -> list[ItemRow]:
        """All items of a product, or only those of ``ids`` that belong to it."""
        return self._read(lambda fetch: roadmap_rows.item_rows(fetch, product_id, ids, self._seen))

    def link_rows(self, product_id: int, ids: Iterable[int] | None = None) -> list[LinkRow]:
        """The product's dependencies (a dependency belongs where its predecessor does)."""
        return self._read(lambda fetch: roadmap_rows.link_rows(fetch, product_id, ids, self._seen))

    def requirement_counts(self, product_id: int) -> dict[int, int]:
        """item id -> how many requirements it delivers (items with none are left out)."""
        return self._read(lambda fetch: roadmap_rows.requirement_counts(fetch, product_id))

    def requirement_choices(self, product_id: int) -> list[tuple[int, str, str]]:
        """(id, ref, title) of the product's requirements, for the item editor."""
        stmt = (
            sa.select(Requirement.id, Requirement.ref, Requirement.title)
            .where(Requirement.product_id == product_id)
            .order_by(Requirement.sort_order, Requirement.id)
        )
        with self.ws.read() as session:
            return [tuple(row) for row in session.execute(stmt)]

    def requirements_of_item(self, item_id: int) -> set[int]:
        stmt = sa.select(RequirementItemLink.requirement_id).where(
            RequirementItemLink.item_id == item_id
        )
        with self.ws.read() as session:
            return set(session.scalars(stmt))

    def baseline_rows(self, product_id: int) -> list[BaselineRow]:
        return self._read(lambda fetch: roadmap_rows.baseline_rows(fetch, product_id))

    def baseline_ordinals(self, baseline_id: int) -> dict[int, tuple[int, int]]:
        """item id -> (start, end) ordinals recorded in a baseline."""
        return self._read(lambda fetch: roadmap_rows.baseline_ordinals(fetch, baseline_id))

    def launch_tasks(self, product_id: int) -> list[LaneTask]:
        """The product's launch tasks by due date, for the chart's read-only "Launch" lane
        (relative due dates such as "L-30" resolved, as the Launch view shows them)."""
        return self._read(lambda fetch: roadmap_rows.launch_lane(fetch, product_id))
