"""The portfolio's slides and a product's backlog and launch, as a person can edit them.

Each slide reads the same figures, in the same words, as the view it stands for:
the Portfolio view's overview (``portfolio_overview``) for the summary table, the
growth–share chart and the lifecycle board; the Requirements view's "RICE score"
order (``core.scoring.rank_by_rice``) for the ranked backlog; the Launch view's
readiness (``LaunchService.readiness_of``) for the launch slide. Tables and charts
are native: a finance partner can retype a figure, a presenter can drag a card.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from pptx.chart.data import BubbleChartData, CategoryChartData
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Pt

from pmdesk.core.enums import GateDecision, LaunchFunction, MoSCoW, Stage, TaskStatus
from pmdesk.core.lifecycle import (
    GROWTH_SPLIT,
    QUADRANTS,
    SHARE_SPLIT,
    figure,
    growth_share_quadrant,
    relative_shares,
)
from pmdesk.core.palette import HEALTH_COLOURS, MOSCOW_COLOURS, TASK_STATUS_COLOURS, mix
from pmdesk.core.scoring import RiceScore, rank_by_rice, rice_or_none
from pmdesk.core.wording import dated, describe_days, format_number, plural, short_date
from pmdesk.exchange.pdf.fonts import register, string_width
from pmdesk.store.models import Launch
from pmdesk.store.services import (
    LaunchService,
    LifecycleService,
    PortfolioService,
    RequirementService,
)
from pmdesk.store.services.portfolio import ProductOverview, portfolio_overview

from . import DeckJob
from .base import (
    BAD,
    BODY,
    BODY_SIZE,
    EMU_PER_POINT,
    FAINT,
    INK,
    INSET_Y,
    LINE_SPACING,
    MARGIN,
    MUTED,
    PRIMARY,
    RULE,
    SERIES,
    SLIDE_WIDTH,
    SMALL_SIZE,
    SURFACE,
    TITLE_HEIGHT,
    TITLE_TOP,
    WHITE,
    Box,
    Deck,
    clean,
    fits_on_one_line,
    lines_of,
    nothing_yet,
    rgb,
    rows_per_slide,
    style_font,
    table,
    text_box,
    text_height,
)

TABLE_SIZE = 14  # the summary and launch tables: few rows, read from the back of the room
GAP = 120_000
HEALTH_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}
HEALTH_MEANING = {
    "green": "on target",
    "amber": "within 10% of target",
    "red": "more than 10% short",
}

NO_PRODUCTS = "No products yet — add one in the Portfolio view"


# -- shared pieces ---------------------------------------------------------------------------------


def numbered(title: str, index: int, total: int) -> str:
    """A continuation slide's title: "Requirements ranked (2 of 3)"."""
    return title if total <= 1 else f"{title} ({index + 1} of {total})"


def body_below(subtitle: str) -> Box:
    """The body box :meth:`Deck.slide` will give a slide with ``subtitle`` (to plan pages)."""
    rule_y = TITLE_TOP + TITLE_HEIGHT + 40_000
    if not subtitle:
        return BODY
    width = SLIDE_WIDTH - 2 * MARGIN
    height = max(320_000, text_height(subtitle, width, SMALL_SIZE + 2))
    top = max(BODY.y, rule_y + 80_000 + height + 60_000)
    return Box(BODY.x, top, BODY.w, BODY.bottom - top)


CELL_MARGINS = 128_016  # a table cell's left and right margins together (base.table)


def column_widths(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    proportions: Sequence[float],
    width: int,
    size: float,
) -> list[int]:
    """Column widths in EMU near ``proportions`` that give every word of a column room.

    A renderer breaks a word that does not fit its cell in the middle ("Growt/h").
    So every header word gets its room first; then, as far as the width allows,
    every cell's longest word (up to half as wide again as the column's share:
    a 200-letter name wraps within its column rather than squeezing the others).
    """
    register()
    total = sum(proportions)
    shares = [width * part / total for part in proportions]
    headings, words_room = [], []
    for column, header in enumerate(headers):
        heading = max((string_width(w, size, True) for w in header.split()), default=0.0)
        words = {word for row in rows if column < len(row) for word in clean(row[column]).split()}
        longest = max((string_width(word, size) for word in words), default=0.0)
        least = int((heading + 3) * EMU_PER_POINT) + CELL_MARGINS
        cell = min(int((longest + 3) * EMU_PER_POINT) + CELL_MARGINS, int(shares[column] * 1.5))
        headings.append(least)
        words_room.append(max(least, cell))
    widths = [max(room, int(share)) for room, share in zip(words_room, shares, strict=True)]
    # Too wide: columns give back first what they hold beyond their words' need, then
    # beyond their header's, each time in proportion to what they can spare.
    for floor in (words_room, headings):
        over = sum(widths) - width
        spare = [max(0, w - low) for w, low in zip(widths, floor, strict=True)]
        if over <= 0 or not sum(spare):
            continue
        give, room = min(over, sum(spare)), sum(spare)
        widths = [w - int(give * extra / room) for w, extra in zip(widths, spare, strict=True)]
    if sum(widths) > width:  # even the headers do not fit: shrink all alike
        widths = [int(w * width / sum(widths)) for w in widths]
    return widths


