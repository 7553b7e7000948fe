"""The market radar: competitors, the comparison matrix, win/loss, signals, feedback, limitations.

Competitors are kept once per workspace and linked to the products they compete with
(``product_competitor``). A product's comparison matrix is its ``capability`` rows × our
product and its competitors, one ``comparison_cell`` each (``competitor_id`` NULL is our
product). Market signals and customer feedback link to products, competitors and
requirements through link tables; a requirement's demand is read from
``feedback_requirement``. Money and shares are exact decimals (:class:`ExactDecimal`);
the bounds a person cannot break are CHECK constraints as well as the service's rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.core.market import (
    CellLevel,
    DealOutcome,
    FeedbackSource,
    FeedbackStatus,
    Impact,
    Importance,
    LimitationKind,
    LimitationStatus,
    SignalKind,
)

from .base import Base, Entity, enum_type, fk
from .finance import ExactDecimal


def _number(column: str) -> str:
    return f"CAST({column} AS NUMERIC)"


def _score(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN 0 AND 5", name=f"{column}_range")


def _not_blank(column: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"length(trim({column})) > 0", name=f"{column}_not_blank")


class Competitor(Entity):
    """A competitor, once per workspace, with its threat criteria scored 0..5."""

    __tablename__ = "competitor"
    __table_args__ = (
        sa.UniqueConstraint("name"),
        _not_blank("name"),
        sa.CheckConstraint(
            f"market_share IS NULL OR ({_number('market_share')} >= 0 "
            f"AND {_number('market_share')} <= 1)",
            name="market_share_fraction",
        ),
        sa.CheckConstraint(
            "price_index IS NULL OR price_index BETWEEN 0 AND 100000", name="price_index_range"
        ),
        _score("market_overlap"),
        _score("product_strength"),
        _score("momentum"),
        _score("price_pressure"),
    )

    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    website: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    segment: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    positioning: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    pricing: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    market_share: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    # Their price as a percentage of ours (100: the same); a positioning chart's price axis.
    price_index: Mapped[int | None] = mapped_column(nullable=True)
    strengths: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    weaknesses: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    recent_moves: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # The threat criteria of pmdesk.core.market.THREAT_CRITERIA, 0 (none) to 5 (severe).
    market_overlap: Mapped[int] = mapped_column(nullable=False, default=0)
    product_strength: Mapped[int] = mapped_column(nullable=False, default=0)
    momentum: Mapped[int] = mapped_column(nullable=False, default=0)
    price_pressure: Mapped[int] = mapped_column(nullable=False, default=0)


class ProductCompetitor(Base):
    """Which competitors a product competes with (many to many)."""

    __tablename__ = "product_competitor"

    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    competitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competitor.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Capability(Entity):
    """A row of a product's comparison matrix: free text, or a requirement or canvas note's."""

    __tablename__ = "capability"
    __table_args__ = (_not_blank("name"),)

    product_id: Mapped[int] = fk("product.id")
    name: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    requirement_id: Mapped[int | None] = fk("requirement.id", ondelete="SET NULL", nullable=True)
    note_id: Mapped[int | None] = fk("canvas_note.id", ondelete="SET NULL", nullable=True)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)


class ComparisonCell(Entity):
    """How fully our product (``competitor_id`` NULL) or a competitor covers a capability."""

    __tablename__ = "comparison_cell"

    capability_id: Mapped[int] = fk("capability.id")
    competitor_id: Mapped[int | None] = fk("competitor.id", nullable=True)
    level: Mapped[CellLevel] = mapped_column(
        enum_type(CellLevel), nullable=False, default=CellLevel.UNKNOWN
    )
    evidence: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    checked_on: Mapped[dt.date | None] = mapped_column(nullable=True)


class WinLoss(Entity):
    """A deal won or lost against a competitor, and why."""

    __tablename__ = "win_loss"
    __table_args__ = (
        sa.CheckConstraint(f"value IS NULL OR {_number('value')} >= 0", name="value_not_negative"),
    )

    competitor_id: Mapped[int] = fk("competitor.id")
    product_id: Mapped[int | None] = fk("product.id", ondelete="SET NULL", nullable=True)
    deal: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    date: Mapped[dt.date] = mapped_column(nullable=False)
    outcome: Mapped[DealOutcome] = mapped_column(enum_type(DealOutcome), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    value: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)


class MarketSignal(Entity):
    """A dated signal from the market: a competitor's move, a regulation, a trend…"""

    __tablename__ = "market_signal"
    __table_args__ = (_not_blank("title"),)

    date: Mapped[dt.date] = mapped_column(nullable=False, index=True)
    kind: Mapped[SignalKind] = mapped_column(enum_type(SignalKind), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    details: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")  # link or document
    impact: Mapped[Impact] = mapped_column(enum_type(Impact), nullable=False, default=Impact.MEDIUM)
    tags: Mapped[list[Any]] = mapped_column(sa.JSON, nullable=False, default=list)


class SignalProduct(Base):
    __tablename__ = "signal_product"

    signal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("market_signal.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("product.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SignalCompetitor(Base):
    __tablename__ = "signal_competitor"

    signal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("market_signal.id", ondelete="CASCADE"), primary_key=True
    )
    competitor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("competitor.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SignalRequirement(Base):
    __tablename__ = "signal_requirement"

    signal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("market_signal.id", ondelete="CASCADE"), primary_key=True
    )
    requirement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requirement.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Feedback(Entity):
    """A customer's quote or request, from a call, a ticket, an interview or a survey."""

    __tablename__ = "feedback"
    __table_args__ = (
        _not_blank("text"),
        sa.CheckConstraint(
            f"revenue IS NULL OR {_number('revenue')} >= 0", name="revenue_not_negative"
        ),
    )

    product_id: Mapped[int | None] = fk("product.id", ondelete="SET NULL", nullable=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)  # the quote or request
    customer: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    contact: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    source: Mapped[FeedbackSource] = mapped_column(
        enum_type(FeedbackSource), nullable=False, default=FeedbackSource.OTHER
    )
    date: Mapped[dt.date] = mapped_column(nullable=False)
    revenue: Mapped[Decimal | None] = mapped_column(ExactDecimal, nullable=True)
    segment: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    importance: Mapped[Importance] = mapped_column(
        enum_type(Importance), nullable=False, default=Importance.MEDIUM
    )
    status: Mapped[FeedbackStatus] = mapped_column(
        enum_type(FeedbackStatus), nullable=False, default=FeedbackStatus.NEW
    )
    archive_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class FeedbackRequirement(Base):
    """Which requirements a feedback item supports (many to many)."""

    __tablename__ = "feedback_requirement"

    feedback_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback.id", ondelete="CASCADE"), primary_key=True
    )
    requirement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("requirement.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Limitation(Entity):
    """What a product does not do, or does wrong for now, and what to tell customers."""

    __tablename__ = "limitation"
    __table_args__ = (_not_blank("description"),)

    product_id: Mapped[int] = fk("product.id")
    # The release (a roadmap milestone or item) it applies to; NULL: every release.
    item_id: Mapped[int | None] = fk("roadmap_item.id", ondelete="SET NULL", nullable=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    workaround: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    kind: Mapped[LimitationKind] = mapped_column(
        enum_type(LimitationKind), nullable=False, default=LimitationKind.LIMITATION
    )
    status: Mapped[LimitationStatus] = mapped_column(
        enum_type(LimitationStatus), nullable=False, default=LimitationStatus.OPEN
    )
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0)
