"""The product's people and position in a deck: stakeholder map, canvas, business case, rivals.

Every slide is opened back with python-pptx: native shapes, tables and charts (no
picture anywhere), text exactly as typed, nothing outside its shape or off the slide,
on the demo, on a new empty workspace and with awkward and enormous text. One deck of
the demo and one of the awkward product are converted by LibreOffice to PDF.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from tests.office import convert, needs_office

from pmdesk.core.enums import Attitude
from pmdesk.core.market import CellLevel
from pmdesk.core.palette import ATTITUDE_COLOURS, GLYPH_NAMES
from pmdesk.exchange.deck import export_deck
from pmdesk.exchange.deck.base import (
    INSET,
    INSET_Y,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    text_height,
)
from pmdesk.exchange.deck.people import GLYPH_SHAPES, LEVEL_LOOK, level_text
from pmdesk.store.services import (
    CanvasService,
    FinanceService,
    PortfolioService,
    StakeholderService,
)
from pmdesk.store.services.market import MarketService
from pmdesk.store.workspace import Workspace

ON = dt.date(2026, 3, 16)
MINE = ["stakeholders", "canvas", "business-case", "competitors"]
AWKWARD = "Ship <v2> & friends — 路线图 🚀 שלום"
LONG_NAME = "Dr. Maximiliane von Hohenzollern-Sigmaringen & <QA>"
MEGA = "Ω" + "x" * 1_000_000  # one megabyte of one word, the worst case for wrapping


def _deck(ws, path: Path, product: str, slides=MINE):
    pid = ws.service(PortfolioService).product_by_name(product).id
    out = export_deck(ws, path, product_id=pid, slides=slides, on=ON)
    return Presentation(str(out))


def _texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [cell.text for row in shape.table.rows for cell in row.cells]
    return out


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _title(slide) -> str:
    return next(s.text_frame.text for s in slide.shapes if s.name == "Title")


def _size(shape) -> float:
    runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
    return max((r.font.size.pt for r in runs if r.font.size is not None), default=18.0)


def _bold(shape) -> bool:
    return any(r.font.bold for p in shape.text_frame.paragraphs for r in p.runs)


def assert_fits(prs) -> None:
    """Every shape on its slide; every text shape as tall as its wrapped text needs."""
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            where = f"slide {number}, {shape.name}"
            assert shape.shape_type != MSO_SHAPE_TYPE.PICTURE, where
            if shape.rotation:  # the turned axis title: its box turns about its centre
                cx, cy = shape.left + shape.width / 2, shape.top + shape.height / 2
                w, h = shape.height, shape.width
                left, top, right, bottom = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
            else:
                left, top = shape.left, shape.top
                right, bottom = left + shape.width, top + shape.height
            assert 0 <= left and right <= SLIDE_WIDTH, where
            assert 0 <= top and bottom <= SLIDE_HEIGHT, where
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            frame = shape.text_frame
            mx = (frame.margin_left or 0) + (frame.margin_right or 0)
            my = (frame.margin_top or 0) + (frame.margin_bottom or 0)
            width = shape.height if shape.rotation else shape.width
            height = shape.width if shape.rotation else shape.height
            text = frame.text.replace("\x0b", "\n")
            need = (
                text_height(text, width - mx + 2 * INSET, _size(shape), _bold(shape))
                - 2 * INSET_Y
                + my
            )
            assert need <= height + 2, f"{where}: {text[:60]!r} needs {need}, has {height}"


# -- the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_deck(tmp_path_factory):
    """The demo's four slide kinds for Pulse Cloud, and the file (converted once)."""
    from pmdesk.store.demo import create_demo

    folder = tmp_path_factory.mktemp("people")
    path = create_demo(folder / "demo.pmdesk", today=ON)
    ws = Workspace.open(path, read_only=True)
    started = time.perf_counter()
    prs = _deck(ws, folder / "people.pptx", "Pulse Cloud")
    took = time.perf_counter() - started
    yield ws, prs, folder / "people.pptx", took
    ws.close()


def test_the_demo_slides_are_editable_shapes_that_fit(demo_deck):
    _ws, prs, _path, took = demo_deck
    assert took < 5
    titles = [_title(s) for s in prs.slides]
    assert titles[0] == "Stakeholder map"
    assert "Pulse Cloud – Product Canvas" in titles[1]
    assert any(t.startswith("Pulse Cloud – Lean Canvas") for t in titles)
    assert "Business case — key figures" in titles
    assert "Business case — cash flow" in titles
    assert any(t.startswith("Competitor matrix") for t in titles)
    assert_fits(prs)


