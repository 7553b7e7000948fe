"""A form for the fields of one entity; leaving a changed field saves it as one undoable edit.

Fields are configured with the same Column specs as the tables, and use the same
editors. The form follows the file: an edit made anywhere (undo included) shows
up at once, except in the field the person is typing in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext

from .columns import Column
from .delegates import DateEdit, editor_value, make_editor, set_editor_value
from .entity_model import clean_changes, default_name

if TYPE_CHECKING:  # the store loads after a file's first view is drawn (store/early.py)
    from pmdesk.store.services.base import Repo

Section = tuple[str, Sequence[Column]]


class EntityForm(QWidget):
    # Any field's text changed (typed, not yet saved): for live previews.
    edited = Signal()

    def __init__(
        self,
        ctx: AppContext,
        repo: Repo,
        sections: Sequence[Section],
        *,
        name_of: Callable[[Any], str] = default_name,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.repo = repo
        self.name_of = name_of
        self.entity_id: int | None = None
        self.row: Any = None
        self.columns: dict[str, Column] = {}
        self.editors: dict[str, QWidget] = {}
        self.layout_form = QFormLayout()
        self._loading = False
        self._build(sections)
        ctx.changed.connect(self._on_changed)
        self.set_entity(None)

    def _build(self, sections: Sequence[Section]) -> None:
        """One form layout for every section, so all labels share one column."""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 4, 0)
        form = self.layout_form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        for number, (title, columns) in enumerate(sections):
            heading = QLabel(title)
            font = QFont(heading.font())
            font.setBold(True)
            heading.setFont(font)
            if number:
                heading.setContentsMargins(0, 10, 0, 0)
            form.addRow(heading)
            for column in columns:
                editor = make_editor(column, self)
                if isinstance(editor, QPlainTextEdit):
                    editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 3 + 14)
                self.columns[column.field] = column
                self.editors[column.field] = editor
                self._connect(column.field, editor)
                form.addRow(column.header, editor)
        outer.addLayout(form)
        outer.addStretch(1)

    def insert_row(self, after_field: str, label: str, widget: QWidget) -> None:
        """Show something of the form's own (a live preview) right after a field."""
        row, _role = self.layout_form.getWidgetPosition(self.editors[after_field])
        self.layout_form.insertRow(row + 1, label, widget)

    def _connect(self, field: str, editor: QWidget) -> None:
        def commit() -> None:
            self.commit(field)

        if isinstance(editor, QComboBox):
            editor.activated.connect(commit)
            if editor.isEditable():
                editor.lineEdit().editingFinished.connect(commit)
                editor.editTextChanged.connect(self._typed)
        elif isinstance(editor, QDateEdit):
            editor.editingFinished.connect(commit)
            editor.calendarWidget().clicked.connect(commit)
        elif isinstance(editor, QAbstractSpinBox | QLineEdit):
            editor.editingFinished.connect(commit)
            if isinstance(editor, QLineEdit):
                editor.textChanged.connect(self._typed)
        elif isinstance(editor, QPlainTextEdit):
            editor.installEventFilter(self)
            editor.textChanged.connect(self._typed)

    def _typed(self, *_args: Any) -> None:
        if not self._loading:
            if self.entity_id is not None:  # what is typed is based on the row as shown now
                self.ctx.workspace.versions.hold_version(self.repo.kind, self.entity_id)
            self.edited.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            for field, editor in self.editors.items():
                if editor is watched:
                    self.commit(field)
        return super().eventFilter(watched, event)

    # -- loading -------------------------------------------------------------------------

    def set_entity(self, entity_id: int | None) -> None:
        self._release()
        self.entity_id = entity_id
        self.row = self.repo.get(entity_id) if entity_id is not None else None
        self._fill(skip_focused=False)
        writable = self.row is not None and not self.ctx.read_only
        for editor in self.editors.values():
            editor.setEnabled(writable)

    def _fill(self, *, skip_focused: bool) -> None:
        self._loading = True
        try:
            for field, editor in self.editors.items():
                if skip_focused and editor.hasFocus():
                    continue
                value = self.columns[field].raw(self.row) if self.row is not None else None
                editor.blockSignals(True)
                try:
                    set_editor_value(editor, self.columns[field], value)
                finally:
                    editor.blockSignals(False)
        finally:
            self._loading = False
        self.edited.emit()

    def _on_changed(self, changes: ChangeSet) -> None:
        if self.entity_id is None or not changes.touches(self.repo.kind):
            return
        if self.entity_id in changes.ids(self.repo.kind, "delete"):
            self.set_entity(None)
        elif changes.reloads(self.repo.kind):  # after a reconnect: it may even be gone
            found = self.repo.list(self.repo.model.id == self.entity_id)
            if not found:
                self.set_entity(None)
                return
            self.row = found[0]
            self._fill(skip_focused=True)
        elif self.entity_id in changes.ids(self.repo.kind, "update"):
            self.row = self.repo.get(self.entity_id)
            self._fill(skip_focused=True)

    # -- saving ------------------------------------------------------------------------------

    def value(self, field: str) -> Any:
        """What the field holds now, saved or not (for live previews)."""
        return editor_value(self.editors[field], self.columns[field])

    def commit(self, field: str) -> bool:
        """Save one field if it changed; a refusal is reported, the field shows the saved value.

        In a team workspace, a field typed into while a colleague changed the same row
        is checked against the row as it was when the typing began (a conflict, with
        both values), not against the row the form re-read meanwhile.
        """
        try:
            return self._commit(field)
        finally:
            self._release()  # the next keystroke holds the row as it is then

    def _release(self) -> None:
        if self.entity_id is not None:
            self.ctx.workspace.versions.release_version(self.repo.kind, self.entity_id)

    def _commit(self, field: str) -> bool:
        if self._loading or self.row is None or self.ctx.read_only:
            return False
        column = self.columns[field]
        editor = self.editors[field]
        problem = editor.problem() if isinstance(editor, DateEdit) else None
        if problem:  # typed text that is no date: say so, and show the saved date again
            self.ctx.errorRaised.emit(problem)
            self._revert(field)
            return False
        value = self.value(field)
        try:
            changes = clean_changes(self.repo, column, value, self.row)
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            self._revert(field)
            return False
        if all(getattr(self.row, name) == new for name, new in changes.items()):
            return False
        text = f"Edit {column.header.lower()} of “{self.name_of(self.row)}”"
        if not self.ctx.run(UpdateCommand(self.repo, self.row.id, changes, text)):
            self._revert(field)
            return False
        return True

    def _revert(self, field: str) -> None:
        editor = self.editors[field]
        editor.blockSignals(True)
        try:
            set_editor_value(editor, self.columns[field], self.columns[field].raw(self.row))
        finally:
            editor.blockSignals(False)
        self.edited.emit()
