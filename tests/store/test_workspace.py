"""The workspace file on disk: created, reopened, locked, copied, checked, kept whole on failure."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.store import filelock, schema
from pmdesk.store.errors import ReadOnlyError, WorkspaceLockedError
from pmdesk.store.models import Base, Meta, Product, RoadmapItem
from pmdesk.store.services import PortfolioService, RoadmapService, StakeholderService
from pmdesk.store.workspace import Workspace

KILL_CHILD = Path(__file__).with_name("kill_child.py")
# User text and file names with markup characters, quotes and an emoji must survive.
TRICKY = 'Q3 <plan> & "ideas" — l\'été 🚀'
TRICKY_FILE = 'Portfolio <Q3> & "ideas" #1 🚀.pmdesk'


def _dump(ws: Workspace) -> dict[str, list]:
    """Every row of every table, for comparing a file's content before and after."""
    with ws.engine.connect() as conn:
        return {
            table: sorted(map(tuple, conn.exec_driver_sql(f'SELECT * FROM "{table}"')), key=repr)
            for table in sa.inspect(conn).get_table_names()
        }


def _add_roadmap(ws: Workspace, product_name: str = "Atlas", items: int = 3):
    product = ws.service(PortfolioService).create_product(name=product_name, vision=TRICKY)
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform")
    created = [
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"{TRICKY} {n}",
            start_date=dt.date(2027, 3, 1 + n),
            end_date=dt.date(2027, 3, 10 + n),
        )
        for n in range(items)
    ]
    return product, lane, created


def _pragma(conn: sa.Connection, name: str):
    return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


# -- creating and reopening ------------------------------------------------------


def test_edits_persist_across_close_and_reopen(tmp_path: Path):
    path = tmp_path / TRICKY_FILE
    ws = Workspace.create(path, name=TRICKY, organisation="R&D <lab>")
    product, _lane, items = _add_roadmap(ws)
    ws.service(RoadmapService).items.update(items[1].id, progress=40, notes=TRICKY)
    ws.close()

    with Workspace.open(path) as again:
        info = again.service(PortfolioService).workspace_info()
        assert (info.name, info.organisation) == (TRICKY, "R&D <lab>")
        assert again.service(PortfolioService).products.get(product.id).vision == TRICKY
        stored = again.service(RoadmapService).items.get(items[1].id)
        assert (stored.name, stored.progress, stored.notes) == (f"{TRICKY} 1", 40, TRICKY)


def test_create_refuses_an_existing_file(tmp_path: Path):
    path = tmp_path / "taken.pmdesk"
    path.write_bytes(b"someone else's notes")
    with pytest.raises(PmdeskError, match="already exists"):
        Workspace.create(path)
    assert path.read_bytes() == b"someone else's notes"


def test_a_long_file_name_names_the_portfolio_with_what_a_name_holds(tmp_path: Path):
    """A file's name may be longer than a portfolio's name holds (200 characters): the
    portfolio takes its first 200, and the new file opens (it was refused as damaged)."""
    stem = ("Q3 roadmap review, Müller " * 10)[:230]  # 230 characters, 239 bytes with its suffix
    path = tmp_path / f"{stem}.pmdesk"
    with Workspace.create(path) as ws:
        assert ws.service(PortfolioService).workspace_info().name == path.stem[:200]
    with Workspace.open(path) as again:
        assert again.check().ok


@pytest.mark.parametrize("field", ["name", "organisation"])
def test_create_refuses_a_name_too_long_before_writing_anything(tmp_path: Path, field: str):
    path = tmp_path / "long.pmdesk"
    with pytest.raises(ValidationError, match="longer than 200 characters"):
        Workspace.create(path, **{field: "x" * 201})
    assert list(tmp_path.iterdir()) == []


def test_closed_workspace_stands_alone(tmp_path: Path):
    """Closing folds the WAL back: the .pmdesk file alone holds every edit."""
    path = tmp_path / "alone.pmdesk"
    ws = Workspace.create(path)
    _add_roadmap(ws)
    ws.close()
    assert not path.with_name(path.name + "-wal").exists()
    moved = tmp_path / "moved" / "alone.pmdesk"
    moved.parent.mkdir()
    moved.write_bytes(path.read_bytes())
    with Workspace.open(moved) as copy:
        assert copy.service(RoadmapService).items.count() == 3


