"""Undo commands for the lifecycle's compound edits, each one step on the undo stack."""

from __future__ import annotations

from collections.abc import Callable

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services.lifecycle import Journal, LifecycleService


class JournalCommand(ServiceCommand):
    """An edit the lifecycle service makes in one transaction (``action``); like every
    command, undo reverts and redo replays the journal of what it wrote."""

    def __init__(self, service: LifecycleService, action: Callable[[], Journal], text: str) -> None:
        super().__init__(text)
        self.service = service
        self.action = action
        self.entity_id: int | None = None

    def apply(self) -> None:
        self.entity_id = self.action().entity_id
