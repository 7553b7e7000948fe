"""The File menu's team entries: Connect to Team Workspace…, Share as Team Workspace….

Share copies the open file to an empty PostgreSQL database.

The copy (``store.team_copy.file_to_team``: schema, every row, then a row-by-row
check, in one server transaction) takes a couple of seconds for a large
portfolio, so it runs in :class:`ShareWorker` on its own thread, which opens
the file read-only by itself; the window stays responsive behind a busy dialog.
Once it is made, the person is offered to switch to the team workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QWidget,
)

from pmdesk.core.errors import PmdeskError


class ShareWorker(QObject):
    """Runs one copy; reports with ``finished(report)`` or ``failed(message)``."""

    finished = Signal(object)  # store.team_copy.CopyReport
    failed = Signal(str)

    def __init__(self, path: Path, url: str, password: str) -> None:
        super().__init__()
        self.path, self.url, self._password = path, url, password

    @Slot()
    def run(self) -> None:
        from pmdesk.store.team_copy import file_to_team

        try:
            report = file_to_team(self.path, self.url, self._password)
        except PmdeskError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a worker must report, never die silently
            self.failed.emit(f"The copy failed: {exc}")
        else:
            self.finished.emit(report)
        finally:
            self._password = ""


def ask_share_target(parent: QWidget | None) -> tuple[str, str] | None:
    """The address of an empty database and the password, from the connect dialog."""
    from .team import ConnectDialog

    dialog = ConnectDialog(parent)
    dialog.setWindowTitle("Share as Team Workspace")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Share")
    note = QLabel(
        "The database must be empty: pmdesk creates the tables, copies every row "
        "and checks the copy against this file. The file itself is not changed."
    )
    note.setWordWrap(True)
    dialog.layout().insertWidget(0, note)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.values()


def ask_open_shared(parent: QWidget | None, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Team workspace made", text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    open_button = box.addButton("Open the team workspace", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Stay on this file", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(open_button)
    box.exec()
    return box.clickedButton() is open_button


class ShareFlow(QObject):
    """One share from the window: ask, copy on a worker thread, then offer to open it.

    The two questions are parameters so a test can answer them; errors go to the
    window's own ``dialogs.error``; opening goes through ``window.open_url``.
    """

    done = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        path: Path,
        ask_target: Callable[[QWidget], tuple[str, str] | None] = ask_share_target,
        ask_open: Callable[[QWidget, str], bool] = ask_open_shared,
    ) -> None:
        super().__init__(window)
        self.window, self.path = window, path
        self._ask_target, self._ask_open = ask_target, ask_open
        self._thread: QThread | None = None
        self._worker: ShareWorker | None = None
        self._busy: QProgressDialog | None = None
        self._url = self._password = ""

    def start(self) -> bool:
        answer = self._ask_target(self.window)
        if answer is None:
            return False
        self._url, self._password = answer
        self._busy = QProgressDialog(
            f"Copying {self.path.name} to the server and checking it…", "", 0, 0, self.window
        )
        self._busy.setCancelButton(None)  # one server transaction: it finishes or rolls back
        self._busy.setWindowTitle("Share as Team Workspace")
        self._busy.setMinimumDuration(0)
        self._busy.show()
        self._worker = ShareWorker(self.path, self._url, self._password)
        self._thread = QThread(self)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.finished.connect(self._shared)
        self._worker.failed.connect(self._failed)
        self._thread.start()
        return True

    def _stop_thread(self) -> None:
        if self._busy is not None:
            self._busy.close()
            self._busy.deleteLater()
            self._busy = None
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def _shared(self, report) -> None:
        self._stop_thread()
        text = (
            f"{self.path.name} is now the team workspace {report.destination} "
            f"({report.rows} rows, checked). Colleagues open it with File ▸ Connect to "
            f"Team Workspace and this address:\n{self._url}\n\nThis file stays as it "
            "was; edits made in the team workspace do not reach it."
        )
        if self._ask_open(self.window, text):
            self.window.open_url(self._url, self._password)
        self._password = ""
        self.done.emit(True)

    def _failed(self, message: str) -> None:
        self._stop_thread()
        self._password = ""
        self.window.dialogs.error("Could not share the portfolio", message)
        self.done.emit(False)


class TeamMenu(QObject):
    """The two actions, placed in the File menu before ``before``; the window calls update()."""

    def __init__(self, window: QWidget, file_menu: QMenu, before: QAction) -> None:
        super().__init__(window)
        self.window = window
        self.connect_action = QAction("Connect to &Team Workspace…", self)
        self.connect_action.setStatusTip("Open a portfolio shared on a PostgreSQL server")
        self.share_action = QAction("S&hare as Team Workspace…", self)
        self.share_action.setStatusTip(
            "Copy this portfolio to an empty PostgreSQL database for the whole team"
        )
        file_menu.insertAction(before, self.connect_action)
        file_menu.insertAction(before, self.share_action)
        self.connect_action.triggered.connect(lambda: window.open_url(""))
        self.share_action.triggered.connect(lambda: self.share())
        self.flow: ShareFlow | None = None
        self.update(None)

    def update(self, workspace) -> None:
        """Share needs a local file (a team workspace is shared already)."""
        self.share_action.setEnabled(workspace is not None and not workspace.is_team)

    def share(self, **questions) -> bool:
        workspace = self.window.workspace
        if workspace is None or workspace.is_team:
            return False
        self.flow = ShareFlow(self.window, Path(workspace.path), **questions)
        return self.flow.start()
