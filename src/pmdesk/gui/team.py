"""Team workspaces in the window: connect, see others' changes, settle conflicts, ride out drops.

- :class:`ConnectDialog` asks for the address and the password; the password is
  never written to pmdesk's files; when a secure system keyring is available the
  person may have it remembered there (:mod:`pmdesk.credentials`).
- :class:`TeamContext` is the AppContext of a team workspace: it wakes when the
  server sends a notice (QSocketNotifier on the listening connection, a QTimer
  as a fallback, for reconnecting and where LISTEN is not available) and
  publishes what others changed through ``workspace.changes``, so views refresh
  by the usual path; it keeps an edit made while the connection is down and
  applies it once the server is back, checked against what the person saw when
  making it; undo and redo refuse to overwrite someone else's later change.
- :class:`ConflictDialog` shows both values of a refused edit: keep mine or take theirs.
- :class:`ConnectionBanner` says, in the status bar, whether the server is reachable.
"""

from __future__ import annotations

import contextlib
import threading

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk import credentials
from pmdesk.core.changes import Change, ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.store.team_server import ConnectionLostError, is_team_url
from pmdesk.store.team_versions import ConflictError
from pmdesk.store.workspace import Workspace

from .commands import ServiceCommand
from .context import AppContext

POLL_MS = 500  # fallback and reconnect cadence; notices normally wake us at once


class ConnectDialog(QDialog):
    """File ▸ Connect to Team Workspace: a postgresql:// address and a password.

    With ``offer_keyring`` (Connect does, Share does not) the password may be kept
    in the system keyring — the box is shown only when a secure one is there (see
    pmdesk.credentials). A password remembered for the address is filled in,
    masked, with the box ticked; it is cleared again if the address changes, so it
    is never sent to another server.
    """

    NO_KEYRING = "No system keyring is available, so the password is asked for each time."
    NOT_SAVED = "The password is used for this connection only and is never saved."

    def __init__(
        self, parent: QWidget | None = None, url: str = "", offer_keyring: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to Team Workspace")
        self.url_edit = QLineEdit(url)
        self.url_edit.setPlaceholderText("postgresql://user@host/database")
        sample = "postgresql://someone@db.example.com:5432/portfolio"  # shown whole, not cut
        self.url_edit.setMinimumWidth(self.url_edit.fontMetrics().horizontalAdvance(sample))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox("Remember the password in the system keyring")
        self.note = QLabel()
        self.note.setTextFormat(self.note.textFormat().PlainText)
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.url_edit.textChanged.connect(self._update_ok)
        form = QFormLayout()
        form.addRow("Address:", self.url_edit)
        form.addRow("Password:", self.password_edit)
        form.addRow("", self.remember_box)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._looked_up: str | None = None  # the account last looked up in the keyring
        self._stored: str | None = None  # the password the keyring holds for it
        self.keyring = offer_keyring and credentials.available()
        self.remember_box.setVisible(self.keyring)
        self._show_note(
            "" if self.keyring else self.NO_KEYRING if offer_keyring else self.NOT_SAVED
        )
        if self.keyring:
            self.url_edit.textChanged.connect(self._address_edited)
            self.url_edit.editingFinished.connect(self._look_up)
            self._look_up()
        self._update_ok()
        (self.password_edit if url else self.url_edit).setFocus()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(is_team_url(self.url_edit.text().strip()))

    def _show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _look_up(self) -> None:
        """Fill in the password the keyring holds for the address, once per address."""
        url = self.url_edit.text().strip()
        account = credentials.account(url)
        if account is None or account == self._looked_up:
            return
        self._address_edited()
        self._looked_up = account
        self._stored = credentials.load(url)
        self._show_note(credentials.last_problem())
        if self._stored is None:
            return
        if not self.password_edit.text():
            self.password_edit.setText(self._stored)
        self.remember_box.setChecked(True)

    def _address_edited(self) -> None:
        """Another address: take back the password filled in for the previous one."""
        if self._looked_up is None:
            return
        if credentials.account(self.url_edit.text().strip()) == self._looked_up:
            return
        if self._stored is not None:
            if self.password_edit.text() == self._stored:
                self.password_edit.clear()
            self.remember_box.setChecked(False)
        self._looked_up = self._stored = None
        self._show_note("")

    def values(self) -> tuple[str, str]:
        return self.url_edit.text().strip(), self.password_edit.text()

    def login(self) -> credentials.Login:
        """The address, the password, and what the keyring should do once connected."""
        self._look_up()  # the address may have been typed and accepted at once
        url, password = self.values()
        keep: bool | None = None
        if self.keyring and self.remember_box.isChecked():
            keep = True if password != self._stored else None
        elif self.keyring and self._stored is not None:
            keep = False
        return credentials.Login(url, password, keep)


class ConflictDialog(QDialog):
    """Someone else changed the row first: each field with both values, then a choice."""

    KEEP_MINE = 1
    TAKE_THEIRS = 2

    def __init__(self, conflict: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Changed by someone else")
        named = f" “{conflict.name}”" if conflict.name else ""
        what = conflict.kind.replace("_", " ") + named
        if conflict.deleting:
            question = "It was not deleted. Delete it anyway, or keep it with their changes?"
        else:
            question = "Nothing was overwritten. Which values should it keep?"
        head = QLabel(f"Someone else changed this {what} after you loaded it. {question}")
        head.setTextFormat(head.textFormat().PlainText)
        head.setWordWrap(True)
        self.table = QTableWidget(len(conflict.fields), 3)
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "Theirs"])
        for row, field in enumerate(conflict.fields):
            values = (field.field.replace("_", " "), _plain(field.mine), _plain(field.theirs))
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.keep_button = QPushButton("Delete anyway" if conflict.deleting else "Keep mine")
        self.take_button = QPushButton("Keep theirs" if conflict.deleting else "Take theirs")
        self.keep_button.clicked.connect(lambda: self.done(self.KEEP_MINE))
        self.take_button.clicked.connect(lambda: self.done(self.TAKE_THEIRS))
        self.take_button.setDefault(True)
        buttons = QDialogButtonBox()
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.take_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


