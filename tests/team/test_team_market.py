"""The market radar on a team workspace (real PostgreSQL): exact, guarded, migrated.

Two clients on one database: "mine" edits from what it last read, "theirs" changes the same
row in between, and the stale edit is refused as every other edit is. An older team
database (format 4) gains the market tables, with the models' checks, on connect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core.errors import ValidationError
from pmdesk.core.market import FeedbackStatus
from pmdesk.store import schema
from pmdesk.store.demo import create_demo
from pmdesk.store.factory import connect_workspace
from pmdesk.store.models import Base
from pmdesk.store.services import (
    CanvasService,
    MarketService,
    PortfolioService,
    RequirementService,
)
from pmdesk.store.team_copy import file_to_team
from pmdesk.store.team_server import team_url
from pmdesk.store.team_versions import ConflictError

D = dt.date
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
RTL = "שלום עולם 🚀 <b>&amp;</b>"
# What format 7 added: what-if scenarios.
FORMAT_7_TABLES = ("what_if",)
# What format 6 added (children first): the history.
FORMAT_6_TABLES = ("change_entry", "change_edit", "history_snapshot")
# What format 5 added (children first).
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


def _setup(ws) -> dict[str, int]:
    pid = ws.service(PortfolioService).create_product(name="Atlas <&> 🚀").id
    requirement = ws.service(RequirementService).requirements.create(product_id=pid, title="SSO")
    market = ws.service(MarketService)
    rival = market.add_competitor(
        f"Rival {RTL}", product_ids=[pid], market_share="0.30000000000000004", strengths=RTL
    )
    row = market.add_capability(pid, requirement_id=requirement.id)
    return {"product": pid, "requirement": requirement.id, "rival": rival, "row": row}


def test_the_market_is_stored_exactly_on_the_server(connect):
    mine = connect()
    ids = _setup(mine)
    market = mine.service(MarketService)
    market.set_cell(ids["row"], ids["rival"], "partial", RTL, D(2026, 1, 1))
    market.add_win_loss(ids["rival"], "lost", D(2026, 1, 2), value="999999999999.99")
    item = market.add_feedback("Need SSO", D(2026, 1, 3), customer="Acme", revenue="12,500.50")
    market.link_feedback(item, ids["requirement"])
    signal = market.add_signal("News", "regulation", D(2026, 1, 4), tags=["EU", RTL])
    market.signal_to_requirement(signal, ids["product"])
    with mine.engine.connect() as conn:
        share = conn.exec_driver_sql("SELECT market_share FROM competitor").scalar_one()
        value = conn.exec_driver_sql("SELECT value FROM win_loss").scalar_one()
    assert (share, value) == ("0.30000000000000004", "999999999999.99")
    other = connect().service(MarketService)
    competitor = other.competitor(ids["rival"])
    assert competitor.market_share == Decimal("0.30000000000000004")
    assert competitor.name == f"Rival {RTL}" and competitor.strengths == RTL
    assert other.matrix(ids["product"]).cell(ids["row"], ids["rival"]).evidence == RTL
    assert other.demand(ids["requirement"]).revenue == Decimal("12500.50")
    assert other.signals(tag=RTL)[0].requirement_ids
    assert other.feedback_item(item).status is FeedbackStatus.LINKED


def test_the_servers_checks_refuse_what_the_service_refuses(connect):
    mine = connect()
    ids = _setup(mine)
    market = mine.service(MarketService)
    with pytest.raises(ValidationError, match="Market share"):
        market.update_competitor(ids["rival"], market_share="1.5")
    with pytest.raises(ValidationError, match="market share fraction"):
        with mine.transaction() as uow:
            uow.update("competitor", ids["rival"], market_share=Decimal("1.5"))
    with pytest.raises(ValidationError, match="momentum range"):
        with mine.transaction() as uow:
            uow.update("competitor", ids["rival"], momentum=6)
    assert market.competitor(ids["rival"]).market_share == Decimal("0.30000000000000004")


def test_a_stale_edit_is_refused_and_goes_through_once_read_again(connect):
    mine, theirs = connect(), connect()
    ids = _setup(mine)
    my_market, their_market = mine.service(MarketService), theirs.service(MarketService)
    item = my_market.add_feedback("Need SSO", D(2026, 1, 3))
    signal = my_market.add_signal("News", "partner", D(2026, 1, 4))
    my_market.competitor(ids["rival"])  # what my Competitors view shows
    my_market.feedback_item(item)
    my_market.signal(signal)
    my_market.capabilities(ids["product"])
    their_market.competitor(ids["rival"])
    their_market.update_competitor(ids["rival"], momentum=5)
    their_market.archive_feedback(item, "Dup")
    their_market.update_signal(signal, impact="high")
    their_market.update_capability(ids["row"], name="Single sign-on")
    for stale, kind in (
        (lambda: my_market.set_threat_scores(ids["rival"], momentum=1), "competitor"),
        (lambda: my_market.update_feedback(item, customer="Acme"), "feedback"),
        (lambda: my_market.update_signal(signal, title="Old news"), "market_signal"),
        (lambda: my_market.delete_capability(ids["row"]), "capability"),
    ):
        with pytest.raises(ConflictError) as refused:
            stale()
        assert refused.value.kind == kind
    assert their_market.competitor(ids["rival"]).scores["momentum"] == 5
    assert their_market.feedback_item(item).status is FeedbackStatus.ARCHIVED
    my_market.competitor(ids["rival"])  # their change arrives; my screen re-reads
    my_market.set_threat_scores(ids["rival"], momentum=1)
    assert their_market.competitor(ids["rival"]).scores["momentum"] == 1


def test_undo_over_someone_elses_change_is_refused(connect):
    mine, theirs = connect(), connect()
    ids = _setup(mine)
    my_market, their_market = mine.service(MarketService), theirs.service(MarketService)
    my_market.competitor(ids["rival"])
    with mine.recording() as journal:
        my_market.update_competitor(ids["rival"], pricing="€49")
    their_market.competitor(ids["rival"])
    their_market.update_competitor(ids["rival"], pricing="€39")
    with pytest.raises(ConflictError) as refused:
        mine.revert(journal)
    assert refused.value.kind == "competitor"
    assert their_market.competitor(ids["rival"]).pricing == "€39"


# -- an older team database ---------------------------------------------------------------------


@pytest.fixture
def format_4_team_db(empty_db, pg_server, tmp_path: Path) -> Iterator[str]:
    file_to_team(create_demo(tmp_path / "demo.pmdesk"), empty_db, pg_server.password)
    engine = sa.create_engine(team_url(empty_db, pg_server.password), poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        for statement in FORMAT_5_UNDO:
            conn.exec_driver_sql(statement)
        for table in FORMAT_7_TABLES + FORMAT_6_TABLES + FORMAT_5_TABLES:
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.exec_driver_sql("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    engine.dispose()
    yield empty_db


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


def _indexes(conn: sa.Connection, table: str) -> list[str]:
    return list(
        conn.execute(
            sa.text(
                "SELECT indexname FROM pg_indexes WHERE tablename = :t "
                "AND indexname LIKE 'ix_%' ORDER BY indexname"
            ),
            {"t": table},
        ).scalars()
    )


def test_a_format_4_team_database_gains_the_market_tables_on_connect(format_4_team_db, pg_server):
    with connect_workspace(format_4_team_db, pg_server.password, listen=False) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION >= 5
        with ws.engine.connect() as conn:
            for table in FORMAT_5_TABLES:
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one() == 0
                model = Base.metadata.tables[table]
                expected = sorted(
                    str(c.name) for c in model.constraints if isinstance(c, sa.CheckConstraint)
                )
                assert _checks(conn, table) == expected, table
                assert _indexes(conn, table) == sorted(str(i.name) for i in model.indexes), table
            for table in ("vote", "vote_round"):  # dot voting reaches feedback items
                model = Base.metadata.tables[table]
                expected = sorted(
                    str(c.name) for c in model.constraints if isinstance(c, sa.CheckConstraint)
                )
                assert _checks(conn, table) == expected, table
                assert _indexes(conn, table) == sorted(str(i.name) for i in model.indexes), table
        pid = ws.service(PortfolioService).list_products()[0].id
        market = ws.service(MarketService)
        rival = market.add_competitor("Rival", product_ids=[pid], market_share="12 %")
        assert market.competitor(rival).market_share == Decimal("0.12")
        assert market.add_capabilities_from_requirements(pid)
        item = market.add_feedback("SSO or we leave", D(2026, 1, 1), product_id=pid)
        canvas = ws.service(CanvasService)
        dots = canvas.rounds.create(product_id=pid, target="feedback", participants=["Ann"])
        canvas.place_dot(dots.id, feedback_id=item)
        assert canvas.tally(dots.id) == {item: 1}
        with pytest.raises(ValidationError, match="exactly one target"):
            with ws.transaction() as uow:
                uow.insert("vote", round_id=dots.id, participant="Bo")
