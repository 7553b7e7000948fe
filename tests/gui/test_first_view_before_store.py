"""A file opened on its Roadmap or its Portfolio is drawn before the store (SQLAlchemy,
the models) loads.

The window checks and locks the file without the store (``pmdesk.store.early``), draws
the chart or the portfolio's table from the file's own read-only connection, and loads
the store on a thread once it is on screen. A click or a key made before then waits for the store; closing
waits for it too. A file of an older format, a locked or damaged one opens as before.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from tests.gui.windows import RecordingDialogs, click_tab, exposed, open_main_window

from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.early import EarlyWorkspace
from pmdesk.store.filelock import WorkspaceLock
from pmdesk.store.generate import create_large
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "store" / "fixtures"


@pytest.fixture(scope="module")
def plan_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "plan.pmdesk"
    create_large(path, items=300, dependencies=220, lanes=6, seed=5)
    return path


@pytest.fixture
def plan(plan_template, tmp_path) -> Path:
    return Path(shutil.copyfile(plan_template, tmp_path / "plan.pmdesk"))


def _window_on_roadmap(qtbot, dialogs: RecordingDialogs) -> MainWindow:
    """A window whose last view was the Roadmap, its questions answered by ``dialogs``."""
    settings = Settings.load()
    settings.last_view = "roadmap"
    win = MainWindow(settings=settings, dialogs=dialogs)
    qtbot.addWidget(win)
    return win


def _items_in(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM roadmap_item").fetchone()[0]
    finally:
        conn.close()


def _started_on(view: str, path: Path, home: Path) -> dict[str, str]:
    """``python -m pmdesk FILE`` opened on ``view``, as a person starts it; the figures it
    prints at its first paint (PMDESK_BENCH_FIRST_PAINT)."""
    (home / "config").mkdir(parents=True)
    (home / "config" / "pmdesk.ini").write_text(f"[view]\nlast={view}\n", encoding="utf-8")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PMDESK_BENCH_FIRST_PAINT="1",
        PMDESK_CONFIG_DIR=str(home / "config"),
        PMDESK_DATA_DIR=str(home / "data"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)


@pytest.mark.parametrize("view", ["roadmap", "portfolio"])
def test_pmdesk_started_on_its_roadmap_or_portfolio_draws_it_before_sqlalchemy_loads(
    plan, tmp_path, view
):
    figures = _started_on(view, plan, tmp_path / view)
    assert figures["first-paint-sqlalchemy"] == "False"
    # On the Canvas, which reads through the store, it loads first (as before).
    figures = _started_on("canvas", plan, tmp_path / "canvas")
    assert figures["first-paint-sqlalchemy"] == "True"
    with Workspace.open(plan) as ws:  # both let go of the file, unharmed
        assert ws.check().ok


@pytest.fixture
def held_load(monkeypatch) -> threading.Event:
    """The store's load waits until the test sets the event it returns."""
    release = threading.Event()
    load = EarlyWorkspace._load

    def held(self, done):
        release.wait(60)
        load(self, done)

    monkeypatch.setattr(EarlyWorkspace, "_load", held)
    return release


def _settled(qtbot, widget) -> QImage:
    """What ``widget`` shows once the window has handled everything it had to do."""
    for _ in range(5):
        QApplication.processEvents()
    return widget.grab().toImage()


def test_the_chart_drawn_before_the_store_is_the_one_the_store_draws(
    qtbot, plan, held_load, monkeypatch, tmp_path
):
    win = open_main_window(qtbot, plan, size=(1366, 768), view="roadmap")
    ws = win.workspace
    assert isinstance(ws, EarlyWorkspace)
    panel = win.view_host.current_view().chart
    assert len(panel.model.items) == _items_in(plan)
    assert win.product_selector.count() >= 1 and win.product_selector.product_id() is not None
    exposed(qtbot, win)
    before = _settled(qtbot, panel.view.viewport())
    assert not ws.loaded, "drawn, and the store still loading"
    held_load.set()
    qtbot.waitUntil(lambda: ws.loaded, timeout=30_000)
    assert _settled(qtbot, panel.view.viewport()) == before, "its arrival changes nothing"
    assert win.ctx.service(PortfolioService).list_products()  # the store serves the window
    # The same plan opened the usual way (through the store) draws the same chart.
    monkeypatch.setattr(EarlyWorkspace, "open", classmethod(lambda cls, path: None))
    same = Path(shutil.copyfile(plan, tmp_path / "same.pmdesk"))
    usual = open_main_window(qtbot, same, size=(1366, 768), view="roadmap")
    assert isinstance(usual.workspace, Workspace)
    exposed(qtbot, usual)
    chart = usual.view_host.current_view().chart
    assert _settled(qtbot, chart.view.viewport()) == before


