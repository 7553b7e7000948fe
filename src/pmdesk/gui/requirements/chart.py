"""Value versus effort: each requirement a point, quadrants split at the backlog's medians.

Clicking a point asks for that requirement to be selected (``requirementClicked``);
the chart itself never changes data.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontInfo, QPalette
from PySide6.QtWidgets import QGraphicsRectItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from pmdesk.core.label_layout import Box, LabelRequest, layout_labels
from pmdesk.core.palette import MOSCOW_COLOURS, VALUE_EFFORT_CORNERS, value_effort_fill
from pmdesk.core.scoring import quadrant_splits
from pmdesk.core.wording import plural
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.store.services.requirements import ChartPoint

__all__ = ["MOSCOW_COLOURS", "ValueEffortChart"]  # colours and names: core.palette, as on paper
EMPTY_HINT = (
    "No scored requirements yet — add one on the Backlog tab with its reach, impact, "
    "confidence and effort"
)


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
        self.labels = {name: pg.TextItem(name) for name in VALUE_EFFORT_CORNERS}
        self.tints = {name: QGraphicsRectItem() for name in VALUE_EFFORT_CORNERS}
        for tint in self.tints.values():
            tint.setPen(Qt.PenStyle.NoPen)
            tint.setZValue(-20)
        self.point_labels: dict[int, object] = {}  # requirement id -> its TextItem (ref)
        for item in (
            *self.tints.values(),
            *self.lines,
            self.scatter,
            self.ring,
            *self.labels.values(),
        ):
            self.plot.addItem(item)
        self.plot.setAccessibleName("Value against effort chart")
        self.plot.setAccessibleDescription("Each requirement is a point: effort across, value up")
        self.setAccessibleName("Value against effort")
        self.hint = next_step_hint(EMPTY_HINT, hidden=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._legend())
        layout.addWidget(self.hint)
        layout.addWidget(self.plot, 1)
        layout.addStretch(0)  # keeps the hint under the legend while the plot is hidden
        self.plot.getViewBox().sigResized.connect(self._place_point_labels)
        self.plot.getViewBox().sigRangeChanged.connect(self._place_point_labels)
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
        spots = [
            {
                "pos": (p.effort, p.value),
                "data": p.id,
                "brush": self._pg.mkBrush(MOSCOW_COLOURS[p.moscow]),
                "pen": self._pg.mkPen(self._ink(), width=1),
                "size": self.scatter.opts["size"],
            }
            for p in self.points
        ]
        self.scatter.setData(spots)
        self.hint.setVisible(not self.points)
        self.plot.setVisible(bool(self.points))
        self._place_quadrants()
        self._make_point_labels()
        self.set_selected(self.selected_id)

    def set_selected(self, requirement_id: int | None) -> None:
        self.selected_id = requirement_id
        found = next((p for p in self.points if p.id == requirement_id), None)
        if found is None:
            self.ring.setData([])
        else:
            self.ring.setData(
                [
                    {
                        "pos": (found.effort, found.value),
                        "pen": self._pg.mkPen(self._accent(), width=3),
                        "size": self.ring.opts["size"],
                    }
                ]
            )

    def scene_position(self, requirement_id: int) -> QPointF | None:
        """Where a requirement's point is, in the plot widget's coordinates (for tests, tips)."""
        found = next((p for p in self.points if p.id == requirement_id), None)
        if found is None:
            return None
        scene = self.plot.getViewBox().mapViewToScene(QPointF(found.effort, found.value))
        return QPointF(self.plot.mapFromScene(scene))

    def _place_quadrants(self) -> None:
        if not self.points:
            for item in (*self.lines, *self.labels.values(), *self.tints.values()):
                item.setVisible(False)
            return
        value_split, effort_split = quadrant_splits([(p.value, p.effort) for p in self.points])
        max_effort = max(p.effort for p in self.points) * 1.12
        max_value = max(p.value for p in self.points) * 1.12 or 1.0
        self.plot.setXRange(0, max_effort, padding=0.02)
        self.plot.setYRange(0, max_value, padding=0.02)
        self.lines[0].setValue(effort_split)
        self.lines[1].setValue(value_split)
        base = self.palette().color(QPalette.ColorRole.Base).name()
        for name, (right, top) in VALUE_EFFORT_CORNERS.items():
            label = self.labels[name]
            label.setAnchor((1 if right else 0, 0 if top else 1))
            label.setPos(max_effort if right else 0, max_value if top else 0)
            x0, x1 = (effort_split, max_effort * 1.5) if right else (-max_effort, effort_split)
            y0, y1 = (value_split, max_value * 1.5) if top else (-max_value, value_split)
            fill = value_effort_fill(name, base)
            tint = self.tints[name]
            tint.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            tint.setBrush(QBrush(QColor(fill or base)))
            tint.setVisible(fill is not None)
        for item in (*self.lines, *self.labels.values()):
            item.setVisible(True)

    def _make_point_labels(self) -> None:
        for item in self.point_labels.values():
            self.plot.removeItem(item)
        self.point_labels = {}
        for p in self.points:
            item = self._pg.TextItem(p.ref or p.title, color=self._ink(), anchor=(0, 0))
            item.setFont(self.font())
            self.plot.addItem(item)
            self.point_labels[p.id] = item
        self._place_point_labels()

    def _place_point_labels(self) -> None:
        """Each point's ref beside it where it overlaps no point, quadrant name or other ref
        (core.label_layout, as the printed chart does); best value for effort is placed first."""
        if not self.point_labels:
            return
        box = self.plot.getViewBox()
        bounds = box.sceneBoundingRect()
        obstacles = [_box(label.sceneBoundingRect()) for label in self.labels.values()]
        radius = self.scatter.opts["size"] / 2
        ranked = sorted(self.points, key=lambda p: -p.value / max(p.effort, 0.01))
        requests = []
        for p in ranked:
            at = box.mapViewToScene(QPointF(p.effort, p.value))
            size = self.point_labels[p.id].textItem.boundingRect()
            requests.append(LabelRequest(p.id, at.x(), at.y(), radius, size.width(), size.height()))
        layout = layout_labels(requests, _box(bounds), obstacles=obstacles, gap=1.0)
        for key, item in self.point_labels.items():
            spot = layout.placed.get(key)
            item.setVisible(spot is not None)
            if spot is not None:
                item.setPos(box.mapSceneToView(QPointF(spot.x0, spot.y0)))

    def visible_point_labels(self) -> dict[int, QRectF]:
        """Labels shown, by requirement id, with where they sit (scene coordinates)."""
        return {
            key: item.sceneBoundingRect()
            for key, item in self.point_labels.items()
            if item.isVisible()
        }

    def _tip(self, x: float, y: float, data: int) -> str:
        found = next((p for p in self.points if p.id == data), None)
        if found is None:
            return ""
        return (
            f"{found.ref} {found.title}\nValue {y:,.0f} · effort {plural(x, 'person-month')}"
            f"\nRICE {found.score:,.1f} · {found.moscow.label}"
        )

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
        if font.pointSizeF() > 0:  # the projector sizes its font in pixels
            font.setPointSizeF(font.pointSizeF() * 1.1)
        else:
            font.setPixelSize(round(font.pixelSize() * 1.1))
        for label in self.labels.values():
            label.setColor(quiet)
            label.setFont(font)
        if self.points:
            self.set_points(self.points)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_point_labels()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._restyle()


def _box(rect: QRectF) -> Box:
    return Box(rect.left(), rect.top(), rect.right(), rect.bottom())
