"""A second window on another moment: the side window itself (banner, read-only, title,
closing), then File ▸ Look Back… driven as a person does, on the demo and a new workspace."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from tests.gui.windows import active, demo_or_new, exposed, open_main_window, pick

from pmdesk.core import palette
from pmdesk.gui.gantt.text import short_date
from pmdesk.gui.history_dialog import NO_HISTORY, NO_SNAPSHOT_YET, ChangesDialog, LookBackDialog
from pmdesk.gui.moment_window import (
    MomentBanner,
    SideWindow,
    open_side_window,
    side_windows,
    temp_workspace_path,
)
from pmdesk.gui.settings import Settings
from pmdesk.store.factory import open_workspace
from pmdesk.store.services import HistoryService
from pmdesk.store.workspace import Workspace


def a_copy(path, read_only: bool = True):
    """A copy of ``path`` in a folder of its own, as a look back makes one, opened."""
    dest = temp_workspace_path(path.stem)
    shutil.copyfile(path, dest)
    return dest, open_workspace(dest, read_only=read_only)


def roadmap_row(window, name: str):
    """The roadmap view's item named ``name``, found through the chart's model."""
    window.view_host.show_view("roadmap")
    QApplication.processEvents()
    view = window.view_host.current_view()
    found = [row for row in view.chart.model.items.values() if row.name == name]
    assert len(found) == 1, name
    return found[0]


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_a_past_side_window_is_read_only_marked_and_leaves_nothing(
    qtbot, tmp_path, demo_template, kind
):
    path = demo_or_new(kind, demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud" if kind == "demo" else "Widget")
    window.view_host.show_view("roadmap")
    saved_before = Settings.load()
    dest, copy = a_copy(path)

    side = open_side_window(
        window, copy, banner="Looking back at “Q3 review” — 14 Sep 2026 · read-only", tone="past",
        temp_path=dest,
    )  # fmt: skip
    exposed(qtbot, side)
    assert isinstance(side, SideWindow) and side_windows(window) == [side]
    assert side.windowTitle() == "Looking back at “Q3 review” — 14 Sep 2026 · read-only — pmdesk"
    assert side.banner.text().startswith("Looking back at “Q3 review”")
    assert palette.BANNER_PAST in side.banner.styleSheet()
    # The same view and product as the main window, the banner above it.
    assert side.view_host.current_key == "roadmap"
    assert side.product_selector.currentText() == window.product_selector.currentText()
    assert side.banner.isVisible()
    assert (
        side.banner.geometry().bottom()
        < side.view_host.mapTo(side, side.view_host.rect().topLeft()).y() + 1
    )
    # Read-only: no edit, no snapshot, no undo; the chart's own edit actions are off too.
    a = side.menu_actions
    assert side.ctx.read_only and side.file_status.read_only_badge.isVisibleTo(side)
    assert not (a.undo.isEnabled() or a.redo.isEnabled() or a.delete.isEnabled())
    assert not a.take_snapshot.isEnabled()
    chart = side.view_host.current_view().chart
    assert not chart.toolbar.add_item.isEnabled()
    # Another file is not opened from here.
    assert not (a.new.isVisible() or a.open.isVisible())
    # Every view shows the banner: it sits above the pages, not in one view.
    for key in ("portfolio", "requirements"):
        side.view_host.show_view(key)
        QApplication.processEvents()
        assert side.banner.isVisible()

    # File ▸ Close closes the window; the copy goes; the main window is as it was.
    assert dest.exists()
    a.close.trigger()
    qtbot.waitUntil(lambda: not dest.parent.exists())
    assert side_windows(window) == []
    assert window.ctx is not None and window.workspace.path == path
    saved_after = Settings.load()
    assert saved_after.last_file == saved_before.last_file == str(path.absolute())
    assert saved_after.recent_files == saved_before.recent_files
    assert saved_after.geometry == saved_before.geometry


def test_a_what_if_window_edits_and_shows_its_actions_on_the_banner(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dest, copy = a_copy(path, read_only=False)
    compared = []
    compare = QAction("Compare", window)
    compare.triggered.connect(lambda: compared.append(True))
    side = open_side_window(
        window, copy, banner="What-if “Late hardware”", tone="what_if", temp_path=dest,
        actions=[compare],
    )  # fmt: skip
    exposed(qtbot, side)
    assert not side.ctx.read_only and side.menu_actions.take_snapshot.isEnabled()
    assert palette.BANNER_WHAT_IF in side.banner.styleSheet()
    (button,) = side.banner.buttons
    assert button.text() == "Compare"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert compared == [True]
    compare.setEnabled(False)
    assert not button.isEnabled()
    with pytest.raises(ValueError, match="tone"):
        open_side_window(window, copy, banner="x", tone="future")

    # Closing the main window closes its side windows (and their copies) first.
    window.close()
    qtbot.waitUntil(lambda: not dest.parent.exists())


def test_presenting_a_look_back_shows_the_banner_large(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dest, copy = a_copy(path)
    side = open_side_window(window, copy, banner="Looking back at “Q3 review”", tone="past",
                            temp_path=dest)  # fmt: skip
    side.view_host.show_view("roadmap")
    active(qtbot, side)
    qtbot.keyClick(side, Qt.Key.Key_F5)
    shown = side.presentation
    assert shown is not None
    banner = shown.findChild(MomentBanner)
    assert banner is not None and banner.text() == "Looking back at “Q3 review”"
    # In the presentation's large type, above the view.
    assert banner.label.fontInfo().pixelSize() > 1.5 * side.banner.label.fontInfo().pixelSize()
    assert banner.isVisible() and banner.geometry().bottom() <= shown.view.geometry().top()
    side.stop_presentation()
    assert side.presentation is None
    side.close()
    qtbot.waitUntil(lambda: not dest.parent.exists())


# -- File ▸ Look Back… -------------------------------------------------------------------------


def look_back_dialog(qtbot, window) -> LookBackDialog:
    window.menu_actions.look_back.trigger()
    dialog = window.findChild(LookBackDialog)
    assert dialog is not None and dialog.isVisible()
    exposed(qtbot, dialog)
    return dialog


def opened_side(qtbot, window, gesture) -> SideWindow:
    """The side window a gesture opens (the copy is written off the GUI thread first)."""
    before = side_windows(window)
    gesture()
    qtbot.waitUntil(lambda: len(side_windows(window)) == len(before) + 1, timeout=20000)
    side = side_windows(window)[-1]
    exposed(qtbot, side)
    return side


def test_look_back_at_the_q3_review_on_the_demo(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    look = window.menu_actions.look_back
    assert look.isEnabled() and look in window.menuBar().actions()[0].menu().actions()
    now = roadmap_row(window, "Sensor & gateway hardware")
    assert now.end == dt.date(2027, 3, 6)

    dialog = look_back_dialog(qtbot, window)
    combo = dialog.chooser.snapshot_combo
    assert combo.itemData(0) == "Q3 review", "newest first"
    assert dialog.chooser.by_snapshot.isChecked() and not dialog.note.isVisibleTo(dialog)
    side = opened_side(
        qtbot, window, lambda: qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    )
    with Workspace.open(path, read_only=True) as ws:
        taken = next(s for s in ws.service(HistoryService).snapshots() if s.name == "Q3 review")
    day = short_date(taken.at.date())
    assert side.banner.text() == f"Looking back at “Q3 review” — {day} · read-only"
    assert side.windowTitle() == f"demo as it was at “Q3 review” — {day} (read-only) — pmdesk"
    assert side.tone == "past" and side.ctx.read_only
    assert not side.menu_actions.look_back.isVisible(), "no look back from a look back"

    # The roadmap as it was: the item's old end date; the plan itself is untouched.
    assert side.product_selector.currentText() == "Pulse Cloud"
    then = roadmap_row(side, "Sensor & gateway hardware")
    assert then.end == dt.date(2027, 2, 6)
    assert roadmap_row(window, "Sensor & gateway hardware").end == dt.date(2027, 3, 6)
    # An item removed since is there again, in the look back only.
    removed = "Offline sync for field tablets"
    assert [
        r for r in side.view_host.current_view().chart.model.items.values() if r.name == removed
    ]
    assert not [
        r for r in window.view_host.current_view().chart.model.items.values() if r.name == removed
    ]
    # Read-only: nothing to add, undo or delete.
    chart = side.view_host.current_view().chart
    assert not chart.toolbar.add_item.isEnabled()
    assert not side.menu_actions.undo.isEnabled() and not side.menu_actions.delete.isEnabled()

    copy = side.temp_path
    assert copy is not None and copy.is_file()
    side.close()
    qtbot.waitUntil(lambda: not copy.parent.exists())
    assert window.workspace.path == path and not window.ctx.read_only


def test_look_back_from_what_changed_at_the_moment_chosen(qtbot, tmp_path, demo_template):
    path = demo_or_new("demo", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    pick(window, "Pulse Cloud")
    window.menu_actions.what_changed.trigger()
    dialog = window.findChild(ChangesDialog)
    qtbot.waitUntil(lambda: not dialog.summary.text().startswith("Reading"), timeout=10000)
    combo = dialog.snapshot_combo
    gate = next(i for i in range(combo.count()) if combo.itemData(i).startswith("Gate:"))
    combo.setCurrentIndex(gate)
    with qtbot.waitSignal(dialog.compared, timeout=10000):
        combo.activated.emit(gate)  # as choosing it in the list does
    active(qtbot, dialog)
    assert dialog.look_back_button.isVisible()
    side = opened_side(
        qtbot,
        window,
        lambda: qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier),
    )
    assert side.banner.text().startswith("Looking back at “Gate: Analysis — Pulse Cloud”")
    # What changed since, in the look back: its history ends at the moment.
    side.menu_actions.what_changed.trigger()
    inner = side.findChild(ChangesDialog)
    assert inner is not None and not inner.look_back_button.isVisible()
    assert not inner.restore_button.isEnabled() and not inner.rename_button.isEnabled()
    inner.close()
    copy = side.temp_path
    side.close()
    qtbot.waitUntil(lambda: not copy.parent.exists())


def test_look_back_on_a_new_workspace(qtbot, tmp_path, demo_template):
    # Nothing edited yet: nothing to look back at.
    empty = tmp_path / "empty.pmdesk"
    Workspace.create(empty, name="Empty").close()
    window = active(qtbot, open_main_window(qtbot, empty))
    dialog = look_back_dialog(qtbot, window)
    assert dialog.note.text() == NO_HISTORY and dialog.note.isVisibleTo(dialog)
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert side_windows(window) == []
    dialog.reject()

    # One product added, no snapshot: a day is offered; the start of today is before Widget.
    path = demo_or_new("new", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dialog = look_back_dialog(qtbot, window)
    assert dialog.note.text() == NO_SNAPSHOT_YET
    assert not dialog.chooser.by_snapshot.isEnabled() and dialog.chooser.by_date.isChecked()
    today = dt.date.today()
    dialog.chooser.date_edit.setDate(QDate(today.year, today.month, today.day))
    side = opened_side(qtbot, window, lambda: qtbot.keyClick(dialog, Qt.Key.Key_Return))
    assert side.banner.text() == f"Looking back at {short_date(today)} · read-only"
    assert side.product_selector.findText("Widget") < 0, "before it was added"
    assert window.product_selector.findText("Widget") >= 0
    copy = side.temp_path
    window.close()  # the side window goes with it, and its copy
    qtbot.waitUntil(lambda: not copy.parent.exists())


def test_a_side_window_closed_by_the_window_manager_goes_whole(qtbot, tmp_path, demo_template):
    """Closed from its title bar (no code of ours holds it): its copy goes, the window too."""
    path = demo_or_new("new", demo_template, tmp_path)
    window = active(qtbot, open_main_window(qtbot, path))
    dest, copy = a_copy(path)
    side = open_side_window(window, copy, banner="Looking back", tone="past", temp_path=dest)
    destroyed = []
    side.destroyed.connect(lambda *_a: destroyed.append(True))
    handle = side.windowHandle()  # what the title bar's close button closes
    del side
    handle.close()
    qtbot.waitUntil(lambda: bool(destroyed) and not dest.parent.exists())
    assert side_windows(window) == []
    assert window.isVisible() and window.ctx is not None
