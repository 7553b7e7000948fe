"""A read-only table of plain rows: what a panel refills from its service after a change.

The row list, its reset, the row and column counts, the horizontal headers (their titles,
tooltips and alignment) and finding a row (by index, or by its ``id``) are the same for
every such table; a subclass names its ``HEADERS`` and says what a cell shows. A table
whose rows are recomputed in place (figures) passes them to ``row_sync.sync_rows`` in its
own ``set_rows`` instead of the reset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsModel[R](QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    # What a column's header says when pointed at ("" or none: its title, where any is set).
    HEADER_TIPS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: Index) -> R | None:
        """The row behind a view's index (its current one, say), or None."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]

    def row_of(self, row_id: int) -> int | None:
        """Where the row with this ``id`` stands, or None when it is not shown."""
        for n, row in enumerate(self.rows):
            if getattr(row, "id", None) == row_id:
                return n
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and self.HEADER_TIPS:
            tips = self.HEADER_TIPS
            return (tips[section] if section < len(tips) else "") or self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            alignment = self.alignment(section)
            return None if alignment is None else int(alignment)
        return None

    def alignment(self, column: int) -> Qt.AlignmentFlag | None:
        """How a column's header and cells are aligned; None: the style's own."""
        return None
