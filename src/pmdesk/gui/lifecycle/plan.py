"""The business case's plan as a series over a metric's actual values, with the variance.

The approved plan (the latest signed version of the business case, else the draft's
Base scenario) gives revenue, units and gross margin per plan period; the metric
values are monthly. So that plan and actual share one axis, a plan period is drawn
as a step at its *monthly* level (a quarter's revenue ÷ 3) across the months it
covers; a margin metric in "%" is set against the plan's gross margin ÷ revenue
instead. The hover text of each step, and of each actual value inside it, says what
the plan expected of the whole period, what came in, and the variance.

Plain data in, plain data out: the charts draw ``PlanStep`` lists and know nothing of
the business case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pmdesk.core.enums import MetricKind
from pmdesk.core.finance import Period, add_months
from pmdesk.core.finance_wording import period_label
from pmdesk.core.lifecycle import figure

# Which of the plan's figures each kind of metric is measured against.
PLANNED = {
    MetricKind.REVENUE: ("revenue", "revenue"),
    MetricKind.UNITS: ("units", "new units"),
    MetricKind.MARGIN: ("margin", "gross margin"),
}


@dataclass(frozen=True)
class PlanStep:
    """One plan period as drawn: from ``start`` to ``end`` (the next period's first day)."""

    start: dt.date
    end: dt.date
    value: float  # the level drawn: per month, or a margin's share in %
    text: str  # the hover text: plan, actual and variance of the whole period


@dataclass(frozen=True)
class PlanSeries:
    name: str  # the legend's entry: "Business case v2 · Base" (signed v2), "… draft · Base"
    steps: tuple[PlanStep, ...]
    notes: dict[dt.date, str]  # an actual value's month -> the variance of its plan period

    def note(self, month: dt.date) -> str:
        return self.notes.get(month.replace(day=1), "")


def _label(start: dt.date, months: int) -> str:
    """A plan period named as the business case names it everywhere ("Q3 2026", "Jun–Aug
    2018", "2027/28", "Mar 2027"), from the length of its periods in months."""
    period = {12: Period.YEAR, 3: Period.QUARTER}.get(months, Period.MONTH)
    return period_label(period, start, 1)


def _months_of(rows: Sequence[Any]) -> int:
    """The length of the plan's periods, in months (from two consecutive period starts)."""
    starts = [row.start for row in rows if row.index >= 1]
    if len(starts) >= 2:
        first, second = starts[0], starts[1]
        return max(1, (second.year - first.year) * 12 + second.month - first.month)
    return 1


def _variance_text(actual: Decimal | None, plan: Decimal, unit: str, share: bool) -> str:
    if actual is None:
        return "no actual values yet"
    if share:
        points = float(actual - plan)
        return f"actual {figure(float(actual))} % ({_signed(f'{points:+.1f}')} points)"
    difference = actual - plan
    ratio = f", {_signed(f'{float(actual / plan - 1) * 100:+.0f}')} %" if plan else ""
    sign = "+" if difference > 0 else "−" if difference < 0 else "±"
    return (
        f"actual {figure(float(actual))} {unit}".rstrip()
        + f" ({sign}{figure(abs(float(difference)))}{ratio})"
    )


def _signed(text: str) -> str:
    """A signed figure with the true minus sign, as every figure on screen is written."""
    return text.replace("-", "−")


def plan_series(found: Any, kind: MetricKind, unit: str) -> PlanSeries | None:
    """The plan for a metric of ``kind`` (in ``unit``) from a ``PlanVsActual``; None when the
    plan says nothing of that kind of metric."""
    if found is None or kind not in PLANNED:
        return None
    attribute, what = PLANNED[kind]
    variances = {v.period: v for v in getattr(found, attribute)}
    rows = [row for row in found.rows if row.index >= 1]
    if not rows:
        return None
    months = _months_of(found.rows)
    share = kind is MetricKind.MARGIN and unit.strip() == "%"
    revenue = {v.period: v for v in found.revenue} if share else {}
    steps, notes = [], {}
    for row in rows:
        variance = variances.get(row.start)
        label = _label(row.start, months)
        if share:
            if not row.revenue:
                continue
            level = row.gross_margin / row.revenue * 100
            sold = revenue.get(row.start)
            actual = (
                variance.actual / sold.actual * 100
                if variance is not None
                and variance.actual is not None
                and sold is not None
                and sold.actual
                else None
            )
            text = f"{label} business case: {what} {figure(float(level))} %; " + _variance_text(
                actual, level, unit, share=True
            )
        else:
            planned = variance.plan if variance is not None else getattr(row, _FIELD[kind])
            level = planned / months
            each = f" ({figure(float(level))} a month)" if months > 1 else ""
            text = f"{label} business case: {what} {figure(float(planned))} {unit}".rstrip()
            text += (
                each
                + "; "
                + _variance_text(
                    variance.actual if variance is not None else None, planned, unit, share=False
                )
            )
        end = add_months(row.start, months)
        steps.append(PlanStep(row.start, end, float(level), text))
        month = row.start
        while month < end:
            notes[month] = text
            month = add_months(month, 1)
    source = found.plan_source.replace("signed ", "")  # "v3", or "draft"
    name = f"Business case {source} · {found.scenario}"
    return PlanSeries(name, tuple(steps), notes)


_FIELD = {
    MetricKind.REVENUE: "revenue",
    MetricKind.UNITS: "new_units",
    MetricKind.MARGIN: "gross_margin",
}
