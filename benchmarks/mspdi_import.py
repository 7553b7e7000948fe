"""Importing a 20,000-task MS Project plan: ``python benchmarks/mspdi_import.py``

Generates (or reuses, from /tmp/pmdesk-bench) a workspace made by
``pmdesk.store.generate.create_large``, exports its product with pmdesk's own
MSPDI export (about 19 MB at 20,000 items), then imports that file into a new
product of a fresh workspace, in a fresh process per run, and prints the wall
time of ``import_mspdi`` and the process's peak resident memory (interpreter and
libraries included). One more run under tracemalloc gives the peak of Python's
own allocations during the import (tracemalloc slows allocation down, so that
run's time is not counted).

Target: ≤ 2 s and ≤ 200 MB at 20,000 tasks. Options: ``--items --dependencies
--lanes --seed`` for another size, ``--runs N`` (default 3), ``--file PLAN.xml``
to import another plan.

``--against SRC`` compares this tree's import with another tree's (SRC: its ``src``,
e.g. a ``git worktree`` of the commit before a change) on the same file, in fresh
processes alternating ABBA, and prints each side's median and the median of the
paired ratios of wall and CPU time (below 1: this tree is faster).

``--shape project`` imports the same plan in the shape Microsoft Project saves it.
pmdesk writes some 20 fields per task; Project writes about 80 (slack, costs, work,
earned value, levelling...) and an ``<Assignment>`` of some 50 fields per task. The
export is padded with those fields and assignments, copied from a file Project 2013
saved (``../shared/corpus/mspdi/task-durations-project2013-mspdi.xml``), each task
keeping its own dates and links. 20,000 tasks make about 100 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import CACHE, own_peak_mib, size_arguments

TARGET_SECONDS = 2.0
TARGET_MIB = 200.0


def plan_file(items: int, dependencies: int, lanes: int, seed: int) -> Path:
    """The cached MSPDI export of a generated large workspace, made on first use."""
    from pmdesk.exchange.mspdi import export_mspdi
    from pmdesk.store.generate import create_large
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    CACHE.mkdir(parents=True, exist_ok=True)
    stem = f"large-{items}i-{dependencies}d-{lanes}l-seed{seed}"
    xml = CACHE / f"{stem}.mspdi.xml"
    if xml.exists():
        return xml
    source = CACHE / f"{stem}.pmdesk"
    if not source.exists():
        create_large(source, items=items, dependencies=dependencies, lanes=lanes, seed=seed)
    ws = Workspace.open(source, read_only=True)
    try:
        product = ws.service(PortfolioService).product_by_name("Atlas Platform")
        export_mspdi(ws, product.id, xml)
    finally:
        ws.close()
    print(f"exported {xml.name} ({xml.stat().st_size / 2**20:.1f} MiB)")
    return xml


PROJECT_SAMPLE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "corpus"
    / "mspdi"
    / "task-durations-project2013-mspdi.xml"
)
# Fields pmdesk's export writes itself, or that would change what the task means.
_OWN_FIELDS = frozenset(
    "UID ID Name Type IsNull OutlineNumber OutlineLevel Start Finish Duration DurationFormat"
    " Milestone Summary PercentComplete ConstraintType ConstraintDate PredecessorLink"
    " ExtendedAttribute Baseline Manual ManualStart ManualFinish ManualDuration CalendarUID"
    " Active".split()
)


def project_shaped(xml: Path) -> Path:
    """``xml`` padded to the shape Project saves: its other task fields, and assignments."""
    shaped = xml.with_name(xml.name.replace(".mspdi.xml", ".project.xml"))
    if shaped.exists():
        return shaped
    sample = PROJECT_SAMPLE.read_text(encoding="utf-8")
    task = re.search(r"<Task>\s*<UID>5</UID>.*?</Task>", sample, re.S)
    assignment = re.search(r"<Assignment>.*?</Assignment>", sample, re.S)
    resources = re.search(r"<Resources>.*?</Resources>", sample, re.S)
    if task is None or assignment is None or resources is None:
        raise SystemExit(f"{PROJECT_SAMPLE}: not the sample expected")
    fields = re.findall(r"^\s*(<(\w+)>[^<]*</\2>)\s*$", task.group(0), re.M)
    padding = "".join(f"\n      {line}" for line, tag in fields if tag not in _OWN_FIELDS)
    text = xml.read_text(encoding="utf-8")
    text = re.sub(
        r"(<PercentComplete>[^<]*</PercentComplete>)", lambda m: m.group(1) + padding, text
    )
    uids = re.findall(r"<Task>\s*<UID>(\d+)</UID>", text)
    # One assignment a task: the sample's, its own UID and its task's put in.
    one = re.sub(r"<UID>\d+</UID>", "<UID>@N@</UID>", assignment.group(0), count=1)
    one = re.sub(r"<TaskUID>\d+</TaskUID>", "<TaskUID>@TASK@</TaskUID>", one)
    assignments = "".join(
        one.replace("@N@", str(n)).replace("@TASK@", uid) for n, uid in enumerate(uids, start=1)
    )
    text = text.replace(
        "</Tasks>",
        f"</Tasks>\n  {resources.group(0)}\n  <Assignments>{assignments}</Assignments>",
        1,
    )
    shaped.write_text(text, encoding="utf-8")
    print(f"padded to Project's shape: {shaped.name} ({shaped.stat().st_size / 2**20:.1f} MiB)")
    return shaped


def child(xml: Path, trace: bool) -> None:
    """One import into a new workspace; prints a JSON line for the parent."""
    import tracemalloc

    from pmdesk.exchange.mspdi import import_mspdi
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    with tempfile.TemporaryDirectory(prefix="pmdesk-bench-mspdi-") as folder:
        ws = Workspace.create(Path(folder) / "target.pmdesk", name="Import target")
        product = ws.service(PortfolioService).create_product(name="Imported")
        calls = []
        if trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        result = import_mspdi(
            ws, xml, product_id=product.id, progress=lambda done, total: calls.append(done)
        )
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        ws.close()
    rss = own_peak_mib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "traced_mib": traced,
                "rss_mib": rss,
                "items": result.count("roadmap_item"),
                "links": result.count("dependency"),
                "progress_calls": len(calls),
            }
        )
    )


def run_child(xml: Path, *, src: Path | None = None, trace: bool = False) -> dict:
    """One import in a fresh process (``src``: the tree whose pmdesk it imports)."""
    command = [sys.executable, __file__, "--child", str(xml)]
    if trace:
        command.append("--trace")
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def against(xml: Path, other: Path, runs: int) -> int:
    """This tree (A) against ``other`` (B), ABBA, with the medians of the paired ratios."""
    here = Path(__file__).resolve().parents[1] / "src"
    print(f"import of {xml.name}: pmdesk ({here}) against pmdesk ({other}), {runs} pairs ABBA")
    results: dict[str, list[dict]] = {"A": [], "B": []}
    for pair in range(runs):
        for who in "AB" if pair % 2 == 0 else "BA":
            result = run_child(xml, src=here if who == "A" else other)
            results[who].append(result)
            print(who, json.dumps(result))
    for who, name in (("A", "this tree"), ("B", str(other))):
        print(
            f"{name}: median {statistics.median(r['seconds'] for r in results[who]):.2f} s, "
            f"CPU {statistics.median(r['cpu_seconds'] for r in results[who]):.2f} s, "
            f"peak {max(r['rss_mib'] for r in results[who]):.0f} MiB"
        )
    for key, label in (("seconds", "wall"), ("cpu_seconds", "CPU")):
        ratios = [a[key] / b[key] for a, b in zip(results["A"], results["B"], strict=True)]
        print(f"this tree ÷ the other, {label}: median {statistics.median(ratios):.3f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size_arguments(parser, runs=3)
    parser.add_argument("--file", type=Path, help="import this MSPDI file instead")
    parser.add_argument(
        "--shape",
        choices=("pmdesk", "project"),
        default="pmdesk",
        help="the plan as pmdesk exports it, or padded as Microsoft Project saves it",
    )
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--against", type=Path, help="this tree's import against SRC's (another tree's src)"
    )
    args = parser.parse_args()
    if args.child:
        child(args.child, args.trace)
        return 0
    xml = args.file or plan_file(args.items, args.dependencies, args.lanes, args.seed)
    if args.shape == "project":
        xml = project_shaped(xml)
    if args.against is not None:
        return against(xml, args.against, args.runs)
    runs = []
    for run in range(args.runs + 1):
        try:
            runs.append(run_child(xml, trace=run == args.runs))
        except RuntimeError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(json.dumps(runs[-1]))
    traced = runs.pop()["traced_mib"]
    seconds = statistics.median(r["seconds"] for r in runs)
    cpu = statistics.median(r["cpu_seconds"] for r in runs)
    rss = max(r["rss_mib"] for r in runs)
    print(
        f"import of {xml.name} ({xml.stat().st_size / 2**20:.1f} MiB, "
        f"{runs[-1]['items']} items, {runs[-1]['links']} links, "
        f"{runs[-1]['progress_calls']} progress calls): median {seconds:.2f} s "
        f"(CPU {cpu:.2f} s; target ≤ {TARGET_SECONDS:g} s), peak RSS {rss:.0f} MiB, Python's own peak "
        f"{traced:.0f} MiB (target ≤ {TARGET_MIB:g} MB)"
    )
    ok = seconds <= TARGET_SECONDS and rss <= TARGET_MIB
    print("OK" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
