"""The chart's QGraphicsView: zoom, scroll, hit-testing and the editing gestures.

Gestures never write data. On release the view emits a request
(``changesRequested``, ``linkRequested``, ``createRequested`` …) which the
panel turns into an undoable command; until then the gesture is only a ghost
drawn in the scene's foreground.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import SIGNAL, SLOT, QEvent, QObject, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QToolTip

from pmdesk.core.timeline import ZOOM_STEPS, fit_zoom, step_zoom

from ..widgets.settle import lay_out_bars
from .gestures import Gesture, Gestures
from .hits import Hit, hit_test
from .launch_lane import task_tooltip
from .painting import qrect
from .scene import ChartScene
from .text import item_tooltip, link_tooltip


class GanttView(QGraphicsView):
    changesRequested = Signal(object, str)  # {item id: {field: value}}, undo text
    linkRequested = Signal(int, int, object)  # predecessor, successor, suggested type
    createRequested = Signal(int, object)  # lane id, date
    openRequested = Signal(int)  # item id: edit it in the side panel
    launchTaskRequested = Signal(int)  # a launch task was double-clicked (edited elsewhere)
    deleteRequested = Signal()
    nudgeRequested = Signal(int)  # steps of the current zoom, later (+) or earlier (-)
    selectionChanged = Signal()
    zoomChanged = Signal(float)

    def __init__(self, scene: ChartScene, parent=None) -> None:
        super().__init__(scene, parent)
        self.chart = scene
        self.model = scene.model
        scene.visible_area = self.visible_scene_rect
        self.gestures = Gestures(self)  # the drag in progress; mouse events go to it
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setInteractive(False)  # the view handles every gesture itself
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setOptimizationFlags(
            QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing
            | QGraphicsView.OptimizationFlag.DontSavePainterState
        )
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.horizontalScrollBar().setSingleStep(40)
        self.verticalScrollBar().setSingleStep(32)
        # Qt lays the scroll bars out again after every change of a bar's range, and raises
        # both bars as it does, which repaints both and the widgets under them (about 1 ms
        # in Fusion). Every zoom changes the horizontal range: lay out only when that bar
        # has to show or hide.
        bar = self.horizontalScrollBar()
        QObject.disconnect(
            bar, SIGNAL("rangeChanged(int,int)"), self, SLOT("_q_showOrHideScrollBars()")
        )
        bar.rangeChanged.connect(self._horizontal_range, Qt.ConnectionType.QueuedConnection)

    # -- geometry -----------------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        width, height = float(self.viewport().width()), float(self.viewport().height())
        if (width, height) != (self.chart.min_width, self.chart.min_height):
            self.chart.min_width, self.chart.min_height = width, height
            self.chart.relayout_geometry()

    def _horizontal_range(self, _low: int = 0, _high: int = 0) -> None:
        """Show or hide the bars as the horizontal range needs (what Qt would do, without laying
        out and repainting both bars when the horizontal one stays as it is)."""
        bar = self.horizontalScrollBar()
        if self.horizontalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            return
        if (bar.maximum() > bar.minimum()) != bar.isVisibleTo(self):
            lay_out_bars(self)

    def lay_out_bars(self) -> None:
        """Show or hide both bars now, as their ranges need: the chart calls this once its plan
        is laid out, so that the first paint is the last (see ``widgets.settle``)."""
        lay_out_bars(self)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._horizontal_range()  # a zoom made while hidden: Qt lays out only what it shows

    @property
    def scale(self):
        return self.chart.scale

    def paintEvent(self, event) -> None:
        """Tell the scene which parts of the screen this paint covers (see ``exposed_in``)."""
        region = event.region()
        if region.rectCount() <= 64:  # (the view only scrolls: no scaling to map through)
            offset = self.mapToScene(QPoint(0, 0))
            self.chart.painting = [
                QRectF(r).translated(offset).adjusted(-1, -1, 1, 1) for r in region
            ]
        try:
            super().paintEvent(event)
        finally:
            self.chart.painting = None

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self.scene() is not None:  # not as the chart goes (its scene first)
            self.chart.follow_scroll()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def set_zoom(self, px_per_day: float, anchor: float | None = None) -> None:
        """Zoom keeping the day under ``anchor`` (viewport x; default the centre) in place."""
        px_per_day = min(max(px_per_day, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        old = self.scale.px_per_day
        ax = self.viewport().width() / 2 if anchor is None else anchor
        day = (self.mapToScene(QPoint(0, 0)).x() + ax) / old
        # The whole chart is painted again at the new zoom: while the range and the value
        # change, Qt would first scroll the old picture into place (twice, a full-screen copy
        # each) only for it to be painted over.
        mode = self.viewportUpdateMode()
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        try:
            self.chart.set_zoom(px_per_day)
            self.horizontalScrollBar().setValue(round(day * px_per_day - ax))
        finally:
            self.setViewportUpdateMode(mode)
        self.zoomChanged.emit(px_per_day)

    def zoom_by(self, steps: int, anchor: float | None = None) -> None:
        self.set_zoom(step_zoom(self.scale.px_per_day, steps), anchor)

    def fit_all(self, right_room: float = 0.0) -> None:
        """The whole plan in the window (``right_room`` kept free after it, for labels)."""
        first, last = self.chart.span()
        width = max(self.viewport().width() - 48 - right_room, 100)
        self.set_zoom(fit_zoom(first, last, width))
        self.scroll_to_day(first, margin=24)

    def scroll_to_day(self, day: dt.date, margin: float = 0.0) -> None:
        self.horizontalScrollBar().setValue(round(self.scale.x(day) - margin))

    def show_today(self) -> None:
        self.scroll_to_day(self.model.today, margin=self.viewport().width() / 3)

    def ensure_item_visible(self, item_id: int) -> None:
        box = self.chart.item_box(item_id)
        if box is not None:
            self.ensureVisible(qrect(box), 60, 40)

    def hit(self, pos: QPointF) -> Hit:
        """What lies under a scene position (see hits.py)."""
        return hit_test(self.chart, pos)

    # -- selection ----------------------------------------------------------------------

    def select(self, items=(), links=(), additive: bool = False) -> None:
        model = self.model
        before = (set(model.selected), set(model.selected_links))
        if not additive:
            model.selected.clear()
            model.selected_links.clear()
        model.selected |= {i for i in items if i in model.layout.items}
        model.selected_links |= {i for i in links if model.link_shown(i)}
        if before != (model.selected, model.selected_links):
            self._repaint_selection(before)
            self.selectionChanged.emit()

    def toggle(self, item_id: int) -> None:
        before = (set(self.model.selected), set(self.model.selected_links))
        self.model.selected ^= {item_id}
        self._repaint_selection(before)
        self.selectionChanged.emit()

    def _repaint_selection(self, before) -> None:
        items = before[0] ^ self.model.selected
        links = before[1] ^ self.model.selected_links
        self._repaint_items(items)
        self._repaint_links(items, links)

    def _repaint_links(self, items, links=()) -> None:
        """Repaint the links of some items (and some links) where they are drawn."""
        links_of, links_painter = self.model.links_of, self.chart.painter.links
        for link_id in set(links) | {i for item in items for i in links_of.get(item, ())}:
            for rect in links_painter.dirty_rects(link_id, self.scale):
                self.chart.update(rect)

    def _repaint_items(self, ids) -> None:
        for item_id in ids:
            box = self.chart.item_box(item_id)
            if box is not None:
                # Wide enough for the outline, the label beside and the slip badge.
                self.chart.update(qrect(box).adjusted(-8, -8, 420, 12))

    # -- mouse --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = self.mapToScene(event.position().toPoint())
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.MiddleButton:
            self.gestures.start(Gesture("pan", pos, event.position().toPoint(), Hit("")))
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.hit(pos)
        additive = bool(
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        )
        view_pos = event.position().toPoint()
        if hit.zone in ("bar", "start", "end"):
            if additive:
                self.toggle(hit.item_id)
                return
            if hit.item_id not in self.model.selected:
                self.select([hit.item_id])
            kind = {"bar": "move", "start": "resize-start", "end": "resize-end"}[hit.zone]
            ids = sorted(self.model.selected) if kind == "move" else [hit.item_id]
            self.gestures.start(Gesture(kind, pos, view_pos, hit, ids=ids))
        elif hit.zone in ("link-start", "link-finish"):
            self.gestures.start(Gesture("link", pos, view_pos, hit))
        elif hit.zone == "link":
            self.select(links=[hit.link_id], additive=additive)
        else:
            if not additive:
                self.select()
            if hit.zone == "lane":
                self.gestures.start(Gesture("rubber", pos, view_pos, hit, additive=additive))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        view_pos = event.position().toPoint()
        pos = self.mapToScene(view_pos)
        if not self.gestures.drag(view_pos, pos):
            self._hover(pos)

    def _hover(self, pos: QPointF) -> None:
        hit = self.hit(pos)
        cursors = {
            "start": Qt.CursorShape.SizeHorCursor,
            "end": Qt.CursorShape.SizeHorCursor,
            "bar": Qt.CursorShape.OpenHandCursor,
            "link-start": Qt.CursorShape.CrossCursor,
            "link-finish": Qt.CursorShape.CrossCursor,
            "link": Qt.CursorShape.PointingHandCursor,
        }
        self.viewport().setCursor(cursors.get(hit.zone, Qt.CursorShape.ArrowCursor))
        hovered = hit.item_id
        painter = self.chart.painter
        if hovered != painter.hover:
            old, painter.hover = painter.hover, hovered
            painter.links.hover = hovered
            changed = {i for i in (old, hovered) if i is not None}
            self._repaint_items(changed)
            self._repaint_links(changed)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.gestures.release(self.mapToScene(event.position().toPoint()))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = self.mapToScene(event.position().toPoint())
        hit = self.hit(pos)
        if hit.item_id is not None and hit.zone in ("bar", "start", "end"):
            self.openRequested.emit(hit.item_id)
        elif hit.zone == "launch" and hit.task_id is not None:
            self.launchTaskRequested.emit(hit.task_id)
        elif hit.zone == "lane" and not self.model.layout.box_of[hit.lane_id].collapsed:
            self.createRequested.emit(hit.lane_id, self.scale.date_at(pos.x()))

    # -- wheel, keys, tooltips ---------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        modifiers = event.modifiers()
        delta = event.angleDelta()
        if modifiers & Qt.KeyboardModifier.ControlModifier:
            if delta.y():
                self.zoom_by(1 if delta.y() > 0 else -1, event.position().x())
            return
        if modifiers & Qt.KeyboardModifier.ShiftModifier and delta.y():
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - delta.y())
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        has_selection = bool(self.model.selected)
        plain = not modifiers & Qt.KeyboardModifier.ControlModifier
        deletable = has_selection or bool(self.model.selected_links)
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and deletable:
            self.deleteRequested.emit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and has_selection:
            self.openRequested.emit(min(self.model.selected))
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and has_selection and plain:
            self.nudgeRequested.emit(1 if key == Qt.Key.Key_Right else -1)
        elif key == Qt.Key.Key_Escape:
            self.gestures.cancel()
            self.select()
        elif key == Qt.Key.Key_A and not plain:
            self.select(self.model.layout.items.keys())
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal) and not plain:
            self.zoom_by(1)
        elif key == Qt.Key.Key_Minus and not plain:
            self.zoom_by(-1)
        else:
            super().keyPressEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            hit = self.hit(self.mapToScene(event.pos()))
            text = ""
            if hit.item_id is not None:
                text = item_tooltip(self.model, hit.item_id)
            elif hit.link_id is not None:
                text = link_tooltip(self.model, hit.link_id)
            elif hit.task_id is not None:
                task = self.chart.launch.task(hit.task_id)
                text = task_tooltip(task, self.model.today) if task is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)
