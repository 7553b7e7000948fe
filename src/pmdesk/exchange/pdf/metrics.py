"""A product's metrics as the documents show them: latest value, target, health, charts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable, Table

from pmdesk.core.enums import MetricKind
from pmdesk.core.lifecycle import Health, metric_health
from pmdesk.core.wording import format_number
from pmdesk.store.models import Metric
from pmdesk.store.services import LifecycleService
from pmdesk.store.workspace import Workspace

from .charts import Series, compact, line_chart
from .components import Plain, layout, table
from .theme import HEALTH_COLOURS, PALETTE

# Charts of these kinds show the lifecycle stages behind the curve.
LIFECYCLE_KINDS = (MetricKind.REVENUE, MetricKind.UNITS)


@dataclass(frozen=True)
class MetricSummary:
    metric: Metric
    series: Series
    latest: float | None
    target: float | None
    health: Health


def summaries(ws: Workspace, product_id: int) -> list[MetricSummary]:
    """Every metric of a product with its values (one query for all values)."""
    lifecycle = ws.service(LifecycleService)
    values = defaultdict(list)
    for value in lifecycle.values_of_product(product_id):
        values[value.metric_id].append(value)
    out = []
    for index, metric in enumerate(lifecycle.metrics_of(product_id)):
        rows = sorted(values[metric.id], key=lambda v: v.period)
        targets = [v.target if v.target is not None else metric.target for v in rows]
        series = Series(
            metric.name,
            [v.period for v in rows],
            [v.value for v in rows],
            targets,
            metric.unit,
            PALETTE[index % len(PALETTE)],
        )
        latest = rows[-1].value if rows else None
        target = targets[-1] if targets else metric.target
        out.append(
            MetricSummary(
                metric, series, latest, target, metric_health(latest, target, metric.direction)
            )
        )
    return out


Band = tuple[dt.date, dt.date, str]


def stage_bands(ws: Workspace, product_id: int, today: dt.date) -> list[Band]:
    periods = ws.service(LifecycleService).periods_of(product_id)
    return [(p.entered_on, p.left_on or today, p.stage.label) for p in periods]


def health_reason(item: MetricSummary) -> str:
    """Why a metric has its colour, in figures as the charts show them (1.2M, not 1.2e+06)."""
    if item.latest is None:
        return "no value yet"
    if item.target is None:
        return "no target set"
    unit = f" {item.metric.unit}" if item.metric.unit else ""
    return f"{compact(item.latest)}{unit} against a target of {compact(item.target)}{unit}"


def metric_table(items: Sequence[MetricSummary], width: float) -> Table:
    rows = []
    for item in items:
        unit = item.metric.unit
        latest = "—" if item.latest is None else f"{format_number(item.latest)} {unit}".strip()
        target = "—" if item.target is None else f"{format_number(item.target)} {unit}".strip()
        period = f"{item.series.periods[-1]:%b %Y}" if item.series.periods else ""
        rows.append(
            [
                item.metric.name,
                Plain(latest, align="RIGHT"),
                Plain(target, align="RIGHT"),
                Plain(period),
                Plain(
                    item.health.colour.capitalize(),
                    bold=True,
                    colour=HEALTH_COLOURS[item.health.colour],
                ),
                health_reason(item),
            ]
        )
    return table(
        ["Metric", "Latest", "Target", "Period", "Health", "Why"],
        rows,
        [0.22, 0.14, 0.14, 0.1, 0.1, 0.3],
        total_width=width,
        align=["LEFT", "RIGHT", "RIGHT", "LEFT", "LEFT", "LEFT"],
    )


def chart_grid(
    items: Sequence[MetricSummary],
    width: float,
    *,
    columns: int = 2,
    height: float = 135.0,
    bands: Sequence[Band] = (),
) -> Flowable | None:
    """Metric charts side by side; revenue and units carry the lifecycle stages."""
    charted = [i for i in items if i.series.values]
    if not charted:
        return None
    gap = 14.0
    cell = (width - gap * (columns - 1)) / columns
    drawings = [
        line_chart(i.series, cell, height, bands=bands if i.metric.kind in LIFECYCLE_KINDS else ())
        for i in charted
    ]
    rows = []
    for start in range(0, len(drawings), columns):
        row: list[object] = []
        for index, drawing in enumerate(drawings[start : start + columns]):
            if index:
                row.append("")
            row.append(drawing)
        while len(row) < columns * 2 - 1:
            row.append("")
        rows.append(row)
    widths = [cell if i % 2 == 0 else gap for i in range(columns * 2 - 1)]
    return layout(rows, widths, style=[("BOTTOMPADDING", (0, 0), (-1, -1), 12)])
