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
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from pmdesk.core.validation import DATE_MAX, DATE_MIN, DAYS_MAX, NUMBER_MAX, WHOLE_MAX

from .models import Base, ExactDecimal
from .models.finance import DECIMAL_DIGITS

SHOWN = 3  # values named in the message; the rest are counted

# Whole numbers with a tighter bound than WHOLE_MAX, as core.validation holds them: a lag
# or a launch-relative due date counts days, and a date plus it must stay a date.
DAY_COUNTS = {("dependency", "lag_days"), ("launch_task", "due_offset_days")}


@dataclass(frozen=True)
class BadValue:
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


def _rule(column: sa.Column) -> tuple[str, str] | None:
    """(SQL that is true for a bad value, what belongs there) for one column."""
    name = f'"{column.name}"'
    kind = column.type
    if isinstance(kind, ExactDecimal):
        bad, expected = _decimal_text_bad(name), "a decimal number written as text"
    elif isinstance(kind, sa.Boolean):
        bad, expected = f"{name} NOT IN (0, 1) OR typeof({name}) != 'integer'", "yes or no"
    elif isinstance(kind, sa.Integer):
        bad, expected = f"typeof({name}) != 'integer'", "a whole number"
        if (column.table.name, column.name) in DAY_COUNTS:
            bad += f" OR abs({name}) > {DAYS_MAX}"
            expected = f"a number of days within ±{DAYS_MAX:,}"
        elif not column.primary_key and column.name != "row_version":
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


def _decimal_text_bad(name: str) -> str:
    """SQL true unless the value is an exact decimal's text ("-12.50"), within NUMBER_MAX."""
    return (
        f"typeof({name}) != 'text' OR length({name}) NOT BETWEEN 1 AND {DECIMAL_DIGITS}"
        f" OR {name} GLOB '*[^0-9.-]*' OR substr({name}, 2) GLOB '*-*'"
        f" OR {name} GLOB '*.*.*' OR {name} GLOB '*.' OR {name} GLOB '.*'"
        f" OR {name} GLOB '-.*' OR {name} = '-' OR instr({name}, char(0)) > 0"
        f" OR abs(CAST({name} AS REAL)) > {NUMBER_MAX:.0f}"
    )


def json_shape(column: sa.Column) -> str:
    """ "array" or "object": the shape of a JSON column's values, known by its default."""
    default = column.default.arg if isinstance(column.default, sa.ColumnDefault) else None
    factory = getattr(default, "__wrapped__", default)
    if factory in (list, ()) or getattr(factory, "__name__", "") == "list":
        return "array"
    if factory in (dict,) or getattr(factory, "__name__", "") == "dict":
        return "object"
    return ""


def _check_rules(table: sa.Table) -> list[tuple[str, str, tuple[str, ...]]]:
    """(rule name, SQL true for a row that breaks it, the columns it reads) per CHECK.

    SQLite's own meaning: a CHECK fails when its expression is false, not when it is NULL.
    """
    found = []
    for constraint in sorted(table.constraints, key=lambda c: str(c.name)):
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        if getattr(constraint, "_type_bound", False):
            continue  # an Enum's or Boolean's own: _rule holds the column to it already
        text = str(
            constraint.sqltext.compile(
                dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
            )
        )
        words = set(re.findall(r"\w+", text))
        columns = tuple(c.name for c in table.columns if c.name in words)
        rule = str(constraint.name).removeprefix(f"ck_{table.name}_").replace("_", " ")
        found.append((rule, f"NOT coalesce(({text}), 1)", columns))
    return found


@cache
def _table_query(table: sa.Table) -> tuple[str, list[tuple[str, str, str]], list, str] | None:
    """The scan of one table: (select list, column rules, check rules, where clause)."""
    rules = [(c.name, *rule) for c in table.columns if (rule := _rule(c)) is not None]
    checks = _check_rules(table)
    if not rules and not checks:
        return None
    key = "id" if "id" in table.columns else "rowid"
    picks = [f'"{name}"' for name, _, _ in rules]
    picks += [f'"{column}"' for _, _, columns in checks for column in columns]
    flags = [f"({bad})" for _, bad, _ in rules] + [f"({bad})" for _, bad, _ in checks]
    select = ", ".join([key, *picks, *flags])
    return select, rules, checks, " OR ".join(flags)


def find_bad_values(conn: sqlite3.Connection, limit: int = SHOWN) -> list[BadValue]:
    """The first ``limit`` values of the wrong kind, or rows that break a rule, table by table."""
    found: list[BadValue] = []
    for table in Base.metadata.sorted_tables:
        scan = _table_query(table)
        if scan is None:
            continue
        select, rules, checks, where = scan
        query = f'SELECT {select} FROM "{table.name}" WHERE {where} LIMIT {limit - len(found)}'
        conn.text_factory = bytes  # a value that is not UTF-8 is shown, not raised on
        try:
            rows = conn.execute(query).fetchall()
        finally:
            conn.text_factory = str
        for row in rows:
            found.append(_first_problem(table.name, row, rules, checks))
        if len(found) >= limit:
            break
    return found


def _first_problem(table: str, row: tuple, rules: list, checks: list) -> BadValue:
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
