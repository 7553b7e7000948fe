"""A second window on another workspace: a look back at a moment, or a what-if scenario.

:func:`open_side_window` opens a :class:`SideWindow` — a :class:`MainWindow` with every
view, the product picker and workshop mode — on a workspace that is not the open file: a
copy of the portfolio as it was at a snapshot (tone ``"past"``: opened read-only, so every
edit action is off as on any read-only file) or a scenario's copy (tone ``"what_if"``:
editable). A banner across the top of the window, above every view, says which; presenting
(F5) shows it too, in the presentation's large type. The side window remembers nothing for
the next start: the main window's size, last file and recent files stay as they were. When
it closes, its workspace is closed and the temporary copy deleted; closing the main window
closes its side windows first.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QCloseEvent, QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pmdesk.core import palette

from .dialogs import Dialogs
from .main_window import MainWindow
from .settings import Settings

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

TONES = {"past": palette.BANNER_PAST, "what_if": palette.BANNER_WHAT_IF}
# A folder made by temp_workspace_path: it goes, whole, with the window.
TEMP_PREFIX = "pmdesk-moment-"
BANNER_SCALE = 1.35  # the banner's text over the window's: read across a meeting room
OFFSET = QPoint(40, 40)  # where a side window opens, from its parent's corner


def temp_workspace_path(name: str) -> Path:
    """A path for a temporary workspace copy named ``name`` (a folder of its own, made now);
    :func:`open_side_window` removes the folder when the window closes."""
    safe = "".join(c if c.isalnum() or c in " -_." else "_" for c in name).strip(" .") or "copy"
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    return folder / f"{safe[:80]}.pmdesk"


def remove_temp_workspace(path: Path) -> None:
    """Delete a temporary workspace copy: its folder when temp_workspace_path made it, else
    the file and what SQLite keeps beside it."""
    if path.parent.name.startswith(TEMP_PREFIX):
        shutil.rmtree(path.parent, ignore_errors=True)
        return
    for suffix in ("", "-wal", "-shm", "-journal", ".lock"):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)


class MomentBanner(QFrame):
    """The coloured band that says which moment or scenario a window shows."""

    def __init__(
        self,
        text: str,
        tone: str,
        actions: Sequence[QAction] = (),
        parent: QWidget | None = None,
        *,
        scale: float = BANNER_SCALE,
    ) -> None:
        super().__init__(parent)
        if tone not in TONES:
            raise ValueError(f"tone must be one of {', '.join(TONES)}, not {tone!r}")
        self.tone = tone
        self.setObjectName("momentBanner")
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            f"QFrame#momentBanner {{ background: {TONES[tone]}; }}"
            f"QFrame#momentBanner > QLabel {{ color: {palette.BANNER_INK}; }}"
        )
        self.label = QLabel(text)
        self.label.setObjectName("momentBannerText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Window banner")
        self.scale = scale
        self._size_text()
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 10, 8)
        row.addWidget(self.label, 1)
        self.buttons: list[QPushButton] = []
        self._actions = list(actions)
        for action in self._actions:
            button = QPushButton(action.text())
            button.setObjectName(f"bannerButton{len(self.buttons)}")
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            # A method of the banner: the connection goes with it when the window closes.
            action.changed.connect(self._follow_actions)
            row.addWidget(button)
            self.buttons.append(button)
        self._follow_actions()

    def text(self) -> str:
        return self.label.text()

    def _follow_actions(self) -> None:
        """Each button enabled and visible as its action is."""
        for action, button in zip(self._actions, self.buttons, strict=True):
            button.setEnabled(action.isEnabled())
            button.setVisible(action.isVisible())

    def _size_text(self) -> None:
        font = QFont(self.font())
        if font.pixelSize() > 0:
            font.setPixelSize(round(font.pixelSize() * self.scale))
        else:
            font.setPointSizeF(font.pointSizeF() * self.scale)
        font.setBold(True)
        self.label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # zoom, or a presentation's large type
            self._size_text()


class SideSettings(Settings):
    """A copy of the main window's preferences that is never written back: a side window
    leaves the main window's size, last file and recent files as they were."""

    def save(self, store=None) -> None:  # nothing to keep for the next start
        return


