"""File ▸ Take Snapshot… and File ▸ What Changed Since…, driven as a person does: the menu
actions, typing, Enter; the snapshot checked in the file through a connection of its own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from tests.gui.windows import RecordingDialogs, active, demo_or_new, exposed, open_main_window, pick

from pmdesk.gui.history_dialog import (
    EMPTY_NAME,
    NOTHING_YET,
    ChangesDialog,
    RenameSnapshotDialog,
    SnapshotDialog,
    TakeSnapshotCommand,
)
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.services import HistoryService
from pmdesk.store.workspace import Workspace


def snapshots_in(path) -> list[tuple[str, str]]:
    """The snapshots in the file, read by a workspace handle of its own."""
    with Workspace.open(path, read_only=True) as ws:
        return [(s.name, s.note) for s in ws.service(HistoryService).snapshots()]


def open_dialog(qtbot, window: MainWindow, action, cls):
    action.trigger()
    dialog = window.findChild(cls)
    assert dialog is not None and dialog.isVisible()
    exposed(qtbot, dialog)
    return dialog


def compared(qtbot, dialog: ChangesDialog, trigger=None) -> ChangesDialog:
    """Wait for the comparison the dialog runs off the GUI thread."""
    if trigger is not None:
        with qtbot.waitSignal(dialog.compared, timeout=10000):
            trigger()
    else:
        qtbot.waitUntil(lambda: dialog.op is None or not dialog.op.running, timeout=10000)
        qtbot.waitUntil(lambda: not dialog.summary.text().startswith("Reading"), timeout=10000)
    return dialog


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_take_snapshot_by_the_menu_and_undo_it(qtbot, tmp_path, demo_template, kind):
    path = demo_or_new(kind, demo_template, tmp_path)
    before = snapshots_in(path)
    window = active(qtbot, open_main_window(qtbot, path))
    take = window.menu_actions.take_snapshot
    assert take.isEnabled()
    assert take in window.menuBar().actions()[0].menu().actions(), "in the File menu"

    dialog = open_dialog(qtbot, window, take, SnapshotDialog)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # no name yet: refused, still open
    assert dialog.isVisible()
    assert dialog.message.isVisibleTo(dialog) and dialog.message.text() == EMPTY_NAME
    assert snapshots_in(path) == before

    qtbot.keyClicks(dialog.name_edit, "Board 2027-01")
    qtbot.keyClicks(dialog.note_edit, "Before the board meeting")
    qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    active(qtbot, window)  # the keys back to the window, as a window manager gives them
    assert snapshots_in(path) == [*before, ("Board 2027-01", "Before the board meeting")]
    assert "Snapshot “Board 2027-01” taken" in window.statusBar().currentMessage()
    assert window.menu_actions.undo.text() == "Undo Take Snapshot “Board 2027-01”"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshots_in(path) == before
    window.menu_actions.redo.trigger()
    assert snapshots_in(path) == [*before, ("Board 2027-01", "Before the board meeting")]


def test_a_name_taken_already_is_refused_and_the_dialog_stays(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    window.dialogs = RecordingDialogs()
    window.ctx.errorRaised.disconnect()
    window.ctx.errorRaised.connect(lambda text: window.dialogs.error("pmdesk", text))
    dialog = open_dialog(qtbot, window, window.menu_actions.take_snapshot, SnapshotDialog)
    qtbot.keyClicks(dialog.name_edit, "Q3 review")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "already exists" in dialog.message.text()
    assert [n for n, _ in snapshots_in(path)].count("Q3 review") == 1
    assert not window.ctx.undo_stack.canUndo()


def test_what_changed_since_the_q3_review_on_the_demo(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    combo = dialog.snapshot_combo
    assert combo.itemData(0) == "Q3 review", "newest first"
    assert "manual" in combo.itemText(0)
    assert [combo.itemData(i) for i in range(combo.count())][-1].startswith("Gate:")
    # Pointed at, a snapshot says its moment as the rest of the screen words one.
    tip = combo.itemData(0, Qt.ItemDataRole.ToolTipRole).splitlines()
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2} UTC", tip[1]), tip
    assert dialog.scope_combo.currentText() == "Pulse Cloud"
    rows = dialog.rows()
    slip = [r for r in rows if r[1] == "Sensor & gateway hardware"]
    assert slip and slip[0][0].startswith("Roadmap items") and slip[0][2] == "Changed"
    assert "end date 6 Feb 2027 → 6 Mar 2027 (+28 days)" in slip[0][3]
    assert ("Added", "Regional data residency (EU/US)") in [(r[2], r[1]) for r in rows]
    assert dialog.summary.text().startswith(f"{len(rows)} changes to Pulse Cloud since “Q3 review”")

    # The whole portfolio, then a day before every edit of the demo's history.
    compared(qtbot, dialog, lambda: dialog.scope_combo.setCurrentIndex(1))
    assert dialog.scope_combo.currentText() == "Whole portfolio"
    assert len(dialog.rows()) >= len(rows)
    compared(qtbot, dialog, lambda: dialog.date_edit.setDate(QDate(2025, 1, 1)))
    assert dialog.by_date.isChecked()
    assert dialog.summary.text().endswith("since 1 Jan 2025.")
    assert len(dialog.rows()) > len(rows)
    dialog.close()


def test_what_changed_on_a_new_workspace_has_nothing_to_compare_yet(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    assert dialog.summary.text() == NOTHING_YET
    assert dialog.tree.topLevelItemCount() == 0
    assert not dialog.by_snapshot.isEnabled() and dialog.by_date.isChecked()
    # Today, for the product: the product made today is there.
    today = dt.date.today()
    compared(
        qtbot, dialog, lambda: dialog.date_edit.setDate(QDate(today.year, today.month, today.day))
    )
    assert ("Added", "Widget") in [(r[2], r[1]) for r in dialog.rows()]


def test_read_only_and_no_workspace_have_no_take_snapshot(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = MainWindow(settings=Settings.load(), dialogs=RecordingDialogs(read_only=True))
    qtbot.addWidget(window)
    assert not window.menu_actions.take_snapshot.isEnabled()
    assert not window.menu_actions.what_changed.isEnabled()
    with Workspace.open(path):  # another pmdesk holds the file: it opens read-only
        assert window.open_path(path)
        assert window.ctx.read_only
        assert not window.menu_actions.take_snapshot.isEnabled()
        window.menu_actions.take_snapshot.trigger()
        assert window.findChild(SnapshotDialog) is None
        assert window.menu_actions.what_changed.isEnabled(), "reading is fine"
        window.show()
        dialog = compared(
            qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
        )
        assert any(r[1] == "Sensor & gateway hardware" for r in dialog.rows())
        dialog.close()
        window.close_workspace()
    QApplication.processEvents()
    assert not window.menu_actions.take_snapshot.isEnabled()


def row_named(dialog: ChangesDialog, name: str):
    for i in range(dialog.tree.topLevelItemCount()):
        top = dialog.tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).text(0) == name:
                return top.child(j)
    raise AssertionError(name)


def double_click(qtbot, dialog: ChangesDialog, name: str) -> None:
    row = row_named(dialog, name)
    dialog.tree.scrollToItem(row)
    rect = dialog.tree.visualItemRect(row)
    # As a mouse sends it: a click, then the double-click.
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_double_click_shows_the_item_or_requirement_in_its_view(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    compared(qtbot, dialog, lambda: dialog.scope_combo.setCurrentIndex(1))  # whole portfolio

    double_click(qtbot, dialog, "Sensor & gateway hardware")
    assert window.view_host.current_key == "roadmap"
    assert window.product_selector.currentText() == "Pulse Cloud"
    roadmap = window.view_host.current_view()
    table = roadmap.items
    assert roadmap.tabs.currentWidget() is roadmap.items_page and table.isVisible()
    ids = table.selected_ids()
    assert len(ids) == 1
    with Workspace.open(path, read_only=True) as ws:
        from pmdesk.store.services import RoadmapService

        assert ws.service(RoadmapService).items.get(ids[0]).name == "Sensor & gateway hardware"

    double_click(qtbot, dialog, "EU data residency")
    assert window.view_host.current_key == "requirements"
    requirements = window.view_host.current_view()
    assert requirements.table.selected_ids()
    with Workspace.open(path, read_only=True) as ws:
        from pmdesk.store.services import RequirementService

        found = ws.service(RequirementService).requirements.get(
            requirements.table.selected_ids()[0]
        )
        assert found.title == "EU data residency"

    # A removed item has nothing to show: its row does nothing.
    row = row_named(dialog, "Offline sync for field tablets")
    assert row.data(0, Qt.ItemDataRole.UserRole) is None


def test_the_dialog_closes_with_its_workspace(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    window.menu_actions.close.trigger()
    qtbot.waitUntil(lambda: window.findChild(ChangesDialog) is None or not dialog.isVisible())
    assert window.ctx is None


# -- renaming and deleting snapshots from What Changed Since ---------------------------------------


def combo_names(dialog: ChangesDialog) -> list[str]:
    combo = dialog.snapshot_combo
    return [combo.itemData(i) for i in range(combo.count())]


def test_rename_a_snapshot_refusing_blank_and_taken_names(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    assert dialog.snapshot_combo.currentData() == "Q3 review"
    assert dialog.rename_button.isEnabled() and dialog.delete_button.isEnabled()
    before = snapshots_in(path)
    gate = combo_names(dialog)[1]
    assert gate.startswith("Gate:")
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        dialog.snapshot_combo.setCurrentIndex(1)
        dialog.snapshot_combo.activated.emit(1)  # as choosing it in the list does

    qtbot.mouseClick(dialog.rename_button, Qt.MouseButton.LeftButton)
    rename = dialog.findChild(RenameSnapshotDialog)
    assert rename is not None and rename.isVisible()
    assert rename.name_edit.text() == gate and rename.name_edit.selectedText() == gate
    qtbot.keyClick(rename.name_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(rename.name_edit, Qt.Key.Key_Return)  # blank: refused, still open
    assert rename.isVisible() and rename.message.text() == EMPTY_NAME
    qtbot.keyClicks(rename.name_edit, "  Q3 review ")
    qtbot.keyClick(rename.name_edit, Qt.Key.Key_Return)  # another snapshot's name: refused
    assert rename.isVisible() and "already exists" in rename.message.text()
    assert snapshots_in(path) == before and not window.ctx.undo_stack.canUndo()

    rename.name_edit.selectAll()
    qtbot.keyClicks(rename.name_edit, "Analysis gate")
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.keyClick(rename.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: not any(d.isVisible() for d in dialog.findChildren(RenameSnapshotDialog))
    )
    names = [n for n, _ in snapshots_in(path)]
    assert "Analysis gate" in names and gate not in names and "Q3 review" in names
    assert combo_names(dialog) == ["Q3 review", "Analysis gate"], "the list follows"
    assert dialog.snapshot_combo.currentData() == "Analysis gate", "still chosen"
    assert dialog.summary.text().split(" since ")[1].startswith("“Analysis gate”")
    assert window.ctx.undo_stack.undoText() == f"Rename Snapshot “{gate}” to “Analysis gate”"

    active(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step back
    assert snapshots_in(path) == before
    assert combo_names(dialog) == ["Q3 review", gate]


def test_delete_a_snapshot_is_one_undo_step(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    before = snapshots_in(path)
    active(qtbot, dialog)
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # Dele&te
    assert [n for n, _ in snapshots_in(path)] == [n for n, _ in before if n != "Q3 review"]
    assert "Q3 review" not in combo_names(dialog)
    assert dialog.snapshot_combo.currentData().startswith("Gate:"), "the next one is chosen"
    assert "Undo brings it back" in window.statusBar().currentMessage()
    assert window.ctx.undo_stack.undoText() == "Delete Snapshot “Q3 review”"
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        window.menu_actions.undo.trigger()
    assert snapshots_in(path) == before
    assert "Q3 review" in combo_names(dialog)

    # The last one gone: the list compares by a day, and there is nothing to rename.
    for _ in before:
        with qtbot.waitSignal(dialog.compared, timeout=10000):
            qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert snapshots_in(path) == []
    assert dialog.by_date.isChecked() and not dialog.by_snapshot.isEnabled()
    assert not dialog.rename_button.isEnabled() and not dialog.delete_button.isEnabled()
    compared(qtbot, dialog)
    assert " since " in dialog.summary.text()


def test_a_new_workspace_has_no_snapshot_to_rename(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    assert not dialog.rename_button.isEnabled() and not dialog.delete_button.isEnabled()
    # A snapshot taken meanwhile in the window: the list offers it, and its renaming.
    window.ctx.run(TakeSnapshotCommand(window.ctx.service(HistoryService), "First look"))
    assert combo_names(dialog) == ["First look"]
    assert dialog.rename_button.isEnabled() and dialog.by_snapshot.isEnabled()
