"""The migrations between workspace formats; :data:`pmdesk.store.schema.MIGRATIONS` lists them.

A migration is history: it must do tomorrow exactly what it did the day it was
released, so it never reads the live models (they keep changing). The tables
it writes are frozen here as DDL. Each one is called with a Connection inside
the upgrade's single transaction (see :mod:`pmdesk.store.upgrade`), on a
``.pmdesk`` file (SQLite, foreign keys off, a ``foreign_key_check`` before the
commit) or on a team database (PostgreSQL, whose DDL is transactional too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


# -- format 2: gate_review's two Stage columns get CHECK constraints of their own names -------

# Format 1 named both CHECKs ck_gate_review_stage (one enum type, one name). SQLite took it;
# PostgreSQL does not, so format 1 team databases were made with the second one renamed to
# ck_gate_review_stage_recycle_to. Format 2 is ck_gate_review_recycle_to on both engines.
_V1_TEAM_RECYCLE_CHECK = "ck_gate_review_stage_recycle_to"
_V2_RECYCLE_CHECK = "ck_gate_review_recycle_to"

_STAGES = "'innovation', 'analysis', 'development', 'go_to_market', 'in_life', 'end_of_life'"

# gate_review as format 2 defines it: what create_all writes for format 2 on SQLite.
_GATE_REVIEW_V2 = f"""
CREATE TABLE gate_review_v2 (
    product_id INTEGER NOT NULL,
    stage VARCHAR(32) NOT NULL,
    decision VARCHAR(32) NOT NULL,
    recycle_to VARCHAR(32),
    criteria JSON NOT NULL,
    decided_by_id INTEGER,
    decided_by_name VARCHAR(200) NOT NULL,
    decided_on DATE NOT NULL,
    rationale TEXT NOT NULL,
    id INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    CONSTRAINT pk_gate_review PRIMARY KEY (id),
    CONSTRAINT fk_gate_review_product_id_product FOREIGN KEY(product_id)
        REFERENCES product (id) ON DELETE CASCADE,
    CONSTRAINT ck_gate_review_stage CHECK (stage IN ({_STAGES})),
    CONSTRAINT ck_gate_review_gatedecision CHECK (decision IN ('go', 'hold', 'kill', 'recycle')),
    CONSTRAINT {_V2_RECYCLE_CHECK} CHECK (recycle_to IN ({_STAGES})),
    CONSTRAINT fk_gate_review_decided_by_id_stakeholder FOREIGN KEY(decided_by_id)
        REFERENCES stakeholder (id) ON DELETE SET NULL
)
"""

_GATE_REVIEW_COLUMNS = (
    "id, row_version, product_id, stage, decision, recycle_to, criteria, "
    "decided_by_id, decided_by_name, decided_on, rationale"
)

_GATE_REVIEW_INDEXES = (
    "CREATE INDEX ix_gate_review_decided_by_id ON gate_review (decided_by_id)",
    "CREATE INDEX ix_gate_review_product_id ON gate_review (product_id)",
)


def to_format_2(conn: Connection) -> None:
    """Give gate_review.recycle_to's CHECK the name ``ck_gate_review_recycle_to``.

    The two engines start from different format 1 schemas, hence the branch:
    SQLite cannot rename a constraint, so its table is rebuilt; PostgreSQL
    only has to rename the constraint its format 1 DDL gave a unique name.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        _rebuild_gate_review_sqlite(conn)
    elif dialect == "postgresql":
        conn.exec_driver_sql(
            f"ALTER TABLE gate_review RENAME CONSTRAINT {_V1_TEAM_RECYCLE_CHECK} "
            f"TO {_V2_RECYCLE_CHECK}"
        )
    else:
        raise RuntimeError(f"no format 2 migration for a {dialect} database")


def _rebuild_gate_review_sqlite(conn: Connection) -> None:
    """SQLite's way to change a constraint: new table, copy, drop the old, rename, indexes.

    Foreign keys are off during an upgrade, so dropping the old table cascades
    to nothing; the upgrade's ``foreign_key_check`` runs before the commit.
    """
    conn.exec_driver_sql(_GATE_REVIEW_V2)
    conn.exec_driver_sql(
        f"INSERT INTO gate_review_v2 ({_GATE_REVIEW_COLUMNS}) "
        f"SELECT {_GATE_REVIEW_COLUMNS} FROM gate_review"
    )
    conn.exec_driver_sql("DROP TABLE gate_review")  # its indexes go with it
    conn.exec_driver_sql("ALTER TABLE gate_review_v2 RENAME TO gate_review")
    for ddl in _GATE_REVIEW_INDEXES:
        conn.exec_driver_sql(ddl)
