"""Delete-with-snapshot: undo of a delete brings back exactly what went, same ids."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from pmdesk.store.models import RoadmapItem
from pmdesk.store.services import PortfolioService, RoadmapService


def _rows(ws, table):
    with ws.engine.connect() as conn:
        return conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def test_nested_items_come_back_parents_first(workspace):
    product = workspace.service(PortfolioService).create_product(name="Nest")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    day = dt.date(2027, 1, 1)
    top = roadmap.items.create(
        product_id=product.id, lane_id=lane.id, name="Epic", start_date=day, end_date=day
    )
    middle = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Feature",
        parent_id=top.id,
        start_date=day,
        end_date=day,
    )
    roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Task",
        parent_id=middle.id,
        start_date=day,
        end_date=day,
    )
    before = _rows(workspace, "roadmap_item")
    snapshot = roadmap.items.delete(top.id)
    assert _rows(workspace, "roadmap_item") == []
    assert [name for name, _ in snapshot.rows] == ["roadmap_item"] * 3
    roadmap.items.restore(snapshot)
    assert _rows(workspace, "roadmap_item") == before


def test_large_delete_is_chunked_and_restored(workspace):
    product = workspace.service(PortfolioService).create_product(name="Big")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    day = dt.date(2027, 1, 1)
    with workspace.transaction() as uow:
        uow.session.execute(
            sa.insert(RoadmapItem),
            [
                {
                    "product_id": product.id,
                    "lane_id": lane.id,
                    "name": f"Item {i}",
                    "kind": "feature",
                    "start_date": day,
                    "end_date": day,
                    "progress": 0,
                    "status": "planned",
                    "notes": "",
                    "sort_order": i,
                    "row_version": 1,
                }
                for i in range(2300)
            ],
        )
    before = _rows(workspace, "roadmap_item")
    snapshot = roadmap.lanes.delete(lane.id)
    assert len(snapshot.rows) == 2301
    assert _rows(workspace, "roadmap_item") == []
    roadmap.lanes.restore(snapshot)
    assert _rows(workspace, "roadmap_item") == before
