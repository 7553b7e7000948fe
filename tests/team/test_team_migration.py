"""A team database of an older format is upgraded on connect, like a file on open.

Format 1 team databases differ from format 1 files: PostgreSQL refuses two
CHECK constraints of one name, so pmdesk 0.1.0 wrote gate_review.recycle_to's
as ``ck_gate_review_stage_recycle_to``. Format 2 names it
``ck_gate_review_recycle_to`` on both engines, with no DDL rewriting.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core.errors import ValidationError
from pmdesk.store import schema
from pmdesk.store.demo import create_demo
from pmdesk.store.errors import UpgradeFailedError
from pmdesk.store.factory import connect_workspace
from pmdesk.store.models import Base
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService, WhatIfService
from pmdesk.store.team_copy import file_to_team, read_table
from pmdesk.store.team_server import team_url

V2_GATE_CHECKS = [
    "ck_gate_review_gatedecision",
    "ck_gate_review_recycle_to",
    "ck_gate_review_stage",
]


def _checks(conn: sa.Connection, table: str) -> list[str]:
    """The CHECK constraints PostgreSQL holds on ``table`` (NOT NULL is not one in 15)."""
    return list(
        conn.execute(
            sa.text(
                "SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
                "AND contype = 'c' ORDER BY conname"
            ),
            {"t": table},
        ).scalars()
    )


def _snapshot(conn: sa.Connection) -> dict[str, list[dict]]:
    """Every row of every table but meta (its version is meant to change)."""
    return {t.name: read_table(conn, t) for t in Base.metadata.sorted_tables if t.name != "meta"}


# What format 7 added: what-if scenarios.
FORMAT_7_TABLES = ("what_if",)
# What format 6 added (children first): the history.
FORMAT_6_TABLES = ("change_entry", "change_edit", "history_snapshot")
# What format 5 added (children first): the market radar.
FORMAT_5_TABLES = (
    "limitation",
    "feedback_requirement",
    "feedback",
    "signal_requirement",
    "signal_competitor",
    "signal_product",
    "market_signal",
    "win_loss",
    "comparison_cell",
    "capability",
    "product_competitor",
    "competitor",
)
# What format 5 changed in tables it did not add: dot voting reaches feedback items.
FORMAT_5_UNDO = (
    "DELETE FROM vote WHERE feedback_id IS NOT NULL",
    "ALTER TABLE vote DROP COLUMN feedback_id",  # its key, index and check go with it
    "ALTER TABLE vote ADD CONSTRAINT ck_vote_exactly_one_target "
    "CHECK ((note_id IS NULL) <> (requirement_id IS NULL))",
    "ALTER TABLE vote_round DROP CONSTRAINT ck_vote_round_votetarget",
    "ALTER TABLE vote_round ADD CONSTRAINT ck_vote_round_votetarget "
    "CHECK (target IN ('canvas_note', 'requirement'))",
)
# What format 4 added (children first), taken out again to make an older database.
FORMAT_4_TABLES = (
    "price_point",
    "cost_item",
    "business_case_version",
    "scenario_override",
    "business_scenario",
    "business_driver",
    "business_case",
)
# What format 3 added, taken out again to make a format 1 database of a current one.
FORMAT_3_TABLES = ("calendar_exception", "work_calendar")
FORMAT_3_COLUMNS = {
    "dependency": ("lag_elapsed", "lag_unit", "lag_exact"),
    "elimination_review": ("end_of_sale_item_id", "end_of_support_item_id"),
}
MARKER = "[elimination review {id}: end of sale]"


def _format_1_snapshot(conn: sa.Connection) -> dict[str, list[dict]]:
    """The rows of the tables format 1 has, in the columns it has, read with plain SQL."""
    found = {}
    for table in Base.metadata.sorted_tables:
        if (
            table.name == "meta"
            or table.name
            in FORMAT_3_TABLES
            + FORMAT_4_TABLES
            + FORMAT_5_TABLES
            + FORMAT_6_TABLES
            + FORMAT_7_TABLES
        ):
            continue
        dropped = FORMAT_3_COLUMNS.get(table.name, ()) + (
            ("feedback_id",) if table.name == "vote" else ()
        )
        rows = conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY 1, 2').mappings()
        found[table.name] = [{k: v for k, v in row.items() if k not in dropped} for row in rows]
    return found


def _make_format_1(engine: sa.Engine) -> None:
    """What pmdesk 0.1.0 made: the recycle check under its PostgreSQL-only name, format 1,
    without format 3's calendars and columns, an elimination milestone tied by its marker."""
    with engine.begin() as conn:
        for statement in FORMAT_5_UNDO:
            conn.exec_driver_sql(statement)
        for table in (
            FORMAT_7_TABLES + FORMAT_6_TABLES + FORMAT_5_TABLES + FORMAT_4_TABLES + FORMAT_3_TABLES
        ):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        for table, columns in FORMAT_3_COLUMNS.items():
            for column in columns:
                conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        review, product = conn.exec_driver_sql(
            "SELECT id, product_id FROM elimination_review ORDER BY id LIMIT 1"
        ).one()
        lane = conn.exec_driver_sql(
            f"SELECT id FROM lane WHERE product_id = {product} ORDER BY id LIMIT 1"
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO roadmap_item (product_id, lane_id, name, kind, start_date, "
                "end_date, progress, status, notes, sort_order, row_version) VALUES "
                "(:p, :l, 'End of sale', 'milestone', '2030-06-28', '2030-06-28', 0, "
                "'planned', :notes, 0, 1)"
            ),
            {"p": product, "l": lane, "notes": "Decided. " + MARKER.format(id=review)},
        )
        conn.exec_driver_sql(
            "ALTER TABLE gate_review RENAME CONSTRAINT ck_gate_review_recycle_to "
            "TO ck_gate_review_stage_recycle_to"
        )
        conn.exec_driver_sql("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


@pytest.fixture
def format_1_team_db(empty_db: str, pg_server, tmp_path: Path) -> Iterator[tuple[str, sa.Engine]]:
    """The demo shared the normal way, then turned back into a format 1 team database."""
    file_to_team(create_demo(tmp_path / "Demo <&> 🚀.pmdesk"), empty_db, pg_server.password)
    engine = sa.create_engine(team_url(empty_db, pg_server.password), poolclass=sa.pool.NullPool)
    _make_format_1(engine)
    yield empty_db, engine
    engine.dispose()


def test_format_1_team_database_is_upgraded_on_connect(format_1_team_db, pg_server):
    url, engine = format_1_team_db
    with engine.connect() as conn:
        assert "ck_gate_review_stage_recycle_to" in _checks(conn, "gate_review")
        before = _format_1_snapshot(conn)
    recycled = [g for g in before["gate_review"] if g["recycle_to"] is not None]
    assert recycled, "the demo should hold a Recycle decision"
    review = before["elimination_review"][0]["id"]
    milestone = next(i for i in before["roadmap_item"] if MARKER.format(id=review) in i["notes"])

    with connect_workspace(url, pg_server.password, listen=False) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION == 7
        with ws.engine.connect() as conn:
            assert _checks(conn, "gate_review") == V2_GATE_CHECKS
            after = _format_1_snapshot(conn)
            # Format 3: the marker became a key, and every lag keeps counting calendar days.
            unmarked = copy.deepcopy(after)
            marked = next(i for i in unmarked["roadmap_item"] if i["id"] == milestone["id"])
            assert marked["notes"] == "Decided."
            marked["notes"] = milestone["notes"]
            assert unmarked == before
            links = conn.exec_driver_sql(
                "SELECT DISTINCT lag_elapsed, lag_unit, lag_exact FROM dependency"
            ).all()
            assert links == [(True, "day", None)]
            tied = conn.exec_driver_sql(
                f"SELECT end_of_sale_item_id FROM elimination_review WHERE id = {review}"
            ).scalar_one()
            assert tied == milestone["id"]
            calendars = conn.exec_driver_sql(
                "SELECT product_id, weekdays, day_start, day_end FROM work_calendar"
            ).all()
            assert calendars == [(None, 31, 540, 1020)]
            for table in FORMAT_4_TABLES + FORMAT_5_TABLES + FORMAT_6_TABLES + FORMAT_7_TABLES:
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
        assert ws.service(RoadmapService).calendar_of(before["product"][0]["id"]).describe()

        # The renamed check still holds, and a refusal reads as the rule's name.
        with pytest.raises(ValidationError, match="“recycle to” of gate review"):
            with ws.transaction() as uow:
                uow.session.execute(sa.text("UPDATE gate_review SET recycle_to = 'Nowhere <&>'"))
    with engine.connect() as conn:
        assert _format_1_snapshot(conn) == after


def test_a_failed_team_upgrade_leaves_format_1_in_place(format_1_team_db, pg_server):
    """Without the constraint format 1 had, the rename fails and nothing is changed."""
    url, engine = format_1_team_db
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "ALTER TABLE gate_review DROP CONSTRAINT ck_gate_review_stage_recycle_to"
        )
        before = _checks(conn, "gate_review")

    with pytest.raises(UpgradeFailedError, match="ck_gate_review_stage_recycle_to"):
        connect_workspace(url, pg_server.password, listen=False)

    with engine.connect() as conn:
        assert _checks(conn, "gate_review") == before
        version = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'schema_version'")
        assert version.scalar_one() == "1"


