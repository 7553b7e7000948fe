"""Requirements view: a scored backlog, a story editor with transparent RICE, and a
value-versus-effort chart. The chart's pyqtgraph is imported only when the chart is built.
"""

from .view import RequirementsView

__all__ = ["RequirementsView"]
