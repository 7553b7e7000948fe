"""Text too long to print whole: its beginning, then how much more the workspace holds.

reportlab lays out a paragraph in a table cell in time that grows with the square of its
length (each page the cell flows onto measures the rest again): fifty thousand characters
take ten seconds, a megabyte takes hours. No reader needs a megabyte of a competitor's
strengths on paper, so a document prints the first :data:`PRINT_LIMIT` characters of a
field (about half a page of a table column), cut at a space where one is near, and says how
many characters it left out. The text in the workspace is never changed.
"""

from __future__ import annotations

from pmdesk.core.wording import format_number

PRINT_LIMIT = 3_000  # characters of one field printed at most
NAME_LIMIT = 300  # a name in a heading or a column head
_NEAR = 200  # how far back a space is looked for, so no word is cut in two


def clamp(text: str, limit: int = PRINT_LIMIT) -> str:
    """``text`` as it is when it has at most ``limit`` characters; else its beginning and a
    note of our own saying how many characters are not printed."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = max(head.rfind(" ", limit - _NEAR), head.rfind("\n", limit - _NEAR))
    if space > 0:
        head = head[:space]
    head = head.rstrip()
    left = len(text) - len(head)
    return (
        f"{head} … [{format_number(left, 0)} more characters not printed: "
        "the whole text is in the workspace]"
    )
