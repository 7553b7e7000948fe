"""pyqtgraph charts of the lifecycle: the revenue (or units) curve with stage bands, and KPIs.

Charts take plain data (dates and numbers), never a session. They follow the
widget's palette and font, so the presentation theme's black-on-white and large
type reach them when the view is presented; line widths grow with the font.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.core.lifecycle import figure
from pmdesk.core.wording import short_date
from pmdesk.gui.widgets.plot import StyledPlot

from .plan import PlanSeries

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
STAGE_COLOURS = {
    Stage.INNOVATION: "#56B4E9",
    Stage.ANALYSIS: "#009E73",
    Stage.DEVELOPMENT: "#F0E442",
    Stage.GO_TO_MARKET: "#E69F00",
    Stage.IN_LIFE: "#0072B2",
    Stage.END_OF_LIFE: "#CC79A7",
}
DECISION_SYMBOLS = {
    GateDecision.GO: "t1",
    GateDecision.HOLD: "s",
    GateDecision.KILL: "x",
    GateDecision.RECYCLE: "d",
}
SERIES_COLOUR = "#0072B2"
TARGET_COLOUR = "#D55E00"


@dataclass(frozen=True)
class Band:
    stage: Stage
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class GateMark:
    on: dt.date
    decision: GateDecision
    text: str


def stamp(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()


def day_of(seconds: float) -> dt.date:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


class LifecycleCurve(StyledPlot):
    """Revenue or units over time, the stages as shaded bands, gate reviews as markers.

    It opens on the span the metric covers (years of stages before the first value
    would squash the curve); ``whole_life`` shows every stage since the first.
    """

    whole_life = False

    def show_whole_life(self, whole: bool) -> None:
        self.whole_life = whole
        self.user_range.forget()  # the person asked for another span: show all of it
        self.redraw()

    def set_data(
        self,
        name: str,
        unit: str,
        points: Sequence[tuple[dt.date, float]],
        bands: Sequence[Band],
        gates: Sequence[GateMark],
        plan: PlanSeries | None = None,
    ) -> None:
        """``plan``: the business case's series, drawn dashed over the values."""
        self._data = (name, unit, list(points), list(bands), list(gates), plan)
        self._subject_is((name, unit))
        self.redraw()

    def _draw(self) -> None:
        data = getattr(self, "_data", None)
        self.clear_chart()
        if data is None:
            return
        name, unit, points, bands, gates, plan = data
        self._bands(bands, points, plan)
        if points:
            xs = [stamp(p) for p, _v in points]
            ys = [v for _p, v in points]
            pen = pg.mkPen(SERIES_COLOUR, width=2.5 * self.scale)
            self.plotItem.plot(xs, ys, pen=pen, name=f"{name} ({unit})" if unit else name)
            self._points = [
                (x, y, _readout(x, f"{name}: {figure(y)} {unit}".rstrip(), plan))
                for x, y in zip(xs, ys, strict=True)
            ]
        if plan is not None and points:
            draw_plan(self, plan)
        self._gates(gates, points)
        self.plotItem.setLabel("left", unit or name)
        self.plotItem.enableAutoRange(axis="x")
        if len(points) > 1 and not self.whole_life:
            first, last = stamp(points[0][0]), stamp(points[-1][0])
            self.plotItem.setXRange(
                first - (last - first) * 0.03, last + (last - first) * 0.03, padding=0
            )
        else:
            edges = [stamp(b.start) for b in bands] + [stamp(b.end) for b in bands]
            edges += [stamp(p) for p, _v in points]
            if edges:
                first, last = min(edges), max(edges)
                pad = (last - first) * 0.02 or 86400.0
                self.plotItem.setXRange(first - pad, last + pad, padding=0)

    def _bands(
        self,
        bands: Sequence[Band],
        points: Sequence[tuple[dt.date, float]],
        plan: PlanSeries | None = None,
    ) -> None:
        values = [v for _p, v in points] + _plan_levels(plan, points)
        high = max(values, default=1.0)
        low = min(values, default=0.0)
        span = (high - low) or abs(high) or 1.0
        top = high + 0.1 * span  # stage names sit above the curve, under the legend row
        if points:
            self.plotItem.setYRange(low - 0.05 * span, high + 0.3 * span, padding=0)
        for band in bands:
            colour = QColor(STAGE_COLOURS[band.stage])
            colour.setAlpha(55)
            region = pg.LinearRegionItem(
                (stamp(band.start), stamp(band.end)),
                movable=False,
                brush=colour,
                pen=pg.mkPen(None),
            )
            region.setZValue(-10)
            self.plotItem.addItem(region)
            start = stamp(band.start)
            if points and not self.whole_life:
                start = max(start, stamp(points[0][0]))
                if start >= stamp(band.end):
                    continue  # the band lies before the values shown
            label = pg.TextItem(band.stage.label, color=self.ink(), anchor=(0, 0))
            label.setFont(self.font())
            label.setPos(start, top)
            self.plotItem.addItem(label)
            if band.stage.label not in [label.text for _sample, label in self.legend.items]:
                swatch = pg.BarGraphItem(
                    x=[0], height=[0], width=0, brush=colour, pen=pg.mkPen(None)
                )
                self.legend.addItem(swatch, band.stage.label)

    def _gates(self, gates: Sequence[GateMark], points: Sequence[tuple[dt.date, float]]) -> None:
        if not gates:
            return
        floor = min((v for _p, v in points), default=0.0)
        spots = []
        for gate in gates:
            x = stamp(gate.on)
            spots.append(
                {"pos": (x, floor), "symbol": DECISION_SYMBOLS[gate.decision], "data": gate.text}
            )
            self._points.append((x, floor, f"{short_date(gate.on)}\n{gate.text}"))
        scatter = pg.ScatterPlotItem(
            spots,
            size=12 * self.scale,
            brush=pg.mkBrush(self.ink()),
            pen=pg.mkPen(self.ink()),
            name="Gate reviews",
        )
        self.plotItem.addItem(scatter)


