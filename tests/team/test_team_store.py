"""Team workspaces against a real PostgreSQL server: same services, copies, conflicts, notices."""

from __future__ import annotations

import select
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.store.demo import create_demo
from pmdesk.store.factory import connect_workspace
from pmdesk.store.models import Product, RoadmapItem
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.team_copy import compare, file_to_team
from pmdesk.store.team_server import ConnectionLostError, NotATeamWorkspaceError
from pmdesk.store.team_versions import ConflictError
from pmdesk.store.workspace import Workspace

NAME = 'Pump <b>&amp;</b> "quoted" 🚀'


def _wait_for_changes(ws: Workspace, received: list[ChangeSet], timeout: float = 2.0) -> float:
    """Poll the way the GUI does (wake on the socket); seconds until something arrived."""
    start = time.perf_counter()
    while not received:
        left = timeout - (time.perf_counter() - start)
        if left <= 0:
            break
        select.select([ws.feed.fileno()], [], [], left)
        ws.poll_changes()
    return time.perf_counter() - start


def test_same_services_and_text_on_postgresql(connect):
    ws = connect()
    portfolio = ws.service(PortfolioService)
    product = portfolio.create_product(name=NAME)
    assert ws.is_team and "on 127.0.0.1" in ws.location
    assert portfolio.product_by_name(NAME).id == product.id
    with pytest.raises(ValidationError):
        portfolio.create_product(name=NAME.upper().lower())  # same name refused, as on SQLite
    assert ws.check().ok and ws.check().counts["product"] == 1


def test_database_constraints_read_as_the_same_sentences(connect):
    ws = connect()
    product = ws.service(PortfolioService).create_product(name="Alpha")
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    with pytest.raises(ValidationError) as refused, ws.transaction() as uow:
        uow.session.execute(
            sa.insert(RoadmapItem.__table__).values(
                product_id=product.id,
                lane_id=lane.id,
                name="Bad",
                kind="feature",
                start_date="2027-02-01",
                end_date="2027-01-01",
                progress=0,
                status="planned",
                notes="",
                sort_order=0,
                row_version=1,
            )
        )
    assert "end after start" in str(refused.value)


def test_demo_goes_to_the_server_and_back_identical(empty_db, pg_server, tmp_path: Path):
    demo = create_demo(tmp_path / "demo.pmdesk")
    report = file_to_team(demo, empty_db, pg_server.password)
    assert report.counts["roadmap_item"] > 40 and report.rows > 500
    with connect_workspace(empty_db, pg_server.password) as team:
        assert team.check().counts == Workspace.open(demo, read_only=True).check().counts
        team.service(PortfolioService).create_product(name=NAME)  # ids continue after the copy
        saved = team.save_copy(tmp_path / "back.pmdesk")
        with Workspace.open(saved) as back, team.engine.connect() as remote:
            assert back.check().ok
            with back.engine.connect() as local:
                assert compare(remote, local) == []
            assert back.service(PortfolioService).product_by_name(NAME)


def test_copy_refuses_a_database_that_already_holds_a_workspace(team_db, pg_server, tmp_path):
    local = Workspace.create(tmp_path / "other.pmdesk")
    local.close()
    with pytest.raises(PmdeskError, match="already holds"):
        file_to_team(tmp_path / "other.pmdesk", team_db, pg_server.password)


def test_connecting_to_an_empty_database_or_with_a_wrong_password_is_refused(empty_db, pg_server):
    with pytest.raises(NotATeamWorkspaceError, match="empty"):
        connect_workspace(empty_db, pg_server.password)
    with pytest.raises(PmdeskError, match="password"):
        connect_workspace(empty_db, "wrong")


def test_an_edit_against_a_stale_version_is_refused_with_both_values(connect):
    mine, theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name="Alpha")
    seen = mine.service(PortfolioService).products.get(product.id)  # what my screen shows
    theirs.service(PortfolioService).products.update(product.id, owner="Theirs <&>")
    with pytest.raises(ConflictError) as refused:
        mine.service(PortfolioService).products.update(seen.id, owner="Mine 😀")
    conflict = refused.value
    assert (conflict.kind, conflict.entity_id, conflict.field) == ("product", product.id, "owner")
    assert (conflict.mine, conflict.theirs) == ("Mine 😀", "Theirs <&>")
    assert "Mine 😀" in str(conflict) and "Theirs <&>" in str(conflict)
    assert mine.service(PortfolioService).products.get(product.id).owner == "Theirs <&>"
    # Keep mine: having seen theirs, the same edit goes through.
    mine.versions.accept("product", product.id, conflict.their_version)
    mine.service(PortfolioService).products.update(product.id, owner="Mine 😀")
    assert theirs.service(PortfolioService).products.get(product.id).owner == "Mine 😀"


