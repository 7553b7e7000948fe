"""The journal: every write of one edit, step by step, so the edit can be undone and redone.

Each ``Workspace.transaction()`` keeps a :class:`Journal` in its unit of work. ORM
flushes are noted by the session's flush events (an insert as the row written, an
update as the before and after of the columns it changed, a delete as a
:class:`~pmdesk.store.snapshot.Snapshot` of the row and everything that went with it);
Core writes go through the unit of work's ``insert``, ``insert_rows``, ``update``,
``update_rows`` and ``delete`` (this module's functions), which note them the same way.
Every step also records its change notice and, on a team workspace, checks the row
versions before it writes and notes the versions it wrote.

:func:`play` reverts or replays a journal inside one transaction: the very same rows,
with the very same ids, come back, and the notices say what moved. Undo and redo of
every edit are derived from it (``Workspace.revert`` / ``Workspace.replay``).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session
from sqlalchemy.orm.base import NO_VALUE

from pmdesk.core.bulk import bulk_work
from pmdesk.core.errors import NotFoundError

from . import sqlite_file
from .models import Base
from .snapshot import Snapshot, capture, key_column, restore

if TYPE_CHECKING:
    from .workspace import UnitOfWork

_CHUNK = 500


# -- the steps ---------------------------------------------------------------------------------


@dataclass
class Inserted:
    """Rows put in, as they were written (every column, ids and row versions included)."""

    table: str
    rows: list[dict[str, Any]]

    def keys(self) -> list[object]:
        return row_keys(_table(self.table), self.rows)


@dataclass
class Updated:
    """Rows changed: (key, the changed columns before, the same columns after)."""

    table: str
    rows: list[tuple[object, dict[str, Any], dict[str, Any]]]

    def keys(self) -> list[object]:
        return [key for key, _before, _after in self.rows]


@dataclass
class Deleted:
    """Rows taken out by key; the snapshot holds them and all that went with them."""

    table: str
    ids: list[object]
    snapshot: Snapshot

    def keys(self) -> list[object]:
        return list(self.ids)


Step = Inserted | Updated | Deleted
_KINDS: dict[str, type] = {"insert": Inserted, "update": Updated, "delete": Deleted}


@dataclass
class Journal:
    """What one or more transactions wrote, in order: enough to revert and to replay them."""

    steps: list[Step] = field(default_factory=list)
    entity_id: int | None = None  # the main row the edit created, if any
    # False once a statement wrote a table around the journal (a bare session.execute):
    # then reverting would not undo everything, and undo must not pretend it does.
    complete: bool = True

    @property
    def empty(self) -> bool:
        return not self.steps

    def ids(self, table: str, op: str) -> list[object]:
        """The keys of ``table`` the edit inserted, updated or deleted (``op``)."""
        kind = _KINDS[op]
        return [
            key
            for step in self.steps
            if isinstance(step, kind) and step.table == table
            for key in step.keys()
        ]

    def tables(self) -> set[str]:
        return {step.table for step in self.steps}


# -- keys and small helpers -------------------------------------------------------------------


@functools.cache
def _in_order() -> tuple[sa.Table, ...]:
    """The tables, parents before children (sorting them anew costs a flush 0.3 ms)."""
    return tuple(Base.metadata.sorted_tables)


def _table(name: str) -> sa.Table:
    return Base.metadata.tables[name]


@functools.cache
def key_names(table: sa.Table) -> tuple[str, ...]:
    """The names of a table's primary key columns (asked of SQLAlchemy once per table: an
    import's tens of thousands of rows each need their key)."""
    return tuple(c.name for c in table.primary_key.columns)


def row_key(table: sa.Table, row: Mapping[Any, Any]) -> object:
    """A row's key: its id, or the tuple of its composite primary key."""
    names = key_names(table)
    if len(names) == 1:
        return row[names[0]]
    return tuple(row[name] for name in names)


def row_keys(table: sa.Table, rows: Iterable[Mapping[Any, Any]]) -> list[object]:
    """``row_key`` of each row, in order."""
    names = key_names(table)
    if len(names) == 1:
        return list(map(operator.itemgetter(names[0]), rows))
    return [tuple(row[name] for name in names) for row in rows]


