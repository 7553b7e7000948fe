"""The business case: drivers, scenarios, the cash-flow table and the figures a gate decides on.

Pure Python and exact: every amount and rate is a :class:`decimal.Decimal`, computed in a
local context of :data:`~pmdesk.core.pricing.PRECISION` (34) significant digits — the
global decimal context is never changed. Nothing is rounded in the middle of the maths;
screens and paper round when they print (``pricing.format_money``). Rates are fractions
(``Decimal("0.10")`` is 10 %).

The model, period by period (``t`` = 0 … N, N = the horizon):

- **Period 0** holds the one-off investment (development + tooling + launch) and nothing
  else: its net cash flow is −investment. It is dated one period before ``settings.start``.
- **Periods 1 … N** sell. The ramp of new units is ``units_first × (1 + units_growth)^(t−1)``,
  capped by what is left of the market:

  - one-off sale (``PricingModel.UNIT``): new units = min(ramp, market size − units sold so
    far); customers = the cumulative units sold; revenue = new units × price; cost of goods =
    new units × unit cost.
  - subscription (``PricingModel.SUBSCRIPTION``): of the customers at the end of the
    previous period ``churn`` leave, the rest stay (retained = customers(t−1) × (1 − churn));
    new customers = min(ramp, market size − retained); customers = retained + new; revenue =
    customers × price (per customer per period); cost of goods = customers × unit cost.

  gross margin = revenue − cost of goods; operating costs = support + hosting + marketing
  (each per period); net cash flow = gross margin − operating costs.
- **Discounting**: the annual ``discount_rate`` becomes a rate per period
  r = (1 + annual)^(1/periods per year) − 1; discounted(t) = net cash flow(t) ÷ (1 + r)^t.

Units are not rounded to whole numbers: a ramp gives fractional units, as a plan does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from functools import lru_cache

from .enums import LabelledEnum
from .errors import ValidationError
from .pricing import (
    AMOUNT_MAX,
    ONE,
    PRECISION,
    ZERO,
    check_currency,
    format_rate,
    parse_amount,
    parse_rate,
)
from .validation import check_bounds


class Period(LabelledEnum):
    """The length of one period of the cash-flow table."""

    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"

    @property
    def months(self) -> int:
        return 12 // PERIODS_PER_YEAR[self]


PERIODS_PER_YEAR: dict[Period, int] = {Period.YEAR: 1, Period.QUARTER: 4, Period.MONTH: 12}


class PricingModel(LabelledEnum):
    """How the product earns its revenue."""

    UNIT = "unit"  # one-off sale: revenue = new units × price
    SUBSCRIPTION = "subscription"  # price per active customer per period; churn applies

    @property
    def label(self) -> str:
        return "One-off sale" if self is PricingModel.UNIT else "Subscription"


HORIZON_MAX = 400


@dataclass(frozen=True)
class DriverSpec:
    """One named assumption of a business case.

    ``unit`` is one of "money", "money/period", "rate", "rate/period", "count",
    "count/period"; ``minimum``/``maximum`` bound the value (inclusive, None: no bound).
    """

    key: str
    label: str
    unit: str
    minimum: Decimal | None
    maximum: Decimal | None
    help: str

    @property
    def is_rate(self) -> bool:
        return self.unit.startswith("rate")

    @property
    def is_money(self) -> bool:
        return self.unit.startswith("money")


def _spec(
    key: str, label: str, unit: str, help_text: str, maximum: str | None = None
) -> DriverSpec:
    minimum = Decimal(-1) if key == "units_growth" else ZERO
    limit = Decimal(maximum) if maximum is not None else AMOUNT_MAX
    return DriverSpec(key, label, unit, minimum, limit, help_text)


DRIVERS: tuple[DriverSpec, ...] = (
    _spec(
        "market_size",
        "Market size",
        "count",
        "Addressable customers (or units): adoption never goes beyond it.",
    ),
    _spec(
        "units_first",
        "New units in period 1",
        "count/period",
        "New units sold (or new customers won) in the first period of sales.",
    ),
    _spec(
        "units_growth",
        "Growth of new units",
        "rate/period",
        "How much the new units grow from one period to the next (the ramp); negative: decline.",
        "5",
    ),
    _spec(
        "price",
        "Price",
        "money",
        "Net price per unit, or per customer per period for a subscription.",
    ),
    _spec(
        "churn",
        "Churn",
        "rate/period",
        "Share of the customers lost each period (subscription only).",
        "1",
    ),
    _spec(
        "unit_cost",
        "Unit cost",
        "money",
        "Cost of goods per unit, or per customer per period; the cost build-up replaces it "
        "when the product has cost items.",
    ),
    _spec(
        "investment_development",
        "Development investment",
        "money",
        "One-off, in period 0.",
    ),
    _spec("investment_tooling", "Tooling investment", "money", "One-off, in period 0."),
    _spec("investment_launch", "Launch investment", "money", "One-off, in period 0."),
    _spec("cost_support", "Support costs", "money/period", "Recurring, every period 1 … N."),
    _spec("cost_hosting", "Hosting costs", "money/period", "Recurring, every period 1 … N."),
    _spec("cost_marketing", "Marketing costs", "money/period", "Recurring, every period 1 … N."),
    _spec(
        "discount_rate",
        "Discount rate",
        "rate",
        "Annual rate the cash flows are discounted at (the cost of capital).",
        "1",
    ),
)
DRIVER_KEYS: frozenset[str] = frozenset(spec.key for spec in DRIVERS)
SPECS: Mapping[str, DriverSpec] = {spec.key: spec for spec in DRIVERS}
INVESTMENT_KEYS = ("investment_development", "investment_tooling", "investment_launch")
OPERATING_KEYS = ("cost_support", "cost_hosting", "cost_marketing")


def driver_spec(key: str) -> DriverSpec:
    """The spec of driver ``key``; ValidationError for a key that is not a driver."""
    try:
        return SPECS[key]
    except KeyError:
        raise ValidationError("driver", f"{key!r} is not a business-case driver") from None


def validate_driver(
    key: str, value: Decimal | str | int, *, currency: str | None = None
) -> Decimal:
    """``value`` for driver ``key``, parsed (text too) and checked against the driver's bounds.

    Text: "1,250.50", "€1,250.50"; rates as "12 %", "12%" or "0.12". Refused, with a
    ValidationError whose field is the driver's label ("Price: 'abc' is not a number"):
    text that is not a number, NaN, Infinity, floats, a negative amount or count, a rate
    outside the driver's minimum and maximum, an unknown key — and, given the case's
    ``currency``, an amount typed in another ("Price: '$12' is not an amount in EUR").
    Amounts are not rounded (a unit cost of 0.0035 stays).
    """
    spec = driver_spec(key)
    if spec.is_rate:
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        if not isinstance(value, (str, Decimal)):
            raise ValidationError(spec.label, f"{value!r} is not an exact number; type it as text")
        return parse_rate(value, spec.label, minimum=spec.minimum, maximum=spec.maximum)
    return parse_amount(
        value,
        spec.label,
        minimum=spec.minimum,
        maximum=spec.maximum,
        currency=currency if spec.is_money else None,
    )


def validate_drivers(drivers: Mapping[str, Decimal | str]) -> dict[str, Decimal]:
    """Every driver of ``drivers`` checked by :func:`validate_driver`; all keys must be there."""
    missing = [spec.label for spec in DRIVERS if spec.key not in drivers]
    if missing:
        raise ValidationError("drivers", f"missing {', '.join(missing)}")
    return {spec.key: validate_driver(spec.key, drivers[spec.key]) for spec in DRIVERS}


def default_drivers() -> dict[str, Decimal]:
    """A plausible starting case (per quarter, the default period): every key of DRIVERS."""
    return {
        "market_size": Decimal("50000"),
        "units_first": Decimal("500"),
        "units_growth": Decimal("0.10"),
        "price": Decimal("400"),
        "churn": Decimal("0.05"),
        "unit_cost": Decimal("150"),
        "investment_development": Decimal("1200000"),
        "investment_tooling": Decimal("150000"),
        "investment_launch": Decimal("250000"),
        "cost_support": Decimal("40000"),
        "cost_hosting": Decimal("15000"),
        "cost_marketing": Decimal("60000"),
        "discount_rate": Decimal("0.10"),
    }


#: How the default Worst and Best scenarios move the base drivers (factor on the value).
SCENARIO_FACTORS: Mapping[str, Mapping[str, Decimal]] = {
    "Worst": {
        "units_first": Decimal("0.6"),
        "units_growth": Decimal("0.5"),
        "price": Decimal("0.9"),
    },
    "Base": {},
    "Best": {
        "units_first": Decimal("1.3"),
        "units_growth": Decimal("1.2"),
        "price": Decimal("1.05"),
    },
}


def default_scenarios(drivers: Mapping[str, Decimal] | None = None) -> tuple[Scenario, ...]:
    """Worst, Base and Best, their overrides computed from ``drivers`` (default drivers if None).

    Worst: new units × 0.6, their growth × 0.5, price × 0.9. Base: no override.
    Best: new units × 1.3, their growth × 1.2, price × 1.05. Overrides are values, not
    factors: changing a base driver later leaves the scenarios' overrides as they are.
    """
    base = default_drivers() if drivers is None else drivers
    scenarios = []
    with localcontext(prec=PRECISION):
        for name, factors in SCENARIO_FACTORS.items():
            overrides = {
                key: _clamp(SPECS[key], base[key] * factor) for key, factor in factors.items()
            }
            scenarios.append(Scenario(name, overrides))
    return tuple(scenarios)


def _clamp(spec: DriverSpec, value: Decimal) -> Decimal:
    if spec.minimum is not None and value < spec.minimum:
        return spec.minimum
    if spec.maximum is not None and value > spec.maximum:
        return spec.maximum
    return value


@dataclass(frozen=True)
class CaseSettings:
    currency: str  # ISO 4217, 3 upper-case letters
    period: Period
    horizon: int  # N: periods 1..N after period 0; 1..400
    start: dt.date  # first day of period 1 (period 0, the investment, is the period before)
    pricing_model: PricingModel


def check_settings(settings: CaseSettings) -> CaseSettings:
    """``settings`` when valid, else a ValidationError naming the field."""
    check_currency(settings.currency)
    if not isinstance(settings.period, Period):
        raise ValidationError("period", f"{settings.period!r} is not a year, quarter or month")
    if not isinstance(settings.pricing_model, PricingModel):
        raise ValidationError("pricing model", f"{settings.pricing_model!r} is not a pricing model")
    horizon = settings.horizon
    if isinstance(horizon, bool) or not isinstance(horizon, int):
        raise ValidationError("horizon", f"{horizon!r} is not a whole number of periods")
    if not 1 <= horizon <= HORIZON_MAX:
        raise ValidationError("horizon", f"{horizon} is outside 1 to {HORIZON_MAX} periods")
    if not isinstance(settings.start, dt.date):
        raise ValidationError("start", f"{settings.start!r} is not a date")
    check_bounds("start", settings.start)
    return settings


@dataclass(frozen=True)
class Scenario:
    name: str
    overrides: Mapping[str, Decimal] = field(default_factory=dict)  # key -> value replacing base


@dataclass(frozen=True)
class BusinessCase:
    """What the store hands core: settings, the base drivers, the scenarios."""

    settings: CaseSettings
    drivers: Mapping[str, Decimal]  # every key of DRIVER_KEYS
    scenarios: tuple[Scenario, ...]  # display order; "Worst", "Base", "Best" by default
    unit_cost_from_build_up: Decimal | None = None  # the cost items' sum, when any

    def scenario(self, name: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise ValidationError("scenario", f"there is no scenario named {name!r}")


def drivers_for(case: BusinessCase, scenario: str) -> dict[str, Decimal]:
    """The drivers scenario ``scenario`` runs on, each checked.

    In this order: the base drivers; the cost build-up's unit cost replaces the base unit
    cost when the product has cost items; the scenario's overrides replace any of them
    (so a scenario may still try another unit cost).
    """
    chosen = case.scenario(scenario)
    values: dict[str, Decimal | str] = dict(case.drivers)
    if case.unit_cost_from_build_up is not None:
        values["unit_cost"] = case.unit_cost_from_build_up
    for key, value in chosen.overrides.items():
        driver_spec(key)
        values[key] = value
    return validate_drivers(values)


def rate_per_period(annual: Decimal, period: Period) -> Decimal:
    """The rate per period equivalent to ``annual``: (1 + annual)^(1/periods per year) − 1.

    Compounding, not division: 10 % a year is 2.411 % a quarter. A year returns ``annual``
    itself. Refuses a rate of −100 % or less (no discounting is defined there).
    """
    annual = _rate_input(annual)
    if period is Period.YEAR:
        return annual
    return _root_rate(annual, PERIODS_PER_YEAR[period])


@lru_cache(maxsize=256)
def _root_rate(annual: Decimal, periods: int) -> Decimal:
    """(1 + annual)^(1/periods) − 1: a fractional power, the costliest step of a table."""
    with localcontext(prec=PRECISION):
        return (ONE + annual) ** (ONE / periods) - ONE


def annual_equivalent(per_period: Decimal, period: Period) -> Decimal:
    """The annual rate equivalent to ``per_period``: (1 + per period)^(periods per year) − 1."""
    per_period = _rate_input(per_period)
    if period is Period.YEAR:
        return per_period
    with localcontext(prec=PRECISION):
        return (ONE + per_period) ** PERIODS_PER_YEAR[period] - ONE


def _rate_input(rate: Decimal) -> Decimal:
    if not isinstance(rate, Decimal) or not rate.is_finite():
        raise ValidationError("discount rate", f"{rate!r} is not a number")
    if rate <= -ONE:
        raise ValidationError("discount rate", f"{format_rate(rate)} is −100 % or less")
    return rate


# -- the cash-flow table ---------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodRow:
    """One period of the cash-flow table (amounts in the case's currency, unrounded).

    Costs and investment are positive numbers that flow out; net cash flow =
    revenue − cost of goods − operating costs − investment.
    """

    index: int  # 0..N
    start: dt.date  # period 0: one period before settings.start
    new_units: Decimal
    customers: Decimal  # active customers (subscription) or cumulative units (one-off sale)
    revenue: Decimal
    cost_of_goods: Decimal
    gross_margin: Decimal  # revenue − cost of goods
    operating_costs: Decimal  # support + hosting + marketing
    investment: Decimal  # period 0 only
    net_cash_flow: Decimal
    cumulative: Decimal  # Σ net cash flow, periods 0..t
    discounted: Decimal  # net cash flow ÷ (1 + rate per period)^t
    cumulative_discounted: Decimal


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months; the 31st becomes the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    if month == 12:
        last = 31
    else:
        last = (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def period_start(settings: CaseSettings, index: int) -> dt.date:
    """The first day of period ``index`` (0 is the period before ``settings.start``)."""
    return add_months(settings.start, (index - 1) * settings.period.months)


@lru_cache(maxsize=64)
def period_starts(start: dt.date, period: Period, horizon: int) -> tuple[dt.date, ...]:
    """The first days of periods 0 … ``horizon`` of a case starting on ``start``."""
    return tuple(add_months(start, (index - 1) * period.months) for index in range(horizon + 1))


def cash_flow_table(
    settings: CaseSettings, drivers: Mapping[str, Decimal]
) -> tuple[PeriodRow, ...]:
    """The cash-flow table, periods 0 … N (see the module's docstring for every line)."""
    check_settings(settings)
    d = validate_drivers(drivers)
    subscription = settings.pricing_model is PricingModel.SUBSCRIPTION
    rows = []
    with localcontext(prec=PRECISION):
        factor = ONE / (ONE + rate_per_period(d["discount_rate"], settings.period))
        investment = sum((d[key] for key in INVESTMENT_KEYS), ZERO)
        operating = sum((d[key] for key in OPERATING_KEYS), ZERO)
        market, price, cost = d["market_size"], d["price"], d["unit_cost"]
        growth, keep = ONE + d["units_growth"], ONE - d["churn"]
        cumulative = discounted_cumulative = -investment
        starts = period_starts(settings.start, settings.period, settings.horizon)
        rows.append(
            PeriodRow(
                0,
                starts[0],
                ZERO,
                ZERO,
                ZERO,
                ZERO,
                ZERO,
                ZERO,
                investment,
                -investment,
                cumulative,
                -investment,
                discounted_cumulative,
            )
        )
        ramp, customers, discount = d["units_first"], ZERO, ONE
        for index in range(1, settings.horizon + 1):
            if index > 1:
                ramp *= growth
            retained = customers * keep if subscription else customers
            room = market - retained
            new = min(ramp, room) if room > 0 else ZERO
            customers = retained + new
            billed = customers if subscription else new
            revenue, goods = billed * price, billed * cost
            margin = revenue - goods
            net = margin - operating
            discount *= factor
            discounted = net * discount
            cumulative += net
            discounted_cumulative += discounted
            rows.append(
                PeriodRow(
                    index,
                    starts[index],
                    new,
                    customers,
                    revenue,
                    goods,
                    margin,
                    operating,
                    ZERO,
                    net,
                    cumulative,
                    discounted,
                    discounted_cumulative,
                )
            )
    return tuple(rows)


# -- NPV and IRR -----------------------------------------------------------------------------


def _flows(cash_flows: Sequence[Decimal]) -> list[Decimal]:
    values = []
    for index, value in enumerate(cash_flows):
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValidationError("cash flow", f"period {index}: {value!r} is not a number")
        values.append(value)
    return values


def npv(cash_flows: Sequence[Decimal], rate: Decimal) -> Decimal:
    """Net present value: Σ cash_flows[t] ÷ (1 + rate)^t, t from 0 (period 0 undiscounted).

    ``rate`` is per period; −100 % or less is refused. No cash flows: 0.
    """
    rate = _rate_input(rate)
    values = _flows(cash_flows)
    with localcontext(prec=PRECISION):
        return _npv(values, ONE / (ONE + rate))


def _npv(values: Sequence[Decimal], factor: Decimal) -> Decimal:
    """Σ values[t] × factor^t by Horner's rule (call inside the local context)."""
    total = ZERO
    for value in reversed(values):
        total = total * factor + value
    return total


@dataclass(frozen=True)
class Irr:
    """The internal rate of return: the rate per period at which the NPV is zero.

    ``note`` is "" when the cash flows change sign exactly once (then exactly one IRR
    exists and it is given); otherwise it says why there is none or why it is not the
    only one.
    """

    per_period: Decimal | None
    annual: Decimal | None  # (1 + per_period)^(periods per year) − 1, filled by figures()
    note: str


IRR_NO_CHANGE = "No IRR: the cash flows never change sign"
IRR_ALL_ZERO = "No IRR: every cash flow is zero"
IRR_SEVERAL = "Several sign changes: more than one IRR may exist; the one nearest 0 is shown"
IRR_NOT_FOUND = (
    "No IRR: the cash flows change sign {changes} times, and no rate between −99.9999 % and "
    "999,900 % per period makes the NPV zero"
)

#: Where the search for the IRR nearest 0 looks when the cash flows change sign several
#: times: 1 + rate from 10^-6 to 10^4, in steps of 10^(1/IRR_STEPS_PER_DECADE) (3.7 %).
IRR_STEPS_PER_DECADE = 64
IRR_LOWEST_DECADE, IRR_HIGHEST_DECADE = -6, 4


@lru_cache(maxsize=1)
def irr_ladders() -> tuple[tuple[tuple[Decimal, Decimal], ...], ...]:
    """The steps the search goes through from 0, upwards and downwards towards −100 %:
    each a (rate, 1 ÷ (1 + rate)) pair."""
    ladders = []
    with localcontext(prec=PRECISION):
        step = Decimal(10) ** (ONE / IRR_STEPS_PER_DECADE)
        for ratio, count in (
            (step, IRR_HIGHEST_DECADE * IRR_STEPS_PER_DECADE),
            (ONE / step, -IRR_LOWEST_DECADE * IRR_STEPS_PER_DECADE),
        ):
            ladder, growth = [(ZERO, ONE)], ONE
            for _ in range(count):
                growth *= ratio
                ladder.append((growth - ONE, ONE / growth))
            ladders.append(tuple(ladder))
    return tuple(ladders)


def sign_changes(cash_flows: Sequence[Decimal]) -> int:
    """How often the sign of the cash flows changes, zeros skipped."""
    signs = [value > 0 for value in cash_flows if value]
    return sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)


def irr(cash_flows: Sequence[Decimal]) -> Irr:
    """The IRR per period of ``cash_flows`` (period 0 first); ``annual`` is left None.

    - Every flow zero, or no flows: no IRR (``IRR_ALL_ZERO``).
    - No sign change: no IRR (``IRR_NO_CHANGE``): the NPV never reaches zero.
    - One sign change: exactly one IRR above −100 % exists (Descartes' rule of signs on
      the NPV as a polynomial in 1/(1 + r)); it is bracketed — the NPV at −100 % and at
      +∞ have opposite signs — and found by Brent's method to ~20 significant digits.
    - Several sign changes: the NPV is searched for its zero nearest 0, stepping outwards
      from 0 in both directions in 3.7 % steps of 1 + rate (:func:`irr_ladders`, from
      −99.9999 % to 999,900 % per period) and refining each step where it changes sign by
      Brent's method; that root is given with ``IRR_SEVERAL``; if none is found, no IRR
      (``IRR_NOT_FOUND``). Two roots within one step of each other can hide one another.
    """
    values = _flows(cash_flows)
    if not any(values):
        return Irr(None, None, IRR_ALL_ZERO)
    changes = sign_changes(values)
    if changes == 0:
        return Irr(None, None, IRR_NO_CHANGE)
    with localcontext(prec=PRECISION):
        if changes == 1:
            return Irr(_single_root(values), None, "")
        nearest = _nearest_root(values)
    if nearest is None:
        return Irr(None, None, IRR_NOT_FOUND.format(changes=changes))
    return Irr(nearest, None, IRR_SEVERAL)


def _at(values: Sequence[Decimal], rate: Decimal) -> Decimal:
    return _npv(values, ONE / (ONE + rate))


def _single_root(values: Sequence[Decimal]) -> Decimal:
    """The one IRR of flows with one sign change (inside the local context)."""
    at_zero = _at(values, ZERO)
    if not at_zero:
        return ZERO
    first = next(value for value in values if value)
    if (at_zero > 0) == (first > 0):
        # NPV at +∞ has the sign of the first flow, like NPV(0): the root is below 0.
        low, high = ZERO, ZERO
        for exponent in range(1, 31):
            low = Decimal(1).scaleb(-exponent) - ONE
            if (_at(values, low) > 0) != (at_zero > 0):
                break
            high = low
        else:  # pragma: no cover - a root within 1e-30 of −100 %
            return low
    else:
        low, high = ZERO, ONE
        while (_at(values, high) > 0) == (at_zero > 0):
            low, high = high, high * 4
            if high > Decimal(10) ** 15:  # pragma: no cover - beyond any real return
                return high
    return _brent(values, low, high)


def _nearest_root(values: Sequence[Decimal]) -> Decimal | None:
    """The zero of NPV(rate) nearest 0 (inside the local context): steps outwards from 0 on
    both ladders, nearest step first, until no step left can hold a nearer root.

    A step whose two ends have opposite signs holds a root. Two roots close together give
    no sign change between steps, but a dip of |NPV| towards zero: where |NPV| at a step is
    lower than at both its neighbours, the NPV's turning point between them is looked for
    (golden-section search) and, when it is on the other side of zero, both roots are."""
    at_zero = _npv(values, ONE)
    if not at_zero:
        return ZERO
    ladders = irr_ladders()
    position = [0 for _ in ladders]  # the step reached on each ladder
    # (rate, NPV) of the last two steps on each side; 0 is the middle of both ladders, so
    # each side starts with the other's first step before it (a dip at 0 is seen too).
    first = [(ladder[1][0], _npv(values, ladder[1][1])) for ladder in ladders]
    seen = [[first[1 - side], (ZERO, at_zero)] for side in (0, 1)]
    best: Decimal | None = None

    def keep(root: Decimal) -> None:
        nonlocal best
        if best is None or abs(root) < abs(best):
            best = root

    while True:
        open_sides = [
            side for side, ladder in enumerate(ladders) if position[side] + 1 < len(ladder)
        ]
        if not open_sides:
            return best
        side = min(open_sides, key=lambda s: abs(ladders[s][position[s]][0]))
        near = ladders[side][position[side]][0]
        if best is not None and abs(near) >= abs(best):
            return best
        far, factor = ladders[side][position[side] + 1]
        value = _npv(values, factor)
        position[side] += 1
        if not value:
            keep(far)
            continue
        last = seen[side]
        if (value > 0) != (last[-1][1] > 0):
            keep(_brent(values, near, far))
        elif len(last) >= 2 and (last[-2][1] > 0) == (value > 0):
            (outer, outer_value), middle_value = last[-2], last[-1][1]
            if abs(middle_value) < abs(outer_value) and abs(middle_value) < abs(value):
                turn = _turning_point(values, outer, far, value > 0)
                if turn is not None:
                    keep(_brent(values, outer, turn))
                    keep(_brent(values, turn, far))
        seen[side] = [*last[-1:], (far, value)]


def _turning_point(
    values: Sequence[Decimal], a: Decimal, b: Decimal, positive: bool
) -> Decimal | None:
    """A rate between ``a`` and ``b`` where the NPV (positive at both ends when
    ``positive``, else negative) crosses to the other side of zero, if its extremum
    there does (golden-section search on the NPV towards zero); else None."""
    direction = ONE if positive else -ONE
    golden = (Decimal(5).sqrt() - ONE) / 2
    low, high = (a, b) if a < b else (b, a)
    left = high - golden * (high - low)
    right = low + golden * (high - low)
    f_left, f_right = direction * _at(values, left), direction * _at(values, right)
    for _ in range(60):
        if f_left < 0:
            return left
        if f_right < 0:
            return right
        if f_left < f_right:
            high, right, f_right = right, left, f_left
            left = high - golden * (high - low)
            f_left = direction * _at(values, left)
        else:
            low, left, f_left = left, right, f_right
            right = low + golden * (high - low)
            f_right = direction * _at(values, right)
    return None


def _brent(values: Sequence[Decimal], a: Decimal, b: Decimal) -> Decimal:
    """The zero of NPV(rate) between ``a`` and ``b`` (their NPVs of opposite sign): Brent's
    method — inverse quadratic interpolation or the secant, falling back on bisection."""
    fa, fb = _at(values, a), _at(values, b)
    if not fa:
        return a
    if not fb:
        return b
    c, fc = a, fa
    d = e = b - a
    two, half = Decimal(2), Decimal("0.5")
    epsilon = Decimal("1e-24")
    for _ in range(300):
        if (fb > 0) == (fc > 0):
            c, fc = a, fa
            d = e = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tolerance = epsilon * max(ONE, abs(b))
        middle = half * (c - b)
        if abs(middle) <= tolerance or not fb:
            return b
        if abs(e) >= tolerance and abs(fa) > abs(fb):
            s = fb / fa
            if a == c:
                p, q = two * middle * s, ONE - s
            else:
                q, r = fa / fc, fb / fc
                p = s * (two * middle * q * (q - r) - (b - a) * (r - ONE))
                q = (q - ONE) * (r - ONE) * (s - ONE)
            if p > 0:
                q = -q
            p = abs(p)
            if two * p < min(3 * middle * q - abs(tolerance * q), abs(e * q)):
                e, d = d, p / q
            else:
                d = e = middle
        else:
            d = e = middle
        a, fa = b, fb
        b += d if abs(d) > tolerance else (tolerance if middle > 0 else -tolerance)
        fb = _at(values, b)
    return b  # pragma: no cover - Brent converges long before


# -- the figures -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """The figures a business case is decided on (amounts in the case's currency).

    - ``npv``: net present value, Σ net cash flow(t) ÷ (1 + r)^t for t = 0 … N, r the
      discount rate per period.
    - ``irr``: the rate per period (and its annual equivalent) at which the NPV is zero;
      see :func:`irr` for the cases without one.
    - ``payback_period``: how many periods until the cumulative cash flow is back at zero,
      interpolated within the period where it crosses (the period's cash flow taken as
      even over it): for the first crossing from negative to ≥ 0, (t − 1) + the remaining
      deficit ÷ net cash flow(t). 0 when the cumulative never goes below zero; None when it
      never comes back. A later dip below zero does not move it.
    - ``discounted_payback_period``: the same on the cumulative discounted cash flow.
    - ``roi``: return on investment, Σ net cash flow(0 … N) ÷ Σ investment — the money
      made over the horizon per unit invested, after repaying it (None with no investment).
    - ``break_even_period``: the first period ≥ 1 whose revenue is > 0 and covers all its
      costs (revenue − cost of goods − operating costs ≥ 0); None if none does.
    - ``peak_funding``: the deepest the cumulative cash flow goes, −min(cumulative, 0) — the
      funding the product needs before it pays for itself.
    - ``total_revenue``: Σ revenue over periods 1 … N.
    """

    npv: Decimal
    irr: Irr
    payback_period: Decimal | None
    discounted_payback_period: Decimal | None
    roi: Decimal | None
    break_even_period: int | None
    peak_funding: Decimal
    total_revenue: Decimal


def payback(flows: Sequence[Decimal]) -> Decimal | None:
    """Periods until the running total of ``flows`` first comes back to ≥ 0 (see Figures)."""
    with localcontext(prec=PRECISION):
        total, dipped = ZERO, False
        for index, value in enumerate(flows):
            before, total = total, total + value
            if total < 0:
                dipped = True
            elif dipped:
                return Decimal(index - 1) + (-before) / value
        return None if dipped else ZERO


def figures(settings: CaseSettings, rows: Sequence[PeriodRow], annual_rate: Decimal) -> Figures:
    """The figures of a cash-flow table discounted at ``annual_rate`` (see :class:`Figures`)."""
    check_settings(settings)
    per_period = rate_per_period(annual_rate, settings.period)
    flows = [row.net_cash_flow for row in rows]
    found = irr(flows)
    if found.per_period is not None:
        found = Irr(
            found.per_period, annual_equivalent(found.per_period, settings.period), found.note
        )
    with localcontext(prec=PRECISION):
        factor = ONE / (ONE + per_period)
        discounted, weight = [], ONE
        for value in flows:
            discounted.append(value * weight)
            weight *= factor
        invested = sum((row.investment for row in rows), ZERO)
        total = sum(flows, ZERO)
        lowest = min((row.cumulative for row in rows), default=ZERO)
        return Figures(
            npv=sum(discounted, ZERO),
            irr=found,
            payback_period=payback(flows),
            discounted_payback_period=payback(discounted),
            roi=total / invested if invested else None,
            break_even_period=next(
                (
                    row.index
                    for row in rows
                    if row.index >= 1
                    and row.revenue > 0
                    and row.revenue - row.cost_of_goods - row.operating_costs >= 0
                ),
                None,
            ),
            peak_funding=-lowest if lowest < 0 else ZERO,
            total_revenue=sum((row.revenue for row in rows), ZERO),
        )


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    rows: tuple[PeriodRow, ...]
    figures: Figures
    cash_flows: tuple[Decimal, ...]  # net cash flow of periods 0 … N


def evaluate(case: BusinessCase, scenario: str) -> ScenarioResult:
    """The cash-flow table and figures of one scenario of ``case``."""
    drivers = drivers_for(case, scenario)
    rows = cash_flow_table(case.settings, drivers)
    return ScenarioResult(
        scenario,
        rows,
        figures(case.settings, rows, drivers["discount_rate"]),
        tuple(row.net_cash_flow for row in rows),
    )


def evaluate_all(case: BusinessCase) -> tuple[ScenarioResult, ...]:
    """Every scenario of ``case``, in display order."""
    return tuple(evaluate(case, scenario.name) for scenario in case.scenarios)


# -- sensitivity -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TornadoBar:
    """The NPV with one driver moved down and up by the sensitivity's percentage."""

    key: str
    label: str
    low_value: Decimal
    high_value: Decimal
    low_npv: Decimal
    high_npv: Decimal

    @property
    def swing(self) -> Decimal:
        return abs(self.high_npv - self.low_npv)


def case_npv(settings: CaseSettings, drivers: Mapping[str, Decimal]) -> Decimal:
    """The NPV of the cash-flow table ``drivers`` give (their own discount rate)."""
    rows = cash_flow_table(settings, drivers)
    with localcontext(prec=PRECISION):
        return sum((row.discounted for row in rows), ZERO)


def sensitive_drivers(case: BusinessCase) -> tuple[DriverSpec, ...]:
    """The drivers a tornado moves: all but churn in a one-off sale (it does not apply)."""
    if case.settings.pricing_model is PricingModel.SUBSCRIPTION:
        return DRIVERS
    return tuple(spec for spec in DRIVERS if spec.key != "churn")


def sensitivity(
    case: BusinessCase, scenario: str = "Base", percent: Decimal = Decimal("0.2")
) -> tuple[Decimal, tuple[TornadoBar, ...]]:
    """The scenario's NPV, and each driver's bar: its NPV at value × (1 − percent) and at
    value × (1 + percent), every other driver kept (moved values stay within the driver's
    bounds: churn never above 100 %). Bars are sorted by swing (|high NPV − low NPV|),
    widest first; ties keep the drivers' display order. A driver at 0 has no swing.
    """
    percent = parse_rate(percent, "sensitivity", maximum=ONE)
    drivers = drivers_for(case, scenario)
    base = case_npv(case.settings, drivers)
    bars = []
    for spec in sensitive_drivers(case):
        with localcontext(prec=PRECISION):
            low = _clamp(spec, drivers[spec.key] * (ONE - percent))
            high = _clamp(spec, drivers[spec.key] * (ONE + percent))
        low_npv = case_npv(case.settings, {**drivers, spec.key: low})
        high_npv = case_npv(case.settings, {**drivers, spec.key: high})
        bars.append(TornadoBar(spec.key, spec.label, low, high, low_npv, high_npv))
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    return base, tuple(bars)
