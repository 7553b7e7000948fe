"""Every undo step is derived from the journal: no command reverts by hand.

One test enumerates every ServiceCommand subclass in ``pmdesk.gui``; the other
edits a text cell in each view of the demo window with the keyboard and checks,
through a separate SQLite connection, that the window's Undo puts back every row
of every table exactly and Redo brings the edit back.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.file_rows import file_rows as _dump
from tests.gui.windows import open_main_window

import pmdesk.gui
from pmdesk.gui.commands import ServiceCommand
from pmdesk.gui.views import VIEWS
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.demo import create_demo

# No command undoes by hand; the imports, which run off the window's thread, record their
# journal there (tests/gui/test_import_undo.py).
TEXT_FIELDS = ("name", "title", "text")


def _every_command() -> list[type[ServiceCommand]]:
    for module in pkgutil.walk_packages(pmdesk.gui.__path__, "pmdesk.gui."):
        importlib.import_module(module.name)
    found, queue = [], [ServiceCommand]
    while queue:
        for sub in queue.pop().__subclasses__():
            found.append(sub)
            queue.append(sub)
    return found


def test_no_command_undoes_or_redoes_its_own_way() -> None:
    commands = _every_command()
    names = {c.__name__ for c in commands}
    assert len(commands) >= 25, names
    assert {"UpdateCommand", "JournalCommand", "RaciCommand", "SetBaselineCommand"} <= names
    for command in commands:
        own = set(vars(command))
        assert not own & {"undo", "redo"}, f"{command.__name__} overrides undo/redo"
        assert "revert" not in own, f"{command.__name__} reverts by hand"
    # The base keeps no by-hand path either: undo and redo have one way, the journal's.
    assert not hasattr(ServiceCommand, "revert")


@pytest.fixture
def window(qtbot, tmp_path):
    path = create_demo(tmp_path / "demo.pmdesk")
    win = open_main_window(qtbot, path, (1400, 850))
    yield win, path
    win.close()


def _text_cell(view):
    """The first table the view shows with a row and an editable text column, and that cell."""
    for table in view.findChildren(EntityTable):
        model = table.model
        if not table.view.isVisible() or model.rowCount() == 0:
            continue
        for field in TEXT_FIELDS:
            if field not in [c.field for c in model.columns]:
                continue
            index = model.index(0, model.column_index(field))
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                return table, index
    return None, None


def _type_into(qtbot, table: EntityTable, index, text: str) -> None:
    table.view.window().activateWindow()
    table.view.setCurrentIndex(index)
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert table.view.isAncestorOf(editor), f"F2 opened no editor in {table.view.accessibleName()}"
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_an_edit_in_each_view_undoes_and_redoes_exactly_through_the_window(window, qtbot):
    win, path = window
    covered = []
    for spec in VIEWS:
        win.view_host.show_view(spec.key)
        view = win.view_host.current_view()
        table, index = _text_cell(view)
        if table is None:
            continue
        before = _dump(path)
        text = f"Edited in {spec.key} <&> ok"
        _type_into(qtbot, table, index, text)
        qtbot.waitUntil(lambda b=before: _dump(path) != b)
        after = _dump(path)
        changed = {k: set(after[k]) - set(before[k]) for k in after if after[k] != before[k]}
        assert any(text in str(v) for rows in changed.values() for row in rows for v in row), (
            changed
        )
        win.menu_actions.undo.trigger()
        assert _dump(path) == before, f"undo in {spec.key} left the file changed"
        win.menu_actions.redo.trigger()
        assert _dump(path) == after, f"redo in {spec.key} did not bring the edit back"
        covered.append(spec.key)
    assert len(covered) >= 3, covered
