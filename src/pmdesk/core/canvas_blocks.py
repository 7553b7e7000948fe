"""Block keys (as stored in notes) and their labels, for tables and exports of canvas notes."""

from __future__ import annotations

from .enums import CanvasTemplate
from .templates import TO_SORT as UNSORTED
from .templates import canvas_layout
from .wording import humanise_key


def blocks_of(template: CanvasTemplate | str) -> tuple[tuple[str, str], ...]:
    """The template's blocks (from its file in resources/), then the tray of unsorted notes."""
    layout = canvas_layout(CanvasTemplate(template))
    return (*((b.key, b.title) for b in layout.blocks), (UNSORTED, "To sort"))


def block_label(key: str, template: CanvasTemplate | str | None = None) -> str:
    """The template's label for a block key; any other key is humanised, never shown raw."""
    templates = [CanvasTemplate(template)] if template else list(CanvasTemplate)
    for candidate in templates:
        for block_key, label in blocks_of(candidate):
            if block_key == key:
                return label
    return humanise_key(key)