def _key_values(table: sa.Table, key: object) -> dict[str, Any]:
    names = key_names(table)
    if len(names) == 1:
        return {names[0]: key}
    assert isinstance(key, tuple)  # a composite key (row_key)
    return dict(zip(names, key, strict=True))


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _kept(value: Any) -> Any:
    """A value as the journal keeps it: JSON (dicts, lists) copied, so later edits of the
    live object cannot change what the journal says was written."""
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


def _rows(session: Session, table: sa.Table, keys: Sequence[object]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    column = key_column(table)
    for chunk in _chunks(keys):
        found.extend(
            dict(r) for r in session.execute(sa.select(table).where(column.in_(chunk))).mappings()
        )
    return found


def _add(uow: UnitOfWork, step: Step) -> None:
    uow.journal.steps.append(step)


@contextlib.contextmanager
def _writing(session: Session) -> Iterator[None]:
    """Statements run inside are the journal's own (see :func:`on_execute`)."""
    session.info["journaling"] = session.info.get("journaling", 0) + 1
    try:
        yield
    finally:
        session.info["journaling"] -= 1


def on_execute(state: Any) -> None:
    """do_orm_execute: an INSERT, UPDATE or DELETE of a workspace table run with a bare
    ``session.execute`` inside a transaction is not journaled; the journal says so."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    session = state.session
    uow = session.info.get("uow")
    table = getattr(state.statement, "table", None)
    if uow is None or session.info.get("journaling") or table is None:
        return
    if getattr(table, "name", None) in Base.metadata.tables:  # not the team's change log
        uow.journal.complete = False


def record_snapshot(uow: UnitOfWork, snap: Snapshot, op: str) -> None:
    """The change notice of a snapshot's rows going (``delete``) or coming back (``insert``)."""
    for name in {name for name, _ in snap.rows}:
        uow.record(name, op, snap.ids(name))
    for name, pk, _column, _value in snap.cleared:
        uow.record(
            name, "update", [next(iter(pk.values())) if len(pk) == 1 else tuple(pk.values())]
        )


# -- Core writes, each one a journal step ---------------------------------------------------------


def insert(uow: UnitOfWork, name: str, values: dict[str, Any]) -> Any:
    """Insert one row; returns its key (the new id)."""
    table = _table(name)
    with _writing(uow.session):
        result = uow.session.execute(sa.insert(table).values(**values))
    assert isinstance(result, sa.CursorResult)  # an INSERT's result
    pk = tuple(result.inserted_primary_key or ())
    key = pk[0] if len(pk) == 1 else pk
    uow.wrote_rows(table, [key])
    _add(uow, Inserted(name, _rows(uow.session, table, [key])))
    uow.record(name, "insert", [key])
    return key


def insert_rows(uow: UnitOfWork, name: str, rows: Sequence[dict[str, Any]]) -> list[object]:
    """Insert many rows that carry their own keys (a baseline's entries) as one step."""
    table = _table(name)
    keys = row_keys(table, rows)
    if not keys:
        return keys
    columns = list(table.c.keys())
    given = set(columns)
    whole = all(row.keys() >= given for row in rows)  # every column given: that is the row
    with _writing(uow.session):
        connection = uow.session.connection()
        if whole and connection.dialect.name == "sqlite":
            _insert_whole_rows(connection, table, rows)
        else:
            for chunk in _chunks(rows):
                uow.session.execute(sa.insert(table), list(chunk))
    uow.wrote_rows(table, keys)
    if whole:
        kept = [{c: row[c] for c in columns} for row in rows]
        for column in (c.name for c in table.c if isinstance(c.type, sa.JSON)):  # copied
            for row in kept:
                row[column] = _kept(row[column])
        _add(uow, Inserted(name, kept))
    else:
        _add(uow, Inserted(name, _rows(uow.session, table, keys)))
    uow.record(name, "insert", keys)
    return keys


@functools.lru_cache(maxsize=256)
def _whole_row_insert(
    table: sa.Table, dialect: sa.Dialect
) -> tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """The INSERT of every column of ``table`` as ``dialect`` compiles it, the columns in
    its parameters' order, and each one's bind processor (SQLAlchemy's own: a date to
    its text, JSON to a string, an enum to its name), None where a value goes as it is."""
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(table.c.keys()))
    order = tuple(compiled.positiontup or ())
    processors = tuple(
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in order
    )
    return compiled.string, order, processors


