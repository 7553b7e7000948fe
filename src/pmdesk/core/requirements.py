"""User stories, and spotting a requirement that may already exist."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_STORY = re.compile(
    r"^\s*as an?\s+(?P<role>.+?)\s*,?\s+i want\s+(?P<goal>.+?)"
    r"(?:\s*,?\s+so that\s+(?P<benefit>.+?))?\s*\.?\s*$",
    re.IGNORECASE | re.DOTALL,
)


def user_story(role: str, goal: str, benefit: str) -> str:
    """'As a <role> I want <goal> so that <benefit>.'; parts left empty are skipped."""
    role, goal, benefit = (part.strip().rstrip(".") for part in (role, goal, benefit))
    if not (role or goal):
        return benefit and f"So that {benefit}."
    article = "an" if role[:1].lower() in "aeiou" and role else "a"
    text = f"As {article} {role}" if role else "As a user"
    text += f", I want {goal}" if goal else ""
    text += f" so that {benefit}" if benefit else ""
    return text + "."


def parse_user_story(text: str) -> tuple[str, str, str] | None:
    """The (role, goal, benefit) of a sentence in the story form, or None."""
    match = _STORY.match(text)
    if not match:
        return None
    return match["role"].strip(), match["goal"].strip(), (match["benefit"] or "").strip()


def _normalise(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def similar_titles(
    title: str, existing: Iterable[tuple[int, str]], threshold: float = 0.75, limit: int = 3
) -> list[tuple[int, str, float]]:
    """Existing (id, title) pairs close to ``title``: possible duplicates, best first."""
    wanted = _normalise(title)
    if len(wanted) < 4:
        return []
    scored = []
    for entity_id, other in existing:
        ratio = difflib.SequenceMatcher(None, wanted, _normalise(other)).ratio()
        if ratio >= threshold:
            scored.append((entity_id, other, ratio))
    return sorted(scored, key=lambda s: -s[2])[:limit]


GHERKIN_TEMPLATE = "Given … when … then …"
_GHERKIN = re.compile(r"^\s*given\b.+\bwhen\b.+\bthen\b.+", re.IGNORECASE | re.DOTALL)


def is_gherkin(criterion: str) -> bool:
    """Whether an acceptance criterion reads as Given/When/Then (shown with a mark, not forced)."""
    return bool(_GHERKIN.match(criterion))


def clean_criteria(criteria: Iterable[object]) -> list[str]:
    """Criteria as stored: text only, trimmed, blanks dropped, order kept."""
    return [text for item in criteria if (text := str(item).strip())]


def revenue_at_stake(customers: Iterable[tuple[str, float]]) -> tuple[int, float]:
    """(distinct customers, revenue added up) of (customer, revenue) pairs.

    A customer named twice (two contacts) counts once and their revenue once, at
    the larger figure, so one loud customer cannot double their own weight.
    """
    best: dict[str, float] = {}
    for name, revenue in customers:
        key = " ".join(name.casefold().split())
        if key:
            best[key] = max(best.get(key, 0.0), float(revenue or 0.0))
    return len(best), sum(best.values())
