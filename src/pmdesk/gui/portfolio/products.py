"""The editable product table ("Edit products"): its columns and the undoable "add product"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmdesk.core.enums import ProductType, Stage
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.widgets.columns import Column, Kind

if TYPE_CHECKING:
    from pmdesk.store.services import PortfolioService


class CreateProductCommand(CreateCommand):
    """A product is created by the service, so its lifecycle timeline starts with it."""

    def __init__(self, service: PortfolioService, fields: dict[str, Any], text: str) -> None:
        super().__init__(service.products, fields, text)
        self.service = service

    def apply(self) -> None:
        self.entity_id = self.service.create_product(**self.fields).id


def product_columns() -> list[Column]:
    """Every field the overview does not edit, names whole on a laptop's width.

    Roadmap size and next milestone are on the overview already; the stage is changed
    through a gate review only (in Lifecycle, or by dragging a card on the board).
    """
    return [
        Column("name", "Product", width=28, header_tip="Double-click to open the product"),
        Column(
            "stage",
            "Stage",
            Kind.ENUM,
            enum=Stage,
            width=13,
            editable=False,
            header_tip="Change the stage through a gate review (Lifecycle, or drag on the board)",
        ),
        Column("owner", "Owner", width=16),
        Column("product_type", "Type", Kind.ENUM, enum=ProductType, width=10),
        Column("segment", "Segment", width=18),
        Column(
            "elimination_flag",
            "Elimination",
            Kind.BOOL,
            width=9,
            header_tip="Flagged by hand as a candidate for elimination",
        ),
        Column("tagline", "Tagline", width=40),
    ]
