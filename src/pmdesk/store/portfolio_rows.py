"""The portfolio at a glance, read without SQLAlchemy.

Every product with its stage, health, revenue series, flags and next milestone
(:class:`ProductOverview`), each product's metric series, what flags a product for
elimination, and the roadmap summaries are read here as plain SQL over a ``fetch`` (see
:mod:`pmdesk.store.roadmap_rows`): one read for the store's services and for the
Portfolio drawn before the store has loaded (:mod:`pmdesk.store.early`). Nothing here
imports SQLAlchemy: ``tests/test_layering.py`` holds it to that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from pmdesk.core.enums import Direction, ItemKind, MetricKind, Stage
from pmdesk.core.lifecycle import (
    EliminationRules,
    Health,
    Trigger,
    elimination_triggers,
    latest_health,
    rules_from_settings,
    worst,
)

from .plain import Fetch, json_value, plain_read, read_date


class MetricRow(NamedTuple):
    id: int
    product_id: int
    name: str
    kind: MetricKind
    unit: str
    direction: Direction
    target: float | None
    sort_order: int


class MetricSeries(NamedTuple):
    """A metric with its values, oldest first: (period, value, per-period target or None).

    This module's records are named tuples: quicker to load than data classes, and a
    start that opens a file on its Portfolio loads them before its first paint."""

    metric: MetricRow
    points: list[tuple[dt.date, float, float | None]]

    @property
    def values(self) -> list[float]:
        return [value for _period, value, _target in self.points]


class ProductOverview(NamedTuple):
    """What the portfolio view shows of one product, gathered in one pass."""

    id: int
    name: str
    stage: Stage
    owner: str
    entered_stage_on: dt.date | None
    health: Health
    revenue: Sequence[float] = ()
    revenue_unit: str = ""
    share: float | None = None
    growth: float | None = None
    triggers: Sequence[Trigger] = ()
    next_milestone: str = ""
    next_milestone_on: dt.date | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.triggers)

    @property
    def latest_revenue(self) -> float | None:
        return self.revenue[-1] if self.revenue else None


class RoadmapSummary(NamedTuple):
    """What the portfolio table shows of one product's roadmap."""

    items: int = 0
    next_milestone: str = ""
    next_milestone_on: dt.date | None = None


class ProductRow(NamedTuple):
    id: int
    name: str
    stage: Stage
    owner: str
    flag: bool
    flag_reason: str


_STAGES = {m.value: m for m in Stage}
_METRIC_KINDS = {m.value: m for m in MetricKind}
_DIRECTIONS = {m.value: m for m in Direction}

_PRODUCT_SQL = (
    "SELECT id, name, stage, owner, elimination_flag, elimination_flag_reason FROM product"
)
_PRODUCT_ORDER = " ORDER BY sort_order, name"
_PRODUCT_CHOICE_SQL = "SELECT id, name FROM product" + _PRODUCT_ORDER
_METRICS = "SELECT id, product_id, name, kind, unit, direction, target, sort_order FROM metric"
_METRIC_ORDER = " ORDER BY sort_order, name"
_ALL_METRIC_SQL = _METRICS + _METRIC_ORDER
_METRIC_SQL = _METRICS + " WHERE product_id = ?" + _METRIC_ORDER
_ALL_VALUE_SQL = (
    "SELECT metric_id, period, value, target FROM metric_value ORDER BY metric_id, period"
)
# One product's: joined to its metrics (the columns named by table).
_VALUE_SQL = (
    "SELECT metric_value.metric_id, metric_value.period, metric_value.value,"
    " metric_value.target FROM metric_value JOIN metric ON metric.id = metric_value.metric_id"
    " WHERE metric.product_id = ? ORDER BY metric_value.metric_id, metric_value.period"
)
_OPEN_PERIOD_SQL = (
    "SELECT product_id, entered_on FROM stage_period WHERE left_on IS NULL ORDER BY entered_on, id"
)
_INFO_SQL = "SELECT name, organisation, settings FROM workspace_info WHERE id = 1"
_ITEM_COUNT_SQL = "SELECT product_id, count(*) FROM roadmap_item GROUP BY product_id"
# The first milestone on or after a day, per product (by date, then id).
_NEXT_MILESTONE_SQL = (
    "SELECT product_id, name, start_date FROM (SELECT product_id, name, start_date,"
    " row_number() OVER (PARTITION BY product_id ORDER BY start_date, id) AS rank"
    " FROM roadmap_item WHERE kind = ? AND start_date >= ?) AS upcoming WHERE rank = 1"
)


