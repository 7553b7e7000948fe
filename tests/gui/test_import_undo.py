"""An import through File ▸ Import is one undo step derived from its journal, like any edit.

The import runs on a worker thread (BackgroundOp); the command's first ``redo`` opens the
recording there, so the journal holds every row the import wrote. Edit ▸ Undo then puts
back the whole file exactly and Edit ▸ Redo brings the very same rows (ids included) back,
on the demo and on a new workspace, checked through a separate SQLite connection.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from tests.file_rows import file_rows as _dump
from tests.gui.windows import demo_or_new, open_main_window

from pmdesk.exchange.mspdi_write import export_mspdi
from pmdesk.gui.exchange_menu import ExchangeMenus
from pmdesk.gui.import_dialog import ImportCommand
from pmdesk.gui.main_window import MainWindow
from pmdesk.store.models import Base
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def plan_xml(demo_template, tmp_path_factory) -> Path:
    """A roadmap with a calendar, a baseline, nested tasks and links: the demo's, exported."""
    folder = tmp_path_factory.mktemp("plan")
    copy = shutil.copyfile(demo_template, folder / "demo.pmdesk")
    with Workspace.open(copy) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        export_mspdi(ws, product, folder / "plan.xml")
    return folder / "plan.xml"


@pytest.fixture(params=["demo", "new"])
def window(request, qtbot, tmp_path, demo_template):
    path = demo_or_new(request.param, demo_template, tmp_path)
    win = open_main_window(qtbot, path, None)
    assert win.product_selector.product_id() is not None
    errors: list[str] = []
    win.ctx.errorRaised.connect(errors.append)
    yield win, path, errors
    win.close()


def _trigger(qtbot, menus: ExchangeMenus, text: str) -> None:
    menus.op = None
    next(a for a in menus.actions if a.text().startswith(text)).trigger()
    qtbot.waitUntil(lambda: menus.op is not None, timeout=30_000)
    if menus.op.outcome is None:
        with qtbot.waitSignal(menus.op.ended, timeout=60_000):
            pass


def _undo_and_redo_exactly(win: MainWindow, path: Path, before: dict, after: dict) -> None:
    assert after != before
    assert win.ctx.undo_stack.count() == 1
    win.menu_actions.undo.trigger()
    assert _dump(path) == before, "Edit ▸ Undo left the file changed"
    win.menu_actions.redo.trigger()
    assert _dump(path) == after, "Edit ▸ Redo did not bring the very same rows back"
    win.menu_actions.undo.trigger()
    assert _dump(path) == before


def test_an_ms_project_import_undoes_and_redoes_exactly(qtbot, window, plan_xml, monkeypatch):
    win, path, errors = window
    opened_on: list[threading.Thread] = []
    recording = Workspace.recording

    def noted(self):
        opened_on.append(threading.current_thread())
        return recording(self)

    monkeypatch.setattr(Workspace, "recording", noted)
    before = _dump(path)
    win.exchange.ask_open = lambda *_: plan_xml
    _trigger(qtbot, win.exchange, "MS Project XML")
    assert win.exchange.op.outcome == "done" and not errors
    after = _dump(path)
    # The recording was opened on the worker that ran the import, and holds all it wrote.
    assert opened_on and threading.main_thread() not in opened_on
    command = win.ctx.undo_stack.command(0)
    assert isinstance(command, ImportCommand)
    assert command.journal is not None and command.journal.complete
    created = command.result.created
    assert created["roadmap_item"] and created["dependency"] and created["baseline"]
    for table, ids in created.items():
        assert sorted(command.journal.ids(table, "insert")) == sorted(ids), table
    new_items = set(after["roadmap_item"]) - set(before["roadmap_item"])
    at = [c.name for c in Base.metadata.tables["roadmap_item"].c if c.name != "row_version"]
    assert {row[at.index("id")] for row in new_items} == set(created["roadmap_item"])
    _undo_and_redo_exactly(win, path, before, after)


def test_a_csv_import_undoes_and_redoes_exactly(qtbot, window, tmp_path):
    win, path, errors = window
    csv = tmp_path / "items.csv"
    lines = ["Title,Start,End,Lane"] + [
        f"Item {n},2026-0{n % 9 + 1}-01,2026-0{n % 9 + 1}-20,Lane {n % 3}" for n in range(300)
    ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _dump(path)
    menus = win.exchange
    menus.ask_open = lambda *_: csv

    imported: list = []

    def import_as_roadmap(dialog):
        dialog.set_target("roadmap")
        qtbot.waitUntil(lambda: dialog.planner is None and dialog.import_button.isEnabled())
        # Heard from the click on: the import may be done before the test looks again.
        dialog.imported.connect(imported.append)
        dialog.import_button.click()

    menus.show_dialog = import_as_roadmap
    menus.dialog = None
    next(a for a in menus.actions if a.text().startswith("CSV File")).trigger()
    qtbot.waitUntil(lambda: bool(imported), timeout=60_000)
    assert not errors
    result = imported[0]
    assert result.count("roadmap_item") == 300 and result.count("lane") == 3
    after = _dump(path)
    _undo_and_redo_exactly(win, path, before, after)
