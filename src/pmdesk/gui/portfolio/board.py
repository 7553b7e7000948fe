"""The lifecycle board: a column per stage with a card per product.

Dragging a card to another column does not move the product: the board only
emits ``moveRequested(product_id, stage)``, and the view opens the gate review,
whose decision (a Go, a Kill, a Recycle) is what moves it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.enums import Stage
from pmdesk.gui.theme import plain_tooltip
from pmdesk.store.portfolio_rows import ProductOverview

from .overview import HEALTH_COLOURS

MIME = "application/x-pmdesk-product"
CARDS_STRETCH = 100  # presented: an empty stage gets its title's width, those with cards the rest


def product_mime(product_id: int) -> QMimeData:
    data = QMimeData()
    data.setData(MIME, QByteArray(str(product_id).encode()))
    return data


def product_of(mime: QMimeData) -> int | None:
    if not mime.hasFormat(MIME):
        return None
    try:
        return int(bytes(mime.data(MIME).data()).decode())
    except ValueError:
        return None


class StageColumn(QListWidget):
    dropped = Signal(int, object)  # product id, this column's Stage
    activated_id = Signal(int)

    def __init__(self, stage: Stage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSpacing(3)
        self.setWordWrap(True)
        self.setAccessibleName(f"{stage.label} column")
        # Double-click or Enter opens the product (Enter is the keyboard's double-click).
        self.itemActivated.connect(
            lambda item: self.activated_id.emit(item.data(Qt.ItemDataRole.UserRole))
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+→ / Ctrl+← ask to move the current card a stage on or back: the drag's keys."""
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Left: -1}.get(Qt.Key(event.key()))
        item = self.currentItem()
        movable = self.dragDropMode() != QAbstractItemView.DragDropMode.NoDragDrop
        if step and event.modifiers() & Qt.KeyboardModifier.ControlModifier and movable:
            stages = list(Stage)
            target = self.stage.order + step
            if item is not None and 0 <= target < len(stages):
                self.dropped.emit(int(item.data(Qt.ItemDataRole.UserRole)), stages[target])
            event.accept()
            return
        super().keyPressEvent(event)

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, items: list[QListWidgetItem]) -> QMimeData:
        return product_mime(int(items[0].data(Qt.ItemDataRole.UserRole)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        event.setAccepted(product_of(event.mimeData()) is not None)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.setAccepted(product_of(event.mimeData()) is not None)

    def dropEvent(self, event: QDropEvent) -> None:
        product_id = product_of(event.mimeData())
        if product_id is None:
            event.ignore()
            return
        # The data changes only through the gate review: nothing is moved here. The review
        # opens once the drop has finished, not inside Qt's drag loop (the board is rebuilt).
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if all(
            self.item(n).data(Qt.ItemDataRole.UserRole) != product_id for n in range(self.count())
        ):
            QTimer.singleShot(0, lambda: self.dropped.emit(product_id, self.stage))


class LifecycleBoard(QWidget):
    moveRequested = Signal(int, object)  # product id, target Stage
    productActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.columns: dict[Stage, StageColumn] = {}
        self.titles: dict[Stage, QLabel] = {}
        for stage in Stage:
            box = QVBoxLayout()
            title = QLabel(stage.label)
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            column = StageColumn(stage, self)
            column.dropped.connect(self.moveRequested)
            column.activated_id.connect(self.productActivated)
            box.addWidget(title)
            box.addWidget(column, 1)
            layout.addLayout(box, 1)
            self.columns[stage], self.titles[stage] = column, title
        self._presented = False

    def set_presentation(self, look: Any, theme: Any) -> None:
        """Cards to read, not to drag: more air, a health swatch the size of the type, and
        the width of the empty stages for the ones with cards."""
        look.call(self.set_presented, self._presented, True)
        swatch = max(16, round(theme.body_px * 0.8))
        for column in self.columns.values():
            look.call(
                column.setDragDropMode,
                column.dragDropMode(),
                QAbstractItemView.DragDropMode.NoDragDrop,
            )
            look.call(column.setSpacing, column.spacing(), max(3, theme.body_px // 3))
            look.call(column.setIconSize, column.iconSize(), QSize(swatch, swatch))

    def set_presented(self, presented: bool) -> None:
        """On the projector a stage with no product is as narrow as its title, and the stages
        with cards share the rest, so that names in the large type wrap less and keep their
        words whole; at the desk every stage is as wide as the next."""
        self._presented = presented
        self._share_width()

    def _share_width(self) -> None:
        layout = self.layout()
        for index, column in enumerate(self.columns.values()):
            cards = self._presented and column.count() > 0
            layout.setStretch(index, CARDS_STRETCH if cards else 1)

    def set_rows(self, rows: list[ProductOverview]) -> None:
        """Cards updated in place: a selected card stays selected, a column keeps its scroll."""
        for stage, column in self.columns.items():
            mine = [r for r in rows if r.stage is stage]
            self.titles[stage].setText(f"{stage.label} ({len(mine)})")
            column.setAccessibleName(
                f"{stage.label} column, {len(mine)} product{'' if len(mine) == 1 else 's'}"
            )
            wanted = {row.id for row in mine}
            for number in reversed(range(column.count())):
                if column.item(number).data(Qt.ItemDataRole.UserRole) not in wanted:
                    column.takeItem(number)
            for number, row in enumerate(mine):
                found = next(
                    (
                        n
                        for n in range(number, column.count())
                        if column.item(n).data(Qt.ItemDataRole.UserRole) == row.id
                    ),
                    None,
                )
                if found is None:
                    column.insertItem(number, QListWidgetItem())
                elif found != number:  # another order (a rename): move it, selection and all
                    selected = column.item(found).isSelected()
                    column.insertItem(number, column.takeItem(found))
                    column.item(number).setSelected(selected)
                self._fill_card(column.item(number), row)
        self._share_width()

    @staticmethod
    def _fill_card(item: QListWidgetItem, row: ProductOverview) -> None:
        lines = [row.name]
        if row.owner:
            lines.append(row.owner)
        if row.flagged:
            lines.append("⚑ elimination candidate")
        item.setText("\n".join(lines))
        item.setData(Qt.ItemDataRole.UserRole, row.id)
        item.setData(Qt.ItemDataRole.DecorationRole, QColor(HEALTH_COLOURS[row.health.colour]))
        item.setToolTip(
            plain_tooltip(
                f"{row.name}\nHealth: {row.health.reason}\n"
                "Drag to another stage (or Ctrl+→ / Ctrl+←) to open its "
                "gate review"
            )
        )

    def card_ids(self, stage: Stage) -> list[int]:
        column = self.columns[stage]
        return [column.item(n).data(Qt.ItemDataRole.UserRole) for n in range(column.count())]
