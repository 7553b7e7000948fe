"""Metric and map charts as reportlab vector Drawings (never images): crisp at any zoom."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib.colors import Color

from pmdesk.core.enums import Stage
from pmdesk.core.label_layout import Box, LabelRequest, layout_labels
from pmdesk.core.palette import (
    SQUARE_SIDE,
    VALUE_EFFORT_CORNERS,
    glyph_polygon,
    value_effort_fill,
)
from pmdesk.core.scoring import quadrant_splits

from .fonts import SANS, fit, string_width
from .textdraw import text_shapes
from .theme import (
    ACCENT,
    BAD,
    FAINT,
    GOOD,
    HAIRLINE,
    INK,
    MUTED,
    PRIMARY,
    RULE,
    SURFACE,
    WARN,
    WHITE,
    hex_colour,
    lighten,
)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round axis values covering low..high (1, 2, 2.5 or 5 times a power of ten)."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    raw = (high - low) / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    values, value = [], first
    while value < high + step * 0.999:
        values.append(round(value, 10))
        value += step
    return values


def compact(value: float) -> str:
    """Axis numbers short enough for a tick: 1.2M, 340k, 12.5."""
    size = abs(value)
    if size >= 1e9:
        return f"{value / 1e9:.3g}B"
    if size >= 1e6:
        return f"{value / 1e6:.3g}M"
    if size >= 1e4:
        return f"{value / 1e3:.3g}k"
    return f"{value:,.4g}"


def _text(d: Drawing, x: float, y: float, text: str, size: float, **kwargs) -> None:
    for shape in text_shapes(x, y, text, size, **kwargs):
        d.add(shape)


@dataclass(frozen=True)
class Series:
    name: str
    periods: Sequence[dt.date]
    values: Sequence[float]
    targets: Sequence[float | None]
    unit: str = ""
    colour: Color = ACCENT


def line_chart(
    series: Series,
    width: float,
    height: float,
    *,
    bands: Sequence[tuple[dt.date, dt.date, str]] = (),
) -> Drawing:
    """A metric over time against its target (dashed), optional stage bands behind."""
    d = Drawing(width, height)
    left, right, top, bottom = 40.0, 10.0, 30.0, 20.0
    plot_w, plot_h = width - left - right, height - top - bottom
    figure = 0.0  # the latest value, right-aligned: the name takes the room it leaves
    if series.values:
        label = f"{compact(series.values[-1])} {series.unit}".strip()
        figure = string_width(fit(label, width * 0.45, 8.5, True), 8.5, True) + 8
        _text(
            d,
            width,
            height - 11,
            label,
            8.5,
            bold=True,
            anchor="end",
            colour=series.colour,
            max_width=width * 0.45,
        )
    _text(d, 0, height - 11, series.name, 8.5, bold=True, colour=INK, max_width=width - figure)
    if not series.values:
        _text(d, left, bottom + plot_h / 2, "No values recorded yet", 8, colour=FAINT)
        return d
    known = [v for v in series.values] + [t for t in series.targets if t is not None]
    axis = nice_ticks(min(0.0, min(known)), max(known))
    lo, hi = axis[0], axis[-1]
    first, last = series.periods[0].toordinal(), series.periods[-1].toordinal()
    span = max(1, last - first)

    def px(day: dt.date) -> float:
        return left + (day.toordinal() - first) / span * plot_w

    def py(value: float) -> float:
        return bottom + (value - lo) / (hi - lo) * plot_h

    for start, end, name in bands:
        x0, x1 = max(px(start), left), min(px(end), left + plot_w)
        if x1 - x0 > 2:
            d.add(
                Rect(
                    x0,
                    bottom,
                    x1 - x0,
                    plot_h,
                    fillColor=SURFACE,
                    strokeColor=WHITE,
                    strokeWidth=1.5,
                )
            )
            _text(d, x0 + 3, bottom + plot_h - 8, name, 5.8, colour=FAINT, max_width=x1 - x0 - 5)
    for value in axis:
        y = py(value)
        d.add(Line(left, y, left + plot_w, y, strokeColor=HAIRLINE, strokeWidth=0.5))
        d.add(
            String(
                left - 4,
                y - 2.3,
                compact(value),
                fontName=SANS,
                fontSize=6.3,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    step = max(1, math.ceil(len(series.periods) / max(1, plot_w // 38)))
    for index in range(0, len(series.periods), step):
        day = series.periods[index]
        label = f"{day:%b}" if day.month != 1 and index else f"{day:%b %y}"
        d.add(
            String(
                px(day),
                bottom - 10,
                label,
                fontName=SANS,
                fontSize=6.3,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=RULE, strokeWidth=0.7))
    targets = [
        (px(day), py(t))
        for day, t in zip(series.periods, series.targets, strict=True)
        if t is not None
    ]
    if len(targets) > 1:
        d.add(
            PolyLine(
                [c for p in targets for c in p],
                strokeColor=MUTED,
                strokeWidth=0.9,
                strokeDashArray=[3, 2],
            )
        )
    points = [(px(day), py(v)) for day, v in zip(series.periods, series.values, strict=True)]
    if len(points) > 1:
        d.add(
            PolyLine(
                [c for p in points for c in p],
                strokeColor=series.colour,
                strokeWidth=1.6,
                strokeLineJoin=1,
            )
        )
    x, y = points[-1]
    d.add(Circle(x, y, 2.3, fillColor=series.colour, strokeColor=WHITE, strokeWidth=0.8))
    if targets:
        d.add(
            Line(
                width - 36,
                height - 21,
                width - 24,
                height - 21,
                strokeColor=MUTED,
                strokeWidth=0.9,
                strokeDashArray=[3, 2],
            )
        )
        _text(d, width, height - 23, "target", 6, anchor="end", colour=MUTED)
    return d


def hbars(
    rows: Sequence[tuple[str, float | None, str]], width: float, colour: Color = ACCENT
) -> Drawing:
    """Horizontal 0-100 % bars with a label and a note: readiness by function."""
    row_h = 17.0
    d = Drawing(width, row_h * len(rows) + 4)
    label_w, note_w = width * 0.3, 70.0
    bar_w = width - label_w - note_w
    for index, (label, value, note) in enumerate(rows):
        y = d.height - (index + 1) * row_h
        _text(d, 0, y + 5, label, 8, colour=INK, max_width=label_w - 8)
        d.add(Rect(label_w, y + 3, bar_w, 9, fillColor=SURFACE, strokeColor=None, rx=2, ry=2))
        if value:
            fill = GOOD if value >= 99.5 else colour
            d.add(
                Rect(
                    label_w,
                    y + 3,
                    bar_w * min(value, 100) / 100,
                    9,
                    fillColor=fill,
                    strokeColor=None,
                    rx=2,
                    ry=2,
                )
            )
        _text(d, width, y + 5, note, 7.5, anchor="end", colour=MUTED, max_width=note_w - 6)
    return d


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    colour: Color


def scatter(
    points: Sequence[Point], width: float, height: float, *, x_title: str, y_title: str
) -> Drawing:
    """Value (up) against effort (right), split at the backlog's medians into the four
    value-vs-effort quadrants, named, placed and tinted as on screen (core.palette)."""
    d = Drawing(width, height)
    left, right, top, bottom = 38.0, 12.0, 10.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    d.add(Rect(left, bottom, plot_w, plot_h, fillColor=None, strokeColor=RULE, strokeWidth=0.7))
    if not points:
        return d
    xs = nice_ticks(0, max(p.x for p in points))
    ys = nice_ticks(0, max(p.y for p in points))

    def px(v: float) -> float:
        return left + v / xs[-1] * plot_w

    def py(v: float) -> float:
        return bottom + v / ys[-1] * plot_h

    value_split, effort_split = quadrant_splits([(p.y, p.x) for p in points])
    mid_x, mid_y = px(effort_split), py(value_split)
    spans = {False: (left, mid_x), True: (mid_x, left + plot_w)}  # right? -> x range
    rises = {False: (bottom, mid_y), True: (mid_y, bottom + plot_h)}  # top? -> y range
    for name, (at_right, at_top) in VALUE_EFFORT_CORNERS.items():
        fill = value_effort_fill(name, "#FFFFFF")
        (x0, x1), (y0, y1) = spans[at_right], rises[at_top]
        if fill is not None and x1 > x0 and y1 > y0:
            d.add(Rect(x0, y0, x1 - x0, y1 - y0, fillColor=hex_colour(fill), strokeColor=None))
    for value in xs:
        d.add(
            String(
                px(value),
                bottom - 9,
                compact(value),
                fontName=SANS,
                fontSize=6.3,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    for value in ys:
        d.add(
            String(
                left - 4,
                py(value) - 2.3,
                compact(value),
                fontName=SANS,
                fontSize=6.3,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
    d.add(Line(mid_x, bottom, mid_x, bottom + plot_h, strokeColor=RULE, strokeDashArray=[2, 2]))
    d.add(Line(left, mid_y, left + plot_w, mid_y, strokeColor=RULE, strokeDashArray=[2, 2]))
    names: list[Box] = []
    for name, (at_right, at_top) in VALUE_EFFORT_CORNERS.items():
        x = left + plot_w - 4 if at_right else left + 4
        y = bottom + plot_h - 9 if at_top else bottom + 4
        _text(
            d, x, y, name.upper(), 6, bold=True, anchor="end" if at_right else "start", colour=FAINT
        )
        text_w = string_width(name.upper(), 6, True)
        start = x - text_w if at_right else x
        names.append(Box(start, y - 1, start + text_w, y + 6))
    _text(d, left + plot_w / 2, 2, x_title, 7, anchor="middle", colour=MUTED)
    title = String(0, 0, y_title, fontName=SANS, fontSize=7, fillColor=MUTED, textAnchor="middle")
    d.add(Group(title, transform=(0, 1, -1, 0, 9, bottom + plot_h / 2)))
    for p in points:
        d.add(Circle(px(p.x), py(p.y), 3.2, fillColor=p.colour, strokeColor=WHITE, strokeWidth=0.6))
    best = sorted(points, key=lambda p: -p.y / max(p.x, 0.01))  # best value for effort first
    requests = [
        LabelRequest(i, px(p.x), py(p.y), 3.5, min(string_width(p.label, 6), 60) + 1, 7)
        for i, p in enumerate(best)
    ]
    layout = layout_labels(
        requests, Box(left, bottom, left + plot_w, bottom + plot_h), obstacles=names, gap=1.5
    )
    for index, box in layout.placed.items():  # a label with no free spot is left out
        _text(d, box.x0, box.y0 + 1.2, best[index].label, 6, colour=INK, max_width=60)
    return d


def stage_strip(current: Stage, width: float, height: float = 24.0) -> Drawing:
    """The six lifecycle stages as chevrons, the product's own filled in."""
    d = Drawing(width, height)
    stages = list(Stage)
    step = width / len(stages)
    tip = 7.0
    for index, stage in enumerate(stages):
        x = index * step
        done = stage.order < current.order
        now = stage is current
        fill = PRIMARY if now else (lighten(PRIMARY, 0.72) if done else SURFACE)
        points = [
            x,
            0,
            x + step - 2,
            0,
            x + step - 2 + tip,
            height / 2,
            x + step - 2,
            height,
            x,
            height,
        ]
        if index:
            points += [x + tip, height / 2]
        d.add(Polygon(points, fillColor=fill, strokeColor=WHITE, strokeWidth=1.5))
        colour = WHITE if now else (PRIMARY if done else MUTED)
        _text(
            d,
            x + step / 2 + (tip / 2 if index else 0),
            height / 2 - 3,
            stage.label,
            7,
            bold=now,
            anchor="middle",
            colour=colour,
            max_width=step - tip - 6,
        )
    return d


