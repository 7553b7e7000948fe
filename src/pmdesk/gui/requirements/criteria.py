"""Acceptance criteria as a list: add, edit in place, remove; each change one undo step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.requirements import GHERKIN_TEMPLATE, clean_criteria, is_gherkin


class CriteriaList(QWidget):
    """Shows a requirement's criteria; asks for a new list with ``criteriaEdited``."""

    criteriaEdited = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._criteria: list[str] = []
        self._loading = False
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.list.itemChanged.connect(self._item_changed)
        self.summary = QLabel()
        self.summary.setEnabled(False)
        self.add_button = QPushButton("Add criterion")
        self.add_button.setToolTip("Adds “Given … when … then …” to fill in")
        self.add_button.clicked.connect(self.add_criterion)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.setAccessibleName("Acceptance criteria")
        self.summary.setWordWrap(True)  # the panel may be narrow: the line wraps, never clips
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)

    def set_criteria(self, criteria: list[Any], *, writable: bool) -> None:
        self._criteria = clean_criteria(criteria)
        self._loading = True
        try:
            self.list.clear()
            for text in self._criteria:
                item = QListWidgetItem(text)
                item.setFlags(
                    item.flags() | Qt.ItemFlag.ItemIsEditable
                    if writable
                    else item.flags() & ~Qt.ItemFlag.ItemIsEditable
                )
                item.setToolTip("Given / When / Then" if is_gherkin(text) else "")
                self.list.addItem(item)
        finally:
            self._loading = False
        gherkin = sum(is_gherkin(text) for text in self._criteria)
        count = len(self._criteria)
        self.summary.setText(
            "No criteria yet"
            if not count
            else f"{count} criteri{'on' if count == 1 else 'a'} · {gherkin} in Given/When/Then form"
        )
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable)

    def criteria(self) -> list[str]:
        return list(self._criteria)

    def add_criterion(self) -> None:
        self.criteriaEdited.emit([*self._criteria, GHERKIN_TEMPLATE])

    def edit_last(self) -> None:
        """Open the newest criterion for typing (after an add went through)."""
        if self.list.count():
            item = self.list.item(self.list.count() - 1)
            self.list.setCurrentItem(item)
            self.list.editItem(item)

    def remove_selected(self) -> None:
        rows = {index.row() for index in self.list.selectedIndexes()}
        if not rows and self.list.currentRow() >= 0:
            rows = {self.list.currentRow()}
        if rows:
            self.criteriaEdited.emit([t for n, t in enumerate(self._criteria) if n not in rows])

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        edited = [self.list.item(n).text() for n in range(self.list.count())]
        if clean_criteria(edited) != self._criteria:
            self.criteriaEdited.emit(clean_criteria(edited))
