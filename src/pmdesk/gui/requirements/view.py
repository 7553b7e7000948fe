"""Requirements: the product's backlog as a sortable, filterable table with inline edits,
a value-versus-effort chart beside it, and the editor of the selected requirement.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import MoSCoW, RequirementSource, RequirementStatus
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.market import Demand
from pmdesk.core.scoring import rice_or_none
from pmdesk.core.wording import format_number, plural
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import create, heading, name_parts, next_order, scoped, tabs
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.look import Look, row_height
from pmdesk.gui.widgets.stale import StaleUntilShown
from pmdesk.store.queries import texts
from pmdesk.store.services import MarketService, RequirementService

from .editor import FROM_DEMAND, IMPACT, RequirementEditor

# "Order by" choices: label -> (column field, descending).
ORDERS: dict[str, tuple[str, bool]] = {
    "Priority (MoSCoW)": ("moscow", False),
    "RICE score": ("rice", True),
    "Status": ("status", False),
    "Source": ("source", False),
    "Revenue at stake": ("revenue", True),
}


# What the demand columns read: feedback linked to a requirement and customers named on it.
DEMAND_KINDS = (
    ChangeKind.FEEDBACK,
    ChangeKind.FEEDBACK_REQUIREMENT,
    ChangeKind.REQUIREMENT_CUSTOMER,
)


EMPTY_HINT = (
    "No requirements yet — Add requirement, or import a CSV or Jira export "
    "(File ▸ Import ▸ CSV File…)"
)


def _score(row: Any) -> float | None:
    found = rice_or_none(row.reach, row.impact, row.confidence, row.effort)
    return None if found is None else found.score


def _score_tip(row: Any) -> str:
    found = rice_or_none(row.reach, row.impact, row.confidence, row.effort)
    return found.explain() if found else "Cannot be scored: effort must be more than zero"


def _customers(found: Demand | None) -> int:
    return found.customers if found else 0


def _demand_revenue(found: Demand | None) -> float:
    return float(found.revenue) if found else 0.0


def _demand_tip(found: Demand | None) -> str:
    if found is None or not found.items:
        return "No feedback or customer behind it yet"
    return (
        f"{plural(found.customers, 'customer')} · {format_number(float(found.revenue), 0)} revenue"
        f" · {plural(found.items, 'voice')} (feedback items and customers named)"
    )


def _from_demand(row: Any, found: Demand | None) -> bool:
    """The reach is the demand's customer count (set by "Reach from demand")."""
    return bool(found and found.customers and row.reach == found.rice_reach)


def _reach_tip(row: Any, found: Demand | None) -> str | None:
    if found is not None and _from_demand(row, found):
        return f"Reach from demand: the {plural(found.customers, 'customer')} behind it"
    return None


def _name_voting(panel: Any) -> None:
    """Names for the voting panel's fields, where it gives none of its own."""
    for widget, name in (
        (panel.rounds, "Voting round"),
        (panel.dots, "Dots each"),
        (panel.participants, "Participants"),
        (panel.list, "Requirements to vote on"),
    ):
        if not widget.accessibleName():
            widget.setAccessibleName(name)
    name_parts(panel)


def next_ref(refs: list[str]) -> str:
    numbers = [int(m.group(1)) for r in refs if (m := re.search(r"(\d+)\s*$", r or ""))]
    return f"REQ-{max(numbers, default=0) + 1}"


