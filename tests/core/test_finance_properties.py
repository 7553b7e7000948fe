"""The business case's Decimal maths against an independent implementation (numpy-financial,
binary floats) on random cash flows, and the properties every case keeps."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal, localcontext

import numpy_financial as npf
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pmdesk.core.errors import ValidationError
from pmdesk.core.finance import (
    DRIVERS,
    IRR_ALL_ZERO,
    IRR_NO_CHANGE,
    IRR_SEVERAL,
    BusinessCase,
    CaseSettings,
    Period,
    PricingModel,
    Scenario,
    cash_flow_table,
    evaluate,
    irr,
    npv,
    rate_per_period,
    sensitivity,
    sign_changes,
    validate_driver,
)
from pmdesk.core.pricing import PRECISION, format_money, parse_money, quantum

D = Decimal

amounts = st.integers(-(10**11), 10**11).map(lambda cents: D(cents) / 100)
flows = st.lists(amounts, min_size=1, max_size=60)
rates = st.decimals(
    min_value=D("-0.9"), max_value=D("3"), places=6, allow_nan=False, allow_infinity=False
)


def floats(values: list[Decimal] | tuple[Decimal, ...]) -> list[float]:
    return [float(value) for value in values]


@given(flows, rates)
def test_npv_matches_numpy_financial(cash_flows: list[Decimal], rate: Decimal) -> None:
    ours = npv(cash_flows, rate)
    theirs = npf.npv(float(rate), floats(cash_flows))
    # Relative to the size of the terms: an NPV that cancels to near zero is as exact as
    # the terms it sums, in both implementations.
    scale = sum(abs(value) / (1 + rate) ** t for t, value in enumerate(cash_flows))
    assert abs(float(ours) - theirs) <= 1e-9 * max(float(scale), 1e-2)


@st.composite
def one_sign_change(draw: st.DrawFn) -> list[Decimal]:
    """Investment first (some periods out), returns after (some periods in, some zero).

    Amounts from 100.00 to 10,000,000.00: within five orders of magnitude the float
    reference (np.roots on the NPV polynomial) is well conditioned. Beyond it — a cent
    out, a million back — ours stays exact while the reference drifts in the 7th digit.
    """
    cents = st.integers(10**4, 10**9)
    out = draw(st.lists(cents, min_size=1, max_size=5))
    back = draw(st.lists(st.one_of(st.just(0), cents), min_size=1, max_size=35))
    assume(any(back))
    lead = draw(st.integers(0, 2))  # periods before anything happens
    values = [0] * lead + [-c for c in out] + back
    if draw(st.booleans()):
        values = [-value for value in values]  # income first, paid for later (a loan)
    return [D(value) / 100 for value in values]


@settings(max_examples=200)
@given(one_sign_change())
def test_irr_matches_numpy_financial_where_it_is_unique(cash_flows: list[Decimal]) -> None:
    assert sign_changes(cash_flows) == 1
    found = irr(cash_flows)
    assert found.note == ""
    assert found.per_period is not None and found.per_period > -1
    theirs = npf.irr(floats(cash_flows))
    # np.roots loses a real root to a complex pair now and then; only theirs is undefined.
    assume(theirs == theirs)
    assert abs(float(found.per_period) - theirs) <= 1e-7 * max(1.0, abs(theirs))
    # and our own root is a root, to the precision of the terms
    scale = sum(abs(value) / (1 + found.per_period) ** t for t, value in enumerate(cash_flows))
    assert abs(npv(cash_flows, found.per_period)) <= D("1e-15") * scale


@given(flows)
def test_irr_is_a_root_or_says_why_not(cash_flows: list[Decimal]) -> None:
    found = irr(cash_flows)
    changes = sign_changes(cash_flows)
    if not any(cash_flows):
        assert (found.per_period, found.note) == (None, IRR_ALL_ZERO)
    elif changes == 0:
        assert (found.per_period, found.note) == (None, IRR_NO_CHANGE)
    elif found.per_period is None:
        assert changes > 1 and found.note.startswith("No IRR")
    else:
        assert found.note == ("" if changes == 1 else IRR_SEVERAL)
        scale = sum(abs(value) / (1 + found.per_period) ** t for t, value in enumerate(cash_flows))
        assert abs(npv(cash_flows, found.per_period)) <= D("1e-15") * scale


def case_drivers() -> st.SearchStrategy[dict[str, Decimal]]:
    """Any valid set of drivers, amounts in cents."""

    def value(spec_key: str) -> st.SearchStrategy[Decimal]:
        if spec_key in ("units_growth",):
            return st.integers(-50, 50).map(lambda p: D(p) / 100)
        if spec_key == "churn":
            return st.integers(0, 100).map(lambda p: D(p) / 100)
        if spec_key == "discount_rate":
            return st.integers(0, 100).map(lambda p: D(p) / 100)
        if spec_key in ("market_size", "units_first"):
            return st.integers(0, 10**6).map(D)
        return st.integers(0, 10**9).map(lambda cents: D(cents) / 100)

    return st.fixed_dictionaries({spec.key: value(spec.key) for spec in DRIVERS})


case_settings = st.builds(
    CaseSettings,
    st.just("EUR"),
    st.sampled_from(list(Period)),
    st.integers(1, 48),
    st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
    st.sampled_from(list(PricingModel)),
)


@settings(max_examples=60, deadline=None)
@given(case_settings, case_drivers())
def test_every_case_adds_up(settings_: CaseSettings, drivers: dict[str, Decimal]) -> None:
    rows = cash_flow_table(settings_, drivers)
    assert len(rows) == settings_.horizon + 1
    rate = rate_per_period(drivers["discount_rate"], settings_.period)
    running = D(0)
    for row in rows:
        with localcontext(prec=PRECISION):  # the precision the case is computed in
            assert row.gross_margin == row.revenue - row.cost_of_goods
            assert row.net_cash_flow == row.gross_margin - row.operating_costs - row.investment
            running += row.net_cash_flow
            assert row.cumulative == running
        assert 0 <= row.customers <= max(drivers["market_size"], D(0))
        assert row.new_units >= 0
        assert row.start < (
            rows[row.index + 1].start if row.index < settings_.horizon else dt.date.max
        )
    assert abs(rows[-1].cumulative_discounted - npv([r.net_cash_flow for r in rows], rate)) <= D(
        "1e-20"
    ) * max(D(1), sum(abs(r.discounted) for r in rows))
    theirs = npf.npv(float(rate), floats([r.net_cash_flow for r in rows]))
    scale = sum(abs(r.discounted) for r in rows)
    assert abs(float(rows[-1].cumulative_discounted) - theirs) <= 1e-9 * max(float(scale), 1e-2)


@settings(max_examples=30, deadline=None)
@given(case_settings, case_drivers())
def test_tornado_bars_move_the_npv_the_right_way(
    settings_: CaseSettings, drivers: dict[str, Decimal]
) -> None:
    case = BusinessCase(settings_, drivers, (Scenario("Base"),))
    base, bars = sensitivity(case)
    assert base == evaluate(case, "Base").figures.npv
    swings = [bar.swing for bar in bars]
    assert swings == sorted(swings, reverse=True)
    by_key = {bar.key: bar for bar in bars}
    # More investment or running cost never raises the NPV; a higher price never lowers it.
    for key in ("investment_development", "cost_support"):
        assert by_key[key].high_npv <= base <= by_key[key].low_npv
    assert by_key["price"].low_npv <= base <= by_key["price"].high_npv
    if settings_.pricing_model is PricingModel.UNIT:
        assert "churn" not in by_key


currencies = st.sampled_from(["EUR", "USD", "GBP", "JPY", "KWD", "SEK", "CHF"])


@given(st.integers(-(10**14), 10**14), currencies, st.booleans())
def test_money_reads_back_as_written(minor: int, currency: str, whole: bool) -> None:
    value = D(minor) * quantum(currency)
    if whole:
        value = value.to_integral_value()
    assume(abs(value) <= 10**12)
    text = format_money(value, currency)
    assert parse_money(text, currency, allow_negative=True) == value


numberish = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-−+eE% €$ ", max_size=20),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True),
)


@given(st.sampled_from(DRIVERS), numberish)
def test_any_typed_value_is_taken_or_refused_with_a_message(spec, typed) -> None:
    try:
        value = validate_driver(spec.key, typed)
    except ValidationError as error:
        assert error.field == spec.label
        assert str(error).startswith(f"{spec.label}: ")
        return
    assert value.is_finite()
    assert spec.minimum is None or value >= spec.minimum
    assert spec.maximum is None or value <= spec.maximum


def test_several_irrs_the_nearest_0_as_numpy_financial_finds_it() -> None:
    """Cash flows changing sign several times (random, fixed seed): where numpy-financial
    finds the real roots of the NPV polynomial, ours is the same one nearest 0 — including
    two roots closer together than a step of the search, either side of 0 or both just
    above it."""
    chance = random.Random(19)
    compared = 0
    for _ in range(600):
        values = [chance.randint(-1000, 1000) for _ in range(chance.randint(3, 30))]
        cash_flows = [D(value) for value in values]
        if sign_changes(cash_flows) < 2:
            continue
        found, theirs = irr(cash_flows), npf.irr(values)
        if theirs != theirs:
            assert found.per_period is None and found.note.startswith("No IRR")
            continue
        assert found.note == IRR_SEVERAL
        assert found.per_period is not None
        assert abs(float(found.per_period) - theirs) <= 1e-7 * max(1.0, abs(theirs))
        compared += 1
    assert compared > 200
    # roots at 0.78 % and 2.0 %: one step of the search (3.7 %) holds both
    close = [-858, 3, 345, 622, 247, -939, -632, -212, 761, 504, 85, -285, -66, -492, 96, 958]
    close += [-755, 428, -174, 846, 240, 26, 870, -231, -472, -115, 168, 16, 761, -23, -306]
    close += [-901, 320, -868]
    nearest = irr([D(value) for value in close]).per_period
    assert nearest is not None and abs(float(nearest) - 0.007753661558895564) < 1e-9
