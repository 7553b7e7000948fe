"""The roadmap's opening reads on a plain ``sqlite3`` connection give what the store gives.

``pmdesk.store.roadmap_rows`` reads with any DB-API connection. The store runs those
reads on its session's connection (:class:`RoadmapQueries`); a file opened before
SQLAlchemy loads would run them on a read-only ``sqlite3`` connection of its own. Both
are compared here on real files, every product, every read; what the rows hold is
pinned by the store's and the chart's own tests (``test_launch_service.py``,
``test_gantt_*``), and the PostgreSQL path by the team tests.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from pmdesk.store import roadmap_rows
from pmdesk.store.demo import create_demo
from pmdesk.store.generate import create_large
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.roadmap_queries import RoadmapQueries
from pmdesk.store.workspace import Workspace


def _fetcher(path: Path):
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)

    def fetch(sql: str, params: Sequence[object]) -> list[tuple]:
        return conn.execute(sql, tuple(params)).fetchall()

    return conn, fetch


@pytest.fixture(scope="module", params=["demo", "large", "bounds"])
def plan_file(request, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("rows")
    if request.param == "demo":
        return create_demo(folder / "demo.pmdesk")
    if request.param == "bounds":
        return request.getfixturevalue("at_the_bounds")
    path = folder / "large.pmdesk"
    create_large(path, items=600, dependencies=450, lanes=7, seed=3)
    return path


def test_every_read_matches_the_store_for_every_product(plan_file: Path) -> None:
    ws = Workspace.open(plan_file, read_only=True)
    conn, fetch = _fetcher(plan_file)
    try:
        queries = RoadmapQueries(ws)
        products = ws.service(PortfolioService).list_products()
        assert products
        for product in products:
            pid = product.id
            assert roadmap_rows.lane_rows(fetch, pid) == queries.lane_rows(pid)
            items = roadmap_rows.item_rows(fetch, pid)
            assert items == queries.item_rows(pid)
            assert roadmap_rows.link_rows(fetch, pid) == queries.link_rows(pid)
            assert roadmap_rows.requirement_counts(fetch, pid) == queries.requirement_counts(pid)
            assert roadmap_rows.launch_lane(fetch, pid) == queries.launch_tasks(pid)
            baselines = roadmap_rows.baseline_rows(fetch, pid)
            assert baselines == queries.baseline_rows(pid)
            for baseline in baselines:
                assert roadmap_rows.baseline_ordinals(
                    fetch, baseline.id
                ) == queries.baseline_ordinals(baseline.id)
            some = [row.id for row in items[::3]] + [10**9]  # one that is no item of it
            assert roadmap_rows.item_rows(fetch, pid, some) == queries.item_rows(pid, some)
            links = [row.id for row in queries.link_rows(pid)][::2]
            assert roadmap_rows.link_rows(fetch, pid, links) == queries.link_rows(pid, links)
    finally:
        conn.close()
        ws.close()


def test_the_versions_read_are_told(plan_file: Path) -> None:
    conn, fetch = _fetcher(plan_file)
    told: dict[str, dict[int, int]] = {}

    def seen(table: str, pairs) -> None:
        told.setdefault(table, {}).update(pairs)

    try:
        pid = conn.execute("SELECT min(product_id) FROM roadmap_item").fetchone()[0]
        items = roadmap_rows.item_rows(fetch, pid, seen=seen)
        roadmap_rows.link_rows(fetch, pid, seen=seen)
        lanes = roadmap_rows.lane_rows(fetch, pid, seen=seen)
        stored = dict(conn.execute("SELECT id, row_version FROM roadmap_item").fetchall())
        assert told["roadmap_item"] == {row.id: stored[row.id] for row in items}
        assert set(told["lane"]) == {lane.id for lane in lanes}
        assert "dependency" in told
    finally:
        conn.close()


def test_many_ids_are_read_in_pieces_the_database_takes(tmp_path: Path) -> None:
    path = tmp_path / "many.pmdesk"
    create_large(path, items=roadmap_rows.CHUNK * 2 + 17, dependencies=10, lanes=2, seed=1)
    conn, fetch = _fetcher(path)
    statements: list[int] = []

    def counted(sql: str, params: Sequence[object]) -> list[tuple]:
        statements.append(len(params))
        return fetch(sql, params)

    try:
        pid = conn.execute("SELECT min(product_id) FROM roadmap_item").fetchone()[0]
        every = roadmap_rows.item_rows(fetch, pid)
        wanted = [row.id for row in every]
        assert roadmap_rows.item_rows(counted, pid, wanted) == sorted(every, key=lambda r: r.id)
        assert len(statements) == 3 and max(statements) == roadmap_rows.CHUNK + 1
    finally:
        conn.close()
