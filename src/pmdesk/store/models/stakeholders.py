"""Stakeholders, their position history, and RACI assignments."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.enums import Attitude, ContactFrequency, RaciActivity, RaciRole

from .base import Entity, enum_type, fk, utcnow


class Stakeholder(Entity):
    __tablename__ = "stakeholder"
    __table_args__ = (
        sa.CheckConstraint("power BETWEEN 0 AND 10", name="power_range"),
        sa.CheckConstraint("interest BETWEEN 0 AND 10", name="interest_range"),
        sa.CheckConstraint(
            "desired_power IS NULL OR desired_power BETWEEN 0 AND 10", name="desired_power_range"
        ),
        sa.CheckConstraint(
            "desired_interest IS NULL OR desired_interest BETWEEN 0 AND 10",
            name="desired_interest_range",
        ),
        sa.CheckConstraint("importance BETWEEN 1 AND 5", name="importance_range"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    # One of the usual touchpoints (core.enums.Touchpoint) or a custom one.
    department: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    email: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    phone: Mapped[str] = mapped_column(sa.String(50), nullable=False, default="")
    attitude: Mapped[Attitude] = mapped_column(
        enum_type(Attitude), nullable=False, default=Attitude.NEUTRAL
    )
    power: Mapped[float] = mapped_column(nullable=False, default=5.0)
    interest: Mapped[float] = mapped_column(nullable=False, default=5.0)
    importance: Mapped[int] = mapped_column(nullable=False, default=3)
    desired_power: Mapped[float | None] = mapped_column(nullable=True)
    desired_interest: Mapped[float | None] = mapped_column(nullable=True)
    comm_channel: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    comm_frequency: Mapped[ContactFrequency] = mapped_column(
        enum_type(ContactFrequency), nullable=False, default=ContactFrequency.MONTHLY
    )
    comm_owner: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    last_contact: Mapped[dt.date | None] = mapped_column(nullable=True)
    next_contact: Mapped[dt.date | None] = mapped_column(nullable=True, index=True)
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class StakeholderPosition(Entity):
    """Where a stakeholder stood on the map, and when: their trail over time."""

    __tablename__ = "stakeholder_position"
    __table_args__ = (
        sa.CheckConstraint("power BETWEEN 0 AND 10", name="power_range"),
        sa.CheckConstraint("interest BETWEEN 0 AND 10", name="interest_range"),
    )

    stakeholder_id: Mapped[int] = fk("stakeholder.id")
    recorded_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
    power: Mapped[float] = mapped_column(nullable=False)
    interest: Mapped[float] = mapped_column(nullable=False)
    attitude: Mapped[Attitude] = mapped_column(enum_type(Attitude), nullable=False)


class RaciAssignment(Entity):
    """A stakeholder's R/A/C/I on an activity: a launch task, a requirement, or spec sign-off."""

    __tablename__ = "raci_assignment"
    __table_args__ = (
        sa.CheckConstraint(
            "(activity = 'launch_task' AND launch_task_id IS NOT NULL AND requirement_id IS NULL)"
            " OR (activity = 'requirement' AND requirement_id IS NOT NULL"
            " AND launch_task_id IS NULL)"
            " OR (activity = 'spec_signoff' AND launch_task_id IS NULL AND requirement_id IS NULL)",
            name="activity_target",
        ),
        sa.UniqueConstraint(
            "stakeholder_id", "activity", "launch_task_id", "requirement_id", "product_id"
        ),
    )

    product_id: Mapped[int] = fk("product.id")
    stakeholder_id: Mapped[int] = fk("stakeholder.id")
    activity: Mapped[RaciActivity] = mapped_column(enum_type(RaciActivity), nullable=False)
    launch_task_id: Mapped[int | None] = fk("launch_task.id", nullable=True)
    requirement_id: Mapped[int | None] = fk("requirement.id", nullable=True)
    role: Mapped[RaciRole] = mapped_column(enum_type(RaciRole), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(nullable=False, default=utcnow)
