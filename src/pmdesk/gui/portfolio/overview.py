"""The portfolio table: one row per product with stage, owner, health, milestone, revenue, flag.

A thin read-only model over ``portfolio_overview`` rows; the revenue column is a
sparkline drawn by a delegate, health is a coloured dot whose tooltip says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QPointF,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from pmdesk.core.lifecycle import figure
from pmdesk.core.palette import HEALTH_COLOURS
from pmdesk.core.wording import dated, plural
from pmdesk.gui.theme import plain_tooltip
from pmdesk.gui.widgets.row_sync import sync_rows
from pmdesk.gui.widgets.rows_model import Index, RowsModel
from pmdesk.store.portfolio_rows import ProductOverview

HEADERS = (
    "Product",
    "Stage",
    "Owner",
    "Health",
    "Next milestone",
    "Revenue trend",
    "Latest revenue",
    "Elimination",
)
ID_ROLE = Qt.ItemDataRole.UserRole
SERIES_ROLE = Qt.ItemDataRole.UserRole + 1
SPARK_COLUMN = 5


class OverviewModel(RowsModel[ProductOverview]):
    HEADERS = HEADERS

    def set_rows(self, rows: Sequence[ProductOverview]) -> None:
        """New figures, row by row (no reset): the table keeps its selection and scroll."""
        sync_rows(self, self.rows, list(rows))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row, column = self.row_at(index), index.column()
        if row is None:
            return None
        if role == ID_ROLE:
            return row.id
        if role == SERIES_ROLE and column == SPARK_COLUMN:
            return row.revenue
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == 3:
            return QColor(HEALTH_COLOURS[row.health.colour])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(row: ProductOverview, column: int) -> str:
        if column == 0:
            return row.name
        if column == 1:
            return row.stage.label
        if column == 2:
            return row.owner
        if column == 3:
            return row.health.colour.capitalize()
        if column == 4:
            if row.next_milestone_on is None:
                return ""
            return dated(row.next_milestone_on, row.next_milestone)
        if column == 6:
            latest = row.latest_revenue
            return "" if latest is None else f"{figure(latest)} {row.revenue_unit}".strip()
        if column == 7:
            return "⚑ Candidate" if row.flagged else ""
        return ""

    @staticmethod
    def _tip(row: ProductOverview, column: int) -> str | None:
        if column == 3:
            return plain_tooltip(row.health.reason)
        if column == 7 and row.flagged:
            return plain_tooltip("\n".join(t.detail for t in row.triggers))
        if column == SPARK_COLUMN and row.revenue:
            return plain_tooltip(
                f"{plural(len(row.revenue), 'period')}, latest {figure(row.revenue[-1])}"
            )
        if column == 0:
            return plain_tooltip(row.name)
        return None


def fit_columns(
    widths: dict[int, int], room: int, drop: Sequence[int]
) -> tuple[dict[int, int], list[int]]:
    """Column widths that fit ``room``: leave out ``drop`` columns in turn, then shorten the
    widest.

    Returns the widths of the columns kept and the columns left out; the table never
    needs sideways scrolling, and kept columns are whole unless even that is not enough.
    Then the widest columns (a long name, the next milestone) are cut to one common width,
    just enough to fit, and the narrow ones (stage, health, the trend line) stay whole: on a
    laptop's projector "Development" and "Green" rather than "Developm…" and "Gre…".
    """
    kept, dropped = dict(widths), []
    for column in drop:
        if sum(kept.values()) <= room:
            break
        del kept[column]
        dropped.append(column)
    if sum(kept.values()) > room:
        cap = _common_cap(sorted(kept.values()), room)
        kept = {c: min(w, cap) for c, w in kept.items()}
    return kept, dropped


def _common_cap(ordered: Sequence[int], room: int) -> int:
    """The width no column may pass for ``ordered`` (narrowest first) to fit ``room``."""
    left = room
    for index, width in enumerate(ordered):
        share = left // (len(ordered) - index)
        if width > share:
            return max(0, share)
        left -= width
    return ordered[-1] if ordered else 0


class SparklineDelegate(QStyledItemDelegate):
    """A small line of the revenue series, its last point marked."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        values = index.data(SERIES_ROLE) or []
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        if len(values) < 2:
            return
        rect = QRectF(option.rect).adjusted(6, 5, -8, -5)
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        points = [
            QPointF(
                rect.left() + rect.width() * n / (len(values) - 1),
                rect.bottom() - rect.height() * (v - low) / span,
            )
            for n, v in enumerate(values)
        ]
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        falling = values[-1] < values[0]
        colour = QColor(HEALTH_COLOURS["red"] if falling else "#0072B2")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        weight = max(1.8, rect.height() / 16)  # thicker in the projector's taller rows
        painter.setPen(QPen(colour, weight))
        painter.drawPath(path)
        painter.setBrush(colour)
        painter.drawEllipse(points[-1], weight * 1.6, weight * 1.6)
        painter.restore()
