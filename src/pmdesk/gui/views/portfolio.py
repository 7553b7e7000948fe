"""Portfolio: every product with its stage, owner, roadmap size and next milestone."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QWidget

from pmdesk.core.changes import ChangeSet
from pmdesk.core.enums import ProductType, Stage
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.queries import RoadmapSummary, TableQuery, roadmap_summaries
from pmdesk.store.services import PortfolioService

from .base import BaseView
from .common import free_name, heading, quiet

_NONE = RoadmapSummary()


class CreateProductCommand(CreateCommand):
    """A product is created by the service, so its lifecycle timeline starts with it."""

    def __init__(self, service: PortfolioService, fields: dict[str, Any], text: str) -> None:
        super().__init__(service.products, fields, text)
        self.service = service

    def apply(self) -> None:
        if self._snapshot is None:
            self.entity_id = self.service.create_product(**self.fields).id
        else:  # redo after undo: the very same row (and stage period) comes back
            self.repo.restore(self._snapshot)


class PortfolioView(BaseView):
    needs_product = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.portfolio = ctx.service(PortfolioService)
        summaries = Lookup(lambda: roadmap_summaries(ctx.workspace), ("roadmap_item", "product"))
        self.model = EntityTableModel(
            ctx, self.portfolio.products, self._columns(summaries), parent=self
        )
        self.table = self.register(
            EntityTable(
                self.model,
                title="Products",
                noun=("product", "products"),
                create=self._new_product,
                edit_field="name",
                activate_field="name",
            )
        )
        self.table.rowActivated.connect(self.productActivated)
        self.title = heading()
        self.subtitle = quiet()
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.subtitle)
        self.content_layout.addLayout(top)
        self.content_layout.addWidget(self.table, 1)
        ctx.changed.connect(self._refresh_heading)
        self.model.set_query(TableQuery.where_equal(self.portfolio.products))
        self._refresh_heading()

    @staticmethod
    def _columns(summaries: Lookup) -> list[Column]:
        def summary(row: Any) -> RoadmapSummary:
            return summaries.get(row.id, _NONE)

        def milestone(row: Any) -> str:
            found = summary(row)
            if found.next_milestone_on is None:
                return ""
            return f"{found.next_milestone} · {found.next_milestone_on.isoformat()}"

        return [
            Column("name", "Product", width=22, header_tip="Double-click to open the product"),
            Column("stage", "Stage", Kind.ENUM, enum=Stage, width=13),
            Column("owner", "Owner", width=16),
            Column("product_type", "Type", Kind.ENUM, enum=ProductType, width=10),
            Column("segment", "Segment", width=18),
            computed(
                "items",
                "Roadmap items",
                lambda r: summary(r).items,
                kind=Kind.INT,
                lookups=(summaries,),
                width=10,
            ),
            computed(
                "next_milestone",
                "Next milestone",
                lambda r: summary(r).next_milestone_on,
                kind=Kind.DATE,
                display=milestone,
                lookups=(summaries,),
                width=26,
            ),
            Column(
                "elimination_flag",
                "Elimination",
                Kind.BOOL,
                width=9,
                header_tip="Flagged by hand as a candidate for elimination",
            ),
            Column("tagline", "Tagline", width=40),
        ]

    def _new_product(self) -> CreateProductCommand:
        name = free_name(self.portfolio.products, "New product")
        return CreateProductCommand(self.portfolio, {"name": name}, f"Add product “{name}”")

    def _refresh_heading(self, changes: ChangeSet | None = None) -> None:
        if changes is not None and not changes.touches("workspace_info", "product"):
            return
        info = self.portfolio.workspace_info()
        self.title.setText(f"Portfolio — {info.name}")
        count = self.model.total
        self.subtitle.setText(
            f"{count} product{'s' if count != 1 else ''}"
            + (f" · {info.organisation}" if info.organisation else "")
        )

    def load(self, product_id: int | None) -> None:
        if product_id is not None:
            self.table.select_id(product_id)
