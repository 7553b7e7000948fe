"""The business of a product: its business case, signed versions, cost build-up and prices.

Money, quantities and rates are exact: an :class:`ExactDecimal` column holds a
``decimal.Decimal`` as its canonical text ("1234.50", "-0.125"), never a binary
float, on SQLite and PostgreSQL alike. The bounds a person cannot break (a horizon of
1 to 400 periods, no negative quantity, a discount between 0 and 1) are CHECK
constraints as well as the service's rules, so a file edited elsewhere is held to them
at open (:mod:`pmdesk.store.file_values`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.finance import Period, PricingModel

from ..plan_rows import canonical_decimal, parse_decimal
from .base import Entity, enum_type, fk


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """A Decimal stored as its canonical text; floats, NaN and infinities are refused.

    The canonical text is plain positional notation ("1000", "0.10", "-3.5"): no
    exponent, the scale kept as given (money keeps its minor units), no negative zero.
    """

    impl = sa.Text
    cache_ok = True

    canonical = staticmethod(canonical_decimal)  # the rules live with the plain reads
    parse = staticmethod(parse_decimal)

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        return self.canonical(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{str(value)[:40]!r} is not a decimal number") from None

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self


def _number(column: str) -> str:
    """SQL for a text decimal column read as a number (the same on SQLite and PostgreSQL)."""
    return f"CAST({column} AS NUMERIC)"


def _fraction(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{_number(column)} >= 0 AND {_number(column)} <= 1", name=f"{column}_fraction"
    )


def _not_negative(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{_number(column)} >= 0", name=f"{column}_not_negative")


class BusinessCase(Entity):
    """One product's business case: its settings; drivers and scenarios hang off it."""

    __tablename__ = "business_case"
    __table_args__ = (
        sa.UniqueConstraint("product_id"),
        sa.CheckConstraint("horizon BETWEEN 1 AND 400", name="horizon_range"),
        sa.CheckConstraint(
            "length(currency) = 3 AND upper(currency) = currency AND lower(currency) <> currency",
            name="currency_code",
        ),
    )

    product_id: Mapped[int] = fk("product.id")
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, default="EUR")
    period: Mapped[Period] = mapped_column(
        enum_type(Period), nullable=False, default=Period.QUARTER
    )
    horizon: Mapped[int] = mapped_column(nullable=False, default=20)
    # First day of period 1; period 0 (the investment) is the period just before.
    start: Mapped[dt.date] = mapped_column(nullable=False)
    pricing_model: Mapped[PricingModel] = mapped_column(
        enum_type(PricingModel), nullable=False, default=PricingModel.UNIT
    )
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class BusinessDriver(Entity):
    """One assumption of a case: a driver's value (core.finance.DRIVERS names them) and why."""

    __tablename__ = "business_driver"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "key"),
        sa.CheckConstraint("length(trim(key)) > 0", name="key_not_blank"),
    )

    case_id: Mapped[int] = fk("business_case.id")
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    value: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class BusinessScenario(Entity):
    """A named scenario ("Worst", "Base", "Best", …) of a case, in display order."""

    __tablename__ = "business_scenario"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )

    case_id: Mapped[int] = fk("business_case.id")
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class ScenarioOverride(Entity):
    """A driver value a scenario puts in place of the case's own."""

    __tablename__ = "scenario_override"
    __table_args__ = (
        sa.UniqueConstraint("scenario_id", "key"),
        sa.CheckConstraint("length(trim(key)) > 0", name="key_not_blank"),
    )

    scenario_id: Mapped[int] = fk("business_scenario.id")
    key: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    value: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False)


class BusinessCaseVersion(Entity):
    """A signed-off version: the case frozen with its figures, who signed, when, which scenario.

    ``content`` holds the case as it was (settings, drivers, notes, scenarios, cost items,
    price points) and each scenario's figures, decimals as text; later edits of the case
    change only the draft, never a signed version.
    """

    __tablename__ = "business_case_version"
    __table_args__ = (
        sa.UniqueConstraint("case_id", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("length(trim(signed_by)) > 0", name="signed_by_not_blank"),
    )

    case_id: Mapped[int] = fk("business_case.id")
    version: Mapped[int] = mapped_column(nullable=False)
    signed_by: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    signed_on: Mapped[dt.date] = mapped_column(nullable=False)
    scenario: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    gate_review_id: Mapped[int | None] = fk("gate_review.id", ondelete="SET NULL", nullable=True)
    content: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False, default=dict)


class CostItem(Entity):
    """One line of a product's unit cost build-up: quantity × unit cost."""

    __tablename__ = "cost_item"
    __table_args__ = (
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        _not_negative("quantity"),
        _not_negative("unit_cost"),
    )

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False)
    unit_cost: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class PricePoint(Entity):
    """A price per segment, tier and channel, with its discount, channel margin and target.

    Amounts are in the currency of the product's business case.
    """

    __tablename__ = "price_point"
    __table_args__ = (
        _not_negative("list_price"),
        _fraction("discount"),
        _fraction("channel_margin"),
        _fraction("target_margin"),
    )

    product_id: Mapped[int] = fk("product.id")
    segment: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    tier: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    channel: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    list_price: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False)
    discount: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False, default=Decimal(0))
    channel_margin: Mapped[Decimal] = mapped_column(
        ExactDecimal, nullable=False, default=Decimal(0)
    )
    target_margin: Mapped[Decimal] = mapped_column(ExactDecimal, nullable=False, default=Decimal(0))
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
