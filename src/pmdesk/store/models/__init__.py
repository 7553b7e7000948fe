"""Every table of a .pmdesk file (the whole domain of PRODUCT.md)."""

from .base import Base, Entity, table_of
from .calendar import CalendarException, WorkCalendar
from .canvas import CanvasBoard, CanvasNote, NoteItemLink, NoteRequirementLink, Vote, VoteRound
from .finance import (
    BusinessCase,
    BusinessCaseVersion,
    BusinessDriver,
    BusinessScenario,
    CostItem,
    ExactDecimal,
    PricePoint,
    ScenarioOverride,
)
from .launch import Launch, LaunchMessage, LaunchTask
from .portfolio import (
    EliminationReview,
    GateReview,
    Meta,
    Metric,
    MetricValue,
    Product,
    RemedialAction,
    Risk,
    SpecRevision,
    StagePeriod,
    WorkspaceInfo,
)
from .requirements import Requirement, RequirementCustomer, RequirementItemLink
from .roadmap import Baseline, BaselineEntry, Dependency, Lane, RoadmapItem
from .stakeholders import RaciAssignment, Stakeholder, StakeholderPosition

__all__ = [
    "Base",
    "Baseline",
    "BaselineEntry",
    "BusinessCase",
    "BusinessCaseVersion",
    "BusinessDriver",
    "BusinessScenario",
    "CalendarException",
    "CanvasBoard",
    "CanvasNote",
    "CostItem",
    "Dependency",
    "EliminationReview",
    "Entity",
    "ExactDecimal",
    "GateReview",
    "Lane",
    "Launch",
    "LaunchMessage",
    "LaunchTask",
    "Meta",
    "Metric",
    "MetricValue",
    "NoteItemLink",
    "NoteRequirementLink",
    "PricePoint",
    "Product",
    "RaciAssignment",
    "RemedialAction",
    "Requirement",
    "RequirementCustomer",
    "RequirementItemLink",
    "Risk",
    "RoadmapItem",
    "ScenarioOverride",
    "SpecRevision",
    "Stakeholder",
    "StakeholderPosition",
    "StagePeriod",
    "Vote",
    "VoteRound",
    "WorkCalendar",
    "WorkspaceInfo",
    "table_of",
]
