"""A crash in the middle of the format upgrade never locks a person out of an intact file.

The upgrade writes in rollback-journal mode (a saved copy's own mode); a process killed
before the commit leaves a "hot" journal that the read-only checks cannot replay. The
next open for editing rolls it back — on a copy first, verified — and upgrades again.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pmdesk.store import schema
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.services import PortfolioService, StakeholderService
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).with_name("fixtures")

# Runs the real upgrade with a tiny page cache (so changed pages reach the file before
# the commit, as they do in a large file) and stops just before the commit.
CHILD = """
import sys, time
from pathlib import Path
from pmdesk.store import file_schema, upgrade
from pmdesk.store.workspace import Workspace

configure = upgrade.configure_for_migration
def small_cache(dbapi, record):
    configure(dbapi, record)
    dbapi.execute("PRAGMA cache_size = 2")
upgrade.configure_for_migration = small_cache

verify = file_schema.verify
def stall_before_commit(found, version):
    if version == int(sys.argv[2]):
        print("ready", flush=True)
        time.sleep(600)
    verify(found, version)
file_schema.verify = stall_before_commit
Workspace.open(Path(sys.argv[1]))
"""


def _kill_mid_upgrade(path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(schema.SCHEMA_VERSION)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)


def _contents(path: Path) -> tuple:
    with Workspace.open(path, read_only=True) as ws:
        products = sorted((p.name, p.stage) for p in ws.service(PortfolioService).list_products())
        people = sorted(s.name for s in ws.service(StakeholderService).stakeholders.list())
        return products, people


@pytest.fixture
def old_file(tmp_path) -> Path:
    path = tmp_path / "old.pmdesk"
    shutil.copyfile(FIXTURES / "schema_v1.pmdesk", path)
    return path


def test_a_kill_during_the_upgrade_is_recovered_on_the_next_open(old_file, tmp_path):
    untouched = tmp_path / "reference.pmdesk"
    shutil.copyfile(old_file, untouched)
    original = old_file.read_bytes()

    _kill_mid_upgrade(old_file)
    journal = old_file.with_name(old_file.name + "-journal")
    assert journal.stat().st_size > 0
    assert old_file.read_bytes() != original  # pages of the unfinished upgrade are in it

    # Read-only (pmdesk check, or a second pmdesk) cannot recover: it says what to do.
    with pytest.raises(DamagedWorkspaceError, match="open it for editing"):
        Workspace.open(old_file, read_only=True)

    with Workspace.open(old_file) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        assert ws.check().ok
    assert not journal.exists()
    Workspace.open(untouched).close()  # the same file, upgraded without a crash
    assert _contents(old_file) == _contents(untouched)


def test_a_journal_that_cannot_be_replayed_is_a_message_not_a_loop(old_file, monkeypatch):
    """Where SQLite cannot roll the file back (a read-only folder, say), the open stops
    with a message rather than trying again for ever."""
    from pmdesk.store import sqlite_file

    _kill_mid_upgrade(old_file)
    real = sqlite_file._roll_back
    monkeypatch.setattr(
        sqlite_file, "_roll_back", lambda path: real(path) if path != old_file else None
    )
    with pytest.raises(DamagedWorkspaceError, match="could not be undone in this folder"):
        Workspace.open(old_file)
    assert old_file.with_name(old_file.name + "-journal").exists()
