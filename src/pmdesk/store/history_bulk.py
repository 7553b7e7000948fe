"""The history's entries for rows inserted by the hundred, made by SQLite from the rows.

An import adds tens of thousands of rows in one edit, and :mod:`pmdesk.store.history`
keeps each as an entry "added" whose fields are ``{"column": [null, value], ...}``. Made
in Python, that is some 17 µs a row (a dictionary, its JSON text, its parameters): 0.6 s
of a 20,000-task MS Project import. Here one ``INSERT … SELECT`` per journal step has
SQLite write the same entries from the rows the edit has just written, with
``json_object``, in C: a third of the time.

The text must be what the Python path writes, character for character (tests write the
same edits both ways and compare the entries). So a step is taken only where that is
certain:

- a file (SQLite), not a team server;
- an :class:`~pmdesk.store.journal.Inserted` step of at least :data:`SMALLEST` rows, all
  with the same columns in the same order (the keys of the JSON object);
- a table with a single integer key, whose recorded columns are integers, texts, enums
  stored by their values, dates or booleans (a float, a moment, JSON or an exact
  decimal would be written differently by SQLite's JSON functions), as is its name;
- rows no other step of the edit touches: each entry is then the row as it is now.

An entry longer than the history keeps (``history.TEXT_MAX``: a megabyte of notes), or a
row that is not in its table, makes :func:`write_added` take back what it wrote for the
step and answer False: the caller then makes that step's entries in Python, as before.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from pmdesk.core.history import EntryKind

from . import journal
from .models import Base

SMALLEST = 100  # fewer rows are made in Python, as every edit's are

# Column types whose value SQLite's json_object writes as Python's JSON encoder does: the
# stored integer or text as it is, or (a boolean) 0 and 1 as false and true. Exact types:
# a TypeDecorator (an exact decimal, a moment) keeps its own form.
_AS_STORED = (sa.Integer, sa.BigInteger, sa.SmallInteger, sa.String, sa.Text, sa.Unicode)
_QUOTE = sqlite.dialect().identifier_preparer.quote


def _value_sql(column: sa.Column) -> str | None:
    """The SQL giving ``column``'s value of row ``r`` as the entry's JSON holds it; None
    where SQLite's JSON could differ from Python's."""
    kind = type(column.type)
    name = "r." + _QUOTE(column.name)
    if kind in _AS_STORED or kind is sa.Date:  # a date is stored as its ISO text
        return name
    if kind is sa.Boolean:
        return (
            f"json(CASE WHEN {name} IS NULL THEN 'null' WHEN {name} THEN 'true' ELSE 'false' END)"
        )
    if kind is sa.Enum:
        enum = column.type
        assert isinstance(enum, sa.Enum)
        members = enum.enum_class.__members__.values() if enum.enum_class else None
        by_value = members is None or list(enum.enums) == [m.value for m in members]
        if by_value and all(isinstance(v, str) for v in enum.enums):
            return name  # stored by its value, which is what the history keeps
    return None


@cache
def added_sql(
    table_name: str, columns: tuple[str, ...], name_column: str | None, *, run: bool = False
) -> str | None:
    """The INSERT … SELECT writing the entries "added" of ``table_name``'s rows listed
    (as a JSON array of keys, in order; with ``run``, keys from the first to the last
    given, every one of them) with these recorded ``columns``; None where SQLite cannot
    write them as Python does."""
    table = Base.metadata.tables[table_name]
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or type(keys[0].type) not in (sa.Integer, sa.BigInteger):
        return None
    pairs = []
    for column in columns:
        value = _value_sql(table.c[column])
        if value is None:
            return None
        pairs.append(f"'{column}', json_array(NULL, {value})")
    if name_column is None:
        name = "''"
    elif _value_sql(table.c[name_column]) == "r." + _QUOTE(name_column) and isinstance(
        table.c[name_column].type, sa.String
    ):
        name = f"coalesce(r.{_QUOTE(name_column)}, '')"  # cut afterwards, if long
    else:
        return None
    key = "r." + _QUOTE(keys[0].name)
    rows = (
        f"FROM {_QUOTE(table_name)} AS r WHERE {key} BETWEEN ? AND ? ORDER BY {key}"
        if run  # an import's new ids: a range of the table's own order, no list to join
        else f"FROM json_each(?) AS k JOIN {_QUOTE(table_name)} AS r ON {key} = k.value "
        "ORDER BY k.key"
    )
    return (
        "INSERT INTO change_entry (edit_id, table_name, row_key, name, kind, fields) "
        f"SELECT ?, ?, CAST({key} AS TEXT), {name}, ?, json_object({', '.join(pairs)}) {rows}"
    )


def eligible(
    steps: Sequence[journal.Step],
    unrecorded: frozenset[str],
    quiet: Callable[[str], frozenset[str]],
    name_column: Callable[[str], str | None],
) -> dict[int, journal.Inserted]:
    """The steps (by their place in ``steps``) whose entries SQLite can write. The
    history says which tables it does not record, and of the others which columns it
    leaves out (``quiet``) and which one names a row."""
    found: dict[int, journal.Inserted] = {}
    for index, step in enumerate(steps):
        if not isinstance(step, journal.Inserted) or len(step.rows) < SMALLEST:
            continue
        if step.table in unrecorded:
            continue
        first = tuple(step.rows[0])
        if not all(map(first.__eq__, map(tuple, step.rows))):
            continue
        columns = tuple(c for c in first if c not in quiet(step.table))
        if added_sql(step.table, columns, name_column(step.table)) is not None:
            found[index] = step
    if not found:
        return found
    # Rows another step touches too (changed after being added, added twice, …) are the
    # Python path's: an entry then adds their steps up.
    written = [_touched(step) for step in steps]
    seen: dict[str, set[object]] = {}
    for table, keys in (pair for pairs in written for pair in pairs):
        seen.setdefault(table, set()).update(keys)
    if sum(len(keys) for pairs in written for _t, keys in pairs) == sum(map(len, seen.values())):
        return found  # no row is touched twice: the usual case
    for index, step in list(found.items()):
        others = {
            key
            for place, pairs in enumerate(written)
            if place != index
            for table, keys in pairs
            if table == step.table
            for key in keys
        }
        if not others.isdisjoint(step.keys()):
            del found[index]
    return found


def _touched(step: journal.Step) -> list[tuple[str, list[object]]]:
    """(table, keys) of the rows a step wrote."""
    if not isinstance(step, journal.Deleted):
        return [(str(step.table), step.keys())]
    by_table: dict[str, list[object]] = {}
    for table_name, values in step.snapshot.rows:
        table = Base.metadata.tables[table_name]
        by_table.setdefault(table_name, []).append(journal.row_key(table, values))
    for table_name, pk, _column, _value in step.snapshot.cleared:
        key = next(iter(pk.values())) if len(pk) == 1 else tuple(pk.values())
        by_table.setdefault(table_name, []).append(key)
    return list(by_table.items())


def write_added(
    cursor: sqlite3.Cursor,
    edit_id: int,
    step: journal.Inserted,
    quiet: frozenset[str],
    name_column: str | None,
    *,
    name_max: int,
    text_max: int,
) -> bool:
    """Write the entries "added" of ``step``'s rows for edit ``edit_id``, in its rows'
    order; False (with nothing written) where SQLite could not write them all as the
    history keeps them: the caller makes them in Python."""
    columns = tuple(c for c in step.rows[0] if c not in quiet)
    keys = step.keys()
    first = keys[0]
    run = isinstance(first, int) and keys == list(range(first, first + len(keys)))
    sql = added_sql(step.table, columns, name_column, run=run)
    assert sql is not None  # eligible() checked it
    listed = (keys[0], keys[-1]) if run else (json.dumps(keys),)
    last = cursor.execute("SELECT max(id) FROM change_entry").fetchone()[0] or 0
    try:
        cursor.execute(sql, (edit_id, str(step.table), EntryKind.ADDED._value_, *listed))
    except sqlite3.IntegrityError:  # an entry past the table's own limit: nothing written
        return False
    whole = cursor.rowcount == len(keys)
    if whole:  # (an entry's JSON holds no NUL, so SQLite's length counts all of it)
        long = cursor.execute(
            "SELECT 1 FROM change_entry WHERE id > ? AND length(fields) > ? LIMIT 1",
            (last, text_max),
        ).fetchone()
        whole = long is None
    if not whole:
        cursor.execute("DELETE FROM change_entry WHERE id > ?", (last,))
        return False
    # Names longer than an entry keeps, cut here: SQLite's substr stops at a NUL.
    named = cursor.execute(
        "SELECT id, name FROM change_entry WHERE id > ? AND length(CAST(name AS BLOB)) > ?",
        (last, name_max),
    ).fetchall()
    cut = [(name[:name_max], entry) for entry, name in named if len(name) > name_max]
    if cut:
        cursor.executemany("UPDATE change_entry SET name = ? WHERE id = ?", cut)
    return True
