"""The Excel workbook of a 20,000-item workspace: ``python benchmarks/workbook.py``

Generates (or reuses, from /tmp/pmdesk-bench) the workspace
``pmdesk.store.generate.create_large`` makes — 20,000 roadmap items, 15,000
dependencies, 40 lanes, a few of every other row — adds a business case to its
product (a 10-year quarterly subscription case, so the case sheet has its
formulas too), and exports the workbook in a fresh process per run
(``export_workbook``, imports not timed), reporting the wall and CPU seconds,
the file's size and the child's peak resident memory (``ru_maxrss``; it includes
the interpreter and every import, so the floor of an empty export is printed
beside it). Options: ``--items --dependencies --lanes --seed``, ``--runs N``
(default 3).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import (
    CACHE,
    cached_workspace,
    measured_in_children,
    memory_lines,
    own_peak_mib,
    spread,
    verdict,
)

TARGET = 10.0  # seconds for the 20,000-item workbook


def large_file(items: int, dependencies: int, lanes: int, seed: int) -> Path:
    """The cached large workspace, with a business case on its product."""
    from decimal import Decimal

    from pmdesk.core.finance import Period, PricingModel
    from pmdesk.store.generate import create_large
    from pmdesk.store.services import FinanceService, PortfolioService
    from pmdesk.store.workspace import Workspace

    def make(path: Path) -> None:
        started = time.perf_counter()
        create_large(path, items=items, dependencies=dependencies, lanes=lanes, seed=seed)
        with Workspace.open(path) as ws:
            (product,) = ws.service(PortfolioService).list_products()
            finance = ws.service(FinanceService)
            finance.create_case(
                product.id,
                currency="EUR",
                period=Period.QUARTER,
                horizon=40,
                start=dt.date(2027, 1, 1),
                pricing_model=PricingModel.SUBSCRIPTION,
            )
            finance.add_cost_item(product.id, "Hosting", Decimal(1), Decimal("35"))
        print(f"generated {path.name} in {time.perf_counter() - started:.2f} s")

    return cached_workspace(
        CACHE / f"workbook-{items}i-{dependencies}d-{lanes}l-seed{seed}.pmdesk", make
    )


def child(path: Path) -> None:
    """One export, imports excluded; prints a JSON line for the parent."""
    from pmdesk.exchange.workbook import export_workbook
    from pmdesk.store.workspace import Workspace

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench.xlsx"
        before = own_peak_mib()
        started, cpu = time.perf_counter(), time.process_time()
        with Workspace.open(path, read_only=True) as ws:
            export_workbook(ws, out)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        size = out.stat().st_size
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "size_mib": size / 2**20,
                "peak_mib": own_peak_mib(),
                "before_mib": before,
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    measured = measured_in_children(__file__, __doc__ or "", child, large_file, argv, runs=3)
    if measured is None:
        return 0
    args, results = measured
    walls = [r["wall"] for r in results]
    print(
        f"workbook of {args.items:,} items, {args.dependencies:,} dependencies, "
        f"{args.lanes} lanes and a 40-quarter business case; {args.runs} fresh processes"
    )
    print(
        f"    export wall:            {spread(walls)}   {verdict(statistics.median(walls), TARGET)}"
    )
    print(f"    export CPU:             {spread([r['cpu'] for r in results])}")
    print(f"    file size:              {results[0]['size_mib']:.1f} MiB")
    memory_lines(results, "before the export")
    return 0


if __name__ == "__main__":
    sys.exit(main())
