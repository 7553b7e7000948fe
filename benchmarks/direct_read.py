"""What reading the opening view straight from the file would save: ``python benchmarks/direct_read.py``

A prototype's measurement, not a feature: pmdesk reads its first view through the store
(SQLAlchemy's ORM and the models, imported before any plan is read). This prices the
other way, reading with Python's own ``sqlite3`` and loading SQLAlchemy after the first
paint, on the same file, before anyone writes it.

1. pmdesk is started in process on the file (the demo by default, on its Portfolio view)
   until its view is drawn, and every statement SQLite runs on the store's connections
   is recorded with its values: the file's value checks and the view's reads.
2. Two scripts then run in fresh processes, alternately (ABBA), each timed by wall clock
   and CPU from its first line:

   - ``store``: import the store, ``open_workspace(FILE)`` (the structural checks on
     their thread, then the value checks), and the Portfolio view's data
     (``portfolio_overview``, the products, the workspace's name);
   - ``direct``: import ``sqlite3`` and the structural checks only (they need no
     SQLAlchemy), run them, then the recorded value checks and reads with ``sqlite3``,
     every row fetched.

The difference is what the direct way would save before the first paint. It leaves out
building the view's rows in Python from plain rows (the store's path includes it), so it
is an upper bound of the saving, a little above what a complete change would give.

Options: ``--file PATH`` another workspace (opened on the Portfolio, as the demo is),
``--pairs N`` (default 8).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import isolated_env
from startup import demo_file

CAPTURE = r"""
import json, sqlite3, sys, threading
recorded = []
connect = sqlite3.connect

def recording_connect(*args, **kwargs):
    conn = connect(*args, **kwargs)
    thread = threading.current_thread().name
    conn.set_trace_callback(lambda statement: recorded.append((thread, statement)))
    return conn

sqlite3.connect = recording_connect
import atexit
atexit.register(lambda: json.dump(recorded, open(sys.argv[2], "w", encoding="utf-8")))
from pmdesk.cli import main
main([sys.argv[1]])
"""

STORE = r"""
import gc, sys, time
gc.disable()  # as pmdesk's start does
wall, cpu = time.perf_counter(), time.process_time()
from pmdesk.store.factory import open_workspace
from pmdesk.store.services.portfolio import PortfolioService, portfolio_overview
ws = open_workspace(sys.argv[1])
rows = portfolio_overview(ws)
service = ws.service(PortfolioService)
service.list_products()
service.workspace_info()
print(time.perf_counter() - wall, time.process_time() - cpu)
ws.close()
"""

DIRECT = r"""
import gc, sys, time
gc.disable()
wall, cpu = time.perf_counter(), time.process_time()
import json, sqlite3
from pathlib import Path
from pmdesk.store import sqlite_file
path = Path(sys.argv[1])
sqlite_file.read_header(path)
sqlite_file.Inspection(path, thorough=True).version()
conn = sqlite3.connect(path)
for statement in json.load(open(sys.argv[2], encoding="utf-8")):
    conn.execute(statement).fetchall()
print(time.perf_counter() - wall, time.process_time() - cpu)
assert "sqlalchemy" not in sys.modules
"""


def timed(script: str, file: Path, replay: Path, env: dict[str, str]) -> tuple[float, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, str(file), str(replay)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="workspace (default: the demo)")
    parser.add_argument("--pairs", type=int, default=8)
    args = parser.parse_args()
    file = args.file or demo_file()
    with tempfile.TemporaryDirectory(prefix="pmdesk-direct-") as folder:
        home = Path(folder)
        env = isolated_env(home, "offscreen")
        env["PMDESK_BENCH_FIRST_PAINT"] = "1"
        (home / "config").mkdir(exist_ok=True)
        (home / "config" / "pmdesk.ini").write_text("[view]\nlast=portfolio\n")
        recorded = home / "recorded.json"
        subprocess.run([sys.executable, "-c", CAPTURE, str(file), str(recorded)],
                       env=env, capture_output=True, check=True)  # fmt: skip
        statements = [
            statement
            for thread, statement in json.loads(recorded.read_text(encoding="utf-8"))
            if thread != "pmdesk-inspect" and statement.lstrip().upper().startswith("SELECT")
        ]
        replay = home / "replay.json"
        replay.write_text(json.dumps(statements), encoding="utf-8")
        print(f"{file.name}: {len(statements)} SELECT statements on the store's connections "
              "(value checks and the view's reads)")  # fmt: skip
        timed(STORE, file, replay, env), timed(DIRECT, file, replay, env)  # bytecode written
        runs: dict[str, list[tuple[float, float]]] = {"store": [], "direct": []}
        for pair in range(args.pairs):
            for who in ("store", "direct") if pair % 2 == 0 else ("direct", "store"):
                runs[who].append(timed(STORE if who == "store" else DIRECT, file, replay, env))
    for who, done in runs.items():
        print(f"{who:>6}: wall median {statistics.median(w for w, _ in done):.3f} s, "
              f"CPU median {statistics.median(c for _, c in done):.3f} s")  # fmt: skip
    pairs = list(zip(runs["store"], runs["direct"], strict=True))
    load = " ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"saved before the first paint, median of {len(pairs)} paired differences: "
        f"wall {statistics.median(s[0] - d[0] for s, d in pairs):.3f} s, "
        f"CPU {statistics.median(s[1] - d[1] for s, d in pairs):.3f} s; load average {load}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
