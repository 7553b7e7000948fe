"""The market radar's rules: threat scores, the comparison matrix, signals, feedback, demand.

Pure Python. A competitor's threat is scored from a few weighted criteria (each 0 to 5),
with every criterion's part visible the way RICE shows its factors
(:func:`threat_score`, :func:`threat_parts`). A comparison cell says how fully a product
or competitor covers a capability (:class:`CellLevel`) and is stale once checked longer
ago than :data:`STALE_DAYS` (:func:`is_stale`). The demand behind a requirement counts
each customer once and their revenue once (:func:`demand`); a competitor's win/loss
records are summarised by :func:`win_loss_summary`; :func:`positioning` places products
and competitors on two axes the user picks (:data:`AXES`), bubble = market share.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# The matrix's levels and their age limit live with the enums (the palette needs them).
from .enums import STALE_DAYS, CellLevel, LabelledEnum
from .errors import ValidationError

SCORE_MAX = 5  # every threat criterion is scored 0 (none) to 5 (severe)
QUOTES_SHOWN = 3  # the strongest quotes a requirement's demand shows


# -- enumerations ------------------------------------------------------------------------


class SignalKind(LabelledEnum):
    COMPETITOR_MOVE = "competitor_move"
    CUSTOMER_INSIGHT = "customer_insight"
    REGULATION = "regulation"
    TECHNOLOGY_TREND = "technology_trend"
    PARTNER = "partner"
    WIN_LOSS = "win_loss"

    @property
    def label(self) -> str:
        return "Win/loss" if self is SignalKind.WIN_LOSS else super().label


class Impact(LabelledEnum):
    """How much a market signal matters: high, medium or low."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """3 for high down to 1 for low: higher matters more."""
        return {Impact.HIGH: 3, Impact.MEDIUM: 2, Impact.LOW: 1}[self]


class FeedbackSource(LabelledEnum):
    SALES_CALL = "sales_call"
    SUPPORT_TICKET = "support_ticket"
    INTERVIEW = "interview"
    SURVEY = "survey"
    OTHER = "other"


class Importance(LabelledEnum):
    """How much a feedback item weighs, as the person who heard it judged."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """4 for critical down to 1 for low: higher is stronger."""
        return {Importance.CRITICAL: 4, Importance.HIGH: 3, Importance.MEDIUM: 2}.get(self, 1)


class FeedbackStatus(LabelledEnum):
    """new: not triaged yet; linked: supports one or more requirements; archived: set aside."""

    NEW = "new"
    LINKED = "linked"
    ARCHIVED = "archived"


class DealOutcome(LabelledEnum):
    WON = "won"
    LOST = "lost"
    NO_DECISION = "no_decision"


class LimitationKind(LabelledEnum):
    """What the product does not do (a limitation) or does wrong for now (a known issue)."""

    LIMITATION = "limitation"
    KNOWN_ISSUE = "known_issue"


class LimitationStatus(LabelledEnum):
    OPEN = "open"
    FIX_PLANNED = "fix_planned"
    RESOLVED = "resolved"


# -- threat score ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreatCriterion:
    key: str
    label: str
    weight: float  # the criteria's weights add up to 1
    question: str  # what a score of 5 means


THREAT_CRITERIA: tuple[ThreatCriterion, ...] = (
    ThreatCriterion(
        "market_overlap", "Market overlap", 0.35, "they sell to the very customers we sell to"
    ),
    ThreatCriterion(
        "product_strength", "Product strength", 0.25, "their product matches or beats ours"
    ),
    ThreatCriterion("momentum", "Momentum", 0.20, "they grow fast, ship often, raise money"),
    ThreatCriterion("price_pressure", "Price pressure", 0.20, "they undercut our prices"),
)
CRITERION_KEYS: tuple[str, ...] = tuple(c.key for c in THREAT_CRITERIA)
_CRITERIA = {c.key: c for c in THREAT_CRITERIA}


class ThreatLevel(LabelledEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# A score below the first bound is low, below the second medium, else high.
THREAT_BOUNDS = (34.0, 67.0)


@dataclass(frozen=True)
class ThreatPart:
    """One criterion's share of a threat score: score/5 × weight × 100 points."""

    key: str
    label: str
    score: int
    weight: float

    @property
    def points(self) -> float:
        return self.score / SCORE_MAX * self.weight * 100.0


