"""What every importer shares: refusals with row and column, and the result of an import.

Imports are all or nothing. An importer first turns the whole file into
cleaned rows, collecting *every* problem as a :class:`RowError` (row and column
numbers as a spreadsheet shows them); if there is any, it raises
:class:`ImportRefused` and the file is not touched. Otherwise it writes every
row in one ``ws.transaction()`` through the unit of work (ORM flushes or its
batched ``insert_rows``/``update``), so the transaction's journal holds every row:
the window's undo and redo of an import come from it, as for any edit. The
:class:`ImportResult` names the ids it created (its ``revert`` takes them out
again, for the command line and tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.core.validation import RULES
from pmdesk.store.journal import put_back
from pmdesk.store.models import Base, Entity, table_of
from pmdesk.store.services.base import Repo
from pmdesk.store.snapshot import Snapshot

if TYPE_CHECKING:
    from pmdesk.store.workspace import UnitOfWork, Workspace

# Bigger files are refused before they are read: no portfolio export comes near this.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
# A file read piece by piece (an MS Project plan) keeps memory flat however large it is.
# Project saves some 5 KB a task with its assignment: 20,000 tasks make about 100 MB, so
# this admits 200,000.
MAX_STREAMED_BYTES = 1024 * 1024 * 1024
# Rows written at once when the import reports its progress.
BATCH = 500

# ``progress(done, total)``: how far an import or export is. It may raise to stop the
# work (the person pressed Cancel): an import's transaction then rolls back.
Progress = Callable[[int, int], None]


class ImportFileError(PmdeskError):
    """The file as a whole cannot be read: malformed, unsafe, empty or of the wrong format."""


@dataclass(frozen=True)
class RowError:
    """One problem in one row (``row`` as a spreadsheet numbers it, the header being row 1)."""

    row: int | None
    message: str
    column: int | None = None  # 1-based
    header: str = ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column is not None:
            name = f" ({self.header})" if self.header else ""
            where.append(f"column {self.column}{name}")
        elif self.header:
            where.append(self.header)
        prefix = ", ".join(where)
        if self.row is None and self.column is not None:
            prefix = prefix[:1].upper() + prefix[1:]  # "Column 3 (Created)"
        return f"{prefix}: {self.message}" if prefix else self.message


class ImportRefused(PmdeskError):
    """Nothing was imported; ``errors`` lists every problem found, not only the first."""

    def __init__(self, errors: Iterable[RowError], what: str = "file") -> None:
        self.errors = list(errors)
        shown = "\n".join(str(e) for e in self.errors[:10])
        more = len(self.errors) - 10
        tail = f"\n… and {more} more" if more > 0 else ""
        count = len(self.errors)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"Nothing was imported: the {what} has {count} {noun}.\n{shown}{tail}")


@dataclass
class ImportResult:
    """What one import created: {table: [ids]} in creation order, plus remarks for the person."""

    created: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, table: str, entity_id: int) -> None:
        self.created.setdefault(table, []).append(entity_id)

    def count(self, table: str) -> int:
        return len(self.created.get(table, []))

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.created.values())

    def summary(self) -> str:
        parts = [
            f"{len(ids)} {table.replace('_', ' ')}" for table, ids in self.created.items() if ids
        ]
        return "Imported " + (", ".join(parts) if parts else "nothing")

    def revert(self, ws: Workspace) -> Snapshot:
        """Delete everything this import created, in one transaction; the snapshot restores it.

        (The window undoes an import from its journal; this is for the command line and tests.)
        """
        merged = Snapshot()
        with ws.transaction() as uow:
            # Children first, so no row is left pointing at a deleted one mid-way.
            for table in reversed(Base.metadata.sorted_tables):
                ids = self.created.get(table.name)
                if ids:
                    part = uow.delete(table.name, ids)
                    merged.rows[:0] = part.rows
                    merged.cleared.extend(part.cleared)
        return merged

    @staticmethod
    def reapply(ws: Workspace, snapshot: Snapshot) -> None:
        """Redo after ``revert``: the same rows come back with the same ids."""
        with ws.transaction() as uow:
            put_back(uow, snapshot)


# -- reading the source -------------------------------------------------------------


def write_output(dest: str | Path, data: bytes) -> Path:
    """Write an export; a folder that is missing or read-only is a message, not a crash."""
    path = Path(dest)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise PmdeskError(f"{path.name}: cannot write the file ({exc.strerror})") from None
    return path


def read_source(source: bytes | str | Path, what: str) -> tuple[bytes, str]:
    """The bytes of an import and a name to show for it; a path that cannot be read is refused."""
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), what
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_IMPORT_BYTES:
                raise ImportFileError(f"{path.name}: the file is too large to import")
            data, name = path.read_bytes(), path.name
        except OSError as exc:
            raise ImportFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(f"{name}: the file is too large to import")
    if not data.strip():
        raise ImportFileError(f"{name}: the file is empty")
    return data, name


# -- cleaning and writing rows ---------------------------------------------------------


def column_defaults(model: type[Base]) -> dict[str, Any]:
    """The model's static column defaults, as a Repo fills them on create."""
    values = {}
    for column in table_of(model).columns:
        default = column.default
        if isinstance(default, ScalarElementColumnDefault) and column.key != "row_version":
            values[column.key] = default.arg
    return values


