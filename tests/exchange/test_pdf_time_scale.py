"""The roadmap poster's time scale follows the screen's rules (core.timeline.tier_labels):
every year it shows is named, and a tier under one that names the years does not repeat
them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from reportlab.graphics.shapes import String

from pmdesk.exchange.pdf import PdfOptions, Progress
from pmdesk.exchange.pdf.fonts import register, string_width
from pmdesk.exchange.pdf.gantt import GanttChart
from pmdesk.exchange.pdf.gantt_draw import TICK_PAD, UPPER_SIZE
from pmdesk.exchange.pdf.job import Job
from pmdesk.exchange.pdf.roadmap_data import chart_range, roadmap_chart
from pmdesk.store.services import PortfolioService

YEAR = re.compile(r"\b20\d\d\b|’\d\d\b")


def _strings(node):
    for child in getattr(node, "contents", []):
        if isinstance(child, String):
            yield child
        yield from _strings(child)


def _tiers(chart: GanttChart, drawing) -> tuple[list[str], list[str]]:
    """The upper and the lower tier's names, as printed (runs of one name joined)."""
    top = drawing.height
    upper, lower = [], []
    for shape in _strings(drawing):
        if shape.y > top - chart.tier_height:
            upper.append(shape.text)
        elif shape.y > top - chart.header:
            lower.append(shape.text)
    return upper, lower


def _poster(demo, px_per_day: float, today: dt.date | None = None) -> GanttChart:
    """Pulse Cloud's roadmap poster at this scale (as of ``today``), on A3 landscape."""
    register()
    product = demo.service(PortfolioService).product_by_name("Pulse Cloud")
    job = Job(demo, PdfOptions(today=today), Progress(None, None), product, (1190.0, 842.0))
    data = roadmap_chart(job)
    start, end = chart_range(job, data)
    return GanttChart(data, start, end, px_per_day, 100.0)


@pytest.mark.parametrize("px_per_day", [0.3, 0.42, 0.7, 1.0, 3.0])
def test_every_page_of_the_poster_names_its_years_once(demo, px_per_day):
    chart = _poster(demo, px_per_day)
    for piece in chart.slices(700):  # pages a few hundred points wide, as a small poster
        drawing = chart.drawing(piece, chart.bands(10_000)[0])
        upper, lower = _tiers(chart, drawing)
        text = " ".join(upper + lower)
        for year in range(piece.start.year, piece.end.year + 1):
            # Each year with room on the page for its name says it, in full or as ’26 (a
            # sliver of a year at the page's edge is named on the next page).
            first = max(piece.start, dt.date(year, 1, 1))
            last = min(piece.end, dt.date(year, 12, 31))
            room = ((last - first).days + 1) * px_per_day
            if room < string_width(str(year), UPPER_SIZE * chart.text_scale, True) + 2 * TICK_PAD:
                continue
            assert str(year) in text or f"’{year % 100:02d}" in text, (px_per_day, year, text)
        if any(YEAR.search(name) for name in upper):  # the lower tier does not repeat them
            assert not any(YEAR.search(name) for name in lower), (upper, lower)


@pytest.mark.parametrize(
    "today", [dt.date(2026, 12, 2), dt.date(2026, 12, 16), dt.date(2027, 1, 1)]
)
def test_no_month_name_is_under_the_today_tag(demo, today):
    # The tag sits in the lower tier: the month it covers is named beside it, or not at all
    # where the month has no room beside it ("Dec" half hidden read "ec").
    from reportlab.pdfbase.pdfmetrics import stringWidth

    for px_per_day in (1.0, 2.5):
        chart = _poster(demo, px_per_day, today)
        piece = next(p for p in chart.slices(1000) if p.start <= today <= p.end)
        drawing = chart.drawing(piece, chart.bands(10_000)[0])
        top = drawing.height
        lower = [
            s for s in _strings(drawing) if top - chart.header < s.y <= top - chart.tier_height
        ]
        (tag,) = [s for s in lower if s.text == "Today"]
        half = stringWidth("Today", tag.fontName, tag.fontSize) / 2 + 3  # the tag's padding
        middle = tag.x + half - 3
        names = [s for s in lower if s is not tag]
        assert len(names) >= 6
        for name in names:
            right = name.x + stringWidth(name.text, name.fontName, name.fontSize)
            assert right <= middle - half or name.x >= middle + half, (px_per_day, name.text)


