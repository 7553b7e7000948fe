"""The blocks of each canvas template: stored keys (in notes) and their labels, in reading order."""

from __future__ import annotations

from .enums import CanvasTemplate
from .wording import humanise_key

UNSORTED = "to_sort"

BLOCKS: dict[CanvasTemplate, tuple[tuple[str, str], ...]] = {
    CanvasTemplate.PRODUCT_CANVAS: (
        ("target_customers", "Target customers"),
        ("problems", "Problems and needs"),
        ("value_proposition", "Value proposition"),
        ("key_features", "Key features"),
        ("differentiation", "Differentiation and competitors"),
        ("positioning", "Positioning"),
        ("price", "Price"),
        ("channels", "Place and channels"),
        ("promotion", "Promotion"),
        ("goals_kpis", "Business goals and KPIs"),
        ("risks_assumptions", "Risks and assumptions"),
    ),
    CanvasTemplate.LEAN_CANVAS: (
        ("problem", "Problem"),
        ("customer_segments", "Customer segments"),
        ("unique_value_proposition", "Unique value proposition"),
        ("solution", "Solution"),
        ("channels", "Channels"),
        ("revenue_streams", "Revenue streams"),
        ("cost_structure", "Cost structure"),
        ("key_metrics", "Key metrics"),
        ("unfair_advantage", "Unfair advantage"),
    ),
    CanvasTemplate.BUSINESS_MODEL_CANVAS: (
        ("key_partners", "Key partners"),
        ("key_activities", "Key activities"),
        ("key_resources", "Key resources"),
        ("value_propositions", "Value propositions"),
        ("customer_relationships", "Customer relationships"),
        ("channels", "Channels"),
        ("customer_segments", "Customer segments"),
        ("cost_structure", "Cost structure"),
        ("revenue_streams", "Revenue streams"),
    ),
    CanvasTemplate.PRODUCT_VISION_BOARD: (
        ("vision", "Vision"),
        ("target_group", "Target group"),
        ("needs", "Needs"),
        ("product", "Product"),
        ("business_goals", "Business goals"),
    ),
}


def blocks_of(template: CanvasTemplate | str) -> tuple[tuple[str, str], ...]:
    """The template's blocks, then the tray of notes not yet sorted into one."""
    return (*BLOCKS.get(CanvasTemplate(template), ()), (UNSORTED, "To sort"))


def block_label(key: str, template: CanvasTemplate | str | None = None) -> str:
    """The template's label for a block key; any other key is humanised, never shown raw."""
    templates = [CanvasTemplate(template)] if template else list(CanvasTemplate)
    for candidate in templates:
        for block_key, label in blocks_of(candidate):
            if block_key == key:
                return label
    return humanise_key(key)
