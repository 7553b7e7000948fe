"""Undoable requirement edits that are not one row's fields: links to roadmap items."""

from __future__ import annotations

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services import RequirementService


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
