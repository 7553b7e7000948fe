"""Lane editing for the roadmap panel: add, rename, collapse and reorder, each undoable."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from pmdesk.gui.commands import CreateCommand, UpdateCommand

from . import dialogs
from .commands import UpdateManyCommand

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoCommand

    from pmdesk.store.services.roadmap import RoadmapService

    from .model import RoadmapModel


class LaneActions:
    """The panel owns one: it asks its questions over ``parent`` and runs each edit through
    ``run`` (the panel's way of running an undoable command)."""

    def __init__(
        self,
        parent: QWidget,
        model: RoadmapModel,
        roadmap: Callable[[], RoadmapService],
        run: Callable[[QUndoCommand], bool],
    ) -> None:
        self.parent = parent
        self.model = model
        self.roadmap = roadmap
        self.run = run

    def add_lane(self) -> None:
        name = dialogs.ask_text(
            self.parent, "New lane", "Name of the lane (a theme, team or product)"
        )
        if name and self.model.product_id is not None:
            order = max((lane.sort_order for lane in self.model.lanes), default=-1) + 1
            fields = {"product_id": self.model.product_id, "name": name, "sort_order": order}
            self.run(CreateCommand(self.roadmap().lanes, fields, f"New lane “{name}”"))

    def set_lane_collapsed(self, lane_id: int, collapsed: bool) -> None:
        verb = "Collapse" if collapsed else "Expand"
        name = self.model.lane_name(lane_id)
        self.run(
            UpdateCommand(
                self.roadmap().lanes, lane_id, {"collapsed": collapsed}, f"{verb} lane “{name}”"
            )
        )

    def move_lane(self, lane_id: int, position: int) -> None:
        order = [lane.id for lane in self.model.lanes if lane.id != lane_id]
        order.insert(max(0, min(position, len(order))), lane_id)
        current = {lane.id: lane.sort_order for lane in self.model.lanes}
        changes = {i: {"sort_order": n} for n, i in enumerate(order) if current[i] != n}
        if changes:
            text = f"Move lane “{self.model.lane_name(lane_id)}”"
            self.run(UpdateManyCommand(self.roadmap().lanes, changes, text))

    def show_menu(self, lane_id: int, where: QPoint) -> None:
        """The lane header's context menu: collapse, move, rename, add."""
        index = self.model.lane_index[lane_id]
        lane = self.model.lanes[index]
        menu = QMenu(self.parent)
        menu.addAction(
            "Expand" if lane.collapsed else "Collapse",
            lambda: self.set_lane_collapsed(lane_id, not lane.collapsed),
        )
        menu.addAction("Move up", lambda: self.move_lane(lane_id, index - 1)).setEnabled(index > 0)
        menu.addAction("Move down", lambda: self.move_lane(lane_id, index + 1)).setEnabled(
            index < len(self.model.lanes) - 1
        )
        menu.addAction("Rename…", lambda: self.rename_lane(lane_id))
        menu.addSeparator()
        menu.addAction("New lane…", self.add_lane)
        menu.exec(where)

    def rename_lane(self, lane_id: int) -> None:
        old = self.model.lane_name(lane_id)
        name = dialogs.ask_text(self.parent, "Rename lane", "Name of the lane", old)
        if name and name != old:
            self.run(
                UpdateCommand(self.roadmap().lanes, lane_id, {"name": name}, f"Rename lane “{old}”")
            )
