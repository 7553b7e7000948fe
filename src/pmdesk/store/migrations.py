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

import sqlalchemy as sa

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


# -- format 3: working calendars, lag units, elimination milestones by key ------------------

_V3 = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
# Stubs: the two new tables refer to product, and the migration reads roadmap_item.
sa.Table("product", _V3, sa.Column("id", sa.Integer, primary_key=True))

_WORK_CALENDAR_V3 = sa.Table(
    "work_calendar",
    _V3,
    sa.Column(
        "product_id",
        sa.Integer,
        sa.ForeignKey("product.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("weekdays", sa.Integer, nullable=False),
    sa.Column("day_start", sa.Integer, nullable=False),
    sa.Column("day_end", sa.Integer, nullable=False),
    sa.Column("minutes_per_day", sa.Integer, nullable=False),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("row_version", sa.Integer, nullable=False),
    sa.UniqueConstraint("product_id"),
    sa.CheckConstraint("weekdays BETWEEN 0 AND 127", name="weekday_set"),
    sa.CheckConstraint(
        "day_start >= 0 AND day_end <= 1440 AND day_end > day_start", name="day_hours"
    ),
    sa.CheckConstraint(
        "minutes_per_day > 0 AND minutes_per_day <= day_end - day_start", name="minutes_fit_day"
    ),
)

_CALENDAR_EXCEPTION_V3 = sa.Table(
    "calendar_exception",
    _V3,
    sa.Column(
        "calendar_id",
        sa.Integer,
        sa.ForeignKey("work_calendar.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),
    sa.Column("working", sa.Boolean, nullable=False),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("row_version", sa.Integer, nullable=False),
    sa.CheckConstraint("end_date >= start_date", name="end_after_start"),
    sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
)

_LAG_UNITS = "'minute', 'hour', 'day', 'week', 'month', 'percent'"

_DEPENDENCY_V3 = f"""
CREATE TABLE dependency_v3 (
    predecessor_id INTEGER NOT NULL,
    successor_id INTEGER NOT NULL,
    type VARCHAR(32) NOT NULL,
    lag_days INTEGER NOT NULL,
    lag_elapsed BOOLEAN NOT NULL,
    lag_unit VARCHAR(32) NOT NULL,
    lag_exact INTEGER,
    id INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    CONSTRAINT pk_dependency PRIMARY KEY (id),
    CONSTRAINT uq_dependency_predecessor_id_successor_id UNIQUE (predecessor_id, successor_id),
    CONSTRAINT ck_dependency_not_self CHECK (predecessor_id <> successor_id),
    CONSTRAINT fk_dependency_predecessor_id_roadmap_item FOREIGN KEY(predecessor_id)
        REFERENCES roadmap_item (id) ON DELETE CASCADE,
    CONSTRAINT fk_dependency_successor_id_roadmap_item FOREIGN KEY(successor_id)
        REFERENCES roadmap_item (id) ON DELETE CASCADE,
    CONSTRAINT ck_dependency_dependencytype CHECK (type IN ('FS', 'SS', 'FF', 'SF')),
    CONSTRAINT ck_dependency_lagunit CHECK (lag_unit IN ({_LAG_UNITS}))
)
"""

_DEPENDENCY_INDEXES = (
    "CREATE INDEX ix_dependency_successor_id ON dependency (successor_id)",
    "CREATE INDEX ix_dependency_predecessor_id ON dependency (predecessor_id)",
)

_ELIMINATION_V3 = """
CREATE TABLE elimination_review_v3 (
    product_id INTEGER NOT NULL,
    opened_on DATE NOT NULL,
    status VARCHAR(32) NOT NULL,
    triggers JSON NOT NULL,
    revenue_lost_per_year DOUBLE NOT NULL,
    margin_lost_per_year DOUBLE NOT NULL,
    customers_affected INTEGER NOT NULL,
    shared_costs_remaining DOUBLE NOT NULL,
    dependent_products TEXT NOT NULL,
    strategy VARCHAR(32),
    end_of_sale DATE,
    end_of_support DATE,
    decided_on DATE,
    rationale TEXT NOT NULL,
    end_of_sale_item_id INTEGER,
    end_of_support_item_id INTEGER,
    id INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    CONSTRAINT pk_elimination_review PRIMARY KEY (id),
    CONSTRAINT ck_elimination_review_support_after_sale CHECK (end_of_support IS NULL
        OR end_of_sale IS NULL OR end_of_support >= end_of_sale),
    CONSTRAINT ck_elimination_review_customers_not_negative CHECK (customers_affected >= 0),
    CONSTRAINT fk_elimination_review_product_id_product FOREIGN KEY(product_id)
        REFERENCES product (id) ON DELETE CASCADE,
    CONSTRAINT ck_elimination_review_eliminationstatus CHECK (status IN
        ('open', 'decided', 'closed')),
    CONSTRAINT ck_elimination_review_eliminationstrategy CHECK (strategy IN
        ('phase_out', 'run_out', 'immediate_drop', 'sell')),
    CONSTRAINT fk_elimination_review_end_of_sale_item_id_roadmap_item
        FOREIGN KEY(end_of_sale_item_id) REFERENCES roadmap_item (id) ON DELETE SET NULL,
    CONSTRAINT fk_elimination_review_end_of_support_item_id_roadmap_item
        FOREIGN KEY(end_of_support_item_id) REFERENCES roadmap_item (id) ON DELETE SET NULL
)
"""

_ELIMINATION_COLUMNS = (
    "id, row_version, product_id, opened_on, status, triggers, revenue_lost_per_year, "
    "margin_lost_per_year, customers_affected, shared_costs_remaining, dependent_products, "
    "strategy, end_of_sale, end_of_support, decided_on, rationale"
)

# Format 2 tied an elimination review's dates to their roadmap milestones by a marker
# in the milestone's notes; format 3 keeps the milestone's id in the review.
_MARKER_KEYS = (("end_of_sale", "end of sale"), ("end_of_support", "end of support"))


def to_format_3(conn: Connection) -> None:
    """Working calendars, lag units kept, elimination milestones held by foreign key.

    Every lag of a format 2 file counted calendar days, so each keeps that meaning
    (``lag_elapsed`` true); the workspace gets the standard Monday-to-Friday calendar
    its Gantt already shaded.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql(_DEPENDENCY_V3)
        conn.exec_driver_sql(
            "INSERT INTO dependency_v3 (id, row_version, predecessor_id, successor_id, type, "
            "lag_days, lag_elapsed, lag_unit, lag_exact) SELECT id, row_version, "
            "predecessor_id, successor_id, type, lag_days, 1, 'day', NULL FROM dependency"
        )
        conn.exec_driver_sql("DROP TABLE dependency")
        conn.exec_driver_sql("ALTER TABLE dependency_v3 RENAME TO dependency")
        for ddl in _DEPENDENCY_INDEXES:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(_ELIMINATION_V3)
        conn.exec_driver_sql(
            f"INSERT INTO elimination_review_v3 ({_ELIMINATION_COLUMNS}) "
            f"SELECT {_ELIMINATION_COLUMNS} FROM elimination_review"
        )
        conn.exec_driver_sql("DROP TABLE elimination_review")
        conn.exec_driver_sql("ALTER TABLE elimination_review_v3 RENAME TO elimination_review")
        conn.exec_driver_sql(
            "CREATE INDEX ix_elimination_review_product_id ON elimination_review (product_id)"
        )
    elif dialect == "postgresql":
        for ddl in (
            "ALTER TABLE dependency ADD COLUMN lag_elapsed BOOLEAN NOT NULL DEFAULT TRUE",
            "ALTER TABLE dependency ALTER COLUMN lag_elapsed DROP DEFAULT",
            "ALTER TABLE dependency ADD COLUMN lag_unit VARCHAR(32) NOT NULL DEFAULT 'day'",
            "ALTER TABLE dependency ALTER COLUMN lag_unit DROP DEFAULT",
            "ALTER TABLE dependency ADD COLUMN lag_exact INTEGER",
            f"ALTER TABLE dependency ADD CONSTRAINT ck_dependency_lagunit "
            f"CHECK (lag_unit IN ({_LAG_UNITS}))",
            "ALTER TABLE elimination_review ADD COLUMN end_of_sale_item_id INTEGER "
            "CONSTRAINT fk_elimination_review_end_of_sale_item_id_roadmap_item "
            "REFERENCES roadmap_item (id) ON DELETE SET NULL",
            "ALTER TABLE elimination_review ADD COLUMN end_of_support_item_id INTEGER "
            "CONSTRAINT fk_elimination_review_end_of_support_item_id_roadmap_item "
            "REFERENCES roadmap_item (id) ON DELETE SET NULL",
        ):
            conn.exec_driver_sql(ddl)
    else:
        raise RuntimeError(f"no format 3 migration for a {dialect} database")
    _WORK_CALENDAR_V3.create(conn)
    _CALENDAR_EXCEPTION_V3.create(conn)
    conn.execute(
        _WORK_CALENDAR_V3.insert().values(
            product_id=None,
            name="Standard",
            weekdays=31,
            day_start=540,
            day_end=1020,
            minutes_per_day=480,
            row_version=1,
        )
    )
    _link_elimination_milestones(conn)


def _link_elimination_milestones(conn: Connection) -> None:
    """Each review's milestone, found by its format 2 marker, by id; the marker leaves the notes."""
    reviews = conn.exec_driver_sql("SELECT id, product_id FROM elimination_review").all()
    for review_id, product_id in reviews:
        for column, words in _MARKER_KEYS:
            marker = f"[elimination review {review_id}: {words}]"
            row = conn.execute(
                sa.text(
                    "SELECT id, notes FROM roadmap_item WHERE product_id = :product "
                    "AND kind = 'milestone' AND instr(notes, :marker) > 0 ORDER BY id LIMIT 1"
                    if conn.dialect.name == "sqlite"
                    else "SELECT id, notes FROM roadmap_item WHERE product_id = :product "
                    "AND kind = 'milestone' AND strpos(notes, :marker) > 0 ORDER BY id LIMIT 1"
                ),
                {"product": product_id, "marker": marker},
            ).first()
            if row is None:
                continue
            item_id, notes = row.id, str(row.notes)
            conn.execute(
                sa.text(f"UPDATE elimination_review SET {column}_item_id = :item WHERE id = :id"),
                {"item": item_id, "id": review_id},
            )
            conn.execute(
                sa.text("UPDATE roadmap_item SET notes = :notes WHERE id = :id"),
                {"notes": notes.replace(f" {marker}", "").replace(marker, ""), "id": item_id},
            )


# -- format 4: the business of a product: business case, signed versions, costs, prices --------

_V4 = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
# Stubs: the new tables refer to these.
sa.Table("product", _V4, sa.Column("id", sa.Integer, primary_key=True))
sa.Table("gate_review", _V4, sa.Column("id", sa.Integer, primary_key=True))


def _v4_enum(name: str, *values: str) -> sa.Enum:
    """An enumeration as format 4 stores it: VARCHAR(32) and a CHECK named ck_<table>_<name>."""
    return sa.Enum(*values, native_enum=False, create_constraint=True, length=32, name=name)


def _v4_key(name: str, target: str, *, ondelete: str = "CASCADE", nullable: bool = False):
    return sa.Column(
        name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


def _v4_entity() -> tuple[sa.Column, sa.Column]:
    return (
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("row_version", sa.Integer, nullable=False),
    )


def _v4_number(column: str) -> str:
    return f"CAST({column} AS NUMERIC)"


def _v4_not_negative(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{_v4_number(column)} >= 0", name=f"{column}_not_negative")


def _v4_fraction(column: str) -> sa.CheckConstraint:
    number = _v4_number(column)
    return sa.CheckConstraint(f"{number} >= 0 AND {number} <= 1", name=f"{column}_fraction")


_BUSINESS_CASE_V4 = sa.Table(
    "business_case",
    _V4,
    _v4_key("product_id", "product.id"),
    sa.Column("currency", sa.String(3), nullable=False),
    sa.Column("period", _v4_enum("period", "year", "quarter", "month"), nullable=False),
    sa.Column("horizon", sa.Integer, nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("pricing_model", _v4_enum("pricingmodel", "unit", "subscription"), nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("product_id"),
    sa.CheckConstraint("horizon BETWEEN 1 AND 400", name="horizon_range"),
    sa.CheckConstraint(
        "length(currency) = 3 AND upper(currency) = currency AND lower(currency) <> currency",
        name="currency_code",
    ),
)

_BUSINESS_DRIVER_V4 = sa.Table(
    "business_driver",
    _V4,
    _v4_key("case_id", "business_case.id"),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("case_id", "key"),
    sa.CheckConstraint("length(trim(key)) > 0", name="key_not_blank"),
)

_BUSINESS_SCENARIO_V4 = sa.Table(
    "business_scenario",
    _V4,
    _v4_key("case_id", "business_case.id"),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("sort_order", sa.Integer, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("case_id", "name"),
    sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
)

_SCENARIO_OVERRIDE_V4 = sa.Table(
    "scenario_override",
    _V4,
    _v4_key("scenario_id", "business_scenario.id"),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("value", sa.Text, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("scenario_id", "key"),
    sa.CheckConstraint("length(trim(key)) > 0", name="key_not_blank"),
)

_BUSINESS_CASE_VERSION_V4 = sa.Table(
    "business_case_version",
    _V4,
    _v4_key("case_id", "business_case.id"),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("signed_by", sa.String(200), nullable=False),
    sa.Column("signed_on", sa.Date, nullable=False),
    sa.Column("scenario", sa.String(100), nullable=False),
    _v4_key("gate_review_id", "gate_review.id", ondelete="SET NULL", nullable=True),
    sa.Column("content", sa.JSON, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("case_id", "version"),
    sa.CheckConstraint("version >= 1", name="version_positive"),
    sa.CheckConstraint("length(trim(signed_by)) > 0", name="signed_by_not_blank"),
)

_COST_ITEM_V4 = sa.Table(
    "cost_item",
    _V4,
    _v4_key("product_id", "product.id"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("quantity", sa.Text, nullable=False),
    sa.Column("unit_cost", sa.Text, nullable=False),
    sa.Column("sort_order", sa.Integer, nullable=False),
    *_v4_entity(),
    sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    _v4_not_negative("quantity"),
    _v4_not_negative("unit_cost"),
)

_PRICE_POINT_V4 = sa.Table(
    "price_point",
    _V4,
    _v4_key("product_id", "product.id"),
    sa.Column("segment", sa.String(200), nullable=False),
    sa.Column("tier", sa.String(200), nullable=False),
    sa.Column("channel", sa.String(200), nullable=False),
    sa.Column("list_price", sa.Text, nullable=False),
    sa.Column("discount", sa.Text, nullable=False),
    sa.Column("channel_margin", sa.Text, nullable=False),
    sa.Column("target_margin", sa.Text, nullable=False),
    sa.Column("sort_order", sa.Integer, nullable=False),
    *_v4_entity(),
    _v4_not_negative("list_price"),
    _v4_fraction("discount"),
    _v4_fraction("channel_margin"),
    _v4_fraction("target_margin"),
)

# Parents before children.
_FORMAT_4_TABLES = (
    _BUSINESS_CASE_V4,
    _BUSINESS_DRIVER_V4,
    _BUSINESS_SCENARIO_V4,
    _SCENARIO_OVERRIDE_V4,
    _BUSINESS_CASE_VERSION_V4,
    _COST_ITEM_V4,
    _PRICE_POINT_V4,
)


def to_format_4(conn: Connection) -> None:
    """The business of a product: seven new tables, empty; no existing row changes.

    The same DDL serves both engines (the tables are new, nothing is rebuilt); a product
    gets its business case when someone makes one.
    """
    if conn.dialect.name not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no format 4 migration for a {conn.dialect.name} database")
    for table in _FORMAT_4_TABLES:
        table.create(conn)


# -- format 5: the market radar: competitors, comparison matrix, signals, feedback, limits ------

_V5 = sa.MetaData(naming_convention=_V4.naming_convention)
# Stubs: the new tables refer to these.
for _name in ("product", "requirement", "canvas_note", "roadmap_item"):
    sa.Table(_name, _V5, sa.Column("id", sa.Integer, primary_key=True))


def _v5_key(name: str, target: str, *, ondelete: str = "CASCADE", nullable: bool = False):
    return sa.Column(
        name, sa.Integer, sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )


def _v5_link(table: str, left: tuple[str, str], right: tuple[str, str]) -> sa.Table:
    """A many-to-many link: both keys the primary key, the second one indexed."""
    return sa.Table(
        table,
        _V5,
        sa.Column(
            left[0], sa.Integer, sa.ForeignKey(left[1], ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            right[0],
            sa.Integer,
            sa.ForeignKey(right[1], ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )


def _v5_score(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN 0 AND 5", name=f"{column}_range")


def _v5_not_blank(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"length(trim({column})) > 0", name=f"{column}_not_blank")


def _v5_optional_not_negative(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} IS NULL OR {_v4_number(column)} >= 0", name=f"{column}_not_negative"
    )


_IMPORTANCE = ("critical", "high", "medium", "low")

_COMPETITOR_V5 = sa.Table(
    "competitor",
    _V5,
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("website", sa.String(500), nullable=False),
    sa.Column("segment", sa.String(200), nullable=False),
    sa.Column("positioning", sa.Text, nullable=False),
    sa.Column("pricing", sa.Text, nullable=False),
    sa.Column("market_share", sa.Text, nullable=True),
    sa.Column("price_index", sa.Integer, nullable=True),
    sa.Column("strengths", sa.Text, nullable=False),
    sa.Column("weaknesses", sa.Text, nullable=False),
    sa.Column("recent_moves", sa.Text, nullable=False),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("market_overlap", sa.Integer, nullable=False),
    sa.Column("product_strength", sa.Integer, nullable=False),
    sa.Column("momentum", sa.Integer, nullable=False),
    sa.Column("price_pressure", sa.Integer, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("name"),
    _v5_not_blank("name"),
    sa.CheckConstraint(
        f"market_share IS NULL OR ({_v4_number('market_share')} >= 0 "
        f"AND {_v4_number('market_share')} <= 1)",
        name="market_share_fraction",
    ),
    sa.CheckConstraint(
        "price_index IS NULL OR price_index BETWEEN 0 AND 100000", name="price_index_range"
    ),
    _v5_score("market_overlap"),
    _v5_score("product_strength"),
    _v5_score("momentum"),
    _v5_score("price_pressure"),
)

_PRODUCT_COMPETITOR_V5 = _v5_link(
    "product_competitor", ("product_id", "product.id"), ("competitor_id", "competitor.id")
)

_CAPABILITY_V5 = sa.Table(
    "capability",
    _V5,
    _v5_key("product_id", "product.id"),
    sa.Column("name", sa.String(300), nullable=False),
    _v5_key("requirement_id", "requirement.id", ondelete="SET NULL", nullable=True),
    _v5_key("note_id", "canvas_note.id", ondelete="SET NULL", nullable=True),
    sa.Column("sort_order", sa.Integer, nullable=False),
    *_v4_entity(),
    _v5_not_blank("name"),
)

_COMPARISON_CELL_V5 = sa.Table(
    "comparison_cell",
    _V5,
    _v5_key("capability_id", "capability.id"),
    _v5_key("competitor_id", "competitor.id", nullable=True),
    sa.Column("level", _v4_enum("celllevel", "full", "partial", "none", "unknown"), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("checked_on", sa.Date, nullable=True),
    *_v4_entity(),
)

_WIN_LOSS_V5 = sa.Table(
    "win_loss",
    _V5,
    _v5_key("competitor_id", "competitor.id"),
    _v5_key("product_id", "product.id", ondelete="SET NULL", nullable=True),
    sa.Column("deal", sa.String(300), nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("outcome", _v4_enum("dealoutcome", "won", "lost", "no_decision"), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("value", sa.Text, nullable=True),
    *_v4_entity(),
    _v5_optional_not_negative("value"),
)

_MARKET_SIGNAL_V5 = sa.Table(
    "market_signal",
    _V5,
    sa.Column("date", sa.Date, nullable=False, index=True),
    sa.Column(
        "kind",
        _v4_enum(
            "signalkind",
            "competitor_move",
            "customer_insight",
            "regulation",
            "technology_trend",
            "partner",
            "win_loss",
        ),
        nullable=False,
    ),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("impact", _v4_enum("impact", "high", "medium", "low"), nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    *_v4_entity(),
    _v5_not_blank("title"),
)

_SIGNAL_PRODUCT_V5 = _v5_link(
    "signal_product", ("signal_id", "market_signal.id"), ("product_id", "product.id")
)
_SIGNAL_COMPETITOR_V5 = _v5_link(
    "signal_competitor", ("signal_id", "market_signal.id"), ("competitor_id", "competitor.id")
)
_SIGNAL_REQUIREMENT_V5 = _v5_link(
    "signal_requirement", ("signal_id", "market_signal.id"), ("requirement_id", "requirement.id")
)

_FEEDBACK_V5 = sa.Table(
    "feedback",
    _V5,
    _v5_key("product_id", "product.id", ondelete="SET NULL", nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("customer", sa.String(200), nullable=False),
    sa.Column("contact", sa.String(200), nullable=False),
    sa.Column(
        "source",
        _v4_enum("feedbacksource", "sales_call", "support_ticket", "interview", "survey", "other"),
        nullable=False,
    ),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("revenue", sa.Text, nullable=True),
    sa.Column("segment", sa.String(200), nullable=False),
    sa.Column("importance", _v4_enum("importance", *_IMPORTANCE), nullable=False),
    sa.Column("status", _v4_enum("feedbackstatus", "new", "linked", "archived"), nullable=False),
    sa.Column("archive_reason", sa.Text, nullable=False),
    *_v4_entity(),
    _v5_not_blank("text"),
    _v5_optional_not_negative("revenue"),
)

_FEEDBACK_REQUIREMENT_V5 = _v5_link(
    "feedback_requirement", ("feedback_id", "feedback.id"), ("requirement_id", "requirement.id")
)

_LIMITATION_V5 = sa.Table(
    "limitation",
    _V5,
    _v5_key("product_id", "product.id"),
    _v5_key("item_id", "roadmap_item.id", ondelete="SET NULL", nullable=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("workaround", sa.Text, nullable=False),
    sa.Column("kind", _v4_enum("limitationkind", "limitation", "known_issue"), nullable=False),
    sa.Column(
        "status", _v4_enum("limitationstatus", "open", "fix_planned", "resolved"), nullable=False
    ),
    sa.Column("sort_order", sa.Integer, nullable=False),
    *_v4_entity(),
    _v5_not_blank("description"),
)

# Parents before children.
_FORMAT_5_TABLES = (
    _COMPETITOR_V5,
    _PRODUCT_COMPETITOR_V5,
    _CAPABILITY_V5,
    _COMPARISON_CELL_V5,
    _WIN_LOSS_V5,
    _MARKET_SIGNAL_V5,
    _SIGNAL_PRODUCT_V5,
    _SIGNAL_COMPETITOR_V5,
    _SIGNAL_REQUIREMENT_V5,
    _FEEDBACK_V5,
    _FEEDBACK_REQUIREMENT_V5,
    _LIMITATION_V5,
)


_V5_TARGETS = "'canvas_note', 'requirement', 'feedback'"
_V5_ONE_TARGET = (
    "(CASE WHEN note_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN requirement_id IS NULL THEN 0 ELSE 1 END"
    " + CASE WHEN feedback_id IS NULL THEN 0 ELSE 1 END) = 1"
)

# vote_round and vote as format 5 defines them on SQLite: a round may vote on feedback
# items, and a dot is on exactly one of a note, a requirement or a feedback item.
_VOTE_ROUND_V5 = f"""
CREATE TABLE vote_round_v5 (
    product_id INTEGER NOT NULL,
    target VARCHAR(32) NOT NULL,
    board_id INTEGER,
    title VARCHAR(200) NOT NULL,
    held_at DATETIME NOT NULL,
    dots_per_participant INTEGER NOT NULL,
    participants JSON NOT NULL,
    revealed BOOLEAN NOT NULL,
    id INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    CONSTRAINT pk_vote_round PRIMARY KEY (id),
    CONSTRAINT ck_vote_round_dots_positive CHECK (dots_per_participant >= 1),
    CONSTRAINT fk_vote_round_product_id_product FOREIGN KEY(product_id)
        REFERENCES product (id) ON DELETE CASCADE,
    CONSTRAINT ck_vote_round_votetarget CHECK (target IN ({_V5_TARGETS})),
    CONSTRAINT fk_vote_round_board_id_canvas_board FOREIGN KEY(board_id)
        REFERENCES canvas_board (id) ON DELETE CASCADE
)
"""
_VOTE_ROUND_COLUMNS = (
    "product_id, target, board_id, title, held_at, dots_per_participant, participants, "
    "revealed, id, row_version"
)
_VOTE_ROUND_INDEXES = (
    "CREATE INDEX ix_vote_round_board_id ON vote_round (board_id)",
    "CREATE INDEX ix_vote_round_product_id ON vote_round (product_id)",
)

_VOTE_V5 = f"""
CREATE TABLE vote_v5 (
    round_id INTEGER NOT NULL,
    participant VARCHAR(200) NOT NULL,
    note_id INTEGER,
    requirement_id INTEGER,
    feedback_id INTEGER,
    id INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    CONSTRAINT pk_vote PRIMARY KEY (id),
    CONSTRAINT ck_vote_exactly_one_target CHECK ({_V5_ONE_TARGET}),
    CONSTRAINT fk_vote_round_id_vote_round FOREIGN KEY(round_id)
        REFERENCES vote_round (id) ON DELETE CASCADE,
    CONSTRAINT fk_vote_note_id_canvas_note FOREIGN KEY(note_id)
        REFERENCES canvas_note (id) ON DELETE CASCADE,
    CONSTRAINT fk_vote_requirement_id_requirement FOREIGN KEY(requirement_id)
        REFERENCES requirement (id) ON DELETE CASCADE,
    CONSTRAINT fk_vote_feedback_id_feedback FOREIGN KEY(feedback_id)
        REFERENCES feedback (id) ON DELETE CASCADE
)
"""
_VOTE_COLUMNS = "round_id, participant, note_id, requirement_id, id, row_version"
_VOTE_INDEXES = (
    "CREATE INDEX ix_vote_feedback_id ON vote (feedback_id)",
    "CREATE INDEX ix_vote_note_id ON vote (note_id)",
    "CREATE INDEX ix_vote_requirement_id ON vote (requirement_id)",
    "CREATE INDEX ix_vote_round_id ON vote (round_id)",
)


def to_format_5(conn: Connection) -> None:
    """The market radar: twelve new tables, empty; dot voting reaches feedback items.

    No existing row changes. A vote round may now vote on feedback items and a dot may
    be on one: SQLite rebuilds ``vote_round`` and ``vote`` (a CHECK cannot be altered
    there), PostgreSQL alters them.
    """
    dialect = conn.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no format 5 migration for a {dialect} database")
    for table in _FORMAT_5_TABLES:
        table.create(conn)
    if dialect == "sqlite":
        _rebuild_sqlite(
            conn, "vote_round", _VOTE_ROUND_V5, _VOTE_ROUND_COLUMNS, _VOTE_ROUND_INDEXES
        )
        _rebuild_sqlite(conn, "vote", _VOTE_V5, _VOTE_COLUMNS, _VOTE_INDEXES)
        return
    for statement in (
        "ALTER TABLE vote_round DROP CONSTRAINT ck_vote_round_votetarget",
        "ALTER TABLE vote_round ADD CONSTRAINT ck_vote_round_votetarget "
        f"CHECK (target IN ({_V5_TARGETS}))",
        "ALTER TABLE vote ADD COLUMN feedback_id INTEGER",
        "ALTER TABLE vote ADD CONSTRAINT fk_vote_feedback_id_feedback FOREIGN KEY (feedback_id) "
        "REFERENCES feedback (id) ON DELETE CASCADE",
        "CREATE INDEX ix_vote_feedback_id ON vote (feedback_id)",
        "ALTER TABLE vote DROP CONSTRAINT ck_vote_exactly_one_target",
        f"ALTER TABLE vote ADD CONSTRAINT ck_vote_exactly_one_target CHECK ({_V5_ONE_TARGET})",
    ):
        conn.exec_driver_sql(statement)


def _rebuild_sqlite(
    conn: Connection, table: str, ddl: str, columns: str, indexes: tuple[str, ...]
) -> None:
    """New table (``<table>_v5``), copy, drop the old (its indexes go with it), rename,
    indexes; foreign keys are off during an upgrade, so the drop cascades to nothing."""
    conn.exec_driver_sql(ddl)
    conn.exec_driver_sql(f"INSERT INTO {table}_v5 ({columns}) SELECT {columns} FROM {table}")
    conn.exec_driver_sql(f"DROP TABLE {table}")
    conn.exec_driver_sql(f"ALTER TABLE {table}_v5 RENAME TO {table}")
    for statement in indexes:
        conn.exec_driver_sql(statement)


# -- format 6: the portfolio's history: edits, their entries row by row, named snapshots ----------

_V6 = sa.MetaData(naming_convention=_V4.naming_convention)


def _v6_enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, native_enum=False, create_constraint=True, length=32, name=name)


_CHANGE_EDIT_V6 = sa.Table(
    "change_edit",
    _V6,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("label", sa.String(200), nullable=False),
)

_CHANGE_ENTRY_V6 = sa.Table(
    "change_entry",
    _V6,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "edit_id",
        sa.Integer,
        sa.ForeignKey("change_edit.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("row_key", sa.String(100), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", _v6_enum("entrykind", "added", "removed", "changed"), nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.CheckConstraint("length(CAST(fields AS TEXT)) <= 60000", name="fields_not_too_long"),
    sa.CheckConstraint("length(trim(table_name)) > 0", name="table_name_not_blank"),
)

_HISTORY_SNAPSHOT_V6 = sa.Table(
    "history_snapshot",
    _V6,
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column(
        "kind", _v6_enum("snapshotkind", "manual", "gate", "baseline", "auto"), nullable=False
    ),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("name"),
    sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
)

_FORMAT_6_TABLES = (_CHANGE_EDIT_V6, _CHANGE_ENTRY_V6, _HISTORY_SNAPSHOT_V6)


def to_format_6(conn: Connection) -> None:
    """The portfolio's history: three new tables, empty; no existing row changes.

    What happened before the upgrade is not known, so the history starts with it.
    """
    if conn.dialect.name not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no format 6 migration for a {conn.dialect.name} database")
    for table in _FORMAT_6_TABLES:
        table.create(conn)


# -- format 7: what-if scenarios, each a named list of changes to the plan ------------------------

_V7 = sa.MetaData(naming_convention=_V4.naming_convention)
sa.Table("product", _V7, sa.Column("id", sa.Integer, primary_key=True))  # a stub: referred to

_WHAT_IF_V7 = sa.Table(
    "what_if",
    _V7,
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column(
        "product_id",
        sa.Integer,
        sa.ForeignKey("product.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    *_v4_entity(),
    sa.UniqueConstraint("name"),
    sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
)


def to_format_7(conn: Connection) -> None:
    """What-if scenarios: one new table, empty; no existing row changes."""
    if conn.dialect.name not in ("sqlite", "postgresql"):
        raise RuntimeError(f"no format 7 migration for a {conn.dialect.name} database")
    _WHAT_IF_V7.create(conn)
