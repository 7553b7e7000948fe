"""Requirements and user stories, the customers behind them, and their roadmap links."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from pmdesk.core.enums import MoSCoW, RequirementStatus
from pmdesk.core.requirements import revenue_at_stake, similar_titles
from pmdesk.core.scoring import rice_or_none

from ..models import Requirement, RequirementCustomer, RequirementItemLink, RoadmapItem
from .base import Repo


@dataclass(frozen=True)
class ChartPoint:
    """One requirement on the value-versus-effort chart."""

    id: int
    ref: str
    title: str
    value: float  # reach x impact x confidence
    effort: float
    score: float
    moscow: MoSCoW


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
        """requirement id -> (customers, revenue at stake added up across them).

        Added up by ``core.requirements.revenue_at_stake``, the same rule the editor shows.
        """
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(
                    RequirementCustomer.requirement_id,
                    RequirementCustomer.customer,
                    RequirementCustomer.revenue,
                )
                .join(Requirement)
                .where(Requirement.product_id == product_id)
            ).all()
        grouped: dict[int, list[tuple[str, float]]] = {}
        for rid, customer, revenue in rows:
            grouped.setdefault(rid, []).append((customer, revenue))
        return {rid: revenue_at_stake(pairs) for rid, pairs in grouped.items()}

    def linked_items(self, requirement_id: int) -> list[int]:
        with self.ws.read() as session:
            return list(
                session.scalars(
                    sa.select(RequirementItemLink.item_id).where(
                        RequirementItemLink.requirement_id == requirement_id
                    )
                )
            )

    def link(self, requirement_id: int, item_id: int) -> None:
        with self.ws.transaction() as uow:
            uow.session.merge(RequirementItemLink(requirement_id=requirement_id, item_id=item_id))
            uow.record("requirement_item_link", "insert", [(requirement_id, item_id)])

    def unlink(self, requirement_id: int, item_id: int) -> None:
        with self.ws.transaction() as uow:
            uow.delete("requirement_item_link", [(requirement_id, item_id)])

    def linked_requirements(self, item_id: int) -> list[int]:
        """The requirements a roadmap item delivers (the other way round from linked_items)."""
        with self.ws.read() as session:
            return list(
                session.scalars(
                    sa.select(RequirementItemLink.requirement_id)
                    .where(RequirementItemLink.item_id == item_id)
                    .order_by(RequirementItemLink.requirement_id)
                )
            )

    def item_names(self, product_id: int) -> dict[int, str]:
        """The product's roadmap items a requirement can link to: id -> name, by start date."""
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(RoadmapItem.id, RoadmapItem.name)
                .where(RoadmapItem.product_id == product_id)
                .order_by(RoadmapItem.start_date, RoadmapItem.id)
            ).all()
        return {item_id: name for item_id, name in rows}

    def link_counts(self, product_id: int) -> dict[int, int]:
        """requirement id -> how many roadmap items deliver it (for the table)."""
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(RequirementItemLink.requirement_id, sa.func.count())
                .join(Requirement)
                .where(Requirement.product_id == product_id)
                .group_by(RequirementItemLink.requirement_id)
            ).all()
        return dict(rows)

    def possible_duplicates(
        self, product_id: int, title: str, exclude_id: int | None = None
    ) -> list[tuple[int, str, float]]:
        """Requirements of the product whose titles are close to ``title``, best first."""
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(Requirement.id, Requirement.title).where(
                    Requirement.product_id == product_id, Requirement.id != (exclude_id or -1)
                )
            ).all()
        return similar_titles(title, [(rid, text) for rid, text in rows])

    def chart_points(self, product_id: int) -> list[ChartPoint]:
        """Every scorable requirement of the product as (value, effort), rejected ones left out."""
        points = []
        for row in self.requirements_of(product_id):
            score = rice_or_none(row.reach, row.impact, row.confidence, row.effort)
            if score is None or row.status is RequirementStatus.REJECTED:
                continue
            points.append(
                ChartPoint(
                    row.id, row.ref, row.title, score.value, score.effort, score.score, row.moscow
                )
            )
        return points
