"""The workshop timer: set minutes, start, pause, reset; a large countdown and a flash at zero."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QInputDialog, QWidget

from .theme import OKABE_ITO

TICK_MS = 200
FLASHES = 6


def format_remaining(ms: int) -> str:
    seconds = max(0, (ms + 999) // 1000)  # 0.2 s left still shows 0:01
    return f"{seconds // 60}:{seconds % 60:02d}"


def ask_minutes(parent: QWidget | None, current: float) -> float | None:
    """Ask for the timer's minutes (tests patch this; it is modal)."""
    value, ok = QInputDialog.getDouble(parent, "Workshop timer", "Minutes:", current, 0.1, 180, 1)
    return value if ok else None


class WorkshopTimer(QObject):
    """A countdown measured on the monotonic clock, so a busy GUI thread never slows it."""

    ticked = Signal(int)  # ms remaining
    finished = Signal()
    stateChanged = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.duration_ms = 5 * 60_000
        self._remaining_ms = self.duration_ms
        self._started_at: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def set_minutes(self, minutes: float) -> None:
        self.set_duration_ms(round(minutes * 60_000))

    def set_duration_ms(self, ms: int) -> None:
        self.duration_ms = max(1, int(ms))
        self.reset()

    @property
    def running(self) -> bool:
        return self._started_at is not None

    def remaining_ms(self) -> int:
        if self._started_at is None:
            return self._remaining_ms
        elapsed = (time.monotonic() - self._started_at) * 1000
        return max(0, round(self._remaining_ms - elapsed))

    def start(self) -> None:
        if self.running or self._remaining_ms <= 0:
            return
        self._started_at = time.monotonic()
        self._timer.start(min(TICK_MS, max(1, self._remaining_ms)))
        self.stateChanged.emit()

    def pause(self) -> None:
        if not self.running:
            return
        self._remaining_ms = self.remaining_ms()
        self._started_at = None
        self._timer.stop()
        self.stateChanged.emit()

    def toggle(self) -> None:
        self.pause() if self.running else self.start()

    def reset(self) -> None:
        self._timer.stop()
        self._started_at = None
        self._remaining_ms = self.duration_ms
        self.ticked.emit(self._remaining_ms)
        self.stateChanged.emit()

    def _tick(self) -> None:
        left = self.remaining_ms()
        self.ticked.emit(left)
        if left <= 0:
            self._timer.stop()
            self._started_at = None
            self._remaining_ms = 0
            self.stateChanged.emit()
            self.finished.emit()


class TimerOverlay(QWidget):
    """A large countdown at the right of the band its parent reserves; flashes when time is up.

    The parent is a strip of its own above the presented view (see present.py), so the
    countdown never covers what the room is reading.
    """

    def __init__(self, timer: WorkshopTimer, parent: QWidget) -> None:
        super().__init__(parent)
        self.timer = timer
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName("Workshop timer")
        self.flashing = False
        self._flashes = 0
        self._flash_timer = QTimer(self, interval=250)
        self._flash_timer.timeout.connect(self._flash_step)
        # Bound methods, not lambdas: Qt drops them when this overlay is deleted.
        timer.ticked.connect(self._ticked)
        timer.stateChanged.connect(self._ticked)
        timer.finished.connect(self.flash)
        self.body_px = 28

    def _ticked(self, _ms: int = 0) -> None:
        self.update()

    def set_body_px(self, px: int) -> None:
        self.body_px = px
        self.place()

    def text(self) -> str:
        return format_remaining(self.timer.remaining_ms())

    def place(self) -> None:
        """Right-aligned in the parent band, vertically centred, about 230×80 at 1080 lines."""
        parent = self.parentWidget()
        height = min(round(self.body_px * 2.8), max(1, parent.height() - 8))
        width = round(self.body_px * 8.2)
        right = round(self.body_px * 0.6)  # off the screen's edge, which projectors crop
        self.setGeometry(
            max(0, parent.width() - width - right), (parent.height() - height) // 2, width, height
        )

    def flash(self) -> None:
        """The end cue: the overlay blinks in vermillion for a moment, then stays red."""
        self._flashes = 0
        self.flashing = True
        self._flash_timer.start()
        self.show()
        self.update()

    def _flash_step(self) -> None:
        self._flashes += 1
        self.flashing = not self.flashing if self._flashes < FLASHES * 2 else True
        if self._flashes >= FLASHES * 2:
            self._flash_timer.stop()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        done = self.timer.remaining_ms() == 0
        fill = QColor(OKABE_ITO["vermillion"]) if (done and self.flashing) else QColor("#000000")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(self.rect(), 12, 12)
        font = self.font()
        font.setPixelSize(round(self.body_px * 1.9))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.text())
