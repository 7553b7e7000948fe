"""The deck's building blocks: text that is never cut off, exact text, the registry's rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.deck import SLIDES, ExportCancelled, export_deck, slide_keys
from pmdesk.exchange.deck.base import (
    BODY,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    Box,
    Deck,
    Footer,
    clean,
    rows_per_slide,
    text_box,
    text_height,
)
from pmdesk.store.services import PortfolioService

AWKWARD = "Ship <v2> & friends — 路线图 🚀 שלום"


def _deck() -> Deck:
    return Deck(Footer("Portfolio", dt.date(2027, 1, 4)))


def test_a_text_box_grows_to_hold_every_line_of_a_long_text():
    deck = _deck()
    slide, body = deck.slide("Long")
    text = " ".join(["requirement"] * 400)
    shape = text_box(slide, Box(body.x, body.y, 3_000_000, 300_000), text, size=14)
    assert shape.height >= text_height(text, 3_000_000, 14) > 300_000 * 10
    assert shape.text_frame.text == text
    assert shape.text_frame.word_wrap is True


def test_a_box_is_never_made_smaller_than_asked():
    deck = _deck()
    slide, body = deck.slide("Short")
    shape = text_box(slide, Box(body.x, body.y, body.w, 2_000_000), "One line")
    assert shape.height == 2_000_000


def test_text_is_written_exactly_as_typed_except_what_xml_cannot_hold(tmp_path: Path):
    deck = _deck()
    slide, body = deck.slide(AWKWARD)
    text_box(slide, body, f"{AWKWARD}\nsecond line\x00\x07")
    out = tmp_path / "t.pptx"
    deck.save(out)
    texts = [s.text_frame.text for s in Presentation(str(out)).slides[0].shapes if s.has_text_frame]
    assert AWKWARD in texts
    assert f"{AWKWARD}\nsecond line" in texts
    assert clean("a\x00b\x1fc\td") == "abc\td"


def test_rows_split_across_slides_keep_every_row_once_in_order():
    rows = [[f"Row {i}", "x " * (i % 40)] for i in range(200)]
    pages = rows_per_slide(rows, [2_000_000, 4_000_000], BODY.h)
    assert len(pages) > 2
    assert [row for page in pages for row in page] == rows
    assert all(page for page in pages)


def test_an_unknown_slide_or_a_products_slide_without_a_product_is_refused(demo, tmp_path):
    out = tmp_path / "deck.pptx"
    with pytest.raises(PmdeskError, match="Unknown slide"):
        slide_keys("title, gantt")
    with pytest.raises(PmdeskError, match="Unknown slide"):
        export_deck(demo, out, slides=["nope"])
    needing = next(key for key, kind in SLIDES.items() if kind.needs_product)
    with pytest.raises(PmdeskError, match="Choose a product"):
        export_deck(demo, out, slides=["title", needing])
    assert not out.exists()
    assert list(tmp_path.glob("*.part")) == []


def test_a_cancelled_deck_leaves_no_file(demo, tmp_path):
    out = tmp_path / "deck.pptx"
    with pytest.raises(ExportCancelled):
        export_deck(demo, out, slides=["title"], cancelled=lambda: True)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [] or all(
        not p.name.endswith(".part") for p in tmp_path.iterdir()
    )


def test_the_title_slide_of_a_new_workspace_is_shapes_with_its_name_and_the_date(
    workspace, tmp_path
):
    service = workspace.service(PortfolioService)
    info = service.workspace_info()
    service.info.update(info.id, settings={"speaker_notes": {"roadmap": "Roadmap notes"}})
    out = export_deck(workspace, tmp_path / "t.pptx", slides=["title"], on=dt.date(2027, 3, 9))
    prs = Presentation(str(out))
    assert (prs.slide_width, prs.slide_height) == (SLIDE_WIDTH, SLIDE_HEIGHT)
    (slide,) = prs.slides
    assert all(s.shape_type != MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert "Test portfolio" in texts
    assert any("9 March 2027" in t for t in texts)
    assert not slide.has_notes_slide  # the title belongs to no view, so it has no notes
    for shape in slide.shapes:
        assert 0 <= shape.left and shape.left + shape.width <= SLIDE_WIDTH
        assert 0 <= shape.top and shape.top + shape.height <= SLIDE_HEIGHT
