"""The portfolio's history, as pure data: what one change entry says and how entries fold.

Every committed edit leaves one entry per row it touched (see :mod:`pmdesk.store.history`):
the table, the row's key, its name at the time, the kind of change and the fields it
changed, each as ``[old, new]`` in JSON values (dates ISO, exact decimals as text, a
vocabulary by its stored value). An entry that adds a row holds every field as
``[None, new]``; one that removes a row holds every field as ``[old, None]`` — so the
value of any field at any moment can be found from the entries alone.

:func:`net_change` folds the entries of one row, oldest first, into the one change
between the moment before the first and the moment after the last: a field changed and
changed back is no change, a row added and removed again is nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .enums import LabelledEnum


class EntryKind(LabelledEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class SnapshotKind(LabelledEnum):
    MANUAL = "manual"  # named by a person ("Q3 review")
    GATE = "gate"  # a lifecycle gate's decision was signed off
    BASELINE = "baseline"  # a roadmap baseline was taken
    AUTO = "auto"  # made by pmdesk itself (before a compaction)


# Columns that say nothing a reader of "what changed" needs: bookkeeping.
QUIET_FIELDS = frozenset({"id", "row_version"})


@dataclass(frozen=True)
class Entry:
    """One row's change in one edit (as the store keeps it, decoded)."""

    table: str
    key: Any  # an id, or a list for a composite key
    name: str
    kind: EntryKind
    fields: Mapping[str, list[Any]]


@dataclass
class NetChange:
    """The net change of one row over a stretch of time (see :func:`net_change`)."""

    table: str
    key: Any
    name: str
    kind: EntryKind
    fields: dict[str, list[Any]] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        """The field's value at the end (after the change); None when unknown or removed."""
        pair = self.fields.get(name)
        return None if pair is None else pair[1]


def net_change(entries: Iterable[Entry]) -> NetChange | None:
    """The one change a row's entries (oldest first) add up to; None when they cancel out.

    A field's old value is the one before the first entry that touched it, its new value
    the one after the last; fields that end where they began are left out. An ``added``
    result holds every field as ``[None, value]``, a ``removed`` one ``[value, None]``.
    """
    first: Entry | None = None
    last: Entry | None = None
    fields: dict[str, list[Any]] = {}
    for entry in entries:
        if first is None:
            first = entry
        last = entry
        for name, pair in entry.fields.items():
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                continue  # not an [old, new] pair: a file edited elsewhere; nothing to fold
            old, new = pair
            if name in fields:
                fields[name][1] = new
            else:
                fields[name] = [old, new]
    if first is None or last is None:
        return None
    existed = first.kind != EntryKind.ADDED
    exists = last.kind != EntryKind.REMOVED
    name = last.name or first.name
    if not existed and not exists:
        return None
    if not existed:
        added = {k: [None, v[1]] for k, v in fields.items() if v[1] is not None}
        return NetChange(first.table, first.key, name, EntryKind.ADDED, added)
    if not exists:
        removed = {k: [v[0], None] for k, v in fields.items() if v[0] is not None}
        return NetChange(first.table, first.key, first.name or name, EntryKind.REMOVED, removed)
    changed = {k: v for k, v in fields.items() if v[0] != v[1]}
    if not changed:
        return None
    return NetChange(first.table, first.key, name, EntryKind.CHANGED, changed)


def shown_fields(fields: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    """The fields a reader is shown: bookkeeping columns left out."""
    return {k: list(v) for k, v in fields.items() if k not in QUIET_FIELDS}
