"""The stage timeline: six chevrons, each with when the product entered and left it.

The current stage is filled with the highlight colour; stages already passed
are tinted, stages still ahead are only outlined. Drawn with the palette, so it
follows the light, dark and presentation themes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from pmdesk.core.enums import Stage
from pmdesk.core.wording import describe_days, short_date


@dataclass(frozen=True)
class StageStay:
    """A stage as the timeline shows it: its first entry, last exit and total days in it."""

    stage: Stage
    entered_on: dt.date | None = None
    left_on: dt.date | None = None
    days: int = 0
    visits: int = 0


def stays(periods: Sequence, current: Stage, today: dt.date) -> list[StageStay]:
    """One StageStay per stage from the product's stage periods (recycled stays add up)."""
    result = []
    for stage in Stage:
        mine = [p for p in periods if p.stage == stage]
        if not mine:
            result.append(StageStay(stage))
            continue
        open_now = stage == current and any(p.left_on is None for p in mine)
        result.append(
            StageStay(
                stage,
                entered_on=min(p.entered_on for p in mine),
                left_on=None
                if open_now
                else max((p.left_on for p in mine if p.left_on), default=None),
                days=sum(((p.left_on or today) - p.entered_on).days for p in mine),
                visits=len(mine),
            )
        )
    return result


class StageTimeline(QWidget):
    stageClicked = Signal(object)  # the Stage under the click

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stays: list[StageStay] = [StageStay(s) for s in Stage]
        self.current: Stage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, stays_: list[StageStay], current: Stage | None) -> None:
        self.stays, self.current = stays_, current
        self.setToolTip("")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).lineSpacing()
        return QSize(900, int(line * 4.6 + 16))

    def minimumSizeHint(self) -> QSize:
        return QSize(420, self.sizeHint().height())

    def _rects(self) -> list[QRectF]:
        width = (self.width() - 4) / len(Stage)
        return [QRectF(2 + i * width, 2, width, self.height() - 4) for i in range(len(Stage))]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        for stay, rect in zip(self.stays, self._rects(), strict=True):
            if rect.contains(event.position()):
                self.stageClicked.emit(stay.stage)
        super().mousePressEvent(event)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stay, rect in zip(self.stays, self._rects(), strict=True):
            self._paint_stage(painter, stay, rect)
        painter.end()

    def _colours(self, stay: StageStay) -> tuple[QColor, QColor, QColor]:
        """Fill, outline and text colours for a current, past or future stage."""
        pal = self.palette()
        if stay.stage == self.current:
            return (
                pal.color(QPalette.ColorRole.Highlight),
                pal.color(QPalette.ColorRole.Highlight),
                pal.color(QPalette.ColorRole.HighlightedText),
            )
        passed = self.current is not None and stay.stage.order < self.current.order
        if stay.visits or passed:
            return (
                pal.color(QPalette.ColorRole.Midlight),
                pal.color(QPalette.ColorRole.Mid),
                pal.color(QPalette.ColorRole.Text),
            )
        return (
            pal.color(QPalette.ColorRole.Base),
            pal.color(QPalette.ColorRole.Mid),
            pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text),
        )

    def _paint_stage(self, painter: QPainter, stay: StageStay, rect: QRectF) -> None:
        fill, outline, ink = self._colours(stay)
        tip = min(rect.height() / 4, 18.0)
        first, last = stay.stage.order == 0, stay.stage.order == len(Stage) - 1
        path = QPainterPath()
        path.moveTo(rect.left(), rect.top())
        path.lineTo(rect.right() - (0 if last else tip), rect.top())
        if not last:
            path.lineTo(rect.right(), rect.center().y())
        path.lineTo(rect.right() - (0 if last else tip), rect.bottom())
        path.lineTo(rect.left(), rect.bottom())
        if not first:
            path.lineTo(rect.left() + tip, rect.center().y())
        path.closeSubpath()
        painter.setPen(QPen(outline, 3 if stay.stage == self.current else 1.2))
        painter.setBrush(fill)
        painter.drawPath(path)
        text = rect.adjusted(tip + 6 if not first else 10, 6, -tip - 2, -4)
        painter.setPen(ink)
        bold = painter.font()
        bold.setBold(True)
        plain = self.font()
        line = QFontMetrics(plain).lineSpacing()
        painter.setFont(bold)
        painter.drawText(
            QRectF(text.left(), text.top(), text.width(), line + 2),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(bold).elidedText(
                stay.stage.label, Qt.TextElideMode.ElideRight, int(text.width())
            ),
        )
        painter.setFont(plain)
        for n, detail in enumerate(self._details(stay), start=1):
            area = QRectF(text.left(), text.top() + n * line + 2, text.width(), line)
            painter.drawText(
                area,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                QFontMetrics(plain).elidedText(
                    detail, Qt.TextElideMode.ElideRight, int(text.width())
                ),
            )

    def _details(self, stay: StageStay) -> list[str]:
        if not stay.visits:  # files from before every product had a starting stage record
            if stay.stage == self.current:
                return ["current stage", "entry date not recorded"]
            if self.current is not None and stay.stage.order < self.current.order:
                return ["passed", "no dates recorded"]
            return ["not reached"]
        current = stay.stage == self.current and stay.left_on is None
        lines = [f"{'since' if current else 'from'} {short_date(stay.entered_on)}"]
        if current:
            lines.append("current stage")
        elif stay.left_on is not None:
            lines.append(f"to {short_date(stay.left_on)}")
        closed_same_day = stay.days == 0 and stay.left_on is not None
        duration = "left the same day" if closed_same_day else describe_days(stay.days)
        lines.append(duration + (f" · {stay.visits} stays" if stay.visits > 1 else ""))
        return lines
