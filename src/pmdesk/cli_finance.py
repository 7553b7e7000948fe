"""``pmdesk finance``: a product's business case and its figures, for people and for scripts.

    pmdesk finance WORKSPACE [--product NAME] [--json]

Opens the workspace read-only (it works while pmdesk has it open) and evaluates the
product's business case as it stands (the draft), every scenario, with the latest
signed version named. ``--json`` prints::

    {"product", "currency", "discount_rate" (annual), "periods_per_year",
     "rate_per_period" (the rate applied to each period of "cash_flows"),
     "scenarios": [{"name", "cash_flows" (net cash flow of periods 0…N), "npv",
                    "irr_per_period", "irr_annual", "payback_period",
                    "discounted_payback_period", "roi"}],
     "signed": {"version", "by", "on", "scenario"} or null}

A scenario that overrides the discount rate also carries its own "discount_rate" and
"rate_per_period" (its NPV is discounted at those).

Amounts and rates are JSON numbers written with every digit of their exact decimal
value (never through a binary float); an IRR or payback that does not exist is null.
Without ``--json``, a readable summary. No Qt is imported here.
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmdesk.core.finance import ScenarioResult
    from pmdesk.store.services.finance import CaseDetails, VersionRow


def add_finance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workspace", type=Path, metavar="WORKSPACE")
    parser.add_argument("--product", metavar="NAME", help="the product (default: the only one)")
    parser.add_argument(
        "--json", action="store_true", help="print the figures as JSON (for scripts and checks)"
    )
    parser.set_defaults(run=_finance)


def _finance(args: argparse.Namespace) -> int:
    from pmdesk.cli_exchange import _require_product
    from pmdesk.core.errors import PmdeskError
    from pmdesk.core.finance import evaluate_all
    from pmdesk.store.factory import open_workspace
    from pmdesk.store.services import FinanceService

    with open_workspace(args.workspace, read_only=True) as ws:
        product_id = _require_product(ws, args.product)
        finance = ws.service(FinanceService)
        details = finance.case_details(product_id)
        if details is None:
            from pmdesk.store.services import PortfolioService

            name = ws.service(PortfolioService).products.get(product_id).name
            raise PmdeskError(
                f"{name} has no business case yet; add one in the Business case view first"
            )
        signed = finance.signed_case(product_id)
    results = evaluate_all(details.case)
    version = signed[0] if signed is not None else None
    if args.json:
        print(dumps(figures_document(details, results, version)))
    else:
        print(summary(details, results, version))
    return 0


# -- the JSON document -----------------------------------------------------------------------


def figures_document(
    details: CaseDetails, results: tuple[ScenarioResult, ...], version: VersionRow | None
) -> dict[str, Any]:
    """The document ``--json`` prints (Decimals as they are; :func:`dumps` writes them)."""
    from pmdesk.core.finance import PERIODS_PER_YEAR, rate_per_period

    settings = details.settings
    annual = details.case.drivers["discount_rate"]
    return {
        "product": details.product_name,
        "currency": settings.currency,
        "discount_rate": annual,
        "periods_per_year": PERIODS_PER_YEAR[settings.period],
        "rate_per_period": rate_per_period(annual, settings.period),
        "scenarios": [_scenario(details, result) for result in results],
        "signed": None
        if version is None
        else {
            "version": version.version,
            "by": version.signed_by,
            "on": version.signed_on.isoformat(),
            "scenario": version.scenario,
        },
    }


def _scenario(details: CaseDetails, result: ScenarioResult) -> dict[str, Any]:
    from pmdesk.core.finance import rate_per_period

    found: dict[str, Any] = {
        "name": result.name,
        "cash_flows": list(result.cash_flows),
        "npv": result.figures.npv,
        "irr_per_period": result.figures.irr.per_period,
        "irr_annual": result.figures.irr.annual,
        "payback_period": result.figures.payback_period,
        "discounted_payback_period": result.figures.discounted_payback_period,
        "roi": result.figures.roi,
    }
    own = details.case.scenario(result.name).overrides.get("discount_rate")
    if own is not None and own != details.case.drivers["discount_rate"]:
        found["discount_rate"] = own
        found["rate_per_period"] = rate_per_period(own, details.settings.period)
    return found


def dumps(value: Any, indent: int = 2, level: int = 0) -> str:
    """JSON text of ``value`` in which a Decimal is a number with all of its digits.

    ``json.dumps`` knows no Decimal, and turning one into a float first would print
    0.30000000000000004 where the figure is 0.3.
    """
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {dumps(v, indent, level + 1)}"
            for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if all(isinstance(v, Decimal | int | float) or v is None for v in value):
            return "[" + ", ".join(dumps(v, indent, level + 1) for v in value) + "]"
        items = [f"{inner}{dumps(v, indent, level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"{value} is not a number JSON can hold")
    if value.is_zero():
        return "0"
    return format(value.normalize(), "f")  # 1250.00 is 1250: the digits, not the scale


# -- the text summary ------------------------------------------------------------------------


def summary(
    details: CaseDetails, results: tuple[ScenarioResult, ...], version: VersionRow | None
) -> str:
    """The case in a few lines: settings, sign-off, and each scenario's key figures."""
    from pmdesk.core.finance import Period, rate_per_period
    from pmdesk.core.pricing import format_money, format_rate

    settings = details.settings
    currency = settings.currency
    annual = details.case.drivers["discount_rate"]
    per = settings.period.label.lower()
    head = [
        f"{details.product_name}: business case in {currency}, "
        f"{settings.horizon} {per}s from {settings.start.isoformat()} "
        f"({settings.pricing_model.label.lower()} pricing)",
        f"Discount rate {format_rate(annual)} a year"
        + (
            ""
            if settings.period is Period.YEAR
            else f" ({format_rate(rate_per_period(annual, settings.period), 3)} a {per})"
        ),
        (
            f"Signed off: version {version.version} by {version.signed_by} on "
            f"{version.signed_on.isoformat()}, {version.scenario} scenario approved"
            if version is not None
            else "Not signed off yet"
        )
        + " (figures below are the current draft)",
        "",
    ]

    def money(value: Decimal | None) -> str:
        return "—" if value is None else format_money(value, currency, compact=True)

    def periods(value: Decimal | None) -> str:
        return "never" if value is None else f"{value.quantize(Decimal('0.1'))} {per}s"

    header = ("Scenario", "NPV", "IRR a year", "Payback", "Discounted payback", "ROI", "Peak need")
    rows = [header]
    notes = []
    for result in results:
        f = result.figures
        rows.append(
            (
                result.name,
                money(f.npv),
                "—" if f.irr.annual is None else format_rate(f.irr.annual),
                periods(f.payback_period),
                periods(f.discounted_payback_period),
                "—" if f.roi is None else format_rate(f.roi),
                money(f.peak_funding),
            )
        )
        if f.irr.note:
            notes.append(f"{result.name}: {f.irr.note}")
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    table = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(head + table + ([""] + notes if notes else []))