def clean_fields(
    repo: Repo, fields: dict[str, Any]
) -> tuple[dict[str, Any], list[ValidationError]]:
    """Coerce each field on its own (so every bad field is reported), then the table's rule.

    Returns the complete row (defaults filled in) and the refusals. The rule runs
    even when a field was refused: that field then holds its default, so the rule
    still sees typed values and can report a problem of its own in the same pass.
    """
    cleaned: dict[str, Any] = {}
    problems: list[ValidationError] = []
    for name, value in fields.items():
        try:
            cleaned.update(repo.clean({name: value}))
        except ValidationError as exc:
            problems.append(exc)
    full = column_defaults(repo.model) | cleaned
    problems += _rule_problems(repo.model, full, {field_key(p) for p in problems})
    return full, problems


def _rule_problems(
    model: type[Base], full: dict[str, Any], refused: set[str]
) -> list[ValidationError]:
    """Every refusal of the table's rule, not just the first.

    A rule stops at its first problem. The field it names is then replaced by a
    stand-in (its default, nothing, or a placeholder text) and the rule runs
    again, until it passes or no stand-in helps. Fields already ``refused`` by
    coercion are not reported a second time.
    """
    rule = RULES.get(model.__tablename__)
    found: list[ValidationError] = []
    stand_ins: dict[str, list[Any]] = {}
    trial = dict(full)
    while rule is not None:
        try:
            rule(dict(trial))
            break
        except ValidationError as exc:
            key = field_key(exc)
            if key not in stand_ins:
                stand_ins[key] = _stand_ins(model, key)
                if key not in refused:
                    found.append(exc)
            if not stand_ins[key]:
                break
            trial[key] = stand_ins[key].pop(0)
    if not found and not refused and rule is not None:
        rule(full)  # the rule may also normalise (a milestone ends the day it starts)
    return found


def _stand_ins(model: type[Base], key: str) -> list[Any]:
    column = table_of(model).columns.get(key)
    if column is None:
        return []
    default = column.default
    values = [default.arg] if isinstance(default, ScalarElementColumnDefault) else []
    values.append(None)
    if isinstance(column.type, sa.String | sa.Text):
        values.append("x")
    return values


def field_key(error: ValidationError) -> str:
    """``ValidationError.field`` is a label ("end date"); this is the attribute name."""
    return error.field.strip().lower().replace(" ", "_").replace("-", "_")


def insert(
    uow: UnitOfWork, result: ImportResult, model: type[Entity], fields: dict[str, Any]
) -> int:
    """Add one row inside the import's transaction and note its id for the undo."""
    obj = model(**fields)
    uow.session.add(obj)
    uow.session.flush()
    result.add(model.__tablename__, obj.id)
    return obj.id


def insert_many(
    uow: UnitOfWork,
    result: ImportResult,
    model: type[Entity],
    rows: list[dict[str, Any]],
    progress: Progress | None = None,
) -> list[int]:
    """Add many rows as whole rows (``uow.insert_rows``: one executemany for each
    :data:`BATCH`, no ORM objects); their ids, in row order.

    Every column is given, so the journal keeps the rows as written and the history's
    entries are made from them by SQLite: a row's missing columns take the model's
    defaults (a callable one, such as a moment or a new list, made for each row), a
    first row version, else None. The ids are chosen first: in a file the import's
    transaction is the only writer, so they follow the largest one; a team server,
    where others insert too, hands them out of the table's sequence. With
    ``progress``, ``progress(rows written, len(rows))`` after each batch.
    """
    if not rows:
        return []
    table = table_of(model)
    ids = _new_ids(uow.session, table, len(rows))
    blank = {c.name: 1 if c.key == "row_version" else None for c in table.c}
    blank |= column_defaults(model)
    made = [
        (c.name, c.default.arg) for c in table.c if isinstance(c.default, CallableColumnDefault)
    ]

    def fresh() -> dict[str, Any]:  # SQLAlchemy's wrapper of a callable that takes no context
        return {name: make(None) for name, make in made}  # type: ignore[arg-type]

    step = BATCH if progress is not None else len(rows)
    for start in range(0, len(rows), step):
        batch = zip(rows[start : start + step], ids[start : start + step], strict=True)
        uow.insert_rows(table.name, [blank | fresh() | row | {"id": n} for row, n in batch])
        if progress is not None:
            progress(min(start + step, len(rows)), len(rows))
    result.created.setdefault(table.name, []).extend(ids)
    return ids


def _new_ids(session, table: sa.Table, count: int) -> list[int]:
    """``count`` fresh ids for ``table``, in increasing order."""
    if session.get_bind().dialect.name == "sqlite":
        first = (session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
        return list(range(first, first + count))
    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
    numbers = sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
    return sorted(session.scalars(numbers))


def table_counts(ws: Workspace, *, history: bool = False) -> dict[str, int]:
    """Rows per table; tests compare these before and after a refused or undone import.
    The history of edits is left out unless asked for: an undo is itself an edit it keeps."""
    with ws.read() as session:
        return {
            t.name: session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.sorted_tables
            if history or t.name not in ("change_edit", "change_entry")
        }
