"""The whole portfolio as one versioned JSON document, and back, without losing anything.

Format ``pmdesk-portfolio``, version 1::

    {
      "format": "pmdesk-portfolio",
      "version": 1,                      # this document's layout (bumped on change)
      "schema_version": 2,               # the workspace format the data came from
      "application": "pmdesk 0.3.0",
      "exported_at": "2024-05-01T09:30:00Z",
      "tables": {
        "workspace_info": [{"id": 1, "name": "…", …}],
        "product": [{"id": 1, "name": "…", "stage": "in_life", …}, …],
        …                                # every table, parents before children
      }
    }

``tables`` holds every table of the workspace except ``meta`` (the file's own
bookkeeping) and, unless asked for (``what_ifs=True``), ``what_if`` (what-if scenarios
are no part of the plan; a document that holds them brings them in), in dependency
order, each row an object of *all* its columns by name, rows in primary-key order.
Values: text as typed; numbers as numbers; ``true``/``false``; dates ``"YYYY-MM-DD"``;
date-times ``"YYYY-MM-DDTHH:MM:SS"`` (UTC, no zone); vocabularies by their stored value
(``"must"``, ``"FS"``); JSON columns (settings, criteria, participants) as JSON; missing
values ``null``. Ids and row versions are kept, so links between rows survive and
exporting an imported file gives the same document again (apart from
``exported_at``).

Importing creates a **new** workspace file (an existing path is refused) or
fills an **empty** workspace. A workspace always has its own working calendar
(``work_calendar`` with no product), so the document's workspace calendar
updates that row, as ``workspace_info`` does, and its exceptions follow it;
products' own calendars are added. A document from an older pmdesk (format 2,
without calendars or lag units) imports too: its workspace gets the standard
calendar, and its lags keep counting calendar days (``lag_elapsed`` true), as an
upgraded file's do. The document is checked completely before the
first row is written — every problem is reported with its table, row number
and column — and then written in one transaction; a failed import leaves no
file (or an unchanged workspace) behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from pmdesk import __version__
from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.core.validation import RULES, check_bounds
from pmdesk.store import schema
from pmdesk.store.file_value_rules import json_shape
from pmdesk.store.migrations import _MARKER_KEYS as MARKER_KEYS
from pmdesk.store.models import Base, ExactDecimal, WorkCalendar, WorkspaceInfo, table_of

from .importing import (
    ImportFileError,
    ImportRefused,
    ImportResult,
    Progress,
    RowError,
    read_source,
    write_output,
)

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

FORMAT = "pmdesk-portfolio"
VERSION = 1
CALENDARS = 3  # the first workspace format with working calendars and lag units
_INT64 = 2**63
_CHUNK = 500


def _tables() -> list[sa.Table]:
    return [t for t in Base.metadata.sorted_tables if t.name != "meta"]


# -- export -----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):  # exact money and rates travel as text, never as floats
        return ExactDecimal.canonical(value)
    return value


def portfolio_document(
    ws: Workspace,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    what_ifs: bool = False,
) -> dict[str, Any]:
    """The whole workspace as a JSON-ready dict (see the module docstring).

    ``progress(tables read, tables)`` after each table; it may raise to stop.
    ``what_ifs``: the what-if scenarios too (left out unless asked for).
    """
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    tables: dict[str, list[dict[str, Any]]] = {}
    every = [t for t in _tables() if what_ifs or t.name != "what_if"]
    with ws.read() as session:
        for number, table in enumerate(every, 1):
            order = list(table.primary_key.columns)
            rows = session.execute(sa.select(table).order_by(*order)).mappings()
            tables[table.name] = [{k: _json_value(v) for k, v in row.items()} for row in rows]
            if progress is not None:
                progress(number, len(every))
    return {
        "format": FORMAT,
        "version": VERSION,
        "schema_version": schema.SCHEMA_VERSION,
        "application": f"pmdesk {__version__}",
        "exported_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tables": tables,
    }


def export_json(
    ws: Workspace,
    dest: str | Path | None = None,
    *,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    what_ifs: bool = False,
) -> bytes:
    """The portfolio as UTF-8 JSON bytes; also written to ``dest`` when given."""
    document = portfolio_document(ws, now=now, progress=progress, what_ifs=what_ifs)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    data = (text + "\n").encode("utf-8")
    if dest is not None:
        write_output(dest, data)
    return data


# -- reading and checking --------------------------------------------------------------


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def read_document(source: bytes | str | Path) -> dict[str, list[dict[str, Any]]]:
    """The checked rows of every table, typed; refuses anything else with a clear message."""
    return _read(source)[0]


def _read(source: bytes | str | Path) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """The checked rows of every table, and the workspace format they come from."""
    data, name = read_source(source, "JSON file")
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise ImportFileError(f"{name}: this is not a UTF-8 text file") from None
    except RecursionError:
        raise ImportFileError(f"{name}: the JSON is nested too deeply") from None
    except ValueError as exc:
        raise ImportFileError(f"{name}: this is not valid JSON ({exc})") from None
    _check_header(document, name)
    raw_tables = document["tables"]
    source_schema = document.get("schema_version", schema.SCHEMA_VERSION)
    if source_schema < CALENDARS and isinstance(raw_tables.get("dependency"), list):
        for row in raw_tables["dependency"]:  # their lags counted calendar days
            if isinstance(row, dict):
                row.setdefault("lag_elapsed", True)
    known = {t.name: t for t in _tables()}
    errors: list[RowError] = []
    for unknown in sorted(set(raw_tables) - set(known)):
        errors.append(RowError(None, "is not a table of a pmdesk workspace", header=unknown))
    checked: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        rows = raw_tables.get(table.name, [])
        if not isinstance(rows, list):
            errors.append(RowError(None, "should be a list of rows", header=table.name))
            continue
        checked[table.name] = [_check_row(table, n, row, errors) for n, row in enumerate(rows, 1)]
    info = checked.get("workspace_info", [])
    if len(info) > 1 or (info and info[0].get("id") != 1):
        errors.append(
            RowError(None, "a portfolio has exactly one row, with id 1", header="workspace_info")
        )
    if sum(row.get("product_id", 0) is None for row in checked.get("work_calendar", [])) > 1:
        errors.append(
            RowError(None, "a portfolio has one calendar without a product", header="work_calendar")
        )
    if errors:
        raise ImportRefused(errors, "JSON file")
    return checked, source_schema


def _check_header(document: Any, name: str) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFileError(f"{name}: this JSON is not a pmdesk portfolio export")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError(f"{name}: the export has no valid format version")
    if version > VERSION:
        raise ImportFileError(
            f"{name}: this export uses format version {version}, but this pmdesk reads up to "
            f"version {VERSION}. Import it with a newer pmdesk."
        )
    source_schema = document.get("schema_version", schema.SCHEMA_VERSION)
    if not isinstance(source_schema, int) or source_schema > schema.SCHEMA_VERSION:
        raise ImportFileError(f"{name}: the export comes from a newer pmdesk; update pmdesk")
    if not isinstance(document.get("tables"), dict):
        raise ImportFileError(f"{name}: the export has no “tables”")


def _check_row(table: sa.Table, number: int, row: Any, errors: list[RowError]) -> dict[str, Any]:
    where = f"{table.name} row {number}"
    if not isinstance(row, dict):
        errors.append(RowError(None, "should be an object of column values", header=where))
        return {}
    typed: dict[str, Any] = {}
    for key in sorted(set(row) - set(table.c.keys())):
        errors.append(RowError(None, f"“{key}” is not a column of {table.name}", header=where))
    for column in table.columns:
        try:
            typed[column.name] = _typed(column, row.get(column.name))
        except ValueError as exc:
            errors.append(RowError(None, f"{column.name}: {exc}", header=where))
    rule = RULES.get(table.name)
    if rule is not None and len(typed) == len(table.columns):
        try:
            rule(dict(typed))
        except ValidationError as exc:
            errors.append(RowError(None, str(exc), header=where))
    return typed


def _typed(column: sa.Column, value: Any) -> Any:
    """The column's Python value for a JSON value, strictly, and within the bounds every
    output can handle (core.validation.check_bounds)."""
    typed = _strictly_typed(column, value)
    if column.key not in ("id", "row_version"):
        try:
            check_bounds(column.key, typed)
        except ValidationError as exc:
            raise ValueError(exc.reason) from None
    return typed


def _strictly_typed(column: sa.Column, value: Any) -> Any:
    """The column's Python value for a JSON value, strictly: no guessing, no coercion of text."""
    kind = column.type
    if value is None:
        if column.nullable:
            return None
        # A hand-written file may leave out what has a default: fill it in as a new row would.
        if isinstance(column.default, CallableColumnDefault):
            # Our callable defaults take no argument: SQLAlchemy's wrapper ignores the context.
            return column.default.arg(None)  # type: ignore[arg-type]
        if isinstance(column.default, ScalarElementColumnDefault):
            return column.default.arg
        raise ValueError("a value is required")
    if isinstance(kind, ExactDecimal):
        if not isinstance(value, str):
            raise ValueError('should be a decimal number written as text, such as "12.50"')
        return ExactDecimal.parse(value)
    if isinstance(kind, sa.Enum) and kind.enum_class is not None:
        if value not in kind.enums:
            raise ValueError(f"{str(value)[:40]!r} is not one of {', '.join(kind.enums)}")
        return kind.enum_class(value)
    if isinstance(kind, sa.DateTime | sa.Date):
        wanted = dt.datetime if isinstance(kind, sa.DateTime) else dt.date
        try:
            return wanted.fromisoformat(_text(value))
        except ValueError:
            shape = "YYYY-MM-DDTHH:MM:SS" if wanted is dt.datetime else "YYYY-MM-DD"
            raise ValueError(f"should be a date written {shape}") from None
    if isinstance(kind, sa.Boolean):
        if not isinstance(value, bool):
            raise ValueError("should be true or false")
        return value
    if isinstance(kind, sa.Integer):
        if isinstance(value, bool) or not isinstance(value, int) or not -_INT64 <= value < _INT64:
            raise ValueError("should be a whole number")
        return value
    if isinstance(kind, sa.Float):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError("should be a number")
        return float(value)
    if isinstance(kind, sa.JSON):
        shape = json_shape(column)
        if shape and not isinstance(value, list if shape == "array" else dict):
            raise ValueError(f"should be a JSON {shape}")
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")  # refuses lone surrogates
        except (UnicodeEncodeError, RecursionError):
            raise ValueError("holds values that cannot be stored") from None
        return value
    text = _text(value)
    length = getattr(kind, "length", None)
    if length and len(text) > length:
        raise ValueError(f"is longer than {length} characters")
    return text


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("should be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains characters that are not valid text") from None
    return value


