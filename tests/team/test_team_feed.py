"""The change log: nothing missed while away, polling without LISTEN, commit order kept."""

from __future__ import annotations

import select
import threading
import time

import pytest
import sqlalchemy as sa

from pmdesk.core.changes import ChangeSet
from pmdesk.store import team_feed
from pmdesk.store.services import PortfolioService
from pmdesk.store.team_server import ConnectionLostError


def _collect(ws, until, timeout: float = 2.0) -> list[ChangeSet]:
    """Poll as the window's timer does until ``until(received)`` or the timeout."""
    received: list[ChangeSet] = []
    unsubscribe = ws.changes.subscribe(received.append)
    deadline = time.perf_counter() + timeout
    try:
        while not until(received) and time.perf_counter() < deadline:
            ws.poll_changes()
            fd = ws.feed.fileno()  # wake on a notice; without LISTEN, poll every 20 ms
            select.select([fd] if fd >= 0 else [], [], [], 0.02)
    finally:
        unsubscribe()
    return received


def _product_ids(received: list[ChangeSet], op: str = "insert") -> set[object]:
    return set().union(*(c.ids("product", op) for c in received)) if received else set()


def test_changes_made_while_a_client_was_disconnected_reach_it_after(connect, pg_server):
    mine, theirs = connect(), connect()
    pg_server.stop()
    try:
        with pytest.raises(ConnectionLostError):
            mine.poll_changes()
        assert not mine.feed.connected
    finally:
        pg_server.start()
    # The other person works before this client has reconnected: no one is listening.
    made = [
        theirs.service(PortfolioService).create_product(name=f"P{n} <&> 😀").id for n in range(3)
    ]
    received = _collect(mine, lambda got: _product_ids(got) >= set(made))
    assert _product_ids(received) >= set(made)


def test_without_listen_the_feed_polls_and_still_delivers(connect, monkeypatch):
    theirs = connect()
    monkeypatch.setattr(team_feed, "CHANNEL", "not a channel name")  # LISTEN refuses it
    mine = connect()
    assert not mine.feed.listening and mine.feed.fileno() == -1
    monkeypatch.undo()
    product = theirs.service(PortfolioService).create_product(name="Polled")
    started = time.perf_counter()
    received = _collect(mine, lambda got: product.id in _product_ids(got))
    assert product.id in _product_ids(received) and time.perf_counter() - started < 2.0


def test_concurrent_writers_are_read_in_full_while_they_write(connect):
    reader, writers = connect(), [connect(), connect()]
    per_writer = 60
    made: list[int] = []
    lock = threading.Lock()

    def write(ws) -> None:
        for n in range(per_writer):
            new_id = ws.service(PortfolioService).create_product(name=f"W{id(ws)}-{n}").id
            with lock:
                made.append(new_id)

    threads = [threading.Thread(target=write, args=(ws,)) for ws in writers]
    for thread in threads:
        thread.start()
    seen: set[object] = set()
    unsubscribe = reader.changes.subscribe(lambda c: seen.update(c.ids("product", "insert")))
    while any(thread.is_alive() for thread in threads):
        reader.poll_changes()  # reading while ids are being handed out and committed
    for thread in threads:
        thread.join()
    deadline = time.perf_counter() + 2
    while len(seen) < 2 * per_writer and time.perf_counter() < deadline:
        reader.poll_changes()
    unsubscribe()
    assert seen == set(made) and len(made) == 2 * per_writer


def test_a_client_away_longer_than_the_log_keeps_is_told_to_reload(connect):
    mine, theirs = connect(), connect()
    theirs.service(PortfolioService).create_product(name="Old")
    theirs.service(PortfolioService).create_product(name="Older")
    with theirs.engine.begin() as conn:  # what pruning does to rows this client never read
        conn.execute(sa.delete(team_feed.LOG))
    theirs.service(PortfolioService).create_product(name="New")
    received: list[ChangeSet] = []
    mine.changes.subscribe(received.append)
    mine.poll_changes()
    assert any(received[-1].reloads(kind) for kind in ("product", "roadmap_item"))
    assert not mine.feed.gap  # told once


def test_a_malformed_log_row_is_skipped():
    assert team_feed.decode("not json") is None
    assert team_feed.decode('[["no_such_table", "insert", [1]]]') is None
    assert team_feed.decode('[["product", "explode", [1]]]') is None
    good = team_feed.decode(
        '[["product", "insert", [1, 2]], ["requirement_item_link", "delete", [[3, 4]]]]'
    )
    assert good.ids("product") == {1, 2} and good.ids("requirement_item_link") == {(3, 4)}
