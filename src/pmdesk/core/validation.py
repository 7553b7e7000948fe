"""Rules an entity must satisfy before it reaches the file, per table, as pure functions.

Each rule takes the entity's complete field values (after the edit) and raises
ValidationError naming the field and the reason; it may also normalise values
in place (a milestone ends the day it starts). The store runs them on every
create and update; CHECK constraints in the database are the second line.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

from .enums import ItemKind
from .errors import ValidationError
from .scoring import RICE_IMPACT_SCALE

Fields = dict[str, Any]
Rule = Callable[[Fields], None]

# The one rule for every date and number pmdesk accepts — typed, pasted, imported or read
# from a file (store/file_values.py checks files with these same bounds). Within them every
# screen, PDF, calendar and plan file can draw, print and compute (a date ± the longest
# lag stays a date). MS Project itself keeps to 1984-2149.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
NUMBER_MAX = 1e12  # amounts up to a trillion, in any currency
WHOLE_MAX = 1_000_000_000
DAYS_MAX = 36_500  # a lag or a launch-relative due date: within a hundred years


def check_bounds(label: str, value: Any) -> None:
    """Refuse a date, number or whole number outside what pmdesk can show and print."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        if not DATE_MIN <= value <= DATE_MAX:
            raise ValidationError(
                label,
                f"{value.isoformat()} is outside the years {DATE_MIN.year} to {DATE_MAX.year}",
            )
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if abs(value) > WHOLE_MAX:
            raise ValidationError(label, f"{value:,} is beyond ±{WHOLE_MAX:,}")
    elif isinstance(value, float) and not (math.isfinite(value) and abs(value) <= NUMBER_MAX):
        raise ValidationError(label, f"{value:g} is beyond ±{NUMBER_MAX:,.0f}")


def require_text(fields: Fields, name: str, label: str | None = None) -> None:
    value = fields.get(name)
    if value is None or not str(value).strip():
        raise ValidationError(label or name, "cannot be empty")


def check_range(
    fields: Fields, name: str, low: float, high: float, label: str | None = None
) -> None:
    value = fields.get(name)
    if value is not None and not low <= value <= high:
        raise ValidationError(label or name, f"{value:g} is outside {low:g} to {high:g}")


def check_date_order(
    fields: Fields,
    start: str,
    end: str,
    start_label: str = "start date",
    end_label: str = "end date",
) -> None:
    first: dt.date | None = fields.get(start)
    last: dt.date | None = fields.get(end)
    if first is not None and last is not None and last < first:
        raise ValidationError(
            end_label, f"{last.isoformat()} is before the {start_label} {first.isoformat()}"
        )


def _product(f: Fields) -> None:
    require_text(f, "name")


def _item(f: Fields) -> None:
    require_text(f, "name")
    if f.get("kind") == ItemKind.MILESTONE and f.get("start_date") is not None:
        f["end_date"] = f["start_date"]
    check_date_order(f, "start_date", "end_date")
    check_range(f, "progress", 0, 100)


def _lane(f: Fields) -> None:
    require_text(f, "name")


def _dependency(f: Fields) -> None:
    if f.get("predecessor_id") == f.get("successor_id"):
        raise ValidationError("successor", "an item cannot depend on itself")
    check_range(f, "lag_days", -DAYS_MAX, DAYS_MAX, "lag")


def _calendar(f: Fields) -> None:
    from .working_calendar import check_calendar  # loaded when a calendar is first checked

    require_text(f, "name")
    weekdays, start, end, per_day = (
        f.get(k) for k in ("weekdays", "day_start", "day_end", "minutes_per_day")
    )
    if weekdays is not None and start is not None and end is not None and per_day is not None:
        problem = check_calendar(weekdays, start, end, per_day)
        if problem:
            raise ValidationError("working hours", problem)


def _calendar_exception(f: Fields) -> None:
    require_text(f, "name")
    check_date_order(f, "start_date", "end_date", "first day", "last day")


def _stakeholder(f: Fields) -> None:
    require_text(f, "name")
    for name in ("power", "interest", "desired_power", "desired_interest"):
        check_range(f, name, 0, 10)
    check_range(f, "importance", 1, 5)


def _position(f: Fields) -> None:
    check_range(f, "power", 0, 10)
    check_range(f, "interest", 0, 10)


def _requirement(f: Fields) -> None:
    require_text(f, "title")
    if f.get("reach") is not None and f["reach"] < 0:
        raise ValidationError("reach", "cannot be negative")
    if f.get("impact") is not None and f["impact"] not in RICE_IMPACT_SCALE:
        scale = ", ".join(f"{v:g}" for v in RICE_IMPACT_SCALE)
        raise ValidationError("impact", f"{f['impact']:g} is not on the scale {scale}")
    check_range(f, "confidence", 0, 100, "confidence")
    if f.get("effort") is not None and f["effort"] <= 0:
        raise ValidationError("effort", "must be more than zero person-months (RICE divides by it)")


def _customer(f: Fields) -> None:
    require_text(f, "customer")
    if (f.get("revenue") or 0) < 0:
        raise ValidationError("revenue", "cannot be negative")


def _launch(f: Fields) -> None:
    require_text(f, "name")
    check_range(f, "tier", 1, 3)


def _launch_task(f: Fields) -> None:
    require_text(f, "title")
    if f.get("due_date") is None and f.get("due_offset_days") is None:
        raise ValidationError("due date", "give a date or a day relative to the launch (L-30)")
    check_range(f, "due_offset_days", -DAYS_MAX, DAYS_MAX, "days from launch")


def _metric(f: Fields) -> None:
    require_text(f, "name")


def _stage_period(f: Fields) -> None:
    check_date_order(f, "entered_on", "left_on", "date entered", "date left")


def _elimination(f: Fields) -> None:
    check_date_order(f, "end_of_sale", "end_of_support", "end-of-sale date", "end-of-support date")
    if (f.get("customers_affected") or 0) < 0:
        raise ValidationError("customers affected", "cannot be negative")


def _risk(f: Fields) -> None:
    require_text(f, "title")
    check_range(f, "likelihood", 1, 5)
    check_range(f, "impact", 1, 5)


def _board(f: Fields) -> None:
    require_text(f, "name")


def _vote_round(f: Fields) -> None:
    if (f.get("dots_per_participant") or 0) < 1:
        raise ValidationError("dots per participant", "must be at least 1")


def _baseline(f: Fields) -> None:
    require_text(f, "name")


def _workspace(f: Fields) -> None:
    require_text(f, "name")


RULES: dict[str, Rule] = {
    "workspace_info": _workspace,
    "product": _product,
    "roadmap_item": _item,
    "lane": _lane,
    "dependency": _dependency,
    "work_calendar": _calendar,
    "calendar_exception": _calendar_exception,
    "baseline": _baseline,
    "stakeholder": _stakeholder,
    "stakeholder_position": _position,
    "requirement": _requirement,
    "requirement_customer": _customer,
    "launch": _launch,
    "launch_task": _launch_task,
    "metric": _metric,
    "stage_period": _stage_period,
    "elimination_review": _elimination,
    "risk": _risk,
    "canvas_board": _board,
    "vote_round": _vote_round,
}
