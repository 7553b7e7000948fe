"""The base of the chart's graphics items: one painted layer over a rectangle of the scene."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem


class ChartLayer(QGraphicsItem):
    """A layer of the chart painted from the model's arrays over one rectangle of the scene."""

    def __init__(self, chart, z: float) -> None:
        super().__init__()
        self.chart = chart
        self._rect = QRectF()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(z)

    def set_rect(self, rect: QRectF) -> None:
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    def boundingRect(self) -> QRectF:
        return self._rect
