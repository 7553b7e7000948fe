"""Lane editing for the roadmap panel: add, rename, collapse and reorder, each undoable."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from pmdesk.gui.commands import CreateCommand, UpdateCommand

from . import dialogs
from .commands import UpdateManyCommand


class LaneActions:
    """Mixed into RoadmapPanel (needs ``model``, ``roadmap`` and ``_run``)."""

    def add_lane(self) -> None:
        name = dialogs.ask_text(self, "New lane", "Name of the lane (a theme, team or product)")
        if name and self.model.product_id is not None:
            order = max((lane.sort_order for lane in self.model.lanes), default=-1) + 1
            fields = {"product_id": self.model.product_id, "name": name, "sort_order": order}
            self._run(CreateCommand(self.roadmap.lanes, fields, f"New lane “{name}”"))

    def set_lane_collapsed(self, lane_id: int, collapsed: bool) -> None:
        verb = "Collapse" if collapsed else "Expand"
        name = self.model.lane_name(lane_id)
        self._run(
            UpdateCommand(
                self.roadmap.lanes, lane_id, {"collapsed": collapsed}, f"{verb} lane “{name}”"
            )
        )

    def move_lane(self, lane_id: int, position: int) -> None:
        order = [lane.id for lane in self.model.lanes if lane.id != lane_id]
        order.insert(max(0, min(position, len(order))), lane_id)
        current = {lane.id: lane.sort_order for lane in self.model.lanes}
        changes = {i: {"sort_order": n} for n, i in enumerate(order) if current[i] != n}
        if changes:
            text = f"Move lane “{self.model.lane_name(lane_id)}”"
            self._run(UpdateManyCommand(self.roadmap.lanes, changes, text))

    def _lane_menu(self, lane_id: int, where: QPoint) -> None:
        index = self.model.lane_index[lane_id]
        lane = self.model.lanes[index]
        menu = QMenu(self)
        menu.addAction(
            "Expand" if lane.collapsed else "Collapse",
            lambda: self.set_lane_collapsed(lane_id, not lane.collapsed),
        )
        menu.addAction("Move up", lambda: self.move_lane(lane_id, index - 1)).setEnabled(index > 0)
        menu.addAction("Move down", lambda: self.move_lane(lane_id, index + 1)).setEnabled(
            index < len(self.model.lanes) - 1
        )
        menu.addAction("Rename…", lambda: self._rename_lane(lane_id))
        menu.addSeparator()
        menu.addAction("New lane…", self.add_lane)
        menu.exec(where)

    def _rename_lane(self, lane_id: int) -> None:
        old = self.model.lane_name(lane_id)
        name = dialogs.ask_text(self, "Rename lane", "Name of the lane", old)
        if name and name != old:
            self._run(
                UpdateCommand(self.roadmap.lanes, lane_id, {"name": name}, f"Rename lane “{old}”")
            )
