"""Upgrading an older workspace to this pmdesk's format: backup first, all or nothing.

The migrations themselves are listed in :mod:`pmdesk.store.schema`; this module runs
them, on a file (SQLite, with a backup) or on a team database (PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from pmdesk.core.errors import PmdeskError

from . import file_schema, schema
from .errors import UpgradeFailedError
from .models import Meta, table_of
from .sqlite_file import connect


def backup_path(path: Path, reason: str) -> Path:
    """A new name in ``<stem> backups``; two backups in the same second never share one."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = path.parent / f"{path.stem} backups"
    candidate = folder / f"{path.stem} {stamp} {reason}{path.suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{path.stem} {stamp} {reason} ({number}){path.suffix}"
        number += 1
    return candidate


def make_backup(path: Path, reason: str) -> Path:
    """Copy the file (via the backup API, so a live WAL is included) before a risky step."""
    target = backup_path(path, reason)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = connect(path, read_only=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return target


def upgrade_file(path: Path, file_version: int) -> Path:
    """Back the file up, then run every pending migration in one transaction.

    The migrations run with foreign keys off (as SQLite asks for schema changes:
    Alembic's batch mode copies a table, drops the old one and renames, and with
    foreign keys on the drop would delete every child row through ON DELETE
    CASCADE), and ``foreign_key_check`` must then find nothing before the commit.
    The transaction is begun explicitly because the sqlite3 module would commit
    DDL on its own: a failing migration is rolled back whole and the file is left
    exactly as it was; the backup stays in place either way.
    """
    target = schema.SCHEMA_VERSION
    try:
        migrations = schema.pending_migrations(file_version, target)
    except RuntimeError as exc:
        raise UpgradeFailedError(path, file_version, target, str(exc), None) from exc
    backup = make_backup(path, f"before upgrade from format {file_version}")
    engine = sa.create_engine(
        "sqlite+pysqlite://", creator=lambda: connect(path, False), poolclass=sa.pool.NullPool
    )
    event.listen(engine, "connect", configure_for_migration)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with engine.begin() as conn:
            for migrate in migrations:
                migrate(conn)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise PmdeskError(
                    f"{len(broken)} rows would refer to missing rows (first in {broken[0][0]})"
                )
            conn.execute(
                sa.update(table_of(Meta))
                .where(Meta.key == "schema_version")
                .values(value=str(target))
            )
            # What the migrations made must be exactly the new format, or nothing is kept.
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)  # a file's engine: pysqlite
            file_schema.verify(file_schema.read_schema(raw), target)
    except Exception as exc:
        raise UpgradeFailedError(path, file_version, target, str(exc), backup) from exc
    finally:
        engine.dispose()
    return backup


def upgrade_engine(engine: sa.Engine, file_version: int, where: str) -> None:
    """A team database's migrations: one transaction (PostgreSQL's DDL is transactional)."""
    target = schema.SCHEMA_VERSION
    try:
        with engine.begin() as conn:
            for migrate in schema.pending_migrations(file_version, target):
                migrate(conn)
            conn.execute(
                sa.update(table_of(Meta))
                .where(Meta.key == "schema_version")
                .values(value=str(target))
            )
    except (RuntimeError, sa.exc.SQLAlchemyError) as exc:
        raise UpgradeFailedError(where, file_version, target, str(exc), None) from exc


def configure_for_migration(dbapi_conn: sqlite3.Connection, _record) -> None:
    """Foreign keys off, full sync, and the file's own journal mode.

    Switching to WAL here would rewrite the header before the transaction starts,
    so a failed upgrade of a rollback-journal file (a saved copy) would not leave
    it byte for byte as it was; the next ordinary open switches to WAL anyway.
    isolation_level=None: no implicit transactions, the "begin" listener opens one.
    """
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA foreign_keys = OFF")
    dbapi_conn.execute("PRAGMA busy_timeout = 5000")
    dbapi_conn.execute("PRAGMA synchronous = FULL")
