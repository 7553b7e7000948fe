"""Undoable edits of the stakeholder map: moves, contacts done, RACI cells.

Each is one step on the undo stack and calls the StakeholderService only; undo and
redo come from the journal of what it wrote (``gui/commands.py``): an undone move
takes away the trail point the move added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services.stakeholders import RaciKey, StakeholderService


class MoveCommand(ServiceCommand):
    """Move one or several stakeholders on the map at once; undo puts them (and the trail) back."""

    def __init__(
        self, service: StakeholderService, moves: dict[int, dict[str, Any]], text: str
    ) -> None:
        super().__init__(text)
        self.service = service
        self.moves = {person: dict(fields) for person, fields in moves.items()}

    def apply(self) -> None:
        self.service.stakeholders.update_many(self.moves)


class ContactDoneCommand(ServiceCommand):
    """A contact made on ``on``: last contact is that day, the next follows from the frequency."""

    def __init__(self, service: StakeholderService, person_id: int, on: dt.date, text: str) -> None:
        super().__init__(text)
        self.service = service
        self.person_id = person_id
        self.on = on

    def apply(self) -> None:
        self.service.mark_contact_done(self.person_id, self.on)


class RaciCommand(ServiceCommand):
    """One cell of the RACI matrix (and the Accountable it may move), as one step."""

    def __init__(
        self,
        service: StakeholderService,
        product_id: int,
        key: RaciKey,
        person_id: int,
        role: str | None,
        text: str,
    ) -> None:
        super().__init__(text)
        self.service = service
        self.product_id = product_id
        self.key = key
        self.person_id = person_id
        self.role = role

    def apply(self) -> None:
        self.service.set_raci(self.product_id, self.key, self.person_id, self.role)
