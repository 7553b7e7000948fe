"""Roadmap lanes, items, dependencies and baselines."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus, LagUnit, LaneKind

from .base import Base, Entity, enum_type, fk, utcnow


class Lane(Entity):
    __tablename__ = "lane"
    __table_args__ = (sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),)

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[LaneKind] = mapped_column(
        enum_type(LaneKind), nullable=False, default=LaneKind.THEME
    )
    colour: Mapped[str] = mapped_column(sa.String(9), nullable=False, default="")
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
    collapsed: Mapped[bool] = mapped_column(nullable=False, default=False)


class RoadmapItem(Entity):
    __tablename__ = "roadmap_item"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="end_after_start"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        sa.CheckConstraint(
            "kind <> 'milestone' OR end_date = start_date", name="milestone_one_day"
        ),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.Index("ix_roadmap_item_product_start", "product_id", "start_date"),
    )

    product_id: Mapped[int] = fk("product.id")
    lane_id: Mapped[int] = fk("lane.id")
    # A summary item (an imported MS Project summary task, an initiative) holds others.
    parent_id: Mapped[int | None] = fk("roadmap_item.id", nullable=True)
    name: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    kind: Mapped[ItemKind] = mapped_column(
        enum_type(ItemKind), nullable=False, default=ItemKind.FEATURE
    )
    # Inclusive dates: an item from Monday to Friday has end_date = Friday.
    start_date: Mapped[dt.date] = mapped_column(nullable=False)
    end_date: Mapped[dt.date] = mapped_column(nullable=False)
    progress: Mapped[int] = mapped_column(nullable=False, default=0)
    status: Mapped[ItemStatus] = mapped_column(
        enum_type(ItemStatus), nullable=False, default=ItemStatus.PLANNED
    )
    # Set by hand on the now/next/later board; NULL means "follow the dates".
    horizon: Mapped[Horizon | None] = mapped_column(enum_type(Horizon), nullable=True)
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class Dependency(Entity):
    __tablename__ = "dependency"
    __table_args__ = (
        sa.UniqueConstraint("predecessor_id", "successor_id"),
        sa.CheckConstraint("predecessor_id <> successor_id", name="not_self"),
    )

    predecessor_id: Mapped[int] = fk("roadmap_item.id")
    successor_id: Mapped[int] = fk("roadmap_item.id")
    type: Mapped[DependencyType] = mapped_column(
        enum_type(DependencyType), nullable=False, default=DependencyType.FINISH_TO_START
    )
    # Whole days; negative is a lead. Working days of the product's calendar, or
    # calendar days when lag_elapsed (every lag of a format 1 or 2 file).
    lag_days: Mapped[int] = mapped_column(nullable=False, default=0)
    lag_elapsed: Mapped[bool] = mapped_column(nullable=False, default=False)
    # How the lag was given: its unit, and (from MS Project) its exact LinkLag as the file
    # wrote it (tenths of a minute; for a percent lag, MS Project's own figure); an edit
    # of lag_days clears lag_exact.
    lag_unit: Mapped[LagUnit] = mapped_column(
        enum_type(LagUnit), nullable=False, default=LagUnit.DAY
    )
    lag_exact: Mapped[int | None] = mapped_column(nullable=True)


class Baseline(Entity):
    __tablename__ = "baseline"

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    # The one the chart compares against; at most one per product (enforced by the service).
    is_active: Mapped[bool] = mapped_column(nullable=False, default=False)


class BaselineEntry(Base):
    """An item's dates as they were when the baseline was set."""

    __tablename__ = "baseline_entry"
    __table_args__ = (sa.CheckConstraint("end_date >= start_date", name="end_after_start"),)

    baseline_id: Mapped[int] = mapped_column(
        sa.ForeignKey("baseline.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roadmap_item.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    start_date: Mapped[dt.date] = mapped_column(nullable=False)
    end_date: Mapped[dt.date] = mapped_column(nullable=False)
