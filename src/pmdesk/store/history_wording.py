"""What changed since a moment, grouped and worded as people say it (no Qt).

``worded(changes)`` turns :class:`~pmdesk.store.services.history.Change` records into
one group per kind of entity ("Roadmap items", "Requirements"…, in a reader's order),
one line per entity: its name, "Added" / "Removed" / "Changed", and what changed —
``end date 5 Feb 2027 → 26 Feb 2027 (+21 days); status In progress → At risk``.
Fields are named as people say them, vocabularies by their labels (MoSCoW ``could`` is
"Could have"), dates as days with the slip in days. The ``pmdesk changes`` report,
the deck's "Changes since …" slide and the PDF's section all word changes here.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.wording import short_date
from pmdesk.store.models import Base

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pmdesk.store.services.history import Change, ProductFigures

# What a reader calls each kind of entity, in the order the report lists them.
ENTITY_LABELS = {
    "product": "Products",
    "stage_period": "Stages",
    "gate_review": "Gate decisions",
    "roadmap_item": "Roadmap items",
    "dependency": "Dependencies",
    "lane": "Roadmap lanes",
    "baseline": "Baselines",
    "requirement": "Requirements",
    "stakeholder": "Stakeholders",
    "stakeholder_position": "Stakeholder positions",
    "launch": "Launches",
    "launch_task": "Launch tasks",
    "metric": "KPIs",
    "metric_value": "KPI values",
    "business_case": "Business cases",
    "business_driver": "Business case figures",
    "risk": "Risks",
    "raci_assignment": "RACI assignments",
    "launch_message": "Launch messages",
    "spec_revision": "Specification revisions",
    "canvas_board": "Canvases",
    "canvas_note": "Canvas notes",
    "competitor": "Competitors",
    "capability": "Capabilities",
    "market_signal": "Market signals",
    "feedback": "Feedback",
    "win_loss": "Wins and losses",
    "limitation": "Known limitations",
    "price_point": "Price points",
    "cost_item": "Costs",
    "business_scenario": "Business case scenarios",
    "elimination_review": "Elimination reviews",
    "remedial_action": "Remedial actions",
}
# Field names a person would not guess from the column.
FIELD_WORDS = {"moscow": "MoSCoW", "rice": "RICE", "npv": "NPV", "kpi": "KPI", "url": "URL"}
LONGEST = 60  # a value longer than this is shortened with "…"


@dataclass(frozen=True)
class WordedChange:
    kind: str  # "added", "removed" or "changed"
    name: str
    what: str  # "" for an added or removed entity

    @property
    def kind_label(self) -> str:
        return self.kind.capitalize()


@dataclass(frozen=True)
class ChangeGroup:
    entity: str
    label: str  # "Roadmap items"
    changes: list[WordedChange]


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity.replace("_", " ").capitalize())


def worded(changes: list[Change]) -> list[ChangeGroup]:
    """The changes in groups by kind of entity, each change worded for people."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.entity, []).append(change)
    order = list(ENTITY_LABELS)
    out = []
    for entity in sorted(groups, key=lambda e: (order.index(e) if e in order else 99, e)):
        lines = [
            WordedChange(
                change.kind.value,
                change.name or f"#{change.id}",
                "; ".join(
                    field_change(entity, f, old, new) for f, (old, new) in change.fields.items()
                )
                if change.kind.value == "changed"
                else "",
            )
            for change in groups[entity]
        ]
        out.append(ChangeGroup(entity, entity_label(entity), lines))
    return out


def field_name(field: str) -> str:
    """``end_date`` as "end date", ``moscow`` as "MoSCoW", ``lane_id`` as "lane"."""
    words = field.removesuffix("_id").split("_")
    return " ".join(FIELD_WORDS.get(word, word) for word in words)


def field_change(entity: str, field: str, old: Any, new: Any) -> str:
    """One field's change: "end date 5 Feb 2027 → 26 Feb 2027 (+21 days)"."""
    kind = _column_type(entity, field)
    text = f"{field_name(field)} {value_text(kind, old)} → {value_text(kind, new)}"
    if _is_date(kind, field):
        try:
            days = (dt.date.fromisoformat(new) - dt.date.fromisoformat(old)).days
        except (TypeError, ValueError):
            return text
        if days:
            text += f" ({days_difference(days)})"
    return text


def days_difference(days: int) -> str:
    """A difference of days, signed: "+21 days" later, "-3 days" earlier, "+1 day"."""
    return f"{'+' if days > 0 else ''}{days} day{'' if abs(days) == 1 else 's'}"


def value_text(kind: sa.types.TypeEngine[Any] | None, value: Any) -> str:
    """A stored value as a person reads it: a vocabulary's label, a date as a day."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(kind, sa.Enum) and kind.enum_class is not None and isinstance(value, str):
        try:
            member = kind.enum_class(value)
        except ValueError:
            pass
        else:
            return str(getattr(member, "label", value))
    if isinstance(value, str) and isinstance(kind, sa.Date | sa.DateTime):
        try:
            day = dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
        else:
            return short_date(day)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def report(since: str, changes: list[Change], figures: Sequence[ProductFigures] = ()) -> str:
    """The changes as text: one block per kind of entity, one line per entity; first, with
    ``figures`` (``HistoryService.figures_since``), a "Headline" block per product whose
    critical path end, launch date, readiness or NPV moved."""
    from .figures_wording import headline

    if not changes:
        return f"No changes since {since}."
    lines = [f"Changes since {since}: {len(changes)}"]
    top = headline(figures)
    if top:
        lines += ["", *top]
    for group in worded(changes):
        lines += ["", group.label]
        for line in group.changes:
            text = f"  {line.kind:<8} {line.name}"
            lines.append(text + (f": {line.what}" if line.what else ""))
    return "\n".join(lines)


def _column_type(entity: str, field: str) -> sa.types.TypeEngine[Any] | None:
    table = Base.metadata.tables.get(entity)
    if table is None or field not in table.c:
        return None
    return table.c[field].type


def _is_date(kind: sa.types.TypeEngine[Any] | None, field: str) -> bool:
    if isinstance(kind, sa.Date) and not isinstance(kind, sa.DateTime):
        return True
    return kind is None and (field.endswith("_date") or field in ("date", "decided_on"))
