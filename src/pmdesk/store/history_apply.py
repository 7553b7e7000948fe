"""Writing the history's net changes into a workspace: back (a restore, a moment
materialized) or forward (a what-if scenario promoted to the plan).

The history keeps every field as JSON values (:mod:`pmdesk.store.history`);
:func:`column_values` turns them back into the values a Core insert or update of the
table takes. :func:`apply_changes` writes a list of :class:`~pmdesk.core.history.NetChange`
through the unit of work's journaled writes (``uow.insert_rows``, ``uow.update_rows``,
``uow.delete``…), so the whole of it is one edit: undone and redone as one step, and
recorded in the history like any other edit.

Order matters to the database's foreign keys: rows are put in parents first (the tables
in the metadata's order, a table that refers to itself row by row), fields are set next,
and rows are taken out children first. A row put in whose parent is neither in the
workspace nor among the rows put in is refused with a :class:`ValidationError` naming
both — except a reference the database itself would have cleared when that parent went
(``ON DELETE SET NULL``: an item's owner), which is left empty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.errors import ValidationError
from pmdesk.core.history import EntryKind, NetChange

from . import journal
from .history import TEXT_MAX
from .models import Base
from .models.finance import ExactDecimal
from .snapshot import key_column

if TYPE_CHECKING:
    from .workspace import UnitOfWork

_CHUNK = 500


# -- values --------------------------------------------------------------------------------------


def column_values(table_name: str, fields: Mapping[str, list[Any]], side: int) -> dict[str, Any]:
    """fields as the history keeps them ({col: [old, new]} in JSON values) -> python values for
    a Core insert/update of that table; side 0 = old, 1 = new.

    Fields the table does not have (an entry written by another format) and pairs that are
    not ``[old, new]`` are left out. A value the column cannot take (a file edited by hand)
    is a ValidationError naming the field.
    """
    table = Base.metadata.tables[table_name]
    values: dict[str, Any] = {}
    for name, pair in fields.items():
        if name not in table.c or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        try:
            values[name] = python_value(table.c[name], pair[side])
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise ValidationError(name, f"the history holds {pair[side]!r}: {exc}") from None
    return values


def python_value(column: sa.Column[Any], value: Any) -> Any:
    """One JSON value (see ``history.json_value``) as the column's python value."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if isinstance(kind, sa.Date):
        if isinstance(value, str):
            return dt.date.fromisoformat(value[:10])
        return value
    if isinstance(kind, ExactDecimal):
        return Decimal(ExactDecimal.canonical(value if isinstance(value, str) else str(value)))
    if isinstance(kind, sa.Boolean):
        return bool(value)
    if isinstance(kind, sa.Integer) and not isinstance(value, int):
        return int(value)
    return value


def _cut_lengths() -> frozenset[int]:
    """The lengths a text is cut to when an entry is recorded (see ``history.bounded``)."""
    lengths = {TEXT_MAX}
    limit = TEXT_MAX
    while limit > 20:
        limit //= 4
        lengths.add(limit)
    return frozenset(lengths)


_CUT_LENGTHS = _cut_lengths()


def looks_cut(value: Any) -> bool:
    """True when a value as the history keeps it holds a text cut when it was recorded (a
    text longer than ``history.TEXT_MAX``: its first characters, then “…”)."""
    if isinstance(value, str):
        return len(value) in _CUT_LENGTHS and value.endswith("…")
    if isinstance(value, list):
        return any(looks_cut(v) for v in value)
    if isinstance(value, dict):
        return any(looks_cut(v) for v in value.values())
    return False


def db_key(key: Any) -> Any:
    """A key as the history gives it (an id, or a list for a composite key) as the journal
    takes it (an id, or a tuple)."""
    return tuple(key) if isinstance(key, list) else key


def _row_key(table: sa.Table, row: Mapping[str, Any]) -> Any:
    """``journal.row_key``, with None for a key column the row lacks."""
    values = [row.get(name) for name in journal.key_names(table)]
    return values[0] if len(values) == 1 else tuple(values)


def _set_key(table: sa.Table, row: dict[str, Any], key: Any) -> None:
    names = journal.key_names(table)
    keys = list(key) if isinstance(key, tuple) else [key]
    if len(keys) == len(names):
        for name, value in zip(names, keys, strict=True):
            row.setdefault(name, value)


def _remappable(table: sa.Table) -> bool:
    """Only a table keyed by one integer ``id`` can hand a row a fresh id."""
    return journal.key_names(table) == ("id",)


