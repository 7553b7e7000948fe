"""A megabyte typed into every field the commercial specification prints: it finishes in
seconds, prints each field's beginning exactly as typed and says how much it left out.

reportlab lays out a long paragraph in a table cell in time that grows with the square of
its length; the commercial specification prints at most ``PRINT_LIMIT`` characters of a
field (pmdesk.exchange.pdf.longtext), whatever the workspace holds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader

from pmdesk.core.enums import CanvasTemplate, RequirementStatus
from pmdesk.exchange.pdf import PdfOptions, export_pdf
from pmdesk.exchange.pdf.longtext import PRINT_LIMIT, clamp
from pmdesk.store.models import Product
from pmdesk.store.services import (
    CanvasService,
    LaunchService,
    PortfolioService,
    RequirementService,
)
from pmdesk.store.services.market import MarketService
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 16)
WITH_SPACES = "Ünïcödé 🚀 <b>&amp;</b> " * (1_000_000 // 24)  # a megabyte, give or take
NO_SPACES = "x" * 1_000_000
NAME = "Rival " + "n" * 190  # names are short by rule; a long one still prints


def _as_long_as(column, mega: str) -> str:
    """``mega``, or as much of it as a column of a set length takes (names, taglines)."""
    length = getattr(column.type, "length", None)
    return mega if length is None else mega[:length]


def _fill(ws: Workspace, mega: str) -> int:
    """A product whose every printed text field holds ``mega`` (or as much as it takes)."""
    product = ws.service(PortfolioService).create_product(
        name="Mega",
        tagline=_as_long_as(Product.tagline, mega),
        segment=_as_long_as(Product.segment, mega),
        owner=_as_long_as(Product.owner, mega),
    )
    pid = product.id
    market = ws.service(MarketService)
    rival = market.add_competitor(
        NAME,
        product_ids=[pid],
        positioning=mega,
        pricing=mega,
        strengths=mega,
        weaknesses=mega,
        recent_moves=mega,
        market_overlap=5,
    )
    capability = market.add_capability(pid, "Alerts " + mega[:280])
    market.set_cell(capability, None, "full", mega, TODAY)
    market.set_cell(capability, rival, "none", mega, TODAY)
    other = market.add_capability(pid, "Reports")
    market.set_cell(other, None, "none", mega, TODAY)
    market.set_cell(other, rival, "full", mega, TODAY)
    market.add_win_loss(rival, "lost", TODAY, product_id=pid, reason=mega, deal="Lost deal")
    market.add_win_loss(rival, "won", TODAY, product_id=pid, reason=mega, deal="Won deal")
    market.add_limitation(pid, mega, workaround=mega)
    market.add_limitation(pid, mega, workaround=mega, kind="known_issue")
    market.add_feedback(mega, TODAY, product_id=pid, customer="Acme")
    requirements = ws.service(RequirementService).requirements
    for status in (RequirementStatus.DONE, RequirementStatus.ACCEPTED, RequirementStatus.REJECTED):
        requirements.create(
            product_id=pid,
            title=mega[:300],
            description=mega,
            story_role=mega,
            story_benefit=mega,
            status=status,
        )
    launches = ws.service(LaunchService)
    launch = launches.create_launch(pid, "Mega launch", TODAY + dt.timedelta(days=30))
    launches.launches.update(
        launch.id,
        pos_target=mega,
        pos_need=mega,
        pos_differentiator=mega,
        segments=mega,
        price=mega,
        channels=mega,
    )
    launches.messages.create(launch_id=launch.id, audience=mega[:200], message=mega)
    canvas = ws.service(CanvasService)
    board = canvas.boards.create(
        product_id=pid, name="Canvas", template=CanvasTemplate.PRODUCT_CANVAS
    )
    for block in ("target_customers", "problems", "value_proposition", "key_features"):
        canvas.notes.create(board_id=board.id, block=block, text=mega)
    for block in ("channels", "promotion"):
        canvas.notes.create(board_id=board.id, block=block, text=mega)
    return pid


@pytest.mark.parametrize("mega", [WITH_SPACES, NO_SPACES], ids=["with spaces", "no spaces"])
def test_a_megabyte_in_every_field_prints_its_beginning_in_seconds(tmp_path: Path, mega: str):
    ws = Workspace.create(tmp_path / "mega.pmdesk", name="Mega")
    try:
        pid = _fill(ws, mega)
        out = export_pdf(
            ws, "commercial", tmp_path / "mega.pdf", product_id=pid, options=PdfOptions(today=TODAY)
        )
    finally:
        ws.close()
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(out)).pages]
    text = " ".join(pages)
    # each field prints a page or so, not the two hundred a megabyte fills
    assert len(pages) < 120
    printed = clamp(mega)
    left = printed[printed.rindex(" … [") :]
    assert left.startswith(" … [") and "more characters not printed" in left
    assert text.count("more characters not printed: the whole text is in the workspace") >= 20
    if mega is WITH_SPACES:
        # the beginning prints exactly as typed: markup and emoji included
        assert text.count("Ünïcödé 🚀 <b>&amp;</b>") > 20 * (PRINT_LIMIT // 24) * 3 // 4
    else:
        assert text.count("x") > 20 * PRINT_LIMIT * 3 // 4


def test_the_limit_cuts_at_a_space_and_counts_what_it_left_out():
    assert clamp("short") == "short"
    exact = "a" * PRINT_LIMIT
    assert clamp(exact) == exact
    words = "word " * PRINT_LIMIT
    cut = clamp(words)
    head, note = cut.split(" … [")
    assert words.startswith(head) and head.endswith("word")
    assert len(head) <= PRINT_LIMIT
    assert (
        note
        == f"{len(words) - len(head):,} more characters not printed: the whole text is in the workspace]"
    )
    solid = "y" * (PRINT_LIMIT + 7)
    assert (
        clamp(solid)
        == "y" * PRINT_LIMIT
        + " … [7 more characters not printed: the whole text is in the workspace]"
    )
