"""The hooks a view may offer the window's menus, and how the window asks whether it does.

The hooks are declared on :class:`~pmdesk.gui.views.base.BaseView` (``export_image``,
``add_product``, ``start_voting``, ``chart_actions``), each with a default that raises
:class:`NotOffered`. A view offers one by overriding it; the window enables the matching
menu action only where ``offers(view, BaseView.<hook>)`` is true, and calls the hook
directly — no name looked up as a string, so a misspelt hook fails where it is written.
"""

from __future__ import annotations

from collections.abc import Callable

from pmdesk.core.errors import PmdeskError


class NotOffered(PmdeskError):
    """A hook called on a view that does not offer it (its menu action is disabled there)."""


def offers(view: object | None, hook: Callable[..., object]) -> bool:
    """Whether ``view`` offers ``hook``, one of BaseView's declared hooks.

    ``offers(view, BaseView.export_image)``: true when the view's class overrides it (a
    stand-in view that is not a BaseView offers what it defines under the hook's name).
    """
    if view is None:
        return False
    found = getattr(type(view), hook.__name__, hook)
    return callable(found) and found is not hook
