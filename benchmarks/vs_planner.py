"""pmdesk against GNOME Planner, side by side: ``python benchmarks/vs_planner.py``

The same plan in both formats (``pmdesk.store.generate.create_large`` at
1,000 / 5,000 / 10,000 / 20,000 tasks, ¾ as many links, 40 lanes; the same
tasks, lanes as summary tasks, links with their type and lag, written as a
Planner ``.planner`` file), each app started as a process on its own Xvfb
display, in ABBA order (pmdesk, Planner, Planner, pmdesk, ...), and per size the
median time of each and the median of the paired ratios pmdesk ÷ Planner
(below 1: pmdesk is faster).

What is timed, the same way for both apps: from ``Popen`` until the screen
shows the app's window with the plan drawn, which is when the screen stops
changing. The Xvfb screen (black before any window) is grabbed with ``xwd``
every 50 ms; the figure is the time of the last grab that differed from the
one before it by more than ``NOISE_PIXELS`` pixels (a blinking text cursor
changes fewer), once no such change has come for ``--settle`` seconds (1.5).
pmdesk opens on its Roadmap view: the benchmark writes ``view/last=roadmap``
into the settings file of a temporary ``PMDESK_CONFIG_DIR`` (the app opens on
the view it showed last); Planner opens on its Gantt chart. No window manager
runs, so both windows keep the size they ask for.

Planner's ``.planner`` file (DTD in /usr/share/planner/dtd/mrproject-0.6.dtd):
each task fixed-duration with a start-no-earlier-than constraint on its pmdesk
start, the duration in working seconds of an 8-hour day, milestones as
milestones; Planner reschedules from its constraints and links on load, which
is part of what it does to show a plan.

Missing tools are installed with ``apt-get install -y planner x11-apps`` when
running as root; otherwise, or when that fails, the script says so and skips
(exit code 0). Options: ``--sizes 1000,5000`` ``--pairs N`` (ABBA blocks per
size, default 1 = two runs of each app) ``--settle S`` ``--timeout S``,
``--shots DIR`` to save the last screen of each run as PNG (to see what was timed).

``--floor`` also times the floor of any PySide6 app on the same screen: a bare
QMainWindow (``floor_window.py --stay``: PySide6 imported, an empty window shown,
nothing else), timed the same way, in ABBA pairs with Planner on the smallest size's
plan, and prints the floor ÷ Planner and, per size, pmdesk's time above the floor
against the time Planner leaves above it. Qt's real (xcb) window costs far more than
its offscreen one that ``startup.py`` measures, so this is where the ratio to Planner
can and cannot go.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

from common import CACHE, cached_workspace, saved_view

ROOT = Path(__file__).resolve().parents[1]

SIZES = (1_000, 5_000, 10_000, 20_000)
WIDTH, HEIGHT = 1600, 900
NOISE_PIXELS = 400  # a text cursor blinking is a few dozen pixels; a drawn plan is thousands
POLL = 0.05
DAY = 8 * 3600  # Planner counts durations and lags in working seconds


# -- tools -------------------------------------------------------------------------------------


def tools_ready() -> str | None:
    """None when planner, Xvfb and xwd are there (installing them if we may), else why not."""
    wanted = {"planner": "planner", "Xvfb": "xvfb", "xwd": "x11-apps"}
    missing = [package for tool, package in wanted.items() if shutil.which(tool) is None]
    if missing and os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing {' '.join(missing)} with apt-get ...", flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        done = subprocess.run(
            ["apt-get", "install", "-y", "-q", *missing], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
            subprocess.run(
                ["apt-get", "install", "-y", "-q", *missing], env=env, capture_output=True
            )
    missing = [tool for tool in wanted if shutil.which(tool) is None]
    if missing:
        return (
            f"{', '.join(missing)} not available (apt-get install -y "
            f"{' '.join(wanted[t] for t in missing)} as root)"
        )
    if os.geteuid() == 0:  # the libraries Qt's xcb platform loads, from their one list
        subprocess.run(
            ["bash", str(ROOT / "installer" / "dev.sh"), "libraries"],
            capture_output=True,
            check=False,
        )
    return None


class Xvfb:
    """An Xvfb server of our own on the first free display number."""

    def __init__(self) -> None:
        number = next(
            n
            for n in range(90, 200)
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists()
        )
        self.display = f":{number}"
        self.proc = subprocess.Popen(
            [
                "Xvfb",
                self.display,
                "-screen",
                "0",
                f"{WIDTH}x{HEIGHT}x24",
                "-br",
                "-nolisten",
                "tcp",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists() or not self._answers():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError(f"Xvfb did not start on {self.display}")
            time.sleep(0.05)

    def _answers(self) -> bool:
        """Whether the server takes connections yet (its socket comes a moment before)."""
        return (
            subprocess.run(
                ["xwd", "-root", "-silent", "-display", self.display], capture_output=True
            ).returncode
            == 0
        )

    def grab(self):
        """The screen's pixels as a numpy array (xwd's pixel data, header skipped)."""
        import numpy as np

        raw = subprocess.run(
            ["xwd", "-root", "-silent", "-display", self.display], capture_output=True, check=True
        ).stdout
        header = np.frombuffer(raw[:100], dtype=">u4")
        size = int(header[12]) * int(header[5])  # bytes_per_line × height
        return np.frombuffer(raw[len(raw) - size :], dtype=np.uint32)

    def close(self) -> None:
        self.proc.terminate()  # our own child, by its pid
        self.proc.wait(10)


# -- the plan in both formats ---------------------------------------------------------------


def pmdesk_file(items: int) -> Path:
    from pmdesk.store.generate import create_large

    return cached_workspace(
        CACHE / f"vs-planner-{items}.pmdesk",
        lambda path: create_large(path, items=items, dependencies=items * 3 // 4, lanes=40, seed=1),
    )


def planner_file(source: Path) -> Path:
    """The same lanes, tasks and links as a Planner project (written once per workspace)."""
    from pmdesk.core.enums import ItemKind
    from pmdesk.store.services import PortfolioService, RoadmapService
    from pmdesk.store.workspace import Workspace

    target = source.with_suffix(".planner")
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    ws = Workspace.open(source, read_only=True)
    try:
        (product,) = ws.service(PortfolioService).list_products()
        roadmap = ws.service(RoadmapService)
        lanes, items = roadmap.lanes_of(product.id), roadmap.items_of(product.id)
        links = roadmap.dependencies_of(product.id)
    finally:
        ws.close()
    first = min(item.start_date for item in items)
    by_lane: dict[int, list] = {lane.id: [] for lane in lanes}
    for item in items:
        by_lane[item.lane_id].append(item)
    preds: dict[int, list] = {}
    for link in links:
        preds.setdefault(link.successor_id, []).append(link)
    lane_ids = {lane.id: 10_000_000 + n for n, lane in enumerate(lanes)}  # apart from items

    def stamp(day: dt.date) -> str:
        return f"{day:%Y%m%d}T000000Z"

    out = [
        '<?xml version="1.0"?>',
        f'<project name={quoteattr(product.name)} company="" manager="" phase="" '
        f'project-start="{stamp(first)}" mrproject-version="2" calendar="1">',
        "<properties/><phases/>",
        "<calendars><day-types>"
        '<day-type id="0" name="Working" description="A default working day"/>'
        '<day-type id="1" name="Nonworking" description="A default non working day"/>'
        '<day-type id="2" name="Use base" description="Use day from base calendar"/>'
        '</day-types><calendar id="1" name="Default">'
        '<default-week mon="0" tue="0" wed="0" thu="0" fri="0" sat="1" sun="1"/>'
        '<overridden-day-types><overridden-day-type id="0">'
        '<interval start="0800" end="1200"/><interval start="1300" end="1700"/>'
        "</overridden-day-type></overridden-day-types><days/></calendar></calendars>",
        "<tasks>",
    ]
    for lane in lanes:
        out.append(
            f'<task id="{lane_ids[lane.id]}" name={quoteattr(lane.name)} note="" '
            f'work="0" start="{stamp(first)}" end="{stamp(first)}" '
            f'work-start="{stamp(first)}" percent-complete="0" priority="0" '
            f'type="normal" scheduling="fixed-duration">'
        )
        for item in by_lane[lane.id]:
            milestone = item.kind is ItemKind.MILESTONE
            days = 0 if milestone else (item.end_date - item.start_date).days + 1
            out.append(
                f'<task id="{item.id}" name={quoteattr(item.name)} note="" work="{days * DAY}" '
                f'duration="{days * DAY}" start="{stamp(item.start_date)}" '
                f'end="{stamp(item.end_date)}" work-start="{stamp(item.start_date)}" '
                f'percent-complete="{item.progress}" priority="0" '
                f'type="{"milestone" if milestone else "normal"}" scheduling="fixed-duration">'
                f'<constraint type="start-no-earlier-than" time="{stamp(item.start_date)}"/>'
            )
            if item.id in preds:
                out.append(
                    "<predecessors>"
                    + "".join(
                        f'<predecessor id="{n + 1}" predecessor-id="{link.predecessor_id}" '
                        f'type="{link.type.value}" lag="{link.lag_days * DAY}"/>'
                        for n, link in enumerate(preds[item.id])
                    )
                    + "</predecessors>"
                )
            out.append("</task>")
        out.append("</task>")
    out += ["</tasks>", "<resource-groups/><resources/><allocations/>", "</project>"]
    target.write_text("\n".join(out), encoding="utf-8")
    return target


# -- timing ------------------------------------------------------------------------------------


def until_drawn(
    xvfb: Xvfb, command: list[str], env: dict[str, str], settle: float, timeout: float
) -> float | None:
    """Seconds from Popen to the last change of the screen, once it has been still for
    ``settle`` seconds; None if nothing was drawn within ``timeout``. An app that ends
    before it drew anything stops the benchmark with what it printed last (Qt's xcb
    platform missing a library, say), instead of a wait for the timeout."""
    import numpy as np

    blank = xvfb.grab()
    errors = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    try:
        previous, changed = blank, None
        while True:
            now = time.perf_counter()
            if now - started > timeout:
                return None
            if changed is None and proc.poll() is not None:
                errors.seek(0)
                said = errors.read().decode("utf-8", "replace").strip().splitlines()[-6:]
                raise RuntimeError(
                    f"{Path(command[0]).name} {' '.join(command[1:])} ended with exit code "
                    f"{proc.returncode} before it drew anything:\n  " + "\n  ".join(said)
                )
            if changed is not None and now - changed > settle:
                if SHOTS is not None:
                    _save(previous, SHOTS / f"{Path(command[-1]).name}.png")
                return changed - started
            screen = xvfb.grab()
            stamp = time.perf_counter()
            if np.count_nonzero(screen != previous) > NOISE_PIXELS:
                changed, previous = stamp, screen
            time.sleep(POLL)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the session may have ended already
            os.killpg(proc.pid, signal.SIGKILL)  # our own child's session, by its id
        proc.wait()
        errors.close()


SHOTS: Path | None = None  # --shots: where to save each app's final screen


def _save(screen, path: Path) -> None:
    """The screen as a PNG, to look at what was timed."""
    from PySide6.QtGui import QImage

    QImage(screen.tobytes(), WIDTH, HEIGHT, QImage.Format.Format_RGB32).save(str(path))


def app_env(display: str, home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONDONTWRITEBYTECODE", "WAYLAND_DISPLAY")
    }
    env.update(
        DISPLAY=display,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        NO_AT_BRIDGE="1",
        **extra,
    )
    return env


def run_pmdesk(xvfb: Xvfb, path: Path, settle: float, timeout: float) -> float | None:
    with tempfile.TemporaryDirectory(prefix="pmdesk-vs-") as tmp:
        home = Path(tmp)
        config = home / "pmdesk-config"
        config.mkdir()
        (config / "pmdesk.ini").write_text("[view]\nlast=roadmap\n", encoding="utf-8")
        env = app_env(
            xvfb.display,
            home,
            QT_QPA_PLATFORM="xcb",
            PMDESK_CONFIG_DIR=str(config),
            PMDESK_DATA_DIR=str(home / "pmdesk-data"),
        )
        seconds = until_drawn(
            xvfb, [sys.executable, "-m", "pmdesk", str(path)], env, settle, timeout
        )
        shown = saved_view(config / "pmdesk.ini")  # the app saves the view it opened on
        if shown != "roadmap":
            raise RuntimeError(f"pmdesk opened on {shown!r}, not on the Roadmap view")
        return seconds


FLOOR = Path(__file__).with_name("floor_window.py")


def run_floor(xvfb: Xvfb, settle: float, timeout: float) -> float | None:
    """A bare PySide6 window on the same screen, timed as the apps are."""
    with tempfile.TemporaryDirectory(prefix="floor-vs-") as tmp:
        env = app_env(xvfb.display, Path(tmp), QT_QPA_PLATFORM="xcb")
        return until_drawn(xvfb, [sys.executable, str(FLOOR), "--stay"], env, settle, timeout)


def run_planner(xvfb: Xvfb, path: Path, settle: float, timeout: float) -> float | None:
    with tempfile.TemporaryDirectory(prefix="planner-vs-") as tmp:
        env = app_env(xvfb.display, Path(tmp), GSETTINGS_BACKEND="memory")
        return until_drawn(xvfb, ["planner", str(path)], env, settle, timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--pairs", type=int, default=1, help="ABBA blocks per size")
    parser.add_argument("--settle", type=float, default=1.5)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--shots", type=Path, help="save each app's final screen here (PNG)")
    parser.add_argument(
        "--floor", action="store_true", help="time a bare PySide6 window too (see above)"
    )
    args = parser.parse_args(argv)
    global SHOTS
    SHOTS = args.shots
    why_not = tools_ready()
    if why_not:
        print(f"vs_planner: skipped: {why_not}")
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    version = (
        subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "planner"], capture_output=True, text=True
        ).stdout
        or "?"
    )
    print(
        f"pmdesk vs GNOME Planner {version}: time from spawn to the plan drawn on a "
        f"{WIDTH}×{HEIGHT} Xvfb screen (still for {args.settle:g} s), {os.cpu_count()} cores, "
        f"load average {', '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )
    files = {}
    for size in sizes:
        ours = pmdesk_file(size)
        files[size] = (ours, planner_file(ours))
    xvfb = Xvfb()
    try:
        # Untimed: both apps' libraries into the file cache, pmdesk's bytecode written.
        run_pmdesk(xvfb, files[sizes[0]][0], 0.5, args.timeout)
        run_planner(xvfb, files[sizes[0]][1], 0.5, args.timeout)
        print(
            f"  {'tasks':>6}  {'runs':>4}  {'pmdesk median (min–max)':>24}  "
            f"{'Planner median (min–max)':>25}  {'pmdesk ÷ Planner':>16}  ratios"
        )
        medians: dict[int, tuple[float, float]] = {}
        for size in sizes:
            ours, theirs, ratios = [], [], []
            for _ in range(args.pairs):
                block = [("p", None), ("g", None), ("g", None), ("p", None)]  # A B B A
                for n, (who, _) in enumerate(block):
                    if who == "p":
                        seconds = run_pmdesk(xvfb, files[size][0], args.settle, args.timeout)
                    else:
                        seconds = run_planner(xvfb, files[size][1], args.settle, args.timeout)
                    block[n] = (who, seconds)
                if any(seconds is None for _, seconds in block):
                    print(
                        f"  {size:>6,}  an app drew nothing within {args.timeout:g} s "
                        f"({block}); size skipped"
                    )
                    break
                a = [s for w, s in block if w == "p"]
                b = [s for w, s in block if w == "g"]
                ours += a
                theirs += b
                ratios += [a[0] / b[0], a[1] / b[1]]  # each pmdesk run with its neighbour
            else:
                print(
                    f"  {size:>6,}  {len(ours):>2}+{len(theirs)}  "
                    f"{_spread(ours):>24}  {_spread(theirs):>25}  "
                    f"{statistics.median(ratios):>16.2f}  "
                    f"{', '.join(f'{r:.2f}' for r in ratios)}"
                )
                medians[size] = (statistics.median(ours), statistics.median(theirs))
        if args.floor:
            floor_against_planner(xvfb, files[sizes[0]][1], sizes[0], medians, args)
    finally:
        xvfb.close()
    print(
        "  ratio: median of the paired ratios (each pmdesk run with the Planner run next to "
        "it); goal ≤ 1.0 at every size (issue 18)"
    )
    return 0


def floor_against_planner(
    xvfb: Xvfb,
    planner_plan: Path,
    size: int,
    medians: dict[int, tuple[float, float]],
    args: argparse.Namespace,
) -> None:
    """A bare PySide6 window against Planner on ``planner_plan``, in ABBA pairs; then, per
    size, what pmdesk takes above that floor and what Planner's time leaves above it."""
    run_floor(xvfb, 0.5, args.timeout)  # untimed: Qt's xcb libraries into the file cache
    floors, theirs, ratios = [], [], []
    for _ in range(args.pairs):
        block: list[float | None] = []
        for who in "fggf":  # A B B A
            if who == "f":
                block.append(run_floor(xvfb, args.settle, args.timeout))
            else:
                block.append(run_planner(xvfb, planner_plan, args.settle, args.timeout))
        if any(seconds is None for seconds in block):
            print(f"  the floor: a window drew nothing within {args.timeout:g} s; skipped")
            return
        a, b, c, d = (float(s) for s in block if s is not None)
        floors += [a, d]
        theirs += [b, c]
        ratios += [a / b, d / c]
    floor = statistics.median(floors)
    print(
        f"  a bare PySide6 window (floor_window.py --stay) {_spread(floors)} against Planner "
        f"at {size:,} tasks {_spread(theirs)}: floor ÷ Planner {statistics.median(ratios):.2f} "
        f"({', '.join(f'{r:.2f}' for r in ratios)})"
    )
    for tasks, (ours, planner) in medians.items():
        print(
            f"  {tasks:>6,} tasks: pmdesk {ours - floor:+.2f} s above the floor; "
            f"Planner's time leaves {planner - floor:+.2f} s above it"
        )


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


if __name__ == "__main__":
    raise SystemExit(main())
