"""The notes of a board as an editable table (the Board tab's companion): sort, filter, edit."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from pmdesk.core.canvas_blocks import block_label, blocks_of
from pmdesk.core.errors import ValidationError
from pmdesk.core.kinds import ChangeKind
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.workshop.theme import STICKIES, nearest_sticky
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import CanvasService


def _colour_changes(value: Any, _row: Any) -> dict[str, Any]:
    text = str(value or "").strip()
    if not text.startswith("#") or not QColor(text).isValid():
        raise ValidationError("colour", f"“{text}” is not a colour; pick one or type #RRGGBB")
    return {"colour": QColor(text).name().upper()}


def _note_name(row: Any) -> str:
    text = " ".join(row.text.split())
    return text[:40] + "…" if len(text) > 40 else text or "note"


class NotesTable(EntityTable):
    def __init__(
        self, ctx: AppContext, service: CanvasService, owner: Any, parent: QWidget | None = None
    ) -> None:
        self.service = service
        self.owner = owner  # the CanvasView: its board and template
        self.blocks = Lookup(self._blocks, (ChangeKind.CANVAS_NOTE, ChangeKind.CANVAS_BOARD))
        model = EntityTableModel(ctx, service.notes, self._columns(), name_of=_note_name)
        super().__init__(
            model,
            noun=("note", "notes"),
            create=self._new_note,
            edit_field="text",
            sort_field="block",
            parent=parent,
        )
        model.setParent(self)
        self.view.setAccessibleName("Canvas notes")
        self.view.horizontalHeader().setAccessibleName("Note columns")
        self.view.verticalHeader().setAccessibleName("Note rows")
        self.filter_box.setAccessibleName("Filter notes")

    def _columns(self) -> list[Column]:
        return [
            Column(
                "block",
                "Block",
                Kind.CHOICE,
                choices=self.blocks,
                width=26,
                display=lambda r: block_label(r.block, self.owner.template),
                sort_value=self._block_rank,
            ),
            Column(
                "colour",
                "Colour",
                Kind.COLOUR,
                display=lambda r: nearest_sticky(r.colour).name,
                decoration=lambda r: r.colour,
                to_changes=_colour_changes,
                width=12,
            ),
            Column("votes", "Votes", Kind.INT, minimum=0, width=6),
            Column("text", "Note", Kind.LONG_TEXT, width=60),
        ]

    def _block_rank(self, row: Any) -> tuple[int, int]:
        keys = [key for key, _label in blocks_of(self.owner.template)]
        return (keys.index(row.block), row.position) if row.block in keys else (len(keys), 0)

    def _blocks(self) -> dict[str, str]:
        found = dict(blocks_of(self.owner.template))
        for note in self.model.entities():
            found.setdefault(note.block, block_label(note.block, self.owner.template))
        return found

    def show_board(self, board_id: int | None) -> None:
        self.model.set_query(
            TableQuery.where_equal(self.service.notes, board_id=board_id)
            if board_id is not None
            else None
        )

    def _new_note(self) -> CreateCommand:
        board_id = self.owner.board_id
        if board_id is None:
            raise ValidationError("board", "add a board first")
        block = self.owner.scene.current_block() or blocks_of(self.owner.template)[0][0]
        return CreateCommand(
            self.service.notes,
            {
                "board_id": board_id,
                "block": block,
                "text": "",
                "colour": STICKIES[0].code,
                "position": self.service.notes.count(),
            },
            "Add note",
        )
