"""What a CSV can be imported into, the fields of each target, and the Jira preset.

A *target* is a table rows go into (requirements, roadmap items, stakeholders,
metric values, customer feedback) with the fields a column can map to. Most fields are columns of
the table; a few are *pseudo fields* the importer resolves itself: ``lane``
and ``metric`` (found by name, created if missing), ``labels`` and ``key``
(added to the description or notes, since pmdesk has no label field).

Values from other tools are translated where pmdesk's words differ: Jira's
priorities become MoSCoW (Highest/High → Must, Medium → Should, Low → Could,
Lowest → Won't), its statuses and issue types pmdesk's. A value that already
is a pmdesk value or label is used as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pmdesk.core.enums import (
    ItemKind,
    ItemStatus,
    MoSCoW,
    RequirementKind,
    RequirementStatus,
)
from pmdesk.core.market import FeedbackSource, Importance
from pmdesk.store.models import (
    Entity,
    Feedback,
    MetricValue,
    Requirement,
    RoadmapItem,
    Stakeholder,
)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text, date, datetime, number, money (exact), enum, list, name
    required: bool = False
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    model: type[Entity]
    fields: tuple[FieldSpec, ...]

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _f(name: str, label: str, kind: str = "text", required: bool = False, *synonyms: str):
    return FieldSpec(name, label, kind, required, synonyms)


TARGETS: dict[str, Target] = {
    target.key: target
    for target in (
        Target(
            "requirements",
            "Requirements",
            Requirement,
            (
                _f("title", "Title", "text", True, "summary", "name", "requirement"),
                _f("ref", "Reference", "text", False, "issue key", "key", "id"),
                _f("kind", "Kind", "enum", False, "issue type", "type"),
                _f("description", "Description", "text", False, "details"),
                _f("story_role", "As a …", "text", False, "role", "as a"),
                _f("story_goal", "I want …", "text", False, "goal", "i want"),
                _f("story_benefit", "So that …", "text", False, "benefit", "so that"),
                _f(
                    "acceptance_criteria",
                    "Acceptance criteria (one per line)",
                    "list",
                    False,
                    "acceptance criteria",
                    "criteria",
                ),
                _f("moscow", "MoSCoW priority", "enum", False, "priority", "moscow"),
                _f("reach", "Reach", "number"),
                _f("impact", "Impact", "number"),
                _f("confidence", "Confidence %", "number"),
                _f("effort", "Effort", "number", False, "story points", "estimate"),
                _f("status", "Status", "enum"),
                _f("source", "Source", "enum"),
                _f("created_at", "Created", "datetime", False, "created", "created date"),
                _f("labels", "Labels (added to the description)", "list", False, "labels", "label"),
            ),
        ),
        Target(
            "roadmap",
            "Roadmap items",
            RoadmapItem,
            (
                _f("name", "Name", "text", True, "summary", "title", "item"),
                _f("lane", "Lane (created if missing)", "name", False, "lane", "team", "theme"),
                _f("kind", "Kind", "enum", False, "issue type", "type"),
                _f("start_date", "Start date", "date", False, "start", "created", "begin"),
                _f("end_date", "End date", "date", False, "end", "due date", "due", "finish"),
                _f("progress", "Progress %", "number", False, "percent complete", "% complete"),
                _f("status", "Status", "enum"),
                _f("horizon", "Now/next/later", "enum", False, "horizon"),
                _f("notes", "Notes", "text", False, "description", "notes"),
                _f("key", "Key (added to the notes)", "text", False, "issue key", "key"),
                _f("labels", "Labels (added to the notes)", "list", False, "labels", "label"),
            ),
        ),
        Target(
            "stakeholders",
            "Stakeholders",
            Stakeholder,
            (
                _f("name", "Name", "text", True, "stakeholder", "full name"),
                _f("role", "Role", "text", False, "title", "job title"),
                _f("organisation", "Organisation", "text", False, "organization", "company"),
                _f("department", "Department", "text", False, "touchpoint"),
                _f("email", "Email", "text", False, "e-mail", "mail"),
                _f("phone", "Phone", "text", False, "telephone"),
                _f("attitude", "Attitude", "enum"),
                _f("power", "Power (0-10)", "number", False, "influence"),
                _f("interest", "Interest (0-10)", "number"),
                _f("importance", "Importance (1-5)", "number"),
                _f("comm_channel", "Channel", "text", False, "channel"),
                _f("comm_frequency", "Contact frequency", "enum", False, "frequency"),
                _f("comm_owner", "Contact owner", "text", False, "owner"),
                _f("last_contact", "Last contact", "date"),
                _f("next_contact", "Next contact", "date"),
                _f("notes", "Notes", "text"),
            ),
        ),
        Target(
            "metrics",
            "Metric values",
            MetricValue,
            (
                _f("metric", "Metric (created if missing)", "name", True, "metric", "kpi", "name"),
                _f("period", "Period", "date", True, "date", "month", "period start"),
                _f("value", "Value", "number", True, "actual", "amount"),
                _f("target", "Target", "number", False, "goal", "plan"),
                _f("metric_kind", "Metric kind (for new metrics)", "enum", False, "kind", "type"),
                _f("unit", "Unit (for new metrics)", "text", False, "unit"),
            ),
        ),
        # A support desk's or survey tool's export: one row per ticket, answer or note.
        Target(
            "feedback",
            "Customer feedback",
            Feedback,
            (
                _f(
                    "text",
                    "Quote or request",
                    "text",
                    True,
                    "quote",
                    "request",
                    "feedback",
                    "comment",
                    "comments",
                    "description",
                    "message",
                    "body",
                ),
                _f("customer", "Customer", "text", False, "company", "organization", "account"),
                _f(
                    "contact",
                    "Contact",
                    "text",
                    False,
                    "requester",
                    "requester name",
                    "contact name",
                    "email",
                    "name",
                ),
                _f("source", "Source", "enum", False, "channel", "via"),
                _f(
                    "date",
                    "Date",
                    "date",
                    True,
                    "created",
                    "created at",
                    "date created",
                    "submitted",
                    "submitted at",
                ),
                _f("revenue", "Revenue", "money", False, "arr", "mrr", "deal value", "value"),
                _f("segment", "Segment", "text", False, "tier", "plan"),
                _f("importance", "Importance", "enum", False, "priority", "severity"),
            ),
        ),
    )
}

PRESET_NONE = "none"
PRESET_JIRA = "jira"
PRESETS = {PRESET_NONE: "None (match by column name)", PRESET_JIRA: "Jira CSV export"}

# Jira's export header -> field, per target. Headers Jira repeats (Labels) map every copy.
JIRA_COLUMNS: dict[str, dict[str, str]] = {
    "requirements": {
        "summary": "title",
        "issue key": "ref",
        "issue type": "kind",
        "status": "status",
        "priority": "moscow",
        "created": "created_at",
        "description": "description",
        "labels": "labels",
        "story points": "effort",
        "custom field (story points)": "effort",
        "custom field (story point estimate)": "effort",
    },
    "roadmap": {
        "summary": "name",
        "issue key": "key",
        "issue type": "kind",
        "status": "status",
        "created": "start_date",
        "due date": "end_date",
        "description": "notes",
        "labels": "labels",
    },
}

# Words other tools use -> pmdesk values, per (target, field); applied to every import.
VALUE_WORDS: dict[tuple[str, str], dict[str, StrEnum]] = {
    ("requirements", "moscow"): {
        "highest": MoSCoW.MUST,
        "blocker": MoSCoW.MUST,
        "critical": MoSCoW.MUST,
        "high": MoSCoW.MUST,
        "major": MoSCoW.SHOULD,
        "medium": MoSCoW.SHOULD,
        "low": MoSCoW.COULD,
        "minor": MoSCoW.COULD,
        "lowest": MoSCoW.WONT,
        "trivial": MoSCoW.WONT,
    },
    ("requirements", "status"): {
        "to do": RequirementStatus.PROPOSED,
        "open": RequirementStatus.PROPOSED,
        "backlog": RequirementStatus.PROPOSED,
        "new": RequirementStatus.PROPOSED,
        "selected for development": RequirementStatus.ACCEPTED,
        "ready": RequirementStatus.ACCEPTED,
        "in review": RequirementStatus.IN_PROGRESS,
        "in qa": RequirementStatus.IN_PROGRESS,
        "in testing": RequirementStatus.IN_PROGRESS,
        "closed": RequirementStatus.DONE,
        "resolved": RequirementStatus.DONE,
        "won't do": RequirementStatus.REJECTED,
        "declined": RequirementStatus.REJECTED,
        "cancelled": RequirementStatus.REJECTED,
        "canceled": RequirementStatus.REJECTED,
    },
    ("requirements", "kind"): {
        "story": RequirementKind.USER_STORY,
        "epic": RequirementKind.REQUIREMENT,
        "task": RequirementKind.REQUIREMENT,
        "sub-task": RequirementKind.REQUIREMENT,
        "subtask": RequirementKind.REQUIREMENT,
        "bug": RequirementKind.REQUIREMENT,
        "improvement": RequirementKind.REQUIREMENT,
        "new feature": RequirementKind.REQUIREMENT,
        "feature": RequirementKind.REQUIREMENT,
    },
    ("roadmap", "status"): {
        "to do": ItemStatus.PLANNED,
        "open": ItemStatus.PLANNED,
        "backlog": ItemStatus.PLANNED,
        "new": ItemStatus.PLANNED,
        "selected for development": ItemStatus.PLANNED,
        "in review": ItemStatus.IN_PROGRESS,
        "in qa": ItemStatus.IN_PROGRESS,
        "blocked": ItemStatus.AT_RISK,
        "closed": ItemStatus.DONE,
        "resolved": ItemStatus.DONE,
        "won't do": ItemStatus.CANCELLED,
        "declined": ItemStatus.CANCELLED,
        "canceled": ItemStatus.CANCELLED,
    },
    ("roadmap", "kind"): {
        "epic": ItemKind.INITIATIVE,
        "story": ItemKind.FEATURE,
        "task": ItemKind.FEATURE,
        "sub-task": ItemKind.FEATURE,
        "subtask": ItemKind.FEATURE,
        "bug": ItemKind.FEATURE,
        "improvement": ItemKind.FEATURE,
        "new feature": ItemKind.FEATURE,
        "version": ItemKind.RELEASE,
    },
}


VALUE_WORDS |= {
    ("feedback", "source"): {
        "call": FeedbackSource.SALES_CALL,
        "phone": FeedbackSource.SALES_CALL,
        "sales": FeedbackSource.SALES_CALL,
        "ticket": FeedbackSource.SUPPORT_TICKET,
        "support": FeedbackSource.SUPPORT_TICKET,
        "email": FeedbackSource.SUPPORT_TICKET,
        "web": FeedbackSource.SUPPORT_TICKET,
        "chat": FeedbackSource.SUPPORT_TICKET,
        "nps": FeedbackSource.SURVEY,
    },
    ("feedback", "importance"): {
        "urgent": Importance.CRITICAL,
        "blocker": Importance.CRITICAL,
        "highest": Importance.CRITICAL,
        "normal": Importance.MEDIUM,
        "lowest": Importance.LOW,
    },
}


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").casefold().split())


def translate(target: str, field: str, value: str) -> str:
    """Another tool's word for an enum value, in pmdesk's terms (unchanged if unknown)."""
    words = VALUE_WORDS.get((target, field), {})
    found = words.get(_norm(value))
    return found.value if found is not None else value


def suggest_mapping(headers: list[str], target: str, preset: str = PRESET_NONE) -> list[str | None]:
    """A field (or None) for each column: the preset's columns first, then names that match.

    A field is suggested once, except the list fields (labels), which gather
    every column mapped to them.
    """
    spec = TARGETS[target]
    preset_columns = JIRA_COLUMNS.get(target, {}) if preset == PRESET_JIRA else {}
    mapping: list[str | None] = []
    used: set[str] = set()
    for header in headers:
        name = _norm(header)
        choice = preset_columns.get(name)
        if choice is None and not preset_columns:
            choice = next(
                (
                    f.name
                    for f in spec.fields
                    if name in (_norm(f.name), _norm(f.label), *f.synonyms)
                ),
                None,
            )
        if choice is not None and choice in used and spec.field(choice).kind != "list":
            choice = None
        if choice is not None:
            used.add(choice)
        mapping.append(choice)
    return mapping
