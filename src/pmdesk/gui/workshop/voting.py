"""Dot voting in a workshop: rounds on canvas notes or on requirements, each step undoable.

``VotingSession`` is the API a view uses (the canvas, and the requirements view
through ``RequirementVotingPanel``): start a round, place a dot for whoever's
turn it is, take the last dot back, reveal the tallies, rank the targets.
Every change is a command on the AppContext, so Undo works as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core import voting
from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import VoteTarget
from pmdesk.gui.commands import CreateCommand, DeleteCommand, ServiceCommand
from pmdesk.gui.context import AppContext
from pmdesk.store.services import CanvasService
from pmdesk.store.snapshot import Snapshot


class PlaceDotCommand(ServiceCommand):
    def __init__(self, service: CanvasService, round_id: int, *, note_id: int | None = None,
                 requirement_id: int | None = None) -> None:
        super().__init__("Place a dot")
        self.service, self.round_id = service, round_id
        self.note_id, self.requirement_id = note_id, requirement_id
        self.vote_id: int | None = None
        self.voter = ""
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        if self._snapshot is not None:
            self.service.votes.restore(self._snapshot)
            return
        vote = self.service.place_dot(self.round_id, note_id=self.note_id,
                                      requirement_id=self.requirement_id)
        self.vote_id, self.voter = vote.id, vote.participant
        self.setText(f"Place a dot ({vote.participant})")

    def revert(self) -> None:
        self._snapshot = self.service.votes.delete(self.vote_id)


class RevealCommand(ServiceCommand):
    def __init__(self, service: CanvasService, round_id: int) -> None:
        super().__init__("Reveal the votes")
        self.service, self.round_id = service, round_id
        self.previous: dict[int, int] = {}

    def apply(self) -> None:
        self.previous = self.service.reveal(self.round_id)

    def revert(self) -> None:
        self.service.hide(self.round_id, self.previous)


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
        return vote.note_id if self.target == VoteTarget.CANVAS_NOTE else vote.requirement_id

    # -- actions -------------------------------------------------------------------------------

    def start(self, product_id: int, *, dots: int = 3, participants: Sequence[str] = (),
              board_id: int | None = None, title: str = "") -> bool:
        fields = {"product_id": product_id, "target": self.target, "board_id": board_id,
                  "title": title, "dots_per_participant": dots,
                  "participants": list(participants)}
        command = CreateCommand(self.service.rounds, fields, "Start a dot-voting round")
        if not self.ctx.run(command):
            return False
        self.round_id = command.entity_id
        self.changed.emit()
        return True

    def place(self, target_id: int) -> bool:
        if not self.active:
            return False
        key = "note_id" if self.target == VoteTarget.CANVAS_NOTE else "requirement_id"
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

    def close(self) -> None:
        self.round_id = None
        self.changed.emit()

    def _follow(self, changes: ChangeSet) -> None:
        if self.round_id is not None and self.round_id in changes.ids("vote_round", "delete"):
            self.round_id = None  # the start was undone
        if changes.touches("vote", "vote_round"):
            self.changed.emit()


class RequirementVotingPanel(QWidget):
    """A small voting panel over a product's requirements, for the requirements view to embed.

    ``set_requirements([(id, title), ...])`` fills it; a click on a row places a dot.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = VotingSession(ctx, VoteTarget.REQUIREMENT, self)
        self.product_id: int | None = None
        self._titles: dict[int, str] = {}
        self.dots = QSpinBox()
        self.dots.setRange(1, 20)
        self.dots.setValue(3)
        self.dots.setPrefix("Dots each: ")
        self.participants = QLineEdit()
        self.participants.setPlaceholderText("Names, comma-separated (empty: pass the keyboard)")
        self.start_button = QPushButton("Start round")
        self.undo_button = QPushButton("Undo dot")
        self.reveal_button = QPushButton("Reveal")
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        top = QHBoxLayout()
        for widget in (self.dots, self.participants, self.start_button, self.undo_button,
                       self.reveal_button):
            top.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        self.start_button.clicked.connect(self.start)
        self.undo_button.clicked.connect(self.session.undo_dot)
        self.reveal_button.clicked.connect(self.session.reveal)
        self.list.itemClicked.connect(
            lambda item: self.session.place(item.data(Qt.ItemDataRole.UserRole)))
        self.session.changed.connect(self.refresh)
        self.refresh()

    def set_requirements(self, product_id: int | None, rows: Sequence[tuple[int, str]]) -> None:
        if product_id != self.product_id:
            self.session.close()
        self.product_id = product_id
        self._titles = dict(rows)
        self.refresh()

    def start(self) -> bool:
        if self.product_id is None:
            return False
        names = voting.parse_participants(self.participants.text())
        return self.session.start(self.product_id, dots=self.dots.value(), participants=names)

    def refresh(self) -> None:
        revealed = self.session.revealed
        counts = self.session.tallies() if revealed else self.session.dots_of_voter()
        order = self.session.ranked(list(self._titles)) if revealed else list(self._titles)
        self.list.clear()
        for requirement_id in order:
            dots = counts.get(requirement_id, 0)
            text = self._titles[requirement_id] + (f"   ● {dots}" if dots else "")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, requirement_id)
            self.list.addItem(item)
        self.status.setText(self.session.status() or "Start a round to vote on requirements")
        self.undo_button.setEnabled(self.session.active)
        self.reveal_button.setEnabled(self.session.active)
