"""Cold start to the first painted main window on the demo: ``python benchmarks/startup.py``

Each run is a fresh ``python -m pmdesk DEMO`` (offscreen by default), timed from
spawn to two lines the app prints (``PMDESK_BENCH_FIRST_PAINT``, see pmdesk.gui.app):

- ``window-paint``: the window's first paint, its chrome (menus, toolbar, the list of
  views, the file's name), shown before the file is opened. This is "cold start to the
  first painted window", the figure of issue 18.
- ``first-paint``: the first paint of the demo's view once the file is open, which is
  when the person can read and edit their portfolio. Reported beside it, never hidden.

Prints every run, then medians, min and max against the target of 1.0 s, and the
child's peak memory.

The floor: ``floor_window.py``, a bare PySide6 QMainWindow that reports its first
paint the same way. pmdesk and the floor alternate in ABBA blocks (pmdesk, floor,
floor, pmdesk, ...), each pmdesk run is divided by the floor run next to it, and the
median of those ratios is printed for both of pmdesk's figures (goal for the window:
≤ 2.5, issue 18). Both run with bytecode written, as an installed app does:
``PYTHONDONTWRITEBYTECODE`` is removed from the children's environment and one
untimed run of each writes the ``.pyc`` files first.

Options: ``--runs N`` (default 8 of each, rounded up to whole ABBA blocks),
``--platform xcb`` for a real display, ``--file PATH`` for another workspace,
``--imports`` for one extra run under ``python -X importtime`` that lists the heavy
modules loaded by the window's first paint, and those loaded to show the file;
``--view roadmap`` to open on another view. Each run also reports its CPU time (every
thread's) at the first paint of the file (``first-paint-cpu``), steadier than the wall
clock on a busy machine, and whether the store (SQLAlchemy) had loaded by then: a file
opened on its Roadmap is drawn before it (``pmdesk.store.early``).

``--against SRC`` compares two trees instead of pmdesk and the floor: this tree's
``pmdesk`` and the one in SRC (another checkout's ``src``, e.g. a ``git worktree`` of the
commit before a change), ABBA, with the medians of the paired ratios of the window, the
file drawn and the CPU time until drawn (until the child exited, right after, where
the other tree does not report it); below 1: this tree is faster. Both must read the
file's format.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from common import (
    CACHE,
    _pump,
    _reap,
    cached_workspace,
    isolated_env,
    peak_text,
    peaks_spread,
    spread,
    stamped_lines,
    verdict,
)

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


@dataclass(frozen=True)
class Start:
    window: float | None  # spawn -> "window-paint" read (the floor: its only paint)
    shown: float | None  # spawn -> "first-paint" read: the file's view drawn
    reported: float | None  # the app's own "first-paint" figure (since pmdesk.gui.app import)
    cpu: float | None  # the child's CPU time (all threads) at "first-paint": "first-paint-cpu"
    cpu_to_exit: float | None  # its CPU time until it exited (right after "first-paint")
    exit_code: int | None
    peak_mib: float | None
    output: list[str]  # stdout lines, stderr merged in (a failed start shows why)

    @property
    def store_before(self) -> str:
        """Whether SQLAlchemy was loaded at the view's first paint ("first-paint-sqlalchemy"):
        "store loaded", "store not loaded yet", or "" where the app does not say."""
        for line in self.output:
            if line.startswith("first-paint-sqlalchemy "):
                loaded = line.split()[1] == "True"
                return "store loaded" if loaded else "store not loaded yet"
        return ""


def demo_file() -> Path:
    """This month's demo, made once and reused (the demo is the same all month)."""
    from pmdesk.store.demo import create_demo

    return cached_workspace(CACHE / f"demo-{dt.date.today():%Y-%m}.pmdesk", create_demo)


