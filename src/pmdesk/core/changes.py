"""Typed change notices: what a committed edit changed, so views refresh only that."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

Op = Literal["insert", "update", "delete", "reload"]
# Operations a committed edit can record (and a team's change log can carry). "reload" is
# never one of them: it is said only by the app itself, when it cannot know what changed.
ROW_OPS: frozenset[str] = frozenset({"insert", "update", "delete"})


@dataclass(frozen=True)
class Change:
    """One kind of entity (a table name such as ``"roadmap_item"``), one operation, its ids.

    ``op == "reload"`` (with no ids) means "any row of this kind may have changed":
    after a team workspace reconnects, notices missed while away cannot be told apart.
    """

    kind: str
    op: Op
    ids: frozenset[object]


@dataclass(frozen=True)
class ChangeSet:
    changes: tuple[Change, ...] = ()

    @classmethod
    def everything(cls, kinds: Iterable[str]) -> ChangeSet:
        """Anything of these kinds may have changed: views reload them, keeping their place."""
        return cls(tuple(Change(kind, "reload", frozenset()) for kind in sorted(set(kinds))))

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(c.kind for c in self.changes)

    def touches(self, *kinds: str) -> bool:
        return not self.kinds.isdisjoint(kinds)

    def reloads(self, *kinds: str) -> bool:
        """True when any of these kinds must be read again whole (ids cannot say what changed)."""
        return any(c.op == "reload" and c.kind in kinds for c in self.changes)

    def ids(self, kind: str, op: Op | None = None) -> frozenset[object]:
        """The ids named for ``kind`` (and ``op``); a "reload" names none."""
        found: set[object] = set()
        for change in self.changes:
            if change.kind == kind and (op is None or change.op == op):
                found |= change.ids
        return frozenset(found)


@dataclass
class ChangeCollector:
    """Gathers (kind, op, id) during one transaction; folds them into a ChangeSet."""

    _seen: dict[tuple[str, Op], set[object]] = field(default_factory=dict)

    def add(self, kind: str, op: Op, ids: Iterable[object]) -> None:
        if op not in ROW_OPS:  # a transaction records rows it wrote, never "reload everything"
            raise ValueError(f"a committed change is an insert, update or delete, not {op!r}")
        self._seen.setdefault((kind, op), set()).update(ids)

    def changeset(self) -> ChangeSet:
        inserted = {k: ids for (k, op), ids in self._seen.items() if op == "insert"}
        deleted = {k: ids for (k, op), ids in self._seen.items() if op == "delete"}
        changes = []
        for (kind, op), ids in sorted(self._seen.items()):
            if op == "update":  # an update of a row inserted or deleted in the same step is noise
                ids = ids - inserted.get(kind, set()) - deleted.get(kind, set())
            if ids:
                changes.append(Change(kind, op, frozenset(ids)))
        return ChangeSet(tuple(changes))


Listener = Callable[[ChangeSet], None]


class ChangeHub:
    """Plain observer list: the store publishes, the GUI bridges notices into a Qt signal."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, changeset: ChangeSet) -> None:
        if changeset:
            for listener in list(self._listeners):
                listener(changeset)
