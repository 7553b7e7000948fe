"""Graphics items of the board. They draw and report gestures; they never change data."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
    QGraphicsSceneWheelEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from .style import BoardStyle, wrap_option

Flag = QGraphicsItem.GraphicsItemFlag
EMPTY_BLOCK_HINT = "Double-click or type to add a note"


@dataclass(frozen=True)
class NoteData:
    """What the board shows of a note: copied from the service's row, never written back."""

    id: int
    block: str
    text: str
    colour: str
    position: int
    votes: int = 0
    items: int = 0
    requirements: int = 0


class NoteItem(QGraphicsObject):
    def __init__(self, data: NoteData, style: BoardStyle) -> None:
        super().__init__()
        self.data = data
        self.style = style
        self.rect = QRectF(0, 0, 100, 60)
        self.scale_factor = 1.0
        self.dots = 0  # the current voter's dots on this note, while voting
        self.hide_votes = False  # while a round is open, earlier results would sway it
        self.setFlags(Flag.ItemIsSelectable | Flag.ItemIsFocusable)
        self.setAcceptHoverEvents(True)
        self.setToolTip(data.text)

    def set_data(self, data: NoteData) -> None:
        self.data = data
        self.setToolTip(data.text)
        self.update()

    def set_geometry(self, rect: QRectF, scale: float) -> None:
        self.prepareGeometryChange()
        self.setPos(rect.topLeft())
        self.rect = QRectF(0, 0, rect.width(), rect.height())
        self.scale_factor = scale

    def boundingRect(self) -> QRectF:
        margin = self.style.stroke * 2 + 3
        return self.rect.adjusted(-margin, -margin, margin + 3, margin + 3)

    def paint(
        self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None
    ) -> None:
        style, rect = self.style, self.rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        radius = 4 * self.scale_factor
        if not style.projected:  # a soft shadow on the desk; none on a projector (it greys)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 40))
            painter.drawRoundedRect(rect.translated(1.5, 2.5), radius, radius)
        fill = style.note_fill(self.data.colour)
        border = QPen(
            style.accent if self.isSelected() else fill.darker(135 if not style.projected else 400)
        )
        border.setWidthF(style.stroke * (2.5 if self.isSelected() else 1))
        painter.setPen(border)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, radius, radius)
        pad = 8 * self.scale_factor
        painter.setPen(style.note_ink())
        painter.setFont(style.font(style.body_px * self.scale_factor))
        painter.drawText(rect.adjusted(pad, pad, -pad, -pad), self.data.text, wrap_option())
        self._paint_badges(painter, pad)

    def _paint_badges(self, painter: QPainter, pad: float) -> None:
        badges = []
        if self.dots:
            badges.append(("●" * min(self.dots, 5), "dots"))
        elif self.data.votes and not self.hide_votes:
            badges.append((f"● {self.data.votes}", "votes"))
        links = self.data.items + self.data.requirements
        if links:
            badges.append((f"↗ {links}", "links"))
        font = self.style.font(self.style.small_px * self.scale_factor * 0.85, bold=True)
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        x = self.rect.right() - pad / 2
        for text, _kind in badges:
            width = metrics.horizontalAdvance(text) + pad
            box = QRectF(
                x - width, self.rect.bottom() - metrics.height() - pad / 2, width, metrics.height()
            )
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 190))
            painter.drawRoundedRect(box, box.height() / 2, box.height() / 2)
            painter.setPen(QColor("#FFFFFF"))
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)
            x -= width + pad / 3

    def last_line_above(self, limit: float) -> float | None:
        """In its parent's coordinates, the bottom of the note's last line of text that ends
        above ``limit`` (None if not even its first does): where to cut a note too tall."""
        pad = 8 * self.scale_factor
        line = QFontMetricsF(self.style.font(self.style.body_px * self.scale_factor)).height()
        top = self.mapRectToParent(self.rect).top() + pad
        lines = int((limit - top) // line) if line > 0 else 0
        return top + lines * line if lines > 0 else None

    def has_badges(self) -> bool:
        return bool(self.dots or self.data.votes or self.data.items or self.data.requirements)

    def badge_height(self, scale: float) -> float:
        """Room kept under the text for the badges, so they never cover it."""
        font = self.style.font(self.style.small_px * scale * 0.85, bold=True)
        return QFontMetricsF(font).height() + 2 if self.has_badges() else 0.0

    def badge_text(self) -> str:
        """What the link badge says, in words (tooltips and tests)."""
        parts = []
        if self.data.items:
            parts.append(f"{self.data.items} roadmap item{'s' * (self.data.items != 1)}")
        if self.data.requirements:
            n = self.data.requirements
            parts.append(f"{n} requirement{'s' * (n != 1)}")
        return ", ".join(parts)


def block_padding(style: BoardStyle) -> float:
    return max(8.0, style.body_px * 0.45)


def title_layout(style: BoardStyle, title: str, width: float) -> tuple[QFont, list[str]]:
    """A block title's font and lines at a block width: always whole, never cut to "Diff…".

    It wraps at word boundaries, room kept on the first line for the count; the
    type shrinks (never below body text) only when a single word would not fit,
    so the titles of a board share one size.
    """
    font = style.font(style.title_px, bold=True)
    metrics = QFontMetricsF(font)
    room = width - 2 * block_padding(style)
    words = title.split() or [""]
    longest = max(
        max(metrics.horizontalAdvance(w) for w in words),
        metrics.horizontalAdvance(words[0] + " 00"),
    )
    if longest > room:
        font = style.font(max(style.body_px, int(style.title_px * room / longest)), bold=True)
        metrics = QFontMetricsF(font)
    first = room - metrics.horizontalAdvance(" 00")
    lines: list[str] = []
    for word in title.split():
        if lines and metrics.horizontalAdvance(f"{lines[-1]} {word}") <= (
            first if len(lines) == 1 else room
        ):
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return font, lines or [""]


def header_height(style: BoardStyle, title: str, width: float) -> float:
    """Room above a block's notes: its title lines and a little air."""
    font, lines = title_layout(style, title, width)
    pad = block_padding(style)
    return (
        pad * 0.6
        + len(lines) * QFontMetricsF(font).lineSpacing()
        + max(pad * 0.6, style.title_px * 0.35)
    )


def longest_word(style: BoardStyle, title: str) -> float:
    """The narrowest a block can be with its title whole (wrapped at every space)."""
    font = style.font(min(style.body_px, style.title_px), bold=True)
    metrics = QFontMetricsF(font)
    words = title.split() or [""]
    return max(
        max(metrics.horizontalAdvance(w) for w in words),
        metrics.horizontalAdvance(words[0] + " 00"),
    )


class NotesArea(QGraphicsRectItem):
    """The part of a block under its title; clips the notes so a crowded block can scroll.

    ``clip_bottom``: where the clip ends above the area's bottom (None: at its bottom).
    """

    def __init__(self, parent: QGraphicsItem) -> None:
        super().__init__(parent)
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.setFlag(Flag.ItemClipsChildrenToShape)
        self.clip_bottom: float | None = None

    def shape(self) -> QPainterPath:
        rect = self.rect()
        if self.clip_bottom is not None:
            rect.setBottom(min(rect.bottom(), self.clip_bottom))
        path = QPainterPath()
        path.addRect(rect)
        return path

    def visible_rect(self) -> QRectF:
        """The part of the area whose notes are seen."""
        return self.shape().boundingRect()


class BlockItem(QGraphicsObject):
    """One block of the template: title, prompt, and an area of notes that may scroll."""

    def __init__(self, key: str, title: str, prompt: str, style: BoardStyle) -> None:
        super().__init__()
        self.key, self.title, self.prompt, self.style = key, title, prompt, style
        self.rect = QRectF(0, 0, 100, 100)
        self.area = NotesArea(self)
        self.more = MoreBadge(self)
        self.scroll = 0.0
        self.content_height = 0.0
        self.count = 0
        self.setFlags(Flag.ItemIsFocusable)
        self.setZValue(-1)

    def set_geometry(self, rect: QRectF, header: float) -> None:
        self.prepareGeometryChange()
        self.setPos(rect.topLeft())
        self.rect = QRectF(0, 0, rect.width(), rect.height())
        pad = self.padding
        self.area.setRect(
            QRectF(pad, header, rect.width() - 2 * pad, max(1.0, rect.height() - header - pad))
        )

    @property
    def padding(self) -> float:
        return block_padding(self.style)

    def max_scroll(self) -> float:
        room = self.area.rect().height()
        if self.style.projected and self.content_height > room:  # the last note clears "+N more"
            room = min(room, self.more.pill_top() - self.area.rect().top())
        return max(0.0, self.content_height - room)

    def boundingRect(self) -> QRectF:
        half = self.style.stroke * 2
        return self.rect.adjusted(-half, -half, half, half)

    def paint(
        self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None
    ) -> None:
        style = self.style
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        focused = self.hasFocus()
        pen = QPen(style.accent if focused else style.block_border)
        pen.setWidthF(style.stroke * (3 if focused else 1))
        painter.setPen(pen)
        painter.setBrush(style.block_fill)
        painter.drawRoundedRect(self.rect, 6, 6)
        pad = self.padding
        title_font, lines = title_layout(style, self.title, self.rect.width())
        metrics = QFontMetricsF(title_font)
        painter.setFont(title_font)
        painter.setPen(style.ink)
        count = str(self.count) if self.count else ""
        count_width = metrics.horizontalAdvance(count) + pad if count else 0
        top = pad * 0.6
        for number, text in enumerate(lines):
            line = QRectF(
                pad,
                top + number * metrics.lineSpacing(),
                self.rect.width() - 2 * pad - (count_width if number == 0 else 0),
                metrics.height(),
            )
            painter.drawText(
                line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text
            )
        if count:
            painter.setPen(style.quiet)
            painter.drawText(
                QRectF(self.rect.width() - pad - count_width, top, count_width, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                count,
            )
        if self.hint_text():
            painter.setFont(style.font(style.small_px))
            painter.setPen(style.quiet)
            flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
            box = self.area.rect()
            used = painter.boundingRect(box, flags, self.prompt) if self.prompt else QRectF()
            painter.drawText(box, flags, self.prompt)
            painter.setFont(style.font(style.small_px, italic=True))
            painter.drawText(
                box.adjusted(0, used.height() + style.small_px * 0.4, 0, 0), flags, self.hint_text()
            )
        if self.max_scroll() > 0:
            self._paint_scroll_hint(painter)

    def hint_text(self) -> str:
        """What an empty block says on the desk: how to fill it (a projector shows titles only)."""
        return EMPTY_BLOCK_HINT if self.count == 0 and not self.style.projected else ""

    def _paint_scroll_hint(self, painter: QPainter) -> None:
        area = self.area.rect()
        share = area.height() / max(1.0, self.content_height)
        top = area.top() + (self.scroll / max(1.0, self.content_height)) * area.height()
        bar = QRectF(self.rect.right() - 5, top, 3, area.height() * share)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.style.quiet)
        painter.drawRoundedRect(bar, 1.5, 1.5)

    def set_scroll(self, value: float) -> None:
        value = min(self.max_scroll(), max(0.0, value))
        delta = value - self.scroll
        self.scroll = value
        for child in self.area.childItems():
            child.moveBy(0, -delta)
        self.notes_placed()

    def notes_placed(self) -> None:
        """After the notes moved: on a projector a crowded block shows the notes wholly above
        its "+N more", not the next one half under it (a note taller than the block is cut
        under its last line of text above the badge)."""
        area = self.area
        area.clip_bottom = None
        if self.style.projected and self.max_scroll() > 0:
            limit = self.more.pill_top()
            top = area.rect().top() - 1
            whole = [
                r.bottom() for r in self._note_rects() if r.top() >= top and r.bottom() <= limit
            ]
            area.clip_bottom = max(whole) + 1 if whole else self._cut_line(limit)
        area.update()
        self.update()
        self.more.update()

    def _cut_line(self, limit: float) -> float:
        """Where a note taller than the block is cut: under its last whole line of text."""
        top = self.area.rect().top() - 1
        seen = [(r.top(), note) for note, r in self._placed() if r.bottom() > top]
        first = min(seen, key=lambda pair: pair[0], default=None)
        line = first[1].last_line_above(limit) if first is not None else None
        return line + 2 if line is not None else limit

    def _placed(self) -> list[tuple[NoteItem, QRectF]]:
        """The block's notes, each with its rectangle in the notes area."""
        return [
            (child, child.mapRectToParent(child.rect))
            for child in self.area.childItems()
            if isinstance(child, NoteItem)
        ]

    def _note_rects(self) -> list[QRectF]:
        return [rect for _note, rect in self._placed()]

    def hidden_count(self) -> int:
        """Notes not wholly in view (above or below the scrolled part of a crowded block)."""
        seen = self.area.visible_rect().adjusted(-1, -1, 1, 1)
        return sum(1 for rect in self._note_rects() if not seen.contains(rect))

    def wheelEvent(self, event: QGraphicsSceneWheelEvent) -> None:
        if self.max_scroll() <= 0:
            event.ignore()
            return
        self.set_scroll(self.scroll - event.delta() / 2)
        event.accept()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        event.accept()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if scene is not None:
            scene.captureRequested.emit(self.key, "")
        event.accept()

    def keyPressEvent(self, event) -> None:
        text = event.text()
        plain = not (
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        )
        scene = self.scene()
        if scene is not None and plain and text and text.isprintable() and text.strip():
            scene.captureRequested.emit(self.key, text)  # typing starts a note
            event.accept()
            return
        if scene is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            scene.captureRequested.emit(self.key, "")
            event.accept()
            return
        event.ignore()

    def local_point(self, scene_pos: QPointF) -> QPointF:
        """A scene point in the notes area's coordinates, scroll included."""
        return self.area.mapFromScene(scene_pos) + QPointF(0, self.scroll)


class MoreBadge(QGraphicsItem):
    """“+3 more” over a crowded block's notes, so a room knows some are out of view."""

    def __init__(self, block: BlockItem) -> None:
        super().__init__(block)
        self.block = block
        self.setZValue(2)  # above the notes area

    def text(self) -> str:
        hidden = self.block.hidden_count()
        return f"+{hidden} more" if hidden else ""

    def boundingRect(self) -> QRectF:
        return self.block.rect

    def _font(self) -> QFont:
        style = self.block.style
        return style.font(style.small_px, bold=True)

    def _height(self) -> float:
        return QFontMetricsF(self._font()).height() * 1.2

    def pill_top(self) -> float:
        """The top of the badge, in the block's coordinates (over the padding, mostly)."""
        return self.block.rect.bottom() - self.block.style.stroke * 1.5 - self._height()

    def paint(
        self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None
    ) -> None:
        text = self.text()
        if not text:
            return
        style = self.block.style
        font = self._font()
        metrics = QFontMetricsF(font)
        area = self.block.area.rect()
        width, height = metrics.horizontalAdvance(text) + metrics.height(), self._height()
        pill = QRectF(area.right() - width, self.pill_top(), width, height)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.ink)
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(style.block_fill)
        painter.setFont(font)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