@dataclass(frozen=True)
class ThreatScore:
    """A competitor's threat, 0 to 100, as the sum of its criteria's parts."""

    parts: tuple[ThreatPart, ...]

    @property
    def value(self) -> float:
        return sum(part.points for part in self.parts)

    @property
    def level(self) -> ThreatLevel:
        low, high = THREAT_BOUNDS
        # Rounded as shown, so a score printed as 67 never reads "medium".
        shown = round(self.value, 1)
        return (
            ThreatLevel.LOW
            if shown < low
            else ThreatLevel.MEDIUM
            if shown < high
            else (ThreatLevel.HIGH)
        )

    def explain(self) -> str:
        terms = " + ".join(f"{p.label} {p.score}/5 × {p.weight:.0%}" for p in self.parts)
        return f"{terms} = {_number(self.value)} of 100 ({self.level.label.lower()})"


def check_criterion_score(key: str, value: object) -> int:
    """``value`` as a whole score 0..5 for criterion ``key``; ValidationError otherwise."""
    criterion = _CRITERIA.get(key)
    if criterion is None:
        raise ValidationError(key, f"is not a threat criterion ({', '.join(CRITERION_KEYS)})")
    if isinstance(value, bool):
        raise ValidationError(key, f"{value!r} is not a score from 0 to {SCORE_MAX}")
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError(key, f"{str(value)[:40]!r} is not a score from 0 to 5") from None
    if number != int(number) or not 0 <= number <= SCORE_MAX:
        raise ValidationError(key, f"{value} is not a whole score from 0 to {SCORE_MAX}")
    return int(number)


def threat_score(scores: Mapping[str, object]) -> ThreatScore:
    """The threat score of criteria scores by key (a criterion not given scores 0).

    An unknown criterion or a score outside 0..5 is refused (ValidationError).
    """
    for key in scores:
        if key not in _CRITERIA:
            raise ValidationError(key, f"is not a threat criterion ({', '.join(CRITERION_KEYS)})")
    return ThreatScore(
        tuple(
            ThreatPart(c.key, c.label, check_criterion_score(c.key, scores.get(c.key, 0)), c.weight)
            for c in THREAT_CRITERIA
        )
    )


def threat_parts(score: ThreatScore) -> list[tuple[str, str]]:
    """(criterion, its part) in reading order, ending with the score: shown beside the inputs."""
    rows = [
        (p.label, f"{p.score}/5 × {p.weight:.0%} = {_number(p.points)} points") for p in score.parts
    ]
    rows.append(("Threat score", f"= {_number(score.value)} of 100 ({score.level.label})"))
    return rows


def _number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


# -- comparison matrix ---------------------------------------------------------------------


def is_stale(checked_on: dt.date | None, today: dt.date, max_age_days: int = STALE_DAYS) -> bool:
    """True when a cell was checked more than ``max_age_days`` before ``today``, or never."""
    if max_age_days < 0:
        raise ValidationError("max_age_days", "cannot be negative")
    if checked_on is None:
        return True
    return (today - checked_on).days > max_age_days


def coverage(levels: Iterable[CellLevel]) -> float | None:
    """The share (0..1) of capabilities covered, partial counting half; unknown cells are
    left out; None when no cell is known."""
    known = [c for level in levels if (c := CellLevel(level).coverage) is not None]
    return sum(known) / len(known) if known else None


# -- signals ---------------------------------------------------------------------------------


def parse_tags(text: str | Iterable[str]) -> tuple[str, ...]:
    """Tags from "a, b; c" or a list: trimmed, blanks dropped, each once (first spelling kept,
    compared without case), in the order given."""
    parts = text.replace(";", ",").split(",") if isinstance(text, str) else list(text)
    seen: dict[str, str] = {}
    for part in parts:
        tag = " ".join(str(part).split())
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


