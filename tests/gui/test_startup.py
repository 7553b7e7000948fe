"""Start-up: the window's chrome is painted before the file is opened, then the file is drawn.

What the person sees first is the window (menus, toolbar, the list of views, the file's
name), before the store and SQLAlchemy are even imported; the file follows right after
that first paint. Also: what start-up does not import (the other services, the package's
version), and the Roadmap's tables, filled when their tab is shown.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
from tests.gui.windows import RecordingDialogs, click_tab

import pmdesk
from pmdesk.gui.app import _VersionReader, opening_name, show_and_open
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.views import VIEWS
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

# The window reports what was imported and shown at its first paint (the chrome) and at
# the first paint of the file's view, through pmdesk.gui.app's benchmark contract.
SCRIPT = """
import sys
from pathlib import Path
import pmdesk.gui.app as app

report_window = app.FirstPaintReporter._report_window

def at_window_paint(self):
    window = self._window
    # The store, and the market's module (the palette reads its matrix levels from the enums).
    watched = ("sqlalchemy", "pmdesk.store.workspace", "pmdesk.core.market")
    loaded = [m for m in watched if m in sys.modules]
    print("window-store:", ",".join(loaded), flush=True)
    print("window-title:", window.windowTitle(), flush=True)
    print("window-open:", window.workspace is not None, flush=True)
    report_window(self)