def test_every_stakeholder_is_a_mark_of_its_attitude_with_its_name_or_a_count(demo_deck):
    ws, prs, _path, _took = demo_deck
    slide = prs.slides[0]
    pid = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
    people = ws.service(StakeholderService).stakeholders_of(pid)
    marks = [s for s in slide.shapes if s.name.startswith("Mark ")]
    assert all(s.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE for s in marks)
    fills = sorted(str(s.fill.fore_color.rgb) for s in marks)
    expected = sorted(ATTITUDE_COLOURS[p.attitude].lstrip("#") for p in people)
    assert fills == expected
    shapes = sorted(m.auto_shape_type for m in marks)
    assert shapes == sorted(GLYPH_SHAPES[GLYPH_NAMES[p.attitude]] for p in people)
    texts = "\n".join(_texts(slide))
    for p in people:  # each name beside its mark, shortened, or behind a "+n" (listed)
        short = f"{p.name.split()[0]} {p.name.split()[-1][0]}."
        assert p.name in texts or short in texts, p.name
    for attitude in Attitude:  # the legend: glyph, colour and word
        glyph = next(s for s in slide.shapes if s.name == f"Legend {attitude.label}")
        assert glyph.auto_shape_type == GLYPH_SHAPES[GLYPH_NAMES[attitude]]
        assert str(glyph.fill.fore_color.rgb) == ATTITUDE_COLOURS[attitude].lstrip("#")
        assert attitude.label in texts
    for quadrant in ("MANAGE CLOSELY", "KEEP SATISFIED", "KEEP INFORMED", "MONITOR"):
        assert quadrant in texts
    arrows = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.LINE]
    wanted = [p for p in people if p.desired_power is not None and p.desired_interest is not None]
    assert 0 < len(arrows) <= len(wanted)


