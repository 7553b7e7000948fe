"""The map's graphics items. They draw and report gestures; they never change data.

A token being dragged tells its scene, which turns finished drags into one
"moves requested" signal for the view to make an undoable command of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from pmdesk.core.enums import Attitude

from .style import ATTITUDE_COLOURS, glyph_path

if TYPE_CHECKING:
    from .scene import MapScene


class TokenItem(QGraphicsPathItem):
    """One stakeholder: glyph and colour for attitude, size for importance."""

    def __init__(
        self,
        person_id: int,
        attitude: Attitude,
        radius: float,
        outline: QColor,
        highlight: QColor,
        movable: bool,
    ) -> None:
        super().__init__(glyph_path(attitude, radius))
        self.person_id = person_id
        self.radius = radius
        self._outline = outline
        self._highlight = highlight
        self.setBrush(QBrush(QColor(ATTITUDE_COLOURS[attitude])))
        self.setPen(QPen(outline, max(1.5, radius * 0.14)))
        flags = (
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        if movable:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setFlags(flags)
        self.setAcceptHoverEvents(True)
        self.setZValue(10)

    def map_scene(self) -> MapScene | None:
        return self.scene()  # type: ignore[return-value]

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        scene = self.map_scene()
        if scene is not None and change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            return scene.clamp_to_grid(value)
        if scene is not None and change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            scene.token_dragged(self)
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._show_selected(bool(value))
        return super().itemChange(change, value)

    def _show_selected(self, selected: bool) -> None:
        width = max(1.5, self.radius * 0.14)
        self.setPen(QPen(self._highlight, width * 2.4) if selected else QPen(self._outline, width))
        self.setZValue(12 if selected else 10)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mousePressEvent(event)
        scene = self.map_scene()
        if scene is not None and event.button() == Qt.MouseButton.LeftButton:
            scene.drag_started()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        scene = self.map_scene()
        if scene is not None and event.button() == Qt.MouseButton.LeftButton:
            scene.drag_finished()

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.map_scene()
        if scene is not None:
            scene.activated.emit(self.person_id)
        super().mouseDoubleClickEvent(event)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.setScale(1.12)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.setScale(1.0)
        super().hoverLeaveEvent(event)


class DesiredHandle(QGraphicsPathItem):
    """The ring at the end of a desired-move arrow; drag it to change where they should be."""

    def __init__(self, person_id: int, radius: float, colour: QColor, movable: bool) -> None:
        path = QPainterPath()
        path.addEllipse(QPointF(0, 0), radius, radius)
        super().__init__(path)
        self.person_id = person_id
        self.setPen(QPen(colour, max(1.5, radius * 0.3), Qt.PenStyle.SolidLine))
        self.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        flags = QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        if movable:
            flags |= QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            self.setCursor(Qt.CursorShape.SizeAllCursor)
        self.setFlags(flags)
        self.setZValue(8)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        scene = self.scene()
        if scene is not None and change == QGraphicsItem.GraphicsItemChange.ItemPositionChange:
            return scene.clamp_to_grid(value)
        return super().itemChange(change, value)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        scene = self.scene()
        if scene is not None and event.button() == Qt.MouseButton.LeftButton:
            scene.desired_dropped(self)


class TextBox(QGraphicsItem):
    """Text on a rounded plate of the background colour: names stay legible over lines."""

    def __init__(
        self,
        text: str,
        font: QFont,
        ink: QColor,
        plate: QColor | None,
        rect: QRectF,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag | None = None,
        border: QColor | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self._font = QFont(font)
        self._font.setBold(bold)
        self._ink = ink
        self._plate = plate
        self._border = border
        self._rect = QRectF(0, 0, rect.width(), rect.height())
        self._align = align or Qt.AlignmentFlag.AlignCenter
        self.setPos(rect.topLeft())
        self.setZValue(20)

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(
        self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None
    ) -> None:
        if self._plate is not None:
            painter.setPen(QPen(self._border, 1.2) if self._border else Qt.PenStyle.NoPen)
            painter.setBrush(self._plate)
            radius = self._rect.height() * 0.3
            painter.drawRoundedRect(self._rect, radius, radius)
        painter.setFont(self._font)
        painter.setPen(self._ink)
        painter.drawText(self._rect, int(self._align | Qt.AlignmentFlag.AlignVCenter), self.text)


def text_size(
    text: str, font: QFont, *, bold: bool = False, pad: float = 0.0
) -> tuple[float, float]:
    """Width and height of ``text`` in ``font``, plus ``pad`` on every side."""
    measured = QFont(font)
    measured.setBold(bold)
    metrics = QFontMetricsF(measured)
    return metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + 2 * pad * 0.5
