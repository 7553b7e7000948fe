"""The roadmap as native shapes, and the now / next / later board as cards.

The roadmap slides draw from the same data and geometry as the PDF poster and the
screen: the plan is read by ``exchange.pdf.roadmap_data.roadmap_chart`` (lanes in
the screen's colours, the critical path, broken dependencies), items are packed
into rows and placed by ``core.gantt_layout`` through the poster's ``GanttChart``
(its metrics grown for a slide), labels go where ``gantt_layout.label_place``
puts them — inside a bar when they fit, beside it when not. A name (an item's or a
lane's) with no room to be whole keeps its beginning and a reference mark ("¹"),
and the slide's key under the legend gives it in full: the chart gives up that
room, a long key goes on over a slide of its own, and a name too long for any
slide is whole in the speaker notes. Dependencies follow the poster's rule of
which end joins which. Everything is a shape a person can edit: a bar
is a rounded rectangle carrying its label, a milestone a diamond, and a
dependency an elbow connector glued to both bars, so it follows a bar that is
moved in PowerPoint. An item's whole name is always on its shape (alt text),
even when its label had to be shortened.

A roadmap too long to read on one slide is cut into time windows (as the poster
cuts pages: as few as keep it legible, of about equal length, at month
boundaries); a window with more rows than a slide holds goes on over more
slides. The board uses the app's own rule (``core.horizon``): a column set by
hand wins, else the dates decide; finished work leaves the board.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from itertools import accumulate
from typing import Any

from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from pmdesk.core import horizon as board_rule
from pmdesk.core import palette
from pmdesk.core import roadmap_style as rs
from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus
from pmdesk.core.gantt_layout import ROW_SIZES, Metrics, label_place
from pmdesk.core.gantt_layout import Box as LayoutBox
from pmdesk.core.timeline import (
    Tick,
    TimeScale,
    add_months,
    clear_of_tags,
    cut_name,
    next_unit,
    readable_tiers,
    says_years,
    tier_labels,
    unit_start,
)
from pmdesk.exchange.output import Progress
from pmdesk.exchange.pdf import roadmap as pdf_roadmap
from pmdesk.exchange.pdf.fonts import printable, register, string_width
from pmdesk.exchange.pdf.gantt import (
    LABEL_SIZE as PAPER_LABEL_SIZE,
)
from pmdesk.exchange.pdf.gantt import (
    PAPER_TIER_FACTOR,
    Band,
    ChartData,
    ChartItem,
    ChartLane,
    ChartLink,
    GanttChart,
    enlarged,
)
from pmdesk.exchange.pdf.job import Job
from pmdesk.exchange.pdf.options import PdfOptions
from pmdesk.exchange.pdf.roadmap_data import roadmap_chart
from pmdesk.store.models import Product
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.services.roadmap_queries import ItemRow, RoadmapQueries

from . import DeckJob
from .base import (
    BODY,
    BODY_SIZE,
    EMU_PER_POINT,
    FAINT,
    HAIRLINE,
    INK,
    INSET,
    INSET_Y,
    LINE_SPACING,
    MUTED,
    PRIMARY,
    RULE,
    SMALL_SIZE,
    SURFACE,
    WHITE,
    Box,
    Deck,
    clean,
    lines_of,
    points,
    rectangle,
    rgb,
    style_font,
    style_shape,
    text_box,
    text_height,
)

# -- the roadmap's sizes on a slide (points) --------------------------------------------------

LABEL_SIZE = 12.0  # a bar's label: read from the back of a meeting room
LANE_SIZE = 12.0
LANE_NOTE_SIZE = 10.0  # the product's name above its lane's, on a portfolio roadmap
TICK_SIZE = 11.0
LEGEND_SIZE = 11.0
LANE_COLUMN = 150.0
TIER = 20.0  # each of the time scale's two tiers
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
MIN_PERIOD = 4.0  # a period of the time scale narrower than this gets no line or label
LEGEND_ROW = 20.0
LEGEND_GAP = 8.0
PAD = 4.0  # a label's room from its bar, and a bar's text from its edges
SLACK = 2.0  # a rounded shape's text area is inset by its corners: measure a little short
# The poster's rows and shapes, grown for a slide; the labels' room measured at slide size.
METRICS: Metrics = replace(
    enlarged(1.6), label_padding=PAD, min_label_width=30.0, max_label_width=260.0, link_gap=8.0
)
# The poster keeps 1.2 pt a day for 6.8 pt labels; a slide's larger labels need as much more.
READABLE_PT_PER_DAY = pdf_roadmap.READABLE_PX_PER_DAY * LABEL_SIZE / PAPER_LABEL_SIZE
MAX_WINDOWS = 24  # time windows at most, however long the plan
SHRINK_TO = 0.85  # rows closer by this much at most, to keep a window on one slide
MEASURED = 400  # characters of a name measured at most: more never fits a label anyway
ELLIPSIS = "…"
# A label with no room for its whole name keeps its beginning and a reference mark; the
# slide's key, under the legend, gives each marked name in full.
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
KEY_TITLE = "Names in full"
KEY_SIZES = (11.0, 10.0)  # the key's text, and as small as it goes before it continues
KEY_COLUMNS = 3
KEY_GAP = 6.0  # between the legend and the key, and between the key's columns
KEY_MOST = 0.4  # of the rows' height, the most the key takes from the chart
MARK_SHRINK = 0.6  # a mark alone in a gap narrower than it may be set this much smaller
TOO_LONG = "(name too long for a slide — in full in the speaker notes)"
EMPTY = "No roadmap items yet — add them in the Roadmap view"

# -- the board's ---------------------------------------------------------------------------------

CARD_TITLE = 13.0
CARD_DETAIL = 10.5
CARD_GAP = 6.0
CARD_TITLE_LINES = 12  # every name the app accepts (300 characters) fits; a longer one from
# a file made elsewhere is shortened on its card (whole in its alt text)
COLUMN_HEAD = 52.0


def emu(points: float) -> int:
    return int(round(points * EMU_PER_POINT))


# -- measuring ----------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """A label's text on one line: as typed, line breaks read as spaces."""
    return clean(text).replace("\r", " ").replace("\n", " ").replace("\t", " ")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Points ``text`` takes on one line (the PDFs' wider fonts: it fits PowerPoint's too)."""
    register()
    return string_width(printable(_one_line(text[: MEASURED * 4]))[:MEASURED], size, bold)


def shorten(text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` on one line in ``width`` points: whole when it fits, else its longest
    beginning that does, ended with an ellipsis ("" when not even that fits)."""
    line = _one_line(text)
    if text_width(line, size, bold) <= width:
        return line
    room = width - text_width(ELLIPSIS, size, bold)
    low, high = 0, min(len(line), MEASURED)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(line[:middle], size, bold) <= room:
            low = middle
        else:
            high = middle - 1
    return line[:low].rstrip() + ELLIPSIS if low else ""


def wrapped(text: str, width: float, size: float, bold: bool, max_lines: int) -> list[str]:
    """``text`` wrapped at spaces into ``width`` points, at most ``max_lines`` lines, the
    last shortened with an ellipsis when words remain. Lines keep the text as typed."""
    words = _one_line(text[: MEASURED * 8]).split()
    lines: list[str] = []
    current = ""
    while words and len(lines) < max_lines:
        candidate = f"{current} {words[0]}".strip()
        if text_width(candidate, size, bold) <= width:
            current = candidate
            words.pop(0)
            continue
        if not current:  # one word wider than the line: break inside it
            cut = len(shorten(words[0], width, size, bold).rstrip(ELLIPSIS)) or 1
            current, words[0] = words[0][:cut], words[0][cut:]
            if not words[0]:
                words.pop(0)
        lines.append(current)
        current = ""
    if current and len(lines) < max_lines:
        lines.append(current)
    if (words or len(text) > MEASURED * 8) and lines:  # more than the lines hold
        rest = shorten(" ".join([lines[-1], *words[:50]]), width, size, bold)
        if not rest.endswith(ELLIPSIS):
            room = width - text_width(ELLIPSIS, size, bold)
            rest = shorten(lines[-1], room, size, bold).rstrip(ELLIPSIS).rstrip() + ELLIPSIS
        lines[-1] = rest
    return lines or [""]


