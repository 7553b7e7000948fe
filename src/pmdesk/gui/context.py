"""What a view needs from the application, and nothing more.

Views receive an AppContext (never the main window): the open workspace, its
services, the undo stack, and a Qt signal carrying each committed ChangeSet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QUndoStack

if TYPE_CHECKING:  # the window's chrome imports this before any file (and SQLAlchemy) is open
    from pmdesk.core.changes import ChangeSet
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.workspace import Workspace

    from .commands import ServiceCommand
    from .ops import BackgroundOp

S = TypeVar("S")


class AppContext(QObject):
    # Emitted after every committed edit (including undo and redo) with what changed.
    changed = Signal(object)
    # A refused edit or failed action, as a sentence for the person (shown by the window).
    errorRaised = Signal(str)
    # A change committed on a worker thread (an import), carried over to this object's thread.
    _changedElsewhere = Signal(object)

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.undo_stack = QUndoStack(self)
        self.ops: list[BackgroundOp] = []  # writing to the workspace now, off this thread
        self._changedElsewhere.connect(self._relay, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = workspace.changes.subscribe(self._publish)

    def _publish(self, changeset: ChangeSet) -> None:
        """Views hear of every change on the GUI thread, wherever the commit happened."""
        if QThread.currentThread() is self.thread():
            self.changed.emit(changeset)
        else:
            self._changedElsewhere.emit(changeset)

    @Slot(object)
    def _relay(self, changeset: ChangeSet) -> None:
        self.changed.emit(changeset)

    # -- background operations that write (gui/ops.py) -------------------------------------

    @property
    def busy(self) -> bool:
        """An op is writing to the workspace: edits, undo and redo wait for it."""
        return bool(self.ops)

    def begin_op(self, op: BackgroundOp) -> None:
        self.ops.append(op)

    def end_op(self, op: BackgroundOp) -> None:
        if op in self.ops:
            self.ops.remove(op)

    def _refuse_while_busy(self) -> bool:
        if not self.ops:
            return False
        self.errorRaised.emit(f"Please wait: “{self.ops[0].title}” is still running.")
        return True

    def push_applied(self, command: ServiceCommand) -> bool:
        """Put a command applied elsewhere (by an op's worker) on the undo stack as one step.

        Its first ``redo`` already ran: a refused one is only shown, and pushing an
        applied one does not apply it again (QUndoStack's redo on push is a no-op).
        """
        if command.failure is not None:
            self.errorRaised.emit(str(command.failure))
            return False
        self.undo_stack.push(command)
        return True

    @property
    def read_only(self) -> bool:
        return self.workspace.read_only

    def service(self, cls: type[S]) -> S:
        return self.workspace.service(cls)

    def run(self, command: ServiceCommand) -> bool:
        """Apply an edit and put it on the undo stack; a refused edit only shows why."""
        if self._refuse_while_busy():
            return False
        command.redo()
        return self.push_applied(command)

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
        if command is None or self._refuse_while_busy():
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
        """Stop what still runs on the workspace (an import rolls back), then let go of it."""
        for op in list(self.ops):
            op.cancel_and_wait()
        unsubscribe, self._unsubscribe = self._unsubscribe, lambda: None  # once is enough
        unsubscribe()
        self.undo_stack.clear()
