"""One service per aggregate; a Workspace hands out one instance of each.

``from pmdesk.store.services import RoadmapService`` imports only the module that
defines it (and what that module needs): a window that opens on the Portfolio does
not pay for the Lifecycle, Canvas or Launch services at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .calendar import CalendarService
    from .canvas import CanvasService
    from .finance import FinanceService
    from .history import HistoryService
    from .launch import LaunchService
    from .lifecycle import LifecycleService
    from .market import MarketService
    from .portfolio import PortfolioService
    from .requirements import RequirementService
    from .roadmap import RoadmapService
    from .stakeholders import StakeholderService
    from .what_if import WhatIfService

# Each service's class, by the module that defines it.
_MODULES = {
    "CalendarService": "calendar",
    "CanvasService": "canvas",
    "FinanceService": "finance",
    "HistoryService": "history",
    "LaunchService": "launch",
    "LifecycleService": "lifecycle",
    "MarketService": "market",
    "PortfolioService": "portfolio",
    "RequirementService": "requirements",
    "RoadmapService": "roadmap",
    "StakeholderService": "stakeholders",
    "WhatIfService": "what_if",
}

__all__ = [
    "CalendarService",
    "CanvasService",
    "FinanceService",
    "HistoryService",
    "LaunchService",
    "LifecycleService",
    "MarketService",
    "PortfolioService",
    "RequirementService",
    "RoadmapService",
    "StakeholderService",
    "WhatIfService",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