def row_lines(row: Sequence[object], widths: Sequence[int], size: float, bold: bool = False) -> int:
    """The lines the tallest cell of ``row`` wraps to (a cell's margins as base.table sets)."""
    return max(
        (
            len(lines_of(str(value), max(widths[i] - 128_016 + 2 * 91_440, 1), size, bold))
            for i, value in enumerate(row)
            if i < len(widths)
        ),
        default=1,
    )


def table_height(
    headers: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int], size: float
) -> int:
    """The height a table of ``rows`` under ``headers`` needs once its cells have wrapped."""
    line = size * LINE_SPACING * EMU_PER_POINT
    pad = 2 * 27_432 + 2 * INSET_Y
    height = int(row_lines(headers, widths, size, bold=True) * line) + pad
    for row in rows:
        height += int(row_lines(row, widths, size) * line) + pad
    return height


def paged_table(
    deck: Deck,
    job: DeckJob,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    proportions: Sequence[float],
    *,
    size: float,
    numeric: Sequence[int] = (),
    paint: Callable[[Any, int, int], None] | None = None,
    reserve: int = 0,
) -> list[tuple[Any, Box]]:
    """A native table over as many slides as its rows need, titled "… (2 of 3)" after the first.

    ``paint(cell, row_index, column)`` restyles a body cell (row_index into ``rows``).
    ``reserve`` keeps that much of the body free under the table. Returns each slide
    and the box under its table.
    """
    body = body_below(subtitle)
    widths = column_widths(headers, rows, proportions, body.w, size)
    # rows_per_slide counts the header as one line; a header that wraps takes more.
    extra = (row_lines(headers, widths, size, bold=True) - 1) * size * LINE_SPACING * EMU_PER_POINT
    pages = rows_per_slide(rows, widths, body.h - reserve - int(extra), size)
    out: list[tuple[Any, Box]] = []
    start = 0
    for index, page in enumerate(pages):
        job.progress.check()
        slide, box = deck.slide(
            numbered(title, index, len(pages)),
            subtitle=subtitle,
            notes=job.note if index == 0 else "",
        )
        # A row taller than a whole slide (a very long name in a narrow column) is
        # set smaller on its slide rather than run off it.
        room = box.h - reserve
        page_size = next(
            (
                s
                for s in (size, size - 2, size - 4, 8)
                if table_height(headers, page, widths, s) <= room
            ),
            8,
        )
        height = table_height(headers, page, widths, page_size)
        frame = table(
            slide,
            Box(box.x, box.y, box.w, height),
            headers,
            page,
            widths=widths,
            size=page_size,
            numeric=numeric,
        )
        frame.name = f"{title} table"
        if paint is not None:
            for r in range(len(page)):
                for c in range(len(headers)):
                    paint(frame.table.cell(r + 1, c), start + r, c)
        start += len(page)
        out.append((slide, Box(box.x, box.y + height + GAP, box.w, box.bottom - box.y - height)))
    return out


def fill_cell(cell: Any, fill: str, ink: str, bold: bool = True) -> None:
    """A cell filled with a screen colour, its text in ``ink`` (white on dark fills)."""
    cell.fill.solid()
    cell.fill.fore_color.rgb = rgb(fill)
    for paragraph in cell.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = rgb(ink)
            run.font.bold = bold


def ink_on(fill: str) -> str:
    """White or the deck's ink, whichever reads better on ``fill``."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
    return INK if luminance > 0.3 else WHITE


def percent(value: float | None) -> str:
    return "" if value is None else f"{figure(value)}%"


def overview(job: DeckJob) -> list[ProductOverview]:
    """The Portfolio view's rows, as of the deck's date."""
    return portfolio_overview(job.ws, job.on)


# -- portfolio summary -----------------------------------------------------------------------------

SUMMARY_HEADERS = (
    "Product",
    "Stage",
    "Owner",
    "Health",
    "Next milestone",
    "Revenue trend",
    "Latest revenue",
    "Share",
    "Growth",
    "Elimination",
)
SUMMARY_WIDTHS = (0.16, 0.1, 0.11, 0.07, 0.16, 0.09, 0.1, 0.065, 0.065, 0.1)
HEALTH_COLUMN, TREND_COLUMN = 3, 5


def trend(row: ProductOverview) -> str:
    """The revenue sparkline's message in words: falling when the last is under the first."""
    if len(row.revenue) < 2:
        return ""
    falling = row.revenue[-1] < row.revenue[0]
    return "▼ falling" if falling else "▲ rising"


def summary_row(row: ProductOverview) -> list[str]:
    """A product's row, worded as the Portfolio view's table words it."""
    milestone = ""
    if row.next_milestone_on is not None:
        milestone = dated(row.next_milestone_on, row.next_milestone)
    latest = row.latest_revenue
    revenue = "" if latest is None else f"{figure(latest)} {row.revenue_unit}".strip()
    return [
        row.name,
        row.stage.label,
        row.owner,
        HEALTH_WORDS[row.health.colour],
        milestone,
        trend(row),
        revenue,
        percent(row.share),
        percent(row.growth),
        "⚑ Candidate" if row.flagged else "",
    ]


