"""The read-only "Launch" lane under the roadmap: the product's launch tasks on their due days.

Launch tasks belong to the launch plan, not to the roadmap: they are edited in
the Launch view, so here they are only drawn (a one-day marker coloured by
status, ticked when done, ringed when overdue) with their title beside them
where there is room. The lane is laid out again on every zoom (a few dozen
tasks, cheap) so that as many titles as possible fit: markers are packed into
rows by the room their title needs at the current scale, up to ``MAX_ROWS``.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from pmdesk.core.enums import TaskStatus
from pmdesk.core.palette import TASK_STATUS_COLOURS  # the printed launch plan's too
from pmdesk.core.timeline import TimeScale
from pmdesk.core.wording import short_date
from pmdesk.store.roadmap_rows import LaneTask

from .layer import ChartLayer

LANE_NAME = "Launch"
ROW_PITCH = 24.0
PADDING = 6.0
MARKER_HEIGHT = 14.0
MARKER_MIN_WIDTH = 12.0  # a day narrower than this still gets a marker one can point at
LABEL_GAP = 5.0
MAX_LABEL = 190.0
MAX_ROWS = 6
ACCENT = QColor("#b45309")  # the lane's stripe in the header: amber, apart from lane colours
STATUS_COLOURS = {status: QColor(value) for status, value in TASK_STATUS_COLOURS.items()}
CLOSED = (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class Marker:
    """Where one task is drawn: its marker, and how far its title may reach."""

    task: LaneTask
    row: int
    rect: QRectF
    label_room: float  # pixels from the marker's right edge to the next marker in the row


class LaunchLane:
    """Rows of launch-task markers below the last roadmap lane (no Qt items, just geometry)."""

    def __init__(self) -> None:
        self.top = 0.0
        self.markers: list[Marker] = []
        self.rows = 0

    @property
    def height(self) -> float:
        """Nothing when the product has no launch tasks (no empty lane to puzzle over)."""
        return 2 * PADDING + self.rows * ROW_PITCH if self.markers else 0.0

    @property
    def shown(self) -> bool:
        return bool(self.markers)

    def rect(self, width: float) -> QRectF:
        return QRectF(0, self.top, width, self.height)

    def arrange(
        self,
        tasks: Sequence[LaneTask],
        scale: TimeScale,
        top: float,
        label_width: Callable[[str], float],
    ) -> None:
        """Pack the tasks into rows so that titles fit beside their markers where possible."""
        self.top = top
        ends: list[float] = []  # per row: the right end of what is placed in it
        placed: list[tuple[LaneTask, int, float, float]] = []
        width = max(scale.px_per_day, MARKER_MIN_WIDTH)
        for task in sorted(tasks, key=lambda t: (t.due, t.id)):
            x = scale.x(task.due) + (scale.px_per_day - width) / 2
            reach = x + width + LABEL_GAP + min(label_width(task.title), MAX_LABEL) + 8
            row = next((n for n, end in enumerate(ends) if end <= x), None)
            if row is None and len(ends) < MAX_ROWS:
                row = len(ends)
                ends.append(0.0)
            elif row is None:  # every row is busy here: the one free soonest, title cut
                row = min(range(len(ends)), key=ends.__getitem__)
            ends[row] = max(ends[row], reach)
            placed.append((task, row, x, width))
        self.rows = len(ends)
        self.markers = self._markers(placed)

    def _markers(self, placed: list[tuple[LaneTask, int, float, float]]) -> list[Marker]:
        following: dict[int, float] = {}  # row -> x of the marker after, walking right to left
        found = []
        for task, row, x, width in reversed(placed):
            room = following.get(row, x + width + MAX_LABEL + 40) - (x + width) - 2 * LABEL_GAP
            y = self.top + PADDING + row * ROW_PITCH + (ROW_PITCH - MARKER_HEIGHT) / 2
            found.append(Marker(task, row, QRectF(x, y, width, MARKER_HEIGHT), room))
            following[row] = x
        found.reverse()
        return found

    def task_at(self, x: float, y: float) -> LaneTask | None:
        """The task whose marker (or title) is under a scene point, if any."""
        for marker in self.markers:
            grab = marker.rect.adjusted(-3, -4, max(marker.label_room, 0) + LABEL_GAP, 4)
            if grab.contains(QPointF(x, y)):
                return marker.task
        return None

    def contains_y(self, y: float) -> bool:
        return self.shown and self.top <= y < self.top + self.height

    def task(self, task_id: int) -> LaneTask | None:
        return next((m.task for m in self.markers if m.task.id == task_id), None)


def is_late(task: LaneTask, today: dt.date) -> bool:
    return task.status not in CLOSED and task.due < today


def task_tooltip(task: LaneTask, today: dt.date) -> str:
    """Rich text; the title is escaped so ``<`` and ``&`` show as typed."""
    due = f"Due {short_date(task.due)}"
    if is_late(task, today):
        due += " · <span style='color:#d92d20'>overdue</span>"
    return "<br>".join(
        [
            f"<b>{html.escape(task.title)}</b>",
            f"Launch task · {task.function.label} · {task.status.label}",
            due,
            "<i>Read-only here: edit it in the Launch view</i>",
        ]
    )


class LaunchLaneItem(ChartLayer):
    """Paints the launch lane's markers and titles (the band itself is the scene's background)."""

    def __init__(self, chart) -> None:
        super().__init__(chart, 1)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lane: LaunchLane = self.chart.launch
        exposed = option.exposedRect
        style, fonts = self.chart.painter.style, self.chart.painter.fonts
        today = self.chart.model.today
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        metrics = fonts.label_metrics
        dy = (metrics.ascent() - metrics.descent()) / 2
        for marker in lane.markers:
            rect = marker.rect
            if rect.right() + LABEL_GAP + max(marker.label_room, 0) < exposed.left():
                continue
            if rect.left() > exposed.right():
                break
            self._paint_marker(painter, marker.task, rect, style, late=is_late(marker.task, today))
            room = min(marker.label_room, MAX_LABEL)
            if room >= 40:
                text = fonts.elide(marker.task.title, room)
                painter.setFont(fonts.label)
                painter.setPen(style.muted if marker.task.status in CLOSED else style.text)
                painter.drawText(QPointF(rect.right() + LABEL_GAP, rect.center().y() + dy), text)

    @staticmethod
    def _paint_marker(p: QPainter, task: LaneTask, rect: QRectF, style, late: bool) -> None:
        colour = STATUS_COLOURS[task.status]
        p.setPen(QPen(style.base, 1.0))
        p.setBrush(colour)
        p.drawRoundedRect(rect, 3, 3)
        if late:
            p.setPen(QPen(style.late, 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRoundedRect(rect.adjusted(-2.5, -2.5, 2.5, 2.5), 4.5, 4.5)
        if task.status is TaskStatus.DONE:  # a tick, drawn so it needs no font
            c = rect.center()
            s = min(rect.width(), rect.height()) / 2 - 2
            pen = QPen(QColor("#ffffff"), 1.8)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            p.setPen(pen)
            p.drawPolyline(
                QPolygonF(
                    [
                        QPointF(c.x() - s * 0.8, c.y()),
                        QPointF(c.x() - s * 0.2, c.y() + s * 0.6),
                        QPointF(c.x() + s * 0.9, c.y() - s * 0.7),
                    ]
                )
            )
