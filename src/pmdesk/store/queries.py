"""Read-only queries for tables on screen: one scope's ids, rows by id, and portfolio roll-ups.

A table of 20,000 roadmap items must open at once: it asks for the ordered ids
only (one narrow query), then for the rows it shows, a block at a time. Roll-ups
(items per product, next milestone) are one grouped query, never one per row.
The GUI names fields and values; the SQL stays here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pmdesk.core.history import EntryKind

from . import history, portfolio_rows
from .models import Dependency, Entity, RoadmapItem
from .plain import plain_read
from .portfolio_rows import RoadmapSummary
from .services.base import Repo
from .services.history import HistoryService, Moment

_CHUNK = 500


class TableQuery[M: Entity]:
    """The rows of one table that belong to a scope (a product, a board, a launch...)."""

    def __init__(self, repo: Repo[M], *where: Any) -> None:
        self.repo = repo
        self.model = repo.model
        self._where = where

    @classmethod
    def where_equal(cls, repo: Repo[M], **fields: Any) -> TableQuery[M]:
        """Rows whose fields equal the given values, e.g. ``product_id=3``; none: every row."""
        return cls(repo, *(getattr(repo.model, name) == value for name, value in fields.items()))

    @classmethod
    def dependencies_of(cls, repo: Repo[Dependency], product_id: int) -> TableQuery[Dependency]:
        """A dependency belongs to the product of its predecessor.

        A correlated EXISTS, not a join or ``IN (subquery)``: with those, SQLite walked the
        product's items and probed every wanted id for each, and fetching a few thousand
        dependencies by id took seconds; this way it looks each one up by primary key.
        """
        same_product = (
            sa.select(RoadmapItem.id)
            .where(
                RoadmapItem.id == Dependency.predecessor_id, RoadmapItem.product_id == product_id
            )
            .exists()
        )
        return TableQuery(repo, same_product)

    @property
    def kind(self) -> str:
        return self.repo.kind

    def _order(self, order_by: str | None, descending: bool) -> tuple[Any, ...]:
        default = self.repo._order_by
        if order_by is None:
            return default
        column = getattr(self.model, order_by)
        return (column.desc() if descending else column.asc(), *default)

    def _select(self, *what: Any) -> sa.Select:
        return sa.select(*what).where(*self._where)

    def ids(self, order_by: str | None = None, descending: bool = False) -> list[int]:
        """Every id in the scope, in the repo's order or by one stored field."""
        stmt = self._select(self.model.id).order_by(*self._order(order_by, descending))
        with self.repo.ws.read() as session:
            return list(session.scalars(stmt))

    def rows(self, ids: Iterable[int]) -> list[M]:
        """Those of ``ids`` that exist and are in the scope, in the repo's order."""
        wanted = list(dict.fromkeys(ids))
        found: list[M] = []
        with self.repo.ws.read() as session:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                stmt = (
                    self._select(self.model)
                    .where(self.model.id.in_(chunk))
                    .order_by(*self._order(None, False))
                )
                found.extend(session.scalars(stmt))
        return found

    def all(self) -> list[M]:
        with self.repo.ws.read() as session:
            return list(
                session.scalars(self._select(self.model).order_by(*self._order(None, False)))
            )

    def count(self) -> int:
        with self.repo.ws.read() as session:
            return session.scalar(self._select(sa.func.count(self.model.id))) or 0

    def labels(self, field: str = "name") -> dict[int, str]:
        """id -> one text field, in order: choices for a reference, without loading whole rows."""
        column = getattr(self.model, field)
        stmt = self._select(self.model.id, column).order_by(*self._order(None, False))
        with self.repo.ws.read() as session:
            rows: Iterable[tuple[int, str]] = session.execute(stmt)
            return {entity_id: value for entity_id, value in rows}


def roadmap_summaries(ws: Any, today: dt.date | None = None) -> dict[int, RoadmapSummary]:
    """product id -> item count and next milestone (on or after today)
    (:func:`pmdesk.store.portfolio_rows.roadmap_summaries`)."""
    day = today or dt.date.today()
    return plain_read(ws, lambda fetch: portfolio_rows.roadmap_summaries(fetch, day))


def max_value(repo: Repo[Any], field: str, **scope: Any) -> Any:
    """The largest value of a field within a scope (next sort order, next reference number)."""
    model = repo.model
    where = [getattr(model, name) == value for name, value in scope.items()]
    with repo.ws.read() as session:
        return session.scalar(sa.select(sa.func.max(getattr(model, field))).where(*where))


