"""``pmdesk changes``, ``pmdesk snapshot`` and ``pmdesk history``: the portfolio's history.

    pmdesk changes WORKSPACE --since NAME|DATE [--product NAME] [--json]
    pmdesk snapshot WORKSPACE --name NAME [--note TEXT]
    pmdesk history snapshots WORKSPACE [--rename OLD NEW | --delete NAME]
    pmdesk history restore WORKSPACE --entity TABLE --id N [--field F ...]
    pmdesk history compact WORKSPACE --before DATE

``changes`` opens the workspace read-only and prints the net change of every entity since
a snapshot (by its name) or a day (``2026-09-01``, from its start, UTC). ``--json`` prints::

    {"since": "Q3 review",
     "changes": [{"entity": "roadmap_item", "id": 12, "name": "Pulse Cloud 2.0",
                  "kind": "changed", "fields": {"end_date": ["2027-03-01", "2027-04-15"]}}]}

``kind`` is ``added``, ``removed`` or ``changed``; ``fields`` holds each field as
``[old, new]`` (an added entity's old values and a removed one's new values are null);
dates are ISO text, exact decimals text, vocabularies their stored value. When a headline
figure moved (critical path end, launch date, launch readiness, NPV of the Base
scenario: ``HistoryService.figures_since``), a ``"figures"`` list beside them holds each
that moved: ``{"product": "Pulse Cloud", "figure": "launch_date", "then": "2027-03-25",
"now": "2027-04-08"}`` (``critical_path_end``, ``launch_date`` ISO days; ``readiness``
a share 0..1; ``npv`` exact text with its ``currency``). Without ``--json``, a readable
report, starting with a "Headline" block per product whose figures moved.
``snapshot`` names this moment; ``history snapshots`` lists the named moments, or renames
(``--rename OLD NEW``) or deletes (``--delete NAME``) one; ``history restore`` brings back
a removed entity (``--entity roadmap_item --id 12``: with the links and children removed
with it) or, for one that exists, the values its fields had before their last change
(every field of its last change, or those named with ``--field``), as one edit the window
can undo; ``history compact`` folds the detail of edits before a day into one summary per
entity and day, and says what it folded.
``pmdesk export … --as-of NAME|DATE`` exports the workspace as it was at a moment
(:func:`opened_as_of`). No Qt is imported here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.core.wording import short_date

if TYPE_CHECKING:
    from pmdesk.store.services.history import Change, ProductFigures
    from pmdesk.store.workspace import Workspace

HISTORY_ACTIONS = ("snapshots", "restore", "compact")


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
        help="snapshots: list the named moments (or --rename, --delete one); "
        "restore: bring back a removed entity or old values (--entity, --id, --field); "
        "compact: fold the detail of edits before --before into daily summaries",
    )
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument("--before", metavar="DATE", help="compact: the first day kept in detail")
    named = parser.add_mutually_exclusive_group()
    named.add_argument(
        "--rename", nargs=2, metavar=("OLD", "NEW"), help="snapshots: call a snapshot NEW"
    )
    named.add_argument("--delete", metavar="NAME", help="snapshots: forget a named moment")
    parser.add_argument(
        "--entity",
        metavar="TABLE",
        help="restore: what to restore, as pmdesk changes names it (roadmap_item, requirement…)",
    )
    parser.add_argument(
        "--id", metavar="N", help="restore: its id (as pmdesk changes prints it; 3,7 for a pair)"
    )
    parser.add_argument(
        "--field",
        action="append",
        metavar="F",
        help="restore: only this field's value from before its last change (repeatable)",
    )
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
        # Nothing changed: the figures cannot have moved, and the copy is not worth making.
        figures = service.figures_since(args.since, product_id) if changes else []
    if args.json:
        document = changes_document(moment.label, changes, figures)
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        shown = f"{moment.label}" + (
            f" ({moment.at:%Y-%m-%d %H:%M} UTC)" if moment.snapshot else " (UTC)"
        )
        print(report(shown, changes, figures))
    return 0


def changes_document(
    since: str, changes: list[Change], figures: Sequence[ProductFigures] = ()
) -> dict[str, Any]:
    """The document ``--json`` prints; ``"figures"`` only when a headline figure moved."""
    from pmdesk.store.figures_wording import json_figures

    document: dict[str, Any] = {
        "since": since,
        "changes": [change.as_json() for change in changes],
    }
    moved = [row for f in figures for row in json_figures(f.product, f.then, f.now)]
    if moved:
        document["figures"] = moved
    return document


def report(since: str, changes: list[Change], figures: Sequence[ProductFigures] = ()) -> str:
    """The changes as text: the headline figures that moved, then one block per kind of
    entity, one line per entity."""
    from pmdesk.store.history_wording import report as worded_report

    return worded_report(since, changes, figures)


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

    if args.action != "snapshots" and (args.rename or args.delete):
        raise PmdeskError("--rename and --delete go with pmdesk history snapshots")
    if args.action != "restore" and (args.entity or args.id or args.field):
        raise PmdeskError("--entity, --id and --field go with pmdesk history restore")
    if args.action == "restore":
        return _restore(args)
    if args.rename or args.delete:
        return _change_snapshot(args)
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


def _restore(args: argparse.Namespace) -> int:
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    if not args.entity or not args.id:
        raise PmdeskError(
            "restore needs --entity TABLE and --id N (pmdesk changes --json names both)"
        )
    table = args.entity.strip().replace("-", "_").replace(" ", "_")
    with open_workspace(args.workspace) as ws:
        service = ws.service(HistoryService)
        plan = service.restore_plan(table, args.id, args.field)
        label = service.restore(table, args.id, args.field)
    if plan.whole:
        brought = f"{plan.rows} rows back" if plan.rows > 1 else "back"
    else:
        brought = ", ".join(f.replace("_", " ") for f in plan.fields) + " as before"
    print(f"{label}: {brought}")
    if plan.note():
        print(plan.note())
    return 0


def _change_snapshot(args: argparse.Namespace) -> int:
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    old = (args.rename[0] if args.rename else args.delete).strip()
    with open_workspace(args.workspace) as ws:
        service = ws.service(HistoryService)
        found = next((s for s in service.snapshots() if s.name == old), None)
        if found is None:
            raise PmdeskError(
                f"There is no snapshot named “{old}” (pmdesk history snapshots lists them)"
            )
        if args.rename:
            service.rename_snapshot(found.id, args.rename[1])
            print(f"Snapshot “{found.name}” is now “{args.rename[1].strip()}”")
        else:
            service.delete_snapshot(found.id)
            print(f"Snapshot “{found.name}” deleted; the history itself is kept")
    return 0


# -- pmdesk export --as-of ---------------------------------------------------------------------


def as_of_stamp(path: Path, as_of: str) -> tuple[str, dt.date]:
    """What a document exported ``--as-of`` says it shows, and the day it is as of: the
    snapshot's day, or the day given."""
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    with open_workspace(path, read_only=True) as ws:
        moment = ws.service(HistoryService).moment(as_of)
    if moment.snapshot:
        return f"As it was at “{moment.label}”", moment.at.date()
    return f"As it was on {short_date(moment.at)}", moment.at.date()


@contextlib.contextmanager
def opened_as_of(path: Path, as_of: str | None) -> Iterator[Workspace]:
    """The workspace at ``path`` opened read-only; with ``as_of`` (a snapshot's name or a
    day), a copy of it as it was then, made in a temporary folder and deleted afterwards."""
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import HistoryService

    if not as_of:
        with open_workspace(path, read_only=True) as ws:
            yield ws
        return
    with tempfile.TemporaryDirectory(prefix="pmdesk-as-of-") as folder:
        with open_workspace(path, read_only=True) as source:
            copy = source.service(HistoryService).materialize(
                as_of, Path(folder) / f"{path.stem}.pmdesk"
            )
        with open_workspace(copy, read_only=True) as ws:
            yield ws