def _products(fetch: Fetch, product_id: int | None = None) -> list[ProductRow]:
    if product_id is None:
        rows = fetch(_PRODUCT_SQL + _PRODUCT_ORDER, ())
    else:
        rows = fetch(_PRODUCT_SQL + " WHERE id = ?", (product_id,))
    return [
        ProductRow(i, name, _STAGES[stage], owner, bool(flag), reason)
        for i, name, stage, owner, flag, reason in rows
    ]


def product_choices(fetch: Fetch) -> list[tuple[int, str]]:
    """(id, name) of every product, in the portfolio's order: the window's product list."""
    return [(i, name) for i, name in fetch(_PRODUCT_CHOICE_SQL, ())]


def _metric(row: Sequence) -> MetricRow:
    i, product_id, name, kind, unit, direction, target, order = row
    return MetricRow(
        i, product_id, name, _METRIC_KINDS[kind], unit, _DIRECTIONS[direction], target, order
    )


def _series(metrics: Sequence[MetricRow], values: Sequence[Sequence]) -> list[MetricSeries]:
    points: dict[int, list[tuple[dt.date, float, float | None]]] = {}
    for metric_id, period, value, target in values:
        points.setdefault(metric_id, []).append((read_date(period), value, target))
    return [MetricSeries(m, points.get(m.id, [])) for m in metrics]


def series_of(fetch: Fetch, product_id: int) -> list[MetricSeries]:
    """Every metric of a product with its values, in the metrics' order."""
    metrics = [_metric(row) for row in fetch(_METRIC_SQL, (product_id,))]
    return _series(metrics, fetch(_VALUE_SQL, (product_id,)) if metrics else ())


def elimination_rules(fetch: Fetch) -> EliminationRules:
    rows = fetch(_INFO_SQL, ())
    return rules_from_settings(_settings(rows[0][2]) if rows else {})


def _settings(value: Any) -> dict:
    found = json_value(value)
    return found if isinstance(found, dict) else {}


def heading(fetch: Fetch) -> tuple[str, str]:
    """The workspace's name and organisation."""
    rows = fetch(_INFO_SQL, ())
    return (rows[0][0], rows[0][1]) if rows else ("", "")


def _triggers(
    fetch: Fetch, product: ProductRow, series: Sequence[MetricSeries], rules: EliminationRules
) -> list[Trigger]:
    """The rules a product's metrics trip, plus a hand-set flag; only In-life products."""
    found: list[Trigger] = []
    if product.stage is Stage.IN_LIFE:
        from .plan_rows import plan_ratios  # the business case's modules: for In-life only

        by_kind: dict[MetricKind, list[float]] = {}
        for one in series:
            by_kind.setdefault(one.metric.kind, one.values)
        found = elimination_triggers(
            by_kind.get(MetricKind.REVENUE, []),
            by_kind.get(MetricKind.MARGIN, []),
            by_kind.get(MetricKind.MARKET_SHARE, []),
            rules,
            plan_ratios(fetch, product.id, series),
        )
    if product.flag:
        found.append(Trigger("manual", product.flag_reason or "flagged by hand"))
    return found


def triggers_of(fetch: Fetch, product_id: int, rules: EliminationRules | None = None):
    """What flags one product for elimination (LookupError: no such product)."""
    products = _products(fetch, product_id)
    if not products:
        raise LookupError(product_id)
    rules = rules if rules is not None else elimination_rules(fetch)
    return _triggers(fetch, products[0], series_of(fetch, product_id), rules)


