"""One export in progress: the workspace, the product, the options and the paper.

Every document module receives a Job and returns a :class:`Document` (its
story and how to lay it out); ``export_pdf`` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from reportlab.platypus import Flowable

from pmdesk.core.errors import PmdeskError
from pmdesk.store.models import Product
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

from .options import PdfOptions, Progress
from .template import DocumentInfo
from .theme import SPACING

S = TypeVar("S")


@dataclass
class Document:
    """A story ready for the page template."""

    story: list[Flowable]
    cover: bool = False
    bare: bool = False
    page: tuple[float, float] | None = None  # overrides the job's page size (posters)


@dataclass
class Job:
    ws: Workspace
    options: PdfOptions
    progress: Progress
    product: Product | None
    page: tuple[float, float]
    info: DocumentInfo = field(init=False)

    def service(self, cls: type[S]) -> S:
        return self.ws.service(cls)

    @property
    def subject(self) -> Product:
        """The product a product's document is about (every kind but the portfolio's)."""
        if self.product is None:
            raise PmdeskError("This document is about a product; choose one to export")
        return self.product

    @property
    def width(self) -> float:
        """Usable width of a body page (between the margins)."""
        return self.page[0] - 2 * SPACING.margin

    @property
    def height(self) -> float:
        return self.page[1] - 2 * SPACING.margin - 12

    @property
    def wide_width(self) -> float:
        return max(self.page) - 2 * SPACING.margin

    @property
    def wide_height(self) -> float:
        return min(self.page) - 2 * SPACING.margin - 12

    def describe(self, kind_label: str) -> DocumentInfo:
        """Header, footer and metadata facts for this export."""
        portfolio = self.service(PortfolioService).workspace_info()
        product = self.product
        label = self.options.confidentiality
        if label is None:
            label = product.confidentiality if product is not None else ""
        author = self.options.author
        if author is None:
            author = (product.owner if product is not None else "") or portfolio.organisation
        self.info = DocumentInfo(
            kind_label=kind_label,
            subject_name=product.name if product is not None else portfolio.name,
            author=author,
            organisation=portfolio.organisation,
            confidentiality=label.strip(),
            generated=self.options.on(),
            keywords=f"pmdesk, {kind_label}",
            stamp=self.options.stamp,
        )
        return self.info
