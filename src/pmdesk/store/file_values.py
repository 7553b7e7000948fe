"""Every value in a workspace file is of its column's kind, checked before pmdesk reads it.

SQLite stores any value in any column, and its CHECK constraints (which ``quick_check``
verifies) cover ranges and enumerations, not kinds: a file edited with another tool
can hold text where a progress percentage belongs, a date that is no date, or JSON of
the wrong shape. Such a value would reach a paint routine or a PDF and crash there.
One SQL pass per table, made from the models' column types, finds the first few such
values at open, and the file is reported as damaged, naming the table, row and column.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlalchemy as sa

from pmdesk.core.validation import DATE_MAX, DATE_MIN, NUMBER_MAX, WHOLE_MAX

from .models import Base

SHOWN = 3  # values named in the message; the rest are counted


@dataclass(frozen=True)
class BadValue:
    table: str
    row: object
    column: str
    value: object
    expected: str

    def describe(self) -> str:
        shown = repr(self.value)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        where = self.table.replace("_", " ")
        return (
            f"{where} {self.row}: {self.column.replace('_', ' ')} holds {shown}, "
            f"not {self.expected}"
        )


def _rule(column: sa.Column) -> tuple[str, str] | None:
    """(SQL that is true for a bad value, what belongs there) for one column."""
    name = f'"{column.name}"'
    kind = column.type
    if isinstance(kind, sa.Boolean):
        bad, expected = f"{name} NOT IN (0, 1) OR typeof({name}) != 'integer'", "yes or no"
    elif isinstance(kind, sa.Integer):
        bad, expected = f"typeof({name}) != 'integer'", "a whole number"
        if not column.primary_key and column.name != "row_version":
            bad += f" OR abs({name}) > {WHOLE_MAX}"
            expected = f"a whole number within ±{WHOLE_MAX:,}"
    elif isinstance(kind, sa.Float | sa.Numeric):
        bad = f"typeof({name}) NOT IN ('integer', 'real') OR abs({name}) > {NUMBER_MAX:.0f}"
        expected = f"a number within ±{NUMBER_MAX:,.0f}"
    elif isinstance(kind, sa.DateTime):
        bad = (
            f"typeof({name}) != 'text' OR datetime({name}) IS NULL"
            f" OR date(substr({name}, 1, 10), '+0 days') IS NOT substr({name}, 1, 10)"
            f" OR {name} NOT BETWEEN '{DATE_MIN}' AND '{DATE_MAX} 99'"
            f" OR substr({name}, 1, 19) GLOB '*[^0-9: -]*' OR instr({name}, char(0)) > 0"
            f" OR substr({name}, 20) GLOB '*[^0-9.]*'"
        )
        expected = "a date and time"
    elif isinstance(kind, sa.Date):
        # date() keeps 2027-02-30 as it is; adding no days turns it into March.
        bad = (
            f"typeof({name}) != 'text' OR date({name}, '+0 days') IS NOT {name}"
            f" OR {name} NOT BETWEEN '{DATE_MIN}' AND '{DATE_MAX}'"
        )
        expected = f"a date from {DATE_MIN.year} to {DATE_MAX.year}"
    elif isinstance(kind, sa.JSON):
        shape = json_shape(column)
        # CASE, not OR: SQLite evaluates both sides, and json_type() raises on bad JSON.
        shape_ok = f"json_type({name}) = '{shape}'" if shape else "1"
        bad = (
            f"CASE WHEN typeof({name}) = 'text' AND json_valid({name}) "
            f"THEN NOT ({shape_ok}) ELSE 1 END"
        )
        expected = f"JSON {shape or 'data'}"
    elif isinstance(kind, sa.Enum):
        allowed = ", ".join("'" + value.replace("'", "''") + "'" for value in kind.enums)
        bad, expected = (
            f"typeof({name}) != 'text' OR {name} NOT IN ({allowed})",
            f"one of {', '.join(kind.enums)}",
        )
    elif isinstance(kind, sa.String):
        bad, expected = f"typeof({name}) != 'text'", "text"
        if kind.length:
            bad += f" OR length({name}) > {kind.length}"
            expected = f"text of at most {kind.length} characters"
    else:
        return None
    if column.nullable:
        bad = f"{name} IS NOT NULL AND ({bad})"
    return bad, expected


def json_shape(column: sa.Column) -> str:
    """ "array" or "object": the shape of a JSON column's values, known by its default."""
    default = column.default.arg if column.default is not None else None
    factory = getattr(default, "__wrapped__", default)
    if factory in (list, ()) or getattr(factory, "__name__", "") == "list":
        return "array"
    if factory in (dict,) or getattr(factory, "__name__", "") == "dict":
        return "object"
    return ""


def find_bad_values(conn: sqlite3.Connection, limit: int = SHOWN) -> list[BadValue]:
    """The first ``limit`` values of the wrong kind, table by table."""
    found: list[BadValue] = []
    for table in Base.metadata.sorted_tables:
        rules = [(c.name, *_rule(c)) for c in table.columns if _rule(c) is not None]
        if not rules:
            continue
        where = " OR ".join(f"({bad})" for _, bad, _ in rules)
        key = "id" if "id" in table.columns else "rowid"
        picks = ", ".join(f'"{name}"' for name, _, _ in rules)
        flags = ", ".join(f"({bad})" for _, bad, _ in rules)
        query = (
            f'SELECT {key}, {picks}, {flags} FROM "{table.name}" '
            f"WHERE {where} LIMIT {limit - len(found)}"
        )
        conn.text_factory = bytes  # a value that is not UTF-8 is shown, not raised on
        try:
            rows = conn.execute(query).fetchall()
        finally:
            conn.text_factory = str
        for row in rows:
            values, flagged = row[1 : 1 + len(rules)], row[1 + len(rules) :]
            for (name, _bad, expected), value, is_bad in zip(rules, values, flagged, strict=True):
                if is_bad:
                    found.append(
                        BadValue(table.name, _shown(row[0]), name, _shown(value), expected)
                    )
                    break
        if len(found) >= limit:
            break
    return found


def _shown(value: object) -> object:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
