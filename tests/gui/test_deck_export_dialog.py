"""File ▸ Export ▸ PowerPoint Deck…: the slide picker, the worker, progress and Cancel.

Driven from the window's own menu on a copy of the demo and on a new empty
workspace: slides are ticked and unticked with the keyboard, Export is clicked,
and the deck written is opened with python-pptx.
"""

from __future__ import annotations

import importlib.util
import shutil
import threading
import time
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QMenu, QWidget
from tests.gui.windows import QuietDialogs, exposed, open_main_window

from pmdesk.exchange.deck import PORTFOLIO_DEFAULT, PRODUCT_DEFAULT, SLIDES, export_deck
from pmdesk.gui.context import AppContext
from pmdesk.gui.deck_dialog import NEEDS_PRODUCT_TIP, WHOLE_PORTFOLIO, DeckDialog
from pmdesk.gui.exchange_menu import ExchangeMenus
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

NAME = 'Atlas <Pro> & "Co" 路线图'


def _built(key: str) -> bool:
    """Whether the module that draws this kind of slide is there yet."""
    module = SLIDES[key].builder.split(":")[0]
    return importlib.util.find_spec(f"pmdesk.exchange.deck.{module}") is not None


@pytest.fixture
def demo_window(qtbot, demo_template, tmp_path):
    path = Path(shutil.copyfile(demo_template, tmp_path / "demo.pmdesk"))
    win = open_main_window(qtbot, path)
    yield win
    win.close()


@pytest.fixture
def empty_window(qtbot, tmp_path):
    """A new workspace with nothing in it: not even a product."""
    path = tmp_path / "new.pmdesk"
    Workspace.create(path, name="New portfolio").close()
    win = open_main_window(qtbot, path)
    yield win
    win.close()


def _menu_action(win: MainWindow, text: str):
    menu = win.menu_actions.export_menu
    menu.aboutToShow.emit()  # as opening the menu does: enables what applies
    return next(a for a in menu.actions() if a.text() == text)


def _open_dialog(qtbot, win: MainWindow) -> DeckDialog:
    """File ▸ Export ▸ PowerPoint Deck…, the dialog shown (not run modally) for the test."""
    shown: list = []
    win.exchange.show_dialog = shown.append
    action = _menu_action(win, "PowerPoint Deck…")
    assert action.isEnabled()
    action.trigger()
    dialog = shown.pop()
    assert isinstance(dialog, DeckDialog)
    dialog.show()
    exposed(qtbot, dialog)
    return dialog


def _labels(dialog: DeckDialog) -> list[str]:
    return [dialog.slides.item(row).text() for row in range(dialog.slides.count())]


def _ticked(dialog: DeckDialog) -> list[str]:
    return [
        dialog.slides.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(dialog.slides.count())
        if dialog.slides.item(row).checkState() == Qt.CheckState.Checked
    ]


def _tick_only(qtbot, dialog: DeckDialog, wanted: list[str]) -> None:
    """Tick and untick with the keyboard: the row made current, then Space."""
    dialog.slides.setFocus()
    keys = list(SLIDES)
    for row, key in enumerate(keys):
        item = dialog.slides.item(row)
        ticked = item.checkState() == Qt.CheckState.Checked
        if ticked != (key in wanted):
            dialog.slides.setCurrentRow(row)
            qtbot.keyClick(dialog.slides, Qt.Key.Key_Space)
            assert (item.checkState() == Qt.CheckState.Checked) == (key in wanted), key
    assert _ticked(dialog) == [key for key in keys if key in wanted]


def _click_box(qtbot, box: QCheckBox) -> None:
    """A click on the check box's square (its middle may be empty room beside the text)."""
    before = box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() != before


def _export(qtbot, dialog: DeckDialog, target: Path, seen: list | None = None) -> None:
    dialog.output_edit.setText(str(target))
    if dialog.open_after.isChecked():  # no viewer in a test
        _click_box(qtbot, dialog.open_after)
    exported: list = []
    dialog.exported.connect(exported.append)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.export_button.isEnabled() and dialog.cancel_button.isEnabled()
    if seen is not None:  # the worker's reports arrive queued: none is missed
        dialog.op.progressed.connect(lambda fraction, _text: seen.append(fraction))
    qtbot.waitUntil(lambda: dialog.op is None, timeout=60_000)  # done, failed or cancelled
    assert dialog.status.text() == f"Saved {target}"
    assert exported == [target]
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert dialog.progress.value() == dialog.progress.maximum()


def _texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def _summary(path: Path) -> list[list[str]]:
    """Each slide's texts, but the footer's date and number, which say when it was made."""
    return [
        [
            shape.text_frame.text
            for shape in slide.shapes
            if shape.has_text_frame and shape.name not in ("Footer", "Slide number", "Date")
        ]
        for slide in Presentation(str(path)).slides
    ]


