"""Cold start to the first painted main window on the demo: ``python benchmarks/startup.py``

Each run is a fresh ``python -m pmdesk DEMO`` (offscreen by default) timed from
spawn to its ``first-paint`` line; prints every run, then the median, min and
max against the target of 1.0 s, and the child's peak memory.

The floor: ``floor_window.py``, a bare PySide6 QMainWindow that reports its first
paint the same way. pmdesk and the floor alternate in ABBA blocks (pmdesk, floor,
floor, pmdesk, ...), each pmdesk run is divided by the floor run next to it, and the
median of those ratios is printed (goal ≤ 2.5, issue 18). Both run with bytecode
written, as an installed app does: ``PYTHONDONTWRITEBYTECODE`` is removed from the
children's environment and one untimed run of each writes the ``.pyc`` files first.

Options: ``--runs N`` (default 8 of each, rounded up to whole ABBA blocks),
``--platform xcb`` for a real display, ``--file PATH`` for another workspace,
``--imports`` for one extra run under ``python -X importtime`` that lists the heavy
modules loaded by the first paint.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
from pathlib import Path

from common import CACHE, failed, first_paint, spread, verdict

FLOOR = Path(__file__).with_name("floor_window.py")
RATIO_GOAL = 2.5

TARGET = 1.0
# Modules the first paint should not need (pmdesk.gui.app's promise), and big ones to watch.
HEAVY = (
    "pyqtgraph",
    "numpy",
    "reportlab",
    "alembic",
    "pypdf",
    "PySide6.QtSvg",
    "PySide6.QtPrintSupport",
    "PySide6.QtCharts",
    "sqlalchemy",
)


def demo_file() -> Path:
    """This month's demo, made once and reused (the demo is the same all month)."""
    from pmdesk.store.demo import create_demo

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"demo-{dt.date.today():%Y-%m}.pmdesk"
    if not path.exists():
        create_demo(path)
    return path


def imports_at_first_paint(file: Path, platform: str) -> None:
    run = first_paint(file, platform=platform, python_flags=("-X", "importtime"))
    if run.wall is None:
        print(failed(run))
        return
    cumulative: dict[str, int] = {}
    outermost: dict[str, int] = {}  # imports not made by another import
    for line in run.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)", line)
        if found:
            cumulative[found.group(3)] = int(found.group(1))
            if len(found.group(2)) <= 1:
                outermost[found.group(3)] = int(found.group(1))
    loaded = [name for name in HEAVY if name in cumulative]
    print(
        f"\nimported by the first paint ({len(cumulative)} modules): "
        + (", ".join(f"{n} {cumulative[n] / 1e6:.3f} s" for n in loaded) or "none of the heavy")
    )
    absent = [name for name in HEAVY if name not in cumulative]
    print(f"not imported: {', '.join(absent) or '-'}")
    top = sorted(((t, n) for n, t in outermost.items()), reverse=True)[:8]
    print("slowest outermost imports: " + ", ".join(f"{n} {t / 1e6:.3f} s" for t, n in top))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--platform", default="offscreen", help="offscreen (default) or xcb")
    parser.add_argument("--file", type=Path, help="workspace to open (default: the demo)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument(
        "--imports",
        action="store_true",
        help="one extra run under -X importtime listing the heavy modules",
    )
    args = parser.parse_args(argv)
    file = args.file or demo_file()
    blocks = -(-args.runs // 2)
    print(
        f"pmdesk cold start to first paint: {file}, {2 * blocks} runs each of pmdesk and a "
        f"bare QMainWindow in ABBA order, QT_QPA_PLATFORM={args.platform}, "
        f"Python {sys.version.split()[0]}, bytecode written"
    )
    for warm in (dict(file=file), dict(file=None, script=FLOOR)):  # untimed: writes the .pyc
        if first_paint(platform=args.platform, timeout=args.timeout, **warm).wall is None:
            print("warm-up run failed")
    walls, reported, peaks, floors, ratios = [], [], [], [], []
    for _ in range(blocks):
        block = []
        for who in ("pmdesk", "floor", "floor", "pmdesk"):
            run = (
                first_paint(file, platform=args.platform, timeout=args.timeout)
                if who == "pmdesk"
                else first_paint(None, platform=args.platform, timeout=args.timeout, script=FLOOR)
            )
            if run.wall is None:
                print(failed(run))
                return 1
            block.append(run)
            if who == "floor":
                floors.append(run.wall)
                print(f"  floor:  {run.wall:.3f} s wall, peak {run.peak_mib or 0:.0f} MiB")
                continue
            walls.append(run.wall)
            reported.append(run.reported)
            peaks.append(run.peak_mib or 0.0)
            print(
                f"  pmdesk: {run.wall:.3f} s wall (app: {run.reported:.3f} s after "
                f"pmdesk.gui.app import), peak {run.peak_mib or 0:.0f} MiB"
            )
        ratios += [block[0].wall / block[1].wall, block[3].wall / block[2].wall]
    print(f"spawn → first paint: {spread(walls)}   {verdict(statistics.median(walls), TARGET)}")
    print(f"app's own figure:    {spread(reported)}")
    print(f"peak memory:         {spread(peaks, 'MiB', 0)}")
    print(f"floor (bare QMainWindow): {spread(floors)}")
    met = statistics.median(ratios) <= RATIO_GOAL
    print(
        f"pmdesk ÷ floor, paired: {spread(ratios, '×', 2)} over {len(ratios)} pairs   "
        f"goal ≤ {RATIO_GOAL:g}: {'met' if met else 'MISSED'}"
    )
    if args.imports:
        imports_at_first_paint(file, args.platform)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
