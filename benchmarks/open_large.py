"""Opening a 20,000-item workspace: ``python benchmarks/open_large.py``

Generates (or reuses, from /tmp/pmdesk-bench) a workspace made by
``pmdesk.store.generate.create_large``, then measures

(a) headless, in a fresh process per run: ``Workspace.open`` plus loading the
    product's lanes, items and dependencies through ``RoadmapService``, and the
    critical-path schedule the Gantt chart asks for next;
(b) GUI: spawn to the first paint of the main window on that file, opened on
    the Roadmap view (the view that loads the plan: the benchmark writes
    ``view/last=roadmap`` into the child's own settings file, and checks that the
    app saved the Roadmap as shown), by the ``PMDESK_BENCH_FIRST_PAINT`` contract
    (see common.py), with the child's peak memory. ``--view portfolio`` for the
    old figure, which loads no plan.

Target for both: ≤ 2 s. Options: ``--items --dependencies --lanes --seed`` for
another size, ``--runs N`` (default 5), ``--platform xcb``, ``--no-gui``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from common import (
    CACHE,
    cached_workspace,
    failed,
    first_paint,
    in_fresh_process,
    own_peak_mib,
    peaks_spread,
    size_arguments,
    spread,
    verdict,
)

TARGET = 2.0


def large_file(items: int, dependencies: int, lanes: int, seed: int) -> Path:
    """The cached workspace of that size, generated on first use."""
    from pmdesk.store.generate import create_large

    def make(path: Path) -> None:
        started = time.perf_counter()
        create_large(path, items=items, dependencies=dependencies, lanes=lanes, seed=seed)
        print(
            f"generated {path.name} in {time.perf_counter() - started:.2f} s "
            f"({path.stat().st_size / 2**20:.1f} MiB)"
        )

    return cached_workspace(
        CACHE / f"large-{items}i-{dependencies}d-{lanes}l-seed{seed}.pmdesk", make
    )


def headless_child(path: Path) -> None:
    """One measurement, imports excluded; prints a JSON line for the parent."""
    from pmdesk.store.services import PortfolioService, RoadmapService
    from pmdesk.store.workspace import Workspace

    started = time.perf_counter()
    ws = Workspace.open(path)
    opened = time.perf_counter()
    (product,) = ws.service(PortfolioService).list_products()
    roadmap = ws.service(RoadmapService)
    lanes = roadmap.lanes_of(product.id)
    items = roadmap.items_of(product.id)
    dependencies = roadmap.dependencies_of(product.id)
    loaded = time.perf_counter()
    critical = roadmap.schedule_of(product.id).critical_path()
    scheduled = time.perf_counter()
    ws.close()
    print(
        json.dumps(
            {
                "open": opened - started,
                "load": loaded - opened,
                "schedule": scheduled - loaded,
                "lanes": len(lanes),
                "items": len(items),
                "dependencies": len(dependencies),
                "critical": len(critical),
                "peak_mib": own_peak_mib(),
            }
        )
    )


def headless(path: Path, runs: int) -> list[dict]:
    results = [in_fresh_process(__file__, str(path)) for _ in range(runs)]
    first = results[0]
    print(
        f"(a) headless, {runs} fresh processes, {first['lanes']} lanes, {first['items']:,} "
        f"items, {first['dependencies']:,} dependencies, {first['critical']} critical"
    )
    open_and_load = [r["open"] + r["load"] for r in results]
    print(f"    Workspace.open:         {spread([r['open'] for r in results])}")
    print(f"    lanes, items, links:    {spread([r['load'] for r in results])}")
    print(
        f"    open + load:            {spread(open_and_load)}   "
        f"{verdict(statistics.median(open_and_load), TARGET)}"
    )
    print(f"    critical path:          {spread([r['schedule'] for r in results])}")
    print(f"    peak memory:            {spread([r['peak_mib'] for r in results], 'MiB', 0)}")
    return results


def gui(path: Path, runs: int, platform: str, view: str) -> int:
    walls, peaks = [], []
    first_paint(path, platform=platform, timeout=120.0, view=view)  # untimed: writes bytecode
    for _ in range(runs):
        run = first_paint(path, platform=platform, timeout=120.0, view=view)
        if run.wall is None:
            print(failed(run))
            return 1
        if run.shown_view != view:
            print(f"the app opened on {run.shown_view!r}, not on {view!r}: no figure")
            return 1
        walls.append(run.wall)
        peaks.append(run.peak_mib)
    print(
        f"(b) GUI, {runs} cold starts on the file, opened on the {view} view "
        f"(checked), QT_QPA_PLATFORM={platform}, after one untimed start"
    )
    print(
        f"    spawn → first paint:    {spread(walls)}   {verdict(statistics.median(walls), TARGET)}"
    )
    print(f"    peak memory per child:  {peaks_spread(peaks)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_arguments(parser, runs=5)
    parser.add_argument("--platform", default="offscreen")
    parser.add_argument("--view", default="roadmap", help="view to open on (default roadmap)")
    parser.add_argument("--no-gui", action="store_true", help="only the headless part")
    args = parser.parse_args(argv)
    if args.child:
        headless_child(args.child)
        return 0
    path = large_file(args.items, args.dependencies, args.lanes, args.seed)
    print(f"opening {path} on Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    headless(path, args.runs)
    return 0 if args.no_gui else gui(path, args.runs, args.platform, args.view)


if __name__ == "__main__":
    raise SystemExit(main())
