"""Undoable roadmap edits that a single gesture makes: each is one step on the undo stack.

Like every command in pmdesk they call services only and make their edit once;
undo and redo come from the journal of what it wrote (``gui/commands.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmdesk.gui.commands import ServiceCommand

if TYPE_CHECKING:  # the store loads after a file's first view is drawn (store/early.py)
    from pmdesk.store.services.base import Repo
    from pmdesk.store.services.roadmap import RoadmapService


class UpdateManyCommand(ServiceCommand):
    """Change several rows in one transaction (a multi-select move, a lane reorder)."""

    def __init__(self, repo: Repo, changes: dict[int, dict[str, Any]], text: str) -> None:
        super().__init__(text)
        self.repo = repo
        self.changes = {i: dict(fields) for i, fields in changes.items()}

    def apply(self) -> None:
        self.repo.update_many(self.changes)


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

    def apply(self) -> None:
        self.roadmap.reschedule_successors(self.product_id)


class DeleteRoadmapCommand(ServiceCommand):
    """Delete items and dependencies together; undo brings back both, same ids."""

    def __init__(
        self, roadmap: RoadmapService, items: list[int], links: list[int], text: str
    ) -> None:
        super().__init__(text)
        self.roadmap = roadmap
        self.item_ids = list(items)
        self.link_ids = list(links)

    def apply(self) -> None:
        if self.link_ids:
            self.roadmap.dependencies.delete(self.link_ids)
        if self.item_ids:
            self.roadmap.items.delete(self.item_ids)


class SetBaselineCommand(ServiceCommand):
    """Record every item's dates as a new baseline, which becomes the one compared."""

    def __init__(self, roadmap: RoadmapService, product_id: int, name: str) -> None:
        super().__init__(f"Set baseline “{name}”")
        self.roadmap = roadmap
        self.product_id = product_id
        self.name = name
        self.baseline_id: int | None = None

    def apply(self) -> None:
        self.baseline_id = self.roadmap.set_baseline(self.product_id, self.name).id


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
    Should the item be refused, the lane made for it is taken back too (all or nothing).
    """

    def __init__(
        self, roadmap: RoadmapService, product_id: int, lane_name: str, item_fields: dict[str, Any]
    ) -> None:
        super().__init__(f"New lane “{lane_name}” and its first item")
        self.roadmap = roadmap
        self.lane_fields = {"product_id": product_id, "name": lane_name, "sort_order": 0}
        self.item_fields = dict(item_fields)
        self.entity_id: int | None = None

    def apply(self) -> None:
        lane = self.roadmap.lanes.create(**self.lane_fields)
        self.entity_id = self.roadmap.items.create(**{**self.item_fields, "lane_id": lane.id}).id
