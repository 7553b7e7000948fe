"""Linking a note to what it leads to: roadmap items and requirements (traceability).

``NoteLinksDialog`` is a small picker: two checkable lists with one filter box.
``choose_links`` opens it and returns what is ticked (tests replace it). The
change is one :class:`LinkNoteCommand`, so Undo takes all of it back at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.gui.commands import ServiceCommand
from pmdesk.store.services import CanvasService

Choices = Sequence[tuple[int, str]]  # (id, what the list shows)


class LinkNoteCommand(ServiceCommand):
    """Add and remove a note's links to roadmap items and requirements, as one step."""

    def __init__(
        self,
        service: CanvasService,
        note_id: int,
        items: tuple[set[int], set[int]],
        requirements: tuple[set[int], set[int]],
        text: str = "Change note links",
    ) -> None:
        super().__init__(text)
        self.service, self.note_id = service, note_id
        self.items = items  # (to link, to unlink)
        self.requirements = requirements

    def apply(self) -> None:
        self._write(link=self.items[0], unlink=self.items[1], key="item_id")
        self._write(link=self.requirements[0], unlink=self.requirements[1], key="requirement_id")

    def _write(self, link: Iterable[int], unlink: Iterable[int], key: str) -> None:
        for target in sorted(unlink):
            self.service.unlink_note(self.note_id, **{key: target})
        for target in sorted(link):
            self.service.link_note(self.note_id, **{key: target})


def changes(before: set[int], after: set[int]) -> tuple[set[int], set[int]]:
    """(to link, to unlink) to go from ``before`` to ``after``."""
    return after - before, before - after


class NoteLinksDialog(QDialog):
    def __init__(
        self,
        note_text: str,
        items: Choices,
        requirements: Choices,
        linked_items: Iterable[int],
        linked_requirements: Iterable[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Links of the note")
        self.resize(720, 460)
        note = QLabel(note_text.replace("\n", " "))
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name")
        self.filter.setClearButtonEnabled(True)
        self.items = _checkable(items, set(linked_items))
        self.requirements = _checkable(requirements, set(linked_requirements))
        grid = QGridLayout()
        grid.addWidget(QLabel("Roadmap items"), 0, 0)
        grid.addWidget(QLabel("Requirements"), 0, 1)
        grid.addWidget(self.items, 1, 0)
        grid.addWidget(self.requirements, 1, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.filter)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        self.filter.textChanged.connect(self.apply_filter)

    def apply_filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for widget in (self.items, self.requirements):
            for row in range(widget.count()):
                item = widget.item(row)
                item.setHidden(bool(wanted) and wanted not in item.text().casefold())

    def chosen(self) -> tuple[set[int], set[int]]:
        return _ticked(self.items), _ticked(self.requirements)


def _checkable(choices: Choices, ticked: set[int]) -> QListWidget:
    widget = QListWidget()
    for target_id, text in choices:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(
            Qt.CheckState.Checked if target_id in ticked else Qt.CheckState.Unchecked
        )
        item.setData(Qt.ItemDataRole.UserRole, target_id)
        widget.addItem(item)
    return widget


def _ticked(widget: QListWidget) -> set[int]:
    return {
        widget.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    }


def choose_links(
    parent: QWidget,
    note_text: str,
    items: Choices,
    requirements: Choices,
    linked_items: Iterable[int],
    linked_requirements: Iterable[int],
) -> tuple[set[int], set[int]] | None:
    """Ask which items and requirements the note links to; None if cancelled."""
    dialog = NoteLinksDialog(
        note_text, items, requirements, linked_items, linked_requirements, parent
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()
