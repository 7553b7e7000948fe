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


def test_exports_write_files(setup, tmp_path):
    menus, ctx, ws, product, _ = setup
    for name, action in [
        ("plan.xml", menus.export_mspdi),
        ("dates.ics", menus.export_ics),
        ("all.json", menus.export_json),
        ("view.svg", menus.export_svg),
    ]:
        menus.ask_save = _answer(tmp_path / name)
        action()
        assert (tmp_path / name).stat().st_size > 0
    menus.ask_folder = _answer(tmp_path / "csv")
    (tmp_path / "csv").mkdir()
    menus.export_csv()
    assert any((tmp_path / "csv").glob("*.csv"))
    assert "BEGIN:VCALENDAR" in (tmp_path / "dates.ics").read_text()


def test_mspdi_import_is_one_undo_step(setup, tmp_path):
    menus, ctx, ws, product, _ = setup
    roadmap = ws.service(RoadmapService)
    menus.ask_save = _answer(tmp_path / "plan.xml")
    menus.export_mspdi()
    before = len(roadmap.items_of(product))
    menus.ask_open = _answer(tmp_path / "plan.xml")
    menus.import_mspdi()
    assert len(roadmap.items_of(product)) == 2 * before
    ctx.undo()
    assert len(roadmap.items_of(product)) == before


def test_bad_import_reports_and_changes_nothing(setup, tmp_path):
    menus, ctx, ws, product, _ = setup
    bad = tmp_path / "bad.xml"
    bad.write_text("<Project><Tasks><Task>")
    errors: list[str] = []
    ctx.errorRaised.connect(errors.append)
    counts = ws.check().counts
    menus.ask_open = _answer(bad)
    menus.import_mspdi()
    assert errors and ws.check().counts == counts
    assert ctx.undo_stack.count() == 0


def test_json_import_opens_a_new_workspace(setup, tmp_path):
    menus, ctx, ws, product, opened = setup
    menus.ask_save = _answer(tmp_path / "all.json")
    menus.export_json()
    answers = iter([tmp_path / "all.json"])
    menus.ask_open = lambda *_: next(answers)
    menus.ask_save = _answer(tmp_path / "copy.pmdesk")
    menus.import_json()
    assert opened == [tmp_path / "copy.pmdesk"]
