"""The market of one product: its competitors and their threat, and the deals won and lost.

``MarketView`` is loaded on first use.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MarketView"]


def __getattr__(name: str) -> Any:
    if name == "MarketView":
        from .view import MarketView

        return MarketView
    raise AttributeError(name)
