"""The power/interest grid as a QGraphicsScene, laid out in real pixels for its view.

The scene is rebuilt to the size and font of the widget showing it, so names
are always drawn at the reading size of the moment (large on a projector)
and the label placement (core.label_layout) works with true measurements.
Interest runs across, power up, both 0-10, like the printed map.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import QLineF, QPointF, QRectF, QSizeF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QGraphicsScene

from pmdesk.core.enums import Attitude, Quadrant
from pmdesk.core.label_layout import Box, LabelRequest, layout_labels, short_name
from pmdesk.core.stakeholders import ADVICE, MIDPOINT, SCALE_MAX, STRATEGY, quadrant, snap
from pmdesk.core.wording import short_date
from pmdesk.gui.theme import plain_tooltip
from pmdesk.gui.widgets.fonts import scaled

from .items import DesiredHandle, TextBox, TokenItem, text_size
from .legend import draw_legend
from .style import ATTITUDE_COLOURS, is_dark, quadrant_fill, token_radius

Role = QPalette.ColorRole
TrailPoint = tuple[dt.datetime, float, float]


@dataclass(frozen=True)
class MapOptions:
    show_history: bool = False
    show_desired: bool = True
    editable: bool = True
    faded: frozenset[int] = field(default_factory=frozenset)  # filtered out in the table


def describe(person: Any) -> str:
    """The token's tooltip: who, where they stand, and what that asks of the PM."""
    where = STRATEGY[quadrant(person.power, person.interest)]
    lines = [
        person.name,
        " · ".join(x for x in (person.role, person.department) if x),
        f"Power {person.power:g} · Interest {person.interest:g} · "
        f"{Attitude(person.attitude).label}",
        f"Importance {person.importance} of 5 · {where}",
    ]
    if person.desired_power is not None and person.desired_interest is not None:
        lines.append(f"Aim: power {person.desired_power:g} · interest {person.desired_interest:g}")
    return "\n".join(line for line in lines if line)


