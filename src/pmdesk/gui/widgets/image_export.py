"""The one way a view becomes an image file: PNG (pixels) or SVG (vectors), by the file's suffix.

Every view's ``export_image`` hook (File ▸ Export ▸ image…, the stakeholder map's own
Export button, the SVG export) ends here, so every view writes the same formats, returns
the same thing (the path written) and fails with the same message.

Two sources:

- ``export_widget``: a widget as it is drawn now (a table, a chart page, the whole view);
- ``export_scene``: a graphics scene drawn from its own geometry, not from what is scrolled
  into sight (the canvas board, the stakeholder map), optionally at a given size, on a
  background and at 2× pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPaintDevice, QPainter
from PySide6.QtWidgets import QGraphicsScene, QWidget

from pmdesk.core.errors import PmdeskError

FORMATS = (".png", ".svg")


class ImageExportError(PmdeskError, OSError):
    """The image could not be written (a PmdeskError for the window, an OSError for callers
    that catch file errors)."""


def image_error(path: Path, reason: str = "") -> ImageExportError:
    """The one message every view shows when an image cannot be written."""
    return ImageExportError(
        f"Could not write the image {path.name}" + (f": {reason}" if reason else "")
    )


def export_widget(widget: QWidget, path: Path | str, *, title: str = "") -> Path:
    """``widget`` as it is drawn now, with its children: SVG for .svg, else PNG."""
    path = _checked(path)
    if _is_svg(path):
        size = QSize(widget.width(), widget.height())
        _write_svg(path, size, title or widget.windowTitle(), lambda p: widget.render(p, QPoint()))
    elif not widget.grab().save(str(path), "PNG"):
        raise image_error(path)
    return path


def export_scene(
    scene: QGraphicsScene,
    path: Path | str,
    *,
    source: QRectF | None = None,
    size: QSize | None = None,
    background: QColor | None = None,
    pixel_ratio: float = 1.0,
    title: str = "",
    antialias: bool = True,
) -> Path:
    """``source`` of the scene (default its whole rectangle) drawn at ``size`` (default the
    source's size): SVG for .svg, else PNG at ``pixel_ratio`` pixels per point on
    ``background`` (transparent when None)."""
    path = _checked(path)
    rect = QRectF(source) if source is not None else scene.sceneRect()
    size = size or rect.size().toSize()
    target = QRectF(0, 0, size.width(), size.height())

    def paint(painter: QPainter) -> None:
        if antialias:
            painter.setRenderHints(
                QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
            )
        if background is not None:
            painter.fillRect(target, background)
        scene.render(painter, target, rect)

    if _is_svg(path):
        _write_svg(path, size, title, paint)
        return path
    image = QImage((QSize(size) * pixel_ratio), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(pixel_ratio)
    image.fill(background if background is not None else QColor(0, 0, 0, 0))
    _paint_on(image, paint)
    if not image.save(str(path), "PNG"):
        raise image_error(path)
    return path


def _checked(path: Path | str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise image_error(path, "choose a .png or .svg file name")
    return path


def _is_svg(path: Path) -> bool:
    return path.suffix.lower() == ".svg"


def _write_svg(path: Path, size: QSize, title: str, paint: Callable[[QPainter], None]) -> None:
    from PySide6.QtSvg import QSvgGenerator  # only an SVG export pays for QtSvg

    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title or "pmdesk")
    _paint_on(generator, paint)
    if not path.is_file():
        raise image_error(path)


def _paint_on(device: QPaintDevice, paint: Callable[[QPainter], None]) -> None:
    painter = QPainter(device)
    try:
        paint(painter)
    finally:
        painter.end()
