"""Dot voting in a workshop: rounds on canvas notes, requirements or feedback items, each step
undoable.

``VotingSession`` is the API a view uses (the canvas, and the requirements view
through ``RequirementVotingPanel`` in voting_panel.py): start a round, place a dot
for whoever's turn it is, take the last dot back, reveal the tallies, rank the
targets. Every change is a command on the AppContext, so Undo works as everywhere
else. This module is the model of a round; the widgets are in voting_panel.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QObject, Signal

from pmdesk.core import voting
from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import VoteTarget
from pmdesk.core.kinds import ChangeKind
from pmdesk.gui.commands import CreateCommand, DeleteCommand, ServiceCommand
from pmdesk.gui.context import AppContext
from pmdesk.store.services import CanvasService

# The vote's column that names what a round of each target votes on.
TARGET_FIELDS = {
    VoteTarget.CANVAS_NOTE: "note_id",
    VoteTarget.REQUIREMENT: "requirement_id",
    VoteTarget.FEEDBACK: "feedback_id",
}


class PlaceDotCommand(ServiceCommand):
    def __init__(
        self,
        service: CanvasService,
        round_id: int,
        *,
        note_id: int | None = None,
        requirement_id: int | None = None,
        feedback_id: int | None = None,
    ) -> None:
        super().__init__("Place a dot")
        self.service, self.round_id = service, round_id
        self.note_id, self.requirement_id = note_id, requirement_id
        self.feedback_id = feedback_id
        self.vote_id: int | None = None
        self.voter = ""

    def apply(self) -> None:
        vote = self.service.place_dot(
            self.round_id,
            note_id=self.note_id,
            requirement_id=self.requirement_id,
            feedback_id=self.feedback_id,
        )
        self.vote_id, self.voter = vote.id, vote.participant
        self.setText(f"Place a dot ({vote.participant})")


class RevealCommand(ServiceCommand):
    def __init__(self, service: CanvasService, round_id: int) -> None:
        super().__init__("Reveal the votes")
        self.service, self.round_id = service, round_id

    def apply(self) -> None:
        self.service.reveal(self.round_id)


class VotingSession(QObject):
    """One open round for a view; emits ``changed`` whenever its state may differ."""

    changed = Signal()

    def __init__(self, ctx: AppContext, target: VoteTarget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.target = target
        self.service = ctx.service(CanvasService)
        self.round_id: int | None = None
        ctx.changed.connect(self._follow)

    # -- state ------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.round_id is not None and not self.revealed

    @property
    def revealed(self) -> bool:
        return self.round_id is not None and self.service.rounds.get(self.round_id).revealed

    def current_voter(self) -> str | None:
        return self.service.current_voter(self.round_id) if self.round_id is not None else None

    def dots_left(self) -> int:
        voter = self.current_voter()
        if self.round_id is None or voter is None:
            return 0
        vote_round = self.service.rounds.get(self.round_id)
        placed = [v.participant for v in self.service.votes_of(self.round_id)]
        return voting.dots_left(vote_round.dots_per_participant, placed, voter)

    def dots_of_voter(self) -> dict[int, int]:
        """Target id -> dots the current voter placed on it (shown while voting)."""
        voter = self.current_voter()
        if self.round_id is None:
            return {}
        mine = [v for v in self.service.votes_of(self.round_id) if v.participant == voter]
        return voting.tally(self._target_of(v) for v in mine)

    def tallies(self) -> dict[int, int]:
        return self.service.tally(self.round_id) if self.round_id is not None else {}

    def ranked(self, order: Sequence[int]) -> list[int]:
        return voting.ranked(list(order), self.tallies())

    def results(self, labels: Mapping[int, str]) -> list[tuple[int, int]]:
        """(target id, dots) for every target, most dots first, ties by name.

        The order a room reads results in: by name, not by when a target was
        added, so two rounds with the same tallies read the same.
        """
        counts = self.tallies()
        return sorted(
            ((target, counts.get(target, 0)) for target in labels),
            key=lambda r: (-r[1], labels[r[0]].casefold(), r[0]),
        )

    def status(self) -> str:
        if self.round_id is None:
            return ""
        if self.revealed:
            total = sum(self.tallies().values())
            return f"Votes revealed: {total} dot{'s' * (total != 1)}"
        voter = self.current_voter()
        if voter is None:
            return "Every participant has voted — reveal the tallies"
        left = self.dots_left()
        return f"{voter}: {left} dot{'s' * (left != 1)} left — click to place"

    def _target_of(self, vote) -> int:
        return getattr(vote, TARGET_FIELDS[self.target])

    # -- actions -------------------------------------------------------------------------------

    def start(
        self,
        product_id: int,
        *,
        dots: int = 3,
        participants: Sequence[str] = (),
        board_id: int | None = None,
        title: str = "",
    ) -> bool:
        fields = {
            "product_id": product_id,
            "target": self.target,
            "board_id": board_id,
            "title": title,
            "dots_per_participant": dots,
            "participants": list(participants),
        }
        command = CreateCommand(self.service.rounds, fields, "Start a dot-voting round")
        if not self.ctx.run(command):
            return False
        self.round_id = command.entity_id
        self.changed.emit()
        return True

    def place(self, target_id: int) -> bool:
        if not self.active:
            return False
        key = TARGET_FIELDS[self.target]
        ok = self.ctx.run(PlaceDotCommand(self.service, self.round_id, **{key: target_id}))
        self.changed.emit()
        return ok

    def undo_dot(self) -> bool:
        """Take back the last dot of the round (itself undoable)."""
        if not self.active:
            return False
        votes = self.service.votes_of(self.round_id)
        if not votes:
            return False
        ok = self.ctx.run(DeleteCommand(self.service.votes, [votes[-1].id], "Take back a dot"))
        self.changed.emit()
        return ok

    def reveal(self) -> bool:
        if not self.active:
            return False
        ok = self.ctx.run(RevealCommand(self.service, self.round_id))
        self.changed.emit()
        return ok

    def open(self, round_id: int | None) -> None:
        """Show a stored round: its results if revealed, else carry on voting in it."""
        self.round_id = round_id
        self.changed.emit()

    def close(self) -> None:
        self.round_id = None
        self.changed.emit()

    def _follow(self, changes: ChangeSet) -> None:
        if self.round_id is not None and self._round_gone(changes):
            self.round_id = None  # the start was undone, or someone else removed the round
        if changes.touches(ChangeKind.VOTE, ChangeKind.VOTE_ROUND):
            self.changed.emit()

    def _round_gone(self, changes: ChangeSet) -> bool:
        if self.round_id in changes.ids(ChangeKind.VOTE_ROUND, "delete"):
            return True
        if changes.reloads(ChangeKind.VOTE_ROUND):  # after a reconnect: look, it may be gone
            rounds = self.service.rounds
            return rounds.count(rounds.model.id == self.round_id) == 0
        return False
