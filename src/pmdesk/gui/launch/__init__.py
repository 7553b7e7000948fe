"""Launch plan view: date, tier, positioning, messages, and the readiness checklist."""

from .view import LaunchView

__all__ = ["LaunchView"]
