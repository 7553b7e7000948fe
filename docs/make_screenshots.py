"""Render the README's screenshots from the real app on a fresh demo portfolio.

    .venv/bin/python docs/make_screenshots.py   # writes docs/screenshots/*.png

Runs offscreen; the PDF pages need pdftoppm (Debian's poppler-utils).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["PMDESK_CONFIG_DIR"] = tempfile.mkdtemp()

OUT = Path(__file__).resolve().parent / "screenshots"
VIEWS = ["portfolio", "canvas", "stakeholders", "lifecycle", "roadmap", "requirements", "launch"]


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from pmdesk.gui.main_window import MainWindow
    from pmdesk.store.demo import create_demo

    OUT.mkdir(parents=True, exist_ok=True)
    demo = create_demo(Path(tempfile.mkdtemp()) / "Northwind.pmdesk")
    window = MainWindow()
    window.open_path(demo)
    window.resize(1400, 850)
    window.show()
    for key in VIEWS:
        window.view_host.show_view(key)
        for _ in range(10):
            app.processEvents()
        window.grab().save(str(OUT / f"{key}.png"))
    _pdf_pages(demo)
    window.close()
    return 0


def _pdf_pages(demo: Path) -> None:
    from pmdesk.exchange.pdf import export_pdf
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    folder = Path(tempfile.mkdtemp())
    with Workspace.open(demo, read_only=True) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        for kind, page in (("spec", 1), ("roadmap", 1), ("launch", 1)):
            pdf = export_pdf(ws, kind, folder / f"{kind}.pdf", product_id=product)
            subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page),
                            "-singlefile", str(pdf), str(OUT / f"pdf-{kind}")], check=True)


if __name__ == "__main__":
    raise SystemExit(main())
