"""Undoable canvas edits that are more than one row: moves, duplicates, template switches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pmdesk.core.enums import CanvasTemplate
from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services import CanvasService
from pmdesk.store.snapshot import Snapshot


class UpdateNotesCommand(ServiceCommand):
    """Change several notes in one step (colour of a selection, order after voting)."""

    def __init__(
        self, service: CanvasService, changes: dict[int, dict[str, Any]], text: str
    ) -> None:
        super().__init__(text)
        self.service, self.changes = service, changes
        self.previous: dict[int, dict[str, Any]] = {}

    def apply(self) -> None:
        self.previous = self.service.notes.update_many(self.changes)

    def revert(self) -> None:
        self.service.notes.update_many(self.previous)


class MoveNotesCommand(ServiceCommand):
    def __init__(
        self, service: CanvasService, note_ids: Sequence[int], block: str, index: int, text: str
    ) -> None:
        super().__init__(text)
        self.service, self.note_ids, self.block, self.index = service, list(note_ids), block, index
        self.previous: dict[int, dict[str, Any]] = {}

    def apply(self) -> None:
        self.previous = self.service.move_notes(self.note_ids, self.block, self.index)

    def revert(self) -> None:
        self.service.notes.update_many(self.previous)


class DuplicateNotesCommand(ServiceCommand):
    """Duplicate notes; undo deletes the copies, redo brings back the very same rows."""

    def __init__(self, service: CanvasService, note_ids: Sequence[int], text: str) -> None:
        super().__init__(text)
        self.service, self.note_ids = service, list(note_ids)
        self.copies: list[int] = []
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        if self._snapshot is None:
            self.copies = self.service.duplicate_notes(self.note_ids)
        else:
            self.service.notes.restore(self._snapshot)

    def revert(self) -> None:
        self._snapshot = self.service.notes.delete(self.copies)


class SwitchTemplateCommand(ServiceCommand):
    def __init__(self, service: CanvasService, board_id: int, template: CanvasTemplate) -> None:
        super().__init__(f"Switch the board to {template.label}")
        self.service, self.board_id, self.template = service, board_id, template
        self.previous: dict[str, Any] = {}

    def apply(self) -> None:
        self.previous = self.service.switch_template(self.board_id, self.template)

    def revert(self) -> None:
        self.service.restore_template(self.board_id, self.previous)
