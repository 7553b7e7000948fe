"""The growth–share chart: relative market share against market growth, bubble size revenue.

High share is on the left, as in the classic matrix; the quadrants are labelled
Stars, Question marks, Cash cows and Dogs. Clicking a bubble emits its product.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetrics, QPalette
from PySide6.QtWidgets import QWidget

from pmdesk.core.lifecycle import (
    GROWTH_SPLIT,
    SHARE_SPLIT,
    figure,
    growth_share_quadrant,
    relative_shares,
)
from pmdesk.gui.widgets.chart_range import UserRange
from pmdesk.store.portfolio_rows import ProductOverview

from .overview import HEALTH_COLOURS


class BubbleChart(pg.PlotWidget):
    productClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Growth–share chart")
        self.setAccessibleDescription(
            "Relative market share against market growth; "
            "bubble size is revenue. Click a bubble to open it."
        )
        self.plotItem.setMenuEnabled(False)
        self.plotItem.hideButtons()
        self.plotItem.setLogMode(x=True, y=False)
        self.plotItem.invertX(True)
        self.rows: list[ProductOverview] = []
        self.spots: list[dict] = []
        self.scatter = pg.ScatterPlotItem(hoverable=True, tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        self.user_range = UserRange(self.plotItem.getViewBox())
        self._ready = True
        self.restyle()

    def restyle(self) -> None:
        ink = self.palette().color(QPalette.ColorRole.Text)
        self.setBackground(self.palette().color(QPalette.ColorRole.Base))
        for name in ("left", "bottom"):
            axis = self.plotItem.getAxis(name)
            axis.setPen(pg.mkPen(ink))
            axis.setTextPen(pg.mkPen(ink))
            axis.setTickFont(QFont(self.font()))
        size = {"font-size": f"{QFontInfo(self.font()).pixelSize()}px"}
        self.plotItem.setLabel("bottom", "Relative market share (log, high on the left)", **size)
        self.plotItem.setLabel("left", "Market growth %", **size)

    def changeEvent(self, event: QEvent) -> None:
        ready = getattr(self, "_ready", False)
        if ready and event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self.restyle()
            self.set_rows(self.rows)
        super().changeEvent(event)

    def set_rows(self, rows: list[ProductOverview]) -> None:
        self.rows = list(rows)
        plotted = [r for r in rows if r.share is not None and r.growth is not None]
        relative = relative_shares({r.id: r.share for r in plotted})
        biggest = max((r.latest_revenue or 0 for r in plotted), default=0) or 1
        scale = max(1.0, QFontInfo(self.font()).pixelSize() / 13)
        self.spots = []
        for row in plotted:
            share = max(relative[row.id], 0.01)
            size = (18 + 62 * math.sqrt(max(row.latest_revenue or 0, 0) / biggest)) * scale
            colour = QColor(HEALTH_COLOURS[row.health.colour])
            colour.setAlpha(170)
            quadrant = growth_share_quadrant(share, row.growth, SHARE_SPLIT, GROWTH_SPLIT)
            self.spots.append(
                {
                    "pos": (math.log10(share), row.growth),
                    "size": size,
                    "brush": colour,
                    "pen": pg.mkPen(colour.darker(140), width=1.5),
                    "data": (row.id, row.name, share, row.growth, row.latest_revenue, quadrant),
                }
            )
        with self.user_range.kept():  # a zoomed-in corner stays when a colleague edits
            self._draw()

    def _draw(self) -> None:
        self.plotItem.clear()
        ink = self.palette().color(QPalette.ColorRole.Text)
        line = pg.mkPen(
            self.palette().color(QPalette.ColorRole.Mid),
            width=1.5,
            style=pg.QtCore.Qt.PenStyle.DashLine,
        )
        self.plotItem.addItem(pg.InfiniteLine(math.log10(SHARE_SPLIT), angle=90, pen=line))
        self.plotItem.addItem(pg.InfiniteLine(GROWTH_SPLIT, angle=0, pen=line))
        self.scatter.setData(self.spots)
        self.plotItem.addItem(self.scatter)
        text_height = QFontMetrics(self.font()).lineSpacing() + 4
        for spot in self.spots:
            below = -(spot["size"] / 2 + 2) / text_height  # under the bubble, whatever its size
            label = pg.TextItem(spot["data"][1], color=ink, anchor=(0.5, below))
            label.setFont(QFont(self.font()))
            label.setPos(*spot["pos"])
            self.plotItem.addItem(label)
        xs = [s["pos"][0] for s in self.spots] + [math.log10(SHARE_SPLIT)]
        ys = [s["pos"][1] for s in self.spots] + [GROWTH_SPLIT]
        left, right = max(xs) + 0.45, min(xs) - 0.45
        top, bottom = max(ys) + 4, min(ys) - 4
        self.plotItem.setXRange(right, left, padding=0)
        self.plotItem.setYRange(bottom, top, padding=0)
        corners = {
            "Stars": (left, top, (0, 0)),
            "Question marks": (right, top, (1, 0)),
            "Cash cows": (left, bottom, (0, 1)),
            "Dogs": (right, bottom, (1, 1)),
        }
        quiet = QColor(ink)
        quiet.setAlpha(150)
        for name, (x, y, anchor) in corners.items():
            text = pg.TextItem(name, color=quiet, anchor=anchor)
            font = QFont(self.font())
            font.setBold(True)
            font.setPixelSize(round(QFontInfo(self.font()).pixelSize() * 1.25))
            text.setFont(font)
            text.setPos(x, y)
            self.plotItem.addItem(text)

    @staticmethod
    def _tip(x: float, y: float, data: tuple) -> str:
        _pid, name, share, growth, revenue, quadrant = data
        revenue_text = "" if revenue is None else f"\nRevenue {figure(revenue)}"
        return (
            f"{name} — {quadrant}\nRelative share {share:.2f}\nMarket growth {growth:.1f} %"
            + revenue_text
        )

    def _clicked(self, _item, points, _event=None) -> None:
        if len(points):
            self.productClicked.emit(int(points[0].data()[0]))

    def click_product(self, product_id: int) -> None:
        """What a click on that product's bubble does (for keyboard use and tests)."""
        for point in self.scatter.points():
            if point.data()[0] == product_id:
                self._clicked(self.scatter, [point])
                return