class KpiChart(StyledPlot):
    """One metric's values against its target (constant or per period)."""

    def set_data(
        self,
        name: str,
        unit: str,
        points: Sequence[tuple[dt.date, float, float | None]],
        target: float | None,
        plan: PlanSeries | None = None,
    ) -> None:
        """``plan``: the business case's series, drawn dashed over the values."""
        self._data = (name, unit, list(points), target, plan)
        self._subject_is((name, unit))
        self.redraw()

    def _draw(self) -> None:
        data = getattr(self, "_data", None)
        self.clear_chart()
        if data is None:
            return
        name, unit, points, constant, plan = data
        xs = [stamp(p) for p, _v, _t in points]
        ys = [v for _p, v, _t in points]
        targets = [t if t is not None else constant for _p, _v, t in points]
        if xs:
            self.plotItem.plot(
                xs,
                ys,
                pen=pg.mkPen(SERIES_COLOUR, width=2.5 * self.scale),
                symbol="o",
                symbolSize=6 * self.scale,
                symbolBrush=SERIES_COLOUR,
                name=name,
            )
        known = [(x, t) for x, t in zip(xs, targets, strict=True) if t is not None]
        if known:
            pen = pg.mkPen(TARGET_COLOUR, width=2 * self.scale, style=Qt.PenStyle.DashLine)
            self.plotItem.plot(
                [x for x, _t in known],
                [t for _x, t in known],
                pen=pen,
                name="Target",
                stepMode=None,
            )
        self._points = [
            (
                x,
                y,
                _readout(
                    x,
                    f"{name}: {figure(y)} {unit}".rstrip()
                    + (f"\ntarget {figure(t)}" if t is not None else ""),
                    plan,
                ),
            )
            for x, y, t in zip(xs, ys, targets, strict=True)
        ]
        self.plotItem.setLabel("left", unit or name)
        if plan is not None and xs:
            draw_plan(self, plan, since=points[0][0], until=points[-1][0])
        self.plotItem.enableAutoRange()


# -- the business case's plan over the values --------------------------------------------------


def _readout(x: float, text: str, plan: PlanSeries | None) -> str:
    """A value's hover text: its month and value, then its plan period's variance."""
    note = plan.note(day_of(x)) if plan is not None else ""
    return f"{day_of(x):%b %Y}\n{text}" + (f"\n{note}" if note else "")


def _plan_levels(plan: PlanSeries | None, points: Sequence[tuple[dt.date, float]]) -> list[float]:
    """The plan's levels over the span of the values (the chart's height must show them)."""
    if plan is None or not points:
        return []
    first, last = points[0][0], points[-1][0]
    return [s.value for s in plan.steps if s.start <= last and s.end > first]


def draw_plan(
    chart: StyledPlot,
    plan: PlanSeries,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> None:
    """The plan as a dashed step line (each period at its level), with a hover text per step.

    ``since`` … ``until``: only the periods holding those days and the ones between (a KPI
    chart fits its values, not a plan that began years before them).
    """
    steps = [
        s
        for s in plan.steps
        if (until is None or s.start <= until) and (since is None or s.end > since)
    ]
    if not steps:
        return
    xs: list[float] = []
    ys: list[float] = []
    for step in steps:
        xs += [stamp(step.start), stamp(step.end)]
        ys += [step.value, step.value]
        middle = (stamp(step.start) + stamp(step.end)) / 2
        chart._points.append((middle, step.value, step.text))
    pen = pg.mkPen(chart.ink(), width=2 * chart.scale, style=Qt.PenStyle.DashLine)
    chart.plotItem.plot(xs, ys, pen=pen, name=plan.name)
