"""Deleting with a snapshot, so that every delete can be undone exactly.

Before rows are deleted, every row the database will remove with them (ON
DELETE CASCADE, followed through the schema) and every reference it will clear
(ON DELETE SET NULL) is read into a Snapshot. Restoring re-inserts the rows
with their original ids, parents before children, and puts the references back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import Base

_CHUNK = 500


@dataclass
class Snapshot:
    # (table name, row as a dict), in the order they must be re-inserted.
    rows: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # (table name, primary key dict, column, old value) for SET NULL references.
    cleared: list[tuple[str, dict[str, Any], str, Any]] = field(default_factory=list)

    def ids(self, table: str) -> list[object]:
        return [_key(Base.metadata.tables[table], row) for name, row in self.rows if name == table]


def _key(table: sa.Table, row: Mapping[Any, Any]) -> object:
    pk = [row[c.name] for c in table.primary_key.columns]
    return pk[0] if len(pk) == 1 else tuple(pk)


def _referrers(table: sa.Table) -> list[tuple[sa.Table, sa.Column, str]]:
    """(child table, child FK column, ondelete) for every FK pointing at ``table.id``."""
    found = []
    for child in Base.metadata.sorted_tables:
        for fk in child.foreign_keys:
            if fk.column.table is table:
                found.append((child, fk.parent, (fk.ondelete or "").upper()))
    return found


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def key_column(table: sa.Table) -> Any:
    """What a row is found by: its id, or the tuple of a composite primary key."""
    if "id" in table.c:
        return table.c.id
    return sa.tuple_(*table.primary_key.columns)


def capture(
    session: Session,
    table: sa.Table,
    ids: Iterable[object],
    *,
    seen: set[tuple[str, object]] | None = None,
) -> Snapshot:
    """The rows ``ids`` of ``table`` and all that goes with them. Several deletes of one
    flush share ``seen``, so a row one of them takes along is not taken twice."""
    snap = Snapshot()
    seen = set() if seen is None else seen
    queue: list[tuple[sa.Table, Any, list[object]]] = [(table, key_column(table), list(ids))]
    while queue:
        current, column, values = queue.pop(0)
        new_ids: list[object] = []
        for chunk in _chunks(values):
            for row in session.execute(sa.select(current).where(column.in_(chunk))).mappings():
                key = (current.name, _key(current, row))
                if key in seen:
                    continue
                seen.add(key)
                snap.rows.append((current.name, dict(row)))
                if "id" in current.c:
                    new_ids.append(row["id"])
        if not new_ids:
            continue
        for child, fk_col, ondelete in _referrers(current):
            if ondelete == "CASCADE":
                queue.append((child, fk_col, new_ids))
            elif ondelete == "SET NULL":
                for chunk in _chunks(new_ids):
                    stmt = sa.select(child).where(fk_col.in_(chunk))
                    for row in session.execute(stmt).mappings():
                        pk = {c.name: row[c.name] for c in child.primary_key.columns}
                        snap.cleared.append((child.name, pk, fk_col.name, row[fk_col.name]))
    return snap


def _self_referencing(name: str) -> bool:
    table = Base.metadata.tables[name]
    return any(fk.column.table is table for fk in table.foreign_keys)


def restore(session: Session, snap: Snapshot) -> None:
    order = {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}
    # Stable sort: tables in dependency order, rows of one table in capture (BFS) order,
    # so a parent item is always inserted before the items it contains.
    batch: list[dict[str, Any]] = []
    batch_table = ""
    for name, row in sorted(snap.rows, key=lambda r: order[r[0]]):
        # A self-referencing table (items inside items) goes row by row, parents first;
        # every other table in one executemany.
        if batch and (name != batch_table or _self_referencing(name)):
            session.execute(sa.insert(Base.metadata.tables[batch_table]), batch)
            batch = []
        batch_table = name
        batch.append(row)
    if batch:
        session.execute(sa.insert(Base.metadata.tables[batch_table]), batch)
    for name, pk, column, value in snap.cleared:
        table = Base.metadata.tables[name]
        where = [table.c[k] == v for k, v in pk.items()]
        session.execute(sa.update(table).where(*where).values({column: value}))
