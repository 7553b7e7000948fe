"""The cost of keeping the portfolio's history: time added to an edit, and the file's size.

    .venv/bin/python benchmarks/history.py [--edits 2000] [--size-edits 200000]

1. Time added per edit. A copy of the demo; ``--edits`` typical single-field edits made
   through the services (a roadmap item's end date, a requirement's priority or status,
   a stakeholder's power, an item's progress), in blocks of 50 that alternate history on
   and history off (``Workspace.history_enabled``) in ABBA order, so both sides do the
   same work on the same rows at the same load. Printed: p50 and p95 of each side's edit
   time and their difference, and — the figure the target is about — the time spent in
   recording itself (``store.history.record``, timed around each call of the "on" side:
   the edit's own flush is not in it, the commit makes it either way). Target: p95 < 1 ms.
2. The file's size after ``--size-edits`` edits. A copy of the demo; the edits are made
   fast, without the services, but through the same recorder: a unit of work whose
   journal holds what a real edit's would (a mix of date moves, status and progress
   changes, priority changes, stakeholder moves, notes typed, items added and deleted),
   recorded by ``store.history.record`` in transactions of 5,000 edits. Printed: the
   file's size before and after (the WAL folded back), bytes per edit. Target: < 50 MB.
3. On that file: "what changed" since 30 simulated days ago and since the start, and one
   item's whole history (the reads a view of the history makes); then compaction of
   everything older than those 30 days into daily summaries: what it folded and the size
   after ``VACUUM``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pmdesk.store import history, journal
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    HistoryService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import UnitOfWork, Workspace

BLOCK = 50


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(value: float) -> str:
    return f"{value * 1000:.3f} ms"


# -- 1. time added per edit ------------------------------------------------------------------


def edit_times(folder: Path, edits: int, seed: int) -> None:
    path = folder / "edits.pmdesk"
    create_demo(path)
    rng = random.Random(seed)
    with Workspace.open(path) as ws:
        roadmap = ws.service(RoadmapService)
        requirements = ws.service(RequirementService)
        stakeholders = ws.service(StakeholderService)
        items = [i for i in roadmap.items.list() if i.kind.value != "milestone"]
        reqs = requirements.requirements.list()
        people = stakeholders.stakeholders.list()
        recording: list[float] = []
        original = history.record

        def timed(uow, **kwargs):
            start = time.perf_counter()
            found = original(uow, **kwargs)
            recording.append(time.perf_counter() - start)
            return found

        history.record = timed  # type: ignore[assignment]

        def one_edit(n: int) -> None:
            kind = n % 10
            if kind < 4:
                item = items[rng.randrange(len(items))]
                end = item.end_date + dt.timedelta(days=rng.choice([-7, -1, 1, 7, 14]))
                end = max(end, item.start_date)
                roadmap.items.update(item.id, end_date=end)
                item.end_date = end
            elif kind < 6:
                item = items[rng.randrange(len(items))]
                roadmap.items.update(item.id, progress=rng.randrange(0, 101))
            elif kind < 8:
                req = reqs[rng.randrange(len(reqs))]
                field = rng.choice(["moscow", "status"])
                value = rng.choice(
                    ["must", "should", "could", "wont"]
                    if field == "moscow"
                    else ["proposed", "accepted", "in_progress", "done"]
                )
                requirements.requirements.update(req.id, **{field: value})
            else:
                person = people[rng.randrange(len(people))]
                stakeholders.stakeholders.update(person.id, power=round(rng.uniform(0, 10), 1))

        on: list[float] = []
        off: list[float] = []
        for _ in range(BLOCK):  # warm up: caches, statements, the file's pages
            one_edit(rng.randrange(10))
        recording.clear()
        blocks = max(4, edits // BLOCK)
        pattern = "ABBA" * (blocks // 4 + 1)
        done = 0
        for side in pattern[:blocks]:
            ws.history_enabled = side == "A"
            target = on if side == "A" else off
            for _ in range(BLOCK):
                start = time.perf_counter()
                one_edit(done)
                target.append(time.perf_counter() - start)
                done += 1
        ws.history_enabled = True
        history.record = original  # type: ignore[assignment]
        print(f"1. {done:,} single-field edits through the services, ABBA blocks of {BLOCK}")
        for label, values in (("history on ", on), ("history off", off)):
            print(
                f"   {label}: p50 {_ms(_pct(values, 0.5))}  p95 {_ms(_pct(values, 0.95))}  "
                f"({len(values):,} edits)"
            )
        print(
            f"   difference: p50 {_ms(_pct(on, 0.5) - _pct(off, 0.5))}  "
            f"p95 {_ms(_pct(on, 0.95) - _pct(off, 0.95))}"
        )
        recorded = recording
        p95 = _pct(recorded, 0.95)
        print(
            f"   recording itself: p50 {_ms(_pct(recorded, 0.5))}  p95 {_ms(p95)}  "
            f"mean {_ms(statistics.fmean(recorded))}  max {_ms(max(recorded))}  "
            f"— target p95 < 1 ms: {'met' if p95 < 0.001 else 'MISSED'}"
        )
        edits_made, entries = ws.service(HistoryService).counts()
        print(f"   the history holds {edits_made:,} edits, {entries:,} entries")


# -- 2. size after many edits ------------------------------------------------------------------

NOTES = (
    "Waiting on the supplier's revised quote; the second source is being qualified.",
    "Customer advisory board asked for this before the beta; scope reduced to read-only.",
    "Moved after the security review: pen-test findings need two more sprints.",
    "Depends on the EU region going live; legal has signed off the data processing terms.",
)


def _other(rng: random.Random, values: list, current: object) -> object:
    """A value from ``values`` that is not ``current``: every edit changes something."""
    return rng.choice([v for v in values if v != current])


def _mix(rng: random.Random, rows: dict[str, list[dict]], n: int, next_id: list[int]):
    """The journal steps of one realistic edit (each one changes something)."""
    roll = rng.random()
    if roll < 0.40:  # a date moved
        item = rng.choice(rows["roadmap_item"])
        shift = dt.timedelta(days=rng.choice([-7, 3, 7, 14, 21]))
        start, end = item["start_date"] + shift, item["end_date"] + shift
        if rng.random() < 0.5:  # the end slips
            end = item["end_date"] + dt.timedelta(days=rng.choice([3, 7, 14]))
            change = ({"end_date": item["end_date"]}, {"end_date": end})
            item["end_date"] = end
        else:
            change = (
                {"start_date": item["start_date"], "end_date": item["end_date"]},
                {"start_date": start, "end_date": end},
            )
            item["start_date"], item["end_date"] = start, end
        return [journal.Updated("roadmap_item", [(item["id"], *change)])]
    if roll < 0.58:  # progress or status
        item = rng.choice(rows["roadmap_item"])
        if rng.random() < 0.6:
            new = _other(rng, list(range(0, 101, 5)), item["progress"])
            step = ({"progress": item["progress"]}, {"progress": new})
            item["progress"] = new
        else:
            new = _other(rng, ["planned", "in_progress", "at_risk", "done"], item["status"])
            step = ({"status": item["status"]}, {"status": new})
            item["status"] = new
        return [journal.Updated("roadmap_item", [(item["id"], *step)])]
    if roll < 0.76:  # a requirement re-prioritised or moved on
        req = rng.choice(rows["requirement"])
        field, values = rng.choice(
            [("moscow", ["must", "should", "could"]), ("status", ["accepted", "in_progress"])]
        )
        new = _other(rng, values, req[field])
        step = ({field: req[field]}, {field: new})
        req[field] = new
        return [journal.Updated("requirement", [(req["id"], *step)])]
    if roll < 0.88:  # a stakeholder moved on the map
        person = rng.choice(rows["stakeholder"])
        new = (round(rng.uniform(0, 10), 1) + 0.05, round(rng.uniform(0, 10), 1) + 0.05)
        step = (
            {"power": person["power"], "interest": person["interest"]},
            {"power": new[0], "interest": new[1]},
        )
        person["power"], person["interest"] = new
        return [journal.Updated("stakeholder", [(person["id"], *step)])]
    if roll < 0.96:  # notes typed
        item = rng.choice(rows["roadmap_item"])
        new = _other(rng, list(NOTES), item["notes"])
        step = ({"notes": item["notes"]}, {"notes": new})
        item["notes"] = new
        return [journal.Updated("roadmap_item", [(item["id"], *step)])]
    template = rng.choice(rows["roadmap_item"])
    if roll < 0.98:  # an item added
        next_id[0] += 1
        row = dict(template, id=next_id[0], name=f"Feature {n}", notes="", row_version=1)
        return [journal.Inserted("roadmap_item", [row])]
    snapshot = journal.Snapshot(rows=[("roadmap_item", dict(template, id=next_id[0]))])
    return [journal.Deleted("roadmap_item", [next_id[0]], snapshot)]


def file_size(folder: Path, edits: int, seed: int) -> Path:
    path = folder / "size.pmdesk"
    create_demo(path)
    before = path.stat().st_size
    rng = random.Random(seed)
    start = time.perf_counter()
    with Workspace.open(path) as ws:
        with ws.read() as session:
            import sqlalchemy as sa

            from pmdesk.store.models import Base

            rows = {
                name: [
                    dict(r)
                    for r in session.execute(sa.select(Base.metadata.tables[name])).mappings()
                ]
                for name in ("roadmap_item", "requirement", "stakeholder")
            }
        next_id = [10_000_000]
        first = dt.date.today() - dt.timedelta(days=300)  # a year of work, ending about now
        moment = dt.datetime.combine(first, dt.time(8, 0))
        per_day = max(1, edits // 365)
        done = 0
        while done < edits:
            with ws.transaction() as outer:
                outer.keep_history = False
                session = outer.session
                for _ in range(min(5_000, edits - done)):
                    uow = UnitOfWork(session, ws)
                    uow.journal.steps = _mix(rng, rows, done, next_id)
                    moment += dt.timedelta(seconds=(8 * 3600) // per_day)
                    if moment.hour >= 18:
                        moment = moment.replace(hour=8) + dt.timedelta(days=1)
                    history.record(uow, who="Hannah Okafor", label="Edit", at=moment)
                    done += 1
    seconds = time.perf_counter() - start
    after = path.stat().st_size
    print(
        f"2. {edits:,} edits recorded in {seconds:.1f} s ({edits / seconds:,.0f} a second), "
        f"over {(moment.date() - first).days} simulated days"
    )
    print(
        f"   file: {before / 1e6:.1f} MB before, {after / 1e6:.1f} MB after; "
        f"{(after - before) / edits:.0f} bytes per edit "
        f"— target < 50 MB: {'met' if after < 50e6 else 'MISSED'}"
    )
    conn = sqlite3.connect(path)
    rows_n = conn.execute("SELECT count(*) FROM change_entry").fetchone()[0]
    avg = conn.execute("SELECT avg(length(fields)) FROM change_entry").fetchone()[0]
    print(f"   {rows_n:,} entries; their fields average {avg:.0f} characters of JSON")
    try:
        parts = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat WHERE name LIKE '%change%' "
            "GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    except sqlite3.Error:  # an SQLite built without the dbstat table
        parts = []
    conn.close()
    for name, size in parts:
        print(f"   {name}: {size / 1e6:.1f} MB ({size / edits:.0f} bytes per edit)")
    return path


def compaction(path: Path) -> None:
    first = dt.date.today() - dt.timedelta(days=300)
    with Workspace.open(path) as ws:
        service = ws.service(HistoryService)
        with ws.read() as session:
            import sqlalchemy as sa

            last = session.scalar(sa.select(sa.func.max(history.EDITS.c.at)))
        keep_from = last.date() - dt.timedelta(days=30)
        start = time.perf_counter()
        recent = service.changes(keep_from)
        month = time.perf_counter() - start
        start = time.perf_counter()
        whole = service.changes(first)
        year = time.perf_counter() - start
        start = time.perf_counter()
        one = service.entity_history("roadmap_item", 1)
        single = time.perf_counter() - start
        print(
            f"   changes since {keep_from}: {len(recent):,} entities in {month * 1000:.0f} ms; "
            f"since the start: {len(whole):,} in {year:.2f} s; one item's "
            f"{len(one):,} entries in {single * 1000:.0f} ms"
        )
        start = time.perf_counter()
        done = service.compact(keep_from)
        seconds = time.perf_counter() - start
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()
    print(f"3. compact before {keep_from}: {done.describe()} ({seconds:.1f} s)")
    print(f"   file after VACUUM: {path.stat().st_size / 1e6:.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=2000)
    parser.add_argument("--size-edits", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--skip-size", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pmdesk-history-"))
    try:
        edit_times(folder, args.edits, args.seed)
        if not args.skip_size:
            path = file_size(folder, args.size_edits, args.seed)
            compaction(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