def risk_matrix(cells: dict[tuple[int, int], int], size: float) -> Drawing:
    """Likelihood (across) by impact (up), 1-5 each, with how many risks sit in each cell."""
    d = Drawing(size + 30, size + 26)
    cell = size / 5
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            colour = BAD if score >= 15 else WARN if score >= 8 else GOOD
            x, y = 24 + (likelihood - 1) * cell, 22 + (impact - 1) * cell
            count = cells.get((likelihood, impact), 0)
            d.add(
                Rect(
                    x,
                    y,
                    cell,
                    cell,
                    fillColor=lighten(colour, 0.25 if count else 0.82),
                    strokeColor=WHITE,
                    strokeWidth=1.2,
                )
            )
            if count:
                _text(
                    d,
                    x + cell / 2,
                    y + cell / 2 - 3.5,
                    str(count),
                    9,
                    bold=True,
                    anchor="middle",
                    colour=WHITE,
                )
    _text(d, 24 + size / 2, 2, "Likelihood →", 7, anchor="middle", colour=MUTED)
    label = String(
        0, 0, "Impact →", fontName=SANS, fontSize=7, fillColor=MUTED, textAnchor="middle"
    )
    d.add(Group(label, transform=(0, 1, -1, 0, 12, 22 + size / 2)))
    return d


