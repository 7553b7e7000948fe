"""Requirements and user stories, the customers behind them, and their roadmap links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.enums import MoSCoW, RequirementKind, RequirementSource, RequirementStatus

from .base import Base, Entity, enum_type, fk, utcnow


class Requirement(Entity):
    __tablename__ = "requirement"
    __table_args__ = (
        sa.CheckConstraint("reach >= 0", name="reach_not_negative"),
        sa.CheckConstraint("impact IN (0.25, 0.5, 1, 2, 3)", name="impact_scale"),
        sa.CheckConstraint("confidence BETWEEN 0 AND 100", name="confidence_range"),
        sa.CheckConstraint("effort > 0", name="effort_positive"),
        sa.CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
    )

    product_id: Mapped[int] = fk("product.id")
    # A short reference such as "REQ-12", unique within the product.
    ref: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    kind: Mapped[RequirementKind] = mapped_column(
        enum_type(RequirementKind), nullable=False, default=RequirementKind.USER_STORY
    )
    # "As a <story_role> I want <story_goal> so that <story_benefit>."
    story_role: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    story_goal: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    story_benefit: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    acceptance_criteria: Mapped[list[Any]] = mapped_column(sa.JSON, nullable=False, default=list)
    moscow: Mapped[MoSCoW] = mapped_column(enum_type(MoSCoW), nullable=False, default=MoSCoW.SHOULD)
    # RICE: reach per quarter, impact on the 0.25..3 scale, confidence %, effort person-months.
    reach: Mapped[float] = mapped_column(nullable=False, default=0.0)
    impact: Mapped[float] = mapped_column(nullable=False, default=1.0)
    confidence: Mapped[float] = mapped_column(nullable=False, default=80.0)
    effort: Mapped[float] = mapped_column(nullable=False, default=1.0)
    status: Mapped[RequirementStatus] = mapped_column(
        enum_type(RequirementStatus), nullable=False, default=RequirementStatus.PROPOSED
    )
    source: Mapped[RequirementSource] = mapped_column(
        enum_type(RequirementSource), nullable=False, default=RequirementSource.INTERNAL
    )
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)


class RequirementCustomer(Entity):
    """A customer who asked for a requirement, and the revenue at stake with them."""

    __tablename__ = "requirement_customer"
    __table_args__ = (sa.CheckConstraint("revenue >= 0", name="revenue_not_negative"),)

    requirement_id: Mapped[int] = fk("requirement.id")
    customer: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    revenue: Mapped[float] = mapped_column(nullable=False, default=0.0)


class RequirementItemLink(Base):
    """Which roadmap items deliver which requirements (many to many)."""

    __tablename__ = "requirement_item_link"

    requirement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requirement.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roadmap_item.id", ondelete="CASCADE"), primary_key=True, index=True
    )