def test_an_item_added_before_the_store_has_loaded_waits_for_it_and_undoes(qtbot, plan):
    win = open_main_window(qtbot, plan, size=None, view="roadmap")
    ws = win.workspace
    assert isinstance(ws, EarlyWorkspace) and not ws.loaded  # nothing drawn yet: not loading
    count = _items_in(plan)
    panel = win.view_host.current_view().chart
    panel.toolbar.add_item.trigger()  # the toolbar's "New item", as a click does
    assert ws.loaded
    assert _items_in(plan) == count + 1
    assert len(panel.model.items) == count + 1
    win.menu_actions.undo.trigger()
    assert _items_in(plan) == count
    win.menu_actions.redo.trigger()
    assert _items_in(plan) == count + 1


@pytest.mark.parametrize("kind", ["plan", "new"])
def test_a_file_picked_on_the_start_page_opens_on_its_roadmap(qtbot, plan, tmp_path, kind):
    """The window starts on its start page (no file yet): the file picked from its recent
    files opens on the Roadmap, the view used last, drawn before the store loads; the
    Portfolio is not built on the way."""
    path = plan
    if kind == "new":
        path = tmp_path / "new.pmdesk"
        Workspace.create(path, name="New").close()
    settings = Settings.load()
    settings.last_view, settings.recent_files = "roadmap", [str(path)]
    win = MainWindow(settings=settings, dialogs=RecordingDialogs(read_only=False))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    exposed(qtbot, win)
    assert win.pages.currentWidget() is win.start_page
    recent = win.start_page.recent_list
    spot = recent.visualItemRect(recent.item(0)).center()
    qtbot.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert win.workspace is not None and win.workspace.path == path
    assert win.view_host.current_key == "roadmap" == win.settings.last_view
    assert list(win.view_host.created_views()) == ["roadmap"]
    assert isinstance(win.workspace, EarlyWorkspace)
    qtbot.waitUntil(lambda: win.workspace.loaded, timeout=30_000)
    chart = win.view_host.current_view().chart
    assert len(chart.model.items) == _items_in(path)


def test_a_key_pressed_before_the_store_has_loaded_waits_for_it(qtbot, plan):
    win = open_main_window(qtbot, plan, size=None, view="roadmap")
    ws = win.workspace
    assert not ws.loaded
    QTest.keyClick(win.view_host.current_view().chart.view, Qt.Key.Key_Right)
    assert ws.loaded, "the key was handled once the store had loaded"


def test_closing_before_the_store_has_loaded_lets_go_of_the_file(qtbot, plan):
    win = open_main_window(qtbot, plan, size=None, view="roadmap")
    assert not win.workspace.loaded
    win.close()
    with Workspace.open(plan) as ws:  # not locked any more, and unharmed
        assert ws.check().ok


def test_an_older_file_opens_the_usual_way_upgraded(qtbot, tmp_path):
    older = Path(shutil.copyfile(FIXTURES / "schema_v6.pmdesk", tmp_path / "older.pmdesk"))
    win = open_main_window(qtbot, older, size=None, view="roadmap")
    assert not isinstance(win.workspace, EarlyWorkspace)
    assert win.view_host.current_key == "roadmap"


def test_a_file_another_pmdesk_holds_is_offered_read_only(qtbot, plan):
    lock = WorkspaceLock(plan)
    lock.acquire()
    try:
        dialogs = RecordingDialogs(read_only=True)
        win = _window_on_roadmap(qtbot, dialogs)
        assert win.open_path(plan)
        assert not isinstance(win.workspace, EarlyWorkspace)
        assert win.ctx.read_only
        assert len(win.view_host.current_view().chart.model.items) == _items_in(plan)
    finally:
        lock.release()


def test_a_file_with_a_planted_trigger_is_refused_before_anything_is_drawn(qtbot, plan, tmp_path):
    conn = sqlite3.connect(plan)
    conn.execute(
        "CREATE TRIGGER wipe AFTER UPDATE ON roadmap_item BEGIN DELETE FROM requirement; END"
    )
    conn.commit()
    conn.close()
    before = plan.read_bytes()
    dialogs = RecordingDialogs()
    win = _window_on_roadmap(qtbot, dialogs)
    assert not win.open_path(plan)
    assert "trigger" in dialogs.errors[-1][1].lower()
    assert win.workspace is None and win.view_host.current_view() is None
    assert plan.read_bytes() == before


def test_a_damaged_file_is_refused_with_why_and_left_as_it_was(qtbot, tmp_path):
    bad = tmp_path / "bad.pmdesk"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    dialogs = RecordingDialogs()
    win = _window_on_roadmap(qtbot, dialogs)
    assert not win.open_path(bad)
    assert "truncated" in dialogs.errors[-1][1]
    assert win.workspace is None
    assert bad.read_bytes() == b"SQLite format 3\x00" + b"\x00" * 40


