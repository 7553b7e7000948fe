"""Every PDF prints right-to-left scripts in reading order and 200-character names on the page.

A workspace is made from nothing through the services with Hebrew, Arabic,
mixed-direction and 200-character names (with and without spaces) in every
field the documents print. Text is read back with pypdf (and poppler where it
is installed), placed with ``_pdf_positions``, and pages are rendered.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from _pdf_positions import outside_margins, overlaps, placed_text

from pmdesk.exchange.pdf import KINDS, PdfOptions, export_pdf
from pmdesk.exchange.pdf.theme import SPACING

TODAY = dt.date(2026, 3, 16)
WORD = "Supercalifragilistic" * 10  # 200 characters, no space to break at
SPACED = ("Northwind field sensor platform for clinical laboratories and biobanks " * 3)[:200]
HEBREW = "פלטפורמת חיישנים למעבדות"  # "sensor platform for laboratories"
ARABIC = "منصة المستشعرات الذكية"  # "the smart sensor platform"
MIXED = "Launch إطلاق v2"
PEOPLE = ["דנה כהן", "سارة أحمد", "Zoë " + "Okafor" * 30]


def _long(base: str, length: int = 200) -> str:
    return (base * (length // len(base) + 1))[:length]


def build(ws) -> dict[str, int]:
    """Products named in every awkward way, each with what every document prints."""
    from pmdesk.core.enums import Attitude, CanvasTemplate, ItemKind, LaunchFunction
    from pmdesk.store.services import (
        CanvasService,
        LaunchService,
        LifecycleService,
        PortfolioService,
        RequirementService,
        RoadmapService,
        StakeholderService,
    )

    portfolio = ws.service(PortfolioService)
    portfolio.info.update(1, organisation=_long("Organisation"), name=_long("Portfolio "))
    names = {"word": WORD, "spaced": SPACED, "hebrew": HEBREW, "arabic": ARABIC, "mixed": MIXED}
    ids = {}
    for index, (key, name) in enumerate(names.items()):
        other = names["arabic" if key == "hebrew" else "hebrew"]
        product = portfolio.create_product(
            name=name,
            tagline=f"{other} — {name}",
            owner=PEOPLE[index % 3],
            segment=_long(f"{other} {WORD} "),
            vision=f"{name}\n{other}",
            goals=name,
            version_label="v2",
            confidentiality=_long("Confidential ", 100),
        )
        pid = ids[key] = product.id
        lifecycle = ws.service(LifecycleService)
        for kind, value in (
            ("revenue", 900.0 + index),
            ("market_share", 5.0 + 3 * index),
            ("market_growth", 12.0 - 4 * index),
        ):
            metric = lifecycle.metrics.create(
                product_id=pid,
                name=f"{kind} {name}"[:200],
                kind=kind,
                unit=_long("units", 40),
                target=1000,
            )
            for month in (1, 2, 3):
                lifecycle.values.create(
                    metric_id=metric.id, period=dt.date(2026, month, 1), value=value * month
                )
        portfolio.risks.create(
            product_id=pid,
            title=_long(f"{name} "),
            description=name,
            likelihood=4,
            impact=5,
            mitigation=_long(f"{other} {WORD} "),
            owner=PEOPLE[0],
        )
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=pid, name=name, sort_order=0)
        for number, kind in enumerate((ItemKind.FEATURE, ItemKind.MILESTONE)):
            start = TODAY + dt.timedelta(days=20 + 30 * number)
            roadmap.items.create(
                product_id=pid,
                lane_id=lane.id,
                name=f"{number} {name}",
                kind=kind,
                start_date=start,
                end_date=start + dt.timedelta(days=0 if number else 25),
            )
        people = ws.service(StakeholderService)
        person = people.stakeholders.create(
            product_id=pid,
            name=_long(f"{name} "),
            role=other,
            attitude=Attitude.CHAMPION,
            power=7,
            interest=8,
            comm_channel=name[:100],
            next_contact=TODAY + dt.timedelta(days=3),
        )
        launches = ws.service(LaunchService)
        launch = launches.launches.create(
            product_id=pid,
            name=name,
            launch_date=TODAY + dt.timedelta(days=45),
            tier=1,
            pos_target=name,
            segments=f"{name}\n{other}",
        )
        launches.messages.create(launch_id=launch.id, audience=other, message=name)
        launches.tasks.create(
            launch_id=launch.id,
            function=LaunchFunction.MARKETING,
            title=name,
            owner_id=person.id,
            due_offset_days=-5,
            due_date=launch.launch_date - dt.timedelta(days=5),
        )
        canvas = ws.service(CanvasService)
        board = canvas.boards.create(
            product_id=pid, name=name, template=CanvasTemplate.PRODUCT_CANVAS
        )
        for position, text in enumerate((name, other, WORD)):
            canvas.notes.create(board_id=board.id, block="problems", text=text, position=position)
        ws.service(RequirementService).requirements.create(
            product_id=pid,
            ref="R-1",
            title=name,
            description=f"{other} {WORD}",
            reach=10,
            impact=1,
            confidence=80,
            effort=2,
        )
    return ids


@pytest.fixture(scope="module")
def _awkward_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pmdesk.store.workspace import Workspace

    path = tmp_path_factory.mktemp("awkward") / "awkward.pmdesk"
    ws = Workspace.create(path, name="Awkward")
    build(ws)
    ws.close()
    return path


@pytest.fixture
def awkward(_awkward_file: Path, tmp_path: Path):
    """(read-only workspace, product ids by kind of name)."""
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    ws = Workspace.open(_awkward_file, read_only=True)
    products = ws.service(PortfolioService).list_products()
    by_name = {p.name: p.id for p in products}
    ids = {
        "word": by_name[WORD],
        "spaced": by_name[SPACED],
        "hebrew": by_name[HEBREW],
        "arabic": by_name[ARABIC],
        "mixed": by_name[MIXED],
    }
    yield ws, ids
    ws.close()


def _export(ws, kind: str, path: Path, pid: int | None = None) -> Path:
    return export_pdf(ws, kind, path, product_id=pid, options=PdfOptions(today=TODAY))


def render(pdf: Path, stem: str, resolution: int = 80) -> list[Path]:
    """The pages as PNG (pdftoppm), for a person to look at; [] without poppler."""
    if not shutil.which("pdftoppm"):
        return []
    prefix = pdf.with_name(stem)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(prefix)], check=True, timeout=120
    )
    return sorted(pdf.parent.glob(f"{stem}-*.png"))


# -- right-to-left text ------------------------------------------------------------------------


def _shown(text: str) -> str:
    """A purely right-to-left phrase as it must be stored in the PDF: joined, right to left.

    Worked out without pmdesk: arabic_reshaper joins the letters, and a phrase
    with no left-to-right character is drawn in exactly reversed order.
    """
    import arabic_reshaper

    return arabic_reshaper.reshape(text)[::-1]


def test_hebrew_and_arabic_names_print_in_reading_order_and_joined(awkward, tmp_path):
    ws, ids = awkward
    out = _export(ws, "portfolio", tmp_path / "portfolio.pdf")
    drawn = [p.text for p in placed_text(out)]
    stored = " ".join(drawn)
    assert _shown(HEBREW) in stored  # drawn right to left: the first letter is rightmost
    assert HEBREW not in stored  # never in typing order, which reads backwards
    assert _shown(ARABIC) in stored
    shaped = [ch for ch in _shown(ARABIC) if "\ufe70" <= ch <= "\ufeff"]
    assert len(shaped) >= len(ARABIC.replace(" ", "")) - 1  # presentation forms, not letters
    assert not any("\u0621" <= ch <= "\u064a" for ch in stored)  # no unjoined Arabic letter
    assert "\u25a1" not in stored  # the embedded font (DejaVu Sans) has every one of them
    # Mixed: the Latin words keep their places, the Arabic word reads right to left between.
    assert f"Launch {_shown('إطلاق')} v2" in stored
    # The headings of the product pages and the table cells print the same way.
    assert sum(_shown(HEBREW) in text for text in drawn) >= 3


def test_each_line_is_reordered_after_wrapping_not_the_paragraph(tmp_path):
    """A long Hebrew paragraph starts, in its first printed line, with its first words."""
    from reportlab.pdfgen.canvas import Canvas

    from pmdesk.exchange.pdf.markup import para
    from pmdesk.exchange.pdf.theme import Styles

    words = ["אחת", "שתיים", "שלוש", "ארבע", "חמש", "שש", "שבע", "שמונה", "תשע", "עשר"]
    text = " ".join(words * 3)
    paragraph = para(text, Styles.body)
    path = tmp_path / "wrap.pdf"
    canvas = Canvas(str(path))
    _w, height = paragraph.wrap(120, 1000)
    paragraph.drawOn(canvas, 72, 700 - height)
    canvas.save()
    lines = [p for p in placed_text(path)]
    assert len(lines) >= 3
    first = lines[0].text
    assert first.endswith(words[0][::-1])  # the first word is the rightmost of the first line
    assert words[1][::-1] in first
    assert lines[-1].text.startswith(words[-1][::-1])  # the last word ends the last line, left


def test_styled_runs_and_one_line_drawing_are_reordered_too(tmp_path):
    """A bold reference beside an RTL title (several runs) and a chart label (one line)."""
    from reportlab.pdfgen.canvas import Canvas

    from pmdesk.exchange.pdf.markup import Span, spans
    from pmdesk.exchange.pdf.textdraw import draw_text
    from pmdesk.exchange.pdf.theme import Styles

    path = tmp_path / "runs.pdf"
    canvas = Canvas(str(path))
    line = spans(Styles.body, [Span("R-7 ", bold=True), Span(f"{HEBREW} (2)")])
    _w, height = line.wrap(400, 100)
    line.drawOn(canvas, 72, 700)
    draw_text(canvas, 72, 600, MIXED, 10, max_width=300)
    canvas.save()
    stored = [p.text for p in placed_text(path)]
    # Latin first, so the line runs left to right; the Hebrew title with its "(2)" reads
    # right to left after it, the brackets kept as a pair and facing the right way.
    assert "".join(stored[:2]) == f"R-7 (2) {_shown(HEBREW)}"
    assert any(f"Launch {_shown('إطلاق')} v2" in text for text in stored)


def test_a_rendered_page_shows_the_right_to_left_names(awkward, tmp_path):
    ws, ids = awkward
    out = _export(ws, "spec", tmp_path / "spec.pdf", ids["hebrew"])
    pages = render(out, "spec", 80)
    if not pages:
        pytest.skip("poppler's pdftoppm is not installed")
    assert pages[0].stat().st_size > 5000  # a page with ink, not an empty one
    poppler = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    # poppler reads display order back into reading order: the name as typed comes out
    assert re.sub(r"\s+", " ", HEBREW) in re.sub(r"\s+", " ", poppler)


# -- 200-character names ------------------------------------------------------------------------

MARGIN = {"roadmap": 28.0}  # the poster is a bare page; every other document keeps the margin


def _joined(path: Path) -> str:
    return "".join("".join(p.text.split()) for p in placed_text(path))


def test_the_portfolio_with_200_character_names_stays_on_its_pages(awkward, tmp_path):
    ws, _ids = awkward
    out = _export(ws, "portfolio", tmp_path / "portfolio.pdf")
    assert outside_margins(out, SPACING.margin) == []
    assert overlaps(out) == []  # headings, table columns, chart titles and labels stay apart
    runs = placed_text(out)
    assert not any(WORD in p.text for p in runs)  # the unbroken word breaks inside itself ...
    assert WORD in _joined(out)  # ... and every letter of it prints (in the product's heading)
    assert SPACED.split()[-1] in " ".join(p.text for p in runs)
    assert render(out, "portfolio", 80)  # looked at: tmp_path/portfolio-*.png


def test_the_demo_portfolio_keeps_its_text_apart(demo, tmp_path):
    out = _export(demo, "portfolio", tmp_path / "demo.pdf")
    assert outside_margins(out, SPACING.margin) == []
    assert overlaps(out) == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_document_prints_rtl_and_200_character_names_on_the_page(kind, awkward, tmp_path):
    ws, ids = awkward
    products = [None] if kind == "portfolio" else list(ids.values())
    for pid in products:
        out = _export(ws, kind, tmp_path / f"{kind}-{pid}.pdf", pid)
        assert placed_text(out), "an empty document"
        assert outside_margins(out, MARGIN.get(kind, SPACING.margin)) == [], (kind, pid)
        if kind not in ("roadmap", "launch"):  # their timelines are drawn by the Gantt chart
            assert overlaps(out) == [], (kind, pid)