def cold_start(
    file: Path | None,
    *,
    platform: str,
    timeout: float,
    script: Path | None = None,
    python_flags: tuple[str, ...] = (),
    merged: bool = False,
    view: str | None = None,
    src: Path | None = None,
) -> Start:
    """One cold start of ``python -m pmdesk FILE`` (or ``script``) until its ``first-paint``
    line; stderr goes into the same pipe (importtime lines keep their order, a failure says
    why); ``merged``: the rest of the output is read once it ends.
    ``view``: the view it opens on (written as the last one into its own settings);
    ``src``: run the ``pmdesk`` package of that folder (another tree's ``src``)."""
    with tempfile.TemporaryDirectory(prefix="pmdesk-bench-user-") as home:
        target = [str(script)] if script is not None else ["-m", "pmdesk", str(file)]
        env = isolated_env(Path(home), platform)
        if view is not None:
            (Path(home) / "config").mkdir()
            (Path(home) / "config" / "pmdesk.ini").write_text(
                f"[view]\nlast={view}\n", encoding="utf-8"
            )
        if src is not None:
            env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(src.resolve()), env.get("PYTHONPATH", "")])
            )
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *python_flags, *target],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # a start that fails says why (failed() shows the end)
            text=True,
            env=env,
        )
        lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        window = shown = reported = cpu = None
        output: list[str] = []
        for stamp, line in stamped_lines(lines, started + timeout):
            output.append(line)
            if line.startswith("window-paint "):
                window = stamp - started
            elif line.startswith("first-paint-cpu "):
                cpu = float(line.split()[1])
            elif line.startswith("first-paint "):
                shown, reported = stamp - started, float(line.split()[1])
                break
        if script is not None:  # the bare window has one paint: window and view at once
            window = shown
        exit_code, peak, cpu_to_exit = _reap(proc, grace=10.0 if shown is not None else 0.0)
        if merged:  # the rest of the output (importtime lines printed at exit)
            output.extend(line for _stamp, line in stamped_lines(lines, time.perf_counter() + 5.0))
        return Start(window, shown, reported, cpu, cpu_to_exit, exit_code, peak, output)


def failed(run: Start) -> str:
    tail = "\n".join(run.output[-15:])
    return (
        f"no 'window-paint' and 'first-paint' lines (exit code {run.exit_code}). Is the GUI "
        f"installed and does it honour PMDESK_BENCH_FIRST_PAINT?\n{tail}"
    )


def imports_at_first_paint(file: Path, platform: str, timeout: float) -> None:
    run = cold_start(file, platform=platform, timeout=timeout, python_flags=("-X", "importtime"),
                     merged=True)  # fmt: skip
    if run.window is None or run.shown is None:
        print(failed(run))
        return
    phases: list[tuple[dict[str, int], dict[str, int]]] = [({}, {})]
    for line in run.output:
        if line.startswith(("window-paint ", "first-paint ")):
            phases.append(({}, {}))
            continue
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( +)(\S+)", line)
        if found:
            cumulative, outermost = phases[-1]
            cumulative[found.group(3)] = int(found.group(1))
            if len(found.group(2)) <= 1:  # imports not made by another import
                outermost[found.group(3)] = int(found.group(1))
    for title, (cumulative, outermost) in zip(
        ("the window's first paint", "then, to show the file"), phases, strict=False
    ):
        loaded = [name for name in HEAVY if name in cumulative]
        print(
            f"\nimported by {title} ({len(cumulative)} modules): "
            + (", ".join(f"{n} {cumulative[n] / 1e6:.3f} s" for n in loaded) or "none of the heavy")
        )
        top = sorted(((t, n) for n, t in outermost.items()), reverse=True)[:8]
        print("slowest outermost imports: " + ", ".join(f"{n} {t / 1e6:.3f} s" for t, n in top))
    everything = {name for cumulative, _ in phases for name in cumulative}
    absent = [name for name in HEAVY if name not in everything]
    print(f"\nnot imported by the time the file is drawn: {', '.join(absent) or '-'}")