def test_no_name_overlaps_a_mark_or_another_name(demo_deck):
    _ws, prs, _path, _took = demo_deck
    slide = prs.slides[0]

    def box(s):
        return (s.left, s.top, s.left + s.width, s.top + s.height)

    def overlap(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    names = [box(s) for s in slide.shapes if s.name.startswith(("Name ", "Crowded spot"))]
    marks = [box(s) for s in slide.shapes if s.name.startswith("Mark ")]
    assert names and marks
    for i, a in enumerate(names):
        assert not any(overlap(a, m) for m in marks)
        assert not any(overlap(a, b) for b in names[i + 1 :])


def test_the_canvas_shows_every_note_whole_once_over_its_slides(demo_deck):
    ws, prs, _path, _took = demo_deck
    pid = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
    service = ws.service(CanvasService)
    for board in service.boards_of(pid):
        slides = [s for s in prs.slides if _title(s).startswith(board.name)]
        assert slides
        if len(slides) > 1:
            assert [_title(s) for s in slides] == [
                f"{board.name} ({n} of {len(slides)})" for n in range(1, len(slides) + 1)
            ]
        shown = [s.text_frame.text for slide in slides for s in slide.shapes if s.name == "Note"]
        notes = service.notes_of_board(board.id)
        assert sorted(shown) == sorted(n.text for n in notes)
        fills = {
            s.text_frame.text: str(s.fill.fore_color.rgb)
            for slide in slides
            for s in slide.shapes
            if s.name == "Note"
        }
        for n in notes:
            assert fills[n.text] == n.colour.lstrip("#").upper()


def test_the_business_case_has_its_figures_the_sign_off_and_a_native_combination_chart(
    demo_deck,
):
    ws, prs, _path, _took = demo_deck
    figures = next(s for s in prs.slides if _title(s) == "Business case — key figures")
    texts = _texts(figures)
    assert any(t.startswith("Signed off: Version 1, signed by") for t in texts)
    for label in ("NET PRESENT VALUE", "IRR", "PAYBACK", "PEAK FUNDING", "BREAK-EVEN"):
        assert label in texts
    flow = next(s for s in prs.slides if _title(s) == "Business case — cash flow")
    (frame,) = [s for s in flow.shapes if s.has_chart]
    plot_area = frame.chart._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    bars, lines = plot_area.find(qn("c:barChart")), plot_area.find(qn("c:lineChart"))
    assert len(bars.findall(qn("c:ser"))) == 1
    assert len(lines.findall(qn("c:ser"))) == 3  # Base, then Worst and Best
    assert [a.get("val") for a in bars.findall(qn("c:axId"))] == [
        a.get("val") for a in lines.findall(qn("c:axId"))
    ]
    names = [s.name for s in frame.chart.plots[0].series] + [
        etree.tostring(s.find(qn("c:tx")), encoding=str) for s in lines.findall(qn("c:ser"))
    ]
    assert names[0] == "Net cash flow"
    assert "Cumulative, Base" in names[1]


def test_the_competitor_matrix_is_a_table_in_the_market_views_words(demo_deck):
    ws, prs, _path, _took = demo_deck
    pid = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
    matrix = ws.service(MarketService).matrix(pid, today=ON)
    slides = [s for s in prs.slides if _title(s).startswith("Competitor matrix")]
    rows = []
    for slide in slides:
        (table,) = [s.table for s in slide.shapes if s.has_table]
        header = [c.text for c in table.rows[0].cells]
        assert header[:2] == ["Capability", "Pulse Cloud (us)"]
        rows += [[c.text for c in row.cells] for row in list(table.rows)[1:]]
    assert [r[0] for r in rows] == [c.name for c in matrix.capabilities] + ["Coverage"]
    for capability, row in zip(matrix.capabilities, rows, strict=False):
        cell = matrix.cell(capability.id, None)
        level = cell.level if cell else CellLevel.UNKNOWN
        assert row[1] == level_text(level, bool(cell and cell.stale))
    assert any("⚑" in text for row in rows for text in row)
    legend = " ".join(t for s in slides for t in _texts(s))
    for level, (glyph, _c) in LEVEL_LOOK.items():
        assert f"{glyph} {level.label}" in legend


@needs_office
def test_libreoffice_converts_the_demo_slides(demo_deck, tmp_path):
    _ws, prs, path, _took = demo_deck
    pdf = convert(path, "pdf")
    from pypdf import PdfReader

    assert len(PdfReader(str(pdf)).pages) == len(prs.slides)


# -- a new empty workspace --------------------------------------------------------------------


def test_a_new_product_gets_one_plain_slide_per_kind(workspace, tmp_path):
    workspace.service(PortfolioService).create_product(name="Fresh")
    prs = _deck(workspace, tmp_path / "empty.pptx", "Fresh")
    texts = [" ".join(_texts(s)) for s in prs.slides]
    assert len(texts) == 4
    assert "No stakeholders recorded yet" in texts[0]
    assert "no canvas yet" in texts[1]
    assert "Fresh has no business case yet" in texts[2]
    assert "no capabilities yet" in texts[3]
    assert_fits(prs)


def test_a_draft_case_says_so(workspace, tmp_path):
    product = workspace.service(PortfolioService).create_product(name="Drafty")
    workspace.service(FinanceService).create_case(product.id, start=dt.date(2027, 1, 1))
    prs = _deck(workspace, tmp_path / "draft.pptx", "Drafty", ["business-case"])
    assert any(t.startswith("Draft — not signed off") for t in _texts(prs.slides[0]))
    assert _title(prs.slides[2]) == "Business case — key figures by scenario"
    assert_fits(prs)


# -- awkward and enormous text ----------------------------------------------------------------


def _awkward_product(ws, name: str, text: str, *, notes: int = 3, rivals: int = 2) -> int:
    pid = ws.service(PortfolioService).create_product(name=name).id
    people = ws.service(StakeholderService)
    for index, attitude in enumerate(Attitude):
        people.stakeholders.create(
            product_id=pid,
            name=text[:200]
            if index == 0
            else LONG_NAME
            if index == 1
            else f"{attitude.label} {AWKWARD}",
            attitude=attitude,
            power=1 + index * 2,
            interest=9 - index * 2,
            importance=1 + index % 5,
        )
    canvas = ws.service(CanvasService)
    board = canvas.boards.create(product_id=pid, name=f"Board {AWKWARD}", template="lean_canvas")
    for index in range(notes):
        canvas.notes.create(
            board_id=board.id,
            block=["problem", "solution", "channels", "to_sort"][index % 4],
            text=text if index == 0 else f"Note {index}: {AWKWARD}",
            colour="#9FD8FF",
            position=index,
        )
    market = ws.service(MarketService)
    caps = [market.add_capability(pid, text[:300])]  # names are held to 300 characters
    caps += [market.add_capability(pid, f"Capability {n} {AWKWARD}") for n in range(1, 4)]
    for n in range(rivals):
        rival = market.add_competitor(f"Rival {n} {AWKWARD}", product_ids=[pid])
        market.set_cell(caps[0], rival, CellLevel.PARTIAL, checked_on=dt.date(2020, 1, 1))
    market.set_cell(caps[1], None, CellLevel.FULL, checked_on=ON)
    return pid


def test_awkward_text_is_written_exactly_as_typed(workspace, tmp_path):
    _awkward_product(workspace, f"Product {AWKWARD}", AWKWARD)
    prs = _deck(workspace, tmp_path / "awkward.pptx", f"Product {AWKWARD}")
    everything = [t for s in prs.slides for t in _texts(s)]
    assert AWKWARD in everything  # a stakeholder's name, a note, a capability, as typed
    assert sum(t == AWKWARD for t in everything) >= 2
    assert f"Rival 0 {AWKWARD}" in everything
    assert any(t == f"Board {AWKWARD}" for t in everything)
    (label,) = [s for s in prs.slides[0].shapes if s.name.startswith("Name Dr. Maximiliane")]
    assert label.text_frame.text == LONG_NAME  # wrapped whole beside its mark, not cut
    assert label.height > 2 * 12 * 12_700
    assert_fits(prs)


def test_a_megabyte_of_text_is_cut_on_the_slide_and_whole_in_the_notes(workspace, tmp_path):
    _awkward_product(workspace, "Mega", MEGA)
    started = time.perf_counter()
    prs = _deck(workspace, tmp_path / "mega.pptx", "Mega")
    assert time.perf_counter() - started < 10
    for slide in prs.slides:
        assert all(len(t) < 5_000 for t in _texts(slide))
    notes = [_notes(s) for s in prs.slides]
    assert sum(MEGA in n for n in notes) == 1  # the canvas note, whole
    assert any(f"• {MEGA[:200]}\n" in n + "\n" for n in notes[:1]), notes[0][
        :300
    ]  # the stakeholder's name
    assert any(f"• {MEGA[:300]}" in n for n in notes)  # the capability
    assert any(t.endswith("…") and t.startswith("Ωxxx") for s in prs.slides for t in _texts(s))
    assert_fits(prs)


def test_many_notes_and_rivals_go_on_over_more_slides(workspace, tmp_path):
    pid = _awkward_product(workspace, "Crowded", AWKWARD, notes=60, rivals=9)
    market = workspace.service(MarketService)
    for n in range(40):
        market.add_capability(pid, f"Extra capability {n} with a longer name to wrap")
    prs = _deck(workspace, tmp_path / "crowded.pptx", "Crowded")
    titles = [_title(s) for s in prs.slides]
    canvas = [t for t in titles if t.startswith(f"Board {AWKWARD}")]
    assert len(canvas) > 1 and canvas[-1].endswith(f"({len(canvas)} of {len(canvas)})")
    assert len(canvas) <= 4  # the notes left over flow on densely, not one per block a slide
    first = next(s for s in prs.slides if _title(s) == canvas[0])
    more = [s.text_frame.text for s in first.shapes if s.name == "More notes"]
    shown = sum(1 for s in first.shapes if s.name == "Note")
    assert more and shown + sum(int(t.split()[1]) for t in more) == 60
    later = [s for s in prs.slides if _title(s) in canvas[1:]]
    headings = [s.text_frame.text for sl in later for s in sl.shapes if s.name == "Block title"]
    assert "Problem, continued" in headings
    notes = [s.text_frame.text for sl in prs.slides for s in sl.shapes if s.name == "Note"]
    assert sorted(notes) == sorted([AWKWARD] + [f"Note {i}: {AWKWARD}" for i in range(1, 60)])
    matrix = [s for s in prs.slides if _title(s).startswith("Competitor matrix")]
    assert len(matrix) >= 4  # three column groups (us + 4 rivals each), rows split too
    seen = set()
    for slide in matrix:
        (table,) = [s.table for s in slide.shapes if s.has_table]
        seen |= {c.text for c in table.rows[0].cells}
    assert {f"Rival {n} {AWKWARD}" for n in range(9)} <= seen
    assert_fits(prs)


def test_the_values_at_the_bounds_make_a_deck(at_the_bounds, tmp_path):
    ws = Workspace.open(at_the_bounds, read_only=True)
    try:
        prs = _deck(ws, tmp_path / "bounds.pptx", "Pulse Cloud")
        assert_fits(prs)
    finally:
        ws.close()


@needs_office
def test_libreoffice_converts_the_awkward_slides(workspace, tmp_path):
    _awkward_product(workspace, "Awkward", AWKWARD, notes=30, rivals=6)
    prs = _deck(workspace, tmp_path / "awkward.pptx", "Awkward")
    pdf = convert(tmp_path / "awkward.pptx", "pdf")
    from pypdf import PdfReader

    assert len(PdfReader(str(pdf)).pages) == len(prs.slides)


def test_the_presenter_notes_go_with_the_first_slide_of_each_kind(workspace, tmp_path):
    service = workspace.service(PortfolioService)
    info = service.workspace_info()
    views = {"stakeholders": "Map", "canvas": "Canvas", "business_case": "Case", "market": "Rivals"}
    service.info.update(
        info.id, settings={"speaker_notes": {k: f"Say: {v} & <more>" for k, v in views.items()}}
    )
    _awkward_product(workspace, "Noted", AWKWARD, notes=60)
    prs = _deck(workspace, tmp_path / "noted.pptx", "Noted")
    notes = [_notes(s) for s in prs.slides]
    firsts = [0] + [
        i
        for i, s in enumerate(prs.slides)
        if _title(s) in (f"Board {AWKWARD} (1 of 3)", "Business case", "Competitor matrix")
    ]
    assert [notes[i].split("\n")[0] for i in firsts] == [
        "Say: Map & <more>",
        "Say: Canvas & <more>",
        "Say: Case & <more>",
        "Say: Rivals & <more>",
    ]
    assert sum(n.startswith("Say:") for n in notes) == 4


def test_a_deck_is_cancelled_in_the_middle_of_a_board(workspace, tmp_path):
    from pmdesk.exchange.deck import ExportCancelled

    pid = _awkward_product(workspace, "Stopped", AWKWARD, notes=60)
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 8  # past the map, inside the canvas

    out = tmp_path / "stopped.pptx"
    with pytest.raises(ExportCancelled):
        export_deck(workspace, out, product_id=pid, slides=MINE, on=ON, cancelled=cancelled)
    assert not out.exists()
    assert len(asked) == 9


def test_characters_xml_cannot_hold_are_left_out_and_nothing_else(workspace, tmp_path):
    pid = workspace.service(PortfolioService).create_product(name="Bells").id
    workspace.service(StakeholderService).stakeholders.create(
        product_id=pid, name="Bell\x07 & <nul>\x00", attitude=Attitude.CRITIC
    )
    board = workspace.service(CanvasService).boards.create(
        product_id=pid, name="Board\x01", template="lean_canvas"
    )
    workspace.service(CanvasService).notes.create(
        board_id=board.id, block="problem", text="t\x02ab"
    )
    prs = _deck(workspace, tmp_path / "bells.pptx", "Bells", ["stakeholders", "canvas"])
    texts = [t for s in prs.slides for t in _texts(s)]
    assert "Bell & <nul>" in texts and "tab" in texts and "Board" in texts


def test_an_empty_board_shows_its_blocks_and_what_goes_in_them(workspace, tmp_path):
    from pmdesk.core.templates import canvas_layout

    pid = workspace.service(PortfolioService).create_product(name="Blank").id
    workspace.service(CanvasService).boards.create(
        product_id=pid, name="Blank board", template="business_model_canvas"
    )
    prs = _deck(workspace, tmp_path / "blank.pptx", "Blank", ["canvas"])
    (slide,) = prs.slides
    assert _title(slide) == "Blank board"
    blocks = canvas_layout("business_model_canvas").blocks
    texts = _texts(slide)
    for block in blocks:
        assert block.title in texts and block.prompt in texts
    assert not [s for s in slide.shapes if s.name == "Note"]
    assert_fits(prs)
