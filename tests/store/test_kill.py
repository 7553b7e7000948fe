"""Killing pmdesk mid-edit loses nothing it had committed and never damages the file.

A child process (kill_child.py) edits the workspace through the services and
reports each committed edit on stdout. The parent kills it with SIGKILL after a
random number of reports, then reopens the file for writing (the OS must have
dropped the dead child's lock), runs a full integrity check and finds every
reported edit. Half of the rounds first read the file read-only, straight after
the kill, as a second pmdesk would: that reader must cope with the WAL the dead
writer left behind.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pmdesk.store.models import RoadmapItem
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL does not exist on Windows"),
]

KILL_CHILD = Path(__file__).with_name("kill_child.py")
sys.path.insert(0, str(KILL_CHILD.parent))
from kill_child import item_name  # noqa: E402

ROUNDS = 25
SEED = 20240611
MAX_LINES = 40
LINE_TIMEOUT = 30.0


class LineReader:
    """Reads whole lines from a child's stdout with a deadline, so a stuck child fails fast."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.fd = proc.stdout.fileno()
        self.buffer = b""

    def readline(self) -> str:
        deadline = time.monotonic() + LINE_TIMEOUT
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.fd], [], [], max(remaining, 0))
            if not ready:
                raise AssertionError("the child printed nothing for too long")
            chunk = os.read(self.fd, 65536)
            if not chunk:
                raise AssertionError(f"the child ended early: {self.proc.stderr.read().decode()}")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode("utf-8")

    def rest(self) -> list[str]:
        """The lines printed before the child died but not read yet (it is dead: read to EOF).

        Each report is one write of a few dozen bytes to a pipe, which is atomic, so
        only complete lines can be there.
        """
        while chunk := os.read(self.fd, 65536):
            self.buffer += chunk
        lines, self.buffer = self.buffer.split(b"\n"), b""
        assert lines[-1] == b"", f"a report was cut in half: {lines[-1]!r}"
        return [line.decode("utf-8") for line in lines[:-1]]


def _start_child(path: Path, product_id: int, lane_id: int, round_no: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(KILL_CHILD),
            "edit",
            str(path),
            str(product_id),
            str(lane_id),
            str(round_no),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _parse_reports(lines: list[str]) -> tuple[dict[int, str], dict[int, int]]:
    """{item id: name} of the items created and {item id: progress} of those updated."""
    created: dict[int, str] = {}
    updated: dict[int, int] = {}
    for line in lines:
        verb, item_id, rest = line.split(" ", 2)
        if verb == "created":
            created[int(item_id)] = rest
        else:
            assert verb == "updated", line
            updated[int(item_id)] = int(rest)
    return created, updated


def _edit_then_kill(path: Path, product_id: int, lane_id: int, round_no: int, lines: int):
    """Start a child, kill it with SIGKILL after ``lines`` reports; every report it made."""
    child = _start_child(path, product_id, lane_id, round_no)
    try:
        reader = LineReader(child)
        reports = [reader.readline() for _ in range(lines)]
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=LINE_TIMEOUT) == -signal.SIGKILL
        return _parse_reports(reports + reader.rest())
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()


def _items_of_round(ws: Workspace, round_no: int) -> dict[int, RoadmapItem]:
    prefix = f"Round {round_no} item "
    items = ws.service(RoadmapService).items.list(RoadmapItem.name.startswith(prefix))
    return {item.id: item for item in items}


def _assert_edits_kept(ws: Workspace, round_no: int, created: dict, updated: dict) -> int:
    """Every reported edit is in the file; returns how many items the round left."""
    items = _items_of_round(ws, round_no)
    for item_id, name in created.items():
        assert item_id in items, f"round {round_no}: reported item {item_id} is missing"
        assert items[item_id].name == name
    for item_id, progress in updated.items():
        assert items[item_id].progress == progress, f"round {round_no}: item {item_id}"
    # At most one edit can have committed after the last report (killed before printing it).
    assert len(created) <= len(items) <= len(created) + 1
    expected_names = {item_name(round_no, n) for n in range(len(items))}
    assert {item.name for item in items.values()} == expected_names
    return len(items)


def _assert_sound(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []


def _kill_rounds(path: Path, rounds: range, seed: int) -> None:
    """Rounds of edit-and-kill on one file, each followed by a reopen and a full check."""
    with Workspace.create(path) as ws:
        product = ws.service(PortfolioService).create_product(name="Atlas")
        lane = ws.service(RoadmapService).lanes.create(product_id=product.id, name="Platform")
    rng = random.Random(seed)
    kept = 0
    for round_no in rounds:
        lines = rng.randint(1, MAX_LINES)
        created, updated = _edit_then_kill(path, product.id, lane.id, round_no, lines)
        if round_no % 2 == 0:
            with Workspace.open(path, read_only=True) as reader:
                _assert_edits_kept(reader, round_no, created, updated)
        with Workspace.open(path) as ws:  # WorkspaceLockedError if the lock outlived the child
            _assert_sound(ws)
            kept += _assert_edits_kept(ws, round_no, created, updated)
    # Later rounds (and their crashes) never took away what earlier rounds had kept.
    with Workspace.open(path, read_only=True) as ws:
        assert ws.check().ok
        assert ws.service(RoadmapService).items.count() == kept


def test_sigkill_mid_edit_loses_no_committed_edit(tmp_path: Path):
    # Two files side by side, one thread each: the machine's two cores halve the wait.
    halves = [range(0, ROUNDS, 2), range(1, ROUNDS, 2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [
            pool.submit(_kill_rounds, tmp_path / f"killed {n}.pmdesk", rounds, SEED + n)
            for n, rounds in enumerate(halves)
        ]
        for run in runs:
            run.result()