# -- shapes ----------------------------------------------------------------------------------


def set_alt_text(shape: Any, text: str) -> None:
    """The shape's description (Alt Text): the item's whole name, as typed."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", clean(text))


def alt_text(shape: Any) -> str:
    found = shape._element.xpath("./*[1]/p:cNvPr")
    return found[0].get("descr", "") if found else ""


def _frame_text(
    shape: Any,
    text: str,
    *,
    size: float,
    bold: bool = False,
    colour: str = INK,
    align: str = "left",
    margin: float = PAD,
    wrap: bool = False,
) -> None:
    frame = shape.text_frame
    frame.word_wrap = wrap
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = frame.margin_right = Emu(emu(margin))
    frame.margin_top = frame.margin_bottom = Emu(0)
    paragraph = frame.paragraphs[0]
    paragraph.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER}[align]
    run = paragraph.add_run()
    run.text = text
    style_font(run.font, size=size, bold=bold, colour=colour)


def _shape(slide: Any, kind: MSO_SHAPE, x: float, y: float, w: float, h: float) -> Any:
    """An auto shape at a box given in EMU (floats rounded)."""
    return slide.shapes.add_shape(
        kind, Emu(int(x)), Emu(int(y)), Emu(max(1, int(w))), Emu(max(1, int(h)))
    )


def _line(
    slide: Any,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    colour: str,
    width: float = 0.75,
    dash: bool = False,
    kind: MSO_CONNECTOR = MSO_CONNECTOR.STRAIGHT,
) -> Any:
    line = slide.shapes.add_connector(kind, Emu(int(x0)), Emu(int(y0)), Emu(int(x1)), Emu(int(y1)))
    _stroke(line, colour, width, dash)
    return line


def _stroke(shape: Any, colour: str, width: float, dash: bool = False) -> None:
    shape.line.color.rgb = rgb(colour)
    shape.line.width = Pt(width)
    if dash:
        shape.line.dash_style = MSO_LINE_DASH_STYLE.DASH


def _arrowhead(connector: Any) -> None:
    """A filled triangle where the connector ends (on the successor)."""
    ln = connector.line._get_or_add_ln()
    ln.append(ln.makeelement(qn("a:tailEnd"), {"type": "triangle", "w": "med", "len": "med"}))


def _tint(colour: str, amount: float) -> str:
    return palette.mix(colour, WHITE, amount)


# -- the roadmap's data -------------------------------------------------------------------------


@dataclass
class Plan:
    """The roadmap to draw: the chart's data, and what each lane's band says."""

    data: ChartData
    lane_notes: dict[int, str]  # lane id -> the product's name (portfolio roadmaps only)
    lane_hex: dict[int, str]  # lane id -> its colour, '#rrggbb'


class Checks(Progress):
    """The deck's cancel button for the poster's data reader, without its steps: the deck
    counts a slide kind as one step, whatever reading the plan takes."""

    def __init__(self, deck: Progress) -> None:
        super().__init__(None, None)
        self.deck = deck

    def check(self) -> None:
        self.deck.check()

    def step(self, count: int = 1) -> None:
        self.deck.check()


def gather(job: DeckJob) -> Plan:
    """The plan as the PDF poster reads it, for the job's product or for every product."""
    products: list[Product]
    if job.product is not None:
        products = [job.product]
    else:
        products = job.service(PortfolioService).list_products()
    lanes: list[ChartLane] = []
    items: list[ChartItem] = []
    links: list[ChartLink] = []
    notes: dict[int, str] = {}
    options = PdfOptions(today=job.on)
    checks = Checks(job.progress)
    for product in products:
        job.progress.check()
        paper = Job(job.ws, options, checks, product, (0.0, 0.0))
        data = roadmap_chart(paper)
        lanes += data.lanes
        items += data.items
        links += data.links
        if job.product is None:
            notes.update({lane.id: product.name for lane in data.lanes})
    hexes = {lane.id: "#" + lane.colour.hexval()[2:].upper() for lane in lanes}
    return Plan(ChartData(lanes, items, links, today=job.on), notes, hexes)


# -- time windows ---------------------------------------------------------------------------------


def _month_after(day: dt.date) -> dt.date | None:
    """The first day of the next month; None past the calendar's last month."""
    return None if (day.year, day.month) == (9999, 12) else add_months(day.replace(day=1), 1)


def windows(first: dt.date, last: dt.date, room: float) -> list[tuple[dt.date, dt.date]]:
    """Whole months from ``first``'s to ``last``'s, cut as the poster cuts its pages: as few
    windows as keep READABLE_PT_PER_DAY in ``room`` points, of about equal length, at
    month boundaries. A plan spanning centuries (an end date typed as 9999) gets at
    most MAX_WINDOWS, each as long as that takes, rather than thousands of slides."""
    start = first.replace(day=1)
    following = _month_after(last)
    end = following - dt.timedelta(days=1) if following else dt.date.max
    days = (end - start).days + 1
    most = max(room / READABLE_PT_PER_DAY, days / MAX_WINDOWS)
    if days <= most:
        return [(start, end)]
    target = days / math.ceil(days / most)
    cuts: list[tuple[dt.date, dt.date]] = []
    begin, month = start, start
    while True:
        after = _month_after(month)
        if after is None or after > end:
            break
        span = (after - begin).days
        following = _month_after(after)
        month_days = ((following or dt.date.max) - after).days
        if span >= target - month_days / 2 or span + month_days > most:
            cuts.append((begin, after - dt.timedelta(days=1)))
            begin = after
        month = after
    cuts.append((begin, end))
    # Months do not divide evenly: a short remainder joins the window before it when the
    # two still read (and always beyond MAX_WINDOWS), rather than take a slide of its own.
    while len(cuts) > 1 and (
        len(cuts) > MAX_WINDOWS
        or (len(cuts) > math.ceil(days / most) and (cuts[-1][1] - cuts[-2][0]).days < most)
    ):
        cuts[-2:] = [(cuts[-2][0], cuts[-1][1])]
    return cuts


def window_label(first: dt.date, last: dt.date) -> str:
    """ "Jan–Jun 2027", "Nov 2026–Apr 2027", "Mar 2027"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%b} {first.year}"
    if first.year == last.year:
        return f"{first:%b}–{last:%b} {last.year}"
    return f"{first:%b} {first.year}–{last:%b} {last.year}"


@dataclass
class Window:
    """One time window of the roadmap, laid out on the slide's scale."""

    first: dt.date
    last: dt.date
    chart: GanttChart
    items: dict[int, ChartItem]  # the items as planned (whole dates), by id
    bands: list[Band]
    places: list[Place]  # where each item and its label go, row by row


def _label_end(found: list[Place], row_top: float) -> float:
    """Where the label beside the row's previous item ends (0 when it has none)."""
    if not found or found[-1].row_top != row_top or found[-1].beside is None:
        return 0.0
    x, width = found[-1].beside
    return x + width + 1


def _yielding(found: list[Place], row_top: float, mark_x: float) -> Place | None:
    """The label just before ``mark_x`` in the same row, when it can give up the room
    for a mark there and keep room for its own."""
    if not found or found[-1].row_top != row_top or found[-1].beside is None:
        return None
    x, _width = found[-1].beside
    sign = text_width(reference(88), LABEL_SIZE) + 1
    room = mark_x - PAD - x  # the label's new width
    return found[-1] if room >= sign + text_width("W" + ELLIPSIS, LABEL_SIZE) else None


