"""Where notes go inside a block: rows that wrap, never overlapping, shrinking when crowded.

Pure geometry: text heights come from a ``measure`` callback (QFontMetrics on
screen), so the arithmetic is testable and the same for every caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Measure(text, width, scale) -> height of the wrapped text at that width and font scale;
# an extra (scale) -> room a note needs besides its text (its badges).
Measure = Callable[[str, float, float], float]

SCALES = (1.0, 0.9, 0.8, 0.72)  # below ~0.7 of the body size text stops being legible


@dataclass(frozen=True)
class Slot:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Flow:
    slots: tuple[Slot, ...]
    scale: float
    content_height: float

    def overflows(self, height: float) -> bool:
        return self.content_height > height + 0.5


def flow_notes(
    texts: Sequence[str],
    width: float,
    height: float,
    measure: Measure,
    *,
    note_width: float,
    padding: float,
    gap: float,
    extras: Sequence[Callable[[float], float]] = (),
    min_scale: float = 0.0,
) -> Flow:
    """Lay notes out left to right, top to bottom, at the largest scale that fits.

    When even the smallest legible scale does not fit, the notes keep that
    scale and the content is taller than the block: the block scrolls. ``min_scale``
    keeps a floor (on a projector, body text never drops below its target size).
    """
    result = Flow((), 1.0, 0.0)
    for scale in [s for s in SCALES if s >= min_scale] or [1.0]:
        result = flow_at(
            texts, width, measure, scale, note_width * scale, padding * scale, gap, extras
        )
        if not result.overflows(height):
            return result
    return result


def flow_at(
    texts: Sequence[str],
    width: float,
    measure: Measure,
    scale: float,
    note_width: float,
    padding: float,
    gap: float,
    extras: Sequence[Callable[[float], float]] = (),
) -> Flow:
    columns = max(1, int((width + gap) // (note_width + gap)))
    columns = min(columns, max(1, len(texts)))
    column_width = max(1.0, (width - gap * (columns - 1)) / columns)
    min_height = min(column_width * 0.5, note_width * 0.3)  # a sticky, not a strip
    slots: list[Slot] = []
    y = 0.0
    for start in range(0, len(texts), columns):
        row = texts[start : start + columns]
        heights = [
            max(
                min_height,
                measure(text, column_width - 2 * padding, scale)
                + 2 * padding
                + (extras[start + i](scale) if extras else 0.0),
            )
            for i, text in enumerate(row)
        ]
        row_height = max(heights)
        for index in range(len(row)):
            slots.append(Slot(index * (column_width + gap), y, column_width, row_height))
        y += row_height + gap
    return Flow(tuple(slots), scale, max(0.0, y - gap))
