"""Drawing one page of a roadmap chart, and its legend (the shapes of ``gantt``).

Layout units from core.gantt_layout (y down from the top of the chart body)
are turned into PDF units (y up) here, and shapes crossing the page's time
slice are clipped by hand: reportlab graphics have no clipping paths.
"""

from __future__ import annotations

from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING

from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
)
from reportlab.lib.colors import Color

from pmdesk.core import roadmap_style as rs
from pmdesk.core.enums import ItemKind, ItemStatus
from pmdesk.core.gantt_layout import (
    Box,
    baseline_box,
    finish_slip,
    label_place,
    link_route,
    slip_text,
)
from pmdesk.core.timeline import (
    Tick,
    TimeScale,
    clear_of_tags,
    cut_name,
    says_years,
    ticks,
    tier_labels,
)

from .fastdraw import (
    FastDrawing,
    make_circle,
    make_line,
    make_polygon,
    make_rect,
    make_string,
)
from .fonts import SANS, string_width
from .textdraw import text_shapes, wrap_lines
from .theme import (
    FAINT,
    HAIRLINE,
    INK,
    MUTED,
    PRIMARY,
    RULE,
    SURFACE,
    WHITE,
    hex_colour,
    lighten,
)

if TYPE_CHECKING:
    from .gantt import Band, ChartItem, GanttChart, Slice

LANE_SIZE = 7.5
ELLIPSIS = "…"  # what fonts.fit ends a shortened label with
TICK_PAD = 4.0  # points a period's name keeps clear of its edges
UPPER_SIZE, LOWER_SIZE = 7.0, 6.3  # the time scale's type (upper tier bold), before scaling
# The marks' colours, the screen's (core.roadmap_style): one meaning, one colour.
CRITICAL, AT_RISK = hex_colour(rs.CRITICAL), hex_colour(rs.AT_RISK)
VIOLATED, BASELINE = hex_colour(rs.VIOLATED), hex_colour(rs.BASELINE)
TODAY, LINK = hex_colour(rs.TODAY), hex_colour(rs.LINK)
LATE, EARLY = hex_colour(rs.LATE), hex_colour(rs.EARLY)


