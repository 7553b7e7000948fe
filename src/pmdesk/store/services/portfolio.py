"""Products, the workspace's own details, risks and the specification's revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from pmdesk.core.errors import ValidationError

from ..models import Product, Risk, SpecRevision, StagePeriod, WorkspaceInfo
from ..portfolio_rows import PortfolioQueries, ProductOverview
from .base import Repo

# Where the presenter view keeps its speaker notes in WorkspaceInfo.settings: view key -> text.
NOTES_KEY = "speaker_notes"


def _track_stage(uow, product: Product, previous: dict[str, Any]) -> None:
    """Keep the lifecycle timeline in step with the product's stage.

    A new product enters its stage today. A stage change closes the open period
    and opens one for the new stage; a period entered and left on the same day
    (two changes in one day) is removed rather than kept as a zero-day stay.
    """
    if previous and "stage" not in previous:
        return
    today = dt.date.today()
    session = uow.session
    open_periods = session.scalars(
        sa.select(StagePeriod).where(
            StagePeriod.product_id == product.id, StagePeriod.left_on.is_(None)
        )
    ).all()
    for period in open_periods:
        if period.entered_on >= today:
            session.delete(period)
        else:
            period.left_on = today
    session.add(StagePeriod(product_id=product.id, stage=product.stage, entered_on=today))


class PortfolioService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.info = Repo(ws, WorkspaceInfo)
        self.products = Repo(
            ws, Product, order_by=(Product.sort_order, Product.name), after_write=_track_stage
        )
        self.risks = Repo(ws, Risk, order_by=(Risk.product_id, Risk.id))
        self.revisions = Repo(ws, SpecRevision, order_by=(SpecRevision.revised_on,))

    def workspace_info(self) -> WorkspaceInfo:
        return self.info.get(1)

    def speaker_notes(self) -> dict[str, str]:
        """The presenter's notes per view key, kept in the workspace's settings."""
        notes = (self.workspace_info().settings or {}).get(NOTES_KEY, {})
        if not isinstance(notes, dict):
            return {}
        return {str(key): text for key, text in notes.items() if isinstance(text, str)}

    def list_products(self) -> list[Product]:
        return self.products.list()

    def product_by_name(self, name: str) -> Product:
        wanted = name.strip().casefold()
        for product in self.list_products():
            if product.name.casefold() == wanted:
                return product
        names = ", ".join(p.name for p in self.list_products()) or "none"
        raise ValidationError("product", f"no product named {name!r} (products: {names})")

    def create_product(self, **fields: Any) -> Product:
        """A new product; its lifecycle timeline starts in its stage today."""
        name = str(fields.get("name", "")).strip()
        if name and self.products.count(sa.func.lower(Product.name) == name.lower()):
            raise ValidationError("name", f"a product named {name!r} already exists")
        return self.products.create(**fields)

    def risks_of(self, product_id: int) -> list[Risk]:
        return self.risks.list(Risk.product_id == product_id)

    def revisions_of(self, product_id: int) -> list[SpecRevision]:
        return self.revisions.list(SpecRevision.product_id == product_id)


# -- the portfolio at a glance ----------------------------------------------------------------


def portfolio_overview(ws, today: dt.date | None = None) -> list[ProductOverview]:
    """Every product with its stage, health, revenue series, flags and next milestone
    (:func:`pmdesk.store.portfolio_rows.overview`)."""
    return PortfolioQueries(ws).overview(today)
