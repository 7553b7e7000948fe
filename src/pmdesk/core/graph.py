"""Graph helpers for dependencies: refusing a cycle and naming the items in it."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


def path_between[N: Hashable](edges: Iterable[tuple[N, N]], start: N, goal: N) -> list[N] | None:
    """A path start -> ... -> goal following the edges, or None (iterative DFS)."""
    successors: dict[N, list[N]] = {}
    for a, b in edges:
        successors.setdefault(a, []).append(b)
    parent: dict[N, N | None] = {start: None}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            path = [node]
            while (up := parent[path[-1]]) is not None:
                path.append(up)
            return path[::-1]
        for nxt in successors.get(node, ()):
            if nxt not in parent:
                parent[nxt] = node
                stack.append(nxt)
    return None


def cycle_if_added[N: Hashable](
    edges: Iterable[tuple[N, N]], new_edge: tuple[N, N]
) -> list[N] | None:
    """The cycle a new edge a -> b would close (b ... a, then back to b), or None."""
    a, b = new_edge
    if a == b:
        return [a, a]
    path = path_between(edges, b, a)
    return None if path is None else path + [b]