class Painter:
    """Draws one page of a chart; y in layout units is turned upside down for PDF."""

    def __init__(
        self,
        chart: GanttChart,
        d: Drawing,
        scale: TimeScale,
        piece: Slice,
        band: Band,
        height: float,
    ) -> None:
        self.c, self.d, self.scale, self.piece, self.band = chart, d, scale, piece, band
        self.x0 = chart.label_width
        self.x1 = d.width
        self.body_top = height - chart.header
        self.day0 = piece.start.toordinal()
        self.day1 = piece.end.toordinal() + 1
        self.boxes: dict[int, Box] = {}
        self.tags: list[tuple[float, float, str, object, float]] = []

    def y(self, layout_y: float) -> float:
        return self.body_top - (layout_y - self.band.top)

    def x(self, layout_x: float) -> float:
        return self.x0 + layout_x

    def paint(self) -> None:
        self.tags = self._tags()  # the time scale's names keep clear of them: found once
        self._lanes()
        self._grid()
        self._items()
        self._markers()
        self._frame()

    def _lanes(self) -> None:
        c, d = self.c, self.d
        boxes = c.layout.boxes
        for index in range(self.band.first_lane, self.band.last_lane + 1):
            if index >= len(boxes):
                break
            box = boxes[index]
            lane = c.data.lanes[index]
            top = max(box.top, self.band.top)
            bottom = min(box.top + box.height, self.band.bottom)
            if bottom <= top:
                continue
            y_top, y_bottom = self.y(top), self.y(bottom)
            fill = SURFACE if index % 2 == 0 else WHITE
            d.add(
                make_rect(0, y_bottom, self.x1, y_top - y_bottom, fillColor=fill, strokeColor=None)
            )
            d.add(
                make_rect(0, y_bottom, 3, y_top - y_bottom, fillColor=lane.colour, strokeColor=None)
            )
            d.add(make_line(0, y_bottom, self.x1, y_bottom, strokeColor=RULE, strokeWidth=0.5))
            lines = max(1, int((y_top - y_bottom - 4) // 9))
            lane_size = LANE_SIZE * c.text_scale
            text = wrap_lines(
                lane.name, c.label_width - 14, lane_size, bold=True, max_lines=min(lines, 3)
            )
            y = y_top - 4 - lane_size
            for line in text:
                for shape in text_shapes(9, y, line, lane_size, bold=True, colour=INK):
                    d.add(shape)
                y -= lane_size * 1.2

    def _grid(self) -> None:
        c, d = self.c, self.d
        top = d.height
        tier = c.tier_height
        mid = top - tier
        bottom = self.y(self.band.bottom)
        d.add(make_rect(0, mid, self.x1, tier, fillColor=PRIMARY, strokeColor=None))
        d.add(make_rect(0, self.body_top, self.x1, tier, fillColor=SURFACE, strokeColor=None))
        d.add(
            make_line(0, self.body_top, self.x1, self.body_top, strokeColor=RULE, strokeWidth=0.6)
        )
        # The screen's rules (core.timeline.tier_labels): one form a tier, the year always
        # said; the upper tier's names first, as the lower one's depend on them.
        upper_ticks = ticks(self.scale, self.piece.start, self.piece.end, c.upper)
        upper_names = self._tier_names(upper_ticks, c.upper, True, years_above=False)
        lower_ticks = ticks(self.scale, self.piece.start, self.piece.end, c.lower)
        years_above = says_years(upper_names, upper_ticks)
        lower_names = self._tier_names(lower_ticks, c.lower, False, years_above=years_above)
        tags = [(left, left + width) for left, width, *_rest in self.tags]
        for upper, unit, found, labels in (
            (False, c.lower, lower_ticks, lower_names),
            (True, c.upper, upper_ticks, upper_names),
        ):
            size = (UPPER_SIZE if upper else LOWER_SIZE) * c.text_scale
            width_of = partial(string_width, size=size, bold=upper)
            for tick, named in zip(found, labels, strict=True):
                left, right = self._on_page(tick)
                if right - left < 1:
                    continue
                if tick.x > 0.01:
                    d.add(
                        make_line(
                            left,
                            bottom,
                            left,
                            top if upper else mid,
                            strokeColor=RULE if upper else HAIRLINE,
                            strokeWidth=0.7 if upper else 0.4,
                        )
                    )
                # A period the page cuts takes a shorter name of its own, not one cut short.
                room = right - left - TICK_PAD
                label = cut_name(
                    named, tick.day, unit, room, width_of, years_above=years_above and not upper
                )
                if not label:
                    continue
                centre = clear_of_tags(
                    left, right, width_of(label), [] if upper else tags, TICK_PAD / 2
                )
                if centre is None:
                    continue  # a marker's tag covers the period: its neighbours say the time
                y = (mid if upper else self.body_top) + (tier - size) / 2 + size * 0.15
                for shape in text_shapes(
                    centre,
                    y,
                    label,
                    size,
                    bold=upper,
                    anchor="middle",
                    colour=WHITE if upper else MUTED,
                ):
                    d.add(shape)

    def _on_page(self, tick: Tick) -> tuple[float, float]:
        """The left and right of a period's column as far as it lies on this page."""
        return max(self.x0, self.x(tick.x)), min(self.x1, self.x(tick.x + tick.width))

    def _tier_names(
        self, found: list[Tick], unit: str, upper: bool, years_above: bool
    ) -> list[str]:
        """A tier's names by core.timeline's rules, in the tier's type; the first period may
        start before the page, with only the room it has on it."""
        size = (UPPER_SIZE if upper else LOWER_SIZE) * self.c.text_scale
        seen = None
        if found:
            left, right = self._on_page(found[0])
            seen = right - left - TICK_PAD
        return tier_labels(
            found,
            unit,
            partial(string_width, size=size, bold=upper),
            TICK_PAD,
            years_above=years_above,
            first_room=seen,
        )

    def _items(self) -> None:
        """Links first (under the bars), then bars and milestones, then their labels."""
        c, m = self.c, self.c.metrics
        colours = {lane.id: lane.colour for lane in c.data.lanes}
        # Every shape of the page placed by the core layout in one call, as on screen.
        shown = c.layout.bar_boxes(
            self.day0 - 400, self.day1 + 400, self.band.top, self.band.bottom, self.scale
        )
        self.boxes = {lay.id: box for lay, box, *_rest in shown}
        self._links()
        ends: dict[float, float] = {}  # row top -> where its last bar or label ends
        for lay, box, row_top, _compact, next_left, prev_right in shown:
            item = c.items[lay.id]
            base = baseline_box(lay, row_top, self.scale, m)
            if base is not None:
                self._rect(base, BASELINE, None, 0)
                self._slip(item, base, box)
            last = item.start if item.kind is ItemKind.MILESTONE else item.end
            if item.start.toordinal() >= self.day1 or last.toordinal() < self.day0:
                continue
            colour = item.colour or colours[item.lane_id]
            if item.kind is ItemKind.MILESTONE:
                self._milestone(item, box, colour)
            else:
                self._bar(item, box, colour)
            limit = max(prev_right if prev_right is not None else 0.0, ends.get(row_top, 0.0))
            ends[row_top] = max(self._label(item, box, next_left, limit), box.right)

    def _slip(self, item: ChartItem, base: Box, box: Box) -> None:
        """The slip in days beside the baseline, as on screen (+ later, − earlier)."""
        days = (
            finish_slip(item.end.toordinal(), item.baseline[1].toordinal()) if item.baseline else 0
        )
        x = self.x(max(base.right, box.right) + 2)
        if not days or not self.x0 <= x <= self.x1 - 12:
            return
        text = slip_text(days)
        for shape in text_shapes(
            x,
            self.y(base.cy) - 1.8,
            text,
            5 * self.c.text_scale,
            colour=LATE if days > 0 else EARLY,
        ):
            self.d.add(shape)

    def _bar(self, item: ChartItem, box: Box, colour: Color) -> None:
        cancelled = item.status is ItemStatus.CANCELLED
        if item.kind is ItemKind.RELEASE:
            fill, stroke = colour, colour
        elif item.kind is ItemKind.INITIATIVE:
            fill, stroke = lighten(colour, 0.85), colour
        else:
            fill, stroke = lighten(colour, 0.68), colour
        if cancelled:
            fill, stroke = HAIRLINE, RULE
        width = 0.6
        if item.critical:
            stroke, width = CRITICAL, 1.3
        self._rect(box, fill, stroke, width, radius=2)
        if item.status is ItemStatus.AT_RISK:
            self._risk_dot(box.right - 3, box.y)
        if item.progress and item.kind is not ItemKind.RELEASE and not cancelled:
            done = Box(box.x, box.bottom - 2.6, box.w * min(item.progress, 100) / 100, 2.6)
            self._rect(done, colour, None, 0)

    def _milestone(self, item: ChartItem, box: Box, colour: Color) -> None:
        cx = self.x(box.x + box.w / 2)
        if not self.x0 - 0.1 <= cx <= self.x1 + 0.1:
            return
        cy, r = self.y(box.cy), box.w / 2 + 0.6
        stroke = CRITICAL if item.critical else WHITE
        self.d.add(
            make_polygon(
                [cx, cy + r, cx + r, cy, cx, cy - r, cx - r, cy],
                fillColor=colour,
                strokeColor=stroke,
                strokeWidth=1.0 if stroke is not WHITE else 0.5,
            )
        )
        if item.status is ItemStatus.AT_RISK:
            self._risk_dot(box.right, box.y)

    def _risk_dot(self, x: float, y: float) -> None:
        """The at-risk dot at a shape's top right, as on screen."""
        if self.x0 <= self.x(x) <= self.x1:
            self.d.add(
                make_circle(
                    self.x(x), self.y(y), 2.2, fillColor=AT_RISK, strokeColor=WHITE, strokeWidth=0.5
                )
            )

    def _label(self, item: ChartItem, box: Box, next_left: float | None, limit: float) -> float:
        """Placed as the screen and the slides place it (core.gantt_layout.label_place): the
        page's edges bound it as the screen's and the slide's do, so a bar at the page's
        right edge is named left of itself where its row has room there (after ``limit``,
        where the bar or label before it ends), not cut short. Returns where it ends (the
        layout's x; 0 without one)."""
        milestone = item.kind is ItemKind.MILESTONE
        size = self.c.label_size
        advances = self.c.advances(item.name)
        if advances is None:
            text_width = string_width(item.name, size)
        else:  # string_width's own sum, from the name's running widths
            text_width = 0.001 * size * advances[-1]
        edge = self.x1 - self.x0  # the page's right edge, in the layout's x
        next_left = edge if next_left is None else min(next_left, edge)
        place = label_place(box, text_width, next_left, self.c.metrics, milestone, limit)
        if place is None:
            return 0.0
        start = self.x(place.x)
        left = max(start, self.x0 + 2) if place.inside else start
        # (the room as the placement gave it, not a difference of two x: a name placed
        # exactly its width away must not lose its last letter to the rounding)
        room = min(place.width - (left - start), self.x1 - 2 - left)
        if room < 12 or left >= self.x1:
            return 0.0
        dark = place.inside and item.kind is ItemKind.RELEASE
        colour = WHITE if dark else (FAINT if item.status is ItemStatus.CANCELLED else INK)
        baseline = self.y(box.cy) - size * 0.35
        if advances is not None:  # what text_shapes draws for a one-font ASCII name
            line = _fit_ascii(item.name, advances, room, size)
            if line:
                self.d.add(
                    make_string(
                        left, baseline, line, fontName=SANS, fontSize=size, fillColor=colour
                    )
                )
            return place.x + place.width
        for shape in text_shapes(left, baseline, item.name, size, colour=colour, max_width=room):
            self.d.add(shape)
        return place.x + place.width

    def _links(self) -> None:
        """The links between items this page draws: found from those items, not from every
        link of the plan, so a poster of many pages costs what its links cost, once."""
        outgoing = self.c.outgoing
        boxes = self.boxes
        drawn = sorted(
            (order, link)
            for item_id in boxes
            for order, link in outgoing.get(item_id, ())
            if link.succ in boxes
        )
        for _order, link in drawn:
            pred, succ = boxes[link.pred], boxes[link.succ]
            points = link_route(link.kind, pred, succ, self.c.metrics.link_gap)
            colour = VIOLATED if link.violated else CRITICAL if link.critical else LINK
            self._polyline(points, colour, [2, 1.5] if link.violated else None)

    def _polyline(self, points, colour: Color, dash=None) -> None:
        lo, hi = 0.0, self.x1 - self.x0
        segments = []
        for (ax, ay), (bx, by) in pairwise(points):
            left, right = max(min(ax, bx), lo), min(max(ax, bx), hi)
            if left > right:
                continue
            if ay == by:
                segments.append((self.x(left), self.y(ay), self.x(right), self.y(by)))
            elif lo <= ax <= hi:
                segments.append((self.x(ax), self.y(ay), self.x(bx), self.y(by)))
        for x1, y1, x2, y2 in segments:
            self.d.add(
                make_line(x1, y1, x2, y2, strokeColor=colour, strokeWidth=0.6, strokeDashArray=dash)
            )
        (ax, ay), (bx, by) = points[-2], points[-1]
        if lo <= bx <= hi and ay == by:
            tip_x, tip_y = self.x(bx), self.y(by)
            direction = 1 if bx >= ax else -1
            self.d.add(
                make_polygon(
                    [
                        tip_x,
                        tip_y,
                        tip_x - 3.6 * direction,
                        tip_y + 2,
                        tip_x - 3.6 * direction,
                        tip_y - 2,
                    ],
                    fillColor=colour,
                    strokeColor=None,
                )
            )

    def _tags(self) -> list[tuple[float, float, str, object, float]]:
        """The markers on this page (today, and the plan's own), each as its tag's left and
        width in the lower tier, its label and colour, and the x of its line."""
        marks = list(self.c.data.markers)
        if self.c.data.today is not None:
            marks.append((self.c.data.today, "Today", TODAY))
        size = 6 * self.c.text_scale
        found = []
        for day, label, colour in marks:
            if not self.day0 <= day.toordinal() < self.day1:
                continue
            x = self.x(self.scale.x_of_ordinal(day.toordinal() + 0.5))
            width = string_width(label, size, True) + 6
            found.append(
                (min(max(x - width / 2, self.x0), self.x1 - width), width, label, colour, x)
            )
        return found

    def _markers(self) -> None:
        bottom = self.y(self.band.bottom)
        size = 6 * self.c.text_scale
        for left, width, label, colour, x in self.tags:
            self.d.add(
                make_line(
                    x,
                    bottom,
                    x,
                    self.body_top,
                    strokeColor=colour,
                    strokeWidth=0.9,
                    strokeDashArray=[3, 2],
                )
            )
            # The tag sits in the lower tier of the time scale, never over a bar or a label
            # (the tier's names keep clear of it: _grid).
            height = size + 3
            bottom_of_tag = self.body_top + (self.c.tier_height - height) / 2
            self.d.add(
                make_rect(
                    left,
                    bottom_of_tag,
                    width,
                    height,
                    fillColor=colour,
                    strokeColor=None,
                    rx=1.5,
                    ry=1.5,
                )
            )
            for shape in text_shapes(
                left + width / 2,
                bottom_of_tag + 1.2 + size * 0.12,
                label,
                size,
                bold=True,
                anchor="middle",
                colour=WHITE,
            ):
                self.d.add(shape)

    def _frame(self) -> None:
        d = self.d
        bottom = self.y(self.band.bottom)
        d.add(make_line(self.x0, bottom, self.x0, d.height, strokeColor=RULE, strokeWidth=0.7))
        d.add(
            make_rect(
                0,
                bottom,
                d.width,
                d.height - bottom,
                fillColor=None,
                strokeColor=RULE,
                strokeWidth=0.7,
            )
        )

    def _rect(self, box: Box, fill, stroke, width: float, radius: float = 0.0) -> None:
        left = max(box.x, 0.0)
        right = min(box.right, self.x1 - self.x0)
        if right - left <= 0.2:
            return
        rect = make_rect(
            self.x(left),
            self.y(box.bottom),
            right - left,
            box.h,
            rx=radius,
            ry=radius,
            fillColor=fill,
            strokeColor=stroke,
            strokeWidth=width,
        )
        self.d.add(rect)


def _fit_ascii(name: str, advances: list[float], width: float, size: float) -> str:
    """``fonts.fit(name, width, size)`` for a printable ASCII name, from its running widths
    (``advances[n]``: the first n characters, in font units): the same line, found
    without measuring each candidate again."""
    scale = 0.001 * size
    if scale * advances[-1] <= width:
        return name
    room = width - string_width(ELLIPSIS, size)
    if room <= 0:
        return ""
    low, high = 0, len(name)
    while low < high:  # fonts.fitting_prefix
        middle = (low + high + 1) // 2
        if scale * advances[middle] <= room:
            low = middle
        else:
            high = middle - 1
    return name[:low].rstrip() + ELLIPSIS if low else ""


def legend(
    width: float,
    *,
    baseline: bool,
    critical: bool,
    violated: bool = False,
    slip: bool | None = None,
) -> Drawing:
    """What the shapes and colours of the chart mean, in one line: the screen's legend
    (core.roadmap_style), drawn with the chart's own glyphs."""
    entries = rs.legend_entries(
        critical=critical,
        baseline=baseline,
        violated=violated,
        slip=baseline if slip is None else slip,
    )
    d = FastDrawing(width, 16)
    x = 0.0
    group = Group()
    cy = 8.0
    for entry in entries:
        swatch = _legend_glyph(group, entry, x, cy)
        for shape in text_shapes(x + swatch, cy - 2.5, entry.label, 7, colour=MUTED):
            group.add(shape)
        x += swatch + string_width(entry.label, 7) + 14
    if x > width:  # scale the row down rather than wrap it
        factor = width / x
        group.transform = (factor, 0, 0, factor, 0, 8 * (1 - factor))
    d.add(group)
    return d


def _legend_glyph(group: Group, entry: rs.LegendEntry, x: float, cy: float) -> float:
    """Draw one legend sign at x; returns the room it takes before its label."""
    colour = hex_colour(entry.colour)
    glyph = entry.glyph
    if glyph in ("bar", "initiative", "outline"):
        lane = hex_colour(rs.LANE_COLOURS[0])
        fill = lighten(lane, 0.85 if glyph == "initiative" else 0.68)
        stroke = colour if glyph == "outline" else lane
        group.add(
            Rect(
                x,
                cy - 4,
                18,
                8,
                rx=1.5,
                ry=1.5,
                fillColor=fill,
                strokeColor=stroke,
                strokeWidth=1.2 if glyph == "outline" else 0.6,
            )
        )
        if glyph == "bar":
            group.add(Rect(x, cy - 4, 11, 2, fillColor=lane, strokeColor=None))
        return 22
    if glyph == "release":
        group.add(
            Polygon(
                [x, cy - 4, x + 14, cy - 4, x + 18, cy, x + 14, cy + 4, x, cy + 4],
                fillColor=colour,
                strokeColor=None,
            )
        )
        return 22
    if glyph == "milestone":
        group.add(
            Polygon(
                [x + 5, cy + 5, x + 10, cy, x + 5, cy - 5, x, cy],
                fillColor=colour,
                strokeColor=None,
            )
        )
        return 14
    if glyph in ("link", "dashed-link"):
        dash = [2, 1.5] if glyph == "dashed-link" else None
        group.add(
            PolyLine(
                [x, cy + 3, x + 7, cy + 3, x + 7, cy - 2, x + 13, cy - 2],
                strokeColor=colour,
                strokeWidth=0.8,
                strokeDashArray=dash,
            )
        )
        group.add(
            Polygon(
                [x + 16, cy - 2, x + 12.4, cy, x + 12.4, cy - 4], fillColor=colour, strokeColor=None
            )
        )
        return 20
    if glyph == "dot":
        group.add(Circle(x + 4, cy, 3, fillColor=colour, strokeColor=None))
        return 11
    if glyph == "thin-bar":
        group.add(Rect(x, cy - 1.3, 18, 2.6, fillColor=colour, strokeColor=None))
        return 22
    if glyph == "text":
        for shape in text_shapes(x, cy - 2.5, "+3d", 6.5, colour=colour):
            group.add(shape)
        return 16
    group.add(
        Line(
            x + 4,
            cy - 6,
            x + 4,
            cy + 6,
            strokeColor=colour,
            strokeWidth=0.9,
            strokeDashArray=[3, 2],
        )
    )
    return 10
