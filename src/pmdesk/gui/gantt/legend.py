"""The legend strip under the chart: what bars, outlines, dashes and badges mean.

Drawn from ``core.roadmap_style`` so the screen, the PNG/SVG export (the strip
is part of the chart page that is rendered) and the PDF poster use the same
names, colours and glyphs.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from pmdesk.core import roadmap_style as rs

from .model import RoadmapModel
from .style import ChartStyle, Fonts


class RoadmapLegend(QWidget):
    """One line of signs and names; shows the marks the chart can show right now."""

    def __init__(self, model: RoadmapModel, painter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.chart_painter = painter
        self.marks_only = False  # on a projector: only the marks a room needs explained
        self.setAccessibleName("Roadmap legend")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self._height())
        self._shown: tuple | None = None  # what the last refresh showed (see refresh)

    def entries(self, checked: bool = True) -> list[rs.LegendEntry]:
        """What the legend names. ``checked=False``: as drawn, with "Broken dependency" only
        once a broken link is known, so drawing the legend never waits for a large plan's
        links to be checked (the panel refreshes it when they are, after the first paint)."""
        model = self.model
        baseline = model.baseline_visible
        broken = model.violated if checked else model.violated.found_so_far()
        entries = rs.legend_entries(
            critical=model.show_critical,
            baseline=baseline,
            slip=baseline,
            violated=bool(broken),
        )
        if model.moment is not None and baseline:
            # The ghosts are a moment's, not the baseline's: the legend says which.
            ghosts = f"Ghosts: {model.moment.label}"
            entries = [replace(e, label=ghosts) if e.key == "baseline" else e for e in entries]
        if self.marks_only:
            entries = [e for e in entries if e.key not in rs.SHAPE_KEYS]
        return entries

    def labels(self, checked: bool = True) -> list[str]:
        return [entry.label for entry in self.entries(checked)]

    def _scale(self) -> float:
        """Glyphs grow with the type (a projector's is twice the desk's)."""
        return max(1.0, self.chart_painter.fonts.small_metrics.height() / 14)

    def _lines(self, width: float) -> list[list[tuple[rs.LegendEntry, float]]]:
        """The entries with their widths, wrapped into as many lines as the width needs."""
        fonts, k = self.chart_painter.fonts, self._scale()
        lines: list[list[tuple[rs.LegendEntry, float]]] = [[]]
        x = 10.0
        for entry in self.entries(checked=False):
            need = (GLYPH_ROOM + 5 + 16) * k + fonts.small_width(entry.label)
            if lines[-1] and x + need > width:
                lines.append([])
                x = 10.0
            lines[-1].append((entry, need))
            x += need
        return lines

    def _line_height(self) -> float:
        return self.chart_painter.fonts.small_metrics.height() + 8 * self._scale()

    def _height(self) -> int:
        lines = len(self._lines(max(self.width(), 200)))
        return max(22, round(lines * self._line_height() + 2))

    def refresh(self) -> None:
        """Follow the chart: painted again only when what it shows changed (its names, or
        the look and type it draws them in; a new height is a resize, which Qt paints). The
        panel asks after every edit and selection, which mostly change none of them."""
        labels = self.labels(checked=False)
        self.setFixedHeight(self._height())
        style, fonts = self.chart_painter.style, self.chart_painter.fonts
        last = self._shown
        if last is not None and last[0] is style and last[1] is fonts and last[2] == labels:
            return
        self._shown = (style, fonts, labels)  # the objects themselves: a new theme is new
        self.setAccessibleDescription(" · ".join(labels))
        self.update()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.height() != self._height():
            self.setFixedHeight(self._height())

    def sizeHint(self) -> QSize:
        return QSize(600, self._height())

    def paintEvent(self, event: QPaintEvent) -> None:
        style: ChartStyle = self.chart_painter.style
        fonts: Fonts = self.chart_painter.fonts
        p = QPainter(self)
        p.fillRect(self.rect(), style.header)
        p.setPen(QPen(style.grid_strong, 1))
        p.drawLine(0, 0, self.width(), 0)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(fonts.small)
        k, line_height = self._scale(), self._line_height()
        for n, line in enumerate(self._lines(self.width())):
            top = 1 + n * line_height
            cy = top + line_height / 2
            x = 10.0
            for entry, need in line:
                p.save()
                p.translate(x, cy)
                p.scale(k, k)
                glyph = _glyph(p, entry, 0.0, 0.0, style)
                p.restore()
                label_x = x + (glyph + 5) * k
                p.setPen(style.muted)
                p.drawText(
                    QRectF(label_x, top, fonts.small_width(entry.label) + 2, line_height),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                    entry.label,
                )
                x += need
        p.end()


GLYPH_ROOM = 26  # the widest glyph, in desk pixels


def _glyph(p: QPainter, entry: rs.LegendEntry, x: float, cy: float, style: ChartStyle) -> float:
    """Draw one sign as the chart draws it (in the theme's shade of it); returns its width."""
    shade = {
        "critical": style.critical,
        "violated": style.violated,
        "at_risk": style.at_risk,
        "baseline": style.baseline,
        "slip": style.late,
        "today": style.today,
        "link": style.link,
    }
    colour = QColor(shade.get(entry.key, QColor(entry.colour)))
    lane = QColor(rs.LANE_COLOURS[0])
    glyph = entry.glyph
    p.setPen(Qt.PenStyle.NoPen)
    if glyph in ("bar", "outline"):
        p.setBrush(lane)
        p.drawRoundedRect(QRectF(x, cy - 5, 20, 10), 3, 3)
        if glyph == "outline":
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(colour, 2))
            p.drawRoundedRect(QRectF(x - 2, cy - 7, 24, 14), 4, 4)
            return 24
        return 20
    if glyph == "initiative":
        p.setBrush(style.tint(lane, 0.8))
        p.drawRoundedRect(QRectF(x, cy - 6, 20, 12), 3, 3)
        p.setBrush(lane)
        p.drawRect(QRectF(x, cy - 6, 3, 12))
        return 20
    if glyph == "release":
        p.setBrush(lane.darker(118))
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(x, cy - 5),
                    QPointF(x + 15, cy - 5),
                    QPointF(x + 20, cy),
                    QPointF(x + 15, cy + 5),
                    QPointF(x, cy + 5),
                ]
            )
        )
        return 20
    if glyph == "milestone":
        p.setBrush(lane.darker(112))
        p.drawPolygon(
            QPolygonF(
                [
                    QPointF(x + 6, cy - 6),
                    QPointF(x + 12, cy),
                    QPointF(x + 6, cy + 6),
                    QPointF(x, cy),
                ]
            )
        )
        return 12
    if glyph in ("link", "dashed-link"):
        dash = Qt.PenStyle.DashLine if glyph == "dashed-link" else Qt.PenStyle.SolidLine
        p.setPen(QPen(colour, 1.5, dash))
        p.drawPolyline(
            QPolygonF(
                [
                    QPointF(x, cy + 4),
                    QPointF(x + 8, cy + 4),
                    QPointF(x + 8, cy - 3),
                    QPointF(x + 16, cy - 3),
                ]
            )
        )
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(
            QPolygonF([QPointF(x + 21, cy - 3), QPointF(x + 16, cy - 6), QPointF(x + 16, cy)])
        )
        return 21
    if glyph == "dot":
        p.setBrush(colour)
        p.drawEllipse(QPointF(x + 4, cy), 4, 4)
        return 8
    if glyph == "thin-bar":
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(x, cy - 2.5, 20, 5), 1.5, 1.5)
        return 20
    if glyph == "text":
        font = p.font()
        font.setPixelSize(11)  # the painter is scaled with the type: this is desk size
        p.setFont(font)
        p.setPen(colour)
        p.drawText(QRectF(x, cy - 10, 26, 20), Qt.AlignmentFlag.AlignCenter, "+3d")
        return 26
    p.setPen(QPen(colour, 2))
    p.drawLine(QPointF(x + 4, cy - 8), QPointF(x + 4, cy + 8))
    return 8
