"""Copying a whole portfolio between a ``.pmdesk`` file and a team database, checked.

Both directions copy every table row for row with the ids kept, in one
transaction on the destination, and then read both sides back and compare
them: the same tables, the same number of rows, and the same values in every
row. Any difference rolls the copy back (a team database stays empty) or
leaves no file behind, so a copy that pmdesk reports as made is complete.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from pmdesk.core.errors import PmdeskError

from . import schema, team_feed, team_server
from .models import Base

_BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    """What a copy carried: rows per table, and where it went."""

    destination: str
    counts: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class CopyMismatchError(PmdeskError):
    def __init__(self, differences: list[str]) -> None:
        self.differences = differences
        shown = "; ".join(differences[:3])
        more = f" (and {len(differences) - 3} more)" if len(differences) > 3 else ""
        super().__init__(f"The copy does not match its source, so it was not kept: {shown}{more}")


def _sort_key(table: sa.Table, row: dict[str, Any]) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def read_table(conn: sa.Connection, table: sa.Table) -> list[dict[str, Any]]:
    """Every row, sorted by primary key in Python (the engines' collations differ)."""
    rows = [dict(r) for r in conn.execute(sa.select(table)).mappings()]
    return sorted(rows, key=lambda r: _sort_key(table, r))


def _parents_first(table: sa.Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of a table that refers to itself, each after the row it refers to."""
    columns = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    if not columns:
        return rows
    placed: set[object] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [r for r in waiting if all(r[c] is None or r[c] in placed for c in columns)]
        if not ready:  # a loop in the data: let the database refuse it with its own message
            return ordered + waiting
        ordered += ready
        placed.update(r["id"] for r in ready)
        waiting = [r for r in waiting if r["id"] not in placed]
    return ordered


def copy_tables(source: sa.Connection, target: sa.Connection) -> dict[str, int]:
    """Insert every row of every table from ``source`` into the (empty) ``target``."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        rows = _parents_first(table, read_table(source, table))
        for start in range(0, len(rows), _BATCH):
            target.execute(sa.insert(table), rows[start : start + _BATCH])
        counts[table.name] = len(rows)
    return counts


def compare(source: sa.Connection, target: sa.Connection) -> list[str]:
    """Every difference between two copies of a portfolio (empty when they match)."""
    differences = []
    for table in Base.metadata.sorted_tables:
        mine, theirs = read_table(source, table), read_table(target, table)
        if len(mine) != len(theirs):
            differences.append(f"{table.name}: {len(mine)} rows here, {len(theirs)} in the copy")
            continue
        for left, right in zip(mine, theirs, strict=True):
            if left != right:
                column = next(k for k in left if left[k] != right.get(k))
                key = _sort_key(table, left)
                differences.append(f"{table.name} {key}: {column} differs")
                break
    return differences


def _advance_sequences(conn: sa.Connection) -> None:
    """Rows came with their ids: move each id sequence past the largest one."""
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.autoincrement:
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
        )


def _sqlite_engine(path: Path) -> sa.Engine:
    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    return sa.create_engine("sqlite+pysqlite://", creator=connect, poolclass=sa.pool.NullPool)


def file_to_team(path: Path | str, url: str | sa.URL, password: str | None = None) -> CopyReport:
    """Make a new team workspace on an empty database from a ``.pmdesk`` file.

    The schema, the rows and the check run in one PostgreSQL transaction (DDL
    is transactional there): if anything fails, the database is left empty.
    """
    from .workspace import Workspace

    target_url = team_server.team_url(url, password)
    where = team_server.display_url(target_url)
    with Workspace.open(path, read_only=True) as local:
        engine = team_server.team_engine(target_url)
        try:
            if team_server.stored_version(engine, where) is not None:
                raise PmdeskError(f"{where}: this database already holds a pmdesk workspace")
            with local.engine.connect() as source, engine.begin() as target:
                Base.metadata.create_all(target)
                team_feed.create_log(target)
                counts = copy_tables(source, target)
                _advance_sequences(target)
                differences = compare(source, target)
                if differences:
                    raise CopyMismatchError(differences)
        except sa.exc.OperationalError as exc:
            raise team_server.connection_failure(where, exc) from exc
        finally:
            engine.dispose()
    return CopyReport(where, counts)


def team_to_file(engine: sa.Engine, destination: Path | str) -> CopyReport:
    """Save a team workspace as a ``.pmdesk`` file (a new file, or replacing one)."""
    from .workspace import Workspace

    destination = Path(destination)
    part = destination.with_name(destination.name + ".part")
    _remove(part)
    Workspace.create(part).close()  # the file's identity, WAL mode and an empty schema
    file_engine = _sqlite_engine(part)
    event.listen(file_engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with engine.connect() as source, file_engine.begin() as target:
            if team_server.stored_version(engine, "") != schema.SCHEMA_VERSION:
                raise PmdeskError("the team workspace needs upgrading before it can be saved")
            for table in reversed(Base.metadata.sorted_tables):
                target.execute(sa.delete(table))
            counts = copy_tables(source, target)
            differences = compare(source, target)
            if differences:
                raise CopyMismatchError(differences)
        file_engine.dispose()
        conn = sqlite3.connect(part)  # a file that stands alone, like Save a Copy's
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
        finally:
            conn.close()
    except BaseException:
        file_engine.dispose()
        _remove(part)
        raise
    file_engine.dispose()
    part.replace(destination)
    return CopyReport(str(destination), counts)


def _remove(part: Path) -> None:
    """A half-made copy and its SQLite side files."""
    for suffix in ("", "-wal", "-shm", ".lock"):
        part.with_name(part.name + suffix).unlink(missing_ok=True)
