"""How the stakeholder map looks: attitude colours and glyphs, token sizes, quadrant tints.

Attitude colours are from the Okabe–Ito palette, which stays distinguishable
for the common colour-vision deficiencies and on a washed-out projector; each
attitude also has its own glyph, so the map reads in greyscale print as well.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QPainterPath, QPalette, QPolygonF

from pmdesk.core.enums import Attitude, Quadrant, RaciRole

ATTITUDE_COLOURS: dict[Attitude, str] = {
    Attitude.CHAMPION: "#009E73",  # bluish green
    Attitude.SUPPORTER: "#56B4E9",  # sky blue
    Attitude.NEUTRAL: "#8C8C8C",  # grey: neither side
    Attitude.CRITIC: "#E69F00",  # orange
    Attitude.BLOCKER: "#D55E00",  # vermillion
}

GLYPH_NAMES: dict[Attitude, str] = {
    Attitude.CHAMPION: "star",
    Attitude.SUPPORTER: "triangle up",
    Attitude.NEUTRAL: "circle",
    Attitude.CRITIC: "triangle down",
    Attitude.BLOCKER: "square",
}

RACI_COLOURS: dict[RaciRole, str] = {
    RaciRole.RESPONSIBLE: "#56B4E9",
    RaciRole.ACCOUNTABLE: "#0072B2",
    RaciRole.CONSULTED: "#E69F00",
    RaciRole.INFORMED: "#CCCCCC",
}

OVERDUE = "#C62828"
DUE = "#B26A00"

# The quadrant the product manager spends most effort on gets the strongest tint.
_QUADRANT_TINT = {
    Quadrant.MANAGE_CLOSELY: 0.16,
    Quadrant.KEEP_SATISFIED: 0.08,
    Quadrant.KEEP_INFORMED: 0.08,
    Quadrant.MONITOR: 0.0,
}


def token_radius(importance: int, unit: float) -> float:
    """Importance 1-5 as a radius; ``unit`` is the font height, so tokens grow with the type."""
    return unit * (0.5 + 0.16 * max(1, min(5, importance)))


def glyph_path(attitude: Attitude, radius: float) -> QPainterPath:
    """The token's outline centred on (0, 0); each shape is sized to look as big as a circle."""
    shape = GLYPH_NAMES[attitude]
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(QPointF(0, 0), radius, radius)
    elif shape == "square":
        side = radius * 0.9
        path.addRoundedRect(QRectF(-side, -side, 2 * side, 2 * side), side * 0.18, side * 0.18)
    elif shape.startswith("triangle"):
        r = radius * 1.3
        flip = 1 if shape.endswith("up") else -1  # screen y grows downwards
        points = [QPointF(0, -flip * r), QPointF(-0.866 * r, flip * 0.5 * r),
                  QPointF(0.866 * r, flip * 0.5 * r)]
        path.addPolygon(QPolygonF([*points, points[0]]))
    else:  # star
        outer, inner = radius * 1.38, radius * 0.62
        points = []
        for n in range(10):
            r = outer if n % 2 == 0 else inner
            angle = -math.pi / 2 + n * math.pi / 5
            points.append(QPointF(r * math.cos(angle), r * math.sin(angle) + radius * 0.08))
        path.addPolygon(QPolygonF([*points, points[0]]))
    path.closeSubpath()
    return path


def quadrant_fill(quadrant: Quadrant, palette: QPalette) -> QColor:
    """A tint of the highlight colour over the base, so it works on light and dark themes."""
    base = palette.color(QPalette.ColorRole.Base)
    accent = palette.color(QPalette.ColorRole.Highlight)
    return mix(base, accent, _QUADRANT_TINT[quadrant])


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def scaled(font: QFont, factor: float) -> QFont:
    """``font`` made ``factor`` times as large, whether it is sized in points or pixels."""
    result = QFont(font)
    if font.pointSizeF() > 0:
        result.setPointSizeF(max(6.0, font.pointSizeF() * factor))
    else:
        result.setPixelSize(max(8, round(font.pixelSize() * factor)))
    return result
