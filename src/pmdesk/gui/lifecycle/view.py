"""The lifecycle tracker: where one product stands, how it got there, and how it performs."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import MetricKind, Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.lifecycle import can_review
from pmdesk.core.wording import describe_days, plural, short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.views.base import BaseView
from pmdesk.gui.views.common import create, free_name, heading, quiet, scoped, tabs, today
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.hint import accessible_table, next_step_hint
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.look import Look
from pmdesk.store.queries import TableQuery, max_value
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService

from . import gate_dialog, metrics_io
from .charts import Band, GateMark, KpiChart, LifecycleCurve
from .columns import GATE_COLUMNS, METRIC_COLUMNS, PERIOD_COLUMNS, VALUE_COLUMNS
from .commands import JournalCommand
from .elimination import EliminationPanel
from .plan import PLANNED, PlanSeries, plan_series
from .timeline import StageTimeline, stays

_LOCKED = ("stage", "decision", "recycle_to")  # a gate's decision is history, not an edit
# Edits that change the plan drawn over the metrics: the business case and its versions.
_PLAN_KINDS = (
    ChangeKind.BUSINESS_CASE,
    ChangeKind.BUSINESS_DRIVER,
    ChangeKind.BUSINESS_SCENARIO,
    ChangeKind.SCENARIO_OVERRIDE,
    ChangeKind.BUSINESS_CASE_VERSION,
    ChangeKind.COST_ITEM,
)


class LifecycleView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(LifecycleService)
        self.portfolio = ctx.service(PortfolioService)
        self.finance = ctx.service(FinanceService)
        self._plan: Any = None  # the product's PlanVsActual, read once per change
        self._plan_read = False
        self._header()
        self.timeline = StageTimeline(self)
        self.timeline.setAccessibleName("Stage timeline")
        self.content_layout.addWidget(self.timeline)
        self.curve = LifecycleCurve(self)
        self.curve.setAccessibleName("Lifecycle curve")
        self.curve_hint = next_step_hint("", centred=True)
        self.curve_metric = QComboBox()
        self.curve_metric.setAccessibleName("Metric of the lifecycle curve")
        self.curve_metric.currentIndexChanged.connect(self._draw_curve)
        self.gates = self._table(
            self.service.gates,
            [replace(c, editable=False) if c.field in _LOCKED else c for c in GATE_COLUMNS],
            "Gate review history",
            ("gate review", "gate reviews"),
            fit="rationale",
        )
        self.periods = self._table(
            self.service.periods, PERIOD_COLUMNS, "Stage periods", ("stage period", "stage periods")
        )
        self.metrics = self._table(
            self.service.metrics,
            METRIC_COLUMNS,
            "Metrics",
            ("metric", "metrics"),
            fit="name",
            create=self._new_metric,
            edit="name",
        )
        self.values = self._table(
            self.service.values,
            VALUE_COLUMNS,
            "Values",
            ("value", "values"),
            fit="period",
            create=self._new_value,
            edit="value",
        )
        self.kpi = KpiChart(self)
        self.kpi.setAccessibleName("Metric chart")
        self.kpi_hint = next_step_hint("", centred=True)
        self.elimination = EliminationPanel(ctx, self)
        for table in self.elimination.tables():
            self.register(table)
        self.tabs = tabs(
            (self._overview_page(), "Overview"),
            (self._metrics_page(), "Metrics"),
            (self.elimination, "Elimination review"),
            (self.periods, "Stage periods"),
        )
        self.content_layout.addWidget(self.tabs, 1)
        self._metric_id: int | None = None
        self.look = Look()
        self.metrics.view.selectionModel().currentRowChanged.connect(self._metric_chosen)
        self.metrics.model.modelReset.connect(self._metric_chosen)
        self.follow_changes(self._follow)

    # -- building -------------------------------------------------------------------------

    def _header(self) -> None:
        self.title = heading()
        self.status = quiet()
        self.gate_button = QPushButton("Gate review…")
        self.gate_button.setToolTip(
            "Review the gate at the end of the current stage: "
            "its criteria, the decision, who took it and why"
        )
        self.gate_button.clicked.connect(lambda: self.review_gate())
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.gate_button)
        self.content_layout.addLayout(top)

    def set_presentation(self, theme: Any | None) -> None:
        """On the projector: the stage timeline and the lifecycle curve fill the screen.

        The gate history, the other tabs and the gate button are desk work; the charts
        follow the large font (thicker lines, bigger markers) and grow a little more here.
        """
        self.look.restore()
        if theme is None:
            return
        look = self.look
        look.tab(self.tabs, self.tabs.widget(0), bar=False)
        look.hide(self.gates, self.gate_button, self.whole_life)
        line = max(1, theme.body_px)
        look.call(self.timeline.setMinimumHeight, self.timeline.minimumHeight(), line * 5)

    def _table(self, repo, columns, title, noun, fit=None, create=None, edit=None) -> EntityTable:
        model = EntityTableModel(self.ctx, repo, columns, parent=self)
        table = EntityTable(
            model, title=title, noun=noun, create=create, edit_field=edit, fit_field=fit
        )
        return self.register(accessible_table(table, title))

    def _overview_page(self) -> QWidget:
        chart_box = QWidget()
        layout = QVBoxLayout(chart_box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.curve_controls = QWidget()
        row = QHBoxLayout(self.curve_controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("Lifecycle curve of"))
        row.addWidget(self.curve_metric)
        self.whole_life = QCheckBox("Whole life (every stage since the first)")
        self.whole_life.toggled.connect(self.curve.show_whole_life)
        row.addSpacing(12)
        row.addWidget(self.whole_life)
        row.addStretch(1)
        layout.addWidget(self.curve_controls)
        layout.addWidget(self.curve_hint, 1)
        layout.addWidget(self.curve, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(chart_box)
        split.addWidget(self.gates)
        split.setSizes([420, 200])
        return split

    def _metrics_page(self) -> QWidget:
        buttons = QHBoxLayout()
        self.paste_button = QPushButton("Paste values")
        self.paste_button.setToolTip("Paste period, value and target columns from a spreadsheet")
        self.paste_button.clicked.connect(lambda: self.paste_values())
        self.import_button = QPushButton("Import CSV…")
        self.import_button.clicked.connect(lambda: self.import_csv())
        buttons.addStretch(1)
        buttons.addWidget(self.paste_button)
        buttons.addWidget(self.import_button)
        values_box = QWidget()
        values_layout = QVBoxLayout(values_box)
        values_layout.setContentsMargins(0, 0, 0, 0)
        values_layout.addWidget(self.values, 1)
        values_layout.addLayout(buttons)
        tables = QSplitter(Qt.Orientation.Horizontal)
        tables.addWidget(self.metrics)
        tables.addWidget(values_box)
        tables.setSizes([560, 440])
        kpi_box = QWidget()
        kpi_layout = QVBoxLayout(kpi_box)
        kpi_layout.setContentsMargins(0, 0, 0, 0)
        kpi_layout.addWidget(self.kpi_hint, 1)
        kpi_layout.addWidget(self.kpi, 1)
        page = QSplitter(Qt.Orientation.Vertical)
        page.addWidget(tables)
        page.addWidget(kpi_box)
        page.setSizes([260, 360])
        return page

    # -- loading -----------------------------------------------------------------------------

    def load(self, product_id: int | None) -> None:
        self._plan_read = False
        for table, repo in (
            (self.gates, self.service.gates),
            (self.periods, self.service.periods),
            (self.metrics, self.service.metrics),
        ):
            table.model.set_query(scoped(repo, product_id))
        if self.metrics.model.rowCount():
            self.metrics.view.setCurrentIndex(self.metrics.model.index(0, 0))
        self._metric_chosen()
        self.elimination.load(product_id)
        self._refresh_stage()
        self._refresh_curve_choices()

    def _follow(self, changes: ChangeSet) -> None:
        if self.product_id is None:
            return
        if changes.touches(ChangeKind.METRIC, ChangeKind.METRIC_VALUE, *_PLAN_KINDS):
            self._plan_read = False  # the variances (or the plan itself) moved
        if changes.touches(ChangeKind.PRODUCT, ChangeKind.STAGE_PERIOD, ChangeKind.GATE_REVIEW):
            self._refresh_stage()
        if changes.touches(ChangeKind.METRIC):
            self._refresh_curve_choices()
        elif changes.touches(
            ChangeKind.METRIC_VALUE, ChangeKind.STAGE_PERIOD, ChangeKind.GATE_REVIEW, *_PLAN_KINDS
        ):
            self._draw_curve()
        if changes.touches(ChangeKind.METRIC, ChangeKind.METRIC_VALUE, *_PLAN_KINDS):
            self._draw_kpi()

    def _refresh_stage(self) -> None:
        if self.product_id is None:
            self.title.setText("")
            self.status.setText("")
            return
        product = self.portfolio.products.get(self.product_id)
        periods = self.service.periods_of(self.product_id)
        self.title.setText(f"{product.name} — {product.stage.label}")
        current = [p for p in periods if p.left_on is None and p.stage == product.stage]
        if current:
            since = current[-1].entered_on
            days = (today() - since).days
            self.status.setText(
                f"in {product.stage.label} since today ({short_date(since)})"
                if days == 0
                else f"in {product.stage.label} for "
                f"{describe_days(days)}, since {short_date(since)}"
            )
        else:
            self.status.setText("")
        self.timeline.set_data(stays(periods, product.stage, today()), product.stage)
        self.gate_button.setEnabled(can_review(product.stage) and not self.ctx.read_only)

    # -- charts ----------------------------------------------------------------------------------

    def _refresh_curve_choices(self) -> None:
        combo = self.curve_metric
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        metrics = self.service.metrics_of(self.product_id) if self.product_id else []
        for kind in (MetricKind.REVENUE, MetricKind.UNITS):
            for metric in metrics:
                if metric.kind is kind:
                    combo.addItem(metric.name, metric.id)
        for metric in metrics:
            if metric.kind not in (MetricKind.REVENUE, MetricKind.UNITS):
                combo.addItem(metric.name, metric.id)
        index = combo.findData(chosen)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)
        self._draw_curve()

    def _draw_curve(self, *_args: Any) -> None:
        if self.product_id is None:
            return
        metric_id = self.curve_metric.currentData()
        series = next(
            (s for s in self.service.series_of(self.product_id) if s.metric.id == metric_id), None
        )
        periods = self.service.periods_of(self.product_id)
        bands = [Band(p.stage, p.entered_on, p.left_on or today()) for p in periods]
        gates = [
            GateMark(
                g.decided_on,
                g.decision,
                f"{g.stage.label} gate: {g.decision.label}"
                + (f" by {g.decided_by_name}" if g.decided_by_name else ""),
            )
            for g in self.service.gates_of(self.product_id)
        ]
        points = [(p, v) for p, v, _t in series.points] if series else []
        self._curve_empty_state(series, points)
        self.curve.set_data(
            series.metric.name if series else "No metric yet",
            series.metric.unit if series else "",
            points,
            bands,
            gates,
            self.plan_of(series.metric) if series else None,
        )

    def plan_of(self, metric: Any) -> PlanSeries | None:
        """The business case's plan for ``metric``, if it is the product's first metric of a
        kind the plan forecasts (revenue, units, margin): the one its variance is read from."""
        if self.product_id is None or metric.kind not in PLANNED:
            return None
        first = next(m for m in self.service.metrics_of(self.product_id) if m.kind is metric.kind)
        if first.id != metric.id:
            return None
        if not self._plan_read:
            self._plan = self.finance.plan_vs_actual(self.product_id)
            self._plan_read = True
        return plan_series(self._plan, metric.kind, metric.unit)

    def _curve_empty_state(self, series: Any, points: list) -> None:
        """No values, no plot: an empty chart's invented axes say nothing; the next step does."""
        self.curve_controls.setVisible(self.curve_metric.count() > 0)
        if series is None:
            text = (
                "No metrics yet — add one (e.g. Revenue) in the Metrics tab, "
                "then type its values or import a CSV"
            )
        elif not self.service.values_of_product(self.product_id):
            text = "No metric values yet — type them in the Metrics tab or import a CSV"
        else:
            text = (
                f"No values of {series.metric.name} yet — type them in the Metrics tab "
                "or import a CSV, or choose another metric"
            )
        self.curve_hint.setText(text)
        self.curve_hint.setAccessibleName(text)
        self.curve_hint.setVisible(not points)
        self.curve.setVisible(bool(points))

    def _kpi_empty_state(self, text: str) -> None:
        self.kpi_hint.setText(text)
        self.kpi_hint.setAccessibleName(text)
        self.kpi_hint.setVisible(bool(text))
        self.kpi.setVisible(not text)

    def _metric_chosen(self, *_args: Any) -> None:
        metric_id = self.metrics.current_id()
        if metric_id != self._metric_id:
            self._metric_id = metric_id
            query = (
                None
                if metric_id is None
                else TableQuery.where_equal(self.service.values, metric_id=metric_id)
            )
            self.values.model.set_query(query)
        self._draw_kpi()

    def _draw_kpi(self) -> None:
        metric_id = self._metric_id
        if metric_id is None or self.product_id is None:
            self.kpi.set_data("", "", [], None)
            self.values.title_label.setText("Values — select a metric")
            self._kpi_empty_state(
                "No metrics yet — Add metric (e.g. Revenue), then its values"
                if not self.metrics.model.rowCount()
                else "Select a metric to see its values and chart"
            )
            return
        series = next(
            (s for s in self.service.series_of(self.product_id) if s.metric.id == metric_id), None
        )
        if series is None:
            return
        self.values.title_label.setText(f"Values of {series.metric.name}")
        self._kpi_empty_state(
            ""
            if series.points
            else f"No values of {series.metric.name} yet — Add value, Paste values or Import CSV"
        )
        self.kpi.set_data(
            series.metric.name,
            series.metric.unit,
            series.points,
            series.metric.target,
            self.plan_of(series.metric),
        )

    # -- gestures ----------------------------------------------------------------------------

    def review_gate(self, proposed: Stage | None = None) -> bool:
        if self.product_id is None:
            return False
        return gate_dialog.review_gate(self.ctx, self.product_id, proposed, self)

    def _metric_names(self) -> dict[str, int]:
        return {m.name: m.id for m in self.service.metrics_of(self.product_id)}

    def _selected_metric_name(self) -> str:
        names = {v: k for k, v in self._metric_names().items()}
        return names.get(self._metric_id, "")

    def apply_values(self, rows: metrics_io.ValueRows, what: str) -> bool:
        """Write read values as one undo step, or show every problem with its line."""
        by_id = metrics_io.resolve(rows, self._metric_names()) if not rows.errors else {}
        if rows.errors:
            self.show_problems(what, [str(e) for e in rows.errors])
            return False
        command = JournalCommand(
            self.service,
            lambda: self.service.upsert_many(by_id),
            f"{what} {plural(rows.count, 'metric value')}",
        )
        if self.ctx.run(command):
            self.statusMessage.emit(f"{what}: {plural(rows.count, 'value')}")
            return True
        return False

    def paste_values(self, text: str | None = None) -> bool:
        if self.product_id is None:
            return False
        text = QGuiApplication.clipboard().text() if text is None else text
        rows = metrics_io.read_paste(self.ctx.workspace, text, self._selected_metric_name())
        return self.apply_values(rows, "Paste")

    def import_csv(self, path: Path | None = None) -> bool:
        if self.product_id is None:
            return False
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self, "Import metric values", "", "CSV files (*.csv *.txt);;All files (*)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        rows = metrics_io.read_values(
            self.ctx.workspace, path, self._selected_metric_name(), path.name
        )
        return self.apply_values(rows, "Import")

    def show_problems(self, what: str, problems: list[str]) -> None:
        """Say why nothing was written (a test replaces this to read the lines)."""
        shown = "\n".join(problems[:15]) + (
            f"\n… and {len(problems) - 15} more" if len(problems) > 15 else ""
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            f"{what} refused",
            f"Nothing was written: {len(problems)} problem(s).",
            parent=self,
        )
        box.setDetailedText(shown)
        box.setInformativeText(shown)
        box.open()

    # -- new rows with sensible defaults ------------------------------------------------------

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
        """The month after the metric's last value (this month for its first)."""
        metric_id = self._metric_id
        if metric_id is None:
            raise ValidationError("metric", "select a metric first, then add its values")
        last = max_value(self.service.values, "period", metric_id=metric_id)
        period = _next_month(last) if last else today().replace(day=1)
        return create(
            self.service.values, "Add metric value", metric_id=metric_id, period=period, value=0.0
        )

    # -- export ------------------------------------------------------------------------------

    def export_image(self, path: Path) -> Path:
        """The view as it looks now: PNG, or SVG when the name ends in .svg."""
        return export_widget(self.content, path, title="Lifecycle")


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
