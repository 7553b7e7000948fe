"""Keep the part of a chart a person zoomed or panned to when its data is drawn again.

pyqtgraph charts can be zoomed with the wheel and panned by dragging. A chart
redraws whenever its data changes (an edit here, or a colleague's in a team
workspace), and each redraw used to fit the data again, throwing away where
the person was looking. A :class:`UserRange` notices the person's own moves
(the view box's ``sigRangeChangedManually``; ranges set by code do not count)
and puts that range back after a redraw of the same subject.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


class UserRange:
    """Watches one pyqtgraph ViewBox; see the module docstring."""

    def __init__(self, view_box: Any) -> None:
        self.view_box = view_box
        self.moved = False
        view_box.sigRangeChangedManually.connect(self._moved)

    def _moved(self, *_args: object) -> None:
        self.moved = True

    def forget(self) -> None:
        """Another subject (another metric, the whole life): fit the data again."""
        self.moved = False

    @contextlib.contextmanager
    def kept(self) -> Iterator[None]:
        """Redraw inside this block; a range the person chose comes back afterwards."""
        x_range, y_range = self.view_box.viewRange()
        yield
        if self.moved:
            self.view_box.setRange(xRange=x_range, yRange=y_range, padding=0)