def reference(number: int) -> str:
    """A label's reference mark into the slide's key: "¹", "¹²"."""
    return str(number).translate(SUPERSCRIPT)


@dataclass(frozen=True)
class Place:
    """Where an item's shape and label go in its window (layout points).

    ``inside`` is the room for a label in the bar (0: the label is not in the bar);
    ``beside`` the (x, width) of a label beside it; ``whole`` whether the name fits
    there as typed. A name that does not is shortened and marked, and named in full
    in the slide's key; one with no room at all gets its mark alone, where it fits.
    """

    item: ChartItem
    box: LayoutBox
    row_top: float
    inside: float
    beside: tuple[float, float] | None
    whole: bool


def places(
    chart: GanttChart, first: dt.date, last: dt.date, items: dict[int, ChartItem]
) -> list[Place]:
    """Every item's shape and label in the window: inside its bar when the name fits,
    beside it when there is room (``core.gantt_layout.label_place``, as on the poster)."""
    m = chart.metrics
    scale = TimeScale(first, chart.px)
    day0, day1 = first.toordinal(), last.toordinal() + 1
    edge = chart.chart_width + m.label_padding
    found: list[Place] = []
    seen: set[int] = set()
    for lay, box, row_top, _compact, next_x, prev_x in chart.layout.bar_boxes(
        day0, day1, -1.0, chart.body_height + 1.0, scale
    ):
        if lay.id in seen:
            continue
        seen.add(lay.id)
        whole = items[lay.id]
        milestone = whole.kind is ItemKind.MILESTONE
        if not milestone:  # the layout's box holds the label's room too
            clipped = chart.items[lay.id]
            days = clipped.end.toordinal() + 1 - clipped.start.toordinal()
            box = LayoutBox(box.x, box.y, max(days * chart.px, 1.0), box.h)
        need = text_width(whole.name, LABEL_SIZE) + SLACK
        next_left = min(next_x, edge) if next_x is not None else edge
        left_limit = prev_x if prev_x is not None else 0.0
        place = label_place(box, need, next_left, m, milestone, left_limit=left_limit)
        inside, beside = 0.0, None
        if place is not None and place.inside and not milestone:
            inside = box.w - 2 * PAD - SLACK
            fits = need - SLACK <= inside
        elif place is not None:
            beside = (place.x, place.width)
            fits = need <= place.width
        else:  # no room for a label: its mark alone, beside, inside or before the bar
            fits = False
            sign = text_width(reference(88), LABEL_SIZE) + 1
            pad = m.label_padding
            if next_left - pad - (box.right + pad) >= sign:
                beside = (box.right + pad, sign)
            elif not milestone and box.w >= sign + 2:
                inside = box.w - 2
            elif box.x - pad - sign >= left_limit + pad:
                beside = (box.x - pad - sign, sign)
            elif (before := _yielding(found, row_top, box.x - pad - sign)) is not None:
                # The label before runs up to this bar: it gives up room for the mark.
                x, width = before.beside or (0.0, 0.0)
                room = box.x - 2 * pad - sign - x
                fits = before.whole and text_width(before.item.name, LABEL_SIZE) + SLACK <= room
                found[-1] = replace(before, beside=(x, room), whole=fits)
                beside, fits = (box.x - pad - sign, sign), False
            else:  # the widest gap next to the bar, a point from its neighbours
                limit = max(left_limit, _label_end(found, row_top))
                gaps = [
                    (min(next_x if next_x is not None else edge, chart.chart_width) - box.right - 2,
                     box.right + 1),
                    (box.x - limit - 2, limit + 1),
                ]  # fmt: skip
                width, x = max(gaps)
                if width >= text_width(reference(8), LABEL_SIZE) * MARK_SHRINK:
                    beside = (x, width)
        found.append(Place(whole, box, row_top, inside, beside, fits))
    return found


def lay_out(
    plan: Plan,
    first: dt.date,
    last: dt.date,
    width: float,
    height: float,
    metrics: Metrics = METRICS,
) -> Window:
    """The items of ``first``..``last`` packed into rows (``core.gantt_layout``), each
    clipped to the window, with room kept beside a bar for a label that does not fit in
    it, and cut into runs of lanes fitting ``height`` points."""
    days = (last - first).days + 1
    px = width / days
    w0, w1 = first.toordinal(), last.toordinal()
    whole: dict[int, ChartItem] = {}
    shown: list[ChartItem] = []
    for item in plan.data.items:
        start, end = item.start.toordinal(), item.end.toordinal()
        if end < w0 or start > w1:
            continue
        whole[item.id] = item
        clipped = replace(
            item,
            start=item.start if start >= w0 else first,
            end=item.end if end <= w1 else last,
            baseline=None,
        )
        label = text_width(item.name, LABEL_SIZE) + 2 * PAD
        room = 0
        if item.kind is ItemKind.MILESTONE:
            room = math.ceil((min(label, METRICS.max_label_width) + METRICS.milestone_size) / px)
        elif (clipped.end - clipped.start).days + 1 < label / px:
            room = math.ceil((min(label, METRICS.max_label_width) + PAD) / px)
        shown.append(replace(clipped, label_room_days=room))
    used = {item.lane_id for item in shown}
    lanes = [lane for lane in plan.data.lanes if lane.id in used]
    links = [link for link in plan.data.links if link.pred in whole and link.succ in whole]
    data = ChartData(lanes, shown, links, today=plan.data.today)
    chart = GanttChart(data, first, last, px, LANE_COLUMN, metrics)
    if metrics is METRICS and height < chart.body_height <= height / SHRINK_TO:
        # A little too tall: closer rows rather than a lane alone on the next slide, as
        # the poster scales a page down (the labels keep their size and still fit).
        factor = height / chart.body_height * 0.999
        chart = GanttChart(data, first, last, px, LANE_COLUMN, METRICS.scaled(factor, ROW_SIZES))
    bands = chart.bands(height + chart.header) if shown else []
    return Window(first, last, chart, whole, bands, places(chart, first, last, whole))


# -- the roadmap slides ---------------------------------------------------------------------------


def add_roadmap(deck: Deck, job: DeckJob) -> None:
    """The roadmap in lanes over time, one slide per window and run of lanes; a slide
    with shortened names keeps room under its legend for their key."""
    plan = gather(job)
    if not plan.data.items:
        slide, body = deck.slide("Roadmap", notes=job.note)
        text_box(slide, body, EMPTY, size=BODY_SIZE + 4, colour=MUTED, name="Nothing yet")
        return
    body = BODY  # a titled slide's body, without a subtitle
    legends = {shown: _legend_rows(plan, body.w, today=shown) for shown in (False, True)}
    legend = legends[True]  # the taller, if either
    chart_width = body.w / EMU_PER_POINT - LANE_COLUMN
    rows_height = (body.h / EMU_PER_POINT) - 2 * TIER - len(legend) * LEGEND_ROW - LEGEND_GAP
    key_most = rows_height * KEY_MOST
    extent = plan.data.extent()
    assert extent is not None
    # Items by start, with the latest end so far: whether a window holds any, at a glance
    # (a plan with an item in the year 9999 has thousands of empty windows between).
    spans = sorted((item.start, item.end) for item in plan.data.items)
    starts = [start for start, _end in spans]
    reach = list(accumulate((end for _start, end in spans), max))
    laid: list[tuple[Window, float]] = []
    for first, last in windows(extent[0], extent[1], chart_width):
        count = bisect_right(starts, last)
        if not count or reach[count - 1] < first:
            continue  # nothing planned in these months: no slide
        job.progress.check()
        # The rows give up room for the key when a slide has one: as much as its longest
        # key takes (at most KEY_MOST of the rows; a longer one goes on a further slide).
        plain = window = lay_out(plan, first, last, chart_width, rows_height)
        key_room = 0.0
        for _attempt in range(6):
            need = max(
                (
                    Key(slide_entries(plan, window, band), body.w, key_most - KEY_GAP).height
                    for band in window.bands
                ),
                default=0.0,
            )
            need = min(need + KEY_GAP, key_most) if need else 0.0
            if need <= key_room:
                break
            key_room = need
            window = lay_out(plan, first, last, chart_width, rows_height - key_room)
            factor = (rows_height - key_room) / rows_height
            if len(window.bands) > len(plain.bands) and factor >= SHRINK_TO:
                # Rather than a lane on a slide of its own: the rows a little closer.
                closer = METRICS.scaled(factor * 0.999, ROW_SIZES)
                tighter = lay_out(plan, first, last, chart_width, rows_height - key_room, closer)
                if len(tighter.bands) <= len(plain.bands):
                    window = tighter
        if window.bands:
            laid.append((window, key_room))
    total = sum(len(window.bands) for window, _room in laid)
    job.progress.expect(total)  # a step per slide: a long roadmap moves the bar as it goes
    number = 0
    stamps = Stamps()
    for window, key_room in laid:
        for band in window.bands:
            number += 1
            job.progress.step()
            title = f"Roadmap — {window_label(window.first, window.last)}"
            if total > 1:
                title += f" ({number} of {total})"
            slide, body = deck.slide(title, notes=job.note if number == 1 else "")
            painter = RoadmapSlide(slide, body, plan, window, band, stamps)
            painter.draw()
            today = plan.data.today is not None and window.first <= plan.data.today <= window.last
            top = painter.bottom + emu(LEGEND_GAP)
            draw = partial(_draw_legend, slide, body.x, top, legends[today])
            stamps.put(slide, ("legend", today), draw, top=top)
            entries = slide_entries(plan, window, band)
            if entries:
                top += emu(len(legends[today]) * LEGEND_ROW + KEY_GAP)
                room = max(key_room - KEY_GAP, 0.0)
                _key_slides(deck, slide, title, Box(body.x, top, body.w, emu(room)), entries)


