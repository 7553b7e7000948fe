"""A roadmap's dates as they were at a moment, read from a team workspace (PostgreSQL keeps
the history's fields as JSON of its own, handed over already decoded)."""

from __future__ import annotations

import datetime as dt

from pmdesk.store.queries import roadmap_then
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService

START = dt.date(2026, 3, 2)


def test_the_dates_then_on_a_team_workspace(connect):
    mine, theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name="Atlas")
    roadmap = mine.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")

    def item(name: str) -> int:
        return roadmap.items.create(
            product_id=product.id, lane_id=lane.id, name=name, start_date=START, end_date=START
        ).id

    moved, still = item("Moved"), item("Still")
    theirs.service(HistoryService).snapshot("Review")
    roadmap.items.update(moved, start_date=START + dt.timedelta(days=7),
                         end_date=START + dt.timedelta(days=9))  # fmt: skip
    roadmap.items.update(still, notes="Only the notes")
    added = item("Added")
    then = roadmap_then(theirs, "Review", product.id)
    assert then.dates == {moved: (START, START), still: (START, START)}
    assert added not in then.dates and then.moment.snapshot
