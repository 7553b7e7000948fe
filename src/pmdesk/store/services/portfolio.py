"""Products, the workspace's own details, risks and the specification's revisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from pmdesk.core.enums import MetricKind, Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.lifecycle import Health, Trigger, latest_health, worst

from ..models import Product, Risk, SpecRevision, StagePeriod, WorkspaceInfo
from .base import Repo

# Where the presenter view keeps its speaker notes in WorkspaceInfo.settings: view key -> text.
NOTES_KEY = "speaker_notes"


def _track_stage(uow, product: Product, previous: dict[str, Any]) -> None:
    """Keep the lifecycle timeline in step with the product's stage.

    A new product enters its stage today. A stage change closes the open period
    and opens one for the new stage; a period entered and left on the same day
    (two changes in one day) is removed rather than kept as a zero-day stay.
    """
    if previous and "stage" not in previous:
        return
    today = dt.date.today()
    session = uow.session
    open_periods = session.scalars(
        sa.select(StagePeriod).where(
            StagePeriod.product_id == product.id, StagePeriod.left_on.is_(None)
        )
    ).all()
    for period in open_periods:
        if period.entered_on >= today:
            session.delete(period)
        else:
            period.left_on = today
    session.add(StagePeriod(product_id=product.id, stage=product.stage, entered_on=today))


class PortfolioService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.info = Repo(ws, WorkspaceInfo)
        self.products = Repo(
            ws, Product, order_by=(Product.sort_order, Product.name), after_write=_track_stage
        )
        self.risks = Repo(ws, Risk, order_by=(Risk.product_id, Risk.id))
        self.revisions = Repo(ws, SpecRevision, order_by=(SpecRevision.revised_on,))

    def workspace_info(self) -> WorkspaceInfo:
        return self.info.get(1)

    def speaker_notes(self) -> dict[str, str]:
        """The presenter's notes per view key, kept in the workspace's settings."""
        notes = (self.workspace_info().settings or {}).get(NOTES_KEY, {})
        if not isinstance(notes, dict):
            return {}
        return {str(key): text for key, text in notes.items() if isinstance(text, str)}

    def list_products(self) -> list[Product]:
        return self.products.list()

    def product_by_name(self, name: str) -> Product:
        wanted = name.strip().casefold()
        for product in self.list_products():
            if product.name.casefold() == wanted:
                return product
        names = ", ".join(p.name for p in self.list_products()) or "none"
        raise ValidationError("product", f"no product named {name!r} (products: {names})")

    def create_product(self, **fields: Any) -> Product:
        """A new product; its lifecycle timeline starts in its stage today."""
        name = str(fields.get("name", "")).strip()
        if name and self.products.count(sa.func.lower(Product.name) == name.lower()):
            raise ValidationError("name", f"a product named {name!r} already exists")
        return self.products.create(**fields)

    def risks_of(self, product_id: int) -> list[Risk]:
        return self.risks.list(Risk.product_id == product_id)

    def revisions_of(self, product_id: int) -> list[SpecRevision]:
        return self.revisions.list(SpecRevision.product_id == product_id)


# -- the portfolio at a glance ----------------------------------------------------------------


@dataclass(frozen=True)
class ProductOverview:
    """What the portfolio view shows of one product, gathered in one pass."""

    id: int
    name: str
    stage: Stage
    owner: str
    entered_stage_on: dt.date | None
    health: Health
    revenue: list[float] = field(default_factory=list)
    revenue_unit: str = ""
    share: float | None = None
    growth: float | None = None
    triggers: list[Trigger] = field(default_factory=list)
    next_milestone: str = ""
    next_milestone_on: dt.date | None = None

    @property
    def flagged(self) -> bool:
        return bool(self.triggers)

    @property
    def latest_revenue(self) -> float | None:
        return self.revenue[-1] if self.revenue else None


def _health_of(all_series) -> Health:
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


def portfolio_overview(ws, today: dt.date | None = None) -> list[ProductOverview]:
    """Every product with its stage, health, revenue series, flags and next milestone."""
    from pmdesk.store.queries import roadmap_summaries

    from .lifecycle import LifecycleService, MetricSeries

    lifecycle = ws.service(LifecycleService)
    rules = lifecycle.elimination_rules()
    summaries = roadmap_summaries(ws, today)
    overview = []
    for product in ws.service(PortfolioService).list_products():
        all_series = lifecycle.series_of(product.id)
        by_kind: dict[MetricKind, MetricSeries] = {}
        for series in all_series:
            by_kind.setdefault(series.metric.kind, series)
        revenue = by_kind.get(MetricKind.REVENUE)
        share, growth = by_kind.get(MetricKind.MARKET_SHARE), by_kind.get(MetricKind.MARKET_GROWTH)
        open_periods = [p for p in lifecycle.periods_of(product.id) if p.left_on is None]
        summary = summaries.get(product.id)
        overview.append(
            ProductOverview(
                id=product.id,
                name=product.name,
                stage=product.stage,
                owner=product.owner,
                entered_stage_on=open_periods[-1].entered_on if open_periods else None,
                health=_health_of(all_series),
                revenue=revenue.values if revenue else [],
                revenue_unit=revenue.metric.unit if revenue else "",
                share=share.values[-1] if share and share.values else None,
                growth=growth.values[-1] if growth and growth.values else None,
                triggers=lifecycle.triggers_of(product.id, rules),
                next_milestone=summary.next_milestone if summary else "",
                next_milestone_on=summary.next_milestone_on if summary else None,
            )
        )
    return overview
