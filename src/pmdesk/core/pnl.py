"""The P&L per period, and the plan (a business case's cash-flow table) against actuals.

Actuals are the product's metric values: one value per month, dated on the month's first
day (any date inside a plan period counts for it). A plan period may be a quarter or a
year: the actuals dated inside it are summed into it — except for a stock such as the
number of customers, where the period's latest value is its value.

Exact Decimal maths in a local context (``pricing.PRECISION`` digits); nothing rounded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from .errors import ValidationError
from .finance import PeriodRow, add_months
from .pricing import HUNDRED, PRECISION, ZERO, parse_amount

ACTUAL = "actual"
PLAN = "plan"

#: PeriodRow fields that are stocks (a level at the end of the period), not flows.
STOCK_FIELDS = frozenset({"customers"})
#: PeriodRow fields plan_vs_actual compares.
COMPARABLE_FIELDS = frozenset(
    {"revenue", "new_units", "customers", "cost_of_goods", "gross_margin", "net_cash_flow"}
)


@dataclass(frozen=True)
class PnlRow:
    """One period of a product's P&L.

    - revenue: the actual revenue when the period has any (``source`` "actual"), else the
      plan's.
    - cost of goods: revenue − gross margin.
    - gross margin: from the actual margin values when the period has any (amounts, or
      percentages of that month's revenue); without them, the actual revenue × the plan's
      gross margin ratio for the period (plan gross margin ÷ plan revenue); in a plan row,
      the plan's.
    - operating costs: always the plan's (support + hosting + marketing).
    - contribution: gross margin − operating costs.
    - units: the actual units sold in the period when there are any, else the plan's new units.
    """

    period: dt.date
    revenue: Decimal
    cost_of_goods: Decimal
    gross_margin: Decimal
    operating_costs: Decimal
    contribution: Decimal
    source: str  # "actual" when the revenue comes from metric values, else "plan"
    units: Decimal = ZERO


def period_bounds(plan: Sequence[PeriodRow]) -> list[tuple[PeriodRow, dt.date, dt.date]]:
    """Each plan row with the first day of its period and the first day after it."""
    bounds = []
    for position, row in enumerate(plan):
        if position + 1 < len(plan):
            end = plan[position + 1].start
        elif position > 0:
            end = add_months(row.start, _months_between(plan[position - 1].start, row.start))
        else:
            end = add_months(row.start, 1)
        bounds.append((row, row.start, end))
    return bounds


def _months_between(earlier: dt.date, later: dt.date) -> int:
    return max(1, (later.year - earlier.year) * 12 + later.month - earlier.month)


def _inside(values: Mapping[dt.date, Decimal], start: dt.date, end: dt.date) -> list[dt.date]:
    return sorted(day for day in values if start <= day < end)


def _checked(values: Mapping[dt.date, Decimal], field: str) -> dict[dt.date, Decimal]:
    return {
        day: parse_amount(value, field, minimum=None, maximum=None) for day, value in values.items()
    }


def margin_amounts(
    revenue: Mapping[dt.date, Decimal], percent: Mapping[dt.date, Decimal]
) -> dict[dt.date, Decimal]:
    """Margin percentages (a metric whose unit is "%") as amounts: revenue × % ÷ 100, for
    each date that has both a revenue and a margin value."""
    with localcontext(prec=PRECISION):
        return {day: revenue[day] * pct / HUNDRED for day, pct in percent.items() if day in revenue}


def pnl(
    plan: Sequence[PeriodRow],
    actual_revenue: Mapping[dt.date, Decimal],
    actual_units: Mapping[dt.date, Decimal],
    actual_margin: Mapping[dt.date, Decimal],
    *,
    margin_is_percent: bool = False,
) -> tuple[PnlRow, ...]:
    """The P&L of periods 1 … N of ``plan`` (period 0, the investment, is not in a P&L).

    A period whose dates hold any actual revenue is "actual" (see :class:`PnlRow` for each
    line); others are "plan". ``actual_margin`` holds gross margin amounts, or — with
    ``margin_is_percent`` — gross margin percentages of the month's revenue (a month with
    a percentage but no revenue adds nothing).
    """
    revenue = _checked(actual_revenue, "revenue")
    units = _checked(actual_units, "units")
    margin = _checked(actual_margin, "margin")
    if margin_is_percent:
        margin = margin_amounts(revenue, margin)
    rows = []
    with localcontext(prec=PRECISION):
        for row, start, end in period_bounds(plan):
            if row.index == 0:
                continue
            days = _inside(revenue, start, end)
            if not days:
                rows.append(
                    PnlRow(
                        row.start,
                        row.revenue,
                        row.cost_of_goods,
                        row.gross_margin,
                        row.operating_costs,
                        row.gross_margin - row.operating_costs,
                        PLAN,
                        row.new_units,
                    )
                )
                continue
            income = sum((revenue[day] for day in days), ZERO)
            margin_days = _inside(margin, start, end)
            if margin_days:
                gross = sum((margin[day] for day in margin_days), ZERO)
            elif row.revenue:
                gross = income * row.gross_margin / row.revenue
            else:
                gross = income - row.cost_of_goods
            unit_days = _inside(units, start, end)
            sold = sum((units[day] for day in unit_days), ZERO) if unit_days else row.new_units
            rows.append(
                PnlRow(
                    row.start,
                    income,
                    income - gross,
                    gross,
                    row.operating_costs,
                    gross - row.operating_costs,
                    ACTUAL,
                    sold,
                )
            )
    return tuple(rows)


@dataclass(frozen=True)
class Variance:
    """One period of the plan against the actuals.

    - plan: the plan row's value; actual: the actuals inside the period (summed; a stock's
      latest value), None when there are none yet;
    - variance: actual − plan; ratio: actual ÷ plan (None when the plan is 0 or no actual);
    - complete: False for a period whose actuals may still grow — its months are not all
      there and no actual is dated after it (the month under way).
    """

    period: dt.date
    plan: Decimal
    actual: Decimal | None
    variance: Decimal | None
    ratio: Decimal | None
    complete: bool = True


def plan_vs_actual(
    plan: Sequence[PeriodRow], actual: Mapping[dt.date, Decimal], field: str
) -> tuple[Variance, ...]:
    """Periods 1 … N of ``plan``'s ``field`` (revenue, new_units, customers, gross_margin, …)
    against the ``actual`` values dated inside each period (see :class:`Variance`)."""
    if field not in COMPARABLE_FIELDS:
        raise ValidationError("field", f"{field!r} is not a figure of the plan to compare")
    values = _checked(actual, field.replace("_", " "))
    latest = max(values, default=None)
    result = []
    with localcontext(prec=PRECISION):
        for row, start, end in period_bounds(plan):
            if row.index == 0:
                continue
            planned: Decimal = getattr(row, field)
            days = _inside(values, start, end)
            if not days:
                result.append(Variance(row.start, planned, None, None, None))
                continue
            if field in STOCK_FIELDS:
                got = values[days[-1]]
            else:
                got = sum((values[day] for day in days), ZERO)
            months = {(day.year, day.month) for day in days}
            complete = len(months) >= _months_between(start, end) or (
                latest is not None and latest >= end
            )
            result.append(
                Variance(
                    row.start,
                    planned,
                    got,
                    got - planned,
                    got / planned if planned else None,
                    complete,
                )
            )
    return tuple(result)


def shortfall(variances: Sequence[Variance], threshold: Decimal, periods: int) -> Decimal | None:
    """How far a product is below its plan, when it is: actual ÷ plan over its last ``periods``
    complete periods with actuals and a plan above 0 — when each of them is under
    ``threshold`` (a fraction: 0.5 = 50 %) — else None (on or above plan in any of them,
    or fewer than ``periods`` such periods yet).
    """
    if periods < 1:
        raise ValidationError("periods", f"{periods} is not a number of periods ≥ 1")
    measured = [v for v in variances if v.actual is not None and v.plan > 0 and v.complete][
        -periods:
    ]
    if len(measured) < periods:
        return None
    if any(v.ratio is None or v.ratio >= threshold for v in measured):
        return None
    with localcontext(prec=PRECISION):
        actual = sum((v.actual for v in measured if v.actual is not None), ZERO)
        return actual / sum((v.plan for v in measured), ZERO)
