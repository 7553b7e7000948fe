"""The title slide: the deck's subject on a navy band, the organisation and the date."""

from __future__ import annotations

from pmdesk.core.wording import long_date
from pmdesk.store.services import PortfolioService

from . import DeckJob
from .base import (
    BODY_SIZE,
    COVER_TINT,
    MARGIN,
    PRIMARY,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    WHITE,
    Box,
    Deck,
    rectangle,
    text_box,
)


def add_title(deck: Deck, job: DeckJob) -> None:
    info = job.service(PortfolioService).workspace_info()
    slide = deck.blank(job.note)
    band = Box(0, int(SLIDE_HEIGHT * 0.30), SLIDE_WIDTH, int(SLIDE_HEIGHT * 0.40))
    rectangle(slide, band, fill=PRIMARY)
    width = SLIDE_WIDTH - 2 * MARGIN
    if job.product is not None:
        title, kicker = job.product.name, f"Product review · {info.name}"
    else:
        title, kicker = info.name or "Portfolio", "Portfolio review"
    text_box(
        slide,
        Box(MARGIN, band.y + 300_000, width, 420_000),
        kicker,
        size=BODY_SIZE + 2,
        colour=COVER_TINT,
        name="Kicker",
    )
    text_box(
        slide,
        Box(MARGIN, band.y + 760_000, width, 900_000),
        title,
        size=40,
        bold=True,
        colour=WHITE,
        name="Deck title",
    )
    facts = " · ".join(
        part for part in (info.organisation, long_date(job.on), deck.footer.stamp) if part
    )
    text_box(
        slide,
        Box(MARGIN, band.bottom + 300_000, width, 400_000),
        facts,
        size=BODY_SIZE,
        colour=PRIMARY,
        name="Date",
    )
