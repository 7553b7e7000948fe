"""Templates shipped as data in resources/templates: canvases, gate criteria, launch checklists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from pmdesk.paths import resource_path

from .enums import CanvasTemplate, LaunchFunction, Stage

TO_SORT = "to_sort"


@dataclass(frozen=True)
class Block:
    key: str
    title: str
    prompt: str
    row: int
    col: int
    rowspan: int
    colspan: int
    # What the block is about ("customers", "problems", ...): switching templates keeps
    # notes in the block of the same meaning.
    meaning: str


@dataclass(frozen=True)
class CanvasLayout:
    key: str
    name: str
    columns: int
    rows: int
    blocks: tuple[Block, ...]

    def block(self, key: str) -> Block | None:
        return next((b for b in self.blocks if b.key == key), None)

    def title_of(self, key: str) -> str:
        found = self.block(key)
        return found.title if found else "To sort" if key == TO_SORT else key.replace("_", " ")


@cache
def canvas_layout(template: CanvasTemplate | str) -> CanvasLayout:
    key = CanvasTemplate(template).value
    data = json.loads(resource_path("templates", "canvas", f"{key}.json").read_text("utf-8"))
    blocks = tuple(Block(**block) for block in data["blocks"])
    return CanvasLayout(data["key"], data["name"], data["columns"], data["rows"], blocks)


def remap_blocks(old: CanvasTemplate | str, new: CanvasTemplate | str) -> dict[str, str]:
    """Old block key -> new block key of the same meaning, or TO_SORT when none matches."""
    target = {b.meaning: b.key for b in canvas_layout(new).blocks}
    mapping = {b.key: target.get(b.meaning, TO_SORT) for b in canvas_layout(old).blocks}
    mapping[TO_SORT] = TO_SORT
    return mapping


@cache
def _gate_criteria() -> dict[str, list[str]]:
    return json.loads(resource_path("templates", "gate_criteria.json").read_text("utf-8"))


def default_gate_criteria(stage: Stage) -> list[str]:
    """The checklist of the gate at the end of ``stage`` (End-of-life has none)."""
    return list(_gate_criteria().get(Stage(stage).value, []))


@dataclass(frozen=True)
class ChecklistTask:
    function: LaunchFunction
    title: str
    offset_days: int


def launch_checklist(tier: int) -> list[ChecklistTask]:
    """The default launch checklist of a tier (1 = major, 3 = minor), due relative to launch."""
    data = json.loads(resource_path("templates", f"launch_tier{tier}.json").read_text("utf-8"))
    return [
        ChecklistTask(LaunchFunction(t["function"]), t["title"], t["offset_days"])
        for t in data["tasks"]
    ]
