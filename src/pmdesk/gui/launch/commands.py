"""Launch edits that touch many rows at once, each one undo step."""

from __future__ import annotations

import datetime as dt

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services import LaunchService
from pmdesk.store.snapshot import Snapshot


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
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        if self._snapshot is None:
            self.entity_id = self.service.create_launch(*self.fields).id
        else:
            self.service.launches.restore(self._snapshot)

    def revert(self) -> None:
        assert self.entity_id is not None
        self._snapshot = self.service.launches.delete(self.entity_id)


class AddChecklistCommand(ServiceCommand):
    """The tier's default checklist added to a launch; undo removes exactly those tasks."""

    def __init__(self, service: LaunchService, launch_id: int, tier: int, text: str) -> None:
        super().__init__(text)
        self.service = service
        self.launch_id = launch_id
        self.tier = tier
        self.task_ids: list[int] = []
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        if self._snapshot is None:
            self.task_ids = self.service.add_checklist(self.launch_id, self.tier)
        else:
            self.service.tasks.restore(self._snapshot)

    def revert(self) -> None:
        self._snapshot = self.service.tasks.delete(self.task_ids)
