"""Make the app icon files from resources/icons/pmdesk.svg, the one source of the icon.

    .venv/bin/python installer/make_icons.py

writes resources/icons/app/pmdesk-<size>.png (the hicolor sizes a Linux desktop uses),
pmdesk.ico (Windows: the executable, the installer, .pmdesk files) and pmdesk.icns
(macOS). Qt's SVG renderer draws each size from the vector, so small sizes are
sharp rather than shrunk; Pillow (installed with reportlab) packs the .ico and .icns.
Run it after changing the SVG; the results are committed, so a build needs no renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import ICNS_SIZES, ICO_SIZES, ICON_DIR, ICON_SVG, PNG_SIZES


def render_pngs(svg: Path, sizes: tuple[int, ...], folder: Path) -> dict[int, Path]:
    """Draw ``svg`` at every size with Qt (offscreen: no display needed)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not an SVG Qt can draw")
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = folder / f"pmdesk-{size}.png"
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"make_icons: could not write {path}")
        written[size] = path
    return written


def pack(pngs: dict[int, Path], folder: Path) -> tuple[Path, Path]:
    """The .ico and .icns, each holding the rendered PNGs of its sizes."""
    from PIL import Image

    largest = Image.open(pngs[max(pngs)])
    ico = folder / "pmdesk.ico"
    largest.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[Image.open(pngs[s]) for s in ICO_SIZES],
    )
    icns = folder / "pmdesk.icns"
    largest.save(icns, format="ICNS", append_images=[Image.open(pngs[s]) for s in ICNS_SIZES])
    return ico, icns


def main() -> int:
    pngs = render_pngs(ICON_SVG, PNG_SIZES, ICON_DIR)
    for path in (*pngs.values(), *pack(pngs, ICON_DIR)):
        print(f"{path.relative_to(ICON_DIR.parents[2])}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
