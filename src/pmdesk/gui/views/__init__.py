"""The eight views, created lazily by the main window from their ViewSpec.

Importing this package stays cheap: a view's module (and what it needs) is only
imported when the window first creates that view.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

from .base import BaseView, ViewSpec

__all__ = ["VIEWS", "BaseView", "ViewSpec"]


def _lazy(module: str, class_name: str):
    """A factory importing ``module`` (absolute, or relative to this package) on first use."""
    qualified = module if module.startswith("pmdesk.") else f"{__name__}.{module}"

    def factory(ctx, parent: QWidget | None = None) -> BaseView:
        view_class = getattr(importlib.import_module(qualified), class_name)
        return view_class(ctx, parent)

    factory.__name__ = f"create_{qualified.rsplit('.', 2)[-2]}_view"
    # Imports the view's module ahead (the window does it while a file opens on a worker).
    factory.prepare = lambda: importlib.import_module(qualified)  # type: ignore[attr-defined]
    return factory


VIEWS: list[ViewSpec] = [
    ViewSpec(
        "portfolio",
        "Portfolio",
        _lazy("pmdesk.gui.portfolio.view", "PortfolioView"),
        before_store=True,
    ),
    ViewSpec("canvas", "Canvas", _lazy("pmdesk.gui.canvas.view", "CanvasView")),
    ViewSpec(
        "stakeholders", "Stakeholders", _lazy("pmdesk.gui.stakemap.view", "StakeholderMapView")
    ),
    ViewSpec("lifecycle", "Lifecycle", _lazy("pmdesk.gui.lifecycle.view", "LifecycleView")),
    ViewSpec(
        "business_case", "Business case", _lazy("pmdesk.gui.finance.view", "BusinessCaseView")
    ),
    ViewSpec("market", "Market", _lazy("pmdesk.gui.market.view", "MarketView")),
    ViewSpec("roadmap", "Roadmap", _lazy("roadmap", "RoadmapView"), before_store=True),
    ViewSpec(
        "requirements", "Requirements", _lazy("pmdesk.gui.requirements.view", "RequirementsView")
    ),
    ViewSpec("launch", "Launch", _lazy("pmdesk.gui.launch.view", "LaunchView")),
]
