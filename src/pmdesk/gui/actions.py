"""The main window's chrome: actions, menus, toolbar and status bar, declared in one place.

Only construction lives here; what each action does is wired by the main
window, which is the one place that connects things (ARCHITECTURE.md, 4).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QStatusBar, QToolBar, QWidget

from . import theme

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

Key = QKeySequence.StandardKey


def menu_text(text: str) -> str:
    """``text`` for a menu item, its ampersands shown rather than taken as accelerators."""
    return text.replace("&", "&&")


def with_key(text: str, action: QAction) -> str:
    """``text`` followed by the action's key, "Undo (Ctrl+Z)", as toolbar tooltips show it."""
    key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({key})" if key else text


def _shortcuts(standard: Key, fallback: str = "") -> list[QKeySequence]:
    """The platform's standard keys, or ``fallback`` where the platform defines none."""
    keys = QKeySequence.keyBindings(standard)
    return keys or ([QKeySequence(fallback)] if fallback else [])


class WindowActions:
    """Every QAction of the main window, parented to it so its shortcuts work everywhere."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self._icons: dict[QAction, str] = {}
        # File
        self.new = self._action(
            "&New Workspace…", Key.New, icon="new", tip="Create an empty workspace file"
        )
        self.open = self._action("&Open…", Key.Open, icon="open", tip="Open a workspace file")
        self.recent_menu = QMenu("Open &Recent", window)
        self.clear_recent = self._action("&Clear Recent Files")
        self.save_copy = self._action(
            "Save a &Copy As…", Key.SaveAs, tip="Copy the open file elsewhere"
        )
        self.export_png = self._action(
            "Current View as &PNG…", tip="Save an image of the current view"
        )
        self.take_snapshot = self._action(
            "Take &Snapshot…", tip="Name this moment, to see later what changed since"
        )
        self.what_changed = self._action(
            "&What Changed Since…", tip="What changed since a snapshot or a date"
        )
        self.look_back = self._action(
            "&Look Back…", tip="The portfolio as it was at a snapshot or a date, read-only"
        )
        self.close = self._action("&Close", Key.Close, tip="Close the workspace")
        self.quit = self._action("&Quit", Key.Quit, fallback="Ctrl+Q")
        # Edit
        self.undo = self._action("&Undo", Key.Undo, icon="undo")
        self.redo = self._action("&Redo", Key.Redo, icon="redo")
        self.delete = self._action("&Delete", Key.Delete, icon="delete", tip="Delete the selection")
        # No key: it is opened now and then, and every plain key is taken by a view.
        self.working_calendar = self._action(
            "Working &Calendar…", tip="Working days, hours and holidays the plans count in"
        )
        # View ▸ Roadmap (what_if_dialog.py): branch a plan, compare, promote or discard.
        self.what_if = self._action(
            "What-if &Scenarios…",
            tip="Try a different plan in a named scenario, apart from the plan",
        )
        # View. One meaning per key in every view: Ctrl++ / Ctrl+- / Ctrl+0
        # always size the text (here and in a presentation); the roadmap's timeline
        # zooms with + / - / F when it has the focus, and Ctrl+T is its "Today".
        self.zoom_in = self._action(
            "Zoom &In", Key.ZoomIn, fallback="Ctrl++", tip="Make the text of the views larger"
        )
        self.zoom_in.setShortcuts([*self.zoom_in.shortcuts(), QKeySequence("Ctrl+=")])
        self.zoom_out = self._action(
            "Zoom &Out", Key.ZoomOut, fallback="Ctrl+-", tip="Make the text of the views smaller"
        )
        self.zoom_reset = self._action(
            "&Reset Zoom", fallback="Ctrl+0", tip="The text of the views at its normal size"
        )
        self.theme_group = QActionGroup(window)
        self.themes = {}
        for name, label in theme.THEME_LABELS.items():
            action = self._action(label, checkable=True)
            action.setData(name)
            self.theme_group.addAction(action)
            self.themes[name] = action
        self.present = self._action(
            "&Present", fallback="F5", icon="present", tip="Show the current view full screen"
        )
        self.present_menu = QMenu("Present &On", window)
        # Esc in this window too: with a projector the laptop window may keep the keyboard.
        self.stop_presenting = self._action("Stop Presenting", fallback="Esc")
        self.stop_presenting.setEnabled(False)
        # Workshop (the timer keys also work in the presentation window: see main_window)
        self.timer_set = self._action("Set &Timer…", tip="Set the workshop timer's minutes")
        # Not Ctrl+T: that is the roadmap's "Today"; Shift marks the workshop keys.
        self.timer_toggle = self._action(
            "&Start or Pause Timer", fallback="Ctrl+Shift+T", tip="Start or pause the countdown"
        )
        self.timer_reset = self._action(
            "&Reset Timer", fallback="Ctrl+Shift+R", tip="Back to the timer's full minutes"
        )
        self.start_voting = self._action(
            "Start &Dot Voting", tip="Start a dot-voting round in the current view"
        )
        self.timer_actions = (self.timer_set, self.timer_toggle, self.timer_reset)
        # Help
        self.about = self._action("&About pmdesk")
        self.workspace_actions = (
            self.save_copy, self.export_png, self.close, self.present, self.zoom_in,
            self.zoom_out, self.zoom_reset, self.working_calendar, self.what_changed,
            self.look_back,
            self.what_if,
        )  # fmt: skip

    def _action(
        self,
        text: str,
        standard: Key | None = None,
        *,
        fallback: str = "",
        icon: str = "",
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, self.window)
        keys = _shortcuts(standard, fallback) if standard is not None else []
        if not keys and fallback:
            keys = [QKeySequence(fallback)]
        if keys:
            action.setShortcuts(keys)
        if tip:
            action.setStatusTip(tip)
        if keys:  # the key in the tooltip too, not only in the menu
            action.setToolTip(with_key(tip or text.replace("&", ""), action))
        action.setCheckable(checkable)
        if icon:
            self._icons[action] = icon
            action.setIcon(theme.icon(icon))
        self.window.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def retint(self) -> None:
        for action, name in self._icons.items():
            action.setIcon(theme.icon(name))

    # -- menus and toolbar ----------------------------------------------------------------

    def build_menus(self) -> None:
        bar = self.window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new, self.open])
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_copy)
        file_menu.addActions([self.take_snapshot, self.what_changed, self.look_back])
        self.import_menu = file_menu.addMenu("&Import")
        export_menu = file_menu.addMenu("&Export")
        export_menu.addAction(self.export_png)
        self.export_menu = export_menu
        file_menu.addSeparator()
        file_menu.addActions([self.close, self.quit])

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo])
        edit_menu.addSeparator()
        edit_menu.addAction(self.delete)
        edit_menu.addSeparator()
        edit_menu.addAction(self.working_calendar)

        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.zoom_in, self.zoom_out, self.zoom_reset])
        view_menu.addSeparator()
        # Filled by the window with the roadmap chart's zoom and display actions.
        self.roadmap_menu = view_menu.addMenu("&Roadmap")
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        theme_menu.addActions(list(self.themes.values()))
        view_menu.addSeparator()
        view_menu.addAction(self.present)
        view_menu.addMenu(self.present_menu)
        workshop_menu = view_menu.addMenu("&Workshop")
        workshop_menu.addActions([*self.timer_actions])
        workshop_menu.addSeparator()
        workshop_menu.addAction(self.start_voting)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about)

    def build_toolbar(self, product_selector: QWidget) -> QToolBar:
        toolbar = QToolBar("Main toolbar", self.window)
        toolbar.setObjectName("mainToolbar")  # saveState() needs a name
        toolbar.setMovable(False)
        toolbar.addActions([self.new, self.open])
        toolbar.addSeparator()
        toolbar.addActions([self.undo, self.redo])
        toolbar.addSeparator()
        label = QLabel("Product ")
        label.setContentsMargins(6, 0, 0, 0)
        toolbar.addWidget(label)
        toolbar.addWidget(product_selector)
        toolbar.addSeparator()
        toolbar.addAction(self.present)
        theme.tint_overflow(toolbar)
        self.window.addToolBar(toolbar)
        return toolbar


def fill_recent_menu(
    menu: QMenu, recent: Sequence[str], open_path: Callable[[Path], object], clear: QAction
) -> None:
    """Open Recent: numbered entries, missing files greyed, then Clear."""
    menu.clear()
    for number, text in enumerate(recent, start=1):
        path = Path(text)
        action = menu.addAction(f"&{number % 10} {menu_text(path.name)}")
        action.setToolTip(theme.plain_tooltip(text))
        action.setStatusTip(text)
        action.setData(text)
        if path.is_file():
            action.triggered.connect(partial(_open_recent, open_path, path))
        else:  # greyed rather than dropped: it may come back (a network drive, a USB disk)
            action.setEnabled(False)
            action.setText(action.text() + " (not found)")
    if not recent:
        menu.addAction("No recent files").setEnabled(False)
    menu.addSeparator()
    menu.addAction(clear)
    clear.setEnabled(bool(recent))


def _open_recent(open_path: Callable[[Path], object], path: Path, _checked: bool = False) -> None:
    open_path(path)


class FileStatus:
    """The permanent right side of the status bar: file, read-only badge, saved, format."""

    def __init__(self, bar: QStatusBar) -> None:
        self.file_label = QLabel()
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.read_only_badge = QLabel("Read-only")
        self.read_only_badge.setObjectName("readOnlyBadge")
        self.read_only_badge.setStyleSheet(theme.READ_ONLY_BADGE_STYLE)
        self.read_only_badge.setToolTip(
            "Another pmdesk has this file open, or it was opened read-only: edits are off"
        )
        # There is no unsaved state: every edit is committed to the file as it is made.
        self.saved_label = QLabel("All changes saved")
        self.saved_label.setToolTip("Every edit is written to the file as it is made")
        self.format_label = QLabel()
        self.format_label.setToolTip("The version of the file's format")
        for label in (self.file_label, self.saved_label, self.format_label):
            label.setContentsMargins(6, 0, 6, 0)
        for label in (self.file_label, self.read_only_badge, self.saved_label, self.format_label):
            bar.addPermanentWidget(label)

    def show_file(self, ws: Workspace | None) -> None:
        self.file_label.setText(ws.path.name if ws else "")
        self.file_label.setToolTip(theme.plain_tooltip(str(ws.path)) if ws else "")
        self.format_label.setText(f"Format {ws.schema_version}" if ws else "")
        self.file_label.setVisible(ws is not None)
        self.format_label.setVisible(ws is not None)
        self.read_only_badge.setVisible(bool(ws and ws.read_only))
        self.saved_label.setVisible(bool(ws and not ws.read_only))