def portfolio_subtitle(job: DeckJob, rows: Sequence[ProductOverview]) -> str:
    info = job.service(PortfolioService).workspace_info()
    parts = [plural(len(rows), "product")]
    flagged = sum(1 for r in rows if r.flagged)
    if flagged:
        parts.append(f"{flagged} flagged for elimination")
    if info.organisation:
        parts.append(info.organisation)
    parts.append(f"as of {short_date(job.on)}")
    return " · ".join(parts)


def add_summary(deck: Deck, job: DeckJob) -> None:
    """Every product's stage, owner, health, next milestone and figures, as a native table."""
    title = "Portfolio summary"
    rows = overview(job)
    if not rows:
        nothing_yet(deck, title, NO_PRODUCTS, notes=job.note)
        return
    counts = {colour: sum(r.health.colour == colour for r in rows) for colour in HEALTH_WORDS}
    legend = " · ".join(f"{HEALTH_WORDS[c]} {HEALTH_MEANING[c]}: {counts[c]}" for c in HEALTH_WORDS)
    subtitle = f"{portfolio_subtitle(job, rows)}\nHealth — {legend}"

    def paint(cell: Any, index: int, column: int) -> None:
        if column == HEALTH_COLUMN:
            colour = HEALTH_COLOURS[rows[index].health.colour]
            fill_cell(cell, colour, ink_on(colour))
        elif column == TREND_COLUMN and trend(rows[index]).startswith("▼"):
            for run in cell.text_frame.paragraphs[0].runs:  # red, as the falling sparkline
                run.font.color.rgb = rgb(HEALTH_COLOURS["red"])

    paged_table(
        deck,
        job,
        title,
        subtitle,
        SUMMARY_HEADERS,
        [summary_row(r) for r in rows],
        SUMMARY_WIDTHS,
        size=TABLE_SIZE,
        numeric=(6, 7, 8),
        paint=paint,
    )


# -- growth–share chart ----------------------------------------------------------------------------

SHARE_TITLE = "Relative market share (log, high on the left)"
GROWTH_TITLE = "Market growth %"
# Where the plot sits inside the chart frame (fractions), so the quadrant names can be placed.
PLOT = (0.14, 0.1, 0.82, 0.72)
SHARE_FLOOR, SHARE_CEILING = 0.01, 1e6  # as the screen: a product with no share still shows


def finite(value: float, limit: float = 1e300) -> float:
    return max(-limit, min(limit, value)) if math.isfinite(value) else 0.0


def growth_range(values: Sequence[float]) -> tuple[float, float]:
    """The growth axis: every point and the split, with room above and below, in fives."""
    low = min([*values, GROWTH_SPLIT]) - 4
    high = max([*values, GROWTH_SPLIT]) + 4
    low, high = finite(low), finite(high)
    if abs(low) < 1e15 and abs(high) < 1e15:
        low, high = math.floor(low / 5) * 5.0, math.ceil(high / 5) * 5.0
    if high <= low:
        high = low + 10
    return low, high


def share_range(values: Sequence[float]) -> tuple[float, float]:
    """The share axis (log): whole powers of ten around every point and the split."""
    low = min([*values, SHARE_SPLIT]) / 1.5
    high = max([*values, SHARE_SPLIT]) * 1.5
    return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high))


def add_growth_share(deck: Deck, job: DeckJob) -> None:
    """Relative market share against market growth, bubble = revenue, as a native chart."""
    title = "Growth–share chart"
    rows = overview(job)
    if not rows:
        nothing_yet(deck, title, NO_PRODUCTS, notes=job.note)
        return
    plotted = [r for r in rows if r.share is not None and r.growth is not None]
    missing = [r.name for r in rows if r not in plotted]
    subtitle = "Bubble size is the latest revenue · quadrants split at a relative share of " + (
        f"{SHARE_SPLIT:g} and {GROWTH_SPLIT:g}% market growth"
    )
    if not plotted:
        nothing_yet(
            deck,
            title,
            "No market share and growth values yet — add Market share and Market growth "
            "metrics to a product in Lifecycle ▸ Metrics",
            notes=job.note,
        )
        return
    slide, body = deck.slide(title, subtitle=subtitle, notes=job.note)
    chart_box, side = body.split(0.7, 0.3, gap=GAP * 2)
    relative = relative_shares({r.id: r.share for r in plotted if r.share is not None})
    points: list[tuple[ProductOverview, float, float, float]] = []
    biggest = max((max(r.latest_revenue or 0.0, 0.0) for r in plotted), default=0.0)
    biggest = finite(biggest)
    for row in plotted:
        share = min(max(finite(relative[row.id]), SHARE_FLOOR), SHARE_CEILING)
        growth = finite(row.growth or 0.0)
        revenue = finite(max(row.latest_revenue or 0.0, 0.0))
        # A product without revenue still needs a bubble to be seen: the smallest one.
        size = revenue if revenue > 0 else (biggest * 0.02 if biggest > 0 else 1.0)
        points.append((row, share, growth, size))
    data = BubbleChartData()
    for row, share, growth, size in points:
        series = data.add_series(row.name)
        series.add_data_point(share, growth, size)
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BUBBLE,
        Emu(chart_box.x),
        Emu(chart_box.y),
        Emu(chart_box.w),
        Emu(chart_box.h),
        data,
    )
    frame.name = "Growth–share chart"
    chart = frame.chart
    names = [row.name for row, *_rest in points]
    named = names_fit(names, chart_box.w)
    style_bubbles(chart, named)
    x_low, x_high = share_range([p[1] for p in points])
    y_low, y_high = growth_range([p[2] for p in points])
    style_axes(chart, (x_low, x_high), (y_low, y_high))
    plot_box = place_plot(chart, chart_box)
    quadrant_names(slide, plot_box)
    side_panel(slide, side, points, missing, numbered_keys=not named)


