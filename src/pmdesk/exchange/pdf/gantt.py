"""The roadmap as vector graphics, from the same layout as the screen (core.gantt_layout).

A chart is cut into pages two ways: by time (slices of the date range, each
repeating the lane column) and by height (bands of lanes, each repeating the
time scale). Each page is one reportlab ``Drawing``; shapes crossing a slice
edge are clipped by hand, so a bar continues cleanly on the next page.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import accumulate

from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color
from reportlab.pdfbase import pdfmetrics

from pmdesk.core.enums import DependencyType, ItemKind, ItemStatus
from pmdesk.core.gantt_layout import (
    ROW_SIZES,
    GanttLayout,
    LayoutItem,
    LayoutLane,
    Metrics,
    scaled_metrics,
)
from pmdesk.core.timeline import TimeScale, ticks, tiers

from .fastdraw import FastDrawing, unchecked_shapes
from .fonts import SANS, string_width
from .gantt_draw import Painter, legend

__all__ = ["legend"]  # the legend is drawn in gantt_draw; documents find it here

PAPER = Metrics(
    row_height=17.0,
    lane_padding=4.0,
    collapsed_height=17.0,
    bar_height=11.0,
    initiative_height=13.0,
    milestone_size=9.0,
    compact_height=6.0,
    baseline_height=2.6,
    baseline_gap=2.0,
    label_padding=3.0,
    min_label_width=22.0,
    link_gap=5.0,
)
COMPACT = replace(PAPER, row_height=13.0, lane_padding=3.0, milestone_size=8.0)
PAPER_TIER_FACTOR = 1.5
TIER_HEIGHT = 13.0
LABEL_SIZE = 6.8


@dataclass(frozen=True)
class ChartLane:
    id: int
    name: str
    colour: Color


@dataclass(frozen=True)
class ChartItem:
    id: int
    lane_id: int
    name: str
    kind: ItemKind
    start: dt.date
    end: dt.date
    progress: int = 0
    status: ItemStatus = ItemStatus.PLANNED
    critical: bool = False
    baseline: tuple[dt.date, dt.date] | None = None
    colour: Color | None = None  # overrides the lane colour (launch tasks by status)
    label_room_days: int = 0  # reserve room for the label in the row (launch timeline)


@dataclass(frozen=True)
class ChartLink:
    pred: int
    succ: int
    kind: DependencyType
    critical: bool = False
    violated: bool = False  # the dates break it: drawn dashed in the violated colour


@dataclass
class ChartData:
    lanes: list[ChartLane]
    items: list[ChartItem]
    links: list[ChartLink] = field(default_factory=list)
    today: dt.date | None = None
    markers: list[tuple[dt.date, str, Color]] = field(default_factory=list)

    def extent(self) -> tuple[dt.date, dt.date] | None:
        days = [d for i in self.items for d in (i.start, i.end)]
        days += [d for i in self.items if i.baseline for d in i.baseline]
        return (min(days), max(days)) if days else None


@dataclass(frozen=True)
class Band:
    """A vertical piece of the chart body: layout y from ``top`` to ``bottom``."""

    top: float
    bottom: float
    first_lane: int
    last_lane: int


@dataclass(frozen=True)
class Slice:
    """A horizontal piece: whole days ``start`` to ``end`` inclusive."""

    start: dt.date
    end: dt.date


class GanttChart:
    """A roadmap laid out for paper at ``px_per_day`` points per day."""

    def __init__(
        self,
        data: ChartData,
        start: dt.date,
        end: dt.date,
        px_per_day: float,
        label_width: float,
        metrics: Metrics = PAPER,
    ) -> None:
        self.data = data
        self.start, self.end = start, end
        self.px = px_per_day
        self.label_width = label_width
        self.items = {item.id: item for item in data.items}
        shown = any(item.baseline for item in data.items)
        self.metrics = metrics.showing_baseline(shown)
        # Text grows with the rows on a poster, but less, so labels still fit their bars.
        self.text_scale = max(1.0, min(1.5, (metrics.bar_height / PAPER.bar_height) ** 0.6))
        self.label_size = LABEL_SIZE * self.text_scale
        lanes = [LayoutLane(lane.id, False) for lane in data.lanes]
        self.layout = GanttLayout(lanes, (self._layout_item(i) for i in data.items), self.metrics)
        # Paper labels are set in points and need more room than screen pixels.
        self.upper, self.lower = tiers(px_per_day / PAPER_TIER_FACTOR)
        self.tier_height = TIER_HEIGHT * self.text_scale
        self.header = 2 * self.tier_height
        # predecessor id -> (position in data.links, link): each page draws its own links.
        self.outgoing: dict[int, list[tuple[int, ChartLink]]] = {}
        for order, link in enumerate(data.links):
            self.outgoing.setdefault(link.pred, []).append((order, link))
        self._advances: dict[str, list[float] | None] = {}

    def advances(self, name: str) -> list[float] | None:
        """Running widths of a printable ASCII ``name`` in the label font, in font units
        (entry n: its first n characters, summed as reportlab sums them); None for any
        other name, which is measured and drawn run by run (fonts.runs)."""
        try:
            return self._advances[name]
        except KeyError:
            pass
        found = None
        if name.isascii() and name.isprintable():
            found = list(accumulate(map(_ascii_widths().__getitem__, name.encode()), initial=0))
        self._advances[name] = found
        return found

    @staticmethod
    def _layout_item(item: ChartItem) -> LayoutItem:
        base = None
        if item.baseline:
            base = (item.baseline[0].toordinal(), item.baseline[1].toordinal())
        end = item.end.toordinal() + item.label_room_days
        return LayoutItem(item.id, item.lane_id, item.kind, item.start.toordinal(), end, base)

    @property
    def body_height(self) -> float:
        return max(self.layout.height, PAPER.row_height)

    @property
    def chart_width(self) -> float:
        return ((self.end - self.start).days + 1) * self.px

    # -- cutting into pages ----------------------------------------------------------

    def slices(self, width: float) -> list[Slice]:
        """Date ranges each fitting ``width`` points of chart (beside the lane column).

        The range is cut into as few pieces as fit, of about equal width, at
        boundaries of the time scale's lower tier (whole months, say).
        """
        room = width - self.label_width
        if self.chart_width <= room + 0.5:
            return [Slice(self.start, self.end)]
        target = self.chart_width / math.ceil(self.chart_width / room)
        scale = TimeScale(self.start, self.px)
        cuts, first = [], self.start
        for tick in ticks(scale, self.start, self.end, self.lower):
            if tick.day <= first:
                continue
            span = scale.x(tick.day) - scale.x(first)
            if span >= target - tick.width / 2 or span + tick.width > room:
                cuts.append(Slice(first, tick.day - dt.timedelta(days=1)))
                first = tick.day
        cuts.append(Slice(first, self.end))
        return cuts

    def bands(self, height: float) -> list[Band]:
        """Runs of lanes fitting ``height`` points below the time scale.

        A lane taller than that is cut between its rows.
        """
        room = max(height - self.header, PAPER.row_height * 2)
        boxes = self.layout.boxes
        bands: list[Band] = []
        top = 0.0
        first = 0
        for index, box in enumerate(boxes):
            bottom = box.top + box.height
            if bottom - top <= room:
                continue
            if box.top > top:  # close the band before this lane
                bands.append(Band(top, box.top, first, index - 1))
                top, first = box.top, index
            while bottom - top > room:  # a lane taller than a page: cut between rows
                pitch, padding = self.metrics.row_pitch, self.metrics.lane_padding
                rows = max(1, int((room - padding) // pitch))
                cut = top + rows * pitch + (padding if top == box.top else 0.0)
                bands.append(Band(top, cut, index, index))
                top, first = cut, index
        bands.append(Band(top, max(self.body_height, top + 1), first, max(first, len(boxes) - 1)))
        return bands

    def planned(self, pieces: list[Slice]) -> list[Slice]:
        """The pieces with something planned on them: an item, its baseline, or the label
        of one ending shortly before. Pages of empty months between far-apart items (one
        typed in 1900, say) are left out, as the deck leaves out such slides; each page's
        caption says its dates."""
        if len(pieces) < 2:
            return pieces
        spans = sorted(
            (min(i.start, i.baseline[0]), max(i.end, i.baseline[1]))
            if i.baseline
            else (i.start, i.end)
            for i in self.data.items
        )
        starts = [start for start, _end in spans]
        reach = list(accumulate((end for _start, end in spans), max))
        ends: list[tuple[dt.date, str]] = []  # by end, made for the first empty piece
        kept = []
        for piece in pieces:
            count = bisect_right(starts, piece.end)
            if count and reach[count - 1] >= piece.start:
                kept.append(piece)
                continue
            # a label runs on from the item before it (the drawing looks 400 days back)
            ends = ends or sorted((item.end, item.name) for item in self.data.items)
            place = bisect_left(ends, (piece.start,))
            while place and (piece.start - ends[place - 1][0]).days <= 400:
                end, name = ends[place - 1]
                if (piece.start - end).days <= label_room(name, self.px):
                    kept.append(piece)
                    break
                place -= 1
        return kept

    def pages(
        self, width: float, height: float, *, every: bool = False
    ) -> list[tuple[Slice, Band]]:
        """The pages: each run of lanes over each piece of time (``every`` piece, even
        those with nothing planned: dates a person chose print whole)."""
        pieces = self.slices(width)
        shown = pieces if every else self.planned(pieces)
        return [(s, b) for b in self.bands(height) for s in shown]

    def drawings(
        self,
        width: float,
        height: float,
        *,
        shrink_to: float = 0.8,
        split: bool = True,
        every: bool = False,
    ) -> list[tuple[Slice, Band, Drawing]]:
        """The chart as page-sized Drawings.

        A chart a little too tall for one page is scaled down (to ``shrink_to`` at
        most) rather than leave a lane alone on the next; without ``split`` it is
        scaled down as far as it takes to fit one page. Pieces of time with nothing
        planned on them are left out unless ``every`` (see :meth:`pages`).
        """
        whole = Band(0.0, self.body_height, 0, max(0, len(self.layout.boxes) - 1))
        full_height = self.header + self.body_height
        factor = height / full_height
        if full_height > height and (not split or factor >= shrink_to):
            pieces = self.slices(width)
            shown = pieces if every else self.planned(pieces)
            return [(s, whole, _scaled(self.drawing(s, whole), factor)) for s in shown]
        return [(s, b, self.drawing(s, b)) for s, b in self.pages(width, height, every=every)]

    # -- drawing ------------------------------------------------------------------------

    def drawing(self, piece: Slice, band: Band) -> Drawing:
        days = (piece.end - piece.start).days + 1
        width = self.label_width + days * self.px
        body = band.bottom - band.top
        height = self.header + body
        d = FastDrawing(width, height)
        scale = TimeScale(piece.start, self.px)
        with unchecked_shapes():
            Painter(self, d, scale, piece, band, height).paint()
        return d


@cache
def _ascii_widths() -> tuple[float, ...]:
    """The label font's advance width of each ASCII character, in font units."""
    face = pdfmetrics.getFont(SANS).face
    return tuple(face.charWidths.get(code, face.defaultWidth) for code in range(128))


def enlarged(factor: float) -> Metrics:
    """Paper metrics grown by ``factor`` (a poster with room to spare fills its page): its
    rows and shapes, not its text's padding."""
    return scaled_metrics(PAPER, factor, ROW_SIZES)


def _scaled(drawing: Drawing, factor: float) -> Drawing:
    drawing.scale(factor, factor)
    drawing.width *= factor
    drawing.height *= factor
    return drawing


def fit_scale(start: dt.date, end: dt.date, width: float, label_width: float) -> float:
    """Points per day that make start..end exactly fill ``width`` beside the lane column."""
    days = max(1, (end - start).days + 1)
    return max(0.05, (width - label_width) / days)


def month_bounds(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Widen to whole months, so the time scale starts and ends on a boundary."""
    start = first.replace(day=1)
    following = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def label_room(name: str, px_per_day: float) -> int:
    """Days a label beside a milestone needs, so packing leaves it room."""
    return math.ceil((string_width(name, LABEL_SIZE) + 8) / max(px_per_day, 0.05))
