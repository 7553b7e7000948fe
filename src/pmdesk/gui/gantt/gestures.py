"""The editing gestures of the chart: move, resize, link, rubber band, pan.

A gesture only draws a ghost in the scene's foreground while the mouse moves;
on release it becomes one request signal, which the panel turns into an
undoable command. :class:`GanttView` owns one :class:`Gestures` and forwards its
mouse events to it; the gestures use only the view's public face (its scene, model,
scale, scroll bars, ``select`` and request signals).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF
from PySide6.QtWidgets import QApplication

from pmdesk.core.gantt_layout import LayoutItem

from .hits import LINK_TYPE_BY_ENDS, Hit, hit_test
from .painting import qrect

if TYPE_CHECKING:
    from .view import GanttView


@dataclass
class Gesture:
    kind: str  # move, resize-start, resize-end, link, rubber, pan
    press: QPointF  # scene position
    press_view: QPoint
    hit: Hit
    active: bool = False
    ids: list[int] = field(default_factory=list)
    scroll: tuple[int, int] = (0, 0)
    additive: bool = False


class Gestures:
    """The drag in progress on a chart view: ghosts while dragging, one request on release."""

    def __init__(self, view: GanttView) -> None:
        self.view = view
        self.current: Gesture | None = None

    @property
    def chart(self):
        return self.view.chart

    @property
    def model(self):
        return self.view.model

    # -- the view's mouse events, forwarded -------------------------------------------------

    def start(self, gesture: Gesture) -> None:
        view = self.view
        gesture.scroll = (view.horizontalScrollBar().value(), view.verticalScrollBar().value())
        self.current = gesture

    def drag(self, view_pos: QPoint, pos: QPointF) -> bool:
        """The mouse moved to ``pos`` (scene) / ``view_pos``; False when no gesture is on."""
        g = self.current
        if g is None:
            return False
        if not g.active:
            distance = (view_pos - g.press_view).manhattanLength()
            if distance < QApplication.startDragDistance():
                return True
            g.active = True
        if g.kind == "pan":
            delta = view_pos - g.press_view
            self.view.horizontalScrollBar().setValue(g.scroll[0] - delta.x())
            self.view.verticalScrollBar().setValue(g.scroll[1] - delta.y())
        elif g.kind == "link":
            self._drag_link(pos)
        elif g.kind == "rubber":
            old = self.chart.rubber or QRectF()
            self.chart.rubber = QRectF(g.press, pos).normalized()
            self.chart.update(old.united(self.chart.rubber).adjusted(-2, -2, 2, 2))
        else:
            self._drag_bars(pos)
        return True

    def release(self, pos: QPointF) -> None:
        """The button came up at ``pos``: the gesture becomes its request (if it moved)."""
        g, self.current = self.current, None
        if g is None:
            return
        if g.kind == "link":
            self._finish_link(g, pos)
        elif g.kind == "rubber":
            self._finish_rubber(g)
        elif g.kind in ("move", "resize-start", "resize-end"):
            ghost, old = self.chart.ghost, self.chart.ghost_rect()
            self.chart.ghost = []
            self.chart.update(old)
            if g.active:
                self._finish_bars(g, ghost)

    def cancel(self) -> None:
        """Esc, or the dragged item went away: drop the ghosts, request nothing."""
        if self.current is None:
            return
        self.current = None
        self.chart.ghost, self.chart.link_line, self.chart.rubber = [], None, None
        self.chart.link_target = None
        self.chart.update()

    def delta_days(self, pos: QPointF) -> int:
        g = self.current
        return round((pos.x() - g.press.x()) / self.view.scale.px_per_day) if g else 0

    # -- while dragging ----------------------------------------------------------------------

    def _drag_bars(self, pos: QPointF) -> None:
        g = self.current
        layout = self.model.layout
        g.ids = [i for i in g.ids if i in layout.items]  # an undo may have taken some away
        if g.hit.item_id not in layout.items:
            self.cancel()
            return
        delta = self.delta_days(pos)
        lane = g.hit.lane_id
        target = layout.lane_at(pos.y())
        first = layout.items[g.hit.item_id]
        same_lane = all(layout.items[i].lane_id == first.lane_id for i in g.ids)
        if g.kind == "move" and same_lane and target is not None and not target.collapsed:
            lane = target.lane_id
        ghost = []
        for item_id in g.ids:
            item = layout.items[item_id]
            start, end = item.start, item.end
            if g.kind == "move":
                start, end = start + delta, end + delta
            elif g.kind == "resize-start":
                start = min(end, start + delta)
            else:
                end = max(start, end + delta)
            ghost.append(LayoutItem(item_id, lane or item.lane_id, item.kind, start, end))
        old = self.chart.ghost_rect()
        self.chart.ghost = ghost
        self.chart.update(old.united(self.chart.ghost_rect()))

    def _drag_link(self, pos: QPointF) -> None:
        g = self.current
        box = self.chart.item_box(g.hit.item_id)
        if box is None:
            self.cancel()
            return
        start = QPointF(box.right if g.hit.zone == "link-finish" else box.x, box.cy)
        hit = hit_test(self.chart, pos, links=False)  # a link ends on an item
        target = hit.item_id if hit.item_id not in (None, g.hit.item_id) else None
        old = self._link_area()
        self.chart.link_line = QLineF(start, pos)
        self.chart.link_target = target
        self.chart.update(old.united(self._link_area()))

    def _link_area(self) -> QRectF:
        area = QRectF()
        if self.chart.link_line is not None:
            area = QRectF(self.chart.link_line.p1(), self.chart.link_line.p2()).normalized()
        if self.chart.link_target is not None:
            box = self.chart.item_box(self.chart.link_target)
            if box is not None:
                area = area.united(qrect(box))
        return area.adjusted(-8, -8, 8, 8)

    # -- on release ------------------------------------------------------------------------

    def _finish_bars(self, g: Gesture, ghost: list[LayoutItem]) -> None:
        layout = self.model.layout
        changes = {}
        for moved in ghost:
            item = layout.items.get(moved.id)
            if item is None:
                continue
            fields = {}
            if (moved.start, moved.end) != (item.start, item.end):
                fields["start_date"] = dt.date.fromordinal(moved.start)
                fields["end_date"] = dt.date.fromordinal(moved.end)
            if moved.lane_id != item.lane_id:
                fields["lane_id"] = moved.lane_id
            if fields:
                changes[moved.id] = fields
        if changes:
            verb = {"move": "Move", "resize-start": "Resize", "resize-end": "Resize"}[g.kind]
            self.view.changesRequested.emit(changes, self._describe(verb, list(changes)))

    def _describe(self, verb: str, ids: list[int]) -> str:
        if len(ids) == 1:
            return f"{verb} “{self.model.items[ids[0]].name}”"
        return f"{verb} {len(ids)} items"

    def _finish_link(self, g: Gesture, pos: QPointF) -> None:
        old = self._link_area()
        target = self.chart.link_target
        self.chart.link_line = None
        self.chart.link_target = None
        self.chart.update(old)
        box = self.chart.item_box(target) if target is not None else None
        if box is None or g.hit.item_id not in self.model.items:
            return
        source_end = "finish" if g.hit.zone == "link-finish" else "start"
        target_end = "start" if pos.x() < box.x + box.w / 2 else "finish"
        self.view.linkRequested.emit(
            g.hit.item_id, target, LINK_TYPE_BY_ENDS[(source_end, target_end)]
        )

    def _finish_rubber(self, g: Gesture) -> None:
        rubber, self.chart.rubber = self.chart.rubber, None
        if rubber is None:
            return
        self.chart.update(rubber.adjusted(-2, -2, 2, 2))
        scale, layout = self.view.scale, self.model.layout
        origin = scale.origin.toordinal()
        day0 = origin + rubber.left() / scale.px_per_day
        day1 = origin + rubber.right() / scale.px_per_day + 1
        found = []
        for seen in layout.visible(day0, day1, rubber.top(), rubber.bottom()):
            box = layout.bar(seen.item_id, scale)
            if box is not None and qrect(box).intersects(rubber):
                found.append(seen.item_id)
        self.view.select(found, additive=g.additive)
