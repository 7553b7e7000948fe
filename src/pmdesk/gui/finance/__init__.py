"""The business case of one product: assumptions, scenarios, cash flow, sensitivity, sign-off.

``BusinessCaseView`` is loaded on first use (its charts need pyqtgraph).
"""

from __future__ import annotations

from typing import Any

__all__ = ["BusinessCaseView"]


def __getattr__(name: str) -> Any:
    if name == "BusinessCaseView":
        from .view import BusinessCaseView

        return BusinessCaseView
    raise AttributeError(name)
