"""The chart's QGraphicsScene: one item per lane, one for the links, a painted background.

20,000 QGraphicsRectItems would make Qt's scene index and item bookkeeping
the bottleneck, so each lane is one item that paints its bars from the core
layout, and all links are one item under them. The background (lane bands,
time grid, the shading of days off by the product's working calendar) and the foreground (today line, the ghost of a bar
being dragged, the line of a link being drawn, the rubber band) are painted by
the scene itself for the exposed area only.
"""

from __future__ import annotations

import datetime as dt
import math

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsScene, QStyleOptionGraphicsItem

from pmdesk.core.gantt_layout import LayoutItem, bar_box
from pmdesk.core.timeline import TimeScale, next_unit, readable_tiers, unit_start

from .launch_lane import ACCENT, LaunchLane, LaunchLaneItem
from .layer import ChartLayer
from .model import RoadmapModel
from .painting import ChartPainter, qrect

MARGIN_DAYS = 60
# The links' layer, and each lane's to Qt, is as tall as the chart rounded up to this: a row
# added or freed leaves their size alone (a layer resized is repainted whole).
LINK_ROOM = 4096.0


def room_for(height: float) -> float:
    """``height`` rounded up to a whole number of LINK_ROOM steps."""
    return max(math.ceil(height / LINK_ROOM), 1) * LINK_ROOM


class LaneItem(ChartLayer):
    """All bars of one lane, painted from arrays; its rectangle is the lane's band.

    To Qt it covers the chart from its top (as tall as the links' layer, see LINK_ROOM)
    and it paints only inside its band: a lane moved up or down is then not repainted by
    Qt where it was and is, which the chart's refresh does itself, moving the pixels
    already on screen where it can (ChartRefresh)."""

    def __init__(self, chart: ChartScene, lane_id: int) -> None:
        super().__init__(chart, 1)
        self.lane_id = lane_id
        self._room = QRectF()

    def set_band(self, rect: QRectF, room: QRectF) -> None:
        """The lane's band, and what it covers to Qt (the links' layer's rectangle)."""
        self._rect = rect
        if room != self._room:
            self.prepareGeometryChange()
            self._room = room

    def boundingRect(self) -> QRectF:
        return self._room

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        exposed = self.chart.exposed_in(option.exposedRect.intersected(self._rect))
        if not exposed.isEmpty():
            self.chart.painter.paint_bars(painter, self.chart.scale, exposed)


class LinkItem(ChartLayer):
    """Every dependency arrow, drawn under the bars for the items in the exposed area."""

    def __init__(self, chart: ChartScene) -> None:
        super().__init__(chart, 0)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        # Which links show must not depend on the strip being repainted, or a scroll would
        # leave gaps in long links: pick them for the whole visible area, let Qt clip.
        exposed = option.exposedRect
        shown = self.chart.visible_area().united(exposed) if self.chart.visible_area else exposed
        self.chart.painter.paint_links(
            painter, self.chart.scale, shown, exposed, self.chart.painting
        )


