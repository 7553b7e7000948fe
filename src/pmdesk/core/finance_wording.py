"""How the business case reads on screen: periods, units, driver values and key figures.

Values stay Decimal until they become text here; the text is what a person would write
("€1,200", "12 %", "Q3 2027", "7.4 quarters"). What a person types back goes through
:func:`parse_driver`, which takes it as they would mean it and refuses it with a clear
message (a ValidationError naming the driver) otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .finance import (
    CaseSettings,
    DriverSpec,
    Figures,
    Irr,
    Period,
    PricingModel,
    add_months,
    period_start,
    validate_driver,
)
from .pricing import format_money, format_rate, parse_money, parse_rate

PERIOD_NOUNS = {Period.YEAR: "year", Period.QUARTER: "quarter", Period.MONTH: "month"}
NO_IRR = "no IRR"
SEVERAL = "several sign changes"
NEVER = "not reached"


def period_noun(period: Period, count: float | Decimal = 1) -> str:
    noun = PERIOD_NOUNS[period]
    return noun if count == 1 else f"{noun}s"


def period_label(period: Period, start: dt.date, index: int) -> str:
    """ "Q3 2027", "Mar 2027", "2027" (or "2027/28" for a year not starting in January);
    period 0, the investment just before the first period, is "Start"."""
    if index == 0:
        return "Start"
    if period is Period.QUARTER:
        if start.month % 3 == 1:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        end = add_months(start, 2)  # a quarter off the calendar's: its months, "Jun–Aug 2018"
        return f"{start:%b}–{end:%b %Y}" if end.year == start.year else f"{start:%b %Y}–{end:%b %Y}"
    if period is Period.MONTH:
        return f"{start:%b %Y}"
    if start.month == 1:
        return str(start.year)
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def _per_period(settings: CaseSettings) -> str:
    return f"per {period_noun(settings.period)}"


def unit_text(spec: DriverSpec, settings: CaseSettings) -> str:
    """The unit of a driver in words: "EUR per quarter", "% a year", "customers"."""
    subscription = settings.pricing_model is PricingModel.SUBSCRIPTION
    things = "customers" if subscription else "units"
    money = settings.currency
    if spec.key == "price" or spec.key == "unit_cost":
        each = "per customer " + _per_period(settings) if subscription else "per unit"
        return f"{money} {each}"
    if spec.key == "discount_rate":
        return "% a year"
    return {
        "money": money,
        "money/period": f"{money} {_per_period(settings)}",
        "rate": "%",
        "rate/period": f"% {_per_period(settings)}",
        "count": things,
        "count/period": f"{things} {_per_period(settings)}",
    }.get(spec.unit, spec.unit)


def count_text(value: Decimal) -> str:
    """A count as people write it: 12,000 (or 12,000.5 when it has a fraction)."""
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,f}"
    return f"{value.normalize():,f}"


def value_text(spec: DriverSpec, value: Decimal, currency: str) -> str:
    if spec.is_money:
        return format_money(value, currency)
    if spec.is_rate:
        return format_rate(value, 2)
    return count_text(value)


def edit_text(spec: DriverSpec, value: Decimal, currency: str) -> str:
    """What an editor starts from: the value as shown, minus the grouping that slows typing."""
    if spec.is_rate:
        return format_rate(value, 4).replace(",", "")
    if spec.is_money:
        return f"{value.normalize():f}"
    return f"{value.normalize():f}"


def parse_driver(spec: DriverSpec, text: str | Decimal, currency: str) -> Decimal:
    """A value typed into a driver's cell, as the person means it.

    Money: "€1,200", "1200", "1,200.50 EUR". Rates are in per cent, as the cell shows
    them: "12 %", "12%" and "12" are all 12 %. Counts: "12,000". Then the driver's own
    bounds. A ValidationError names the driver and says what is wrong.
    """
    field = spec.label
    if isinstance(text, str):
        text = text.strip()
        if not text:
            raise _empty(field)
        if spec.is_money:
            value = parse_money(text, currency, field, allow_negative=True)
        elif spec.is_rate:
            value = parse_rate(text if "%" in text else f"{text} %", field, minimum=None)
        else:
            value = validate_driver(spec.key, text)
    else:
        value = text
    return validate_driver(spec.key, value)


def _empty(field: str) -> Exception:
    from pmdesk.core.errors import ValidationError

    return ValidationError(field, "cannot be empty: type a value")


# -- key figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureText:
    text: str
    tip: str = ""


def irr_text(irr: Irr, annual: bool, compact: bool = False) -> FigureText:
    """An IRR as a rate; where there is none, or several may exist, the words and why.

    ``compact`` (the projector): one decimal, the two-decimal rate on hover."""
    value = irr.annual if annual else irr.per_period
    several = irr.note.casefold().startswith("several")
    if value is None:
        return FigureText(SEVERAL if several else NO_IRR, irr.note or "The IRR is not defined")
    if several:
        return FigureText(SEVERAL, f"{irr.note}: {format_rate(value, 2)}")
    if compact:
        return FigureText(format_rate(value, 1), irr.note or format_rate(value, 2))
    return FigureText(format_rate(value, 2), irr.note)


SHORT_NOUNS = {Period.YEAR: "yrs", Period.QUARTER: "qtrs", Period.MONTH: "mths"}


def periods_text(value: Decimal | None, period: Period, compact: bool = False) -> FigureText:
    if value is None:
        return FigureText(NEVER, "The cumulative cash flow stays negative over the whole horizon")
    if 0 < value < Decimal("0.05"):  # a fraction of the first period
        shown = f"under 0.1 {period_noun(period)}"
        return FigureText(shown)
    number = value.quantize(Decimal("0.1"))
    full = f"{number:f} {period_noun(period, number)}"
    if compact:
        return FigureText(f"{number:f} {SHORT_NOUNS[period]}", full)
    return FigureText(full)


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    text: Callable[[Figures, CaseSettings, bool], FigureText]  # (…, compact money?)
    tip: str


def _money(
    getter: Callable[[Figures], Decimal],
) -> Callable[[Figures, CaseSettings, bool], FigureText]:
    def text(figures: Figures, settings: CaseSettings, compact: bool) -> FigureText:
        value = getter(figures)
        shown = format_money(value, settings.currency, whole=True, compact=compact)
        return FigureText(shown, format_money(value, settings.currency) if compact else "")

    return text


def _roi(figures: Figures, _settings: CaseSettings, compact: bool) -> FigureText:
    if figures.roi is None:
        return FigureText("no investment", "ROI needs an investment to compare the return with")
    if compact:  # the projector: whole per cent, the decimal on hover
        return FigureText(format_rate(figures.roi, 0), format_rate(figures.roi))
    return FigureText(format_rate(figures.roi))


def _break_even(figures: Figures, settings: CaseSettings, _compact: bool) -> FigureText:
    if figures.break_even_period is None:
        return FigureText(NEVER, "No period of the horizon has revenue covering its costs")
    index = figures.break_even_period
    start = period_start(settings, index)
    return FigureText(
        period_label(settings.period, start, index),
        f"Period {index}: the first whose revenue covers all of that period's costs",
    )


FIGURE_ROWS: tuple[FigureRow, ...] = (
    FigureRow(
        "npv",
        "NPV",
        _money(lambda f: f.npv),
        "Net present value: every period's net cash flow discounted to the start",
    ),
    FigureRow(
        "irr_annual",
        "IRR (annual)",
        lambda f, _s, c: irr_text(f.irr, annual=True, compact=c),
        "Internal rate of return, as a yearly rate",
    ),
    FigureRow(
        "irr_period",
        "IRR per period",
        lambda f, _s, c: irr_text(f.irr, annual=False, compact=c),
        "Internal rate of return per period of the case",
    ),
    FigureRow(
        "payback",
        "Payback",
        lambda f, s, c: periods_text(f.payback_period, s.period, c),
        "When the cumulative cash flow turns positive",
    ),
    FigureRow(
        "discounted_payback",
        "Discounted payback",
        lambda f, s, c: periods_text(f.discounted_payback_period, s.period, c),
        "When the cumulative discounted cash flow turns positive",
    ),
    FigureRow("roi", "ROI", _roi, "Total net cash flow over total investment"),
    FigureRow(
        "break_even",
        "Break-even",
        _break_even,
        "The first period whose revenue covers all of that period's costs",
    ),
    FigureRow(
        "peak_funding",
        "Peak funding",
        _money(lambda f: f.peak_funding),
        "The most cash the product needs before it pays back",
    ),
    FigureRow(
        "total_revenue",
        "Total revenue",
        _money(lambda f: f.total_revenue),
        "Revenue over the whole horizon",
    ),
)
