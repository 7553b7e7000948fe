"""The stakeholder table beside the map: sortable, editable, and filtered by what matters.

Besides the table's own text filter, four choices narrow it down: department or
touchpoint, quadrant, attitude, and whether the next contact is due or overdue.
The map fades the stakeholders the filters hide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from pmdesk.core.communication import due_status
from pmdesk.core.enums import Attitude, ContactFrequency, Quadrant, Touchpoint
from pmdesk.core.stakeholders import STRATEGY, quadrant
from pmdesk.core.wording import plural
from pmdesk.gui.widgets.columns import Column, Kind, computed
from pmdesk.gui.widgets.entity_model import EntityTableModel

from .style import DUE, OVERDUE

Today = Callable[[], dt.date]


@dataclass(frozen=True)
class Filters:
    department: str | None = None
    quadrant: Quadrant | None = None
    attitude: Attitude | None = None
    contact: str | None = None  # "due" (in the next 14 days or overdue) or "overdue"

    def active(self) -> bool:
        return any(
            v is not None for v in (self.department, self.quadrant, self.attitude, self.contact)
        )

    def matches(self, row: Any, today: dt.date) -> bool:
        if self.department is not None and row.department.casefold() != self.department.casefold():
            return False
        if self.quadrant is not None and quadrant(row.power, row.interest) is not self.quadrant:
            return False
        if self.attitude is not None and Attitude(row.attitude) is not self.attitude:
            return False
        status = due_status(row.next_contact, today)
        if self.contact == "overdue":
            return status == "overdue"
        if self.contact == "due":
            return status is not None
        return True


def map_columns(today: Today) -> list[Column]:
    """What the side table shows; the editor below holds the rest (contact details, notes)."""

    def contact_colour(row: Any) -> str | None:
        status = due_status(row.next_contact, today())
        return OVERDUE if status == "overdue" else DUE if status == "due" else None

    def contact_tip(row: Any) -> str | None:
        if row.next_contact is None:
            return None
        days = (row.next_contact - today()).days
        return f"Overdue by {plural(-days, 'day')}" if days < 0 else f"In {plural(days, 'day')}"

    return [
        Column("name", "Name", width=16),
        Column(
            "department",
            "Department",
            suggestions=tuple(t.label for t in Touchpoint),
            width=13,
            header_tip="A usual touchpoint, or type your own",
        ),
        Column("attitude", "Attitude", Kind.ENUM, enum=Attitude, width=9),
        computed(
            "quadrant",
            "Quadrant",
            lambda r: STRATEGY[quadrant(r.power, r.interest)],
            width=13,
            header_tip="From power and interest (5 and above counts as high)",
        ),
        Column("power", "Power", Kind.FLOAT, minimum=0, maximum=10, decimals=1, width=5),
        Column("interest", "Interest", Kind.FLOAT, minimum=0, maximum=10, decimals=1, width=6),
        Column(
            "importance",
            "Imp.",
            Kind.INT,
            minimum=1,
            maximum=5,
            width=4,
            header_tip="Importance: 1 (low) to 5 (critical); the token's size",
        ),
        Column(
            "next_contact",
            "Next contact",
            Kind.DATE,
            nullable=True,
            foreground=contact_colour,
            tooltip=contact_tip,
            width=10,
        ),
        Column("role", "Role", width=16),
        Column("organisation", "Organisation", width=12),
        Column("comm_channel", "Channel", width=10),
        Column("comm_frequency", "Frequency", Kind.ENUM, enum=ContactFrequency, width=9),
        Column("comm_owner", "Contact owner", width=12),
    ]


class FilteredModel(EntityTableModel):
    """The table model, with the structured filters applied on top of the typed words."""

    def __init__(self, *args: Any, today: Today, **kwargs: Any) -> None:
        self.filters = Filters()
        self._today = today
        super().__init__(*args, **kwargs)

    def set_filters(self, filters: Filters) -> None:
        if filters == self.filters:
            return
        self.beginResetModel()
        self.filters = filters
        self._ids = self._visible(self._order)
        self._reindex()
        self.endResetModel()

    def _visible(self, ids):  # type: ignore[override]
        shown = super()._visible(ids)
        if not self.filters.active():
            return shown
        self._ensure_all()
        today = self._today()
        return [i for i in shown if i in self._rows and self.filters.matches(self._rows[i], today)]

    def _matches(self, row: Any) -> bool:
        words = super()._matches(row) if self._filter else True
        return words and self.filters.matches(row, self._today())

    @property
    def filtered(self) -> bool:
        return bool(self._filter) or self.filters.active()


class FilterBar(QWidget):
    """Department, quadrant, attitude and contact choices; "All" clears each."""

    changed = Signal(object)  # Filters

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.department = self._combo("All departments", [(t.label, t.label) for t in Touchpoint])
        self.quadrant = self._combo("All quadrants", [(STRATEGY[q], q) for q in Quadrant])
        self.attitude = self._combo("All attitudes", [(a.label, a) for a in Attitude])
        self.contact = self._combo(
            "Any contact", [("Due in 14 days", "due"), ("Overdue", "overdue")]
        )
        label = QLabel("Show")
        label.setEnabled(False)
        layout.addWidget(label)
        for combo in (self.department, self.quadrant, self.attitude, self.contact):
            layout.addWidget(combo, 1)

    def _combo(self, everything: str, options: list[tuple[str, Any]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(f"Show: {everything.lower()}")
        combo.setMinimumContentsLength(8)  # narrow windows: the choice shortens, the bar fits
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.addItem(everything, None)
        for text, value in options:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(self._emit)
        return combo

    def add_departments(self, names: list[str]) -> None:
        """Offer the custom departments in use as well as the usual touchpoints."""
        known = {self.department.itemData(i) for i in range(1, self.department.count())}
        for name in sorted(n for n in set(names) if n and n not in known):
            self.department.addItem(name, name)

    def filters(self) -> Filters:
        # Combo data comes back as plain text (Qt drops the enum type): make it an enum again.
        quad, attitude = self.quadrant.currentData(), self.attitude.currentData()
        return Filters(
            self.department.currentData(),
            Quadrant(quad) if quad else None,
            Attitude(attitude) if attitude else None,
            self.contact.currentData(),
        )

    def _emit(self, *_args: Any) -> None:
        self.changed.emit(self.filters())
