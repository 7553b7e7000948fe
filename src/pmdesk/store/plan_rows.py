"""The business plan a product is held to, read without SQLAlchemy.

A signed version of a business case freezes the case as JSON (``business_case_version.
content``); the elimination rule "revenue below plan" compares the plan it gives with the
revenue the product's metrics record. Both are read here as plain SQL over a ``fetch``
(see :mod:`pmdesk.store.roadmap_rows`), so the same reads serve the store's finance
service and the Portfolio drawn before the store has loaded. The exact decimals a case
holds are read and written by the rules here too (the models' ``ExactDecimal`` column
uses them). Nothing here imports SQLAlchemy: ``tests/test_layering.py`` holds it to that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from pmdesk.core import finance as core
from pmdesk.core.enums import MetricKind
from pmdesk.core.errors import ValidationError
from pmdesk.core.finance import BusinessCase as CoreCase
from pmdesk.core.finance import CaseSettings, Period, PricingModel, Scenario
from pmdesk.core.pricing import check_currency
from pmdesk.core.validation import NUMBER_MAX

from .plain import Fetch, json_value, read_date

# The text of an exact decimal: an optional minus, digits, and a fraction if any.
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
DECIMAL_DIGITS = 60  # characters of text an exact decimal may take in the file


def canonical_decimal(value: Any) -> str:
    """``value`` (a Decimal, an int or its text) as the file holds it; ValueError if not.

    The canonical text is plain positional notation ("1000", "0.10", "-3.5"): no
    exponent, the scale kept as given (money keeps its minor units), no negative zero.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{value!r} is a binary number, not an exact decimal")
    if isinstance(value, str):
        text = value.strip()
        if not DECIMAL_TEXT.fullmatch(text):
            raise ValueError(f"{value[:40]!r} is not a decimal number")
        value = Decimal(text)
    elif isinstance(value, int):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        raise ValueError(f"{value!r} is not a decimal number")
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    if value.is_zero():
        value = abs(value)  # "-0" and "0" are one number
    if abs(value) > NUMBER_MAX:
        raise ValueError(f"{value:,.0f} is beyond ±{NUMBER_MAX:,.0f}")
    text = format(value, "f")
    if len(text) > DECIMAL_DIGITS:
        raise ValueError(f"{text[:40]}… has too many digits")
    return text


def parse_decimal(text: str) -> Decimal:
    """The Decimal a file's text holds; ValueError unless it is canonical text."""
    if not isinstance(text, str) or not DECIMAL_TEXT.fullmatch(text):
        raise ValueError(f"{str(text)[:40]!r} is not a decimal number")
    if len(text) > DECIMAL_DIGITS:
        raise ValueError(f"{text[:40]}… has too many digits")
    value = Decimal(text)
    if abs(value) > NUMBER_MAX:
        raise ValueError(f"{value:,.0f} is beyond ±{NUMBER_MAX:,.0f}")
    return value


def horizon_periods(value: object) -> int:
    """A case's horizon: a whole number of periods from 1 to 400; ValidationError if not."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError("horizon", f"{value!r} is not a whole number of periods")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError("horizon", f"{value!r} is not a whole number of periods") from None
    if not 1 <= number <= 400:
        raise ValidationError("horizon", f"{number} is not between 1 and 400 periods")
    return number


def case_from_content(content: Mapping[str, Any]) -> CoreCase:
    """The business case a signed version froze, as core's object; ValidationError if the
    content is not a signed case's (a file edited elsewhere)."""
    try:
        settings = content["settings"]
        case_settings = CaseSettings(
            currency=check_currency(settings["currency"]),
            period=Period(settings["period"]),
            horizon=horizon_periods(settings["horizon"]),
            start=dt.date.fromisoformat(settings["start"]),
            pricing_model=PricingModel(settings["pricing_model"]),
        )
        drivers = core.default_drivers()
        for key, text in content["drivers"].items():
            if key in core.DRIVER_KEYS:
                drivers[key] = parse_decimal(text)
        scenarios = tuple(
            Scenario(
                str(s["name"]),
                {k: parse_decimal(v) for k, v in s["overrides"].items() if k in core.DRIVER_KEYS},
            )
            for s in content["scenarios"]
        )
        build_up = content.get("unit_cost_from_build_up")
        return CoreCase(
            case_settings,
            drivers,
            scenarios,
            parse_decimal(build_up) if build_up is not None else None,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(
            "signed version", f"its frozen content cannot be read ({exc})"
        ) from None


class VersionRow(NamedTuple):  # (quicker to load than a dataclass: a start reads it)
    id: int
    version: int
    signed_by: str
    signed_on: dt.date
    scenario: str
    gate_review_id: int | None


_SIGNED_SQL = (
    "SELECT business_case_version.id, business_case_version.version,"
    " business_case_version.signed_by, business_case_version.signed_on,"
    " business_case_version.scenario, business_case_version.gate_review_id,"
    " business_case_version.content FROM business_case_version"
    " JOIN business_case ON business_case.id = business_case_version.case_id"
    " WHERE business_case.product_id = ? ORDER BY business_case_version.version DESC LIMIT 1"
)


def signed_version(fetch: Fetch, product_id: int) -> tuple[VersionRow, dict] | None:
    """The latest signed version of the product's case and the content it froze."""
    rows = fetch(_SIGNED_SQL, (product_id,))
    if not rows:
        return None
    version_id, number, signed_by, signed_on, scenario, gate_id, content = rows[0]
    row = VersionRow(version_id, number, signed_by, read_date(signed_on), scenario, gate_id)
    found = json_value(content)
    return row, dict(found) if isinstance(found, Mapping) else {}


def actuals_of(
    series: Sequence[Any],
) -> tuple[dict[dt.date, Decimal], dict[dt.date, Decimal], dict[dt.date, Decimal]]:
    """Monthly actual revenue, units and gross margin (an amount) from a product's metric
    series, in the metrics' order.

    Of several metrics of one kind the first counts (as the elimination rules read them).
    A margin metric in "%" is a share of that month's revenue; without revenue that
    month it says nothing about the amount and is left out.
    """
    first: dict[MetricKind, Any] = {}
    for one in series:
        if one.metric.kind in (MetricKind.REVENUE, MetricKind.UNITS, MetricKind.MARGIN):
            first.setdefault(one.metric.kind, one)
    values = {
        kind: {period: Decimal(repr(value)) for period, value, _target in one.points}
        for kind, one in first.items()
    }
    revenue = values.get(MetricKind.REVENUE, {})
    units = values.get(MetricKind.UNITS, {})
    margin = values.get(MetricKind.MARGIN, {})
    if MetricKind.MARGIN in first and first[MetricKind.MARGIN].metric.unit.strip() == "%":
        from pmdesk.core.pnl import margin_amounts

        margin = margin_amounts(revenue, margin)
    return revenue, units, margin


def plan_ratios(fetch: Fetch, product_id: int, series: Sequence[Any]) -> list[Decimal]:
    """Actual ÷ planned revenue of each complete period of the product's signed plan that
    has actuals, oldest first: what the business-case elimination rule reads. Empty
    without a signed version (a draft is no commitment to hold a product to), or with
    one whose frozen content cannot be read (a file edited elsewhere)."""
    signed = signed_version(fetch, product_id)
    if signed is None:
        return []
    from pmdesk.core import pnl as core_pnl

    version, content = signed
    try:
        rows = core.evaluate(case_from_content(content), version.scenario).rows
        revenue = core_pnl.plan_vs_actual(rows, actuals_of(series)[0], "revenue")
    except ValidationError:
        return []
    return [v.ratio for v in revenue if v.ratio is not None and v.complete]