class RequirementsView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(RequirementService)
        self.revenue = Lookup(self._revenue, (ChangeKind.REQUIREMENT_CUSTOMER,))
        self.links = Lookup(self._links, (ChangeKind.REQUIREMENT_ITEM_LINK,))
        self.demand = Lookup(self._demand, DEMAND_KINDS)
        self.model = EntityTableModel(ctx, self.service.requirements, self._columns(), parent=self)
        self.table = self.register(
            EntityTable(
                self.model,
                noun=("requirement", "requirements"),
                create=self._new_requirement,
                edit_field="title",
                empty_hint=EMPTY_HINT,
                fit_field="title",
                drop_fields=("links", "revenue", "source", "customers", "demand"),
            )
        )  # the editor shows these too
        self.editor = RequirementEditor(ctx)
        self.register(self.editor.customers)
        self._chart = None
        self._voting = None
        self.look = Look()
        self._build()
        # The chart and the voting panel are drawn only while their tab is in front.
        self.chart_stale = StaleUntilShown(
            self.chart_page,
            self._draw_chart,
            off_screen=lambda: not self._in_front(self.chart_page),
        )
        self.voting_stale = StaleUntilShown(
            self.voting_page,
            self._fill_voting,
            off_screen=lambda: not self._in_front(self.voting_page),
        )
        self.table.view.selectionModel().currentRowChanged.connect(self._follow_cursor)
        self.model.modelReset.connect(self._follow_cursor)
        self.editor.requirementRequested.connect(self.select_requirement)
        self.follow_changes(self._follow)
        name_parts(self)

    # -- layout -----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.order = QComboBox()
        self.order.setAccessibleName("Order requirements by")
        self.order.addItems(list(ORDERS))
        self.order.currentTextChanged.connect(self.order_by)
        self.summary = QLabel()
        self.summary.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(heading("Requirements"))
        top.addSpacing(16)
        top.addWidget(self.summary, 1)
        order_label = QLabel("Order by")
        order_label.setBuddy(self.order)
        top.addWidget(order_label)
        top.addWidget(self.order)
        self.chart_page = QWidget()
        self.chart_layout = QHBoxLayout(self.chart_page)
        self.chart_layout.setContentsMargins(0, 6, 0, 0)
        self.voting_page = QWidget()
        self.voting_layout = QVBoxLayout(self.voting_page)
        self.voting_layout.setContentsMargins(0, 0, 0, 0)
        self.pages = tabs(
            (self.table, "Backlog"),
            (self.chart_page, "Value vs effort"),
            (self.voting_page, "Dot voting"),
            name="Requirements pages",
        )
        self.pages.currentChanged.connect(self._page_shown)
        self.order_by(self.order.currentText())
        scroll = QScrollArea()
        scroll.setWidget(self.editor)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(340)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setAccessibleName("Requirement editor")
        scroll.viewport().setAccessibleName("Requirement editor")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.pages)
        split.addWidget(scroll)
        split.setStretchFactor(0, 1)  # a wider window widens the backlog; the editor keeps its
        split.setStretchFactor(1, 0)
        self.editor_scroll = scroll
        split.setSizes([900, 400])
        self.content_layout.addLayout(top)
        self.content_layout.addWidget(split, 1)

    def set_presentation(self, theme: Any | None) -> None:
        """The backlog to read (taller rows, no editing) or the chart, without the editor.

        The chart follows the large font by itself: bigger points and axis figures.
        """
        self.look.restore()
        if theme is None:
            return
        look = self.look
        look.hide(self.editor_scroll)
        look.table(self.table, row_height(theme))
        header = self.table.view.horizontalHeader()  # titles take the editor's room
        look.call(
            lambda mode: header.setSectionResizeMode(1, mode),
            header.sectionResizeMode(1),
            QHeaderView.ResizeMode.Stretch,
        )

    def _columns(self) -> list[Column]:
        revenue, links, demand = self.revenue, self.links, self.demand
        return [
            Column("ref", "Ref", width=7),
            Column("title", "Title", width=24),
            Column("moscow", "MoSCoW", Kind.ENUM, enum=MoSCoW, width=9),
            computed(
                "rice",
                "RICE",
                _score,
                kind=Kind.FLOAT,
                decimals=1,
                tooltip=_score_tip,
                width=7,
                header_tip="Reach × impact × confidence ÷ effort",
            ),
            Column(
                "reach",
                "Reach",
                Kind.FLOAT,
                minimum=0,
                decimals=0,
                width=7,
                header_tip="People or events per quarter (blue: taken from demand)",
                lookups=(demand,),
                tooltip=lambda r: _reach_tip(r, demand.get(r.id)),
                foreground=lambda r: FROM_DEMAND if _from_demand(r, demand.get(r.id)) else None,
            ),
            Column(
                "impact",
                "Impact",
                Kind.CHOICE,
                choices=IMPACT,
                width=6,
                align_right=True,
                display=lambda r: f"{r.impact:g}",
                sort_value=lambda r: r.impact,
                header_tip="0.25 minimal · 0.5 low · 1 medium · 2 high · 3 massive",
            ),
            Column(
                "confidence",
                "Conf.",
                Kind.PERCENT,
                minimum=0,
                maximum=100,
                decimals=0,
                width=6,
                header_tip="Confidence",
            ),
            Column(
                "effort",
                "Effort",
                Kind.FLOAT,
                minimum=0,
                decimals=1,
                width=6,
                header_tip="Person-months",
            ),
            Column("status", "Status", Kind.ENUM, enum=RequirementStatus, width=10),
            Column("source", "Source", Kind.ENUM, enum=RequirementSource, width=9),
            computed(
                "revenue",
                "Revenue",
                lambda r: revenue.get(r.id, (0, 0.0))[1],
                kind=Kind.FLOAT,
                decimals=0,
                lookups=(revenue,),
                width=9,
                tooltip=lambda r: f"{revenue.get(r.id, (0, 0.0))[0]} customers",
            ),
            computed(
                "customers",
                "Asked by",
                lambda r: _customers(demand.get(r.id)),
                kind=Kind.INT,
                lookups=(demand,),
                width=7,
                tooltip=lambda r: _demand_tip(demand.get(r.id)),
                header_tip="Customers behind it: feedback linked to it and customers named on it",
            ),
            computed(
                "demand",
                "Demand",
                lambda r: _demand_revenue(demand.get(r.id)),
                kind=Kind.FLOAT,
                decimals=0,
                lookups=(demand,),
                width=9,
                tooltip=lambda r: _demand_tip(demand.get(r.id)),
                header_tip="Revenue of the customers behind it, each customer counted once",
            ),
            computed(
                "links",
                "Items",
                lambda r: links.get(r.id, 0),
                kind=Kind.INT,
                lookups=(links,),
                width=5,
                header_tip="Roadmap items that deliver it",
            ),
        ]

    def _revenue(self) -> dict[int, tuple[int, float]]:
        if self.product_id is None:
            return {}
        return self.service.revenue_by_requirement(self.product_id)

    def _demand(self) -> dict[int, Demand]:
        if self.product_id is None:
            return {}
        return self.ctx.service(MarketService).demand_by_requirement(self.product_id)

    def _links(self) -> dict[int, int]:
        return {} if self.product_id is None else self.service.link_counts(self.product_id)

    # -- the window's contract ------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self.editor.set_product(product_id)
        self.model.set_query(scoped(self.service.requirements, product_id))
        self.chart_stale.mark()
        self.voting_stale.mark()
        self._show_summary()
        if self.model.rowCount() and self.table.current_id() is None:
            # Open on the first requirement so the editor shows something useful.
            self.table.view.selectRow(0)

    def export_image(self, path: Path) -> Path:
        """PNG or SVG (by suffix) of what the view shows: the backlog or the chart."""
        return export_widget(self.pages.currentWidget(), path, title="Requirements")

    # -- ordering and selection -------------------------------------------------------------------

    def order_by(self, label: str) -> None:
        field, descending = ORDERS[label]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.table.view.sortByColumn(self.model.column_index(field), order)

    def select_requirement(self, requirement_id: int) -> None:
        """Select a requirement in the backlog (clearing a filter that hides it)."""
        if self.model.row_of(requirement_id) is None and self.model.filtered:
            self.table.filter_box.clear()
            self.table.apply_filter()
        self.table.select_id(requirement_id)

    def _follow_cursor(self, *_args: Any) -> None:
        current = self.table.current_id()
        if current != self.editor.requirement_id:
            self.editor.set_requirement(current)
        if self._chart is not None:
            self._chart.set_selected(current)

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None:
            return
        if changes.touches(ChangeKind.REQUIREMENT):
            self.chart_stale.changed(changes)
            self.voting_stale.changed(changes)
            self._show_summary()
        if changes.touches(ChangeKind.ROADMAP_ITEM):
            self.links.invalidate()

    def _show_summary(self) -> None:
        rows = self.model.entities()
        musts = sum(r.moscow is MoSCoW.MUST for r in rows)
        open_rows = sum(
            r.status not in (RequirementStatus.DONE, RequirementStatus.REJECTED) for r in rows
        )
        self.summary.setText(
            f"{plural(len(rows), 'requirement')} · {plural(musts, 'must-have')} · {open_rows} open"
        )

    # -- chart ------------------------------------------------------------------------------------

    @property
    def chart(self):
        """The value-vs-effort chart, built (with pyqtgraph) the first time it is needed."""
        if self._chart is None:
            self._build_chart()
            self.chart_stale.mark()  # drawn at once if its tab is in front, else when shown
        return self._chart

    def _build_chart(self) -> None:
        from .chart import ValueEffortChart

        self._chart = ValueEffortChart(self.chart_page)
        self._chart.requirementClicked.connect(self.select_requirement)
        self.chart_layout.addWidget(self._chart)
        for part in (self._chart, *self._chart.findChildren(QGraphicsView)):
            part.setAccessibleName("Value versus effort chart")
        name_parts(self.chart_page)

    def _in_front(self, page: QWidget) -> bool:
        return self.pages.currentWidget() is page

    def _page_shown(self, index: int) -> None:
        if self.pages.widget(index) is self.chart_page:
            _ = self.chart  # built the first time its tab is shown
            self.chart_stale.catch_up()
        elif self.pages.widget(index) is self.voting_page:
            _ = self.voting
            self.voting_stale.catch_up()

    # -- dot voting -------------------------------------------------------------------------------

    @property
    def voting(self):
        """The dot-voting panel (workshop mode's), built the first time it is needed."""
        if self._voting is None:
            self._build_voting()
            self.voting_stale.mark()  # filled at once if its tab is in front, else when shown
        return self._voting

    def _build_voting(self) -> None:
        from pmdesk.gui.workshop.voting_panel import RequirementVotingPanel

        self._voting = RequirementVotingPanel(self.ctx, self.voting_page)
        self._voting.requirementRequested.connect(self.select_requirement)
        self.voting_layout.addWidget(self._voting)
        _name_voting(self._voting)

    def show_voting(self) -> None:
        """Open the "Dot voting" tab (for a menu action or a workshop)."""
        self.pages.setCurrentWidget(self.voting_page)

    def _fill_voting(self, _changes: ChangeSet) -> None:
        """Give the panel the backlog's current titles (its tab is in front; they changed)."""
        if self._voting is None:
            self._build_voting()
        rows = (
            []
            if self.product_id is None
            else [
                (r.id, f"{r.ref} · {r.title}" if r.ref else r.title)
                for r in self.service.requirements_of(self.product_id)
            ]
        )
        self._voting.set_requirements(self.product_id, rows)

    def _draw_chart(self, _changes: ChangeSet) -> None:
        """Redraw the chart (its tab is in front; the backlog changed)."""
        if self._chart is None:
            self._build_chart()
        points = self.service.chart_points(self.product_id) if self.product_id is not None else []
        self._chart.set_points(points)
        self._chart.set_selected(self.table.current_id())

    # -- new rows ---------------------------------------------------------------------------------

    def _new_requirement(self) -> CreateCommand:
        refs = list(texts(self.service.requirements, "ref", product_id=self.product_id))
        ref = next_ref(refs)
        return create(
            self.service.requirements,
            f"Add requirement {ref}",
            product_id=self.product_id,
            ref=ref,
            title="New requirement",
            sort_order=next_order(self.service.requirements, product_id=self.product_id),
        )