def _insert_whole_rows(connection: sa.Connection, table: sa.Table, rows: Sequence[dict]) -> None:
    """Rows that give every column, straight to SQLite's cursor in one executemany.

    What SQLAlchemy's executemany does for them (its column defaults have nothing to
    fill), in a third of its time: an import's tens of thousands of rows are mostly spent
    there. The values go through the same bind processors SQLAlchemy would use, and an
    error comes out as SQLAlchemy's (an IntegrityError, a StatementError for a value of
    the wrong type), which the transaction turns into a person's message.
    """
    sql, order, processors = _whole_row_insert(table, connection.dialect)
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        # Column by column: one map over each column's values, its processor applied to
        # the whole column at once, then the rows zipped back together.
        columns = [
            list(map(operator.itemgetter(name), rows))
            if process is None
            else list(map(process, map(operator.itemgetter(name), rows)))
            for name, process in zip(order, processors, strict=True)
        ]
        with sqlite_file.wound_cursor(connection.connection.dbapi_connection) as cursor:
            cursor.executemany(sql, list(zip(*columns, strict=True)))
    except (dbapi_error, TypeError, ValueError) as exc:  # as SQLAlchemy raises them
        raise sa.exc.DBAPIError.instance(
            sql, None, exc, dbapi_error, dialect=connection.dialect, ismulti=True
        ) from exc


def update(uow: UnitOfWork, name: str, key: object, values: dict[str, Any]) -> None:
    """Set columns of one row; a value that is already there is not written."""
    update_rows(uow, name, {key: values})


def update_rows(uow: UnitOfWork, name: str, changes: dict[Any, dict[str, Any]]) -> None:
    """Set columns of many rows as one step: what differs is written, in one statement per
    set of columns; the row versions grow by one."""
    table = _table(name)
    columns = sorted({column for values in changes.values() for column in values})
    if not changes or not columns:
        return
    pk = list(table.primary_key.columns)
    current: dict[object, dict[str, Any]] = {}
    keys = list(changes)
    for chunk in _chunks(keys):
        stmt = sa.select(*pk, *(table.c[c] for c in columns)).where(key_column(table).in_(chunk))
        for row in uow.session.execute(stmt).mappings():
            current[row_key(table, row)] = dict(row)
    rows = []
    for key, values in changes.items():
        before = current.get(key)
        if before is None:
            continue  # gone: there is nothing to change
        changed = {k: v for k, v in values.items() if before[k] != v}
        if changed:
            rows.append((key, {k: _kept(before[k]) for k in changed}, _kept(changed)))
    if not rows:
        return
    _write_updates(uow, Updated(name, rows), forward=True)
    _add(uow, Updated(name, rows))


def _write_updates(uow: UnitOfWork, step: Updated, *, forward: bool) -> None:
    table = _table(step.table)
    keys = step.keys()
    _guard_updates(uow, table, step, forward=forward)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for key, before, after in step.rows:
        values = after if forward else before
        params = {f"k_{c}": v for c, v in _key_values(table, key).items()}
        params.update({f"v_{c}": v for c, v in values.items()})
        groups.setdefault(tuple(sorted(values)), []).append(params)
    where = [c == sa.bindparam(f"k_{c.name}") for c in table.primary_key.columns]
    for names, batch in groups.items():
        sets: dict[str, Any] = {n: sa.bindparam(f"v_{n}") for n in names}
        if "row_version" in table.c:
            sets["row_version"] = table.c.row_version + 1
        stmt = sa.update(table).where(*where).values(sets)
        connection = uow.session.connection()
        counted = connection.dialect.supports_sane_multi_rowcount
        for chunk in _chunks(batch):
            written = connection.execute(stmt, list(chunk)).rowcount
            if counted and written != len(chunk):  # a row is gone: refuse the whole step
                present = {row_key(table, row) for row in _rows(uow.session, table, keys)}
                raise NotFoundError(step.table, next(k for k in keys if k not in present))
    uow.wrote_rows(table, keys)
    uow.record(step.table, "update", keys)


