"""How fast the roadmap poster prints, and whether it grows linearly with the plan.

    .venv/bin/python benchmarks/roadmap_pdf.py [--sizes 20000,100000] [--runs 3] [--profile N]

For each size N, a workspace made by ``pmdesk.store.generate.create_large``
(N items, N × 3/4 dependencies, 40 lanes, seed 1; cached in /tmp/pmdesk-bench)
is opened once, and its roadmap poster (``export_pdf(ws, "roadmap", out,
product_id=...)``: the chart split across A3 pages at a readable scale, the
legend, and the "Milestones and releases" table) is exported ``--runs`` times
after one untimed export (imports, fonts, caches). Each run is timed on CPU
(``time.process_time``: other work on a busy machine disturbs it much less
than the wall clock) and on the wall clock; the median of each is printed with
its spread, and the pages of the result.

Targets (issue 18): ≤ 3 s CPU at 20,000 items, and linear: the median CPU time
at the largest size divided by that at the smallest, against the ratio of the
sizes (×5 for 20,000 → 100,000), printed as "growth ÷ linear" (1.0 is exactly
linear; ≤ 1.25 counts as linear here, the pages per item are not exactly
constant). ``--profile N`` prints a cProfile of one more export at size N
instead (top functions by own time and by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import CACHE

TARGET_CPU = 3.0  # seconds at 20,000 items
TARGET_SIZE = 20_000
LINEAR_SLACK = 1.25
LANES = 40
SEED = 1
TODAY = dt.date(2026, 12, 4)  # the PDF's "today": the same marker on every run


def workspace_file(items: int) -> Path:
    """The cached workspace of that size, generated on first use."""
    from pmdesk.store.generate import create_large

    CACHE.mkdir(parents=True, exist_ok=True)
    dependencies = items * 3 // 4
    path = CACHE / f"roadmap-pdf-{items}i-{dependencies}d-{LANES}l-seed{SEED}.pmdesk"
    if not path.exists():
        started = time.perf_counter()
        create_large(
            path, items=items, dependencies=dependencies, lanes=LANES, seed=SEED, today=TODAY
        )
        print(
            f"  generated {path.name} in {time.perf_counter() - started:.1f} s "
            f"({path.stat().st_size / 2**20:.1f} MiB)"
        )
    return path


def export(ws, product_id: int, out: Path) -> None:
    from pmdesk.exchange.pdf import PdfOptions, export_pdf

    export_pdf(ws, "roadmap", out, product_id=product_id, options=PdfOptions(today=TODAY))


def timed(work) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``work``."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    return time.process_time() - cpu, time.perf_counter() - wall


def pages_of(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def measure(items: int, runs: int, folder: Path) -> float:
    """Prints the figures of one size; returns the median CPU seconds."""
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    path = workspace_file(items)
    ws = Workspace.open(path)
    try:
        (product,) = ws.service(PortfolioService).list_products()
        out = folder / f"roadmap-{items}.pdf"
        export(ws, product.id, out)  # untimed
        times = [timed(lambda: export(ws, product.id, out)) for _ in range(runs)]
    finally:
        ws.close()
    cpu = [c for c, _ in times]
    wall = [w for _, w in times]
    pages = pages_of(out)
    median = statistics.median(cpu)
    print(
        f"roadmap poster, {items:,} items: {pages} pages ({out.stat().st_size / 2**20:.1f} MiB), "
        f"CPU {_spread(cpu)}, wall {_spread(wall)}; {median / items * 1e6:.0f} µs CPU per item, "
        f"{median / pages * 1e3:.1f} ms CPU per page"
    )
    if items == TARGET_SIZE:
        print(
            f"  target ≤ {TARGET_CPU:g} s CPU at {TARGET_SIZE:,} items: "
            f"{'met' if median <= TARGET_CPU else 'MISSED'}"
        )
    return median


def profile(items: int, folder: Path, top: int = 25) -> None:
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    ws = Workspace.open(workspace_file(items))
    try:
        (product,) = ws.service(PortfolioService).list_products()
        out = folder / f"roadmap-{items}.pdf"
        export(ws, product.id, out)  # untimed
        profiler = cProfile.Profile()
        profiler.runcall(export, ws, product.id, out)
    finally:
        ws.close()
    for key in ("tottime", "cumtime"):
        print(f"\n--- {items:,} items, by {key} ---")
        pstats.Stats(profiler).sort_stats(key).print_stats(top)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20000,100000", help="items, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="timed exports per size")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one export of N items")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        if args.profile:
            profile(args.profile, Path(folder))
            return 0
        print(
            f"Roadmap poster PDF: {os.cpu_count()} cores, load average "
            f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}, {args.runs} runs per size "
            "after one untimed export"
        )
        sizes = [int(n) for n in args.sizes.split(",")]
        medians = {n: measure(n, args.runs, Path(folder)) for n in sizes}
    met = all(cpu <= TARGET_CPU for n, cpu in medians.items() if n == TARGET_SIZE)
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        growth, linear = medians[large] / medians[small], large / small
        ratio = growth / linear
        verdict = "linear" if ratio <= LINEAR_SLACK else "SUPERLINEAR"
        print(
            f"{small:,} → {large:,} items: CPU ×{growth:.2f} for ×{linear:g} items; "
            f"growth ÷ linear {ratio:.2f} (≤ {LINEAR_SLACK:g}: {verdict})"
        )
        met = met and ratio <= LINEAR_SLACK
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