def _full_row(table: sa.Table, values: dict[str, Any]) -> dict[str, Any]:
    """A row to put in: a nullable column the history has no value for was empty (the
    history leaves empty fields out of a net change) — not its default."""
    row = dict(values)
    for column in table.c:
        if column.name not in row and column.nullable and not column.primary_key:
            row[column.name] = None
    return row


def _self_columns(table: sa.Table) -> list[str]:
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _parents_first(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself, each after the row it refers to (among these)."""
    columns = _self_columns(table)
    if not columns or not _remappable(table):
        return rows
    mine = {row.get("id") for row in rows}
    placed: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [
            r
            for r in waiting
            if all(r.get(c) is None or r.get(c) not in mine or r.get(c) in placed for c in columns)
        ]
        if not ready:  # a loop in the data: let the database refuse it with its own message
            return ordered + waiting
        ordered += ready
        placed.update(r.get("id") for r in ready)
        waiting = [r for r in waiting if r not in ready]
    return ordered


# -- applying ----------------------------------------------------------------------------------


class _Plan:
    """What to put in, set and take out, by table."""

    def __init__(self) -> None:
        self.put: dict[str, list[dict[str, Any]]] = {}
        self.names: dict[tuple[str, Any], str] = {}
        self.set: dict[str, dict[Any, dict[str, Any]]] = {}
        self.take: dict[str, list[Any]] = {}


def _plan(changes: Sequence[NetChange], backward: bool) -> _Plan:
    plan = _Plan()
    side = 0 if backward else 1
    put_kind, take_kind = (
        (EntryKind.REMOVED, EntryKind.ADDED) if backward else (EntryKind.ADDED, EntryKind.REMOVED)
    )
    for change in changes:
        table = Base.metadata.tables.get(change.table)
        if table is None:  # a table of another format: nothing here to write
            continue
        key = db_key(change.key)
        kind = EntryKind(change.kind)
        if kind is take_kind:
            plan.take.setdefault(table.name, []).append(key)
            continue
        values = column_values(table.name, change.fields, side)
        if kind is put_kind:
            values.pop("row_version", None)  # a row put in starts its versions afresh
            row = _full_row(table, values)
            _set_key(table, row, key)
            plan.put.setdefault(table.name, []).append(row)
            plan.names[(table.name, key)] = change.name
        else:
            for column in table.primary_key.columns:
                values.pop(column.name, None)
            values.pop("row_version", None)
            if values:
                plan.set.setdefault(table.name, {}).setdefault(key, {}).update(values)
    return plan


def _existing(session: Any, table: sa.Table, keys: Sequence[Any]) -> set[Any]:
    found: set[Any] = set()
    keys = [k for k in keys if k is not None]
    column = key_column(table)
    pk = list(table.primary_key.columns)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        for row in session.execute(sa.select(*pk).where(column.in_(chunk))).mappings():
            found.add(_row_key(table, row))
    return found


def _label(table_name: str) -> str:
    return table_name.replace("_", " ")


def _check_parents(
    uow: UnitOfWork,
    table: sa.Table,
    rows: list[dict[str, Any]],
    placed: set[tuple[str, Any]],
    names: Mapping[tuple[str, Any], str],
    *,
    clear_set_null: bool,
) -> None:
    """Every reference of ``rows`` points at a row there now or put in by this apply."""
    for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
        parent = fk.column.table
        column = fk.parent.name
        wanted = {
            row[column]
            for row in rows
            if row.get(column) is not None and (parent.name, row[column]) not in placed
        }
        if not wanted:
            continue
        there = {
            value
            for (value,) in uow.session.execute(
                sa.select(fk.column).where(fk.column.in_(sorted(wanted)))
            )
        }
        missing = wanted - there
        if not missing:
            continue
        if clear_set_null and (fk.ondelete or "").upper() == "SET NULL":
            for row in rows:
                if row.get(column) in missing:
                    row[column] = None
            continue
        row = next(r for r in rows if r.get(column) in missing)
        key = _row_key(table, row)
        name = names.get((table.name, key)) or str(key)
        raise ValidationError(
            column,
            f"the {_label(table.name)} “{name}” belongs to the {_label(parent.name)} with id "
            f"{row[column]}, which is gone; bring that back first",
        )


def _follow(
    table: sa.Table, values: dict[str, Any], remapped: Mapping[tuple[str, Any], Any]
) -> None:
    """References to rows that were given fresh ids follow them."""
    if not remapped:
        return
    for fk in table.foreign_keys:
        column = fk.parent.name
        value = values.get(column)
        if value is not None and (fk.column.table.name, value) in remapped:
            values[column] = remapped[(fk.column.table.name, value)]


def _put_in_runs(uow: UnitOfWork, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Rows that carry their keys, in order, one insert per run of rows with the same columns."""
    run: list[dict[str, Any]] = []
    for row in rows:
        if run and run[0].keys() != row.keys():
            uow.insert_rows(table.name, run)
            run = []
        run.append(row)
    if run:
        uow.insert_rows(table.name, run)


def apply_changes(
    uow: UnitOfWork,
    changes: Sequence[NetChange],
    *,
    backward: bool,
    remap_added: bool = False,
) -> dict[tuple[str, Any], Any]:
    """Write net changes through the unit of work's JOURNALED Core writes (uow.insert/update/
    delete…), so the transaction is one undoable edit. backward=True undoes them (added rows
    deleted, removed rows inserted with their old values, changed fields set to old);
    backward=False applies them (for a what-if promote). Parents before children on insert,
    children before parents on delete. remap_added=True: rows the changes ADD get fresh ids
    when their id is taken, and foreign keys inside the other changes follow; returns
    {(table, old key): new key} for the remapped ones.

    On a team database (PostgreSQL) with ``remap_added``, every row put in that the
    changes add gets a fresh id from the server's sequence; without it, rows keep their
    ids and the sequences are moved past them. A row to take out or set that is gone
    already is passed over. A row put in whose parent is gone: ValidationError (a
    reference ``ON DELETE SET NULL`` is left empty instead, as the database would have).
    """
    plan = _plan(changes, backward)
    session = uow.session
    team = session.connection().dialect.name != "sqlite"
    remapped: dict[tuple[str, Any], Any] = {}
    placed: set[tuple[str, Any]] = set()
    kept_ids: set[str] = set()
    tables = Base.metadata.sorted_tables
    # Put in: parents first.
    for table in tables:
        rows = plan.put.get(table.name)
        if not rows:
            continue
        rows = _parents_first(table, rows)
        for row in rows:
            _follow(table, row, remapped)
        coming = placed | {(table.name, _row_key(table, r)) for r in rows}
        _check_parents(uow, table, rows, coming, plan.names, clear_set_null=True)
        fresh = remap_added and _remappable(table)
        taken = _existing(session, table, [_row_key(table, r) for r in rows]) if fresh else set()
        next_id = 0
        if fresh and not team and taken:
            largest = session.scalar(sa.select(sa.func.max(table.c.id))) or 0
            next_id = max(largest, *(r["id"] for r in rows if isinstance(r.get("id"), int))) + 1
        pending: list[dict[str, Any]] = []
        for row in rows:
            old_key = _row_key(table, row)
            _follow(table, row, remapped)  # a parent of this very table given a fresh id
            if fresh and team:  # the server's sequence hands out the ids
                _put_in_runs(uow, table, pending)
                pending = []
                new_key = uow.insert(table.name, **{k: v for k, v in row.items() if k != "id"})
                remapped[(table.name, old_key)] = new_key
                placed.add((table.name, new_key))
                continue
            if fresh and old_key in taken:
                row["id"] = next_id
                remapped[(table.name, old_key)] = next_id
                next_id += 1
            pending.append(row)
            placed.add((table.name, _row_key(table, row)))
            if _remappable(table):
                kept_ids.add(table.name)
        _put_in_runs(uow, table, pending)
    if team and kept_ids:
        _advance_sequences(session, kept_ids)
    # Set fields: after the rows they may point at came in, before those they leave go.
    for table in tables:
        changes_of = plan.set.get(table.name)
        if not changes_of:
            continue
        keyed = {remapped.get((table.name, key), key): dict(v) for key, v in changes_of.items()}
        for values in keyed.values():
            _follow(table, values, remapped)
        _check_parents(uow, table, list(keyed.values()), placed, plan.names, clear_set_null=False)
        uow.update_rows(table.name, keyed)
    # Take out: children first.
    for table in reversed(tables):
        keys = plan.take.get(table.name)
        if not keys:
            continue
        there = _existing(session, table, keys)
        ordered = [k for k in keys if k in there]
        if _self_columns(table) and _remappable(table):
            rows = [
                dict(r)
                for r in session.execute(sa.select(table).where(table.c.id.in_(ordered))).mappings()
            ]
            ordered = [_row_key(table, r) for r in reversed(_parents_first(table, rows))]
        if ordered:
            uow.delete(table.name, ordered)
    return remapped


def _advance_sequences(session: Any, names: set[str]) -> None:
    """PostgreSQL: rows came with their own ids; each sequence moves past the largest."""
    for name in sorted(names):
        session.connection().exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"GREATEST(nextval(pg_get_serial_sequence('{name}', 'id')), "
            f"(SELECT COALESCE(max(id), 0) FROM {name})))"
        )