def _plain(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "label", None) or value)


class TeamContext(AppContext):
    """The AppContext of a team workspace (see the module docstring)."""

    # A refused edit: (ConflictError, the command), for the keep-mine/take-theirs question.
    conflictRaised = Signal(object, object)
    # "connected" or "lost", with a sentence for the banner.
    stateChanged = Signal(str, str)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(workspace, parent)
        self.state = "connected"
        self.pending: list[ServiceCommand] = []
        self._seen_then: dict | None = None  # the versions the pending edits were made against
        self._reconnecting: threading.Thread | None = None
        self._notifier: QSocketNotifier | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self._watch_socket()

    # -- others' changes and the connection --------------------------------------------------

    def _watch_socket(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        fd = self.workspace.feed.fileno() if self.workspace.feed else -1
        if fd >= 0:
            self._notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self.tick)

    def tick(self) -> None:
        """Take in what others changed; notice a lost connection and recover from it.

        While the server is away, reconnecting happens on a thread of its own: an
        unreachable host can take seconds to refuse, and the window must not freeze.
        """
        feed = self.workspace.feed
        if feed is not None and self.state == "lost" and not feed.connected:
            self._reconnect_in_background(feed)
            return
        before = feed.fileno() if feed else -1
        try:
            self.workspace.poll_changes()
        except PmdeskError:  # lost, or the server now refuses us (database dropped, login)
            self._set_state("lost")
            return
        if feed is not None and feed.fileno() != before:
            self._watch_socket()
        if self.state != "connected":
            self._reconnected()

    def _reconnect_in_background(self, feed) -> None:
        if self._reconnecting is not None and self._reconnecting.is_alive():
            return

        def attempt() -> None:
            with contextlib.suppress(PmdeskError):
                feed.open()  # the next tick sees the feed connected and takes it from there

        self._reconnecting = threading.Thread(target=attempt, name="pmdesk-reconnect", daemon=True)
        self._reconnecting.start()

    def _reconnected(self) -> None:
        """Back online: open views reload (notices sent while away may be lost), then the
        edits kept while the server was unreachable are applied."""
        from pmdesk.store.models import Base  # the table names, read once on reconnecting

        waiting, self.pending = self.pending, []
        seen_then, self._seen_then = self._seen_then, None
        self._set_state("connected")
        self.workspace.changes.publish(ChangeSet.everything(Base.metadata.tables))
        versions = self.workspace.versions
        # The reload above (and the changes read back from the log) moved the versions on;
        # the kept edits were made against what the screen showed before the drop.
        with versions.as_seen(seen_then) if versions else contextlib.nullcontext():
            for command in waiting:
                self.run(command)

    def _set_state(self, state: str) -> None:
        if state == "lost" and self._notifier is not None:
            self._notifier.setEnabled(False)
        self.state = state
        where = self.workspace.location
        if state == "lost":
            count = len(self.pending)
            kept = f" {count} edit(s) kept, applied when it is back." if count else ""
            text = f"Connection to {where} lost — reconnecting…{kept}"
        else:
            text = f"Team workspace {where} — connected"
        self.stateChanged.emit(state, text)

    # -- edits, conflicts, undo ------------------------------------------------------------------

    def run(self, command: ServiceCommand) -> bool:
        """Apply an edit; a conflict asks the person, a lost connection keeps the edit."""
        command.redo()
        failure = command.failure
        if isinstance(failure, ConflictError):
            self.conflictRaised.emit(failure, command)
            return False
        if isinstance(failure, ConnectionLostError):
            if not self.pending and self.workspace.versions is not None:
                self._seen_then = self.workspace.versions.snapshot()
            self.pending.append(command)
            self._set_state("lost")
            return False
        if failure is not None:
            self.errorRaised.emit(str(failure))
            return False
        self.undo_stack.push(command)
        return True

    def keep_mine(self, conflict: ConflictError, command: ServiceCommand) -> bool:
        """Write my values on top of theirs, now that I have seen them."""
        self._accept(conflict)
        return self.run(command)

    def take_theirs(self, conflict: ConflictError) -> None:
        """Drop my edit; views reload the row and show their values."""
        self._accept(conflict)
        change = Change(conflict.kind, "update", frozenset({conflict.entity_id}))
        self.workspace.changes.publish(ChangeSet((change,)))

    def _accept(self, conflict: ConflictError) -> None:
        if self.workspace.versions is not None and conflict.their_version is not None:
            self.workspace.versions.accept(
                conflict.kind, conflict.entity_id, conflict.their_version
            )

    def undo(self) -> PmdeskError | None:
        with self.workspace.undo_guard():
            return self._after_step(super().undo())

    def redo(self) -> PmdeskError | None:
        with self.workspace.undo_guard():
            return self._after_step(super().redo())

    def _after_step(self, failure: PmdeskError | None) -> PmdeskError | None:
        """A step refused because the server is away: show the banner; the step stays."""
        if isinstance(failure, ConnectionLostError):
            self._set_state("lost")
        return failure

    def close(self) -> None:
        self._timer.stop()
        if self._reconnecting is not None:
            self._reconnecting.join()  # it ends within the connect timeout
        if self._notifier is not None:
            self._notifier.setEnabled(False)
        super().close()


