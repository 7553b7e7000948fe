"""Dot voting over a product's requirements or feedback items: the panel a view embeds
(the requirements view; the Market view's feedback inbox in workshop mode).

The panel is the room's face of a :class:`~pmdesk.gui.workshop.voting.VotingSession`
(the round, its dots and tallies, every step undoable): a list of targets with their
dots, the round's setup and the turn's status, and the rounds kept in the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
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
from pmdesk.core.enums import VoteTarget
from pmdesk.core.wording import short_moment
from pmdesk.gui.context import AppContext

from .voting import VotingSession

DOT = "●"
MAX_DOTS_DRAWN = 12  # beyond this the number says it better than a row of dots


def round_label(vote_round) -> str:
    """“12 Mar 2027 14:05 · 3 dots · Ana, Ben” (the stored time is UTC, shown local)."""
    held = vote_round.held_at.replace(tzinfo=dt.UTC).astimezone()
    who = ", ".join(vote_round.participants) if vote_round.participants else "anonymous"
    dots = vote_round.dots_per_participant
    state = "" if vote_round.revealed else " · open"
    return f"{short_moment(held)} · {dots} dot{'s' * (dots != 1)} each · {who}{state}"


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
        width = super().sizeHint(option, index).width()
        view = option.widget
        if view is not None and hasattr(view, "viewport"):  # a long label is elided, not scrolled
            width = min(width, view.viewport().width())
        return QSize(width, ROW_HEIGHT)

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


class VotingPanel(QWidget):
    """Dot voting over a product's requirements or feedback items (``target``).

    ``set_targets([(id, label), ...])`` fills it. A round starts with the
    dots each participant has and their names (none: anonymous voters pass the
    keyboard); a click on a target places a dot for whoever's turn it is;
    "Undo dot" takes the last one back; "Reveal" shows the tallies, ranked by
    votes. Earlier rounds stay in the file with their date and can be opened
    again from the "Round" list. When no round is open, a click emits
    ``targetRequested`` so the view can show that target.
    """

    targetRequested = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        target: VoteTarget = VoteTarget.REQUIREMENT,
        noun: str = "requirements",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = VotingSession(ctx, target, self)
        self.noun = noun
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
        # rows as wide as the list, a long label elided before its dots (never scrolled away)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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

    def set_targets(self, product_id: int | None, rows: Sequence[tuple[int, str]]) -> None:
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

    def row_of(self, target_id: int) -> int | None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == target_id:
                return row
        return None

    # -- reacting ---------------------------------------------------------------------------------

    def _clicked(self, item: QListWidgetItem) -> None:
        target_id = item.data(Qt.ItemDataRole.UserRole)
        if self.session.active:
            self.session.place(target_id)
        else:
            self.targetRequested.emit(target_id)

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
        for target_id in order:
            dots = counts.get(target_id, 0)
            label = self._titles[target_id]
            item = QListWidgetItem(f"{label}     {dots_text(dots)}" if dots else label)
            item.setData(Qt.ItemDataRole.UserRole, target_id)
            item.setData(LABEL_ROLE, label)
            item.setData(DOTS_ROLE, dots)
            if revealed and not dots:
                item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
            self.list.addItem(item)
        if 0 <= current < self.list.count() and not revealed:
            self.list.setCurrentRow(current)
        self.status.setText(
            self.session.status() or f"Start a round, then click {self.noun} to place dots"
        )
        active = self.session.active
        self.undo_button.setEnabled(active)
        self.reveal_button.setEnabled(active)

    def _fill_rounds(self) -> None:
        """The product's rounds, newest first, after “New round”; the open one chosen."""
        stored = (
            []
            if self.product_id is None
            else self.session.service.rounds_of(self.product_id, self.session.target)
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


class RequirementVotingPanel(VotingPanel):
    """Dot voting over a product's requirements, embedded in the requirements view."""

    requirementRequested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, VoteTarget.REQUIREMENT, "requirements", parent)
        self.targetRequested.connect(self.requirementRequested)

    def set_requirements(self, product_id: int | None, rows: Sequence[tuple[int, str]]) -> None:
        self.set_targets(product_id, rows)
