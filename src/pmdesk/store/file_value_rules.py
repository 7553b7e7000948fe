"""The value checks of :mod:`.file_values`, made from the models: each table's scan.

Every column's kind (its type, the bounds of :mod:`pmdesk.core.validation`, an
enumeration's values, a JSON column's shape) and each table's CHECK constraints become
SQL that is true for a bad value. Made here from the models (SQLAlchemy), they are
frozen into ``resources/formats/value_checks.json``, which :mod:`.file_values` reads at
open with neither SQLAlchemy nor the models, on the thread that checks the file's
structure while the store loads. ``tests/store/test_value_checks_frozen.py`` holds the
frozen checks to what the models make now: after changing a model or a bound, write
them again with ``python -m pmdesk.store.file_value_rules``.
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from pmdesk.core.validation import DATE_MAX, DATE_MIN, DAYS_MAX, NUMBER_MAX, WHOLE_MAX

from . import schema
from .file_values import TableScan, value_checks_file
from .models import Base, ExactDecimal
from .plan_rows import DECIMAL_DIGITS

# Whole numbers with a tighter bound than WHOLE_MAX, as core.validation holds them: a lag
# or a launch-relative due date counts days, and a date plus it must stay a date.
DAY_COUNTS = {("dependency", "lag_days"), ("launch_task", "due_offset_days")}


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


def table_scan(table: sa.Table) -> TableScan | None:
    """The checks of one table's values and rules, or none when it has nothing to check."""
    rules = tuple((c.name, *rule) for c in table.columns if (rule := _rule(c)) is not None)
    checks = tuple(_check_rules(table))
    if not rules and not checks:
        return None
    key = "id" if "id" in table.columns else "rowid"
    return TableScan(table.name, key, rules, checks)


def current_scans() -> list[TableScan]:
    """Every table's scan as the models make it now, in the order the tables are created."""
    return [scan for table in Base.metadata.sorted_tables if (scan := table_scan(table))]


def frozen_text() -> str:
    """``value_checks.json`` as the models make it now."""
    body = {
        "format": schema.SCHEMA_VERSION,
        "tables": [
            {
                "table": scan.table,
                "key": scan.key,
                "rules": [list(rule) for rule in scan.rules],
                "checks": [[rule, bad, list(columns)] for rule, bad, columns in scan.checks],
            }
            for scan in current_scans()
        ],
    }
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # after changing a model or a bound: write the checks again
    target = value_checks_file()
    target.write_text(frozen_text(), encoding="utf-8")
    print(target)
