"""Fonts made larger or smaller than a widget's own, however that font is sized.

A font is sized in points or in pixels (the projector's theme uses pixels); each helper
here keeps that unit, so a view, a heading or the projector's type scale the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QFont, QFontMetricsF

MIN_POINTS = 6.0  # below this, type is no longer read: scaling stops there
MIN_PIXELS = 8


def scaled(font: QFont, factor: float) -> QFont:
    """``font`` made ``factor`` times as large, whether it is sized in points or pixels."""
    result = QFont(font)
    if font.pointSizeF() > 0:
        result.setPointSizeF(max(MIN_POINTS, font.pointSizeF() * factor))
    else:
        result.setPixelSize(max(MIN_PIXELS, round(font.pixelSize() * factor)))
    return result


def fitting_scale(font: QFont, texts: Iterable[str], room: float, floor: float) -> float:
    """The factor (``floor`` to 1) by which ``font`` shrinks, through :func:`scaled`, for the
    widest of ``texts`` to fit in ``room`` pixels: 1 when they fit as they are, ``floor``
    when even that is too wide (the caller then cuts the words with an ellipsis)."""
    texts = list(texts)

    def widest(candidate: QFont) -> float:
        metrics = QFontMetricsF(candidate)
        return max((metrics.horizontalAdvance(text) for text in texts), default=0.0)

    needed = widest(font)
    if needed <= room or needed <= 0:
        return 1.0
    factor = max(floor, room / needed)
    # A font's size is whole pixels (or rounded points): the scaled one may still be a
    # little too wide, so step down until it fits.
    while factor > floor and widest(scaled(font, factor)) > room:
        factor = max(floor, factor - 0.02)
    return factor
