"""How values read to a person: numbers, days and spans of them, keys, user-story sentences.

Kept out of the GUI so the PDFs and exports word things exactly as the screen does.
"""

from __future__ import annotations

import datetime as dt
import math

# Words a key may contain that read as acronyms, not as sentence-case words.
_ACRONYMS = {"kpi": "KPI", "kpis": "KPIs", "ux": "UX", "ui": "UI", "api": "API", "roi": "ROI"}


def humanise_key(key: str) -> str:
    """``"goals_kpis"`` -> ``"Goals KPIs"``: a stored key shown when no better label is known."""
    words = [w for w in key.replace("-", "_").split("_") if w]
    if not words:
        return ""
    out = [_ACRONYMS.get(w.lower(), w.lower()) for w in words]
    first = out[0]
    out[0] = first if first in _ACRONYMS.values() else first.capitalize()
    return " ".join(out)


def format_number(value: float, decimals: int = 2) -> str:
    """Thousands separated, at most ``decimals`` places, no trailing zeros: 1,200 / 0.25 / 3.5."""
    if math.isnan(value):
        return ""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def noun(count: float, singular: str, many: str | None = None) -> str:
    """The form of ``singular`` that agrees with ``count``: "requirement" for 1, else plural.

    ``many`` is the plural when adding "s" is wrong ("activities"); a compound such
    as "person-month" takes the "s" at its end.
    """
    if abs(count) == 1:
        return singular
    if many is not None:
        return many
    if singular.endswith("y") and singular[-2:-1] not in tuple("aeiou"):
        return singular[:-1] + "ies"
    return singular + ("es" if singular.endswith(("s", "x", "ch", "sh")) else "s")


def plural(count: float, singular: str, many: str | None = None) -> str:
    """``count`` and its noun agreeing: "1 requirement", "3 requirements", "0.5 person-months".

    The one way every count is worded on screen and on paper, so no "1 requirements".
    """
    figure = f"{count:,}" if isinstance(count, int) else format_number(count)
    return f"{figure} {noun(count, singular, many)}"


def short_date(day: dt.date | None, missing: str = "") -> str:
    """7 Dec 2026: a day as the screen, the documents, the decks and the history write it,
    unambiguous in every country; ``missing`` for no day."""
    return f"{day.day} {day:%b %Y}" if day is not None else missing


def dated(day: dt.date | None, what: str) -> str:
    """6 Mar 2027 · Vega 3.5 GA: something due on a day (a product's next milestone), the day
    first, so a cell too narrow for the whole still shows when."""
    return f"{short_date(day)} · {what}" if day is not None else what


def short_moment(at: dt.datetime) -> str:
    """7 Dec 2026 14:05: a moment (a snapshot's, a vote's) as the screen writes it; the
    caller says which clock (UTC, or local)."""
    return f"{short_date(at)} {at:%H:%M}"


def long_date(day: dt.date) -> str:
    """7 December 2026: a document's own dates (its date, a launch's), in full."""
    return f"{day.day} {day:%B %Y}"


def describe_days(days: int) -> str:
    """A span of days as a person says it: "today", "12 days", "5 weeks", "1 year 3 months"."""
    if days <= 0:
        return "today" if days == 0 else f"{plural(-days, 'day')} ago"
    if days < 14:
        return plural(days, "day")
    if days < 61:
        return plural(round(days / 7), "week")
    months = round(days / 30.44)
    if months < 12:
        return plural(months, "month")
    years, rest = divmod(months, 12)
    return plural(years, "year") + (f" {plural(rest, 'month')}" if rest else "")


def _article(role: str) -> str:
    lowered = role.lower()
    if lowered.startswith(("a ", "an ", "the ", "my ", "our ")):
        return "As"
    return "As an" if lowered[:1] in "aeiou" else "As a"


def story_sentence(role: str, goal: str, benefit: str) -> str:
    """ "As a <role>, I want <goal> so that <benefit>." from whichever parts are filled in."""
    role, goal, benefit = role.strip(), goal.strip(), benefit.strip()
    if not (role or goal or benefit):
        return ""
    parts = []
    if role:
        parts.append(f"{_article(role)} {role},")
    parts.append(f"I want {goal}" if goal else "I want …")
    if benefit:
        parts.append(f"so that {benefit.rstrip('.')}")
    sentence = " ".join(parts)
    if not role:
        sentence = sentence[0].upper() + sentence[1:]
    return sentence.rstrip(".") + "."