LABEL_ROOM = 2_286_000  # a bubble's name: at most this wide on one line (2.5 inches)


def names_fit(names: Sequence[str], width: int) -> bool:
    """Whether the bubbles can carry their names and the legend hold them all.

    Otherwise each bubble is numbered and the panel beside the chart is the key: a
    200-character name (or forty products) would run over the plot and off the slide.
    """
    if not all(fits_on_one_line(name, LABEL_ROOM, SMALL_SIZE, bold=True) for name in names):
        return False
    register()
    legend = sum(string_width(clean(name), SMALL_SIZE) + 24 for name in names)
    return legend * EMU_PER_POINT <= width - 2 * 91_440  # one line over the plot


def style_bubbles(chart: Any, named: bool) -> None:
    chart.has_legend = named
    if named:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        style_font(chart.legend.font, size=SMALL_SIZE, colour=INK)
    chart.font.name = "Calibri"
    chart.font.size = Pt(SMALL_SIZE)
    plot = chart.plots[0]
    plot.bubble_scale = 55
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_series_name = named
    labels.show_value = False
    labels.position = XL_LABEL_POSITION.CENTER
    style_font(labels.font, size=SMALL_SIZE, bold=True, colour=INK)
    for index, series in enumerate(plot.series):
        if not named:  # the bubble's number in the key beside the chart
            label = series.points[0].data_label
            label.position = XL_LABEL_POSITION.CENTER
            frame = label.text_frame
            frame.text = str(index + 1)
            style_font(frame.paragraphs[0].runs[0].font, size=SMALL_SIZE, bold=True, colour=INK)
        colour = SERIES[index % len(SERIES)]
        fill = series.format.fill
        fill.solid()
        fill.fore_color.rgb = rgb(colour)
        alpha = OxmlElement("a:alpha")
        alpha.set("val", "70000")
        _srgb(series).append(alpha)
        series.format.line.color.rgb = rgb(colour)
        series.format.line.width = Pt(1.5)


def _srgb(series: Any) -> Any:
    """The series fill's colour element (to give it transparency)."""
    return series.format._element.spPr.find(qn("a:solidFill")).find(qn("a:srgbClr"))


def style_axes(chart: Any, x: tuple[float, float], y: tuple[float, float]) -> None:
    """Log share reversed (high on the left), growth upwards; the axes cross at the splits,
    so they draw the quadrant lines and move with them if a person edits the chart."""
    share, growth = chart.category_axis, chart.value_axis
    share.minimum_scale, share.maximum_scale = x
    growth.minimum_scale, growth.maximum_scale = y
    scaling = share._element.find(qn("c:scaling"))
    log = OxmlElement("c:logBase")
    log.set("val", "10")
    scaling.insert(0, log)
    share.reverse_order = True
    share.crosses_at = SHARE_SPLIT
    growth.crosses_at = GROWTH_SPLIT
    # Tick labels at the plot's edges, not on the split lines: the share axis's at the
    # bottom (low growth); the growth axis's on the left, which is the share axis's
    # high end because it runs high to low.
    share.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    growth.tick_label_position = XL_TICK_LABEL_POSITION.HIGH
    for axis, name in ((share, SHARE_TITLE), (growth, GROWTH_TITLE)):
        axis.has_major_gridlines = False
        style_font(axis.tick_labels.font, size=SMALL_SIZE, colour=MUTED)
        axis.has_title = True
        axis.axis_title.text_frame.text = name
        style_font(
            axis.axis_title.text_frame.paragraphs[0].runs[0].font, size=SMALL_SIZE, colour=MUTED
        )
        line = axis.format.line
        line.color.rgb = rgb(FAINT)
        line.width = Pt(1.5)
        line.dash_style = MSO_LINE_DASH_STYLE.DASH
    # Whole percentages; past a million percent (data at the bounds) in short form.
    huge = max(abs(y[0]), abs(y[1])) >= 1e6
    growth.tick_labels.number_format = "0.0E+0" if huge else "0"
    growth.tick_labels.number_format_is_linked = False
    share.tick_labels.number_format = "General"
    share.tick_labels.number_format_is_linked = False


def place_plot(chart: Any, frame: Box) -> Box:
    """Pin the plot area inside the chart (so shapes can be laid over its corners)."""
    x, y, w, h = PLOT
    area = chart._chartSpace.chart.plotArea
    layout = area.find(qn("c:layout"))
    if layout is None:
        layout = OxmlElement("c:layout")
        area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = OxmlElement("c:manualLayout")
    layout.append(manual)
    for tag, value in (
        ("layoutTarget", "inner"),
        ("xMode", "edge"),
        ("yMode", "edge"),
        ("x", x),
        ("y", y),
        ("w", w),
        ("h", h),
    ):
        child = OxmlElement(f"c:{tag}")
        child.set("val", str(value))
        manual.append(child)
    return Box(
        frame.x + int(frame.w * x),
        frame.y + int(frame.h * y),
        int(frame.w * w),
        int(frame.h * h),
    )


