"""The main window on real workspace files, with stand-in views and answered dialogs."""

from __future__ import annotations

import html
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import PySide6
import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt, Signal, qVersion
from PySide6.QtGui import QFont, QFontInfo, QGuiApplication, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from tests.gui.windows import active

from pmdesk import __version__
from pmdesk.gui import theme
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.present import body_pixel_size, choose_screen
from pmdesk.gui.settings import Settings
from pmdesk.gui.start_page import next_demo_path
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.store import schema
from pmdesk.store.errors import WorkspaceLockedError
from pmdesk.store.services.portfolio import PortfolioService
from pmdesk.store.workspace import Workspace

# -- stand-ins ------------------------------------------------------------------------------


class FakeView(QWidget):
    """Has the BaseView API of pmdesk.gui.views; records what the window asks of it."""

    productActivated = Signal(int)
    selectionChanged = Signal()
    statusMessage = Signal(str)

    def __init__(self, key: str, ctx, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.key = key
        self.ctx = ctx
        self.products: list[int | None] = []
        self.deleted = 0
        self.selected = False
        self.heading = QLabel(f"{key} <heading> & more")
        big = QFont(self.heading.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        self.heading.setFont(big)  # set on the widget: it no longer follows the parent's font
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(QLabel(f"{key} view"))

    def set_product(self, product_id: int | None) -> None:
        self.products.append(product_id)

    def delete_selected(self) -> None:
        self.deleted += 1

    def has_selection(self) -> bool:
        return self.selected

    def export_image(self, path: Path) -> Path:  # the hook File ▸ Export calls (see BaseView)
        return export_widget(self, path)


@dataclass
class Spec:
    key: str
    title: str
    made: list[FakeView]

    def factory(self, ctx, parent):
        view = FakeView(self.key, ctx, parent)
        self.made.append(view)
        return view


class FakeDialogs:
    """Answers every question at once; what was asked is kept for the test to read."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []
        self.read_only_questions: list[str] = []
        self.read_only_answer = True
        self.about_texts: list[str] = []
        self.next_path: Path | None = None

    def open_path(self, folder: Path) -> Path | None:
        return self.next_path

    new_path = save_copy_path = png_path = open_path

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def ask_read_only(self, text: str) -> bool:
        self.read_only_questions.append(text)
        return self.read_only_answer

    def about(self, html_text: str) -> None:
        self.about_texts.append(html_text)


KEYS = ("portfolio", "canvas", "stakeholders", "lifecycle", "roadmap", "requirements", "launch")


@pytest.fixture
def made() -> list[FakeView]:
    return []


@pytest.fixture
def make_window(qtbot, made):
    def make(settings: Settings | None = None) -> MainWindow:
        specs = [Spec(key, key.title(), made) for key in KEYS]
        window = MainWindow(
            settings=settings or Settings.load(), views=specs, dialogs=FakeDialogs()
        )
        qtbot.addWidget(window)
        window.show()
        active(qtbot, window)  # settled, so a window shown later keeps the focus
        return window

    yield make
    theme.apply_theme(QApplication.instance(), "light")  # the palette is app-wide: reset it


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


@pytest.fixture
def product_file(tmp_path: Path) -> Path:
    """A closed workspace file with three products whose names need escaping."""
    path = tmp_path / "R&D <north> 🚀.pmdesk"
    with Workspace.create(path, name="R&D") as ws:
        service = ws.service(PortfolioService)
        for name in ("Atlas", "Beacon & Co", "Comet <β>"):
            service.create_product(name=name)
    return path


def products_in(window: MainWindow) -> list[str]:
    selector = window.product_selector
    return [selector.itemText(i) for i in range(selector.count())]


def as_shown(tooltip: str) -> str:
    """What a tooltip displays: rich text is rendered, so "<b>" would vanish if unescaped."""
    if not QtGui.Qt.mightBeRichText(tooltip):
        return tooltip
    document = QTextDocument()
    document.setHtml(tooltip)
    return document.toPlainText()


def current(made: list[FakeView], window: MainWindow) -> FakeView:
    view = window.view_host.current_view()
    assert isinstance(view, FakeView)
    return view


# -- opening files ----------------------------------------------------------------------------


def test_opens_a_workspace_with_title_products_and_status(window, product_file, made):
    assert window.open_path(product_file)
    assert window.windowTitle() == "R&D <north> 🚀 — pmdesk"
    assert products_in(window) == ["Atlas", "Beacon & Co", "Comet <β>"]
    assert window.file_status.file_label.text() == product_file.name
    assert as_shown(window.file_status.file_label.toolTip()) == str(product_file)
    assert window.file_status.saved_label.isVisibleTo(window)
    assert not window.file_status.read_only_badge.isVisibleTo(window)
    assert window.file_status.format_label.text() == f"Format {schema.SCHEMA_VERSION}"
    # Lazily: only the view on screen exists, and it was told the selected product.
    assert [v.key for v in made] == ["portfolio"]
    assert made[0].products[-1] == window.product_selector.product_id() is not None


def test_sidebar_switches_views_creating_each_once(window, product_file, made, qtbot):
    window.open_path(product_file)
    sidebar = window.view_host.sidebar
    sidebar.setCurrentRow(KEYS.index("roadmap"))
    assert current(made, window).key == "roadmap"
    sidebar.setCurrentRow(KEYS.index("portfolio"))
    sidebar.setCurrentRow(KEYS.index("roadmap"))
    assert [v.key for v in made] == ["portfolio", "roadmap"]
    assert window.settings.last_view == "roadmap"
    # A view created later still gets the product chosen before it existed.
    assert made[1].products == [window.product_selector.product_id()]


def test_a_file_opened_from_the_start_page_opens_on_the_view_used_last(
    make_window, product_file, made, qtbot
):
    """The window starts on its start page (its last file gone, or none yet): the file
    picked there opens on the view used last, and builds no other view first; so does
    the next one, after File ▸ Close."""
    settings = Settings.load()
    settings.last_view = "roadmap"
    settings.recent_files = [str(product_file)]
    window = make_window(settings)
    assert window.pages.currentWidget() is window.start_page
    selector = window.product_selector
    assert selector.placeholderText() == "No file open" and not selector.isEnabled()

    def pick_recent() -> None:
        recent = window.start_page.recent_list
        spot = recent.visualItemRect(recent.item(0)).center()
        qtbot.mouseClick(recent.viewport(), Qt.MouseButton.LeftButton, pos=spot)

    pick_recent()
    assert window.workspace is not None and window.workspace.path == product_file
    assert [v.key for v in made] == ["roadmap"]
    assert current(made, window).key == "roadmap" == window.settings.last_view
    assert window.view_host.sidebar.currentRow() == KEYS.index("roadmap")
    assert selector.isEnabled() and selector.currentText() == "Atlas"
    window.menu_actions.close.trigger()
    assert selector.placeholderText() == "No file open" and selector.count() == 0
    made.clear()
    pick_recent()
    assert [v.key for v in made] == ["roadmap"] and current(made, window).key == "roadmap"


def test_product_selector_follows_renames_and_deletions(window, product_file, made):
    window.open_path(product_file)
    service = window.ctx.service(PortfolioService)
    atlas, beacon, _comet = service.list_products()
    window.product_selector.select(beacon.id)
    assert made[0].products[-1] == beacon.id

    service.products.update(beacon.id, name='Beacon <2> & "Co" ✨')
    assert products_in(window) == ["Atlas", 'Beacon <2> & "Co" ✨', "Comet <β>"]
    assert window.product_selector.product_id() == beacon.id  # selection kept

    service.create_product(name="Dynamo")
    assert "Dynamo" in products_in(window)
    assert window.product_selector.product_id() == beacon.id

    service.products.delete(beacon.id)
    assert 'Beacon <2> & "Co" ✨' not in products_in(window)
    assert window.product_selector.product_id() == atlas.id
    assert made[0].products[-1] == atlas.id


def test_a_view_can_choose_the_product(window, product_file, made):
    window.open_path(product_file)
    comet = window.ctx.service(PortfolioService).product_by_name("Comet <β>")
    made[0].productActivated.emit(comet.id)
    assert window.product_selector.currentText() == "Comet <β>"
    assert made[0].products[-1] == comet.id


def test_last_product_per_file_is_remembered(make_window, product_file, made):
    first = make_window()
    first.open_path(product_file)
    comet = first.ctx.service(PortfolioService).product_by_name("Comet <β>")
    first.product_selector.select(comet.id)
    first.close()

    second = make_window(Settings.load())
    second.open_path(product_file)
    assert second.product_selector.product_id() == comet.id


def test_views_statusmessage_reaches_the_status_bar(window, product_file, made):
    window.open_path(product_file)
    made[0].statusMessage.emit("3 notes moved <here> & there")
    assert window.statusBar().currentMessage() == "3 notes moved <here> & there"


# -- edit actions ------------------------------------------------------------------------------


def test_undo_and_redo_follow_the_stack(window, product_file):
    window.open_path(product_file)
    actions = window.menu_actions
    assert not actions.undo.isEnabled() and not actions.redo.isEnabled()
    assert actions.undo.text() == "Undo"

    repo = window.ctx.service(PortfolioService).products
    atlas = window.ctx.service(PortfolioService).product_by_name("Atlas")
    assert window.ctx.run(
        UpdateCommand(repo, atlas.id, {"name": "Atlas 2"}, "Rename <b>Atlas</b> & co")
    )
    assert actions.undo.isEnabled() and not actions.redo.isEnabled()
    assert actions.undo.text() == "Undo Rename <b>Atlas</b> && co"  # "&&" shows one ampersand
    undo_key = actions.undo.shortcut().toString(QtGui.QKeySequence.SequenceFormat.NativeText)
    assert as_shown(actions.undo.toolTip()) == f"Undo Rename <b>Atlas</b> & co ({undo_key})"
    assert "Atlas 2" in products_in(window)

    actions.undo.trigger()
    assert repo.get(atlas.id).name == "Atlas"
    assert "Atlas" in products_in(window)
    assert not actions.undo.isEnabled() and actions.redo.isEnabled()
    assert actions.redo.text() == "Redo Rename <b>Atlas</b> && co"

    actions.redo.trigger()
    assert repo.get(atlas.id).name == "Atlas 2"
    assert actions.undo.isEnabled() and not actions.redo.isEnabled()


def test_a_refused_edit_is_shown_as_a_warning(window, product_file):
    window.open_path(product_file)
    service = window.ctx.service(PortfolioService)
    atlas = service.product_by_name("Atlas")
    command = UpdateCommand(service.products, atlas.id, {"name": "Beacon & Co"}, "Rename")
    assert not window.ctx.run(command)
    assert window.dialogs.errors and "already used" in window.dialogs.errors[-1][1]
    assert not window.menu_actions.undo.isEnabled()


def test_delete_is_enabled_by_the_views_selection(window, product_file, made):
    window.open_path(product_file)
    delete = window.menu_actions.delete
    assert not delete.isEnabled()
    made[0].selected = True
    made[0].selectionChanged.emit()
    assert delete.isEnabled()
    delete.trigger()
    assert made[0].deleted == 1
    made[0].selected = False
    made[0].selectionChanged.emit()
    assert not delete.isEnabled()


def test_read_only_when_another_pmdesk_holds_the_file(window, workspace, made):
    PortfolioService(workspace).create_product(name="Held")
    assert window.open_path(workspace.path)
    assert window.dialogs.read_only_questions, "the person is asked first"
    assert window.ctx.read_only
    assert window.windowTitle() == "test — pmdesk [read-only]"
    assert window.file_status.read_only_badge.isVisibleTo(window)
    assert not window.file_status.saved_label.isVisibleTo(window)
    assert products_in(window) == ["Held"]
    made[0].selected = True
    made[0].selectionChanged.emit()
    actions = window.menu_actions
    assert not (actions.delete.isEnabled() or actions.undo.isEnabled() or actions.redo.isEnabled())
    actions.delete.trigger()
    assert made[0].deleted == 0


def test_declining_read_only_opens_nothing(window, workspace):
    window.dialogs.read_only_answer = False
    assert not window.open_path(workspace.path)
    assert window.ctx is None
    assert window.pages.currentWidget() is window.start_page


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "empty"),
        (b"name,stage\nAtlas,Innovation\n", "not a pmdesk workspace"),
        (b"SQLite format 3\x00" + b"\x00" * 40, "truncated"),
    ],
)
def test_a_bad_file_shows_why_and_keeps_the_open_workspace(
    window, product_file, tmp_path, content, expected
):
    window.open_path(product_file)
    bad = tmp_path / "bad.pmdesk"
    bad.write_bytes(content)
    assert not window.open_path(bad)
    assert expected in window.dialogs.errors[-1][1]
    assert window.workspace.path == product_file
    assert window.windowTitle().startswith("R&D <north>")
    assert bad.read_bytes() == content, "a refused file is never modified"


def test_switching_files_closes_the_old_one_and_rebuilds_views(
    window, product_file, tmp_path, made
):
    window.open_path(product_file)
    old_ctx = window.ctx
    service = old_ctx.service(PortfolioService)
    atlas = service.product_by_name("Atlas")
    old_ctx.run(UpdateCommand(service.products, atlas.id, {"name": "A2"}, "Rename"))
    other = tmp_path / "other.pmdesk"
    Workspace.create(other).close()

    assert window.open_path(other)
    assert window.ctx is not old_ctx
    assert old_ctx.undo_stack.count() == 0
    assert not window.menu_actions.undo.isEnabled()
    assert products_in(window) == [] and not window.product_selector.isEnabled()
    assert [v.key for v in made] == ["portfolio", "portfolio"]
    assert made[1].ctx is window.ctx
    Workspace.open(product_file).close()  # the old file is no longer locked


def test_closing_the_window_closes_the_workspace(window, product_file):
    window.open_path(product_file)
    window.close()
    Workspace.open(product_file).close()
    assert Settings.load().last_file == str(product_file)


def test_file_close_returns_to_the_start_page(window, product_file):
    window.open_path(product_file)
    window.menu_actions.close.trigger()
    assert window.pages.currentWidget() is window.start_page
    assert window.windowTitle() == "pmdesk"
    assert not window.menu_actions.save_copy.isEnabled()
    assert Settings.load().last_file == ""
    assert window.start_page.recent_paths() == [product_file]
    Workspace.open(product_file).close()


# -- file menu ------------------------------------------------------------------------------------


def test_new_workspace_is_created_and_opened(window, tmp_path):
    window.dialogs.next_path = tmp_path / "Fresh & new.pmdesk"
    window.menu_actions.new.trigger()
    assert window.workspace.path == tmp_path / "Fresh & new.pmdesk"
    assert window.ctx.service(PortfolioService).workspace_info().name == "Fresh & new"


def test_new_workspace_with_a_long_file_name_opens(window, tmp_path):
    """File ▸ New with a file name longer than a portfolio's name holds: the portfolio is
    named with its first 200 characters and the new file opens (it was refused as damaged,
    "restore a backup", and left on disk)."""
    stem = ("Roadmap review, Müller " * 11)[:230]
    window.dialogs.next_path = tmp_path / f"{stem}.pmdesk"
    window.menu_actions.new.trigger()
    assert window.dialogs.errors == []
    assert window.workspace.path == tmp_path / f"{stem}.pmdesk"
    assert window.ctx.service(PortfolioService).workspace_info().name == stem[:200]


def test_new_workspace_never_overwrites(window, product_file):
    window.dialogs.next_path = product_file
    window.menu_actions.new.trigger()
    assert window.ctx is None
    assert "already exists" in window.dialogs.errors[-1][1]
    with Workspace.open(product_file) as ws:
        assert len(ws.service(PortfolioService).list_products()) == 3


def test_save_a_copy(window, product_file, tmp_path):
    window.open_path(product_file)
    window.dialogs.next_path = tmp_path / "copy.pmdesk"
    window.menu_actions.save_copy.trigger()
    with Workspace.open(tmp_path / "copy.pmdesk") as copy:
        assert [p.name for p in copy.service(PortfolioService).list_products()] == [
            "Atlas", "Beacon & Co", "Comet <β>"
        ]  # fmt: skip
    assert window.workspace.path == product_file


def test_export_current_view_as_png(window, product_file, tmp_path, made):
    window.open_path(product_file)
    window.resize(900, 600)
    window.dialogs.next_path = tmp_path / "view.png"
    window.menu_actions.export_png.trigger()
    image = QImage(str(tmp_path / "view.png"))
    assert not image.isNull()
    assert (image.width(), image.height()) == (made[0].width(), made[0].height())


def test_open_recent_lists_greys_missing_and_clears(window, product_file, tmp_path):
    window.open_path(product_file)
    gone = tmp_path / "gone & lost.pmdesk"
    window.settings.add_recent(gone)
    menu = window.menu_actions.recent_menu
    menu.aboutToShow.emit()
    entries = [a for a in menu.actions() if a.data()]
    assert [a.data() for a in entries] == [str(gone), str(product_file)]
    assert not entries[0].isEnabled() and entries[1].isEnabled()
    assert "gone && lost" in entries[0].text()
    window.menu_actions.clear_recent.trigger()
    assert Settings.load().recent_files == []
    menu.aboutToShow.emit()
    assert not [a for a in menu.actions() if a.data()]


def test_open_dialog_opens_the_chosen_file(window, product_file):
    window.dialogs.next_path = product_file
    window.menu_actions.open.trigger()
    assert window.workspace.path == product_file
    window.dialogs.next_path = None  # cancelled: nothing changes
    window.menu_actions.open.trigger()
    assert window.workspace.path == product_file


def _slow_open(monkeypatch, release_when):
    """Opening waits until ``release_when()`` holds on the window's thread: a window whose
    event loop does not turn while a file opens never releases it (the wait gives up)."""
    import threading

    from PySide6.QtCore import QTimer

    from pmdesk.store import factory

    real, released, seen = factory.open_workspace, threading.Event(), {}

    def open_workspace(path, **kwargs):
        seen["on the window's thread"] = threading.current_thread() is threading.main_thread()
        seen["released"] = released.wait(20)
        return real(path, **kwargs)

    def poll() -> None:
        if release_when():
            released.set()
        elif not released.is_set():
            QTimer.singleShot(10, poll)

    monkeypatch.setattr(factory, "open_workspace", open_workspace)
    QTimer.singleShot(0, poll)
    return seen


def test_a_file_opens_off_the_windows_thread_while_the_window_keeps_painting(
    window, product_file, monkeypatch
):
    """File ▸ Open: the checks (and an upgrade) run on a worker; a long open shows what it
    does in a progress dialog, and the file arrives in the window once it is open."""
    from pmdesk.gui.ops import OpProgressDialog

    def progress_shown() -> str | None:
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, OpProgressDialog) and w.isVisible()
        ]
        return shown[0].windowTitle() if shown else None

    titles: list[str] = []
    seen = _slow_open(monkeypatch, lambda: titles.append(progress_shown() or "") or titles[-1])
    window.dialogs.next_path = product_file
    window.menu_actions.open.trigger()
    assert seen == {"on the window's thread": False, "released": True}
    assert titles[-1] == f"Opening {product_file.name}"
    assert window.workspace.path == product_file
    assert progress_shown() is None  # gone once the file is open
    assert window.dialogs.errors == []


def test_an_open_shows_its_progress_window_only_after_a_second(window, product_file, monkeypatch):
    """File ▸ Open says "Opening …" in the status bar under the busy cursor; its progress
    window waits a second (most opens end sooner: at 300 ms it flashed on and off)."""
    from pmdesk.gui.ops import OPEN_SHOW_AFTER_MS, SHOW_AFTER_MS, BackgroundOp

    waits: list[int] = []

    def note_the_wait() -> bool:
        ops = [op for op in window.findChildren(BackgroundOp) if op.running]
        waits.extend(op._show_timer.interval() for op in ops)
        return bool(ops)

    seen = _slow_open(monkeypatch, note_the_wait)
    window.dialogs.next_path = product_file
    window.menu_actions.open.trigger()
    assert seen["released"] and window.workspace.path == product_file
    assert waits and set(waits) == {OPEN_SHOW_AFTER_MS} and OPEN_SHOW_AFTER_MS >= 1000
    assert SHOW_AFTER_MS < OPEN_SHOW_AFTER_MS  # other long work shows its window sooner


def test_a_locked_file_opened_off_the_thread_still_offers_read_only(
    window, product_file, monkeypatch
):
    """The question comes on the window's thread, after the worker found the file in use."""
    seen = _slow_open(monkeypatch, lambda: True)
    with Workspace.open(product_file):  # another writer holds it
        window.dialogs.read_only_answer = True
        window.dialogs.next_path = product_file
        window.menu_actions.open.trigger()
        assert len(window.dialogs.read_only_questions) == 1
        assert window.workspace.path == product_file and window.workspace.read_only
    assert seen["on the window's thread"] is False


# -- start page ------------------------------------------------------------------------------------


@pytest.fixture
def fake_demo(monkeypatch):
    """pmdesk.store.demo.create_demo, or a stand-in when that module does not exist yet."""
    made: list[Path] = []

    def create_demo(path: Path) -> None:
        made.append(Path(path))
        with Workspace.create(path, name="Demo") as ws:
            ws.service(PortfolioService).create_product(name="Demo product")

    module = types.ModuleType("pmdesk.store.demo")
    module.create_demo = create_demo
    monkeypatch.setitem(sys.modules, "pmdesk.store.demo", module)
    return made


def test_start_page_demo_button_makes_a_new_demo_each_time(window, fake_demo, qtbot):
    assert window.pages.currentWidget() is window.start_page
    qtbot.mouseClick(window.start_page.demo_button, Qt.MouseButton.LeftButton)
    first = window.workspace.path
    assert first.name == "Demo portfolio.pmdesk"
    assert products_in(window) == ["Demo product"]
    window.close_workspace()
    qtbot.mouseClick(window.start_page.demo_button, Qt.MouseButton.LeftButton)
    assert window.workspace.path.name == "Demo portfolio 2.pmdesk"
    assert fake_demo == [first, window.workspace.path]


def test_start_page_new_open_and_recent(window, product_file, tmp_path, qtbot):
    window.dialogs.next_path = tmp_path / "started.pmdesk"
    qtbot.mouseClick(window.start_page.new_button, Qt.MouseButton.LeftButton)
    assert window.workspace.path == tmp_path / "started.pmdesk"
    window.close_workspace()

    window.dialogs.next_path = product_file
    qtbot.mouseClick(window.start_page.open_button, Qt.MouseButton.LeftButton)
    assert window.workspace.path == product_file
    window.close_workspace()

    page = window.start_page
    assert page.recent_paths() == [product_file, tmp_path / "started.pmdesk"]
    row = page.recent_list.visualItemRect(page.recent_list.item(1)).center()
    qtbot.mouseClick(page.recent_list.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert window.workspace.path == tmp_path / "started.pmdesk"


def test_demo_names_never_overwrite(tmp_path):
    assert next_demo_path(tmp_path).name == "Demo portfolio.pmdesk"
    (tmp_path / "Demo portfolio.pmdesk").write_bytes(b"x")
    (tmp_path / "Demo portfolio 2.pmdesk").write_bytes(b"x")
    assert next_demo_path(tmp_path).name == "Demo portfolio 3.pmdesk"


def test_the_real_demo_opens(window):
    demo = pytest.importorskip("pmdesk.store.demo")
    assert demo.create_demo
    window.open_demo()
    assert window.workspace is not None, window.dialogs.errors
    assert window.product_selector.count() > 0


# -- view menu -------------------------------------------------------------------------------------


def test_zoom_scales_the_view_area_and_is_remembered(window, product_file):
    window.open_path(product_file)
    stack = window.view_host.stack
    base = QApplication.font().pointSizeF()
    window.menu_actions.zoom_in.trigger()
    window.menu_actions.zoom_in.trigger()
    assert stack.font().pointSizeF() == pytest.approx(base * 1.1**2)
    assert window.menuBar().font().pointSizeF() == base  # menus keep their size
    assert Settings.load().zoom == 2
    window.menu_actions.zoom_out.trigger()
    assert Settings.load().zoom == 1
    window.menu_actions.zoom_reset.trigger()
    assert stack.font().pointSizeF() == pytest.approx(base)
    assert Settings.load().zoom == 0


def test_theme_switch_changes_the_palette_and_is_remembered(window):
    light_window = QApplication.palette().color(QPalette.ColorRole.Window)
    window.menu_actions.themes["dark"].trigger()
    dark_window = QApplication.palette().color(QPalette.ColorRole.Window)
    assert dark_window.lightness() < 80 < light_window.lightness()
    assert QApplication.style().name().lower() == "fusion"
    assert Settings.load().theme == "dark"
    assert window.menu_actions.themes["dark"].isChecked()
    window.menu_actions.themes["light"].trigger()
    assert Settings.load().theme == "light"


def test_present_takes_the_view_full_screen_and_esc_gives_it_back(
    window, product_file, made, qtbot
):
    window.open_path(product_file)
    window.view_host.show_view("canvas")
    view = current(made, window)
    stack = window.view_host.stack
    index = stack.indexOf(view)

    window.menu_actions.present_menu.aboutToShow.emit()
    screens = QGuiApplication.screens()
    chosen = [
        a for a in window.menu_actions.present_menu.actions() if screens[-1].name() in a.text()
    ]
    chosen[0].trigger()
    assert window.settings.present_screen == screens[-1].name()

    window.menu_actions.present.trigger()
    shown = window.presentation
    assert shown is not None
    active(qtbot, shown)
    assert shown.screen() is screens[-1]
    assert shown.isFullScreen()
    assert view.window() is shown and stack.indexOf(view) == -1
    everyday = QFontInfo(QApplication.font()).pixelSize()
    assert view.fontInfo().pixelSize() == body_pixel_size(screens[-1].geometry().height(), everyday)
    assert view.fontInfo().pixelSize() >= 2 * everyday
    assert shown.palette().color(QPalette.ColorRole.Window).lightness() == 255
    heading_before = QFont(view.heading.font())
    assert view.heading.fontInfo().pixelSize() > view.fontInfo().pixelSize()  # still a heading

    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert window.presentation is None
    assert stack.indexOf(view) == index
    assert stack.currentWidget() is view
    assert view.window() is window
    assert window.view_host.current_key == "canvas"
    assert view.heading.font().pointSizeF() < heading_before.pointSizeF()  # put back


def test_f5_again_ends_the_presentation(window, product_file, made, qtbot):
    window.open_path(product_file)
    view = current(made, window)
    window.toggle_presentation()
    active(qtbot, window.presentation)
    qtbot.keyClick(window.presentation, Qt.Key.Key_F5)
    assert window.presentation is None and view.window() is window


def test_esc_in_the_main_window_also_ends_the_presentation(window, product_file, made, qtbot):
    # With a projector the laptop's window may keep the keyboard focus.
    window.open_path(product_file)
    assert not window.menu_actions.stop_presenting.isEnabled()
    window.toggle_presentation()
    assert window.menu_actions.stop_presenting.isEnabled()
    active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.presentation is None
    assert current(made, window).window() is window
    assert not window.menu_actions.stop_presenting.isEnabled()


def test_presentation_text_is_large():
    assert body_pixel_size(1080, 12) >= 28
    assert body_pixel_size(2160, 12) >= 56
    assert body_pixel_size(768, 16) == 32  # twice the everyday size, whatever the screen


class _Screen:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name


def test_presentation_screen_choice():
    laptop, projector = _Screen("eDP-1"), _Screen("HDMI-1")
    assert choose_screen([laptop], laptop) is laptop
    assert choose_screen([laptop, projector], laptop) is projector
    assert choose_screen([laptop, projector], projector) is laptop
    assert choose_screen([laptop, projector], laptop, preferred="eDP-1") is laptop
    assert choose_screen([laptop, projector], laptop, preferred="unplugged") is projector


# -- help ------------------------------------------------------------------------------------------


def test_about_shows_versions_and_the_file(window, product_file):
    window.menu_actions.about.trigger()
    assert "no file open" in window.dialogs.about_texts[-1]
    window.open_path(product_file)
    window.menu_actions.about.trigger()
    text = window.dialogs.about_texts[-1]
    for expected in (__version__, qVersion(), PySide6.__version__, sys.version.split()[0]):
        assert expected in text
    assert html.escape(str(product_file)) in text
    assert f"File format</b></td><td>{schema.SCHEMA_VERSION}<" in text


def test_locked_error_is_recognised(tmp_path):
    # Guards the read-only flow above: the lock must really refuse a second writer.
    path = tmp_path / "locked.pmdesk"
    with Workspace.create(path), pytest.raises(WorkspaceLockedError):
        Workspace.open(path)


def test_the_real_views_open_on_the_demo(qtbot, tmp_path):
    demo = pytest.importorskip("pmdesk.store.demo")
    from pmdesk.gui.views import BaseView

    path = demo.create_demo(tmp_path / "Demo & <friends>.pmdesk")
    window = MainWindow(settings=Settings.load(), dialogs=FakeDialogs())
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path), window.dialogs.errors
    view = window.view_host.current_view()
    assert isinstance(view, BaseView)
    assert window.view_host.current_key == "portfolio"
    assert window.product_selector.count() == len(
        PortfolioService(window.workspace).list_products()
    )
    assert view.product_id == window.product_selector.product_id()
    window.toggle_presentation()
    assert view.window() is window.presentation
    window.stop_presentation()
    assert view.window() is window and window.view_host.stack.currentWidget() is view


TWO_SCREENS = {
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800},
        {"name": "projector", "x": 1280, "y": 0, "width": 1920, "height": 1080},
    ]
}

