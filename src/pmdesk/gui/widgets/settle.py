"""What Qt leaves to a later round of events, done now: before a view's first paint.

Qt posts a layout request when a widget asks for another size (a toolbar that wraps, a
column that widens) and lays a scroll area's bars out on a queued call after their range
changes. Either may come after the next paint: a view shown for the first time was
painted, then painted again moved or narrower (the canvas's toolbar wrapped to a second
row and its board took a vertical bar, 40 ms after they first appeared).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QAbstractScrollArea, QWidget

# The scroll areas' classes and enums are first read when a view is shown, not as the
# window's own modules load: this module's import took 1.2 ms of every start, before the
# window is painted, with them, and 0.7 ms without.


def lay_out_bars(area: QAbstractScrollArea) -> None:
    """Show or hide ``area``'s as-needed bars now, as their ranges need. Nothing is done
    while every bar is as it should be."""
    as_needed = Qt.ScrollBarPolicy.ScrollBarAsNeeded
    bars = []
    if area.horizontalScrollBarPolicy() == as_needed:
        bars.append(area.horizontalScrollBar())
    if area.verticalScrollBarPolicy() == as_needed:
        bars.append(area.verticalScrollBar())
    if any((bar.maximum() > bar.minimum()) != bar.isVisibleTo(area) for bar in bars):
        # Setting a policy again (the same one) is Qt's public way to lay the bars out.
        area.setVerticalScrollBarPolicy(area.verticalScrollBarPolicy())


def settle(widget: QWidget, rounds: int = 3) -> None:
    """Lay ``widget`` out now as Qt would on its posted requests, bars included.

    A request may post another (a row wraps once its width is known), hence a few rounds.
    Item views (tables, lists) lay their rows and bars out on timers of their own and are
    left to them: their ranges are not known yet.
    """
    from PySide6.QtWidgets import QGraphicsView, QScrollArea

    for _ in range(rounds):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        areas = [
            area
            for kind in (QGraphicsView, QScrollArea)
            for area in widget.findChildren(kind)
            if area.isVisible()
        ]
        for area in areas:
            lay_out_bars(area)
