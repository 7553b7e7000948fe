"""Stakeholders, the trail of their positions, contacts, and RACI assignments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from pmdesk.core.communication import assign_role, next_contact_after
from pmdesk.core.enums import LaunchFunction, RaciActivity, RaciRole
from pmdesk.core.errors import ValidationError
from pmdesk.core.stakeholders import snap

from ..models import (
    Launch,
    LaunchTask,
    RaciAssignment,
    Requirement,
    Stakeholder,
    StakeholderPosition,
)
from .base import Repo

_POSITION_FIELDS = ("power", "interest", "attitude")

# An activity of the RACI matrix: (activity, launch task or requirement id, or None).
RaciKey = tuple[RaciActivity, int | None]


def _moved(previous: dict[str, Any]) -> bool:
    return any(name in previous for name in _POSITION_FIELDS)


def _record_position(uow, stakeholder: Stakeholder, previous: dict[str, Any]) -> None:
    """Every new stakeholder and every move on the map leaves a dated point on their trail.

    An undone move takes its point away with it: the point is part of the move's journal.
    """
    if previous and not _moved(previous):
        return
    uow.session.add(
        StakeholderPosition(
            stakeholder_id=stakeholder.id,
            power=stakeholder.power,
            interest=stakeholder.interest,
            attitude=stakeholder.attitude,
        )
    )


class StakeholderRepo(Repo[Stakeholder]):
    """Stakeholder rows whose moves are recorded on their trail."""

    def __init__(self, ws) -> None:
        super().__init__(
            ws, Stakeholder, order_by=(Stakeholder.name,), after_write=_record_position
        )


@dataclass(frozen=True)
class ActivityRow:
    """One row of the RACI matrix: what it is for, and how a person reads it."""

    key: RaciKey
    label: str
    group: str


@dataclass(frozen=True)
class RaciEdit:
    """One activity's assignments before and after a cell edit."""

    product_id: int
    key: RaciKey
    before: tuple[dict[str, Any], ...]
    after: tuple[dict[str, Any], ...]


def _target_fields(key: RaciKey) -> dict[str, Any]:
    activity, target = key
    return {
        "activity": activity,
        "launch_task_id": target if activity is RaciActivity.LAUNCH_TASK else None,
        "requirement_id": target if activity is RaciActivity.REQUIREMENT else None,
    }


def raci_key(row: RaciAssignment) -> RaciKey:
    return (RaciActivity(row.activity), row.launch_task_id or row.requirement_id)


