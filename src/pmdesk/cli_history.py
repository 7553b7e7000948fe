"""``pmdesk changes``, ``pmdesk snapshot`` and ``pmdesk history``: the portfolio's history.

    pmdesk changes WORKSPACE --since NAME|DATE [--product NAME] [--json]
    pmdesk snapshot WORKSPACE --name NAME [--note TEXT]
    pmdesk history snapshots WORKSPACE
    pmdesk history compact WORKSPACE --before DATE

``changes`` opens the workspace read-only and prints the net change of every entity since
a snapshot (by its name) or a day (``2026-09-01``, from its start, UTC). ``--json`` prints::

    {"since": "Q3 review",
     "changes": [{"entity": "roadmap_item", "id": 12, "name": "Pulse Cloud 2.0",
                  "kind": "changed", "fields": {"end_date": ["2027-03-01", "2027-04-15"]}}]}

``kind`` is ``added``, ``removed`` or ``changed``; ``fields`` holds each field as
``[old, new]`` (an added entity's old values and a removed one's new values are null);
dates are ISO text, exact decimals text, vocabularies their stored value. Without
``--json``, a readable report. ``snapshot`` names this moment; ``history compact`` folds
the detail of edits before a day into one summary per entity and day, and says what it
folded. No Qt is imported here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmdesk.store.services.history import Change

HISTORY_ACTIONS = ("snapshots", "compact")


def add_changes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument(
        "--since",
        required=True,
        metavar="NAME|DATE",
        help="a snapshot's name, or a day (YYYY-MM-DD, from its start, UTC)",
    )
    parser.add_argument("--product", metavar="NAME", help="only this product's entities")
    parser.add_argument(
        "--json", action="store_true", help="print the changes as JSON (for scripts and checks)"
    )
    parser.set_defaults(run=_changes)


def add_snapshot(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument("--name", required=True, help="what to call this moment: Q3 review")
    parser.add_argument("--note", default="", help="a note kept with it")
    parser.set_defaults(run=_snapshot)


def add_history(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=HISTORY_ACTIONS,
        metavar="ACTION",
        help="snapshots: list the named moments; "
        "compact: fold the detail of edits before --before into daily summaries",
    )
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument("--before", metavar="DATE", help="compact: the first day kept in detail")
    parser.set_defaults(run=_history)


# -- pmdesk changes --------------------------------------------------------------------------


def _changes(args: argparse.Namespace) -> int:
    from pmdesk.cli_exchange import _product_id
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    with open_workspace(args.workspace, read_only=True) as ws:
        product_id = _product_id(ws, args.product) if args.product else None
        service = ws.service(HistoryService)
        moment = service.moment(args.since)
        changes = service.changes(args.since, product_id=product_id)
    if args.json:
        print(json.dumps(changes_document(moment.label, changes), ensure_ascii=False, indent=2))
    else:
        shown = f"{moment.label}" + (
            f" ({moment.at:%Y-%m-%d %H:%M} UTC)" if moment.snapshot else " (UTC)"
        )
        print(report(shown, changes))
    return 0


def changes_document(since: str, changes: list[Change]) -> dict[str, Any]:
    """The document ``--json`` prints."""
    return {"since": since, "changes": [change.as_json() for change in changes]}


def report(since: str, changes: list[Change]) -> str:
    """The changes as text: one block per kind of entity, one line per entity."""
    from pmdesk.store.history_wording import report as worded_report

    return worded_report(since, changes)


# -- pmdesk snapshot and pmdesk history ----------------------------------------------------------


def _snapshot(args: argparse.Namespace) -> int:
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    with open_workspace(args.workspace) as ws:
        made = ws.service(HistoryService).snapshot(args.name, note=args.note)
    print(f"Snapshot “{made.name}” taken at {made.at:%Y-%m-%d %H:%M:%S} UTC")
    return 0


def _history(args: argparse.Namespace) -> int:
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    if args.action == "snapshots":
        with open_workspace(args.workspace, read_only=True) as ws:
            found = ws.service(HistoryService).snapshots()
        if not found:
            print("No snapshots yet: take one with pmdesk snapshot WORKSPACE --name NAME")
        for snap in found:
            who = f" by {snap.who}" if snap.who else ""
            note = f" — {snap.note}" if snap.note else ""
            print(f"{snap.at:%Y-%m-%d %H:%M} UTC  {snap.kind.value:<8} {snap.name}{who}{note}")
        return 0
    if not args.before:
        raise PmdeskError("compact needs --before DATE: the first day kept in detail")
    try:
        before = dt.date.fromisoformat(args.before)
    except ValueError:
        raise PmdeskError(f"--before {args.before}: not a date (YYYY-MM-DD)") from None
    with open_workspace(args.workspace) as ws:
        done = ws.service(HistoryService).compact(before)
    print(done.describe())
    return 0
