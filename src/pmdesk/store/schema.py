"""The file format's identity and version, and the migrations between versions.

Format history (add a line, a migration and a fixture file for every release):

1. 0.1.0 - the whole domain of PRODUCT.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# PRAGMA application_id: "PMDK" in ASCII. `file` and the shared-mime-info type know
# a .pmdesk file by these four bytes at offset 68 of the SQLite header.
APPLICATION_ID = 0x504D444B
SCHEMA_VERSION = 1

Migration = Callable[["Connection"], None]

# MIGRATIONS[n] upgrades a file from format n - 1 to format n. All pending migrations run
# in one transaction, with foreign keys off (batch mode rebuilds tables; a DROP with them on
# would cascade) and a foreign_key_check before the commit; any error rolls everything back.
# Use migration_ops(conn) for schema changes: Alembic's operations, batch mode on SQLite.
MIGRATIONS: dict[int, Migration] = {}


def migration_ops(conn: Connection):
    """Alembic operations bound to ``conn`` (imported only when a migration runs)."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    return Operations(MigrationContext.configure(conn, opts={"render_as_batch": True}))


def pending_migrations(file_version: int, target: int | None = None) -> list[Migration]:
    """The migrations from ``file_version`` up to ``target`` (default: SCHEMA_VERSION).

    The default is looked up at call time, not frozen when this module is imported,
    so a test (or a caller) that changes SCHEMA_VERSION gets the migrations it expects.
    """
    target = SCHEMA_VERSION if target is None else target
    missing = [v for v in range(file_version + 1, target + 1) if v not in MIGRATIONS]
    if missing:
        raise RuntimeError(f"no migration to workspace format {missing[0]}")
    return [MIGRATIONS[v] for v in range(file_version + 1, target + 1)]
