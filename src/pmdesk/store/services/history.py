"""The portfolio's history: named snapshots, what changed since a moment, compaction.

Every committed edit is kept as entries by :mod:`pmdesk.store.history`; this service reads
them. :meth:`HistoryService.changes` answers "what changed since the Q3 review": the net
change of every row between that moment and now. :meth:`HistoryService.compact` folds old
detail into one summary a day per row, when asked (never by itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pmdesk.core.errors import NotFoundError, PmdeskError, ValidationError
from pmdesk.core.history import Entry, EntryKind, NetChange, SnapshotKind, net_change, shown_fields

from .. import history, journal
from ..models import Base, HistorySnapshot

EDITS, ENTRIES, SNAPSHOTS = history.EDITS, history.ENTRIES, history.SNAPSHOTS


class UnknownMoment(NotFoundError):
    """``since`` names no snapshot and is no day."""

    def __init__(self, text: str) -> None:
        self.kind, self.entity_id = "snapshot", text
        PmdeskError.__init__(
            self,
            f"There is no snapshot named “{text}”; give a snapshot's name "
            "(pmdesk history snapshots lists them) or a day as YYYY-MM-DD",
        )


@dataclass(frozen=True)
class Moment:
    """A point in time to compare with: a snapshot's, or the start of a day (UTC)."""

    label: str  # the snapshot's name, or the day as ISO text
    at: dt.datetime  # naive UTC
    snapshot: bool  # True: the edits strictly after ``at``; False: from ``at`` on

    def after(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
        return column > self.at if self.snapshot else column >= self.at


@dataclass(frozen=True)
class Change:
    """One entity's net change since a moment, as ``pmdesk changes`` prints it."""

    entity: str  # its table: "roadmap_item", "requirement"…
    id: Any  # its id (a list for a composite key)
    name: str
    kind: EntryKind
    fields: dict[str, list[Any]]

    def as_json(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "fields": self.fields,
        }


@dataclass
class Compaction:
    """What :meth:`HistoryService.compact` folded."""

    before: dt.date
    days: int = 0
    edits_before: int = 0
    entries_before: int = 0
    entries_after: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def describe(self) -> str:
        if not self.edits_before:
            return f"Nothing to fold before {self.before.isoformat()}."
        span = f"{self.first_day} to {self.last_day}" if self.days > 1 else f"{self.first_day}"
        return (
            f"Folded {self.edits_before:,} edits ({self.entries_before:,} changes) from "
            f"{span} into {self.days:,} daily summaries ({self.entries_after:,} changes)."
        )


class HistoryService:
    def __init__(self, ws) -> None:
        self.ws = ws

    # -- snapshots ---------------------------------------------------------------------------

    def snapshot(
        self, name: str, kind: SnapshotKind | str = SnapshotKind.MANUAL, note: str = ""
    ) -> HistorySnapshot:
        """Name this moment; a name is used once (an automatic one gets a number added)."""
        kind = SnapshotKind.from_label(str(kind))
        name = name.strip()
        if not name:
            raise ValidationError("name", "cannot be empty")
        if len(name) > history.NAME_MAX:
            raise ValidationError("name", f"at most {history.NAME_MAX} characters")
        with self.ws.transaction() as uow:
            if kind is SnapshotKind.MANUAL and self._snapshot_at(uow.session, name) is not None:
                raise ValidationError("name", f"a snapshot named “{name}” already exists")
            key = history.take_snapshot(uow, name, kind, note=note)
            uow.journal.entity_id = key
        found = self.snapshots()
        return next(s for s in found if s.id == key)

    def snapshots(self) -> list[HistorySnapshot]:
        """Every snapshot, oldest first."""
        with self.ws.read() as session:
            query = sa.select(HistorySnapshot).order_by(HistorySnapshot.at, HistorySnapshot.id)
            return list(session.scalars(query))

    @staticmethod
    def _snapshot_at(session, name: str) -> dt.datetime | None:
        return session.scalar(sa.select(SNAPSHOTS.c.at).where(SNAPSHOTS.c.name == name))

    def moment(self, since: str | dt.date | dt.datetime) -> Moment:
        """A snapshot's name, a day (``2026-09-01``: from its start, UTC) or a UTC time."""
        if isinstance(since, dt.datetime):
            at = since.astimezone(dt.UTC).replace(tzinfo=None) if since.tzinfo else since
            return Moment(at.isoformat(), at, snapshot=False)
        if isinstance(since, dt.date):
            return Moment(since.isoformat(), dt.datetime.combine(since, dt.time()), False)
        text = since.strip()
        with self.ws.read() as session:
            taken = self._snapshot_at(session, text)
        if taken is not None:
            return Moment(text, taken, snapshot=True)
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise UnknownMoment(text) from None
        return Moment(day.isoformat(), dt.datetime.combine(day, dt.time()), snapshot=False)

    # -- what changed -----------------------------------------------------------------------------

    def changes(
        self, since: str | dt.date | dt.datetime, product_id: int | None = None
    ) -> list[Change]:
        """The net change of every entity from ``since`` (a snapshot's name or a day) to now.

        A field changed and changed back is no change; an entity added and removed again
        is nothing. ``product_id``: only that product's entities (its roadmap items,
        requirements, stakeholders…, found through the rows they belong to).
        """
        moment = self.moment(since)
        with self.ws.read() as session:
            grouped = self._entries(session, moment.after(EDITS.c.at))
            found = [n for n in (net_change(e) for e in grouped.values()) if n is not None]
            if product_id is not None:
                owner = _Owners(session)
                found = [n for n in found if owner.product_of(n.table, n.key, n) == product_id]
        changes = [Change(n.table, n.key, n.name, n.kind, shown_fields(n.fields)) for n in found]
        changes = [c for c in changes if c.fields or c.kind is not EntryKind.CHANGED]
        changes.sort(key=lambda c: (c.entity, _order(c.id)))
        return changes

    def as_it_was(
        self, since: str | dt.date | dt.datetime, table: str, product_id: int | None = None
    ) -> dict[Any, dict[str, Any] | None]:
        """The rows of ``table`` that changed after ``since``, as they were then: key -> the
        fields whose value then differs from now, {field: value then} (every field for a row
        removed since), or None for a row that did not exist then. A row not listed is as
        it was. (What a look back and a roadmap's ghost bars of a snapshot draw.)"""
        return {
            change.id: None
            if change.kind is EntryKind.ADDED
            else {field: old for field, (old, _new) in change.fields.items()}
            for change in self.changes(since, product_id)
            if change.entity == table
        }

    @staticmethod
    def _entries(session, where) -> dict[tuple[str, str], list[Entry]]:
        query = (
            sa.select(
                ENTRIES.c.table_name,
                ENTRIES.c.row_key,
                ENTRIES.c.name,
                ENTRIES.c.kind,
                ENTRIES.c.fields,
            )
            .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
            .where(where)
            .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
        )
        grouped: dict[tuple[str, str], list[Entry]] = {}
        for table, key, name, kind, fields in session.execute(query):
            entry = Entry(table, history.key_of(key), name, EntryKind(kind), fields or {})
            grouped.setdefault((table, key), []).append(entry)
        return grouped

    def entity_history(self, table: str, key: object) -> list[tuple[dt.datetime, str, str, Entry]]:
        """One entity's entries, oldest first: (when, who, the edit's label, entry)."""
        with self.ws.read() as session:
            query = (
                sa.select(
                    EDITS.c.at,
                    EDITS.c.who,
                    EDITS.c.label,
                    ENTRIES.c.name,
                    ENTRIES.c.kind,
                    ENTRIES.c.fields,
                )
                .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
                .where(ENTRIES.c.table_name == table, ENTRIES.c.row_key == history.key_text(key))
                .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
            )
            return [
                (at, who, label, Entry(table, key, name, EntryKind(kind), fields or {}))
                for at, who, label, name, kind, fields in session.execute(query)
            ]

    def counts(self) -> tuple[int, int]:
        """(edits, entries) the history holds."""
        with self.ws.read() as session:
            edits = session.scalar(sa.select(sa.func.count()).select_from(EDITS))
            entries = session.scalar(sa.select(sa.func.count()).select_from(ENTRIES))
        return int(edits or 0), int(entries or 0)

    # -- compaction ---------------------------------------------------------------------------------

    def compact(self, before: dt.date) -> Compaction:
        """Fold the entries of edits before ``before`` into one summary per row and day (the
        value at the day's start and at its end); what the history says changed since the
        start of any day stays the same. Not undoable: the detail is gone."""
        report = Compaction(before)
        limit = dt.datetime.combine(before, dt.time())
        with self.ws.transaction() as uow:
            session = uow.session
            old = list(
                session.execute(
                    sa.select(EDITS.c.id, EDITS.c.at, EDITS.c.who)
                    .where(EDITS.c.at < limit)
                    .order_by(EDITS.c.at, EDITS.c.id)
                )
            )
            if not old:
                return report
            by_day: dict[dt.date, list[int]] = {}
            whos: dict[dt.date, set[str]] = {}
            ends: dict[dt.date, dt.datetime] = {}
            for edit_id, at, who in old:
                by_day.setdefault(at.date(), []).append(edit_id)
                whos.setdefault(at.date(), set()).add(who)
                ends[at.date()] = at
            report.edits_before = len(old)
            report.first_day, report.last_day = min(by_day), max(by_day)
            summaries: list[tuple[dt.date, list[NetChange]]] = []
            for day, ids in sorted(by_day.items()):
                grouped: dict[tuple[str, str], list[Entry]] = {}
                for chunk in _chunks(ids):
                    query = (
                        sa.select(
                            ENTRIES.c.table_name,
                            ENTRIES.c.row_key,
                            ENTRIES.c.name,
                            ENTRIES.c.kind,
                            ENTRIES.c.fields,
                        )
                        .join(EDITS, EDITS.c.id == ENTRIES.c.edit_id)
                        .where(ENTRIES.c.edit_id.in_(chunk))
                        .order_by(EDITS.c.at, EDITS.c.id, ENTRIES.c.id)
                    )
                    for table, key, name, kind, fields in session.execute(query):
                        entry = Entry(table, key, name, EntryKind(kind), fields or {})
                        grouped.setdefault((table, key), []).append(entry)
                        report.entries_before += 1
                nets = [n for n in (net_change(e) for e in grouped.values()) if n is not None]
                summaries.append((day, nets))
            with journal._writing(session):
                for chunk in _chunks([i for ids in by_day.values() for i in ids]):
                    session.execute(sa.delete(ENTRIES).where(ENTRIES.c.edit_id.in_(chunk)))
                    session.execute(sa.delete(EDITS).where(EDITS.c.id.in_(chunk)))
                for day, nets in summaries:
                    if not nets:
                        continue
                    who = ", ".join(sorted(w for w in whos[day] if w))
                    result = session.execute(
                        sa.insert(EDITS).values(
                            at=ends[day],
                            who=who[: history.NAME_MAX],
                            label=f"Summary of {day.isoformat()}",
                        )
                    )
                    assert isinstance(result, sa.CursorResult)
                    (edit_id,) = result.inserted_primary_key or (None,)
                    rows = [
                        {
                            "edit_id": edit_id,
                            "table_name": n.table,
                            "row_key": n.key,
                            "name": n.name,
                            "kind": n.kind,
                            "fields": n.fields,
                        }
                        for n in nets
                    ]
                    for chunk_rows in _chunks(rows):
                        session.execute(sa.insert(ENTRIES), list(chunk_rows))
                    report.entries_after += len(rows)
                    report.days += 1
            uow.record(EDITS.name, "delete", [i for ids in by_day.values() for i in ids])
            uow.record(ENTRIES.name, "update", [])
        return report


def _chunks(values: list[Any], size: int = 500) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _order(key: Any) -> tuple:
    return tuple(key) if isinstance(key, list) else (key,)


class _Owners:
    """Which product a row belongs to: its product_id, or its parent's, found through
    the row as it is now or, for a row that is gone, as the history last saw it."""

    def __init__(self, session) -> None:
        self.session = session
        self.cache: dict[tuple[str, Any], int | None] = {}

    def product_of(self, table: str, key: Any, net: NetChange | None = None) -> int | None:
        if table == "product":
            return key if isinstance(key, int) else None
        at = (table, history.key_text(key))
        if at in self.cache:
            return self.cache[at]
        self.cache[at] = None  # a loop of references ends here
        values = self._values(table, key, net)
        found = self._through(table, values) if values else None
        self.cache[at] = found
        return found

    def _values(self, table_name: str, key: Any, net: NetChange | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if net is not None:
            values.update({k: v[1] if v[1] is not None else v[0] for k, v in net.fields.items()})
        table = Base.metadata.tables.get(table_name)
        if table is None:  # no table of this format: an entry written elsewhere
            return values
        keys = key if isinstance(key, list) else [key]
        columns = list(table.primary_key.columns)
        if len(columns) == len(keys) and all(isinstance(k, int) for k in keys):
            where = [c == k for c, k in zip(columns, keys, strict=True)]
            row = self.session.execute(sa.select(table).where(*where)).mappings().first()
            if row is not None:
                return {**values, **{k: history.json_value(v) for k, v in row.items()}}
        # Gone: what the history last said of it.
        query = (
            sa.select(ENTRIES.c.fields)
            .where(
                ENTRIES.c.table_name == table_name,
                ENTRIES.c.row_key == history.key_text(key),
                ENTRIES.c.kind == EntryKind.REMOVED.value,
            )
            .order_by(ENTRIES.c.id.desc())
            .limit(1)
        )
        fields = self.session.scalar(query)
        if not isinstance(fields, dict):
            return values
        last = {k: v[0] for k, v in fields.items() if isinstance(v, list) and len(v) == 2}
        return {**last, **values}

    def _through(self, table_name: str, values: dict[str, Any]) -> int | None:
        product = values.get("product_id")
        if product is not None:
            return product if isinstance(product, int) else None
        table = Base.metadata.tables.get(table_name)
        if table is None:
            return None
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            parent_key = values.get(fk.parent.name)
            if parent_key is None or fk.column.table.name == table_name == "roadmap_item":
                continue
            found = self.product_of(fk.column.table.name, parent_key)
            if found is not None:
                return found
        return None
