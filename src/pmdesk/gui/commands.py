"""Every user edit is one QUndoCommand: it makes the edit once, through services; undo and
redo come from the journal of what that made.

A command is *applied before it is pushed* (``AppContext.run``): if the service
refuses the edit (a ValidationError), nothing reaches the undo stack and the
person sees why. Everything the first apply writes is recorded
(``Workspace.recording``, :mod:`pmdesk.store.journal`); undo reverts that journal
and redo replays it, each as one transaction, so every command undoes the same way
and the very same rows, ids included, come back. Once pushed, the first ``redo``
(which QUndoStack calls on push) is skipped because the edit is already in the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from pmdesk.core.errors import PmdeskError

if TYPE_CHECKING:
    from pmdesk.store.journal import Journal
    from pmdesk.store.services.base import Repo
    from pmdesk.store.services.requirements import RequirementService
    from pmdesk.store.workspace import Workspace


class ServiceCommand(QUndoCommand):
    """Base: a subclass implements ``apply`` (the edit, made once); undo and redo are derived.

    The workspace is the one of the command's ``ws``, ``repo``, ``service`` or
    ``roadmap`` (whichever it has, in that order).
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._applied = False
        self._pushed = False  # applied once: from then on it lives on the undo stack
        # Set when an undo or redo was refused (the data changed meanwhile); Qt would
        # swallow an exception raised here, so AppContext reads this instead.
        self.failure: PmdeskError | None = None
        self.journal: Journal | None = None  # what the first apply wrote

    def apply(self) -> None:
        """Make the edit through services (called once; redo replays what it wrote)."""
        raise NotImplementedError

    @property
    def workspace(self) -> Workspace:
        for name in ("ws", "repo", "service", "roadmap"):
            found = getattr(self, name, None)
            if found is not None:
                return found if name == "ws" else found.ws
        raise TypeError(f"{type(self).__name__} has no ws, repo, service or roadmap")

    def redo(self) -> None:
        if self._applied:
            return
        self.failure = None
        try:
            if self.journal is None:
                self._first_apply()
            else:
                with self.workspace.labelled(self.text()):  # the history: "Redo …"
                    self.workspace.replay(self.journal)
        except PmdeskError as exc:
            self._refused(exc)
            return
        self._applied = True
        self._pushed = True

    def undo(self) -> None:
        if not self._applied:
            return
        self.failure = None
        try:
            if self.journal is not None:
                with self.workspace.labelled(self.text()):  # the history: "Undo …"
                    self.workspace.revert(self.journal)
        except PmdeskError as exc:
            self._refused(exc)
            return
        self._applied = False

    def _first_apply(self) -> None:
        """Apply, recording every write; all or nothing: a refusal halfway (an edit made of
        two transactions) takes back what the first one wrote."""
        workspace = self.workspace
        try:
            with workspace.labelled(self.text()), workspace.recording() as journal:
                self.apply()
        except BaseException:
            if not journal.empty:
                workspace.revert(journal)
            raise
        if not journal.complete:  # a write around the unit of work: undo would miss it
            raise RuntimeError(f"{type(self).__name__} wrote around the journal")
        self.journal = journal

    def _refused(self, exc: PmdeskError) -> None:
        """Remember why; a step the data no longer allows leaves the undo history.

        Qt takes an obsolete command off the stack when undo or redo returns, so
        only this step goes and the others stay undoable. A failure that may pass
        (the connection to a team workspace is down) keeps the step: try again later.
        A command's first apply (before it is pushed) is never marked.
        """
        self.failure = exc
        if self._pushed and not getattr(exc, "retryable", False):
            self.setObsolete(True)


class UpdateCommand(ServiceCommand):
    """Change fields of one entity."""

    def __init__(self, repo: Repo, entity_id: int, changes: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.entity_id = entity_id
        self.changes = dict(changes)

    def apply(self) -> None:
        self.repo.update(self.entity_id, **self.changes)


class CreateCommand(ServiceCommand):
    """Create one entity; undo deletes it, redo brings back the very same row (same id)."""

    def __init__(self, repo: Repo, fields: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.fields = dict(fields)
        self.entity_id: int | None = None

    def apply(self) -> None:
        self.entity_id = self.repo.create(**self.fields).id


class DeleteCommand(ServiceCommand):
    """Delete entities and all that goes with them; undo restores them exactly."""

    def __init__(self, repo: Repo, ids: list[int], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.ids = list(ids)

    def apply(self) -> None:
        self.repo.delete(self.ids)


# Shared by the requirements editor and the roadmap's item panel (both link the two), so it
# lives here rather than in either view's package: the view packages do not import each other.
class LinkCommand(ServiceCommand):
    """Link (or unlink) a requirement and the roadmap item that delivers it; undo does the other."""

    def __init__(
        self,
        service: RequirementService,
        requirement_id: int,
        item_id: int,
        text: str,
        *,
        link: bool = True,
    ) -> None:
        super().__init__(text)
        self.service = service
        self.requirement_id = requirement_id
        self.item_id = item_id
        self.link = link

    def apply(self) -> None:
        if self.link:
            self.service.link(self.requirement_id, self.item_id)
        else:
            self.service.unlink(self.requirement_id, self.item_id)
