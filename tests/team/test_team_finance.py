"""The business case on a team workspace (real PostgreSQL): exact, guarded, migrated.

Two clients on one database: "mine" edits from what it last read, "theirs" changes the same
row in between, and the stale edit is refused as every other edit is. Older team databases
(formats 2 and 3; format 1 in test_team_migration.py) gain the business tables on connect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core import finance as core
from pmdesk.core.errors import ValidationError
from pmdesk.store import schema
from pmdesk.store.demo import create_demo
from pmdesk.store.factory import connect_workspace
from pmdesk.store.models import Base
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.team_copy import file_to_team
from pmdesk.store.team_server import team_url
from pmdesk.store.team_versions import ConflictError

FORMAT_4_TABLES = (
    "price_point",
    "cost_item",
    "business_case_version",
    "scenario_override",
    "business_scenario",
    "business_driver",
    "business_case",
)


def _case(ws) -> tuple[int, int]:
    pid = ws.service(PortfolioService).create_product(name="Ledger <&> 🚀").id
    case_id = ws.service(FinanceService).create_case(
        pid, currency="CHF", period="quarter", horizon=12, start=dt.date(2027, 1, 1)
    )
    return pid, case_id


def test_a_case_is_stored_exactly_on_the_server(connect):
    mine = connect()
    pid, case_id = _case(mine)
    finance = mine.service(FinanceService)
    finance.set_driver(case_id, "price", "0.1")
    finance.set_driver(case_id, "units_growth", "0.30000000000000004")
    finance.add_cost_item(pid, "Part", "0.1", "0.2")
    finance.add_price_point(pid, "SMB", "Pro", "Web", "1,234.565", "12.5 %", "0", "0.3")
    version = finance.sign_off(case_id, signed_by="Board", scenario="Base")
    with mine.engine.connect() as conn:
        stored = dict(conn.exec_driver_sql("SELECT key, value FROM business_driver").all())
        kinds = conn.exec_driver_sql(
            "SELECT DISTINCT data_type FROM information_schema.columns "
            "WHERE table_name = 'business_driver' AND column_name = 'value'"
        ).all()
    assert (stored["price"], stored["units_growth"]) == ("0.10", "0.30000000000000004")
    assert kinds == [("text",)]
    other = connect().service(FinanceService)
    details = other.case_details(pid)
    assert details.case.unit_cost_from_build_up == Decimal("0.02")
    assert details.price_points[0].list_price == Decimal("1234.57")
    assert other.version_content(version) == finance.version_content(version)
    assert other.signed_case(pid)[1] == finance.business_case(pid)
    core.evaluate_all(details.case)


def test_the_servers_checks_refuse_what_the_service_refuses(connect):
    mine = connect()
    pid, case_id = _case(mine)
    finance = mine.service(FinanceService)
    point = finance.add_price_point(pid, "SMB", "Pro", "Web", "10")
    with pytest.raises(ValidationError, match="Discount"):
        finance.update_price_point(point, discount="1.5")
    with pytest.raises(ValidationError, match="discount fraction"):
        with mine.transaction() as uow:
            uow.update("price_point", point, discount=Decimal("1.5"))
    with pytest.raises(ValidationError, match="horizon range"):
        with mine.transaction() as uow:
            uow.update("business_case", case_id, horizon=0)
    assert finance.price_points(pid)[0].discount == 0


def test_a_stale_driver_edit_is_refused_and_goes_through_once_read_again(connect):
    mine, theirs = connect(), connect()
    pid, case_id = _case(mine)
    mine_finance, their_finance = mine.service(FinanceService), theirs.service(FinanceService)
    mine_finance.case_details(pid)  # what my Business case view shows
    their_finance.case_details(pid)
    their_finance.set_driver(case_id, "price", "450")
    with pytest.raises(ConflictError) as refused:
        mine_finance.set_driver(case_id, "price", "500")
    assert refused.value.kind == "business_driver"
    assert their_finance.case_details(pid).drivers["price"] == Decimal("450.00")
    mine_finance.case_details(pid)  # their change arrives; my screen re-reads
    mine_finance.set_driver(case_id, "price", "500")
    assert their_finance.case_details(pid).drivers["price"] == Decimal("500.00")


def test_stale_settings_scenarios_costs_and_prices_are_refused(connect):
    mine, theirs = connect(), connect()
    pid, case_id = _case(mine)
    mine_finance, their_finance = mine.service(FinanceService), theirs.service(FinanceService)
    item = mine_finance.add_cost_item(pid, "Part", "1", "2")
    point = mine_finance.add_price_point(pid, "SMB", "Pro", "Web", "10")
    best = {s.name: s.id for s in mine_finance.case_details(pid).scenarios}["Best"]
    mine_finance.case_details(pid)
    their_finance.case_details(pid)
    their_finance.update_settings(case_id, horizon=8)
    their_finance.rename_scenario(best, "Bright")
    their_finance.update_cost_item(item, quantity="3")
    their_finance.update_price_point(point, list_price="11")
    for stale in (
        lambda: mine_finance.update_settings(case_id, horizon=16),
        lambda: mine_finance.rename_scenario(best, "Sunny"),
        lambda: mine_finance.update_cost_item(item, quantity="5"),
        lambda: mine_finance.delete_price_point(point),
    ):
        with pytest.raises(ConflictError):
            stale()
    details = their_finance.case_details(pid)
    assert details.settings.horizon == 8
    assert "Bright" in [s.name for s in details.scenarios]
    assert details.cost_items[0].quantity == 3 and details.price_points[0].list_price == 11


def test_undo_of_a_driver_someone_changed_since_is_refused(connect):
    mine, theirs = connect(), connect()
    pid, case_id = _case(mine)
    mine_finance, their_finance = mine.service(FinanceService), theirs.service(FinanceService)
    mine_finance.case_details(pid)
    with mine.recording() as journal:
        mine_finance.set_driver(case_id, "churn", "3 %")
    their_finance.case_details(pid)
    their_finance.set_driver(case_id, "churn", "4 %")
    with pytest.raises(ConflictError) as refused:
        mine.revert(journal)
    assert refused.value.kind == "business_driver"
    assert their_finance.case_details(pid).drivers["churn"] == Decimal("0.04")


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


# -- older team databases ---------------------------------------------------------------------------


def _downgrade(engine: sa.Engine, version: int) -> None:
    """Take formats 5 and 4 (and for format 2, format 3's changes) out of a current database."""
    with engine.begin() as conn:
        for statement in FORMAT_5_UNDO:
            conn.exec_driver_sql(statement)
        for table in FORMAT_7_TABLES + FORMAT_6_TABLES + FORMAT_5_TABLES + tuple(FORMAT_4_TABLES):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        if version == 2:
            for table in ("calendar_exception", "work_calendar"):
                conn.exec_driver_sql(f"DROP TABLE {table}")
            for column in ("lag_elapsed", "lag_unit", "lag_exact"):
                conn.exec_driver_sql(f"ALTER TABLE dependency DROP COLUMN {column}")
            for column in ("end_of_sale_item_id", "end_of_support_item_id"):
                conn.exec_driver_sql(f"ALTER TABLE elimination_review DROP COLUMN {column}")
        conn.exec_driver_sql(f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'")


@pytest.fixture(params=[2, 3], ids=["format 2", "format 3"])
def older_team_db(request, empty_db, pg_server, tmp_path: Path) -> Iterator[tuple[str, int]]:
    file_to_team(create_demo(tmp_path / "demo.pmdesk"), empty_db, pg_server.password)
    engine = sa.create_engine(team_url(empty_db, pg_server.password), poolclass=sa.pool.NullPool)
    _downgrade(engine, request.param)
    yield empty_db, request.param
    engine.dispose()


def _checks(conn: sa.Connection, table: str) -> list[str]:
    return list(
        conn.execute(
            sa.text(
                "SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
                "AND contype = 'c' ORDER BY conname"
            ),
            {"t": table},
        ).scalars()
    )


def test_an_older_team_database_gains_the_business_tables_on_connect(older_team_db, pg_server):
    url, version = older_team_db
    engine = sa.create_engine(team_url(url, pg_server.password), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            products = conn.exec_driver_sql("SELECT count(*) FROM product").scalar_one()
        with connect_workspace(url, pg_server.password, listen=False) as ws:
            assert ws.schema_version == schema.SCHEMA_VERSION >= 4
            with ws.engine.connect() as conn:
                for table in FORMAT_4_TABLES:
                    count = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                    assert count == 0, table
                    expected = sorted(
                        str(c.name)
                        for c in Base.metadata.tables[table].constraints
                        if isinstance(c, sa.CheckConstraint)
                    )
                    assert _checks(conn, table) == expected, table
                assert conn.exec_driver_sql("SELECT count(*) FROM product").scalar_one() == (
                    products
                )
            finance = ws.service(FinanceService)
            pid = ws.service(PortfolioService).list_products()[0].id
            case_id = finance.create_case(pid, currency="SEK")
            finance.set_driver(case_id, "price", "99.995")
            finance.sign_off(case_id, signed_by="Board", scenario="Base")
            assert finance.signed_case(pid)[1].drivers["price"] == Decimal("100.00")
    finally:
        engine.dispose()
    assert version in (2, 3)
