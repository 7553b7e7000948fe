"""Now / Next / Later: the roadmap as three columns of cards, with no dates in sight.

For audiences that should not see dates. An item's column follows from its
dates relative to today (``core/horizon.py``) unless someone put it in a column
by hand; dragging a card to another column asks for exactly that, as an
undoable edit of the item's ``horizon``. The columns are list views over thin
models holding item ids, so the board stays quick with thousands of cards.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core import horizon as rule
from pmdesk.core.enums import Horizon, ItemStatus
from pmdesk.core.horizon import SUBTITLES
from pmdesk.gui.widgets.row_sync import sync_rows

from .model import RoadmapModel
from .painting import ChartPainter

MIME_TYPE = "application/x-pmdesk-roadmap-item-ids"
CARD_HEIGHT = 58
ItemIdRole = Qt.ItemDataRole.UserRole + 1
AnyIndex = QModelIndex | QPersistentModelIndex


class HorizonColumnModel(QAbstractListModel):
    """The item ids of one column; rows are read from the shared RoadmapModel."""

    dropRequested = Signal(list, object)  # item ids, Horizon

    def __init__(self, model: RoadmapModel, horizon: Horizon, parent=None) -> None:
        super().__init__(parent)
        self.roadmap = model
        self.horizon = horizon
        self.ids: list[int] = []

    def set_ids(self, ids: list[int]) -> None:
        """The column's items, updated row by row: selection and scroll stay where they were."""
        sync_rows(self, self.ids, ids, key=lambda item_id: item_id)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.ids)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        item_id = self.ids[index.row()]
        row = self.roadmap.items.get(item_id)
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name
        if role == ItemIdRole:
            return item_id
        if role == Qt.ItemDataRole.ToolTipRole:
            return _undated_tooltip(self.roadmap, item_id)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index) | Qt.ItemFlag.ItemIsDropEnabled
        if index.isValid():
            base |= Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData:
        ids = sorted({self.ids[i.row()] for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(",".join(map(str, ids)).encode("ascii")))
        return mime

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data is not None and data.hasFormat(MIME_TYPE)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        """Ask for the items to be put in this column; the change notice moves the cards."""
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        text = bytes(data.data(MIME_TYPE).data()).decode("ascii")
        ids = [int(part) for part in text.split(",") if part]
        moving = [i for i in ids if i in self.roadmap.items]
        if moving:
            self.dropRequested.emit(moving, self.horizon)
        return False  # nothing moves here until the edit is committed

    def removeRows(
        self,
        row: int,
        count: int,
        parent: AnyIndex = QModelIndex(),  # noqa: B008
    ) -> bool:
        return False  # the source column is refreshed from the file, not edited by the view


def finished(row) -> bool:
    """Done, or 100 % complete: the board shows what is still to do."""
    return rule.finished(row.status, row.progress)


def _undated_tooltip(model: RoadmapModel, item_id: int) -> str:
    """The item described without its dates: the board is for audiences without them."""
    row = model.items[item_id]
    lines = [
        f"<b>{html.escape(row.name)}</b>",
        f"{row.kind.label} · {html.escape(model.lane_name(row.lane_id))} · {row.status.label}",
    ]
    if row.horizon is not None:
        lines.append(f"Placed in “{row.horizon.label}” by hand")
    return "<br>".join(lines)


class CardDelegate(QStyledItemDelegate):
    """A card: lane colour on the left edge, the name, kind and lane, status and progress."""

    def __init__(self, model: RoadmapModel, painter: ChartPainter, parent=None) -> None:
        super().__init__(parent)
        self.roadmap = model
        self.chart_painter = painter

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        fonts = self.chart_painter.fonts  # the projector's type needs taller cards
        lines = fonts.bold_metrics.height() + fonts.small_metrics.height()
        return QSize(220, max(CARD_HEIGHT, round(lines + 26)))

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        row = self.roadmap.items.get(index.data(ItemIdRole))
        if row is None:
            return
        style, fonts = self.chart_painter.style, self.chart_painter.fonts
        rect = QRectF(option.rect).adjusted(6, 4, -6, -4)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(style.highlight if selected else style.grid_strong, 2 if selected else 1))
        p.setBrush(style.base)
        p.drawRoundedRect(rect, 6, 6)
        colour = self.chart_painter.colour_of_lane(row.lane_id)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(rect.x(), rect.y(), 5, rect.height()), 2.5, 2.5)
        text_left = rect.x() + 14
        width = rect.right() - text_left - 10
        p.setFont(fonts.bold)
        p.setPen(style.muted if row.status is ItemStatus.CANCELLED else style.text)
        title = ("✓ " if row.status is ItemStatus.DONE else "") + row.name
        title_height = max(20.0, fonts.bold_metrics.height())
        p.drawText(
            QRectF(text_left, rect.y() + 5, width, title_height),
            Qt.AlignmentFlag.AlignVCenter,
            fonts.elide(title, width, bold=True),
        )
        p.setFont(fonts.small)
        p.setPen(style.muted)
        detail = f"{row.kind.label} · {self.roadmap.lane_name(row.lane_id)} · {row.status.label}"
        if row.horizon is not None:
            detail += " · pinned"
        p.drawText(
            QRectF(
                text_left,
                rect.y() + 6 + title_height,
                width,
                max(16.0, fonts.small_metrics.height()),
            ),
            Qt.AlignmentFlag.AlignVCenter,
            fonts.small_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, width),
        )
        if row.progress:
            p.setPen(Qt.PenStyle.NoPen)
            track = QRectF(text_left, rect.bottom() - 8, width, 3)
            p.setBrush(style.grid)
            p.drawRoundedRect(track, 1.5, 1.5)
            p.setBrush(colour)
            p.drawRoundedRect(QRectF(track.x(), track.y(), width * row.progress / 100, 3), 1.5, 1.5)
        if row.status is ItemStatus.AT_RISK:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(style.at_risk)
            p.drawEllipse(rect.topRight() + QRectF(-12, 8, 0, 0).topLeft(), 4, 4)
        p.restore()


