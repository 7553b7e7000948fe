"""Shared by the benchmark scripts: spawn pmdesk, time its first paint, summarise runs.

The app's side of the contract (``pmdesk.gui.app``): with
``PMDESK_BENCH_FIRST_PAINT=1`` it prints ``first-paint <seconds>`` (seconds
since ``pmdesk.gui.app`` was imported) right after the main window's first
paint, then exits. The figure that counts here is the wall clock from
``Popen`` to that line arriving: it includes the interpreter's own start and
every import, which is what a person waits for.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "pmdesk-bench"


@dataclass(frozen=True)
class Run:
    wall: float | None  # spawn -> "first-paint" line read, seconds; None if it never came
    reported: float | None  # the app's own figure (since pmdesk.gui.app was imported)
    exit_code: int | None
    peak_mib: float | None  # the child's peak resident memory
    stderr: str
    shown_view: str | None = None  # the view the app saved as shown (when ``view`` was asked)


def cached_workspace(path: Path, make: Callable[[Path], object]) -> Path:
    """``path``, made by ``make(path)`` unless it is already there in the store's format.

    A file of an older format would be upgraded (after a backup) by the first timed open,
    which would then time the upgrade: such a file, and what is left beside it, is
    deleted and made again.
    """
    import sqlite3

    from pmdesk.store.schema import SCHEMA_VERSION

    if path.exists():
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            finally:
                conn.close()
            current = row is not None and int(row[0]) == SCHEMA_VERSION
        except (sqlite3.Error, ValueError):
            current = False
        if current:
            return path
        print(f"{path.name}: not in the current format {SCHEMA_VERSION}; made again")
        for leftover in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", ".lock"))):
            leftover.unlink(missing_ok=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    make(path)
    return path


def peak_mib(maxrss: int) -> float:
    """ru_maxrss is in KiB on Linux and in bytes on macOS."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def own_peak_mib() -> float:
    """This process's peak resident memory so far (interpreter and imports included).

    On Linux, the kernel's high-water mark of the process's own memory (``VmHWM``), not
    ``ru_maxrss``: a process started by ``subprocess`` inherits its parent's
    ``ru_maxrss`` through fork and exec. A benchmark's child that imported a 99 MiB MS
    Project file just after its parent had made that file reported the parent's 596 MiB
    as its own peak (its own: some 130 MiB).
    """
    import resource

    own = _own_high_water_mib()
    if own is not None:
        return own
    return peak_mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _own_high_water_mib() -> float | None:
    """``VmHWM`` of /proc/self/status in MiB, where the system has it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def child_peak_mib(maxrss: int) -> float | None:
    """A finished child's peak memory from its ``ru_maxrss`` (``wait4``), or None when
    the figure may be this process's own: a child inherits its parent's ``ru_maxrss``
    through fork and exec, so a figure no higher than this process's peak says nothing
    of the child (a benchmark that made its workspace before starting the app)."""
    figure = peak_mib(maxrss)
    return figure if figure > own_peak_mib() else None


def size_arguments(parser: argparse.ArgumentParser, *, runs: int) -> None:
    """``--items --dependencies --lanes --seed`` (the generated workspace's size), ``--runs``
    and the hidden ``--child FILE`` a benchmark runs itself with, once per fresh process."""
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--dependencies", type=int, default=15_000)
    parser.add_argument("--lanes", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)


def in_fresh_process(script: str, *args: str) -> dict:
    """``python SCRIPT --child ARGS…`` once: the JSON line it printed last (it must succeed)."""
    done = subprocess.run(
        [sys.executable, script, "--child", *args], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measured_in_children(
    script: str,
    doc: str,
    child: Callable[[Path], None],
    make: Callable[[int, int, int, int], Path],
    argv: list[str] | None,
    *,
    runs: int,
) -> tuple[argparse.Namespace, list[dict]] | None:
    """A benchmark's whole run: its options (:func:`size_arguments`), then the file
    ``make(items, dependencies, lanes, seed)`` gives measured by ``child`` once per fresh
    process (``script --child FILE``). None when this process is itself the child."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    size_arguments(parser, runs=runs)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child)
        return None
    path = make(args.items, args.dependencies, args.lanes, args.seed)
    return args, [in_fresh_process(script, str(path)) for _ in range(args.runs)]


def memory_lines(results: list[dict], before: str) -> None:
    """The children's peak memory, and what the interpreter and imports took ``before``."""
    print(f"    peak memory:            {spread([r['peak_mib'] for r in results], 'MiB', 0)}")
    print(
        f"    {before + ':':<24}{spread([r['before_mib'] for r in results], 'MiB', 0)}"
        " (interpreter and imports)"
    )


def isolated_env(home: Path, platform: str) -> dict[str, str]:
    """The child never reads or writes the real settings, recent files or data folder.

    ``PYTHONDONTWRITEBYTECODE`` is dropped: with it every start compiles every module
    again (0.14 s), which an installed app never does. Run once untimed to write the
    bytecode (``warm_up``)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(
        QT_QPA_PLATFORM=platform,
        PMDESK_BENCH_FIRST_PAINT="1",
        PMDESK_CONFIG_DIR=str(home / "config"),
        PMDESK_DATA_DIR=str(home / "data"),
    )
    return env


def first_paint(
    file: Path | None,
    *,
    platform: str = "offscreen",
    timeout: float = 60.0,
    python_flags: tuple[str, ...] = (),
    view: str | None = None,
    script: Path | None = None,
) -> Run:
    """One cold start of ``python -m pmdesk FILE`` until its first-paint line.

    ``view``: the view the window opens on, written as the last view into the child's
    own settings file (the app opens on the view shown last; default Portfolio).
    ``script``: run this Python file instead of pmdesk (the bare-window floor).
    """
    with tempfile.TemporaryDirectory(prefix="pmdesk-bench-user-") as home:
        if view is not None:
            (Path(home) / "config").mkdir()
            (Path(home) / "config" / "pmdesk.ini").write_text(
                f"[view]\nlast={view}\n", encoding="utf-8"
            )
        target = [str(script)] if script is not None else ["-m", "pmdesk", str(file)]
        command = [sys.executable, *python_flags, *target]
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=isolated_env(Path(home), platform),
        )
        lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        errors: list[str] = []
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        reader = threading.Thread(target=lambda: errors.append(proc.stderr.read()), daemon=True)
        reader.start()
        wall = reported = None
        for stamp, line in stamped_lines(lines, started + timeout):
            if line.startswith("first-paint "):
                wall, reported = stamp - started, float(line.split()[1])
                break
        exit_code, peak, _cpu = _reap(proc, grace=10.0 if wall is not None else 0.0)
        reader.join(5.0)  # the child is gone: its stderr ends now
        shown = saved_view(Path(home) / "config" / "pmdesk.ini") if view else None
        return Run(wall, reported, exit_code, peak, "".join(errors), shown)


def saved_view(ini: Path) -> str | None:
    """The view the app wrote back as current after opening the file (None: not written)."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read(ini, encoding="utf-8")
    return parser.get("view", "last", fallback=None)


def stamped_lines(lines: queue.Queue, deadline: float) -> Iterator[tuple[float, str]]:
    """The child's output lines (fed by :func:`_pump`) with the time each arrived, until the
    output ends or ``deadline`` (a ``time.perf_counter()`` value) passes."""
    while True:
        try:
            stamp, line = lines.get(timeout=max(0.0, deadline - time.perf_counter()))
        except queue.Empty:
            return
        if line is None:
            return
        yield stamp, line


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put((time.perf_counter(), line.strip()))
    lines.put((time.perf_counter(), None))


def _reap(proc: subprocess.Popen, grace: float) -> tuple[int | None, float | None, float | None]:
    """Wait for the child (killing it after ``grace`` seconds); its exit code, peak memory
    and CPU time (user and system, every thread, until it exited)."""
    if not hasattr(os, "wait4"):  # Windows: no per-child rusage
        try:
            return proc.wait(timeout=grace), None, None
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait(), None, None
    result: list[tuple[int, int, object]] = []

    def wait() -> None:
        with contextlib.suppress(ChildProcessError):  # reaped already: no figures of its own
            result.append(os.wait4(proc.pid, 0))

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(grace)
    if waiter.is_alive():
        proc.kill()  # our own child, by its pid
        waiter.join()
    if not result:
        return proc.wait(), None, None
    _pid, status, usage = result[0]
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, child_peak_mib(usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def spread(values: list[float], unit: str = "s", digits: int = 3) -> str:
    """'median 0.812 s (min 0.790, max 0.901)'."""
    return (
        f"median {statistics.median(values):.{digits}f} {unit} "
        f"(min {min(values):.{digits}f}, max {max(values):.{digits}f})"
    )


def peak_text(peak: float | None) -> str:
    """One child's peak memory, or why it is not known (see :func:`child_peak_mib`)."""
    return f"peak {peak:.0f} MiB" if peak is not None else "peak not known"


def peaks_spread(peaks: list[float | None]) -> str:
    """:func:`spread` of the children's peaks that are known, and how many are not."""
    known = [peak for peak in peaks if peak is not None]
    if not known:
        return "not known (no child's peak was above this process's own)"
    missing = len(peaks) - len(known)
    return spread(known, "MiB", 0) + (f", {missing} not known" if missing else "")


def verdict(value: float, target: float) -> str:
    return f"target ≤ {target:g} s: {'met' if value <= target else 'MISSED'}"


def failed(run: Run) -> str:
    tail = "\n".join(run.stderr.strip().splitlines()[-15:])
    return (
        f"pmdesk did not print 'first-paint' (exit code {run.exit_code}). Is the GUI "
        f"installed and does it honour PMDESK_BENCH_FIRST_PAINT?\n{tail}"
    )
