"""Every closed vocabulary of the domain (PRODUCT.md), stored in the file by value.

Values are stable keys written to the database (and checked there by CHECK
constraints); ``label`` is what a person reads. Never rename a value without
a schema migration.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A StrEnum with a human label; the label defaults to the value in sentence case."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def from_label(cls, text: str) -> Self:
        """The member whose label or value matches ``text`` (case-insensitive)."""
        wanted = text.strip().casefold()
        for member in cls:
            if wanted in (member.value.casefold(), member.label.casefold()):
                return member
        raise ValueError(f"{text!r} is not one of: {', '.join(m.label for m in cls)}")


class Stage(LabelledEnum):
    INNOVATION = "innovation"
    ANALYSIS = "analysis"
    DEVELOPMENT = "development"
    GO_TO_MARKET = "go_to_market"
    IN_LIFE = "in_life"
    END_OF_LIFE = "end_of_life"

    @property
    def order(self) -> int:
        return list(Stage).index(self)

    def next(self) -> Stage | None:
        stages = list(Stage)
        return stages[self.order + 1] if self.order + 1 < len(stages) else None


class GateDecision(LabelledEnum):
    GO = "go"
    HOLD = "hold"
    KILL = "kill"
    RECYCLE = "recycle"


class ProductType(LabelledEnum):
    HARDWARE = "hardware"
    SOFTWARE = "software"
    SERVICE = "service"
    PLATFORM = "platform"
    OTHER = "other"


class MetricKind(LabelledEnum):
    """What a metric measures; the lifecycle and elimination rules look for these."""

    REVENUE = "revenue"
    UNITS = "units"
    MARGIN = "margin"
    MARKET_SHARE = "market_share"
    MARKET_GROWTH = "market_growth"
    CUSTOMERS = "customers"
    KPI = "kpi"


class Direction(LabelledEnum):
    """Which way a metric should move to be good."""

    UP = "up"
    DOWN = "down"


class CanvasTemplate(LabelledEnum):
    PRODUCT_CANVAS = "product_canvas"
    LEAN_CANVAS = "lean_canvas"
    BUSINESS_MODEL_CANVAS = "business_model_canvas"
    PRODUCT_VISION_BOARD = "product_vision_board"


class Attitude(LabelledEnum):
    CHAMPION = "champion"
    SUPPORTER = "supporter"
    NEUTRAL = "neutral"
    CRITIC = "critic"
    BLOCKER = "blocker"


class Touchpoint(LabelledEnum):
    """The usual departments or touchpoints; a stakeholder may also have a custom one."""

    DEVELOPMENT = "Development"
    SALES = "Sales"
    MARKETING = "Marketing"
    SENIOR_MANAGEMENT = "Senior management"
    OPERATIONS = "Operations"
    SUPPORT = "Support"
    FINANCE = "Finance"
    LEGAL = "Legal"
    CUSTOMERS = "Customers"
    PARTNERS = "Partners"
    SUPPLIERS = "Suppliers"


class Quadrant(LabelledEnum):
    MANAGE_CLOSELY = "manage_closely"
    KEEP_SATISFIED = "keep_satisfied"
    KEEP_INFORMED = "keep_informed"
    MONITOR = "monitor"


class ContactFrequency(LabelledEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    AS_NEEDED = "as_needed"

    @property
    def days(self) -> int | None:
        return {"weekly": 7, "fortnightly": 14, "monthly": 30, "quarterly": 91}.get(self.value)


class LaneKind(LabelledEnum):
    THEME = "theme"
    TEAM = "team"
    PRODUCT = "product"
    LAUNCH = "launch"


class ItemKind(LabelledEnum):
    INITIATIVE = "initiative"
    FEATURE = "feature"
    RELEASE = "release"
    MILESTONE = "milestone"


class ItemStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    DONE = "done"
    CANCELLED = "cancelled"


class Horizon(LabelledEnum):
    """The now/next/later board column."""

    NOW = "now"
    NEXT = "next"
    LATER = "later"


class DependencyType(LabelledEnum):
    FINISH_TO_START = "FS"
    START_TO_START = "SS"
    FINISH_TO_FINISH = "FF"
    START_TO_FINISH = "SF"


class LagUnit(LabelledEnum):
    """The unit a dependency's lag was given in (kept so MS Project gets it back)."""

    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    PERCENT = "percent"


class RequirementKind(LabelledEnum):
    USER_STORY = "user_story"
    REQUIREMENT = "requirement"


class MoSCoW(LabelledEnum):
    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"


