"""What the first view of a start does not load: code that only a later gesture needs.

The demo opens on its Portfolio: drawn without the gate review's dialog (loaded with the
first review), the format migrations (loaded to upgrade an older file) or the modules of
the commands that need no window (export, import, finance, team, history, what-if).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from pmdesk.gui.settings import Settings

SCRIPT = """
import sys
from pathlib import Path
import pmdesk.gui.app as app
from pmdesk.cli import main

report = app.FirstPaintReporter._report
watched = ("pmdesk.gui.lifecycle.gate_dialog", "pmdesk.store.migrations", "pmdesk.cli_")

def at_first_paint(self):
    shown = type(self._window.view_host.current_view()).__name__
    print("view:", shown, flush=True)
    loaded = sorted(m for m in sys.modules if m.startswith(watched))
    print("loaded:", ",".join(loaded), flush=True)
    report(self)

app.FirstPaintReporter._report = at_first_paint
sys.exit(main([sys.argv[1]]))
"""


def test_the_demo_is_drawn_without_what_only_later_gestures_need(tmp_path, demo_template):
    path = tmp_path / "Demo portfolio.pmdesk"
    shutil.copyfile(demo_template, path)
    settings = Settings.load()
    settings.last_view = "portfolio"
    settings.save()
    env = dict(os.environ, PMDESK_BENCH_FIRST_PAINT="1", QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path)],
        capture_output=True, text=True, timeout=60, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "view: PortfolioView" in lines, lines
    assert "loaded: " in lines, lines  # nothing of the watched modules
    assert any(line.startswith("first-paint ") for line in lines), lines