def test_file_is_marked_as_pmdesk_and_versioned(workspace: Workspace):
    header = workspace.path.read_bytes()[:100]
    assert struct.unpack(">I", header[68:72])[0] == schema.APPLICATION_ID
    with workspace.engine.connect() as conn:
        assert _pragma(conn, "application_id") == schema.APPLICATION_ID
        stored = conn.execute(sa.select(Meta.value).where(Meta.key == "schema_version"))
        assert stored.scalar_one() == str(schema.SCHEMA_VERSION)
    assert workspace.schema_version == schema.SCHEMA_VERSION


def test_write_connections_use_wal_full_sync_and_foreign_keys(workspace: Workspace):
    # Two connections at once: the pool hands out distinct ones, each configured.
    with workspace.engine.connect() as first, workspace.engine.connect() as second:
        assert first.connection.dbapi_connection is not second.connection.dbapi_connection
        for conn in (first, second):
            assert _pragma(conn, "foreign_keys") == 1
            assert _pragma(conn, "journal_mode") == "wal"
            assert _pragma(conn, "synchronous") == 2  # FULL


def test_read_only_connections_enforce_foreign_keys_in_every_thread(workspace: Workspace):
    reader = Workspace.open(workspace.path, read_only=True)
    try:
        seen: list[int] = []

        def look() -> None:
            with reader.engine.connect() as conn:
                seen.append(_pragma(conn, "foreign_keys"))

        look()
        worker = threading.Thread(target=look)
        worker.start()
        worker.join()
        assert seen == [1, 1]
    finally:
        reader.close()


def test_foreign_keys_are_enforced_on_writes(workspace: Workspace):
    product, lane, _items = _add_roadmap(workspace)
    with pytest.raises(ValidationError, match="no longer exists"):
        workspace.service(RoadmapService).items.create(
            product_id=product.id,
            lane_id=lane.id + 1000,
            name="Orphan",
            start_date="2027-01-01",
            end_date="2027-01-02",
        )
    # ON DELETE CASCADE works only with foreign keys on: the items go with their product.
    workspace.service(PortfolioService).products.delete(product.id)
    assert workspace.service(RoadmapService).items.count() == 0


# -- locking ------------------------------------------------------------------------


def test_second_writer_is_refused_until_the_first_closes(workspace: Workspace):
    with pytest.raises(WorkspaceLockedError) as refused:
        Workspace.open(workspace.path)
    assert str(os.getpid()) in str(refused.value)
    assert "read-only" in str(refused.value)
    workspace.close()
    with Workspace.open(workspace.path) as second:
        assert not second.read_only


def test_reader_sees_the_writers_later_commits(workspace: Workspace):
    reader = Workspace.open(workspace.path, read_only=True)
    try:
        assert reader.service(PortfolioService).list_products() == []
        _add_roadmap(workspace, product_name=TRICKY)
        names = [p.name for p in reader.service(PortfolioService).list_products()]
        assert names == [TRICKY]
        assert reader.service(RoadmapService).items.count() == 3
    finally:
        reader.close()


def test_edits_through_a_read_only_workspace_are_refused(workspace: Workspace):
    product, _lane, items = _add_roadmap(workspace)
    before = _dump(workspace)
    reader = Workspace.open(workspace.path, read_only=True)
    try:
        portfolio = reader.service(PortfolioService)
        with pytest.raises(ReadOnlyError, match="read-only"):
            portfolio.create_product(name="Not saved")
        with pytest.raises(ReadOnlyError):
            portfolio.products.update(product.id, name="Renamed")
        with pytest.raises(ReadOnlyError):
            reader.service(RoadmapService).items.delete([i.id for i in items])
        with pytest.raises(ReadOnlyError):
            with reader.transaction():
                pass
        # Even SQL that goes around the services cannot write: the connection is read-only.
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            with reader.read() as session:
                session.execute(sa.delete(Product))
                session.flush()
    finally:
        reader.close()
    assert _dump(workspace) == before


