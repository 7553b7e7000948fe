"""The requirement editor: story builder, criteria, MoSCoW, RICE with every part shown,
the customers and revenue behind it, and the roadmap items that deliver it.

Fields save like every form in the app (leaving a changed field is one undo step);
previews (the assembled story, the RICE parts, a possible duplicate) follow typing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import MoSCoW, RequirementKind, RequirementSource, RequirementStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.market import Demand
from pmdesk.core.requirements import revenue_at_stake, user_story
from pmdesk.core.scoring import RICE_IMPACT_LABELS, RICE_IMPACT_SCALE, rice, rice_parts
from pmdesk.core.wording import format_number, plural, short_date
from pmdesk.gui.commands import LinkCommand, UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.theme import PROBLEM_STYLE
from pmdesk.gui.views.common import create, heading
from pmdesk.gui.widgets.columns import Column, Kind, fixed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import MarketService, RequirementService

from .criteria import CriteriaList

IMPACT = fixed((v, f"{v:g} — {RICE_IMPACT_LABELS[v]}") for v in RICE_IMPACT_SCALE)
DUPLICATE_DELAY_MS = 250
FROM_DEMAND = "#1565c0"  # a reach taken from demand, in the editor and the backlog
STORY_FIELDS = ("story_role", "story_goal", "story_benefit")
RICE_FIELDS = ("reach", "impact", "confidence", "effort")

SECTIONS = [
    (
        "Requirement",
        [
            Column("title", "Title"),
            Column("kind", "Kind", Kind.ENUM, enum=RequirementKind),
        ],
    ),
    (
        "User story",
        [
            Column("story_role", "As a"),
            Column("story_goal", "I want"),
            Column("story_benefit", "So that"),
        ],
    ),
    ("Description", [Column("description", "Free text", Kind.LONG_TEXT)]),
    (
        "Priority",
        [
            Column("moscow", "MoSCoW", Kind.ENUM, enum=MoSCoW),
            Column("status", "Status", Kind.ENUM, enum=RequirementStatus),
            Column("source", "Source", Kind.ENUM, enum=RequirementSource),
        ],
    ),
    (
        "RICE",
        [
            Column(
                "reach",
                "Reach",
                Kind.FLOAT,
                minimum=0,
                decimals=0,
                header_tip="People or events per quarter",
            ),
            Column("impact", "Impact", Kind.CHOICE, choices=IMPACT),
            Column("confidence", "Confidence", Kind.PERCENT, minimum=0, maximum=100, decimals=0),
            # Zero may be typed: the refusal then says why (RICE divides by effort).
            Column(
                "effort", "Effort", Kind.FLOAT, minimum=0, decimals=1, header_tip="Person-months"
            ),
        ],
    ),
]

CUSTOMER_COLUMNS = [
    Column("customer", "Customer", width=22),
    Column("revenue", "Revenue at stake", Kind.FLOAT, minimum=0, decimals=0, width=14),
]


def section_title(text: str) -> QLabel:
    label = heading(text, 1.0)
    label.setContentsMargins(0, 10, 0, 0)
    return label


class RicePanel(QWidget):
    """Each RICE factor's part, then the score: the arithmetic in plain sight."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 2, 0, 2)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(2)
        self.cells: list[tuple[QLabel, QLabel]] = []
        for row in range(5):
            name, part = QLabel(), QLabel()
            part.setTextFormat(Qt.TextFormat.PlainText)
            self.grid.addWidget(name, row, 0)
            self.grid.addWidget(part, row, 1)
            self.cells.append((name, part))
        self.score = heading("", 1.25)
        self.problem = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.grid.addWidget(self.score, 5, 0, 1, 2)
        self.grid.addWidget(self.problem, 6, 0, 1, 2)
        self.grid.setColumnStretch(1, 1)

    def clear(self) -> None:
        """Nothing selected: no figures and no complaint."""
        for name, part in self.cells:
            name.setText("")
            part.setText("")
        self.score.setText("")
        self.problem.setVisible(False)

    def show_values(self, reach: Any, impact: Any, confidence: Any, effort: Any) -> None:
        try:
            score = rice(
                float(reach or 0), float(impact or 0), float(confidence or 0), float(effort or 0)
            )
        except (ValidationError, TypeError, ValueError) as exc:
            for name, part in self.cells:
                name.setText("")
                part.setText("")
            self.score.setText("RICE —")
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        # The last part (the score) is shown large below the factors.
        for (name, part), (factor, text) in zip(self.cells, rice_parts(score)[:-1], strict=True):
            name.setText(factor)
            part.setText(text)
        self.score.setText(f"RICE score {format_number(score.score, 1)}")
        self.score.setToolTip(score.explain())
        self.problem.setVisible(False)


