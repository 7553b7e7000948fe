"""Canvas boards and sticky notes, note links, and dot-voting rounds."""

from __future__ import annotations

import sqlalchemy as sa

from ..models import CanvasBoard, CanvasNote, NoteItemLink, NoteRequirementLink, Vote, VoteRound
from .base import Repo


class CanvasService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.boards = Repo(ws, CanvasBoard, order_by=(CanvasBoard.sort_order, CanvasBoard.id))
        self.notes = Repo(
            ws, CanvasNote, order_by=(CanvasNote.block, CanvasNote.position, CanvasNote.id)
        )
        self.rounds = Repo(ws, VoteRound, order_by=(VoteRound.held_at,))
        self.votes = Repo(ws, Vote)

    def boards_of(self, product_id: int) -> list[CanvasBoard]:
        return self.boards.list(CanvasBoard.product_id == product_id)

    def notes_of_board(self, board_id: int) -> list[CanvasNote]:
        return self.notes.list(CanvasNote.board_id == board_id)

    def notes_of_product(self, product_id: int) -> list[CanvasNote]:
        boards = sa.select(CanvasBoard.id).where(CanvasBoard.product_id == product_id)
        return self.notes.list(CanvasNote.board_id.in_(boards))

    def link_note(self, note_id: int, *, item_id: int | None = None,
                  requirement_id: int | None = None) -> None:
        with self.ws.transaction() as uow:
            if item_id is not None:
                uow.session.merge(NoteItemLink(note_id=note_id, item_id=item_id))
                uow.record("note_item_link", "insert", [(note_id, item_id)])
            if requirement_id is not None:
                uow.session.merge(NoteRequirementLink(note_id=note_id, requirement_id=requirement_id))
                uow.record("note_requirement_link", "insert", [(note_id, requirement_id)])

    def unlink_note(self, note_id: int, *, item_id: int | None = None,
                    requirement_id: int | None = None) -> None:
        with self.ws.transaction() as uow:
            if item_id is not None:
                uow.session.execute(sa.delete(NoteItemLink).where(
                    NoteItemLink.note_id == note_id, NoteItemLink.item_id == item_id))
                uow.record("note_item_link", "delete", [(note_id, item_id)])
            if requirement_id is not None:
                uow.session.execute(sa.delete(NoteRequirementLink).where(
                    NoteRequirementLink.note_id == note_id,
                    NoteRequirementLink.requirement_id == requirement_id))
                uow.record("note_requirement_link", "delete", [(note_id, requirement_id)])
