"""The stakeholder map (issue 5): power/interest grid, table, editor, contacts and RACI."""

from .view import StakeholderMapView

__all__ = ["StakeholderMapView"]
