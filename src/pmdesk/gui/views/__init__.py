"""The seven views, created lazily by the main window from their ViewSpec.

Importing this package stays cheap: a view's module (and what it needs) is only
imported when the window first creates that view.
"""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

from .base import BaseView, ViewSpec

__all__ = ["VIEWS", "BaseView", "ViewSpec"]


def _lazy(module: str, class_name: str):
    def factory(ctx, parent: QWidget | None = None) -> BaseView:
        view_class = getattr(importlib.import_module(f"{__name__}.{module}"), class_name)
        return view_class(ctx, parent)

    factory.__name__ = f"create_{module}_view"
    return factory


VIEWS: list[ViewSpec] = [
    ViewSpec("portfolio", "Portfolio", _lazy("portfolio", "PortfolioView")),
    ViewSpec("canvas", "Canvas", _lazy("canvas", "CanvasView")),
    ViewSpec("stakeholders", "Stakeholders", _lazy("stakeholders", "StakeholdersView")),
    ViewSpec("lifecycle", "Lifecycle", _lazy("lifecycle", "LifecycleView")),
    ViewSpec("roadmap", "Roadmap", _lazy("roadmap", "RoadmapView")),
    ViewSpec("requirements", "Requirements", _lazy("requirements", "RequirementsView")),
    ViewSpec("launch", "Launch", _lazy("launch", "LaunchView")),
]
