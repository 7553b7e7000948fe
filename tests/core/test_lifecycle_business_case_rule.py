"""The elimination rule "delivering under X % of its business case for N periods"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pmdesk.core.finance import DRIVER_KEYS, CaseSettings, Period, PricingModel, cash_flow_table
from pmdesk.core.lifecycle import (
    EliminationRules,
    below_business_case,
    elimination_triggers,
    rules_from_settings,
    rules_to_settings,
)
from pmdesk.core.pnl import plan_vs_actual

D = Decimal


def test_defaults_are_half_for_two_periods() -> None:
    rules = EliminationRules()
    assert (rules.business_case_floor, rules.business_case_periods) == (50.0, 2)
    # The positional form the other rules are built with still works.
    assert EliminationRules(4, 18.0, 6).business_case_floor == 50.0


def test_trips_only_when_each_of_the_last_periods_is_under() -> None:
    rules = EliminationRules()
    assert below_business_case([], rules) is None
    assert below_business_case([D("0.3")], rules) is None  # one period: the rule wants two
    assert below_business_case([D("0.3"), D("0.6")], rules) is None  # back above half
    assert below_business_case([D("0.3"), D("0.5")], rules) is None  # exactly half is not under
    found = below_business_case([D("1.1"), D("0.3"), D("0.4")], rules)
    assert found is not None
    assert found.rule == "below_business_case"
    assert found.detail == (
        "revenue is 35% of its business case, under 50% in each of the last 2 periods"
    )
    strict = EliminationRules(business_case_floor=80.0, business_case_periods=1)
    one = below_business_case([0.75], strict)
    assert one is not None and one.detail.endswith("under 80% in the last period")


def test_joins_the_other_triggers() -> None:
    rules = EliminationRules(falling_periods=3, margin_floor=15.0, share_periods=6)
    found = elimination_triggers([100, 101], [20.0], [], rules, plan_ratios=[0.2, 0.25])
    assert [t.rule for t in found] == ["below_business_case"]
    assert elimination_triggers([100, 101], [20.0], [], rules) == []  # no plan, no flag


def test_fed_from_plan_against_actuals() -> None:
    drivers = {key: D(0) for key in DRIVER_KEYS}
    drivers.update(market_size=D(10**6), units_first=D(100), price=D(10))
    plan = cash_flow_table(
        CaseSettings("EUR", Period.QUARTER, 8, dt.date(2027, 1, 1), PricingModel.UNIT), drivers
    )
    # 1,000 planned a quarter; 300 a month delivered in the first quarter, then 100.
    actual = {dt.date(2027, month, 1): D(300 if month <= 3 else 100) for month in range(1, 10)}
    ratios = [v.ratio for v in plan_vs_actual(plan, actual, "revenue") if v.ratio is not None]
    assert ratios == [D("0.9"), D("0.3"), D("0.3")]
    found = below_business_case(ratios, EliminationRules())
    assert found is not None and "30%" in found.detail
    assert below_business_case(ratios, EliminationRules(business_case_periods=3)) is None


def test_rule_survives_the_settings_round_trip_and_bad_values() -> None:
    rules = EliminationRules(5, 9.5, 4, business_case_floor=40.0, business_case_periods=3)
    settings = rules_to_settings({"other": 1}, rules)
    assert settings["elimination_rules"]["business_case_floor"] == 40.0
    assert rules_from_settings(settings) == rules
    older = {"elimination_rules": {"falling_periods": 5, "margin_floor": 9.5, "share_periods": 4}}
    assert rules_from_settings(older) == EliminationRules(5, 9.5, 4)  # saved before the rule
    for bad in ("x", "nan", -5, 5000):
        stored = {"elimination_rules": {"business_case_floor": bad}}
        assert rules_from_settings(stored) == EliminationRules()
    zero = {"elimination_rules": {"business_case_periods": 0}}
    assert rules_from_settings(zero).business_case_periods == 1
