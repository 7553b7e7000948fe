"""Keeping the roadmap chart in step with the file: repaint only what a change touched."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, QRectF
from PySide6.QtWidgets import QGraphicsView

from pmdesk.core.changes import ChangeSet

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
            for rect in before + self._drawn_now(refresh, changes):
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
        if top - EDGE_PX <= seen.top() and refresh.lane_change is None:
            return False  # lanes moved unlike each other from above the screen: all of it
        change = refresh.lane_change
        if change is not None and change.top + max(change.before, change.after) <= seen.top():
            return self._keep_screen(refresh, changes, before, seen)
        if not self._links_stand(refresh, seen):
            return False
        below = self._scroll_below(refresh, seen)
        scene.relayout_geometry(repaint=False)
        after = self._drawn_now(refresh, changes)
        if below is None:  # every lane that moved is painted again
            bottom = max(bottom, scene.sceneRect().bottom())
            moved = [QRectF(0, top - EDGE_PX, scene.width, bottom - top + 2 * EDGE_PX)]
        else:  # the lanes below moved as pixels; the lane itself is painted again
            moved = self._after_scroll(refresh, below, before)
        for rect in [*before, *after, *moved]:
            scene.update(rect)
        return True

    def _keep_screen(
        self, refresh: Refresh, changes: ChangeSet, before: list[QRectF], seen: QRectF
    ) -> bool:
        """A lane wholly above the screen changed its height (folded from the Lanes tab, an
        undo, a colleague's edit, a row more): the view scrolls by as much, so the screen
        keeps showing the lanes it showed, where it showed them (as a browser anchors its
        scroll when something above grows). Nothing on it moves: only the links crossing
        from that lane or above into the screen are painted again (their dashes run from
        their top end). False, with nothing done, where the screen cannot stay put to the
        pixel or the links drawn on it would change."""
        change = refresh.lane_change
        assert change is not None
        by = change.by
        if by != round(by):  # a scroll moves whole pixels
            return False
        if not self._links_stand(refresh, seen, seen.translated(0, by)):
            return False
        scene = self.scene
        view = scene.views()[0]
        bar = view.verticalScrollBar()
        value = bar.value()  # before a shorter chart pulls it up
        # The chart's new height, then the scroll that brings the lanes back under the
        # screen: neither moves the pixels already painted (the picture is the same).
        mode = view.viewportUpdateMode()
        view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.NoViewportUpdate)
        try:
            scene.relayout_geometry(repaint=False)
            bar.setValue(value + round(by))
        finally:
            view.setViewportUpdateMode(mode)
        after = self._drawn_now(refresh, changes)
        moved = self._after_scroll(refresh, change.top + min(change.before, change.after), before)
        for rect in [*before, *after, *moved]:
            scene.update(rect)
        return True

    def _scroll_below(self, refresh: Refresh, seen: QRectF) -> float | None:
        """Where one lane alone changed its height (``refresh.lane_change``), move what the
        screen shows of the lanes below it by as much, as pixels (Qt then paints only the
        strip it uncovers); returns the scene y from which it moved them. None, with
        nothing done, where the screen cannot follow that way: no such change, no lane
        below it on screen, or the chart gets so much shorter that the view scrolls."""
        change = refresh.lane_change
        if change is None:
            return None
        below = change.top + min(change.before, change.after)  # the lanes below, either way
        if below >= seen.bottom():
            return None
        view = self.scene.views()[0]
        height = self.scene.sceneRect().height() + change.by
        if view.verticalScrollBar().value() > max(height - view.viewport().height(), 0):
            return None  # the view scrolls as well: its pixels are not where they were
        port = view.viewport()
        y = max(view.mapFromScene(0, below).y(), 0)
        port.scroll(0, round(change.by), QRect(0, y, port.width(), port.height() - y))
        return below

    def _after_scroll(self, refresh: Refresh, below: float, before: list[QRectF]) -> list[QRectF]:
        """What a scroll of the lanes below leaves to paint: the lane that changed (the
        strip the scroll uncovered is Qt's), where the changed items' rows and links were,
        moved with the lanes below, and the links drawn whole that cross into those lanes
        from the lane or above (their part below moved; their dashes run from their top
        end)."""
        change = refresh.lane_change
        assert change is not None
        model, scene, links = self.model, self.scene, self.painter.links
        layout, scale = model.layout, scene.scale
        top = refresh.moved_below  # the lane from where it changed
        assert top is not None
        lane_bottom = change.top + change.after
        rects = [QRectF(0, top - EDGE_PX, scene.width, lane_bottom - top + 2 * EDGE_PX)]
        rects += [r.translated(0, change.by) for r in before if r.bottom() > below]
        seen = scene.visible_area()

        items, lane_of = layout.items, layout.box_of

        def moved(item_id: int) -> bool | None:  # in the lanes below, now (by its lane's box:
            item = items.get(item_id)  # its place would pack that lane, to no purpose)
            return None if item is None else lane_of[item.lane_id].top >= lane_bottom

        # Of the links drawn whole (a crowded screen draws few), those with one end moved and
        # the other not.
        for link_id in links.drawn_whole(scale, seen, links.chosen(scale, seen)):
            link = model.links.get(link_id)
            if link is not None and {moved(link.pred), moved(link.succ)} == {True, False}:
                rects += links.dirty_rects(link_id, scale)
        return rects

    def _links_stand(self, refresh: Refresh, seen: QRectF, now: QRectF | None = None) -> bool:
        """Whether the links drawn on screen stay as they are where they are not repainted.

        The links drawn are those of the items near the screen (``LinkPainter.chosen``):
        items of lanes that moved may have come near it or gone. The items near it before
        are found with the lanes stacked as they were (the rows stand; the changed items'
        own rows may not, and their links are repainted where they were and are); the
        link painter says whether the difference changes what it draws. ``now``: what the
        screen shows after the change, when it is not ``seen`` (:meth:`_keep_screen`)."""
        assert refresh.stack_before is not None
        model, links, scale = self.model, self.painter.links, self.scene.scale
        before = links.chosen(scale, seen, refresh.stack_before)
        after = links.chosen(scale, seen if now is None else now)
        unsure = {i for item in refresh.items for i in model.links_of.get(item, ())}
        return links.choice_stands(scale, before, after, unsure)

    def _grow_chart(self, ids) -> None:
        rows = [self.model.items[i] for i in ids if i in self.model.items]
        if rows:
            first = min(r.start for r in rows)
            last = max(r.end for r in rows)
            if self.scene.grow_to(first, last):
                self.scene.update()

    def _drawn_now(self, refresh: Refresh, changes: ChangeSet) -> list[QRectF]:
        """Where the changed items and links are drawn now, and the items that came onto
        the critical path or left it (drawn in its colour or not)."""
        rects = self._dirty_rects(changes)
        if refresh.critical:
            rects += self._rects_of(refresh.critical, set())
        return rects

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