app.FirstPaintReporter._report_window = at_window_paint
code = app.run_gui(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
heavy = ("pyqtgraph", "reportlab", "alembic", "numpy")
print("heavy:", ",".join(m for m in heavy if m in sys.modules), flush=True)
sys.exit(code)
"""


def run_app(*args: str, last_view: str | None = None) -> list[str]:
    if last_view is not None:
        settings = Settings.load()
        settings.last_view = last_view
        settings.save()
    env = dict(os.environ, PMDESK_BENCH_FIRST_PAINT="1", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def value(lines: list[str], key: str) -> str:
    found = [
        line.split(" ", 1)[1] if " " in line else "" for line in lines if line.split()[0] == key
    ]
    assert len(found) == 1, (key, lines)
    return found[0]


def new_file(tmp_path: Path, products: int) -> Path:
    path = tmp_path / "Plans & ideas 🚀.pmdesk"
    with Workspace.create(path) as ws:
        for n in range(products):
            ws.service(PortfolioService).create_product(name=f"Product {n + 1}")
    return path


@pytest.mark.parametrize("source", ["new, empty", "new, one product", "demo"])
def test_the_window_is_painted_before_the_file_is_opened_then_the_file_is_drawn(
    tmp_path, demo_template, source
):
    if source == "demo":
        path = tmp_path / "Demo portfolio.pmdesk"
        shutil.copyfile(demo_template, path)
    else:
        path = new_file(tmp_path, 0 if source == "new, empty" else 1)
    lines = run_app(str(path), last_view="roadmap")
    keys = [line.split()[0] for line in lines]
    assert keys.index("window-paint") < keys.index("first-paint")
    # The chrome: the file's name, no file open yet, the store not imported.
    assert value(lines, "window-store:") == ""
    assert value(lines, "window-open:") == "False"
    assert value(lines, "window-title:") == f"{path.stem} — pmdesk"
    assert 0 < float(value(lines, "window-paint")) < float(value(lines, "first-paint"))
    assert value(lines, "heavy:") == ""
    # Then the file was opened on the view shown last, and let go at exit.
    saved = Settings.load()
    assert saved.recent_files == [str(path)] and saved.last_view == "roadmap"
    assert (saved.product_for(path) is not None) == (source != "new, empty")
    Workspace.open(path).close()


def test_without_a_file_the_start_page_is_the_first_paint():
    lines = run_app()
    assert value(lines, "window-title:") == "pmdesk"
    assert value(lines, "window-store:") == ""
    assert float(value(lines, "window-paint")) <= float(value(lines, "first-paint"))
    assert Settings.load().recent_files == []


# -- in the test's own process: the window between its first paint and the open file -----------


class FirstPaint(QObject):
    """What the window showed at its first paint."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.seen: dict[str, object] | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Paint and self.seen is None:
            window = self.window
            self.seen = {
                "open": window.workspace is not None,
                "title": window.windowTitle(),
                "page": window.pages.currentWidget(),
                "view": window.view_host.current_key,
                "views made": len(window.view_host.created_views()),
                "product": window.product_selector.placeholderText(),
                "status": window.statusBar().currentMessage(),
            }
        return False


@pytest.fixture
def start(qtbot):
    def start(path: Path | None, last_view: str = "portfolio") -> tuple[MainWindow, FirstPaint]:
        """The window made as ``run_gui`` makes it, then shown and opening ``path``."""
        settings = Settings(last_view=last_view)
        window = MainWindow(
            settings=settings,
            dialogs=RecordingDialogs(read_only=False),
            opening=opening_name(path, settings.last_file),
        )
        qtbot.addWidget(window)
        seen = FirstPaint(window)
        show_and_open(window, path)
        qtbot.waitUntil(lambda: seen.seen is not None)
        return window, seen

    return start


@pytest.mark.parametrize("last_view", ["portfolio", "roadmap"])
def test_the_chrome_names_the_file_and_its_views_then_the_view_follows(
    start, qtbot, demo_template, tmp_path, last_view
):
    path = tmp_path / "Northwind & co.pmdesk"
    shutil.copyfile(demo_template, path)
    window, first = start(path, last_view)
    assert first.seen == {
        "open": False,
        "title": "Northwind & co — pmdesk",
        "page": window.view_host,
        "view": last_view,
        "views made": 0,
        "product": "Opening…",
        "status": "Opening Northwind & co…",
    }
    qtbot.waitUntil(lambda: window.view_host.current_view() is not None)
    assert window.workspace.path == path
    assert window.view_host.current_key == last_view
    assert window.product_selector.isEnabled() and window.product_selector.product_id()
    assert window.statusBar().currentMessage() == ""
    assert window._start_page is None  # noqa: SLF001 - never shown, never built
    window.menu_actions.close.trigger()  # File > Close: the start page, with this file
    assert window.pages.currentWidget() is window.start_page
    assert window.start_page.recent_paths() == [path]
    window.close()


def test_a_new_empty_file_opens_the_same_way(start, qtbot, tmp_path):
    path = new_file(tmp_path, 0)
    window, first = start(path)
    assert first.seen["open"] is False and first.seen["title"] == f"{path.stem} — pmdesk"
    qtbot.waitUntil(lambda: window.workspace is not None)
    assert window.product_selector.placeholderText() == "No products yet"
    assert not window.product_selector.isEnabled()
    window.close()


def test_a_file_that_cannot_be_opened_leaves_the_start_page_with_the_reason(start, qtbot, tmp_path):
    bad = tmp_path / "notes.pmdesk"
    bad.write_bytes(b"name,stage\nAtlas,Innovation\n")
    window, first = start(bad)
    assert first.seen["title"] == "notes — pmdesk"
    qtbot.waitUntil(lambda: bool(window.dialogs.errors))
    assert "not a pmdesk workspace" in window.dialogs.errors[0][1]
    assert window.pages.currentWidget() is window.start_page and window.start_page.isVisible()
    assert window.start_page.recent_paths() == []
    assert window.windowTitle() == "pmdesk"
    assert window.product_selector.placeholderText() == "No file open"
    assert window.statusBar().currentMessage() == ""
    assert bad.read_bytes() == b"name,stage\nAtlas,Innovation\n"


def test_a_window_closed_before_its_first_paint_opens_nothing(qtbot, tmp_path):
    path = new_file(tmp_path, 1)
    window = MainWindow(settings=Settings(), dialogs=RecordingDialogs(read_only=False))
    qtbot.addWidget(window)
    waiting = show_and_open(window, path)
    with qtbot.waitSignal(waiting.done, timeout=5000):
        window.close()  # before the event loop has painted it
    assert window.workspace is None and window.view_host.current_view() is None
    assert Settings.load().recent_files == []
    Workspace.open(path).close()  # not held by a lock


class Painted(QObject):
    """Whether Python's cycle collector ran at the first paint of each widget watched."""

    def __init__(self) -> None:
        super().__init__()
        self.collecting: dict[str, bool] = {}

    def watch(self, name: str, widget) -> None:
        widget.installEventFilter(self)
        widget.setProperty("watched_as", name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        name = watched.property("watched_as")
        if event.type() == QEvent.Type.Paint and name and name not in self.collecting:
            self.collecting[name] = gc.isenabled()
        return False


@pytest.mark.parametrize("opened", ["demo", "a file that cannot be opened"])
def test_the_cycle_collector_is_paused_for_the_start_and_collects_once_drawn(
    qtbot, demo_template, tmp_path, opened, monkeypatch
):
    """run_gui pauses it (the start makes objects that live on); show_and_open lets it
    collect again after the first paint of what it opened on, whatever that is."""
    path = tmp_path / "Northwind.pmdesk"
    if opened == "demo":
        shutil.copyfile(demo_template, path)
    else:
        path.write_bytes(b"not a workspace")
    window = MainWindow(settings=Settings(last_view="roadmap"),
                        dialogs=RecordingDialogs(read_only=False))  # fmt: skip
    qtbot.addWidget(window)
    painted = Painted()
    painted.watch("window", window)
    shown: list[QObject] = []
    # The version is read then too, on a thread of its own (importlib.metadata: 25-40 ms).
    read_on: list[threading.Thread] = []
    reading = _VersionReader._read
    monkeypatch.setattr(_VersionReader, "_read",
                        lambda self: (read_on.append(threading.current_thread()), reading(self)))  # fmt: skip
    QApplication.setApplicationVersion("")
    gc.disable()
    try:
        show_and_open(window, path, opened=lambda page: (shown.append(page),
                                                         painted.watch("opened", page)))  # fmt: skip
        qtbot.waitUntil(lambda: "opened" in painted.collecting, timeout=20_000)
        qtbot.waitUntil(gc.isenabled)
    finally:
        gc.enable()
    assert painted.collecting == {"window": False, "opened": False}
    qtbot.waitUntil(lambda: QApplication.applicationVersion() == pmdesk.__version__)
    assert len(read_on) == 1 and read_on[0] is not threading.main_thread()
    expected = window.view_host.current_view() if opened == "demo" else window.start_page
    assert shown == [expected]
    window.close()


def test_no_file_shows_the_start_page_at_once(start):
    window, first = start(None)
    assert first.seen["page"] is window.start_page and first.seen["title"] == "pmdesk"


# -- the Roadmap's tables: filled when their tab is shown -------------------------------------------


def test_the_roadmap_fills_a_table_when_its_tab_is_shown(qtbot, demo_ctx):
    products = [p.id for p in demo_ctx.service(PortfolioService).list_products()]
    service = demo_ctx.service(RoadmapService)
    spec = next(s for s in VIEWS if s.key == "roadmap")
    view = spec.factory(demo_ctx, None)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    view.set_product(products[0])
    titles = [view.tabs.tabText(n) for n in range(view.tabs.count())]
    pages = [view.tabs.widget(titles.index(t)) for t in ("Items", "Dependencies", "Lanes")]
    # On the Timeline, the tables behind the other tabs are not even built.
    assert [page.findChild(EntityTable) for page in pages] == [None, None, None]

    def shown(title: str) -> EntityTable:
        table = click_tab(qtbot, view.tabs, title).findChild(EntityTable)
        assert table is not None and table.isVisible(), f"the {title} table is on screen"
        return table

    items = shown("Items")
    assert items.model.rowCount() == len(service.items_of(products[0])) > 0
    assert pages[1].findChild(EntityTable) is None  # still hidden, still not built
    # The product changes with the Items tab on screen: it follows at once.
    view.set_product(products[1])
    assert items.model.rowCount() == len(service.items_of(products[1]))
    deps = shown("Dependencies")
    assert deps.model.rowCount() == len(service.dependencies_of(products[1])) > 0
    lanes = shown("Lanes")
    assert lanes.model.rowCount() == len(service.lanes_of(products[1])) > 0
    # Asked for by name, a hidden table is filled for the current product first.
    click_tab(qtbot, view.tabs, "Timeline")
    view.set_product(products[0])
    assert view.lanes.model.rowCount() == len(service.lanes_of(products[0]))
    view.set_product(None)  # the view asks for a product; its Items table reads nothing
    click_tab(qtbot, view.tabs, "Items")
    assert items.model.rowCount() == 0


# -- what importing does not do ---------------------------------------------------------------------


def python(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_one_service_imports_only_its_own_module():
    out = python(
        "import sys\n"
        "from pmdesk.store.services import PortfolioService\n"
        "print(sorted(m.rsplit('.', 1)[1] for m in sys.modules"
        " if m.startswith('pmdesk.store.services.')))"
    )
    assert out == "['base', 'portfolio']"


def test_every_service_is_importable_from_the_package():
    from pmdesk.store import services

    for name in services.__all__:
        cls = getattr(services, name)
        assert cls.__name__ == name and cls.__module__.startswith("pmdesk.store.services.")
    assert set(services.__all__) <= set(dir(services))
    with pytest.raises(ImportError):
        exec("from pmdesk.store.services import NoSuchService", {})
    namespace: dict[str, object] = {}
    exec("from pmdesk.store.services import *", namespace)
    assert namespace["RoadmapService"] is RoadmapService


def test_the_version_is_read_when_asked_for_not_on_import():
    from importlib.metadata import version

    out = python(
        "import sys, pmdesk\n"
        "print('importlib.metadata' in sys.modules)\n"
        "from pmdesk import __version__\n"
        "print(__version__)"
    )
    assert out.splitlines() == ["False", version("pmdesk")]


def test_the_window_module_names_the_workspace_class_on_demand():
    import pmdesk.gui.main_window as main_window

    assert main_window.Workspace is Workspace
    with pytest.raises(AttributeError):
        main_window.NoSuchThing  # noqa: B018
