"""Dot voting, as pure rules: budgets per participant, whose turn it is, tallies and ranking.

A round gives every participant the same number of dots. Named rounds keep
each dot's voter; anonymous "pass the keyboard" rounds number the voters in
turn ("Voter 1", "Voter 2", ...), the next one starting when the previous one
has used all their dots.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeVar

from .errors import ValidationError

T = TypeVar("T", bound=Hashable)

ANONYMOUS_PREFIX = "Voter"


def anonymous_voter(number: int) -> str:
    return f"{ANONYMOUS_PREFIX} {number}"


def dots_used(placed_by: Iterable[str], participant: str) -> int:
    return sum(1 for voter in placed_by if voter == participant)


def dots_left(dots_per_participant: int, placed_by: Iterable[str], participant: str) -> int:
    return max(0, dots_per_participant - dots_used(placed_by, participant))


def current_voter(
    participants: Sequence[str], dots_per_participant: int, placed_by: Sequence[str]
) -> str | None:
    """Whose turn it is: the first named participant with dots left (None when all are used).

    Anonymous rounds never run out: the keyboard passes to the next voter.
    """
    if dots_per_participant < 1:
        raise ValidationError("dots per participant", "must be at least 1")
    if not participants:
        return anonymous_voter(len(placed_by) // dots_per_participant + 1)
    for name in participants:
        if dots_left(dots_per_participant, placed_by, name) > 0:
            return name
    return None


def check_dot(
    participants: Sequence[str], dots_per_participant: int, placed_by: Sequence[str], voter: str
) -> None:
    """Refuse a dot from someone not in the round or with no dots left."""
    if participants and voter not in participants:
        raise ValidationError("participant", f"“{voter}” is not taking part in this round")
    if not voter.strip():
        raise ValidationError("participant", "a dot needs a voter")
    if dots_left(dots_per_participant, placed_by, voter) == 0:
        raise ValidationError("dots", f"{voter} has used all {dots_per_participant} dots")


def tally[T: Hashable](targets: Iterable[T]) -> dict[T, int]:
    """Dots per target (a note or requirement id), in the order first voted."""
    return dict(Counter(targets))


def ranked[T: Hashable](order: Sequence[T], tallies: dict[T, int]) -> list[T]:
    """``order`` sorted by votes, most first; ties keep their original order."""
    position = {target: index for index, target in enumerate(order)}
    return sorted(order, key=lambda target: (-tallies.get(target, 0), position[target]))


def parse_participants(text: str) -> list[str]:
    """Names typed as "Ana, Ben; Chloé" (commas, semicolons or lines); duplicates dropped."""
    names: list[str] = []
    for part in text.replace(";", ",").replace("\n", ",").split(","):
        name = " ".join(part.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names
