"""The file format's identity and version, and the migrations between versions.

Format history (add a line, a migration and a fixture file for every release):

1. 0.1.0 - the whole domain of PRODUCT.md.
2. 0.2.0 - gate_review.recycle_to's CHECK is named ck_gate_review_recycle_to (it shared
   ck_gate_review_stage with the stage column, which PostgreSQL refuses).
3. 0.3.0 - working calendars (work_calendar, calendar_exception); a dependency keeps its
   lag's unit, whether it counts working or elapsed days, and MS Project's exact figure;
   an elimination review holds its end-of-sale and end-of-support milestones by key.
4. 0.4.0 - the business of a product: business cases with drivers, scenarios and their
   overrides, signed-off versions, the unit cost build-up and price points; money, quantities
   and rates as exact decimal text.
5. 0.5.0 - the market radar: competitors and the products they compete with, the feature
   comparison matrix (capabilities × our product and competitors), win/loss records,
   market signals with their links and tags, customer feedback and the requirements it
   supports, and each product's limitations and known issues.
6. 0.6.0 - the portfolio's history: every committed edit (when, who, what it was called)
   and the rows it changed, field by field, old and new; named snapshots of moments.
7. 0.7.0 - what-if scenarios (what_if): a named branch of the plan, kept as the net changes
   it makes (as the history words them), compared with the plan and promoted or discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# PRAGMA application_id: "PMDK" in ASCII. `file` and the shared-mime-info type know
# a .pmdesk file by these four bytes at offset 68 of the SQLite header.
APPLICATION_ID = 0x504D444B
SCHEMA_VERSION = 7

Migration = Callable[["Connection"], None]

# MIGRATIONS[n] upgrades a file from format n - 1 to format n. All pending migrations run
# in one transaction, with foreign keys off (batch mode rebuilds tables; a DROP with them on
# would cascade) and a foreign_key_check before the commit; any error rolls everything back.
# The same migration runs on a file and on a team database (PostgreSQL): write it in
# migrations.py, branching on conn.dialect.name where the engines differ. Use
# migration_ops(conn) for schema changes (Alembic's operations, batch mode on SQLite) or
# frozen DDL, never the live models.
#
# Each entry loads pmdesk.store.migrations when it runs, not before: that module builds
# every format's frozen tables with SQLAlchemy as it is imported, which opening a file in
# the current format never needs, and without it the file's checks (pmdesk.store.
# sqlite_file, which imports this module) start before SQLAlchemy is even imported.


def _migration(name: str) -> Migration:
    """The migration ``migrations.<name>``, imported when it is called."""

    def migrate(conn: Connection) -> None:
        from . import migrations

        getattr(migrations, name)(conn)

    migrate.__name__ = migrate.__qualname__ = name
    return migrate


MIGRATIONS: dict[int, Migration] = {
    version: _migration(f"to_format_{version}") for version in range(2, SCHEMA_VERSION + 1)
}


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
