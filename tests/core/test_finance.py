"""The business case's maths on cases worked by hand, to the cent, and its edge cases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pmdesk.core.errors import ValidationError
from pmdesk.core.finance import (
    DRIVER_KEYS,
    DRIVERS,
    IRR_ALL_ZERO,
    IRR_NO_CHANGE,
    IRR_SEVERAL,
    PERIODS_PER_YEAR,
    BusinessCase,
    CaseSettings,
    Period,
    PricingModel,
    Scenario,
    annual_equivalent,
    cash_flow_table,
    default_drivers,
    default_scenarios,
    drivers_for,
    evaluate,
    evaluate_all,
    figures,
    irr,
    npv,
    payback,
    rate_per_period,
    sensitivity,
    validate_driver,
)

D = Decimal
CENT = D("0.01")


def drivers(**changes: str) -> dict[str, Decimal]:
    """A small yearly case worked by hand below; every driver zero but those given."""
    values = {key: D(0) for key in DRIVER_KEYS}
    values.update(
        market_size=D(1000),
        units_first=D(100),
        units_growth=D("0.5"),
        price=D(10),
        unit_cost=D(4),
        investment_development=D(1000),
        cost_support=D(100),
        discount_rate=D("0.1"),
    )
    values.update({key: D(value) for key, value in changes.items()})
    return values


def settings(
    period: Period = Period.YEAR,
    horizon: int = 3,
    model: PricingModel = PricingModel.UNIT,
    start: dt.date = dt.date(2027, 1, 1),
) -> CaseSettings:
    return CaseSettings("EUR", period, horizon, start, model)


def cents(value: Decimal | None) -> Decimal:
    assert value is not None
    return value.quantize(CENT)


def test_one_off_sale_case_worked_by_hand() -> None:
    # Period 0: invest 1,000. Then 100, 150, 225 units at 10 (cost 4), support 100 a year:
    # net 500, 800, 1,250; cumulative −1,000, −500, 300, 1,550.
    rows = cash_flow_table(settings(), drivers())
    assert [row.index for row in rows] == [0, 1, 2, 3]
    assert [row.new_units for row in rows] == [0, 100, 150, 225]
    assert [row.customers for row in rows] == [0, 100, 250, 475]
    assert [row.revenue for row in rows] == [0, 1000, 1500, 2250]
    assert [row.cost_of_goods for row in rows] == [0, 400, 600, 900]
    assert [row.gross_margin for row in rows] == [0, 600, 900, 1350]
    assert [row.operating_costs for row in rows] == [0, 100, 100, 100]
    assert [row.investment for row in rows] == [1000, 0, 0, 0]
    assert [row.net_cash_flow for row in rows] == [-1000, 500, 800, 1250]
    assert [row.cumulative for row in rows] == [-1000, -500, 300, 1550]
    # 500/1.1 = 454.55, 800/1.21 = 661.16, 1250/1.331 = 939.14
    assert [cents(row.discounted) for row in rows] == [
        D("-1000.00"),
        D("454.55"),
        D("661.16"),
        D("939.14"),
    ]
    assert cents(rows[-1].cumulative_discounted) == D("1054.85")
    assert [row.start for row in rows] == [
        dt.date(2026, 1, 1),
        dt.date(2027, 1, 1),
        dt.date(2028, 1, 1),
        dt.date(2029, 1, 1),
    ]

    found = figures(settings(), rows, D("0.1"))
    assert cents(found.npv) == D("1054.85")
    assert found.payback_period == D("1.625")  # 1 + 500/800
    # discounted: −545.45… left after period 1, 661.157… in period 2: 1 + 0.825
    assert found.discounted_payback_period == D("1.825")
    assert found.roi == D("1.55")  # (−1000 + 500 + 800 + 1250) / 1000
    assert found.break_even_period == 1
    assert found.peak_funding == 1000
    assert found.total_revenue == 4750
    assert found.irr.note == ""
    assert found.irr.per_period is not None
    assert abs(found.irr.per_period - D("0.54324465763838044")) < D("1e-15")
    assert found.irr.annual == found.irr.per_period  # a year is one period
    assert abs(npv([r.net_cash_flow for r in rows], found.irr.per_period)) < D("1e-18")


def test_market_size_caps_adoption() -> None:
    rows = cash_flow_table(settings(), drivers(market_size="300"))
    assert [row.new_units for row in rows] == [0, 100, 150, 50]
    assert rows[-1].customers == 300
    assert [row.new_units for row in cash_flow_table(settings(), drivers(market_size="0"))] == [
        0,
        0,
        0,
        0,
    ]


def test_subscription_case_worked_by_hand() -> None:
    # 100 new customers a quarter, 10 % churn, 10 a customer a quarter, cost 2.
    quarterly = settings(Period.QUARTER, 3, PricingModel.SUBSCRIPTION, dt.date(2027, 1, 31))
    rows = cash_flow_table(
        quarterly, drivers(units_growth="0", churn="0.1", price="10", unit_cost="2")
    )
    assert [row.customers for row in rows] == [0, 100, 190, 271]
    assert [row.new_units for row in rows] == [0, 100, 100, 100]
    assert [row.revenue for row in rows] == [0, 1000, 1900, 2710]
    assert [row.cost_of_goods for row in rows] == [0, 200, 380, 542]
    assert [row.net_cash_flow for row in rows] == [-1000, 700, 1420, 2068]
    # Quarters from the 31st: the month's last day where the 31st does not exist.
    assert [row.start for row in rows] == [
        dt.date(2026, 10, 31),
        dt.date(2027, 1, 31),
        dt.date(2027, 4, 30),
        dt.date(2027, 7, 31),
    ]


def test_subscription_market_caps_active_customers() -> None:
    capped = cash_flow_table(
        settings(horizon=4, model=PricingModel.SUBSCRIPTION),
        drivers(units_growth="0", churn="0.5", market_size="150"),
    )
    # 100; then 50 stay and 100 join (150, the cap); then 75 stay, 75 join; ...
    assert [row.customers for row in capped] == [0, 100, 150, 150, 150]
    assert [row.new_units for row in capped] == [0, 100, 100, 75, 75]


def test_rate_per_period_compounds() -> None:
    assert rate_per_period(D("0.1"), Period.YEAR) == D("0.1")
    quarter = rate_per_period(D("0.1"), Period.QUARTER)
    assert quarter.quantize(D("1e-9")) == D("0.024113689")
    assert abs((1 + quarter) ** 4 - D("1.1")) < D("1e-30")
    month = rate_per_period(D("0.1"), Period.MONTH)
    assert abs(annual_equivalent(month, Period.MONTH) - D("0.1")) < D("1e-30")
    assert PERIODS_PER_YEAR == {Period.YEAR: 1, Period.QUARTER: 4, Period.MONTH: 12}
    for bad in (D(-1), D("-1.5")):
        with pytest.raises(ValidationError, match="100 %"):
            rate_per_period(bad, Period.QUARTER)
        with pytest.raises(ValidationError):
            npv([D(-1), D(2)], bad)


def test_npv_of_nothing_and_at_zero_rate() -> None:
    assert npv([], D("0.1")) == 0
    assert npv([D(-100), D(60), D(60)], D(0)) == 20
    with pytest.raises(ValidationError, match="period 1"):
        npv([D(1), D("NaN")], D("0.1"))


def test_irr_edge_cases_are_answered() -> None:
    assert irr([]).note == IRR_ALL_ZERO
    assert irr([D(0), D(0), D(0)]) == irr([D(0)])
    assert irr([D(0), D(0)]).per_period is None
    no_change = irr([D(100), D(50)])
    assert (no_change.per_period, no_change.note) == (None, IRR_NO_CHANGE)
    assert irr([D(-100), D(-50)]).note == IRR_NO_CHANGE
    # −100, +230, −132: NPV is zero at 10 % and at 20 %; the one nearest 0 is shown.
    several = irr([D(-100), D(230), D(-132)])
    assert several.note == IRR_SEVERAL
    assert several.per_period is not None
    assert abs(several.per_period - D("0.1")) < D("1e-18")
    # A flow that pays back exactly: IRR 0.
    assert irr([D(-100), D(100)]).per_period == 0
    # Extremes on both sides of the bracket.
    loss = irr([D(-1_000_000_000), D(1)]).per_period
    assert loss is not None and abs(loss - D("-0.999999999")) < D("1e-24")
    windfall = irr([D(-1), D(1_000_000)]).per_period
    assert windfall is not None and abs(windfall - D(999_999)) < D("1e-12")


def test_payback_is_the_first_crossing() -> None:
    assert payback([D(-100), D(50), D(50)]) == 2
    assert payback([D(-100), D(40), D(40), D(40)]) == D("2.5")
    assert payback([D(-100), D(10)]) is None  # never comes back
    assert payback([D(0), D(5)]) == 0  # never below zero
    assert payback([]) == 0
    # Negative first in period 1 (no investment), back in period 2.
    one_third_on = payback([D(0), D(-10), D(30)])
    assert one_third_on is not None and abs(one_third_on - D("1.3333333333")) < D("1e-10")
    # Back at 2, under again at 3, back at 4: the first crossing stands.
    first = payback([D(-100), D(50), D(60), D(-50), D(100)])
    assert first is not None and abs(first - D("1.8333333333")) < D("1e-10")


def test_empty_case_is_answered_not_crashed_on() -> None:
    zero = {key: D(0) for key in DRIVER_KEYS}
    case = BusinessCase(settings(horizon=5), zero, (Scenario("Base"),))
    result = evaluate(case, "Base")
    assert result.cash_flows == (0,) * 6
    assert result.figures.npv == 0
    assert result.figures.irr.per_period is None
    assert result.figures.irr.note == IRR_ALL_ZERO
    assert result.figures.roi is None
    assert result.figures.break_even_period is None
    assert result.figures.payback_period == 0
    assert result.figures.peak_funding == 0
    base, bars = sensitivity(case)
    assert base == 0 and all(bar.swing == 0 for bar in bars)


def test_losing_case_has_no_payback_nor_break_even() -> None:
    rows = cash_flow_table(settings(), drivers(price="4.5", cost_support="1000"))
    found = figures(settings(), rows, D("0.1"))
    assert found.payback_period is None
    assert found.discounted_payback_period is None
    assert found.break_even_period is None
    assert found.irr.per_period is None and found.irr.note == IRR_NO_CHANGE
    assert found.peak_funding == -rows[-1].cumulative
    assert found.roi is not None and found.roi < -1


def test_defaults_cover_every_driver_and_scenarios_move_them() -> None:
    assert set(default_drivers()) == DRIVER_KEYS
    assert [spec.key for spec in DRIVERS][:4] == [
        "market_size",
        "units_first",
        "units_growth",
        "price",
    ]
    for key, value in default_drivers().items():
        assert validate_driver(key, value) == value
    scenarios = default_scenarios()
    assert [s.name for s in scenarios] == ["Worst", "Base", "Best"]
    assert scenarios[1].overrides == {}
    assert scenarios[0].overrides["units_first"] == D(300)
    assert scenarios[0].overrides["price"] == D(360)
    case = BusinessCase(
        CaseSettings("EUR", Period.QUARTER, 20, dt.date(2027, 1, 1), PricingModel.UNIT),
        default_drivers(),
        scenarios,
    )
    worst, base, best = (result.figures.npv for result in evaluate_all(case))
    assert worst < 0 < base < best


def test_build_up_replaces_unit_cost_and_scenarios_override_last() -> None:
    case = BusinessCase(
        settings(),
        drivers(),
        (Scenario("Base"), Scenario("Dear parts", {"unit_cost": D(6)})),
        unit_cost_from_build_up=D("4.5"),
    )
    assert drivers_for(case, "Base")["unit_cost"] == D("4.5")
    assert drivers_for(case, "Dear parts")["unit_cost"] == D(6)
    with pytest.raises(ValidationError, match="no scenario named 'Nope'"):
        evaluate(case, "Nope")
    bad = BusinessCase(settings(), drivers(), (Scenario("Odd", {"colour": D(1)}),))
    with pytest.raises(ValidationError, match="'colour' is not a business-case driver"):
        evaluate(bad, "Odd")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("price", "abc", "Price: 'abc' is not a number"),
        ("price", "12,5", "write decimals with a point"),
        ("price", "NaN", "not a number"),
        ("price", "Infinity", "not a number"),
        ("price", D("-Infinity"), "not a number"),
        ("price", "-1", "Price: -1 cannot be negative"),
        ("units_first", "−3", "New units in period 1: -3 cannot be negative"),
        ("market_size", "-10", "Market size: -10 cannot be negative"),
        ("churn", "120 %", "Churn: 120 % is over the maximum 100 %"),
        ("discount_rate", "2", "Discount rate: 200 % is over the maximum 100 %"),
        ("units_growth", "-150%", "under the minimum −100 %"),
        ("nonsense", "1", "'nonsense' is not a business-case driver"),
        ("price", "", "cannot be empty"),
    ],
)
def test_bad_driver_input_names_the_field(key: str, value: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_driver(key, value)


def test_driver_text_is_parsed() -> None:
    assert validate_driver("price", "€1,250.50") == D("1250.50")
    assert validate_driver("price", " 1 250.5 ") == D("1250.5")
    assert validate_driver("churn", "5 %") == D("0.05")
    assert validate_driver("churn", "5%") == D("0.05")
    assert validate_driver("churn", "0.05") == D("0.05")
    assert validate_driver("units_growth", "-20 %") == D("-0.2")
    assert validate_driver("discount_rate", D("0.08")) == D("0.08")
    with pytest.raises(ValidationError, match="exact"):
        validate_driver("price", 1.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "eur"}, "Currency"),
        ({"currency": "EURO"}, "Currency"),
        ({"horizon": 0}, "Horizon"),
        ({"horizon": 401}, "Horizon"),
    ],
)
def test_bad_settings_are_refused(changes: dict, field: str) -> None:
    fields = {
        "currency": "EUR",
        "period": Period.YEAR,
        "horizon": 3,
        "start": dt.date(2027, 1, 1),
        "pricing_model": PricingModel.UNIT,
    }
    fields.update(changes)
    with pytest.raises(ValidationError, match=f"^{field}:"):
        cash_flow_table(CaseSettings(**fields), drivers())


def test_tornado_worked_by_hand() -> None:
    case = BusinessCase(settings(), drivers(), (Scenario("Base"),))
    base, bars = sensitivity(case)
    assert cents(base) == D("1054.85")
    price = next(bar for bar in bars if bar.key == "price")
    assert (price.label, price.low_value, price.high_value) == ("Price", 8, 12)
    # price 8: net 300, 500, 800 → 272.73 + 413.22 + 601.05 − 1000
    assert cents(price.low_npv) == D("287.00")
    # price 12: net 700, 1100, 1700 → 636.36 + 909.09 + 1277.24 − 1000
    assert cents(price.high_npv) == D("1822.69")
    assert bars[0].key == "price"  # the widest swing: 1,535.69
    assert [bar.swing for bar in bars] == sorted((bar.swing for bar in bars), reverse=True)
    assert "churn" not in {bar.key for bar in bars}  # a one-off sale has no churn
    investment = next(bar for bar in bars if bar.key == "investment_development")
    assert investment.low_npv - investment.high_npv == 400  # ±200 in period 0, undiscounted
    tooling = next(bar for bar in bars if bar.key == "investment_tooling")
    assert tooling.swing == 0  # a driver at 0 does not move
    wider = sensitivity(case, percent=D("0.5"))[1]
    price_wide = next(bar for bar in wider if bar.key == "price")
    assert (price_wide.low_value, price_wide.high_value) == (5, 15)
    with pytest.raises(ValidationError, match="Sensitivity"):
        sensitivity(case, percent=D("1.5"))


def test_tornado_keeps_churn_within_its_bounds() -> None:
    subscription = BusinessCase(
        settings(model=PricingModel.SUBSCRIPTION), drivers(churn="0.9"), (Scenario("Base"),)
    )
    churn = next(bar for bar in sensitivity(subscription)[1] if bar.key == "churn")
    assert (churn.low_value, churn.high_value) == (D("0.72"), 1)


def test_a_scenario_may_change_the_discount_rate() -> None:
    case = BusinessCase(
        settings(),
        drivers(),
        (Scenario("Base"), Scenario("Dear money", {"discount_rate": D("0.2")})),
    )
    base, dear = evaluate_all(case)
    assert cents(base.figures.npv) == D("1054.85")
    # 500/1.2 + 800/1.44 + 1250/1.728 − 1000 = 416.67 + 555.56 + 723.38 − 1000
    assert cents(dear.figures.npv) == D("695.60")
    assert dear.figures.irr == base.figures.irr  # the IRR does not depend on the rate
    assert dear.cash_flows == base.cash_flows


def test_a_money_driver_typed_in_another_currency_is_refused() -> None:
    assert validate_driver("price", "€12.5", currency="EUR") == D("12.5")
    with pytest.raises(ValidationError, match="Price: '\\$12' is not an amount in EUR"):
        validate_driver("price", "$12", currency="EUR")
    assert validate_driver("churn", "5 %", currency="EUR") == D("0.05")
    assert validate_driver("market_size", "1,000", currency="EUR") == 1000


def test_a_start_outside_the_calendar_pmdesk_draws_is_refused() -> None:
    with pytest.raises(ValidationError, match="^Start: 1850-01-01 is outside the years"):
        cash_flow_table(settings(start=dt.date(1850, 1, 1)), drivers())
    rows = cash_flow_table(settings(horizon=400, start=dt.date(2199, 12, 31)), drivers())
    assert rows[-1].start == dt.date(2598, 12, 31)  # a long horizon may run past 2199
