"""Value versus effort: each requirement a point, quadrants split at the backlog's medians.

Clicking a point asks for that requirement to be selected (``requirementClicked``);
the chart itself never changes data.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFontInfo, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pmdesk.core.enums import MoSCoW
from pmdesk.core.scoring import QUADRANTS, quadrant_splits
from pmdesk.store.services.requirements import ChartPoint

# Okabe-Ito colours: told apart with every common colour-vision deficiency.
MOSCOW_COLOURS = {
    MoSCoW.MUST: "#D55E00",
    MoSCoW.SHOULD: "#0072B2",
    MoSCoW.COULD: "#009E73",
    MoSCoW.WONT: "#8C8C8C",
}


class ValueEffortChart(QWidget):
    requirementClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        import pyqtgraph as pg  # lazily: only when the chart is first shown

        self._pg = pg
        self.points: list[ChartPoint] = []
        self.selected_id: int | None = None
        self.plot = pg.PlotWidget(self)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("bottom", "Effort (person-months)")
        self.plot.setLabel("left", "Value (reach × impact × confidence)")
        self.scatter = pg.ScatterPlotItem(size=14, hoverable=True, tip=self._tip)
        self.scatter.sigClicked.connect(self._clicked)
        self.ring = pg.ScatterPlotItem(size=24, brush=None)
        self.lines = [pg.InfiniteLine(angle=90), pg.InfiniteLine(angle=0)]
        self.labels = {name: pg.TextItem(name) for name in QUADRANTS.values()}
        for item in (*self.lines, self.scatter, self.ring, *self.labels.values()):
            self.plot.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._legend())
        layout.addWidget(self.plot)
        self._restyle()

    def _legend(self) -> QHBoxLayout:
        """MoSCoW colours as a row above the plot, where it never covers a point."""
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(QLabel("Colour shows priority:"))
        for moscow, colour in MOSCOW_COLOURS.items():
            dot = QLabel("●")
            dot.setStyleSheet(f"color: {colour}; font-size: 16px;")
            row.addWidget(dot)
            row.addWidget(QLabel(moscow.label))
            row.addSpacing(8)
        row.addStretch(1)
        hint = QLabel("Click a point to open the requirement")
        hint.setEnabled(False)
        row.addWidget(hint)
        return row

    # -- data ---------------------------------------------------------------------------------

    def set_points(self, points: list[ChartPoint]) -> None:
        self.points = list(points)
        spots = [{"pos": (p.effort, p.value), "data": p.id,
                  "brush": self._pg.mkBrush(MOSCOW_COLOURS[p.moscow]),
                  "pen": self._pg.mkPen(self._ink(), width=1),
                  "size": self.scatter.opts["size"]} for p in self.points]
        self.scatter.setData(spots)
        self._place_quadrants()
        self.set_selected(self.selected_id)

    def set_selected(self, requirement_id: int | None) -> None:
        self.selected_id = requirement_id
        found = next((p for p in self.points if p.id == requirement_id), None)
        if found is None:
            self.ring.setData([])
        else:
            self.ring.setData([{"pos": (found.effort, found.value),
                                "pen": self._pg.mkPen(self._accent(), width=3),
                                "size": self.ring.opts["size"]}])

    def scene_position(self, requirement_id: int) -> QPointF | None:
        """Where a requirement's point is, in the plot widget's coordinates (for tests, tips)."""
        found = next((p for p in self.points if p.id == requirement_id), None)
        if found is None:
            return None
        scene = self.plot.getViewBox().mapViewToScene(QPointF(found.effort, found.value))
        return QPointF(self.plot.mapFromScene(scene))

    def _place_quadrants(self) -> None:
        if not self.points:
            for item in (*self.lines, *self.labels.values()):
                item.setVisible(False)
            return
        value_split, effort_split = quadrant_splits([(p.value, p.effort) for p in self.points])
        max_effort = max(p.effort for p in self.points) * 1.12
        max_value = max(p.value for p in self.points) * 1.12 or 1.0
        self.plot.setXRange(0, max_effort, padding=0.02)
        self.plot.setYRange(0, max_value, padding=0.02)
        self.lines[0].setValue(effort_split)
        self.lines[1].setValue(value_split)
        corners = {  # label -> (x, y, anchor)
            "Quick wins": (0, max_value, (0, 0)),
            "Big bets": (max_effort, max_value, (1, 0)),
            "Fill-ins": (0, 0, (0, 1)),
            "Time sinks": (max_effort, 0, (1, 1)),
        }
        for name, (x, y, anchor) in corners.items():
            label = self.labels[name]
            label.setAnchor(anchor)
            label.setPos(x, y)
        for item in (*self.lines, *self.labels.values()):
            item.setVisible(True)

    def _tip(self, x: float, y: float, data: int) -> str:
        found = next((p for p in self.points if p.id == data), None)
        if found is None:
            return ""
        return (f"{found.ref} {found.title}\nValue {y:,.0f} · effort {x:g} person-months"
                f"\nRICE {found.score:,.1f} · {found.moscow.label}")

    def _clicked(self, _item, spots, *_args) -> None:
        if len(spots):
            self.requirementClicked.emit(int(spots[0].data()))

    # -- look ---------------------------------------------------------------------------------

    def _ink(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _accent(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Highlight)

    def _restyle(self) -> None:
        pg = self._pg
        palette = self.palette()
        ink = self._ink()
        quiet = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        self.plot.setBackground(palette.color(QPalette.ColorRole.Base))
        for name in ("bottom", "left"):
            axis = self.plot.getAxis(name)
            axis.setPen(pg.mkPen(quiet))
            axis.setTextPen(pg.mkPen(ink))
            axis.label.setDefaultTextColor(ink)
            axis.setTickFont(self.font())  # on the projector the figures grow with the type
            axis.label.setFont(self.font())
        scale = max(1.0, QFontInfo(self.font()).pixelSize() / 13)
        self.scatter.setSize(14 * scale)
        self.ring.setSize(24 * scale)
        for line in self.lines:
            line.setPen(pg.mkPen(quiet, width=1.5, style=Qt.PenStyle.DashLine))
        font = self.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        for label in self.labels.values():
            label.setColor(quiet)
            label.setFont(font)
        if self.points:
            self.set_points(self.points)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._restyle()
