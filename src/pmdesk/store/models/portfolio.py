"""The portfolio and its products: lifecycle, gates, metrics, elimination, risks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.enums import (
    ActionStatus,
    Direction,
    EliminationStatus,
    EliminationStrategy,
    GateDecision,
    MetricKind,
    ProductType,
    RemedialKind,
    RiskStatus,
    Stage,
)

from .base import Base, Entity, enum_type, fk, utcnow


class Meta(Base):
    """Key/value facts about the file itself (schema version, who created it)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, nullable=False)


class WorkspaceInfo(Entity):
    """The portfolio as a whole: one row per file."""

    __tablename__ = "workspace_info"
    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)

    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    organisation: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, default="EUR")
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    # Portfolio-wide preferences such as the elimination rule thresholds.
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)


class Product(Entity):
    __tablename__ = "product"
    __table_args__ = (
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.UniqueConstraint("name"),
    )

    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    tagline: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    vision: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    goals: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    product_type: Mapped[ProductType] = mapped_column(
        enum_type(ProductType), nullable=False, default=ProductType.SOFTWARE
    )
    segment: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), nullable=False, default=Stage.INNOVATION)
    version_label: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="")
    spec_status: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="Draft")
    confidentiality: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    # Set by the product manager; the metric rules flag candidates on their own.
    elimination_flag: Mapped[bool] = mapped_column(nullable=False, default=False)
    elimination_flag_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # Per-product gate criteria overriding the defaults: {stage value: [criterion, ...]}.
    gate_criteria: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)


class StagePeriod(Entity):
    """One stay of a product in a stage: the lifecycle timeline is made of these."""

    __tablename__ = "stage_period"
    __table_args__ = (
        sa.CheckConstraint("left_on IS NULL OR left_on >= entered_on", name="left_after_entered"),
    )

    product_id: Mapped[int] = fk("product.id")
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), nullable=False)
    entered_on: Mapped[dt.date] = mapped_column(nullable=False)
    left_on: Mapped[dt.date | None] = mapped_column(nullable=True)


class GateReview(Entity):
    __tablename__ = "gate_review"

    product_id: Mapped[int] = fk("product.id")
    # The stage being left (the gate sits at its end).
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), nullable=False)
    decision: Mapped[GateDecision] = mapped_column(enum_type(GateDecision), nullable=False)
    # Where Recycle sends the product back to; NULL for the other decisions.
    recycle_to: Mapped[Stage | None] = mapped_column(
        enum_type(Stage, name="recycle_to"), nullable=True
    )
    # [{"text": "...", "met": true, "note": "..."}]
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    decided_by_id: Mapped[int | None] = fk("stakeholder.id", ondelete="SET NULL", nullable=True)
    decided_by_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    decided_on: Mapped[dt.date] = mapped_column(nullable=False)
    rationale: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class Metric(Entity):
    __tablename__ = "metric"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[MetricKind] = mapped_column(enum_type(MetricKind), nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    direction: Mapped[Direction] = mapped_column(
        enum_type(Direction), nullable=False, default=Direction.UP
    )
    # A constant target; a per-period target on a value overrides it.
    target: Mapped[float | None] = mapped_column(nullable=True)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class MetricValue(Entity):
    __tablename__ = "metric_value"
    __table_args__ = (sa.UniqueConstraint("metric_id", "period"),)

    metric_id: Mapped[int] = fk("metric.id")
    # First day of the period (months by default).
    period: Mapped[dt.date] = mapped_column(nullable=False)
    value: Mapped[float] = mapped_column(nullable=False)
    target: Mapped[float | None] = mapped_column(nullable=True)


class EliminationReview(Entity):
    __tablename__ = "elimination_review"
    __table_args__ = (
        sa.CheckConstraint(
            "end_of_support IS NULL OR end_of_sale IS NULL OR end_of_support >= end_of_sale",
            name="support_after_sale",
        ),
        sa.CheckConstraint("customers_affected >= 0", name="customers_not_negative"),
    )

    product_id: Mapped[int] = fk("product.id")
    opened_on: Mapped[dt.date] = mapped_column(nullable=False)
    status: Mapped[EliminationStatus] = mapped_column(
        enum_type(EliminationStatus), nullable=False, default=EliminationStatus.OPEN
    )
    # What flagged it: rule names with the figures that tripped them, or "manual".
    triggers: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, nullable=False, default=list)
    revenue_lost_per_year: Mapped[float] = mapped_column(nullable=False, default=0.0)
    margin_lost_per_year: Mapped[float] = mapped_column(nullable=False, default=0.0)
    customers_affected: Mapped[int] = mapped_column(nullable=False, default=0)
    shared_costs_remaining: Mapped[float] = mapped_column(nullable=False, default=0.0)
    dependent_products: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    strategy: Mapped[EliminationStrategy | None] = mapped_column(
        enum_type(EliminationStrategy), nullable=True
    )
    end_of_sale: Mapped[dt.date | None] = mapped_column(nullable=True)
    end_of_support: Mapped[dt.date | None] = mapped_column(nullable=True)
    decided_on: Mapped[dt.date | None] = mapped_column(nullable=True)
    rationale: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # The roadmap milestones that show the two dates (kept in step by LifecycleService).
    end_of_sale_item_id: Mapped[int | None] = fk(
        "roadmap_item.id", ondelete="SET NULL", nullable=True, index=False
    )
    end_of_support_item_id: Mapped[int | None] = fk(
        "roadmap_item.id", ondelete="SET NULL", nullable=True, index=False
    )


class RemedialAction(Entity):
    __tablename__ = "remedial_action"

    review_id: Mapped[int] = fk("elimination_review.id")
    kind: Mapped[RemedialKind] = mapped_column(enum_type(RemedialKind), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    expected_effect: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    status: Mapped[ActionStatus] = mapped_column(
        enum_type(ActionStatus), nullable=False, default=ActionStatus.PROPOSED
    )


class Risk(Entity):
    """A risk or assumption of a product (specification and launch plan list them)."""

    __tablename__ = "risk"
    __table_args__ = (
        sa.CheckConstraint("likelihood BETWEEN 1 AND 5", name="likelihood_range"),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name="impact_range"),
    )

    product_id: Mapped[int] = fk("product.id")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    likelihood: Mapped[int] = mapped_column(nullable=False, default=3)
    impact: Mapped[int] = mapped_column(nullable=False, default=3)
    mitigation: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    status: Mapped[RiskStatus] = mapped_column(
        enum_type(RiskStatus), nullable=False, default=RiskStatus.OPEN
    )


class SpecRevision(Entity):
    """One line of a product specification's revision history."""

    __tablename__ = "spec_revision"

    product_id: Mapped[int] = fk("product.id")
    version: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    revised_on: Mapped[dt.date] = mapped_column(nullable=False)
    author: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
