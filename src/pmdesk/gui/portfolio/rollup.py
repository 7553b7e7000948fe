"""The portfolio's P&L roll-up: revenue, gross margin and contribution per product, and totals.

Each product's figures add up its P&L periods (of one year, or of its whole plan):
actual where its metric values exist, the business case's plan elsewhere, and the
Source column says which. Products keep their own currency: totals are per currency,
never converted. Rows only from the plan read in grey italics, like the product's own
P&L; the totals are bold.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.pricing import format_money, format_rate
from pmdesk.core.wording import plural
from pmdesk.gui.views.common import today
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.row_sync import sync_rows
from pmdesk.gui.widgets.rows_model import Index, RowsModel

ID_ROLE = Qt.ItemDataRole.UserRole
COLUMNS = (  # (title, what its header says when pointed at)
    ("Product", ""),
    ("Revenue", ""),
    ("Gross margin", "Revenue − cost of goods"),
    ("Margin %", "Gross margin ÷ revenue"),
    ("Contribution", "Gross margin − operating costs"),
    ("Source", "Actual: from metric values; plan: from the business case where none exist yet"),
)
RIGHT = {1, 2, 3, 4}
PLAN = "plan"


class RollupLine(NamedTuple):  # (quicker to load than a dataclass: a start reads it)
    key: tuple[str, Any]  # ("product", id) or ("total", currency)
    name: str
    currency: str
    revenue: Decimal
    gross_margin: Decimal
    contribution: Decimal
    source: str  # "actual", "plan", "plan and actual"; "" for a total
    product_id: int | None = None

    @property
    def total(self) -> bool:
        return self.product_id is None

    @property
    def margin_pct(self) -> Decimal | None:
        return self.gross_margin / self.revenue if self.revenue else None


def lines_of(found: Any) -> list[RollupLine]:
    """A ``PortfolioPnl``'s products, then one total per currency."""
    lines = [
        RollupLine(
            ("product", p.product_id),
            p.name,
            p.currency,
            p.revenue,
            p.gross_margin,
            p.contribution,
            p.source,
            p.product_id,
        )
        for p in found.products
    ]
    several = len(found.totals) > 1
    for total in found.totals:
        count = sum(1 for p in found.products if p.currency == total.currency)
        lines.append(
            RollupLine(
                ("total", total.currency),
                f"Total in {total.currency}"
                + (f" ({plural(count, 'product')})" if several else ""),
                total.currency,
                total.revenue,
                total.gross_margin,
                total.contribution,
                "",
            )
        )
    return lines


class RollupModel(RowsModel[RollupLine]):
    HEADERS = tuple(title for title, _tip in COLUMNS)
    HEADER_TIPS = tuple(tip for _title, tip in COLUMNS)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.muted = QColor("#777777")

    def set_rows(self, rows: Sequence[RollupLine]) -> None:
        sync_rows(self, self.rows, list(rows), key=lambda line: line.key)

    def alignment(self, column: int) -> Qt.AlignmentFlag:
        return _align(column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line, column = self.row_at(index), index.column()
        if line is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(line, column)
        if role == ID_ROLE:
            return line.product_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.alignment(column))  # as its header
        if role == Qt.ItemDataRole.FontRole and (line.total or line.source == PLAN):
            font = QFont()
            font.setBold(line.total)
            font.setItalic(line.source == PLAN)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and line.source == PLAN:
            return QBrush(self.muted)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tip(line)
        return None

    @staticmethod
    def text(line: RollupLine, column: int) -> str:
        if column == 0:
            return line.name
        if column == 1:
            return format_money(line.revenue, line.currency, whole=True)
        if column == 2:
            return format_money(line.gross_margin, line.currency, whole=True)
        if column == 3:
            return "" if line.margin_pct is None else format_rate(line.margin_pct)
        if column == 4:
            return format_money(line.contribution, line.currency, whole=True)
        if column == 5:
            return line.source
        return ""

    @staticmethod
    def tip(line: RollupLine) -> str:
        if line.total:
            return f"Every product priced in {line.currency}, added up (never converted)"
        return {
            "actual": f"{line.name}: every period from its metric values",
            PLAN: f"{line.name}: no metric values in these periods, so its business case's plan",
        }.get(line.source, f"{line.name}: actual where metric values exist, plan elsewhere")


