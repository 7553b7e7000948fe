"""How much of the board each block gets: rows and columns weighted by what they hold.

A grid of equal cells hides a crowded block's notes behind its own scroll bar
while its neighbours sit empty. Here a crowded block's rows grow and, when that
is not enough, its columns widen, at the expense of emptier blocks, which keep
room for their title. Pure geometry (sizes come from callbacks), like ``flow``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

# How much a crowded block's columns may widen, tried in turn: even columns first.
SPREADS = (0.0, 1.0, 3.0, 8.0)


@dataclass(frozen=True)
class Cell:
    key: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Plan:
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    gap: float

    @property
    def height(self) -> float:
        return sum(self.heights) + self.gap * (len(self.heights) - 1)

    def rect(self, cell: Cell, left: float, top: float) -> tuple[float, float, float, float]:
        """x, y, width, height of a cell whose grid starts at (left, top)."""
        x = left + sum(self.widths[: cell.col]) + self.gap * cell.col
        y = top + sum(self.heights[: cell.row]) + self.gap * cell.row
        return (
            x,
            y,
            span(self.widths, cell.col, cell.colspan, self.gap),
            span(self.heights, cell.row, cell.rowspan, self.gap),
        )

    def fitted(self, height: float) -> Plan:
        """The rows stretched (spare room to the lowest first) or squeezed to ``height``.

        Squeezed, a row needing no more than an even share keeps what it needs:
        only the crowded rows give up room.
        """
        inner = height - self.gap * (len(self.heights) - 1)
        if sum(self.heights) > inner:
            even = inner / len(self.heights)
            heights = share(inner, [min(h, even) for h in self.heights], self.heights)
        else:
            heights = level_up(self.heights, inner)
        return Plan(self.widths, tuple(heights), self.gap)


def span(sizes: Sequence[float], start: int, count: int, gap: float) -> float:
    return sum(sizes[start : start + count]) + gap * (count - 1)


def share(total: float, floors: Sequence[float], weights: Sequence[float]) -> list[float]:
    """``total`` split in proportion to ``weights``, no part under its floor.

    When the floors alone exceed ``total`` they shrink together to fit it.
    """
    if sum(floors) > total > 0:
        floors = [f * total / sum(floors) for f in floors]
    fixed: set[int] = set()
    sizes = list(floors)
    while True:
        rest = [i for i in range(len(floors)) if i not in fixed]
        if not rest:
            return sizes
        free = total - sum(floors[i] for i in fixed)
        weight = sum(weights[i] for i in rest)
        for i in rest:
            sizes[i] = free * weights[i] / weight if weight > 0 else free / len(rest)
        under = {i for i in rest if sizes[i] < floors[i]}
        if not under:
            return sizes
        for i in under:
            sizes[i] = floors[i]
        fixed |= under


def level_up(sizes: Sequence[float], total: float) -> list[float]:
    """Spare room goes to the smallest parts first, so rows end as even as content allows."""
    spare = total - sum(sizes)
    if spare <= 0 or not sizes:
        return list(sizes)
    ordered = sorted(sizes)
    level = ordered[-1] + spare / len(ordered)
    for count in range(1, len(ordered) + 1):
        candidate = (spare + sum(ordered[:count])) / count
        if count == len(ordered) or candidate <= ordered[count]:
            level = candidate
            break
    return [max(size, level) for size in sizes]


def plan(
    cells: Sequence[Cell],
    columns: int,
    rows: int,
    width: float,
    height: float,
    gap: float,
    *,
    need: Callable[[str, float], float],
    min_width: Callable[[str], float],
    min_height: float,
    spread: float,
) -> Plan:
    """Column widths and the row heights every block needs at those widths.

    ``need(key, width)`` is the height a block needs to show all its notes at
    that width; ``spread`` is how strongly crowded blocks widen their columns
    (0: even columns). Rows are as tall as their content needs (at least
    ``min_height``); ``Plan.fitted`` then gives them the board's height.
    """
    floors = [0.0] * columns
    for cell in cells:
        for col in range(cell.col, cell.col + cell.colspan):
            floors[col] = max(floors[col], min_width(cell.key) / cell.colspan)
    inner = width - gap * (columns - 1)
    widths = share(inner, floors, [1.0] * columns)
    if spread:
        row_height = max(1.0, (height - gap * (rows - 1)) / rows)
        weights = [1.0] * columns
        for cell in cells:
            room = row_height * cell.rowspan + gap * (cell.rowspan - 1)
            crowd = need(cell.key, span(widths, cell.col, cell.colspan, gap)) / room - 1
            for col in range(cell.col, cell.col + cell.colspan):
                weights[col] = max(weights[col], 1 + spread * max(0.0, crowd))
        widths = share(inner, floors, weights)
    heights = [min_height] * rows
    for cell in sorted(cells, key=lambda c: c.rowspan):
        have = span(heights, cell.row, cell.rowspan, gap)
        short = need(cell.key, span(widths, cell.col, cell.colspan, gap)) - have
        for row in range(cell.row, cell.row + cell.rowspan):
            heights[row] += max(0.0, short) / cell.rowspan
    return Plan(tuple(widths), tuple(heights), gap)
