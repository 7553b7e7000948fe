"""The lifecycle of a product: stage periods, gate reviews, metrics, elimination reviews."""

from __future__ import annotations

import sqlalchemy as sa

from ..models import (
    EliminationReview,
    GateReview,
    Metric,
    MetricValue,
    RemedialAction,
    StagePeriod,
)
from .base import Repo


class LifecycleService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.periods = Repo(ws, StagePeriod, order_by=(StagePeriod.entered_on, StagePeriod.id))
        self.gates = Repo(ws, GateReview, order_by=(GateReview.decided_on, GateReview.id))
        self.metrics = Repo(ws, Metric, order_by=(Metric.sort_order, Metric.name))
        self.values = Repo(ws, MetricValue, order_by=(MetricValue.period,))
        self.eliminations = Repo(ws, EliminationReview, order_by=(EliminationReview.opened_on,))
        self.actions = Repo(ws, RemedialAction)

    def periods_of(self, product_id: int) -> list[StagePeriod]:
        return self.periods.list(StagePeriod.product_id == product_id)

    def gates_of(self, product_id: int) -> list[GateReview]:
        return self.gates.list(GateReview.product_id == product_id)

    def metrics_of(self, product_id: int) -> list[Metric]:
        return self.metrics.list(Metric.product_id == product_id)

    def values_of(self, metric_id: int) -> list[MetricValue]:
        return self.values.list(MetricValue.metric_id == metric_id)

    def values_of_product(self, product_id: int) -> list[MetricValue]:
        metric_ids = sa.select(Metric.id).where(Metric.product_id == product_id)
        return self.values.list(
            MetricValue.metric_id.in_(metric_ids), order_by=(MetricValue.metric_id, MetricValue.period)
        )

    def eliminations_of(self, product_id: int) -> list[EliminationReview]:
        return self.eliminations.list(EliminationReview.product_id == product_id)

    def actions_of(self, review_id: int) -> list[RemedialAction]:
        return self.actions.list(RemedialAction.review_id == review_id)