def test_read_only_session_leaves_no_files_behind(tmp_path: Path):
    path = tmp_path / "quiet.pmdesk"
    ws = Workspace.create(path)
    _add_roadmap(ws)
    ws.close()
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    reader = Workspace.open(path, read_only=True)
    assert reader.check().ok
    reader.close()
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    assert after == before


def test_closing_removes_the_lock_file_and_a_stale_one_does_not_block(tmp_path: Path):
    path = tmp_path / "tidy.pmdesk"
    lock_file = tmp_path / "tidy.pmdesk.lock"
    ws = Workspace.create(path)
    assert lock_file.exists()
    ws.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tidy.pmdesk"]
    # A crash leaves the .lock file behind, but no lock on it: the next open goes ahead.
    lock_file.write_text('{"pid": 999999, "host": "gone"}')
    with Workspace.open(path):
        pass
    assert not lock_file.exists()


def test_lock_file_deleted_while_waiting_is_not_shared(tmp_path: Path, monkeypatch):
    """The race of deleting lock files: B opened A's lock file just before A deleted it.

    B then gets the lock on the deleted file; it must notice and lock the file that
    is at the path now, so that C is still refused while B holds it.
    """
    monkeypatch.setattr(filelock, "_LOCKS_THE_FILE", False)  # the .lock file alone, as on Windows
    target = tmp_path / "race.pmdesk"
    first, second, third = (filelock.WorkspaceLock(target) for _ in range(3))
    first.acquire()
    real_lock = filelock._lock
    calls = []

    def release_first_then_lock(fd: int) -> None:
        if not calls:
            first.release()  # deletes the file B has just opened
        calls.append(fd)
        real_lock(fd)

    monkeypatch.setattr(filelock, "_lock", release_first_then_lock)
    second.acquire()
    monkeypatch.setattr(filelock, "_lock", real_lock)
    assert len(calls) == 2  # locked the deleted file, noticed, locked the new one
    assert str(os.getpid()) in second.path.read_text()
    with pytest.raises(filelock.LockHeld):
        third.acquire()
    second.release()
    third.acquire()
    third.release()


@pytest.mark.parametrize("route", ["symbolic link", "hard link", "deleted .lock file"])
def test_no_second_writer_through_another_name_or_without_the_lock_file(route, tmp_path: Path):
    """The lock belongs to the file, not to the name it was opened by."""
    path = tmp_path / "one.pmdesk"
    first = Workspace.create(path)
    other = tmp_path / "other.pmdesk"
    if route == "symbolic link":
        other.symlink_to(path)
    elif route == "hard link":
        os.link(path, other)
    else:
        (tmp_path / "one.pmdesk.lock").unlink()
        other = path
    try:
        with pytest.raises(WorkspaceLockedError, match="read-only"):
            Workspace.open(other)
        with Workspace.open(other, read_only=True) as reader:  # reading stays possible
            assert reader.check().ok
    finally:
        first.close()
    with Workspace.open(other) as second:
        assert not second.read_only


