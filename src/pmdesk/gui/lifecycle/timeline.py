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
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from pmdesk.core.enums import Stage
from pmdesk.core.wording import describe_days, short_date
from pmdesk.gui.widgets.fonts import fitting_scale, scaled

MIN_FIT = 0.7  # the chevrons' type shrinks to fit down to this share of the view's


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


@dataclass(frozen=True)
class StageLine:
    """One text a chevron shows, as painted."""

    stage: Stage
    text: str
    font: QFont
    area: QRectF
    ink: QColor


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
        lines = self.lines()
        for stay, rect in zip(self.stays, self._rects(), strict=True):
            self._paint_chevron(painter, stay, rect)
        for line in lines:
            painter.setPen(line.ink)
            painter.setFont(line.font)
            painter.drawText(
                line.area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, line.text
            )
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

    def _tip(self, rect: QRectF) -> float:
        return min(rect.height() / 4, 18.0)

    def _text_area(self, stay: StageStay, rect: QRectF) -> QRectF:
        tip = self._tip(rect)
        first = stay.stage.order == 0
        return rect.adjusted(tip + 6 if not first else 10, 6, -tip - 2, -4)

    def _paint_chevron(self, painter: QPainter, stay: StageStay, rect: QRectF) -> None:
        fill, outline, _ink = self._colours(stay)
        tip = self._tip(rect)
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

    def fonts(self) -> tuple[QFont, QFont]:
        """The stage names' bold font and the details' plain one: the widget's own, or one
        size for every chevron, smaller, so that their words fit (down to ``MIN_FIT`` of the
        widget's type; a narrower window than that cuts them with an ellipsis). A projector
        on a laptop's 1366 pixels shows "Development", not "Developme…"."""
        plain = QFont(self.font())
        bold = QFont(plain)
        bold.setBold(True)
        room = min(  # whole pixels, as the words are cut (``lines``) if they do not fit
            (
                int(self._text_area(stay, rect).width())
                for stay, rect in zip(self.stays, self._rects(), strict=True)
            ),
            default=0,
        )
        factor = min(
            fitting_scale(bold, (stay.stage.label for stay in self.stays), room, MIN_FIT),
            fitting_scale(
                plain, (text for stay in self.stays for text in self._details(stay)), room, MIN_FIT
            ),
        )
        if factor >= 1.0:
            return bold, plain
        return scaled(bold, factor), scaled(plain, factor)

    def lines(self) -> list[StageLine]:
        """Every text the chevrons show, where and how it is drawn (cut with an ellipsis only
        where it does not fit even in the smallest type allowed)."""
        bold, plain = self.fonts()
        line = QFontMetrics(plain).lineSpacing()
        found = []
        for stay, rect in zip(self.stays, self._rects(), strict=True):
            _fill, _outline, ink = self._colours(stay)
            text = self._text_area(stay, rect)
            width = int(text.width())
            found.append(
                StageLine(
                    stay.stage,
                    QFontMetrics(bold).elidedText(
                        stay.stage.label, Qt.TextElideMode.ElideRight, width
                    ),
                    bold,
                    QRectF(text.left(), text.top(), text.width(), line + 2),
                    ink,
                )
            )
            for n, detail in enumerate(self._details(stay), start=1):
                found.append(
                    StageLine(
                        stay.stage,
                        QFontMetrics(plain).elidedText(detail, Qt.TextElideMode.ElideRight, width),
                        plain,
                        QRectF(text.left(), text.top() + n * line + 2, text.width(), line),
                        ink,
                    )
                )
        return found

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
