"""Launch readiness, and due dates relative to the launch ("L−30")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .enums import LaunchFunction, TaskStatus
from .errors import ValidationError

_RELATIVE = re.compile(r"^\s*L\s*([+\-−–]\s*\d+)?\s*$", re.IGNORECASE)


def relative_label(offset_days: int) -> str:
    """-30 -> "L−30", 0 -> "L", 14 -> "L+14" (with a true minus sign)."""
    if offset_days == 0:
        return "L"
    return f"L{'+' if offset_days > 0 else '−'}{abs(offset_days)}"


def parse_due(text: str, launch_date: dt.date) -> tuple[dt.date, int | None]:
    """A typed due date: "L-30" / "L−30" / "L+7" / "L" (relative) or an ISO date (absolute).

    Returns (due date, offset or None for an absolute date).
    """
    match = _RELATIVE.match(text)
    if match:
        raw = (match.group(1) or "0").replace(" ", "").replace("−", "-").replace("–", "-")
        offset = int(raw)
        return launch_date + dt.timedelta(days=offset), offset
    try:
        return dt.date.fromisoformat(text.strip()), None
    except ValueError:
        raise ValidationError(
            "due date", f"{text!r} is neither a date (YYYY-MM-DD) nor relative to launch (L−30)"
        ) from None


@dataclass(frozen=True)
class TaskFacts:
    function: LaunchFunction
    status: TaskStatus
    due: dt.date | None


@dataclass(frozen=True)
class Readiness:
    done: int
    counted: int  # tasks that count: all but "not applicable"

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.counted if self.counted else 100.0


def readiness(tasks: Iterable[TaskFacts]) -> tuple[Readiness, dict[LaunchFunction, Readiness]]:
    """Share of tasks done, overall and per function; "not applicable" tasks do not count."""
    totals: dict[LaunchFunction, list[int]] = {}
    for task in tasks:
        if task.status is TaskStatus.NOT_APPLICABLE:
            continue
        done_counted = totals.setdefault(task.function, [0, 0])
        done_counted[0] += task.status is TaskStatus.DONE
        done_counted[1] += 1
    per_function = {f: Readiness(d, c) for f, (d, c) in totals.items()}
    overall = Readiness(
        sum(r.done for r in per_function.values()), sum(r.counted for r in per_function.values())
    )
    return overall, per_function


def is_overdue(task: TaskFacts, today: dt.date) -> bool:
    open_task = task.status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
    return open_task and task.due is not None and task.due < today


def launch_passed_with_open_tasks(
    launch_date: dt.date, tasks: Iterable[TaskFacts], today: dt.date
) -> bool:
    open_tasks = any(t.status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE) for t in tasks)
    return launch_date < today and open_tasks


def resolve_due(
    absolute: dt.date | None, offset_days: int | None, launch_date: dt.date | None
) -> dt.date | None:
    """A task's due date: relative to the launch when it has an offset, else its own date."""
    if offset_days is not None and launch_date is not None:
        return launch_date + dt.timedelta(days=offset_days)
    return absolute


def due_text(due: dt.date | None, offset_days: int | None) -> str:
    """How a due date reads in the checklist: "2025-03-01 (L−30)", or the date alone."""
    if due is None:
        return relative_label(offset_days) if offset_days is not None else ""
    if offset_days is None:
        return due.isoformat()
    return f"{due.isoformat()} ({relative_label(offset_days)})"
