"""File ▸ Import / Export from the window's menus, with file choosers patched."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu, QWidget

from pmdesk.gui.context import AppContext
from pmdesk.gui.exchange_menu import ExchangeMenus
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def setup(qtbot, tmp_path):
    ws = Workspace.open(create_demo(tmp_path / "demo.pmdesk"))
    ctx = AppContext(ws)
    window = QWidget()
    qtbot.addWidget(window)
    product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
    opened: list[Path] = []
    menus = ExchangeMenus(
        window,
        QMenu(window),
        QMenu(window),
        lambda: ctx,
        lambda: product,
        lambda: window,
        opened.append,
    )
    yield menus, ctx, ws, product, opened
    ctx.close()
    ws.close()


def _answer(path: Path | None):
    return lambda *_args: path


def _trigger(qtbot, menus: ExchangeMenus, text: str) -> None:
    """Choose the menu entry and wait until its work (off the GUI thread) has ended."""
    menus.op = None
    next(a for a in menus.actions if a.text().startswith(text)).trigger()
    if menus.op is not None and menus.op.outcome is None:
        with qtbot.waitSignal(menus.op.ended, timeout=30_000):
            pass


def test_exports_write_files(qtbot, setup, tmp_path):
    menus, ctx, ws, product, _ = setup
    for name, entry in [
        ("plan.xml", "Roadmap as MS Project XML"),
        ("dates.ics", "Dates as iCalendar"),
        ("all.json", "Portfolio as JSON"),
        ("view.svg", "Current View as SVG"),
    ]:
        menus.ask_save = _answer(tmp_path / name)
        _trigger(qtbot, menus, entry)
        assert (tmp_path / name).stat().st_size > 0
    menus.ask_folder = _answer(tmp_path / "csv")
    (tmp_path / "csv").mkdir()
    _trigger(qtbot, menus, "All Tables as CSV")
    assert any((tmp_path / "csv").glob("*.csv"))
    assert not list(tmp_path.rglob("*.part"))
    assert "BEGIN:VCALENDAR" in (tmp_path / "dates.ics").read_text()


def test_mspdi_import_is_one_undo_step(qtbot, setup, tmp_path):
    menus, ctx, ws, product, _ = setup
    roadmap = ws.service(RoadmapService)
    menus.ask_save = _answer(tmp_path / "plan.xml")
    _trigger(qtbot, menus, "Roadmap as MS Project XML")
    before = len(roadmap.items_of(product))
    menus.ask_open = _answer(tmp_path / "plan.xml")
    _trigger(qtbot, menus, "MS Project XML")
    assert len(roadmap.items_of(product)) == 2 * before
    ctx.undo()
    assert len(roadmap.items_of(product)) == before


def test_bad_import_reports_and_changes_nothing(qtbot, setup, tmp_path):
    menus, ctx, ws, product, _ = setup
    bad = tmp_path / "bad.xml"
    bad.write_text("<Project><Tasks><Task>")
    errors: list[str] = []
    ctx.errorRaised.connect(errors.append)
    counts = ws.check().counts
    menus.ask_open = _answer(bad)
    _trigger(qtbot, menus, "MS Project XML")
    assert errors and ws.check().counts == counts
    assert ctx.undo_stack.count() == 0


def test_json_import_opens_a_new_workspace(qtbot, setup, tmp_path):
    menus, ctx, ws, product, opened = setup
    menus.ask_save = _answer(tmp_path / "all.json")
    _trigger(qtbot, menus, "Portfolio as JSON")
    answers = iter([tmp_path / "all.json"])
    menus.ask_open = lambda *_: next(answers)
    menus.ask_save = _answer(tmp_path / "copy.pmdesk")
    _trigger(qtbot, menus, "Portfolio from JSON")
    assert opened == [tmp_path / "copy.pmdesk"]