def test_the_dialog_lists_every_slide_and_follows_the_product(qtbot, demo_window):
    win = demo_window
    win.view_host.show_view("roadmap")
    product = win.product_selector.product_id()
    dialog = _open_dialog(qtbot, win)
    assert _labels(dialog) == [kind.label for kind in SLIDES.values()]
    assert dialog.product_box.itemText(0) == WHOLE_PORTFOLIO
    assert dialog.product_box.currentData() == product  # the product in front
    name = dialog.product_box.currentText()
    assert Path(dialog.output_edit.text()).name == f"{name} – Review.pptx"
    assert Path(dialog.output_edit.text()).parent == Path(win.ctx.workspace.path).parent
    assert _ticked(dialog) == [key for key in SLIDES if key in PRODUCT_DEFAULT]
    _tick_only(qtbot, dialog, ["title", "launch"])

    # The whole portfolio: its own usual slides; a product's slides cannot be ticked.
    dialog.product_box.setCurrentIndex(0)
    assert _ticked(dialog) == [key for key in SLIDES if key in PORTFOLIO_DEFAULT]
    portfolio = win.ctx.service(PortfolioService).workspace_info().name
    assert Path(dialog.output_edit.text()).name == f"{portfolio} – Review.pptx"
    for row, (key, kind) in enumerate(SLIDES.items()):
        item = dialog.slides.item(row)
        enabled = bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
        assert enabled != kind.needs_product, key
        assert item.toolTip() == ("" if enabled else NEEDS_PRODUCT_TIP)
    stakeholders = list(SLIDES).index("stakeholders")
    dialog.slides.setCurrentRow(stakeholders)
    qtbot.keyClick(dialog.slides, Qt.Key.Key_Space)
    assert "stakeholders" not in _ticked(dialog)
    _tick_only(qtbot, dialog, [])
    assert not dialog.export_button.isEnabled()  # nothing to export
    dialog.close()

    # From a portfolio-wide view the deck is of the whole portfolio.
    win.view_host.show_view("portfolio")
    dialog = _open_dialog(qtbot, win)
    assert dialog.product_box.currentText() == WHOLE_PORTFOLIO
    assert _ticked(dialog) == [key for key in SLIDES if key in PORTFOLIO_DEFAULT]
    dialog.close()


def test_the_ticked_slides_make_the_deck(qtbot, demo_window, tmp_path):
    win = demo_window
    win.view_host.show_view("requirements")
    dialog = _open_dialog(qtbot, win)
    product = dialog.product_box.currentData()
    wanted = [key for key in SLIDES if _built(key) and key != "roadmap"]
    _tick_only(qtbot, dialog, wanted)
    target = tmp_path / "out" / "review.pptx"
    target.parent.mkdir()
    seen: list[float] = []
    _export(qtbot, dialog, target, seen)
    assert any(0 < fraction < 1 for fraction in seen) and seen[-1] == 1.0  # slide by slide
    deck = Presentation(str(target))
    title = deck.slides[0]
    assert dialog.product_box.currentText() in _texts(title)
    for slide in deck.slides:  # native shapes, never a picture
        assert all(shape.shape_type != MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes)
    # The very slides asked for, as the exporter makes them for those keys and nothing else.
    with Workspace.open(win.ctx.workspace.path, read_only=True) as ws:
        expected = export_deck(ws, tmp_path / "expected.pptx", product_id=product, slides=wanted)
    assert _summary(target) == _summary(expected)
    assert not list(target.parent.glob("*.part")) and list(target.parent.iterdir()) == [target]
    # The window's status bar says where it went.
    assert "review.pptx" in win.statusBar().currentMessage()


def test_a_new_empty_workspace_exports_a_portfolio_deck(qtbot, empty_window, tmp_path):
    win = empty_window
    dialog = _open_dialog(qtbot, win)
    assert dialog.product_box.count() == 1  # no product yet: the whole portfolio only
    assert dialog.product_box.currentText() == WHOLE_PORTFOLIO
    assert Path(dialog.output_edit.text()).name == "New portfolio – Review.pptx"
    _tick_only(qtbot, dialog, [key for key in PORTFOLIO_DEFAULT if _built(key)])
    target = tmp_path / "New portfolio – Review.pptx"
    _export(qtbot, dialog, target)
    first = Presentation(str(target)).slides[0]
    assert "New portfolio" in _texts(first) and "Portfolio review" in _texts(first)


def _slow_title(monkeypatch) -> threading.Event:
    """The title slide drawn as a long slide is: checking for Cancel as it goes (≤ 30 s)."""
    from pmdesk.exchange.deck import title

    drawing, real = threading.Event(), title.add_title

    def slow(deck, job):
        drawing.set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            job.progress.check()
            threading.Event().wait(0.005)
        real(deck, job)

    monkeypatch.setattr(title, "add_title", slow)
    return drawing


