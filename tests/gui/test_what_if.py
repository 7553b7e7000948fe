"""View ▸ Roadmap ▸ What-if Scenarios…, driven as a person does: the menu action, the
dialog's buttons, a name typed and Enter, a bar's end dragged in the scenario's window, the
banner's buttons, Ctrl+Z. What reached the files is read through connections of their own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from tests.gui.windows import (
    RecordingDialogs,
    active,
    demo_or_new,
    exposed,
    open_main_window,
    pick,
    show,
)

from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.moment_window import side_windows
from pmdesk.gui.settings import Settings
from pmdesk.gui.what_if_compare import CompareDialog
from pmdesk.gui.what_if_dialog import (
    BANNER,
    EMPTY_NAME,
    NO_PRODUCT,
    READ_ONLY,
    NameDialog,
    WhatIfDialog,
)
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.services.what_if import WhatIfService
from pmdesk.store.workspace import Workspace

ZOOM = 20.0  # pixels per day: whole days are easy to aim at
CRITICAL = "Integrations"  # the demo's Pulse Cloud: the item its critical path ends with


def end_of(path: Path, name: str) -> dt.date:
    """An item's end date in the file, read by a handle of its own."""
    with Workspace.open(path, read_only=True) as ws:
        (item,) = [i for i in ws.service(RoadmapService).items.list() if i.name == name]
        return item.end_date


def scenarios_in(path: Path) -> dict[str, list]:
    """Each scenario's name and its stored changes, read by a handle of its own."""
    with Workspace.open(path, read_only=True) as ws:
        service = ws.service(WhatIfService)
        return {row.name: service.changes_of(row.id) for row in service.scenarios()}


def open_scenarios(qtbot, window: MainWindow) -> WhatIfDialog:
    """View ▸ Roadmap ▸ What-if Scenarios…, from the roadmap view."""
    show(window, "roadmap")
    menu = window.menu_actions.roadmap_menu
    menu.aboutToShow.emit()
    action = window.menu_actions.what_if
    assert action in menu.actions() and action.isEnabled()
    action.trigger()
    dialog = window.findChild(WhatIfDialog)
    assert dialog is not None and dialog.isVisible()
    exposed(qtbot, dialog)
    return dialog


