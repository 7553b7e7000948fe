"""The presenter view on the laptop: the audience view small, speaker notes, timer, what's next.

Speaker notes are kept per view in the workspace's settings JSON (the
``WorkspaceInfo`` row), so they travel with the file; each save is one
undoable edit.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.store.services.portfolio import NOTES_KEY, PortfolioService

from .timer import WorkshopTimer, format_remaining

SAVE_DELAY_MS = 800
THUMBNAIL_MS = 1000


def speaker_notes(ctx: AppContext) -> dict[str, str]:
    return ctx.service(PortfolioService).speaker_notes()


def save_speaker_note(ctx: AppContext, view_key: str, text: str) -> bool:
    service = ctx.service(PortfolioService)
    info = service.workspace_info()
    settings = copy.deepcopy(info.settings or {})
    if settings.get(NOTES_KEY, {}).get(view_key, "") == text:
        return False
    settings.setdefault(NOTES_KEY, {})[view_key] = text
    return ctx.run(
        UpdateCommand(service.info, info.id, {"settings": settings}, "Edit speaker notes")
    )


class PresenterWindow(QWidget):
    stepRequested = Signal(int)

    def __init__(self, ctx: AppContext, timer: WorkshopTimer) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("pmdesk — presenter view")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ctx, self.timer = ctx, timer
        self.view_key = ""
        self.audience: QWidget | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        big = QFont(self.title.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.title.setFont(big)
        self.preview = QLabel()
        self.preview.setMinimumSize(480, 270)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setAccessibleName("What the room sees")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Speaker notes")
        self.notes.setTabChangesFocus(True)  # Tab moves on to the buttons, as in a form
        self.notes.setPlaceholderText("Speaker notes for this view (saved in the file)")
        self.clock = QLabel()
        clock_font = QFont(big)
        clock_font.setPointSizeF(big.pointSizeF() * 1.8)
        self.clock.setFont(clock_font)
        self.clock.setAccessibleName("Time left")
        self.next_label = QLabel()
        self.next_label.setTextFormat(Qt.TextFormat.PlainText)
        previous_button, next_button = QPushButton("◀ Previous"), QPushButton("Next ▶")
        previous_button.clicked.connect(lambda: self.stepRequested.emit(-1))
        next_button.clicked.connect(lambda: self.stepRequested.emit(1))
        grid = QGridLayout(self)
        grid.addWidget(self.title, 0, 0, 1, 2)
        grid.addWidget(self.preview, 1, 0)
        grid.addWidget(self.notes, 1, 1)
        grid.addWidget(self.clock, 2, 0)
        grid.addWidget(self.next_label, 2, 1)
        grid.addWidget(previous_button, 3, 0)
        grid.addWidget(next_button, 3, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_notes)
        self.notes.textChanged.connect(self._save_timer.start)
        self._thumb_timer = QTimer(self, interval=THUMBNAIL_MS)
        self._thumb_timer.timeout.connect(self.refresh_preview)
        self._thumb_timer.start()
        timer.ticked.connect(self._show_clock)
        timer.stateChanged.connect(self._show_state)
        self._show_clock(timer.remaining_ms())

    def show_view(self, key: str, title: str, audience: QWidget, next_title: str) -> None:
        self.save_notes()
        self.view_key, self.audience = key, audience
        self.title.setText(title)
        self.next_label.setText(f"Next: {next_title}" if next_title else "Last view")
        self.notes.blockSignals(True)
        self.notes.setPlainText(speaker_notes(self.ctx).get(key, ""))
        self.notes.blockSignals(False)
        self.refresh_preview()

    def save_notes(self) -> None:
        self._save_timer.stop()
        if self.view_key and not self.ctx.read_only:
            save_speaker_note(self.ctx, self.view_key, self.notes.toPlainText())

    def refresh_preview(self) -> None:
        if self.audience is None or not self.isVisible():
            return
        pixmap: QPixmap = self.audience.window().grab()
        self.preview.setPixmap(
            pixmap.scaled(
                self.preview.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _show_state(self) -> None:
        self._show_clock(self.timer.remaining_ms())

    def _show_clock(self, ms: int) -> None:
        paused = not self.timer.running and 0 < ms < self.timer.duration_ms
        state = "  (paused)" if paused else ""
        self.clock.setText(format_remaining(ms) + state)

    def closeEvent(self, event) -> None:
        self.save_notes()
        self._thumb_timer.stop()
        super().closeEvent(event)
