"""Working calendars: the workspace's, and any product's own, with their exceptions."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Entity, fk


class WorkCalendar(Entity):
    """Working weekdays and hours; ``product_id`` NULL is the workspace's own calendar."""

    __tablename__ = "work_calendar"
    __table_args__ = (
        sa.UniqueConstraint("product_id"),
        sa.CheckConstraint("weekdays BETWEEN 0 AND 127", name="weekday_set"),
        sa.CheckConstraint(
            "day_start >= 0 AND day_end <= 1440 AND day_end > day_start", name="day_hours"
        ),
        sa.CheckConstraint(
            "minutes_per_day > 0 AND minutes_per_day <= day_end - day_start",
            name="minutes_fit_day",
        ),
    )

    product_id: Mapped[int | None] = fk("product.id", nullable=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="Standard")
    # Bit 0 is Monday: 31 is Monday to Friday.
    weekdays: Mapped[int] = mapped_column(nullable=False, default=31)
    day_start: Mapped[int] = mapped_column(nullable=False, default=540)  # minutes after midnight
    day_end: Mapped[int] = mapped_column(nullable=False, default=1020)
    minutes_per_day: Mapped[int] = mapped_column(nullable=False, default=480)


class CalendarException(Entity):
    """Days that differ from the week: a holiday, or extra working days."""

    __tablename__ = "calendar_exception"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="end_after_start"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    calendar_id: Mapped[int] = fk("work_calendar.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    start_date: Mapped[dt.date] = mapped_column(nullable=False)
    end_date: Mapped[dt.date] = mapped_column(nullable=False)
    working: Mapped[bool] = mapped_column(nullable=False, default=False)
