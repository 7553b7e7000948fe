"""Bring a list-backed item model to new rows without a reset, so its views keep their place.

A reset forgets the selection and the current row, and scrolls back to the top:
wrong when the rows were only recomputed (a colleague's edit, a reconnect). Here
rows that left are removed, rows that joined are inserted where the new order
puts them, a changed order is one layout change (persistent indexes follow their
rows), and every row is marked changed, each with the calls Qt expects.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex


def sync_rows(
    model: QAbstractItemModel,
    rows: list[Any],
    new_rows: Sequence[Any],
    key: Callable[[Any], Hashable] = lambda row: row.id,
) -> None:
    """Make ``rows`` (the model's own list, changed in place) equal to ``new_rows``."""
    wanted = {key(row) for row in new_rows}
    for number in reversed(range(len(rows))):
        if key(rows[number]) not in wanted:
            model.beginRemoveRows(QModelIndex(), number, number)
            del rows[number]
            model.endRemoveRows()
    have = {key(row) for row in rows}
    for number, row in enumerate(new_rows):
        if key(row) not in have:
            spot = min(number, len(rows))
            model.beginInsertRows(QModelIndex(), spot, spot)
            rows.insert(spot, row)
            model.endInsertRows()
    if [key(row) for row in rows] != [key(row) for row in new_rows]:
        _reorder(model, rows, new_rows, key)
    else:
        rows[:] = new_rows
    if rows:
        # A list model's columnCount is private to C++: it has one column.
        last = 0 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex()) - 1
        model.dataChanged.emit(model.index(0, 0), model.index(len(rows) - 1, max(last, 0)))


def _reorder(
    model: QAbstractItemModel,
    rows: list[Any],
    new_rows: Sequence[Any],
    key: Callable[[Any], Hashable],
) -> None:
    """The same rows in a new order: one layout change; selections follow their rows."""
    model.layoutAboutToBeChanged.emit()
    old = model.persistentIndexList()
    spots = [(key(rows[i.row()]), i.column()) if 0 <= i.row() < len(rows) else None for i in old]
    rows[:] = new_rows
    position = {key(row): n for n, row in enumerate(rows)}
    new = [
        model.index(position[spot[0]], spot[1]) if spot and spot[0] in position else QModelIndex()
        for spot in spots
    ]
    model.changePersistentIndexList(old, new)
    model.layoutChanged.emit()
