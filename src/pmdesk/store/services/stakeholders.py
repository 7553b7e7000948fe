"""Stakeholders, the trail of their positions, and RACI assignments."""

from __future__ import annotations

from typing import Any

from ..models import RaciAssignment, Stakeholder, StakeholderPosition
from .base import Repo

_POSITION_FIELDS = ("power", "interest", "attitude")


def _record_position(uow, stakeholder: Stakeholder, previous: dict[str, Any]) -> None:
    """Every new stakeholder and every move on the map leaves a dated point on their trail."""
    if previous and not any(name in previous for name in _POSITION_FIELDS):
        return
    uow.session.add(
        StakeholderPosition(
            stakeholder_id=stakeholder.id,
            power=stakeholder.power,
            interest=stakeholder.interest,
            attitude=stakeholder.attitude,
        )
    )


class StakeholderService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.stakeholders = Repo(
            ws, Stakeholder, order_by=(Stakeholder.name,), after_write=_record_position
        )
        self.positions = Repo(
            ws, StakeholderPosition,
            order_by=(StakeholderPosition.recorded_at, StakeholderPosition.id),
        )
        self.raci = Repo(ws, RaciAssignment)

    def stakeholders_of(self, product_id: int) -> list[Stakeholder]:
        return self.stakeholders.list(Stakeholder.product_id == product_id)

    def history(self, stakeholder_id: int) -> list[StakeholderPosition]:
        return self.positions.list(StakeholderPosition.stakeholder_id == stakeholder_id)

    def raci_of(self, product_id: int) -> list[RaciAssignment]:
        return self.raci.list(RaciAssignment.product_id == product_id)
