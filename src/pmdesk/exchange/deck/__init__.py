"""PowerPoint decks a person can edit: native shapes, text, tables and charts, never pictures.

``export_deck(workspace, output, product_id=..., slides=...)`` writes a 16:9 deck
in the house look (:mod:`.base`). ``SLIDES`` names every slide kind a person can
pick, in the order they appear; a product's slides need a product, the
portfolio's do not. The file appears only when complete (written beside the
target and renamed), so a cancelled or failed export leaves nothing behind.
Speaker notes come from the presenter view's notes for the matching view.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.output import ExportCancelled, Progress, write_atomically
from pmdesk.store.models import Product
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

from .base import Deck, Footer

S = TypeVar("S")

__all__ = [
    "PORTFOLIO_DEFAULT",
    "PRODUCT_DEFAULT",
    "SLIDES",
    "DeckJob",
    "ExportCancelled",
    "SlideKind",
    "export_deck",
    "slide_keys",
]


@dataclass(frozen=True)
class SlideKind:
    """One kind of slide: its label, whether it is about a product, and who draws it.

    ``builder`` is "module:function" under ``pmdesk.exchange.deck``; the function
    takes ``(deck, job)`` and adds one or more slides. ``view`` is the view whose
    speaker notes go with it.
    """

    label: str
    needs_product: bool
    builder: str
    view: str

    def build(self, deck: Deck, job: DeckJob) -> None:
        module_name, function = self.builder.split(":")
        module = importlib.import_module(f"pmdesk.exchange.deck.{module_name}")
        getattr(module, function)(deck, job)


SLIDES: dict[str, SlideKind] = {
    "title": SlideKind("Title", False, "title:add_title", ""),
    "portfolio": SlideKind("Portfolio summary", False, "portfolio:add_summary", "portfolio"),
    "growth-share": SlideKind(
        "Growth–share chart", False, "portfolio:add_growth_share", "portfolio"
    ),
    "lifecycle": SlideKind("Lifecycle board", False, "portfolio:add_lifecycle", "lifecycle"),
    "roadmap": SlideKind("Roadmap", False, "roadmap:add_roadmap", "roadmap"),
    "board": SlideKind("Now / next / later", False, "roadmap:add_board", "roadmap"),
    "stakeholders": SlideKind("Stakeholder map", True, "people:add_stakeholders", "stakeholders"),
    "canvas": SlideKind("Product canvas", True, "people:add_canvas", "canvas"),
    "requirements": SlideKind(
        "Requirements ranked", True, "portfolio:add_requirements", "requirements"
    ),
    "launch": SlideKind("Launch readiness", True, "portfolio:add_launch", "launch"),
    "business-case": SlideKind("Business case", True, "people:add_business_case", "business_case"),
    "competitors": SlideKind("Competitor matrix", True, "people:add_competitors", "market"),
    "changes": SlideKind("Changes since …", False, "changes:add_changes", "changes"),
}
# What a deck holds when nobody picks: a product review, or a portfolio review.
PRODUCT_DEFAULT = (
    "title",
    "roadmap",
    "board",
    "canvas",
    "stakeholders",
    "requirements",
    "launch",
    "business-case",
    "competitors",
)
PORTFOLIO_DEFAULT = ("title", "portfolio", "growth-share", "lifecycle", "roadmap", "board")


def slide_keys(text: str) -> list[str]:
    """``"roadmap, portfolio"`` as a list of slide keys; an unknown key is a PmdeskError."""
    keys = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [key for key in keys if key not in SLIDES]
    if unknown:
        raise PmdeskError(f"Unknown slide {', '.join(unknown)}; choose from {', '.join(SLIDES)}")
    return keys


@dataclass
class DeckJob:
    """One deck in progress: the workspace, the product (if any), notes, date and progress."""

    ws: Workspace
    product: Product | None
    progress: Progress
    on: dt.date
    notes: dict[str, str] = field(default_factory=dict)
    view: str = ""  # the view key of the slide kind being built (for its notes)
    since: str | None = None  # "Changes since": a snapshot's name or a day; None: the latest

    def service(self, cls: type[S]) -> S:
        return self.ws.service(cls)

    @property
    def subject(self) -> Product:
        if self.product is None:
            raise PmdeskError("This slide is about a product; choose one to export")
        return self.product

    @property
    def note(self) -> str:
        """The speaker notes for the slide kind being built ("" when there are none)."""
        return self.notes.get(self.view, "") if self.view else ""


def export_deck(
    workspace: Workspace,
    output: Path | str,
    *,
    product_id: int | None = None,
    slides: Iterable[str] | None = None,
    on: dt.date | None = None,
    since: str | None = None,
    stamp: str = "",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write a deck of ``slides`` (default: a product or portfolio review) to ``output``.

    ``since`` is what the "changes" slides compare with: a snapshot's name or a day
    (default: the latest snapshot). ``stamp`` says what the deck shows when it is not the
    plan as it stands (a moment, a what-if scenario): on the title slide and every footer.
    Raises ExportCancelled when ``cancelled()`` turns true, PmdeskError for a
    request that cannot be met (unknown slide, a product's slide without a
    product); either way no file is left at ``output``.
    """
    portfolio = workspace.service(PortfolioService)
    product = portfolio.products.get(product_id) if product_id is not None else None
    keys = list(slides) if slides is not None else None
    if keys is None:
        keys = list(PRODUCT_DEFAULT if product is not None else PORTFOLIO_DEFAULT)
    unknown = [key for key in keys if key not in SLIDES]
    if unknown:
        raise PmdeskError(f"Unknown slide {', '.join(unknown)}; choose from {', '.join(SLIDES)}")
    if product is None:
        needing = [SLIDES[key].label for key in keys if SLIDES[key].needs_product]
        if needing:
            raise PmdeskError(f"Choose a product for these slides: {', '.join(needing)}")
    tracker = Progress(progress, cancelled)
    tracker.expect(len(keys) + 1)
    tracker.check()
    info = portfolio.workspace_info()
    today = on or dt.date.today()
    job = DeckJob(workspace, product, tracker, today, portfolio.speaker_notes(), since=since)
    deck = Deck(Footer(info.name or "Portfolio", today, stamp))
    for key in keys:
        kind = SLIDES[key]
        job.view = kind.view
        kind.build(deck, job)
        tracker.step()

    def write(temp: Path) -> None:
        deck.save(temp)
        tracker.check()

    write_atomically(output, write)
    tracker.finish()
    return Path(output)
