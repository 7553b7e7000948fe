"""Launch plans: positioning, messages, and the readiness checklist."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.enums import LaunchFunction, TaskStatus

from .base import Entity, enum_type, fk


class Launch(Entity):
    __tablename__ = "launch"
    __table_args__ = (sa.CheckConstraint("tier BETWEEN 1 AND 3", name="tier_range"),)

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    launch_date: Mapped[dt.date] = mapped_column(nullable=False)
    # 1 = major, 3 = minor.
    tier: Mapped[int] = mapped_column(nullable=False, default=2)
    # "For [target] who [need], [product] is a [category] that [benefit].
    #  Unlike [alternative], it [differentiator]."
    pos_target: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    pos_need: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    pos_category: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    pos_benefit: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    pos_alternative: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    pos_differentiator: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    segments: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    price: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    channels: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    success_metrics: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class LaunchMessage(Entity):
    """A key message for one audience."""

    __tablename__ = "launch_message"

    launch_id: Mapped[int] = fk("launch.id")
    audience: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    message: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(nullable=False, default=0)


class LaunchTask(Entity):
    __tablename__ = "launch_task"
    __table_args__ = (
        sa.CheckConstraint("due_date IS NOT NULL OR due_offset_days IS NOT NULL", name="has_due"),
        sa.CheckConstraint("length(trim(title)) > 0", name="title_not_blank"),
    )

    launch_id: Mapped[int] = fk("launch.id")
    function: Mapped[LaunchFunction] = mapped_column(enum_type(LaunchFunction), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    owner_id: Mapped[int | None] = fk("stakeholder.id", ondelete="SET NULL", nullable=True)
    # Either an absolute date, or days relative to the launch date ("L-30" is -30),
    # in which case due_date is kept equal to launch_date + offset by the service.
    due_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    due_offset_days: Mapped[int | None] = mapped_column(nullable=True)
    status: Mapped[TaskStatus] = mapped_column(
        enum_type(TaskStatus), nullable=False, default=TaskStatus.TODO
    )
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(nullable=False, default=0)
