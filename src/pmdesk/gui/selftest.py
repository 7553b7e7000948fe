"""``pmdesk --self-test``: prove that this pmdesk works, on a machine with no screen.

An installed build has no test suite, so this is how a packager (and the bundle
test in CI) knows that the frozen app really has its Qt plugins, fonts, templates
and lazily imported modules: it makes the demo portfolio in a temporary folder,
opens it in the main window offscreen, shows and paints every view, prints what
each one drew, exports a specification PDF and checks the file is a PDF.

The user's own settings and data folders are never touched: both point into the
temporary folder for the run. Any exception, any message the window tries to show
and any view that draws nothing is a failure: exit status 1 and one line saying why.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QWidget

EXIT_OK = 0
EXIT_FAILED = 1
PDF_KIND = "spec"


class SelfTestFailure(Exception):
    """Something the self-test checks is wrong; the message says what."""


@dataclass(frozen=True)
class Drawn:
    """What a view put on screen: items in its graphics scenes and rows in its item views."""

    graphics_items: int = 0
    scenes: int = 0
    rows: int = 0
    item_views: int = 0

    @property
    def total(self) -> int:
        return self.graphics_items + self.rows

    def describe(self) -> str:
        parts = []
        if self.scenes:
            parts.append(
                f"{self.graphics_items} graphics items in {self.scenes} "
                f"scene{'s' if self.scenes != 1 else ''}"
            )
        if self.item_views:
            parts.append(
                f"{self.rows} rows in {self.item_views} "
                f"item view{'s' if self.item_views != 1 else ''}"
            )
        return ", ".join(parts) or "nothing"


def count_drawn(widget: QWidget) -> Drawn:
    """Count what the visible graphics views and item views inside ``widget`` show.

    The same measure for every view, whatever it is made of: a visible scene's
    visible items (a pyqtgraph chart is a scene too) plus the top-level rows of
    every visible table, list or tree. Hidden tabs do not count — they drew nothing.
    """
    from PySide6.QtWidgets import QAbstractItemView, QGraphicsView, QHeaderView

    seen_scenes: set[int] = set()
    items = scenes = rows = item_views = 0
    for view in widget.findChildren(QGraphicsView):
        scene = view.scene()
        if scene is None or not view.isVisible() or id(scene) in seen_scenes:
            continue
        seen_scenes.add(id(scene))
        scenes += 1
        items += sum(1 for item in scene.items() if item.isVisible())
    for view in widget.findChildren(QAbstractItemView):
        model = view.model()
        if model is None or not view.isVisible() or isinstance(view, QHeaderView):
            continue  # a table's headers share its model: count its rows once
        item_views += 1
        rows += model.rowCount(view.rootIndex())
    return Drawn(items, scenes, rows, item_views)


def inked_share(pixmap: QPixmap) -> float:
    """The share of a painted view's pixels that differ from its most common colour.

    A second, independent witness that painting really happened: a build missing a
    plugin or a font can still count items while drawing a blank page.
    """
    import numpy as np
    from PySide6.QtGui import QImage

    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return 0.0
    pixels = np.frombuffer(
        image.constBits(), dtype=np.uint32, count=image.bytesPerLine() // 4 * image.height()
    )
    pixels = pixels.reshape(image.height(), image.bytesPerLine() // 4)[:, : image.width()]
    _, counts = np.unique(pixels, return_counts=True)
    return 1.0 - counts.max() / pixels.size


class _NoDialogs:
    """Stands in for the window's Dialogs: nothing may be asked or reported during the test."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str):
        def record(*args: object, **_kwargs: object) -> None:
            self.calls.append(f"{name}: {' '.join(str(a) for a in args)}")

        return record


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the run and put the old values back afterwards."""
    old = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _catching_hook_errors() -> Iterator[list[str]]:
    """Exceptions raised inside Qt callbacks (paint, events) are only printed; collect them."""
    errors: list[str] = []
    previous = sys.excepthook

    def hook(kind, value, tb) -> None:
        errors.append("".join(traceback.format_exception(kind, value, tb)).strip())
        previous(kind, value, tb)

    sys.excepthook = hook
    try:
        yield errors
    finally:
        sys.excepthook = previous


def _show_every_view(demo: Path, out: TextIO) -> None:
    from PySide6.QtWidgets import QApplication

    from pmdesk.gui.main_window import MainWindow
    from pmdesk.gui.settings import Settings
    from pmdesk.gui.views import VIEWS, BaseView

    app = QApplication.instance() or QApplication(["pmdesk"])
    dialogs = _NoDialogs()
    window = MainWindow(settings=Settings.load(), dialogs=dialogs)
    try:
        if not window.open_path(demo):
            raise SelfTestFailure(f"the demo portfolio did not open: {dialogs.calls}")
        window.resize(1400, 850)
        window.show()
        width = max(len(spec.title) for spec in VIEWS)
        for spec in VIEWS:
            window.view_host.show_view(spec.key)
            app.processEvents()
            view = window.view_host.current_view()
            if view is None or window.view_host.current_key != spec.key:
                raise SelfTestFailure(f"the {spec.title} view could not be shown")
            if not isinstance(view, BaseView):  # the window's stand-in for a view that failed
                raise SelfTestFailure(f"the {spec.title} view could not be built (see above)")
            ink = inked_share(view.grab())  # paints the whole view now, as a screen would
            drawn = count_drawn(view)
            print(
                f"  {spec.title:<{width}}  {drawn.total:>5}  ({drawn.describe()}; "
                f"{ink:.0%} of its pixels inked)",
                file=out,
            )
            if drawn.total == 0 or ink == 0:
                raise SelfTestFailure(f"the {spec.title} view drew nothing on the demo portfolio")
        if dialogs.calls:
            raise SelfTestFailure(f"the window reported: {dialogs.calls[0]}")
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()


def _export_pdf(demo: Path, folder: Path, out: TextIO) -> None:
    from pmdesk.exchange.pdf import KINDS, export_pdf
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    target = folder / "self-test.pdf"
    with Workspace.open(demo, read_only=True) as workspace:
        product = workspace.service(PortfolioService).list_products()[0]
        export_pdf(workspace, PDF_KIND, target, product_id=product.id)
    head = target.read_bytes()[:5]
    if head != b"%PDF-":
        raise SelfTestFailure(f"the exported PDF starts with {head!r}, not %PDF-")
    print(
        f"  {KINDS[PDF_KIND]} of {product.name}: {target.stat().st_size:,} bytes, a PDF", file=out
    )


def _run_in(folder: Path, out: TextIO) -> None:
    from pmdesk import __version__
    from pmdesk.store.demo import create_demo

    print(
        f"pmdesk {__version__} self-test (Python {sys.version.split()[0]}, "
        f"{'frozen' if getattr(sys, 'frozen', False) else 'from source'})",
        file=out,
    )
    demo = create_demo(folder / "Self-test demo.pmdesk")
    print(f"Demo portfolio: {demo.stat().st_size:,} bytes", file=out)
    print("Views:", file=out)
    with _catching_hook_errors() as errors:
        _show_every_view(demo, out)
    if errors:
        raise SelfTestFailure(f"an error inside Qt: {errors[0].splitlines()[-1]}")
    print("PDF:", file=out)
    _export_pdf(demo, folder, out)


def run(out: TextIO | None = None) -> int:
    """Run the self-test, print what it saw; 0 when everything worked, 1 (and why) otherwise."""
    out = out or sys.stdout
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pmdesk-self-test-") as name:
        folder = Path(name)
        # Before Qt is imported (the CLI imports none on this path): no screen is needed.
        with _environment(
            QT_QPA_PLATFORM="offscreen",
            PMDESK_DATA_DIR=str(folder / "data"),
            PMDESK_CONFIG_DIR=str(folder / "config"),
        ):
            try:
                _run_in(folder, out)
            except SelfTestFailure as exc:
                return _failed(str(exc))
            except Exception as exc:  # anything else is a broken build: say what, not crash
                traceback.print_exc()
                return _failed(f"{type(exc).__name__}: {exc}")
    print(f"pmdesk self-test passed in {time.perf_counter() - started:.1f} s", file=out)
    return EXIT_OK


def _failed(reason: str) -> int:
    print(f"pmdesk self-test FAILED: {' '.join(reason.split())}", file=sys.stderr)
    return EXIT_FAILED
