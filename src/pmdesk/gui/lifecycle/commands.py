"""Undo commands for the lifecycle's compound edits, each one step on the undo stack."""

from __future__ import annotations

from collections.abc import Callable

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services.lifecycle import Journal, LifecycleService


class JournalCommand(ServiceCommand):
    """An edit the lifecycle service writes through a Journal: undo and redo replay it exactly.

    The first apply runs ``action`` (which returns the journal); undo reverts the
    journal and redo replays it, so the very same rows (and ids) come back.
    """

    def __init__(self, service: LifecycleService, action: Callable[[], Journal], text: str) -> None:
        super().__init__(text)
        self.service = service
        self.action = action
        self.journal: Journal | None = None

    @property
    def entity_id(self) -> int | None:
        return self.journal.entity_id if self.journal else None

    def apply(self) -> None:
        if self.journal is None:
            self.journal = self.action()
        else:
            self.service.replay(self.journal)

    def revert(self) -> None:
        assert self.journal is not None
        self.service.revert(self.journal)
