"""pyqtgraph charts of the business case: the cash flow by period and the NPV tornado.

Charts take plain numbers and labels (floats only for drawing; the figures themselves
stay Decimal), never a session. They share the look of every pmdesk chart
(:class:`~pmdesk.gui.widgets.plot.StyledPlot`): palette, font and strokes follow the
widget, so the projector's large type and high contrast reach them when presented.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QWidget

from pmdesk.core.palette import OKABE_ITO
from pmdesk.gui.widgets.plot import NumberAxis, StyledPlot

INFLOW = OKABE_ITO["bluish_green"]
OUTFLOW = OKABE_ITO["vermillion"]
CUMULATIVE = OKABE_ITO["blue"]
LOWER = OKABE_ITO["sky_blue"]
HIGHER = OKABE_ITO["orange"]


class LabelAxis(pg.AxisItem):
    """An axis of categories at 0, 1, 2 …: as many of their labels as fit without overlap."""

    def __init__(self, orientation: str) -> None:
        super().__init__(orientation)
        self.labels: list[str] = []

    def set_labels(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        if self.orientation in ("left", "right"):
            metrics = QFontMetrics(self._font())
            widest = max((metrics.horizontalAdvance(t) for t in self.labels), default=0)
            self.setWidth(widest + metrics.horizontalAdvance("  ") + 8)
        self.picture = None
        self.update()

    def _font(self) -> QFont:
        return self.style.get("tickFont") or self.font()

    def tickValues(self, low, high, size):
        if not self.labels:
            return []
        first = max(0, math.ceil(low))
        last = min(len(self.labels) - 1, math.floor(high))
        if last < first:
            return []
        metrics = QFontMetrics(self._font())
        if self.orientation in ("bottom", "top"):
            need = max(metrics.horizontalAdvance(t) for t in self.labels)
            need += metrics.horizontalAdvance("   ")
        else:
            need = metrics.height() * 1.1
        count = last - first + 1
        step = max(1, math.ceil(count * need / max(size, 1.0)))
        return [(float(step), [float(v) for v in range(first, last + 1, step)])]

    def tickStrings(self, values, scale, spacing):
        found = []
        for value in values:
            index = round(value)
            found.append(self.labels[index] if 0 <= index < len(self.labels) else "")
        return found


@dataclass(frozen=True)
class CashFlowData:
    scenario: str
    currency: str
    labels: tuple[str, ...]  # one per period 0 … N
    net: tuple[float, ...]
    cumulative: tuple[float, ...]
    texts: tuple[str, ...]  # the hover text of each period
    payback: float | None  # in periods: the cumulative line crosses zero there
    payback_text: str
    break_even: int | None
    break_even_text: str


class CashFlowChart(StyledPlot):
    """Net cash flow per period as bars (in green, out red), the cumulative cash flow as a
    line, and where it pays back and breaks even as marked vertical lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        axis = LabelAxis("bottom")
        super().__init__(parent, bottom=axis, left=NumberAxis(orientation="left"))
        self.axis = axis
        self.data: CashFlowData | None = None

    def set_data(self, data: CashFlowData | None) -> None:
        self.data = data
        self._subject_is(None if data is None else (data.scenario, len(data.labels)))
        self.redraw()

    def _draw(self) -> None:
        self.clear_chart()
        data = self.data
        if data is None:
            self.axis.set_labels([])
            return
        self.axis.set_labels(data.labels)
        xs = list(range(len(data.labels)))
        brushes = [pg.mkBrush(INFLOW if v >= 0 else OUTFLOW) for v in data.net]
        bars = pg.BarGraphItem(
            x=xs, height=list(data.net), width=0.62, brushes=brushes, pen=pg.mkPen(None)
        )
        self.plotItem.addItem(bars)
        self.legend.addItem(
            pg.BarGraphItem(x=[0], height=[0], width=0, brush=INFLOW, pen=pg.mkPen(None)),
            "Net cash in",
        )
        self.legend.addItem(
            pg.BarGraphItem(x=[0], height=[0], width=0, brush=OUTFLOW, pen=pg.mkPen(None)),
            "Net cash out",
        )
        zero = pg.InfiniteLine(0, angle=0, pen=pg.mkPen(self.ink(), width=max(1, self.scale)))
        self.plotItem.addItem(zero, ignoreBounds=True)
        self.plotItem.plot(
            xs,
            list(data.cumulative),
            pen=pg.mkPen(CUMULATIVE, width=2.5 * self.scale),
            symbol="o",
            symbolSize=5 * self.scale,
            symbolBrush=CUMULATIVE,
            symbolPen=pg.mkPen(CUMULATIVE),
            name="Cumulative",
        )
        rows = self._fit_legend()
        # The markers' words below the legend's rows (two rows in large type on a narrow chart).
        top = 0.92 if rows == 1 else 0.84
        self._marker(data.payback, data.payback_text, Qt.PenStyle.DashLine, top)
        self._marker(data.break_even, data.break_even_text, Qt.PenStyle.DotLine, top - 0.14)
        self._points = [(x, v, data.texts[x]) for x, v in zip(xs, data.net, strict=True)]
        self._points += [(x, v, data.texts[x]) for x, v in zip(xs, data.cumulative, strict=True)]
        self.plotItem.setLabel("left", data.currency)
        self.plotItem.setXRange(-0.6, len(xs) - 0.4, padding=0)
        self.plotItem.enableAutoRange(axis="y")

    def _fit_legend(self) -> int:
        """As many legend entries side by side as the chart's width holds; its rows."""
        names = [label.text for _sample, label in self.legend.items]
        if not names:
            return 1
        metrics = QFontMetrics(self.font())
        sample = metrics.height() * 2 + 12  # the swatch and the gaps around it
        room = self.width() - self.plotItem.getAxis("left").width() - 30
        columns = len(names)
        while (
            columns > 1
            and sum(
                max(metrics.horizontalAdvance(n) for n in names[c::columns]) + sample
                for c in range(columns)
            )
            > room
        ):
            columns -= 1
        self.legend.setColumnCount(columns)
        return math.ceil(len(names) / columns)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.plotItem is None:  # closed (pyqtgraph lets its plot go, then the window resizes)
            return
        if self.__dict__.get("data") is not None and self.legend.items:  # built and drawn
            columns = self.legend.columnCount
            self._fit_legend()
            if self.legend.columnCount != columns:
                self.redraw()  # the markers' words move under the legend's rows

    def _marker(self, at: float | None, text: str, style: Qt.PenStyle, height: float) -> None:
        if at is None:
            return
        line = pg.InfiniteLine(
            at,
            angle=90,
            pen=pg.mkPen(self.ink(), width=max(1.5, 1.5 * self.scale), style=style),
            label=text,
            labelOpts={
                "position": height,
                "color": self.ink(),
                "anchors": [(0, 0), (0, 0)],
                # On the box the legend stands on: the next mark's line, where the words run
                # across it (break-even just before payback, in a projector's type), goes under.
                "fill": pg.mkBrush(self.word_box()),
            },
        )
        line.label.setFont(self.font())
        self.plotItem.addItem(line, ignoreBounds=True)