def test_a_new_workspace_opens_early_on_an_empty_roadmap(qtbot, tmp_path):
    path = tmp_path / "new.pmdesk"
    Workspace.create(path, name="New").close()
    win = open_main_window(qtbot, path, size=(1366, 768), view="roadmap")
    assert isinstance(win.workspace, EarlyWorkspace)
    assert win.product_selector.count() == 0
    assert win.windowTitle() == "new — pmdesk"
    qtbot.waitUntil(lambda: win.workspace.loaded, timeout=30_000)
    win.menu_actions.undo.trigger()  # nothing to undo: nothing happens
    assert win.product_selector.count() == 0


def test_a_new_workspaces_first_item_made_before_the_store_has_loaded(qtbot, tmp_path):
    """A first day: one product, no lane, no item. New item, clicked before the store has
    loaded, makes the first lane and its item; Undo takes both back."""
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New") as ws:
        ws.service(PortfolioService).create_product(name="Widget")
    win = open_main_window(qtbot, path, size=None, view="roadmap")
    assert isinstance(win.workspace, EarlyWorkspace) and not win.workspace.loaded
    chart = win.view_host.current_view().chart
    assert not chart.model.items and not chart.model.lanes
    chart.toolbar.add_item.trigger()
    assert win.workspace.loaded
    assert _items_in(path) == 1 and len(chart.model.items) == 1
    assert [lane.name for lane in chart.model.lanes] == ["Roadmap"]
    win.menu_actions.undo.trigger()
    assert _items_in(path) == 0 and not chart.model.items and not chart.model.lanes


def test_another_file_opened_before_the_first_ones_store_has_loaded(qtbot, plan, tmp_path):
    win = open_main_window(qtbot, plan, size=None, view="roadmap")
    first = win.workspace
    assert not first.loaded
    other = Path(shutil.copyfile(plan, tmp_path / "other.pmdesk"))
    assert win.open_path(other)
    assert win.workspace.path == other and isinstance(win.workspace, EarlyWorkspace)
    with Workspace.open(plan) as ws:  # the first one let go, unharmed
        assert ws.check().ok
    QTest.keyClick(win.view_host.current_view().chart.view, Qt.Key.Key_Right)
    assert win.workspace.loaded  # the key waited for the file now open, not the closed one


@pytest.mark.parametrize("with_index", [True, False], ids=["wal and shm", "wal alone"])
def test_edits_a_crash_left_in_the_write_ahead_log_are_drawn_early(
    qtbot, plan, tmp_path, with_index
):
    """A file whose last edits are still in its ``-wal`` (pmdesk killed before it closed),
    with or without the ``-wal``'s index: the chart drawn early shows them."""
    from pmdesk.store.models import RoadmapItem
    from pmdesk.store.portfolio_rows import PortfolioQueries
    from pmdesk.store.services import RoadmapService

    with Workspace.open(plan) as ws:
        roadmap = ws.service(RoadmapService)
        first_product = PortfolioQueries(ws).product_choices()[0][0]  # the one shown first
        item = roadmap.items.list(RoadmapItem.product_id == first_product)[0]
        roadmap.items.update(item.id, name="Renamed before the crash ✓")
        left = tmp_path / "left"
        left.mkdir()
        copy = left / "plan.pmdesk"
        for suffix in ("", "-wal", "-shm") if with_index else ("", "-wal"):
            shutil.copyfile(f"{plan}{suffix}", f"{copy}{suffix}")
    assert Path(f"{copy}-wal").stat().st_size > 0
    win = open_main_window(qtbot, copy, size=None, view="roadmap")
    assert isinstance(win.workspace, EarlyWorkspace) and not win.workspace.loaded
    chart = win.view_host.current_view().chart
    assert win.product_selector.product_id() == item.product_id
    assert chart.model.items[item.id].name == "Renamed before the crash ✓"
    win.close()
    with Workspace.open(copy) as ws:  # the edit kept, the file sound
        assert ws.service(RoadmapService).items.get(item.id).name == "Renamed before the crash ✓"
        assert ws.check().ok


# -- the Portfolio, the view pmdesk opens on ---------------------------------------------------


@pytest.fixture
def demo(tmp_path) -> Path:
    from pmdesk.store.demo import create_demo

    return create_demo(tmp_path / "demo.pmdesk")


def _rows_shown(view) -> list[tuple[str, list[str]]]:
    return [(row.name, [t.rule for t in row.triggers]) for row in view.model.rows]


