"""A read-only look at a file leaves nothing beside it that was not there before.

A WAL-mode file can come with a ``-wal`` and no ``-shm``: copied while pmdesk had it
open, or left so by a crash. Its commits are part of the file, so ``pmdesk check`` and
a read-only workspace read it, but SQLite would create a ``-shm`` for that and never
remove it from a read-only connection. Here each way of reading such a file must leave
the folder as it found it, byte for byte; the next pmdesk that opens it for editing
replays the ``-wal`` and folds it back.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pmdesk.store.demo import create_demo
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

KILL_CHILD = Path(__file__).with_name("kill_child.py")
NAMES = ["Atlas <b>&</b> 🚀", "Borealis"]


def _folder(path: Path) -> dict[str, bytes]:
    """Every file in the folder with its bytes (the -shm's by name only: SQLite's scratch)."""
    return {
        p.name: b"" if p.name.endswith("-shm") else p.read_bytes()
        for p in sorted(path.parent.iterdir())
        if p.is_file()
    }


def _copied_while_open(folder: Path) -> Path:
    """The file and its -wal copied while pmdesk has it open for writing: no -shm."""
    live = folder / "live" / "plan.pmdesk"
    live.parent.mkdir()
    with Workspace.create(live) as ws:
        for name in NAMES:  # committed to the -wal, not yet to the file
            ws.service(PortfolioService).create_product(name=name)
        copy = folder / "copy" / "plan.pmdesk"
        copy.parent.mkdir()
        for suffix in ("", "-wal"):
            shutil.copyfile(f"{live}{suffix}", f"{copy}{suffix}")
    assert sorted(p.name for p in copy.parent.iterdir()) == ["plan.pmdesk", "plan.pmdesk-wal"]
    return copy


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmdesk", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _products(ws: Workspace) -> list[str]:
    return [p.name for p in ws.service(PortfolioService).list_products()]


def test_pmdesk_check_of_a_file_with_a_lone_wal_leaves_no_shm(tmp_path):
    path = _copied_while_open(tmp_path)
    before = _folder(path)
    done = _check(path)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\s+product\s+2$", done.stdout, re.MULTILINE), done.stdout  # the -wal's
    assert _folder(path) == before


def test_a_read_only_workspace_on_a_lone_wal_reads_it_and_leaves_no_shm(tmp_path):
    path = _copied_while_open(tmp_path)
    before = _folder(path)
    with Workspace.open(path, read_only=True) as ws:
        assert _products(ws) == NAMES  # the -wal's commits are read
        assert ws.check().ok
        second = ws.reopen_read_only()  # a worker thread's handle
        assert _products(second) == NAMES
        second.close()
        saved = ws.save_copy(tmp_path / "saved.pmdesk")
        assert _folder(path) == before
    assert _folder(path) == before
    with Workspace.open(saved, read_only=True) as copy:
        assert _products(copy) == NAMES
    # Opened for editing, the -wal is replayed and folded back into the file.
    with Workspace.open(path) as ws:
        assert _products(ws) == NAMES
    assert sorted(_folder(path)) == ["plan.pmdesk"]


def test_a_refused_file_with_a_lone_wal_is_left_as_it_was(tmp_path):
    """The damage is in the -wal only: found there, and nothing left beside the file."""
    live = tmp_path / "live" / "plan.pmdesk"
    live.parent.mkdir()
    Workspace.create(live).close()
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("PRAGMA ignore_check_constraints = ON")
    writer.execute("UPDATE work_calendar SET weekdays = 128")
    writer.commit()
    path = tmp_path / "copy" / "plan.pmdesk"
    path.parent.mkdir()
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{live}{suffix}", f"{path}{suffix}")
    writer.close()
    before = _folder(path)
    assert sorted(before) == ["plan.pmdesk", "plan.pmdesk-wal"]

    for read_only in (True, False):
        with pytest.raises(DamagedWorkspaceError, match="weekday set"):
            Workspace.open(path, read_only=read_only)
        assert _folder(path) == before
    done = _check(path)
    assert done.returncode == 2 and "weekday set" in done.stderr
    assert "Traceback" not in done.stderr
    assert _folder(path) == before


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows")
def test_after_a_killed_writer_check_and_reading_add_nothing(tmp_path):
    """SIGKILL leaves -wal and -shm: reading uses them and leaves exactly those two."""
    path = create_demo(tmp_path / "killed.pmdesk")
    Workspace.open(path).close()
    child = subprocess.Popen(
        [sys.executable, str(KILL_CHILD), "hold", str(path), NAMES[0]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )
    try:
        ready = child.stdout.readline().decode("utf-8").split()
        assert ready[:1] == ["ready"], child.stderr.read().decode()
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    names = set(_folder(path))
    assert {"killed.pmdesk-wal", "killed.pmdesk-shm"} <= names
    main_file = path.read_bytes()

    done = _check(path)
    assert done.returncode == 0, done.stderr
    with Workspace.open(path, read_only=True) as ws:
        assert NAMES[0] in _products(ws)
    assert set(_folder(path)) == names
    assert path.read_bytes() == main_file

    with Workspace.open(path) as ws:
        assert NAMES[0] in _products(ws)
    assert sorted(_folder(path)) == ["killed.pmdesk"]


def test_a_lone_wal_removed_while_reading_is_not_needed_again(tmp_path):
    """The reader holds its own copy: a writer folding the -wal back meanwhile is no matter."""
    path = _copied_while_open(tmp_path)
    with Workspace.open(path, read_only=True) as reader:
        with Workspace.open(path) as writer:  # replays the -wal, folds it back on close
            writer.service(PortfolioService).create_product(name="Cirrus")
        assert sorted(_folder(path)) == ["plan.pmdesk"]
        assert _products(reader) == NAMES  # what the file held when it was opened
    assert sorted(_folder(path)) == ["plan.pmdesk"]
    with Workspace.open(path, read_only=True) as reader:
        assert _products(reader) == [*NAMES, "Cirrus"]