def _guard_updates(uow: UnitOfWork, table: sa.Table, step: Updated, *, forward: bool) -> None:
    """Team: refuse rows someone changed since; the refusal names the fields this step
    writes, each with the value it would write and the one there now."""
    from .team_versions import ConflictError, FieldConflict

    try:
        uow.guard_rows(table, step.keys())
    except ConflictError as conflict:
        values = next(
            (after if forward else before)
            for key, before, after in step.rows
            if key == conflict.entity_id
        )
        (now,) = _rows(uow.session, table, [conflict.entity_id]) or [{}]
        fields = [FieldConflict(name, mine, now.get(name)) for name, mine in values.items()]
        raise ConflictError(
            conflict.kind,
            conflict.entity_id,
            fields,
            conflict.their_version,
            name=conflict.name,
            undo=conflict.undo,
        ) from None


def delete(uow: UnitOfWork, name: str, keys: Iterable[object]) -> Snapshot:
    """Delete rows and everything the database takes with them; returns what went."""
    table = _table(name)
    key_list = list(keys)
    uow.guard_rows(table, key_list, deleting=True)
    snap = capture(uow.session, table, key_list)
    column = key_column(table)
    with _writing(uow.session):
        for chunk in _chunks(key_list):
            uow.session.execute(sa.delete(table).where(column.in_(chunk)))
    record_snapshot(uow, snap, "delete")
    _add(uow, Deleted(name, key_list, snap))
    return snap


# -- ORM flushes, noted through the session's events ------------------------------------------------

_COLUMN_NAMES: dict[Mapper[Any], dict[str, str]] = {}


def _column_names(mapper: Mapper[Any]) -> dict[str, str]:
    """attribute name -> column name, for the columns a mapper maps."""
    found = _COLUMN_NAMES.get(mapper)
    if found is None:
        found = _COLUMN_NAMES[mapper] = {
            prop.key: prop.columns[0].name for prop in mapper.column_attrs
        }
    return found


def _identity(state: Any) -> object:
    identity = state.identity
    return identity[0] if len(identity) == 1 else tuple(identity)


def before_flush(session: Session, _ctx: object, _instances: object) -> None:
    """Note what the flush will write: new rows, the changed columns' before and after, and
    a snapshot of each row about to be deleted (taken before the database cascades)."""
    uow = session.info.get("uow")
    if uow is None:
        return
    updated: dict[str, list[tuple[object, dict[str, Any], dict[str, Any]]]] = {}
    for obj in session.dirty:
        if not session.is_modified(obj):
            continue
        change = _update_of(session, obj)
        if change is not None:
            updated.setdefault(obj.__tablename__, []).append(change)
    deleted: list[Deleted] = []
    seen: set[tuple[str, object]] = set()
    by_table: dict[str, list[object]] = {}
    for obj in session.deleted:
        state = sa.inspect(obj)
        if state.identity is not None:
            by_table.setdefault(obj.__tablename__, []).append(_identity(state))
    for table in _in_order():  # parents first: they take their children along
        if table.name in by_table:
            keys = by_table[table.name]
            deleted.append(Deleted(table.name, keys, capture(session, table, keys, seen=seen)))
    session.info["journal_pending"] = (list(session.new), updated, deleted)


def _update_of(session: Session, obj: Any) -> tuple[object, dict[str, Any], dict[str, Any]] | None:
    state = sa.inspect(obj)
    if state.identity is None:
        return None
    names = _column_names(state.mapper)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    unknown = []
    for attr, old in state.committed_state.items():
        column = names.get(attr)
        if column is None or column == "row_version" or attr not in state.dict:
            continue
        new = state.dict[attr]
        if old is NO_VALUE:  # never loaded: read what the row holds now
            unknown.append((attr, column, new))
            continue
        if old != new:
            before[column], after[column] = _kept(old), _kept(new)
    if unknown:
        table = obj.__table__
        key = _identity(state)
        stored = _rows(session, table, [key])
        for _attr, column, new in unknown:
            old = stored[0][column] if stored else None
            if old != new:
                before[column], after[column] = _kept(old), _kept(new)
    if not after:
        return None
    return _identity(state), before, after


