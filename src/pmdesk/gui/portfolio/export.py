"""PNG or SVG of a drawn widget, for File ▸ Export and for screenshots."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from pmdesk.core.errors import PmdeskError


def export_widget(widget: QWidget, path: Path) -> Path:
    """Render ``widget`` to ``path``: SVG when the suffix is .svg, else PNG."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(widget.size())
        generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
        generator.setTitle(widget.windowTitle() or "pmdesk")
        painter = QPainter(generator)
        widget.render(painter, QPoint(0, 0))
        painter.end()
    elif not widget.grab().save(str(path), "PNG"):
        raise PmdeskError(f"Could not write the image {path.name}")
    return path
