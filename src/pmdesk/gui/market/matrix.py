"""The comparison matrix: capabilities × (our product, then each linked competitor).

A cell says Full, Partial, None or Unknown with a glyph and a word as well as a tint
(colour-blind safe: the Okabe–Ito colours of core.palette), its evidence and the day it
was checked in the tooltip; a cell not checked for ``STALE_DAYS`` is marked ⚑ (see the
legend). The last row is each column's coverage. A cell is edited in a small dialog.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from pmdesk.core.market import CellLevel
from pmdesk.core.palette import MATRIX_LEGEND, MATRIX_LEVEL_LOOK, STALE_MARK, level_text
from pmdesk.core.wording import short_date
from pmdesk.store.services.market import Matrix

Index = QModelIndex | QPersistentModelIndex

LEVEL_LOOK = MATRIX_LEVEL_LOOK
TINT_ALPHA = 60  # of 255: a tint under the text, never the text's only contrast
LEGEND = MATRIX_LEGEND


class MatrixModel(QAbstractTableModel):
    """Rows: the capabilities, then "Coverage". Columns: the capability, our product, each
    competitor. ``rename(capability_id, text)`` renames a row (one undo step)."""

    def __init__(self, rename: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.matrix: Matrix | None = None
        self.rename = rename

    def set_matrix(self, matrix: Matrix | None) -> None:
        """A matrix of the same rows and columns is only repainted (an edit committed from
        a cell keeps its editor and the selection)."""

        def shape(m: Matrix | None) -> Any:
            if m is None:
                return None
            return (
                m.product_id,
                [c.id for c in m.capabilities],
                [c.id for c in m.competitors],
                [c.name for c in m.competitors],
                m.product_name,
            )

        if shape(matrix) != shape(self.matrix) or matrix is None:
            self.beginResetModel()
            self.matrix = matrix
            self.endResetModel()
            return
        self.matrix = matrix
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    @property
    def columns(self) -> list[int | None]:
        """The compared columns' competitor ids (None: our product)."""
        if self.matrix is None:
            return []
        return [None] + [c.id for c in self.matrix.competitors]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self.matrix is None or not self.matrix.capabilities:
            return 0
        return len(self.matrix.capabilities) + 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.matrix is None else 1 + len(self.columns)

    def is_coverage(self, row: int) -> bool:
        return self.matrix is not None and row == len(self.matrix.capabilities)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or self.matrix is None:
            return None
        if not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return "Capability"
            if section == 1:
                return f"{self.matrix.product_name} (us)"
            return self.matrix.competitors[section - 2].name
        if role == Qt.ItemDataRole.ToolTipRole and section == 1:
            return "Our product"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0 and not self.is_coverage(index.row()) and self.rename is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def cell_at(self, index: Index) -> tuple[int, int | None] | None:
        """(capability id, competitor id or None) of a level cell; None elsewhere."""
        if self.matrix is None or not index.isValid() or index.column() == 0:
            return None
        if self.is_coverage(index.row()) or index.row() >= len(self.matrix.capabilities):
            return None
        return self.matrix.capabilities[index.row()].id, self.columns[index.column() - 1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        matrix = self.matrix
        if matrix is None or not index.isValid() or index.row() >= self.rowCount():
            return None
        row, column = index.row(), index.column()
        if self.is_coverage(row):
            if role == Qt.ItemDataRole.DisplayRole:
                if column == 0:
                    return "Coverage"
                share = matrix.coverage(self.columns[column - 1])
                return "—" if share is None else f"{share:.0%}"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole and column > 0:
                return "Full counts 1, Partial ½, None 0; Unknown cells are left out"
            return None
        capability = matrix.capabilities[row]
        if column == 0:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
                return capability.name
            if role == Qt.ItemDataRole.ToolTipRole:
                if capability.requirement_id is not None:
                    return "From a requirement"
                if capability.note_id is not None:
                    return "From a canvas note"
            return None
        competitor_id = self.columns[column - 1]
        cell = matrix.cell(capability.id, competitor_id)
        level = cell.level if cell is not None else CellLevel.UNKNOWN
        stale = cell is not None and cell.stale and level is not CellLevel.UNKNOWN
        if role == Qt.ItemDataRole.DisplayRole:
            return level_text(level, stale)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = QColor(LEVEL_LOOK[level][1])
            colour.setAlpha(TINT_ALPHA)
            return QBrush(colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            if cell is None:
                return "Unknown: not compared yet — press Enter to set"
            lines = [cell.level.label]
            if cell.evidence:
                lines.append(cell.evidence)
            lines.append(
                f"Checked on {short_date(cell.checked_on)}" if cell.checked_on else "Never checked"
            )
            if stale:
                lines.append(f"{STALE_MARK} Stale: check again")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return level_text(level, stale).replace(STALE_MARK, "stale")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or self.matrix is None
            or not index.isValid()
            or index.column() != 0
            or self.is_coverage(index.row())
            or self.rename is None
        ):
            return False
        capability = self.matrix.capabilities[index.row()]
        text = "" if value is None else str(value)
        if text == capability.name:
            return False
        return bool(self.rename(capability.id, text))


class CellDialog(QDialog):
    """Set one cell: its level, the evidence, the day it was checked (today by default)."""

    def __init__(
        self,
        title: str,
        level: CellLevel,
        evidence: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.level = QComboBox()
        self.level.setAccessibleName("Level")
        for each in CellLevel:
            self.level.addItem(level_text(each), each.value)
        self.level.setCurrentIndex(self.level.findData(level.value))
        self.evidence = QLineEdit(evidence)
        self.evidence.setAccessibleName("Evidence")
        self.evidence.setPlaceholderText("Where this was seen: a page, a demo, a customer")
        self.evidence.setMinimumWidth(360)
        self.checked_on = QDateEdit(QDate.currentDate())
        self.checked_on.setCalendarPopup(True)
        self.checked_on.setDisplayFormat("yyyy-MM-dd")
        self.checked_on.setAccessibleName("Checked on")
        form.addRow("Level", self.level)
        form.addRow("Evidence", self.evidence)
        form.addRow("Checked on", self.checked_on)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form.addRow(buttons)

    def values(self) -> tuple[CellLevel, str, dt.date]:
        return (
            CellLevel(self.level.currentData()),
            self.evidence.text().strip(),
            self.checked_on.date().toPython(),
        )
