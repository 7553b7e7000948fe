"""A small read-only table of headline figures side by side: What Changed Since's "then and
now" and a what-if scenario's "plan and scenario" show the same lines
(:mod:`pmdesk.store.figures_wording`) the same way."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


class FiguresTable(QTableWidget):
    """Columns sized to their text (the last one takes the rest), rows to theirs, no scroll
    bars: as tall as its few rows. ``set_rows`` fills it; ``texts`` reads it back."""

    def __init__(self, headers: Sequence[str], *, name: str, accessible: str) -> None:
        super().__init__(0, len(headers))
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setHorizontalHeaderLabels(list(headers))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        for column in range(len(headers) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        rows.setMinimumSectionSize(self.fontMetrics().height() + 10)  # room to read a row
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def set_rows(self, rows: Sequence[tuple[Sequence[str], Sequence[str]]]) -> None:
        """Each row: its cells' texts and their tooltips."""
        self.setRowCount(len(rows))
        for row, (texts, tips) in enumerate(rows):
            for column, (text, tip) in enumerate(zip(texts, tips, strict=True)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(tip)
                self.setItem(row, column, cell)

    def texts(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (for tests and screen readers alike)."""
        return [
            tuple(self.item(r, c).text() for c in range(self.columnCount()))
            for r in range(self.rowCount())
        ]
