"""The "Changes since …" section of the specification and the portfolio summary.

What changed since ``PdfOptions.since`` (a snapshot's name or a day), else since the
latest snapshot: first, when any moved, the headline figures then and now (critical path
end, launch date, readiness, NPV: ``HistoryService.figures_since``, worded by
:mod:`pmdesk.store.figures_wording`), then one table per kind of entity, each entity a row
with what changed, worded by :mod:`pmdesk.store.history_wording` as the deck and
``pmdesk changes`` word it.
Only the document's product in a specification; the whole portfolio in its summary.
Off unless asked for (see ``OPT_IN`` in :mod:`.options`).
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

from pmdesk.core.wording import plural, short_date
from pmdesk.store.figures_wording import figure_rows
from pmdesk.store.history_wording import worded
from pmdesk.store.services import HistoryService

from .components import Plain, note, table
from .job import Job
from .markup import para
from .template import Heading
from .theme import Styles

TITLE = "Changes since the last snapshot"
HEADERS = ["Name", "Change", "What changed"]
WIDTHS = [0.3, 0.1, 0.6]
FIGURES_TITLE = "Headline figures"
FIGURE_HEADERS = ["Figure", "Then", "Now", "Difference"]
FIGURE_WIDTHS = [0.4, 0.2, 0.2, 0.2]


def changes_section(
    job: Job, heading: Callable[[str], Heading], sub: Callable[[str], Heading]
) -> list[Flowable]:
    """The section: ``heading(title)``, a line saying since when, and a table per kind."""
    service = job.service(HistoryService)
    since = job.options.since
    if since is None:
        found = service.snapshots()
        if not found:
            return [
                heading(TITLE),
                note("No snapshots yet — name a moment (a snapshot) to see what changed since."),
            ]
        since = found[-1].name
    moment = service.moment(since)
    product_id = job.product.id if job.product is not None else None
    changes = service.changes(since, product_id=product_id)
    when = short_date(moment.at.date())
    # The latest snapshot by default: the section's own title, the moment named under it.
    title = TITLE if job.options.since is None else f"Changes since {moment.label}"
    out: list[Flowable] = [heading(title)]
    if not changes:
        return out + [note(f"Nothing has changed since {moment.label} ({when}).")]
    out.append(
        para(f"Since {moment.label} ({when}): {plural(len(changes), 'change')}.", Styles.body)
    )
    # First, the headline figures that moved, then and now.
    figures = service.figures_since(since, product_id, job.options.on())
    moved = figure_rows(figures, products=job.product is None)
    if moved:
        out += [
            sub(FIGURES_TITLE),
            table(FIGURE_HEADERS, moved, FIGURE_WIDTHS, total_width=job.width),
        ]
    for group in worded(changes):
        job.progress.check()
        rows = [[c.name, Plain(c.kind_label), c.what] for c in group.changes]
        out += [sub(group.label), table(HEADERS, rows, WIDTHS, total_width=job.width)]
    return out