def roadmap_summaries(fetch: Fetch, today: dt.date) -> dict[int, RoadmapSummary]:
    """product id -> item count and next milestone (on or after today), in two grouped reads."""
    counts = {pid: n for pid, n in fetch(_ITEM_COUNT_SQL, ())}
    milestones = {
        pid: (name, read_date(day))
        for pid, name, day in fetch(
            _NEXT_MILESTONE_SQL, (ItemKind.MILESTONE.value, today.isoformat())
        )
    }
    return {
        pid: RoadmapSummary(counts.get(pid, 0), *milestones.get(pid, ("", None)))
        for pid in set(counts) | set(milestones)
    }


def health_of(all_series: Sequence[MetricSeries]) -> Health:
    """The worst health of the metrics that have a target, with the metric named in the reason."""
    found = []
    for series in all_series:
        metric = series.metric
        has_target = metric.target is not None or any(t is not None for *_x, t in series.points)
        if not has_target:
            continue
        pairs = [(value, target) for _period, value, target in series.points]
        health = latest_health(pairs, metric.target, metric.direction)
        found.append(Health(health.colour, f"{metric.name}: {health.reason}"))
    if not found:
        return Health("green", "no metric has a target yet")
    worst_one = worst(found)
    others = [h.reason for h in found if h is not worst_one]
    return Health(worst_one.colour, "\n".join([worst_one.reason, *others]))


def overview(fetch: Fetch, today: dt.date) -> list[ProductOverview]:
    """Every product with its stage, health, revenue series, flags and next milestone."""
    rules = elimination_rules(fetch)
    summaries = roadmap_summaries(fetch, today)
    metrics: dict[int, list[MetricRow]] = {}
    for row in fetch(_ALL_METRIC_SQL, ()):
        metric = _metric(row)
        metrics.setdefault(metric.product_id, []).append(metric)
    values = fetch(_ALL_VALUE_SQL, ()) if metrics else ()
    entered: dict[int, dt.date] = {}
    for product_id, day in fetch(_OPEN_PERIOD_SQL, ()):
        entered[product_id] = read_date(day)  # the latest open one wins
    every = _series([m for found in metrics.values() for m in found], values)
    by_product: dict[int, list[MetricSeries]] = {}
    for one in every:
        by_product.setdefault(one.metric.product_id, []).append(one)
    result = []
    for product in _products(fetch):
        all_series = by_product.get(product.id, [])
        by_kind: dict[MetricKind, MetricSeries] = {}
        for series in all_series:
            by_kind.setdefault(series.metric.kind, series)
        revenue = by_kind.get(MetricKind.REVENUE)
        share, growth = by_kind.get(MetricKind.MARKET_SHARE), by_kind.get(MetricKind.MARKET_GROWTH)
        summary = summaries.get(product.id)
        result.append(
            ProductOverview(
                id=product.id,
                name=product.name,
                stage=product.stage,
                owner=product.owner,
                entered_stage_on=entered.get(product.id),
                health=health_of(all_series),
                revenue=revenue.values if revenue else [],
                revenue_unit=revenue.metric.unit if revenue else "",
                share=share.values[-1] if share and share.values else None,
                growth=growth.values[-1] if growth and growth.values else None,
                triggers=_triggers(fetch, product, all_series, rules),
                next_milestone=summary.next_milestone if summary else "",
                next_milestone_on=summary.next_milestone_on if summary else None,
            )
        )
    return result


class PortfolioQueries:
    """The portfolio's reads for a workspace: on a short session's connection, or on the
    file's own read-only connection while an early workspace's store loads."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def _read[R](self, read: Callable[[Fetch], R]) -> R:
        return plain_read(self.ws, read)

    def overview(self, today: dt.date | None = None) -> list[ProductOverview]:
        return self._read(lambda fetch: overview(fetch, today or dt.date.today()))

    def product_choices(self) -> list[tuple[int, str]]:
        """(id, name) of every product, in the portfolio's order (:func:`product_choices`)."""
        return self._read(product_choices)

    def heading(self) -> tuple[str, str]:
        """(name, organisation) of the workspace."""
        return self._read(heading)
