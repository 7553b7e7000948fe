"""Business case edits, each one undo step over one FinanceService transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services.finance import FinanceService


class FinanceCommand(ServiceCommand):
    """One FinanceService write (``action``), made once; undo reverts and redo replays the
    journal of what it wrote, like every command. ``result`` is what the write returned
    (the id of a new case, scenario or version)."""

    def __init__(self, service: FinanceService, action: Callable[[], Any], text: str) -> None:
        super().__init__(text)
        self.service = service
        self.action = action
        self.result: Any = None

    def apply(self) -> None:
        self.result = self.action()
