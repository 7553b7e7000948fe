"""After a widget's first paint: what can wait until something is on screen."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls ``then`` once, right after ``window``'s first paint has gone out (for the main
    window: its chrome is on screen), or after ``latest_ms`` if no paint comes (a widget
    that is never exposed). ``window`` may be any widget."""

    done = Signal()  # after ``then`` has run

    def __init__(self, window: QWidget, then: Callable[[], None], latest_ms: int = 500) -> None:
        super().__init__(window)
        self._window = window
        self._then: Callable[[], None] | None = then
        window.installEventFilter(self)
        QTimer.singleShot(latest_ms, self, self._run)  # dropped if the widget goes first

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._run)  # after the paint under way is flushed
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self._window.removeEventFilter(self)
            then()
            self.done.emit()
