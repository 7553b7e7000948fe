"""RICE scoring, with every factor's part visible so nobody has to trust a black box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .errors import ValidationError
from .wording import plural

RICE_IMPACT_SCALE: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 3.0)
RICE_IMPACT_LABELS = {0.25: "minimal", 0.5: "low", 1.0: "medium", 2.0: "high", 3.0: "massive"}


@dataclass(frozen=True)
class RiceScore:
    reach: float
    impact: float
    confidence: float  # percent
    effort: float  # person-months

    @property
    def value(self) -> float:
        """Reach x impact x confidence: what the requirement is worth per quarter."""
        return self.reach * self.impact * (self.confidence / 100.0)

    @property
    def score(self) -> float:
        return self.value / self.effort

    def explain(self) -> str:
        return (
            f"{self.reach:g} reach × {self.impact:g} impact × {self.confidence:g}% confidence"
            f" ÷ {plural(self.effort, 'person-month')} = {self.score:.1f}"
        )


def rice(reach: float, impact: float, confidence: float, effort: float) -> RiceScore:
    if effort <= 0:
        raise ValidationError("effort", "must be more than zero person-months (RICE divides by it)")
    if reach < 0:
        raise ValidationError("reach", "cannot be negative")
    if impact not in RICE_IMPACT_SCALE:
        raise ValidationError("impact", f"{impact:g} is not on the scale 0.25, 0.5, 1, 2, 3")
    if not 0 <= confidence <= 100:
        raise ValidationError("confidence", f"{confidence:g}% is outside 0 to 100%")
    return RiceScore(reach, impact, confidence, effort)


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def rice_parts(score: RiceScore) -> list[tuple[str, str]]:
    """(factor, its part) in reading order, ending with the value and the score.

    Shown beside the inputs so a person sees how each factor moves the result.
    """
    label = RICE_IMPACT_LABELS.get(score.impact, "")
    return [
        ("Reach", f"{_number(score.reach)} per quarter"),
        ("Impact", f"× {score.impact:g}" + (f" ({label})" if label else "")),
        ("Confidence", f"× {score.confidence:g}%"),
        ("Value", f"= {_number(score.value)}"),
        ("Effort", f"÷ {plural(score.effort, 'person-month')}"),
        ("RICE score", f"= {_number(score.score)}"),
    ]


def rice_or_none(reach: float, impact: float, confidence: float, effort: float) -> RiceScore | None:
    """The score of stored values, or None when they cannot be scored (for read-only displays)."""
    try:
        return rice(reach, impact, confidence, effort)
    except ValidationError:
        return None


# Value-versus-effort quadrants: (high value?, high effort?) -> label.
QUADRANTS: dict[tuple[bool, bool], str] = {
    (True, False): "Quick wins",
    (True, True): "Big bets",
    (False, False): "Fill-ins",
    (False, True): "Time sinks",
}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def quadrant_splits(points: list[tuple[float, float]]) -> tuple[float, float]:
    """(value split, effort split) for (value, effort) points: the medians, so the
    quadrants divide this product's own backlog rather than an arbitrary scale."""
    if not points:
        return 0.0, 0.0
    return _median([v for v, _ in points]), _median([e for _, e in points])


def quadrant(value: float, effort: float, splits: tuple[float, float]) -> str:
    """The quadrant label of one point; on a split line it counts as high value, low effort."""
    value_split, effort_split = splits
    return QUADRANTS[(value >= value_split, effort > effort_split)]


def rank_by_rice[T](
    scored: Sequence[tuple[T, RiceScore | None]],
) -> list[tuple[T, RiceScore | None]]:
    """(row, score) pairs in the Requirements view's "RICE score" order.

    Highest score first; equal scores keep the order given, and rows that cannot be
    scored (no effort) come last in that order. The view re-sorts what it shows, by
    MoSCoW priority when it opens: give the rows in that order to rank as it does.
    """
    filled = [pair for pair in scored if pair[1] is not None]
    blanks = [pair for pair in scored if pair[1] is None]
    filled.sort(key=lambda pair: pair[1].score if pair[1] is not None else 0.0, reverse=True)
    return filled + blanks
