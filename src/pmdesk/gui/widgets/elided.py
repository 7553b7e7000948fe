"""A line of secondary text that never widens its window: cut with “…” when room runs out.

A QLabel asks for its whole text as its least width. A status line that names a product
or a competitor, from a colleague's file with a long name (or on the projector's large
type), would then push its window past the screen's edge. This label asks for its whole
text but takes what the layout can give, down to some twenty characters' width (a short
line, a table's title, is never cut), cut with an ellipsis, the whole text in its tooltip. Text that wraps (``setWordWrap(True)``) or has several lines is left to QLabel.
"""

from __future__ import annotations

from typing import override

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QLabel, QWidget

ELLIPSIS = "…"
LEAST_CHARS = 20  # a short line (a table's title) is never cut: it keeps this many characters


class ElidedLabel(QLabel):
    """One line of plain text, cut with “…” when longer than the room it is given.

    ``text()`` is the whole text, as set; ``shown()`` what the label shows now.
    """

    def __init__(
        self, text: str = "", parent: QWidget | None = None, *, least_chars: int = LEAST_CHARS
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.least_chars = least_chars  # it takes no less than this many characters' width
        self._full = ""
        self._ours: set[str] = set()  # the tooltip and accessible name it set itself
        self.setText(text)

    @override
    def setText(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._fit()

    def text(self) -> str:
        return self._full

    @override
    def setWordWrap(self, on: bool) -> None:
        super().setWordWrap(on)
        self.updateGeometry()
        self._fit()  # wrapped text is shown whole; one line is cut to fit again

    def shown(self) -> str:
        """The text on screen: the whole text, or its start and “…”."""
        return super().text()

    def _one_line(self) -> bool:
        return not self.wordWrap() and "\n" not in self._full

    def _whole_width(self) -> int:
        margins = self.contentsMargins()
        return (
            self.fontMetrics().horizontalAdvance(self._full)
            + margins.left()
            + margins.right()
            + 2 * self.margin()
            + 1
        )

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if not self._one_line():
            return hint
        return QSize(self._whole_width(), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if not self._one_line():
            return hint
        least = self.fontMetrics().averageCharWidth() * self.least_chars
        return QSize(min(self._whole_width(), least), hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self._fit()

    def _fit(self) -> None:
        shown = self._full
        if self._one_line():
            width = max(0, self.contentsRect().width() - 2 * self.margin())
            shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        if shown != super().text():
            super().setText(shown)
        # Cut, its tooltip and what a screen reader says are the whole text (unless the
        # caller gave it a tooltip or a name of its own).
        cut = shown != self._full
        for role, (get, put) in {
            "tip": (self.toolTip, self.setToolTip),
            "name": (self.accessibleName, self.setAccessibleName),
        }.items():
            if cut and (role in self._ours or not get()):
                put(self._full)
                self._ours.add(role)
            elif not cut and role in self._ours:
                put("")
                self._ours.discard(role)
