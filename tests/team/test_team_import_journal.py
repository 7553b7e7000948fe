"""An MS Project import into a team workspace: ids from the server's sequences, one journal.

The import chooses its rows' ids before it writes them (so the journal holds the very rows
it wrote); on PostgreSQL they come from each table's sequence, so another client's rows
written meanwhile never collide, and reverting and replaying the import leaves theirs be.
"""

from __future__ import annotations

import datetime as dt

from pmdesk.exchange.mspdi import import_mspdi
from pmdesk.exchange.mspdi_write import export_mspdi
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace


def _items(ws, product):
    return {(i.id, i.name, i.start_date) for i in ws.service(RoadmapService).items_of(product)}


def test_an_import_takes_ids_from_the_sequence_and_undoes_and_redoes_whole(connect, tmp_path):
    with Workspace.open(create_demo(tmp_path / "demo.pmdesk")) as demo:
        pulse = demo.service(PortfolioService).product_by_name("Pulse Cloud").id
        export_mspdi(demo, pulse, tmp_path / "plan.xml")
    mine, theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name="Imported").id
    roadmap = theirs.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product, name="Theirs")
    start = dt.date(2026, 3, 2)
    first = roadmap.items.create(
        product_id=product, lane_id=lane.id, name="Before", start_date=start, end_date=start
    )
    with mine.recording() as journal:
        result = import_mspdi(mine, tmp_path / "plan.xml", product_id=product)
    assert journal.complete
    imported = result.created["roadmap_item"]
    assert len(imported) > 10 and first.id not in imported
    assert sorted(journal.ids("roadmap_item", "insert")) == sorted(imported)
    later = roadmap.items.create(
        product_id=product, lane_id=lane.id, name="After", start_date=start, end_date=start
    )
    assert later.id not in imported  # the sequence moved past the imported ids
    after = _items(theirs, product)
    mine.revert(journal)
    assert {i[1] for i in _items(theirs, product)} == {"Before", "After"}
    mine.replay(journal)
    assert _items(theirs, product) == after
