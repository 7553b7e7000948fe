"""The history names each edit made in the window as its Undo menu does, and its undo and
redo as "Undo …" and "Redo …": read back from the file with a connection of its own."""

from __future__ import annotations

import sqlite3

import pytest
from tests.gui.test_undo_journal import _text_cell, _type_into
from tests.gui.windows import open_main_window

from pmdesk.store.demo import create_demo


def _last_edit(path) -> tuple[int, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id, label FROM change_edit ORDER BY id DESC").fetchone()
    finally:
        conn.close()


@pytest.fixture
def window(qtbot, tmp_path):
    path = create_demo(tmp_path / "demo.pmdesk")
    win = open_main_window(qtbot, path, (1400, 850))
    yield win, path
    win.close()


def test_an_edit_its_undo_and_its_redo_carry_the_undo_text(window, qtbot):
    win, path = window
    win.view_host.show_view("requirements")
    table, index = _text_cell(win.view_host.current_view())
    assert table is not None
    first, _label = _last_edit(path)
    _type_into(qtbot, table, index, "Named <&> edit")
    qtbot.waitUntil(lambda: _last_edit(path)[0] > first)
    edit, text = _last_edit(path)
    assert text and text == win.ctx.undo_stack.undoText()
    win.menu_actions.undo.trigger()
    qtbot.waitUntil(lambda: _last_edit(path)[0] > edit)
    undone, undo_label = _last_edit(path)
    assert undo_label == f"Undo {text}"
    win.menu_actions.redo.trigger()
    qtbot.waitUntil(lambda: _last_edit(path)[0] > undone)
    assert _last_edit(path)[1] == f"Redo {text}"
