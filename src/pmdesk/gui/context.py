"""What a view needs from the application, and nothing more.

Views receive an AppContext (never the main window): the open workspace, its
services, the undo stack, and a Qt signal carrying each committed ChangeSet.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from pmdesk.core.changes import ChangeSet
from pmdesk.store.workspace import Workspace

from .commands import ServiceCommand

S = TypeVar("S")


class AppContext(QObject):
    # Emitted after every committed edit (including undo and redo) with what changed.
    changed = Signal(object)
    # A refused edit or failed action, as a sentence for the person (shown by the window).
    errorRaised = Signal(str)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.undo_stack = QUndoStack(self)
        self._unsubscribe = workspace.changes.subscribe(self._publish)

    def _publish(self, changeset: ChangeSet) -> None:
        self.changed.emit(changeset)

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    def service(self, cls: type[S]) -> S:
        return self.workspace.service(cls)

    def run(self, command: ServiceCommand) -> bool:
        """Apply an edit and put it on the undo stack; a refused edit only shows why."""
        command.redo()
        if command.failure is not None:
            self.errorRaised.emit(str(command.failure))
            return False
        self.undo_stack.push(command)
        return True

    def undo(self) -> None:
        self._step(self.undo_stack.index() - 1, self.undo_stack.undo)

    def redo(self) -> None:
        self._step(self.undo_stack.index(), self.undo_stack.redo)

    def _step(self, index: int, move) -> None:
        """Undo or redo one step; if the file refuses it, say so and drop the history."""
        command = self.undo_stack.command(index)
        if command is None:
            return
        move()
        failure = getattr(command, "failure", None)
        if failure is not None:
            self.errorRaised.emit(f"Could not {('undo' if move == self.undo_stack.undo else 'redo')}"
                                  f" “{command.text()}”: {failure}")
            # The stack no longer matches the file; keeping it would mislead.
            self.undo_stack.clear()

    def close(self) -> None:
        self._unsubscribe()
        self.undo_stack.clear()
