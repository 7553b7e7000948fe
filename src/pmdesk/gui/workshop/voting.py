"""Dot voting in a workshop: rounds on canvas notes or on requirements, each step undoable.

``VotingSession`` is the API a view uses (the canvas, and the requirements view
through ``RequirementVotingPanel``): start a round, place a dot for whoever's
turn it is, take the last dot back, reveal the tallies, rank the targets.
Every change is a command on the AppContext, so Undo works as everywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QModelIndex, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
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
    def __init__(
        self,
        service: CanvasService,
        round_id: int,
        *,
        note_id: int | None = None,
        requirement_id: int | None = None,
    ) -> None:
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
        vote = self.service.place_dot(
            self.round_id, note_id=self.note_id, requirement_id=self.requirement_id
        )
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
        return vote.note_id if self.target == VoteTarget.CANVAS_NOTE else vote.requirement_id

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
        if changes.touches("vote", "vote_round"):
            self.changed.emit()

    def _round_gone(self, changes: ChangeSet) -> bool:
        if self.round_id in changes.ids("vote_round", "delete"):
            return True
        if changes.reloads("vote_round"):  # after a reconnect: look, it may be gone
            rounds = self.service.rounds
            return rounds.count(rounds.model.id == self.round_id) == 0
        return False


DOT = "●"
MAX_DOTS_DRAWN = 12  # beyond this the number says it better than a row of dots


def round_label(vote_round) -> str:
    """“12 Mar 2027 14:05 · 3 dots · Ana, Ben” (the stored time is UTC, shown local)."""
    held = vote_round.held_at.replace(tzinfo=dt.UTC).astimezone()
    who = ", ".join(vote_round.participants) if vote_round.participants else "anonymous"
    dots = vote_round.dots_per_participant
    state = "" if vote_round.revealed else " · open"
    return f"{held:%d %b %Y %H:%M} · {dots} dot{'s' * (dots != 1)} each · {who}{state}"


def dots_text(count: int) -> str:
    if not count:
        return ""
    return f"{DOT * min(count, MAX_DOTS_DRAWN)}  {count}"


LABEL_ROLE = Qt.ItemDataRole.UserRole + 1
DOTS_ROLE = Qt.ItemDataRole.UserRole + 2
ROW_HEIGHT = 30


class DotsDelegate(QStyledItemDelegate):
    """The requirement on the left, its dots right-aligned in the accent colour, roomy rows."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(super().sizeHint(option, index).width(), ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        label, dots = index.data(LABEL_ROLE), index.data(DOTS_ROLE) or 0
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, option.widget)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        faded = index.data(Qt.ItemDataRole.ForegroundRole)  # a brush for rows without dots
        if selected:
            text_colour = palette.highlightedText()
        else:
            text_colour = faded if faded is not None else palette.text()
        rect = option.rect.adjusted(10, 0, -10, 0)
        dots_width = 0
        if dots:
            painter.setFont(option.font)
            text = dots_text(dots)
            dots_width = option.fontMetrics.horizontalAdvance(text) + 16
            painter.setPen(
                palette.highlightedText().color() if selected else palette.highlight().color()
            )
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, text
            )
        painter.setPen(text_colour.color())
        room = QRect(rect.left(), rect.top(), rect.width() - dots_width, rect.height())
        elided = option.fontMetrics.elidedText(
            label or "", Qt.TextElideMode.ElideRight, room.width()
        )
        painter.drawText(room, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
        painter.restore()


class RequirementVotingPanel(QWidget):
    """Dot voting over a product's requirements, embedded in the requirements view.

    ``set_requirements([(id, label), ...])`` fills it. A round starts with the
    dots each participant has and their names (none: anonymous voters pass the
    keyboard); a click on a requirement places a dot for whoever's turn it is;
    "Undo dot" takes the last one back; "Reveal" shows the tallies, ranked by
    votes. Earlier rounds stay in the file with their date and can be opened
    again from the "Round" list. When no round is open, a click emits
    ``requirementRequested`` so the view can show that requirement.
    """

    requirementRequested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = VotingSession(ctx, VoteTarget.REQUIREMENT, self)
        self.product_id: int | None = None
        self._titles: dict[int, str] = {}
        self._round_ids: list[int | None] = []
        self._build()
        self.start_button.clicked.connect(self.start)
        self.undo_button.clicked.connect(self.session.undo_dot)
        self.reveal_button.clicked.connect(self.session.reveal)
        self.rounds.activated.connect(self._round_chosen)
        self.list.itemClicked.connect(self._clicked)
        self.session.changed.connect(self.refresh)
        self.refresh()

    def _build(self) -> None:
        self.rounds = QComboBox()
        self.rounds.setMinimumContentsLength(28)
        self.rounds.setToolTip("Rounds are kept with their date and results: open one again")
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
        bold = QFont(self.status.font())
        bold.setBold(True)
        self.status.setFont(bold)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.setItemDelegate(DotsDelegate(self.list))
        self.list.setUniformItemSizes(True)
        setup = QHBoxLayout()
        setup.addWidget(QLabel("Round"))
        setup.addWidget(self.rounds)
        setup.addSpacing(12)
        for widget in (self.dots, self.participants, self.start_button):
            setup.addWidget(widget)
        setup.setStretchFactor(self.participants, 1)
        turn = QHBoxLayout()
        turn.addWidget(self.status, 1)
        turn.addWidget(self.undo_button)
        turn.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(setup)
        layout.addLayout(turn)
        layout.addWidget(self.list, 1)

    # -- what the view calls ----------------------------------------------------------------------

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

    def row_of(self, requirement_id: int) -> int | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == requirement_id:
                return row
        return None

    # -- reacting ---------------------------------------------------------------------------------

    def _clicked(self, item: QListWidgetItem) -> None:
        requirement_id = item.data(Qt.ItemDataRole.UserRole)
        if self.session.active:
            self.session.place(requirement_id)
        else:
            self.requirementRequested.emit(requirement_id)

    def _round_chosen(self, index: int) -> None:
        if 0 <= index < len(self._round_ids):
            self.session.open(self._round_ids[index])

    def refresh(self) -> None:
        self._fill_rounds()
        revealed = self.session.revealed
        counts = self.session.tallies() if revealed else self.session.dots_of_voter()
        order = (
            [t for t, _dots in self.session.results(self._titles)]
            if revealed
            else list(self._titles)
        )
        current = self.list.currentRow()
        self.list.clear()
        for requirement_id in order:
            dots = counts.get(requirement_id, 0)
            label = self._titles[requirement_id]
            item = QListWidgetItem(f"{label}     {dots_text(dots)}" if dots else label)
            item.setData(Qt.ItemDataRole.UserRole, requirement_id)
            item.setData(LABEL_ROLE, label)
            item.setData(DOTS_ROLE, dots)
            if revealed and not dots:
                item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
            self.list.addItem(item)
        if 0 <= current < self.list.count() and not revealed:
            self.list.setCurrentRow(current)
        self.status.setText(
            self.session.status() or "Start a round, then click requirements to place dots"
        )
        active = self.session.active
        self.undo_button.setEnabled(active)
        self.reveal_button.setEnabled(active)

    def _fill_rounds(self) -> None:
        """The product's rounds, newest first, after “New round”; the open one chosen."""
        stored = (
            []
            if self.product_id is None
            else self.session.service.rounds_of(self.product_id, VoteTarget.REQUIREMENT)
        )
        stored.sort(key=lambda r: (r.held_at, r.id), reverse=True)
        ids = [None] + [r.id for r in stored]
        labels = ["New round"] + [round_label(r) for r in stored]
        if (
            ids != self._round_ids
            or [self.rounds.itemText(i) for i in range(self.rounds.count())] != labels
        ):
            self.rounds.blockSignals(True)
            self.rounds.clear()
            self.rounds.addItems(labels)
            self.rounds.blockSignals(False)
            self._round_ids = ids
        wanted = ids.index(self.session.round_id) if self.session.round_id in ids else 0
        self.rounds.setCurrentIndex(wanted)
        choosing = not self.session.active  # a revealed round leaves the way open to the next
        for widget in (self.dots, self.participants, self.start_button):
            widget.setEnabled(choosing)
