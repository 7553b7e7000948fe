"""The main window as a GUI test opens it: on a file, with dialogs that never ask anything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem, QTabWidget, QWidget

from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace


class PaintCount(QObject):
    """How many paint events a widget has had since this began counting; with ``note``, what
    it answered at each of them, in order (``noted``)."""

    def __init__(self, widget, note: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.count = 0
        self.note = note
        self.noted: list[object] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
            if self.note is not None:
                self.noted.append(self.note())
        return False


class QuietDialogs:
    """Dialogs that answer nothing: the test drives the window, no modal question stops it."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def demo_or_new(kind: str, demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo (``kind`` "demo"), else a new workspace with one product, Widget."""
    if kind == "demo":
        return Path(shutil.copyfile(demo_template, tmp_path / "demo.pmdesk"))
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        ws.service(PortfolioService).create_product(name="Widget")
    return path


def open_main_window(
    qtbot, path: Path, size: tuple[int, int] | None = (1400, 850), view: str | None = None
) -> MainWindow:
    """A MainWindow with ``path`` open (on ``view``, else the last one used); shown at
    ``size`` unless that is None."""
    settings = Settings.load()
    if view is not None:
        settings.last_view = view
    win = MainWindow(settings=settings, dialogs=QuietDialogs())
    qtbot.addWidget(win)
    assert win.open_path(path)
    if size is not None:
        win.resize(*size)
        win.show()
    return win


class RecordingDialogs:
    """The window's questions answered at once; the error messages it showed are kept."""

    def __init__(self, *, read_only: bool = True) -> None:
        self.errors: list[tuple[str, str]] = []
        self.read_only = read_only  # the answer to "open it read-only?"

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def ask_read_only(self, _text: str) -> bool:
        return self.read_only


def active(qtbot, widget):
    """``widget``'s window in front, so that the keys typed reach the focused widget.

    Not ``qtbot.waitActive(widget)`` on its own line: that is a context manager, and
    called bare it waits for nothing (tests/test_test_rules.py holds the suite to it)."""
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return widget


def exposed(qtbot, widget):
    """``widget`` once its window is on the screen (``qtbot.waitExposed`` used as the
    context manager it is; called bare it waits for nothing)."""
    with qtbot.waitExposed(widget):
        pass
    return widget


def pick(window, name: str) -> None:
    """Choose a product in the toolbar's product picker, as a person does."""
    selector = window.product_selector
    index = selector.findText(name)
    assert index >= 0, name
    selector.setCurrentIndex(index)
    QApplication.processEvents()


def show(window: MainWindow, key: str) -> QWidget:
    """The view ``key``, shown in ``window`` as its navigation does."""
    window.view_host.show_view(key)
    QApplication.processEvents()
    view = window.view_host.current_view()
    assert view is not None and window.view_host.current_key == key
    return view


def shown_for(qtbot, window: MainWindow, key: str, product: str) -> QWidget:
    """The view ``key`` shown for ``product``, the window in front."""
    view = show(window, key)
    active(qtbot, window)
    pick(window, product)
    return view


def click_tab(qtbot, tabs: QTabWidget, title: str) -> QWidget:
    """Click the tab titled ``title`` of ``tabs``, as a person does; returns its page."""
    titles = [tabs.tabText(n) for n in range(tabs.count())]
    index = titles.index(title)
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index, f"the {title} tab did not come forward"
    return tabs.currentWidget()


def on_screens(tmp_path: Path, screens: list[dict], script: str, *args: str) -> list[str]:
    """Run ``script`` (``python -c``) in a fresh process whose offscreen Qt has ``screens``
    (each a dict: name, x, y, width, height), as a laptop and a projector are; the lines it
    printed. A test's own process keeps the one screen it started with."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps({"screens": screens}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def cut_cells(table) -> list[str]:
    """The texts a table shows cut (wider than their cell), as its delegate lays them out."""
    view = table.view
    model, delegate = view.model(), view.itemDelegate()
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    cut = []
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        for row in range(model.rowCount()):
            option = QStyleOptionViewItem()
            option.initFrom(view)
            option.rect = view.visualRect(model.index(row, column))
            delegate.initStyleOption(option, model.index(row, column))
            if option.fontMetrics.horizontalAdvance(option.text) > option.rect.width() - 2 * margin:
                cut.append(option.text)
    return cut