def click(qtbot, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def asking(dialog: WhatIfDialog) -> NameDialog:
    """The name dialog on screen (one answered before may wait to be deleted)."""
    (shown,) = [d for d in dialog.findChildren(NameDialog) if d.isVisible()]
    return shown


def name_it(qtbot, dialog: WhatIfDialog, button: QPushButton, name: str) -> NameDialog:
    """Click New… or Rename…, type the name over what is there and press Enter."""
    click(qtbot, button)
    asked = asking(dialog)
    exposed(qtbot, asked)
    asked.name_edit.selectAll()
    qtbot.keyClick(asked.name_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(asked.name_edit, name)
    qtbot.keyClick(asked.name_edit, Qt.Key.Key_Return)
    return asked


def rows(dialog: WhatIfDialog) -> list[tuple[str, str, str]]:
    tree = dialog.tree
    return [
        tuple(tree.topLevelItem(i).text(c) for c in range(3))
        for i in range(tree.topLevelItemCount())
    ]


def open_in_window(qtbot, window: MainWindow, dialog: WhatIfDialog, name: str) -> MainWindow:
    assert dialog.select(name)
    click(qtbot, dialog.open_button)
    qtbot.waitUntil(lambda: bool(side_windows(window)), timeout=20000)
    (side,) = side_windows(window)
    exposed(qtbot, side)
    return side


def drag_end(qtbot, side: MainWindow, name: str, days: int) -> None:
    """Drag the end of the item's bar ``days`` later in the window's roadmap chart."""
    chart = side.view_host.current_view().chart
    qtbot.waitUntil(lambda: not chart._needs_first_view)
    chart.view.set_zoom(ZOOM)
    (item_id,) = [i for i, row in chart.model.items.items() if row.name == name]
    chart.view.scroll_to_day(chart.model.items[item_id].end - dt.timedelta(days=10))
    QApplication.processEvents()
    box = chart.scene.item_box(item_id)
    start = chart.view.mapFromScene(QPointF(box.right - 1, box.cy))
    end = start + QPoint(int(days * ZOOM), 0)
    port = chart.view.viewport()
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(port, (start + end) / 2)
    QTest.mouseMove(port, end)
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def banner_button(side: MainWindow, text: str) -> QPushButton:
    (found,) = [b for b in side.banner.buttons if b.text() == text]
    return found


def compared(qtbot, parent) -> CompareDialog:
    qtbot.waitUntil(lambda: parent.findChild(CompareDialog) is not None)
    dialog = parent.findChild(CompareDialog)
    qtbot.waitUntil(lambda: dialog.comparison is not None, timeout=20000)
    return dialog


def test_a_scenario_from_new_to_promoted_and_back_on_the_demo(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    planned = end_of(path, CRITICAL)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = open_scenarios(qtbot, window)
    assert dialog.hint.isVisibleTo(dialog) and "No scenarios yet" in dialog.hint.text()
    assert "“Pulse Cloud”" in dialog.hint.text()
    assert not dialog.open_button.isEnabled() and not dialog.compare_button.isEnabled()

    # New…: no name is refused in the dialog; a name makes it, as one undo step.
    click(qtbot, dialog.new_button)
    asked = asking(dialog)
    qtbot.keyClick(asked.name_edit, Qt.Key.Key_Return)
    assert asked.isVisible() and asked.message.text() == EMPTY_NAME
    qtbot.keyClicks(asked.name_edit, "Ship Edge early")
    qtbot.keyClick(asked.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not asked.isVisible())
    assert rows(dialog) == [("Ship Edge early", "Pulse Cloud", "0")]
    assert not dialog.hint.isVisibleTo(dialog)
    assert window.menu_actions.undo.text() == "Undo New What-if “Ship Edge early”"
    assert scenarios_in(path) == {"Ship Edge early": []}

    # Open: a window of its own, on the scenario's copy, its roadmap for the product.
    side = open_in_window(qtbot, window, dialog, "Ship Edge early")
    assert side.banner.text() == BANNER.format(name="Ship Edge early")
    assert side.banner.tone == "what_if"
    assert [b.text() for b in side.banner.buttons] == [
        "Compare with Plan",
        "Promote to Plan",
        "Discard",
    ]
    assert side.workspace.path != path and not side.ctx.read_only
    assert side.view_host.current_key == "roadmap"
    assert side.product_selector.currentText() == "Pulse Cloud"
    copy_path = side.workspace.path

    # Drag the critical item's end three weeks later there: saved into the scenario at
    # once; the plan's file keeps its date.
    active(qtbot, side)
    drag_end(qtbot, side, CRITICAL, 21)
    moved = planned + dt.timedelta(days=21)
    assert side.ctx.undo_stack.count() == 1
    assert end_of(path, CRITICAL) == planned
    (change,) = scenarios_in(path)["Ship Edge early"]
    assert change.table == "roadmap_item" and change.name == CRITICAL
    assert change.fields["end_date"] == [planned.isoformat(), moved.isoformat()]
    assert rows(dialog) == [("Ship Edge early", "Pulse Cloud", "1")]
    assert "Saved in “Ship Edge early”" in side.statusBar().currentMessage()

    # Undo there is the scenario's own, and saved too; redo brings the change back.
    qtbot.keyClick(side, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert scenarios_in(path)["Ship Edge early"] == []
    assert not window.ctx.undo_stack.canRedo(), "the plan's undo history is its own"
    side.menu_actions.redo.trigger()
    assert len(scenarios_in(path)["Ship Edge early"]) == 1

    # Compare with Plan: the critical path ends three weeks later, the item moved.
    click(qtbot, banner_button(side, "Compare with Plan"))
    comparison = compared(qtbot, side)
    figures = {row[0]: row[1:] for row in comparison.figure_rows()}
    assert figures["Critical path end"][2] == "+21 days"
    assert figures["Critical path end"][0] != figures["Critical path end"][1]
    assert figures["Launch date"][2] == "no change"
    assert figures["NPV (base scenario)"][2] == "no change"
    assert ("Moved", CRITICAL) in [r[:2] for r in comparison.item_rows()]
    (line,) = [r for r in comparison.item_rows() if r[1] == CRITICAL]
    assert line[4] == "end +21 days"
    comparison.close()

    # Promote to Plan: the plan takes the date, the scenario goes, and so does its window.
    click(qtbot, banner_button(side, "Promote to Plan"))
    qtbot.waitUntil(lambda: not side_windows(window))
    assert end_of(path, CRITICAL) == moved
    assert scenarios_in(path) == {}
    assert rows(dialog) == []
    assert not copy_path.exists() and not copy_path.parent.exists(), "the copy is deleted"
    assert window.menu_actions.undo.text() == "Undo Promote “Ship Edge early” to the plan"

    # Ctrl+Z in the plan's window: the old plan and the scenario, with its change, back.
    active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert end_of(path, CRITICAL) == planned
    assert len(scenarios_in(path)["Ship Edge early"]) == 1
    assert rows(dialog) == [("Ship Edge early", "Pulse Cloud", "1")]


def _scenario_dragged(qtbot, tmp_path, demo_template, name: str):
    """The demo's plan window, a new scenario ``name`` opened in its own window, and the
    critical item's end dragged a week later there: (plan path, planned end, plan window,
    scenarios dialog, scenario window, the scenario window's file)."""
    path = demo_or_new("demo", demo_template, tmp_path)
    planned = end_of(path, CRITICAL)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = open_scenarios(qtbot, window)
    name_it(qtbot, dialog, dialog.new_button, name)
    side = open_in_window(qtbot, window, dialog, name)
    copy_path = side.workspace.path
    active(qtbot, side)
    drag_end(qtbot, side, CRITICAL, 7)
    return path, planned, window, dialog, side, copy_path


def test_closing_the_scenario_window_loses_nothing(qtbot, tmp_path, demo_template):
    path, planned, window, dialog, side, copy_path = _scenario_dragged(
        qtbot, tmp_path, demo_template, "Later integrations"
    )
    side.menu_actions.close.trigger()  # File ▸ Close closes the scenario's window
    qtbot.waitUntil(lambda: not side_windows(window))
    assert not copy_path.exists()

    # Opened again, the scenario's window shows the change made before.
    again = open_in_window(qtbot, window, dialog, "Later integrations")
    with Workspace.open(again.workspace.path, read_only=True) as copy:
        (item,) = [i for i in copy.service(RoadmapService).items.list() if i.name == CRITICAL]
        assert item.end_date == planned + dt.timedelta(days=7)
    assert end_of(path, CRITICAL) == planned
    # Opening it once more brings the same window forward rather than a second one.
    click(qtbot, dialog.open_button)
    assert side_windows(window) == [again]
    # The scenario's window has no scenarios of its own to list.
    again.menu_actions.what_if.trigger()
    assert again.findChild(WhatIfDialog) is None
    assert "the plan's window lists the scenarios" in again.statusBar().currentMessage()
    again.close()


def test_closing_the_plan_closes_its_scenario_window_with_its_edit_kept(
    qtbot, tmp_path, demo_template
):
    path, planned, window, dialog, side, copy_path = _scenario_dragged(
        qtbot, tmp_path, demo_template, "Before closing"
    )
    window.menu_actions.close.trigger()  # File ▸ Close in the plan's window
    assert not side_windows(window)  # closed before the plan, not when Qt gets round to it
    assert window.ctx is None and not copy_path.exists()
    assert end_of(path, CRITICAL) == planned
    with Workspace.open(path, read_only=True) as ws:
        (scenario,) = WhatIfService(ws).scenarios()
        assert scenario.name == "Before closing" and scenario.changed_rows >= 1


def test_undoing_the_new_scenario_in_the_plan_closes_its_window(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = open_scenarios(qtbot, window)
    name_it(qtbot, dialog, dialog.new_button, "Short-lived")
    side = open_in_window(qtbot, window, dialog, "Short-lived")
    copy_path = side.workspace.path
    active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not side_windows(window))
    assert scenarios_in(path) == {} and rows(dialog) == []
    assert not copy_path.exists()


def test_rename_and_discard_ask_and_undo_on_the_plan(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = open_scenarios(qtbot, window)
    name_it(qtbot, dialog, dialog.new_button, "Cut scope")
    name_it(qtbot, dialog, dialog.new_button, "Hire early")
    assert [r[0] for r in rows(dialog)] == ["Cut scope", "Hire early"]

    # Rename: a name taken is refused and the dialog stays; another is one undo step.
    dialog.select("Hire early")
    asked = name_it(qtbot, dialog, dialog.rename_button, "Cut scope")
    assert asked.isVisible() and "already exists" in asked.message.text()
    asked.name_edit.selectAll()
    qtbot.keyClicks(asked.name_edit, "Hire in Q1")
    qtbot.keyClick(asked.name_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not asked.isVisible())
    assert set(scenarios_in(path)) == {"Cut scope", "Hire in Q1"}
    assert window.menu_actions.undo.text() == "Undo Rename What-if “Hire early” to “Hire in Q1”"

    # Discard asks first: Cancel keeps it, Discard throws it away, Ctrl+Z brings it back.
    dialog.select("Cut scope")
    click(qtbot, dialog.discard_button)
    question = dialog.question
    assert isinstance(question, QMessageBox) and "“Cut scope”" in question.text()
    click(qtbot, question.button(QMessageBox.StandardButton.Cancel))
    assert set(scenarios_in(path)) == {"Cut scope", "Hire in Q1"}
    dialog.select("Cut scope")
    click(qtbot, dialog.discard_button)
    (discard,) = [b for b in dialog.question.buttons() if b.text() == "Discard"]
    click(qtbot, discard)
    assert set(scenarios_in(path)) == {"Hire in Q1"}
    assert [r[0] for r in rows(dialog)] == ["Hire in Q1"]
    active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert set(scenarios_in(path)) == {"Cut scope", "Hire in Q1"}
    assert [r[0] for r in rows(dialog)] == ["Cut scope", "Hire in Q1"]


def test_promote_and_discard_from_the_dialog_close_the_scenario_window(
    qtbot, tmp_path, demo_template
):
    path = demo_or_new("demo", demo_template, tmp_path)
    planned = end_of(path, CRITICAL)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = open_scenarios(qtbot, window)
    name_it(qtbot, dialog, dialog.new_button, "Two weeks later")
    side = open_in_window(qtbot, window, dialog, "Two weeks later")
    active(qtbot, side)
    drag_end(qtbot, side, CRITICAL, 14)
    dialog.select("Two weeks later")
    click(qtbot, dialog.promote_button)
    qtbot.waitUntil(lambda: not side_windows(window))
    assert end_of(path, CRITICAL) == planned + dt.timedelta(days=14)
    window.menu_actions.undo.trigger()
    assert end_of(path, CRITICAL) == planned

    # Discarded from its own window's banner: asked there, then gone with its window.
    side = open_in_window(qtbot, window, dialog, "Two weeks later")
    click(qtbot, banner_button(side, "Discard"))
    question = side.findChild(QMessageBox)
    assert question is not None and "“Two weeks later”" in question.text()
    (discard,) = [b for b in question.buttons() if b.text() == "Discard"]
    click(qtbot, discard)
    qtbot.waitUntil(lambda: not side_windows(window))
    assert scenarios_in(path) == {} and end_of(path, CRITICAL) == planned
    window.menu_actions.undo.trigger()
    assert set(scenarios_in(path)) == {"Two weeks later"}


def test_a_new_workspace_has_no_scenarios_and_makes_one(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)  # one product, Widget
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = open_scenarios(qtbot, window)
    assert dialog.tree.topLevelItemCount() == 0
    assert "No scenarios yet" in dialog.hint.text() and "“Widget”" in dialog.hint.text()
    name_it(qtbot, dialog, dialog.new_button, "Widget sooner")
    assert rows(dialog) == [("Widget sooner", "Widget", "0")]
    # Compared with the plan before anything changed: the same figures, nothing moved.
    click(qtbot, dialog.compare_button)
    comparison = compared(qtbot, dialog)
    assert [r[3] for r in comparison.figure_rows()] == ["no change"] * 4
    assert comparison.item_rows() == []
    assert "moves, adds and removes no roadmap item yet" in comparison.summary.text()


def test_a_workspace_without_a_product_says_a_scenario_needs_one(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    path = tmp_path / "empty.pmdesk"
    Workspace.create(path, name="Empty").close()
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = open_scenarios(qtbot, window)
    assert dialog.hint.text() == NO_PRODUCT
    assert not dialog.new_button.isEnabled()
    # The roadmap's own Add product… beside the dialog: then New… makes a scenario of it.
    roadmap = window.view_host.current_view()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Atlas", True))
    click(qtbot, roadmap.add_product_button)
    assert window.product_selector.currentText() == "Atlas"
    assert "“Atlas”" in dialog.hint.text()
    name_it(qtbot, dialog, dialog.new_button, "Atlas first")
    assert rows(dialog) == [("Atlas first", "Atlas", "0")]


def test_a_read_only_workspace_only_compares(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    with Workspace.open(path) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud")
        ws.service(WhatIfService).create("Kept apart", product.id)
    window = MainWindow(settings=Settings.load(), dialogs=RecordingDialogs(read_only=True))
    qtbot.addWidget(window)
    with Workspace.open(path):  # another pmdesk holds the file: it opens read-only
        assert window.open_path(path)
        window.resize(1400, 850)
        window.show()
        assert window.ctx.read_only
        dialog = open_scenarios(qtbot, window)
        assert dialog.hint.text() == READ_ONLY
        assert rows(dialog) == [("Kept apart", "Pulse Cloud", "0")]
        for button in (
            dialog.new_button,
            dialog.open_button,
            dialog.promote_button,
            dialog.discard_button,
            dialog.rename_button,
        ):
            assert not button.isEnabled(), button.text()
        click(qtbot, dialog.compare_button)
        comparison = compared(qtbot, dialog)
        assert [r[0] for r in comparison.figure_rows()][:2] == ["Critical path end", "Launch date"]
        comparison.close()
        window.close_workspace()


def test_a_look_back_window_lists_the_scenarios_to_compare_only(qtbot, tmp_path, demo_template):
    from pmdesk.gui.history_dialog import LookBackDialog

    path = demo_or_new("demo", demo_template, tmp_path)
    with Workspace.open(path) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud")
        ws.service(WhatIfService).create("Kept apart", product.id)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    window.menu_actions.look_back.trigger()  # File ▸ Look Back…, at the newest snapshot
    looking = window.findChild(LookBackDialog)
    exposed(qtbot, looking)
    click(qtbot, looking.ok_button)
    qtbot.waitUntil(lambda: bool(side_windows(window)), timeout=20000)
    (side,) = side_windows(window)
    assert side.tone == "past" and side.ctx.read_only
    dialog = open_scenarios(qtbot, active(qtbot, side))
    assert dialog.hint.text() == READ_ONLY
    assert rows(dialog) == [("Kept apart", "Pulse Cloud", "0")]
    assert not dialog.new_button.isEnabled() and not dialog.open_button.isEnabled()
    click(qtbot, dialog.compare_button)
    comparison = compared(qtbot, dialog)
    assert [r[3] for r in comparison.figure_rows()] == ["no change"] * 4
    side.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_dialogs_read_whole(qtbot, tmp_path, demo_template, size):
    """Nothing cut: every column's text fits its column in the list and the comparison."""
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path, size=size))
    pick(window, "Pulse Cloud")
    dialog = open_scenarios(qtbot, window)
    name_it(qtbot, dialog, dialog.new_button, "Ship Edge early")
    side = open_in_window(qtbot, window, dialog, "Ship Edge early")
    side.resize(*size)
    active(qtbot, side)
    drag_end(qtbot, side, CRITICAL, 21)
    click(qtbot, banner_button(side, "Compare with Plan"))
    comparison = compared(qtbot, side)
    table = comparison.figures
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            text = table.item(row, column).text()
            width = table.fontMetrics().horizontalAdvance(text)
            assert width <= table.columnWidth(column), (text, table.columnWidth(column))
    assert comparison.width() <= size[0] and comparison.height() <= size[1]
    for button in side.banner.buttons:
        assert button.isVisible() and button.width() >= button.sizeHint().width()
    comparison.close()
    side.close()
