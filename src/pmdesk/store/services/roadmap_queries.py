"""The roadmap chart's reads, as the services' package names them.

They live in :mod:`pmdesk.store.roadmap_rows`, which needs no SQLAlchemy, so that a
file's first view can be read before the store loads (:mod:`pmdesk.store.early`).
"""

from __future__ import annotations

from ..roadmap_rows import BaselineRow, ItemRow, LaneRow, LaneTask, LinkRow, RoadmapQueries

__all__ = ["BaselineRow", "ItemRow", "LaneRow", "LaneTask", "LinkRow", "RoadmapQueries"]
