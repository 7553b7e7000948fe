"""How the stakeholder map looks: attitude colours and glyphs, token sizes, quadrant tints.

Attitude colours (Okabe–Ito) and glyphs, and the quadrant tints, come from
``core.palette``, which the printed stakeholder map reads too; each attitude
has its own glyph, so the map reads in greyscale print as well.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainterPath, QPalette, QPolygonF

from pmdesk.core import palette
from pmdesk.core.enums import Attitude, Quadrant
from pmdesk.core.palette import (  # the map's modules import these colours from here
    ATTITUDE_COLOURS,  # noqa: F401
    GLYPH_NAMES,
    RACI_COLOURS,  # noqa: F401
    SQUARE_SIDE,
    glyph_polygon,
    quadrant_tint,
)

OVERDUE = palette.PROBLEM
DUE = "#B26A00"


def token_radius(importance: int, unit: float) -> float:
    """Importance 1-5 as a radius; ``unit`` is the font height, so tokens grow with the type."""
    return unit * (0.5 + 0.16 * max(1, min(5, importance)))


def glyph_path(attitude: Attitude, radius: float) -> QPainterPath:
    """The token's outline centred on (0, 0), from the glyph geometry paper draws too."""
    shape = GLYPH_NAMES[attitude]
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(QPointF(0, 0), radius, radius)
    elif shape == "square":
        side = radius * SQUARE_SIDE
        path.addRoundedRect(QRectF(-side, -side, 2 * side, 2 * side), side * 0.18, side * 0.18)
    else:
        points = [QPointF(x, y) for x, y in glyph_polygon(shape, radius)]
        path.addPolygon(QPolygonF([*points, points[0]]))
    path.closeSubpath()
    return path


def quadrant_fill(quadrant: Quadrant, palette: QPalette) -> QColor:
    """A tint of the highlight colour over the base, so it works on light and dark themes."""
    base = palette.color(QPalette.ColorRole.Base)
    accent = palette.color(QPalette.ColorRole.Highlight)
    return QColor(quadrant_tint(quadrant, base.name(), accent.name()))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128
