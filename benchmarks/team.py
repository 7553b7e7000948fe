"""Two people editing one team workspace at once: lost updates, conflicts, propagation time.

Two clients (each its own connect_workspace, own threads and connections) make
``--edits`` read-then-write edits each to ``--items`` shared roadmap items at
the same time. Every edit reads an item (as a screen would), then writes its
notes back with a token of its own appended (``a17`` = client a, edit 17). An
edit the store refuses (ConflictError, both values shown) is counted and not
retried. At the end, every token of an edit reported as made must be in the
database: each one missing is a lost update, overwritten by the other client
(target: 0). Then one client edits and the other waits on its
notification socket: the time from the commit returning to the ChangeSet being
published on the other side, ``--samples`` times.

    .venv/bin/python benchmarks/team.py                       # a temporary local server
    .venv/bin/python benchmarks/team.py --url postgresql://me@host/db   # an empty database;
                                        # password from PMDESK_TEAM_PASSWORD

A temporary server needs Debian's postgresql package (initdb and pg_ctl);
as root it runs as the ``postgres`` user.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import select
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pmdesk.core.errors import PmdeskError
from pmdesk.store.factory import connect_workspace
from pmdesk.store.models import RoadmapItem
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.team_copy import file_to_team
from pmdesk.store.team_versions import ConflictError
from pmdesk.store.workspace import Workspace


@contextmanager
def temporary_server() -> Iterator[tuple[str, str]]:
    """(url, password) of an empty database on a throwaway loopback server."""
    binaries = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="pmdesk-bench-pg-"))
    password = uuid.uuid4().hex
    (folder / "pw").write_text(password + "\n")
    if user:
        shutil.chown(folder, user)
        shutil.chown(folder / "pw", user)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    def run(*args: str) -> None:
        prefix = ["runuser", "-u", user, "--"] if user else []
        subprocess.run(prefix + list(args), check=True, capture_output=True, timeout=60)

    data = folder / "data"
    run(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=scram-sha-256",
        f"--pwfile={folder / 'pw'}",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    )
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-o",
        f"-p {port} -h 127.0.0.1 -k ''",
        "-l",
        str(folder / "log"),
        "-w",
        "start",
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres", password
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def seed(url: str, password: str, items: int) -> list[int]:
    """A team workspace with one product, one lane and ``items`` shared items."""
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / "seed.pmdesk"
        with Workspace.create(local, name="Benchmark") as ws:
            product = ws.service(PortfolioService).create_product(name="Shared")
            roadmap = ws.service(RoadmapService)
            lane = roadmap.lanes.create(product_id=product.id, name="Lane")
            start = dt.date(2027, 1, 4)
            for n in range(items):
                roadmap.items.create(
                    product_id=product.id,
                    lane_id=lane.id,
                    name=f"Item {n}",
                    start_date=start,
                    end_date=start,
                    kind="milestone",
                )
        file_to_team(local, url, password)
    with connect_workspace(url, password) as ws:
        return [item.id for item in ws.service(RoadmapService).items.list()]


class Client(threading.Thread):
    def __init__(self, url: str, password: str, ids: list[int], edits: int, seed_: int) -> None:
        super().__init__()
        self.ws = connect_workspace(url, password)
        self.items = self.ws.service(RoadmapService).items
        self.ids, self.edits, self.seed = ids, edits, seed_
        self.made: list[tuple[int, str]] = []
        self.conflicts = self.failed = 0
        self.example: str = ""

    def run(self) -> None:
        import random

        rng = random.Random(self.seed)
        for n in range(self.edits):
            item_id = rng.choice(self.ids)
            seen = self.items.get(item_id)  # what this person's screen shows
            token = f"{'ab'[self.seed - 1]}{n}"
            try:
                self.items.update(item_id, notes=f"{seen.notes} {token}")
                self.made.append((item_id, token))
            except ConflictError as exc:
                self.conflicts += 1
                self.example = self.example or str(exc)
            except PmdeskError:
                self.failed += 1


def propagation(url: str, password: str, item_id: int, samples: int) -> list[float]:
    """Seconds from one client's commit to the other client publishing the change."""
    with connect_workspace(url, password) as writer, connect_workspace(url, password) as reader:
        received: list[float] = []
        reader.changes.subscribe(lambda _c: received.append(time.perf_counter()))
        items = writer.service(RoadmapService).items
        times = []
        for n in range(samples):
            received.clear()
            items.update(item_id, notes=f"sample {n}")
            committed = time.perf_counter()
            deadline = committed + 2.0
            while not received and time.perf_counter() < deadline:
                select.select([reader.feed.fileno()], [], [], deadline - time.perf_counter())
                reader.poll_changes()
            times.append(received[0] - committed if received else float("inf"))
        return times


