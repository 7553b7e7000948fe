"""Prices and margins worked by hand, and money as a person types and reads it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pmdesk.core.errors import ValidationError
from pmdesk.core.pricing import (
    MINOR_UNITS,
    CostItem,
    PricePoint,
    format_money,
    format_rate,
    parse_amount,
    parse_money,
    parse_rate,
    unit_cost,
    waterfall,
)

D = Decimal


def point(**changes: str) -> PricePoint:
    fields = {
        "segment": "SMB",
        "tier": "Pro",
        "channel": "Reseller",
        "list_price": D(100),
        "discount": D("0.1"),
        "channel_margin": D("0.2"),
        "target_margin": D("0.3"),
    }
    fields.update({key: D(value) for key, value in changes.items()})
    return PricePoint(**fields)  # type: ignore[arg-type]


def test_waterfall_worked_by_hand() -> None:
    # 100 list, 10 % off = 90; the reseller keeps 20 % of 90 = 18; net 72; cost 50; margin 22.
    fall = waterfall(point(), D(50))
    assert [(s.label, s.amount, s.running) for s in fall.steps] == [
        ("List price", 100, 100),
        ("Discount", -10, 90),
        ("Channel", -18, 72),
        ("Net price", 72, 72),
        ("Unit cost", -50, 22),
        ("Gross margin", 22, 22),
    ]
    assert fall.net_price == 72
    assert fall.gross_margin == 22
    assert fall.gross_margin_pct is not None
    assert fall.gross_margin_pct.quantize(D("0.0001")) == D("0.3056")  # 22 / 72
    assert not fall.below_target and fall.warning == ""


def test_waterfall_warns_under_the_target() -> None:
    fall = waterfall(point(), D("59.04"))  # margin 12.96 of 72 = 18 %
    assert fall.below_target
    assert fall.warning == "Gross margin 18 % is under the 30 % target"
    losing = waterfall(point(), D(80))
    assert losing.gross_margin == -8 and losing.below_target
    assert losing.warning == "Gross margin −11.1 % is under the 30 % target"


def test_waterfall_with_a_free_product() -> None:
    free = waterfall(point(list_price="0"), D(0))
    assert free.gross_margin_pct is None
    assert free.below_target and "net price is zero" in free.warning
    no_target = waterfall(point(list_price="0", target_margin="0"), D(0))
    assert not no_target.below_target and no_target.warning == ""


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"list_price": "-1"}, "List price: -1 cannot be negative"),
        ({"discount": "1.5"}, "Discount: 150 % is over the maximum 100 %"),
        ({"channel_margin": "-0.1"}, "Channel margin: −10 % is under the minimum 0 %"),
        ({"target_margin": "NaN"}, "Target margin: NaN is not a number"),
    ],
)
def test_bad_price_points_are_refused(changes: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        waterfall(point(**changes), D(1))


def test_unit_cost_build_up() -> None:
    items = [
        CostItem("Board", D(1), D("12.40")),
        CostItem("Screws", D(8), D("0.05")),
        CostItem("Hosting per user", D(1), D("0.0035")),
    ]
    assert unit_cost(items) == D("12.8035")  # exact, not rounded to cents
    assert unit_cost([]) == 0
    with pytest.raises(ValidationError, match="Quantity: -2 cannot be negative"):
        unit_cost([CostItem("Board", D(-2), D(1))])
    with pytest.raises(ValidationError, match="Unit cost"):
        unit_cost([CostItem("Board", D(1), D("Infinity"))])


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("1234.5", "EUR", D("1234.50")),
        ("1,234.567", "EUR", D("1234.57")),
        ("€1,234.565", "EUR", D("1234.57")),  # half up
        (" 1 234 ", "EUR", D("1234.00")),
        ("1,234.5", "JPY", D("1235")),
        ("¥1,234", "JPY", D("1234")),
        ("1.2345", "KWD", D("1.235")),
        ("12 SEK", "SEK", D("12.00")),
        ("$0.10", "USD", D("0.10")),
        (D("0.1"), "USD", D("0.10")),
        (7, "GBP", D("7.00")),
    ],
)
def test_money_is_parsed_to_minor_units(text: str, currency: str, expected: Decimal) -> None:
    value = parse_money(text, currency)
    assert value == expected
    assert value.as_tuple().exponent == -MINOR_UNITS.get(currency, 2)  # 0.10, never 0.1


def test_no_binary_float_creeps_in() -> None:
    total = parse_money("0.1", "EUR") + parse_money("0.2", "EUR")
    assert str(total) == "0.30"
    assert format_money(total, "EUR") == "€0.30"
    with pytest.raises(ValidationError, match="not an exact number"):
        parse_money(0.1, "EUR")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "Price: 'abc' is not a number"),
        ("12,5", "write decimals with a point"),
        ("1.2.3", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("-5", "Price: -5 cannot be negative"),
        ("", "Price: cannot be empty"),
        ("2e12", "is over the maximum 1,000,000,000,000"),
    ],
)
def test_bad_money_names_the_field(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_money(text, "EUR", "price")


def test_negative_money_when_asked_for_and_bad_currencies() -> None:
    assert parse_money("−12.5", "EUR", allow_negative=True) == D("-12.50")
    for code in ("eur", "EURO", "E1R", ""):
        with pytest.raises(ValidationError, match="Currency: .* three capital letters"):
            parse_money("1", code)
        with pytest.raises(ValidationError):
            format_money(D(1), code)


def test_amounts_keep_their_digits() -> None:
    assert parse_amount("0.0035", "hosting per user") == D("0.0035")
    assert parse_amount("1e3", "quantity") == 1000
    with pytest.raises(ValidationError, match="under the minimum 2"):
        parse_amount("1", "n", minimum=D(2))


@pytest.mark.parametrize(
    ("value", "currency", "expected", "compact"),
    [
        ("1234567", "EUR", "€1,234,567", "€1.23 M"),
        ("19.9", "EUR", "€19.90", "€19.90"),
        ("-1200", "EUR", "−€1,200", "−€1.2 K"),
        ("1234.5", "JPY", "¥1,235", "¥1.23 K"),
        ("1234.5", "SEK", "1,234.50 SEK", "1.23 K SEK"),
        ("1.2345", "KWD", "1.235 KWD", "1.235 KWD"),
        ("-0.004", "EUR", "€0", "€0"),  # no "−€0"
        ("950000", "USD", "$950,000", "$950 K"),
        ("999600", "USD", "$999,600", "$1 M"),
        ("999.6", "GBP", "£999.60", "£1 K"),
        ("12500000000", "EUR", "€12,500,000,000", "€12.5 bn"),
    ],
)
def test_money_is_formatted(value: str, currency: str, expected: str, compact: str) -> None:
    assert format_money(D(value), currency) == expected
    assert format_money(D(value), currency, compact=True) == compact


def test_whole_units() -> None:
    assert format_money(D("1234.50"), "EUR", whole=True) == "€1,235"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12 %", D("0.12")), ("12%", D("0.12")), ("0.12", D("0.12")), (" 7.5 % ", D("0.075"))],
)
def test_rates_are_parsed(text: str, expected: Decimal) -> None:
    assert parse_rate(text, "churn") == expected


def test_bad_rates_name_the_field() -> None:
    with pytest.raises(ValidationError, match="Churn: 'x' is not a number"):
        parse_rate("x %", "churn")
    with pytest.raises(ValidationError, match="Churn: '5 %%' is not a rate"):
        parse_rate("5 %%", "churn")
    with pytest.raises(ValidationError, match="under the minimum 0 %"):
        parse_rate("-1 %", "churn")
    with pytest.raises(ValidationError, match="over the maximum 100 %"):
        parse_rate("101 %", "churn", maximum=D(1))


def test_rates_are_formatted() -> None:
    assert format_rate(D("0.125")) == "12.5 %"
    assert format_rate(D("0.1")) == "10 %"
    assert format_rate(D("-0.05")) == "−5 %"
    assert format_rate(D("0.12345"), 2) == "12.35 %"
    assert format_rate(D(0)) == "0 %"


def test_absurd_sizes_get_a_readable_message() -> None:
    with pytest.raises(ValidationError, match=r"^Price: 1.00E\+400 is over the maximum"):
        parse_money("1e400", "EUR", "price")
    with pytest.raises(ValidationError, match=r"^Churn: 1.00E\+42 % is over the maximum 100 %"):
        parse_rate("1e40", "churn", maximum=D(1))
    assert format_money(D("-1e40"), "EUR") == "−€1.00E+40"
    assert format_rate(D("1e40")) == "1.00E+42 %"


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("$12", "EUR", "Price: '\\$12' is not an amount in EUR"),
        ("€12", "USD", "is not an amount in USD"),
        ("12 USD", "EUR", "Price: '12 USD' is an amount in USD, not EUR"),
        ("CA$12", "USD", "is not an amount in USD"),
        ("CN¥12", "JPY", "is not an amount in JPY"),
        ("£5", "SEK", "is not an amount in SEK"),
    ],
)
def test_an_amount_in_another_currency_is_refused(text: str, currency: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_money(text, currency, "price")


def test_own_and_ambiguous_signs_are_taken() -> None:
    assert parse_money("CA$12", "CAD") == D("12.00")
    assert parse_money("$12", "CAD") == D("12.00")  # "$" is any dollar
    assert parse_money("$12", "MXN") == D("12.00")  # a currency without a sign of its own
    assert parse_money("¥12", "CNY") == D("12.00")
    assert parse_money("CHF 12.50", "CHF") == D("12.50")
    assert parse_money("12 EUR", "EUR") == D("12.00")
    assert parse_amount("£12", "price") == 12  # no currency given: any sign is dropped
