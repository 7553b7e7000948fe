"""Metric values from a CSV file or a spreadsheet paste, read by the CSV importer's rules.

The importer in ``pmdesk.exchange.tabular_import`` does the reading (delimiter,
encoding, dates, numbers, row numbers in its messages); here a paste gets a
header when it has none, a table without a metric column gets the selected
metric, and month periods such as ``2024-03`` or ``Mar 2024`` become their
first day. The rows come back grouped by metric, for one upsert.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pmdesk.exchange.importing import ImportFileError, RowError
from pmdesk.exchange.tabular import CsvTable, read_csv
from pmdesk.exchange.tabular_dates import parse_date
from pmdesk.exchange.tabular_import import plan_csv
from pmdesk.exchange.tabular_targets import suggest_mapping

_MONTHS = {name.casefold(): n for n, name in enumerate(calendar.month_abbr) if name}
_MONTHS |= {name.casefold(): n for n, name in enumerate(calendar.month_name) if name}
_YEAR_MONTH = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})\s*$")
_MONTH_YEAR = re.compile(r"^\s*([A-Za-z]+)\.?[\s\-']+(\d{4})\s*$")


@dataclass
class ValueRows:
    """Rows per metric name (as typed) and every problem found, with its row."""

    by_metric: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.by_metric.values())


def month_start(text: str) -> str:
    """``2024-03`` or ``Mar 2024`` as ``2024-03-01``; anything else as it is."""
    match = _YEAR_MONTH.match(text)
    if match and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}-01"
    match = _MONTH_YEAR.match(text)
    if match and match[1].casefold() in _MONTHS:
        return f"{match[2]}-{_MONTHS[match[1].casefold()]:02d}-01"
    return text


def _looks_like_period(text: str) -> bool:
    try:
        parse_date(month_start(text))
    except ValueError:
        return "could be day-first" in text  # an ambiguous date is still a date
    return True


def _with_header(text: str) -> str:
    """A paste from a spreadsheet often starts with data: give it the usual header."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    cells = first.split("\t")
    if cells and _looks_like_period(cells[0]):
        header = ["Period", "Value", "Target"][: max(2, min(3, len(cells)))]
        return "\t".join(header) + "\n" + text
    return text


def _prepared(table: CsvTable, metric_name: str) -> CsvTable:
    mapping = suggest_mapping(table.headers, "metrics")
    headers, rows = list(table.headers), [list(r) for r in table.rows]
    for index, name in enumerate(mapping):
        if name == "period":
            for row in rows:
                if index < len(row):
                    row[index] = month_start(row[index])
    if "metric" not in mapping:
        headers.append("Metric")
        rows = [row + [""] * (len(headers) - 1 - len(row)) + [metric_name] for row in rows]
    return CsvTable(table.name, headers, rows, table.encoding, table.delimiter, table.numbers)


def read_values(ws, source: bytes | Path, metric_name: str, name: str = "CSV file") -> ValueRows:
    """Values from a CSV file (or its bytes); rows without a metric go to ``metric_name``."""
    try:
        table = read_csv(source, name)
    except ImportFileError as exc:
        return ValueRows(errors=[RowError(None, str(exc))])
    plan = plan_csv(ws, _prepared(table, metric_name), "metrics")
    result = ValueRows(errors=list(plan.errors))
    if plan.errors:
        return result
    for row in plan.rows:
        values = {k: v for k, v in row.fields.items() if k in ("period", "value", "target")}
        result.by_metric.setdefault(row.extra["metric"], []).append(values | {"row": row.number})
    return result


def read_paste(ws, text: str, metric_name: str) -> ValueRows:
    """Values pasted from a spreadsheet: tab-separated, with or without a header row."""
    if not text.strip():
        return ValueRows(errors=[RowError(None, "the clipboard holds no text to paste")])
    prepared = _with_header(text)
    result = read_values(ws, prepared.encode("utf-8"), metric_name, "pasted text")
    if prepared != text:  # number the lines as pasted, not counting the header we added
        result.errors = [replace(e, row=e.row - 1) if e.row else e for e in result.errors]
        for values in result.by_metric.values():
            for value in values:
                value["row"] -= 1
    return result


def resolve(rows: ValueRows, metric_ids: dict[str, int]) -> dict[int, list[dict[str, Any]]]:
    """Rows by metric id; a metric the product does not have is reported with its rows."""
    known = {name.casefold(): metric_id for name, metric_id in metric_ids.items()}
    found: dict[int, list[dict[str, Any]]] = {}
    for name, values in rows.by_metric.items():
        metric_id = known.get(name.strip().casefold())
        if metric_id is None:
            rows.errors += [
                RowError(v["row"], f"the product has no metric named “{name}”") for v in values
            ]
            continue
        found[metric_id] = [{k: v for k, v in value.items() if k != "row"} for value in values]
    return found