class HorizonBoard(QWidget):
    horizonRequested = Signal(list, object)  # item ids, Horizon or None (follow the dates)
    openRequested = Signal(int)

    def __init__(self, model: RoadmapModel, painter: ChartPainter, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.columns: dict[Horizon, HorizonColumnModel] = {}
        self.views: dict[Horizon, QListView] = {}
        self.titles: dict[Horizon, QLabel] = {}
        self.title_size = "13pt"  # the projector's is in pixels, from its type
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 12, 12, 12)
        row.setSpacing(12)
        for horizon in Horizon:
            row.addLayout(self._column(horizon, painter), 1)

    def _column(self, horizon: Horizon, painter: ChartPainter) -> QVBoxLayout:
        column = QVBoxLayout()
        title = self.titles[horizon] = QLabel()
        title.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(title)
        model = self.columns[horizon] = HorizonColumnModel(self.model, horizon, self)
        model.dropRequested.connect(self.horizonRequested)
        view = self.views[horizon] = QListView()
        view.setAccessibleName(f"{horizon.label} items")
        view.setModel(model)
        view.setItemDelegate(CardDelegate(self.model, painter, view))
        view.setUniformItemSizes(True)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        view.setDefaultDropAction(Qt.DropAction.MoveAction)
        view.setDragDropOverwriteMode(False)
        view.setSpacing(0)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(lambda pos, v=view: self._menu(v, pos))
        view.doubleClicked.connect(lambda index: self.openRequested.emit(index.data(ItemIdRole)))
        column.addWidget(view, 1)
        return column

    def refresh(self) -> None:
        """Sort every shown item into its column (by start, then name)."""
        model = self.model
        buckets: dict[Horizon, list] = {h: [] for h in Horizon}
        self.finished = 0
        for row in model.filter.select(model.items.values(), model.folded_text):
            if finished(row):  # shipped work is not "now": it leaves the board
                self.finished += 1
                continue
            buckets[model.horizon_of(row)].append((row.start, row.name.casefold(), row.id))
        for horizon, entries in buckets.items():
            entries.sort()
            self.columns[horizon].set_ids([entry[2] for entry in entries])
            done = ""
            if horizon is Horizon.NOW and self.finished:
                done = f" · {self.finished} finished, not shown"
            self.titles[horizon].setText(
                f"<span style='font-size:{self.title_size}; font-weight:600'>{horizon.label}</span>"
                f"&nbsp;&nbsp;<span style='color:gray'>{len(entries)} · "
                f"{SUBTITLES[horizon]}{done}</span>"
            )

    def restyle(self, title_px: int | None) -> None:
        """Cards and column titles follow the chart's type (large on a projector)."""
        self.title_size = f"{title_px}px" if title_px else "13pt"
        for view in self.views.values():
            view.doItemsLayout()  # uniform item sizes are cached: ask the cards again
        self.refresh()

    def selected_ids(self) -> list[int]:
        return [
            index.data(ItemIdRole)
            for view in self.views.values()
            for index in view.selectionModel().selectedIndexes()
        ]

    def _menu(self, view: QListView, pos) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        menu = QMenu(self)
        for horizon in Horizon:
            menu.addAction(
                f"Move to {horizon.label}", lambda h=horizon: self.horizonRequested.emit(ids, h)
            )
        menu.addSeparator()
        menu.addAction("Follow the dates", lambda: self.horizonRequested.emit(ids, None))
        menu.exec(view.viewport().mapToGlobal(pos))