def quadrant_names(slide: Any, plot: Box) -> None:
    """The four quadrants' names in the plot's corners, as the screen puts them."""
    width, height = plot.w // 2 - 60_000, 320_000
    corners = {
        QUADRANTS[(True, True)]: (plot.x + 30_000, plot.y + 30_000, "left"),
        QUADRANTS[(False, True)]: (plot.right - width - 30_000, plot.y + 30_000, "right"),
        QUADRANTS[(True, False)]: (plot.x + 30_000, plot.bottom - height - 30_000, "left"),
        QUADRANTS[(False, False)]: (
            plot.right - width - 30_000,
            plot.bottom - height - 30_000,
            "right",
        ),
    }
    for name, (x, y, align) in corners.items():
        text_box(
            slide,
            Box(x, y, width, height),
            name,
            size=BODY_SIZE,
            bold=True,
            colour=FAINT,
            align=align,
            name=f"Quadrant {name}",
        )


def side_panel(
    slide: Any,
    box: Box,
    points: Sequence[tuple[ProductOverview, float, float, float]],
    missing: Sequence[str],
    *,
    numbered_keys: bool = False,
) -> None:
    """Each plotted product's colour, quadrant and figures, then those the chart cannot place.

    The entries are the chart's key: a swatch of the bubble's colour, and its number
    when the bubbles carry numbers rather than names.

    What does not fit the panel is counted rather than cut ("and 3 more"): the
    summary table names every product.
    """
    missing_note = (
        f"Not on the chart (no market share or market growth yet): {', '.join(missing)}"
        " — add those metrics in Lifecycle ▸ Metrics"
    )
    if missing and text_height(missing_note, box.w, SMALL_SIZE) > box.h // 3:
        missing_note = (
            f"{plural(len(missing), 'product')} not on the chart (no market share or market "
            "growth yet) — add those metrics in Lifecycle ▸ Metrics"
        )
    bottom = box.bottom
    if missing:
        bottom -= text_height(missing_note, box.w, SMALL_SIZE) + GAP
    heading = text_box(
        slide,
        Box(box.x, box.y, box.w, 300_000),
        "Where each product stands",
        size=BODY_SIZE,
        bold=True,
        colour=PRIMARY,
        name="Quadrants heading",
    )
    y = box.y + heading.height + 40_000
    more_room = text_height("and 999 more", box.w, SMALL_SIZE)
    swatch = 200_000
    text_x, text_w = box.x + swatch + 80_000, box.w - swatch - 80_000
    for index, (row, share, growth, _size) in enumerate(points):
        quadrant = growth_share_quadrant(share, growth, SHARE_SPLIT, GROWTH_SPLIT)
        revenue = row.latest_revenue
        money = "" if revenue is None else f" · revenue {figure(revenue)} {row.revenue_unit}"
        key = f"{index + 1} · " if numbered_keys else ""
        text = (
            f"{key}{row.name} — {quadrant}\n"
            f"relative share {figure(share)} · growth {figure(growth)}%{money.rstrip()}"
        )
        need = text_height(text, text_w, SMALL_SIZE)
        left = len(points) - index
        if y + need + (more_room if left > 1 else 0) > bottom:
            text_box(
                slide,
                Box(box.x, y, box.w, more_room),
                f"and {left} more — the portfolio summary names every product",
                size=SMALL_SIZE,
                colour=MUTED,
                name="More products",
            )
            break
        dot = slide.shapes.add_shape(
            MSO_SHAPE.OVAL, Emu(box.x), Emu(y + 50_000), Emu(swatch), Emu(swatch)
        )
        dot.name = f"Colour of {index + 1}"
        dot.fill.solid()
        dot.fill.fore_color.rgb = rgb(SERIES[index % len(SERIES)])
        dot.line.fill.background()
        dot.shadow.inherit = False
        shape = text_box(
            slide,
            Box(text_x, y, text_w, need),
            text,
            size=SMALL_SIZE,
            name=f"Quadrant of {index + 1}",
        )
        y += shape.height + 40_000
    if missing:
        text_box(
            slide,
            Box(box.x, bottom + GAP, box.w, box.bottom - bottom - GAP),
            missing_note,
            size=SMALL_SIZE,
            colour=MUTED,
            name="Not on the chart",
        )


# -- lifecycle board -------------------------------------------------------------------------------

CARD_SIZES = (14, 12, 10, 8)  # a card's type, smaller only when a long name would not fit
CARD_GAP = 80_000


def card_text(row: ProductOverview) -> str:
    """A card's lines, as the board's card reads: name, owner, the elimination flag."""
    lines = [row.name]
    if row.owner:
        lines.append(row.owner)
    if row.flagged:
        lines.append("⚑ elimination candidate")
    return "\n".join(lines)


ROUNDING = 0.08  # the card's corner, as a share of its shorter side
# A rounded rectangle keeps its text off the corners: 0.29289 of the corner's size each side.
CORNER_INSET = 0.29289 * ROUNDING


