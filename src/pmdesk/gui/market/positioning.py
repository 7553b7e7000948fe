"""The positioning chart: the product and its competitors on two chosen axes, each a bubble
as large as its market share, our product drawn apart (a blue square with a thick edge)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from pmdesk.core.market import PositionPoint, axis
from pmdesk.core.palette import OKABE_ITO
from pmdesk.gui.widgets.plot import NumberAxis, StyledPlot

OURS = OKABE_ITO["blue"]
THEIRS = OKABE_ITO["orange"]
SMALLEST = 14.0  # px at scale 1: a bubble without a known share
LARGEST = 70.0  # px at scale 1: a bubble of 100 % share
NEAR = (0.08, 0.08)  # points closer than this share of the axes label on opposite sides


def bubble_px(share: float | None, scale: float = 1.0) -> float:
    """A bubble's diameter: its area grows with the market share."""
    if share is None or share <= 0:
        return SMALLEST * scale
    return (SMALLEST + (LARGEST - SMALLEST) * math.sqrt(min(share, 1.0))) * scale


def label_sides(points: Sequence[PositionPoint], spans: tuple[float, float]) -> list[bool]:
    """For each point, True: label above, False: below — a point near one already labelled
    above is labelled below, so two near bubbles' names do not cover each other."""
    above: list[PositionPoint] = []
    sides = []
    for point in points:
        crowded = any(
            abs(point.x - other.x) < NEAR[0] * spans[0]
            and abs(point.y - other.y) < NEAR[1] * spans[1]
            for other in above
        )
        sides.append(not crowded)
        if not crowded:
            above.append(point)
    return sides


class PositioningChart(StyledPlot):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            bottom=NumberAxis(orientation="bottom"),
            left=NumberAxis(orientation="left"),
        )
        self.plotItem.showGrid(x=True, y=True, alpha=0.18)
        self.points: list[PositionPoint] = []
        self.axes = ("price_index", "capability")
        self.labels: list[pg.TextItem] = []

    def set_points(self, points: Sequence[PositionPoint], x_key: str, y_key: str) -> None:
        self.points = list(points)
        self.axes = (x_key, y_key)
        self._subject_is((x_key, y_key))
        self.redraw()

    def _draw(self) -> None:
        self.clear_chart()
        self.labels = []
        x_axis, y_axis = axis(self.axes[0]), axis(self.axes[1])
        self.plotItem.setLabel("bottom", x_axis.label)
        self.plotItem.setLabel("left", y_axis.label)
        xs = [p.x for p in self.points]
        ys = [p.y for p in self.points]
        x_high = max([x_axis.high, *xs])
        y_high = max([y_axis.high, *ys])
        self.plotItem.setXRange(x_axis.low, x_high, padding=0.08)
        self.plotItem.setYRange(y_axis.low, y_high, padding=0.1)
        scale = self.scale
        for ours in (False, True):  # ours on top
            chosen = [p for p in self.points if p.ours == ours]
            if not chosen:
                continue
            colour = QColor(OURS if ours else THEIRS)
            fill = QColor(colour)
            fill.setAlpha(230 if ours else 140)
            item = pg.ScatterPlotItem(
                x=[p.x for p in chosen],
                y=[p.y for p in chosen],
                size=[
                    bubble_px(None if p.bubble is None else float(p.bubble), scale) for p in chosen
                ],
                symbol="s" if ours else "o",
                brush=pg.mkBrush(fill),
                pen=pg.mkPen(self.ink() if ours else colour, width=(3 if ours else 1.5) * scale),
            )
            self.plotItem.addItem(item)
            self.legend.addItem(
                pg.ScatterPlotItem(symbol="s" if ours else "o", brush=fill, pen=colour, size=12),
                "Our product" if ours else "Competitor (size: market share)",
            )
        sides = label_sides(self.points, (x_high - x_axis.low or 1, y_high - y_axis.low or 1))
        for point, above in zip(self.points, sides, strict=True):
            label = pg.TextItem(point.label, color=self.ink(), anchor=(0.5, 1.0 if above else 0.0))
            font = QFont(self.font())
            font.setBold(point.ours)
            label.setFont(font)
            offset = bubble_px(None if point.bubble is None else float(point.bubble), scale) / 2
            pixel = self.plotItem.vb.viewPixelSize()
            dy = offset * (pixel[1] or 0) * (1 if above else -1)
            label.setPos(point.x, point.y + dy)
            self.plotItem.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        self._points = [
            (
                p.x,
                p.y,
                f"{p.label}: {x_axis.label} {p.x:,.0f}, {y_axis.label} {p.y:,.1f}".replace(
                    ".0,", ","
                )
                + (f", share {float(p.bubble):.0%}" if p.bubble is not None else ""),
            )
            for p in self.points
        ]
