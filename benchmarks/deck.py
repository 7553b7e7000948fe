"""PowerPoint decks: the demo's, and one with a 2,000-item roadmap: ``python benchmarks/deck.py``

Three decks, each exported by ``export_deck`` in a fresh process per run (imports
not timed):

* the demo portfolio's default deck (``PORTFOLIO_DEFAULT``: title, portfolio
  summary, growth–share chart, lifecycle board, roadmap, now / next / later);
* the demo's first product's default deck (``PRODUCT_DEFAULT``);
* the default portfolio deck of a workspace made by
  ``pmdesk.store.generate.create_large`` with 2,000 roadmap items, 1,500
  dependencies and 40 lanes (seed 1; cached in /tmp/pmdesk-bench, as the other
  benchmarks make their large files), whose roadmap and board run to many slides.

Each process exports its deck twice: the first export is what a person waits
for the first time in a session (fonts measured, python-pptx's template read),
the second once those are warm. Wall and CPU seconds of both are printed (median
and spread over ``--runs`` processes, default 3), with the slide count, the
file's size and the child's peak resident memory (its own ``VmHWM``: interpreter
and imports included, so the figure before the first export is printed beside
it). The demo decks' target is 3 s (issue 21) for the first export.
Options: ``--runs N``, ``--items N`` (the large roadmap's size), ``--large-slides
a,b`` (which slides the large deck holds; default the portfolio deck).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CACHE, cached_workspace, memory_lines, own_peak_mib, spread, verdict

TARGET = 3.0  # seconds for a demo deck (issue 21)
TODAY = dt.date(2026, 12, 4)  # the large plan's "today", so every run draws the same deck


def demo_file() -> Path:
    from pmdesk.store.demo import create_demo

    return cached_workspace(CACHE / f"deck-demo-{dt.date.today():%Y-%m}.pmdesk", create_demo)


def large_file(items: int) -> Path:
    from pmdesk.store.generate import create_large

    dependencies = items * 3 // 4

    def make(path: Path) -> None:
        started = time.perf_counter()
        create_large(path, items=items, dependencies=dependencies, lanes=40, seed=1, today=TODAY)
        print(f"generated {path.name} in {time.perf_counter() - started:.2f} s")

    return cached_workspace(CACHE / f"deck-{items}i-{dependencies}d-40l-seed1.pmdesk", make)


def child(path: Path, product: bool, slides: str, on: str) -> None:
    """Two exports of one deck, imports excluded; prints a JSON line for the parent."""
    from pptx import Presentation

    from pmdesk.exchange.deck import export_deck
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    keys = [key for key in slides.split(",") if key] or None
    day = dt.date.fromisoformat(on) if on else None
    figures: dict[str, float] = {"before_mib": own_peak_mib()}
    with tempfile.TemporaryDirectory() as folder, Workspace.open(path, read_only=True) as ws:
        product_id = ws.service(PortfolioService).list_products()[0].id if product else None
        out = Path(folder) / "bench.pptx"
        for run in ("first", "second"):
            started, cpu = time.perf_counter(), time.process_time()
            export_deck(ws, out, product_id=product_id, slides=keys, on=day)
            figures[f"{run}_wall"] = time.perf_counter() - started
            figures[f"{run}_cpu"] = time.process_time() - cpu
        figures["size_mib"] = out.stat().st_size / 2**20
        figures["slides"] = len(Presentation(str(out)).slides)
    figures["peak_mib"] = own_peak_mib()
    print(json.dumps(figures))


def measure(label: str, path: Path, runs: int, *, product: bool, slides: str = "", on: str = ""):
    results = []
    for _ in range(runs):
        command = [sys.executable, __file__, "--child", str(path), "--slides", slides]
        command += ["--on", on] + (["--product"] if product else [])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{label}: the export failed\n{done.stderr.strip()[-2000:]}")
            return None
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    first = [r["first_wall"] for r in results]
    print(f"{label}: {int(results[0]['slides'])} slides, {results[0]['size_mib']:.2f} MiB")
    print(
        f"    first export wall:      {spread(first)}   "
        f"{verdict(statistics.median(first), TARGET) if 'demo' in label else ''}"
    )
    print(f"    first export CPU:       {spread([r['first_cpu'] for r in results])}")
    print(f"    second export wall:     {spread([r['second_wall'] for r in results])}")
    print(f"    second export CPU:      {spread([r['second_cpu'] for r in results])}")
    memory_lines(results, "before the exports")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--large-slides", default="", help="slide keys; default: portfolio deck")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--product", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--slides", default="", help=argparse.SUPPRESS)
    parser.add_argument("--on", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child, args.product, args.slides, args.on)
        return 0
    print(
        f"PowerPoint decks: {os.cpu_count()} cores, load average "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}, {args.runs} fresh processes each"
    )
    demo = demo_file()
    met = True
    for label, product in (("demo portfolio deck", False), ("demo product deck", True)):
        found = measure(label, demo, args.runs, product=product)
        met = met and found is not None
        if found:
            met = met and statistics.median(r["first_wall"] for r in found) <= TARGET
    large = large_file(args.items)
    found = measure(
        f"{args.items:,}-item roadmap, "
        + (f"slides {args.large_slides}" if args.large_slides else "portfolio deck"),
        large,
        args.runs,
        product=False,
        slides=args.large_slides,
        on=TODAY.isoformat(),
    )
    return 0 if met and found is not None else 1


if __name__ == "__main__":
    sys.exit(main())
