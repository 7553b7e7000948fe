"""Launch edits that touch many rows at once, each one undo step.

Each makes its edit once; undo and redo come from the journal (``gui/commands.py``).
"""

from __future__ import annotations

import datetime as dt

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services import LaunchService


class CreateLaunchCommand(ServiceCommand):
    """A new launch with its tier's default checklist; undo removes both, redo restores both."""

    def __init__(
        self,
        service: LaunchService,
        product_id: int,
        name: str,
        launch_date: dt.date,
        tier: int,
        text: str,
    ) -> None:
        super().__init__(text)
        self.service = service
        self.fields = (product_id, name, launch_date, tier)
        self.entity_id: int | None = None

    def apply(self) -> None:
        self.entity_id = self.service.create_launch(*self.fields).id


class AddChecklistCommand(ServiceCommand):
    """The tier's default checklist added to a launch; undo removes exactly those tasks."""

    def __init__(self, service: LaunchService, launch_id: int, tier: int, text: str) -> None:
        super().__init__(text)
        self.service = service
        self.launch_id = launch_id
        self.tier = tier
        self.task_ids: list[int] = []

    def apply(self) -> None:
        self.task_ids = self.service.add_checklist(self.launch_id, self.tier)
