"""Canvas boards and sticky notes, note links, and dot-voting rounds."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from pmdesk.core import voting
from pmdesk.core.enums import CanvasTemplate, VoteTarget
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.templates import TO_SORT, remap_blocks

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

    def link_note(
        self, note_id: int, *, item_id: int | None = None, requirement_id: int | None = None
    ) -> None:
        with self.ws.transaction() as uow:
            if item_id is not None:
                uow.session.merge(NoteItemLink(note_id=note_id, item_id=item_id))
                uow.record("note_item_link", "insert", [(note_id, item_id)])
            if requirement_id is not None:
                uow.session.merge(
                    NoteRequirementLink(note_id=note_id, requirement_id=requirement_id)
                )
                uow.record("note_requirement_link", "insert", [(note_id, requirement_id)])

    def unlink_note(
        self, note_id: int, *, item_id: int | None = None, requirement_id: int | None = None
    ) -> None:
        with self.ws.transaction() as uow:
            if item_id is not None:
                uow.delete("note_item_link", [(note_id, item_id)])
            if requirement_id is not None:
                uow.delete("note_requirement_link", [(note_id, requirement_id)])

    # -- links --------------------------------------------------------------------------------

    def link_counts(self, board_id: int) -> dict[int, tuple[int, int]]:
        """Note id -> (roadmap items, requirements) it links to, for the notes of a board."""
        notes = sa.select(CanvasNote.id).where(CanvasNote.board_id == board_id)
        counts: dict[int, list[int]] = {}
        with self.ws.read() as session:
            for slot, note in enumerate((NoteItemLink.note_id, NoteRequirementLink.note_id)):
                stmt = sa.select(note, sa.func.count()).where(note.in_(notes)).group_by(note)
                for note_id, count in session.execute(stmt):
                    counts.setdefault(note_id, [0, 0])[slot] = count
        return {note_id: (pair[0], pair[1]) for note_id, pair in counts.items()}

    def links_of_note(self, note_id: int) -> tuple[list[int], list[int]]:
        """(roadmap item ids, requirement ids) a note links to."""
        with self.ws.read() as session:
            items = session.scalars(
                sa.select(NoteItemLink.item_id).where(NoteItemLink.note_id == note_id)
            )
            reqs = session.scalars(
                sa.select(NoteRequirementLink.requirement_id).where(
                    NoteRequirementLink.note_id == note_id
                )
            )
            return sorted(items), sorted(reqs)

    # -- moving, duplicating, switching templates -----------------------------------------

    def move_notes(self, note_ids: Sequence[int], block: str, index: int) -> dict[int, dict]:
        """Put notes into ``block`` at ``index`` (in the given order), in one step.

        The target block and the blocks the notes left are renumbered 0, 1, 2...
        Returns the previous values; undo is the journal's (``Workspace.revert``).
        """
        moving = list(dict.fromkeys(note_ids))
        if not moving:
            return {}
        board_id = self.notes.get(moving[0]).board_id
        order: dict[str, list[int]] = {}
        for note in self.notes_of_board(board_id):
            if note.id not in moving:
                order.setdefault(note.block, []).append(note.id)
        target = order.setdefault(block, [])
        index = max(0, min(index, len(target)))
        target[index:index] = moving
        positions = {nid: (key, pos) for key, ids in order.items() for pos, nid in enumerate(ids)}
        changes = {nid: {"block": key, "position": pos} for nid, (key, pos) in positions.items()}
        return self.notes.update_many(changes)

    def duplicate_notes(self, note_ids: Sequence[int]) -> list[int]:
        """Copies (text, colour, block) placed right after each original; votes are not copied."""
        originals = [self.notes.get(nid) for nid in dict.fromkeys(note_ids)]
        with self.ws.transaction() as uow:
            copies = [
                CanvasNote(
                    board_id=n.board_id,
                    block=n.block,
                    text=n.text,
                    colour=n.colour,
                    position=n.position,
                    votes=0,
                )
                for n in originals
            ]
            uow.session.add_all(copies)
            uow.session.flush()
            return [copy.id for copy in copies]

    def switch_template(self, board_id: int, template: CanvasTemplate | str) -> None:
        """Give a board another template in one step, keeping every note.

        Notes go to the block of the same meaning, or to "to sort" when the new
        template has none. Undo is the journal's (``Workspace.revert``).
        """
        new = CanvasTemplate.from_label(template) if isinstance(template, str) else template
        with self.ws.transaction() as uow:
            board = uow.session.get(CanvasBoard, board_id)
            if board is None:
                raise NotFoundError("canvas_board", board_id)
            mapping = remap_blocks(board.template, new)
            notes = uow.session.scalars(
                sa.select(CanvasNote)
                .where(CanvasNote.board_id == board_id)
                .order_by(CanvasNote.position, CanvasNote.id)
            )
            counters: dict[str, int] = {}
            for note in notes:
                note.block = mapping.get(note.block, TO_SORT)
                note.position = counters.get(note.block, 0)
                counters[note.block] = note.position + 1
            board.template = new

    # -- dot voting ---------------------------------------------------------------------------

    def rounds_of(self, product_id: int, target: VoteTarget | None = None) -> list[VoteRound]:
        where = [VoteRound.product_id == product_id]
        if target is not None:
            where.append(VoteRound.target == target)
        return self.rounds.list(*where)

    def votes_of(self, round_id: int) -> list[Vote]:
        return self.votes.list(Vote.round_id == round_id, order_by=(Vote.id,))

    def current_voter(self, round_id: int) -> str | None:
        vote_round = self.rounds.get(round_id)
        placed = [v.participant for v in self.votes_of(round_id)]
        return voting.current_voter(
            vote_round.participants, vote_round.dots_per_participant, placed
        )

    def place_dot(
        self,
        round_id: int,
        *,
        note_id: int | None = None,
        requirement_id: int | None = None,
        feedback_id: int | None = None,
        participant: str | None = None,
    ) -> Vote:
        """One dot from ``participant`` (default: whoever's turn it is), within their budget."""
        vote_round = self.rounds.get(round_id)
        if vote_round.revealed:
            raise ValidationError("round", "the votes are revealed; start a new round")
        given = {
            VoteTarget.CANVAS_NOTE: note_id,
            VoteTarget.REQUIREMENT: requirement_id,
            VoteTarget.FEEDBACK: feedback_id,
        }
        chosen = [target for target, target_id in given.items() if target_id is not None]
        if chosen != [vote_round.target]:
            raise ValidationError("dot", f"this round votes on {vote_round.target.label.lower()}s")
        placed = [v.participant for v in self.votes_of(round_id)]
        voter = participant or voting.current_voter(
            vote_round.participants, vote_round.dots_per_participant, placed
        )
        if voter is None:
            raise ValidationError("dots", "every participant has used their dots")
        voting.check_dot(vote_round.participants, vote_round.dots_per_participant, placed, voter)
        return self.votes.create(
            round_id=round_id,
            participant=voter,
            note_id=note_id,
            requirement_id=requirement_id,
            feedback_id=feedback_id,
        )

    def tally(self, round_id: int) -> dict[int, int]:
        """Target id (note, requirement or feedback item) -> dots, for one round."""
        targets = (
            v.note_id
            if v.note_id is not None
            else v.requirement_id
            if v.requirement_id is not None
            else v.feedback_id
            for v in self.votes_of(round_id)
        )
        return voting.tally(t for t in targets if t is not None)  # a vote has one (CHECK)

    def reveal(self, round_id: int) -> None:
        """Show a round's results; a note round writes its tallies onto the board's notes.

        Undo is the journal's (``Workspace.revert``): the round hides, the counts go back.
        """
        vote_round = self.rounds.get(round_id)
        counts = self.tally(round_id)
        with self.ws.transaction() as uow:
            stored = uow.session.get(VoteRound, round_id)
            stored.revealed = True
            if vote_round.target == VoteTarget.CANVAS_NOTE and vote_round.board_id is not None:
                for note in uow.session.scalars(
                    sa.select(CanvasNote).where(CanvasNote.board_id == vote_round.board_id)
                ):
                    note.votes = counts.get(note.id, 0)
