"""Stale until shown: a widget off screen does not follow every edit, it catches up when shown.

One mechanism for every view (see ``BaseView.follow_changes``) and for the pages inside one
(a chart tab, the roadmap's board): while the widget is on screen, a change notice is
followed at once; while it is hidden, the notice is only remembered, and the first time the
widget is shown again it follows, once, what it missed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from pmdesk.core.changes import ChangeSet

Follow = Callable[[ChangeSet], None]


def hidden_in_shown_window(widget: QWidget) -> bool:
    """Off screen where a person would see it: another view or page is in front of it.

    A window not shown at all (being built, or in a test) holds nothing back: its widgets
    follow every change as they come.
    """
    return not widget.isVisible() and widget.window().isVisible()


class StaleUntilShown(QObject):
    """Holds change notices for ``widget`` while it is off screen; follows them once when shown.

    ``follow`` gets, when the widget is shown again, the one notice it missed, or, when it
    missed several, a reload of every kind they touched (``ChangeSet.everything``: views read
    those kinds again, keeping their place) — never the same edits replayed one by one.
    ``off_screen`` says when to hold back (default: hidden in a window on screen); a page
    that becomes current without a show event (its window not shown) calls :meth:`catch_up`.
    """

    def __init__(
        self,
        widget: QWidget,
        follow: Follow,
        *,
        off_screen: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._follow = follow
        self._off_screen = off_screen or (lambda: hidden_in_shown_window(widget))
        self._missed: list[ChangeSet] = []
        widget.installEventFilter(self)

    @property
    def stale(self) -> bool:
        """True while the widget has changes to catch up on."""
        return bool(self._missed)

    def changed(self, changes: ChangeSet) -> None:
        """A committed change: follow it now, or when the widget is next shown."""
        if self._off_screen():
            self._missed.append(changes)
            return
        self.catch_up()  # shown without a show event (a page made current): missed ones first
        self._follow(changes)

    def mark(self) -> None:
        """Anything may have changed (a product switched, a filter): catch up when shown."""
        self.changed(ChangeSet.everything())

    def catch_up(self) -> None:
        """Follow what was missed while off screen, once (nothing, if nothing was)."""
        if not self._missed:
            return
        missed, self._missed = self._missed, []
        if len(missed) == 1:
            self._follow(missed[0])
        else:
            self._follow(ChangeSet.everything(set().union(*(m.kinds for m in missed))))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self._missed:
            self.catch_up()
        return False
