"""A large roadmap prints as a small one does, in work that grows with the plan.

The poster's chart pages are written by ``fastdraw`` instead of reportlab's
graphics renderer, and its milestones table is set a page at a time
(``components.PagedTable``). Both must look exactly like what reportlab makes of
the same shapes and rows: these tests print each both ways and compare the text,
where every run of it lands, and (with poppler installed) the rendered pixels.
No timing here: ``benchmarks/roadmap_pdf.py`` measures the speed.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from _pdf_positions import placed_text
from reportlab import rl_config
from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
    Wedge,
)
from reportlab.lib.colors import Color
from reportlab.platypus import SimpleDocTemplate, Table

from pmdesk.core.enums import ItemKind
from pmdesk.exchange.pdf import PdfOptions, export_pdf
from pmdesk.exchange.pdf import components as comp
from pmdesk.exchange.pdf.components import Plain, table
from pmdesk.exchange.pdf.fastdraw import FastDrawing, num, render, unchecked_shapes
from pmdesk.exchange.pdf.fonts import SANS, SANS_BOLD, register
from pmdesk.exchange.pdf.textdraw import text_shapes
from pmdesk.exchange.pdf.theme import INK, WHITE

TODAY = dt.date(2026, 3, 16)
RED, BLUE, GREEN = Color(0.85, 0.1, 0.1), Color(0.1, 0.2, 0.8), Color(0.1, 0.6, 0.3)


def _build(path: Path, story: list, page=(595.0, 842.0)) -> Path:
    register()
    doc = SimpleDocTemplate(
        str(path), pagesize=page, leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36
    )
    doc.build(story)
    return path


def _pixels(path: Path, folder: Path, dpi: int = 100) -> list:
    """Each page rendered by poppler, as RGB images (empty without poppler)."""
    from PIL import Image

    if not shutil.which("pdftoppm"):
        return []
    prefix = folder / path.stem
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(prefix)], check=True, timeout=120
    )
    return [Image.open(p).convert("RGB") for p in sorted(folder.glob(f"{path.stem}-*.png"))]


def _differing(a, b) -> int:
    """How many pixels differ visibly (anti-aliasing of a sub-point shift does not count)."""
    from PIL import ImageChops

    assert a.size == b.size
    histogram = ImageChops.difference(a, b).convert("L").histogram()
    return sum(histogram[48:])


def _same_look(ours: Path, theirs: Path, folder: Path, *, tolerance: int = 60) -> None:
    """The same text at the same places, and (with poppler) the same pixels."""
    mine, reference = placed_text(ours), placed_text(theirs)
    assert [(p.page, p.text) for p in mine] == [(p.page, p.text) for p in reference]
    for a, b in zip(mine, reference, strict=True):
        assert (a.x0, a.x1, a.y, a.size) == pytest.approx((b.x0, b.x1, b.y, b.size), abs=0.01)
    shots, references = _pixels(ours, folder), _pixels(theirs, folder)
    assert len(shots) == len(references)
    for page, (a, b) in enumerate(zip(shots, references, strict=True), start=1):
        assert _differing(a, b) <= tolerance, f"page {page} looks different"


def _every_shape(cls: type[Drawing]) -> Drawing:
    """One of each shape the charts draw, with every state they change."""
    d = cls(400, 260)
    d.add(Rect(0, 0, 400, 260, fillColor=Color(0.96, 0.97, 0.98), strokeColor=None))
    d.add(Rect(10, 10, 80, 30, fillColor=RED, strokeColor=BLUE, strokeWidth=1.3))
    d.add(Rect(100, 10, 80, 30, rx=4, ry=4, fillColor=GREEN, strokeColor=None))
    d.add(Rect(190, 10, 80, 30, rx=2, ry=2, fillColor=None, strokeColor=RED, strokeWidth=0.6))
    d.add(Line(10, 60, 300, 60, strokeColor=INK, strokeWidth=0.6, strokeDashArray=[2, 1.5]))
    d.add(Line(10, 70, 300, 70, strokeColor=BLUE, strokeWidth=2))
    d.add(Line(10, 80, 300, 80, strokeColor=None))
    d.add(Polygon([320, 40, 340, 20, 320, 0, 300, 20], fillColor=GREEN, strokeColor=WHITE))
    d.add(PolyLine([10, 100, 60, 100, 60, 120, 120, 120], strokeColor=RED, strokeWidth=0.8))
    d.add(Circle(360, 110, 8, fillColor=RED, strokeColor=WHITE, strokeWidth=0.5))
    for shape in text_shapes(10, 150, "Plan 计划 ☕ ready (and \\ escaped)", 9, colour=INK):
        d.add(shape)
    d.add(String(200, 180, "Centred", fontName=SANS_BOLD, fontSize=8, textAnchor="middle"))
    d.add(String(390, 200, "Right", fontName=SANS, fontSize=8, textAnchor="end", fillColor=BLUE))
    group = Group(
        Rect(0, 0, 60, 20, fillColor=BLUE, strokeColor=None),
        String(4, 6, "Scaled", fontName=SANS, fontSize=10, fillColor=WHITE),
    )
    group.transform = (0.5, 0, 0, 0.5, 10, 220)
    d.add(group)
    d.add(Rect(150, 220, 40, 20, fillColor=RED, strokeColor=None))  # state after the group
    return d


def test_a_fast_drawing_looks_like_reportlabs(tmp_path):
    register()
    ours = _build(tmp_path / "fast.pdf", [_every_shape(FastDrawing)])
    theirs = _build(tmp_path / "reportlab.pdf", [_every_shape(Drawing)])
    _same_look(ours, theirs, tmp_path, tolerance=30)


def test_a_scaled_fast_drawing_keeps_its_scale_exactly(tmp_path):
    """A chart shrunk to one page: its scale factor is written in full, not to 0.001."""
    register()

    def scaled(cls):
        d = _every_shape(cls)
        d.scale(0.162607, 0.162607)
        return d

    ours = _build(tmp_path / "fast.pdf", [scaled(FastDrawing)])
    theirs = _build(tmp_path / "reportlab.pdf", [scaled(Drawing)])
    _same_look(ours, theirs, tmp_path, tolerance=10)


def test_shapes_fastdraw_does_not_know_go_to_reportlab_whole(tmp_path):
    register()
    d = _every_shape(FastDrawing)
    d.add(Wedge(300, 200, 30, 0, 120, fillColor=GREEN))
    d.add(Rect(5, 5, 10, 10, fillColor=RED, fillOpacity=0.5))

    class Canvas:
        _code: list[str] = []

    assert render(d, Canvas()) is False and Canvas._code == []
    ours = _build(tmp_path / "fast.pdf", [d])
    reference = _every_shape(Drawing)
    reference.add(Wedge(300, 200, 30, 0, 120, fillColor=GREEN))
    reference.add(Rect(5, 5, 10, 10, fillColor=RED, fillOpacity=0.5))
    _same_look(ours, _build(tmp_path / "reportlab.pdf", [reference]), tmp_path, tolerance=0)


def test_shapes_made_in_bulk_are_reportlabs_shapes():
    from pmdesk.exchange.pdf import fastdraw as fd

    register()
    pairs = [
        (fd.make_rect(1, 2, 3, 4), Rect(1, 2, 3, 4)),
        (
            fd.make_rect(1, 2, 3, 4, rx=2, ry=2, fillColor=RED, strokeColor=None, strokeWidth=0.6),
            Rect(1, 2, 3, 4, rx=2, ry=2, fillColor=RED, strokeColor=None, strokeWidth=0.6),
        ),
        (
            fd.make_line(1, 2, 3, 4, strokeColor=BLUE, strokeDashArray=[3, 2]),
            Line(1, 2, 3, 4, strokeColor=BLUE, strokeDashArray=[3, 2]),
        ),
        (
            fd.make_polygon([0, 0, 1, 1, 2, 0], fillColor=GREEN),
            Polygon([0, 0, 1, 1, 2, 0], fillColor=GREEN),
        ),
        (fd.make_circle(5, 5, 2, strokeWidth=0.5), Circle(5, 5, 2, strokeWidth=0.5)),
        (
            fd.make_string(1, 2, "Label", fontName=SANS, fontSize=7, fillColor=INK),
            String(1, 2, "Label", fontName=SANS, fontSize=7, fillColor=INK),
        ),
        (fd.make_string(1, 2, "Plain"), String(1, 2, "Plain")),
    ]
    for made, built in pairs:
        assert type(made) is type(built) and vars(made) == vars(built)
        assert made.getProperties() == built.getProperties()


def test_numbers_are_written_to_a_thousandth():
    assert [num(v) for v in (0, 1, -0.5, 1082.5514, 2.0004, 12.3456, 1e-7)] == [
        "0",
        "1",
        "-0.5",
        "1082.551",
        "2",
        "12.346",
        "0",
    ]


def test_shape_checking_comes_back_after_the_chart_is_built():
    before = rl_config.shapeChecking
    with unchecked_shapes():
        with unchecked_shapes():
            Rect(0, 0, 1, 1).strokeWidth = "not a number"  # unchecked: accepted
        assert rl_config.shapeChecking == 0  # the outer one still runs
    assert rl_config.shapeChecking == before
    if before:
        with pytest.raises(AttributeError):
            Rect(0, 0, 1, 1).strokeWidth = "not a number"


# -- the paged table ------------------------------------------------------------------------


def _rows(count: int, every: int = 1) -> list[list]:
    """Rows of plain cells, with wrapping, other-font and oddly spaced names among them
    (``every``: only in every so many rows' blocks of ten, the rest one-line text)."""
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda".split()
    rows = []
    for n in range(count):
        name = f"Milestone {n}"
        if (n // 10) % every:
            rows.append([Plain(f"{n:04d}"), name, "Lane", Plain("ok"), Plain(f"{n}.0")])
            continue
        if n % 7 == 3:  # wraps onto two or three lines
            name += " — " + " ".join(words[: 4 + n % 8] * 2)
        if n % 11 == 5:
            name = f"Клиенты 客户 {n} ☕"  # other fonts: a Paragraph
        if n % 13 == 6:
            name = f"  spaced   out {n} "  # a Paragraph collapses the spaces
        rows.append(
            [
                Plain(f"{n:04d}"),
                name,
                "Lane & <core>" if n % 2 else "",
                Plain("late", colour=RED) if n % 5 == 0 else Plain("ok"),
                Plain(f"{n * 1.5:.1f}", align="RIGHT", bold=n % 3 == 0),
            ]
        )
    return rows


def _table(paged: bool, rows: list[list], zebra: bool = False):
    """Without stripes unless asked: reportlab starts them afresh on each page, the paged
    table runs them on (tested apart), and the rest must match reportlab's pixel for pixel."""
    return table(
        ["Ref", "Name", "Lane", "State", "Score"],
        rows,
        [0.12, 0.4, 0.2, 0.14, 0.14],
        total_width=523.0,
        align=["LEFT", "LEFT", "LEFT", "CENTER", "RIGHT"],
        paged=paged,
        zebra=zebra,
    )


def test_a_paged_table_looks_like_one_long_table(tmp_path, read_pdf):
    rows = _rows(330)
    story = lambda paged: [comp.note("Before the table."), _table(paged, rows), comp.note("After.")]  # noqa: E731
    paged = _table(True, rows)
    assert isinstance(paged, comp.PagedTable)
    ours = _build(tmp_path / "paged.pdf", story(True))
    theirs = _build(tmp_path / "long.pdf", story(False))
    pages = read_pdf.pages(ours)
    assert len(pages) > 8 and pages == read_pdf.pages(theirs)
    for page in pages:  # the header on top of every page, and nowhere else
        assert page.count("Ref Name Lane State Score") == 1
    _same_look(ours, theirs, tmp_path)


def test_pages_of_one_line_rows_break_where_reportlabs_do(tmp_path, read_pdf):
    """Most rows one-line text (measured once for all), a few taller among them."""
    rows = _rows(900, every=37)
    ours = _build(tmp_path / "paged.pdf", [comp.spacer(100), _table(True, rows)])
    theirs = _build(tmp_path / "long.pdf", [comp.spacer(100), _table(False, rows)])
    assert len(read_pdf.pages(ours)) > 15
    assert read_pdf.pages(ours) == read_pdf.pages(theirs)
    _same_look(ours, theirs, tmp_path)


def test_a_paged_table_starting_low_on_a_page_breaks_where_reportlab_does(tmp_path, read_pdf):
    rows = _rows(120)
    filler = comp.spacer(690)  # the table starts with room for only a row or two
    ours = _build(tmp_path / "paged.pdf", [filler, _table(True, rows)])
    theirs = _build(tmp_path / "long.pdf", [comp.spacer(690), _table(False, rows)])
    assert read_pdf.pages(ours) == read_pdf.pages(theirs)
    _same_look(ours, theirs, tmp_path)


def test_the_stripes_run_on_from_page_to_page(tmp_path):
    """Row n is white when n is odd, tinted when even, whatever page it lands on."""
    from pmdesk.exchange.pdf.theme import SURFACE

    part = _table(True, _rows(200), zebra=True)
    part.wrap(523.0, 700.0)
    first, pieces = 1, 0
    while isinstance(part, comp.PagedTable):
        done = part.split(523.0, 700.0)
        piece, part = done[0], done[1] if len(done) > 1 else None
        stripes = [c for c in piece._bkgrndcmds if c[0] == "ROWBACKGROUNDS"]
        assert stripes and stripes[-1][3] == ([WHITE, SURFACE] if first % 2 else [SURFACE, WHITE])
        first += len(piece._cellvalues) - 1
        pieces += 1
    assert pieces >= 5 and first == 201


def test_a_row_taller_than_a_page_is_split_inside_it(tmp_path, read_pdf):
    rows = _rows(60)
    rows[30][1] = " ".join(f"word{n}" for n in range(2500))  # pages of one cell
    out = _build(tmp_path / "tall.pdf", [_table(True, rows)])
    text = read_pdf.text(out)
    assert "word0 " in text and "word2499" in text and "Milestone 59" in text
    assert len(read_pdf.pages(out)) >= 4


def test_a_paged_table_handles_each_row_a_bounded_number_of_times(tmp_path, monkeypatch):
    """No page builds a Table of all the rows after it again (reportlab's split does: a
    table of a hundred pages cost a hundred times its length)."""
    handled = []
    original = Table.__init__

    def counting(self, data, *args, **kwargs):
        handled.append(len(data))
        original(self, data, *args, **kwargs)

    monkeypatch.setattr(Table, "__init__", counting)
    rows = _rows(2000)
    _build(tmp_path / "paged.pdf", [_table(True, rows)])
    paged = sum(handled)
    assert paged <= 2.2 * len(rows)  # measured in blocks once, then set page by page
    handled.clear()
    _build(tmp_path / "long.pdf", [_table(False, rows)])
    assert sum(handled) > 10 * paged  # what it replaces


# -- the poster -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large_plan(tmp_path_factory):
    from pmdesk.store.generate import create_large

    path = tmp_path_factory.mktemp("large") / "large.pmdesk"
    create_large(path, items=1500, dependencies=1100, lanes=12, today=TODAY)
    return path


def test_a_large_posters_milestones_table_lists_every_mark_in_date_order(
    large_plan, tmp_path, read_pdf
):
    from pmdesk.store.services import PortfolioService, RoadmapService
    from pmdesk.store.workspace import Workspace

    ws = Workspace.open(large_plan, read_only=True)
    try:
        (product,) = ws.service(PortfolioService).list_products()
        marks = sorted(
            (
                i
                for i in ws.service(RoadmapService).items_of(product.id)
                if i.kind in (ItemKind.MILESTONE, ItemKind.RELEASE)
            ),
            key=lambda i: (i.end_date, i.name),
        )
        out = export_pdf(
            ws,
            "roadmap",
            tmp_path / "poster.pdf",
            product_id=product.id,
            options=PdfOptions(today=TODAY),
        )
    finally:
        ws.close()
    pages = read_pdf.pages(out)
    first = next(n for n, p in enumerate(pages) if "Milestones and releases" in p)
    table_pages = pages[first:]
    assert len(table_pages) >= 3 and len(marks) > 100
    header = "Date Name Lane Kind Status Against baseline Critical"
    assert all(p.count(header) == 1 for p in table_pages)
    text = " ".join(table_pages)
    at = 0
    for mark in marks:  # every one, in the table's order
        at = text.index(mark.name, at)
    chart_pages = [p for p in pages[:first] if "Part " in p]
    assert len(chart_pages) >= 2
    assert all("Feature" in p and "Milestone" in p for p in chart_pages)  # each has its legend
