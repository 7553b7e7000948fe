"""The fixed parts around the chart: the two-tier time scale on top, the lanes on the left.

Both are plain widgets that paint from the view's scroll position and the core
layout, so they stay in place while the chart scrolls under them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

from PySide6.QtCore import QEvent, QLine, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QStaticText,
)
from PySide6.QtWidgets import QApplication, QMenu, QToolTip, QWidget

from pmdesk.core.timeline import (
    SHORTEST_LABEL,
    Tick,
    cut_name,
    next_unit,
    readable_tiers,
    says_years,
    tier_labels,
    unit_start,
    years_over_quarters,
)
from pmdesk.core.wording import long_date

from .launch_lane import ACCENT as LAUNCH_ACCENT
from .launch_lane import LANE_NAME as LAUNCH_NAME
from .view import GanttView

TIER_HEIGHT = 24
LANE_COLUMN_WIDTH = 200
CHEVRON_WIDTH = 26


def periods(scale, first: dt.date, last: dt.date, unit: str) -> list[Tick]:
    """The periods of a unit from first to last, without labels (chosen by width here)."""
    found = []
    day = unit_start(first, unit)
    while day <= last:
        following = next_unit(day, unit)
        x0, x1 = scale.x(day), scale.x(following)
        found.append(Tick(day, x0, x1 - x0))
        day = following
    return found


UPPER_PADDING = 16  # room a name of the upper tier keeps inside its period


def _name_room(tick: Tick, left: float, width: float) -> tuple[float, float]:
    """Where an upper period's name starts on screen and the room it has there, up to the
    header's ``width``: a period's name stays visible while the period scrolls partly out
    to the left, and is never cut by the right edge (cut_name gives a shorter one)."""
    x = tick.x - left
    label_x = max(x, 0) + 8
    return label_x, min(x + tick.width, width) - label_x - 4


class TimeHeader(QWidget):
    """Upper and lower time units (quarter/month, month/week, week/day …) and today.

    Days off of the working calendar are shaded where days show; hovering a day names it
    (a holiday by its name), and the context menu opens the working calendar."""

    calendarRequested = Signal()

    def __init__(self, view: GanttView, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.presenting = False  # months or quarters, each period naming its year
        self.painted: list[str] = []  # the labels of the last paint (tests read them)
        self.spans: list[tuple[float, float]] = []  # where its periods' names lie, left to right
        self._statics: dict[tuple[bool, str], QStaticText] = {}
        self._statics_for = None  # the fonts they were laid out in
        # (scale, unit) -> (first day, last day, period starts, periods) across the chart
        self._periods: dict[tuple, tuple[dt.date, dt.date, list[dt.date], list[Tick]]] = {}
        self.setFixedHeight(2 * TIER_HEIGHT + 16)
        # Every pixel is painted (the header's colour first), so Qt need not paint the widgets
        # behind it first: each zoom and pan repaints the scale.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        view.horizontalScrollBar().valueChanged.connect(self.update)
        view.zoomChanged.connect(self.update)

    def tier_height(self) -> int:
        """A tier is as tall as its text needs (the projector's type is large)."""
        fonts = self.view.chart.painter.fonts
        return max(
            TIER_HEIGHT, round(max(fonts.bold_metrics.height(), fonts.small_metrics.height()) + 8)
        )

    def strip_height(self) -> int:
        """The strip under the scale where the Today badge sits, clear of every label."""
        return round(self.view.chart.painter.fonts.small_metrics.height() + 4)

    def restyle(self) -> None:
        self.setFixedHeight(2 * self.tier_height() + self.strip_height())
        self.update()

    def tiers(self) -> tuple[str, str]:
        chart = self.view.chart
        fonts = chart.painter.fonts
        factor = max(1.0, fonts.small_metrics.height() / 14)
        shortest = {unit: width * factor for unit, width in SHORTEST_LABEL.items()}
        upper, lower = readable_tiers(chart.scale.px_per_day, shortest)
        if self.presenting and lower in ("day", "week"):
            upper, lower = "quarter", "month"  # a room reads months and quarters, not weeks
        return years_over_quarters(
            upper, lower, chart.scale.px_per_day, fonts.bold_width("2026"), UPPER_PADDING
        )

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())

    def day_at(self, x: float) -> dt.date:
        left = self.view.mapToScene(QPoint(0, 0)).x()
        return self.view.chart.scale.date_at(left + x)

    def day_tip(self, day: dt.date) -> str:
        """What the working calendar says of a day: a holiday's name, a day off, extra work."""
        calendar = self.view.chart.model.calendar
        name = calendar.holiday_on(day)
        when = f"{day:%A} {long_date(day)}"
        if name is not None:
            return f"{when}: {name} (holiday)"
        if not calendar.is_working_date(day):
            return f"{when}: not a working day"
        if not calendar.works_on_weekday(day.weekday()):
            extra = next(
                (e.name for e in reversed(calendar.exceptions) if e.first <= day <= e.last), ""
            )
            return f"{when}: a working day" + (f" ({extra})" if extra else "")
        return when

    def contextMenuEvent(self, event) -> None:
        menu = QMenu(self)
        menu.addAction("Working calendar…", self.calendarRequested.emit)
        menu.exec(event.globalPos())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            QToolTip.showText(event.globalPos(), self.day_tip(self.day_at(event.pos().x())), self)
            return True
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        chart = self.view.chart
        style, fonts, scale = chart.painter.style, chart.painter.fonts, chart.scale
        tier = self.tier_height()
        p = QPainter(self)
        p.fillRect(self.rect(), style.header)
        left = self.view.mapToScene(QPoint(0, 0)).x()
        width = self.width()
        first, last = scale.date_at(left), scale.date_at(left + width)
        upper, lower = self.tiers()
        self.painted, self.spans = [], []
        p.setPen(QPen(style.grid_strong, 1))
        p.drawLine(0, tier, width, tier)
        p.drawLine(0, 2 * tier - 1, width, 2 * tier - 1)
        upper_ticks = self._periods_in(scale, first, last, upper) if upper else []
        seen = _name_room(upper_ticks[0], left, width)[1] if upper_ticks else None
        upper_labels = tier_labels(
            upper_ticks,
            upper,
            fonts.bold_width,
            UPPER_PADDING,
            with_year=self.presenting,
            first_room=seen,
        )
        # Lines of a tier in one call, then its names (a name sits inside its period, clear
        # of the lines): one pen each, not two per period.
        p.drawLines(
            [QLine(int(tick.x - left), 0, int(tick.x - left), tier) for tick in upper_ticks]
        )
        p.setFont(fonts.bold)
        p.setPen(style.text)
        top = (tier - fonts.bold_metrics.height()) / 2  # centred in the tier
        for tick, text in zip(upper_ticks, upper_labels, strict=True):
            label_x, room = _name_room(tick, left, width)
            if text and fonts.bold_width(text) > room:  # scrolled partly out: a shorter name
                text = cut_name(
                    text, tick.day, upper, room, fonts.bold_width, with_year=self.presenting
                )
            if text:
                p.drawStaticText(QPointF(label_x, top), self._static(text, fonts, True))
                self.painted.append(text)
                self.spans.append((label_x, label_x + fonts.bold_width(text)))
        p.setFont(fonts.small)
        lower_ticks = self._periods_in(scale, first, last, lower)
        cut = bool(lower_ticks) and lower_ticks[0].x < left  # its name is not drawn
        lower_labels = tier_labels(
            lower_ticks,
            lower,
            fonts.small_width,
            3,
            years_above=says_years(upper_labels, upper_ticks),
            first_room=0.0 if cut else None,
        )
        calendar = chart.model.calendar
        days = lower == "day"
        off = [days and not calendar.is_working_date(tick.day) for tick in lower_ticks]
        for tick, day_off in zip(lower_ticks, off, strict=True):
            if day_off:  # shaded as in the chart under it: a weekend, or a holiday darker
                holiday = calendar.works_on_weekday(tick.day.weekday())
                shade = style.holiday if holiday else style.weekend
                p.fillRect(QRectF(tick.x - left, tier, tick.width, tier - 1), shade)
        p.setPen(QPen(style.grid, 1))
        p.drawLines(
            [QLine(int(tick.x - left), tier, int(tick.x - left), 2 * tier) for tick in lower_ticks]
        )
        top = tier + (tier - fonts.small_metrics.height()) / 2
        pen = None
        for tick, text, day_off in zip(lower_ticks, lower_labels, off, strict=True):
            x = tick.x - left
            if not text or x < 0:
                continue  # a period cut by the left edge would show half its name
            size = fonts.small_width(text)
            centre = x + (tick.width - size) / 2
            if centre + size > width:
                continue  # and one cut by the right edge
            wanted = style.muted if day_off else style.text
            if wanted is not pen:
                p.setPen(wanted)
                pen = wanted
            p.drawStaticText(QPointF(centre, top), self._static(text, fonts, False))
            self.painted.append(text)
            self.spans.append((centre, centre + size))
        self._paint_today(p, chart.today_x() - left, 2 * tier)
        p.end()

    def _periods_in(self, scale, first: dt.date, last: dt.date, unit: str) -> list[Tick]:
        """``periods`` from first to last, cut from the periods of the whole chart, which are
        laid out once per zoom (a zoom back and forth, or a pan, finds them made)."""
        key = (scale, unit)
        found = self._periods.get(key)
        if found is None or first < found[0] or last > found[1]:
            if len(self._periods) >= 16:
                self._periods.clear()
            low = min(first, scale.origin)
            high = max(last, scale.date_at(self.view.chart.width + self.width()))
            made = periods(scale, low, high, unit)
            found = self._periods[key] = (low, high, [tick.day for tick in made], made)
        _low, _high, days, made = found
        return made[max(0, bisect_right(days, first) - 1) : bisect_right(days, last)]

    def _static(self, text: str, fonts, bold: bool) -> QStaticText:
        """A period's name laid out once (the bold or the small type), then only drawn."""
        if self._statics_for is not fonts:
            self._statics_for, self._statics = fonts, {}
        key = (bold, text)
        found = self._statics.get(key)
        if found is None:
            if len(self._statics) > 4000:
                self._statics.clear()
            found = self._statics[key] = QStaticText(text)
            found.setTextFormat(Qt.TextFormat.PlainText)
            found.prepare(font=fonts.bold if bold else fonts.small)
        return found

    def _paint_today(self, p: QPainter, x: float, top: float) -> None:
        """The Today badge in its own strip under the scale: it never covers a period's name,
        and it stays whole at the edges (kept inside, its tip still at today)."""
        if not 0 <= x <= self.width():
            return
        style, fonts = self.view.chart.painter.style, self.view.chart.painter.fonts
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(style.today, 2))
        p.drawLine(QPointF(x, top), QPointF(x, self.height()))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(style.today)
        label = "Today"
        width = fonts.small_metrics.horizontalAdvance(label) + 12
        height = self.height() - top - 2
        left = min(max(x - width / 2, 1), self.width() - width - 1)
        badge = QRectF(left, top + 1, width, height)
        p.drawRoundedRect(badge, height / 2, height / 2)
        p.setPen(Qt.GlobalColor.white)
        p.setFont(fonts.small)
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        self.painted.append(label)


