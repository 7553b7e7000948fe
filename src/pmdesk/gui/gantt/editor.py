"""The side panel: edit the selected item (or dependency) field by field.

Each field commits when editing finishes, as one request the panel turns into
an undoable command; the editor never writes data and re-reads the model after
every change, so undo shows up here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.enums import DependencyType, ItemKind, ItemStatus
from pmdesk.core.kinds import ChangeKind

from .model import RoadmapModel
from .text import TYPE_WORDS


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class NotesEdit(QPlainTextEdit):
    editingFinished = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


class ItemEditor(QWidget):
    changeRequested = Signal(int, object)  # item id, {field: value}
    requirementToggled = Signal(int, int, bool)  # item id, requirement id, linked
    linkChangeRequested = Signal(int, object)  # link id, {field: value}
    linkDeleteRequested = Signal(int)

    def __init__(self, model: RoadmapModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model
        self.item_id: int | None = None
        self.link_id: int | None = None
        self._loading = False
        self._shown: dict[str, Any] = {}  # what each field was last filled with
        self.setMinimumWidth(260)
        self.stack = QStackedWidget()
        self.empty = QLabel(
            "Select an item to edit it here.\nDouble-click empty space in a lane to create one."
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._item_page())
        self.stack.addWidget(self._link_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.stack)

    def _item_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.name = QLineEdit()
        self.name.textEdited.connect(self._typing)
        self.name.editingFinished.connect(lambda: self._send("name", self.name.text()))
        self.kind = QComboBox()
        for kind in ItemKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.activated.connect(lambda: self._send("kind", ItemKind(self.kind.currentData())))
        self.lane = QComboBox()
        self.lane.activated.connect(lambda: self._send("lane_id", self.lane.currentData()))
        self.start = QDateEdit(calendarPopup=True)
        self.end = QDateEdit(calendarPopup=True)
        for edit in (self.start, self.end):
            edit.setDisplayFormat("d MMM yyyy")
        self.start.editingFinished.connect(self._send_dates)
        self.end.editingFinished.connect(self._send_dates)
        self.progress = QSpinBox()
        self.progress.setRange(0, 100)
        self.progress.setSuffix(" %")
        self.progress.editingFinished.connect(lambda: self._send("progress", self.progress.value()))
        self.status = QComboBox()
        for status in ItemStatus:
            self.status.addItem(status.label, status.value)
        self.status.activated.connect(
            lambda: self._send("status", ItemStatus(self.status.currentData()))
        )
        self.notes = NotesEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.textChanged.connect(self._typing)
        self.notes.editingFinished.connect(lambda: self._send("notes", self.notes.toPlainText()))
        self.requirements = QListWidget()
        self.requirements.itemChanged.connect(self._toggle_requirement)
        for label, widget in (
            ("Name", self.name),
            ("Kind", self.kind),
            ("Lane", self.lane),
            ("Start", self.start),
            ("End", self.end),
            ("Progress", self.progress),
            ("Status", self.status),
            ("Notes", self.notes),
            ("Delivers", self.requirements),
        ):
            form.addRow(label, widget)
            _name(widget, label)
        return page

    def _link_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setContentsMargins(0, 0, 0, 0)
        self.link_label = QLabel()
        self.link_label.setWordWrap(True)
        self.link_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(self.link_label)
        self.link_type = QComboBox()
        for kind in DependencyType:
            self.link_type.addItem(f"{TYPE_WORDS[kind]} ({kind.value})", kind.value)
        self.link_type.activated.connect(
            lambda: self._send_link("type", DependencyType(self.link_type.currentData()))
        )
        self.lag = QSpinBox()
        self.lag.setRange(-3650, 3650)
        self.lag.setSuffix(" days")
        self.lag.editingFinished.connect(lambda: self._send_link("lag_days", self.lag.value()))
        form.addRow("Type", self.link_type)
        form.addRow("Lag or lead", self.lag)
        _name(self.link_type, "Dependency type")
        _name(self.lag, "Lag or lead")
        remove = QPushButton("Delete dependency")
        remove.clicked.connect(
            lambda: self.link_id is not None and self.linkDeleteRequested.emit(self.link_id)
        )
        form.addRow(remove)
        return page

    # -- showing -----------------------------------------------------------------------

    def show_selection(self) -> None:
        """Follow the chart's selection: one item, else one link, else nothing."""
        model = self.model
        if len(model.selected) == 1:
            self.show_item(next(iter(model.selected)))
        elif not model.selected and len(model.selected_links) == 1:
            self.show_link(next(iter(model.selected_links)))
        else:
            self.item_id = self.link_id = None
            self.stack.setCurrentIndex(0)

    def show_item(self, item_id: int) -> None:
        row = self.model.items.get(item_id)
        if row is None:
            self.show_selection()
            return
        # Shown again after a change (someone else's too): a field typed in but not saved
        # yet keeps what is typed; it is saved, or refused as a conflict, when left.
        again = item_id == self.item_id
        if not again:
            self._release()
        self.item_id, self.link_id = item_id, None
        self._loading = True
        try:
            self._put("name", row.name, self.name.text, self.name.setText, again)
            self.kind.setCurrentIndex(list(ItemKind).index(row.kind))
            self.lane.clear()
            for lane in self.model.lanes:
                self.lane.addItem(lane.name, lane.id)
            self.lane.setCurrentIndex(self.model.lane_index.get(row.lane_id, -1))
            self._put("start", _qdate(row.start), self.start.date, self.start.setDate, again)
            self._put("end", _qdate(row.end), self.end.date, self.end.setDate, again)
            self.end.setEnabled(row.kind is not ItemKind.MILESTONE)
            self._put("progress", row.progress, self.progress.value, self.progress.setValue, again)
            self._put("notes", row.notes, self.notes.toPlainText, self.notes.setPlainText, again)
            self.status.setCurrentIndex(list(ItemStatus).index(row.status))
            self._fill_requirements(item_id, keep_scroll=again)
        finally:
            self._loading = False
        self.stack.setCurrentIndex(1)

    def _put(
        self,
        field: str,
        value: Any,
        read: Callable[[], Any],
        write: Callable[[Any], None],
        again: bool,
    ) -> None:
        """Show ``value`` unless the field holds unsaved typing (it differs from what was shown)."""
        current = read()
        if current != value:
            if again and current != self._shown.get(field):
                return
            write(value)
        self._shown[field] = read()

    def _fill_requirements(self, item_id: int, keep_scroll: bool = False) -> None:
        queries = self.model.queries
        linked = queries.requirements_of_item(item_id)
        scrolled = self.requirements.verticalScrollBar().value() if keep_scroll else 0
        self.requirements.clear()
        for req_id, ref, title in queries.requirement_choices(self.model.product_id):
            entry = QListWidgetItem(f"{ref} {title}".strip())
            entry.setData(Qt.ItemDataRole.UserRole, req_id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = Qt.CheckState.Checked if req_id in linked else Qt.CheckState.Unchecked
            entry.setCheckState(checked)
            self.requirements.addItem(entry)
        self.requirements.doItemsLayout()
        self.requirements.verticalScrollBar().setValue(scrolled)

    def show_link(self, link_id: int) -> None:
        from .text import link_words

        link = self.model.links.get(link_id)
        if link is None:
            self.show_selection()
            return
        self.item_id, self.link_id = None, link_id
        self._loading = True
        try:
            self.link_label.setText(link_words(self.model, link_id))
            self.link_type.setCurrentIndex(list(DependencyType).index(link.type))
            self.lag.setValue(link.lag)
        finally:
            self._loading = False
        self.stack.setCurrentIndex(2)

    def refresh(self, items: set[int], links: set[int]) -> None:
        """Re-read what is shown if a change touched it."""
        if self.item_id is not None and (self.item_id in items or not items and not links):
            self.show_item(self.item_id)
        elif self.link_id is not None and self.link_id in links:
            self.show_link(self.link_id)

    def focus_name(self) -> None:
        self.name.setFocus()
        self.name.selectAll()

    # -- sending ----------------------------------------------------------------------

    def _typing(self, *_args) -> None:
        """Typing began: in a team workspace the edit is based on the item as shown now."""
        if not self._loading and self.item_id is not None:
            self.model.queries.ws.versions.hold_version(ChangeKind.ROADMAP_ITEM, self.item_id)

    def _release(self) -> None:
        if self.item_id is not None:
            self.model.queries.ws.versions.release_version(ChangeKind.ROADMAP_ITEM, self.item_id)

    def _send(self, field: str, value) -> None:
        if self._loading or self.item_id is None:
            return
        row = self.model.items.get(self.item_id)
        if row is None:
            return
        current = {"lane_id": row.lane_id}.get(field, getattr(row, field, None))
        try:
            if value != current:
                self.changeRequested.emit(self.item_id, {field: value})
        finally:
            self._release()

    def _send_dates(self) -> None:
        if self._loading or self.item_id is None:
            return
        row = self.model.items.get(self.item_id)
        start, end = _pydate(self.start.date()), _pydate(self.end.date())
        if row is not None and (start, end) != (row.start, row.end):
            if row.kind is ItemKind.MILESTONE:
                end = start
            self.changeRequested.emit(self.item_id, {"start_date": start, "end_date": end})

    def _send_link(self, field: str, value) -> None:
        if self._loading or self.link_id is None:
            return
        link = self.model.links.get(self.link_id)
        current = {"type": link.type, "lag_days": link.lag}[field] if link else None
        if value != current:
            self.linkChangeRequested.emit(self.link_id, {field: value})

    def _toggle_requirement(self, entry: QListWidgetItem) -> None:
        if self._loading or self.item_id is None:
            return
        linked = entry.checkState() == Qt.CheckState.Checked
        self.requirementToggled.emit(self.item_id, entry.data(Qt.ItemDataRole.UserRole), linked)


def _name(widget: QWidget, name: str) -> None:
    """A screen reader names a field by its label; a spin box's inner line edit too."""
    widget.setAccessibleName(name)
    inner = getattr(widget, "lineEdit", None)
    if callable(inner) and inner() is not None:
        inner().setAccessibleName(name)
