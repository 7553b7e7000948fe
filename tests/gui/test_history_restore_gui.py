"""Restore from What Changed Since…, driven as a person does: choose the row, press the
button or its key, or the row's context menu; one undo step on the window, the list follows.
The file is checked through a workspace handle of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from tests.gui.test_history_dialog import compared, open_dialog, row_named
from tests.gui.windows import RecordingDialogs, active, demo_or_new, open_main_window, pick

from pmdesk.gui.history_dialog import ChangesDialog
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

OFFLINE = "Offline sync for field tablets"  # removed from the demo since the Q3 review
SENSOR = "Sensor & gateway hardware"  # moved a month later since the Q3 review


def items_named(path, name: str) -> list:
    with Workspace.open(path, read_only=True) as ws:
        return [i for i in ws.service(RoadmapService).items.list() if i.name == name]


def changes_dialog(qtbot, window: MainWindow) -> ChangesDialog:
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    return active(qtbot, dialog)


def choose_row(qtbot, dialog: ChangesDialog, name: str):
    """Click the row, as a person chooses it in the list."""
    row = row_named(dialog, name)
    dialog.tree.scrollToItem(row)
    rect = dialog.tree.visualItemRect(row)
    qtbot.mouseClick(dialog.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.tree.currentItem() is row
    return row


def kinds_of(dialog: ChangesDialog, name: str) -> list[str]:
    return [change for _group, row_name, change, _what in dialog.rows() if row_name == name]


def test_restore_a_removed_item_and_undo_it(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = changes_dialog(qtbot, window)
    assert not dialog.restore_button.isEnabled(), "nothing chosen yet"
    assert not items_named(path, OFFLINE)

    choose_row(qtbot, dialog, OFFLINE)
    assert dialog.restore_button.isEnabled() and not dialog.bring_back_button.isEnabled()
    assert dialog.restore_action.isVisible() and not dialog.bring_back_action.isVisible()
    # Enter on a row shows it (a removed one has nothing to show): it restores nothing.
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert dialog.isVisible() and not items_named(path, OFFLINE)

    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    (back,) = items_named(path, OFFLINE)
    assert back.start_date == dt.date(2027, 4, 8) and back.end_date == dt.date(2027, 6, 7)
    assert window.menu_actions.undo.text() == f"Undo Restore “{OFFLINE}”"
    assert kinds_of(dialog, OFFLINE) == [], "back as it was at the Q3 review: no change left"
    assert "Undo takes it back" in window.statusBar().currentMessage()
    assert dialog.rows(), "the other changes stay listed"

    # Ctrl+Z in the list takes it back: one step.
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not items_named(path, OFFLINE)
    assert kinds_of(dialog, OFFLINE) == ["Removed"]
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        window.menu_actions.redo.trigger()
    assert len(items_named(path, OFFLINE)) == 1


def test_bring_back_an_old_value_by_its_key_and_the_context_menu(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = changes_dialog(qtbot, window)
    (now,) = items_named(path, SENSOR)
    assert now.end_date == dt.date(2027, 3, 6)

    choose_row(qtbot, dialog, SENSOR)
    assert dialog.bring_back_button.isEnabled() and not dialog.restore_button.isEnabled()
    assert dialog.bring_back_action in dialog.tree.actions()
    assert dialog.tree.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    (then,) = items_named(path, SENSOR)
    assert then.end_date == dt.date(2027, 2, 6)
    assert then.status.value == "in_progress"
    assert window.ctx.undo_stack.undoText() == f"Restore “{SENSOR}”"
    assert kinds_of(dialog, SENSOR) == []
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        window.menu_actions.undo.trigger()
    assert items_named(path, SENSOR)[0].end_date == dt.date(2027, 3, 6)
    assert kinds_of(dialog, SENSOR) == ["Changed"]

    # The same from the row's context menu.
    choose_row(qtbot, dialog, SENSOR)
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        dialog.bring_back_action.trigger()
    assert items_named(path, SENSOR)[0].end_date == dt.date(2027, 2, 6)
    # An added row has nothing to bring back.
    choose_row(qtbot, dialog, "Regional data residency (EU/US)")
    assert not dialog.restore_button.isEnabled() and not dialog.bring_back_button.isEnabled()


def test_restore_a_product_on_a_new_workspace(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)
    with Workspace.open(path) as ws:
        ws.service(HistoryService).snapshot("Kick-off")
        portfolio = ws.service(PortfolioService)
        portfolio.products.delete(portfolio.list_products()[0].id)
    window = active(qtbot, open_main_window(qtbot, path))
    assert window.product_selector.findText("Widget") < 0
    dialog = changes_dialog(qtbot, window)
    assert ("Removed", "Widget") in [(r[2], r[1]) for r in dialog.rows()]
    choose_row(qtbot, dialog, "Widget")
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert window.product_selector.findText("Widget") >= 0, "the window follows"
    assert dialog.summary.text().startswith("No changes")
    window.menu_actions.undo.trigger()
    assert window.product_selector.findText("Widget") < 0


@pytest.mark.parametrize("where", ["read-only file", "look back"])
def test_no_restore_where_nothing_may_change(qtbot, tmp_path, demo_template, where):
    path = demo_or_new("demo", demo_template, tmp_path)
    if where == "read-only file":
        window = MainWindow(settings=Settings.load(), dialogs=RecordingDialogs(read_only=True))
        qtbot.addWidget(window)
        holder = Workspace.open(path)  # another pmdesk holds the file: it opens read-only
        assert window.open_path(path) and window.ctx.read_only
        window.show()
    else:
        from tests.gui.test_look_back import look_back_dialog, opened_side

        main = active(qtbot, open_main_window(qtbot, path))
        chooser = look_back_dialog(qtbot, main)
        chooser.chooser.date_edit.setDate(dt.date.today())
        window = opened_side(qtbot, main, chooser.accept)
        holder = None
    try:
        pick(window, "Pulse Cloud")
        dialog = compared(
            qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
        )
        if where == "look back":
            compared(qtbot, dialog, lambda: dialog.date_edit.setDate(dt.date(2025, 1, 1)))
        choose_row(qtbot, dialog, SENSOR)
        assert not dialog.bring_back_button.isEnabled()
        assert not dialog.bring_back_action.isEnabled()
        assert not (dialog.rename_button.isEnabled() or dialog.delete_button.isEnabled())
        dialog.bring_back_action.trigger()
        assert not window.ctx.undo_stack.canUndo()
        dialog.close()
    finally:
        if holder is not None:
            window.close_workspace()
            holder.close()


def test_a_text_kept_cut_is_said_when_it_comes_back(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)
    vision = "A calmer week for every field technician. " * 250  # longer than the history keeps
    with Workspace.open(path) as ws:
        portfolio = ws.service(PortfolioService)
        product = portfolio.create_product(name="Long view", vision=vision)
        ws.service(HistoryService).snapshot("Before")
        portfolio.products.delete(product.id)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = changes_dialog(qtbot, window)
    whole = dialog.scope_combo.findText("Whole portfolio")
    compared(qtbot, dialog, lambda: dialog.scope_combo.setCurrentIndex(whole))
    choose_row(qtbot, dialog, "Long view")
    assert not dialog.message.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert window.product_selector.findText("Long view") >= 0
    assert dialog.message.isVisibleTo(dialog)
    assert "vision" in dialog.message.text() and "“…”" in dialog.message.text()
    with Workspace.open(path, read_only=True) as ws:
        back = ws.service(PortfolioService).product_by_name("Long view")
    assert back.vision.endswith("…") and len(back.vision) < len(vision)


def test_an_item_whose_product_is_gone_waits_for_its_product(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)
    with Workspace.open(path) as ws:
        portfolio, roadmap = ws.service(PortfolioService), ws.service(RoadmapService)
        product = portfolio.create_product(name="Gadget")
        lane = roadmap.lanes.create(product_id=product.id, name="Hardware")
        item = roadmap.items.create(
            product_id=product.id, lane_id=lane.id, name="Prototype",
            start_date="2027-01-04", end_date="2027-02-26",
        )  # fmt: skip
        ws.service(HistoryService).snapshot("Before the cut")
        roadmap.items.delete(item.id)
        portfolio.products.delete(product.id)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = changes_dialog(qtbot, window)
    whole = dialog.scope_combo.findText("Whole portfolio")
    compared(qtbot, dialog, lambda: dialog.scope_combo.setCurrentIndex(whole))

    choose_row(qtbot, dialog, "Prototype")
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.message.isVisibleTo(dialog)
    assert dialog.message.text() == (
        "Nothing was restored: “Prototype” belonged to the lane “Hardware”, which is gone too; "
        "restore the lane first."
    )
    assert not items_named(path, "Prototype") and not window.ctx.undo_stack.canUndo()

    choose_row(qtbot, dialog, "Gadget")  # its lane went with it: both come back
    assert not dialog.message.isVisibleTo(dialog), "a new row, a new question"
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    choose_row(qtbot, dialog, "Prototype")
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(items_named(path, "Prototype")) == 1
    assert window.ctx.undo_stack.count() == 2, "one step each"


def test_an_undo_typed_while_the_list_reads_again_is_not_swallowed(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = changes_dialog(qtbot, window)
    choose_row(qtbot, dialog, OFFLINE)
    with qtbot.waitSignal(dialog.compared, timeout=20000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert items_named(path, OFFLINE)
    # Choosing the scope again starts a reading (the headline figures' copy takes a moment);
    # Ctrl+Z typed meanwhile reaches the window at once.
    dialog.scope_combo.setCurrentIndex(1)
    assert dialog.op is not None and dialog.op.running
    qtbot.keyClick(dialog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not items_named(path, OFFLINE), "the undo was made while the list was reading"
    compared(qtbot, dialog)
    qtbot.waitUntil(lambda: kinds_of(dialog, OFFLINE) == ["Removed"], timeout=20000)
    dialog.close()
