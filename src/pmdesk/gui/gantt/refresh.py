"""Keeping the roadmap chart in step with the file: repaint only what a change touched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF

from pmdesk.core.changes import ChangeSet

from .links import NEAR_PX
from .model import ITEM, LINK

if TYPE_CHECKING:
    from .model import Refresh, RoadmapModel
    from .painting import ChartPainter
    from .scene import ChartScene


# What is drawn for a row reaches this far above it (the lane above's rule, a selected
# bar's outline): a repaint of the lanes that moved starts this much higher.
EDGE_PX = 8.0


class ChartRefresh:
    """The chart's part of following a change (the panel owns one and asks it first).

    The model reads back only the rows a ChangeSet names. Where the changed bars
    and links were drawn before and are drawn now is repainted; the whole chart
    only when rows moved (a lane gained or lost a row, lanes changed, a baseline).
    The panel then brings its own parts (toolbar, lane header, editor, board) in line
    with the :class:`Refresh` this returns.
    """

    def __init__(self, model: RoadmapModel, painter: ChartPainter, scene: ChartScene) -> None:
        self.model = model
        self.painter = painter
        self.scene = scene

    def apply(self, changes: ChangeSet) -> Refresh:
        before = self._dirty_rects(changes)
        bottom = self.scene.sceneRect().bottom()
        refresh = self.model.apply(changes)
        if refresh.everything and self._repaint_below(refresh, changes, before, bottom):
            pass  # rows added or freed: the lanes that moved, and the changed rows
        elif refresh.everything:
            if refresh.lane_list:  # a lane's colour, or the lanes' order
                self.painter.forget_colours()
            self.scene.rebuild(keep_origin=True)
        elif refresh.launch:  # its rows and the chart's height may change: a few dozen tasks
            self.scene.rebuild(keep_origin=True)
        elif refresh.repaint:
            self._grow_chart(refresh.items)
            self.scene.update()
        else:
            self._grow_chart(refresh.items)
            # Scene rectangles only (no item updates): Qt paints them all in one frame.
            after = self._dirty_rects(changes)
            if refresh.critical:  # onto the critical path or off it: drawn in its colour or not
                after += self._rects_of(refresh.critical, set())
            for rect in before + after:
                self.scene.update(rect)
        return refresh

    def _repaint_below(
        self, refresh: Refresh, changes: ChangeSet, before: list[QRectF], bottom: float
    ) -> bool:
        """Rows added or freed moved only the lanes from ``refresh.moved_below`` down: the
        scene takes its new size and that part is repainted, with where the changed items
        and links were and are; the chart above stands (an edit in a lane below the screen
        repaints nothing on it). False, with nothing done, where more may look different
        (anything else changed too, the chart must grow to the side, the scene is shown in
        more than one view, links may start or stop being drawn on screen) or where the
        lanes moved from above the screen (all of it is repainted)."""
        top = refresh.moved_below
        if top is None or refresh.repaint or refresh.calendar or refresh.launch:
            return False
        model, scene = self.model, self.scene
        rows = [model.items[i] for i in refresh.items if i in model.items]
        if rows and scene.outgrows(min(r.start for r in rows), max(r.end for r in rows)):
            return False
        if scene.visible_area is None or len(scene.views()) != 1:
            return False
        seen = scene.visible_area()
        if top - EDGE_PX <= seen.top() or not self._links_stand(refresh, seen):
            return False  # the lanes moved from above the screen: all of it is repainted
        scene.relayout_geometry(repaint=False)
        after = self._dirty_rects(changes)
        if refresh.critical:
            after += self._rects_of(refresh.critical, set())
        bottom = max(bottom, scene.sceneRect().bottom())
        moved = QRectF(0, top - EDGE_PX, scene.width, bottom - top + 2 * EDGE_PX)
        for rect in [*before, *after, moved]:
            scene.update(rect)
        return True

    def _links_stand(self, refresh: Refresh, seen: QRectF) -> bool:
        """Whether the links drawn on screen above the lanes that moved stay as they are.

        The links drawn are those of the items near the screen (``LinkPainter.ids_in``):
        an item of a lane that moved may have crossed the top or bottom of that band, and
        its links joined or left them; the link painter says whether that can change what
        it draws."""
        moved_below = refresh.moved_below
        assert moved_below is not None
        model, links = self.model, self.painter.links
        layout, scale = model.layout, self.scene.scale
        by, row = refresh.moved_by, layout.metrics.row_height
        # Where the rows of items that crossed an edge of the band are now: a row counts
        # as near while any of it is inside (LinkPainter.items_near), and moved by ``by``.
        top, bottom = seen.top() - NEAR_PX, seen.bottom() + NEAR_PX
        crossing: set[int] = set()
        for y0, y1 in ((top - row - by - 1, top + by + 1), (bottom - by - 1, bottom + by + 1)):
            band = QRectF(seen.left(), y0, seen.width(), y1 - y0)
            for item_id in links.items_near(scale, band, margin=0.0):
                place = layout.place(item_id)
                if place is not None and layout.box_of[place[0]].top + 0.5 >= moved_below:
                    crossing |= model.links_of.get(item_id, set())
        return links.choice_stands(scale, seen, crossing)

    def _grow_chart(self, ids) -> None:
        rows = [self.model.items[i] for i in ids if i in self.model.items]
        if rows:
            first = min(r.start for r in rows)
            last = max(r.end for r in rows)
            if self.scene.grow_to(first, last):
                self.scene.update()

    def _dirty_rects(self, changes: ChangeSet) -> list[QRectF]:
        """Where the items and links a change names are drawn now (to repaint them)."""
        model = self.model
        items = {i for i in changes.ids(ITEM) if i in model.items}
        return self._rects_of(items, {i for i in changes.ids(LINK) if i in model.links})

    def _rects_of(self, items: set[int], links: set[int]) -> list[QRectF]:
        """Where these items, their links and these links are drawn now."""
        model = self.model
        items = {i for i in items if i in model.items}
        links = links | {link for i in items for link in model.links_of.get(i, ())}
        if len(items) + len(links) > 400:
            return [self.scene.sceneRect()]
        rects = self._rows_of(items)
        for link_id in links:
            rects += self.painter.links.dirty_rects(link_id, self.scene.scale)
        return rects

    def _rows_of(self, items) -> list[QRectF]:
        """The rows the items are in, end to end: in a row, a neighbour's label may gain or
        lose room (beside its bar, or before it), and an item's own marks stay in its row.
        A folded lane draws all its rows on one line: the lane."""
        layout = self.model.layout
        width, pitch = self.scene.width, layout.metrics.row_pitch
        rects = []
        for item_id in items:
            place = layout.place(item_id)
            if place is None:
                continue
            lane = layout.box_of[place[0]]
            if lane.collapsed:
                rects.append(QRectF(0, lane.top, width, lane.height))
            else:
                rects.append(QRectF(0, place[2] - 2, width, pitch + 4))
        return rects
