"""``pmdesk export`` and ``pmdesk import``: documents and interchange, headless.

    pmdesk export spec|launch|roadmap|stakeholders|canvas|portfolio|business-case|commercial WORKSPACE
                  [--product NAME] [--paper A4|Letter|A3|A2] [--landscape] [--since NAME|DATE]
                  -o OUT.pdf
    pmdesk export pptx WORKSPACE [--product NAME] [--slides roadmap,portfolio,...]
                  [--since NAME|DATE] -o OUT.pptx
    pmdesk export xlsx WORKSPACE [--product NAME] -o OUT.xlsx
    pmdesk export csv|mspdi|ics|json WORKSPACE [--product NAME] -o OUT
    pmdesk import csv|xlsx|mspdi|json WORKSPACE FILE
                  [--into requirements|roadmap|stakeholders|metrics|feedback]
                  [--product NAME] [--preset jira] [--date-order dmy|mdy]

``--since`` adds "Changes since …" (a snapshot's name or a day) to a deck without
``--slides`` and to a specification or portfolio summary. ``--as-of NAME|DATE`` exports
the workspace as it was then (a copy made in a temporary folder, deleted afterwards);
``--what-if NAME`` the plan as that what-if scenario would make it (likewise).
Exports open the workspace read-only (they work while pmdesk has it open); imports open
it for writing and are all or nothing. No Qt is imported here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

PDF_KINDS = (
    "spec",
    "launch",
    "roadmap",
    "stakeholders",
    "canvas",
    "portfolio",
    "business-case",
    "commercial",
)
OFFICE_EXPORTS = ("pptx", "xlsx")
DATA_EXPORTS = ("csv", "mspdi", "ics", "json")
IMPORTS = ("csv", "xlsx", "mspdi", "json")
CSV_TARGETS = ("requirements", "roadmap", "stakeholders", "metrics", "feedback")


def add_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "kind",
        choices=PDF_KINDS + OFFICE_EXPORTS + DATA_EXPORTS,
        metavar="KIND",
        help=(
            f"a PDF ({', '.join(PDF_KINDS)}), a PowerPoint deck (pptx), an Excel workbook "
            f"(xlsx) or data ({', '.join(DATA_EXPORTS)})"
        ),
    )
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        metavar="OUT",
        help="the file to write (for csv: a folder, one file per table)",
    )
    parser.add_argument("--product", metavar="NAME", help="the product (default: the only one)")
    parser.add_argument("--paper", metavar="SIZE", help="PDF page size: A4, Letter, A3 or A2")
    parser.add_argument("--landscape", action="store_true", help="PDF in landscape")
    parser.add_argument(
        "--slides",
        metavar="LIST",
        help="pptx: the slides, comma-separated (title, portfolio, growth-share, lifecycle, "
        "roadmap, board, stakeholders, canvas, requirements, launch, business-case, competitors, "
        "changes)",
    )
    parser.add_argument(
        "--since",
        metavar="NAME|DATE",
        help="pptx and PDF (spec, portfolio): add what changed since a snapshot (its name) "
        "or a day (YYYY-MM-DD); a deck with --slides shows it where 'changes' is listed",
    )
    parser.add_argument(
        "--as-of",
        metavar="NAME|DATE",
        help="export the workspace as it was at a snapshot (its name) or a day (YYYY-MM-DD)",
    )
    parser.add_argument(
        "--what-if",
        metavar="NAME",
        help="export the plan as the what-if scenario NAME would make it (without it, no "
        "export shows a scenario)",
    )
    parser.set_defaults(run=_export)


def add_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=IMPORTS, metavar="KIND", help=", ".join(IMPORTS))
    parser.add_argument(
        "workspace",
        type=Path,
        metavar="WORKSPACE",
        help="the workspace to import into (for json: a new file to create)",
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the file to import")
    parser.add_argument(
        "--into",
        choices=CSV_TARGETS,
        default="requirements",
        help="csv, xlsx: what the rows are (default: requirements)",
    )
    parser.add_argument("--product", metavar="NAME", help="the product (default: the only one)")
    parser.add_argument(
        "--preset",
        choices=("none", "jira"),
        default="none",
        help="csv, xlsx: column mapping preset",
    )
    parser.add_argument(
        "--date-order",
        choices=("dmy", "mdy"),
        help="csv, xlsx: how to read dates like 03/04/2027 when both readings fit",
    )
    parser.set_defaults(run=_import)


def _product_id(ws, name: str | None) -> int | None:
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.services import PortfolioService

    portfolio = ws.service(PortfolioService)
    if name:
        return portfolio.product_by_name(name).id
    products = portfolio.list_products()
    if len(products) == 1:
        return products[0].id
    if not products:
        raise PmdeskError("the workspace has no products yet")
    return None


def _require_product(ws, name: str | None) -> int:
    from pmdesk.core.errors import PmdeskError

    found = _product_id(ws, name)
    if found is None:
        raise PmdeskError("choose a product with --product NAME")
    return found


def _export(args: argparse.Namespace) -> int:
    from pmdesk.cli_history import as_of_stamp, opened_as_of
    from pmdesk.cli_what_if import opened_what_if
    from pmdesk.core.errors import PmdeskError

    if args.what_if and args.as_of:
        raise PmdeskError("export either --as-of a moment or --what-if a scenario, not both")
    opened = (
        opened_what_if(args.workspace, args.what_if)
        if args.what_if
        else opened_as_of(args.workspace, args.as_of)
    )
    args.stamp, args.today = "", None
    if args.what_if:
        args.stamp = f"What-if “{args.what_if}” — not the plan"
    elif args.as_of:
        args.stamp, args.today = as_of_stamp(args.workspace, args.as_of)
    with opened as ws:
        if args.kind in PDF_KINDS:
            written = _export_pdf(ws, args)
        elif args.kind in OFFICE_EXPORTS:
            written = _export_office(ws, args)
        else:
            written = _export_data(ws, args)
    print(written)
    return 0


def _export_pdf(ws, args: argparse.Namespace) -> Path:
    from pmdesk.exchange.pdf import PdfOptions, export_pdf

    options = PdfOptions(
        paper=args.paper or "",
        orientation="landscape" if args.landscape else "",
        sections=_sections(args),
        since=args.since,
        stamp=args.stamp,
        today=args.today,
    )
    product_id = None if args.kind == "portfolio" else _product_id(ws, args.product)
    if args.kind == "business-case" and product_id is not None:
        _require_case(ws, product_id)
    return export_pdf(ws, args.kind, args.output, product_id=product_id, options=options)


def _sections(args: argparse.Namespace) -> frozenset[str] | None:
    """Every section, with "Changes since …" too when ``--since`` asks for it."""
    from pmdesk.exchange.pdf import SECTIONS

    if args.since and "changes" in SECTIONS[args.kind]:
        return frozenset(SECTIONS[args.kind])
    return None


def _export_office(ws, args: argparse.Namespace) -> Path:
    if args.kind == "pptx":
        from pmdesk.exchange.deck import PORTFOLIO_DEFAULT, PRODUCT_DEFAULT, export_deck, slide_keys

        slides = slide_keys(args.slides) if args.slides else None
        product_id = _product_id(ws, args.product) if args.product else None
        if slides is None and args.since:
            slides = [
                *(PRODUCT_DEFAULT if product_id is not None else PORTFOLIO_DEFAULT),
                "changes",
            ]
        return export_deck(
            ws,
            args.output,
            product_id=product_id,
            slides=slides,
            since=args.since,
            stamp=args.stamp,
            on=args.today,
        )
    from pmdesk.exchange.workbook import export_workbook

    product_id = _product_id(ws, args.product) if args.product else None
    return export_workbook(ws, args.output, product_id=product_id)


def _require_case(ws, product_id: int) -> None:
    """A sign-off document needs a case to sign: say so rather than print an empty one."""
    from pmdesk.core.errors import PmdeskError
    from pmdesk.store.services import FinanceService, PortfolioService

    if ws.service(FinanceService).case_id_for(product_id) is None:
        name = ws.service(PortfolioService).products.get(product_id).name
        raise PmdeskError(
            f"{name} has no business case yet; add one in the Business case view first"
        )


def _export_data(ws, args: argparse.Namespace) -> Path:
    if args.kind == "csv":
        from pmdesk.exchange.tabular import export_all

        args.output.mkdir(parents=True, exist_ok=True)
        export_all(ws, args.output)
    elif args.kind == "mspdi":
        from pmdesk.exchange.mspdi import export_mspdi

        export_mspdi(ws, _require_product(ws, args.product), args.output)
    elif args.kind == "ics":
        from pmdesk.exchange.ics import export_ics

        export_ics(ws, args.output, product_id=_product_id(ws, args.product))
    else:
        from pmdesk.exchange.json_io import export_json

        export_json(ws, args.output)
    return args.output


def _import(args: argparse.Namespace) -> int:
    if args.kind == "json":
        from pmdesk.exchange.json_io import import_json

        print(import_json(args.file, args.workspace))
        return 0
    from pmdesk.store.factory import open_workspace

    with open_workspace(args.workspace) as ws:
        product_id = _require_product(ws, args.product)
        if args.kind in ("csv", "xlsx"):
            from pmdesk.exchange.tabular_import import import_csv

            source = args.file
            if args.kind == "xlsx":
                from pmdesk.exchange.workbook_import import read_xlsx

                source = read_xlsx(args.file)
            result = import_csv(
                ws,
                source,
                target=args.into,
                product_id=product_id,
                preset=args.preset,
                date_order=args.date_order,
            )
        else:
            from pmdesk.exchange.mspdi import import_mspdi

            result = import_mspdi(ws, args.file, product_id=product_id)
    created = ", ".join(
        f"{len(ids)} {table.replace('_', ' ')}" for table, ids in result.created.items() if ids
    )
    print(f"imported {created or 'nothing'} into {args.workspace}")
    for warning in getattr(result, "warnings", []):
        print(f"warning: {warning}")
    return 0
