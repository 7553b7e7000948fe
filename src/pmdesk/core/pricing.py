"""Prices and margins, and money as a person types and reads it.

Money and rates are :class:`decimal.Decimal`, never binary floats. Rates are fractions
(``Decimal("0.12")`` is 12 %). An amount a person typed is quantized to the currency's
minor units (:func:`parse_money`); the maths in between (:mod:`pmdesk.core.finance`)
keeps full precision and only the display rounds.

- :func:`unit_cost`: the cost build-up, Σ quantity × unit cost over the cost items.
- :func:`waterfall`: list price → discount → channel → net price → unit cost → gross margin.
- :func:`parse_amount`, :func:`parse_money`, :func:`parse_rate`: text (or a number) to a
  Decimal, refusing text that is not a number, NaN, Infinity and negative values with a
  :class:`~pmdesk.core.errors.ValidationError` naming the field.
- :func:`format_money`, :func:`format_rate`: a Decimal as a person reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from .errors import ValidationError

#: Significant digits of every financial calculation (IEEE 754 decimal128). Used through
#: ``decimal.localcontext(prec=PRECISION)``: the global context is never changed.
PRECISION = 34

#: The largest amount pmdesk accepts in any field: a trillion (same bound as
#: ``core.validation.NUMBER_MAX``), in any currency.
AMOUNT_MAX = Decimal(10) ** 12

#: Beyond this (a thousand trillion) numbers are written in scientific notation.
HUGE = Decimal(10) ** 15

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

#: ISO 4217 minor units (digits after the decimal point) where they are not 2.
MINOR_UNITS: Mapping[str, int] = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
    "CLF": 4,
    "UYW": 4,
}

#: Symbols written before the amount ("€1,234"); other currencies are written after it
#: with their code ("1,234 SEK").
SYMBOLS: Mapping[str, str] = {
    "EUR": "€",
    "USD": "$",
    "GBP": "£",
    "JPY": "¥",
    "CNY": "CN¥",
    "INR": "₹",
    "KRW": "₩",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
    "CHF": "CHF ",
    "BRL": "R$",
    "ILS": "₪",
    "TRY": "₺",
}

MINUS = "−"  # U+2212, the true minus sign
_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009_'")


def check_currency(code: str, field: str = "currency") -> str:
    """``code`` when it is three upper-case letters (ISO 4217's shape), else ValidationError.

    Lower-case input is not accepted silently: the store keeps exactly what is checked.
    """
    if not isinstance(code, str) or not _CURRENCY_CODE.match(code):
        raise ValidationError(field, f"{code!r} is not a currency code of three capital letters")
    return code


def minor_units(currency: str) -> int:
    """The digits after the decimal point of ``currency`` (ISO 4217; 2 when not listed)."""
    return MINOR_UNITS.get(check_currency(currency), 2)


def quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency``: 0.01 for EUR, 1 for JPY, 0.001 for KWD."""
    return Decimal(1).scaleb(-minor_units(currency))


_CODE = re.compile(r"[A-Z]{3}")
_NOT_CODES = frozenset({"INF", "NAN"})
_ALL_SYMBOLS = tuple(sorted({mark.strip() for mark in SYMBOLS.values()}, key=len, reverse=True))


def _strip_currency(text: str, currency: str | None, field: str) -> str:
    """``text`` without its currency sign or code, wherever it was written.

    With a ``currency``, a code or sign of another one is refused ("'$12' is not an
    amount in EUR"); "$" alone is taken for any dollar and any currency without a sign.
    Without one, every sign pmdesk knows is dropped.
    """
    if currency is None:
        marks: tuple[str, ...] = _ALL_SYMBOLS
    else:
        own = SYMBOLS.get(currency, "").strip()
        for code in _CODE.findall(text):
            if code != currency and code not in _NOT_CODES:
                raise ValidationError(field, f"{text!r} is an amount in {code}, not {currency}")
        for symbol in _ALL_SYMBOLS:
            if symbol in text and symbol not in own and not (symbol == "$" and not own):
                raise ValidationError(field, f"{text!r} is not an amount in {currency}")
        # its own sign, and the shorter signs inside it ("¥" of "CN¥", "$" of "CA$")
        inside = tuple(symbol for symbol in _ALL_SYMBOLS if own and symbol in own)
        marks = (currency, *inside) if own else (currency, "$")
    cleaned = text
    for mark in marks:
        if mark:
            cleaned = cleaned.replace(mark, "")
    return cleaned


def parse_amount(
    text: str | Decimal | int,
    field: str = "amount",
    *,
    minimum: Decimal | None = ZERO,
    maximum: Decimal | None = AMOUNT_MAX,
    currency: str | None = None,
) -> Decimal:
    """A number a person typed (or a Decimal/int), checked, NOT rounded.

    Accepts "1234.5", "1,234.5", "1 234.5", "€1,234.50" (a currency sign or code is
    ignored — with ``currency`` given, only that currency's), "−12" with a true minus,
    and scientific notation. Refuses binary floats
    (they are not exact), text that is not a number ("12,5", "abc"), NaN and Infinity,
    and values under ``minimum`` / over ``maximum`` (default: 0 .. a trillion) —
    each with a :class:`ValidationError` naming ``field``.
    """
    if currency is not None:
        check_currency(currency)
    if isinstance(text, bool) or isinstance(text, float):
        raise ValidationError(field, f"{text!r} is not an exact number; type it as text")
    if isinstance(text, int):
        value = Decimal(text)
    elif isinstance(text, Decimal):
        value = text
    elif isinstance(text, str):
        value = _parse_text(text, field, currency)
    else:
        raise ValidationError(field, f"{text!r} is not a number")
    if not value.is_finite():
        raise ValidationError(field, f"{value} is not a number")
    if value.is_zero():
        value = abs(value)  # no "-0"
    if minimum is not None and value < minimum:
        if minimum == ZERO:
            raise ValidationError(field, f"{_plain(value)} cannot be negative")
        raise ValidationError(field, f"{_plain(value)} is under the minimum {_plain(minimum)}")
    if maximum is not None and value > maximum:
        raise ValidationError(field, f"{_plain(value)} is over the maximum {_plain(maximum)}")
    return value


def _parse_text(text: str, field: str, currency: str | None) -> Decimal:
    raw = text.strip()
    if not raw:
        raise ValidationError(field, "cannot be empty")
    cleaned = _strip_currency(raw, currency, field).translate(_SPACES)
    cleaned = cleaned.replace(MINUS, "-").replace("–", "-")
    if _GROUPED.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.match(cleaned):
        if "," in cleaned:
            raise ValidationError(
                field, f"{raw!r} is not a number (write decimals with a point: 12.5)"
            )
        raise ValidationError(field, f"{raw!r} is not a number")
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValidationError(field, f"{raw!r} is not a number") from None


def parse_money(
    text: str | Decimal | int,
    currency: str,
    field: str = "amount",
    *,
    allow_negative: bool = False,
) -> Decimal:
    """An amount a person typed, quantized to ``currency``'s minor units (half up).

    "1,234.567" in EUR is ``Decimal("1234.57")``; in JPY "1,234.5" is ``Decimal("1235")``;
    in KWD it keeps three decimals. Negative amounts are refused unless
    ``allow_negative``. For amounts finer than the minor unit (a hosting cost of
    0.004 per user) use :func:`parse_amount`, which does not round.
    """
    check_currency(currency)
    value = parse_amount(
        text,
        field,
        minimum=None if allow_negative else ZERO,
        maximum=AMOUNT_MAX,
        currency=currency,
    )
    if allow_negative and value < -AMOUNT_MAX:
        raise ValidationError(field, f"{_plain(value)} is under the minimum {_plain(-AMOUNT_MAX)}")
    with localcontext(prec=PRECISION):
        return value.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def parse_rate(
    text: str | Decimal,
    field: str,
    *,
    minimum: Decimal | None = ZERO,
    maximum: Decimal | None = None,
) -> Decimal:
    """A rate as a fraction: "12 %", "12%" and "0.12" are all ``Decimal("0.12")``.

    Text with a per cent sign is divided by 100; a bare number is a fraction already
    (so "12" means 1200 % — refused by most maximums). A Decimal is taken as a fraction.
    ``minimum`` (default 0) and ``maximum`` are fractions too.
    """
    if isinstance(text, str) and "%" in text:
        number = text.replace("%", "", 1)
        if "%" in number:
            raise ValidationError(field, f"{text.strip()!r} is not a rate")
        value = parse_amount(number, field, minimum=None, maximum=None) / HUNDRED
    else:
        value = parse_amount(text, field, minimum=None, maximum=None)
    if minimum is not None and value < minimum:
        raise ValidationError(
            field, f"{format_rate(value)} is under the minimum {format_rate(minimum)}"
        )
    if maximum is not None and value > maximum:
        raise ValidationError(
            field, f"{format_rate(value)} is over the maximum {format_rate(maximum)}"
        )
    return value


def _plain(value: Decimal) -> str:
    """A Decimal without exponent notation, grouped: 1,000,000 rather than 1E+6 (beyond a
    thousand trillion, which no field accepts, in scientific notation: 1.00E+400)."""
    if abs(value) >= HUGE:
        return f"{value:.2E}"
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def format_money(
    value: Decimal, currency: str, *, compact: bool = False, whole: bool = False
) -> str:
    """An amount as a person reads it.

    - default: rounded (half up) to the currency's minor units, grouped by thousands; the
      minor digits are left out when they are all zero: "€1,234,567", "€19.90", "¥1,235",
      "1,234.50 SEK" (currencies without a symbol are written after the number with their
      code); negative with a true minus: "−€1,200".
    - ``whole``: rounded to whole units: "€1,234,568".
    - ``compact``: three significant figures with K / M / bn: "€1.23 M", "€950 K",
      "−€12.5 bn", "€1 K" for 999.50; under that as the default ("€19.90").
    """
    check_currency(currency)
    with localcontext(prec=PRECISION):
        number = _format_magnitude(abs(value), currency, compact=compact, whole=whole)
    sign = MINUS if value < 0 and any(c in "123456789" for c in number) else ""
    symbol = SYMBOLS.get(currency)
    if symbol is not None:
        return f"{sign}{symbol}{number}"
    return f"{sign}{number} {currency}"


def _format_magnitude(value: Decimal, currency: str, *, compact: bool, whole: bool) -> str:
    if value >= HUGE:  # beyond any amount a field accepts: no rounding to cents
        return f"{value:.2E}"
    if compact and value >= Decimal("999.5"):
        for size, suffix in (
            (Decimal(10) ** 9, "bn"),
            (Decimal(10) ** 6, "M"),
            (Decimal(1000), "K"),
        ):
            if value >= size * Decimal("0.9995") or suffix == "K":
                scaled = value / size
                digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
                rounded = scaled.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
                text = f"{rounded:,f}"
                if "." in text:
                    text = text.rstrip("0").rstrip(".")
                return f"{text} {suffix}"
    if whole:
        return f"{value.quantize(ONE, rounding=ROUND_HALF_UP):,f}"
    rounded = value.quantize(quantum(currency), rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return f"{rounded.quantize(ONE):,f}"
    return f"{rounded:,f}"


def format_rate(value: Decimal, digits: int = 1) -> str:
    """A fraction as a percentage: ``Decimal("0.125")`` is "12.5 %", 0.1 is "10 %".

    At most ``digits`` decimals, trailing zeros dropped; a true minus for negatives.
    """
    with localcontext(prec=PRECISION):
        percent = value * HUNDRED
        if abs(percent) >= HUGE:
            return f"{MINUS if percent < 0 else ''}{abs(percent):.2E} %"
        percent = percent.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    text = f"{abs(percent):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = MINUS if percent < 0 else ""
    return f"{sign}{text} %"


# -- the cost build-up ----------------------------------------------------------------------


@dataclass(frozen=True)
class CostItem:
    """One line of the unit cost build-up: a component, licence, hosting or support per unit."""

    name: str
    quantity: Decimal  # per unit sold (or per customer per period), ≥ 0
    unit_cost: Decimal  # per quantity, ≥ 0


def check_cost_item(item: CostItem) -> CostItem:
    """``item`` when its quantity and unit cost are numbers ≥ 0, else ValidationError."""
    if not item.name.strip():
        raise ValidationError("name", "cannot be empty")
    parse_amount(item.quantity, "quantity")
    parse_amount(item.unit_cost, "unit cost")
    return item


def unit_cost(items: Sequence[CostItem]) -> Decimal:
    """The unit cost the build-up gives: Σ quantity × unit cost over ``items`` (0 when none).

    Exact (no rounding). Refuses a negative or non-numeric quantity or unit cost.
    """
    total = ZERO
    with localcontext(prec=PRECISION):
        for item in items:
            check_cost_item(item)
            total += item.quantity * item.unit_cost
    return total


# -- price points and the margin waterfall ---------------------------------------------------


@dataclass(frozen=True)
class PricePoint:
    """A price for one segment, tier (package) and channel."""

    segment: str
    tier: str
    channel: str
    list_price: Decimal  # ≥ 0
    discount: Decimal  # 0..1 of the list price
    channel_margin: Decimal  # 0..1 of the price after discount (reseller margin / commission)
    target_margin: Decimal  # 0..1, the gross margin % aimed at


def check_price_point(point: PricePoint) -> PricePoint:
    """``point`` when its amounts are ≥ 0 and its shares within 0..1, else ValidationError."""
    parse_amount(point.list_price, "list price")
    parse_rate(point.discount, "discount", maximum=ONE)
    parse_rate(point.channel_margin, "channel margin", maximum=ONE)
    parse_rate(point.target_margin, "target margin", maximum=ONE)
    return point


@dataclass(frozen=True)
class WaterfallStep:
    label: str
    amount: Decimal  # negative for deductions; the subtotal rows carry their own value
    running: Decimal  # the price after this step


@dataclass(frozen=True)
class Waterfall:
    steps: tuple[WaterfallStep, ...]
    net_price: Decimal
    gross_margin: Decimal
    gross_margin_pct: Decimal | None  # fraction of the net price; None when the net price is 0
    below_target: bool
    warning: str


WATERFALL_LABELS = ("List price", "Discount", "Channel", "Net price", "Unit cost", "Gross margin")


def waterfall(point: PricePoint, unit_cost: Decimal) -> Waterfall:
    """From list price to gross margin, one step at a time.

    - discount amount = list price × discount
    - channel amount = (list price − discount amount) × channel margin
    - **net price** = list price − discount amount − channel amount (what the company receives)
    - **gross margin** = net price − unit cost
    - **gross margin %** = gross margin ÷ net price (None when the net price is 0)
    - below target when the gross margin % is under the target margin (or the net price is
      0 while a target is set); the warning then says so:
      "Gross margin 18 % is under the 30 % target".

    The steps are List price, Discount (negative), Channel (negative), Net price (subtotal),
    Unit cost (negative), Gross margin (subtotal); ``running`` is the value after each step.
    Exact: nothing is rounded.
    """
    check_price_point(point)
    cost = parse_amount(unit_cost, "unit cost")
    with localcontext(prec=PRECISION):
        discount = point.list_price * point.discount
        after_discount = point.list_price - discount
        channel = after_discount * point.channel_margin
        net = after_discount - channel
        margin = net - cost
        pct = margin / net if net else None
    steps = (
        WaterfallStep("List price", point.list_price, point.list_price),
        WaterfallStep("Discount", -discount, after_discount),
        WaterfallStep("Channel", -channel, net),
        WaterfallStep("Net price", net, net),
        WaterfallStep("Unit cost", -cost, margin),
        WaterfallStep("Gross margin", margin, margin),
    )
    if pct is None:
        below = point.target_margin > 0
        warning = "The net price is zero: there is no margin to meet the target" if below else ""
    else:
        below = pct < point.target_margin
        warning = (
            f"Gross margin {format_rate(pct)} is under the {format_rate(point.target_margin)} target"
            if below
            else ""
        )
    return Waterfall(steps, net, margin, pct, below, warning)
