"""The elimination review panel: why the product is flagged, remedial actions, impact, decision.

Edits of a review go through ``LifecycleService.update_elimination`` so that its
end-of-sale and end-of-support dates move the roadmap milestones in the same
undo step. The rule thresholds (portfolio-wide) are edited here too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import (
    ActionStatus,
    EliminationStatus,
    EliminationStrategy,
    RemedialKind,
    Stage,
)
from pmdesk.core.errors import PmdeskError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.lifecycle import EliminationRules
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.common import create, scoped
from pmdesk.gui.widgets.columns import Column, Kind
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.gui.widgets.hint import accessible_table
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import LifecycleService, PortfolioService

from .commands import JournalCommand

# A review's own columns: listed (the first six) and edited in the form (Decision).
ELIMINATION_COLUMNS = [
    Column("opened_on", "Opened", Kind.DATE),
    Column("status", "Status", Kind.ENUM, enum=EliminationStatus, width=9),
    Column(
        "strategy",
        "Strategy",
        Kind.ENUM,
        enum=EliminationStrategy,
        nullable=True,
        none_label="undecided",
        width=15,
    ),
    Column("end_of_sale", "End of sale", Kind.DATE, nullable=True),
    Column("end_of_support", "End of support", Kind.DATE, nullable=True),
    Column("decided_on", "Decided on", Kind.DATE, nullable=True),
    Column("rationale", "Rationale", Kind.LONG_TEXT, width=40),
]
REVIEW_SECTIONS = [
    (
        "Projected impact of eliminating",
        [
            Column(
                "revenue_lost_per_year", "Revenue lost / year", Kind.FLOAT, minimum=0, decimals=0
            ),
            Column("margin_lost_per_year", "Margin lost / year", Kind.FLOAT, minimum=0, decimals=0),
            Column("customers_affected", "Customers affected", Kind.INT, minimum=0),
            Column(
                "shared_costs_remaining",
                "Shared costs that remain",
                Kind.FLOAT,
                minimum=0,
                decimals=0,
            ),
            Column("dependent_products", "Dependent products", Kind.LONG_TEXT),
        ],
    ),
    (
        "Decision",
        [
            c
            for c in ELIMINATION_COLUMNS
            if c.field
            in ("status", "strategy", "end_of_sale", "end_of_support", "decided_on", "rationale")
        ],
    ),
]
LISTED = ("opened_on", "status", "strategy", "end_of_sale", "end_of_support", "decided_on")
ACTION_COLUMNS = [
    Column("kind", "Action", Kind.ENUM, enum=RemedialKind, width=11),
    Column("description", "Description", Kind.LONG_TEXT, width=36),
    Column("owner", "Owner", width=14),
    Column("expected_effect", "Expected effect", width=24),
    Column("status", "Status", Kind.ENUM, enum=ActionStatus, width=10),
]


class ReviewForm(EntityForm):
    """The review's fields; a save is one JournalCommand, so milestones follow the dates."""

    def commit(self, field: str) -> bool:
        if self._loading or self.row is None or self.ctx.read_only:
            return False
        try:
            changes = self.repo.clean(self.columns[field].changes(self.value(field), self.row))
        except PmdeskError as exc:
            self.ctx.errorRaised.emit(str(exc))
            self._revert(field)
            return False
        if all(getattr(self.row, name) == new for name, new in changes.items()):
            return False
        service = self.ctx.service(LifecycleService)
        review_id = self.row.id
        command = JournalCommand(
            service,
            lambda: service.update_elimination(review_id, **changes),
            f"Edit {self.columns[field].header.lower()} of the elimination review",
        )
        if not self.ctx.run(command):
            self._revert(field)
            return False
        return True


