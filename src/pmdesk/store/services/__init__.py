"""One service per aggregate; a Workspace hands out one instance of each."""

from .calendar import CalendarService
from .canvas import CanvasService
from .launch import LaunchService
from .lifecycle import LifecycleService
from .portfolio import PortfolioService
from .requirements import RequirementService
from .roadmap import RoadmapService
from .stakeholders import StakeholderService

__all__ = [
    "CalendarService",
    "CanvasService",
    "LaunchService",
    "LifecycleService",
    "PortfolioService",
    "RequirementService",
    "RoadmapService",
    "StakeholderService",
]