class ConnectionBanner(QLabel):
    """The connection's state in words, red while the server cannot be reached."""

    def __init__(self, ctx: TeamContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(self.textFormat().PlainText)
        ctx.stateChanged.connect(self.show_state)
        self.show_state("connected", f"Team workspace {ctx.workspace.location} — connected")

    def show_state(self, state: str, text: str) -> None:
        self.setText(text)
        self.setProperty("state", state)
        lost = state == "lost"
        self.setStyleSheet(
            "QLabel { background: #c0392b; color: white; padding: 2px 6px; }" if lost else ""
        )


def make_context(workspace: Workspace, parent: QObject | None = None) -> AppContext:
    return TeamContext(workspace, parent) if workspace.is_team else AppContext(workspace, parent)


def attach(window: QWidget, ctx: TeamContext) -> ConnectionBanner:
    """Show the banner in the window's status bar and answer conflicts with the dialog."""
    banner = ConnectionBanner(ctx)
    window.statusBar().addPermanentWidget(banner)
    ctx.destroyed.connect(banner.deleteLater)

    def ask(conflict: ConflictError, command: ServiceCommand) -> None:
        choice = ConflictDialog(conflict, window).exec()
        if choice == ConflictDialog.KEEP_MINE:
            ctx.keep_mine(conflict, command)
        else:
            ctx.take_theirs(conflict)

    ctx.conflictRaised.connect(ask)
    return banner


def ask_connection(parent: QWidget | None, url: str = "") -> credentials.Login | None:
    """The address, the password and the keyring choice from the dialog, or None when cancelled.

    Nothing is saved here: the caller connects first, then hands the answer to
    ``credentials.remember_after_connect``, so a wrong password is never remembered.
    """
    dialog = ConnectDialog(parent, url, offer_keyring=True)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.login()
