"""The map as an image file: PNG for slides and chat, SVG for print and further editing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from .scene import MapScene


def export_scene(scene: MapScene, background: QColor, path: Path) -> Path:
    """Write the scene as shown, without the selection; PNG at 2× pixels or SVG, by suffix."""
    rect = scene.sceneRect()
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(rect.size().toSize())
        generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
        generator.setTitle("Stakeholder map")
        painter = QPainter(generator)
        _render(scene, painter, rect, background)
        painter.end()
        return path
    image = QImage((rect.size() * 2).toSize(), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(2)
    painter = QPainter(image)
    _render(scene, painter, rect, background)
    painter.end()
    if not image.save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def _render(scene: MapScene, painter: QPainter, rect: QRectF, background: QColor) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    target = QRectF(0, 0, rect.width(), rect.height())
    painter.fillRect(target, background)
    selected = scene.selected_ids()
    scene.blockSignals(True)
    try:
        scene.clearSelection()  # an export shows the map, not what happened to be selected
        scene.render(painter, target, rect)
        scene.select_ids(selected)
    finally:
        scene.blockSignals(False)
