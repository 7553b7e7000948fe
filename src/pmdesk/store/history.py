"""Recording the history: every committed edit's changes, row by row, in its own transaction.

``Workspace.transaction()`` calls :func:`record` after the edit's last flush and before the
commit: the journal of the unit of work (:mod:`pmdesk.store.journal`) already says what
every write did — rows inserted, columns updated (before and after), rows deleted with
all that went with them — so the entries are made from it without reading the tables
again, except one query per table for the names of rows only updated by key. An edit
that fails is rolled back with its entries; undo and redo are edits too and are
recorded as the changes back.

What is not recorded (see :data:`UNRECORDED` and :data:`QUIET`): the history's own
tables, the file's bookkeeping (``meta``), a baseline's copied dates (the baseline and its
automatic snapshot stand for them), row versions, and view state that is no change of
the portfolio: a lane folded or unfolded, the presenter's speaker notes.

Entries are written with Core ``insert``, in chunks, as one statement per chunk: an
import of thousands of rows adds one ``executemany`` per 500 entries.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import threading
from collections.abc import Collection, Iterator, Mapping
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.bulk import bulk_work
from pmdesk.core.history import EntryKind, SnapshotKind

from . import history_bulk, journal, sqlite_file
from .models import Base, ChangeEdit, ChangeEntry, HistorySnapshot, table_of
from .models.finance import ExactDecimal
from .models.history import FIELDS_MAX

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .workspace import UnitOfWork

EDITS = table_of(ChangeEdit)
ENTRIES = table_of(ChangeEntry)
SNAPSHOTS = table_of(HistorySnapshot)

# Tables whose rows are no change of the portfolio a reader asks about.
UNRECORDED = frozenset(
    {"meta", EDITS.name, ENTRIES.name, SNAPSHOTS.name, "baseline_entry", "what_if"}
)
# Columns never recorded: bookkeeping and view state.
QUIET = frozenset({("*", "row_version"), ("lane", "collapsed")})
# Keys of workspace_info.settings that are view state (the presenter's speaker notes).
QUIET_SETTINGS = frozenset({"speaker_notes"})
# The column that names a row, by preference; the first one a table has is its name.
NAME_COLUMNS = (
    "name",
    "title",
    "deal",
    "ref",
    "text",
    "description",
    "key",
    "audience",
    "customer",
    "participant",
    "version",
    "stage",
    "segment",
)
NAME_MAX = 200
_OWN = frozenset({EDITS.name, ENTRIES.name})
TEXT_MAX = 8_000  # a longer text is kept cut to this many characters
_CHUNK = 500


# -- JSON values ------------------------------------------------------------------------------


# Values JSON holds as they are: most of what an edit (or an import's thousands of rows)
# writes, answered by one lookup instead of four isinstance checks. An Enum whose values
# are text is a subclass of str, not str itself, so it is not among them.
_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})


def json_value(value: Any) -> Any:
    """A column's value as the history keeps it: dates ISO, exact decimals as text."""
    if type(value) in _AS_THEY_ARE:
        return value
    if isinstance(value, Enum):
        return value._value_  # what ``.value`` gives, without its descriptor
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return ExactDecimal.canonical(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _cut(value: Any, limit: int) -> Any:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    if isinstance(value, list):
        return [_cut(v, limit) for v in value]
    if isinstance(value, dict):
        return {k: _cut(v, limit) for k, v in value.items()}
    return value


def bounded(fields: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The fields as stored: long texts cut so the entry stays within FIELDS_MAX."""
    fields = {k: _cut(v, TEXT_MAX) for k, v in fields.items()}
    limit = TEXT_MAX
    while len(json.dumps(fields)) > FIELDS_MAX - 1_000 and limit > 20:
        limit //= 4
        fields = {k: _cut(v, limit) for k, v in fields.items()}
    return fields


def key_text(key: object) -> str:
    """A row key as ``change_entry.row_key``: the id, or a composite key joined by commas."""
    if isinstance(key, tuple | list):
        return ",".join(str(k) for k in key)
    return str(key)


def key_of(text: str) -> Any:
    """The key back from its text: an int, or a list of ints for a composite key."""
    parts = [int(p) if p.lstrip("-").isdigit() else p for p in text.split(",")]
    return parts[0] if len(parts) == 1 else parts


# -- who and what ---------------------------------------------------------------------------------


@cache
def os_user() -> str:
    try:
        return getpass.getuser()[:200]
    except (KeyError, OSError):  # no user name in the environment or the password file
        return ""


_labels = threading.local()


def current_label() -> str:
    stack = getattr(_labels, "stack", None)
    return stack[-1] if stack else ""


class _Labelled:
    """See :func:`labelled`."""

    def __init__(self, label: str) -> None:
        self.label = label[:NAME_MAX]

    def __enter__(self) -> None:
        if not hasattr(_labels, "stack"):
            _labels.stack = []
        _labels.stack.append(self.label)

    def __exit__(self, *exc: object) -> None:
        _labels.stack.pop()


def labelled(label: str) -> _Labelled:
    """Edits this thread commits inside the block carry ``label`` (the undo text)."""
    return _Labelled(label)


# -- from the journal to entries --------------------------------------------------------------


@cache
def name_column(table_name: str) -> str | None:
    table = Base.metadata.tables[table_name]
    return next((c for c in NAME_COLUMNS if c in table.c), None)


@cache
def _quiet(table_name: str) -> frozenset[str]:
    return frozenset(
        column
        for column in Base.metadata.tables[table_name].c.keys()
        if (table_name, column) in QUIET or ("*", column) in QUIET
    )


class _Row:
    """One row's change within one edit, as the journal's steps add up."""

    __slots__ = ("existed", "exists", "fields", "first", "name")

    def __init__(self, existed: bool, first: int) -> None:
        self.existed = existed
        self.first = first  # the place in the journal of the step that first touched it
        self.exists = existed
        self.fields: dict[str, list[Any]] = {}
        self.name: str | None = None

    def touch(self, column: str, old: Any, new: Any) -> None:
        pair = self.fields.get(column)
        if pair is None:
            self.fields[column] = [old, new]
        else:
            pair[1] = new


def _changes(
    steps: list[journal.Step], skip: Collection[int] = ()
) -> dict[tuple[str, object], _Row]:
    rows: dict[tuple[str, object], _Row] = {}
    index = 0

    def row_of(table: str, key: object, existed: bool) -> _Row:
        found = rows.get((table, key))
        if found is None:
            found = rows[(table, key)] = _Row(existed, index)
        return found

    for index, step in enumerate(steps):
        if index in skip:
            continue
        if isinstance(step, journal.Inserted):
            if step.table in UNRECORDED:
                continue
            quiet = _quiet(step.table)
            table = Base.metadata.tables[step.table]
            plain = _AS_THEY_ARE
            for values, key in zip(step.rows, journal.row_keys(table, step.rows), strict=True):
                row = row_of(step.table, key, False)
                row.exists = True
                if not row.fields:  # the usual case, and an import's thousands: at once
                    row.fields = {
                        c: [None, v if type(v) in plain else json_value(v)]
                        for c, v in values.items()
                        if c not in quiet
                    }
                    continue
                for column, value in values.items():
                    if column not in quiet:
                        row.touch(column, None, json_value(value))
        elif isinstance(step, journal.Updated):
            if step.table in UNRECORDED:
                continue
            quiet = _quiet(step.table)
            for key, before, after in step.rows:
                row = row_of(step.table, key, True)
                for column, new in after.items():
                    if column not in quiet:
                        row.touch(column, json_value(before.get(column)), json_value(new))
        else:
            for table_name, values in step.snapshot.rows:
                if table_name in UNRECORDED:
                    continue
                quiet = _quiet(table_name)
                table = Base.metadata.tables[table_name]
                row = row_of(table_name, journal.row_key(table, values), True)
                row.exists = False
                for column, value in values.items():
                    if column not in quiet:
                        row.touch(column, json_value(value), None)
            for table_name, pk, column, value in step.snapshot.cleared:
                if table_name in UNRECORDED or column in _quiet(table_name):
                    continue
                key = next(iter(pk.values())) if len(pk) == 1 else tuple(pk.values())
                row_of(table_name, key, True).touch(column, json_value(value), None)
    return rows


def _settings_noise(row: _Row) -> None:
    """workspace_info.settings: a change of the speaker notes alone is no change."""
    pair = row.fields.get("settings")
    if pair is None or not (row.existed and row.exists):
        return
    old, new = (_without_notes(side) for side in pair)
    if old == new:
        del row.fields["settings"]


def _without_notes(settings: Any) -> Any:
    if not isinstance(settings, dict):
        return settings
    return {k: v for k, v in settings.items() if k not in QUIET_SETTINGS}


def _kind(row: _Row) -> EntryKind | None:
    if row.existed and row.exists:
        for column in [c for c, (old, new) in row.fields.items() if old == new]:
            del row.fields[column]
        return EntryKind.CHANGED if row.fields else None
    if row.exists:
        return EntryKind.ADDED
    if row.existed:
        return EntryKind.REMOVED
    return None  # added and removed within the edit


def _names(session: Session, rows: dict[tuple[str, object], _Row]) -> None:
    """Each row's name: from its fields when they hold it, else the object the session
    holds, else one query per table for the rest."""
    missing: dict[str, list[tuple[object, _Row]]] = {}
    for (table_name, key), row in rows.items():
        column = name_column(table_name)
        if column is None:
            row.name = ""
            continue
        pair = row.fields.get(column)
        if pair is not None:
            row.name = pair[1] if pair[1] is not None else pair[0]
            continue
        held = _held(session, table_name, key)
        if held is not None:
            row.name = json_value(getattr(held, column, None))
            continue
        missing.setdefault(table_name, []).append((key, row))
    for table_name, wanted in missing.items():
        table = Base.metadata.tables[table_name]
        column = name_column(table_name)
        assert column is not None
        found: dict[object, Any] = {}
        pk = list(table.primary_key.columns)
        keys = [key for key, _row in wanted]
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            query = sa.select(*pk, table.c[column]).where(journal.key_column(table).in_(chunk))
            for record in session.execute(query).mappings():
                found[journal.row_key(table, record)] = record[column]
        for key, row in wanted:
            row.name = json_value(found.get(key))


@cache
def _mapper_class(table_name: str) -> type | None:
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            return mapper.class_
    return None


def _held(session: Session, table_name: str, key: object) -> Any:
    cls = _mapper_class(table_name)
    if cls is None:
        return None
    identity = key if isinstance(key, tuple) else (key,)
    return session.identity_map.get(sa.inspect(cls).identity_key_from_primary_key(identity))


def entries(
    session: Session, steps: list[journal.Step], skip: Collection[int] = ()
) -> Iterator[tuple[int, str, str, str, EntryKind, dict[str, list[Any]]]]:
    """(the place of the step that first touched the row, table, row key text, name, kind,
    fields) per row the steps changed, in order; the steps at the places in ``skip`` are
    left out (their entries are written from the rows: see store.history_bulk)."""
    rows = _changes(steps, skip)
    for (table_name, _key), row in rows.items():
        if table_name == "workspace_info":
            _settings_noise(row)
    kinds = {at: _kind(row) for at, row in rows.items()}
    kept = {at: row for at, row in rows.items() if kinds[at] is not None}
    _names(session, kept)
    for (table_name, key), row in kept.items():
        kind = kinds[(table_name, key)]
        assert kind is not None
        name = row.name if isinstance(row.name, str) else str(row.name or "")
        yield row.first, table_name, key_text(key), name[:NAME_MAX], kind, row.fields


# One encoder for every entry: json.dumps with any option builds a new one per call.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _compact_chunks() -> Any:
    """The standard library's C encoder with ``_COMPACT``'s options, made once.

    ``JSONEncoder.encode`` makes a new one for every value, with a table of the
    containers seen to catch a value that holds itself: an entry's fields never do, and
    an import's tens of thousands of entries are encoded in about 0.6 of the time.
    None where the C encoder is missing (``compact_json`` then uses ``_COMPACT``).
    """
    make = getattr(json.encoder, "c_make_encoder", None)  # not in the library's stubs
    if make is None:
        return None
    return make(
        None,  # no table of containers seen
        _COMPACT.default,
        json.encoder.encode_basestring,  # characters as they are (ensure_ascii=False)
        None,
        _COMPACT.key_separator,
        _COMPACT.item_separator,
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan, as json.dumps
    )


_CHUNKS = _compact_chunks()


def compact_json(value: Any) -> str:
    """JSON as ``change_entry.fields`` holds it in a file: no spaces, characters as they are."""
    if _CHUNKS is None:
        return _COMPACT.encode(value)
    return "".join(_CHUNKS(value, 0))


def _stored(fields: dict[str, list[Any]]) -> tuple[dict[str, list[Any]], str]:
    text = compact_json(fields)
    if len(text) > TEXT_MAX:  # a long text: cut to what an entry may hold
        fields = bounded(fields)
        text = compact_json(fields)
    return fields, text


def record(uow: UnitOfWork, *, who: str, label: str, at: dt.datetime) -> int | None:
    """Write the entries of ``uow``'s journal, as one edit; returns its id (None: nothing
    of the portfolio changed). Called inside the transaction, after its last flush.

    An edit that writes the history itself (a portfolio import bringing its own, and the
    undo or redo of that import) is not recorded: its history comes with it.

    Python's cycle collector rests meanwhile: the entries of a large edit (an import
    undone, 35,000 rows removed) are some 500,000 new objects, each burst of which would
    otherwise set off collections that scan everything in memory.
    """
    steps = uow.journal.steps
    if any(step.table in _OWN for step in steps):
        return None
    session = uow.session
    bulk: dict[int, journal.Inserted] = {}
    if session.connection().dialect.name == "sqlite":
        bulk = history_bulk.eligible(steps, UNRECORDED, _quiet, name_column)
    with bulk_work():
        found = list(entries(session, steps, skip=bulk.keys()))
        if not found and not bulk:
            return None
        return write_edit(session, at, who, label, found, bulk)


def write_edit(
    session: Session,
    at: dt.datetime,
    who: str,
    label: str,
    found: list[tuple[int, str, str, str, EntryKind, dict[str, list[Any]]]],
    bulk: Mapping[int, journal.Inserted] | None = None,
) -> int:
    """One edit and its entries (as :func:`entries` gives them); returns its id.

    On a file the rows go straight to SQLite's own cursor (two statements, a tenth of
    what the same through SQLAlchemy costs: this runs with every edit), and the entries
    of the steps in ``bulk`` (by their place in the journal) are written by SQLite from
    the rows themselves, each in its place among the others; on a team database through
    Core, in chunks.
    """
    who, label = who[:NAME_MAX], label[:NAME_MAX]
    stored = [(first, t, k, n, kind, *_stored(fields)) for first, t, k, n, kind, fields in found]
    connection = session.connection()
    with journal._writing(session):  # the history's own writes are no step of the edit
        if connection.dialect.name == "sqlite":
            with sqlite_file.wound_cursor(connection.connection.dbapi_connection) as cursor:
                cursor.execute(
                    "INSERT INTO change_edit (at, who, label) VALUES (?, ?, ?)",
                    (at.strftime("%Y-%m-%d %H:%M:%S.%f"), who, label),
                )
                edit_id = cursor.lastrowid
                assert edit_id is not None
                done = 0
                for place, step in sorted((bulk or {}).items()):
                    upto = done
                    while upto < len(stored) and stored[upto][0] < place:
                        upto += 1
                    _write_entries(cursor, edit_id, stored[done:upto])
                    done = upto
                    if not history_bulk.write_added(
                        cursor,
                        edit_id,
                        step,
                        _quiet(step.table),
                        name_column(step.table),
                        name_max=NAME_MAX,
                        text_max=TEXT_MAX,
                    ):  # a text too long to keep whole: the step's entries made here
                        made = [(*e[:5], *_stored(e[5])) for e in entries(session, [step])]
                        _write_entries(cursor, edit_id, made)
                _write_entries(cursor, edit_id, stored[done:])
            return int(edit_id)
        assert not bulk, "the entries of a team database are made in Python"
        result = session.execute(sa.insert(EDITS).values(at=at, who=who, label=label))
        assert isinstance(result, sa.CursorResult)
        (edit_id,) = result.inserted_primary_key or (None,)
        rows = [
            {
                "edit_id": edit_id,
                "table_name": t,
                "row_key": k,
                "name": n,
                "kind": kind,
                "fields": fields,
            }
            for _first, t, k, n, kind, fields, _text in stored
        ]
        for start in range(0, len(rows), _CHUNK):
            session.execute(sa.insert(ENTRIES), rows[start : start + _CHUNK])
    assert edit_id is not None
    return int(edit_id)


def _write_entries(cursor: Any, edit_id: int, stored: list[tuple]) -> None:
    """Entries (place, table, row key text, name, kind, fields, their text) of one edit."""
    if stored:
        cursor.executemany(
            "INSERT INTO change_entry (edit_id, table_name, row_key, name, kind, fields)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(edit_id, str(t), k, n, kind._value_, text) for _p, t, k, n, kind, _f, text in stored],
        )


# -- snapshots -------------------------------------------------------------------------------------


def unique_name(session: Session, name: str) -> str:
    """``name``, or ``name (2)``, ``name (3)``… when a snapshot already has it."""
    base = name.strip()[: NAME_MAX - 6]
    taken: set[str] = set(
        session.scalars(
            sa.select(SNAPSHOTS.c.name).where(
                sa.or_(SNAPSHOTS.c.name == base, SNAPSHOTS.c.name.like(f"{base} (%)"))
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"


def take_snapshot(
    uow: UnitOfWork,
    name: str,
    kind: SnapshotKind = SnapshotKind.MANUAL,
    *,
    note: str = "",
    who: str | None = None,
    at: dt.datetime | None = None,
) -> int:
    """Name the moment of ``uow``'s edit (an automatic one gets a unique name); returns its id.

    The snapshot stands after the edit that makes it: a gate's sign-off is part of it.
    """
    if kind is not SnapshotKind.MANUAL:
        name = unique_name(uow.session, name)
    moment = at or edit_time(uow)
    workspace = uow.workspace
    person = who if who is not None else (workspace.history_user() if workspace else os_user())
    key = uow.insert(
        SNAPSHOTS.name,
        name=name.strip(),
        at=moment,
        kind=kind,
        who=person[:NAME_MAX],
        note=note,
    )
    return int(key)


def edit_time(uow: UnitOfWork) -> dt.datetime:
    """The moment of ``uow``'s edit (UTC, naive): when its transaction began."""
    return uow.started


def values_at_rest(values: Mapping[Any, Any]) -> dict[str, Any]:
    """A row's values as JSON values (for entries a caller writes itself)."""
    return {k: json_value(v) for k, v in values.items()}