PRESENT_SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.workspace import Workspace

class Spec:
    key, title = "portfolio", "Portfolio"
    def factory(self, ctx, parent):
        view = QLabel("Body text", parent)
        view.set_product = lambda product_id: None
        view.has_selection = lambda: False
        for name in ("productActivated", "selectionChanged", "statusMessage"):
            setattr(view, name, view.linkActivated)  # any signal will do here
        return view

Workspace.create(sys.argv[1]).close()
window = MainWindow(settings=Settings(), views=[Spec()])
window.show()
window.open_path(sys.argv[1])
view = window.view_host.current_view()
window.toggle_presentation()
shown = window.presentation
geometry = shown.geometry()
print(shown.screen().name(), geometry.x(), geometry.width(), geometry.height())
print(view.fontInfo().pixelSize())
window.stop_presentation()
print(view.window() is window, window.view_host.stack.currentWidget() is view)
window.close()
"""


def test_with_two_screens_present_goes_to_the_other_one(tmp_path):
    import json
    import os
    import subprocess

    config = tmp_path / "screens.json"
    config.write_text(json.dumps(TWO_SCREENS))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run(
        [sys.executable, "-c", PRESENT_SCRIPT, str(tmp_path / "two.pmdesk")],
        capture_output=True, text=True, timeout=30, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    placement, pixels, restored = result.stdout.splitlines()
    assert placement == "projector 1280 1920 1080"
    assert int(pixels) >= 28
    assert restored == "True True"


def test_a_view_that_fails_to_build_does_not_take_the_window_down(make_window, product_file):
    window = make_window()

    def broken(ctx, parent):
        raise RuntimeError("no <canvas> & no luck")

    window.view_host.specs["canvas"] = Spec("canvas", "Canvas", [])
    window.view_host.specs["canvas"].factory = broken
    window.open_path(product_file)
    window.view_host.show_view("canvas")
    shown = window.view_host.current_view()
    assert window.view_host.stack.currentWidget() is shown
    labels = [label.text() for label in shown.findChildren(QLabel)]
    assert any("no <canvas> & no luck" in text for text in labels)
    assert not window.menu_actions.delete.isEnabled()
    window.view_host.show_view("roadmap")
    assert current([], window).key == "roadmap"


def test_tooltips_and_menus_show_one_key_per_meaning(window):
    """Ctrl++/-/0 size the text; the timer is Ctrl+Shift+T / Ctrl+Shift+R (Ctrl+T is the
    roadmap's Today); the keys are in the tooltips as well as the menus."""
    a = window.menu_actions
    portable = QtGui.QKeySequence.SequenceFormat.PortableText

    def keys(action):
        return [k.toString(portable) for k in action.shortcuts()]

    assert "Ctrl+=" in keys(a.zoom_in) and "Ctrl+-" in keys(a.zoom_out)
    assert keys(a.zoom_reset) == ["Ctrl+0"]
    assert keys(a.timer_toggle) == ["Ctrl+Shift+T"] and keys(a.timer_reset) == ["Ctrl+Shift+R"]
    native = QtGui.QKeySequence.SequenceFormat.NativeText
    for action in (a.timer_toggle, a.timer_reset, a.zoom_in, a.present, a.new):
        assert action.shortcut().toString(native) in action.toolTip(), action.text()