class MapScene(QGraphicsScene):
    movesRequested = Signal(object)  # {stakeholder id: (power, interest)}
    desiredRequested = Signal(int, float, float)
    activated = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.people: dict[int, Any] = {}
        self.trails: dict[int, list[TrailPoint]] = {}
        self.options = MapOptions()
        self.plot = QRectF(0, 0, 100, 100)
        self.tokens: dict[int, TokenItem] = {}
        self.labels: dict[int, TextBox] = {}
        self.badges: list[tuple[TextBox, tuple[int, ...]]] = []
        self._size = QSizeF(900, 700)
        self._font = QFont()
        self._palette = QPalette()
        self._origins: dict[int, QPointF] = {}
        self._readout: TextBox | None = None

    # -- inputs --------------------------------------------------------------------------

    def set_people(self, people: list[Any], trails: dict[int, list[TrailPoint]]) -> None:
        self.people = {p.id: p for p in people}
        self.trails = trails
        self.relayout()

    def set_options(self, **changes: Any) -> None:
        self.options = replace(self.options, **changes)
        self.relayout()

    def configure(self, size: QSizeF, font: QFont, palette: QPalette) -> None:
        self._size, self._font, self._palette = QSizeF(size), QFont(font), QPalette(palette)
        self.relayout()

    # -- coordinates ---------------------------------------------------------------------

    def at(self, interest: float, power: float) -> QPointF:
        p = self.plot
        return QPointF(
            p.left() + interest / SCALE_MAX * p.width(), p.bottom() - power / SCALE_MAX * p.height()
        )

    def value_at(self, point: QPointF) -> tuple[float, float]:
        """(power, interest) at a scene point, snapped to the grid's one decimal."""
        p = self.plot
        interest = (point.x() - p.left()) / p.width() * SCALE_MAX
        power = (p.bottom() - point.y()) / p.height() * SCALE_MAX
        return snap(power), snap(interest)

    def clamp_to_grid(self, point: QPointF) -> QPointF:
        p = self.plot
        return QPointF(
            min(max(point.x(), p.left()), p.right()), min(max(point.y(), p.top()), p.bottom())
        )

    # -- selection -----------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return sorted(
            item.person_id for item in self.selectedItems() if isinstance(item, TokenItem)
        )

    def select_ids(self, ids: set[int] | list[int]) -> None:
        wanted = set(ids)
        for person_id, token in self.tokens.items():
            token.setSelected(person_id in wanted)

    # -- drags ---------------------------------------------------------------------------

    def drag_started(self) -> None:
        self._origins = {pid: QPointF(t.pos()) for pid, t in self.tokens.items() if t.isSelected()}

    def token_dragged(self, token: TokenItem) -> None:
        if not self._origins:
            return
        label = self.labels.get(token.person_id)
        if label is not None:
            label.hide()
        power, interest = self.value_at(token.pos())
        text = f"Power {power:g} · Interest {interest:g} · {STRATEGY[quadrant(power, interest)]}"
        if self._readout is not None:
            self.removeItem(self._readout)
        width, height = text_size(text, self._font, pad=self._unit * 0.35)
        spot = token.pos() + QPointF(token.radius + 6, -token.radius - height - 4)
        spot.setX(min(spot.x(), self.plot.right() - width))
        spot.setY(max(spot.y(), self.plot.top()))
        self._readout = TextBox(
            text,
            self._font,
            self._ink,
            self._base,
            QRectF(spot, QSizeF(width, height)),
            border=self._palette.color(Role.Highlight),
        )
        self._readout.setZValue(40)
        self.addItem(self._readout)

    def drag_finished(self) -> None:
        origins, self._origins = self._origins, {}
        moved = {}
        for person_id, start in origins.items():
            token = self.tokens.get(person_id)
            if token is not None and QLineF(start, token.pos()).length() > 0.5:
                moved[person_id] = self.value_at(token.pos())
        if moved:
            self.movesRequested.emit(moved)
            self.relayout()  # the file decides where they end up; until then, as it was

    def desired_dropped(self, handle: DesiredHandle) -> None:
        power, interest = self.value_at(handle.pos())
        self.desiredRequested.emit(handle.person_id, power, interest)
        self.relayout()

    # -- building ------------------------------------------------------------------------

    @property
    def _unit(self) -> float:
        return QFontMetricsF(self._font).height()

    @property
    def _ink(self) -> QColor:
        return self._palette.color(Role.Text)

    @property
    def _base(self) -> QColor:
        colour = QColor(self._palette.color(Role.Base))
        colour.setAlpha(225)
        return colour

    def relayout(self) -> None:
        selected = set(self.selected_ids())
        self.blockSignals(True)
        try:
            self.clear()
            self.tokens, self.labels, self.badges, self._readout = {}, {}, [], None
            self.setSceneRect(QRectF(QPointF(0, 0), self._size))
            unit = self._unit
            # Above the grid: the top quadrants' titles; below it: numbers, the bottom
            # quadrants' titles, the axis title and the legend. Titles outside the grid
            # are never hidden by a token, however crowded the corner.
            self.plot = QRectF(
                unit * 2.4,
                unit * 1.5,
                self._size.width() - unit * 3.0,
                self._size.height() - unit * 6.9,
            )
            if self.plot.width() < 50 or self.plot.height() < 50:
                return
            self._grid()
            obstacles = self._quadrant_titles()
            if self.options.show_history:
                self._trails()
            if self.options.show_desired:
                obstacles += self._desired_arrows()
            self._tokens()
            self._labels(obstacles)
            draw_legend(self, self._font, self._palette)
            self.select_ids(selected)
        finally:
            self.blockSignals(False)
        self.selectionChanged.emit()

    def _grid(self) -> None:
        p, unit = self.plot, self._unit
        mid = self.at(MIDPOINT, MIDPOINT)
        quads = {
            Quadrant.KEEP_SATISFIED: QRectF(QPointF(p.left(), p.top()), mid),
            Quadrant.MANAGE_CLOSELY: QRectF(QPointF(mid.x(), p.top()), QPointF(p.right(), mid.y())),
            Quadrant.MONITOR: QRectF(QPointF(p.left(), mid.y()), QPointF(mid.x(), p.bottom())),
            Quadrant.KEEP_INFORMED: QRectF(mid, p.bottomRight()),
        }
        self._quads = quads
        rule = QPen(self._palette.color(Role.Mid), 1.0)
        for quad, rect in quads.items():
            self.addRect(rect, rule, QBrush(quadrant_fill(quad, self._palette))).setZValue(0)
        axis = QPen(self._palette.color(Role.Dark if is_dark(self._palette) else Role.Shadow), 2.0)
        self.addLine(QLineF(mid.x(), p.top(), mid.x(), p.bottom()), axis).setZValue(1)
        self.addLine(QLineF(p.left(), mid.y(), p.right(), mid.y()), axis).setZValue(1)
        small = scaled(self._font, 0.85)
        muted = self._palette.color(Role.PlaceholderText)
        for value in (0, 5, 10):
            x = self.at(value, 0).x()
            self.add_text(
                str(value), small, muted, QRectF(x - unit, p.bottom() + 2, 2 * unit, unit)
            )
            y = self.at(0, value).y()
            self.add_text(
                str(value),
                small,
                muted,
                QRectF(p.left() - unit * 1.2, y - unit / 2, unit, unit),
                align=Qt.AlignmentFlag.AlignRight,
            )
        title = QRectF(p.left(), p.bottom() + unit * 2.35, p.width(), unit * 1.1)
        self.add_text("Interest →", self._font, self._ink, title, bold=True)
        power_title = TextBox(
            "Power →", self._font, self._ink, None, QRectF(0, 0, p.height(), unit * 1.1), bold=True
        )
        power_title.setRotation(-90)
        power_title.setPos(p.left() - unit * 2.35, p.bottom())
        self.addItem(power_title)

    def add_text(
        self,
        text: str,
        font: QFont,
        ink: QColor,
        rect: QRectF,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag | None = None,
        plate: QColor | None = None,
    ) -> TextBox:
        item = TextBox(text, font, ink, plate, rect, bold=bold, align=align)
        item.setZValue(2)
        self.addItem(item)
        return item

    def _quadrant_titles(self) -> list[Box]:
        """Each quadrant's strategy and count beside the grid, its advice too where it fits."""
        unit = self._unit
        small = scaled(self._font, 0.85)
        counts = {quad: 0 for quad in Quadrant}
        for person in self.people.values():
            counts[quadrant(person.power, person.interest)] += 1
        accent = self._palette.color(Role.Highlight)
        muted = self._palette.color(Role.PlaceholderText)
        # The advice shows beside every title or beside none: half the map explained looks odd.
        advise = all(
            text_size(f"{STRATEGY[q].upper()} · {counts[q]}", self._font, bold=True)[0]
            + unit * 1.6
            + text_size(ADVICE[q], small)[0]
            <= rect.width() - unit * 0.8
            for q, rect in self._quads.items()
        )
        for quad, rect in self._quads.items():
            left = quad in (Quadrant.KEEP_SATISFIED, Quadrant.MONITOR)
            top = quad in (Quadrant.KEEP_SATISFIED, Quadrant.MANAGE_CLOSELY)
            y = rect.top() - unit * 1.35 if top else self.plot.bottom() + unit * 1.05
            title = f"{STRATEGY[quad].upper()} · {counts[quad]}"
            width = text_size(title, self._font, bold=True)[0] + 2
            advice_width = text_size(ADVICE[quad], small)[0] + 2
            ink = accent if quad is Quadrant.MANAGE_CLOSELY else self._ink
            x = rect.left() + unit * 0.4 if left else rect.right() - unit * 0.4 - width
            head = self.add_text(title, self._font, ink, QRectF(x, y, width, unit * 1.2), bold=True)
            head.setToolTip(plain_tooltip(ADVICE[quad]))
            if advise:
                ax = x + width + unit * 0.6 if left else x - unit * 0.6 - advice_width
                self.add_text(ADVICE[quad], small, muted, QRectF(ax, y, advice_width, unit * 1.2))
        return []

    def _trails(self) -> None:
        unit = self._unit
        base = self._palette.color(Role.Base)
        for person_id, points in self.trails.items():
            person = self.people.get(person_id)
            if person is None or len(points) < 2:
                continue
            colour = QColor(ATTITUDE_COLOURS[Attitude(person.attitude)])
            path = QPainterPath(self.at(points[0][2], points[0][1]))
            for _when, power, interest in points[1:]:
                path.lineTo(self.at(interest, power))
            path.lineTo(self.at(person.interest, person.power))
            line = QColor(colour)
            line.setAlpha(170)
            pen = QPen(line, max(2.0, unit * 0.16), Qt.PenStyle.SolidLine)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            self.addPath(path, pen).setZValue(4)
            for number, (when, power, interest) in enumerate(points[:-1]):
                r = unit * (0.24 if number == 0 else 0.17)
                centre = self.at(interest, power)
                dot = self.addEllipse(
                    QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r),
                    QPen(colour, 1.5),
                    QBrush(base if number == 0 else colour),
                )
                dot.setZValue(5)
                dot.setToolTip(
                    plain_tooltip(
                        f"{person.name}, {short_date(when)}: power {power:g}, interest {interest:g}"
                    )
                )

    def _desired_arrows(self) -> list[Box]:
        unit = self._unit
        ink = QColor(self._ink)
        ink.setAlpha(190)
        boxes = []
        for person in self.people.values():
            if person.desired_power is None or person.desired_interest is None:
                continue
            start = self.at(person.interest, person.power)
            end = self.at(person.desired_interest, person.desired_power)
            line = QLineF(start, end)
            ring = unit * 0.42
            if line.length() < ring * 2:
                continue
            radius = token_radius(person.importance, unit)
            shaft = QLineF(
                line.pointAt(radius / line.length()), line.pointAt(1 - ring / line.length())
            )
            pen = QPen(ink, max(1.5, unit * 0.11), Qt.PenStyle.DashLine)
            self.addLine(shaft, pen).setZValue(6)
            self._arrow_head(shaft, ink, unit * 0.55)
            handle = DesiredHandle(person.id, ring, ink, self.options.editable)
            handle.setPos(end)
            handle.setToolTip(
                plain_tooltip(
                    f"Where {person.name} should be: power "
                    f"{person.desired_power:g}, interest "
                    f"{person.desired_interest:g} (drag to change)"
                )
            )
            self.addItem(handle)
            boxes.append(Box(end.x() - ring, end.y() - ring, end.x() + ring, end.y() + ring))
        return boxes

    def _arrow_head(self, shaft: QLineF, colour: QColor, size: float) -> None:
        angle = math.atan2(shaft.dy(), shaft.dx())
        tip = shaft.p2()
        path = QPainterPath(tip)
        for turn in (2.6, -2.6):
            path.lineTo(tip + QPointF(size * math.cos(angle + turn), size * math.sin(angle + turn)))
        path.closeSubpath()
        self.addPath(path, QPen(Qt.PenStyle.NoPen), QBrush(colour)).setZValue(6)

    def _tokens(self) -> None:
        unit = self._unit
        outline = self._palette.color(Role.Base)
        highlight = self._palette.color(Role.Highlight)
        for person in self._by_importance():
            token = TokenItem(
                person.id,
                Attitude(person.attitude),
                token_radius(person.importance, unit),
                outline,
                highlight,
                self.options.editable,
            )
            token.setPos(self.at(person.interest, person.power))
            token.setToolTip(plain_tooltip(describe(person)))
            if person.id in self.options.faded:
                token.setOpacity(0.22)
            self.addItem(token)
            self.tokens[person.id] = token

    def _by_importance(self) -> list[Any]:
        return sorted(self.people.values(), key=lambda p: (-p.importance, p.name.casefold(), p.id))

    def _labels(self, obstacles: list[Box]) -> None:
        unit = self._unit
        font = QFont(self._font)
        metrics = QFontMetricsF(font)
        pad = unit * 0.18
        requests, names, shorts = [], {}, {}
        for person in self._by_importance():
            if person.id in self.options.faded:
                continue
            name = metrics.elidedText(person.name, Qt.TextElideMode.ElideRight, unit * 9)
            names[person.id], shorts[person.id] = name, short_name(person.name)
            centre = self.tokens[person.id].pos()
            width, height = text_size(name, font, pad=pad)
            short_width = (
                text_size(shorts[person.id], font, pad=pad)[0]
                if shorts[person.id] != name
                else None
            )
            requests.append(
                LabelRequest(
                    person.id,
                    centre.x(),
                    centre.y(),
                    token_radius(person.importance, unit),
                    width,
                    height,
                    short_width,
                )
            )
        bounds = Box(self.plot.left(), self.plot.top(), self.plot.right(), self.plot.bottom())
        layout = layout_labels(
            requests,
            bounds,
            obstacles=obstacles,
            gap=unit * 0.15,
            badge_size=lambda n: text_size(f"+{n}", font, bold=True, pad=pad * 2),
        )
        for person_id, box in layout.placed.items():
            text = shorts[person_id] if person_id in layout.shortened else names[person_id]
            label = TextBox(
                text, font, self._ink, self._base, QRectF(box.x0, box.y0, box.width, box.height)
            )
            self.addItem(label)
            if person_id in layout.shortened:
                label.setToolTip(plain_tooltip(self.people[person_id].name))
            self.labels[person_id] = label
        highlight = self._palette.color(Role.Highlight)
        for badge in layout.badges:
            item = TextBox(
                badge.text,
                font,
                self._palette.color(Role.HighlightedText),
                highlight,
                QRectF(badge.box.x0, badge.box.y0, badge.box.width, badge.box.height),
                bold=True,
            )
            item.setToolTip(plain_tooltip("\n".join(self.people[k].name for k in badge.keys)))
            item.setZValue(22)
            self.addItem(item)
            self.badges.append((item, badge.keys))