# -- demand behind a requirement --------------------------------------------------------------


@dataclass(frozen=True)
class DemandItem:
    """One voice behind a requirement: a feedback item, or a customer named on the requirement."""

    customer: str
    revenue: Decimal | None = None
    quote: str = ""
    importance: Importance = Importance.MEDIUM
    date: dt.date | None = None
    feedback_id: int | None = None  # None for a customer named on the requirement itself
    segment: str = ""


@dataclass(frozen=True)
class Demand:
    """How many customers and how much revenue stand behind a requirement, and their words."""

    customers: int
    revenue: Decimal
    quotes: tuple[DemandItem, ...]  # the strongest first
    items: int  # feedback items and named customers counted, anonymous ones included

    @property
    def rice_reach(self) -> int:
        """A RICE reach taken from demand: the customers behind the requirement (shown as such)."""
        return self.customers


def customer_key(name: str) -> str:
    """The name a customer is counted by: case and spacing folded ("ACME  ltd" = "Acme Ltd")."""
    return " ".join(name.casefold().split())


def demand(items: Iterable[DemandItem], quotes: int = QUOTES_SHOWN) -> Demand:
    """Customers counted once, revenue once per customer (at its largest figure: two
    contacts of one customer do not double it), and the ``quotes`` strongest quotes by
    importance, then the newest first. An item without a customer counts as nobody's.
    """
    items = list(items)
    best: dict[str, Decimal] = {}
    for item in items:
        key = customer_key(item.customer)
        if key:
            best[key] = max(best.get(key, Decimal(0)), item.revenue or Decimal(0))
    said = [item for item in items if item.quote.strip()]
    said.sort(
        key=lambda i: (-i.importance.rank, -(i.date or dt.date.min).toordinal(), i.feedback_id or 0)
    )
    return Demand(
        len(best), sum(best.values(), Decimal(0)), tuple(said[: max(quotes, 0)]), len(items)
    )


# -- win/loss ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DealRecord:
    competitor_id: int
    outcome: DealOutcome
    reason: str = ""
    value: Decimal | None = None


@dataclass(frozen=True)
class WinLossSummary:
    competitor_id: int
    won: int = 0
    lost: int = 0
    no_decision: int = 0
    value_won: Decimal = Decimal(0)
    value_lost: Decimal = Decimal(0)
    top_reasons: tuple[tuple[str, int], ...] = field(default=())  # (reason, deals), most first
    win_reasons: tuple[tuple[str, int], ...] = field(default=())  # of the deals won only
    loss_reasons: tuple[tuple[str, int], ...] = field(default=())  # of the deals lost only

    @property
    def deals(self) -> int:
        return self.won + self.lost + self.no_decision

    @property
    def win_rate(self) -> float | None:
        """Won ÷ (won + lost); deals without a decision are left out. None without any."""
        decided = self.won + self.lost
        return self.won / decided if decided else None


def win_loss_summary(records: Iterable[DealRecord], top: int = 3) -> dict[int, WinLossSummary]:
    """Per competitor: won, lost and undecided deals, the values, the win rate and the
    ``top`` most given reasons (compared without case; the first spelling is shown)."""
    grouped: dict[int, list[DealRecord]] = {}
    for record in records:
        grouped.setdefault(record.competitor_id, []).append(record)
    result = {}
    for competitor_id, rows in grouped.items():
        result[competitor_id] = WinLossSummary(
            competitor_id,
            won=sum(r.outcome is DealOutcome.WON for r in rows),
            lost=sum(r.outcome is DealOutcome.LOST for r in rows),
            no_decision=sum(r.outcome is DealOutcome.NO_DECISION for r in rows),
            value_won=sum(
                (r.value or Decimal(0) for r in rows if r.outcome is DealOutcome.WON), Decimal(0)
            ),
            value_lost=sum(
                (r.value or Decimal(0) for r in rows if r.outcome is DealOutcome.LOST), Decimal(0)
            ),
            top_reasons=_top_reasons(rows, top),
            win_reasons=_top_reasons([r for r in rows if r.outcome is DealOutcome.WON], top),
            loss_reasons=_top_reasons([r for r in rows if r.outcome is DealOutcome.LOST], top),
        )
    return result


