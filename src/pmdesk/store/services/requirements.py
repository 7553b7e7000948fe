"""Requirements and user stories, the customers behind them, and their roadmap links."""

from __future__ import annotations

import sqlalchemy as sa

from ..models import Requirement, RequirementCustomer, RequirementItemLink
from .base import Repo


class RequirementService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.requirements = Repo(ws, Requirement, order_by=(Requirement.sort_order, Requirement.id))
        self.customers = Repo(ws, RequirementCustomer, order_by=(RequirementCustomer.customer,))

    def requirements_of(self, product_id: int) -> list[Requirement]:
        return self.requirements.list(Requirement.product_id == product_id)

    def customers_of(self, requirement_id: int) -> list[RequirementCustomer]:
        return self.customers.list(RequirementCustomer.requirement_id == requirement_id)

    def revenue_by_requirement(self, product_id: int) -> dict[int, tuple[int, float]]:
        """requirement id -> (number of customers, revenue at stake added up)."""
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(
                    RequirementCustomer.requirement_id,
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(RequirementCustomer.revenue), 0.0),
                )
                .join(Requirement)
                .where(Requirement.product_id == product_id)
                .group_by(RequirementCustomer.requirement_id)
            ).all()
        return {rid: (count, float(total)) for rid, count, total in rows}

    def linked_items(self, requirement_id: int) -> list[int]:
        with self.ws.read() as session:
            return list(session.scalars(
                sa.select(RequirementItemLink.item_id)
                .where(RequirementItemLink.requirement_id == requirement_id)
            ))

    def link(self, requirement_id: int, item_id: int) -> None:
        with self.ws.transaction() as uow:
            uow.session.merge(RequirementItemLink(requirement_id=requirement_id, item_id=item_id))
            uow.record("requirement_item_link", "insert", [(requirement_id, item_id)])

    def unlink(self, requirement_id: int, item_id: int) -> None:
        with self.ws.transaction() as uow:
            uow.session.execute(sa.delete(RequirementItemLink).where(
                RequirementItemLink.requirement_id == requirement_id,
                RequirementItemLink.item_id == item_id))
            uow.record("requirement_item_link", "delete", [(requirement_id, item_id)])