class RequirementStatus(LabelledEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    REJECTED = "rejected"


class RequirementSource(LabelledEnum):
    CUSTOMER = "customer"
    SALES = "sales"
    SUPPORT = "support"
    INTERNAL = "internal"
    STRATEGY = "strategy"


class LaunchFunction(LabelledEnum):
    MARKETING = "marketing"
    SALES_ENABLEMENT = "sales_enablement"
    SUPPORT = "support"
    OPERATIONS = "operations"
    LEGAL = "legal"
    DEVELOPMENT = "development"


class TaskStatus(LabelledEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"


class RaciRole(LabelledEnum):
    RESPONSIBLE = "R"
    ACCOUNTABLE = "A"
    CONSULTED = "C"
    INFORMED = "I"


class RaciActivity(LabelledEnum):
    LAUNCH_TASK = "launch_task"
    REQUIREMENT = "requirement"
    SPEC_SIGNOFF = "spec_signoff"


class EliminationStrategy(LabelledEnum):
    PHASE_OUT = "phase_out"
    RUN_OUT = "run_out"
    IMMEDIATE_DROP = "immediate_drop"
    SELL = "sell"


class EliminationStatus(LabelledEnum):
    OPEN = "open"
    DECIDED = "decided"
    CLOSED = "closed"


class RemedialKind(LabelledEnum):
    REPOSITION = "reposition"
    REPRICE = "reprice"
    CUT_COST = "cut_cost"
    RELAUNCH = "relaunch"
    OTHER = "other"


class ActionStatus(LabelledEnum):
    PROPOSED = "proposed"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class RiskStatus(LabelledEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    CLOSED = "closed"


class VoteTarget(LabelledEnum):
    CANVAS_NOTE = "canvas_note"
    REQUIREMENT = "requirement"
    FEEDBACK = "feedback"  # customer feedback items (format 5)


_LABELS: dict[StrEnum, str] = {
    VoteTarget.FEEDBACK: "Feedback item",
    Stage.GO_TO_MARKET: "Go-to-Market",
    Stage.IN_LIFE: "In-life",
    Stage.END_OF_LIFE: "End-of-life",
    MetricKind.MARKET_SHARE: "Market share",
    MetricKind.MARKET_GROWTH: "Market growth",
    MetricKind.KPI: "KPI",
    ContactFrequency.AS_NEEDED: "As needed",
    CanvasTemplate.PRODUCT_CANVAS: "Product Canvas",
    CanvasTemplate.LEAN_CANVAS: "Lean Canvas",
    CanvasTemplate.BUSINESS_MODEL_CANVAS: "Business Model Canvas",
    CanvasTemplate.PRODUCT_VISION_BOARD: "Product Vision Board",
    DependencyType.FINISH_TO_START: "Finish-to-start",
    DependencyType.START_TO_START: "Start-to-start",
    DependencyType.FINISH_TO_FINISH: "Finish-to-finish",
    DependencyType.START_TO_FINISH: "Start-to-finish",
    ItemStatus.IN_PROGRESS: "In progress",
    ItemStatus.AT_RISK: "At risk",
    RequirementKind.USER_STORY: "User story",
    MoSCoW.MUST: "Must have",
    MoSCoW.SHOULD: "Should have",
    MoSCoW.COULD: "Could have",
    MoSCoW.WONT: "Won't have",
    RequirementStatus.IN_PROGRESS: "In progress",
    LaunchFunction.SALES_ENABLEMENT: "Sales enablement",
    TaskStatus.TODO: "To do",
    TaskStatus.IN_PROGRESS: "In progress",
    TaskStatus.NOT_APPLICABLE: "Not applicable",
    RaciRole.RESPONSIBLE: "Responsible",
    RaciRole.ACCOUNTABLE: "Accountable",
    RaciRole.CONSULTED: "Consulted",
    RaciRole.INFORMED: "Informed",
    RaciActivity.SPEC_SIGNOFF: "Specification sign-off",
    RaciActivity.LAUNCH_TASK: "Launch task",
    EliminationStrategy.PHASE_OUT: "Phase-out",
    EliminationStrategy.RUN_OUT: "Run-out (harvest)",
    EliminationStrategy.IMMEDIATE_DROP: "Immediate drop",
    RemedialKind.CUT_COST: "Cut cost",
    Quadrant.MANAGE_CLOSELY: "Manage closely",
    Quadrant.KEEP_SATISFIED: "Keep satisfied",
    Quadrant.KEEP_INFORMED: "Keep informed",
    ActionStatus.IN_PROGRESS: "In progress",
    VoteTarget.CANVAS_NOTE: "Canvas note",
}


# -- the competitive matrix's cells (core.market), here so that the palette, and with it
# the window's first paint, does not load the market's module ----------------------------

STALE_DAYS = 180  # a comparison cell checked longer ago than this is marked stale


class CellLevel(LabelledEnum):
    """How fully a product or a competitor covers one capability of the matrix."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"
    UNKNOWN = "unknown"

    @property
    def coverage(self) -> float | None:
        """1 for full, ½ for partial, 0 for none; None when unknown (left out of averages)."""
        return _COVERAGE[self]


_COVERAGE: dict[CellLevel, float | None] = {
    CellLevel.FULL: 1.0,
    CellLevel.PARTIAL: 0.5,
    CellLevel.NONE: 0.0,
    CellLevel.UNKNOWN: None,
}
