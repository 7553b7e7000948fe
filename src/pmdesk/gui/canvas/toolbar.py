"""The board's toolbar: board and template, note actions, focus and dot voting.

Widgets only; the CanvasView connects them (one wiring place).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.enums import CanvasTemplate
from pmdesk.gui.widgets.elided import ElidedLabel
from pmdesk.gui.workshop.theme import STICKIES


def swatch(colour: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class BoardToolbar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.boards = QComboBox()
        self.boards.setMinimumContentsLength(12)
        self.boards.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.boards.setToolTip("The product's canvas boards")
        self.boards.setAccessibleName("Canvas board")
        self.add_board = QPushButton("Add board")
        self.add_board_menu = QMenu(self.add_board)
        self.add_board.setMenu(self.add_board_menu)
        self.template = QComboBox()
        self.template.setToolTip("Switch the board's template; notes keep their meaning")
        self.template.setAccessibleName("Board template")
        # Qt turns a str enum into a plain str on the way through QVariant: store the value,
        # and let the reader (CanvasView) turn it back into a CanvasTemplate.
        for template in CanvasTemplate:
            self.template.addItem(template.label, template.value)
            self.add_board_menu.addAction(template.label).setData(template.value)
        self.add_note = QPushButton("Add note")
        self.add_note.setToolTip("Add a note to the focused block (or type in a focused block)")
        self.colour = QPushButton("Colour")
        self.colour.setToolTip("Colour of the selected notes")
        self.colour_menu = QMenu(self.colour)
        for sticky in STICKIES:
            action = self.colour_menu.addAction(swatch(sticky.code), sticky.name)
            action.setData(sticky.code)
        self.colour.setMenu(self.colour_menu)
        self.links = QPushButton("Links…")
        self.links.setToolTip("Link the selected note to roadmap items and requirements")
        self.links.setEnabled(False)
        self.duplicate = QPushButton("Duplicate")
        self.delete = QPushButton("Delete")
        self.focus = QPushButton("Focus block")
        self.focus.setCheckable(True)
        self.focus.setToolTip(
            "Zoom the focused block to fill the board (Ctrl+Enter); "
            "arrows step through blocks, Esc returns"
        )
        self.vote = QPushButton("Dot voting")
        self.vote.setCheckable(True)
        self.vote.setToolTip("Start a dot-voting round on this board's notes")
        for button in (
            self.add_note,
            self.links,
            self.duplicate,
            self.delete,
            self.focus,
            self.vote,
        ):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.title = title = QLabel("Canvas")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        self.note_actions = QWidget()
        actions = QHBoxLayout(self.note_actions)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(4)
        actions.addStretch(1)
        for widget in (
            self.add_note,
            self.colour,
            self.links,
            self.duplicate,
            self.delete,
            self.focus,
            self.vote,
        ):
            actions.addWidget(widget)
        self.top_row = QHBoxLayout()
        self.top_row.addWidget(title)
        for widget in (self.boards, self.template, self.add_board):
            self.top_row.addWidget(widget)
        self.top_row.addStretch(1)
        self.top_row.addWidget(self.note_actions, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The narrowest width is that of two rows (minimumSizeHint), not of one long row.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addLayout(self.top_row)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.second_row = QHBoxLayout()
        layout.addLayout(self.second_row)

    def _one_row(self, width: int) -> bool:
        """Whether the pickers and the note actions fit side by side in ``width``."""
        needed = self.top_row.sizeHint().width()
        if self.top_row.indexOf(self.note_actions) < 0:
            needed += self.top_row.spacing() + self.note_actions.sizeHint().width()
        return needed <= width

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider of its two rows: the window may shrink, the toolbar wraps."""
        pickers = sum(
            w.minimumSizeHint().width()
            for w in (self.title, self.boards, self.template, self.add_board)
        )
        pickers += 3 * self.top_row.spacing()
        return QSize(
            max(pickers, self.note_actions.minimumSizeHint().width()), self.sizeHint().height()
        )

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a longer board name, a new font
            self._arrange()
        return super().event(event)

    def _arrange(self) -> None:
        """One row when everything fits; else the note actions wrap to a second row.

        On a laptop the pickers and buttons never squeeze into each other, and
        the window never has to grow sideways for them.
        """
        wanted, other = (
            (self.top_row, self.second_row)
            if self._one_row(self.width())
            else (self.second_row, self.top_row)
        )
        if wanted.indexOf(self.note_actions) < 0:
            other.removeWidget(self.note_actions)
            wanted.addWidget(self.note_actions, 1)
            self.updateGeometry()


class VotingBar(QWidget):
    """Shown while dot voting: settings before a round, then whose turn it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dots = QSpinBox()
        self.dots.setRange(1, 20)
        self.dots.setValue(3)
        self.dots.setPrefix("Dots each: ")
        self.dots.setAccessibleName("Dots each participant has")
        self.dots.lineEdit().setAccessibleName("Dots each participant has")
        self.participants = QLineEdit()
        self.participants.setAccessibleName("Participants")
        self.participants.setPlaceholderText(
            "Participants, comma-separated — leave empty to pass the keyboard"
        )
        self.start = QPushButton("Start round")
        self.status = ElidedLabel()
        self.status.setAccessibleName("Voting status")
        # The results can be long: the label takes the room there is, never widens the window.
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.undo_dot = QPushButton("Undo dot")
        self.reveal = QPushButton("Reveal")
        self.sort = QPushButton("Sort by votes")
        self.finish = QPushButton("Done")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.dots, self.participants, self.start):
            layout.addWidget(widget)
        layout.addWidget(self.status, 10)
        layout.addStretch(1)
        for widget in (self.undo_dot, self.reveal, self.sort, self.finish):
            layout.addWidget(widget)

    def show_state(self, started: bool, status: str, active: bool, revealed: bool) -> None:
        for widget in (self.dots, self.participants, self.start):
            widget.setVisible(not started)
        self.status.setVisible(started)
        self.status.setText(status)
        self.undo_dot.setEnabled(active)
        self.reveal.setEnabled(active)
        self.sort.setEnabled(revealed)
