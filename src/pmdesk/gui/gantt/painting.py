"""Drawing bars, labels and baselines with QPainter, straight from the core layout.

Only what lies in the exposed rectangle is drawn, found by binary search in the
layout's rows. A frame has a budget of 16 ms for hundreds of bars, so the loop
is kept lean: colours, pens and brushes are made once per lane (a Swatch), text
widths and elided labels are cached, each item's name is measured once until an
edit or an undo replaces its row (or the fonts change), text is drawn at a baseline
point rather than laid out in a rectangle, a milestone's diamond is made once per
size and moved into place, and bars narrower than a few pixels are batched plain
rectangles with no text, because none could be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF, QStaticText

from pmdesk.core.enums import ItemKind, ItemStatus
from pmdesk.core.gantt_layout import Box, baseline_box, label_place, slip_days, slip_text
from pmdesk.core.timeline import TimeScale

from .links import LinkPainter
from .model import RoadmapModel
from .style import ChartStyle, Fonts, lane_colour

TINY_BAR_PX = 3.0
DENSE_ITEMS = 220  # more bars than this in one paint: the quick, square style
BADGE_PAD = 16.0  # the requirements badge: gap, document glyph, gap, then the count
MILESTONE, INITIATIVE, RELEASE = ItemKind.MILESTONE, ItemKind.INITIATIVE, ItemKind.RELEASE
DONE, CANCELLED, AT_RISK = ItemStatus.DONE, ItemStatus.CANCELLED, ItemStatus.AT_RISK
NO_PEN = Qt.PenStyle.NoPen
_FONT_AND_COLOUR = itemgetter(0, 1)  # labels drawn grouped: a font and a pen set once a group


def qrect(box: Box) -> QRectF:
    return QRectF(box.x, box.y, box.w, box.h)


def text_on(colour: QColor) -> QColor:
    """White or near-black, whichever reads better on ``colour``."""
    luminance = 0.2126 * colour.redF() + 0.7152 * colour.greenF() + 0.0722 * colour.blueF()
    return QColor("#ffffff") if luminance < 0.6 else QColor("#1d2126")


@dataclass
class Swatch:
    """Every colour one lane's items are painted with, made once per lane and theme."""

    fill: QColor
    done: QColor
    release: QColor
    release_done: QColor
    milestone: QColor
    initiative: QColor
    initiative_border: QPen
    initiative_text: QColor
    cancelled: QColor
    text: QColor

    @classmethod
    def of(cls, colour: QColor, style: ChartStyle) -> Swatch:
        release = colour.darker(118)
        return cls(
            fill=colour,
            done=colour.darker(128),
            release=release,
            release_done=colour.darker(150),
            milestone=colour.darker(112),
            initiative=style.tint(colour, 0.68 if style.dark else 0.8),
            initiative_border=QPen(style.tint(colour, 0.35), 1.0),
            initiative_text=colour.lighter(165) if style.dark else colour.darker(150),
            cancelled=style.tint(colour, 0.55),
            text=text_on(colour),
        )