class RulesBox(QGroupBox):
    """The portfolio-wide thresholds that flag candidates; Apply is one undoable edit."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Flagging rules (whole portfolio)", parent)
        self.ctx = ctx
        self.service = ctx.service(LifecycleService)
        form = QFormLayout(self)
        self.falling = QSpinBox(minimum=1, maximum=60, suffix=" periods")
        self.margin = QDoubleSpinBox(minimum=-100, maximum=100, decimals=1, suffix=" %")
        self.share = QSpinBox(minimum=1, maximum=60, suffix=" periods")
        # The business case rule: revenue under this share of the plan, so many periods running.
        self.case_floor = QDoubleSpinBox(minimum=0, maximum=100, decimals=0, suffix=" %")
        self.case_floor.setToolTip(
            "Flag a product whose revenue is under this share of its business case's plan"
        )
        self.case_periods = QSpinBox(minimum=1, maximum=60, suffix=" periods")
        self.case_floor.setAccessibleName("Revenue under this share of the business case")
        self.case_periods.setAccessibleName("Periods in a row under the business case")
        self.case_periods.setToolTip(
            "… in each of this many plan periods in a row (the latest with actual values)"
        )
        form.addRow("Revenue falling for", self.falling)
        form.addRow("Margin below", self.margin)
        form.addRow("Share lower than", self.share)
        form.addRow("Under business case", self.case_floor)
        form.addRow("… for", self.case_periods)
        self.apply = QPushButton("Apply rules")
        self.apply.clicked.connect(self.save)
        form.addRow(self.apply)
        self.load()

    def load(self) -> None:
        rules = self.service.elimination_rules()
        self.falling.setValue(rules.falling_periods)
        self.margin.setValue(rules.margin_floor)
        self.share.setValue(rules.share_periods)
        self.case_floor.setValue(rules.business_case_floor)
        self.case_periods.setValue(rules.business_case_periods)

    def rules(self) -> EliminationRules:
        return EliminationRules(
            falling_periods=self.falling.value(),
            margin_floor=self.margin.value(),
            share_periods=self.share.value(),
            business_case_floor=self.case_floor.value(),
            business_case_periods=self.case_periods.value(),
        )

    def save(self) -> bool:
        rules = self.rules()
        if rules == self.service.elimination_rules():
            return False
        return self.ctx.run(
            JournalCommand(
                self.service,
                lambda: self.service.set_elimination_rules(rules),
                "Change the elimination rules",
            )
        )


class EliminationPanel(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(LifecycleService)
        self.product_id: int | None = None
        self.flags = QLabel(textFormat=Qt.TextFormat.PlainText, wordWrap=True)
        self.open_button = QPushButton("Open an elimination review")
        self.open_button.clicked.connect(self.open_review)
        # The list says which review is which; the figures and the rationale are in the form
        # beside it (all nine columns would need sideways scrolling on a laptop).
        read_only = [
            replace(c, editable=False) if c.field in ("end_of_sale", "end_of_support") else c
            for c in ELIMINATION_COLUMNS
            if c.field in LISTED
        ]
        self.reviews = EntityTable(
            EntityTableModel(ctx, self.service.eliminations, read_only, parent=self),
            title="Reviews",
            noun=("elimination review", "elimination reviews"),
            fit_field="strategy",
        )
        self.form = ReviewForm(ctx, self.service.eliminations, REVIEW_SECTIONS, parent=self)
        self.actions = EntityTable(
            EntityTableModel(ctx, self.service.actions, ACTION_COLUMNS, parent=self),
            title="Remedial actions",
            noun=("action", "actions"),
            create=self._new_action,
            edit_field="description",
            fit_field="description",
        )
        accessible_table(self.reviews, "Elimination reviews")
        accessible_table(self.actions, "Remedial actions")
        self.rules = RulesBox(ctx, self)
        self._layout()
        self.reviews.selectionChanged.connect(self._review_chosen)
        self.reviews.model.modelReset.connect(self._review_chosen)
        ctx.changed.connect(self._follow)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.flags, 1)
        top.addWidget(self.open_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.reviews, 1)
        left_layout.addWidget(self.actions, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.form, 1)
        right_layout.addWidget(self.rules)
        # Form and rules are taller than a 768-line laptop leaves: they scroll down, never
        # squeeze into each other.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a frame: Tab goes to its fields
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(right)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(scroll)
        split.setSizes([700, 420])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def tables(self) -> list[EntityTable]:
        return [self.reviews, self.actions]

    def load(self, product_id: int | None) -> None:
        self.product_id = product_id
        self.reviews.model.set_query(scoped(self.service.eliminations, product_id))
        if self.reviews.model.rowCount():
            self.reviews.view.setCurrentIndex(
                self.reviews.model.index(self.reviews.model.rowCount() - 1, 0)
            )
        self._review_chosen()
        self._show_flags()

    def review_id(self) -> int | None:
        return self.reviews.current_id()

    def _review_chosen(self, *_args: Any) -> None:
        review_id = self.review_id()
        if review_id == self.form.entity_id and review_id is not None:
            return
        self.form.set_entity(review_id)
        query = (
            None
            if review_id is None
            else TableQuery.where_equal(self.service.actions, review_id=review_id)
        )
        self.actions.model.set_query(query)

    def _show_flags(self) -> None:
        if self.product_id is None:
            self.flags.setText("")
            return
        product = self.ctx.service(PortfolioService).products.get(self.product_id)
        triggers = self.service.triggers_of(self.product_id)
        if triggers:
            text = "Flagged as a candidate for elimination:\n" + "\n".join(
                f"• {t.detail}" for t in triggers
            )
        elif product.stage is Stage.IN_LIFE:
            text = "Not flagged: no rule is tripped by the latest metrics."
        else:
            text = f"Elimination reviews are for In-life products; this one is in {product.stage.label}."
        self.flags.setText(text)

    def _follow(self, changes: ChangeSet) -> None:
        if changes.touches(ChangeKind.WORKSPACE_INFO):
            self.rules.load()
        if self.product_id is not None and changes.touches(
            ChangeKind.METRIC_VALUE,
            ChangeKind.METRIC,
            ChangeKind.PRODUCT,
            ChangeKind.WORKSPACE_INFO,
            # the business case rule reads the plan: the case, its scenarios and versions
            ChangeKind.BUSINESS_CASE,
            ChangeKind.BUSINESS_DRIVER,
            ChangeKind.BUSINESS_SCENARIO,
            ChangeKind.SCENARIO_OVERRIDE,
            ChangeKind.BUSINESS_CASE_VERSION,
            ChangeKind.COST_ITEM,
        ):
            self._show_flags()

    def open_review(self) -> bool:
        if self.product_id is None:
            return False
        product_id = self.product_id
        command = JournalCommand(
            self.service,
            lambda: self.service.open_elimination(product_id),
            "Open an elimination review",
        )
        if not self.ctx.run(command):
            return False
        self.reviews.select_id(command.entity_id)
        return True

    def _new_action(self):
        review_id = self.review_id()
        if review_id is None:
            raise PmdeskError("Open or select an elimination review first")
        return create(
            self.service.actions,
            "Add remedial action",
            review_id=review_id,
            kind=RemedialKind.REPRICE,
            description="",
        )
