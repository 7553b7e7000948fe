"""``pmdesk what-if``: what-if scenarios from the command line.

    pmdesk what-if WORKSPACE list [--json]
    pmdesk what-if WORKSPACE new NAME [--product NAME] [--note TEXT]
    pmdesk what-if WORKSPACE compare NAME [--json]
    pmdesk what-if WORKSPACE promote NAME
    pmdesk what-if WORKSPACE discard NAME

``list`` and ``compare`` open the workspace read-only (they work while pmdesk has it open);
``new``, ``promote`` and ``discard`` change it, each as one edit. A scenario is worked on
in the window (View ▸ Roadmap ▸ What-if Scenarios…); ``pmdesk export … --what-if NAME``
exports it. ``compare --json`` prints::

    {"scenario": "Ship early", "product": "Pulse Cloud", "currency": "EUR",
     "figures": {"critical_path_end": {"plan": "2027-11-03", "scenario": "2027-12-03",
                                       "difference_days": 30},
                 "launch_date": {…, "difference_days": -14},
                 "readiness": {"plan": 0.19, "scenario": 0.19, "difference": 0.0},
                 "npv": {"plan": 13083542.57, "scenario": …, "difference": …}},
     "moved": [{"id": 61, "name": "…", "plan": ["2027-09-05", "2027-11-03"],
                "scenario": ["2027-10-05", "2027-12-03"], "slip_days": 30}],
     "added": ["…"], "removed": ["…"]}

Dates are ISO text; a figure the plan or the scenario does not have is null, and so is its
difference; readiness is the share of launch tasks done (0 to 1); the NPV (of the business
case's Base scenario) is a JSON number with every digit of its exact value, in cents.
No Qt is imported here.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmdesk.store.services.what_if import Comparison
    from pmdesk.store.workspace import Workspace

ACTIONS = ("list", "new", "compare", "promote", "discard")
NAMED = ("new", "compare", "promote", "discard")
CENT = Decimal("0.01")


def add_what_if(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument(
        "action",
        choices=ACTIONS,
        metavar="ACTION",
        help="list: the scenarios; new: make one; compare: its figures beside the plan's; "
        "promote: make it the plan (one edit); discard: throw it away",
    )
    parser.add_argument("name", nargs="?", metavar="NAME", help="the scenario")
    parser.add_argument("--product", metavar="NAME", help="new: the product the scenario is about")
    parser.add_argument("--note", default="", help="new: a note kept with it")
    parser.add_argument(
        "--json", action="store_true", help="list, compare: print JSON (for scripts and checks)"
    )
    parser.set_defaults(run=_what_if)


def _what_if(args: argparse.Namespace) -> int:
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import WhatIfService

    if args.action in NAMED and not (args.name or "").strip():
        raise PmdeskError(f"what-if {args.action} needs the scenario's NAME")
    if args.action != "new" and args.product:
        raise PmdeskError("--product goes with what-if new")
    read_only = args.action in ("list", "compare")
    with open_workspace(args.workspace, read_only=read_only) as ws:
        scenarios = ws.service(WhatIfService)
        if args.action == "list":
            print(_listing(ws, args.json))
        elif args.action == "new":
            print(_new(ws, args))
        elif args.action == "compare":
            row = scenarios.by_name(args.name)
            comparison = scenarios.compare(row.id)
            product = _product_name(ws, comparison.plan.product_id)
            if args.json:
                from pmdesk.cli_finance import dumps

                print(dumps(comparison_document(row.name, product, comparison)))
            else:
                print(comparison_text(row.name, product, comparison))
        elif args.action == "promote":
            row = scenarios.by_name(args.name)
            scenarios.promote(row.id)
            print(
                f"Promoted “{row.name}” to the plan: {_rows(row.changed_rows)} changed "
                "(undo it in the window with Edit ▸ Undo)"
            )
        else:
            row = scenarios.by_name(args.name)
            scenarios.discard(row.id)
            print(f"Discarded “{row.name}”; the plan is as it was")
    return 0


def _rows(count: int) -> str:
    from pmdesk.core.wording import plural

    return plural(count, "row")


def _product_name(ws, product_id: int | None) -> str | None:
    if product_id is None:
        return None
    from pmdesk.core.errors import NotFoundError
    from pmdesk.store.services import PortfolioService

    try:
        return str(ws.service(PortfolioService).products.get(product_id).name)
    except NotFoundError:  # only the scenario has it
        return None


def _listing(ws, as_json: bool) -> str:
    import json

    from pmdesk.store.services import WhatIfService

    found = ws.service(WhatIfService).scenarios()
    if as_json:
        document = [
            {
                "name": row.name,
                "product": _product_name(ws, row.product_id),
                "note": row.note,
                "created_at": row.created_at.isoformat(),
                "created_by": row.created_by,
                "changed_rows": row.changed_rows,
            }
            for row in found
        ]
        return json.dumps(document, ensure_ascii=False, indent=2)
    if not found:
        return "No what-if scenarios yet: make one with pmdesk what-if WORKSPACE new NAME"
    lines = []
    for row in found:
        product = _product_name(ws, row.product_id) or "the portfolio"
        who = f" by {row.created_by}" if row.created_by else ""
        note = f" — {row.note}" if row.note else ""
        lines.append(
            f"{row.name}  ({product}; {_rows(row.changed_rows)} changed; "
            f"made {row.created_at:%Y-%m-%d}{who}){note}"
        )
    return "\n".join(lines)


def _new(ws, args: argparse.Namespace) -> str:
    from pmdesk.store.services import PortfolioService, WhatIfService

    product_id = None
    if args.product:
        product_id = ws.service(PortfolioService).product_by_name(args.product).id
    made = ws.service(WhatIfService).create(args.name, product_id, note=args.note)
    about = f" of {args.product}" if args.product else " of the portfolio"
    return (
        f"What-if “{made.name}”{about} made, with no changes yet: work on it in the window "
        "(View ▸ Roadmap ▸ What-if Scenarios…)"
    )


# -- compare --------------------------------------------------------------------------------------


def _days(plan: dt.date | None, scenario: dt.date | None) -> int | None:
    return None if plan is None or scenario is None else (scenario - plan).days


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT)


def comparison_document(name: str, product: str | None, comparison: Comparison) -> dict[str, Any]:
    """The document ``compare --json`` prints (Decimals as they are; cli_finance.dumps)."""
    plan, scenario = comparison.plan, comparison.scenario

    def dates(pair: tuple[dt.date, dt.date]) -> list[str]:
        return [pair[0].isoformat(), pair[1].isoformat()]

    def day(value: dt.date | None) -> str | None:
        return None if value is None else value.isoformat()

    readiness = None
    if plan.readiness is not None and scenario.readiness is not None:
        readiness = round(scenario.readiness - plan.readiness, 4)
    npv_plan, npv_scenario = _cents(plan.npv), _cents(scenario.npv)
    return {
        "scenario": name,
        "product": product,
        "currency": plan.currency or scenario.currency,
        "figures": {
            "critical_path_end": {
                "plan": day(plan.critical_path_end),
                "scenario": day(scenario.critical_path_end),
                "difference_days": _days(plan.critical_path_end, scenario.critical_path_end),
            },
            "launch_date": {
                "plan": day(plan.launch_date),
                "scenario": day(scenario.launch_date),
                "difference_days": _days(plan.launch_date, scenario.launch_date),
            },
            "readiness": {
                "plan": None if plan.readiness is None else round(plan.readiness, 4),
                "scenario": None if scenario.readiness is None else round(scenario.readiness, 4),
                "difference": readiness,
            },
            "npv": {
                "plan": npv_plan,
                "scenario": npv_scenario,
                "difference": None
                if npv_plan is None or npv_scenario is None
                else npv_scenario - npv_plan,
            },
        },
        "moved": [
            {
                "id": item_id,
                "name": item_name,
                "plan": dates(before),
                "scenario": dates(after),
                "slip_days": (after[1] - before[1]).days,
            }
            for item_id, item_name, before, after in comparison.moved
        ],
        "added": list(comparison.added),
        "removed": list(comparison.removed),
    }


def comparison_text(name: str, product: str | None, comparison: Comparison) -> str:
    """The comparison as a person reads it: figure | plan | scenario | difference, then the
    items moved, added and removed — worded as the window's comparison words them."""
    from pmdesk.store.figures_wording import comparison_lines, item_lines

    table = [("", "Plan", "Scenario", "Difference")]
    table += [(f.label, f.plan, f.scenario, f.difference) for f in comparison_lines(comparison)]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = [f"What-if “{name}” against the plan" + (f" — {product}" if product else ""), ""]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    items = item_lines(comparison)
    for group in ("Moved", "Added", "Removed"):
        found = [item for item in items if item.group == group]
        if not found:
            continue
        lines += ["", f"{group} ({len(found)}):"]
        for item in found:
            moved = (
                f": {item.plan} → {item.scenario} ({item.difference})" if group == "Moved" else ""
            )
            lines.append(f"  {item.name}{moved}")
    if not items:
        lines += ["", "No roadmap item of the product moves in this scenario."]
    return "\n".join(lines)


# -- pmdesk export --what-if ------------------------------------------------------------------------


@contextlib.contextmanager
def opened_what_if(path: Path, name: str) -> Iterator[Workspace]:
    """The plan at ``path`` as the scenario ``name`` would make it, read-only: a copy made in
    a temporary folder (the plan now with the scenario's changes), deleted afterwards."""
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import WhatIfService

    with tempfile.TemporaryDirectory(prefix="pmdesk-what-if-") as folder:
        with open_workspace(path, read_only=True) as source:
            scenarios = source.service(WhatIfService)
            row = scenarios.by_name(name)
            copy = scenarios.open_copy(row.id, Path(folder) / f"{path.stem}.pmdesk")
        with open_workspace(copy, read_only=True) as ws:
            yield ws
