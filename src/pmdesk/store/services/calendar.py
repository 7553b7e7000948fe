"""Working calendars: the workspace's, a product's own, and their holidays and extra days.

Every product follows the workspace's calendar unless it has one of its own (a
team in another country). :meth:`CalendarService.effective` is the calendar that
scheduling, durations, the Gantt's shading and MS Project interchange use.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.working_calendar import WorkingCalendar

from ..models import CalendarException, WorkCalendar
from ..plain import fetcher
from ..roadmap_rows import working_calendar
from .base import Repo

_HOURS = ("weekdays", "day_start", "day_end", "minutes_per_day")


class CalendarService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.calendars = Repo(ws, WorkCalendar)
        self.exceptions = Repo(
            ws,
            CalendarException,
            order_by=(CalendarException.start_date, CalendarException.id),
        )

    # -- reading ------------------------------------------------------------------------

    def workspace_calendar(self) -> WorkCalendar | None:
        """The workspace's own calendar row (every file made by pmdesk 0.3 or later has one).

        SQLite's UNIQUE lets several rows have no product; pmdesk makes one, and of a
        file edited elsewhere that holds more, the lowest id is the workspace's calendar.
        """
        found = self.calendars.list(WorkCalendar.product_id.is_(None))
        return found[0] if found else None

    def product_calendar(self, product_id: int) -> WorkCalendar | None:
        """The product's own calendar, or None when it follows the workspace's."""
        found = self.calendars.list(WorkCalendar.product_id == product_id)
        return found[0] if found else None

    def calendar_for(self, product_id: int | None) -> WorkCalendar | None:
        """The row that applies to a product: its own, else the workspace's."""
        own = self.product_calendar(product_id) if product_id is not None else None
        return own or self.workspace_calendar()

    def exceptions_of(self, calendar_id: int) -> list[CalendarException]:
        return self.exceptions.list(CalendarException.calendar_id == calendar_id)

    def effective(self, product_id: int | None = None) -> WorkingCalendar:
        """The working calendar scheduling and the Gantt use for a product (or the workspace)."""
        with self.ws.read() as session:
            return working_calendar(fetcher(session.connection()), product_id)

    # -- writing ------------------------------------------------------------------------

    def update_calendar(self, calendar_id: int, **changes: Any) -> dict[str, Any]:
        """Change a calendar's name, weekdays or hours; returns the previous values."""
        if "product_id" in changes:
            raise ValidationError("product", "a calendar stays with its product")
        return self.calendars.update(calendar_id, **changes)

    def give_own_calendar(self, product_id: int) -> WorkCalendar:
        """A calendar of the product's own, starting as a copy of the workspace's (holidays too)."""
        if self.product_calendar(product_id) is not None:
            raise ValidationError("calendar", "this product already has a calendar of its own")
        base = self.workspace_calendar()
        hours = {k: getattr(base, k) for k in _HOURS} if base is not None else {}
        with self.ws.transaction() as uow:
            own = WorkCalendar(
                product_id=product_id, name=base.name if base else "Standard", **hours
            )
            uow.session.add(own)
            uow.session.flush()
            if base is not None:
                for day in uow.session.scalars(
                    sa.select(CalendarException).where(CalendarException.calendar_id == base.id)
                ):
                    uow.session.add(
                        CalendarException(
                            calendar_id=own.id,
                            name=day.name,
                            start_date=day.start_date,
                            end_date=day.end_date,
                            working=day.working,
                        )
                    )
        return own

    def add_exception(self, calendar_id: int, **fields: Any) -> CalendarException:
        if not self.calendars.count(WorkCalendar.id == calendar_id):
            raise NotFoundError("work_calendar", calendar_id)
        fields.setdefault("end_date", fields.get("start_date"))
        return self.exceptions.create(calendar_id=calendar_id, **fields)


def calendar_in(
    session: Session, product_id: int | None
) -> tuple[WorkCalendar | None, WorkingCalendar]:
    """Inside an open session: the product's own calendar row (None when it follows the
    workspace's) and the working calendar that applies to it.

    A file edited elsewhere may hold several workspace calendars: the first one counts.
    Exceptions apply in the order they were made (a later one wins on a shared day).
    """
    own = None
    if product_id is not None:
        own = session.scalars(
            sa.select(WorkCalendar).where(WorkCalendar.product_id == product_id)
        ).first()
    return own, working_calendar(fetcher(session.connection()), product_id)
