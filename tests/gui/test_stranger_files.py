"""File ▸ Open on files a colleague or another tool made: crafted, hand-edited, damaged.

The way a person does it — the Open action, a file chosen in the dialog — each such file
gets one clear message, the window keeps the workspace it had, and nothing crashes.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.workspace import Workspace


class _Dialogs:
    """Answers File ▸ Open with ``chosen`` and keeps the error messages shown."""

    def __init__(self) -> None:
        self.chosen: Path | None = None
        self.errors: list[tuple[str, str]] = []

    def open_path(self, _folder):
        return self.chosen

    def error(self, title: str, text: str) -> None:
        self.errors.append((title, text))

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _edited(source: Path, folder: Path, *statements: str) -> Path:
    path = folder / "from a colleague.pmdesk"
    shutil.copyfile(source, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


STRANGERS = {
    "a planted trigger": (
        ["CREATE TRIGGER wipe AFTER UPDATE ON roadmap_item BEGIN DELETE FROM requirement; END"],
        "trigger named “wipe”",
    ),
    "progress as text": (
        ["UPDATE roadmap_item SET progress = 'half' WHERE id = (SELECT min(id) FROM roadmap_item)"],
        "progress holds 'half'",
    ),
    "a date in year 9999": (
        ["UPDATE stakeholder SET next_contact = '9999-12-31'"],
        "next contact holds '9999-12-31'",
    ),
}


@pytest.fixture
def window(qtbot, demo_template, tmp_path):
    mine = tmp_path / "mine.pmdesk"
    shutil.copyfile(demo_template, mine)
    dialogs = _Dialogs()
    win = MainWindow(settings=Settings.load(), dialogs=dialogs)
    qtbot.addWidget(win)
    assert win.open_path(mine)
    win.resize(1366, 768)
    win.show()
    win.view_host.show_view("roadmap")
    yield win, dialogs
    win.close()


@pytest.mark.parametrize("case", sorted(STRANGERS))
def test_a_crafted_file_is_refused_with_one_message_and_mine_stays_open(
    case, window, demo_template, tmp_path
):
    win, dialogs = window
    statements, message = STRANGERS[case]
    folder = tmp_path / "inbox"
    folder.mkdir()
    dialogs.chosen = _edited(demo_template, folder, *statements)
    before = dialogs.chosen.read_bytes()
    win.menu_actions.open.trigger()
    [(title, text)] = dialogs.errors
    assert title == "Could not open the file" and message in text
    assert win.workspace.path.name == "mine.pmdesk"
    assert dialogs.chosen.read_bytes() == before
    assert not win.view_host.current_view().grab().isNull()  # mine still paints


@pytest.mark.qt_no_exception_capture
def test_damaged_files_open_or_are_refused_through_the_window(
    window, demo_template, tmp_path, monkeypatch
):
    """Random damage is refused at open, or the file opens and each view either paints or
    says, in a message from the window as the app shows it, that part of the file is
    damaged (text that is not UTF-8 passes every check at open and is met only when read)."""
    import sys

    from pmdesk.gui.app import report_errors_in

    win, dialogs = window
    escaped: list[BaseException] = []  # what would have been a traceback, not a message
    monkeypatch.setattr(sys, "excepthook", lambda _kind, error, _trace: escaped.append(error))
    report_errors_in(win)
    Workspace.open(demo_template, read_only=True).close()
    data = demo_template.read_bytes()
    rng = random.Random(3)
    for variant in range(12):
        flipped = bytearray(data)
        for _ in range(4):
            flipped[rng.randrange(100, len(flipped))] = rng.randrange(256)
        dialogs.chosen = tmp_path / f"damaged {variant}.pmdesk"
        dialogs.chosen.write_bytes(bytes(flipped))
        dialogs.errors.clear()
        asked: list[str] = []
        dialogs.ask_read_only = lambda text, asked=asked: asked.append(text) and False  # "Cancel"
        win.menu_actions.open.trigger()
        opened = win.workspace.path == dialogs.chosen
        assert opened or len(dialogs.errors) + len(asked) == 1
        if opened:  # every view of the opened file paints, or says why it cannot read it
            for key in ("portfolio", "roadmap", "requirements", "launch", "business_case"):
                dialogs.errors.clear()
                win.view_host.show_view(key)
                assert not win.view_host.current_view().grab().isNull()
                assert all("damaged" in text for _title, text in dialogs.errors), key
                assert not escaped, key


@pytest.mark.qt_no_exception_capture
def test_damage_met_only_when_a_view_reads_is_a_message(
    qtbot, demo_template, tmp_path, monkeypatch
):
    """Text that is not UTF-8 passes every check at open; the Requirements view meets it
    when the person clicks its sidebar entry, and the window says so."""
    import sys

    from PySide6.QtCore import Qt

    from pmdesk.gui.app import report_errors_in

    path = _edited(
        demo_template, tmp_path, "UPDATE requirement SET story_benefit = CAST(X'6869FF21' AS TEXT)"
    )
    dialogs = _Dialogs()
    win = MainWindow(settings=Settings.load(), dialogs=dialogs)
    qtbot.addWidget(win)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    report_errors_in(win)
    assert win.open_path(path)
    win.resize(1366, 768)
    win.show()
    sidebar = win.view_host.sidebar
    row = [sidebar.item(i).text() for i in range(sidebar.count())].index("Requirements")
    rect = sidebar.visualItemRect(sidebar.item(row))
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    assert "damaged" in dialogs.errors[0][1]
    win.close()


def test_a_file_with_damaged_indexes_is_offered_read_only(window, demo_template, tmp_path):
    """Writing would spread the damage; reading is safe: the window asks, as for a file
    open elsewhere, and opens it read-only when the person agrees."""
    win, dialogs = window
    path = _edited(demo_template, tmp_path)
    conn = sqlite3.connect(path)
    pages = dict(
        conn.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE name IN "
            "('ix_roadmap_item_lane_id', 'ix_roadmap_item_product_id')"
        )
    )
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET rootpage = ? WHERE name = 'ix_roadmap_item_lane_id'",
        (pages["ix_roadmap_item_product_id"],),
    )
    conn.execute(
        "UPDATE sqlite_master SET rootpage = ? WHERE name = 'ix_roadmap_item_product_id'",
        (pages["ix_roadmap_item_lane_id"],),
    )
    conn.commit()
    conn.close()
    asked: list[str] = []
    dialogs.ask_read_only = lambda text: asked.append(text) or True
    dialogs.chosen = path
    win.menu_actions.open.trigger()
    assert asked and "indexes disagree" in asked[0]
    assert win.workspace.path == path and win.workspace.read_only
    assert not dialogs.errors
