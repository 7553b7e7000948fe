"""Table models of the Market view: the product's competitors, its deals, the win/loss summary.

Edits made in a cell go through ``edit`` (the view's one-undo-step runner); a model
never writes itself and is refilled from the service after every change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt

from pmdesk.core.market import DealOutcome, WinLossSummary
from pmdesk.core.wording import short_date
from pmdesk.gui.widgets.row_sync import sync_rows
from pmdesk.gui.widgets.rows_model import Index, RowsModel
from pmdesk.store.services.market import CompetitorRow, WinLossRow

Edit = Callable[[Any, str, str], bool]  # (row, field, text) -> whether it changed


def share_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value * 100:.1f}".rstrip("0").rstrip(".") + " %"


def money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}".removesuffix(".00")


class _RowsModel(RowsModel[Any]):
    EDITABLE: dict[int, str] = {}  # column -> the service's field name

    def __init__(self, edit: Edit | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.edit = edit

    def set_rows(self, rows: Sequence[Any]) -> None:
        """The new rows, row by row (no reset): an edit committed from a cell (which
        refills the model) leaves its editor and the selection alone, and a competitor
        or deal added or deleted leaves the others selected where they were."""
        sync_rows(self, self.rows, list(rows), key=self._key)

    @staticmethod
    def _key(row: Any) -> Any:
        return getattr(row, "id", None) or getattr(row, "competitor_id", None)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.edit is not None and index.column() in self.EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return getattr(row, "id", None)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or self.edit is None
            or index.column() not in self.EDITABLE
        ):
            return False
        text = "" if value is None else str(value)
        if text == self.text(self.rows[index.row()], index.column()):
            return False
        return self.edit(self.rows[index.row()], self.EDITABLE[index.column()], text)

    def text(self, row: Any, column: int) -> str:
        raise NotImplementedError

    def tooltip(self, row: Any, column: int) -> str | None:
        return None


class CompetitorsModel(_RowsModel):
    """The threat first (what a person scans for), the segment last (the longest text)."""

    HEADERS = ("Competitor", "Threat", "Level", "Market share", "Price index", "Segment")
    EDITABLE = {0: "name", 3: "market_share", 4: "price_index", 5: "segment"}

    def text(self, row: CompetitorRow, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return f"{row.threat.value:.0f}"
        if column == 2:
            return row.threat.level.label
        if column == 3:
            return share_text(row.market_share)
        if column == 4:
            return "" if row.price_index is None else f"{row.price_index} %"
        return row.segment

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.isValid() and index.column() == 4 and isinstance(value, str):
            value = value.replace("%", "").strip()
        return super().setData(index, value, role)

    def tooltip(self, row: CompetitorRow, column: int) -> str | None:
        if column in (1, 2):
            return row.threat.explain()
        if column == 4:
            return "Their price as a percentage of ours (100 % = the same price)"
        return None


class DealsModel(_RowsModel):
    HEADERS = ("Date", "Competitor", "Outcome", "Deal", "Reason", "Value")
    EDITABLE = {3: "deal", 4: "reason", 5: "value"}

    def __init__(self, edit: Edit | None = None, parent: Any = None) -> None:
        super().__init__(edit, parent)
        self.names: dict[int, str] = {}

    def text(self, row: WinLossRow, column: int) -> str:
        if column == 0:
            return short_date(row.date)
        if column == 1:
            return self.names.get(row.competitor_id, "")
        if column == 2:
            return row.outcome.label
        if column == 3:
            return row.deal
        if column == 4:
            return row.reason
        return money_text(row.value)


class SummaryModel(_RowsModel):
    HEADERS = ("Competitor", "Won", "Lost", "No decision", "Win rate", "Top reasons")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(None, parent)
        self.names: dict[int, str] = {}

    def text(self, row: WinLossSummary, column: int) -> str:
        if column == 0:
            return self.names.get(row.competitor_id, "")
        if column == 1:
            return str(row.won)
        if column == 2:
            return str(row.lost)
        if column == 3:
            return str(row.no_decision)
        if column == 4:
            rate = row.win_rate
            return "—" if rate is None else f"{rate:.0%}"
        return "; ".join(f"{reason} ({n})" for reason, n in row.top_reasons)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.UserRole:
            if not index.isValid() or not 0 <= index.row() < len(self.rows):
                return None
            return self.rows[index.row()].competitor_id
        return super().data(index, role)


OUTCOMES: tuple[DealOutcome, ...] = tuple(DealOutcome)
