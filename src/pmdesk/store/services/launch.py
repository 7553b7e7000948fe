"""Launch plans: positioning, key messages and the readiness checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from ..models import Launch, LaunchMessage, LaunchTask
from .base import Repo


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
        self.launches = Repo(ws, Launch, order_by=(Launch.launch_date,),
                             after_write=_follow_launch_date)
        self.messages = Repo(ws, LaunchMessage, order_by=(LaunchMessage.position, LaunchMessage.id))
        self.tasks = Repo(ws, LaunchTask, order_by=(LaunchTask.function, LaunchTask.position,
                                                    LaunchTask.id))

    def launches_of(self, product_id: int) -> list[Launch]:
        return self.launches.list(Launch.product_id == product_id)

    def messages_of(self, launch_id: int) -> list[LaunchMessage]:
        return self.messages.list(LaunchMessage.launch_id == launch_id)

    def tasks_of(self, launch_id: int) -> list[LaunchTask]:
        return self.tasks.list(LaunchTask.launch_id == launch_id)

    def tasks_of_product(self, product_id: int) -> list[LaunchTask]:
        launches = sa.select(Launch.id).where(Launch.product_id == product_id)
        return self.tasks.list(LaunchTask.launch_id.in_(launches))