def test_a_new_team_database_has_the_model_constraint_names(team_db, pg_server):
    """No name is rewritten for PostgreSQL: each table holds exactly the models' CHECK names."""
    engine = sa.create_engine(team_url(team_db, pg_server.password), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            assert _checks(conn, "gate_review") == V2_GATE_CHECKS
            for table in Base.metadata.sorted_tables:
                expected = sorted(
                    str(c.name) for c in table.constraints if isinstance(c, sa.CheckConstraint)
                )
                assert _checks(conn, table.name) == expected, table.name
    finally:
        engine.dispose()


def test_a_format_6_team_database_gains_what_if_scenarios_on_connect(team_db, pg_server):
    """Format 7's table is made on the server as in a file: same name, checks and cascade."""
    engine = sa.create_engine(team_url(team_db, pg_server.password), poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for table in FORMAT_7_TABLES:
                conn.exec_driver_sql(f"DROP TABLE {table}")
            conn.exec_driver_sql("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
        with connect_workspace(team_db, pg_server.password, listen=False) as ws:
            assert ws.schema_version == schema.SCHEMA_VERSION == 7
            scenarios = ws.service(WhatIfService)
            assert scenarios.scenarios() == []
            product = ws.service(PortfolioService).create_product(name="Atlas <&> 🚀")
            edits = ws.service(HistoryService).counts()
            made = scenarios.create("Ship <early> 🚀", product.id, note="On the server")
            assert scenarios.get(made.id).created_by == sa.make_url(team_db).username
            assert ws.service(HistoryService).counts() == edits  # no edit of the plan
            with pytest.raises(ValidationError, match="already exists"):
                scenarios.create("Ship <early> 🚀", None)
            ws.service(PortfolioService).products.delete([product.id])
            assert scenarios.scenarios() == []  # it went with its product
        with engine.connect() as conn:
            assert _checks(conn, "what_if") == ["ck_what_if_name_not_blank"]
    finally:
        engine.dispose()
