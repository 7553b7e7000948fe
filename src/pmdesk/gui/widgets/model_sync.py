"""How an EntityTableModel follows the file: each ChangeSet refreshes exactly its rows.

A notice names the kind and ids that were inserted, updated or deleted. The rows
of this table's scope among them are read again (one query), updated in place
(``dataChanged``), inserted where the table's order puts them, or removed, each
with the begin/end calls Qt needs, so selections and scroll positions survive.
A mass change (hundreds of rows) compares ids instead of reading rows. A "reload"
(after a team workspace reconnects: anything may have changed) reads the scope again
and settles the difference the same way, row by row, never with a reset.

RowSync decides *what* changes; the model owns its rows and does the changing through
a few public row operations (``known_ids``, ``cache_rows``, ``forget``, ``remove_ids``,
``insert_rows``, ``rows_changed``, ``reorder``, ``columns_changed``, ``lookups``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from pmdesk.core.changes import ChangeSet

if TYPE_CHECKING:
    from .entity_model import EntityTableModel


class RowSync:
    """Owned by an EntityTableModel: turns each ChangeSet into the model's row operations."""

    def __init__(self, model: EntityTableModel) -> None:
        self.model = model

    def apply(self, changes: ChangeSet) -> None:
        """Refresh exactly what a committed edit changed, wherever it was made."""
        model = self.model
        query, kind = model.query, model.repo.kind
        if query is not None and changes.reloads(kind):
            self.resync()
        elif query is not None and changes.touches(kind):
            deleted = set(changes.ids(kind, "delete"))
            model.remove_ids(deleted & model.known_ids)
            touched = (
                set(changes.ids(kind, "insert")) | set(changes.ids(kind, "update"))
            ) - deleted
            if len(touched) > model.MASS_CHANGE:
                self.mass_change(touched)
            elif touched:
                fetched = {row.id: row for row in query.rows(touched)}
                known = model.known_ids
                model.remove_ids({i for i in touched if i in known and i not in fetched})
                updated = [i for i in fetched if i in known]
                model.cache_rows(fetched[i] for i in updated)
                model.rows_changed(updated)
                model.insert_rows([fetched[i] for i in fetched if i not in known])
        self.refresh_lookups(changes)

    def resync(self) -> None:
        """Anything may have changed: read the scope again and apply the difference in place.

        Rows that left are removed and rows that joined are inserted (with the begin/end
        calls), the rest are read again and reordered through persistent indexes, so
        selection, current cell and scroll position survive, unlike with a reset.
        """
        model = self.model
        query = model.query
        if query is None:
            return
        in_scope = set(query.ids())
        model.remove_ids(model.known_ids - in_scope)
        joined = in_scope - model.known_ids
        model.forget()
        if len(in_scope) <= model.EAGER_LIMIT:
            fetched = {row.id: row for row in query.rows(in_scope)}
            model.cache_rows(fetched.values())
            model.insert_rows([fetched[i] for i in joined if i in fetched])
        else:
            model.insert_rows(query.rows(joined))
        model.reorder()
        model.rows_changed(model.known_ids)  # every row shown: one dataChanged

    def mass_change(self, touched: set[int]) -> None:
        """Many rows at once: one id query tells what left or joined the scope."""
        model = self.model
        in_scope = set(model.query.ids()) if model.query is not None else set()
        model.forget(touched)  # read again when next shown
        model.remove_ids(model.known_ids - in_scope)
        if in_scope - model.known_ids:
            self.resync()  # rows joined (an undone mass delete): in place, never a reset
        else:
            model.rows_changed(touched & model.known_ids)

    def refresh_lookups(self, changes: ChangeSet) -> None:
        for lookup, numbers in self.model.lookups:
            if lookup.kinds and changes.touches(*lookup.kinds):
                lookup.invalidate()
                self.model.columns_changed(numbers)


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted numbers as (first, last) runs of consecutive values."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def merged(
    shown: Sequence[int], order: Sequence[int], new: Iterable[int], shows: Callable[[int], bool]
) -> list[int]:
    """``shown`` with each ``new`` id that ``shows`` put where ``order`` ranks it."""
    rank = {entity_id: n for n, entity_id in enumerate(order)}
    final = list(shown)
    ranks = [rank.get(i, -1) for i in final]
    for entity_id in sorted(new, key=lambda i: rank.get(i, len(rank))):
        if not shows(entity_id):
            continue
        spot = bisect_right(ranks, rank.get(entity_id, len(rank)))
        final.insert(spot, entity_id)
        ranks.insert(spot, rank.get(entity_id, len(rank)))
    return final