@dataclass(frozen=True)
class TornadoData:
    scenario: str
    currency: str
    percent_text: str  # "20 %"
    base_npv: float
    labels: tuple[str, ...]  # widest swing first
    low: tuple[float, ...]  # NPV with the driver lowered
    high: tuple[float, ...]  # NPV with the driver raised
    low_texts: tuple[str, ...]
    high_texts: tuple[str, ...]


class TornadoChart(StyledPlot):
    """The NPV with each driver lowered and raised by the same share: the widest bar on top,
    the base NPV as the vertical line the bars grow from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        axis = LabelAxis("left")
        super().__init__(parent, bottom=NumberAxis(orientation="bottom"), left=axis)
        self.axis = axis
        self.plotItem.showGrid(x=True, y=False, alpha=0.18)
        self.data: TornadoData | None = None

    def set_data(self, data: TornadoData | None) -> None:
        self.data = data
        self._subject_is(None if data is None else (data.scenario, data.percent_text))
        self.redraw()

    def _draw(self) -> None:
        self.clear_chart()
        data = self.data
        if data is None:
            self.axis.set_labels([])
            return
        count = len(data.labels)
        self.axis.set_labels(list(reversed(data.labels)))  # the widest bar at the top
        ys = [count - 1 - i for i in range(count)]
        base = data.base_npv
        for values, colour, name in (
            (data.low, LOWER, f"Driver −{data.percent_text}"),
            (data.high, HIGHER, f"Driver +{data.percent_text}"),
        ):
            bars = pg.BarGraphItem(
                x0=[min(base, v) for v in values],
                x1=[max(base, v) for v in values],
                y=ys,
                height=0.36,
                brush=QColor(colour),
                pen=pg.mkPen(None),
            )
            offset = -0.19 if colour == LOWER else 0.19
            bars.setPos(0, offset)
            self.plotItem.addItem(bars)
            self.legend.addItem(
                pg.BarGraphItem(x=[0], height=[0], width=0, brush=colour, pen=pg.mkPen(None)),
                name,
            )
        line = pg.InfiniteLine(
            base,
            angle=90,
            pen=pg.mkPen(self.ink(), width=max(1.5, 1.5 * self.scale)),
            label=f"{data.scenario} NPV",
            labelOpts={"position": 0.02, "color": self.ink(), "anchors": [(0, 1), (0, 1)]},
        )
        line.label.setFont(self.font())
        self.plotItem.addItem(line)
        self._points = [
            (v, y - 0.19, t) for v, y, t in zip(data.low, ys, data.low_texts, strict=True)
        ]
        self._points += [
            (v, y + 0.19, t) for v, y, t in zip(data.high, ys, data.high_texts, strict=True)
        ]
        self.plotItem.setLabel("bottom", f"NPV ({data.currency})")
        self.plotItem.setYRange(-0.7, count + 0.2, padding=0)
        self.plotItem.enableAutoRange(axis="x")
