"""Dependency arrows: routes from the core layout, cached per zoom, drawn as crisp lines.

A route depends only on the two bars and the zoom. Each item's vertical
place is kept per layout version (it does not change with the zoom), routes
are kept for the last few zoom levels, so panning and zooming back and forth
reuse them. Lines are orthogonal, drawn without antialiasing on pixel centres
(sharper, and far cheaper than smooth paths) and cut to the area being
painted first; only the arrow heads are smoothed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, pairwise, repeat

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF

from pmdesk.core.enums import DependencyType
from pmdesk.core.gantt_layout import Box, link_route, shape_box, shape_height
from pmdesk.core.timeline import LaneBox, TimeScale

from .model import LaneShift, Moved, RoadmapModel
from .style import ChartStyle

Points = list[tuple[float, float]]
LINK_DETAIL_MIN_PX_PER_DAY = 0.5  # further out, plain links are noise: only marked ones show
LINK_BUDGET = 300  # more links than this on screen is a hairball: draw the marked ones in full
STUB_PX = 12.0  # the rest shrink to a stub and an arrow head at their successor
REACH_PX = 24.0  # a route strays no further than this beyond its two bars
NEAR_PX = 40.0  # links are drawn for the items this far above and below the screen too
ZOOM_LEVELS_KEPT = 4
MAX_SHIFTS = 16  # lane moves followed; past that the routes are made afresh
ARROW = 5.0
# Links that end at their successor's start (the others end at its finish).
_INTO_START = frozenset({DependencyType.FINISH_TO_START, DependencyType.START_TO_START})


def _heads() -> dict[tuple[int, int], QPolygonF]:
    """Arrow heads at the origin, by direction; moved into place with ``translated``."""
    heads = {}
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        back_x, back_y = -dx * ARROW * 1.3, -dy * ARROW * 1.3
        heads[(dx, dy)] = QPolygonF(
            [
                QPointF(0, 0),
                QPointF(back_x - dy * ARROW * 0.75, back_y + dx * ARROW * 0.75),
                QPointF(back_x + dy * ARROW * 0.75, back_y - dx * ARROW * 0.75),
            ]
        )
    return heads


class LinkPainter:
    def __init__(self, model: RoadmapModel, style: ChartStyle) -> None:
        self.model = model
        self.style = style
        self._heads = _heads()
        self.hover: int | None = None
        self._parts: list[tuple[float, float, float, float]] | None = None  # while painting
        self._version = -1
        self._places: dict[int, tuple[float, float] | None] = {}  # item -> (centre y, height)
        # (px per day, origin) -> {link id: (points, segments, head, version made at),
        # "stubs": {...}, "boxes": {item id: its shape}}
        self._zooms: OrderedDict[tuple, dict] = OrderedDict()
        # Lanes moved up or down since the routes were made (a fold, a row more), with the
        # version each came at: a route between two lanes that moved alike moves with them.
        self._shifts: list[tuple[int, LaneShift]] = []
        # The links last chosen for a screen (chosen()), with the layout's version, the zoom
        # and the screen they were chosen for; callers only read the set.
        self._chosen: tuple[tuple, set[int]] | None = None
        # What the screen's pixels hold: the zoom, the links chosen for it and whether it
        # was crowded, as last painted or scrolled (after_scroll).
        self._screen: tuple[tuple, set[int], bool] | None = None

    def _cache(self, scale: TimeScale) -> dict:
        if self.model.version != self._version:
            self._forget(self.model.moved_since(self._version))
            self._version = self.model.version
        key = (scale.px_per_day, scale.origin)
        found = self._zooms.get(key)
        if found is None:
            found = self._zooms[key] = {}
            while len(self._zooms) > ZOOM_LEVELS_KEPT:
                self._zooms.popitem(last=False)
        else:
            self._zooms.move_to_end(key)
        return found

    def _forget(self, moved: Moved | None) -> None:
        """Drop what a change made stale: the routes of the links of the items it moved and of
        the links it changed (an edit moves a bar or two), or everything after a new layout.
        Lanes that moved up or down (a fold, a row more) drop the shapes kept; the routes
        follow them when next asked for (``_follow_lanes``)."""
        if moved is None or len(self._shifts) + len(moved.shifts) > MAX_SHIFTS:
            self._places.clear()
            self._zooms.clear()
            self._shifts.clear()
            return
        items, links = moved.items, moved.links
        if moved.shifts:
            self._shifts += moved.shifts
            self._places.clear()
            for kept in self._zooms.values():
                kept.pop("boxes", None)
                kept.pop("stubs", None)
        links_of = self.model.links_of
        links = links | {i for item in items for i in links_of.get(item, ())}
        for item_id in items:
            self._places.pop(item_id, None)
        for cache in self._zooms.values():
            boxes, stubs = cache.get("boxes", {}), cache.get("stubs", {})
            for item_id in items:
                boxes.pop(item_id, None)
            for link_id in links:
                cache.pop(link_id, None)
                stubs.pop(link_id, None)

    def _place(self, item_id: int) -> tuple[float, float] | None:
        """Centre y and height of an item's shape (the same at every zoom)."""
        if item_id in self._places:
            return self._places[item_id]
        layout = self.model.layout
        place = layout.place(item_id)
        found = None
        if place is not None:
            m = layout.metrics
            compact = layout.box_of[place[0]].collapsed
            height = shape_height(layout.items[item_id].kind, m, compact)
            found = (place[2] + m.row_height / 2, height)
        self._places[item_id] = found
        return found

    def _box(self, item_id: int, origin: int, ppd: float, boxes: dict) -> Box | None:
        """The item's shape at this zoom (``bar_box``'s, from the kept place), kept in
        ``boxes`` (the zoom's): an item with several links is placed once."""
        found = boxes.get(item_id, boxes)
        if found is boxes:
            place = self._place(item_id)
            found = None
            if place is not None:
                item = self.model.layout.items[item_id]
                found = shape_box(item, place[0], place[1], origin, ppd)
            boxes[item_id] = found
        return found

    def _drawing(self, link_id: int, scale: TimeScale) -> tuple | None:
        """(points, segments on pixel centres, arrow head, version) of a link at this zoom;
        a route kept from before lanes moved is moved with them (``_follow_lanes``)."""
        cache = self._cache(scale)
        found = cache.get(link_id, cache)
        if found is not cache:
            if found is None or found[3] >= self._last_shift:
                return found
            found = self._follow_lanes(found)
            if found is not None:
                cache[link_id] = found
                return found
        link = self.model.links.get(link_id)
        found = None
        if link is not None:
            origin, ppd = scale.origin.toordinal(), scale.px_per_day
            boxes = cache.get("boxes") or cache.setdefault("boxes", {})
            pred = self._box(link.pred, origin, ppd, boxes)
            succ = self._box(link.succ, origin, ppd, boxes)
            if pred is not None and succ is not None:
                points = link_route(link.type, pred, succ, self.model.layout.metrics.link_gap)
                found = self._drawn(points)
        cache[link_id] = found
        return found

    def _drawn(self, points: Points) -> tuple:
        """(points, segments on pixel centres, arrow head, the version it holds for)."""
        segments = [
            (round(x0) + 0.5, round(y0) + 0.5, round(x1) + 0.5, round(y1) + 0.5)
            for (x0, y0), (x1, y1) in pairwise(points)
        ]
        return (points, segments, self._head(points[-2], points[-1]), self._version)

    @property
    def _last_shift(self) -> int:
        """A route made at this version or later has no lane moves to follow."""
        return self._shifts[-1][0] if self._shifts else -1

    def _follow_lanes(self, drawing: tuple) -> tuple | None:
        """A route made before lanes moved, moved with them: the same route lower or higher
        when both its ends' lanes moved alike (a route is drawn from its two bars alone);
        None when they did not, or one of them was folded or unfolded (made again)."""
        points, made = drawing[0], drawing[3]
        first, last = points[0][1], points[-1][1]
        by = 0.0
        for version, shift in self._shifts:
            if version <= made:
                continue
            move = shift.move_at(first + by)
            if move is None or move != shift.move_at(last + by):
                return None
            by += move
        if not by:
            return (*drawing[:3], self._version)
        return self._drawn([(x, y + by) for x, y in points])

    def _head(self, before: tuple[float, float], tip: tuple[float, float]) -> QPolygonF:
        dx = (tip[0] > before[0]) - (tip[0] < before[0])
        dy = 0 if dx else (1 if tip[1] > before[1] else -1)
        return self._heads[(dx, dy)].translated(tip[0], tip[1])

    def route(self, link_id: int, scale: TimeScale) -> Points | None:
        """The path of a link at this zoom (None if an end is not shown)."""
        drawing = self._drawing(link_id, scale)
        return drawing[0] if drawing is not None else None

    def dirty_rects(self, link_id: int, scale: TimeScale) -> list[QRectF]:
        """Where a link is drawn, to repaint it: a thin strip around each of its segments
        (with its arrow head). A long link's bounding box would be half the chart."""
        drawing = self._drawing(link_id, scale)
        if drawing is None:
            return []
        return [
            QRectF(min(x0, x1) - 8, min(y0, y1) - 8, abs(x1 - x0) + 16, abs(y1 - y0) + 16)
            for (x0, y0), (x1, y1) in pairwise(drawing[0])
        ]

    def items_near(
        self, scale: TimeScale, rect: QRectF, boxes: list[LaneBox] | None = None
    ) -> list[int]:
        """Items whose rows cross ``rect`` grown by NEAR_PX above and below, within a
        route's reach of it to the sides; with ``boxes``, where the lanes were so."""
        day0 = scale.ordinal_at(rect.left() - REACH_PX)
        day1 = scale.ordinal_at(rect.right() + REACH_PX)
        return self.model.layout.ids_between(
            day0, day1, rect.top() - NEAR_PX, rect.bottom() + NEAR_PX, boxes
        )

    def chosen(
        self, scale: TimeScale, shown: QRectF, boxes: list[LaneBox] | None = None
    ) -> set[int]:
        """The links a screen showing ``shown`` is drawn with (those of the items near it,
        :meth:`paint`'s); with ``boxes``, were drawn with when the lanes were so."""
        if boxes is not None:  # the lanes as they were: asked once an edit, not kept
            return self._links_near(scale, shown, boxes)
        key = (self.model.version, scale.px_per_day, scale.origin, shown.getRect())
        if self._chosen is None or self._chosen[0] != key:
            # An edit asks for the screen's links three times, then paints with them.
            self._chosen = (key, self._links_near(scale, shown))
        return self._chosen[1]

    def _links_near(
        self, scale: TimeScale, shown: QRectF, boxes: list[LaneBox] | None = None
    ) -> set[int]:
        links_of, near = self.model.links_of, self.items_near(scale, shown, boxes)
        return set().union(*map(links_of.get, near, repeat((), len(near))))

    def choice_stands(
        self, scale: TimeScale, before: set[int], after: set[int], unsure: set[int]
    ) -> bool:
        """Whether a screen whose links were chosen from ``before`` and now from ``after``
        draws the same links, the same way, leaving out the ``unsure`` ones (whoever asks
        repaints those where they were and are): the screen as crowded (or not) both
        times, and no link that joined or left drawn whole (:meth:`_whole`)."""
        fewest, most = len(before - unsure), len(before | unsure)
        if fewest <= LINK_BUDGET < most:
            return False  # crowded or not before: cannot tell
        dense = len(after) > LINK_BUDGET
        if dense != (fewest > LINK_BUDGET):
            return False  # another way of drawing, everywhere
        whole = self._whole(scale, dense)
        return not any(whole(link_id) for link_id in (before ^ after) - unsure)

    def drawn_whole(self, scale: TimeScale, shown: QRectF, link_ids: set[int]) -> set[int]:
        """Which of these links a screen showing ``shown`` draws whole (:meth:`_whole`);
        the others are left out, or a stub at their successor."""
        chosen = self.chosen(scale, shown)
        whole = self._whole(scale, len(chosen) > LINK_BUDGET)
        return {link_id for link_id in link_ids & chosen if whole(link_id)}

    def _whole(self, scale: TimeScale, dense: bool) -> Callable[[int], bool]:
        """Whether a link, chosen for a screen crowded (``dense``) or not, is drawn whole,
        by :meth:`paint`'s rules: every one where the screen is neither crowded nor zoomed
        out too far; else only the selected ones, a marked item's, those of the critical
        path and, if not crowded, the broken ones."""
        model = self.model
        if not dense and scale.px_per_day >= LINK_DETAIL_MIN_PX_PER_DAY:
            return lambda link_id: link_id in model.links  # plain links are drawn whole
        marked = model.selected | ({self.hover} if self.hover is not None else set())
        on_path = model.critical if model.show_critical else set()

        def whole(link_id: int) -> bool:
            link = model.links.get(link_id)
            return link is not None and (
                link_id in model.selected_links
                or link.pred in marked
                or link.succ in marked
                or (link.pred in on_path and link.succ in on_path)
                or (not dense and link_id in model.violated)
            )

        return whole

    def drawn_routes(self, scale: TimeScale, shown: QRectF) -> Iterator[tuple[int, Points]]:
        """The route of each link a screen showing ``shown`` draws whole (:meth:`paint`'s
        rules), to be clicked anywhere along it: a long link's middle as well as its ends.
        The links it leaves out are not there to click, and routing them would pack the
        rows of their far ends' lanes. (A broken link's stub on a crowded screen lies where
        its successor's link handle is: a press there starts a new link.)"""
        chosen = self.chosen(scale, shown)
        whole = self._whole(scale, len(chosen) > LINK_BUDGET)
        for link_id in chosen:
            if whole(link_id):
                points = self.route(link_id, scale)
                if points is not None:
                    yield link_id, points

    def after_scroll(self, scale: TimeScale, shown: QRectF) -> list[QRectF] | None:
        """Where the links need painting again once the view scrolled to ``shown``: the
        pixels it moved hold the links chosen for the screen before (those of the items
        near it), so a link drawn whole that joined the choice (its item came near) or
        left it is painted again along its route. None: the screen became crowded or
        stopped being, and every plain link comes or goes (all of it)."""
        last = self._screen
        if last is None or last[0] != (scale.px_per_day, scale.origin):
            return []  # not painted at this zoom yet: all of it is painted anyway
        before, was_dense = last[1], last[2]
        now = self.chosen(scale, shown)
        dense = len(now) > LINK_BUDGET
        self._screen = (last[0], now, dense)
        if dense != was_dense:
            return None
        if now is before:
            return []
        whole = self._whole(scale, dense)
        rects: list[QRectF] = []
        for link_id in before ^ now:
            if whole(link_id):
                rects += self.dirty_rects(link_id, scale)
        return rects

    def paint(
        self,
        p: QPainter,
        scale: TimeScale,
        shown: QRectF,
        clip: QRectF,
        parts: list[QRectF] | None = None,
    ) -> None:
        """Links of the items in ``shown`` (the whole screen), drawn inside ``clip``.

        Choosing links by the screen rather than by the strip being repainted
        keeps a long link whole while the chart scrolls under it. When the screen
        holds more links than anyone could follow, only the selected and critical
        ones (and those of the selected items) are drawn in full; broken ones keep
        a red stub and arrow head at their successor, plain ones are left out.

        ``parts``: the rectangles of ``clip`` really being painted (an edit's strips);
        arrow heads elsewhere are left out (they are filled as one smooth path, whose
        cost is its whole extent, not the part of it on screen).
        """
        self._parts = (
            [(r.left() - 16, r.top() - 16, r.right() + 16, r.bottom() + 16) for r in parts]
            if parts and len(parts) > 1
            else None
        )
        model, style = self.model, self.style
        links, links_of = model.links, model.links_of
        ids = self.chosen(scale, shown)
        self._screen = ((scale.px_per_day, scale.origin), ids, len(ids) > LINK_BUDGET)
        marked = model.selected | ({self.hover} if self.hover is not None else set())
        # Sorted into groups by set operations: a screen holds hundreds of links.
        selected = ids & model.selected_links
        touching = set(chain.from_iterable(links_of[i] for i in marked if i in links_of))
        touching = (touching & ids) - selected  # a marked item's links, drawn in full
        rest = ids - selected - touching
        violated = rest & model.violated.keys()
        rest -= violated
        critical: set[int] = set()
        if model.show_critical and rest:
            on_path = model.critical
            critical = {i for i in rest if links[i].pred in on_path and links[i].succ in on_path}
            rest -= critical
        dense = len(ids) > LINK_BUDGET
        if dense or scale.px_per_day < LINK_DETAIL_MIN_PX_PER_DAY:
            rest = set()  # only the marked items' own links stay
        groups = {
            "plain": touching | rest,
            "violated": violated,
            "critical": critical,
            "selected": selected,
        }
        pens = {
            "plain": QPen(style.link, 1.0),
            "violated": QPen(style.violated, 1.0, Qt.PenStyle.DashLine),
            "critical": QPen(style.critical, 2.0),
            "selected": QPen(style.highlight, 2.0),
        }
        for name, ids in groups.items():
            if not ids:
                continue
            if name == "violated" and dense:
                self._paint_stubs(p, scale, ids, QPen(style.violated, 1.5), clip)
            else:
                self._paint_group(p, scale, ids, pens[name], clip)

    def _paint_stubs(
        self, p: QPainter, scale: TimeScale, ids: Iterable[int], pen: QPen, clip: QRectF
    ) -> None:
        """A short line and an arrow head into each successor, without routing the link."""
        left, top = clip.left() - STUB_PX, clip.top() - 8
        right, bottom = clip.right() + STUB_PX, clip.bottom() + 8
        lines, heads = [], []
        kept = self._cache(scale).setdefault("stubs", {})
        self._make_stubs([i for i in ids if i not in kept], scale, kept, (top, bottom))
        parts, line, head = self._parts, lines.append, heads.append
        for link_id in ids:
            stub = kept.get(link_id)  # not made: its successor's lane is above or below
            if stub is not None and left <= stub[0] <= right and top <= stub[1] <= bottom:
                if parts is None or self._painted(stub[0], stub[1]):
                    line(stub[2])
                    head(stub[3])
        self._stroke(p, lines, heads, pen)

    def _make_stubs(
        self, link_ids: list[int], scale: TimeScale, stubs: dict, band: tuple[float, float]
    ) -> None:
        """(tip x, tip y, line, head) of each link's end at its successor, into ``stubs``
        (the zoom's), in one sweep: a new layout (a lane folded) drops them all, and a
        screen of a large plan holds hundreds.

        A successor whose lane lies wholly above or below ``band`` (the y range painted)
        has no stub made: its tip, inside its lane, cannot be painted, and placing it would
        pack that lane's rows (the layout packs a lane when first read)."""
        if not link_ids:
            return
        boxes = self._cache(scale).setdefault("boxes", {})
        origin, ppd = scale.origin.toordinal(), scale.px_per_day
        links, box = self.model.links, self._box
        layout = self.model.layout
        items, lane_of = layout.items, layout.box_of
        top, bottom = band
        into, out_of = self._heads[(1, 0)], self._heads[(-1, 0)]
        for link_id in link_ids:
            link = links[link_id]
            item = items.get(link.succ)
            if item is not None:
                lane = lane_of[item.lane_id]
                if lane.top > bottom or lane.top + lane.height < top:
                    continue
            succ = box(link.succ, origin, ppd, boxes)
            if succ is None:
                stubs[link_id] = None
                continue
            # Into the successor's start from its left, or into its finish from its right.
            into_start = link.type in _INTO_START
            tip_x = succ.x if into_start else succ.right
            back = tip_x - STUB_PX if into_start else tip_x + STUB_PX
            cy = succ.cy
            y = round(cy) + 0.5
            head = into if into_start else out_of
            stubs[link_id] = (tip_x, cy, QLineF(back, y, tip_x, y), head.translated(tip_x, cy))

    def _paint_group(
        self, p: QPainter, scale: TimeScale, ids: Iterable[int], pen: QPen, clip: QRectF
    ) -> None:
        """One ``drawLines`` call per group, every segment cut to the clip first.

        Links between far-apart lanes run thousands of pixels off screen; cutting
        them here is much cheaper than letting the rasteriser walk them. A dashed
        line is cut a whole number of dashes from its start, so its dashes fall in
        the same place however much of it is repainted (a strip after an edit, or
        a scroll, joins up with what is on screen).
        """
        left, top = clip.left() - 6, clip.top() - 6
        right, bottom = clip.right() + 6, clip.bottom() + 6
        period = sum(pen.dashPattern()) * max(pen.widthF(), 1.0)
        lines: list[QLineF] = []
        heads: list[QPolygonF] = []
        for link_id in ids:
            drawing = self._drawing(link_id, scale)
            if drawing is None:
                continue
            for x0, y0, x1, y1 in drawing[1]:
                if y0 == y1:
                    if top <= y0 <= bottom:
                        a, b = (x0, x1) if x0 < x1 else (x1, x0)
                        if a < left:
                            a += (left - a) // period * period if period else left - a
                        b = min(b, right)
                        if a < b:
                            lines.append(QLineF(a, y0, b, y0))
                elif left <= x0 <= right:
                    a, b = (y0, y1) if y0 < y1 else (y1, y0)
                    if a < top:
                        a += (top - a) // period * period if period else top - a
                    b = min(b, bottom)
                    if a < b:
                        lines.append(QLineF(x0, a, x0, b))
            tip_x, tip_y = drawing[0][-1]
            if left <= tip_x <= right and top <= tip_y <= bottom:
                if self._parts is None or self._painted(tip_x, tip_y):
                    heads.append(drawing[2])
        self._stroke(p, lines, heads, pen)

    def _painted(self, x: float, y: float) -> bool:
        """Whether (x, y) is near a part of the screen this paint covers."""
        return any(a <= x <= c and b <= y <= d for a, b, c, d in self._parts or ())

    @staticmethod
    def _stroke(p: QPainter, lines: list[QLineF], heads: list[QPolygonF], pen: QPen) -> None:
        if not lines and not heads:
            return
        pen.setCapStyle(Qt.PenCapStyle.SquareCap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(pen)
        p.drawLines(lines)
        if heads:  # one smooth fill for all the heads; where some overlap (links into one
            path = QPainterPath()  # place), the winding rule fills them all, not none
            path.setFillRule(Qt.FillRule.WindingFill)
            for head in heads:
                path.addPolygon(head)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pen.color())
            p.drawPath(path)
