"""The portfolio: every product's standing, the lifecycle board and the growth–share chart."""

from __future__ import annotations

from typing import Any

__all__ = ["PortfolioView"]


def __getattr__(name: str) -> Any:
    if name == "PortfolioView":
        from .view import PortfolioView

        return PortfolioView
    raise AttributeError(name)
