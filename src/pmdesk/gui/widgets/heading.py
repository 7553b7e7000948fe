"""Headings: bold, a step larger than the text around them, and following it when it grows.

A label with its own point size stops inheriting font changes, so Zoom and the
projector's large type would leave headings behind; the widget that owns them
re-fits them whenever its own font changes.
"""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from .elided import ElidedLabel
from .fonts import scaled

TITLE_CHARS = 48  # a title of this many characters is never cut


class Heading(ElidedLabel):
    """A view's title: one line, cut with “…” rather than widen the window."""

    def __init__(self, text: str = "", scale: float = 1.35, parent: QWidget | None = None) -> None:
        # Plain text: user text shows as typed, <, & ... A title keeps more of itself than
        # the status line beside it, which gives way first.
        super().__init__(text, parent, least_chars=TITLE_CHARS)
        self.scale = scale
        self.fit(self.font())

    def fit(self, base: QFont) -> None:
        font = scaled(base, self.scale)
        font.setBold(True)
        if font != self.font():
            self.setFont(font)


def fit_headings(root: QWidget) -> None:
    """Size every heading under ``root`` from root's current font."""
    for heading in root.findChildren(Heading):
        heading.fit(root.font())
