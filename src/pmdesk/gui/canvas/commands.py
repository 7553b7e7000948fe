"""Undoable canvas edits that are more than one row: moves, duplicates, template switches.

Each makes its edit once; undo and redo come from the journal (``gui/commands.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pmdesk.core.enums import CanvasTemplate
from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services import CanvasService


class UpdateNotesCommand(ServiceCommand):
    """Change several notes in one step (colour of a selection, order after voting)."""

    def __init__(
        self, service: CanvasService, changes: dict[int, dict[str, Any]], text: str
    ) -> None:
        super().__init__(text)
        self.service, self.changes = service, changes

    def apply(self) -> None:
        self.service.notes.update_many(self.changes)


class MoveNotesCommand(ServiceCommand):
    def __init__(
        self, service: CanvasService, note_ids: Sequence[int], block: str, index: int, text: str
    ) -> None:
        super().__init__(text)
        self.service, self.note_ids, self.block, self.index = service, list(note_ids), block, index

    def apply(self) -> None:
        self.service.move_notes(self.note_ids, self.block, self.index)


class DuplicateNotesCommand(ServiceCommand):
    """Duplicate notes; undo deletes the copies, redo brings back the very same rows."""

    def __init__(self, service: CanvasService, note_ids: Sequence[int], text: str) -> None:
        super().__init__(text)
        self.service, self.note_ids = service, list(note_ids)
        self.copies: list[int] = []

    def apply(self) -> None:
        self.copies = self.service.duplicate_notes(self.note_ids)


class SwitchTemplateCommand(ServiceCommand):
    def __init__(self, service: CanvasService, board_id: int, template: CanvasTemplate) -> None:
        super().__init__(f"Switch the board to {template.label}")
        self.service, self.board_id, self.template = service, board_id, template

    def apply(self) -> None:
        self.service.switch_template(self.board_id, self.template)