def card_size(text: str, width: int, room: int) -> tuple[float, int]:
    """The largest card type at which ``text`` fits ``room``, and the card's height."""
    corner = int(CORNER_INSET * width)  # the most it can be: the shorter side is at most this
    for size in CARD_SIZES:
        height = text_height(text, width - 2 * corner, size, bold=True) + 2 * corner
        if height <= room:
            return size, height
    size = CARD_SIZES[-1]
    return size, text_height(text, width - 2 * corner, size, bold=True) + 2 * corner


def add_lifecycle(deck: Deck, job: DeckJob) -> None:
    """A column per stage with a card per product, coloured by its health, all shapes."""
    title = "Lifecycle board"
    rows = overview(job)
    if not rows:
        nothing_yet(deck, title, NO_PRODUCTS, notes=job.note)
        return
    subtitle = portfolio_subtitle(job, rows)
    body = body_below(subtitle)
    legend_height = health_legend_height(body.w)
    board = Box(body.x, body.y, body.w, body.h - legend_height - GAP)
    columns = dict(zip(Stage, board.split(*[1.0] * len(Stage), gap=GAP), strict=True))
    header = max(
        text_height(f"{stage.label} ({len(rows)})", box.w, TABLE_SIZE, bold=True)
        for stage, box in columns.items()
    )
    top = board.y + header + CARD_GAP
    room = board.bottom - CARD_GAP - top
    # Each stage's cards cut into pages that fit its column; the board takes as many
    # slides as its fullest column needs.
    pages: dict[Stage, list[list[tuple[ProductOverview, str, float, int]]]] = {}
    for stage, box in columns.items():
        job.progress.check()
        stage_pages: list[list[tuple[ProductOverview, str, float, int]]] = [[]]
        used = 0
        for row in (r for r in rows if r.stage is stage):
            text = card_text(row)
            size, height = card_size(text, box.w - 2 * CARD_GAP, room)
            if stage_pages[-1] and used + height > room:
                stage_pages.append([])
                used = 0
            stage_pages[-1].append((row, text, size, height))
            used += height + CARD_GAP
        pages[stage] = stage_pages
    total = max(len(p) for p in pages.values())
    counts = {stage: sum(r.stage is stage for r in rows) for stage in Stage}
    for index in range(total):
        job.progress.check()
        slide, _ = deck.slide(
            numbered(title, index, total), subtitle=subtitle, notes=job.note if index == 0 else ""
        )
        for stage, box in columns.items():
            stage_column(slide, box, header, stage, counts[stage], pages[stage], index)
        health_legend(slide, Box(body.x, board.bottom + GAP, body.w, legend_height))


def stage_column(
    slide: Any,
    box: Box,
    header: int,
    stage: Stage,
    count: int,
    pages: Sequence[Sequence[tuple[ProductOverview, str, float, int]]],
    index: int,
) -> None:
    column = slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    column.name = f"{stage.label} column"
    column.fill.solid()
    column.fill.fore_color.rgb = rgb(SURFACE)
    column.line.fill.background()
    column.shadow.inherit = False
    text_box(
        slide,
        Box(box.x, box.y, box.w, header),
        f"{stage.label} ({count})",
        size=TABLE_SIZE,
        bold=True,
        colour=WHITE,
        fill=PRIMARY,
        anchor="middle",
        name=f"{stage.label} heading",
    )
    y = box.y + header + CARD_GAP
    for row, text, size, height in pages[index] if index < len(pages) else []:
        colour = HEALTH_COLOURS[row.health.colour]
        card = text_box(
            slide,
            Box(box.x + CARD_GAP, y, box.w - 2 * CARD_GAP, height),
            text,
            size=size,
            bold=True,
            fill=mix(WHITE, colour, 0.2),
            line=colour,
            shape=MSO_SHAPE.ROUNDED_RECTANGLE,
            name=f"Card {row.name}",
        )
        card.line.width = Pt(2.25)
        card.adjustments[0] = ROUNDING
        paragraphs = card.text_frame.paragraphs
        for number, paragraph in enumerate(paragraphs[1:], start=1):
            flag = row.flagged and number == len(paragraphs) - 1
            for run in paragraph.runs:
                run.font.bold = flag
                run.font.color.rgb = rgb(BAD if flag else MUTED)
        y += card.height + CARD_GAP


LEGEND_PARTS = (1.0, 1.0, 1.4, 1.4)
LEGEND_LEAD = "Card colour = health:"
SWATCH = 300_000


def health_legend_height(width: int) -> int:
    """The legend's height: one line each, unless a narrow slide makes them wrap."""
    parts = Box(0, 0, width, 0).split(*LEGEND_PARTS, gap=GAP)
    texts = [(LEGEND_LEAD, parts[0].w)] + [
        (f"{HEALTH_WORDS[c]} — {HEALTH_MEANING[c]}", part.w - SWATCH - 60_000)
        for part, c in zip(parts[1:], HEALTH_WORDS, strict=True)
    ]
    return max(300_000, *(text_height(text, w, SMALL_SIZE) for text, w in texts))