# -- writing ------------------------------------------------------------------------------


def import_json(
    source: bytes | str | Path, dest: str | Path, *, progress: Progress | None = None
) -> Path:
    """A new workspace file at ``dest`` with the exported portfolio; nothing is left on failure.

    ``progress(rows written, rows)`` follows the writing; if it raises (Cancel), no file is left.
    """
    from pmdesk.store.workspace import Workspace

    dest = Path(dest)
    if dest.exists():
        raise PmdeskError(f"{dest.name}: a file with this name already exists; pick another")
    if not dest.parent.is_dir():
        raise PmdeskError(f"{dest.parent}: there is no such folder to create {dest.name} in")
    tables, source_schema = _read(source)
    ws = Workspace.create(dest)
    try:
        _fill(ws, tables, source_schema, progress)
    except BaseException:
        ws.close()
        for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
            with contextlib.suppress(OSError):
                dest.with_name(dest.name + suffix).unlink()
        raise
    ws.close()
    return dest


def import_json_into(ws: Workspace, source: bytes | str | Path) -> ImportResult:
    """Fill an empty workspace (no products or other rows yet) with an exported portfolio.

    Its own rows (workspace_info, and the workspace calendar every workspace has) do
    not count; they take the document's values.
    """
    with ws.read() as session:
        for table in _tables():
            if table.name == "workspace_info":
                continue
            count = sa.select(sa.func.count()).select_from(table)
            if table.name == "work_calendar":
                count = count.where(table.c.product_id.is_not(None))
            if session.execute(count).scalar_one():
                raise PmdeskError(
                    "A portfolio can only be imported into an empty workspace; "
                    "import it as a new file instead"
                )
    return _fill(ws, *_read(source))


