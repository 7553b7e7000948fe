"""Lifecycle: where the product stands, its stage timeline, gate reviews, metrics, eliminations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QWidget

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import (
    Direction,
    EliminationStatus,
    EliminationStrategy,
    GateDecision,
    MetricKind,
    Stage,
)
from pmdesk.core.errors import ValidationError
from pmdesk.core.wording import describe_days
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, computed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.queries import TableQuery, max_value
from pmdesk.store.services import LifecycleService, PortfolioService

from .base import BaseView
from .common import create, free_name, heading, scoped, tabs, today


def _stay_days(row: Any) -> int:
    return ((row.left_on or today()) - row.entered_on).days


def _criteria(row: Any) -> str:
    criteria = row.criteria or []
    if not criteria:
        return ""
    met = sum(1 for c in criteria if isinstance(c, dict) and c.get("met"))
    return f"{met}/{len(criteria)} met"


def _criteria_tip(row: Any) -> str | None:
    lines = [
        f"{'☑' if c.get('met') else '☐'} {c.get('text', '')}"
        for c in row.criteria or []
        if isinstance(c, dict)
    ]
    return "\n".join(lines) or None


PERIOD_COLUMNS = [
    Column("stage", "Stage", Kind.ENUM, enum=Stage, width=14),
    Column("entered_on", "Entered", Kind.DATE),
    Column("left_on", "Left", Kind.DATE, nullable=True, none_label="still in stage", width=13),
    computed(
        "days",
        "Time in stage",
        _stay_days,
        kind=Kind.INT,
        display=lambda r: describe_days(_stay_days(r)),
        width=16,
    ),
]
GATE_COLUMNS = [
    Column(
        "stage",
        "Gate after",
        Kind.ENUM,
        enum=Stage,
        width=14,
        header_tip="The stage being left: the gate sits at its end",
    ),
    Column("decision", "Decision", Kind.ENUM, enum=GateDecision, width=10),
    Column("recycle_to", "Recycle to", Kind.ENUM, enum=Stage, nullable=True, width=12),
    Column("decided_on", "Decided on", Kind.DATE),
    Column("decided_by_name", "Decided by", width=18),
    computed("criteria", "Criteria", _criteria, tooltip=_criteria_tip, width=10),
    Column("rationale", "Rationale", Kind.LONG_TEXT, width=50),
]
METRIC_COLUMNS = [
    Column("name", "Metric", width=20),
    Column("kind", "Kind", Kind.ENUM, enum=MetricKind, width=13),
    Column("unit", "Unit", width=8),
    Column("direction", "Good when", Kind.ENUM, enum=Direction, width=9),
    Column("target", "Target", Kind.FLOAT, nullable=True, width=10),
]
VALUE_COLUMNS = [
    Column("period", "Period", Kind.DATE),
    Column("value", "Value", Kind.FLOAT, width=12),
    Column("target", "Target", Kind.FLOAT, nullable=True, none_label="", width=12),
]
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
    Column("revenue_lost_per_year", "Revenue lost / year", Kind.FLOAT, minimum=0, decimals=0),
    Column("customers_affected", "Customers affected", Kind.INT, minimum=0),
    Column("decided_on", "Decided on", Kind.DATE, nullable=True),
    Column("rationale", "Rationale", Kind.LONG_TEXT, width=40),
]


class LifecycleView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(LifecycleService)
        self.portfolio = ctx.service(PortfolioService)
        s = self.service
        self.periods = self._table(
            s.periods, PERIOD_COLUMNS, ("stage period", "stage periods"), self._new_period
        )
        # No "Add" for gate reviews: one is recorded only through the gate review, whose
        # decider, criteria and rationale the service checks (LifecycleService.record_gate).
        self.gates = self._table(s.gates, GATE_COLUMNS, ("gate review", "gate reviews"), None)
        self.metrics = self._table(
            s.metrics, METRIC_COLUMNS, ("metric", "metrics"), self._new_metric, title="Metrics"
        )
        self.values = self._table(
            s.values,
            VALUE_COLUMNS,
            ("value", "values"),
            self._new_value,
            title="Values",
            edit_field="value",
        )
        self.eliminations = self._table(
            s.eliminations,
            ELIMINATION_COLUMNS,
            ("elimination review", "elimination reviews"),
            self._new_elimination,
        )
        self._metric_id: int | None = None
        self.metrics.view.selectionModel().currentRowChanged.connect(self._metric_chosen)
        self.metrics.model.modelReset.connect(self._metric_chosen)
        self.metrics.model.dataChanged.connect(self._values_title)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.metrics)
        split.addWidget(self.values)
        split.setSizes([560, 560])
        self.title = heading()
        self.status = QLabel(textFormat=Qt.TextFormat.PlainText)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.status)
        self.content_layout.addLayout(top)
        self.tabs = tabs(
            (self.periods, "Stage timeline"),
            (self.gates, "Gate reviews"),
            (split, "Metrics"),
            (self.eliminations, "Elimination reviews"),
        )
        self.content_layout.addWidget(self.tabs, 1)
        ctx.changed.connect(self._follow)

    def _table(self, repo, columns, noun, creator, title: str = "", edit_field=None) -> EntityTable:
        model = EntityTableModel(self.ctx, repo, columns, parent=self)
        return self.register(
            EntityTable(model, title=title, noun=noun, create=creator, edit_field=edit_field)
        )

    def load(self, product_id: int | None) -> None:
        s = self.service
        for table, repo in (
            (self.periods, s.periods),
            (self.gates, s.gates),
            (self.metrics, s.metrics),
            (self.eliminations, s.eliminations),
        ):
            table.model.set_query(scoped(repo, product_id))
        if self.metrics.model.rowCount():
            self.metrics.view.setCurrentIndex(self.metrics.model.index(0, 0))
        self._metric_chosen()
        self._refresh_header()

    # -- the header line: current stage and time in it ---------------------------------------

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is not None and changes.touches("product", "stage_period"):
            self._refresh_header()

    def _refresh_header(self) -> None:
        if self.product_id is None:
            self.title.setText("")
            self.status.setText("")
            return
        product = self.portfolio.products.get(self.product_id)
        self.title.setText(f"{product.name} — {product.stage.label}")
        current = [
            p
            for p in self.service.periods_of(self.product_id)
            if p.left_on is None and p.stage == product.stage
        ]
        if current:
            since = current[-1].entered_on
            spent = describe_days((today() - since).days)
            self.status.setText(f"In {product.stage.label} for {spent}, since {since.isoformat()}")
        else:
            self.status.setText(f"In {product.stage.label}")

    # -- metrics and their values ---------------------------------------------------------------

    def _metric_chosen(self, *_args: Any) -> None:
        """Show the values of the metric under the cursor (nothing when there is none)."""
        metric_id = self.metrics.current_id()
        if metric_id != self._metric_id:
            self._metric_id = metric_id
            query = None
            if metric_id is not None:
                query = TableQuery.where_equal(self.service.values, metric_id=metric_id)
            self.values.model.set_query(query)
        self._values_title()

    def _values_title(self, *_args: Any) -> None:
        model = self.metrics.model
        row = model.row_of(self._metric_id) if self._metric_id is not None else None
        metric = model.entity(row) if row is not None else None
        self.values.title_label.setText(
            f"Values of {metric.name}" if metric else "Values — select a metric"
        )

    # -- new rows with sensible defaults ----------------------------------------------------------

    def _stage(self) -> Stage:
        return self.portfolio.products.get(self.product_id).stage

    def _new_period(self):
        return create(
            self.service.periods,
            "Add stage period",
            product_id=self.product_id,
            stage=self._stage(),
            entered_on=today(),
        )

    def _new_metric(self):
        name = free_name(self.service.metrics, "New metric", product_id=self.product_id)
        return create(
            self.service.metrics,
            f"Add metric “{name}”",
            product_id=self.product_id,
            name=name,
            kind=MetricKind.KPI,
        )

    def _new_value(self):
        metric_id = self._metric_id
        if metric_id is None:
            raise ValidationError("metric", "select a metric first, then add its values")
        last = max_value(self.service.values, "period", metric_id=metric_id)
        period = _next_month(last) if last else today().replace(day=1)
        return create(
            self.service.values, "Add metric value", metric_id=metric_id, period=period, value=0.0
        )

    def _new_elimination(self):
        return create(
            self.service.eliminations,
            "Add elimination review",
            product_id=self.product_id,
            opened_on=today(),
        )


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
