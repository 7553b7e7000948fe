"""Every value in a workspace file is of its column's kind, checked before pmdesk reads it.

SQLite stores any value in any column: a file edited with another tool can hold text
where a progress percentage belongs, a date that is no date, or JSON of the wrong shape.
Its CHECK constraints (ranges, enumerations, a working day that ends after it starts)
hold only for rows written while they were on: another tool can switch them off
(``PRAGMA ignore_check_constraints``), and ``quick_check`` does not re-check them
(SQLite 3.40, which the tests run on, does not). Such a value would reach a paint
routine, a schedule or a PDF and crash there. One SQL pass per table, made from the
models' column types, the bounds of :mod:`pmdesk.core.validation` and the tables' own
CHECK constraints, finds the first few such values at open, and the file is reported
as damaged, naming the table, row and column (or the rule the row breaks).

The passes are made from the models by :mod:`.file_value_rules` and frozen into
``resources/formats/value_checks.json``: this module needs neither SQLAlchemy nor the
models, so a file's values are checked on the thread that checks its structure while
the store loads (:class:`.sqlite_file.Inspection`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import NamedTuple

from pmdesk.paths import resource_path

from . import schema

SHOWN = 3  # values named in the message; the rest are counted


class BadValue(NamedTuple):  # (quicker to load than a dataclass: a start reads it)
    table: str
    row: object
    column: str
    value: object
    expected: str
    rule: str = ""  # the CHECK constraint the row breaks; ``value`` then names its values

    def describe(self) -> str:
        where = self.table.replace("_", " ")
        if self.rule:
            return f"{where} {self.row} breaks the rule “{self.rule}” ({self.value})"
        shown = repr(self.value)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        return (
            f"{where} {self.row}: {self.column.replace('_', ' ')} holds {shown}, "
            f"not {self.expected}"
        )


class TableScan(NamedTuple):
    """One table's checks: each column's (name, SQL true for a bad value, what belongs
    there) and each CHECK's (rule, SQL true for a row that breaks it, the columns it reads)."""

    table: str
    key: str  # "id", or "rowid" for a table without one
    rules: tuple[tuple[str, str, str], ...]
    checks: tuple[tuple[str, str, tuple[str, ...]], ...]

    @property
    def flags(self) -> list[str]:
        return [f"({bad})" for _, bad, _ in self.rules] + [f"({bad})" for _, bad, _ in self.checks]

    def query(self, limit: int) -> str:
        """The rows holding a bad value: the key, the values read, then one flag per check."""
        picks = [f'"{name}"' for name, _, _ in self.rules]
        picks += [f'"{column}"' for _, _, columns in self.checks for column in columns]
        flags = self.flags
        select = ", ".join([self.key, *picks, *flags])
        return f'SELECT {select} FROM "{self.table}" WHERE {" OR ".join(flags)} LIMIT {limit}'


def value_checks_file() -> Path:
    return resource_path("formats", "value_checks.json")


@cache
def frozen_scans() -> tuple[TableScan, ...]:
    """The current format's checks, as :mod:`.file_value_rules` froze them."""
    data = json.loads(value_checks_file().read_text(encoding="utf-8"))
    if data.get("format") != schema.SCHEMA_VERSION:  # a release that forgot to write them
        raise RuntimeError(
            "resources/formats/value_checks.json is not for this format: "
            "run python -m pmdesk.store.file_value_rules"
        )
    return tuple(
        TableScan(
            entry["table"],
            entry["key"],
            tuple(tuple(rule) for rule in entry["rules"]),
            tuple((rule, bad, tuple(columns)) for rule, bad, columns in entry["checks"]),
        )
        for entry in data["tables"]
    )


def find_bad_values(conn: sqlite3.Connection, limit: int = SHOWN) -> list[BadValue]:
    """The first ``limit`` values of the wrong kind, or rows that break a rule, table by table."""
    found: list[BadValue] = []
    scans = frozen_scans()
    if not conn.execute(_any_bad_query(scans)).fetchone()[0]:
        return found
    for scan in scans:
        conn.text_factory = bytes  # a value that is not UTF-8 is shown, not raised on
        try:
            rows = conn.execute(scan.query(limit - len(found))).fetchall()
        finally:
            conn.text_factory = str
        for row in rows:
            found.append(_first_problem(scan.table, row, scan.rules, scan.checks))
        if len(found) >= limit:
            break
    return found


@cache
def _any_bad_query(scans: tuple[TableScan, ...]) -> str:
    """One statement that says whether any table holds a bad value (the usual answer: no).

    A file's check runs while the store's modules load on another thread: each statement
    SQLite finishes hands Python's interpreter lock back, and waiting for it costs up to
    the interpreter's switch interval (5 ms) while that thread runs. One statement for
    every table waits once instead of twice per table; the rows are read only for a file
    that has a bad value, table by table.
    """
    tests = [
        f'EXISTS (SELECT 1 FROM "{scan.table}" WHERE {" OR ".join(scan.flags)})'
        for scan in scans
        if scan.flags
    ]
    return "SELECT " + (" OR ".join(tests) or "0")


def _first_problem(table: str, row: tuple, rules: Sequence, checks: Sequence) -> BadValue:
    """What is wrong with one row the scan picked: its first bad value, else its first rule."""
    at = 1
    values = row[at : at + len(rules)]
    at += len(rules)
    checked: list[tuple] = []
    for _rule_name, _bad, columns in checks:
        checked.append(row[at : at + len(columns)])
        at += len(columns)
    flagged = row[at:]
    key = _shown(row[0])
    for (name, _bad, expected), value, is_bad in zip(rules, values, flagged, strict=False):
        if is_bad:
            return BadValue(table, key, name, _shown(value), expected)
    for (rule, _bad, columns), read, is_bad in zip(
        checks, checked, flagged[len(rules) :], strict=True
    ):
        if is_bad:
            shown = ", ".join(
                f"{column.replace('_', ' ')} {_brief(value)}"
                for column, value in zip(columns, read, strict=True)
            )
            return BadValue(table, key, rule, shown or "its values", "", rule=rule)
    return BadValue(table, key, "row", "its values", "", rule="values of their kinds")


def _brief(value: object) -> str:
    value = _shown(value)
    shown = f"{value:g}" if isinstance(value, float) else repr(value)
    return shown if len(shown) <= 24 else shown[:23] + "…"


def _shown(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