def _parents_first(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Roadmap items that contain others come before them (parent_id refers to the same table)."""
    by_id = {row["id"]: row for row in rows}
    placed: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    for row in rows:
        chain = []
        current: dict[str, Any] | None = row
        while current is not None and current["id"] not in placed and current not in chain:
            chain.append(current)
            current = by_id.get(current.get("parent_id"))
        for item in reversed(chain):
            placed.add(item["id"])
            ordered.append(item)
    return ordered


def _fill(
    ws: Workspace,
    tables: dict[str, list[dict[str, Any]]],
    source_schema: int,
    progress: Progress | None = None,
) -> ImportResult:
    result = ImportResult()
    total, done = sum(len(rows) for rows in tables.values()), 0
    if source_schema < CALENDARS:  # format 2 tied these milestones by a note marker
        _link_elimination_milestones(tables)
    with ws.transaction() as uow:
        uow.keep_history = False  # the document brings its own history; importing is no edit
        calendar_ids: dict[Any, Any] = {}
        for table in _tables():
            rows = tables.get(table.name, [])
            if table.name == "workspace_info":
                _update_workspace_info(uow, rows)
                continue
            if table.name == "work_calendar":
                rows, calendar_ids = _workspace_calendar(uow, rows)
            elif table.name == "calendar_exception":
                rows = [
                    row | {"calendar_id": calendar_ids.get(row["calendar_id"], row["calendar_id"])}
                    for row in rows
                ]
            if table.name == "roadmap_item":
                rows = _parents_first(rows)
            for start in range(0, len(rows), _CHUNK):
                uow.insert_rows(table.name, rows[start : start + _CHUNK])
                done += len(rows[start : start + _CHUNK])
                if progress is not None:
                    progress(done, total)
            if "id" in table.c:
                result.created[table.name] = [row["id"] for row in rows]
    return result


def _link_elimination_milestones(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Format 2 tied a review's milestones by a marker in their notes: each review gets
    the first such milestone of its product by id, and the marker leaves the notes (as
    the format 3 migration does in a file), before anything is written."""
    reviews = tables.get("elimination_review", [])
    if not reviews:
        return
    milestones = sorted(
        (row for row in tables.get("roadmap_item", []) if row.get("kind") == "milestone"),
        key=lambda row: row["id"],
    )
    for review in reviews:
        for column, words in MARKER_KEYS:
            marker = f"[elimination review {review['id']}: {words}]"
            item = next(
                (
                    row
                    for row in milestones
                    if row["product_id"] == review["product_id"] and marker in (row["notes"] or "")
                ),
                None,
            )
            if item is not None:
                review[f"{column}_item_id"] = item["id"]
                item["notes"] = item["notes"].replace(f" {marker}", "").replace(marker, "")


def _workspace_calendar(uow, rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict]:
    """The document's workspace calendar goes into the workspace's own row; the rows left
    to insert (products' calendars), and {document id: id} for the ones that moved."""
    table = table_of(WorkCalendar)
    session = uow.session
    existing = session.scalar(sa.select(table.c.id).where(table.c.product_id.is_(None)))
    taken = set(session.scalars(sa.select(table.c.id)))
    moved: dict[Any, Any] = {}
    rest = []
    for row in rows:
        if row["product_id"] is None and existing is not None:
            values = {k: v for k, v in row.items() if k not in ("id", "row_version")}
            uow.update(table.name, existing, **values)
            moved[row["id"]] = existing
        else:
            rest.append(row)
    next_id = max([*taken, *(row["id"] for row in rows)], default=0) + 1
    for index, row in enumerate(rest):
        if row["id"] in taken:
            moved[row["id"]] = next_id
            rest[index] = row | {"id": next_id}
            next_id += 1
    return rest, moved


def _update_workspace_info(uow, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    values = {k: v for k, v in rows[0].items() if k not in ("id", "row_version")}
    uow.update(table_of(WorkspaceInfo).name, 1, **values)