def health_legend(slide: Any, box: Box) -> None:
    """What a card's colour means, with a swatch of each."""
    parts = box.split(*LEGEND_PARTS, gap=GAP)
    text_box(
        slide,
        Box(parts[0].x, box.y, parts[0].w, box.h),
        LEGEND_LEAD,
        size=SMALL_SIZE,
        colour=MUTED,
        anchor="middle",
        name="Health legend",
    )
    for part, colour in zip(parts[1:], HEALTH_WORDS, strict=True):
        swatch = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE,
            Emu(part.x),
            Emu(box.y + box.h // 2 - 100_000),
            Emu(SWATCH),
            Emu(200_000),
        )
        swatch.name = f"{HEALTH_WORDS[colour]} swatch"
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = rgb(mix(WHITE, HEALTH_COLOURS[colour], 0.2))
        swatch.line.color.rgb = rgb(HEALTH_COLOURS[colour])
        swatch.line.width = Pt(2.25)
        swatch.shadow.inherit = False
        text_box(
            slide,
            Box(part.x + SWATCH + 60_000, box.y, part.w - SWATCH - 60_000, box.h),
            f"{HEALTH_WORDS[colour]} — {HEALTH_MEANING[colour]}",
            size=SMALL_SIZE,
            colour=INK,
            anchor="middle",
            name=f"{HEALTH_WORDS[colour]} meaning",
        )


# -- requirements ranked by RICE -------------------------------------------------------------------

REQUIREMENT_HEADERS = (
    "#",
    "Ref",
    "Requirement",
    "MoSCoW",
    "Reach",
    "Impact",
    "Conf.",
    "Effort",
    "RICE",
    "Status",
)
REQUIREMENT_WIDTHS = (0.045, 0.075, 0.33, 0.1, 0.08, 0.065, 0.065, 0.065, 0.07, 0.105)
MOSCOW_COLUMN = 3


def rice_cells(
    score: RiceScore | None, reach: float, impact: float, confidence: float, effort: float
) -> list[str]:
    """Reach, impact, confidence, effort and score, as the Requirements table shows them."""
    return [
        format_number(reach, 0),
        f"{impact:g}",
        f"{format_number(confidence, 0)}%",
        format_number(effort, 1),
        "—" if score is None else format_number(score.score, 1),
    ]


def add_requirements(deck: Deck, job: DeckJob) -> None:
    """The product's requirements in the Requirements view's RICE order, with every part."""
    product = job.subject
    title = "Requirements ranked by RICE"
    requirements = job.service(RequirementService).requirements_of(product.id)
    if not requirements:
        nothing_yet(
            deck,
            title,
            "No requirements yet — add them in the Requirements view",
            subtitle=product.name,
            notes=job.note,
        )
        return
    # The view opens ordered by MoSCoW priority (backlog order within each), and its
    # "RICE score" order keeps that order among equal scores: so the same here.
    by_priority = sorted(requirements, key=lambda r: list(MoSCoW).index(r.moscow))
    ranked = rank_by_rice(
        [(r, rice_or_none(r.reach, r.impact, r.confidence, r.effort)) for r in by_priority]
    )
    rows = []
    for place, (req, score) in enumerate(ranked, start=1):
        if place % 200 == 0:
            job.progress.check()
        rows.append(
            [
                str(place),
                req.ref,
                req.title,
                req.moscow.label,
                *rice_cells(score, req.reach, req.impact, req.confidence, req.effort),
                req.status.label,
            ]
        )
    subtitle = (
        f"{product.name} · {plural(len(rows), 'requirement')} · RICE = reach × impact × "
        "confidence ÷ effort (person-months); highest first"
    )

    def paint(cell: Any, index: int, column: int) -> None:
        if column == MOSCOW_COLUMN:
            colour = MOSCOW_COLOURS[ranked[index][0].moscow]
            fill_cell(cell, colour, ink_on(colour))

    paged_table(
        deck,
        job,
        title,
        subtitle,
        REQUIREMENT_HEADERS,
        rows,
        REQUIREMENT_WIDTHS,
        size=SMALL_SIZE,
        numeric=(0, 4, 5, 6, 7, 8),
        paint=paint,
    )


# -- launch readiness ------------------------------------------------------------------------------

LAUNCH_HEADERS = ("Function", "Done", "Ready", "Blocked", "Overdue")
DONE_COLOUR = TASK_STATUS_COLOURS[TaskStatus.DONE]
OPEN_COLOUR = TASK_STATUS_COLOURS[TaskStatus.NOT_APPLICABLE]  # the quiet grey


def pick_launch(launches: Sequence[Launch], on: dt.date) -> Launch:
    """The next launch to come, else the latest (as the launch plan PDF picks it)."""
    upcoming = [la for la in launches if la.launch_date >= on]
    return upcoming[0] if upcoming else launches[-1]


def launch_gate(job: DeckJob) -> str:
    """The go/no-go: the latest decision at the Go-to-Market gate (launch approved or not)."""
    gates = [
        g
        for g in job.service(LifecycleService).gates_of(job.subject.id)
        if g.stage is Stage.GO_TO_MARKET
    ]
    if not gates:
        return "launch gate not reviewed yet"
    gate = max(gates, key=lambda g: (g.decided_on, g.id))
    verdict = "Go" if gate.decision is GateDecision.GO else f"No go ({gate.decision.label})"
    who = f" by {gate.decided_by_name}" if gate.decided_by_name else ""
    return f"launch gate: {verdict}, {short_date(gate.decided_on)}{who}"