def glyph(
    name: str,
    x: float,
    y: float,
    radius: float,
    fill: Color,
    *,
    stroke: Color | None = WHITE,
    stroke_width: float = 1.2,
):
    """A stakeholder glyph ("star", "square", ...) centred on (x, y): the screen's shapes.

    The geometry is ``core.palette.glyph_polygon``'s, whose y grows downwards; on
    paper y grows upwards, so it is flipped here.
    """
    style = {"fillColor": fill, "strokeColor": stroke, "strokeWidth": stroke_width}
    if name == "circle":
        return Circle(x, y, radius, **style)
    if name == "square":
        side = radius * SQUARE_SIDE
        return Rect(x - side, y - side, 2 * side, 2 * side, rx=side * 0.18, ry=side * 0.18, **style)
    corners = glyph_polygon(name, radius)
    return Polygon([c for px_, py_ in corners for c in (x + px_, y - py_)], **style)


def legend_row(
    entries: Sequence[tuple[Color, str] | tuple[Color, str, str]], width: float, *, dot: bool = True
) -> Drawing:
    """Coloured dots (squares, or glyphs named third in an entry) with their meaning."""
    d = Drawing(width, 14)
    x = 0.0
    for colour, label, *shape in entries:
        if shape:
            d.add(glyph(shape[0], x + 4, 7, 3.6, colour, stroke=None))
        elif dot:
            d.add(Circle(x + 4, 7, 4, fillColor=colour, strokeColor=None))
        else:
            d.add(Rect(x, 3, 8, 8, fillColor=colour, strokeColor=None))
        _text(d, x + 12, 4.5, label, 7, colour=MUTED)
        x += 12 + string_width(label, 7) + 14
    return d
