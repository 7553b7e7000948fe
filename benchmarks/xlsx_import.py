"""Importing the 20,000 roadmap items of a workbook: ``python benchmarks/xlsx_import.py``

Takes (or makes, in /tmp/pmdesk-bench) the large workspace of ``workbook.py``,
exports its workbook once with ``export_workbook``, then, in a fresh process per
run, reads the "Roadmap items" sheet with ``read_xlsx`` and imports it with
``import_csv`` into a new product of a fresh workspace (the checks, lanes and one
transaction of a CSV import). Reports the wall seconds of reading (target
≤ 5 s) and of importing, and the child's peak resident memory (``ru_maxrss``; the interpreter
and imports included, printed beside it). Options: ``--items --dependencies
--lanes --seed`` as for ``workbook.py``, ``--runs N`` (default 3).
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import (
    CACHE,
    measured_in_children,
    memory_lines,
    own_peak_mib,
    spread,
    verdict,
)
from workbook import large_file

# Seconds to read the 20,000-row sheet into text rows; the checks and writing after it are
# the CSV import's own (``check and import``), the same for a CSV file of these rows.
TARGET_READ = 5.0
SHEET = "Roadmap items"


def workbook_file(items: int, dependencies: int, lanes: int, seed: int) -> Path:
    """The cached export of the large workspace, made on first use."""
    from pmdesk.exchange.workbook import export_workbook
    from pmdesk.store.workspace import Workspace

    source = large_file(items, dependencies, lanes, seed)
    out = CACHE / f"{source.stem}.xlsx"
    if not out.exists() or out.stat().st_mtime < source.stat().st_mtime:
        with Workspace.open(source, read_only=True) as ws:
            export_workbook(ws, out)
        print(f"exported {out.name} ({out.stat().st_size / 2**20:.1f} MiB)")
    return out


def child(path: Path) -> None:
    """One read and import into a new workspace; prints a JSON line for the parent."""
    from pmdesk.exchange.tabular_import import import_csv
    from pmdesk.exchange.workbook_import import read_xlsx
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    before = own_peak_mib()
    with tempfile.TemporaryDirectory(prefix="pmdesk-bench-xlsx-") as folder:
        ws = Workspace.create(Path(folder) / "target.pmdesk", name="Import target")
        product_id = ws.service(PortfolioService).create_product(name="Imported").id
        started = time.perf_counter()
        table = read_xlsx(path, SHEET)
        read = time.perf_counter() - started
        result = import_csv(ws, table, target="roadmap", product_id=product_id)
        total = time.perf_counter() - started
        ws.close()
    print(
        json.dumps(
            {
                "read": read,
                "import": total - read,
                "total": total,
                "rows": result.count("roadmap_item"),
                "peak_mib": own_peak_mib(),
                "before_mib": before,
            }
        )
    )


def main(argv: list[str] | None = None) -> int:
    measured = measured_in_children(__file__, __doc__ or "", child, workbook_file, argv, runs=3)
    if measured is None:
        return 0
    args, results = measured
    totals = [r["total"] for r in results]
    print(
        f"the “{SHEET}” sheet of the {args.items:,}-item workbook ({results[0]['rows']:,} rows "
        f"imported); {args.runs} fresh processes"
    )
    reads = [r["read"] for r in results]
    print(
        f"    read the sheet:         {spread(reads)}   "
        f"{verdict(statistics.median(reads), TARGET_READ)}"
    )
    print(f"    check and import:       {spread([r['import'] for r in results])}")
    print(f"    read and import:        {spread(totals)}")
    memory_lines(results, "before the import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
