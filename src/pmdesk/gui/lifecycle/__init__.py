"""The lifecycle tracker of one product: stages, gate reviews, metrics, elimination review.

``LifecycleView`` is loaded on first use, so that the gate dialog or the undo
commands can be imported (by the portfolio view) without the charts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LifecycleView"]


def __getattr__(name: str) -> Any:
    if name == "LifecycleView":
        from .view import LifecycleView

        return LifecycleView
    raise AttributeError(name)