class StakeholderService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.stakeholders = StakeholderRepo(ws)
        self.positions = Repo(
            ws,
            StakeholderPosition,
            order_by=(StakeholderPosition.recorded_at, StakeholderPosition.id),
        )
        self.raci = Repo(ws, RaciAssignment)

    def stakeholders_of(self, product_id: int) -> list[Stakeholder]:
        return self.stakeholders.list(Stakeholder.product_id == product_id)

    def stakeholders_by_ids(self, ids) -> list[Stakeholder]:
        """Just these rows (those that still exist): what a view refetches after a change."""
        return self.stakeholders.list(Stakeholder.id.in_(list(ids))) if ids else []

    def history(self, stakeholder_id: int) -> list[StakeholderPosition]:
        return self.positions.list(StakeholderPosition.stakeholder_id == stakeholder_id)

    def histories_of(self, product_id: int) -> dict[int, list[StakeholderPosition]]:
        """Every trail of the product's stakeholders in one query, oldest point first."""
        people = sa.select(Stakeholder.id).where(Stakeholder.product_id == product_id)
        trails: dict[int, list[StakeholderPosition]] = {}
        for point in self.positions.list(StakeholderPosition.stakeholder_id.in_(people)):
            trails.setdefault(point.stakeholder_id, []).append(point)
        return trails

    # -- the map ---------------------------------------------------------------------------

    def move(self, stakeholder_id: int, power: float, interest: float) -> dict[str, Any]:
        """Put a stakeholder where they were dropped (one decimal, inside the grid).

        Returns the previous values; the move's journal undoes it, trail point and all.
        """
        return self.stakeholders.update(stakeholder_id, power=snap(power), interest=snap(interest))

    # -- contacts ----------------------------------------------------------------------------

    def mark_contact_done(self, stakeholder_id: int, on: dt.date) -> dict[str, Any]:
        """Record a contact made ``on`` that day; the next one follows from the frequency.

        One update, so one undo step; returns the previous values.
        """
        person = self.stakeholders.get(stakeholder_id)
        following = next_contact_after(on, person.comm_frequency)
        return self.stakeholders.update(stakeholder_id, last_contact=on, next_contact=following)

    # -- RACI ----------------------------------------------------------------------------------

    def raci_of(self, product_id: int) -> list[RaciAssignment]:
        return self.raci.list(RaciAssignment.product_id == product_id)

    def raci_row(self, product_id: int, key: RaciKey) -> list[RaciAssignment]:
        fields = _target_fields(key)
        return self.raci.list(
            RaciAssignment.product_id == product_id,
            *(getattr(RaciAssignment, name) == value for name, value in fields.items()),
            order_by=(RaciAssignment.id,),
        )

    def set_raci(
        self, product_id: int, key: RaciKey, stakeholder_id: int, role: RaciRole | str | None
    ) -> RaciEdit:
        """Give a stakeholder a role on an activity (None clears it), in one step.

        Giving A moves the activity's Accountable to this person: there is never
        more than one. Returns the row before and after.
        """
        role = None if role in (None, "") else RaciRole.from_label(str(role))
        self._check_scope(product_id, key, stakeholder_id)
        before = self.raci_row(product_id, key)
        current = {row.stakeholder_id: RaciRole(row.role) for row in before}
        wanted = assign_role(current, stakeholder_id, role)
        kept = {row.stakeholder_id: row for row in before}
        after: list[dict[str, Any]] = []
        for person, given in wanted.items():
            existing = kept.get(person)
            if existing is not None:
                after.append(existing.to_dict() | {"role": given})
            else:
                after.append(
                    {
                        "product_id": product_id,
                        "stakeholder_id": person,
                        "role": given,
                        **_target_fields(key),
                    }
                )
        edit = RaciEdit(product_id, key, tuple(r.to_dict() for r in before), tuple(after))
        if current != wanted:
            self.replace_raci_row(product_id, key, edit.after)
            after_rows = self.raci_row(product_id, key)
            edit = RaciEdit(product_id, key, edit.before, tuple(r.to_dict() for r in after_rows))
        return edit

    def replace_raci_row(
        self, product_id: int, key: RaciKey, rows: tuple[dict[str, Any], ...]
    ) -> None:
        """Make an activity's assignments exactly ``rows`` (same ids where given)."""
        fields = _target_fields(key)
        with self.ws.transaction() as uow:
            current = {
                row.id: row
                for row in uow.session.scalars(
                    sa.select(RaciAssignment).where(
                        RaciAssignment.product_id == product_id,
                        *(getattr(RaciAssignment, n) == v for n, v in fields.items()),
                    )
                )
            }

            def same(row: RaciAssignment, values: dict[str, Any]) -> bool:
                return row.stakeholder_id == values["stakeholder_id"] and RaciRole(
                    row.role
                ) is RaciRole(values["role"])

            # Ids are reused by SQLite, so a row counts as kept only if it is the same cell.
            kept = {
                values["id"]
                for values in rows
                if values.get("id") in current and same(current[values["id"]], values)
            }
            for row_id, row in current.items():
                if row_id not in kept:
                    uow.session.delete(row)
            uow.session.flush()
            for values in rows:
                if values.get("id") not in kept:
                    clean = {k: v for k, v in values.items() if k != "row_version"}
                    uow.session.add(RaciAssignment(**clean))

    def _check_scope(self, product_id: int, key: RaciKey, stakeholder_id: int) -> None:
        """The person and the activity must both belong to the product."""
        activity, target = key
        with self.ws.read() as session:
            person = session.get(Stakeholder, stakeholder_id)
            if person is None or person.product_id != product_id:
                raise ValidationError("stakeholder", "is not a stakeholder of this product")
            if activity is RaciActivity.LAUNCH_TASK:
                owner = session.scalar(
                    sa.select(Launch.product_id)
                    .join(LaunchTask, LaunchTask.launch_id == Launch.id)
                    .where(LaunchTask.id == target)
                )
            elif activity is RaciActivity.REQUIREMENT:
                owner = session.scalar(
                    sa.select(Requirement.product_id).where(Requirement.id == target)
                )
            else:
                owner = product_id if target is None else None
            if owner != product_id:
                raise ValidationError("activity", "is not an activity of this product")

    def raci_activities(
        self, product_id: int, extra_requirements: tuple[int, ...] = ()
    ) -> list[ActivityRow]:
        """The matrix rows: specification sign-off, every launch task, the chosen requirements.

        A requirement is chosen once someone has a role on it, or while the
        person has just added it as a row (``extra_requirements``).
        """
        rows = [
            ActivityRow((RaciActivity.SPEC_SIGNOFF, None), "Specification sign-off", "Sign-off")
        ]
        with self.ws.read() as session:
            tasks = session.execute(
                sa.select(LaunchTask, Launch.name)
                .join(Launch, LaunchTask.launch_id == Launch.id)
                .where(Launch.product_id == product_id)
            ).all()
            functions = list(LaunchFunction)
            tasks.sort(
                key=lambda pair: (
                    pair[1],
                    functions.index(pair[0].function),
                    pair[0].position,
                    pair[0].id,
                )
            )
            for task, launch_name in tasks:
                group = f"{launch_name} · {LaunchFunction(task.function).label}"
                rows.append(ActivityRow((RaciActivity.LAUNCH_TASK, task.id), task.title, group))
            assigned = sa.select(RaciAssignment.requirement_id).where(
                RaciAssignment.product_id == product_id,
                RaciAssignment.requirement_id.is_not(None),
            )
            chosen = session.scalars(
                sa.select(Requirement)
                .where(Requirement.product_id == product_id)
                .where(
                    sa.or_(
                        Requirement.id.in_(assigned), Requirement.id.in_(list(extra_requirements))
                    )
                )
                .order_by(Requirement.sort_order, Requirement.id)
            )
            for req in chosen:
                label = f"{req.ref} {req.title}".strip()
                rows.append(ActivityRow((RaciActivity.REQUIREMENT, req.id), label, "Requirement"))
        return rows

    def requirement_choices(self, product_id: int) -> list[tuple[int, str]]:
        """Requirements that could become RACI rows: (id, "ref title"), in their order."""
        with self.ws.read() as session:
            found = session.scalars(
                sa.select(Requirement)
                .where(Requirement.product_id == product_id)
                .order_by(Requirement.sort_order, Requirement.id)
            )
            return [(req.id, f"{req.ref} {req.title}".strip()) for req in found]
