"""Stakeholders: who they are, where they stand (power, interest, attitude), how to reach them.

A second tab holds the RACI assignments: who is Responsible, Accountable,
Consulted or Informed for each launch task, requirement or specification sign-off.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QWidget

from pmdesk.core.enums import Attitude, ContactFrequency, RaciActivity, RaciRole, Touchpoint
from pmdesk.core.errors import ValidationError
from pmdesk.core.stakeholders import quadrant
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import LaunchService, RequirementService, StakeholderService

from .base import BaseView
from .common import OVERDUE, create, heading, scoped, tabs, today

Target = tuple[str, int | None]


def _overdue(row: Any) -> str | None:
    return OVERDUE if row.next_contact is not None and row.next_contact < today() else None


def _next_contact_tip(row: Any) -> str | None:
    if row.next_contact is None:
        return None
    days = (row.next_contact - today()).days
    return f"Overdue by {-days} days" if days < 0 else f"In {days} days"


def stakeholder_columns() -> list[Column]:
    return [
        Column("name", "Name", width=18),
        Column("role", "Role", width=18),
        Column("organisation", "Organisation", width=14),
        Column(
            "department",
            "Department",
            suggestions=tuple(t.label for t in Touchpoint),
            width=16,
            header_tip="A usual touchpoint, or type your own",
        ),
        Column("attitude", "Attitude", Kind.ENUM, enum=Attitude, width=10),
        Column("power", "Power", Kind.FLOAT, minimum=0, maximum=10, decimals=1, width=6),
        Column("interest", "Interest", Kind.FLOAT, minimum=0, maximum=10, decimals=1, width=6),
        computed(
            "quadrant",
            "Quadrant",
            lambda r: quadrant(r.power, r.interest),
            kind=Kind.ENUM,
            width=14,
            header_tip="From power and interest (5 and above counts as high)",
        ),
        Column(
            "importance",
            "Importance",
            Kind.INT,
            minimum=1,
            maximum=5,
            width=7,
            header_tip="1 (low) to 5 (critical)",
        ),
        Column(
            "desired_power",
            "Desired power",
            Kind.FLOAT,
            minimum=0,
            maximum=10,
            decimals=1,
            nullable=True,
            width=9,
        ),
        Column(
            "desired_interest",
            "Desired interest",
            Kind.FLOAT,
            minimum=0,
            maximum=10,
            decimals=1,
            nullable=True,
            width=9,
        ),
        Column("comm_channel", "Channel", width=12),
        Column("comm_frequency", "Frequency", Kind.ENUM, enum=ContactFrequency, width=10),
        Column("comm_owner", "Contact owner", width=13),
        Column(
            "next_contact",
            "Next contact",
            Kind.DATE,
            nullable=True,
            foreground=_overdue,
            tooltip=_next_contact_tip,
            width=11,
        ),
        Column("email", "Email", width=20),
        Column("phone", "Phone", width=14),
    ]


def _target_of(row: Any) -> Target:
    return (row.activity.value, row.launch_task_id or row.requirement_id)


def _target_changes(value: Target | None, _row: Any) -> dict[str, Any]:
    if value is None:
        raise ValidationError("target", "choose what the assignment is for")
    activity, target_id = value
    return {
        "activity": activity,
        "launch_task_id": target_id if activity == RaciActivity.LAUNCH_TASK else None,
        "requirement_id": target_id if activity == RaciActivity.REQUIREMENT else None,
    }


class StakeholdersView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(StakeholderService)
        self.model = EntityTableModel(
            ctx, self.service.stakeholders, stakeholder_columns(), parent=self
        )
        self.table = self.register(
            EntityTable(
                self.model,
                noun=("stakeholder", "stakeholders"),
                create=self._new_stakeholder,
                edit_field="name",
            )
        )
        self.people = Lookup(self._people, ("stakeholder",))
        self.targets = Lookup(self._targets, ("launch_task", "requirement", "launch"))
        self.raci_model = EntityTableModel(
            ctx, self.service.raci, self._raci_columns(), name_of=self._raci_name, parent=self
        )
        self.raci_table = self.register(
            EntityTable(
                self.raci_model,
                noun=("assignment", "assignments"),
                create=self._new_assignment,
                edit_field="target",
            )
        )
        self.content_layout.addWidget(heading("Stakeholders"))
        self.tabs = tabs((self.table, "Stakeholders"), (self.raci_table, "RACI"))
        self.content_layout.addWidget(self.tabs, 1)

    def load(self, product_id: int | None) -> None:
        self.model.set_query(scoped(self.service.stakeholders, product_id))
        self.raci_model.set_query(scoped(self.service.raci, product_id))

    # -- RACI ---------------------------------------------------------------------------------

    def _raci_columns(self) -> list[Column]:
        return [
            Column("stakeholder_id", "Stakeholder", Kind.CHOICE, choices=self.people, width=20),
            Column("role", "Role", Kind.ENUM, enum=RaciRole, width=12),
            computed("activity", "Activity", lambda r: r.activity, kind=Kind.ENUM, width=18),
            Column(
                "target",
                "For",
                Kind.CHOICE,
                choices=self.targets,
                value=_target_of,
                to_changes=_target_changes,
                width=44,
                header_tip="The launch task, requirement or sign-off the assignment is for",
            ),
        ]

    def _raci_name(self, row: Any) -> str:
        return str(self.people.get(row.stakeholder_id, "assignment"))

    def _people(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        query = TableQuery.where_equal(self.service.stakeholders, product_id=self.product_id)
        return query.labels("name")

    def _targets(self) -> dict[Target, str]:
        found: dict[Target, str] = {
            (RaciActivity.SPEC_SIGNOFF.value, None): "Specification sign-off"
        }
        if self.product_id is None:
            return found
        for task in self.ctx.service(LaunchService).tasks_of_product(self.product_id):
            found[(RaciActivity.LAUNCH_TASK.value, task.id)] = f"Launch task: {task.title}"
        for req in self.ctx.service(RequirementService).requirements_of(self.product_id):
            label = f"{req.ref} {req.title}".strip()
            found[(RaciActivity.REQUIREMENT.value, req.id)] = f"Requirement: {label}"
        return found

    # -- adding -------------------------------------------------------------------------------

    def _new_stakeholder(self):
        return create(
            self.service.stakeholders,
            "Add stakeholder",
            product_id=self.product_id,
            name="New stakeholder",
            next_contact=today() + dt.timedelta(days=14),
        )

    def _new_assignment(self):
        people = list(self.people.data)
        if not people:
            raise ValidationError("stakeholder", "add a stakeholder first, then assign them")
        chosen = self.table.current_id()
        return create(
            self.service.raci,
            "Add RACI assignment",
            product_id=self.product_id,
            stakeholder_id=chosen if chosen in people else people[0],
            activity=RaciActivity.SPEC_SIGNOFF,
            role=RaciRole.RESPONSIBLE,
        )
