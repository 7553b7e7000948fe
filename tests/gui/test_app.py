"""run_gui as a real process: first paint reported, the right file opened, nothing heavy loaded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmdesk.gui.app import _startup_file
from pmdesk.gui.settings import Settings
from pmdesk.store.services.portfolio import PortfolioService
from pmdesk.store.workspace import Workspace

HEAVY = ("pyqtgraph", "reportlab", "alembic", "numpy")

SCRIPT = f"""
import sys
from pathlib import Path
from pmdesk.gui.app import run_gui
code = run_gui(Path(sys.argv[1]) if len(sys.argv) > 1 else None)
print("heavy:", ",".join(m for m in {HEAVY!r} if m in sys.modules))
import gc
print("frozen:", gc.get_freeze_count(), gc.isenabled())
sys.exit(code)
"""


def run_app(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, PMDESK_BENCH_FIRST_PAINT="1", QT_QPA_PLATFORM="offscreen")
    spawned = time.time()
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        capture_output=True, text=True, timeout=30, env=env, check=False,
    )  # fmt: skip
    return result, spawned


def lines_of(result: subprocess.CompletedProcess) -> dict[str, str]:
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "Bench & co.pmdesk"
    with Workspace.create(path) as ws:
        ws.service(PortfolioService).create_product(name="Only one")
    return path


def test_first_paint_is_reported_and_the_process_exits_cleanly(small_file):
    result, spawned = run_app(str(small_file))
    assert result.returncode == 0, result.stderr
    lines = lines_of(result)
    assert 0 < float(lines["first-paint"]) < 30
    assert spawned < float(lines["first-paint-wall"]) < time.time()
    cpu = float(lines["first-paint-cpu"])  # every thread's CPU time since the start
    assert 0 < cpu < (os.cpu_count() or 1) * (time.time() - spawned)
    assert lines["heavy:"] == "", "startup must not import these"
    # What the start made was frozen once the view was drawn, and the collector runs again.
    frozen, collecting = lines["frozen:"].split()
    assert int(frozen) > 10_000 and collecting == "True"
    # The window really opened the file (it remembers the product shown in it) and let go.
    assert Settings.load().product_for(small_file) is not None
    assert Settings.load().recent_files == [str(small_file)]
    Workspace.open(small_file).close()


def test_without_a_file_the_last_one_is_reopened(small_file):
    Settings(last_file=str(small_file)).save()
    result, _ = run_app()
    assert result.returncode == 0, result.stderr
    assert "first-paint" in lines_of(result)
    assert Settings.load().product_for(small_file) is not None


def test_first_run_shows_the_start_page():
    result, _ = run_app()
    assert result.returncode == 0, result.stderr
    assert "first-paint" in lines_of(result)
    assert Settings.load().recent_files == []


def test_startup_file_choice(tmp_path: Path):
    existing = tmp_path / "there.pmdesk"
    existing.write_bytes(b"")
    given = tmp_path / "given.pmdesk"
    assert _startup_file(given, str(existing)) == given
    assert _startup_file(None, str(existing)) == existing
    assert _startup_file(None, str(tmp_path / "gone.pmdesk")) is None
    assert _startup_file(None, "") is None
