"""Typed change notices: what a committed edit changed, so views refresh only that."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, cast

from .kinds import NOT_KINDS, ChangeKind

Op = Literal["insert", "update", "delete", "reload"]
# Operations a committed edit can record (and a team's change log can carry). "reload" is
# never one of them: it is said only by the app itself, when it cannot know what changed.
ROW_OPS: frozenset[str] = frozenset({"insert", "update", "delete"})


@dataclass(frozen=True)
class Change:
    """One kind of entity (a :class:`ChangeKind`: ``ROADMAP_ITEM``), one operation, its ids.

    ``op == "reload"`` (with no ids) means "any row of this kind may have changed":
    after a team workspace reconnects, notices missed while away cannot be told apart.
    A table name given as a string (the team change feed carries them) becomes its ChangeKind;
    a name that is no table of the schema is an error.
    """

    kind: ChangeKind
    op: Op
    ids: frozenset[object]

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _kind(self.kind))


def _kind(name: ChangeKind | str) -> ChangeKind:
    """The ChangeKind named ``name``; ValueError for a misspelt or unknown one.

    A table that is no kind (NOT_KINDS) passes as its name: a reload "of everything"
    may list every table of the schema.
    """
    if type(name) is ChangeKind:
        return name
    if name in NOT_KINDS:
        return name  # type: ignore[return-value]  # a table that is no kind: see above
    try:
        return ChangeKind(name)
    except ValueError:
        raise ValueError(
            f"{name!r} is no kind of change (see pmdesk.core.kinds.ChangeKind)"
        ) from None


def _kinds(names: Iterable[ChangeKind | str]) -> frozenset[ChangeKind]:
    kinds = frozenset(names)
    if all(type(k) is ChangeKind for k in kinds):  # the common case, checked cheaply
        return cast(frozenset[ChangeKind], kinds)
    return frozenset(_kind(n) for n in kinds)


@dataclass(frozen=True)
class ChangeSet:
    changes: tuple[Change, ...] = ()

    @classmethod
    def everything(cls, kinds: Iterable[ChangeKind | str] = tuple(ChangeKind)) -> ChangeSet:
        """Anything of these kinds (by default, of every kind) may have changed: views reload
        them, keeping their place."""
        return cls(tuple(Change(kind, "reload", frozenset()) for kind in sorted(_kinds(kinds))))

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def kinds(self) -> frozenset[ChangeKind]:
        return frozenset(c.kind for c in self.changes)

    def touches(self, *kinds: ChangeKind) -> bool:
        return not self.kinds.isdisjoint(_kinds(kinds))

    def reloads(self, *kinds: ChangeKind) -> bool:
        """True when any of these kinds must be read again whole (ids cannot say what changed)."""
        wanted = _kinds(kinds)
        return any(c.op == "reload" and c.kind in wanted for c in self.changes)

    def ids(self, kind: ChangeKind, op: Op | None = None) -> frozenset[object]:
        """The ids named for ``kind`` (and ``op``); a "reload" names none."""
        kind = _kind(kind)
        found: set[object] = set()
        for change in self.changes:
            if change.kind == kind and (op is None or change.op == op):
                found |= change.ids
        return frozenset(found)


@dataclass
class ChangeCollector:
    """Gathers (kind, op, id) during one transaction; folds them into a ChangeSet."""

    _seen: dict[tuple[ChangeKind, Op], set[object]] = field(default_factory=dict)

    def add(self, kind: ChangeKind | str, op: Op, ids: Iterable[object]) -> None:
        """Note rows written; ``kind`` is a ChangeKind (a table name is taken, if it is one)."""
        if op not in ROW_OPS:  # a transaction records rows it wrote, never "reload everything"
            raise ValueError(f"a committed change is an insert, update or delete, not {op!r}")
        if kind in NOT_KINDS:
            raise ValueError(f"no edit announces a change of {kind!r}")
        self._seen.setdefault((_kind(kind), op), set()).update(ids)

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
