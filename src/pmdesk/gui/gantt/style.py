"""Colours and fonts of the roadmap chart, derived from the widget's palette.

The chart follows the light or dark theme through ``QPalette`` (Base, Text,
Highlight …) and adds its own accents: lane colours that stay distinct for
colour-blind readers when paired with shape (kinds differ by shape, not only
colour), a red for the critical path and broken links, grey for baselines.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPalette

from pmdesk.core import roadmap_style as rs

LANE_COLOURS = rs.LANE_COLOURS  # one rotation for the screen and the paper


def lane_colour(index: int, chosen: str = "") -> QColor:
    """The lane's own colour if it has a valid one, else one from the rotation."""
    return QColor(rs.lane_colour(index, chosen))


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


@dataclass
class ChartStyle:
    dark: bool
    base: QColor
    band: QColor  # every other lane
    text: QColor
    muted: QColor
    grid: QColor
    grid_strong: QColor
    weekend: QColor  # days off of the working week (a weekend, or the week's own days off)
    header: QColor
    highlight: QColor
    holiday: QColor = field(default_factory=lambda: QColor(0, 0, 0, 0))  # a holiday's days
    today: QColor = field(default_factory=lambda: QColor(rs.TODAY))
    critical: QColor = field(default_factory=lambda: QColor(rs.CRITICAL))
    violated: QColor = field(default_factory=lambda: QColor(rs.VIOLATED))
    late: QColor = field(default_factory=lambda: QColor(rs.LATE))
    early: QColor = field(default_factory=lambda: QColor(rs.EARLY))
    at_risk: QColor = field(default_factory=lambda: QColor(rs.AT_RISK))
    baseline: QColor = field(default_factory=lambda: QColor(rs.BASELINE))
    link: QColor = field(default_factory=lambda: QColor(rs.LINK))

    @classmethod
    def from_palette(cls, palette: QPalette) -> ChartStyle:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        dark = base.lightnessF() < 0.5
        style = cls(
            dark=dark,
            base=base,
            band=_mix(base, text, 0.035 if dark else 0.022),
            text=text,
            muted=_mix(text, base, 0.45),
            grid=_mix(base, text, 0.08 if dark else 0.07),
            grid_strong=_mix(base, text, 0.16 if dark else 0.15),
            weekend=_mix(base, text, 0.05 if dark else 0.04),
            header=palette.color(QPalette.ColorRole.Window),
            highlight=palette.color(QPalette.ColorRole.Highlight),
        )
        # A holiday stands out a little more than a weekend: it is a day off the week has not.
        style.holiday = _mix(base, text, 0.09 if dark else 0.075)
        if dark:
            style.baseline = QColor("#6b7480")
            style.link = QColor("#7d8796")
            style.critical = QColor("#ff5a4d")
            style.violated = QColor("#ff5a4d")
            style.late = QColor("#ff7a52")
            style.early = QColor("#5cc26f")
        return style

    def tint(self, colour: QColor, amount: float) -> QColor:
        """``colour`` faded towards the background (for initiatives and hover)."""
        return _mix(colour, self.base, amount)


class Fonts:
    """The chart's fonts with cached metrics: measuring text is the costly part of a frame."""

    def __init__(self, base: QFont, small_factor: float = 0.82) -> None:
        """``small_factor`` sizes secondary text (scale, counts, slips); a projector asks 1.0,
        since nothing there may be smaller than its body text."""
        self.label = QFont(base)
        self.bold = QFont(base)
        self.bold.setWeight(QFont.Weight.DemiBold)
        self.small = QFont(base)
        if base.pixelSize() > 0:  # a font set in pixels (the projector's) has no point size
            self.small.setPixelSize(max(8, round(base.pixelSize() * small_factor)))
        else:
            self.small.setPointSizeF(max(6.5, base.pointSizeF() * small_factor))
        self.label_metrics = QFontMetricsF(self.label)
        self.bold_metrics = QFontMetricsF(self.bold)
        self.small_metrics = QFontMetricsF(self.small)
        self._widths: dict[tuple[int, str], float] = {}

    def width(self, text: str, bold: bool = False) -> float:
        key = (1 if bold else 0, text)
        found = self._widths.get(key)
        if found is None:
            metrics = self.bold_metrics if bold else self.label_metrics
            found = self._widths[key] = metrics.horizontalAdvance(text)
            if len(self._widths) > 50_000:
                self._widths.clear()
        return found

    def bold_width(self, text: str) -> float:
        return self.width(text, bold=True)

    def small_width(self, text: str) -> float:
        key = (2, text)
        found = self._widths.get(key)
        if found is None:
            found = self._widths[key] = self.small_metrics.horizontalAdvance(text)
        return found

    def elide(self, text: str, width: float, bold: bool = False) -> str:
        from PySide6.QtCore import Qt

        metrics = self.bold_metrics if bold else self.label_metrics
        return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
