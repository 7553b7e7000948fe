"""CSV files in and out: encoding, delimiter, and exports a spreadsheet cannot be tricked by.

Reading (:func:`read_csv`) works out what a person would otherwise have to
tell us. The encoding is UTF-8 (with or without a byte-order mark) when the
bytes decode strictly as UTF-8, else Windows-1252 (what Excel on Windows saves
as "CSV"); no guessing library is needed because UTF-8 is self-checking. The
delimiter comes from ``csv.Sniffer`` limited to comma, semicolon, tab and
pipe, and when it cannot tell, from the candidate that splits the first lines
into the same number of columns.

Writing (:func:`export_table`, :func:`export_all`) produces UTF-8 with a BOM
(so Excel shows accents right) and CRLF line ends. A text cell beginning with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``
so a spreadsheet shows it as text instead of running it as a formula; numbers
are written as numbers (a negative number is not a formula). Importing strips
that one quote again, so an exported file imports back as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.store.models import Base

from .importing import ImportFileError, read_source, write_output

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

DELIMITERS = ",;\t|"
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_FIELD_CHARS = 1_000_000


@dataclass(frozen=True)
class CsvTable:
    """A CSV file as read: its header, its rows (as text) and how it was decoded."""

    name: str
    headers: list[str]
    rows: list[list[str]]
    encoding: str  # "UTF-8 with BOM", "UTF-8" or "Windows-1252"
    delimiter: str
    # The row number a spreadsheet shows for each of ``rows`` (the header is row 1).
    numbers: list[int]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    def column(self, index: int) -> list[str]:
        return [row[index] if index < len(row) else "" for row in self.rows]


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): strict UTF-8 first, with or without BOM, then Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError:
            pass
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError("the file looks like UTF-16 but cannot be decoded") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # Five byte values are undefined in Windows-1252; Latin-1 keeps them as controls.
        return data.decode("latin-1"), "Windows-1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter of ``text``: csv.Sniffer first, then the most consistent candidate."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
        if found in DELIMITERS:
            return found
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    best, best_score = ",", 0
    for candidate in DELIMITERS:
        counts = [len(_split(line, candidate)) for line in lines]
        if not counts or counts[0] < 2:
            continue
        score = sum(c == counts[0] for c in counts) * 100 + counts[0]
        if score > best_score:
            best, best_score = candidate, score
    return best


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def read_csv(source: bytes | str | Path, name: str = "CSV file") -> CsvTable:
    """Decode, sniff and parse a CSV file; the first non-empty row is the header."""
    data, shown = read_source(source, name)
    text, encoding = decode(data)
    if "\x00" in text:
        raise ImportFileError(f"{shown}: this is not a text file (it contains NUL bytes)")
    delimiter = sniff_delimiter(text)
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as exc:
        raise ImportFileError(f"{shown}: the CSV cannot be read ({exc})") from None
    finally:
        csv.field_size_limit(previous_limit)
    numbered = [(n, row) for n, row in enumerate(rows, 1) if any(c.strip() for c in row)]
    if not numbered:
        raise ImportFileError(f"{shown}: the file has no header row")
    headers = [h.strip() for h in numbered[0][1]]
    body = numbered[1:]
    return CsvTable(
        shown, headers, [row for _, row in body], encoding, delimiter, [n for n, _ in body]
    )


# -- export ------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` on import (only where it would have added the quote)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def cell(value: Any) -> str | int | float:
    """How one database value is written to a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, StrEnum):
        return neutralise(value.value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return neutralise(json.dumps(value, ensure_ascii=False))
    return neutralise(str(value))


def csv_bytes(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with BOM, CRLF line ends, every cell through :func:`cell`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def exportable_tables() -> list[str]:
    """Every table a person could want in a spreadsheet: all but the file's own meta data
    and the what-if scenarios (no part of the plan; a scenario is exported from its copy)."""
    return [t.name for t in Base.metadata.sorted_tables if t.name not in ("meta", "what_if")]


def export_table(ws: Workspace, table_name: str, dest: str | Path | None = None) -> bytes:
    """One table as CSV bytes, rows in key order; also written to ``dest`` when given."""
    if table_name not in exportable_tables():
        raise ImportFileError(f"there is no table named {table_name!r} to export")
    table = Base.metadata.tables[table_name]
    model: type[Base] = next(m.class_ for m in Base.registry.mappers if m.local_table is table)
    keys = [c.key for c in sa.inspect(model).column_attrs]
    # The key first and the version last, as a person reading the sheet expects.
    columns = sorted(keys, key=lambda k: (k != "id", k == "row_version"))
    with ws.read() as session:
        order = [getattr(model, c.name) for c in table.primary_key.columns]
        objects = list(session.scalars(sa.select(model).order_by(*order)))
        data = csv_bytes(columns, ([getattr(o, c) for c in columns] for o in objects))
    if dest is not None:
        write_output(dest, data)
    return data


def export_all(ws: Workspace, folder: str | Path) -> list[Path]:
    """Every table as ``<table>.csv`` in ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in exportable_tables():
        path = folder / f"{name}.csv"
        export_table(ws, name, path)
        written.append(path)
    return written
