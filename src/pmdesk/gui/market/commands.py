"""Market edits, each one undo step over one MarketService transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services.market import MarketService


class MarketCommand(ServiceCommand):
    """One MarketService write (``action``), made once; undo reverts and redo replays the
    journal of what it wrote. ``result`` is what the write returned (a new row's id)."""

    def __init__(self, service: MarketService, action: Callable[[], Any], text: str) -> None:
        super().__init__(text)
        self.service = service
        self.action = action
        self.result: Any = None

    def apply(self) -> None:
        self.result = self.action()
