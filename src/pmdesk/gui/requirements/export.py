"""PNG or SVG of a drawn widget, by the file's suffix.

Shared by the requirements and launch views.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from pmdesk.core.errors import PmdeskError


def export_widget(widget: QWidget, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(widget.width(), widget.height()))
        generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
        generator.setTitle("pmdesk")
        painter = QPainter(generator)
        widget.render(painter, QPoint(0, 0))
        painter.end()
        return
    if suffix != ".png":
        raise PmdeskError(f"{path.name}: choose a .png or .svg file name")
    if not widget.grab().save(str(path), "PNG"):
        raise PmdeskError(f"{path.name}: the image could not be written")