def test_a_write_racing_another_commit_is_refused_not_lost(connect):
    mine, theirs = connect(), connect()
    product = mine.service(PortfolioService).create_product(name="Alpha")
    with pytest.raises(ConflictError) as refused, mine.transaction() as uow:
        row = uow.session.get(Product, product.id)
        theirs.service(PortfolioService).products.update(product.id, owner="Theirs")
        row.owner = "Mine"
    assert (refused.value.mine, refused.value.theirs) == ("Mine", "Theirs")
    assert theirs.service(PortfolioService).products.get(product.id).owner == "Theirs"


def test_undo_refuses_when_someone_changed_the_row_since(connect):
    mine, theirs = connect(), connect()
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha", owner="Ann")
    previous = products.update(product.id, owner="Bo")
    other = products.update(product.id, name="Beta")
    with mine.undo_guard():  # nobody else changed it: undo works
        products.update(product.id, **other)
    theirs.service(PortfolioService).products.update(product.id, owner="Cy")
    products.get(product.id)  # my view refreshed after their notice
    with pytest.raises(ConflictError) as refused, mine.undo_guard():
        products.update(product.id, **previous)
    assert refused.value.undo and refused.value.theirs == "Cy" and refused.value.mine == "Ann"
    assert products.get(product.id).owner == "Cy"
    products.update(product.id, owner="Dee")  # a new edit on what I now see is fine


def test_changes_by_others_arrive_within_two_seconds(connect):
    mine, theirs = connect(), connect()
    received: list[ChangeSet] = []
    mine.changes.subscribe(received.append)
    product = theirs.service(PortfolioService).create_product(name=NAME)
    waited = _wait_for_changes(mine, received)
    assert waited < 2.0 and received, "no notice within two seconds"
    assert product.id in received[0].ids("product", "insert")
    own: list[ChangeSet] = []
    theirs.changes.subscribe(own.append)
    theirs.poll_changes()
    assert own == []  # a client does not hear its own commits twice


def test_a_large_change_arrives_whole_in_one_notice(connect):
    mine, theirs = connect(), connect()
    product = theirs.service(PortfolioService).create_product(name="Big")
    lane = theirs.service(RoadmapService).lanes.create(product_id=product.id, name="L")
    received: list[ChangeSet] = []
    mine.changes.subscribe(received.append)
    mine.poll_changes()
    received.clear()
    with theirs.transaction() as uow:
        uow.session.add_all(
            RoadmapItem(
                product_id=product.id,
                lane_id=lane.id,
                name=f"i{n}",
                start_date=sa.func.current_date(),
                end_date=sa.func.current_date(),
            )
            for n in range(3000)
        )
    deadline = time.perf_counter() + 2
    ids: set[object] = set()
    while len(ids) < 3000 and time.perf_counter() < deadline:
        mine.poll_changes()
        ids = set().union(*(c.ids("roadmap_item", "insert") for c in received))
    assert len(ids) == 3000 and len(received) == 1  # no 8 kB NOTIFY limit on the log


def test_a_lost_connection_is_reported_and_comes_back(connect, pg_server):
    ws = connect()
    products = ws.service(PortfolioService).products
    product = ws.service(PortfolioService).create_product(name="Alpha")
    pg_server.stop()
    try:
        assert not ws.ping()
        with pytest.raises(ConnectionLostError):
            products.update(product.id, owner="Pending")
        with pytest.raises(ConnectionLostError):
            ws.poll_changes()
    finally:
        pg_server.start()
    assert ws.ping()
    products.update(product.id, owner="Pending")  # the kept edit, tried again
    ws.poll_changes()  # the notice connection reconnects
    assert ws.feed.connected
    assert products.get(product.id).owner == "Pending"