def test_the_portfolio_drawn_before_the_store_is_the_one_the_store_draws(
    qtbot, demo, held_load, monkeypatch, tmp_path
):
    win = open_main_window(qtbot, demo, size=(1366, 768), view="portfolio")
    ws = win.workspace
    assert isinstance(ws, EarlyWorkspace)
    view = win.view_host.current_view()
    exposed(qtbot, win)
    before = _settled(qtbot, view.table.viewport())
    shown = _rows_shown(view)
    assert not ws.loaded, "drawn, and the store still loading"
    # Read without the store: every product, and every flag, the business case's included.
    assert len(shown) == len(ws.early_fetch()("SELECT id FROM product", ()))
    assert "below_business_case" in {rule for _name, rules in shown for rule in rules}
    assert view.title.text().startswith("Portfolio — ")
    held_load.set()
    qtbot.waitUntil(lambda: ws.loaded, timeout=30_000)
    assert _settled(qtbot, view.table.viewport()) == before, "its arrival changes nothing"
    view.refresh()  # read again, now through the store's connection
    assert _rows_shown(view) == shown
    # The same file opened the usual way (through the store) shows the same table.
    monkeypatch.setattr(EarlyWorkspace, "open", classmethod(lambda cls, path: None))
    same = Path(shutil.copyfile(demo, tmp_path / "same.pmdesk"))
    usual = open_main_window(qtbot, same, size=(1366, 768), view="portfolio")
    assert isinstance(usual.workspace, Workspace)
    exposed(qtbot, usual)
    other = usual.view_host.current_view()
    assert _rows_shown(other) == shown
    assert _settled(qtbot, other.table.viewport()) == before


def test_a_product_added_before_the_store_has_loaded_waits_for_it_and_undoes(
    qtbot, tmp_path, monkeypatch
):
    """A first day: a new, empty workspace opened on the Portfolio. Add product, clicked
    before the store has loaded, adds it; Undo takes it back, Redo brings it again."""
    from PySide6.QtWidgets import QInputDialog

    path = tmp_path / "new.pmdesk"
    Workspace.create(path, name="New").close()
    win = open_main_window(qtbot, path, size=None, view="portfolio")
    ws = win.workspace
    assert isinstance(ws, EarlyWorkspace) and not ws.loaded  # nothing drawn yet: not loading
    view = win.view_host.current_view()
    assert view.model.rows == [] and not view.hint.isHidden()
    assert view.title.text() == "Portfolio — New"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Atlas", True))
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert ws.loaded, "the click was handled once the store had loaded"
    assert [row.name for row in view.model.rows] == ["Atlas"]
    assert win.product_selector.count() == 1
    win.menu_actions.undo.trigger()
    assert view.model.rows == [] and win.product_selector.count() == 0
    win.menu_actions.redo.trigger()
    assert [row.name for row in view.model.rows] == ["Atlas"]


@pytest.mark.parametrize("start", ["demo", "new"])
def test_the_editing_tab_is_filled_when_first_clicked(qtbot, demo, tmp_path, start):
    path = demo
    if start == "new":  # a first day: no product yet, the table's own empty state
        path = tmp_path / "new.pmdesk"
        Workspace.create(path, name="New").close()
    win = open_main_window(qtbot, path, size=(1366, 768), view="portfolio")
    view = win.view_host.current_view()
    qtbot.waitUntil(lambda: win.workspace.loaded, timeout=30_000)
    click_tab(qtbot, view.tabs, view.tabs.tabText(view.tabs.indexOf(view.editor_page)))
    assert view.tabs.currentWidget() is view.editor_page
    table = view.editor
    qtbot.waitUntil(table.isVisible)
    names = [table.model.entity(row).name for row in range(table.model.rowCount())]
    assert names == [row.name for row in view.model.rows]
    assert bool(names) == (start == "demo")


@pytest.mark.parametrize("view", ["roadmap", "portfolio"])
def test_a_planted_trigger_or_a_damaged_file_is_refused_on_either_first_view(
    qtbot, plan, tmp_path, view
):
    conn = sqlite3.connect(plan)
    conn.execute("CREATE TRIGGER wipe AFTER UPDATE ON product BEGIN DELETE FROM requirement; END")
    conn.commit()
    conn.close()
    before = plan.read_bytes()
    dialogs = RecordingDialogs()
    settings = Settings.load()
    settings.last_view = view
    win = MainWindow(settings=settings, dialogs=dialogs)
    qtbot.addWidget(win)
    assert not win.open_path(plan)
    assert "trigger" in dialogs.errors[-1][1].lower()
    assert win.workspace is None and plan.read_bytes() == before
    bad = tmp_path / "bad.pmdesk"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 40)
    assert not win.open_path(bad)
    assert "truncated" in dialogs.errors[-1][1]
