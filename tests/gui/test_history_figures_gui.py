"""What Changed Since shows the headline figures that moved above its list, read in the
same background reading: File ▸ What Changed Since…, a snapshot chosen, as a person does."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from tests.gui.test_history_dialog import compared, open_dialog
from tests.gui.windows import active, demo_or_new, open_main_window, pick

from pmdesk.gui.history_dialog import ChangesDialog

LAUNCH_ROW = ("Pulse Cloud", "Launch date", "25 Mar 2027", "8 Apr 2027", "+14 days")


def test_the_launch_date_moved_since_the_q3_review(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    dialog = compared(
        qtbot, open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    )
    combo = dialog.snapshot_combo
    # Choose the gate snapshot, then Q3 review again, with the keyboard.
    combo.setFocus()
    compared(qtbot, dialog, lambda: qtbot.keyClick(combo, Qt.Key.Key_Down))
    assert dialog.since().startswith("Gate:")
    compared(qtbot, dialog, lambda: qtbot.keyClick(combo, Qt.Key.Key_Up))
    assert dialog.since() == "Q3 review"

    assert dialog.figure_rows() == [LAUNCH_ROW]
    assert dialog.figures.isVisible()
    assert dialog.figures.isColumnHidden(0), "one product: no product column"
    assert dialog.figures.geometry().bottom() < dialog.tree.geometry().top(), "above the list"
    launch = dialog.figures.item(0, 2)
    assert launch.toolTip() == "Pulse Cloud 1.0 launch"  # which launch the date is of
    assert dialog.rows(), "the list is there too"
    for size in ((1366, 768), (1920, 1080)):
        window.resize(*size)
        dialog.resize(min(size[0] - 100, 1100), size[1] - 120)
        qtbot.wait(50)
        assert dialog.grab().save(f"/tmp/hl_changes_{size[0]}.png")

    # The whole portfolio: the product is named; the other products' figures did not move.
    compared(qtbot, dialog, lambda: dialog.scope_combo.setCurrentIndex(1))
    assert dialog.figure_rows() == [LAUNCH_ROW]
    assert not dialog.figures.isColumnHidden(0)
    dialog.close()


def test_a_new_workspace_shows_no_figures(qtbot, tmp_path, demo_template):
    path = demo_or_new("new", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = open_dialog(qtbot, window, window.menu_actions.what_changed, ChangesDialog)
    today = dt.date.today()
    compared(
        qtbot, dialog, lambda: dialog.date_edit.setDate(QDate(today.year, today.month, today.day))
    )
    assert dialog.rows(), "the product made today is a change"
    assert dialog.figure_rows() == []
    assert not dialog.figures.isVisible()
    dialog.close()
