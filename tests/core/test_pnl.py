"""The P&L from plan and actuals, plan against actuals, and the shortfall behind the
"delivering under X % of its business case" elimination rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.core.errors import ValidationError
from pmdesk.core.finance import (
    DRIVER_KEYS,
    CaseSettings,
    Period,
    PricingModel,
    add_months,
    cash_flow_table,
)
from pmdesk.core.pnl import ACTUAL, PLAN, margin_amounts, plan_vs_actual, pnl, shortfall

D = Decimal
day = dt.date


def quarterly_plan(horizon: int = 4) -> tuple:
    """Quarters from 2027-01-01: 100 units a quarter at 10 (cost 4), support 100 a quarter.

    Plan per quarter: revenue 1,000, cost of goods 400, gross margin 600, contribution 500.
    """
    drivers = {key: D(0) for key in DRIVER_KEYS}
    drivers.update(
        market_size=D(100000),
        units_first=D(100),
        price=D(10),
        unit_cost=D(4),
        investment_development=D(2000),
        cost_support=D(100),
    )
    settings = CaseSettings("EUR", Period.QUARTER, horizon, day(2027, 1, 1), PricingModel.UNIT)
    return cash_flow_table(settings, drivers)


def test_plan_periods_stay_plan() -> None:
    rows = pnl(quarterly_plan(), {}, {}, {})
    assert [row.period for row in rows] == [
        day(2027, 1, 1),
        day(2027, 4, 1),
        day(2027, 7, 1),
        day(2027, 10, 1),
    ]  # period 0 (the investment) is not in a P&L
    assert {row.source for row in rows} == {PLAN}
    first = rows[0]
    assert (first.revenue, first.cost_of_goods, first.gross_margin) == (1000, 400, 600)
    assert (first.operating_costs, first.contribution, first.units) == (100, 500, 100)


def test_monthly_actuals_sum_into_quarters() -> None:
    revenue = {day(2027, 1, 1): D(300), day(2027, 2, 1): D(200), day(2027, 3, 1): D("250.50")}
    units = {day(2027, 1, 1): D(30), day(2027, 2, 1): D(20), day(2027, 3, 1): D(25)}
    margin = {day(2027, 1, 1): D(150), day(2027, 2, 1): D(90), day(2027, 3, 1): D(100)}
    rows = pnl(quarterly_plan(), revenue, units, margin)
    q1, q2 = rows[0], rows[1]
    assert q1.source == ACTUAL
    assert q1.revenue == D("750.50")
    assert q1.gross_margin == 340
    assert q1.cost_of_goods == D("410.50")
    assert q1.operating_costs == 100  # the plan's
    assert q1.contribution == 240
    assert q1.units == 75
    assert q2.source == PLAN and q2.revenue == 1000


def test_margin_without_actuals_follows_the_plan_ratio() -> None:
    rows = pnl(quarterly_plan(), {day(2027, 4, 1): D(500)}, {}, {})
    q2 = rows[1]
    assert q2.source == ACTUAL
    assert q2.gross_margin == 300  # 500 × 600/1000
    assert q2.cost_of_goods == 200
    assert q2.contribution == 200
    assert q2.units == 100  # no actual units: the plan's


def test_margin_percentages_weigh_each_months_revenue() -> None:
    revenue = {day(2027, 1, 1): D(100), day(2027, 2, 1): D(300)}
    percent = {day(2027, 1, 1): D(50), day(2027, 2, 1): D(20), day(2027, 5, 1): D(90)}
    assert margin_amounts(revenue, percent) == {day(2027, 1, 1): 50, day(2027, 2, 1): 60}
    q1 = pnl(quarterly_plan(), revenue, {}, percent, margin_is_percent=True)[0]
    assert q1.gross_margin == 110  # 100 × 50 % + 300 × 20 %
    assert q1.cost_of_goods == 290


def test_bad_actuals_are_refused() -> None:
    with pytest.raises(ValidationError, match="Revenue: 'NaN' is not a number"):
        pnl(quarterly_plan(), {day(2027, 1, 1): "NaN"}, {}, {})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="not a figure of the plan"):
        plan_vs_actual(quarterly_plan(), {}, "colour")


def test_plan_against_actuals_per_quarter() -> None:
    actual = {
        day(2027, 1, 1): D(300),
        day(2027, 2, 1): D(300),
        day(2027, 3, 1): D(300),
        day(2027, 4, 1): D(400),
        day(2027, 5, 1): D(400),  # June not there yet
    }
    rows = plan_vs_actual(quarterly_plan(), actual, "revenue")
    assert [(v.plan, v.actual, v.variance, v.ratio) for v in rows] == [
        (1000, 900, -100, D("0.9")),
        (1000, 800, -200, D("0.8")),
        (1000, None, None, None),
        (1000, None, None, None),
    ]
    assert [v.complete for v in rows[:2]] == [True, False]  # June may still come


def test_customers_are_a_stock_not_summed() -> None:
    actual = {day(2027, 1, 1): D(40), day(2027, 2, 1): D(70), day(2027, 3, 1): D(95)}
    first = plan_vs_actual(quarterly_plan(), actual, "customers")[0]
    assert first.plan == 100 and first.actual == 95


def test_yearly_plan_takes_twelve_months_and_a_last_period_of_a_year() -> None:
    drivers = {key: D(0) for key in DRIVER_KEYS}
    drivers.update(market_size=D(10**6), units_first=D(120), price=D(1))
    plan = cash_flow_table(
        CaseSettings("EUR", Period.YEAR, 2, day(2027, 1, 1), PricingModel.UNIT), drivers
    )
    actual = {day(2028, month, 1): D(5) for month in range(1, 13)}
    actual[day(2029, 1, 1)] = D(1000)  # after the horizon: not in any period
    rows = plan_vs_actual(plan, actual, "revenue")
    assert [(v.actual, v.ratio, v.complete) for v in rows] == [
        (None, None, True),
        (60, D("0.5"), True),
    ]


def test_shortfall_needs_every_one_of_the_last_periods_below() -> None:
    plan = quarterly_plan(6)
    values = [D(900), D(400), D(300), D(350)]
    actual = {
        day(2027, 1 + 3 * quarter, 1) + dt.timedelta(days=offset): value / 3
        for quarter, value in enumerate(values)
        for offset in (0, 31, 62)
    }
    variances = plan_vs_actual(plan, actual, "revenue")
    assert [v.complete for v in variances[:4]] == [True] * 4
    found = shortfall(variances, D("0.5"), 2)
    assert found is not None and abs(found - D("0.325")) < D("1e-20")  # (300 + 350) / 2000
    three = shortfall(variances, D("0.5"), 3)
    assert three is not None and abs(three - D(1050) / D(3000)) < D("1e-20")
    assert shortfall(variances, D("0.5"), 4) is None  # 90 % in the first quarter
    assert shortfall(variances, D("0.3"), 2) is None  # 35 % is not under 30 %
    assert shortfall(variances, D("0.5"), 5) is None  # only four quarters measured
    with pytest.raises(ValidationError):
        shortfall(variances, D("0.5"), 0)


def test_a_quarter_under_way_does_not_count_as_short() -> None:
    plan = quarterly_plan()
    actual = {day(2027, month, 1): D(100) for month in range(1, 4)}  # Q1: 300 of 1000
    actual[day(2027, 4, 1)] = D(100)  # Q2 has only April so far
    variances = plan_vs_actual(plan, actual, "revenue")
    assert shortfall(variances, D("0.5"), 2) is None
    actual[day(2027, 5, 1)] = D(100)
    actual[day(2027, 6, 1)] = D(100)
    variances = plan_vs_actual(plan, actual, "revenue")
    found = shortfall(variances, D("0.5"), 2)
    assert found is not None and found == D("0.3")


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([Period.MONTH, Period.QUARTER, Period.YEAR]),
    st.integers(1, 12),
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)).map(lambda d: d.replace(day=1)),
    st.integers(0, 500),
    st.integers(1, 10**6).map(lambda cents: D(cents) / 100),
    st.integers(1, 12),
)
def test_actuals_that_follow_the_plan_month_by_month_meet_it(
    period: Period, horizon: int, start: dt.date, units: int, price: Decimal, reported: int
) -> None:
    """Each plan period's revenue spread over its months as metric values: the P&L is the
    plan's, every ratio 1, nothing short; only the first ``reported`` periods have values."""
    drivers = {key: D(0) for key in DRIVER_KEYS}
    drivers.update(market_size=D(10**9), units_first=D(units), units_growth=D("0.05"), price=price)
    drivers.update(unit_cost=price / 4, cost_support=D(1000))
    settings_ = CaseSettings("EUR", period, horizon, start, PricingModel.UNIT)
    plan = cash_flow_table(settings_, drivers)
    actual: dict[dt.date, Decimal] = {}
    for row in plan[1 : reported + 1]:
        months = period.months
        for month in range(months):
            actual[add_months(row.start, month)] = row.revenue / months
    variances = plan_vs_actual(plan, actual, "revenue")
    rows = pnl(plan, actual, {}, {})
    for index, (variance, row) in enumerate(zip(variances, rows, strict=True), start=1):
        if index <= reported and plan[index].revenue:
            assert variance.complete
            assert variance.ratio is not None and abs(variance.ratio - 1) < D("1e-20")
            assert row.source == ACTUAL
            assert abs(row.gross_margin - plan[index].gross_margin) < D("1e-18") * max(
                1, plan[index].revenue
            )
        elif index > reported:
            assert variance.actual is None and row.source == PLAN
            assert row.revenue == plan[index].revenue
    assert shortfall(variances, D("0.5"), 1) is None
