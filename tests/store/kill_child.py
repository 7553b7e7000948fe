"""A second pmdesk process for the store tests, run with ``sys.executable``.

``edit FILE PRODUCT_ID LANE_ID ROUND``
    Opens the workspace for writing and edits it through the services until it
    is killed: each loop creates a roadmap item, then updates the one before.
    After every committed edit it prints one line, flushed, so the parent knows
    exactly which edits the file must hold after a SIGKILL:
    ``created <id> <name>`` or ``updated <id> <progress>``.

``hold FILE PRODUCT_NAME``
    Opens the workspace for writing, adds a product, prints ``ready <pid>`` and
    keeps the file (and its lock) until its stdin closes; then closes the
    workspace and prints ``closed``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

FIRST_DAY = dt.date(2027, 1, 4)


def item_name(round_no: int, number: int) -> str:
    """Names carry markup characters and an emoji: they must come back exactly."""
    return f'Round {round_no} item {number} <b>&amp; "quoted" 🚀'


def progress_for(number: int) -> int:
    return (number * 37) % 101


def report(*words: object) -> None:
    print(*words, flush=True)


def edit(path: Path, product_id: int, lane_id: int, round_no: int) -> None:
    ws = Workspace.open(path)
    items = ws.service(RoadmapService).items
    previous: int | None = None
    number = 0
    while True:
        start = FIRST_DAY + dt.timedelta(days=number)
        name = item_name(round_no, number)
        item = items.create(
            product_id=product_id,
            lane_id=lane_id,
            name=name,
            start_date=start,
            end_date=start + dt.timedelta(days=4),
        )
        report("created", item.id, name)
        if previous is not None:
            progress = progress_for(number)
            items.update(previous, progress=progress, notes=f"edited in round {round_no}")
            report("updated", previous, progress)
        previous = item.id
        number += 1


def hold(path: Path, product_name: str) -> None:
    ws = Workspace.open(path)
    ws.service(PortfolioService).create_product(name=product_name)
    report("ready", os.getpid())
    sys.stdin.read()
    ws.close()
    report("closed")


def main(argv: list[str]) -> None:
    sys.stdout.reconfigure(encoding="utf-8")
    mode, path, *rest = argv
    if mode == "edit":
        product_id, lane_id, round_no = map(int, rest)
        edit(Path(path), product_id, lane_id, round_no)
    elif mode == "hold":
        hold(Path(path), rest[0])
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
