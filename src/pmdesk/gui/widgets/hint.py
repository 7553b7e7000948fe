"""The one-line "what to do next" every view shows while empty, and what tables need for
keyboard and screen-reader use.

Every view names its hint ``nextStepHint`` (a convention shared by all views), so a
test can find it and check it shows exactly while there is nothing to show yet.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

HINT_NAME = "nextStepHint"


def next_step_hint(
    text: str, parent: QWidget | None = None, *, centred: bool = False, hidden: bool = True
) -> QLabel:
    """A readable label (plain text, wrapped, a little larger than body text), hidden at first
    unless the caller shows it by showing the page it sits on (``hidden=False``)."""
    label = QLabel(text, parent, textFormat=Qt.TextFormat.PlainText, wordWrap=True)
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