class SideWindow(MainWindow):
    """A MainWindow on a workspace other than the open file, with its banner."""

    def __init__(
        self,
        parent: MainWindow,
        *,
        banner: str,
        tone: str,
        title: str = "",
        temp_path: Path | None = None,
        actions: Sequence[QAction] = (),
    ) -> None:
        settings = SideSettings(
            **{
                name: copy.deepcopy(getattr(parent.settings, name))
                for name in Settings.field_names()
            }
        )
        settings.last_view = parent.view_host.current_key or settings.last_view
        # Tests answer the window's questions with an object of their own: the side window too.
        dialogs = None if isinstance(parent.dialogs, Dialogs) else parent.dialogs
        super().__init__(settings, list(parent.view_host.specs.values()), dialogs)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("sideWindow")
        self.tone = tone
        self.title = title or banner
        self.temp_path = temp_path
        self.keeper: _Keeper | None = None  # the parent's, once it keeps this window
        self.banner = MomentBanner(banner, tone, actions)
        # The banner above the pages (start page or views): every view shows it.
        pages = self.takeCentralWidget()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(pages, 1)
        self.setCentralWidget(central)
        # Another file, another moment: not from here (they would replace this window's).
        a = self.menu_actions
        for action in (a.new, a.open, a.recent_menu.menuAction(), a.clear_recent, a.look_back):
            action.setVisible(False)
        a.close.setStatusTip("Close this window")
        # Presenting from here shows the banner on the projector too.
        a.present.triggered.disconnect(self.presenting.toggle)
        a.present.triggered.connect(self.toggle_presentation)
        self.file_status.read_only_badge.setToolTip(
            "The workspace as it was: to look at, not to edit"
            if tone == "past"
            else "This copy is read-only: edits are off"
        )
        self.resize(parent.size())
        self.move(parent.pos() + OFFSET)

    # -- the side window's own behaviour ---------------------------------------------------

    def set_workspace(self, workspace: Workspace) -> None:
        self.settings.remember_product(workspace.path, self._parent_product())
        super().set_workspace(workspace)

    def _parent_product(self) -> int | None:
        keeper = self.parent_window()
        return keeper.product_selector.product_id() if keeper is not None else None

    def parent_window(self) -> MainWindow | None:
        return self.keeper.window if self.keeper is not None else None

    def close_workspace(self) -> None:
        """File ▸ Close closes the window: it has no other file to go back to."""
        self.close()

    def toggle_presentation(self) -> None:
        self.presenting.toggle()
        shown = self.presenting.presentation
        if shown is not None and shown.findChild(MomentBanner) is None:
            # In the presentation's large type: read from the back row.
            banner = MomentBanner(self.banner.text(), self.tone, scale=1.3)
            shown.layout().insertWidget(0, banner)
            banner.setFont(shown.font())
            banner.show()
            shown.scaleChanged.connect(lambda _s, b=banner, w=shown: b.setFont(w.font()))

    def _update_file_status(self) -> None:
        super()._update_file_status()
        if self.workspace is not None:
            self.setWindowTitle(f"{self.title} — pmdesk".replace("[*]", "[*][*]"))

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)  # closes the workspace (and stops a presentation)
        if self.temp_path is not None:
            remove_temp_workspace(self.temp_path)
            self.temp_path = None


class _Keeper(QObject):
    """Kept by the main window: its side windows (alive while open), closed with it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("sideWindows")
        self.window = window
        self.windows: list[SideWindow] = []
        window.installEventFilter(self)

    @classmethod
    def of(cls, window: MainWindow) -> _Keeper:
        found = window.findChild(_Keeper, "sideWindows", Qt.FindChildOption.FindDirectChildrenOnly)
        return found if found is not None else cls(window)

    def add(self, side: SideWindow) -> None:
        self.windows.append(side)
        side.keeper = self
        side.destroyed.connect(lambda _obj=None, s=side: self.forget(s))

    def forget(self, side: SideWindow) -> None:
        with contextlib.suppress(ValueError):
            self.windows.remove(side)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            for side in list(self.windows):
                side.close()
        return False


def side_windows(parent: MainWindow) -> list[SideWindow]:
    """The side windows ``parent`` keeps open, oldest first."""
    keeper = parent.findChild(_Keeper, "sideWindows", Qt.FindChildOption.FindDirectChildrenOnly)
    return [w for w in keeper.windows if w.isVisible()] if keeper is not None else []


def open_side_window(
    parent: MainWindow,
    workspace: Workspace,
    *,
    banner: str,
    tone: str,
    temp_path: Path | None = None,
    actions: Sequence[QAction] = (),
    title: str = "",
) -> MainWindow:
    """A second MainWindow on ``workspace`` with a banner across the top that every view and
    workshop mode show: ``banner`` text, ``tone`` "past" (look back, read-only) or "what_if"
    (a scenario: editable). ``actions`` appear as buttons on the banner. The window's title
    names it (``title``, else the banner's text). When it closes, the workspace is closed and
    ``temp_path`` (a materialized copy) deleted. Returns the window (kept alive by the
    parent, and closed with it)."""
    if tone not in TONES:
        raise ValueError(f"tone must be one of {', '.join(TONES)}, not {tone!r}")
    side = SideWindow(
        parent, banner=banner, tone=tone, title=title, temp_path=temp_path, actions=actions
    )
    _Keeper.of(parent).add(side)
    try:
        side.set_workspace(workspace)
    except BaseException:
        side.close()
        raise
    side.show()
    side.raise_()
    side.activateWindow()
    return side
