"""How an EntityTableModel follows the file: each ChangeSet refreshes exactly its rows.

A notice names the kind and ids that were inserted, updated or deleted. The rows
of this table's scope among them are read again (one query), updated in place
(``dataChanged``), inserted where the table's order puts them, or removed, each
with the begin/end calls Qt needs, so selections and scroll positions survive.
A mass change (hundreds of rows) compares ids instead of reading rows. A "reload"
(after a team workspace reconnects: anything may have changed) reads the scope again
and settles the difference the same way, row by row, never with a reset.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex

from pmdesk.core.changes import ChangeSet


class FollowsChanges:
    """Mixed into EntityTableModel (kept apart to keep each module small); it works on the
    model's ids (``_order``, ``_ids``, ``_pos``, ``_known``), row cache, sort and filter."""

    # More changed rows than this in one change (an undone mass delete, a reschedule) are
    # handled by comparing ids, without reading the rows; new rows are then resynced.
    MASS_CHANGE = 200

    def apply_changes(self, changes: ChangeSet) -> None:
        """Refresh exactly what a committed edit changed, wherever it was made."""
        if self._query is not None and changes.reloads(self.repo.kind):
            self._resync()
        elif self._query is not None and changes.touches(self.repo.kind):
            kind = self.repo.kind
            deleted = set(changes.ids(kind, "delete"))
            self._remove(deleted & self._known)
            touched = (
                set(changes.ids(kind, "insert")) | set(changes.ids(kind, "update"))
            ) - deleted
            if len(touched) > self.MASS_CHANGE:
                self._apply_mass_change(touched)
            elif touched:
                fetched = {row.id: row for row in self._query.rows(touched)}
                self._remove({i for i in touched if i in self._known and i not in fetched})
                updated = [i for i in fetched if i in self._known]
                self._cache(fetched[i] for i in updated)
                self._rows_changed(updated)
                self._insert([fetched[i] for i in fetched if i not in self._known])
        self._refresh_lookups(changes)

    def _resync(self) -> None:
        """Anything may have changed: read the scope again and apply the difference in place.

        Rows that left are removed and rows that joined are inserted (with the begin/end
        calls), the rest are read again and reordered through persistent indexes, so
        selection, current cell and scroll position survive, unlike with a reset.
        """
        in_scope = set(self._query.ids())
        self._remove(self._known - in_scope)
        joined = in_scope - self._known
        self._rows.clear()
        if len(in_scope) <= self.EAGER_LIMIT:
            self._cache(self._query.rows(in_scope))
        self._insert(
            [self._rows[i] for i in joined if i in self._rows]
            if len(in_scope) <= self.EAGER_LIMIT
            else self._query.rows(joined)
        )
        self._relayout(self._ordered_ids())
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1)
            )

    def _apply_mass_change(self, touched: set[int]) -> None:
        """Many rows at once: one id query tells what left or joined the scope."""
        in_scope = set(self._query.ids()) if self._query is not None else set()
        for entity_id in touched:
            self._rows.pop(entity_id, None)  # read again when next shown
        self._remove(self._known - in_scope)
        if in_scope - self._known:
            self._resync()  # rows joined (an undone mass delete): in place, never a reset
        else:
            self._rows_changed(touched & self._known)

    def _rows_changed(self, ids: Iterable[int]) -> None:
        last = len(self.columns) - 1
        for first, end in _runs(sorted(self._pos[i] for i in ids if i in self._pos)):
            self.dataChanged.emit(self.index(first, 0), self.index(end, last))

    def _remove(self, ids: set[int]) -> None:
        if not ids:
            return
        runs = _runs(sorted(self._pos[i] for i in ids if i in self._pos))
        # The scope shrinks first, so that whoever hears rowsRemoved counts the rows left.
        self._order = [i for i in self._order if i not in ids]
        self._known -= ids
        for entity_id in ids:
            self._rows.pop(entity_id, None)
        for first, end in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, end)
            del self._ids[first : end + 1]
            self.endRemoveRows()
        self._reindex()

    def _insert(self, rows: list[Any]) -> None:
        if not rows:
            return
        self._cache(rows)
        new = {row.id for row in rows}
        self._known |= new
        self._order += [row.id for row in rows]
        self._order = [i for i in self._ordered_ids() if i in self._known]
        rank = {entity_id: n for n, entity_id in enumerate(self._order)}
        final = list(self._ids)
        ranks = [rank.get(i, -1) for i in final]
        for entity_id in sorted(new, key=lambda i: rank.get(i, len(rank))):
            if self._filter and not self._matches(self._rows[entity_id]):
                continue
            spot = bisect_right(ranks, rank.get(entity_id, len(rank)))
            final.insert(spot, entity_id)
            ranks.insert(spot, rank.get(entity_id, len(rank)))
        for first, end in _runs([n for n, i in enumerate(final) if i in new]):
            self.beginInsertRows(QModelIndex(), first, end)
            self._ids[first:first] = final[first : end + 1]
            self.endInsertRows()
        self._reindex()

    def _refresh_lookups(self, changes: ChangeSet) -> None:
        for lookup, numbers in self._lookups:
            if lookup.kinds and changes.touches(*lookup.kinds):
                lookup.invalidate()
                if self._ids:
                    for number in numbers:
                        self.dataChanged.emit(
                            self.index(0, number), self.index(len(self._ids) - 1, number)
                        )


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted numbers as (first, last) runs of consecutive values."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs
