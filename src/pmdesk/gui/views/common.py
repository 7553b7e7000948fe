"""Small helpers the views share: headings, names that are not taken, default rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.widgets.elided import ElidedLabel
from pmdesk.gui.widgets.heading import Heading

if TYPE_CHECKING:  # the store loads after a file's first view is drawn (store/early.py)
    from pmdesk.store.queries import TableQuery
    from pmdesk.store.services.base import Repo

# Overdue dates (a contact, a launch task): readable on light and dark palettes alike.
OVERDUE = "#E53935"


def heading(text: str = "", scale: float = 1.35) -> Heading:
    return Heading(text, scale)


def quiet(text: str = "") -> QLabel:
    """Secondary text, in the palette's quieter colour; one line of it is cut with “…”
    rather than widen the window (a long name, the projector's type)."""
    label = ElidedLabel(text)
    label.setEnabled(False)
    return label


def tabs(*pages: tuple[QWidget, str], name: str = "") -> QTabWidget:
    """Pages in tabs; ``name`` is what a screen reader calls them (else the tabs' titles)."""
    widget = QTabWidget()
    widget.setDocumentMode(True)
    widget.setAccessibleName(name or " · ".join(title for _page, title in pages))
    for page, title in pages:
        widget.addTab(page, title)
    return widget


def accessible_name(widget: QWidget) -> str:
    """What a screen reader calls the widget (its own name, text or buddy label)."""
    # Qt builds QAccessible's Python type when it is first named: 2 ms of a cold start
    # that opens a file on a view with no spin box, combo or list to name.
    from PySide6.QtGui import QAccessible

    found = QAccessible.queryAccessibleInterface(widget)
    return found.text(QAccessible.Text.Name) if found is not None else ""


def name_parts(root: QWidget) -> None:
    """Give the parts Qt builds inside a control the control's own name.

    A spin box's text field, an editable combo's line edit and a view's viewport
    take focus themselves; unnamed, a screen reader announces them as nothing.
    """
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QAbstractSpinBox):
            parts = [widget.findChild(QLineEdit)]
        elif isinstance(widget, QComboBox) and widget.isEditable():
            parts = [widget.lineEdit()]
        elif isinstance(widget, QAbstractScrollArea):
            parts = [widget.viewport()]
        else:
            continue
        name = accessible_name(widget)
        for part in parts:
            if part is not None and name and not part.accessibleName():
                part.setAccessibleName(name)


def unique_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or "base 2", "base 3"... whichever is free (ignoring case)."""
    used = {name.casefold() for name in taken}
    if base.casefold() not in used:
        return base
    number = 2
    while f"{base} {number}".casefold() in used:
        number += 1
    return f"{base} {number}"


def free_name(repo: Repo, base: str, field: str = "name", **scope: Any) -> str:
    from pmdesk.store.queries import texts

    return unique_name(base, texts(repo, field, **scope))


def next_order(repo: Repo, field: str = "sort_order", **scope: Any) -> int:
    from pmdesk.store.queries import max_value

    current = max_value(repo, field, **scope)
    return 0 if current is None else int(current) + 1


def create(repo: Repo, description: str, /, **fields: Any) -> CreateCommand:
    """An undoable "add" of one row (the description is the undo text; fields may be "text")."""
    return CreateCommand(repo, fields, description)


def scoped(repo: Repo, product_id: int | None, **scope: Any) -> TableQuery | None:
    """The product's rows of a table, or no rows at all without a product."""
    if product_id is None:
        return None
    from pmdesk.store.queries import TableQuery

    return TableQuery.where_equal(repo, product_id=product_id, **scope)


def today() -> dt.date:
    return dt.date.today()
