"""The interactive roadmap: Gantt chart, time scale, lanes, side editor, Now/Next/Later board."""

from .panel import RoadmapPanel

__all__ = ["RoadmapPanel"]
