"""Competitors, the comparison matrix, positioning, win/loss and limitations in a real file.

Every MarketService write is checked for what it stores, for what it refuses (the file
then as it was, row versions and all) and as one undo step (revert and replay exact).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest
from tests.market_checks import MEGABYTE, RTL, TRICKY, refused, round_trip

from pmdesk.core.errors import NotFoundError
from pmdesk.core.market import CellLevel, DealOutcome, LimitationKind, LimitationStatus
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    CanvasService,
    MarketService,
    PortfolioService,
    RequirementService,
    RoadmapService,
)
from pmdesk.store.workspace import Workspace

D = dt.date


@pytest.fixture
def market(workspace) -> MarketService:
    return workspace.service(MarketService)


@pytest.fixture
def product_id(workspace) -> int:
    return workspace.service(PortfolioService).create_product(name="Atlas 🚀").id


@pytest.fixture
def rival(market, product_id) -> int:
    return market.add_competitor("Rival", product_ids=[product_id])


def _stored(ws: Workspace, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{ws.path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# -- competitors --------------------------------------------------------------------------------


def test_a_competitor_keeps_every_field_exactly(workspace, market, product_id):
    competitor_id = round_trip(
        workspace,
        lambda: market.add_competitor(
            f"Rival {TRICKY}",
            product_ids=[product_id, product_id],
            website="https://rival.example/?a=1&b=2",
            segment=RTL,
            positioning=MEGABYTE,
            pricing="€49 / seat / month",
            market_share="12.5 %",
            price_index="85",
            strengths=TRICKY,
            weaknesses=RTL,
            recent_moves="Raised €20M 🚀",
            notes="",
            market_overlap=4,
            product_strength="3",
            momentum=5,
            price_pressure=2,
        ),
    )
    row = market.competitor(competitor_id)
    assert row.name == f"Rival {TRICKY}" and row.positioning == MEGABYTE
    assert (row.segment, row.weaknesses, row.strengths) == (RTL, RTL, TRICKY)
    assert row.market_share == Decimal("0.125") and row.price_index == 85
    assert row.scores == {
        "market_overlap": 4,
        "product_strength": 3,
        "momentum": 5,
        "price_pressure": 2,
    }
    assert row.threat.value == pytest.approx(71.0)
    assert row.product_ids == (product_id,)
    assert _stored(workspace, "SELECT market_share FROM competitor") == [("0.125",)]
    assert [c.id for c in market.competitors(product_id)] == [competitor_id]


def test_a_competitor_name_is_unique_without_case_and_never_blank(workspace, market, rival):
    refused(workspace, lambda: market.add_competitor(" rival "), "already")
    refused(workspace, lambda: market.add_competitor("  "), "Name: cannot be empty")
    other = market.add_competitor("Other")
    refused(workspace, lambda: market.update_competitor(other, name="RIVAL"), "already")
    refused(workspace, lambda: market.add_competitor("x" * 201), "longer than 200")


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"market_share": "120 %"}, "Market share"),
        ({"market_share": 0.5}, "Market share"),  # a float is not exact
        ({"market_share": "lots"}, "Market share"),
        ({"momentum": 6}, "Momentum"),
        ({"price_pressure": -1}, "Price pressure"),
        ({"charisma": 3}, "not a field of competitor"),
        ({"price_index": "cheap"}, "Price index"),
        ({"price_index": -5}, "Price index"),
    ],
)
def test_bad_competitor_input_names_the_field_and_changes_nothing(
    workspace, market, rival, fields, match
):
    refused(workspace, lambda: market.update_competitor(rival, **fields), match)
    refused(workspace, lambda: market.add_competitor("New", **fields), match)


def test_threat_scores_are_set_in_one_step(workspace, market, rival):
    threat = round_trip(
        workspace, lambda: market.set_threat_scores(rival, market_overlap=5, momentum=5)
    )
    assert threat.value == pytest.approx(55.0)
    refused(workspace, lambda: market.set_threat_scores(rival, momentum=9), "Momentum")
    refused(workspace, lambda: market.set_threat_scores(rival, luck=1), "not a threat criterion")


def test_competitors_link_to_products_and_go_with_everything_of_theirs(
    workspace, market, rival, product_id
):
    other = workspace.service(PortfolioService).create_product(name="Other").id
    round_trip(workspace, lambda: market.link_product(rival, other))
    assert market.competitor(rival).product_ids == tuple(sorted((product_id, other)))
    round_trip(workspace, lambda: market.unlink_product(rival, product_id))
    assert market.competitors(product_id) == []
    market.link_product(rival, product_id)
    row = market.add_capability(product_id, "Offline")
    market.set_cell(row, rival, "full")
    market.add_win_loss(rival, "won", D(2026, 1, 1))
    round_trip(workspace, lambda: market.delete_competitor(rival))
    assert _stored(workspace, "SELECT count(*) FROM comparison_cell") == [(0,)]
    assert _stored(workspace, "SELECT count(*) FROM win_loss") == [(0,)]
    refused(workspace, lambda: market.delete_competitor(rival), "No competitor", NotFoundError)
    refused(workspace, lambda: market.link_product(999, product_id), "No competitor", NotFoundError)


# -- the comparison matrix -----------------------------------------------------------------------


def test_rows_come_from_requirements_and_key_feature_notes_in_one_step_each(
    workspace, market, product_id
):
    requirements = workspace.service(RequirementService)
    sso = requirements.requirements.create(product_id=product_id, title="Single sign-on")
    requirements.requirements.create(product_id=product_id, title=f"Export {TRICKY}")
    canvas = workspace.service(CanvasService)
    board = canvas.boards.create(product_id=product_id, name="Canvas")
    canvas.notes.create(board_id=board.id, block="key_features", text="Offline mode\nand sync")
    canvas.notes.create(board_id=board.id, block="key_features", text="   ")
    canvas.notes.create(board_id=board.id, block="problems", text="Not a feature")

    added = round_trip(workspace, lambda: market.add_capabilities_from_requirements(product_id))
    assert len(added) == 2
    assert market.add_capabilities_from_requirements(product_id) == []  # each once
    notes = round_trip(workspace, lambda: market.add_capabilities_from_canvas(product_id))
    assert len(notes) == 1
    rows = market.capabilities(product_id)
    assert [r.name for r in rows] == ["Single sign-on", f"Export {TRICKY}", "Offline mode"]
    assert rows[0].requirement_id == sso.id and rows[2].note_id is not None
    assert [r.sort_order for r in rows] == [1, 2, 3]
    refused(
        workspace,
        lambda: market.add_capabilities_from_requirements(product_id, [sso.id, 999]),
        "No requirement of this product",
        NotFoundError,
    )


def test_a_capability_is_edited_and_deleted_as_one_step(workspace, market, product_id):
    row = market.add_capability(product_id, RTL)
    round_trip(workspace, lambda: market.update_capability(row, name=MEGABYTE[:300]))
    assert market.capabilities(product_id)[0].name == MEGABYTE[:300]
    refused(workspace, lambda: market.update_capability(row, name=" "), "Name: cannot be empty")
    refused(workspace, lambda: market.update_capability(row, product_id=2), "stays")
    refused(workspace, lambda: market.add_capability(product_id, ""), "Name: cannot be empty")
    round_trip(workspace, lambda: market.delete_capability(row))
    assert market.capabilities(product_id) == []


def test_cells_hold_a_level_evidence_and_date_and_read_stale_when_old(
    workspace, market, product_id, rival
):
    row = market.add_capability(product_id, "Offline")
    ours = round_trip(workspace, lambda: market.set_cell(row, None, "full", MEGABYTE, "2026-01-15"))
    theirs = round_trip(
        workspace, lambda: market.set_cell(row, rival, CellLevel.PARTIAL, RTL, D(2025, 1, 1))
    )
    assert round_trip(workspace, lambda: market.set_cell(row, None, "none")) == ours  # updated
    matrix = market.matrix(product_id, today=D(2026, 3, 1))
    assert [c.id for c in matrix.competitors] == [rival]
    cell = matrix.cell(row, None)
    assert (cell.level, cell.evidence, cell.checked_on) == (CellLevel.NONE, "", None)
    assert cell.stale  # never checked
    their = matrix.cell(row, rival)
    assert their.id == theirs and their.evidence == RTL and their.stale  # 424 days old
    fresh = market.matrix(product_id, today=D(2025, 3, 1))
    assert not fresh.cell(row, rival).stale
    assert not market.matrix(product_id, today=D(2026, 3, 1), stale_days=500).cell(row, rival).stale
    assert matrix.coverage(rival) == 0.5 and matrix.coverage(None) == 0.0
    refused(workspace, lambda: market.set_cell(row, rival, "mostly"), "Level")
    refused(workspace, lambda: market.set_cell(row, rival, "full", "", "2026-02-30"), "Checked on")
    refused(workspace, lambda: market.set_cell(row, 999, "full"), "No competitor", NotFoundError)


def test_positioning_puts_our_product_and_competitors_on_two_axes(
    workspace, market, product_id, rival
):
    market.update_competitor(rival, market_share="25 %", price_index=80, momentum=4)
    unpriced = market.add_competitor("Unpriced", product_ids=[product_id])
    row = market.add_capability(product_id, "Offline")
    market.set_cell(row, None, "full")
    market.set_cell(row, rival, "partial")
    points, left_out = market.positioning(product_id, "price_index", "capability")
    assert [(p.label, p.x, p.y, p.bubble, p.ours) for p in points] == [
        ("Atlas 🚀", 100.0, 100.0, None, True),
        ("Rival", 80.0, 50.0, Decimal("0.25"), False),
    ]
    assert left_out == ["Unpriced"]
    points, left_out = market.positioning(product_id, "threat", "momentum")
    assert {p.competitor_id for p in points} == {rival, unpriced} and left_out == ["Atlas 🚀"]


# -- win/loss --------------------------------------------------------------------------------------


def test_win_loss_records_are_kept_and_summarised(workspace, market, product_id, rival):
    lost = round_trip(
        workspace,
        lambda: market.add_win_loss(
            rival,
            "lost",
            "2026-02-01",
            deal=TRICKY,
            reason="Price",
            value="999999999999.99",
            product_id=product_id,
        ),
    )
    market.add_win_loss(rival, DealOutcome.WON, D(2026, 2, 2), reason="Support")
    market.add_win_loss(rival, "no decision", D(2026, 2, 3))
    [first, *_] = market.win_losses(competitor_id=rival)
    assert first.outcome is DealOutcome.NO_DECISION  # the newest first
    assert [r.id for r in market.win_losses(product_id=product_id)] == [lost]
    summary = market.win_loss_summaries()[rival]
    assert (summary.won, summary.lost, summary.no_decision, summary.win_rate) == (1, 1, 1, 0.5)
    assert summary.value_lost == Decimal("999999999999.99")
    assert _stored(workspace, "SELECT value FROM win_loss WHERE value IS NOT NULL") == [
        ("999999999999.99",)
    ]
    round_trip(workspace, lambda: market.update_win_loss(lost, outcome="won", reason=RTL))
    assert market.win_loss_summaries()[rival].won == 2
    refused(workspace, lambda: market.update_win_loss(lost, value="-1"), "Value")
    refused(workspace, lambda: market.update_win_loss(lost, outcome="tied"), "Outcome")
    refused(workspace, lambda: market.add_win_loss(rival, "won", "soon"), "Date")
    refused(workspace, lambda: market.add_win_loss(rival, "won", "3000-01-01"), "Date")
    round_trip(workspace, lambda: market.delete_win_loss(lost))


# -- limitations ---------------------------------------------------------------------------------


def test_limitations_are_kept_per_product_and_release(workspace, market, product_id):
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product_id, name="Releases")
    release = roadmap.items.create(
        product_id=product_id,
        lane_id=lane.id,
        name="2.0",
        kind="milestone",
        start_date="2026-06-01",
        end_date="2026-06-01",
    )
    everywhere = round_trip(
        workspace,
        lambda: market.add_limitation(product_id, f"No offline mode {RTL}", workaround=MEGABYTE),
    )
    of_release = market.add_limitation(
        product_id, "Slow export", kind="known issue", status="fix planned", item_id=release.id
    )
    rows = market.limitations(product_id)
    assert [r.id for r in rows] == [everywhere, of_release]
    assert rows[0].workaround == MEGABYTE and rows[0].kind is LimitationKind.LIMITATION
    assert (rows[1].kind, rows[1].status) == (
        LimitationKind.KNOWN_ISSUE,
        LimitationStatus.FIX_PLANNED,
    )
    assert [r.id for r in market.limitations(product_id, item_id=release.id)] == [
        everywhere,
        of_release,
    ]
    round_trip(workspace, lambda: market.update_limitation(of_release, status="resolved"))
    refused(workspace, lambda: market.update_limitation(of_release, description=" "), "empty")
    refused(workspace, lambda: market.add_limitation(product_id, "x", kind="bug"), "Kind")
    other = workspace.service(PortfolioService).create_product(name="Other").id
    refused(
        workspace,
        lambda: market.add_limitation(other, "x", item_id=release.id),
        "no release",
    )
    round_trip(workspace, lambda: market.delete_limitation(everywhere))


# -- the demo ---------------------------------------------------------------------------------------


def test_the_market_radar_works_on_the_demo(tmp_path):
    with Workspace.open(create_demo(tmp_path / "demo.pmdesk")) as ws:
        market = ws.service(MarketService)
        product = ws.service(PortfolioService).list_products()[0]
        competitor = market.add_competitor("Demo rival", product_ids=[product.id])
        added = market.add_capabilities_from_requirements(product.id)
        assert added
        market.add_capabilities_from_canvas(product.id)
        market.set_cell(added[0], competitor, "partial", "Their docs", D(2026, 1, 1))
        matrix = market.matrix(product.id)
        assert competitor in {c.id for c in matrix.competitors}
        assert matrix.cell(added[0], competitor).level is CellLevel.PARTIAL
        assert ws.check().ok
