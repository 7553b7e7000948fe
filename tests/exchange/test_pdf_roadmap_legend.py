"""The roadmap poster's legend and marks come from core.roadmap_style, as on screen."""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Line

from pmdesk.core import roadmap_style as rs
from pmdesk.core.enums import ItemStatus
from pmdesk.exchange.pdf import PdfOptions, Progress, export_pdf
from pmdesk.exchange.pdf.fonts import register
from pmdesk.exchange.pdf.gantt import GanttChart
from pmdesk.exchange.pdf.job import Job
from pmdesk.exchange.pdf.roadmap_data import chart_range, roadmap_chart
from pmdesk.store.services import PortfolioService, RoadmapService


def _hex(colour) -> str:
    return "#" + colour.hexval()[2:].lower()


def _shapes(node):
    for child in getattr(node, "contents", []):
        yield child
        yield from _shapes(child)


def test_the_poster_prints_the_screens_legend(demo, tmp_path, read_pdf):
    product = demo.service(PortfolioService).product_by_name("Pulse Cloud")
    pdf = export_pdf(demo, "roadmap", tmp_path / "roadmap.pdf", product_id=product.id)
    text = read_pdf.text(pdf)
    for label in ("Critical path", "At risk", "Baseline", "Slip (+d late, −d early)", "Today"):
        assert label in text


def test_paper_marks_use_the_roadmap_style_colours(demo):
    register()
    product = demo.service(PortfolioService).product_by_name("Pulse Cloud")
    roadmap = demo.service(RoadmapService)
    item = roadmap.items_of(product.id)[0]
    job = Job(demo, PdfOptions(), Progress(None, None), product, (1190.0, 842.0))
    data = roadmap_chart(job)
    at_risk = [i for i in data.items if i.status is ItemStatus.AT_RISK]
    assert at_risk, "the demo has an item at risk"
    start, end = chart_range(job, data)
    chart = GanttChart(data, start, end, 1.0, 100.0)
    drawing = chart.drawing(chart.slices(10_000)[0], chart.bands(10_000)[0])
    shapes = list(_shapes(drawing))
    dots = [s for s in shapes if isinstance(s, Circle)]
    assert dots and all(_hex(d.fillColor) == rs.AT_RISK for d in dots)
    today = [s for s in shapes if isinstance(s, Line) and s.strokeDashArray == [3, 2]]
    assert today and _hex(today[0].strokeColor) == rs.TODAY
    assert item.lane_id in {lane.id for lane in data.lanes}
