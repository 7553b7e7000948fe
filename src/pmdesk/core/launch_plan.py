"""The positioning statement, assembled from its parts the same way on screen and on paper.

Due dates relative to the launch and readiness are in :mod:`pmdesk.core.launch`.
"""

from __future__ import annotations

POSITIONING_PARTS = ("target", "need", "category", "benefit", "alternative", "differentiator")


def positioning_statement(
    product: str,
    target: str = "",
    need: str = "",
    category: str = "",
    benefit: str = "",
    alternative: str = "",
    differentiator: str = "",
) -> str:
    """Geoffrey Moore's template; an empty part shows as its [placeholder] so gaps are visible."""

    def part(value: str, name: str) -> str:
        value = value.strip().rstrip(".")
        return value if value else f"[{name}]"

    first = (
        f"For {part(target, 'target')} who {part(need, 'need')}, {part(product, 'product')}"
        f" is {_a(part(category, 'category'))} that {part(benefit, 'benefit')}."
    )
    second = (
        f"Unlike {part(alternative, 'alternative')}, it {part(differentiator, 'differentiator')}."
    )
    return f"{first} {second}"


def _a(noun: str) -> str:
    if noun.startswith("[") or noun.lower().startswith(("a ", "an ", "the ")):
        return f"a {noun}" if noun.startswith("[") else noun
    return f"an {noun}" if noun[:1].lower() in "aeiou" else f"a {noun}"