class ChartScene(QGraphicsScene):
    def __init__(self, model: RoadmapModel, painter: ChartPainter, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.painter = painter
        self.scale = TimeScale(dt.date.today() - dt.timedelta(days=MARGIN_DAYS), 3.0)
        self.lane_items: dict[int, LaneItem] = {}
        self.link_item = LinkItem(self)
        self.addItem(self.link_item)
        self.launch = LaunchLane()
        self.launch_item = LaunchLaneItem(self)
        self.addItem(self.launch_item)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        # What a gesture in progress shows (set by the view, drawn in the foreground).
        self.ghost: list[LayoutItem] = []
        self.link_line: QLineF | None = None
        self.link_target: int | None = None
        self.rubber: QRectF | None = None
        self.visible_area = None  # set by the view: () -> the scene rectangle on screen
        # While the view paints: the scene rectangles of the area being painted (Qt tells each
        # item only the box around them all; an edit's strips can be far apart).
        self.painting: list[QRectF] | None = None
        self.min_width = 0.0  # set by the view: its viewport's width
        self.min_height = 0.0  # and its height: the scene always covers the whole viewport
        self.last_day = self.scale.origin + dt.timedelta(days=2 * MARGIN_DAYS)

    # -- geometry -------------------------------------------------------------------------

    @property
    def width(self) -> float:
        """The plan's width, or the view's if wider: the chart always fills the screen."""
        return max(self.scale.x(self.last_day), self.min_width, 1.0)

    def span(self) -> tuple[dt.date, dt.date]:
        """The first and last day the chart is meant to show (the plan plus a margin)."""
        extent = self.model.extent()
        today = self.model.today
        if extent is None:
            return today - dt.timedelta(days=30), today + dt.timedelta(days=180)
        first, last = (dt.date.fromordinal(d) for d in extent)
        return first, last

    def rebuild(self, keep_origin: bool = False) -> None:
        """Lane items and scene rectangle for the model's current layout."""
        first, last = self.span()
        origin = first - dt.timedelta(days=MARGIN_DAYS)
        origin = origin - dt.timedelta(days=origin.weekday())  # a Monday keeps the grid tidy
        last_day = max(last + dt.timedelta(days=MARGIN_DAYS * 2), self.model.today)
        if keep_origin:  # only ever grow, so nothing on screen jumps
            origin = min(origin, self.scale.origin)
            last_day = max(last_day, self.last_day)
        self.scale = TimeScale(origin, self.scale.px_per_day)
        self.last_day = last_day
        wanted = {box.lane_id for box in self.model.layout.boxes}
        for lane_id in list(self.lane_items):
            if lane_id not in wanted:
                self.removeItem(self.lane_items.pop(lane_id))
        for lane_id in wanted - self.lane_items.keys():
            item = self.lane_items[lane_id] = LaneItem(self, lane_id)
            self.addItem(item)
        self.relayout_geometry()

    def relayout_geometry(self, repaint: bool = True) -> None:
        """Sizes after a zoom or a restack (no change of origin).

        ``repaint=False``: the caller repaints what changed (lanes that only moved repaint
        where they were and are; the links' layer keeps its size unless the chart outgrows
        it, see LINK_ROOM)."""
        width = self.width
        self.arrange_launch()
        height = max(self.model.layout.height + self.launch.height, 1.0)
        room = QRectF(0, 0, width, room_for(height))
        for box in self.model.layout.boxes:
            self.lane_items[box.lane_id].set_band(QRectF(0, box.top, width, box.height), room)
        self.launch_item.set_rect(self.launch.rect(width))
        self.link_item.set_rect(room)
        # The area under the last lane belongs to the scene too: outside the scene rect a
        # scene update never reaches it, and a zoom or Fit left the old grid and today line
        # painted there.
        self.setSceneRect(QRectF(0, 0, width, max(height, self.min_height)))
        if repaint:
            self.update()

    def arrange_launch(self) -> None:
        """Lay the launch lane out under the last lane, for the current zoom."""
        self.launch.arrange(
            self.model.shown_launch_tasks(),
            self.scale,
            self.model.layout.height,
            self.painter.fonts.width,
        )

    def set_zoom(self, px_per_day: float) -> None:
        self.scale = self.scale.zoomed(px_per_day)
        self.relayout_geometry()

    def outgrows(self, first: dt.date, last: dt.date) -> bool:
        """Whether items from ``first`` to ``last`` reach (nearly) outside the chart."""
        week = dt.timedelta(days=7)
        return first < self.scale.origin + week or last > self.last_day - week

    def grow_to(self, first: dt.date, last: dt.date) -> bool:
        """Widen the chart if items now reach outside it; True when the origin moved."""
        moved = first < self.scale.origin + dt.timedelta(days=7)
        if self.outgrows(first, last):
            self.rebuild(keep_origin=True)
        return moved

    def follow_scroll(self) -> None:
        """After the view scrolled: the links that came or went with the screen painted again
        where they run (the pixels the view moved keep those chosen before)."""
        if self.visible_area is None:
            return
        rects = self.painter.links.after_scroll(self.scale, self.visible_area())
        if rects is None or len(rects) > 400:  # a crowded screen, or strips all over it
            self.update(self.visible_area())
        else:
            for rect in rects:
                self.update(rect)

    def exposed_in(self, area: QRectF) -> QRectF:
        """The part of ``area`` (an item's share of a paint) that is really being painted:
        the box around only those of the painted rectangles that meet it."""
        parts = self.painting
        if not parts or area.isEmpty():
            return area
        found = QRectF()
        for part in parts:
            if part.intersects(area):
                found = found.united(part.intersected(area))
        return found

    def item_box(self, item_id: int):
        return self.model.layout.bar(item_id, self.scale)

    # -- background and foreground ---------------------------------------------------------

    def drawBackground(self, p: QPainter, rect: QRectF) -> None:
        style = self.painter.style
        p.fillRect(rect, style.base)
        for n, box in enumerate(self.model.layout.boxes):
            band = QRectF(rect.left(), box.top, rect.width(), box.height)
            if not band.intersects(rect):
                continue
            if n % 2:
                p.fillRect(band, style.band)
            p.setPen(QPen(style.grid, 1))
            p.drawLine(
                QLineF(
                    rect.left(),
                    box.top + box.height - 0.5,
                    rect.right(),
                    box.top + box.height - 0.5,
                )
            )
        if self.launch.shown:
            self._draw_launch_band(p, rect)
        self._draw_grid(p, rect)

    def _draw_launch_band(self, p: QPainter, rect: QRectF) -> None:
        """A faint amber band with a strong top rule: this lane is not like the others."""
        band = self.launch.rect(rect.width()).translated(rect.left(), 0).intersected(rect)
        if band.isEmpty():
            return
        tint = QColor(ACCENT)
        tint.setAlphaF(0.10 if self.painter.style.dark else 0.06)
        p.fillRect(band, tint)
        top = self.launch.top + 0.5
        if rect.top() - 1 <= top <= rect.bottom() + 1:
            p.setPen(QPen(self.painter.style.grid_strong, 1))
            p.drawLine(QLineF(rect.left(), top, rect.right(), top))

    def _draw_grid(self, p: QPainter, rect: QRectF) -> None:
        style, scale = self.painter.style, self.scale
        first = scale.date_at(rect.left())
        last = scale.date_at(rect.right())
        upper, lower = readable_tiers(scale.px_per_day)
        if shades_days(scale.px_per_day, lower):
            for left, width, holiday in self.non_working_rects(first, last):
                colour = style.holiday if holiday else style.weekend
                p.fillRect(QRectF(left, rect.top(), width, rect.height()), colour)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        top, height = rect.top(), rect.height()
        for unit, colour in ((lower, style.grid), (upper, style.grid_strong)):
            if not unit:
                continue
            columns = _unit_columns(scale, first, last, unit)
            if len(columns) >= 2000:
                continue
            if colour.alpha() == 255:
                # A line one pixel wide down a column, without antialiasing, is that column
                # filled; a fill is a third of the cost of the line (the rasteriser walks a
                # line a pixel row at a time), and the grid is the same to the pixel.
                for column in columns:
                    p.fillRect(QRectF(column, top, 1, height), colour)
            else:
                p.setPen(QPen(colour, 1))
                p.drawLines([QLineF(c + 0.5, top, c + 0.5, rect.bottom()) for c in columns])

    def non_working_rects(self, first: dt.date, last: dt.date) -> list[tuple[float, float, bool]]:
        """(x, width, is a holiday) of each run of days off from ``first`` to ``last``, by the
        product's working calendar: its weekend (or its own week, Sun–Thu …) and holidays."""
        calendar, scale = self.model.calendar, self.scale
        found = []
        for start, end in calendar.non_working_runs(first, last):
            day = start
            while day <= end:  # a run split where a holiday meets a weekend: two shades
                holiday = calendar.works_on_weekday(day.weekday())
                stop = day
                following = stop + dt.timedelta(days=1)
                while (
                    following <= end and calendar.works_on_weekday(following.weekday()) == holiday
                ):
                    stop = following
                    following += dt.timedelta(days=1)
                x = scale.x(day)
                found.append((x, scale.x(stop + dt.timedelta(days=1)) - x, holiday))
                day = stop + dt.timedelta(days=1)
        return found

    def drawForeground(self, p: QPainter, rect: QRectF) -> None:
        style, _scale = self.painter.style, self.scale
        x = self.today_x()
        if rect.left() - 2 <= x <= rect.right() + 2:
            pen = QPen(style.today, 2)
            p.setPen(pen)
            p.drawLine(QLineF(x, rect.top(), x, rect.bottom()))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if self.ghost:
            self._draw_ghost(p)
        if self.link_line is not None:
            p.setPen(QPen(style.highlight, 2, Qt.PenStyle.DashLine))
            p.drawLine(self.link_line)
            p.setBrush(style.highlight)
            p.drawEllipse(self.link_line.p1(), 3.5, 3.5)
            if self.link_target is not None:
                box = self.item_box(self.link_target)
                if box is not None:
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.drawRoundedRect(qrect(box).adjusted(-3, -3, 3, 3), 5, 5)
        if self.rubber is not None:
            fill = QColor(style.highlight)
            fill.setAlphaF(0.12)
            p.setPen(QPen(style.highlight, 1))
            p.setBrush(fill)
            p.drawRect(self.rubber)

    def today_x(self) -> float:
        return self.scale.x(self.model.today) + min(self.scale.px_per_day / 2, 10)

    def _draw_ghost(self, p: QPainter) -> None:
        style, layout = self.painter.style, self.model.layout
        fill = QColor(style.highlight)
        fill.setAlphaF(0.28)
        p.setPen(QPen(style.highlight, 1.5, Qt.PenStyle.DashLine))
        p.setBrush(fill)
        for item in self.ghost:
            place = layout.place(item.id)
            if place is None:
                continue
            row_top = place[2]
            if item.lane_id != place[0] and item.lane_id in layout.box_of:
                row_top = layout.row_top(item.lane_id, 0)
            box = bar_box(item, row_top, self.scale, layout.metrics)
            p.drawRoundedRect(qrect(box), 4, 4)

    def ghost_rect(self) -> QRectF:
        """The scene area the current ghost covers (to repaint it)."""
        area = QRectF()
        layout = self.model.layout
        for item in self.ghost:
            place = layout.place(item.id)
            if place is not None:
                top = layout.row_top(item.lane_id, 0) if item.lane_id != place[0] else place[2]
                box = bar_box(item, top, self.scale, layout.metrics)
                area = area.united(qrect(box).adjusted(-4, -4, 4, 4))
        return area


def shades_days(px_per_day: float, lower: str) -> bool:
    """Days off are shaded only where days can be told apart (the scale shows days)."""
    return lower == "day" and px_per_day >= 9


def _unit_columns(scale: TimeScale, first: dt.date, last: dt.date, unit: str) -> list[int]:
    """The pixel column of every period start from first to last (grid lines need no
    labels)."""
    found = []
    day = unit_start(first, unit)
    while day <= last:
        found.append(round(scale.x(day)))
        day = next_unit(day, unit)
    return found
