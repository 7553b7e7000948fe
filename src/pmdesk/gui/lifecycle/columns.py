"""The lifecycle tables' columns: stage periods, gate reviews, metrics and their values."""

from __future__ import annotations

from typing import Any

from pmdesk.core.enums import Direction, GateDecision, MetricKind, Stage
from pmdesk.core.wording import describe_days
from pmdesk.gui.views.common import today
from pmdesk.gui.widgets.columns import Column, Kind, computed


def _stay_days(row: Any) -> int:
    return ((row.left_on or today()) - row.entered_on).days


def _criteria(row: Any) -> str:
    criteria = row.criteria or []
    if not criteria:
        return ""
    met = sum(1 for c in criteria if isinstance(c, dict) and c.get("met"))
    return f"{met}/{len(criteria)} met"


def _criteria_tip(row: Any) -> str | None:
    lines = [
        f"{'☑' if c.get('met') else '☐'} {c.get('text', '')}"
        for c in row.criteria or []
        if isinstance(c, dict)
    ]
    return "\n".join(lines) or None


PERIOD_COLUMNS = [
    Column("stage", "Stage", Kind.ENUM, enum=Stage, width=14),
    Column("entered_on", "Entered", Kind.DATE),
    Column("left_on", "Left", Kind.DATE, nullable=True, none_label="still in stage", width=13),
    computed(
        "days",
        "Time in stage",
        _stay_days,
        kind=Kind.INT,
        display=lambda r: describe_days(_stay_days(r)),
        width=16,
    ),
]
GATE_COLUMNS = [
    Column(
        "stage",
        "Gate after",
        Kind.ENUM,
        enum=Stage,
        width=14,
        header_tip="The stage being left: the gate sits at its end",
    ),
    Column("decision", "Decision", Kind.ENUM, enum=GateDecision, width=10),
    Column("recycle_to", "Recycle to", Kind.ENUM, enum=Stage, nullable=True, width=12),
    Column("decided_on", "Decided on", Kind.DATE),
    Column("decided_by_name", "Decided by", width=18),
    computed("criteria", "Criteria", _criteria, tooltip=_criteria_tip, width=10),
    Column("rationale", "Rationale", Kind.LONG_TEXT, width=50),
]
METRIC_COLUMNS = [
    Column("name", "Metric", width=20),
    Column("kind", "Kind", Kind.ENUM, enum=MetricKind, width=13),
    Column("unit", "Unit", width=8),
    Column("direction", "Good when", Kind.ENUM, enum=Direction, width=9),
    Column("target", "Target", Kind.FLOAT, nullable=True, width=10),
]
VALUE_COLUMNS = [
    Column("period", "Period", Kind.DATE),
    Column("value", "Value", Kind.FLOAT, width=12),
    Column("target", "Target", Kind.FLOAT, nullable=True, none_label="", width=12),
]