class CornerHeader(QWidget):
    """Above the lane column, level with the time scale: says what the column holds."""

    def __init__(self, view: GanttView, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.setFixedSize(LANE_COLUMN_WIDTH, 2 * TIER_HEIGHT + 16)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self.view.chart.painter
        style, fonts = painter.style, painter.fonts
        p = QPainter(self)
        p.fillRect(self.rect(), style.header)
        p.setPen(QPen(style.grid_strong, 1))
        p.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
        p.setFont(fonts.small)
        p.setPen(style.muted)
        tier = (self.height() - 4) / 2
        p.drawText(
            QRectF(12, tier, self.width() - 24, tier),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            "LANES",
        )
        p.drawText(
            QRectF(12, tier, self.width() - 18, tier),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            "ITEMS",
        )
        p.end()


class LaneHeader(QWidget):
    """Lane names with colour, item count and a chevron to collapse; drag a name to reorder."""

    collapseRequested = Signal(int, bool)  # lane id, collapsed
    reorderRequested = Signal(int, int)  # lane id, new position among the lanes
    menuRequested = Signal(int, QPoint)  # lane id, global position

    def __init__(self, view: GanttView, parent=None) -> None:
        super().__init__(parent)
        self.view = view
        self.model = view.model
        self.setFixedWidth(LANE_COLUMN_WIDTH)
        self.setMouseTracking(True)
        self._press: tuple[int, QPoint] | None = None
        self._drop_index: int | None = None
        self._painted_launch: tuple[float, float, int] | None = None
        view.verticalScrollBar().valueChanged.connect(self.update)

    def _offset(self) -> float:
        return self.view.mapToScene(QPoint(0, 0)).y()

    def lane_at(self, y: float) -> int | None:
        box = self.model.layout.lane_at(y + self._offset())
        return box.lane_id if box is not None else None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = self.view.chart.painter
        style, fonts = painter.style, painter.fonts
        p = QPainter(self)
        p.fillRect(self.rect(), style.header)
        top = self._offset()
        layout = self.model.layout
        for n, box in enumerate(self.model.layout.boxes):
            y = box.top - top
            if y > self.height() or y + box.height < 0:
                continue
            band = QRectF(0, y, self.width(), box.height)
            p.fillRect(band, style.band if n % 2 else style.base)
            p.setPen(QPen(style.grid, 1))
            bottom = y + box.height - 0.5
            p.drawLine(QPointF(0, bottom), QPointF(self.width(), bottom))
            colour = painter.colour_of_lane(box.lane_id)
            p.fillRect(QRectF(0, y, 4, box.height - 1), colour)
            line = fonts.bold_metrics.height()
            line_y = y + min(box.height, max(34, line + 10)) / 2
            self._chevron(p, QPointF(CHEVRON_WIDTH / 2 + 3, line_y), box.collapsed, style.muted)
            count = str(layout.item_count(box.lane_id))
            count_width = fonts.small_metrics.horizontalAdvance(count) + 14
            p.setFont(fonts.bold)
            p.setPen(style.text)
            name_room = self.width() - CHEVRON_WIDTH - 8 - count_width
            name = fonts.elide(self.model.lane_name(box.lane_id), name_room, bold=True)
            p.drawText(
                QRectF(CHEVRON_WIDTH + 4, line_y - line / 2, name_room, line),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                name,
            )
            p.setFont(fonts.small)
            p.setPen(style.muted)
            p.drawText(
                QRectF(self.width() - count_width - 4, line_y - line / 2, count_width, line),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                count,
            )
        launch = self.view.chart.launch
        self._painted_launch = _launch_shape(launch)
        if launch.shown:
            self._paint_launch(p, launch, launch.top - top)
        p.setPen(QPen(style.grid_strong, 1))
        p.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
        if self._drop_index is not None:
            self._paint_drop_line(p, top, style.highlight)
        p.end()

    def follow_launch(self) -> None:
        """After a zoom: the launch lane's rows follow the zoom, the roadmap's lanes do not,
        so the column is painted again only when the launch lane changed shape."""
        if _launch_shape(self.view.chart.launch) != self._painted_launch:
            self.update()

    def _paint_launch(self, p: QPainter, launch, y: float) -> None:
        """The read-only launch lane's name: amber stripe, a lock, where its tasks come from."""
        if y > self.height() or y + launch.height < 0:
            return
        painter = self.view.chart.painter
        style, fonts = painter.style, painter.fonts
        band = QRectF(0, y, self.width(), launch.height)
        tint = QColor(LAUNCH_ACCENT)
        tint.setAlphaF(0.10 if style.dark else 0.06)
        p.fillRect(band, style.base)
        p.fillRect(band, tint)
        p.setPen(QPen(style.grid_strong, 1))
        p.drawLine(QPointF(0, y + 0.5), QPointF(self.width(), y + 0.5))
        p.fillRect(QRectF(0, y + 1, 4, launch.height - 1), LAUNCH_ACCENT)
        line_y = y + 17
        self._lock(p, QPointF(CHEVRON_WIDTH / 2 + 3, line_y), style.muted)
        count = str(len(launch.markers))
        count_width = fonts.small_metrics.horizontalAdvance(count) + 14
        p.setFont(fonts.bold)
        p.setPen(style.text)
        p.drawText(
            QRectF(CHEVRON_WIDTH + 4, line_y - 10, 120, 20),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            LAUNCH_NAME,
        )
        p.setFont(fonts.small)
        p.setPen(style.muted)
        p.drawText(
            QRectF(self.width() - count_width - 4, line_y - 10, count_width, 20),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            count,
        )
        if launch.height >= 44:
            p.drawText(
                QRectF(CHEVRON_WIDTH + 4, line_y + 8, self.width() - CHEVRON_WIDTH - 12, 18),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                "From the launch plan · read-only",
            )

    @staticmethod
    def _lock(p: QPainter, centre: QPointF, colour) -> None:
        """A small padlock (drawn, so it needs no icon font): this lane cannot be edited here."""
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        x, y = centre.x(), centre.y()
        p.setPen(QPen(colour, 1.4))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawArc(QRectF(x - 3.2, y - 6.5, 6.4, 7), 0, 180 * 16)
        p.drawLine(QPointF(x - 3.2, y - 3), QPointF(x - 3.2, y - 1))
        p.drawLine(QPointF(x + 3.2, y - 3), QPointF(x + 3.2, y - 1))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(x - 4.8, y - 1.5, 9.6, 7), 1.5, 1.5)

    @staticmethod
    def _chevron(p: QPainter, centre: QPointF, collapsed: bool, colour) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        x, y = centre.x(), centre.y()
        if collapsed:
            points = [QPointF(x - 2.5, y - 4.5), QPointF(x + 3.5, y), QPointF(x - 2.5, y + 4.5)]
        else:
            points = [QPointF(x - 4.5, y - 2.5), QPointF(x + 4.5, y - 2.5), QPointF(x, y + 3.5)]
        p.drawPolygon(QPolygonF(points))

    def _paint_drop_line(self, p: QPainter, top: float, colour) -> None:
        boxes = self.model.layout.boxes
        index = self._drop_index
        y = (boxes[index].top if index < len(boxes) else boxes[-1].top + boxes[-1].height) - top
        p.setPen(QPen(colour, 3))
        p.drawLine(QPointF(0, y), QPointF(self.width(), y))

    # -- mouse -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        lane_id = self.lane_at(pos.y())
        if lane_id is None:
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.menuRequested.emit(lane_id, event.globalPosition().toPoint())
        elif event.button() == Qt.MouseButton.LeftButton:
            if pos.x() <= CHEVRON_WIDTH + 4:
                box = self.model.layout.box_of[lane_id]
                self.collapseRequested.emit(lane_id, not box.collapsed)
            else:
                self._press = (lane_id, pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        pos = event.position().toPoint()
        if (pos - self._press[1]).manhattanLength() < QApplication.startDragDistance():
            return
        self._drop_index = self._index_at(pos.y())
        self.update()

    def _index_at(self, y: float) -> int:
        scene_y = y + self._offset()
        for n, box in enumerate(self.model.layout.boxes):
            if scene_y < box.top + box.height / 2:
                return n
        return len(self.model.layout.boxes)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, drop = self._press, self._drop_index
        self._press, self._drop_index = None, None
        self.update()
        if press is None or drop is None:
            return
        order = [box.lane_id for box in self.model.layout.boxes]
        current = order.index(press[0])
        target = drop - 1 if drop > current else drop
        if target != current:
            self.reorderRequested.emit(press[0], target)


def _launch_shape(launch) -> tuple[float, float, int]:
    """What the lane column shows of the launch lane: where, how tall, how many tasks."""
    return launch.top, launch.height, len(launch.markers)
