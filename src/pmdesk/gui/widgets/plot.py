"""The look every pyqtgraph chart of pmdesk shares: it follows the palette and the font.

A chart drawn in the desk's palette stays in it when the view is presented, unless it
follows: these charts restyle themselves on every palette or font change, so the
projector's black-on-white and large type reach their axes, legend and hover readout,
and their strokes grow with the type (``scale``). Figures on the value axis read as
people write them (424,600), and a range the person zoomed or panned to survives a
redraw of the same subject (:class:`UserRange`).

Used by the lifecycle curve and KPI chart, and by the business case's cash-flow and
tornado charts.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtGui import QColor, QFont, QFontInfo, QFontMetricsF, QPalette
from PySide6.QtWidgets import QWidget

from pmdesk.core.lifecycle import figure

from .chart_range import UserRange

LEGEND_BOX_ALPHA = 215  # of 255: the legend's box hides most of what runs under it


class NumberAxis(pg.AxisItem):
    """Tick labels as people write figures: 424,600 rather than 424600 or 4.246e5."""

    def tickStrings(self, values, scale, spacing):
        return [figure(v * scale) for v in values]


class BoxedLegend(pg.LegendItem):
    """A legend on a box of its own (``StyledPlot.restyle``), drawn only when it names
    something: a chart without named data (a margin waterfall, an empty map) has no box."""

    def paint(self, p, *args) -> None:
        if self.items:
            super().paint(p, *args)


class StyledPlot(pg.PlotWidget):
    """A plot that follows the palette and font, with a hover readout.

    Dates along the bottom unless ``bottom`` gives another axis; figures up the side
    unless ``left`` does.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        bottom: pg.AxisItem | None = None,
        left: pg.AxisItem | None = None,
    ) -> None:
        super().__init__(
            parent,
            axisItems={
                "bottom": bottom or pg.DateAxisItem(orientation="bottom"),
                "left": left or NumberAxis(orientation="left"),
            },
        )
        self.setMinimumHeight(220)
        self.plotItem.setMenuEnabled(False)
        self.plotItem.hideButtons()
        self.plotItem.showGrid(x=False, y=True, alpha=0.18)
        # As PlotItem.addLegend makes it (anchored in the view box, fed by plot(name=...)).
        self.legend = self.plotItem.legend = BoxedLegend(offset=(10, 4), colCount=4)
        self.legend.setParentItem(self.plotItem.vb)
        self.readout = pg.TextItem(anchor=(0, 1))
        self.readout.setZValue(50)
        self._points: list[tuple[float, float, str]] = []
        self.scene().sigMouseMoved.connect(self._hover)
        self.user_range = UserRange(self.plotItem.getViewBox())
        self._subject: object = None
        self._ready = True
        self.restyle()

    # -- style ---------------------------------------------------------------------------------

    @property
    def scale(self) -> float:
        """1 at the usual font size; about 2 on a projector."""
        return max(1.0, QFontInfo(self.font()).pixelSize() / 13)

    def ink(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def word_box(self) -> QColor:
        """What words over the plot stand on (the legend, a mark's name): the background,
        slightly see-through, so a line running under them does not cross them."""
        box = QColor(self.palette().color(QPalette.ColorRole.Base))
        box.setAlpha(LEGEND_BOX_ALPHA)
        return box

    def restyle(self) -> None:
        self.setBackground(self.palette().color(QPalette.ColorRole.Base))
        font = QFont(self.font())
        for name in ("left", "bottom"):
            axis = self.plotItem.getAxis(name)
            axis.setPen(pg.mkPen(self.ink(), width=max(1, round(self.scale))))
            axis.setTextPen(pg.mkPen(self.ink()))
            axis.setTickFont(font)
            axis.label.setFont(font)  # the unit, as large as the figures
        # A line of dates or figures along the bottom is one line of the type: its room is
        # made now. Left to pyqtgraph, it is measured while the axis paints, and on the
        # projector's large type the plot then moves up after its first paint, the labels
        # cut off until it does. (An axis given its own height keeps it.)
        self.plotItem.getAxis("bottom").setStyle(
            autoExpandTextSpace=False,
            tickTextHeight=math.ceil(QFontMetricsF(font).height()) + 1,
        )
        # The legend sits over the plot: on a box of the background, as a chart on paper has
        # it, so that a line running under it (a break-even mark, a curve) does not cross
        # its words. Slightly see-through, so data under it still shows.
        self.legend.setBrush(self.word_box())
        self.legend.setPen(pg.mkPen(self.palette().color(QPalette.ColorRole.Mid), width=1))
        self.legend.setLabelTextColor(self.ink())
        self.legend.setLabelTextSize(f"{QFontInfo(font).pixelSize()}px")
        self.readout.setColor(self.ink())
        self.readout.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        ready = getattr(self, "_ready", False)
        if ready and event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self.restyle()
            self.redraw()
        super().changeEvent(event)

    def redraw(self) -> None:
        """Draw the current data again, keeping a range the person zoomed or panned to."""
        with self.user_range.kept():
            self._draw()

    def _draw(self) -> None:
        """Draw the current data (subclasses)."""

    def _subject_is(self, subject: object) -> None:
        """New data about another subject (another metric) is fitted afresh."""
        if subject != self._subject:
            self.user_range.forget()
        self._subject = subject

    def clear_chart(self) -> None:
        self.plotItem.clear()
        self.legend.clear()
        self.plotItem.addItem(self.readout, ignoreBounds=True)
        self.readout.setText("")
        self._points = []

    # -- hover ------------------------------------------------------------------------------

    def _hover(self, pos: QPointF) -> None:
        if not self._points or not self.plotItem.sceneBoundingRect().contains(pos):
            self.readout.setText("")
            return
        view = self.plotItem.vb
        at = view.mapSceneToView(pos)
        (x_range, y_range) = view.viewRange()
        width, height = (x_range[1] - x_range[0]) or 1, (y_range[1] - y_range[0]) or 1

        def distance(p: tuple[float, float, str]) -> float:
            return ((p[0] - at.x()) / width) ** 2 + ((p[1] - at.y()) / height) ** 2

        x, y, text = min(self._points, key=distance)
        self.readout.setText(text)
        self.readout.setPos(x, y)

    def hover_text(self) -> str:
        return self.readout.toPlainText()

    def point_pos(self, index: int) -> tuple[float, float]:
        x, y, _text = self._points[index]
        return x, y