class ChartPainter:
    """Paints the model; one per chart, holding style, fonts and the caches that keep it fast."""

    def __init__(self, model: RoadmapModel, style: ChartStyle, fonts: Fonts) -> None:
        self.model = model
        self.hover: int | None = None
        self.whole_labels = False  # presenting: a name whole, or not at all
        self.visible_right = None  # () -> the x where the screen ends (set by the panel)
        self._label_ends: dict[float, float] = {}
        self.links = LinkPainter(model, style)
        self.set_style(style, fonts)

    def set_style(self, style: ChartStyle, fonts: Fonts) -> None:
        self.style, self.fonts = style, fonts
        self.links.style = style
        self._swatches: dict[int, Swatch] = {}
        self._elided: dict[tuple[str, int, bool], tuple[str, float]] = {}  # and its width
        self._statics: dict[tuple[str, bool], QStaticText] = {}
        # item id -> (its row, bold, the name as shown, its width): a name is measured once
        # until its row changes (an edit or an undo replaces the row) or the fonts do
        self._names: dict[int, tuple] = {}
        self._outline_pens = {
            "critical": QPen(style.critical, 2.0),
            "selected": QPen(style.highlight, 2.0),
            "hover": QPen(_alpha(style.highlight, 0.55), 1.5),
            "risk": QPen(style.base, 1.2),
            "milestone": QPen(style.base, 1.5),
        }
        self._hatch = QBrush(style.base, Qt.BrushStyle.BDiagPattern)
        metrics = fonts.label_metrics
        self._text_dy = (metrics.ascent() - metrics.descent()) / 2
        self._line_height = metrics.height()
        small = fonts.small_metrics
        self._small_dy = (small.ascent() - small.descent()) / 2

    def colour_of_lane(self, lane_id: int) -> QColor:
        return self.swatch(lane_id).fill

    def swatch(self, lane_id: int) -> Swatch:
        found = self._swatches.get(lane_id)
        if found is None:
            index = self.model.lane_index.get(lane_id, 0)
            lanes = self.model.lanes
            chosen = lanes[index].colour if index < len(lanes) else ""
            found = self._swatches[lane_id] = Swatch.of(lane_colour(index, chosen), self.style)
        return found

    def forget_colours(self) -> None:
        self._swatches.clear()

    def route(self, link_id: int, scale: TimeScale):
        return self.links.route(link_id, scale)

    def link_routes(self, scale: TimeScale, shown: QRectF):
        """The links drawn whole on a screen showing ``shown``, as paths to hit."""
        return self.links.drawn_routes(scale, shown)

    def paint_links(
        self, p: QPainter, scale: TimeScale, shown: QRectF, clip: QRectF, parts=None
    ) -> None:
        self.links.paint(p, scale, shown, clip, parts)

    # -- bars ------------------------------------------------------------------------------

    def paint_bars(self, p: QPainter, scale: TimeScale, rect: QRectF) -> None:
        """Shapes first, then labels (grouped by font and colour) on top."""
        entries, tiny, shown = self._entries(scale, rect)
        labels: list[tuple] = []
        self._label_ends: dict[float, float] = {}  # row top -> where its last label ends
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if shown > DENSE_ITEMS:
            self._paint_dense(p, scale, entries, labels)
        else:
            for entry in entries:
                self._paint_one(p, scale, entry, labels)
        p.setPen(NO_PEN)
        for lane_id, rects in tiny.items():
            p.setBrush(self.swatch(lane_id).fill)
            p.drawRects(rects)
        self._draw_labels(p, labels)

    def _entries(self, scale: TimeScale, rect: QRectF):
        """(item, row, box, swatch, next bar's x, row top, show label, shape on screen) to draw,
        the thin bars by lane, and how many shapes are on screen.

        Every shape is placed by the core layout in one call (``bar_boxes``); bars too
        thin to see come back apart, as rectangles to fill in one go.
        """
        model, layout = self.model, self.model.layout
        m = layout.metrics
        reach = m.max_label_width + m.label_padding + 40  # a label (or slip) beside a bar
        labels = scale.px_per_day >= 0.3
        day0 = scale.ordinal_at(rect.left() - reach)
        # A bar just right of the area may have its name before it, reaching in (a strip
        # uncovered by a scroll, an edit's): it is placed as a whole paint places it.
        day1 = scale.ordinal_at(rect.right() + (reach if labels else 0)) + 1
        rows = model.items
        left, right = rect.left() - 6, rect.right() + 6
        entries: list[tuple] = []
        tiny: dict[int, list[QRectF]] = {}
        swatches = self._swatches
        shown = 0
        for item, box, row_top, compact, nxt, prev in layout.bar_boxes(
            day0, day1, rect.top(), rect.bottom(), scale
        ):
            if item.kind is not MILESTONE and (compact or box.w < TINY_BAR_PX):
                if box.x <= right:  # a thin bar has no name: past the area, nothing to draw
                    tiny.setdefault(item.lane_id, []).append(QRectF(box.x, box.y, box.w, box.h))
                continue
            on_screen = box.x + box.w >= left and box.x <= right
            if not on_screen and (not labels or (nxt is not None and nxt <= left)):
                continue  # off the area, and its name cannot reach in either
            shown += on_screen
            swatch = swatches.get(item.lane_id) or self.swatch(item.lane_id)
            entries.append(
                (
                    item,
                    rows[item.id],
                    box,
                    swatch,
                    nxt,
                    row_top,
                    (labels or box.w > 40) and not compact,
                    on_screen,
                    prev,
                )
            )
        return entries, tiny, shown

    def _paint_one(
        self, p: QPainter, scale: TimeScale, entry: tuple, labels: list, with_label: bool = True
    ) -> None:
        item, row, box, swatch, nxt, row_top, label, on_screen, prev = entry
        if on_screen:
            if (
                item.baseline is not None
                and (layout := self.model.layout).metrics.with_baseline
                and not layout.box_of[item.lane_id].collapsed
            ):  # a folded lane: one row
                self._paint_baseline(p, item, row_top, scale, box, nxt)
            self._paint_shape(p, row, item.kind, box, swatch)
            if with_label:  # (the dense style outlines everything at the end)
                self._paint_marks(p, item.id, row.status, box, item.kind is MILESTONE)
        if label and with_label:
            self._place_label(row, item.kind, box, swatch, nxt, labels, row_top, prev)

    def _paint_dense(self, p: QPainter, scale: TimeScale, entries: list, labels: list) -> None:
        """Many bars on screen: square, pixel-aligned rectangles filled in batches.

        Rounded, antialiased corners cost three times as much to draw and cannot
        be told apart at this density; milestones, releases and outlines keep
        their shapes. The loop runs over hundreds of bars a frame, so it reads
        each value once and picks the outlined items in the same pass.
        """
        fills: dict[int, list[QRectF]] = {}  # by colour (rgba), in the order first met
        accents: dict[int, list[QRectF]] = {}  # an initiative's strip, over every fill
        colours: dict[int, QColor] = {}
        keys: dict[int, tuple[int, int, int, int]] = {}  # swatch -> its colours' keys
        batch = fills.setdefault
        m = self.model.layout.metrics
        with_baseline = m.with_baseline
        # _place_label's first test, made here: most bars of a dense screen have no room.
        widest, narrowest, pad2 = m.max_label_width, m.min_label_width, 2 * m.label_padding
        place_label = self._place_label
        model, hover = self.model, self.hover
        # Outlined: selected, hovered, critical (at risk: a dot). The sets are not merged: the
        # critical path of a large plan holds thousands of items.
        selected, critical = model.selected, model.critical if model.show_critical else ()
        shaped, outlined = [], []
        for entry in entries:
            item, row, box, swatch, nxt, row_top, label, on_screen, prev = entry
            kind = item.kind
            x, w = box.x, box.w
            if label and (
                (widest if nxt is None else nxt - (x + w) - pad2) >= narrowest
                or (kind is not MILESTONE and w - pad2 >= narrowest)
            ):
                place_label(row, kind, box, swatch, nxt, labels, row_top, prev)
            if not on_screen:
                continue
            status = row.status
            if status is AT_RISK or item.id in selected or item.id == hover or item.id in critical:
                outlined.append(entry)
            if (
                kind is MILESTONE
                or kind is RELEASE
                or (with_baseline and item.baseline is not None)
            ):
                shaped.append(entry)
                continue
            found = keys.get(id(swatch))
            if found is None:
                shades = (swatch.fill, swatch.done, swatch.initiative, swatch.cancelled)
                found = keys[id(swatch)] = tuple(c.rgba() for c in shades)  # type: ignore[assignment]
                colours.update(zip(found, shades, strict=True))
            x0, x1 = round(x), round(x + w)
            y, h, w = round(box.y), round(box.h), max(x1 - x0, 1)
            if kind is INITIATIVE:
                batch(found[2], []).append(QRectF(x0, y, w, h))
                accents.setdefault(found[0], []).append(QRectF(x0, y, min(3, w), h))
            elif status is CANCELLED:
                batch(found[3], []).append(QRectF(x0, y, w, h))
            else:
                batch(found[0], []).append(QRectF(x0, y, w, h))
                progress = row.progress
                if 0 < progress < 100:
                    batch(found[1], []).append(QRectF(x0, y, round(w * progress / 100), h))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(NO_PEN)
        for key, rects in [*fills.items(), *accents.items()]:
            p.setBrush(colours[key])
            p.drawRects(rects)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for entry in shaped:
            self._paint_one(p, scale, entry, labels, with_label=False)
        for item, row, box, _swatch, _nxt, _top, _label, _on_screen, _prev in outlined:
            self._paint_marks(p, item.id, row.status, box, item.kind is MILESTONE)

    def _paint_shape(self, p: QPainter, row, kind: ItemKind, box: Box, swatch: Swatch) -> None:
        cancelled = row.status is CANCELLED
        if kind is MILESTONE:
            p.setPen(self._outline_pens["milestone"])
            p.setBrush(swatch.cancelled if cancelled else swatch.milestone)
            p.drawPolygon(diamond(box))
            return
        rect = QRectF(box.x, box.y, box.w, box.h)
        r = min(4.0, box.h / 2, box.w / 2)
        if kind is INITIATIVE:
            p.setBrush(swatch.initiative)
            p.setPen(swatch.initiative_border)
            p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), r, r)
            p.setPen(NO_PEN)
            p.setBrush(swatch.fill)
            p.drawRoundedRect(QRectF(box.x, box.y, min(4.0, box.w), box.h), 2, 2)
            if row.progress > 0 and box.w >= 8:
                width = (box.w - 6) * row.progress / 100
                p.drawRoundedRect(QRectF(box.x + 5, box.bottom - 4.5, width, 2.5), 1.2, 1.2)
            return
        p.setPen(NO_PEN)
        release = kind is RELEASE
        p.setBrush(swatch.cancelled if cancelled else swatch.release if release else swatch.fill)
        if release:
            p.drawPolygon(chevron(box))
        else:
            p.drawRoundedRect(rect, r, r)
        if cancelled:
            p.setBrush(self._hatch)
            p.drawRoundedRect(rect, r, r)
        elif 0 < row.progress < 100 and box.w >= 8:
            p.save()  # the done part, a shade darker, clipped to the bar's shape
            p.setClipRect(QRectF(box.x, box.y, box.w * row.progress / 100, box.h))
            p.setBrush(swatch.release_done if release else swatch.done)
            if release:
                p.drawPolygon(chevron(box))
            else:
                p.drawRoundedRect(rect, r, r)
            p.restore()

    def _paint_marks(self, p: QPainter, item_id: int, status, box: Box, milestone: bool) -> None:
        """Critical-path, selection and hover outlines, and the at-risk dot."""
        model, pens = self.model, self._outline_pens
        if (
            status is not AT_RISK
            and item_id not in model.selected
            and item_id != self.hover
            and (not model.show_critical or item_id not in model.critical)
        ):
            return
        p.setBrush(Qt.BrushStyle.NoBrush)
        outline = box.grown(2.5)
        if model.show_critical and item_id in model.critical:
            p.setPen(pens["critical"])
            _outline(p, outline, milestone)
        if item_id in model.selected:
            p.setPen(pens["selected"])
            _outline(p, outline.grown(1.5), milestone)
        elif item_id == self.hover:
            p.setPen(pens["hover"])
            _outline(p, outline, milestone)
        if status is AT_RISK and box.w >= 10:
            p.setPen(pens["risk"])
            p.setBrush(self.style.at_risk)
            p.drawEllipse(QPointF(box.right - (0 if milestone else 6), box.y + 1), 3.5, 3.5)

    def _place_label(
        self,
        row,
        kind: ItemKind,
        box: Box,
        swatch: Swatch,
        next_left: float | None,
        labels: list,
        row_top: float = 0.0,
        prev_right: float | None = None,
    ) -> None:
        """Where the item's name goes (if anywhere), added to ``labels`` to draw later.

        Left of the bar is tried too, clear of the previous bar and of its label (the
        labels of a row are placed left to right, so the last one's end is known).
        """
        m = self.model.layout.metrics
        pad = m.label_padding
        right = box.x + box.w
        room = m.max_label_width if next_left is None else next_left - right - 2 * pad
        if kind is not MILESTONE:
            room = max(room, box.w - 2 * pad)
        if room < m.min_label_width:
            return  # no readable place, whatever the name (the common case when dense)
        fonts = self.fonts
        bold = kind is INITIATIVE
        named = self._names.get(row.id)
        if named is None or named[0] is not row or named[1] is not bold:
            if len(self._names) > 50_000:
                self._names.clear()
            text = "✓ " + row.name if row.status is DONE else row.name
            named = self._names[row.id] = (row, bold, text, fonts.width(text, bold))
        text, width = named[2], named[3]
        count = self.model.requirement_counts.get(row.id, 0)
        badge = self._badge_width(count) if count else 0.0
        if self.whole_labels and self.visible_right is not None:
            edge = self.visible_right() - pad  # a name cut by the screen's edge is cut too
            next_left = edge if next_left is None else min(next_left, edge)
        ends = self._label_ends
        limit = max(prev_right if prev_right is not None else 0.0, ends.get(row_top, 0.0))
        place = label_place(box, width + badge, next_left, m, kind is MILESTONE, limit)
        if place is None:
            return
        if width + badge > place.width and self.whole_labels:
            if width > place.width:
                return  # a room reads whole names or none, never "Ti…"
            count, badge = 0, 0.0
        if width + badge > place.width:
            text, width = self._elide(text, place.width - badge, bold)
            if len(text) < 3:
                return
        if row.status is CANCELLED:
            pen = self.style.muted
        elif place.inside:
            pen = swatch.initiative_text if bold else swatch.text
        else:
            pen = self.style.text
        x = place.x + (2 if bold and place.inside else 0)
        ends[row_top] = max(x + width + badge, right)
        labels.append((bold, pen.rgba(), pen, x, box.y + box.h / 2, text, count, x + width))

    def _badge_width(self, count: int) -> float:
        """Room for the requirements badge after a name (none when it delivers none)."""
        return self.fonts.small_width(str(count)) + BADGE_PAD if count else 0.0

    def _draw_labels(self, p: QPainter, labels: list) -> None:
        """Static texts (laid out once, then only blitted), grouped by font and colour."""
        fonts, statics, draw = self.fonts, self._statics, p.drawStaticText
        half = self._line_height / 2
        labels.sort(key=_FONT_AND_COLOUR)
        current = None
        for bold, key, pen, x, cy, text, _count, _end in labels:
            if (bold, key) != current:
                current = (bold, key)
                p.setFont(fonts.bold if bold else fonts.label)
                p.setPen(pen)
            static = statics.get((text, bold))
            draw(QPointF(x, cy - half), self._static(text, bold) if static is None else static)
        for _bold, _key, pen, _x, cy, _text, count, end in labels:
            if count:
                self._paint_badge(p, end + 5, cy, count, pen)

    def _paint_badge(self, p: QPainter, x: float, cy: float, count: int, colour: QColor) -> None:
        """A small document and the number of requirements the item delivers."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(colour, 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRoundedRect(QRectF(x, cy - 4.5, 6.5, 9), 1.2, 1.2)
        p.drawLine(QPointF(x + 1.8, cy - 1.5), QPointF(x + 4.7, cy - 1.5))
        p.drawLine(QPointF(x + 1.8, cy + 1.2), QPointF(x + 4.7, cy + 1.2))
        p.setFont(self.fonts.small)
        p.drawText(QPointF(x + 9, cy + self._small_dy), str(count))

    def _static(self, text: str, bold: bool) -> QStaticText:
        key = (text, bold)
        found = self._statics.get(key)
        if found is None:
            if len(self._statics) > 20_000:
                self._statics.clear()
            found = QStaticText(text)
            found.setTextFormat(Qt.TextFormat.PlainText)  # user text is never markup
            found.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            self._statics[key] = found
        return found

    def _elide(self, text: str, width: float, bold: bool) -> tuple[str, float]:
        """``text`` cut to ``width`` (“Harden perm…”), and the width of what is left."""
        key = (text, int(width), bold)
        found = self._elided.get(key)
        if found is None:
            if len(self._elided) > 20_000:
                self._elided.clear()
            cut = self.fonts.elide(text, int(width), bold)
            found = self._elided[key] = (cut, self.fonts.width(cut, bold))
        return found

    def _paint_baseline(
        self, p: QPainter, item, row_top: float, scale: TimeScale, box: Box, next_left: float | None
    ) -> None:
        """The baseline bar under the item, and its slip in days where there is room."""
        base = baseline_box(item, row_top, scale, self.model.layout.metrics)
        if base is None:
            return
        p.setPen(NO_PEN)
        p.setBrush(self.style.baseline)
        if item.is_milestone:
            p.drawPolygon(diamond(base.grown(1.5)))
        else:
            p.drawRoundedRect(qrect(base), 1.5, 1.5)
        slip = slip_days(item)
        if not slip:
            return
        text = slip_text(slip)
        width = self.fonts.small_metrics.horizontalAdvance(text)
        if slip > 0 and box.right - base.right >= width + 8:
            x = base.right + 4  # in the stretch the item slipped by
        else:
            x = max(base.right, box.right) + 4
        if next_left is not None and x + width > next_left - 2:
            return
        p.setFont(self.fonts.small)
        p.setPen(self.style.late if slip > 0 else self.style.early)
        p.drawText(QPointF(x, base.cy + self._small_dy), text)


def _alpha(colour: QColor, alpha: float) -> QColor:
    faded = QColor(colour)
    faded.setAlphaF(alpha)
    return faded


def _outline(p: QPainter, box: Box, milestone: bool) -> None:
    if milestone:
        p.drawPolygon(diamond(box))
    else:
        p.drawRoundedRect(qrect(box), 5, 5)


_DIAMONDS: dict[tuple[float, float], QPolygonF] = {}


def diamond(box: Box) -> QPolygonF:
    """The diamond in ``box``: one made per size, moved into place (the same points:
    ``x + w / 2`` is ``w / 2 + x`` to the last bit)."""
    w, h = box.w, box.h
    shape = _DIAMONDS.get((w, h))
    if shape is None:
        if len(_DIAMONDS) > 256:
            _DIAMONDS.clear()
        shape = _DIAMONDS[w, h] = QPolygonF(
            [QPointF(w / 2, 0.0), QPointF(w, h / 2), QPointF(w / 2, h), QPointF(0.0, h / 2)]
        )
    return shape.translated(box.x, box.y)


def chevron(box: Box) -> QPolygonF:
    """A bar whose right end is an arrow point: a release ships at its end."""
    tip = min(box.h / 2, box.w / 2)
    return QPolygonF(
        [
            QPointF(box.x, box.y),
            QPointF(box.right - tip, box.y),
            QPointF(box.right, box.cy),
            QPointF(box.right - tip, box.bottom),
            QPointF(box.x, box.bottom),
        ]
    )
