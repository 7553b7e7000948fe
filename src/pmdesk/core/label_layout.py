"""Where to put the name of each token on a crowded chart, so that no two names collide.

Used by the stakeholder map on screen and on paper: the caller measures
each label in its own units (pixels, points) and lists the tokens most
important first. Each label takes the first spot around its token that stays
inside the chart and touches no token, no label already placed and no
obstacle (quadrant titles, the legend). Tokens whose name finds no free spot
are not dropped: neighbours are grouped and the group shows one count badge
("+3"), whose names the caller puts in a tooltip. Pure geometry, no Qt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

# Spots tried around a token, in order of preference: right, left, above, below,
# then the four diagonals. (dx, dy) are the directions of the label from the token.
_DIRECTIONS: tuple[tuple[int, int], ...] = (
    (1, 0),
    (-1, 0),
    (0, -1),
    (0, 1),
    (1, -1),
    (1, 1),
    (-1, -1),
    (-1, 1),
)


def short_name(name: str) -> str:
    """ "Priya N." for "Priya Natarajan" (titles such as "Dr." skipped): for crowded spots."""
    words = [w for w in name.split() if not w.endswith(".") or len(w) > 4]
    if len(words) < 2:
        return name
    return f"{words[0]} {words[-1][0]}."


@dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle; y grows downwards (screen) or upwards, it does not matter."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def overlaps(self, other: Box) -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )

    def inside(self, outer: Box) -> bool:
        return (
            outer.x0 <= self.x0
            and self.x1 <= outer.x1
            and outer.y0 <= self.y0
            and self.y1 <= outer.y1
        )

    def clamped(self, outer: Box) -> Box:
        """The same size moved (not shrunk) to lie inside ``outer`` as far as it can."""
        dx = max(outer.x0 - self.x0, 0.0) or min(outer.x1 - self.x1, 0.0)
        dy = max(outer.y0 - self.y0, 0.0) or min(outer.y1 - self.y1, 0.0)
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)


@dataclass(frozen=True)
class LabelRequest[K: Hashable]:
    """A token at (x, y) with radius ``radius``, whose label measures ``width`` × ``height``."""

    key: K
    x: float
    y: float
    radius: float
    width: float
    height: float
    # A shorter form of the label ("Priya N."), tried before giving up on a name.
    short_width: float | None = None

    @property
    def token_box(self) -> Box:
        r = self.radius
        return Box(self.x - r, self.y - r, self.x + r, self.y + r)


@dataclass(frozen=True)
class CountBadge[K: Hashable]:
    """Tokens whose names did not fit, shown as one count; ``forced`` if it overlaps something."""

    keys: tuple[K, ...]
    box: Box
    forced: bool = False

    @property
    def text(self) -> str:
        return f"+{len(self.keys)}"


@dataclass
class LabelLayout[K: Hashable]:
    placed: dict[K, Box] = field(default_factory=dict)
    badges: list[CountBadge[K]] = field(default_factory=list)
    shortened: set[K] = field(default_factory=set)  # placed in their short form

    def collapsed(self) -> set[K]:
        return {key for badge in self.badges for key in badge.keys}


def candidate_boxes(
    x: float, y: float, radius: float, width: float, height: float, gap: float
) -> list[Box]:
    """The spots tried for a label of this size around a token, best first."""
    boxes = []
    off = radius + gap  # diagonals too: a label must clear its own token's square
    for dx, dy in _DIRECTIONS:
        if dx > 0:
            left = x + off
        elif dx < 0:
            left = x - off - width
        else:
            left = x - width / 2
        if dy > 0:
            top = y + off
        elif dy < 0:
            top = y - off - height
        else:
            top = y - height / 2
        boxes.append(Box(left, top, left + width, top + height))
    return boxes


def _free(box: Box, bounds: Box, taken: Iterable[Box]) -> bool:
    return box.inside(bounds) and not any(box.overlaps(other) for other in taken)


def layout_labels[K: Hashable](
    requests: Sequence[LabelRequest[K]],
    bounds: Box,
    *,
    obstacles: Iterable[Box] = (),
    gap: float = 3.0,
    badge_size: Callable[[int], tuple[float, float]] = lambda n: (10.0 + 8.0 * len(str(n)), 16.0),
    link: float | None = None,
) -> LabelLayout[K]:
    """Place every label, most important (first) first; group the ones that do not fit.

    ``link`` is how close (edge to edge) tokens without a label must be to share
    one badge; by default the largest label height.
    """
    tokens = [request.token_box for request in requests]
    taken: list[Box] = [*obstacles, *tokens]
    layout: LabelLayout[K] = LabelLayout()
    left_over: list[LabelRequest[K]] = []
    for request in requests:
        spot = _first_free(request, request.width, bounds, taken, gap)
        if spot is None and request.short_width is not None:
            spot = _first_free(request, request.short_width, bounds, taken, gap)
            if spot is not None:
                layout.shortened.add(request.key)
        if spot is None:
            left_over.append(request)
        else:
            layout.placed[request.key] = spot
            taken.append(spot)
    if left_over:
        distance = link if link is not None else max(r.height for r in requests)
        for group in cluster(left_over, distance):
            badge = _place_badge(group, bounds, taken, gap, badge_size)
            layout.badges.append(badge)
            taken.append(badge.box)
    return layout


def _first_free(
    request: LabelRequest, width: float, bounds: Box, taken: list[Box], gap: float
) -> Box | None:
    boxes = candidate_boxes(request.x, request.y, request.radius, width, request.height, gap)
    return next((box for box in boxes if _free(box, bounds, taken)), None)


def cluster[K: Hashable](
    requests: Sequence[LabelRequest[K]], distance: float
) -> list[list[LabelRequest[K]]]:
    """Single-linkage groups: tokens closer than ``distance`` (via neighbours) share a group.

    Groups keep the order of their first member, and members keep their order.
    """
    parent = list(range(len(requests)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(requests):
        for j in range(i + 1, len(requests)):
            b = requests[j]
            if math.hypot(a.x - b.x, a.y - b.y) <= distance + a.radius + b.radius:
                parent[root(j)] = root(i)
    groups: dict[int, list[LabelRequest[K]]] = {}
    for i, request in enumerate(requests):
        groups.setdefault(root(i), []).append(request)
    return list(groups.values())


def _place_badge[K: Hashable](
    group: list[LabelRequest[K]],
    bounds: Box,
    taken: list[Box],
    gap: float,
    badge_size: Callable[[int], tuple[float, float]],
) -> CountBadge[K]:
    """A badge beside the group's most important token, else around the whole group.

    If no spot is free the badge still shows (never lose a name), where it covers least.
    """
    cx = sum(r.x for r in group) / len(group)
    cy = sum(r.y for r in group) / len(group)
    reach = max(math.hypot(r.x - cx, r.y - cy) + r.radius for r in group)
    width, height = badge_size(len(group))
    keys = tuple(r.key for r in group)
    first = group[0]
    boxes = candidate_boxes(first.x, first.y, first.radius, width, height, gap)
    boxes += candidate_boxes(cx, cy, reach, width, height, gap)
    for box in boxes:
        if _free(box, bounds, taken):
            return CountBadge(keys, box)
    # Nowhere free: still show the count (never lose a name), on the least crowded spot.
    best = min(
        (box.clamped(bounds) for box in boxes),
        key=lambda box: sum(box.overlaps(other) for other in taken),
    )
    return CountBadge(keys, best, forced=True)
