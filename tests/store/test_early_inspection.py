"""A file pmdesk is started on is checked from the very start, while Qt loads.

``pmdesk FILE`` starts the file's checks (:func:`sqlite_file.inspect_early`) before the
window's code, Qt or the store are imported; ``open_workspace`` takes them over when the
window opens the file, if the file is still as it was. Whatever the checks find is
refused exactly as an open that checked the file itself refuses it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pmdesk.store import sqlite_file
from pmdesk.store.demo import create_demo
from pmdesk.store.errors import DamagedWorkspaceError, NotAWorkspaceError
from pmdesk.store.factory import create_workspace, open_workspace
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = create_demo(tmp_path_factory.mktemp("early") / "demo.pmdesk")
    Workspace.open(path).close()  # folded back: the file stands alone
    return path


@pytest.fixture
def plan(demo_file, tmp_path) -> Path:
    path = tmp_path / "plan.pmdesk"
    shutil.copyfile(demo_file, path)
    return path


def test_the_open_takes_over_the_checks_started_early(plan):
    sqlite_file.inspect_early(plan)
    early = sqlite_file._EARLY[(plan.resolve(), True)][1]
    with open_workspace(plan) as ws:
        assert ws.check().ok
    assert (plan.resolve(), True) not in sqlite_file._EARLY  # taken, once
    assert early.version() == ws.schema_version
    # Another open of the same file checks it again itself.
    assert sqlite_file.take_early(plan, thorough=True) is None
    with open_workspace(plan) as ws:
        assert ws.check().ok


def test_checks_of_a_file_changed_since_are_not_used(plan):
    sqlite_file.inspect_early(plan)
    sqlite_file._EARLY[(plan.resolve(), True)][1].version()  # done, on the file as it was
    conn = sqlite3.connect(plan)
    with conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE roadmap_item SET progress = 'half'")
    conn.close()
    os.utime(plan, ns=(1, 1))  # whatever the clock, the file is not as it was checked
    with pytest.raises(DamagedWorkspaceError, match="progress holds 'half'"):
        open_workspace(plan)
    assert sqlite_file.take_early(plan, thorough=True) is None


def test_a_read_only_open_does_not_take_the_thorough_checks_meant_for_editing(plan):
    sqlite_file.inspect_early(plan)
    assert sqlite_file.take_early(plan, thorough=False) is None
    assert sqlite_file.take_early(plan, thorough=True) is not None


def test_what_the_early_checks_find_is_refused_as_the_open_would(plan, tmp_path):
    conn = sqlite3.connect(plan)
    with conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE roadmap_item SET progress = 'half'")
    conn.close()
    with pytest.raises(DamagedWorkspaceError) as itself:
        Workspace.open(plan)
    before = plan.read_bytes()
    sqlite_file.inspect_early(plan)
    with pytest.raises(DamagedWorkspaceError) as early:
        open_workspace(plan)
    assert str(early.value) == str(itself.value)
    assert plan.read_bytes() == before


@pytest.mark.parametrize("kind", ["missing", "foreign", "empty", "journal", "folder"])
def test_a_file_that_cannot_be_checked_early_is_left_to_the_open(tmp_path, kind):
    path = tmp_path / "odd.pmdesk"
    if kind == "foreign":
        path.write_text("just some text", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "folder":
        path.mkdir()
    elif kind == "journal":
        create_workspace(path, name="Plan").close()
        sqlite_file.sidecar(path, "-journal").write_bytes(b"\0" * 512)
    sqlite_file.inspect_early(path)
    assert not any(key[0] == path.resolve() for key in sqlite_file._EARLY)
    if kind != "journal":
        with pytest.raises(NotAWorkspaceError):
            open_workspace(path)


def test_pmdesk_file_starts_the_checks_before_the_window_and_the_store(plan):
    """``pmdesk FILE`` as a process, stopped where the window would be started: the
    checks are under way, and neither SQLAlchemy nor the models are loaded yet."""
    code = (
        "import sys\n"
        "import pmdesk.gui.app as app\n"  # imports Qt: its run_gui is replaced, not run
        "from pmdesk import cli\n"
        "def stand_in(path):\n"
        "    from pmdesk.store import sqlite_file\n"
        "    key = (path.resolve(), True)\n"
        "    early = sqlite_file._EARLY.get(key)\n"
        "    print(early is not None and early[1].version())\n"
        "    heavy = ('sqlalchemy', 'pmdesk.store.models', 'pmdesk.store.workspace')\n"
        "    print([name for name in heavy if name in sys.modules])\n"
        "    return 0\n"
        "app.run_gui = stand_in\n"
        "sys.exit(cli.main([sys.argv[1]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(plan)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    version, loaded = done.stdout.splitlines()
    with Workspace.open(plan, read_only=True) as ws:
        assert version == str(ws.schema_version)
    assert loaded == "[]"