def add_launch(deck: Deck, job: DeckJob) -> None:
    """Readiness per function as a native bar chart and a table; go/no-go and date on top."""
    product = job.subject
    title = "Launch readiness"
    service = job.service(LaunchService)
    launches = service.launches_of(product.id)
    if not launches:
        nothing_yet(
            deck,
            title,
            "No launch planned — plan one in the Launch view",
            subtitle=product.name,
            notes=job.note,
        )
        return
    launch = pick_launch(launches, job.on)
    figures = service.readiness_of(launch.id, job.on)
    tasks = service.tasks_of(launch.id)
    overall = figures.overall
    days = (launch.launch_date - job.on).days
    when = f"in {describe_days(days)}" if days > 0 else describe_days(days)
    ready = f"{overall.percent:.0f}% ready" if overall.counted else "no tasks yet"
    subtitle = (
        f"{product.name} · {launch.name} · launch {short_date(launch.launch_date)} ({when}) · "
        f"{ready} · {launch_gate(job)}"
    )
    if not figures.per_function:
        nothing_yet(
            deck,
            title,
            "No checklist tasks yet — add them in the Launch view",
            subtitle=subtitle,
            notes=job.note,
        )
        return
    slide, body = deck.slide(title, subtitle=subtitle, notes=job.note)
    chart_box, side = body.split(0.52, 0.48, gap=GAP * 2)
    functions = list(figures.per_function)
    blocked = {
        f: sum(t.function is f and t.status is TaskStatus.BLOCKED for t in tasks) for f in functions
    }
    overdue = {
        f: sum(t.function is f and t.id in figures.overdue_ids for t in tasks) for f in functions
    }
    readiness_chart(slide, chart_box, figures.per_function)
    rows = [
        [
            f.label,
            f"{part.done}/{part.counted}",
            f"{part.percent:.0f}%",
            str(blocked[f]),
            str(overdue[f]),
        ]
        for f, part in figures.per_function.items()
    ]
    proportions = (0.32, 0.15, 0.16, 0.19, 0.18)
    widths = column_widths(LAUNCH_HEADERS, rows, proportions, side.w, TABLE_SIZE)
    height = table_height(LAUNCH_HEADERS, rows, widths, TABLE_SIZE)
    frame = table(
        slide,
        Box(side.x, side.y, side.w, height),
        LAUNCH_HEADERS,
        rows,
        widths=widths,
        size=TABLE_SIZE,
        numeric=(1, 2, 3, 4),
    )
    frame.name = "Readiness by function"
    for r, f in enumerate(functions, start=1):
        if blocked[f]:
            fill_cell(frame.table.cell(r, 3), BAD, WHITE)
    notes = [f"Overall: {overall.done} of {plural(overall.counted, 'task')} done"]
    late = len(figures.overdue_ids)
    if late:
        notes.append(f"{plural(late, 'overdue task')}")
    if figures.passed_with_open:
        open_tasks = overall.counted - overall.done
        notes.append(f"⚑ The launch date has passed with {plural(open_tasks, 'open task')}")
    if figures.launch_day_off:
        notes.append(f"The launch date falls on a day off: {figures.launch_day_off}")
    text_box(
        slide,
        Box(side.x, side.y + height + GAP, side.w, 300_000),
        "\n".join(notes),
        size=SMALL_SIZE + 2,
        colour=INK,
        name="Readiness facts",
    )


def readiness_chart(slide: Any, box: Box, per_function: dict[LaunchFunction, Any]) -> None:
    """Done and open tasks per function, stacked bars, first function at the top.

    A bar chart draws its first category at the bottom, so the functions go in last
    first (reversing the axis instead would move the task scale to the top).
    """
    parts = list(reversed(per_function.items()))
    data = CategoryChartData(number_format="0")
    data.categories = [f.label for f, _part in parts]
    data.add_series("Done", [part.done for _f, part in parts])
    data.add_series("Not done", [part.counted - part.done for _f, part in parts])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_STACKED, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), data
    )
    frame.name = "Readiness chart"
    chart = frame.chart
    chart.font.name = "Calibri"
    chart.font.size = Pt(SMALL_SIZE)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    style_font(chart.legend.font, size=SMALL_SIZE, colour=INK)
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.overlap = 100
    for series, colour in zip(plot.series, (DONE_COLOUR, OPEN_COLOUR), strict=True):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = rgb(colour)
        series.format.line.fill.background()
        labels = series.data_labels
        labels.show_value = True
        labels.number_format = '0;-0;""'
        labels.number_format_is_linked = False
        style_font(labels.font, size=SMALL_SIZE, bold=True, colour=ink_on(colour))
    categories = chart.category_axis
    style_font(categories.tick_labels.font, size=SMALL_SIZE + 2, colour=INK)
    categories.format.line.color.rgb = rgb(RULE)
    values = chart.value_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = rgb(RULE)
    values.tick_labels.number_format = "0"
    values.tick_labels.number_format_is_linked = False
    style_font(values.tick_labels.font, size=SMALL_SIZE, colour=MUTED)
    values.has_title = True
    values.axis_title.text_frame.text = "Tasks"
    style_font(
        values.axis_title.text_frame.paragraphs[0].runs[0].font, size=SMALL_SIZE, colour=MUTED
    )