def banded(window: Window, band: Band) -> list[Place]:
    """The window's items drawn on the slide of ``band``."""
    return [p for p in window.places if band.top - 0.01 <= p.row_top < band.bottom - 0.01]


def lane_title(plan: Plan, lane: ChartLane) -> str:
    """The lane's whole name, after its product's on a portfolio roadmap."""
    note = plan.lane_notes.get(lane.id, "")
    return f"{note} · {lane.name}" if note else lane.name


def lane_lines(
    plan: Plan, lane: ChartLane, room: float
) -> tuple[list[str], list[str], float, bool]:
    """The product's name (portfolio roadmaps) and the lane's, in lines that fit the lane
    column and ``room`` points of height: a size smaller when that keeps the name whole;
    with the lane name's size and whether either had to be shortened."""
    width = LANE_COLUMN - 10 - 2 * PAD
    room -= 4
    note = plan.lane_notes.get(lane.id, "")
    note_lines = wrapped(note, width, LANE_NOTE_SIZE, False, 1) if note else []
    room -= len(note_lines) * LANE_NOTE_SIZE * LINE_SPACING
    for size in (LANE_SIZE, LANE_NOTE_SIZE):
        count = int(room // (size * LINE_SPACING))
        if not count and size != LANE_NOTE_SIZE:
            continue  # not one line at this size under the product's name: the smaller
        lines = wrapped(lane.name, width, size, True, max(count, 1))
        if not lines[-1].endswith(ELLIPSIS) or lane.name.endswith(ELLIPSIS):
            break
    short = _letters(lines) != _letters([lane.name]) or _letters(note_lines) != _letters([note])
    return note_lines, lines, size, short


def _letters(lines: list[str]) -> str:
    """The text of ``lines`` without its spaces: whether wrapping kept every letter."""
    return "".join("".join(_one_line(line).split()) for line in lines)


def cut_lanes(plan: Plan, window: Window, band: Band) -> list[ChartLane]:
    """The lanes of ``band`` whose names do not fit their part of the lane column."""
    boxes, lanes = window.chart.layout.boxes, window.chart.data.lanes
    cut = []
    for index in range(band.first_lane, min(band.last_lane, len(boxes) - 1) + 1):
        box = boxes[index]
        top, bottom = max(box.top, band.top), min(box.top + box.height, band.bottom)
        if bottom > top and lane_lines(plan, lanes[index], bottom - top)[3]:
            cut.append(lanes[index])
    return cut


# -- the key to shortened names -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of a slide's key: the mark on the slide and the name it stands for."""

    sign: str
    name: str  # on one line, as typed
    long: bool  # too long for a slide: in full in the speaker notes

    @property
    def text(self) -> str:
        return f"{self.sign} {TOO_LONG if self.long else self.name}"


def key_entries(places: Iterable[Place], lanes: Iterable[str] = ()) -> list[Entry]:
    """The key's entries of a slide's items, then its lanes', numbered as their marks are."""
    names = [place.item.name for place in places if not place.whole] + list(lanes)
    entries = []
    for number, whole in enumerate(names, 1):
        name = _one_line(whole)
        entries.append(Entry(reference(number), name, _too_long(name)))
    return entries


def slide_entries(plan: Plan, window: Window, band: Band) -> list[Entry]:
    """The key of the slide drawing ``band`` of ``window``."""
    lanes = [lane_title(plan, lane) for lane in cut_lanes(plan, window, band)]
    return key_entries(banded(window, band), lanes)


def _column_width(width: int, size: float) -> float:
    """Points each of the key's columns has, beside its title, in ``width`` EMU."""
    title = text_width(KEY_TITLE, size, True) + 2 * PAD
    return (width / EMU_PER_POINT - title - KEY_COLUMNS * KEY_GAP) / KEY_COLUMNS


def _too_long(name: str) -> bool:
    """Whether ``name`` in the key would be taller than a whole slide's body at the key's
    smallest size, in one of its columns (checked only for names that might be)."""
    if len(name) < 1_000:
        return False
    if len(name) > 20_000:
        return True
    size = KEY_SIZES[-1]
    width = emu(_column_width(BODY.w, size))
    lines = len(lines_of(f"{reference(88)} {name}", width + 2 * INSET, size, True))
    return lines * size * LINE_SPACING > points(BODY.h)


class Key:
    """A slide's key in up to KEY_COLUMNS columns under its title, in ``room`` points:
    at the first of KEY_SIZES whose columns hold every entry, else at the smallest
    with as many as fit (``rest`` goes on over a further slide)."""

    def __init__(self, entries: Sequence[Entry], width: int, room: float) -> None:
        self.width = width
        self.columns: list[list[Entry]] = []
        self.rest: list[Entry] = list(entries)
        self.height = 0.0
        self.size = KEY_SIZES[0]
        if not entries:
            return
        for size in KEY_SIZES:
            self.size = size
            line = size * LINE_SPACING
            tall = [self.lines(entry) for entry in entries]
            most = int(room // line)
            fits = self._fill(tall, most)
            if fits == len(entries):
                low, high = max(tall), most  # as few lines as still hold them all
                while low < high:
                    middle = (low + high) // 2
                    low, high = (
                        (low, middle)
                        if self._fill(tall, middle) == len(entries)
                        else (middle + 1, high)
                    )
                break
        else:
            low = most
        count = self._fill(tall, low, entries)
        self.rest = list(entries[count:])
        self.height = (
            max((sum(self.lines(entry) for entry in column) for column in self.columns), default=1)
            * self.size
            * LINE_SPACING
        )

    def lines(self, entry: Entry) -> int:
        width = emu(_column_width(self.width, self.size))
        return len(lines_of(entry.text, width + 2 * INSET, self.size, True))  # a bold sign

    def _fill(self, tall: list[int], most: int, entries: Sequence[Entry] | None = None) -> int:
        """How many entries, in order, the columns hold at ``most`` lines each (kept as
        ``columns`` when ``entries`` are given)."""
        columns: list[list[int]] = [[]]
        used = 0
        for index, lines in enumerate(tall):
            if used + lines > most:
                if len(columns) == KEY_COLUMNS or lines > most:
                    break
                columns.append([])
                used = 0
            columns[-1].append(index)
            used += lines
        else:
            index = len(tall)
        if entries is not None:
            self.columns = [[entries[i] for i in column] for column in columns if column]
        return index

    def draw(self, slide: Any, box: Box, continued: bool) -> None:
        """The key's title and columns from ``box``'s top left."""
        size = self.size
        title_width = emu(text_width(KEY_TITLE, size, True) + 2 * PAD)
        heading = slide.shapes.add_textbox(
            Emu(box.x), Emu(box.y), Emu(title_width), Emu(emu(self.height))
        )
        heading.name = "Key title"
        frame = heading.text_frame
        _frame_text(heading, KEY_TITLE, size=size, bold=True, colour=MUTED, margin=0, wrap=True)
        frame.vertical_anchor = MSO_ANCHOR.TOP
        if continued:
            run = frame.add_paragraph().add_run()
            run.text = "more on the next slide"
            style_font(run.font, size=size, colour=MUTED)
            need = text_height(
                f"{KEY_TITLE}\nmore on the next slide", title_width + 2 * INSET, size
            )
            heading.height = Emu(max(heading.height, need - 2 * INSET_Y))
        width = emu(_column_width(self.width, size))
        x = box.x + title_width + emu(KEY_GAP)
        for column in self.columns:
            height = sum(self.lines(entry) for entry in column) * size * LINE_SPACING
            shape = slide.shapes.add_textbox(Emu(x), Emu(box.y), Emu(width), Emu(emu(height) + 1))
            shape.name = KEY_TITLE
            frame = shape.text_frame
            frame.word_wrap = True
            frame.vertical_anchor = MSO_ANCHOR.TOP
            frame.margin_left = frame.margin_right = Emu(0)
            frame.margin_top = frame.margin_bottom = Emu(0)
            for index, entry in enumerate(column):
                paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
                sign, name = entry.text.split(" ", 1)
                run = paragraph.add_run()
                run.text = sign + " "
                style_font(run.font, size=size, bold=True, colour=PRIMARY)
                run = paragraph.add_run()
                run.text = name
                style_font(run.font, size=size, colour=MUTED if entry.long else INK)
            x += width + emu(KEY_GAP)


def _key_slides(deck: Deck, slide: Any, title: str, box: Box, entries: list[Entry]) -> None:
    """The key on the roadmap's slide in ``box``, going on over slides titled "… names in
    full" when it does not fit; a name too long for any slide in that slide's notes."""
    page = 1
    fresh = False  # a slide of its own for the key
    while entries:
        key = Key(entries, box.w, points(box.h))
        if not key.columns and fresh:  # taller than a slide: the name in the notes
            entries = [replace(entries[0], long=True), *entries[1:]]
            continue
        if not key.columns:  # not even one entry fits here: all on the next slide
            key.rest = entries
        else:
            key.draw(slide, box, continued=bool(key.rest))
            _note_long(slide, [entry for column in key.columns for entry in column])
        entries = key.rest
        if entries:
            name = f"{title} — names in full" + (f" ({page})" if page > 1 else "")
            page += 1
            slide, body = deck.slide(name)
            box, fresh = body, True


def _note_long(slide: Any, entries: list[Entry]) -> None:
    """Names too long for a slide, whole in its speaker notes after any notes it has."""
    long = [f"{entry.sign} {entry.name}" for entry in entries if entry.long]
    if not long:
        return
    frame = slide.notes_slide.notes_text_frame
    before = frame.text
    frame.text = clean("\n\n".join([before, *long] if before else long))


class Stamps:
    """Shapes drawn once and copied onto later slides: the legend, a window's time scale.

    Copying a slide's XML is several times quicker than building the same shapes again
    through python-pptx, and a long roadmap repeats them on every slide.
    """

    def __init__(self) -> None:
        self.drawn: dict[object, tuple[int, list[Any]]] = {}

    def put(self, slide: Any, key: object, draw: Callable[[], None], top: int = 0) -> None:
        """``draw()`` on ``slide`` the first time ``key`` is asked for; later, copies of
        what it drew, moved down by how far ``top`` is below the first one's."""
        tree = slide.shapes._spTree
        found = self.drawn.get(key)
        if found is None:
            before = len(tree)
            draw()
            self.drawn[key] = (top, [copy.deepcopy(element) for element in tree[before:]])
            return
        first_top, elements = found
        next_id = slide.shapes._next_shape_id
        for offset, element in enumerate(elements):
            clone = copy.deepcopy(element)
            clone.xpath("./*[1]/p:cNvPr")[0].set("id", str(next_id + offset))
            if top != first_top:
                for place in clone.xpath("./p:spPr/a:xfrm/a:off"):
                    place.set("y", str(int(place.get("y")) + top - first_top))
            tree.append(clone)


class RoadmapSlide:
    """One slide of the roadmap: a run of lanes of one window, drawn as native shapes."""

    def __init__(
        self, slide: Any, body: Box, plan: Plan, window: Window, band: Band, stamps: Stamps
    ) -> None:
        self.slide, self.body, self.plan, self.window, self.band = slide, body, plan, window, band
        self.stamps = stamps
        self.chart = window.chart
        self.x0 = body.x + emu(LANE_COLUMN)  # where the window's first day begins
        self.x1 = body.right
        self.scale_top = body.y
        self.top = body.y + emu(2 * TIER)  # the rows' top
        self.bottom = self.y(band.bottom)
        self.scale = TimeScale(window.first, self.chart.px)
        self.shapes: dict[int, Any] = {}  # item id -> its bar or diamond
        self.places = banded(window, band)
        marked = [("item", p.item.id) for p in self.places if not p.whole]
        marked += [("lane", lane.id) for lane in cut_lanes(plan, window, band)]
        self.numbers = {key: number for number, key in enumerate(marked, 1)}

    def y(self, layout_y: float) -> int:
        return self.top + emu(layout_y - self.band.top)

    def x(self, layout_x: float) -> int:
        return self.x0 + emu(layout_x)

    def draw(self) -> None:
        self._lanes()
        self._time_scale()
        self._items()
        self._links()
        self._today()

    # -- lanes and the time scale -------------------------------------------------------

    def _lanes(self) -> None:
        chart, band = self.chart, self.band
        boxes = chart.layout.boxes
        for index in range(band.first_lane, min(band.last_lane, len(boxes) - 1) + 1):
            box, lane = boxes[index], chart.data.lanes[index]
            top, bottom = max(box.top, band.top), min(box.top + box.height, band.bottom)
            if bottom <= top:
                continue
            y0, y1 = self.y(top), self.y(bottom)
            fill = SURFACE if index % 2 == 0 else WHITE
            band_shape = rectangle(
                self.slide, Box(self.body.x, y0, self.body.w, y1 - y0), fill=fill, line=None
            )
            band_shape.name = f"Lane {lane.id}"
            colour = self.plan.lane_hex[lane.id]
            rectangle(self.slide, Box(self.body.x, y0, emu(4), y1 - y0), fill=colour)
            _line(self.slide, self.body.x, y1, self.x1, y1, RULE, 0.5)
            self._lane_label(lane, y0, y1, bottom - top)

    def _lane_label(self, lane: ChartLane, y0: int, y1: int, room: float) -> None:
        """The lane's name (and its product's) in the lane column, as many lines as its
        band holds, a size smaller when that keeps it whole, else shortened and marked
        (whole in the slide's key); the whole name is the label's alt text."""
        note_lines, lines, size, short = lane_lines(self.plan, lane, room)
        if short:
            sign = reference(self.numbers[("lane", lane.id)])
            width = LANE_COLUMN - 10 - 2 * PAD - text_width(sign, size, True)
            last = lines[-1]
            if text_width(last, size, True) > width:
                last = shorten(last.removesuffix(ELLIPSIS) + " " + ELLIPSIS, width, size, True)
            lines[-1] = last + sign
        height = len(note_lines) * LANE_NOTE_SIZE * LINE_SPACING
        height += len(lines) * size * LINE_SPACING
        box = self.slide.shapes.add_textbox(
            Emu(self.body.x + emu(10)), Emu(y0), Emu(emu(LANE_COLUMN - 10)), Emu(y1 - y0)
        )
        box.name = f"Lane name {lane.id}"
        set_alt_text(box, lane_title(self.plan, lane))
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE if height < room - 4 else MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Emu(emu(PAD))
        frame.margin_top = frame.margin_bottom = Emu(emu(2))
        paragraphs = [(line, LANE_NOTE_SIZE, False, MUTED) for line in note_lines]
        paragraphs += [(line, size, True, INK) for line in lines]
        for index, (line, size, bold, colour) in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            style_font(run.font, size=size, bold=bold, colour=colour)

    def _time_scale(self) -> None:
        """Two tiers across the top (quarters over months, say), the same on every slide of
        the window (drawn once, then copied), and the lower tier's grid down the rows."""
        upper, lower = readable_tiers(self.chart.px / PAPER_TIER_FACTOR)
        y = self.scale_top + emu(TIER)
        for _tick, left, right in self._periods(lower):
            if left > self.x0 and right - left >= emu(MIN_PERIOD):
                _line(self.slide, left, y, left, self.bottom, HAIRLINE, 0.5)
        key = ("time scale", self.window.first, self.window.last)
        self.stamps.put(self.slide, key, lambda: self._tiers(upper, lower))

    def _tiers(self, upper: str, lower: str) -> None:
        """The tiers named by the screen's and the poster's rules (core.timeline): one form
        a tier, the year always said, the lower tier bare under one that says it."""
        tiers_y = (self.scale_top, self.scale_top + emu(TIER))
        rectangle(self.slide, Box(self.x0, tiers_y[0], self.x1 - self.x0, emu(TIER)), fill=PRIMARY)
        rectangle(self.slide, Box(self.x0, tiers_y[1], self.x1 - self.x0, emu(TIER)), fill=SURFACE)
        shown = list(self._periods(upper)) if upper else []  # one tier: years, over centuries
        names = self._names(shown, upper, True, years_above=False)
        tiers = [(upper, shown, names, True, tiers_y[0])]
        years_above = says_years(names, [tick for tick, _left, _right in shown])
        shown = list(self._periods(lower))
        names = self._names(shown, lower, False, years_above)
        tiers.append((lower, shown, names, False, tiers_y[1]))
        today = self._today_tag()
        tags = [] if today is None else [(today[1], today[1] + today[2])]  # in the lower tier
        for unit, shown, names, is_upper, y in tiers:
            width_of = partial(text_width, size=TICK_SIZE, bold=is_upper)
            for (tick, left, right), named in zip(shown, names, strict=True):
                width = (right - left) / EMU_PER_POINT
                if width < MIN_PERIOD:
                    continue
                if left > self.x0 and is_upper:
                    _line(self.slide, left, y, left, y + emu(TIER), RULE, 0.75)
                # A period the window cuts takes a shorter name of its own, or none.
                above = years_above and not is_upper
                label = cut_name(
                    named,
                    tick.day,
                    unit,
                    width - 2 * PAD,
                    width_of,
                    years_above=above,
                    with_year=is_upper,  # as _names chose the upper tier's
                )
                if not label:
                    continue
                room = emu(width_of(label) + 2 * PAD)
                centre = clear_of_tags(left, right, room, [] if is_upper else tags, 0)
                if centre is None:
                    continue  # today's tag covers the period: it says when that is
                if centre != (left + right) / 2:  # beside the tag: a box just its name's size
                    left, right = int(centre - room / 2), int(centre + room / 2)
                box = self.slide.shapes.add_textbox(
                    Emu(int(left)), Emu(y), Emu(int(right - left)), Emu(emu(TIER))
                )
                box.name = "Time scale"
                _frame_text(
                    box,
                    label,
                    size=TICK_SIZE,
                    bold=is_upper,
                    colour=WHITE if is_upper else MUTED,
                    align="center",
                )

    def _names(
        self, shown: list[tuple[Tick, int, int]], unit: str, upper: bool, years_above: bool
    ) -> list[str]:
        """A tier's names, chosen on its periods' whole widths; the first period may begin
        before the window, with only the room it has on the slide. The upper tier of a
        slide, shown in a room, says every period's year where that fits them all."""
        if not shown:
            return []
        _tick, left, right = shown[0]
        return tier_labels(
            [tick for tick, _left, _right in shown],
            unit,
            partial(text_width, size=TICK_SIZE, bold=upper),
            2 * PAD,
            with_year=upper,
            years_above=years_above,
            first_room=(right - left) / EMU_PER_POINT - 2 * PAD,
        )

    def _every(self, unit: str) -> int:
        """Years shown one in how many, so each label has room (a plan over centuries)."""
        if unit != "year":
            return 1
        width = 365.25 * self.chart.px
        return next((n for n in YEAR_STEPS if width * n >= 40), YEAR_STEPS[-1])

    def _periods(self, unit: str) -> Iterable[tuple[Tick, int, int]]:
        """Each ``unit`` period the window shows: its whole span (in points from the
        window's first day) and its left and right x on the slide, cut to the window.
        Years go :meth:`_every` so many at a time, from a multiple of it (the first may
        begin before the window, as any period may: its name is the same width as the
        others')."""
        first, last = self.window.first, self.window.last
        every = self._every(unit)
        day = unit_start(first, unit)
        if every > 1:
            day = dt.date(max(1, first.year // every * every), 1, 1)
        while day <= last:
            following = _next_period(day, unit)
            if every > 1:
                try:
                    following = dt.date((day.year // every + 1) * every, 1, 1)
                except ValueError:
                    following = None
            start = self.scale.x(day)
            end = self.scale.x_of_ordinal(
                following.toordinal() if following else last.toordinal() + 1
            )
            x_left = self.x(max(start, 0.0))
            x_right = self.x(min(end, self.chart.chart_width))
            if x_right - x_left >= emu(1):
                yield Tick(day, start, end - start), x_left, min(x_right, self.x1)
            if following is None:
                return
            day = following

    # -- items ----------------------------------------------------------------------------

    def _items(self) -> None:
        for place in self.places:
            whole, box = place.item, place.box
            colour = self.plan.lane_hex[whole.lane_id]
            text = _one_line(whole.name)
            if not place.whole:
                sign = reference(self.numbers[("item", whole.id)])
                room = place.inside or (place.beside[1] if place.beside else 0.0)
                text = shorten(text, room - text_width(sign, LABEL_SIZE), LABEL_SIZE) + sign
            if whole.kind is ItemKind.MILESTONE:
                shape = self._milestone(whole, box, colour)
            else:
                inside = text if place.inside else ""
                margin = min(PAD, (box.w - place.inside) / 2)
                shape = self._bar(whole, box, colour, inside, margin)
            set_alt_text(shape, whole.name)
            self.shapes[whole.id] = shape
            if whole.status is ItemStatus.AT_RISK:
                self._risk_dot(box)
            if place.beside is not None:
                self._label(whole, place.beside[0], place.beside[1], place.row_top, text)

    def _bar(self, item: ChartItem, box: Any, colour: str, label: str, margin: float = PAD) -> Any:
        """A rounded bar in its lane's colour (a release filled, an initiative paler),
        outlined red on the critical path, carrying ``label`` when it fits inside."""
        shape = _shape(
            self.slide, MSO_SHAPE.ROUNDED_RECTANGLE, self.x(box.x), self.y(box.y), emu(box.w),
            emu(box.h),
        )  # fmt: skip
        shape.adjustments[0] = min(0.5, 3.0 / max(box.h, 1.0))
        shape.name = f"Bar {item.id}"
        cancelled = item.status is ItemStatus.CANCELLED
        if item.kind is ItemKind.RELEASE:
            fill, stroke = colour, colour
        elif item.kind is ItemKind.INITIATIVE:
            fill, stroke = _tint(colour, 0.85), colour
        else:
            fill, stroke = _tint(colour, 0.68), colour
        if cancelled:
            fill, stroke = HAIRLINE, RULE
        style_shape(shape, fill=fill, line=stroke)
        if item.critical:
            _stroke(shape, rs.CRITICAL, 1.75)
        if label:
            dark = item.kind is ItemKind.RELEASE and not cancelled
            ink = WHITE if dark else (FAINT if cancelled else INK)
            _frame_text(shape, label, size=LABEL_SIZE, colour=ink, margin=margin)
        return shape

    def _milestone(self, item: ChartItem, box: Any, colour: str) -> Any:
        size = box.w + 1.2
        cx, cy = box.x + box.w / 2, box.y + box.h / 2
        shape = _shape(
            self.slide, MSO_SHAPE.DIAMOND, self.x(cx - size / 2), self.y(cy - size / 2),
            emu(size), emu(size),
        )  # fmt: skip
        shape.name = f"Milestone {item.id}"
        style_shape(shape, fill=colour, line=WHITE)
        if item.critical:
            _stroke(shape, rs.CRITICAL, 1.5)
        return shape

    def _risk_dot(self, box: Any) -> None:
        """The at-risk dot at a shape's top right, as on screen and paper."""
        r = 3.2
        dot = _shape(
            self.slide, MSO_SHAPE.OVAL, self.x(box.right - r - 1), self.y(box.y - r),
            emu(2 * r), emu(2 * r),
        )  # fmt: skip
        dot.name = "At risk"
        style_shape(dot, fill=rs.AT_RISK, line=WHITE)

    def _label(self, item: ChartItem, x: float, width: float, row_top: float, text: str) -> None:
        """A label beside its bar, one line in the room the layout left it (a mark alone
        in a narrow gap a little smaller)."""
        size = LABEL_SIZE
        if text_width(text, size) > width:
            size = math.floor(size * width / text_width(text, size) * 2) / 2
        height = self.chart.metrics.row_height
        label = self.slide.shapes.add_textbox(
            Emu(self.x(x)), Emu(self.y(row_top)), Emu(emu(width + 1)), Emu(emu(height))
        )
        label.name = f"Label {item.id}"
        set_alt_text(label, item.name)
        ink = FAINT if item.status is ItemStatus.CANCELLED else INK
        _frame_text(label, text, size=size, colour=ink, margin=0)

    # -- links and today -----------------------------------------------------------------

    def _links(self) -> None:
        """Each dependency whose two ends are on this slide, as an elbow connector glued to
        them: from the predecessor's end (or start) to the successor's start (or end)."""
        for link in self.chart.data.links:
            pred, succ = self.shapes.get(link.pred), self.shapes.get(link.succ)
            if pred is None or succ is None:
                continue
            begin = RIGHT if link.kind in FROM_FINISH else LEFT
            end = LEFT if link.kind in TO_START else RIGHT
            connector = self.slide.shapes.add_connector(MSO_CONNECTOR.ELBOW, 0, 0, 1, 1)
            connector.begin_connect(pred, begin)
            connector.end_connect(succ, end)
            connector.name = f"Dependency {link.pred}→{link.succ}"
            colour = rs.VIOLATED if link.violated else rs.CRITICAL if link.critical else rs.LINK
            _stroke(connector, colour, 1.0, dash=link.violated)
            _arrowhead(connector)

    def _today_tag(self) -> tuple[int, int, int] | None:
        """Today's line x and its tag's left and width (EMU) in the lower tier; None when
        today is not in the window."""
        today = self.chart.data.today
        if today is None or not self.window.first <= today <= self.window.last:
            return None
        x = self.x(self.scale.x_of_ordinal(today.toordinal() + 0.5))
        width = emu(text_width("Today", SMALL_SIZE - 2, True) + 2 * PAD)
        return x, min(max(x - width // 2, self.x0), self.x1 - width), width

    def _today(self) -> None:
        found = self._today_tag()
        if found is None:
            return
        x, left, width = found
        top = self.scale_top + emu(TIER)
        line = _line(self.slide, x, top, x, self.bottom, rs.TODAY, 1.25, dash=True)
        line.name = "Today"
        tag = _shape(
            self.slide, MSO_SHAPE.ROUNDED_RECTANGLE, left, self.scale_top + emu(TIER + 3),
            width, emu(TIER - 6),
        )  # fmt: skip
        tag.name = "Today tag"
        style_shape(tag, fill=rs.TODAY)
        _frame_text(tag, "Today", size=SMALL_SIZE - 2, bold=True, colour=WHITE, align="center")


LEFT, RIGHT = 1, 3  # connection sites of a rectangle and a diamond: 0 top, 1 left, 2 bottom…
FROM_FINISH = {DependencyType.FINISH_TO_START, DependencyType.FINISH_TO_FINISH}
TO_START = {DependencyType.FINISH_TO_START, DependencyType.START_TO_START}


def _next_period(day: dt.date, unit: str) -> dt.date | None:
    """The next period's first day; None past the calendar's end."""
    try:
        return next_unit(day, unit)
    except (ValueError, OverflowError):
        return None


# -- the legend -------------------------------------------------------------------------------


def _legend_rows(
    plan: Plan, width: int, *, today: bool
) -> list[list[tuple[rs.LegendEntry, float]]]:
    """The legend's entries in lines that fit ``width`` EMU, each with its width in points:
    the screen's (``core.roadmap_style``), less baselines and slip (not drawn on slides),
    the critical path and broken links when the plan has them, today when it is shown."""
    entries = rs.legend_entries(
        critical=any(item.critical for item in plan.data.items),
        baseline=False,
        slip=False,
        violated=any(link.violated for link in plan.data.links),
    )
    if not today:
        entries = [entry for entry in entries if entry.key != "today"]
    rows: list[list[tuple[rs.LegendEntry, float]]] = [[]]
    used = 0.0
    room = width / EMU_PER_POINT
    for entry in entries:
        need = 26 + text_width(entry.label, LEGEND_SIZE) + 16
        if rows[-1] and used + need > room:
            rows.append([])
            used = 0.0
        rows[-1].append((entry, need))
        used += need
    return rows


def _draw_legend(
    slide: Any, left: int, top: int, rows: Sequence[Sequence[tuple[Any, float]]]
) -> None:
    """The legend's lines from ``top`` down, under the chart."""
    y = top
    for row in rows:
        x = left
        for entry, need in row:
            _legend_glyph(slide, entry, x, y + emu(LEGEND_ROW / 2))
            label = slide.shapes.add_textbox(
                Emu(x + emu(24)), Emu(y), Emu(emu(need - 24)), Emu(emu(LEGEND_ROW))
            )
            label.name = "Legend"
            _frame_text(label, entry.label, size=LEGEND_SIZE, colour=MUTED, margin=0)
            x += emu(need)
        y += emu(LEGEND_ROW)


def _legend_glyph(slide: Any, entry: rs.LegendEntry, x: int, cy: int) -> None:
    lane = rs.LANE_COLOURS[0]
    glyph = entry.glyph
    if glyph in ("bar", "initiative", "outline", "release"):
        shape = _shape(slide, MSO_SHAPE.ROUNDED_RECTANGLE, x, cy - emu(5), emu(20), emu(10))
        fill = {"initiative": _tint(lane, 0.85), "release": lane}.get(glyph, _tint(lane, 0.68))
        style_shape(shape, fill=fill, line=lane)
        if glyph == "outline":
            _stroke(shape, entry.colour, 1.75)
    elif glyph == "milestone":
        shape = _shape(slide, MSO_SHAPE.DIAMOND, x + emu(4), cy - emu(6), emu(12), emu(12))
        style_shape(shape, fill=entry.colour, line=WHITE)
    elif glyph in ("link", "dashed-link"):
        shape = _line(
            slide, x, cy + emu(4), x + emu(20), cy - emu(4), entry.colour, 1.0,
            dash=glyph == "dashed-link", kind=MSO_CONNECTOR.ELBOW,
        )  # fmt: skip
        _arrowhead(shape)
    elif glyph == "dot":
        shape = _shape(slide, MSO_SHAPE.OVAL, x + emu(6), cy - emu(4), emu(8), emu(8))
        style_shape(shape, fill=entry.colour, line=WHITE)
    else:  # the today line
        shape = _line(
            slide, x + emu(10), cy - emu(8), x + emu(10), cy + emu(8), entry.colour, 1.25, True
        )
    shape.name = f"Legend {entry.key}"


# -- the now / next / later board -----------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    item: ItemRow
    lane: str
    product: str
    colour: str


def board_columns(job: DeckJob) -> tuple[dict[Horizon, list[Card]], int, int]:
    """Every unfinished item in its column (the app's rule, ``core.horizon``), by start and
    name as on screen; with how many items there are and how many finished ones left."""
    products = (
        [job.product] if job.product is not None else job.service(PortfolioService).list_products()
    )
    columns: dict[Horizon, list[tuple[tuple[dt.date, str, int], Card]]] = {h: [] for h in Horizon}
    total = done = 0
    roadmap, queries = job.service(RoadmapService), job.service(RoadmapQueries)
    for product in products:
        job.progress.check()
        lanes = {
            lane.id: (lane.name, rs.lane_colour(index, lane.colour))
            for index, lane in enumerate(roadmap.lanes_of(product.id))
        }
        note = product.name if job.product is None else ""
        for row in queries.item_rows(product.id):
            total += 1
            if board_rule.finished(row.status, row.progress):
                done += 1
                continue
            lane, colour = lanes.get(row.lane_id, ("", rs.LANE_COLOURS[0]))
            column = board_rule.effective_horizon(row.horizon, row.start, row.end, job.on)
            key = (row.start, row.name.casefold(), row.id)
            columns[column].append((key, Card(row, lane, note, colour)))
    ordered = {h: [card for _key, card in sorted(found)] for h, found in columns.items()}
    return ordered, total, done


def add_board(deck: Deck, job: DeckJob) -> None:
    """Now / next / later: three columns of cards in their lanes' colours, no dates in
    sight; columns longer than a slide go on over more slides."""
    columns, total, done = board_columns(job)
    if not total:
        slide, body = deck.slide("Now / next / later", notes=job.note)
        text_box(slide, body, EMPTY, size=BODY_SIZE + 4, colour=MUTED, name="Nothing yet")
        return
    boxes = BODY.split(1, 1, 1, gap=emu(16))
    width = boxes[0].w / EMU_PER_POINT
    room = BODY.h / EMU_PER_POINT - COLUMN_HEAD
    pages = {h: _card_pages(cards, width, room, job) for h, cards in columns.items()}
    count = max(len(found) for found in pages.values())
    job.progress.expect(count)
    for number in range(count):
        job.progress.step()
        title = "Now / next / later" + (f" ({number + 1} of {count})" if count > 1 else "")
        slide, _body = deck.slide(title, notes=job.note if number == 0 else "")
        for horizon, box in zip(Horizon, boxes, strict=True):
            page = pages[horizon][number] if number < len(pages[horizon]) else []
            continued = number > 0 and bool(page)
            _column_head(slide, box, horizon, len(columns[horizon]), done, continued)
            y = box.y + emu(COLUMN_HEAD)
            for card, heading, detail, height in page:
                _card(slide, Box(box.x, y, box.w, emu(height)), card, heading, detail)
                y += emu(height + CARD_GAP)
            if not columns[horizon] and number == 0:
                text_box(
                    slide,
                    Box(box.x, box.y + emu(COLUMN_HEAD), box.w, emu(30)),
                    "Nothing here",
                    size=SMALL_SIZE,
                    colour=FAINT,
                    name="Empty column",
                )


CardLines = tuple[Card, list[str], list[str], float]  # card, title lines, detail lines, height


def _card_pages(
    cards: list[Card], width: float, room: float, job: DeckJob
) -> list[list[CardLines]]:
    """The column's cards, each with its lines and height, cut into slides."""
    inner = width - 2 * PAD - 6 - 2 * SLACK
    pages: list[list[CardLines]] = [[]]
    used = 0.0
    for index, card in enumerate(cards):
        if index % 200 == 0:
            job.progress.check()
        row = card.item
        title = wrapped(row.name, inner, CARD_TITLE, True, CARD_TITLE_LINES)
        parts = [row.kind.label, card.product, card.lane, row.status.label]
        if row.horizon is not None:
            parts.append("pinned")
        at_risk = row.status is ItemStatus.AT_RISK
        detail = wrapped(" · ".join(part for part in parts if part), inner, CARD_DETAIL, at_risk, 2)
        height = (len(title) * CARD_TITLE + len(detail) * CARD_DETAIL) * LINE_SPACING + 2 * PAD + 4
        if pages[-1] and used + height > room:
            pages.append([])
            used = 0.0
        pages[-1].append((card, title, detail, height))
        used += height + CARD_GAP
    return pages


def _column_head(
    slide: Any, box: Box, horizon: Horizon, count: int, done: int, continued: bool
) -> None:
    head = slide.shapes.add_textbox(Emu(box.x), Emu(box.y), Emu(box.w), Emu(emu(COLUMN_HEAD - 8)))
    head.name = f"Column {horizon.label}"
    frame = head.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.margin_left = frame.margin_right = Emu(0)
    frame.margin_top = frame.margin_bottom = Emu(0)
    run = frame.paragraphs[0].add_run()
    run.text = horizon.label + (" (continued)" if continued else "")
    style_font(run.font, size=20, bold=True, colour=PRIMARY)
    detail = f"{count} · {board_rule.SUBTITLES[horizon]}"
    if horizon is Horizon.NOW and done:
        detail += f" · {done} finished, not shown"
    run = frame.add_paragraph().add_run()
    run.text = shorten(detail, box.w / EMU_PER_POINT - SLACK, 11)
    style_font(run.font, size=11, colour=MUTED)
    rectangle(slide, Box(box.x, box.y + emu(COLUMN_HEAD - 6), box.w, emu(2)), fill=RULE)


def _card(slide: Any, box: Box, card: Card, lines: list[str], detail: list[str]) -> None:
    """One card: the lane's colour as a tint and an edge, the name, then kind · lane ·
    status (and the product, on a portfolio board), as on screen."""
    shape = _shape(slide, MSO_SHAPE.ROUNDED_RECTANGLE, box.x, box.y, box.w, box.h)
    shape.adjustments[0] = min(0.5, 6.0 / max(box.h / EMU_PER_POINT, 1.0))
    shape.name = f"Card {card.item.id}"
    set_alt_text(shape, card.item.name)
    style_shape(shape, fill=_tint(card.colour, 0.86), line=card.colour)
    shape.line.width = Pt(1.25)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = Emu(emu(PAD + 6))
    frame.margin_right = Emu(emu(PAD))
    frame.margin_top = frame.margin_bottom = Emu(emu(PAD))
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = line
        cancelled = card.item.status is ItemStatus.CANCELLED
        style_font(run.font, size=CARD_TITLE, bold=True, colour=FAINT if cancelled else INK)
    at_risk = card.item.status is ItemStatus.AT_RISK
    for line in detail:
        paragraph = frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.LEFT
        run = paragraph.add_run()
        run.text = line
        colour = rs.LATE if at_risk else MUTED
        style_font(run.font, size=CARD_DETAIL, bold=at_risk, colour=colour)
