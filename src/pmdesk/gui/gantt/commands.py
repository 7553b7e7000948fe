"""Undoable roadmap edits that a single gesture makes: each is one step on the undo stack.

Like every command in pmdesk they call services only (``gui/commands.py``):
``apply`` makes the edit and keeps what ``revert`` needs to put things back.
"""

from __future__ import annotations

from typing import Any

from pmdesk.gui.commands import CreateCommand, ServiceCommand
from pmdesk.store.models import RoadmapItem
from pmdesk.store.services.base import Repo
from pmdesk.store.services.roadmap import RoadmapService
from pmdesk.store.snapshot import Snapshot


class UpdateManyCommand(ServiceCommand):
    """Change several rows in one transaction (a multi-select move, a lane reorder)."""

    def __init__(self, repo: Repo, changes: dict[int, dict[str, Any]], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.changes = {i: dict(fields) for i, fields in changes.items()}
        self.previous: dict[int, dict[str, Any]] = {}

    def apply(self) -> None:
        self.previous = self.repo.update_many(self.changes)

    def revert(self) -> None:
        self.repo.update_many(self.previous)


class MoveItemsCommand(UpdateManyCommand):
    """Move or resize roadmap items (dates, and lane when dragged to another one)."""

    def __init__(
        self, roadmap: RoadmapService, changes: dict[int, dict[str, Any]], text: str
    ) -> None:
        super().__init__(roadmap.items, changes, text)


class RescheduleCommand(ServiceCommand):
    """Push every item its dependencies require later, in one step."""

    def __init__(self, roadmap: RoadmapService, product_id: int) -> None:
        super().__init__("Reschedule successors")
        self.roadmap = roadmap
        self.product_id = product_id
        self.previous: dict[int, dict[str, Any]] = {}
        self.moved: dict[int, dict[str, Any]] = {}

    def apply(self) -> None:
        if self.moved:  # redo: the same dates as the first time
            self.roadmap.items.update_many(self.moved)
            return
        self.previous = self.roadmap.reschedule_successors(self.product_id)
        moved = self.roadmap.items.list(RoadmapItem.id.in_(list(self.previous)))
        self.moved = {i.id: {"start_date": i.start_date, "end_date": i.end_date} for i in moved}

    def revert(self) -> None:
        self.roadmap.items.update_many(self.previous)


class DeleteRoadmapCommand(ServiceCommand):
    """Delete items and dependencies together; undo brings back both, same ids."""

    def __init__(
        self, roadmap: RoadmapService, items: list[int], links: list[int], text: str
    ) -> None:
        super().__init__(text)
        self.roadmap = roadmap
        self.item_ids = list(items)
        self.link_ids = list(links)
        self._snapshots: list[tuple[Repo, Snapshot]] = []

    def apply(self) -> None:
        self._snapshots = []
        if self.link_ids:
            self._snapshots.append(
                (self.roadmap.dependencies, self.roadmap.dependencies.delete(self.link_ids))
            )
        if self.item_ids:
            self._snapshots.append((self.roadmap.items, self.roadmap.items.delete(self.item_ids)))

    def revert(self) -> None:
        for repo, snapshot in reversed(self._snapshots):
            repo.restore(snapshot)


class SetBaselineCommand(ServiceCommand):
    """Record every item's dates as a new baseline, which becomes the one compared."""

    def __init__(self, roadmap: RoadmapService, product_id: int, name: str) -> None:
        super().__init__(f"Set baseline “{name}”")
        self.roadmap = roadmap
        self.product_id = product_id
        self.name = name
        self.baseline_id: int | None = None
        self.was_active: list[int] = []
        self._snapshot: Snapshot | None = None

    def apply(self) -> None:
        baselines = self.roadmap.baselines_of(self.product_id)
        self.was_active = [b.id for b in baselines if b.is_active]
        if self._snapshot is None:
            self.baseline_id = self.roadmap.set_baseline(self.product_id, self.name).id
            return
        changes = {i: {"is_active": False} for i in self.was_active}
        if changes:
            self.roadmap.baselines.update_many(changes)
        self.roadmap.baselines.restore(self._snapshot)

    def revert(self) -> None:
        assert self.baseline_id is not None
        self._snapshot = self.roadmap.baselines.delete(self.baseline_id)
        changes = {i: {"is_active": True} for i in self.was_active if i != self.baseline_id}
        if changes:
            self.roadmap.baselines.update_many(changes)


class ChooseBaselineCommand(UpdateManyCommand):
    """Compare against another baseline (or none): exactly one is active at a time."""

    def __init__(self, roadmap: RoadmapService, product_id: int, baseline_id: int | None) -> None:
        changes = {
            b.id: {"is_active": b.id == baseline_id}
            for b in roadmap.baselines_of(product_id)
            if b.is_active != (b.id == baseline_id)
        }
        name = next((b.name for b in roadmap.baselines_of(product_id) if b.id == baseline_id), None)
        text = f"Compare with baseline “{name}”" if name else "Hide the baseline"
        super().__init__(roadmap.baselines, changes, text)


class FirstLaneItemCommand(ServiceCommand):
    """A product with no lane yet: make the lane and the first item in it, one undo step.

    "New item" then always works; the person renames the lane when they know its theme.
    """

    def __init__(
        self, roadmap: RoadmapService, product_id: int, lane_name: str, item_fields: dict[str, Any]
    ) -> None:
        super().__init__(f"New lane “{lane_name}” and its first item")
        self.lane = CreateCommand(
            roadmap.lanes, {"product_id": product_id, "name": lane_name, "sort_order": 0}, ""
        )
        self.items = roadmap.items
        self.item_fields = dict(item_fields)
        self.item: CreateCommand | None = None

    @property
    def entity_id(self) -> int | None:
        return self.item.entity_id if self.item is not None else None

    def apply(self) -> None:
        self.lane.apply()
        if self.item is None:
            fields = {**self.item_fields, "lane_id": self.lane.entity_id}
            self.item = CreateCommand(self.items, fields, "")
        try:
            self.item.apply()
        except Exception:
            self.lane.revert()  # all or nothing: no lane left behind without its item
            raise

    def revert(self) -> None:
        assert self.item is not None
        self.item.revert()
        self.lane.revert()