def measure(url: str, password: str, args: argparse.Namespace) -> None:
    ids = seed(url, password, args.items)
    clients = [Client(url, password, ids, args.edits, seed_) for seed_ in (1, 2)]
    started = time.perf_counter()
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - started
    for client in clients:
        client.ws.close()
    with connect_workspace(url, password) as ws:
        found = {
            i.id: set(i.notes.split())
            for i in ws.service(RoadmapService).items.list(RoadmapItem.id.in_(ids))
        }
    made = sum(len(c.made) for c in clients)
    conflicts = sum(c.conflicts for c in clients)
    lost = sum(token not in found[item_id] for c in clients for item_id, token in c.made)
    print(
        f"edits attempted        {2 * args.edits} ({args.edits} per client, "
        f"{args.items} shared items) in {elapsed:.2f} s"
    )
    print(f"edits made             {made}")
    print(f"conflicts refused      {conflicts} (each reported with both values)")
    print(f"other failures         {sum(c.failed for c in clients)}")
    print(f"lost updates           {lost}   (target 0)   {'OK' if lost == 0 else 'FAIL'}")
    example = next((c.example for c in clients if c.example), "")
    if example:
        print(f"example conflict       {example}")
    times = sorted(propagation(url, password, ids[0], args.samples))
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(
        f"change propagation     median {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms over {len(times)} "
        f"(target < 2000 ms)"
    )


def copy_times(url: str, password: str, items: int) -> None:
    """Share a large workspace to a new database and save it back: the whole checked copy."""
    import psycopg
    from sqlalchemy import make_url

    from pmdesk.store.generate import create_large

    name = f"copy_{uuid.uuid4().hex[:8]}"
    admin = make_url(url).set(drivername="postgresql", password=password)
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    target = make_url(url).set(database=name).render_as_string(hide_password=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            local = create_large(
                Path(folder) / "large.pmdesk", items=items, dependencies=items * 3 // 4
            )
            started = time.perf_counter()
            report = file_to_team(local, target, password)
            shared = time.perf_counter() - started
            with connect_workspace(target, password, read_only=True, listen=False) as ws:
                started = time.perf_counter()
                ws.save_copy(Path(folder) / "back.pmdesk")
                saved = time.perf_counter() - started
        print(f"share a file ({items} items, {report.rows} rows), checked   {shared:.2f} s")
        print(f"save it back as a file, checked                {saved:.2f} s")
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a temporary server)")
    parser.add_argument("--edits", type=int, default=1000, help="edits per client")
    parser.add_argument("--items", type=int, default=20, help="shared items")
    parser.add_argument("--samples", type=int, default=100, help="propagation samples")
    parser.add_argument(
        "--copy-items",
        type=int,
        default=20_000,
        help="items of the workspace shared and saved back (0: skip; needs a "
        "server where this user may create databases)",
    )
    args = parser.parse_args()
    if args.url:
        measure(args.url, os.environ.get("PMDESK_TEAM_PASSWORD", ""), args)
        return
    with temporary_server() as (url, password):
        measure(url, password, args)
        if args.copy_items:
            copy_times(url, password, args.copy_items)


if __name__ == "__main__":
    main()
