"""The roadmap's toolbar: chart or board, zoom, critical path, baselines and the filter."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLineEdit, QMenu, QToolBar, QToolButton, QWidget

from pmdesk.core.enums import ItemKind, ItemStatus
from pmdesk.core.wording import short_date, short_moment
from pmdesk.gui import theme
from pmdesk.gui.widgets.entity_table import FILTER_DELAY_MS

from .model import Filter, RoadmapModel
from .moments import NO_SNAPSHOTS, VIEW_ONLY


def _action(
    parent: QWidget,
    text: str,
    tip: str,
    shortcut: str | QKeySequence.StandardKey = "",
    checkable: bool = False,
) -> QAction:
    action = QAction(text, parent)
    action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString()})" if shortcut else tip)
    action.setCheckable(checkable)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    parent.addAction(action)
    return action


# Typing in the filter box of a plan this large waits for a pause (the tables' filter
# boxes' own, FILTER_DELAY_MS) before the chart is laid out again: a whole layout of
# 20,000 items takes some 40 ms, more than a frame. Each key then shows at once and the
# chart follows when the typing stops. Return, clearing the box and the other filters
# apply at once; a smaller plan is filtered at every key.
TYPING_PAUSE_FROM = 4_000  # items


class RoadmapToolbar(QToolBar):
    """Actions live here so the main window can put the same ones in its View menu."""

    filterChanged = Signal(object)  # Filter
    # Ghost bars from a moment (a view, no undo): a snapshot's name or a day; None: the
    # compared baseline's again.
    momentChosen = Signal(object)
    dateAsked = Signal()  # "A date…": which day to draw the ghosts from

    def __init__(self, owner: QWidget, model: RoadmapModel) -> None:
        super().__init__("Roadmap", owner)
        self.model = model
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setMovable(False)
        self.show_chart = _action(owner, "Chart", "Show the Gantt chart", checkable=True)
        self.show_board = _action(
            owner, "Now · Next · Later", "Show the items as a board without dates", checkable=True
        )
        group = QActionGroup(self)
        for action in (self.show_chart, self.show_board):
            group.addAction(action)
            self.addAction(action)
        self.show_chart.setChecked(True)
        self.addSeparator()
        self.zoom_out = _action(owner, "−", "Zoom the timeline out", "-")
        self.zoom_in = _action(owner, "+", "Zoom the timeline in", "+")
        self.fit = _action(owner, "Fit", "Fit the whole plan in the window", "F")
        self.today = _action(owner, "Today", "Scroll to today", "Ctrl+T")
        for action in (self.zoom_out, self.zoom_in, self.fit, self.today):
            self.addAction(action)
        self.addSeparator()
        self.add_item = _action(owner, "New item", "Add an item to the first lane", "Ctrl+Shift+N")
        self.add_lane = _action(owner, "New lane", "Add a lane (a theme, team or product)")
        self.addAction(self.add_item)
        self.addAction(self.add_lane)
        self.addSeparator()
        self.critical = _action(
            owner, "Critical path", "Highlight the items that cannot slip", checkable=True
        )
        self.reschedule = _action(
            owner, "Reschedule", "Move every successor that a dependency pushes later, in one step"
        )
        self.addAction(self.critical)
        self.addAction(self.reschedule)
        self.baseline_menu = QMenu("Baseline", self)
        self.baseline_menu.setToolTipsVisible(True)
        self._choose_baseline = None
        self.baseline_menu.aboutToShow.connect(self._refill_baselines)
        self.set_baseline = _action(owner, "Set baseline…", "Record every item's dates now")
        self.show_baseline = _action(
            owner, "Show baseline", "Draw the compared baseline under the bars", checkable=True
        )
        self.show_baseline.setChecked(True)
        # Hiding the ghosts ends a moment's: shown again, they are the baseline's.
        self.show_baseline.toggled.connect(lambda shown: shown or self.momentChosen.emit(None))
        button = QToolButton(self)
        button.setText("Baseline")
        button.setMenu(self.baseline_menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.addWidget(button)
        self.addSeparator()
        self._filters()
        self.addSeparator()
        self.details = _action(
            owner, "Details", "Show the side panel to edit the selection", checkable=True
        )
        self.addAction(self.details)
        theme.tint_overflow(self)

    def _filters(self) -> None:
        self.lane_filter = QComboBox()
        self.lane_filter.setToolTip("Show one lane")
        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", None)
        for kind in ItemKind:
            self.kind_filter.addItem(kind.label, kind.value)
        self.status_filter = QComboBox()
        self.status_filter.addItem("All statuses", None)
        for status in ItemStatus:
            self.status_filter.addItem(status.label, status.value)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter by name or notes")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setMaximumWidth(220)
        # The kind and status boxes keep the width of their fixed lists, worked out when
        # first shown (Qt's default); Zoom and the projector's type work it out again.
        # Following their contents instead (AdjustToContents), each laid the toolbar out
        # again 20 ms after it was built: after the first view's paint.
        for box in (self.lane_filter, self.kind_filter, self.status_filter):
            box.activated.connect(self._emit_filter)
            self.addWidget(box)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(FILTER_DELAY_MS)
        self._typing.timeout.connect(self._emit_filter)
        self.text_filter.textChanged.connect(self._text_changed)
        self.text_filter.returnPressed.connect(self._emit_filter)
        self.addWidget(self.text_filter)
        # The lane box keeps one width: growing with the lane names after the toolbar was laid
        # out, it lay over the kind box at 1366 (long names show whole in its list).
        self.lane_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.lane_filter.setMinimumContentsLength(8)
        self.fill_lanes()

    def fill_lanes(self) -> None:
        current = self.lane_filter.currentData()
        self.lane_filter.blockSignals(True)
        self.lane_filter.clear()
        self.lane_filter.addItem("All lanes", None)
        for lane in self.model.lanes:
            self.lane_filter.addItem(lane.name, lane.id)
        index = self.lane_filter.findData(current)
        self.lane_filter.setCurrentIndex(max(index, 0))
        self.lane_filter.blockSignals(False)
        listing = self.lane_filter.view()
        listing.setMinimumWidth(listing.sizeHintForColumn(0) + 24)
        if current is not None and index < 0:
            self._emit_filter()

    def current_filter(self) -> Filter:
        # Combo boxes hand enum members back as plain strings: turn them back here.
        kind, status = self.kind_filter.currentData(), self.status_filter.currentData()
        return Filter(
            self.lane_filter.currentData(),
            ItemKind(kind) if kind else None,
            ItemStatus(status) if status else None,
            self.text_filter.text(),
        )

    def set_filter(self, wanted: Filter) -> None:
        kind = wanted.kind.value if wanted.kind else None
        status = wanted.status.value if wanted.status else None
        for box, value in (
            (self.lane_filter, wanted.lane_id),
            (self.kind_filter, kind),
            (self.status_filter, status),
        ):
            box.setCurrentIndex(max(box.findData(value), 0))
        self.text_filter.blockSignals(True)
        self.text_filter.setText(wanted.text)
        self.text_filter.blockSignals(False)
        self._emit_filter()

    def _text_changed(self, text: str) -> None:
        if text and len(self.model.items) >= TYPING_PAUSE_FROM:
            self._typing.start()  # again: the chart follows once the typing stops
        else:
            self._emit_filter()

    def _emit_filter(self) -> None:
        self._typing.stop()  # the text as it is now goes with this filter
        self.filterChanged.emit(self.current_filter())

    def fill_baselines(self, choose) -> None:
        """Set baseline…, then one entry per baseline (the compared one checked), then the
        moments ghosts can be drawn from: each snapshot, newest first, and "A date…"."""
        self._choose_baseline = choose
        menu = self.baseline_menu
        menu.clear()
        menu.addAction(self.set_baseline)
        menu.addAction(self.show_baseline)
        moment = self.model.moment
        if self.model.baselines:
            menu.addSection("Compare with")
        for baseline in reversed(self.model.baselines):
            action = menu.addAction(f"{baseline.name} ({short_date(baseline.created_at.date())})")
            action.setCheckable(True)
            action.setChecked(moment is None and baseline.id == self.model.baseline_id)
            action.triggered.connect(lambda _checked=False, b=baseline.id: self._baseline(b))
        self._fill_moments()

    def _refill_baselines(self) -> None:
        """Each time the menu opens: a snapshot taken since is there."""
        if self._choose_baseline is not None:
            self.fill_baselines(self._choose_baseline)

    def _baseline(self, baseline_id: int) -> None:
        self.momentChosen.emit(None)  # a baseline's ghosts again, not a moment's
        if self._choose_baseline is not None:
            self._choose_baseline(baseline_id)

    def _fill_moments(self) -> None:
        menu = self.baseline_menu
        moment = self.model.moment
        menu.addSection("Compare with a moment")
        snapshots = self.model.snapshots() if self.model.product_id is not None else []
        if not snapshots:
            menu.addAction(NO_SNAPSHOTS).setEnabled(False)
        for snap in reversed(snapshots):  # newest first
            day = short_date(snap.at.date())
            action = menu.addAction(f"{snap.name} ({day}, {snap.kind.label.lower()})")
            action.setCheckable(True)
            action.setChecked(moment is not None and moment.since == snap.name)
            action.setToolTip(
                f"Ghost bars: every item's dates as they were at “{snap.name}” "
                f"({short_moment(snap.at)} UTC). {VIEW_ONLY}"
            )
            action.triggered.connect(
                lambda _checked=False, name=snap.name: self.momentChosen.emit(name)
            )
        if moment is not None and isinstance(moment.since, dt.date):
            chosen = menu.addAction(moment.label)
            chosen.setCheckable(True)
            chosen.setChecked(True)
            chosen.setToolTip(f"Ghost bars as the items were when {moment.label} began")
            chosen.triggered.connect(
                lambda _checked=False, d=moment.since: self.momentChosen.emit(d)
            )
        ask = menu.addAction("A date…")
        ask.setToolTip(f"Ghost bars: every item's dates as they were on a day. {VIEW_ONLY}")
        ask.triggered.connect(self.dateAsked)
        ask.setEnabled(self.model.product_id is not None)
        if moment is not None:
            stop = menu.addAction(f"Stop Comparing with {moment.label}")
            stop.setToolTip("Back to the baseline's ghost bars (or none, without a baseline)")
            stop.triggered.connect(lambda: self.momentChosen.emit(None))