@pytest.mark.parametrize("px_per_day", [0.7, 1.0, 3.0])
def test_a_period_the_page_cuts_takes_a_shorter_name_not_one_cut_short(demo, px_per_day):
    # "Q2 2…" or "Sept…" where a page begins or ends inside a quarter or a month: now
    # "Q2 ’26", "Sep", or no name where none of its own fits.
    chart = _poster(demo, px_per_day)
    pieces = chart.slices(260)  # narrow pages: many of them cut a quarter or a month
    assert len(pieces) >= 2
    for piece in pieces:
        upper, lower = _tiers(chart, chart.drawing(piece, chart.bands(10_000)[0]))
        assert upper and lower
        assert not any("…" in name for name in upper + lower), (upper, lower)


def test_a_plan_from_1900_to_2199_prints_its_ends_not_the_empty_years(tmp_path, read_pdf):
    # A new workspace whose items sit in 1900 and in 2199 (an end year typed wrong, say):
    # two pages of chart, each with its items and dates, where there were 130 of them.
    from pmdesk.exchange.pdf import export_pdf
    from pmdesk.store.services import RoadmapService
    from pmdesk.store.workspace import Workspace

    ws = Workspace.create(tmp_path / "far.pmdesk", name="Far apart")
    try:
        product = ws.service(PortfolioService).create_product(name="Far apart")
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=product.id, name="Plan", sort_order=0)
        for name, day in (("Founding", dt.date(1900, 1, 3)), ("Sunset", dt.date(2199, 12, 1))):
            roadmap.items.create(
                product_id=product.id, lane_id=lane.id, name=name, start_date=day,
                end_date=day + dt.timedelta(days=20),
            )  # fmt: skip
        out = export_pdf(ws, "roadmap", tmp_path / "far.pdf", product_id=product.id)
    finally:
        ws.close()
    pages = read_pdf.pages(out)
    parts = [page for page in pages if "Part " in page]
    assert len(parts) == 2 and len(pages) <= 4, [page[:80] for page in pages]
    assert "Part 1 of 2 · 1 Jan 1900" in parts[0] and "Founding" in parts[0]
    assert "Part 2 of 2" in parts[1] and "31 Dec 2199" in parts[1]
    # the last bar ends at the page's edge: named whole to its left, as on screen and slides
    assert "Sunset" in parts[1] and "Suns…" not in parts[1]


def test_a_page_a_label_runs_onto_is_kept():
    # An item at the end of a page whose name runs onto the next one: that page stays,
    # though nothing starts on it; the empty ones after it go.
    from reportlab.lib.colors import HexColor

    from pmdesk.core.enums import ItemKind
    from pmdesk.exchange.pdf.gantt import ChartData, ChartItem, ChartLane, GanttChart, label_room

    register()
    lane = ChartLane(1, "Plan", HexColor("#336699"))
    day = dt.date(2027, 1, 1)
    items = [
        ChartItem(1, 1, "Kick-off", ItemKind.FEATURE, day, day + dt.timedelta(days=20)),
        ChartItem(2, 1, "A name that runs on", ItemKind.FEATURE, dt.date(2027, 3, 20), dt.date(2027, 3, 31)),
        ChartItem(3, 1, "Far away", ItemKind.FEATURE, dt.date(2031, 1, 1), dt.date(2031, 1, 9)),
    ]  # fmt: skip
    chart = GanttChart(ChartData([lane], items), day, dt.date(2031, 1, 31), 1.0, 100.0)
    pieces = chart.slices(190)  # two or three months a page
    kept = chart.planned(pieces)

    def planned_on(piece) -> bool:
        reached = (
            item.start <= piece.end
            and piece.start <= item.end + dt.timedelta(days=label_room(item.name, 1.0))
            for item in items
        )
        return any(reached)

    assert kept == [piece for piece in pieces if planned_on(piece)]
    assert kept[:2] == pieces[:2] and kept[-1] == pieces[-1]  # the name runs onto page 2
    assert len(pieces) > 12 and len(kept) <= 4
