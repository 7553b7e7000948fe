"""The File menu's team entries: Connect to Team Workspace…, Share as Team Workspace….

Share copies the open file to an empty PostgreSQL database.

The copy (``store.team_copy.file_to_team``: schema, every row, then a row-by-row
check, in one server transaction) takes a couple of seconds for a large
portfolio, so it runs as a :class:`~pmdesk.gui.ops.BackgroundOp` on a thread of
its own, which opens the file read-only by itself; the window stays responsive
behind the op's progress dialog (without Cancel: the one server transaction
finishes or rolls back). Once it is made, the person is offered to switch to
the team workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMessageBox,
    QWidget,
)

from .ops import BackgroundOp, OpToken, error_text


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
        self.op: BackgroundOp | None = None
        self._url = self._password = ""

    def start(self) -> bool:
        answer = self._ask_target(self.window)
        if answer is None:
            return False
        self._url, self._password = answer
        path, url, password = self.path, self._url, self._password
        text = f"Copying {path.name} to the server and checking it…"

        def copy(token: OpToken):
            from pmdesk.store.team_copy import file_to_team

            token.progress(None, text)
            return file_to_team(path, url, password)

        # One server transaction: it finishes or rolls back, so there is no Cancel.
        self.op = BackgroundOp(
            self.window, copy, title="Share as Team Workspace", cancellable=False
        )
        self.op.succeeded.connect(self._shared)
        self.op.failed.connect(lambda error: self._failed(error_text(error, "The copy")))
        self.op.start()
        return True

    def _shared(self, report) -> None:
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
