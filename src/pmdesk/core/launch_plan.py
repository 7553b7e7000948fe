"""Launch-plan rules shared by the screen and the PDF: positioning, due dates, readiness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .enums import LaunchFunction, TaskStatus

POSITIONING_PARTS = ("target", "need", "category", "benefit", "alternative", "differentiator")


def positioning_statement(
    product: str,
    target: str = "",
    need: str = "",
    category: str = "",
    benefit: str = "",
    alternative: str = "",
    differentiator: str = "",
) -> str:
    """Geoffrey Moore's template; an empty part shows as its [placeholder] so gaps are visible."""

    def part(value: str, name: str) -> str:
        value = value.strip().rstrip(".")
        return value if value else f"[{name}]"

    first = (
        f"For {part(target, 'target')} who {part(need, 'need')}, {part(product, 'product')}"
        f" is {_a(part(category, 'category'))} that {part(benefit, 'benefit')}."
    )
    second = (
        f"Unlike {part(alternative, 'alternative')}, it {part(differentiator, 'differentiator')}."
    )
    return f"{first} {second}"


def _a(noun: str) -> str:
    if noun.startswith("[") or noun.lower().startswith(("a ", "an ", "the ")):
        return f"a {noun}" if noun.startswith("[") else noun
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"


def offset_label(days: int) -> str:
    """Days relative to the launch the way launch teams write them: L−30, L-day, L+7."""
    if days == 0:
        return "L-day"
    return f"L{'−' if days < 0 else '+'}{abs(days)}"


def due_date(
    absolute: dt.date | None, offset_days: int | None, launch_date: dt.date | None
) -> dt.date | None:
    """A task's due date: relative to the launch when it has an offset, else its own date."""
    if offset_days is not None and launch_date is not None:
        return launch_date + dt.timedelta(days=offset_days)
    return absolute


def readiness(statuses: Iterable[TaskStatus]) -> float | None:
    """Percent of tasks done, not counting those that do not apply; None with nothing to count."""
    counted = done = 0
    for status in statuses:
        if status == TaskStatus.NOT_APPLICABLE:
            continue
        counted += 1
        done += status == TaskStatus.DONE
    return None if counted == 0 else 100.0 * done / counted


def readiness_by_function(
    tasks: Iterable[tuple[LaunchFunction, TaskStatus]],
) -> dict[LaunchFunction, float | None]:
    """Readiness per function, in the order of LaunchFunction, for functions that have tasks."""
    grouped: dict[LaunchFunction, list[TaskStatus]] = {}
    for function, status in tasks:
        grouped.setdefault(LaunchFunction(function), []).append(status)
    return {f: readiness(grouped[f]) for f in LaunchFunction if f in grouped}