def _top_reasons(rows: Sequence[DealRecord], top: int) -> tuple[tuple[str, int], ...]:
    """The ``top`` reasons given most, ties by name; compared without case or extra spaces,
    shown as first written."""
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for row in rows:
        reason = " ".join(row.reason.split())
        if reason:
            spelling.setdefault(reason.casefold(), reason)
            counts[reason.casefold()] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: max(top, 0)]
    return tuple((spelling[key], n) for key, n in ranked)


# -- positioning chart ----------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    key: str
    label: str
    low: float
    high: float


# The numbers a positioning chart can put on an axis: price as a % of ours (our product is
# 100 by definition), capability coverage from the comparison matrix (0..100 %), the threat
# score (0..100) and every threat criterion (0..5). ``high`` is where the axis ends unless
# a point lies beyond it.
OUR_PRICE_INDEX = 100.0
AXES: tuple[Axis, ...] = (
    Axis("price_index", "Price (% of ours)", 0.0, 2 * OUR_PRICE_INDEX),
    Axis("capability", "Capability coverage (%)", 0.0, 100.0),
    Axis("threat", "Threat score", 0.0, 100.0),
    *(Axis(c.key, c.label, 0.0, float(SCORE_MAX)) for c in THREAT_CRITERIA),
)
AXIS_KEYS: tuple[str, ...] = tuple(a.key for a in AXES)


def axis(key: str) -> Axis:
    for candidate in AXES:
        if candidate.key == key:
            return candidate
    raise ValidationError("axis", f"{key!r} is not one of {', '.join(AXIS_KEYS)}")


@dataclass(frozen=True)
class PositionEntry:
    """A competitor or our product with the values it has on the axes (see AXES)."""

    label: str
    values: Mapping[str, float]
    market_share: Decimal | None = None
    ours: bool = False
    competitor_id: int | None = None


@dataclass(frozen=True)
class PositionPoint:
    label: str
    x: float
    y: float
    bubble: Decimal | None  # market share 0..1; None draws the smallest bubble
    ours: bool = False
    competitor_id: int | None = None


def positioning(
    entries: Sequence[PositionEntry], x_axis: str, y_axis: str
) -> tuple[list[PositionPoint], list[str]]:
    """(points on the two axes, labels of entries left out for want of a value on one)."""
    x, y = axis(x_axis), axis(y_axis)
    points, left_out = [], []
    for entry in entries:
        vx, vy = entry.values.get(x.key), entry.values.get(y.key)
        if vx is None or vy is None:
            left_out.append(entry.label)
            continue
        points.append(
            PositionPoint(entry.label, vx, vy, entry.market_share, entry.ours, entry.competitor_id)
        )
    return points, left_out


def our_axis_values(levels: Iterable[CellLevel] = ()) -> dict[str, float]:
    """Our product's values: its price (100 % of itself) and capability coverage if known."""
    values = {"price_index": OUR_PRICE_INDEX}
    share = coverage(levels)
    if share is not None:
        values["capability"] = share * 100.0
    return values


def competitor_axis_values(
    scores: Mapping[str, int], levels: Iterable[CellLevel] = (), price_index: int | None = None
) -> dict[str, float]:
    """A competitor's values on every axis it has: criteria, threat, capability coverage
    (when a cell is known) and price (when its price index is known)."""
    values: dict[str, float] = {key: float(scores.get(key, 0)) for key in CRITERION_KEYS}
    if price_index is not None:
        values["price_index"] = float(price_index)
    values["threat"] = threat_score(scores).value
    share = coverage(levels)
    if share is not None:
        values["capability"] = share * 100.0
    return values


def check_share(value: Decimal | None) -> Decimal | None:
    """A market share as a fraction 0..1 (None: not known); ValidationError outside."""
    if value is not None and not Decimal(0) <= value <= Decimal(1):
        raise ValidationError("market_share", f"{value} is outside 0 to 1 (0 % to 100 %)")
    return value
