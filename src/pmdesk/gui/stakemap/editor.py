"""The editor of the selected stakeholder, and the communication plan's agenda.

Both only read through the service and write through commands: the form's
fields each save as one undoable edit, "Mark contact done" is one step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.communication import contact_agenda
from pmdesk.core.enums import Attitude, ContactFrequency, Touchpoint
from pmdesk.core.wording import short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.store.services.stakeholders import StakeholderService

from .style import DUE, OVERDUE

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _position(field: str, header: str, *, nullable: bool = False) -> Column:
    return Column(
        field,
        header,
        Kind.FLOAT,
        minimum=0,
        maximum=10,
        decimals=1,
        nullable=nullable,
        none_label="not set" if nullable else "",
    )


def editor_sections() -> list[tuple[str, list[Column]]]:
    return [
        (
            "Who",
            [
                Column("name", "Name"),
                Column("role", "Role"),
                Column("organisation", "Organisation"),
                Column("department", "Department", suggestions=tuple(t.label for t in Touchpoint)),
                Column("email", "Email"),
                Column("phone", "Phone"),
            ],
        ),
        (
            "Where they stand",
            [
                Column("attitude", "Attitude", Kind.ENUM, enum=Attitude),
                _position("power", "Power (0-10)"),
                _position("interest", "Interest (0-10)"),
                Column("importance", "Importance (1-5)", Kind.INT, minimum=1, maximum=5),
                _position("desired_power", "Desired power", nullable=True),
                _position("desired_interest", "Desired interest", nullable=True),
            ],
        ),
        (
            "Communication plan",
            [
                Column("comm_channel", "Channel"),
                Column("comm_frequency", "Frequency", Kind.ENUM, enum=ContactFrequency),
                Column("comm_owner", "Owner"),
                Column("last_contact", "Last contact", Kind.DATE, nullable=True),
                Column("next_contact", "Next contact", Kind.DATE, nullable=True),
            ],
        ),
        ("Notes", [Column("notes", "Notes", Kind.LONG_TEXT)]),
    ]


def stakeholder_editor(
    ctx: AppContext, service: StakeholderService
) -> tuple[QScrollArea, EntityForm]:
    """The form in a scroll area (it is taller than the panel on a laptop screen)."""
    form = EntityForm(ctx, service.stakeholders, editor_sections())
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(form)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setAccessibleName("Stakeholder details")
    return scroll, form


class ContactAgenda(QWidget):
    """Overdue contacts and the next 14 days', with "Mark contact done" for the selected one."""

    doneRequested = Signal(int)
    personSelected = Signal(int)

    def __init__(self, today: Callable[[], dt.date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._names: dict[int, str] = {}
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels(["Stakeholder", "Due", "When", "Channel", "Owner"])
        self.tree.setAccessibleName("Contact plan")
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.itemSelectionChanged.connect(self._selected)
        self.tree.itemDoubleClicked.connect(lambda *_: self._done())
        self.done_button = QPushButton("Mark contact done")
        self.done_button.setToolTip(
            "Record today's contact; the next date follows from the frequency"
        )
        self.done_button.clicked.connect(self._done)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.read_only = False
        self._update_button()

    def show_people(self, people: list[Any]) -> None:
        """Rebuild the two groups from the product's stakeholders (a few dozen rows at most)."""
        chosen = self.selected_id()
        scrolled = self.tree.verticalScrollBar().value()
        self.tree.blockSignals(True)  # the same person selected again is not a new choice
        try:
            self._fill(people, chosen)
        finally:
            self.tree.blockSignals(False)
        self.tree.doItemsLayout()  # the new rows' height, so the old position can be set
        self.tree.verticalScrollBar().setValue(scrolled)
        self._update_button()

    def _fill(self, people: list[Any], chosen: int | None) -> None:
        today = self._today()
        agenda = contact_agenda(((p.id, p.next_contact) for p in people), today)
        by_id = {p.id: p for p in people}
        self.tree.clear()
        for title, entries, colour in (
            ("Overdue", agenda.overdue, OVERDUE),
            ("Next 14 days", agenda.upcoming, DUE),
        ):
            group = QTreeWidgetItem([f"{title} ({len(entries)})"])
            font = QFont(self.tree.font())
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(group)
            for person_id, when in entries:
                person = by_id[person_id]
                days = (when - today).days
                relative = (
                    "today" if days == 0 else f"in {days} d" if days > 0 else f"{-days} d overdue"
                )
                item = QTreeWidgetItem(
                    [
                        person.name,
                        short_date(when),
                        relative,
                        person.comm_channel,
                        person.comm_owner,
                    ]
                )
                item.setData(0, ID_ROLE, person_id)
                item.setToolTip(3, person.comm_channel)
                item.setForeground(2, QBrush(QColor(colour)))
                group.addChild(item)
                if person_id == chosen:
                    item.setSelected(True)
            group.setExpanded(True)
        # Channel gives way on a narrow panel (elided, whole on hover): no sideways scrolling.
        header = self.tree.header()
        header.setStretchLastSection(False)
        for column in range(self.tree.columnCount()):
            header.setSectionResizeMode(
                column,
                QHeaderView.ResizeMode.Stretch
                if column == 3
                else QHeaderView.ResizeMode.ResizeToContents,
            )

    def selected_id(self) -> int | None:
        items = self.tree.selectedItems()
        value = items[0].data(0, ID_ROLE) if items else None
        return int(value) if value is not None else None

    def select(self, person_id: int | None) -> None:
        self.tree.blockSignals(True)
        try:
            self.tree.clearSelection()
            for n in range(self.tree.topLevelItemCount()):
                group = self.tree.topLevelItem(n)
                for m in range(group.childCount()):
                    child = group.child(m)
                    child.setSelected(child.data(0, ID_ROLE) == person_id)
        finally:
            self.tree.blockSignals(False)
        self._update_button()

    def _selected(self) -> None:
        self._update_button()
        person_id = self.selected_id()
        if person_id is not None:
            self.personSelected.emit(person_id)

    def _update_button(self) -> None:
        self.done_button.setEnabled(self.selected_id() is not None and not self.read_only)

    def _done(self) -> None:
        person_id = self.selected_id()
        if person_id is not None and not self.read_only:
            self.doneRequested.emit(person_id)
