"""Launch plans: positioning, key messages and the readiness checklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pmdesk.core.enums import LaunchFunction, TaskStatus
from pmdesk.core.errors import NotFoundError
from pmdesk.core.launch import (
    Readiness,
    TaskFacts,
    is_overdue,
    launch_passed_with_open_tasks,
    parse_due,
    readiness,
)
from pmdesk.core.templates import launch_checklist
from pmdesk.core.working_calendar import day_off

from ..models import Launch, LaunchMessage, LaunchTask
from ..plain import fetcher
from ..roadmap_rows import LaneTask, launch_lane
from .base import Repo
from .calendar import CalendarService


@dataclass(frozen=True)
class LaunchReadiness:
    """The figures of the readiness summary: share done, what is late, whether it is flagged."""

    overall: Readiness
    per_function: dict[LaunchFunction, Readiness]
    overdue_ids: frozenset[int]
    # The launch date has passed and tasks are still open: the plan needs attention.
    passed_with_open: bool
    # The product's working calendar: why the launch date is a day off ("Christmas Day",
    # "a Saturday"), or "" when it is worked; open tasks that fall due on a day off.
    launch_day_off: str = ""
    due_on_days_off: frozenset[int] = frozenset()


def _follow_launch_date(uow, launch: Launch, previous: dict[str, Any]) -> None:
    """Tasks due relative to the launch ("L-30") move with it, in the same step."""
    if "launch_date" not in previous:
        return
    tasks = uow.session.scalars(
        sa.select(LaunchTask).where(
            LaunchTask.launch_id == launch.id, LaunchTask.due_offset_days.is_not(None)
        )
    )
    for task in tasks:
        task.due_date = launch.launch_date + dt.timedelta(days=task.due_offset_days)


class LaunchService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.launches = Repo(
            ws, Launch, order_by=(Launch.launch_date,), after_write=_follow_launch_date
        )
        self.messages = Repo(ws, LaunchMessage, order_by=(LaunchMessage.position, LaunchMessage.id))
        self.tasks = Repo(
            ws, LaunchTask, order_by=(LaunchTask.function, LaunchTask.position, LaunchTask.id)
        )

    def launches_of(self, product_id: int) -> list[Launch]:
        return self.launches.list(Launch.product_id == product_id)

    def messages_of(self, launch_id: int) -> list[LaunchMessage]:
        return self.messages.list(LaunchMessage.launch_id == launch_id)

    def tasks_of(self, launch_id: int) -> list[LaunchTask]:
        return self.tasks.list(LaunchTask.launch_id == launch_id)

    def tasks_of_product(self, product_id: int) -> list[LaunchTask]:
        launches = sa.select(Launch.id).where(Launch.product_id == product_id)
        return self.tasks.list(LaunchTask.launch_id.in_(launches))

    # -- one-step operations -------------------------------------------------------------

    def create_launch(
        self,
        product_id: int,
        name: str,
        launch_date: dt.date | str,
        tier: int = 2,
        *,
        with_checklist: bool = True,
    ) -> Launch:
        """A launch and, if asked, its tier's default checklist, in one transaction."""
        if not with_checklist:
            return self.launches.create(
                product_id=product_id, name=name, launch_date=launch_date, tier=tier
            )
        fields = self.launches.clean(
            {"product_id": product_id, "name": name, "launch_date": launch_date, "tier": tier}
        )
        full = self.launches._defaults() | fields  # noqa: SLF001 - the repo's own rules
        self.launches._validate(full)  # noqa: SLF001
        with self.ws.transaction() as uow:
            launch = Launch(**full)
            uow.session.add(launch)
            uow.session.flush()
            self._add_tasks(uow, launch, launch.tier)
        return launch

    def add_checklist(self, launch_id: int, tier: int | None = None) -> list[int]:
        """The default checklist of ``tier`` (else the launch's own) added in one step.

        Tasks are due relative to the launch, so they follow its date from then on.
        Returns the new task ids (undo deletes exactly those).
        """
        with self.ws.transaction() as uow:
            launch = uow.session.get(Launch, launch_id)
            if launch is None:
                raise NotFoundError("launch", launch_id)
            tasks = self._add_tasks(uow, launch, tier or launch.tier)
            return [task.id for task in tasks]

    @staticmethod
    def _add_tasks(uow, launch: Launch, tier: int) -> list[LaunchTask]:
        start = (
            uow.session.scalar(
                sa.select(sa.func.coalesce(sa.func.max(LaunchTask.position), -1)).where(
                    LaunchTask.launch_id == launch.id
                )
            )
            + 1
        )
        tasks = [
            LaunchTask(
                launch_id=launch.id,
                function=task.function,
                title=task.title,
                due_offset_days=task.offset_days,
                status=TaskStatus.TODO,
                due_date=launch.launch_date + dt.timedelta(days=task.offset_days),
                position=start + number,
            )
            for number, task in enumerate(launch_checklist(tier))
        ]
        uow.session.add_all(tasks)
        uow.session.flush()
        return tasks

    def due_changes(self, task_id: int, text: str) -> dict[str, Any]:
        """The fields a typed due date writes: "L−30" (follows the launch) or "2025-03-01"."""
        task = self.tasks.get(task_id)
        launch = self.launches.get(task.launch_id)
        due, offset = parse_due(text, launch.launch_date)
        return {"due_date": due, "due_offset_days": offset}

    # -- figures -----------------------------------------------------------------------------

    def readiness_of(self, launch_id: int, today: dt.date | None = None) -> LaunchReadiness:
        """Share of tasks done overall and per function, overdue tasks, and the past-launch flag."""
        today = today or dt.date.today()
        launch = self.launches.get(launch_id)
        rows = self.tasks_of(launch_id)
        facts = {row.id: TaskFacts(row.function, row.status, row.due_date) for row in rows}
        overall, per_function = readiness(facts.values())
        ordered = {f: per_function[f] for f in LaunchFunction if f in per_function}
        overdue = frozenset(i for i, fact in facts.items() if is_overdue(fact, today))
        flagged = launch_passed_with_open_tasks(launch.launch_date, facts.values(), today)
        calendar = self.ws.service(CalendarService).effective(launch.product_id)
        off_days = frozenset(
            i
            for i, fact in facts.items()
            if fact.due is not None
            and fact.status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
            and not calendar.is_working_date(fact.due)
        )
        return LaunchReadiness(
            overall, ordered, overdue, flagged, day_off(calendar, launch.launch_date), off_days
        )

    def launch_lane(self, product_id: int) -> list[LaneTask]:
        """Every launch task of the product with its due date, for the roadmap's "Launch" lane
        (read as the roadmap reads it: :func:`pmdesk.store.roadmap_rows.launch_lane`)."""
        with self.ws.read() as session:
            return launch_lane(fetcher(session.connection()), product_id)
