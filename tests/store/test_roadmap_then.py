"""The roadmap's dates as they were at a moment (what its ghost bars draw): the same answer
as ``HistoryService.as_it_was``, read from the roadmap items' entries alone."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.errors import NotFoundError
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import Q3_REVIEW
from pmdesk.store.queries import roadmap_then
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

D = dt.date


def as_it_was(ws, since, product_id) -> dict[int, tuple[dt.date, dt.date]]:
    """The items' dates then, from the whole portfolio's changes (the reading it narrows)."""
    then = ws.service(HistoryService).as_it_was(since, "roadmap_item", product_id)
    found = {}
    for item in ws.service(RoadmapService).items.list():
        if item.product_id != product_id:
            continue
        old = then.get(item.id, {})
        if old is None or old.get("product_id", product_id) != product_id:
            continue  # added since, or on another product's roadmap then
        start = D.fromisoformat(old["start_date"]) if "start_date" in old else item.start_date
        end = D.fromisoformat(old["end_date"]) if "end_date" in old else item.end_date
        found[item.id] = (start, end)
    return found


def test_the_demo_as_it_was_at_each_snapshot_and_day(tmp_path):
    path = create_demo(tmp_path / "demo.pmdesk")
    with Workspace.open(path, read_only=True) as ws:
        snapshots = [s.name for s in ws.service(HistoryService).snapshots()]
        days = [dt.date.today() - dt.timedelta(days=n) for n in (400, 120, 40, 0)]
        products = ws.service(PortfolioService).products.list()
        for product in products:
            for since in [*snapshots, *days]:
                then = roadmap_then(ws, since, product.id)
                assert then.dates == as_it_was(ws, since, product.id), (product.name, since)
        pulse = next(p for p in products if p.name == "Pulse Cloud")
        then = roadmap_then(ws, Q3_REVIEW, pulse.id)
        items = {i.name: i for i in ws.service(RoadmapService).items.list()}
        hardware = items["Sensor & gateway hardware"]
        assert then.dates[hardware.id] == (
            hardware.start_date,
            hardware.end_date - dt.timedelta(days=28),
        )
        assert items["Regional data residency (EU/US)"].id not in then.dates  # added since
        alpha = items["Closed alpha (3 labs)"]  # moved before the review: as it is
        assert then.dates[alpha.id] == (alpha.start_date, alpha.end_date)
        assert then.moment.snapshot and then.moment.label == Q3_REVIEW


def test_moved_changed_back_added_and_from_another_product(workspace):
    portfolio = workspace.service(PortfolioService)
    atlas, borealis = (portfolio.create_product(name=n) for n in ("Atlas", "Borealis"))
    roadmap = workspace.service(RoadmapService)
    lanes = {p.id: roadmap.lanes.create(product_id=p.id, name="Core").id for p in (atlas, borealis)}

    def item(product, name):
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lanes[product.id],
            name=name,
            start_date=D(2027, 1, 4),
            end_date=D(2027, 2, 1),
        ).id

    moved, back, still, visitor = (item(atlas, "Moved"), item(atlas, "Back"),
                                   item(atlas, "Still"), item(borealis, "Visitor"))  # fmt: skip
    history = workspace.service(HistoryService)
    history.snapshot("Review")
    roadmap.items.update(moved, start_date=D(2027, 1, 11), end_date=D(2027, 2, 15))
    roadmap.items.update(moved, end_date=D(2027, 3, 1))
    roadmap.items.update(back, end_date=D(2027, 5, 1))
    roadmap.items.update(back, end_date=D(2027, 2, 1))  # and back: as it was
    roadmap.items.update(still, notes="Only the notes")
    added = item(atlas, "Added")
    roadmap.items.update(visitor, product_id=atlas.id, lane_id=lanes[atlas.id])

    then = roadmap_then(workspace, "Review", atlas.id)
    assert then.dates == {
        moved: (D(2027, 1, 4), D(2027, 2, 1)),
        back: (D(2027, 1, 4), D(2027, 2, 1)),
        still: (D(2027, 1, 4), D(2027, 2, 1)),
    }, "added since, or on another roadmap then: no ghost"
    assert added not in then.dates and visitor not in then.dates
    assert then.dates == as_it_was(workspace, "Review", atlas.id)
    # Deleted since and brought back (from the history): there then, at its dates then.
    roadmap.items.update(still, start_date=D(2027, 6, 7), end_date=D(2027, 6, 30))
    roadmap.items.update(still, progress=40)
    roadmap.items.delete([still])
    history.restore("roadmap_item", still)
    assert roadmap.items.get(still).start_date == D(2027, 6, 7)
    assert roadmap_then(workspace, "Review", atlas.id).dates[still] == (
        D(2027, 1, 4),
        D(2027, 2, 1),
    )
    assert roadmap_then(workspace, "Review", atlas.id).dates == as_it_was(
        workspace, "Review", atlas.id
    )
    # Since the start of today: everything was made today.
    assert roadmap_then(workspace, dt.date.today(), atlas.id).dates == {}
    assert roadmap_then(workspace, dt.date.today(), borealis.id).dates == {}


def test_an_unknown_moment_and_a_cancel(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    with pytest.raises(NotFoundError, match="no snapshot named “Nope”"):
        roadmap_then(workspace, "Nope", product.id)

    class Stop(Exception):
        pass

    def stop() -> None:
        raise Stop

    workspace.service(HistoryService).snapshot("Start")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Core").id
    made = roadmap.items.create(
        product_id=product.id, lane_id=lane, name="A", start_date=D(2027, 1, 4),
        end_date=D(2027, 1, 8),
    )  # fmt: skip
    with pytest.raises(Stop):
        roadmap_then(workspace, "Start", product.id, check=stop)
    assert roadmap_then(workspace, "Start", product.id, check=lambda: None).dates == {}
    assert made.id not in roadmap_then(workspace, "Start", product.id).dates
