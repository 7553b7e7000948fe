"""What a view needs from the application, and nothing more.

Views receive an AppContext (never the main window): the open workspace, its
services, the undo stack, and a Qt signal carrying each committed ChangeSet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

if TYPE_CHECKING:  # the window's chrome imports this before any file (and SQLAlchemy) is open
    from pmdesk.core.changes import ChangeSet
    from pmdesk.core.errors import PmdeskError
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

    def undo(self) -> PmdeskError | None:
        return self._step(self.undo_stack.index() - 1, undoing=True)

    def redo(self) -> PmdeskError | None:
        return self._step(self.undo_stack.index(), undoing=False)

    def _step(self, index: int, *, undoing: bool) -> PmdeskError | None:
        """Undo or redo one step; if the data refuses it, say so and return why.

        A refused step leaves the history on its own (the command marks itself
        obsolete) and every other step stays; one that may work later (a lost
        connection) stays where it was, so the same Undo can be tried again.
        """
        command = self.undo_stack.command(index)
        if command is None:
            return None
        text = command.text()  # a refused step is deleted by Qt on the way out
        (self.undo_stack.undo if undoing else self.undo_stack.redo)()
        failure = getattr(command, "failure", None)
        if failure is None:
            return None
        verb = "undo" if undoing else "redo"
        if failure.retryable:
            # Qt moved past the step although it was not done; step back (a no-op for it).
            (self.undo_stack.redo if undoing else self.undo_stack.undo)()
            after = f"Try {verb.capitalize()} again once it is possible."
        else:
            after = f"This step was taken out of the {verb} history; the others remain."
        self.errorRaised.emit(f"Could not {verb} “{text}”: {failure} {after}")
        return failure

    def close(self) -> None:
        self._unsubscribe()
        self.undo_stack.clear()