def test_lock_held_by_another_process(tmp_path: Path):
    path = tmp_path / "shared.pmdesk"
    Workspace.create(path).close()
    child = subprocess.Popen(
        [sys.executable, str(KILL_CHILD), "hold", str(path), TRICKY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )
    try:
        ready = child.stdout.readline().decode("utf-8").split()
        assert ready[:1] == ["ready"], child.stderr.read().decode()
        with pytest.raises(WorkspaceLockedError, match=f"process {child.pid} "):
            Workspace.open(path)
        with Workspace.open(path, read_only=True) as reader:
            assert [p.name for p in reader.service(PortfolioService).list_products()] == [TRICKY]
        child.stdin.close()
        assert child.stdout.readline().decode().strip() == "closed"
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    with Workspace.open(path) as writer:
        assert writer.service(PortfolioService).product_by_name(TRICKY)


# -- save a copy ----------------------------------------------------------------------


def test_save_copy_is_standalone_and_holds_the_latest_edits(workspace: Workspace, tmp_path: Path):
    product, _lane, items = _add_roadmap(workspace)
    workspace.service(RoadmapService).items.update(items[0].id, notes=TRICKY)
    (tmp_path / "copies").mkdir()
    copy_path = workspace.save_copy(tmp_path / "copies" / TRICKY_FILE)
    # The original stays open for writing; an edit after the copy stays out of it.
    workspace.service(PortfolioService).create_product(name="After the copy")

    assert copy_path.exists()
    assert not copy_path.with_name(copy_path.name + "-wal").exists()
    with Workspace.open(copy_path) as copy:
        assert copy.check().ok
        assert copy.service(RoadmapService).items.get(items[0].id).notes == TRICKY
        names = [p.name for p in copy.service(PortfolioService).list_products()]
        assert names == [product.name]
    assert workspace.service(PortfolioService).products.count() == 2


def test_save_copy_refuses_the_open_file_itself(workspace: Workspace, tmp_path: Path):
    _add_roadmap(workspace)
    before = _dump(workspace)
    other_spelling = tmp_path / "sub" / ".." / workspace.path.name
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.pmdesk"
    link.symlink_to(workspace.path)
    for target in (workspace.path, other_spelling, link):
        with pytest.raises(PmdeskError, match="different file"):
            workspace.save_copy(target)
    assert _dump(workspace) == before
    assert workspace.check().ok


# -- failed transactions --------------------------------------------------------------


def test_error_inside_a_transaction_leaves_the_file_as_it_was(workspace: Workspace):
    product, lane, items = _add_roadmap(workspace)
    before = _dump(workspace)
    published = []
    workspace.changes.subscribe(published.append)
    with pytest.raises(ValidationError, match="not today"):
        with workspace.transaction() as uow:
            uow.session.get(RoadmapItem, items[0].id).name = "Half-made edit"
            uow.session.add(Product(name="Half-made product"))
            uow.session.flush()
            raise ValidationError("name", "not today")
    assert _dump(workspace) == before
    assert published == []


def test_check_constraint_failure_leaves_the_file_as_it_was(workspace: Workspace):
    product, lane, items = _add_roadmap(workspace)
    before = _dump(workspace)
    with pytest.raises(ValidationError, match="end after start"):
        with workspace.transaction() as uow:
            uow.session.get(RoadmapItem, items[0].id).progress = 10
            uow.session.add(
                RoadmapItem(
                    product_id=product.id,
                    lane_id=lane.id,
                    name="Backwards",
                    start_date=dt.date(2027, 5, 2),
                    end_date=dt.date(2027, 5, 1),
                )
            )
    assert _dump(workspace) == before
    workspace.close()
    with Workspace.open(workspace.path) as again:
        assert _dump(again) == before


# -- check ---------------------------------------------------------------------------------


def test_check_counts_every_table(workspace: Workspace):
    _add_roadmap(workspace, "Atlas", items=3)
    _add_roadmap(workspace, "Borealis", items=2)
    product = workspace.service(PortfolioService).product_by_name("Atlas")
    workspace.service(StakeholderService).stakeholders.create(product_id=product.id, name=TRICKY)

    report = workspace.check()
    assert report.ok and report.integrity == "ok"
    assert report.path == workspace.path
    assert report.schema_version == schema.SCHEMA_VERSION
    expected_tables = {t.name for t in Base.metadata.sorted_tables} - {"meta"}
    assert set(report.counts) == expected_tables
    assert report.counts["product"] == 2
    assert report.counts["lane"] == 2
    assert report.counts["roadmap_item"] == 5
    assert report.counts["stakeholder"] == 1
    assert report.counts["workspace_info"] == 1
    assert report.counts["launch"] == 0


def test_check_reports_broken_references(workspace: Workspace):
    _add_roadmap(workspace)
    workspace.close()
    # Another tool writes with foreign keys off (SQLite's default) and leaves orphans.
    raw = sqlite3.connect(workspace.path)
    raw.execute("UPDATE roadmap_item SET lane_id = 4242")
    raw.commit()
    raw.close()
    with Workspace.open(workspace.path, read_only=True) as reader:
        report = reader.check()
    assert not report.ok
    assert "3 broken references" in report.integrity
    assert "roadmap_item" in report.integrity
