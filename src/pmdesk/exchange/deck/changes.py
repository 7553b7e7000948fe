"""The "Changes since …" slides: what changed since a snapshot or a day, from the history.

One native table per kind of entity (roadmap items, requirements, stakeholders…), headed
by that kind, stacked on a slide while they fit and carried on to the next when not; each
entity is a row with what changed, worded as :mod:`pmdesk.store.history_wording` words it
for the ``pmdesk changes`` report and the PDF. First, when any moved, a table of the
headline figures then and now (critical path end, launch date, readiness, NPV:
``HistoryService.figures_since``, worded by :mod:`pmdesk.store.figures_wording`). Since
the deck's ``since`` (a snapshot's name or a day), else the latest snapshot; only the
deck's product when it has one.
"""

from __future__ import annotations

from collections.abc import Sequence

from pmdesk.core.wording import plural, short_date
from pmdesk.store.figures_wording import figure_rows
from pmdesk.store.history_wording import ChangeGroup, worded
from pmdesk.store.services import HistoryService

from . import DeckJob
from .base import SMALL_SIZE, Box, Deck, nothing_yet, table
from .portfolio import GAP, body_below, column_widths, numbered, table_height

TITLE = "Changes since the last snapshot"
HEADERS = ("Change", "What changed")  # after the kind of entity's own header
# The headline figures' table, first: critical path end, launch date, readiness, NPV.
FIGURE_HEADERS = ("Headline figure", "Difference", "Then → now")
PROPORTIONS = (3.0, 1.1, 6.0)

Rows = list[list[str]]
Chunk = tuple[tuple[str, ...], Rows]  # one table: its headers and rows


def latest_snapshot(service: HistoryService) -> str | None:
    """The name of the newest snapshot, or None when there is none."""
    found = service.snapshots()
    return found[-1].name if found else None


def add_changes(deck: Deck, job: DeckJob) -> None:
    """A table per kind of entity of what changed since the moment, or a slide saying why not."""
    service = job.service(HistoryService)
    since = job.since or latest_snapshot(service)
    scope = job.product.name if job.product is not None else ""
    if since is None:
        nothing_yet(
            deck,
            TITLE,
            "No snapshots yet — name a moment (a snapshot) to see what changed since",
            subtitle=scope,
            notes=job.note,
        )
        return
    moment = service.moment(since)
    changes = service.changes(since, product_id=job.product.id if job.product else None)
    title = f"Changes since {moment.label}"
    when = short_date(moment.at)
    if not changes:
        nothing_yet(
            deck,
            title,
            f"Nothing has changed since {moment.label} ({when})",
            subtitle=scope,
            notes=job.note,
        )
        return
    subtitle = " · ".join(p for p in (scope, plural(len(changes), "change"), f"since {when}") if p)
    groups = worded(changes)
    tables = [
        ((group.label, *HEADERS), [[c.name, c.kind_label, c.what] for c in group.changes])
        for group in groups
    ]
    # First, the headline figures that moved: figure, difference, then → now.
    figures = service.figures_since(since, job.product.id if job.product else None, job.on)
    moved = [
        [label, difference, f"{then} → {now}"]
        for label, then, now, difference in figure_rows(figures, products=job.product is None)
    ]
    if moved:
        tables.insert(0, (FIGURE_HEADERS, moved))
    body = body_below(subtitle)
    widths = column_widths(
        (max(_widest_label(groups), FIGURE_HEADERS[0], key=len), *HEADERS),
        [row for _, rows in tables for row in rows],
        PROPORTIONS,
        body.w,
        SMALL_SIZE,
    )
    pages = stack(tables, widths, body.h)
    for index, page in enumerate(pages):
        job.progress.check()
        slide, box = deck.slide(
            numbered(title, index, len(pages)),
            subtitle=subtitle,
            notes=job.note if index == 0 else "",
        )
        y = box.y
        for headers, rows in page:
            height = table_height(headers, rows, widths, SMALL_SIZE)
            frame = table(
                slide, Box(box.x, y, box.w, height), headers, rows, widths=widths, size=SMALL_SIZE
            )
            frame.name = f"{headers[0]} changes"
            y += height + GAP


def stack(tables: Sequence[Chunk], widths: Sequence[int], room: int) -> list[list[Chunk]]:
    """The tables on slides ``room`` tall: stacked while they fit, a table cut between rows
    (its header repeated) where the slide ends; a row taller than a slide has one to itself."""
    pages: list[list[Chunk]] = [[]]
    used = 0
    for headers, all_rows in tables:
        head = table_height(headers, [], widths, SMALL_SIZE)
        heights = [table_height(headers, [r], widths, SMALL_SIZE) - head for r in all_rows]
        start = 0
        while start < len(all_rows):
            gap = GAP if pages[-1] else 0
            end, height = start, head
            while end < len(all_rows) and used + gap + height + heights[end] <= room:
                height += heights[end]
                end += 1
            if end == start and pages[-1]:
                pages.append([])
                used = 0
                continue
            if end == start:
                height += heights[end]
                end += 1
            pages[-1].append((headers, all_rows[start:end]))
            used += gap + height
            start = end
    return pages


def _widest_label(groups: Sequence[ChangeGroup]) -> str:
    return max((g.label for g in groups), key=len, default="Name")
