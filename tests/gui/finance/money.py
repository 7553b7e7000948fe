"""Business cases, cost items and price points for the money tests, made through the service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pmdesk.core.finance import Period
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService


def product_id(ws, name: str) -> int:
    return ws.service(PortfolioService).product_by_name(name).id


def signed_case(
    ws,
    name: str,
    *,
    units: str = "380",
    price: str = "2400",
    currency: str = "EUR",
    sign: bool = True,
) -> int:
    """The product's case; without one, a quarterly case from its first metric month (or
    2026-01) with these drivers; signed (Base) unless it is or ``sign`` is False."""
    finance = ws.service(FinanceService)
    pid = product_id(ws, name)
    case_id = finance.case_id_for(pid)
    if case_id is not None:  # the demo's own case
        if sign and finance.signed_case(pid) is None:
            finance.sign_off(case_id, signed_by="Dana Whitfield", scenario="Base")
        return case_id
    values = ws.service(LifecycleService).values_of_product(pid)
    first = min((v.period for v in values), default=dt.date(2026, 1, 1))
    start = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    case_id = finance.create_case(
        pid, currency=currency, period=Period.QUARTER, horizon=24, start=start
    )
    finance.set_driver(case_id, "units_first", Decimal(units))
    finance.set_driver(case_id, "units_growth", Decimal("0.02"))
    finance.set_driver(case_id, "price", Decimal(price))
    finance.set_driver(case_id, "market_size", Decimal("1000000"))
    if sign:
        finance.sign_off(case_id, signed_by="Dana Whitfield", scenario="Base", signed_on=start)
    return case_id


def new_product(ws, name: str) -> int:
    return ws.service(PortfolioService).create_product(name=name).id
