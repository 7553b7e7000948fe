"""The readiness summary: share done overall and per function, overdue tasks, the flag."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout

from pmdesk.core.enums import LaunchFunction
from pmdesk.core.wording import plural
from pmdesk.gui.theme import PROBLEM_STYLE
from pmdesk.gui.views.common import heading
from pmdesk.store.services.launch import LaunchReadiness

ALERT_STYLE = "background: #b3261e; color: white; border-radius: 4px; padding: 3px 10px;"
WARN_STYLE = f"{PROBLEM_STYLE} font-weight: 600;"


class ReadinessPanel(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.percent = heading("", 2.0)
        self.detail = QLabel()
        self.overdue = QLabel()
        self.overdue.setStyleSheet(WARN_STYLE)
        # The working calendar's word on the dates: a launch or tasks due on days off.
        self.days_off = QLabel()
        self.days_off.setObjectName("launchDaysOff")
        self.days_off.setWordWrap(True)
        self.days_off.setStyleSheet(WARN_STYLE)
        self.flag = QLabel()
        self.flag.setStyleSheet(ALERT_STYLE)
        left = QVBoxLayout()
        left.addWidget(QLabel("Readiness"))
        left.addWidget(self.percent)
        left.addWidget(self.detail)
        left.addWidget(self.overdue)
        left.addWidget(self.days_off)
        left.addStretch(1)
        self.bars: dict[LaunchFunction, tuple[QProgressBar, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        for row, function in enumerate(LaunchFunction):
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(False)
            bar.setFixedHeight(10)
            count = QLabel()
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(QLabel(function.label), row, 0)
            grid.addWidget(bar, row, 1)
            grid.addWidget(count, row, 2)
            self.bars[function] = (bar, count)
        grid.setColumnStretch(1, 1)
        top = QHBoxLayout()
        top.addLayout(left)
        top.addSpacing(24)
        top.addLayout(grid, 1)
        outer = QVBoxLayout(self)
        outer.addWidget(self.flag)
        outer.addLayout(top)

    def present(self, look: Any, body_px: int) -> None:
        """Bars thick enough to read from the back of the room (undone by ``look``)."""
        for bar, _count in self.bars.values():
            look.call(bar.setFixedHeight, bar.maximumHeight(), max(10, round(body_px * 0.6)))
        # A style sheet fixes the label's font: give the warning the projector's size.
        for label in (self.overdue, self.days_off):
            look.call(
                label.setStyleSheet, label.styleSheet(), f"{WARN_STYLE} font-size: {body_px}px;"
            )

    def show_figures(self, figures: LaunchReadiness | None) -> None:
        if figures is None:
            self.percent.setText("—")
            self.detail.setText("")
            self.overdue.setText("")
            self.days_off.setText("")
            self.flag.hide()
            for bar, count in self.bars.values():
                bar.setValue(0)
                count.setText("")
            return
        overall = figures.overall
        self.percent.setText(f"{overall.percent:.0f}%" if overall.counted else "—")
        self.detail.setText(f"{overall.done} of {plural(overall.counted, 'task')} done")
        late = len(figures.overdue_ids)
        self.overdue.setText(f"{late} overdue task{'s' if late != 1 else ''}" if late else "")
        self.days_off.setText(days_off_text(figures))
        open_tasks = overall.counted - overall.done
        self.flag.setText(
            f"⚑ The launch date has passed with {open_tasks} open "
            f"task{'s' if open_tasks != 1 else ''}"
        )
        self.flag.setVisible(figures.passed_with_open)
        for function, (bar, count) in self.bars.items():
            found = figures.per_function.get(function)
            bar.setValue(round(found.percent) if found else 0)
            count.setText(f"{found.done}/{found.counted}" if found else "—")
            bar.setEnabled(found is not None)


def days_off_text(figures: LaunchReadiness) -> str:
    """What the working calendar says of the dates, in a line or two; "" when all is worked."""
    lines = []
    if figures.launch_day_off:
        lines.append(f"The launch date falls on a day off: {figures.launch_day_off}")
    off = len(figures.due_on_days_off)
    if off:
        lines.append(f"{plural(off, 'open task')} fall{'s' if off == 1 else ''} due on a day off")
    return "\n".join(lines)
