"""The roadmap poster, and the roadmap chart other documents embed.

A poster either fits one large page (A3 or A2: vector graphics stay sharp when
scaled) or keeps a readable scale and splits across pages, each repeating the
lane column and the time scale and saying which part of the whole it is.
"""

from __future__ import annotations

import math

from reportlab.platypus import Flowable, PageBreak, Paragraph

from pmdesk.core.bulk import bulk_work
from pmdesk.core.enums import ItemKind
from pmdesk.core.gantt_layout import finish_slip
from pmdesk.core.wording import short_date

from .components import Plain, note, spacer, table
from .gantt import ChartData, GanttChart, enlarged, fit_scale, legend
from .job import Document, Job
from .markup import escape, para
from .roadmap_data import chart_range, roadmap_chart
from .template import Heading
from .theme import Styles

LABEL = "Roadmap"
SECTIONS = {"chart": "Chart", "legend": "Legend", "milestones": "Milestones and releases"}
READABLE_PX_PER_DAY = 1.2  # about 36 pt a month: month names and bar labels stay legible
LANE_COLUMN = 104.0


def make(job: Job) -> Document:
    options = job.options
    page = options.page_size("A3", "landscape")
    job.page = page
    job.describe(LABEL)
    width, height = job.width, job.height
    with bulk_work():  # a large plan makes a great many objects, none of them cycles
        return _make(job, page, width, height)


def _make(job: Job, page: tuple[float, float], width: float, height: float) -> Document:
    options = job.options
    data = roadmap_chart(job)  # once: the chart and the milestone table read the same plan
    story: list[Flowable] = []
    if not options.chart_only:
        story += _title(job)
        height -= 58
    if options.wants("chart") or options.chart_only:
        story += roadmap_flowables(
            job,
            width,
            height - (0 if options.chart_only else 28),
            legend=not options.chart_only and options.wants("legend"),
            split=not options.one_page,
            fill=True,
            data=data,
        )
    if not options.chart_only and options.wants("milestones"):
        story += _milestones(job, data)
    return Document(story, bare=options.chart_only, page=page)


def _title(job: Job) -> list[Flowable]:
    product = job.subject
    first, last = job.options.date_from, job.options.date_to
    span = ""
    if first or last:
        span = f"{short_date(first) or 'start'} – {short_date(last) or 'end'} · "
    return [
        Heading(f"{product.name} — roadmap", 0, style=Styles.title),
        para(f"{span}As of {short_date(job.options.on())}", Styles.subtitle),
    ]


def roadmap_flowables(
    job: Job,
    width: float,
    height: float,
    *,
    legend: bool = True,
    split: bool = False,
    fill: bool = False,
    data: ChartData | None = None,
) -> list[Flowable]:
    """The chart as one or more Drawings (with captions when it takes several pages)."""
    data = data if data is not None else roadmap_chart(job)
    span = chart_range(job, data)
    if span is None or not data.lanes:
        return [note("The roadmap has no items to chart yet.")]
    start, end = span
    label_width = min(LANE_COLUMN, width * 0.2)
    px = fit_scale(start, end, width, label_width)
    if split and px < READABLE_PX_PER_DAY:
        # Readable, in as few pages as that takes, each page filled to its width.
        days = (end - start).days + 1
        pages = math.ceil(days * READABLE_PX_PER_DAY / (width - label_width))
        px = max(READABLE_PX_PER_DAY * 0.94, pages * (width - label_width) * 0.95 / days)
    chart = GanttChart(data, start, end, px, label_width)
    legend_height = 24 if legend else 0
    if fill:  # a poster with room to spare grows its rows rather than leave the page half empty
        room = (height - legend_height - chart.header) / max(chart.body_height, 1.0)
        if room > 1.1:
            chart = GanttChart(data, start, end, px, label_width, enlarged(min(room, 2.4) * 0.97))
    chosen = job.options.date_from is not None or job.options.date_to is not None
    pieces = chart.drawings(width, height - legend_height, split=split, every=chosen)
    key = _legend(chart, width) if legend else None  # one per page, the same on each
    out: list[Flowable] = []
    for index, (piece, band, drawing) in enumerate(pieces):
        if len(pieces) > 1:
            if index:
                out.append(PageBreak())
            caption = (
                f"Part {index + 1} of {len(pieces)}  ·  {short_date(piece.start)} – "
                f"{short_date(piece.end)}  ·  lanes {band.first_lane + 1}–"
                f"{band.last_lane + 1} of {len(data.lanes)}"
            )
            out.append(Paragraph(escape(caption), Styles.caption))
        out.append(drawing)
        if key is not None:
            out += [spacer(6), key]
        job.progress.step()
    return out


def _legend(chart: GanttChart, width: float) -> Flowable:
    has_baseline = any(item.baseline for item in chart.data.items)
    has_critical = any(item.critical for item in chart.data.items)
    has_violated = any(link.violated for link in chart.data.links)
    return legend(width, baseline=has_baseline, critical=has_critical, violated=has_violated)


def _milestones(job: Job, data: ChartData) -> list[Flowable]:
    lanes = {lane.id: lane.name for lane in data.lanes}
    marks = sorted(
        (i for i in data.items if i.kind in (ItemKind.MILESTONE, ItemKind.RELEASE)),
        key=lambda i: (i.end, i.name),
    )
    out: list[Flowable] = [PageBreak(), Heading("Milestones and releases", 1, style=Styles.h2)]
    if not marks:
        return out + [note("No milestones or releases in this range.")]
    rows = []
    for item in marks:
        slip = ""
        if item.baseline:
            days = finish_slip(item.end.toordinal(), item.baseline[1].toordinal())
            slip = "on plan" if days == 0 else f"{days:+d} days"
        rows.append(
            [
                Plain(short_date(item.end)),
                item.name,
                lanes.get(item.lane_id, ""),
                Plain(item.kind.label),
                Plain(item.status.label),
                Plain(slip),
                Plain("yes" if item.critical else ""),
            ]
        )
    out.append(
        table(
            ["Date", "Name", "Lane", "Kind", "Status", "Against baseline", "Critical"],
            rows,
            [0.1, 0.34, 0.18, 0.09, 0.1, 0.11, 0.08],
            total_width=job.width,
            paged=True,  # a large plan's list runs to a hundred pages
        )
    )
    return out + [spacer()]