def after_flush(session: Session, _ctx: object) -> None:
    """The flush wrote what ``before_flush`` noted: into the journal and the change notice."""
    uow = session.info.get("uow")
    pending = session.info.pop("journal_pending", None)
    if uow is None or pending is None:
        return
    new, updated, deleted = pending
    inserted: dict[str, list[Any]] = {}
    for obj in new:
        state = sa.inspect(obj)
        if state.identity is not None and hasattr(obj, "__tablename__"):
            inserted.setdefault(obj.__tablename__, []).append(state)
    for table in _in_order():
        states = inserted.get(table.name)
        if states:
            rows = sorted(
                _inserted_rows(session, table, states),
                key=lambda row: row_key(table, row),  # type: ignore[arg-type, return-value]
            )
            _add(uow, Inserted(table.name, rows))
            uow.record(table.name, "insert", row_keys(table, rows))
    for name, rows in updated.items():
        _add(uow, Updated(name, rows))
        uow.record(name, "update", [key for key, _before, _after in rows])
    for step in deleted:
        _add(uow, step)
        record_snapshot(uow, step.snapshot, "delete")


def _inserted_rows(session: Session, table: sa.Table, states: list[Any]) -> list[dict[str, Any]]:
    """The rows a flush inserted, from the objects themselves: a column the object was not
    given was written as NULL. Only a value the database made (a server default, an expired
    attribute) is read back, for all such rows at once."""
    rows: list[dict[str, Any]] = []
    unknown: list[object] = []
    made_by_database = {c.name for c in table.c if c.server_default is not None}
    for state in states:
        names = _column_names(state.mapper)
        values = state.dict
        missing = names.keys() - values.keys()
        if missing and (
            missing & state.expired_attributes or {names[a] for a in missing} & made_by_database
        ):
            unknown.append(_identity(state))
            continue
        rows.append({column: _kept(values.get(attr)) for attr, column in names.items()})
    if unknown:
        rows.extend(_rows(session, table, unknown))
    return rows


# -- undo and redo -----------------------------------------------------------------------------------


def play(uow: UnitOfWork, journal: Journal, *, forward: bool) -> None:
    """Replay (``forward``) or revert a journal inside ``uow``: rows, ids and notices.

    Python's cycle collector rests meanwhile (an import undone reads back and keeps
    every row it takes out: tens of thousands of new objects at once)."""
    with bulk_work():
        _play(uow, journal, forward=forward)


def _play(uow: UnitOfWork, journal: Journal, *, forward: bool) -> None:
    steps = journal.steps if forward else list(reversed(journal.steps))
    for step in steps:
        if isinstance(step, Updated):
            _write_updates(uow, step, forward=forward)
            rows = step.rows if forward else [(k, a, b) for k, b, a in step.rows]
            _add(uow, Updated(step.table, rows))
        elif isinstance(step, Inserted) == forward:  # put rows (back) in
            _put_in(uow, step)
        else:  # take rows out
            delete(uow, step.table, step.keys())


def put_back(uow: UnitOfWork, snap: Snapshot) -> None:
    """Restore deleted rows with their ids (and the references their delete cleared)."""
    with _writing(uow.session):
        restore(uow.session, snap)
    record_snapshot(uow, snap, "insert")
    names = {name for name, _row in snap.rows}
    for table in _in_order():  # parents first, as a replay inserts them
        if table.name in names:
            _add(uow, Inserted(table.name, [row for n, row in snap.rows if n == table.name]))


def _put_in(uow: UnitOfWork, step: Inserted | Deleted) -> None:
    if isinstance(step, Deleted):
        put_back(uow, step.snapshot)
        return
    table = _table(step.table)
    with _writing(uow.session):
        for chunk in _chunks(step.rows):
            uow.session.execute(sa.insert(table), [dict(row) for row in chunk])
    keys = step.keys()
    uow.wrote_rows(table, keys)
    uow.record(step.table, "insert", keys)
    _add(uow, Inserted(step.table, list(step.rows)))
