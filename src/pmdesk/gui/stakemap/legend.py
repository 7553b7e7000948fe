"""The legend under the map: attitude glyphs and colours, what size and arrows mean."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPalette, QPen

from pmdesk.core.enums import Attitude
from pmdesk.gui.widgets.fonts import scaled

from .items import text_size
from .style import ATTITUDE_COLOURS, glyph_path

if TYPE_CHECKING:
    from .scene import MapScene

Role = QPalette.ColorRole


def draw_legend(scene: MapScene, font: QFont, palette: QPalette) -> None:
    """One row under the grid; in a smaller type if the row would not fit otherwise."""
    base_unit = QFontMetricsF(font).height()
    ink = palette.color(Role.Text)
    room = scene.sceneRect().width() - scene.plot.left()
    needed = sum(text_size(a.label, font)[0] + base_unit * 2.0 for a in Attitude)
    if needed > room:
        font = scaled(font, room / needed)
    unit = QFontMetricsF(font).height()
    y = scene.plot.bottom() + base_unit * 3.7
    x = scene.plot.left()
    height = unit * 1.3
    for attitude in Attitude:
        glyph = scene.addPath(
            glyph_path(attitude, unit * 0.42),
            QPen(palette.color(Role.Base), 1.2),
            QBrush(QColor(ATTITUDE_COLOURS[attitude])),
        )
        glyph.setPos(x + unit * 0.5, y + height / 2)
        width = text_size(attitude.label, font)[0] + 4
        scene.add_text(
            attitude.label,
            font,
            ink,
            QRectF(x + unit * 1.1, y, width, height),
            align=Qt.AlignmentFlag.AlignLeft,
        )
        x += unit * 1.1 + width + unit * 0.8
    extra = ["Size: importance"]
    if scene.options.show_desired:
        extra.append("- - ▸  desired position")
    if scene.options.show_history:
        extra.append("●—  trail over time")
    muted = palette.color(Role.PlaceholderText)
    for text in extra:
        width = text_size(text, font)[0] + 4
        if x + width > scene.sceneRect().width():
            break
        scene.add_text(
            text, font, muted, QRectF(x, y, width, height), align=Qt.AlignmentFlag.AlignLeft
        )
        x += width + unit * 0.9