def texts(repo: Repo[Any], field: str, **scope: Any) -> Sequence[str]:
    """Every value of one text field within a scope: to pick a name that is not taken yet."""
    model = repo.model
    where = [getattr(model, name) == value for name, value in scope.items()]
    with repo.ws.read() as session:
        return list(session.scalars(sa.select(getattr(model, field)).where(*where)))


@dataclass(frozen=True)
class RoadmapThen:
    """A product's roadmap items as they were at a moment: what its ghost bars draw."""

    moment: Moment
    # item id -> (start, end) then, for the items on the roadmap now that were on it then
    # (an item added since, or moved here from another product since, is not in it).
    dates: dict[int, tuple[dt.date, dt.date]]


_THEN_FIELDS = ("start_date", "end_date", "product_id")


def roadmap_then(
    ws: Any,
    since: str | dt.date | dt.datetime,
    product_id: int,
    check: Callable[[], None] | None = None,
) -> RoadmapThen:
    """The dates the product's items had at ``since`` (a snapshot's name or a day).

    The answer ``HistoryService.as_it_was`` gives, narrowed to what a roadmap draws and
    read faster: a field's value then is the old value of the first entry after the moment
    that changed it (the old side :func:`~pmdesk.core.history.net_change` keeps), and a row
    whose first entry after it added the row was not there then. So only the product's
    items' entries are read, and an entry is decoded only when it names a field its row
    still needs: after the first move of each item, the rest are passed over. On a year of
    heavy use (200,000 edits, benchmarks/history.py's file) that is about 0.2 s since a
    review three months back and 0.5 s since the year's first day, where ``as_it_was`` (the
    whole portfolio's changes, each row's product looked up) takes 13 s and 49 s.
    ``check`` is called now and then while the entries are read (a worker's Cancel raises
    from it).
    """
    moment = HistoryService(ws).moment(since)
    items = RoadmapItem.__table__
    entries, edits = history.ENTRIES, history.EDITS
    with ws.read() as session:
        now = {
            item_id: (start, end)
            for item_id, start, end in session.execute(
                sa.select(items.c.id, items.c.start_date, items.c.end_date).where(
                    items.c.product_id == product_id
                )
            )
        }
        wanted = {history.key_text(item_id): item_id for item_id in now}
        query = (
            # The fields as stored (JSON text on SQLite): decoded below only when needed.
            sa.select(entries.c.row_key, entries.c.kind, sa.type_coerce(entries.c.fields, sa.Text))
            .join(edits, edits.c.id == entries.c.edit_id)
            .where(entries.c.table_name == RoadmapItem.__tablename__, moment.after(edits.c.at))
            .order_by(edits.c.at, edits.c.id, entries.c.id)
        )
        if len(wanted) <= _CHUNK:  # the product's rows only
            query = query.where(entries.c.row_key.in_(list(wanted)))
        then: dict[int, dict[str, Any] | None] = {}  # None: added since
        done: set[int] = set()  # every field's value then is known
        for n, (key, kind, fields) in enumerate(session.execute(query)):
            if check is not None and not n % 5000:
                check()
            item_id = wanted.get(key)
            if item_id is None or item_id in done:
                continue
            found = then.get(item_id, {})
            if item_id not in then and EntryKind(kind) is EntryKind.ADDED:
                then[item_id] = None
                done.add(item_id)
                continue
            assert found is not None
            then[item_id] = found
            if isinstance(fields, str):
                missing = [f for f in _THEN_FIELDS if f not in found]
                if not any(f'"{name}"' in fields for name in missing):
                    continue  # nothing this row still needs (a progress, a note…): not decoded
            values = fields if isinstance(fields, dict) else json.loads(fields or "{}")
            for name in _THEN_FIELDS:
                pair = values.get(name)
                if name not in found and isinstance(pair, list) and len(pair) == 2:
                    found[name] = pair[0]
            if len(found) == len(_THEN_FIELDS):
                done.add(item_id)
    dates = dict(now)
    for item_id, old in then.items():
        if old is None or old.get("product_id", product_id) != product_id:
            del dates[item_id]  # added since, or on another product's roadmap then
            continue
        start, end = now[item_id]
        dates[item_id] = (_day(old.get("start_date"), start), _day(old.get("end_date"), end))
    return RoadmapThen(moment, dates)


def _day(value: Any, default: dt.date) -> dt.date:
    """A date as the history keeps it (ISO text), or ``default`` when it holds none."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return default
    return default