def test_cancel_mid_way_leaves_no_file(qtbot, demo_window, tmp_path, monkeypatch):
    """Cancel pressed while a slide is being drawn: nothing at the target, nothing beside it."""
    from pmdesk.exchange.deck import title

    real = title.add_title
    drawing = _slow_title(monkeypatch)
    dialog = _open_dialog(qtbot, demo_window)
    _tick_only(qtbot, dialog, ["title"])
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "review.pptx"
    dialog.output_edit.setText(str(target))
    _click_box(qtbot, dialog.open_after)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(drawing.is_set, timeout=30_000)
    assert not dialog.product_box.isEnabled() and not dialog.slides.isEnabled()
    with qtbot.waitSignal(dialog.cancelled, timeout=30_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert dialog.status.text() == "Cancelling…"
    assert list(folder.iterdir()) == []
    assert dialog.status.text() == "Cancelled: no file was written."
    assert dialog.export_button.isEnabled() and dialog.slides.isEnabled()
    # And it exports again, the slide no longer held.
    monkeypatch.setattr(title, "add_title", real)
    _export(qtbot, dialog, target)
    assert list(folder.iterdir()) == [target]


def test_a_folder_that_is_not_there_is_said(qtbot, demo_window, tmp_path):
    dialog = _open_dialog(qtbot, demo_window)
    _tick_only(qtbot, dialog, ["title"])
    dialog.output_edit.setText(str(tmp_path / "missing" / "review.pptx"))
    with qtbot.waitSignal(dialog.failed, timeout=30_000) as failed:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert "does not exist" in failed.args[0]
    assert dialog.status.text() == failed.args[0]
    assert dialog.export_button.isEnabled()
    dialog.output_edit.setText("")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.op is None and dialog.status.text() == "Choose where to save the deck."


def test_closing_mid_export_stops_it(qtbot, demo_window, tmp_path, monkeypatch):
    drawing = _slow_title(monkeypatch)
    dialog = _open_dialog(qtbot, demo_window)
    _tick_only(qtbot, dialog, ["title"])
    dialog.output_edit.setText(str(tmp_path / "review.pptx"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(drawing.is_set, timeout=30_000)
    dialog.close()  # cancels, and waits for the worker to stop
    assert dialog.op is None and not (tmp_path / "review.pptx").exists()
    assert not list(tmp_path.glob("*.part"))


def test_the_name_of_a_product_becomes_the_file_name(qtbot, tmp_path):
    path = tmp_path / "named.pmdesk"
    with Workspace.create(path, name="P") as ws:
        ws.service(PortfolioService).create_product(name=NAME)
    win = open_main_window(qtbot, path)
    dialog = _open_dialog(qtbot, win)
    dialog.product_box.setCurrentIndex(dialog.product_box.findText(NAME))
    assert Path(dialog.output_edit.text()).name == "Atlas Pro & Co 路线图 – Review.pptx"
    dialog.close()
    win.close()


def test_enabled_with_a_workspace_also_read_only(qtbot, tmp_path):
    win = MainWindow(settings=Settings.load(), dialogs=QuietDialogs())
    qtbot.addWidget(win)
    for text in ("PowerPoint Deck…", "Excel Workbook…"):
        assert not _menu_action(win, text).isEnabled()  # no workspace open
    path = tmp_path / "ro.pmdesk"
    with Workspace.create(path) as ws:
        ws.service(PortfolioService).create_product(name="Widget")
    ws = Workspace.open(path, read_only=True)
    ctx = AppContext(ws)
    window = QWidget()
    qtbot.addWidget(window)
    menus = ExchangeMenus(
        window, QMenu(window), QMenu(window), lambda: ctx, lambda: 1, lambda: None, print
    )
    menus.update_enabled()
    enabled = {action.text(): action.isEnabled() for action in menus.actions}
    assert enabled["PowerPoint Deck…"] and enabled["Excel Workbook…"]
    assert not enabled["Excel File…"] and not enabled["CSV File…"]
    ctx.close()
    ws.close()


def test_the_dialog_reads_well_on_a_small_screen(qtbot, demo_window):
    dialog = _open_dialog(qtbot, demo_window)
    hint = dialog.sizeHint()
    assert hint.height() <= 700 and hint.width() <= 1000  # 1366×768 with a task bar
    rows = dialog.slides.count() * dialog.slides.sizeHintForRow(0)
    assert dialog.slides.viewport().height() >= rows  # every slide in view, no scrolling


def test_browse_takes_the_chosen_file_with_its_suffix(qtbot, demo_window, tmp_path):
    dialog = _open_dialog(qtbot, demo_window)
    asked: list[Path] = []

    def choose(_parent, suggested: Path) -> Path:
        asked.append(suggested)
        return tmp_path / "board review"

    dialog._choose_output = choose
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].name.endswith(" – Review.pptx")
    assert dialog.output_edit.text() == str(tmp_path / "board review.pptx")


def test_every_control_has_a_name_of_its_own(qtbot, demo_window):
    """Read by a screen reader as what it is, not by its current value."""
    from PySide6.QtGui import QAccessible

    dialog = _open_dialog(qtbot, demo_window)
    names = {
        widget: QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        for widget in dialog.findChildren(QWidget)
        if widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    }
    assert all(names.values()), [type(w).__name__ for w, name in names.items() if not name]
    assert names[dialog.slides] == "Slides" and names[dialog.output_edit] == "Save as"
    assert dialog.product_box.accessibleName() == "Product"
