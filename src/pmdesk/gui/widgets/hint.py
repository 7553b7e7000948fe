"""The one-line "what to do next" every view shows while empty, and what tables need for
keyboard and screen-reader use.

Every view names its hint ``nextStepHint`` (a convention shared by all views), so a
test can find it and check it shows exactly while there is nothing to show yet.

A hint says how things stand, then the next step: "No key messages yet — Add message:
what each audience should hear". On the projector the buttons and menus a step names
are hidden, so a presented hint says only how things stand ("No key messages yet").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

HINT_NAME = "nextStepHint"
STEP_MARK = " — "  # between how things stand and the next step
PRESENTATION = "pmdeskPresentation"  # set on the window that presents a view full screen


def presented(widget: QWidget) -> bool:
    """Whether ``widget`` is on the projector (in the window of workshop mode)."""
    return bool(widget.window().property(PRESENTATION))


class NextStepHint(QLabel):
    """A next-step hint: its whole text at the desk, how things stand when presented."""

    def __init__(self, text: str, parent: QWidget | None) -> None:
        super().__init__(parent, textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self._whole = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._whole = text
        super().setText(self._here(text))

    def showEvent(self, event: QShowEvent) -> None:
        # Shown again after moving to or from the projector's window: say what fits there.
        shown = self._here(self._whole)
        if shown != self.text():
            super().setText(shown)
        super().showEvent(event)

    def _here(self, text: str) -> str:
        if STEP_MARK not in text or not presented(self):
            return text
        return text.split(STEP_MARK, 1)[0]


def next_step_hint(
    text: str, parent: QWidget | None = None, *, centred: bool = False, hidden: bool = True
) -> NextStepHint:
    """A readable label (plain text, wrapped, a little larger than body text), hidden at first
    unless the caller shows it by showing the page it sits on (``hidden=False``)."""
    label = NextStepHint(text, parent)
    label.setObjectName(HINT_NAME)  # a label's text is its accessible name
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    if centred:
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setContentsMargins(2, 4, 2, 4)
    if hidden:
        label.hide()
    return label


def accessible_table(table: Any, name: str) -> Any:
    """Name an ``EntityTable``'s grid and filter box for screen readers, and let Tab leave
    the grid (arrow keys move between cells) instead of cycling through its cells forever."""
    table.view.setAccessibleName(name)
    table.view.setTabKeyNavigation(False)
    table.filter_box.setAccessibleName(f"Filter {name.lower()}")
    return table