def _align(column: int) -> Qt.AlignmentFlag:
    side = Qt.AlignmentFlag.AlignRight if column in RIGHT else Qt.AlignmentFlag.AlignLeft
    return side | Qt.AlignmentFlag.AlignVCenter


class RollupPanel(QWidget):
    """The roll-up table with its year choice; the portfolio view hands it the figures."""

    productActivated = Signal(int)
    yearChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = RollupModel(self)
        self.year = QComboBox()
        self.year.setAccessibleName("Period of the P&L roll-up")
        this_year = today().year
        for year in (this_year - 1, this_year, this_year + 1):
            self.year.addItem(str(year), year)
        self.year.addItem("Whole plan", None)
        self.year.setCurrentIndex(1)
        self.year.currentIndexChanged.connect(lambda *_: self.yearChanged.emit())
        self.legend = QLabel(textFormat=Qt.TextFormat.RichText, wordWrap=True)
        self.legend.setAccessibleName("P&L roll-up legend")
        self.hint = next_step_hint(
            "No business cases yet — open a product's Business case and create one: "
            "its plan and the product's metric values add up here",
            centred=True,
        )
        self.table = QTableView(self)
        self.table.setAccessibleName("P&L roll-up")
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        line = self.table.fontMetrics().lineSpacing()
        self.table.verticalHeader().setMinimumSectionSize(line + 4)
        self.table.verticalHeader().setDefaultSectionSize(int(line * 1.9))
        header = self.table.horizontalHeader()
        # Figures as wide as they are, whatever the type (a projector's too); names get the rest.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.table.activated.connect(self._activated)
        top = QHBoxLayout()
        label = QLabel("P&&L of")
        label.setBuddy(self.year)
        top.addWidget(label)
        top.addWidget(self.year)
        top.addSpacing(16)
        top.addWidget(self.legend, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.hint, 1)
        layout.addWidget(self.table, 1)
        self.missing = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.missing.setEnabled(False)  # the palette's quieter text
        layout.addWidget(self.missing)

    def chosen_year(self) -> int | None:
        return self.year.currentData()

    def set_figures(
        self, found: Any, missing: Sequence[str] = (), without_case: Sequence[str] = ()
    ) -> None:
        """``found``: a ``PortfolioPnl``; ``missing``: products left out, with no figures;
        ``without_case``: those of them that have no business case at all (the others have
        one whose periods fall outside the year chosen)."""
        self.model.muted = self.palette().color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
        )
        lines = lines_of(found)
        self.model.set_rows(lines)
        self.hint.setVisible(not lines)
        self.table.setVisible(bool(lines))
        self.missing.setText(left_out(missing, without_case, self.year.currentText()))
        self.missing.setVisible(bool(missing) and bool(lines))
        muted = self.model.muted.name()
        self.legend.setText(
            "Actual where metric values exist, "
            f"<i style='color:{muted}'>plan</i> (the business case) elsewhere; "
            "totals per currency, never converted"
        )

    def _activated(self, index: QModelIndex) -> None:
        product_id = index.data(ID_ROLE)
        if product_id is not None:
            self.productActivated.emit(product_id)


def left_out(missing: Sequence[str], without_case: Sequence[str], period: str) -> str:
    """Why products are not in the roll-up, in the words a reader asks them in: "No business
    case yet: Orion. No figures in 2026 (the plan starts later or has ended): Pulse Cloud"."""
    if not missing:
        return ""
    no_case = [name for name in missing if name in set(without_case)]
    outside = [name for name in missing if name not in set(without_case)]
    parts = []
    if no_case:
        parts.append(f"No business case yet: {', '.join(no_case)}")
    if outside:
        when = "in the plan" if period == "Whole plan" else f"in {period}"
        parts.append(
            f"No figures {when} (the plan starts later or has ended): {', '.join(outside)}"
        )
    return "Not in the roll-up — " + ". ".join(parts)
