"""Stakeholder communication plans and RACI rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

from .enums import ContactFrequency, RaciRole

UPCOMING_DAYS = 14


def next_contact_after(done_on: dt.date, frequency: ContactFrequency) -> dt.date | None:
    """Marking a contact done sets the next one from the frequency ("as needed": none)."""
    days = frequency.days
    return None if days is None else done_on + dt.timedelta(days=days)


@dataclass(frozen=True)
class Agenda:
    overdue: list[tuple[int, dt.date]]
    upcoming: list[tuple[int, dt.date]]


def contact_agenda(
    next_contacts: Iterable[tuple[int, dt.date | None]], today: dt.date, days: int = UPCOMING_DAYS
) -> Agenda:
    """Overdue contacts (before today) and upcoming ones (today .. today + days), by date."""
    overdue, upcoming = [], []
    horizon = today + dt.timedelta(days=days)
    for stakeholder_id, when in next_contacts:
        if when is None:
            continue
        if when < today:
            overdue.append((stakeholder_id, when))
        elif when <= horizon:
            upcoming.append((stakeholder_id, when))
    key = lambda pair: (pair[1], pair[0])  # noqa: E731
    return Agenda(sorted(overdue, key=key), sorted(upcoming, key=key))


def due_status(when: dt.date | None, today: dt.date, days: int = UPCOMING_DAYS) -> str | None:
    """ "overdue" before today, "due" from today to ``days`` ahead, else None (the agenda's rule)."""
    if when is None:
        return None
    if when < today:
        return "overdue"
    return "due" if when <= today + dt.timedelta(days=days) else None


@dataclass(frozen=True)
class RaciProblem:
    activity: Hashable
    problem: str


def raci_problems(assignments: Iterable[tuple[Hashable, RaciRole]]) -> list[RaciProblem]:
    """Exactly one Accountable per activity; an activity without a Responsible is flagged."""
    roles: dict[Hashable, list[RaciRole]] = defaultdict(list)
    for activity, role in assignments:
        roles[activity].append(role)
    problems = []
    for activity, given in roles.items():
        accountable = given.count(RaciRole.ACCOUNTABLE)
        if accountable == 0:
            problems.append(RaciProblem(activity, "no one is Accountable"))
        elif accountable > 1:
            problems.append(
                RaciProblem(activity, f"{accountable} people are Accountable; keep one")
            )
        if RaciRole.RESPONSIBLE not in given:
            problems.append(RaciProblem(activity, "no one is Responsible"))
    return problems


def assign_role[K: Hashable](
    row: Mapping[K, RaciRole], person: K, role: RaciRole | None
) -> dict[K, RaciRole]:
    """One activity's roles after giving ``person`` ``role`` (None clears their cell).

    A row has at most one Accountable: giving A to someone takes it from whoever
    held it (their cell empties), so the rule holds after every single edit.
    """
    result = dict(row)
    if role is None:
        result.pop(person, None)
        return result
    if role is RaciRole.ACCOUNTABLE:
        for other, held in row.items():
            if held is RaciRole.ACCOUNTABLE and other != person:
                del result[other]
    result[person] = role
    return result
