"""RICE scoring, with every factor's part visible so nobody has to trust a black box."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ValidationError

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
            f" ÷ {self.effort:g} person-months = {self.score:.1f}"
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
