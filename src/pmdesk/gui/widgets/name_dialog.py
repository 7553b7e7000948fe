"""The one dialog that asks a name for something and makes it as one undoable edit.

Take Snapshot…, Rename Snapshot…, and a what-if scenario's New… and Rename… all ask the
same way: a short intro, the name (and, when asked for, a note), OK named for what it does.
A blank name, a name ``check`` refuses, or an edit the service refuses is said in red under
the fields and the dialog stays open with what was typed, to fix it. ``make(name, note)``
builds the command; it runs through ``AppContext.run``, so it is one step on the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.gui.theme import PROBLEM_STYLE

if TYPE_CHECKING:
    from pmdesk.gui.commands import ServiceCommand
    from pmdesk.gui.context import AppContext


class NameDialog(QDialog):
    """Name (required) and an optional note; OK makes the edit, a refusal keeps it open."""

    def __init__(
        self,
        ctx: AppContext,
        make: Callable[[str, str], ServiceCommand],
        *,
        title: str,
        intro: str = "",
        ok_text: str,
        name: str = "",
        placeholder: str = "",
        empty: str,
        max_length: int,
        names: tuple[str, str, str],
        note_placeholder: str | None = None,
        check: Callable[[str], str | None] | None = None,
        unchanged_accepts: bool = False,
        refused: str = "Nothing was changed.",
        parent: QWidget | None = None,
    ) -> None:
        """``names``: object names of the dialog, the name field and the message (tests and
        accessibility find them). ``note_placeholder`` given: a Note field too. ``check``:
        a refusal to say before the edit is tried (e.g. a name already taken), or None.
        ``unchanged_accepts``: OK on the name as it was closes without an edit."""
        super().__init__(parent)
        self.ctx = ctx
        self.make = make
        self.check = check
        self.empty, self.refused = empty, refused
        self.old_name = name if unchanged_accepts else None
        self.command: ServiceCommand | None = None
        dialog_name, field_name, message_name = names
        self.setObjectName(dialog_name)
        self.setWindowTitle(title)
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName(field_name)
        self.name_edit.setPlaceholderText(placeholder)
        self.name_edit.setMaxLength(max_length)
        self.name_edit.selectAll()
        self.note_edit: QLineEdit | None = None
        form = QFormLayout()
        form.addRow("&Name:", self.name_edit)
        if note_placeholder is not None:
            self.note_edit = QLineEdit()
            self.note_edit.setObjectName(f"{field_name.removesuffix('Name')}Note")
            self.note_edit.setPlaceholderText(note_placeholder)
            form.addRow("N&ote:", self.note_edit)
        self.message = QLabel()
        self.message.setObjectName(message_name)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(PROBLEM_STYLE)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        self.name_edit.setFocus()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def accept(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            self._say(self.empty)
            return
        if name == self.old_name:
            super().accept()
            return
        refusal = self.check(name) if self.check is not None else None
        if refusal:
            self._say(refusal)
            return
        note = self.note_edit.text().strip() if self.note_edit is not None else ""
        command = self.make(name, note)
        if not self.ctx.run(command):
            # The window shows the refusal too; the dialog keeps what was typed to fix it.
            self._say(str(command.failure) if command.failure else self.refused)
            return
        self.command = command
        self.done_with(name)
        super().accept()

    def done_with(self, name: str) -> None:
        """After the edit is made (a subclass says so in the status bar, say)."""
