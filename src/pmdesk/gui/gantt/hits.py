"""What lies under a point of the chart: an end of a bar, a bar, a link handle, a link, a lane.

Found in the core layout by binary search in the row under the point, so a
click costs the same with 20 items or 20,000.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF

from pmdesk.core.enums import DependencyType
from pmdesk.core.gantt_layout import distance_to_route

from .scene import ChartScene

EDGE_PX = 5.0  # grab an end of a bar this close to it to resize
HANDLE_PX = (3.0, 14.0)  # link handles sit this far outside a bar's ends
LINK_PICK_PX = 4.0

LINK_TYPE_BY_ENDS = {
    ("finish", "start"): DependencyType.FINISH_TO_START,
    ("start", "start"): DependencyType.START_TO_START,
    ("finish", "finish"): DependencyType.FINISH_TO_FINISH,
    ("start", "finish"): DependencyType.START_TO_FINISH,
}


class Hit(NamedTuple):
    """What is under a point: zone is bar, start, end, link-start, link-finish, link, lane,
    launch (the read-only launch lane, ``task_id`` the launch task if one is there) or ''."""

    zone: str
    item_id: int | None = None
    link_id: int | None = None
    lane_id: int | None = None
    task_id: int | None = None


def hit_test(chart: ChartScene, pos: QPointF, *, links: bool = True) -> Hit:
    """What lies under a scene position: ends and bars first, then links, then lanes.
    ``links=False``: the links are not looked at (a new link being dragged ends on an item,
    and on a zoomed-in screen the links drawn are hundreds to measure at every move)."""
    layout, scale = chart.model.layout, chart.scale
    x, y = pos.x(), pos.y()
    row = layout.row_at(y)
    if row is not None:
        day = scale.ordinal_at(x)
        slop = (HANDLE_PX[1] + 2) / scale.px_per_day
        found = _hit_row(chart, row, day, slop, x, y)
        if found is not None:
            return found
    if chart.launch.contains_y(y):
        task = chart.launch.task_at(x, y)
        return Hit("launch", task_id=task.id if task is not None else None)
    link_id = link_at(chart, pos) if links else None
    if link_id is not None:
        return Hit("link", link_id=link_id)
    box = layout.lane_at(y)
    return Hit("lane", lane_id=box.lane_id) if box is not None else Hit("")


def _hit_row(
    chart: ChartScene, row: tuple[int, int], day: float, slop: float, x: float, y: float
) -> Hit | None:
    layout, scale = chart.model.layout, chart.scale
    ids = layout.row_items(row[0], row[1], day - slop, day + slop + 1)
    boxes = [(i, layout.bar(i, scale)) for i in ids]
    for item_id, box in boxes:  # the ends of bars wide enough to grab
        grabbable = box.w >= 3 * EDGE_PX and not layout.items[item_id].is_milestone
        if grabbable and box.contains(x, y, 2):
            if abs(x - box.x) <= EDGE_PX:
                return Hit("start", item_id)
            if abs(x - box.right) <= EDGE_PX:
                return Hit("end", item_id)
    for item_id, box in boxes:
        if box.contains(x, y, 2):
            return Hit("bar", item_id)
    for item_id, box in boxes:
        if not box.y - 4 <= y <= box.bottom + 4:
            continue
        if HANDLE_PX[0] <= x - box.right <= HANDLE_PX[1]:
            return Hit("link-finish", item_id)
        if HANDLE_PX[0] <= box.x - x <= HANDLE_PX[1]:
            return Hit("link-start", item_id)
    return None


def link_at(chart: ChartScene, pos: QPointF) -> int | None:
    """The link drawn closest to a point (within a few pixels), if any: a link the screen
    leaves out (a crowded screen, or one zoomed far out, draws only the marked ones) is
    not there to click."""
    shown = (
        chart.visible_area()
        if chart.visible_area is not None
        else QRectF(pos.x() - 300, pos.y() - 300, 600, 600)
    )
    best, best_id = LINK_PICK_PX, None
    for link_id, points in chart.painter.link_routes(chart.scale, shown):
        distance = distance_to_route(points, pos.x(), pos.y())
        if distance <= best:
            best, best_id = distance, link_id
    return best_id
