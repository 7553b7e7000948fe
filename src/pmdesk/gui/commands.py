"""Every user edit is one QUndoCommand that calls a service to apply and to revert.

A command is *applied before it is pushed* (``AppContext.run``): if the service
refuses the edit (a ValidationError), nothing reaches the undo stack and the
person sees why. Once pushed, its first ``redo`` (which QUndoStack calls on
push) is skipped because the edit is already in the file.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from pmdesk.core.errors import PmdeskError
from pmdesk.store.services.base import Repo
from pmdesk.store.services.requirements import RequirementService
from pmdesk.store.snapshot import Snapshot


class ServiceCommand(QUndoCommand):
    """Base: subclasses implement apply() and revert(); both call services only."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._applied = False
        self._pushed = False  # applied once: from then on it lives on the undo stack
        # Set when an undo or redo was refused (the data changed meanwhile); Qt would
        # swallow an exception raised here, so AppContext reads this instead.
        self.failure: PmdeskError | None = None

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self._applied:
            return
        self.failure = None
        try:
            self.apply()
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
            self.revert()
        except PmdeskError as exc:
            self._refused(exc)
            return
        self._applied = False

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
    """Change fields of one entity; undo puts back the values it had."""

    def __init__(self, repo: Repo, entity_id: int, changes: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.entity_id = entity_id
        self.changes = dict(changes)
        self.previous: dict[str, Any] = {}

    def apply(self) -> None:
        self.previous = self.repo.update(self.entity_id, **self.changes)

    def revert(self) -> None:
        self.repo.update(self.entity_id, **self.previous)


class CreateCommand(ServiceCommand):
    """Create one entity; undo deletes it, redo brings back the very same row (same id)."""

    def __init__(self, repo: Repo, fields: dict[str, Any], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.fields = dict(fields)
        self.entity_id: int | None = None
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        if self._snapshot is None:
            self.entity_id = self.repo.create(**self.fields).id
        else:
            self.repo.restore(self._snapshot)

    def revert(self) -> None:
        assert self.entity_id is not None
        self._snapshot = self.repo.delete(self.entity_id)


class DeleteCommand(ServiceCommand):
    """Delete entities and all that goes with them; undo restores them exactly."""

    def __init__(self, repo: Repo, ids: list[int], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.ids = list(ids)
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        self._snapshot = self.repo.delete(self.ids)

    def revert(self) -> None:
        assert self._snapshot is not None
        self.repo.restore(self._snapshot)


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

    def _set(self, linked: bool) -> None:
        if linked:
            self.service.link(self.requirement_id, self.item_id)
        else:
            self.service.unlink(self.requirement_id, self.item_id)

    def apply(self) -> None:
        self._set(self.link)

    def revert(self) -> None:
        self._set(not self.link)