def against(args: argparse.Namespace, file: Path) -> int:
    """This tree's pmdesk (A) against another tree's (B, ``--against SRC``), ABBA: the
    median of the paired ratios A ÷ B of the window painted, the file drawn and the CPU
    time until drawn (``first-paint-cpu``; for a tree that does not print it, both trees'
    CPU time until they exited, right after); below 1: this tree is faster."""
    here = Path(__file__).resolve().parents[1] / "src"
    blocks = -(-args.runs // 2)
    print(
        f"pmdesk ({here}) against pmdesk ({args.against}): {file}, "
        f"{'view ' + args.view if args.view else 'its own view'}, {2 * blocks} runs each in "
        f"ABBA order, QT_QPA_PLATFORM={args.platform}, load average "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )
    options = dict(platform=args.platform, timeout=args.timeout, view=args.view)
    for src in (here, args.against):  # untimed: writes the .pyc
        if cold_start(file, src=src, **options).shown is None:
            print(f"warm-up run of {src} failed")
    runs: dict[str, list[Start]] = {"A": [], "B": []}
    ratios: dict[str, list[float]] = {"window": [], "drawn": [], "CPU": []}
    reports_cpu: list[bool] = []

    def cpu_of(run: Start) -> float:
        """CPU time until drawn where both trees print it, else until the child exited."""
        return (run.cpu if all(reports_cpu) else run.cpu_to_exit) or 0.0

    for _ in range(blocks):
        block = []
        for who in ("A", "B", "B", "A"):
            run = cold_start(file, src=here if who == "A" else args.against, **options)
            if run.window is None or run.shown is None or run.cpu_to_exit is None:
                print(failed(run))
                return 1
            block.append(run)
            runs[who].append(run)
            reports_cpu.append(run.cpu is not None)
            print(
                f"  {who}: window {run.window:.3f} s, drawn {run.shown:.3f} s, "
                f"CPU {run.cpu or 0:.3f} s until drawn, {run.cpu_to_exit:.3f} s until exit, "
                f"{peak_text(run.peak_mib)}" + (f", {run.store_before}" if run.store_before else "")
            )
        for a, b in ((block[0], block[1]), (block[3], block[2])):
            ratios["window"].append(a.window / b.window)
            ratios["drawn"].append(a.shown / b.shown)
            ratios["CPU"].append(cpu_of(a) / cpu_of(b))
    for who, name in (("A", "this tree"), ("B", str(args.against))):
        done = runs[who]
        print(
            f"{who} ({name}): window {spread([r.window for r in done])}, "
            f"drawn {spread([r.shown for r in done])}, CPU {spread([cpu_of(r) for r in done])}"
        )
    for figure, values in ratios.items():
        print(f"A ÷ B, {figure}, paired: {spread(values, '×', 3)} over {len(values)} pairs")
    return 0


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
    parser.add_argument("--view", help="the view to open on (default: the app's, Portfolio)")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="SRC",
        help="instead of the floor: this tree's pmdesk against SRC's (another tree's src), ABBA",
    )
    args = parser.parse_args(argv)
    file = args.file or demo_file()
    if args.against is not None:
        return against(args, file)
    blocks = -(-args.runs // 2)
    print(
        f"pmdesk cold start to first paint: {file}, {2 * blocks} runs each of pmdesk and a "
        f"bare QMainWindow in ABBA order, QT_QPA_PLATFORM={args.platform}, "
        f"Python {sys.version.split()[0]}, bytecode written"
    )
    for warm in (dict(file=file), dict(file=None, script=FLOOR)):  # untimed: writes the .pyc
        if cold_start(platform=args.platform, timeout=args.timeout, **warm).shown is None:
            print("warm-up run failed")
    windows, shown, reported, peaks, floors = [], [], [], [], []
    window_ratios, shown_ratios, cpu_ratios = [], [], []
    for _ in range(blocks):
        block = []
        for who in ("pmdesk", "floor", "floor", "pmdesk"):
            floor = who == "floor"
            run = cold_start(None if floor else file, platform=args.platform,
                             timeout=args.timeout, script=FLOOR if floor else None,
                             view=None if floor else args.view)  # fmt: skip
            if run.window is None or run.shown is None:
                print(failed(run))
                return 1
            block.append(run)
            if floor:
                floors.append(run.window)
                print(f"  floor:  {run.window:.3f} s wall, {peak_text(run.peak_mib)}")
                continue
            windows.append(run.window)
            shown.append(run.shown)
            reported.append(run.reported)
            peaks.append(run.peak_mib)
            print(
                f"  pmdesk: window {run.window:.3f} s, file drawn {run.shown:.3f} s wall "
                f"(app: {run.reported:.3f} s after pmdesk.gui.app import), "
                f"{peak_text(run.peak_mib)}" + (f", {run.store_before}" if run.store_before else "")
            )
        for mine, floor in ((block[0], block[1]), (block[3], block[2])):
            window_ratios.append(mine.window / floor.window)
            shown_ratios.append(mine.shown / floor.window)
            if mine.cpu and floor.cpu:
                cpu_ratios.append(mine.cpu / floor.cpu)
    print(
        f"spawn → window painted:   {spread(windows)}   {verdict(statistics.median(windows), TARGET)}"
    )
    print(
        f"spawn → file drawn:       {spread(shown)}   {verdict(statistics.median(shown), TARGET)}"
    )
    print(f"app's own figure (drawn): {spread(reported)}")
    print(f"peak memory:              {peaks_spread(peaks)}")
    print(f"floor (bare QMainWindow): {spread(floors)}")
    met = statistics.median(window_ratios) <= RATIO_GOAL
    print(
        f"pmdesk window ÷ floor, paired: {spread(window_ratios, '×', 2)} over "
        f"{len(window_ratios)} pairs   goal ≤ {RATIO_GOAL:g}: {'met' if met else 'MISSED'}"
    )
    print(
        f"pmdesk file drawn ÷ floor, paired: {spread(shown_ratios, '×', 2)} over "
        f"{len(shown_ratios)} pairs"
    )
    if cpu_ratios:
        print(
            f"CPU time until drawn ÷ the floor's until painted, paired: "
            f"{spread(cpu_ratios, '×', 2)}"
        )
    if args.imports:
        imports_at_first_paint(file, args.platform, args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