class RequirementEditor(QWidget):
    # The person chose a requirement in the duplicate hint: show that one.
    requirementRequested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(RequirementService)
        self.product_id: int | None = None
        self.form = EntityForm(ctx, self.service.requirements, SECTIONS)
        self._build_previews()
        self.criteria = CriteriaList()
        self.criteria.criteriaEdited.connect(self._save_criteria)
        self.customers = EntityTable(
            EntityTableModel(ctx, self.service.customers, CUSTOMER_COLUMNS, parent=self),
            noun=("customer", "customers"),
            create=self._new_customer,
            edit_field="customer",
        )
        self.customers.filter_box.hide()
        self.customers.view.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
        self.stake = heading("", 1.0)
        for signal in ("rowsInserted", "rowsRemoved", "modelReset", "dataChanged"):
            getattr(self.customers.model, signal).connect(self._show_stake)
        self._build_links()
        self._build_demand()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.form)
        layout.addWidget(section_title("Acceptance criteria"))
        layout.addWidget(self.criteria)
        layout.addWidget(section_title("Customers who asked"))
        layout.addWidget(self.stake)
        layout.addWidget(self.customers)
        layout.addWidget(section_title("Demand: what customers said"))
        layout.addWidget(self.demand_summary)
        layout.addWidget(self.quotes)
        layout.addWidget(section_title("Delivered by (roadmap items)"))
        layout.addWidget(self.links)
        layout.addLayout(self.link_bar)
        layout.addStretch(1)
        self.form.edited.connect(self._show_previews)
        for field in RICE_FIELDS:
            editor = self.form.editors[field]
            if isinstance(editor, QAbstractSpinBox):
                editor.valueChanged.connect(self._show_previews)
            elif isinstance(editor, QComboBox):
                editor.currentIndexChanged.connect(self._show_previews)
        self.form.editors["kind"].currentIndexChanged.connect(self._show_kind)
        ctx.changed.connect(self._follow)
        self.set_requirement(None)

    # -- building ---------------------------------------------------------------------------

    def _build_previews(self) -> None:
        self.duplicate = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.duplicate.setStyleSheet("color: #b26a00; font-weight: 600;")
        self.duplicate.setCursor(Qt.CursorShape.PointingHandCursor)
        self.duplicate.mousePressEvent = (  # type: ignore[method-assign]
            lambda _event: self._open_duplicate()
        )
        self.duplicate.hide()
        self._duplicate_of: int | None = None
        self._duplicate_timer = QTimer(self, singleShot=True, interval=DUPLICATE_DELAY_MS)
        self._duplicate_timer.timeout.connect(self._check_duplicates)
        self.form.editors["title"].textChanged.connect(self._duplicate_timer.start)
        self.form.insert_row("title", "", self.duplicate)
        self.story = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        # An italic font, not a style sheet: a style sheet would pin the size in Present mode.
        italic = self.story.font()
        italic.setItalic(True)
        self.story.setFont(italic)
        self.story.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.insert_row("story_benefit", "Reads", self.story)
        self.rice_panel = RicePanel()
        self.form.insert_row("effort", "", self.rice_panel)

    def _build_demand(self) -> None:
        self.demand_summary = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.demand_summary.setAccessibleName("Demand behind the requirement")
        self.quotes = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.quotes.setAccessibleName("Strongest quotes")
        self.quotes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        italic = self.quotes.font()
        italic.setItalic(True)
        self.quotes.setFont(italic)
        self.reach_from_demand = QPushButton("Reach from demand")
        self.reach_from_demand.setToolTip(
            "Set the RICE reach to the number of customers behind this requirement"
        )
        self.reach_from_demand.clicked.connect(self.use_demand_as_reach)
        self.reach_note = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.reach_note.setStyleSheet(f"color: {FROM_DEMAND}; font-weight: 600;")
        self.reach_note.hide()
        self.form.insert_row("reach", "", self.reach_note)
        self.form.insert_row("reach", "", self.reach_from_demand)
        self._demand: Demand | None = None

    def _build_links(self) -> None:
        self.links = QListWidget()
        self.links.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        self.links.setAccessibleName("Delivered by (roadmap items)")
        self.item_choice = QComboBox()
        self.item_choice.setAccessibleName("Roadmap item to link")
        self.item_choice.setMinimumWidth(120)
        # Long item names must not widen the whole editor.
        self.item_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.item_choice.setMinimumContentsLength(12)
        self.link_button = QPushButton("Link")
        self.link_button.clicked.connect(self.link_selected_item)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.clicked.connect(self.unlink_current)
        self.link_bar = QHBoxLayout()
        self.link_bar.addWidget(self.item_choice, 1)
        self.link_bar.addWidget(self.link_button)
        self.link_bar.addWidget(self.unlink_button)

    # -- which requirement -------------------------------------------------------------------

    @property
    def requirement_id(self) -> int | None:
        return self.form.entity_id

    def set_product(self, product_id: int | None) -> None:
        self.product_id = product_id

    def set_requirement(self, requirement_id: int | None) -> None:
        self.form.set_entity(requirement_id)
        query = (
            TableQuery.where_equal(self.service.customers, requirement_id=requirement_id)
            if requirement_id is not None
            else None
        )
        self.customers.model.set_query(query)
        self._show_criteria()
        self._show_links()
        self._show_kind()
        self._show_previews()
        self._check_duplicates()
        self._show_demand()
        self.setEnabled(requirement_id is not None)

    def _follow(self, changes: ChangeSet) -> None:
        rid = self.requirement_id
        if rid is None:
            return
        if rid in changes.ids(ChangeKind.REQUIREMENT, "update") or changes.reloads(
            ChangeKind.REQUIREMENT
        ):
            self._show_criteria()
            self._show_kind()
        if changes.touches(ChangeKind.REQUIREMENT_ITEM_LINK, ChangeKind.ROADMAP_ITEM):
            self._show_links()
        if changes.touches(
            ChangeKind.FEEDBACK, ChangeKind.FEEDBACK_REQUIREMENT, ChangeKind.REQUIREMENT_CUSTOMER
        ) or rid in changes.ids(ChangeKind.REQUIREMENT, "update"):
            self._show_demand()

    # -- previews ------------------------------------------------------------------------------

    def _show_previews(self, *_args: Any) -> None:
        if self.form.row is None:
            self.story.setText("")
            self.rice_panel.clear()
            return
        role, goal, benefit = (self.form.value(f) or "" for f in STORY_FIELDS)
        self.story.setText(user_story(role, goal, benefit))
        self.rice_panel.show_values(*(self.form.value(f) for f in RICE_FIELDS))
        if hasattr(self, "reach_note"):
            self._show_reach_note()

    def _show_kind(self, *_args: Any) -> None:
        story = self.form.value("kind") != RequirementKind.REQUIREMENT
        for field in STORY_FIELDS:
            self.form.layout_form.setRowVisible(self.form.editors[field], story)
        self.form.layout_form.setRowVisible(self.story, story)

    def _check_duplicates(self) -> None:
        self._duplicate_timer.stop()
        title = self.form.value("title") or ""
        found = []
        if self.form.row is not None and self.product_id is not None:
            found = self.service.possible_duplicates(self.product_id, title, self.requirement_id)
        self._duplicate_of = found[0][0] if found else None
        if not found:
            self.duplicate.hide()
            return
        _rid, other, ratio = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        self.duplicate.setText(
            f"⚠ Possible duplicate of “{other}” — {ratio:.0%} alike{more}. Click to open it."
        )
        self.duplicate.show()

    def _open_duplicate(self) -> None:
        if self._duplicate_of is not None:
            self.requirementRequested.emit(self._duplicate_of)

    # -- criteria ------------------------------------------------------------------------------

    def _show_criteria(self) -> None:
        row = self.form.row
        self.criteria.set_criteria(
            row.acceptance_criteria if row else [],
            writable=row is not None and not self.ctx.read_only,
        )

    def _save_criteria(self, criteria: list[str]) -> None:
        row = self.form.row
        if row is None:
            return
        added = len(criteria) > len(self.criteria.criteria())
        text = f"Edit acceptance criteria of “{row.title}”"
        if self.ctx.run(
            UpdateCommand(
                self.service.requirements, row.id, {"acceptance_criteria": criteria}, text
            )
        ):
            if added:
                self.criteria.edit_last()
        else:
            self._show_criteria()

    # -- customers ----------------------------------------------------------------------------

    def _new_customer(self):
        if self.requirement_id is None:
            raise ValidationError("requirement", "choose a requirement first")
        return create(
            self.service.customers,
            "Add customer",
            requirement_id=self.requirement_id,
            customer="New customer",
            revenue=0,
        )

    def _show_stake(self, *_args: Any) -> None:
        rows = self.customers.model.entities()
        count, total = revenue_at_stake((r.customer, r.revenue) for r in rows)
        people = f"{count} customer{'s' if count != 1 else ''}"
        self.stake.setText(
            "No customer has asked for this yet"
            if not count
            else f"{people} · {format_number(total, 0)} revenue at stake"
        )

    # -- demand ---------------------------------------------------------------------------------

    def _show_demand(self) -> None:
        """The customers and revenue behind the requirement and their strongest words; the
        reach marked when it is the demand's customer count."""
        rid = self.requirement_id
        found = self.ctx.service(MarketService).demand(rid) if rid is not None else None
        self._demand = found
        if found is None or not found.items:
            self.demand_summary.setText(
                "No customer feedback is linked yet — link it from the Market view's "
                "feedback inbox, or import it (File ▸ Import ▸ CSV File…, Customer feedback)."
            )
            self.quotes.setText("")
            self.quotes.hide()
        else:
            self.demand_summary.setText(
                f"{plural(found.customers, 'customer')} · "
                f"{format_number(float(found.revenue), 0)} revenue · "
                f"{plural(found.items, 'voice')}"
            )
            lines = [
                f"“{q.quote}” — {q.customer or 'anonymous'}"
                f" ({q.importance.label.lower()}{', ' + short_date(q.date) if q.date else ''})"
                for q in found.quotes
            ]
            self.quotes.setText("\n\n".join(lines))  # a blank line between voices
            self.quotes.setVisible(bool(lines))
        customers = found.customers if found else 0
        self.reach_from_demand.setText(f"Reach from demand ({plural(customers, 'customer')})")
        self.reach_from_demand.setEnabled(
            customers > 0 and rid is not None and not self.ctx.read_only
        )
        self._show_reach_note()

    def _show_reach_note(self, *_args: Any) -> None:
        found = self._demand
        reach = self.form.value("reach") if self.form.row is not None else None
        marked = bool(found and found.customers and reach == found.rice_reach)
        if marked and found is not None:
            self.reach_note.setText(
                f"Reach from demand: the {plural(found.customers, 'customer')} behind it"
            )
        self.reach_note.setVisible(marked)

    def use_demand_as_reach(self) -> bool:
        """Set the RICE reach to the demand's customer count: one undo step."""
        row, found = self.form.row, self._demand
        if row is None or found is None or not found.customers:
            return False
        text = f"Reach of “{row.title}” from demand ({plural(found.customers, 'customer')})"
        return self.ctx.run(
            UpdateCommand(self.service.requirements, row.id, {"reach": found.rice_reach}, text)
        )

    # -- links ----------------------------------------------------------------------------------

    def _show_links(self) -> None:
        self.links.clear()
        self.item_choice.clear()
        rid = self.requirement_id
        names = self.service.item_names(self.product_id) if self.product_id is not None else {}
        linked = self.service.linked_items(rid) if rid is not None else []
        for item_id in linked:
            entry = QListWidgetItem(names.get(item_id, f"Item #{item_id}"))
            entry.setData(Qt.ItemDataRole.UserRole, item_id)
            self.links.addItem(entry)
        for item_id, name in names.items():
            if item_id not in linked:
                self.item_choice.addItem(name, item_id)
        writable = rid is not None and not self.ctx.read_only
        self.link_button.setEnabled(writable and self.item_choice.count() > 0)
        self.unlink_button.setEnabled(writable and self.links.count() > 0)
        self.item_choice.setEnabled(writable)

    def link_selected_item(self) -> bool:
        item_id = self.item_choice.currentData()
        row = self.form.row
        if item_id is None or row is None:
            return False
        text = f"Link “{row.title}” to “{self.item_choice.currentText()}”"
        return self.ctx.run(LinkCommand(self.service, row.id, item_id, text))

    def unlink_current(self) -> bool:
        entry = self.links.currentItem() or self.links.item(0)
        row = self.form.row
        if entry is None or row is None:
            return False
        text = f"Unlink “{row.title}” from “{entry.text()}”"
        return self.ctx.run(
            LinkCommand(
                self.service, row.id, entry.data(Qt.ItemDataRole.UserRole), text, link=False
            )
        )
