"""RoadmapPanel: the Gantt chart, its headers, the side editor and the Now/Next/Later board.

The one widget the Roadmap view embeds. It turns every request of its parts
into an undoable command run through ``AppContext.run`` and listens to
``ctx.changed`` to repaint only what a committed change touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.bulk import CollectorHold
from pmdesk.core.enums import Horizon, ItemKind
from pmdesk.core.timeline import nudge, readable_tiers
from pmdesk.core.wording import plural, short_date
from pmdesk.gui.commands import CreateCommand, LinkCommand, UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.widgets.first_paint import AfterFirstPaint
from pmdesk.gui.widgets.hint import next_step_hint
from pmdesk.gui.widgets.image_export import export_widget
from pmdesk.gui.widgets.stale import StaleUntilShown
from pmdesk.store.roadmap_rows import RoadmapQueries

from . import dialogs
from .board import HorizonBoard
from .commands import (
    ChooseBaselineCommand,
    DeleteRoadmapCommand,
    FirstLaneItemCommand,
    MoveItemsCommand,
    RescheduleCommand,
    SetBaselineCommand,
    UpdateManyCommand,
)
from .editor import ItemEditor
from .headers import CHEVRON_WIDTH, LANE_COLUMN_WIDTH, CornerHeader, LaneHeader, TimeHeader
from .lane_actions import LaneActions
from .legend import RoadmapLegend
from .model import CALENDAR_KINDS, Filter, RoadmapModel
from .moments import MomentGhosts
from .painting import ChartPainter
from .refresh import ChartRefresh
from .scene import ChartScene
from .style import ChartStyle, Fonts
from .toolbar import RoadmapToolbar
from .view import GanttView

if TYPE_CHECKING:
    from pmdesk.store.services.roadmap import RoadmapService

NEW_ITEM_DAYS = 14
FIRST_LANE = "Roadmap"  # the lane "New item" makes when a product has none yet
DETAIL_ZOOM = 2.0  # when the whole plan only fits smaller than this, open here instead
# Links checked for broken ones in one step after a large plan's first paint: 10 to 15 ms
# (about 4 µs a link at 100,000 items), so what is clicked or typed meanwhile waits no
# longer than a frame or so.
LINKS_PER_STEP = 3_000
# A plan read whole with at least this many items and links together is kept from the cycle
# collector until the chart has drawn it, then walked once (core.bulk.CollectorHold); below
# it, the collector's own passes over the plan take a few milliseconds at most.
WALK_AFTER_PAINT_FROM = 5_000
HOLD_AT_MOST_MS = 2_000  # a chart that does not paint (hidden, or gone) lets go by then


class RoadmapPanel(QWidget):
    selectionChanged = Signal()
    statusMessage = Signal(str)
    calendarRequested = Signal()  # the working calendar, from the time scale's menu

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        # Its reads need no store: a file's first view is drawn before the store loads.
        self.model = RoadmapModel(RoadmapQueries(ctx.workspace))
        self._theme = None  # the projector's, while presenting
        self._desk_metrics = self.model.metrics
        self._desk_font = QFont(self.font())
        self.painter = ChartPainter(
            self.model, ChartStyle.from_palette(self.palette()), Fonts(self.font())
        )
        self.scene = ChartScene(self.model, self.painter, self)
        self.chart_refresh = ChartRefresh(self.model, self.painter, self.scene)
        self.lane_actions = LaneActions(self, self.model, lambda: self.roadmap, self._run)
        self.view = GanttView(self.scene)
        self.painter.visible_right = lambda: self.view.visible_scene_rect().right()
        self.time_header = TimeHeader(self.view)
        self.lane_header = LaneHeader(self.view)
        self.editor = ItemEditor(self.model)
        self.board = HorizonBoard(self.model, self.painter)
        self.toolbar = RoadmapToolbar(self, self.model)
        self.legend = RoadmapLegend(self.model, self.painter)
        self.ghosts = MomentGhosts(self, ctx, self.model, self.toolbar)  # a moment's ghost bars
        # On the view, not its viewport: a scroll moves the viewport's children with it.
        self.hint = next_step_hint("", self.view, hidden=False)
        self.hint.setMargin(16)
        self._needs_first_view = False
        self._checking_after_paint = False  # the links' check waits for the chart's paint
        self._build()
        self.board_stale = StaleUntilShown(
            self.board,
            lambda _changes: self.board.refresh(),
            off_screen=lambda: self.pages.currentWidget() is not self.board,
        )
        self._connect()
        self._name_controls()
        # Behind another view, the chart catches up once, when that view is shown again. Not
        # behind its view's other tabs: they read the chart's model (violations, lanes).
        self.stale = StaleUntilShown(self.parentWidget() or self, self._follow)
        ctx.changed.connect(self.stale.changed)
        self._update_actions()

    @property
    def roadmap(self) -> RoadmapService:
        """The roadmap's service, for edits: the store's (loaded after a file's first view)."""
        from pmdesk.store.services.roadmap import RoadmapService

        return self.ctx.service(RoadmapService)

    def _build(self) -> None:
        self.chart_page = QWidget()
        grid = QGridLayout(self.chart_page)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(0)
        self.corner = CornerHeader(self.view)
        grid.addWidget(self.corner, 0, 0)
        grid.addWidget(self.time_header, 0, 1)
        grid.addWidget(self.lane_header, 1, 0)
        grid.addWidget(self.view, 1, 1)
        grid.addWidget(self.legend, 2, 0, 1, 2)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.chart_page)
        self.pages.addWidget(self.board)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 1)
        self.editor.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

    def _name_controls(self) -> None:
        """Let Tab reach every toolbar button (Space presses it), so no roadmap action needs a
        mouse, and name each control for screen readers."""
        for button in self.toolbar.findChildren(QToolButton):
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the overflow » too, when shown
            if button.objectName() == "qt_toolbar_ext_button":
                button.setAccessibleName("More roadmap tools")
            if not button.accessibleName():
                action = button.defaultAction()
                text = action.toolTip() if action is not None else button.text()
                button.setAccessibleName(text.split(" (")[0] or button.text())
        t = self.toolbar
        names = {
            t.lane_filter: "Show lane",
            t.kind_filter: "Show kind",
            t.status_filter: "Show status",
            t.text_filter: "Filter items by name or notes",
            self.view: "Roadmap timeline chart",
            self.time_header: "Time scale",
            self.lane_header: "Lanes",
        }
        for widget, name in names.items():
            widget.setAccessibleName(name)
        self.view.viewport().setAccessibleName("Roadmap timeline chart")

    def _connect(self) -> None:
        t, v = self.toolbar, self.view
        t.show_chart.triggered.connect(lambda: self.show_board(False))
        t.show_board.triggered.connect(lambda: self.show_board(True))
        t.zoom_in.triggered.connect(lambda: v.zoom_by(1))
        t.zoom_out.triggered.connect(lambda: v.zoom_by(-1))
        t.fit.triggered.connect(v.fit_all)
        t.today.triggered.connect(v.show_today)
        t.add_item.triggered.connect(self._add_item)
        t.add_lane.triggered.connect(self.lane_actions.add_lane)
        t.critical.toggled.connect(self.show_critical_path)
        t.reschedule.triggered.connect(self.reschedule_successors)
        t.set_baseline.triggered.connect(self.set_baseline)
        t.show_baseline.toggled.connect(self._show_baseline)
        t.details.toggled.connect(self._show_details)
        t.filterChanged.connect(self.set_filter)
        self.ghosts.changed.connect(self._relayout)
        self.ghosts.statusMessage.connect(self.statusMessage)
        v.changesRequested.connect(self._move)
        v.linkRequested.connect(self._link)
        v.createRequested.connect(self.create_item)
        v.openRequested.connect(self.open_item)
        v.launchTaskRequested.connect(self._launch_task_requested)
        v.deleteRequested.connect(self.delete_selected)
        v.nudgeRequested.connect(self.nudge_selected)
        v.selectionChanged.connect(self._selection_changed)
        v.zoomChanged.connect(lambda _z: self.lane_header.follow_launch())
        self.time_header.calendarRequested.connect(self.calendarRequested)
        lanes = self.lane_actions
        self.lane_header.collapseRequested.connect(lanes.set_lane_collapsed)
        self.lane_header.reorderRequested.connect(lanes.move_lane)
        self.lane_header.menuRequested.connect(lanes.show_menu)
        e = self.editor
        e.changeRequested.connect(self._edit_item)
        e.linkChangeRequested.connect(self._edit_link)
        e.linkDeleteRequested.connect(lambda i: self._delete([], [i]))
        e.requirementToggled.connect(self._toggle_requirement)
        self.board.horizonRequested.connect(self.set_horizon)
        self.board.openRequested.connect(self.open_item)

    def _on_changed(self, changes) -> None:
        """A committed change (edit, undo, redo, a teammate's): the chart repaints what it
        touched (see refresh.py), then the panel's own parts follow."""
        if self.model.product_id is None:
            return
        selection = (set(self.model.selected), set(self.model.selected_links))
        origin = self.scene.scale.origin
        with CollectorHold() as hold:  # the plan may be read again whole (an import undone)
            refresh = self.chart_refresh.apply(changes)
        self._release_after_paint(hold, refresh.reread)
        # The toolbar's lists and the time scale only when what they show changed: a lane
        # folded, or a row added, lays the chart out again but leaves them as they are.
        if refresh.lane_list:
            self.toolbar.fill_lanes()
        if refresh.baselines:
            self.toolbar.fill_baselines(self.compare_baseline)
        if refresh.reread or self.scene.scale.origin != origin:
            self.time_header.update()  # the chart grew to the left: the dates moved under it
        self.lane_header.update()
        self.editor.refresh(refresh.items, refresh.links)
        if refresh.board or refresh.everything:
            self._refresh_board()
        if selection != (self.model.selected, self.model.selected_links):
            self._selection_changed()
        self._update_actions()
        self._check_links_after_paint()  # the plan was read again (a reconnect)

    def _check_links_after_paint(self) -> None:
        """A large plan's links are checked for broken ones as the chart paints those on
        screen (``BrokenLinks``); the rest are checked right after that first paint, on this
        thread, ``LINKS_PER_STEP`` at a time with the window's events in between, and the
        legend then names "Broken dependency" if any is. The chart's links need no repaint:
        those on screen were right when they were drawn. A chart never shown (another tab
        in front) is checked a few seconds on all the same."""
        if self.model.violated.complete or self._checking_after_paint:
            return
        self._checking_after_paint = True
        AfterFirstPaint(self.view.viewport(), self._finish_link_check, latest_ms=5_000)

    def _finish_link_check(self) -> None:
        if not self.model.violated.check_some(LINKS_PER_STEP):
            QTimer.singleShot(0, self, self._finish_link_check)  # the next step
            return
        self._checking_after_paint = False
        self.legend.refresh()

    # -- the public face -------------------------------------------------------------------------

    def _release_after_paint(
        self, hold: CollectorHold, read_whole: bool = True, thaw: bool = True
    ) -> None:
        """The collector back at once, or, after a large plan was read (or its whole critical
        path worked out), once the chart has painted it, with a full pass then (see
        CollectorHold; ``thaw``: over what was frozen before as well)."""
        size = len(self.model.items) + len(self.model.links)
        if not read_whole or size < WALK_AFTER_PAINT_FROM:
            hold.release(walk=False)
            return
        AfterFirstPaint(
            self.view.viewport(), lambda: hold.release(thaw=thaw), latest_ms=HOLD_AT_MOST_MS
        )
        # The chart may go before it paints. (A lambda: Qt would drop a bound method of an
        # object that is not a QObject once nothing else holds the object.)
        QTimer.singleShot(HOLD_AT_MOST_MS, lambda: hold.release(thaw=thaw))

    def set_product(self, product_id: int | None) -> None:
        with CollectorHold() as hold:
            self._set_product(product_id)
        self._release_after_paint(hold)

    def _set_product(self, product_id: int | None) -> None:
        self.model.load(product_id)
        self.painter.forget_colours()
        self.toolbar.fill_lanes()
        self.toolbar.fill_baselines(self.compare_baseline)
        self.scene.rebuild()
        # The lane column and the bars as this plan needs them, before the first view fits
        # the plan to the room they leave (and before the first paint, see lay_out_bars).
        self._restyle_headers(time_scale=False)
        self.view.lay_out_bars()
        self.lane_header.update()
        self.editor.show_selection()
        self._refresh_board()
        self._needs_first_view = True
        if self.view.viewport().width() > 100 and self.isVisible():
            self._first_view()
        self._update_actions()
        self._check_links_after_paint()
        self.selectionChanged.emit()

    def has_selection(self) -> bool:
        if self.pages.currentWidget() is self.board:
            return bool(self.board.selected_ids())
        return bool(self.model.selected or self.model.selected_links)

    def delete_selected(self) -> None:
        if self.pages.currentWidget() is self.board:
            self._delete(self.board.selected_ids(), [])
        else:
            self._delete(sorted(self.model.selected), sorted(self.model.selected_links))

    def _follow(self, changes) -> None:
        self._on_changed(changes)
        self._calendar_changed(changes)  # after the model has applied the change

    def _calendar_changed(self, changes) -> None:
        """Days off shade in the time scale too; a link's check may have changed with them."""
        if self.model.product_id is not None and changes.touches(*CALENDAR_KINDS):
            self.time_header.update()
            self.legend.refresh()

    def set_today(self, today: dt.date) -> None:
        """Which day is today (tests and demos pin it)."""
        self.model.today = today
        self.model.check_links()
        self.scene.update()
        self.time_header.update()
        self._refresh_board()

    def show_board(self, shown: bool) -> None:
        self.pages.setCurrentWidget(self.board if shown else self.chart_page)
        (self.toolbar.show_board if shown else self.toolbar.show_chart).setChecked(True)
        if shown:
            self.board_stale.catch_up()
        self.selectionChanged.emit()

    def set_presentation(self, theme) -> None:
        """Projector look: no editing chrome, type no smaller than the room's minimum, every
        lane on one screen (rows shrunk to the text, then the fullest lanes folded to one
        row), the whole plan in months or quarters that name their year.

        The presentation window enlarges the fonts; the layout must grow with them
        (row heights, bars, label room) or the larger labels would collide.
        """
        self._theme = theme
        presenting = theme is not None
        self.toolbar.setVisible(not presenting)
        if presenting:
            self.editor.hide()
            font = QFont(self.font())
            font.setPixelSize(max(theme.body_px, theme.min_body_px))
            fonts = Fonts(font, small_factor=1.0)
        else:
            fonts = Fonts(QFont(self._desk_font))
        self.model.hide_launch = presenting
        self.painter.whole_labels = presenting
        self.legend.marks_only = presenting
        self.model.folded = set()
        self.time_header.presenting = presenting
        self.painter.set_style(ChartStyle.from_palette(self.palette()), fonts)
        self.board.restyle(round(theme.body_px * 1.25) if presenting else None)
        self._restyle_headers()
        if presenting:
            self._fit_for_room()
        else:
            self.model.metrics = self._desk_metrics
            self._relayout()
            # Fitted once the chart is back at the desk's size: it leaves the projector's
            # window after this, and a fit made now would keep the projector's width.
            self._needs_first_view = True
            if self.isVisible():
                QTimer.singleShot(0, self._first_view)

    def _restyle_headers(self, time_scale: bool = True) -> None:
        """Header heights and the lane column follow the type (large on a projector).

        ``time_scale=False`` after an edit or a selection: the type did not change, so the
        time scale is not painted again (only the lane column may need more room).
        """
        if time_scale:
            self.time_header.restyle()
        fonts = self.painter.fonts
        widest = max((fonts.bold_width(lane.name) for lane in self.model.lanes), default=0)
        need = widest + CHEVRON_WIDTH + fonts.small_width("999") + 34
        share = 0.3 if self._theme is not None else 0.25  # the chart keeps the most room
        most = max(LANE_COLUMN_WIDTH, self.width() * share)
        width = round(min(max(need, LANE_COLUMN_WIDTH), most))
        if width != self.lane_header.width() or self.corner.height() != self.time_header.height():
            self.lane_header.setFixedWidth(width)
            self.corner.setFixedSize(width, self.time_header.height())
        self.legend.refresh()
        # The chart takes its new size now (the headers' and the legend's), not on Qt's posted
        # layout request, which may come after the next paint: the plan would be painted, then
        # again narrower. (Nothing is done when nothing changed.)
        self.chart_page.layout().activate()

    def _fit_for_room(self) -> None:
        """Every lane within the chart's height: rows shrink towards the text's own height,
        then the lanes with the most rows fold into one row each, until all fit."""
        if self._theme is None:
            return
        self._restyle_headers()  # the lane column follows the window's width
        model, desk = self.model, self._desk_metrics
        model.folded = set()  # from scratch: an earlier, smaller window folded more
        line = self.painter.fonts.bold_metrics.height()
        room = max(self.view.viewport().height() - 4, 1)
        full = max(1.0, line / 17.0)  # the desk's rows were made for a ~17 px line

        def lay(factor: float) -> None:
            m = desk.scaled(factor)
            row = max(m.row_height, line * 1.3)
            model.metrics = replace(
                m,
                row_height=row,
                bar_height=min(row - 8, line + 2),
                initiative_height=min(row - 4, line + 6),
                milestone_size=min(row - 10, line),
                collapsed_height=max(m.collapsed_height, line + 14),
                max_label_width=10_000.0,
            )
            model.relayout()

        lay(full)
        if model.layout.height > room:
            lay(max(line * 1.3 / desk.row_height, full * room / model.layout.height))
        while model.layout.height > room:
            rows = [
                (model.layout.row_count(lane.id), lane.id)
                for lane in model.shown_lanes()
                if lane.id not in model.folded and not lane.collapsed
            ]
            rows = [r for r in rows if r[0] > 1]
            if not rows:
                break
            model.folded.add(max(rows)[1])
            model.relayout()
        self.scene.rebuild()
        self.lane_header.update()
        self.time_header.update()
        self._refresh_board()
        self.view.fit_all()

    def view_actions(self) -> list:
        """Actions for the main window's View menu."""
        t = self.toolbar
        return [t.zoom_in, t.zoom_out, t.fit, t.today, t.critical, t.show_board]

    def export_image(self, path: Path | str) -> Path:
        """The chart as shown, as PNG (pixels) or SVG (vector), chosen by the file's suffix.
        A large plan's links are all checked first: the legend on paper names the broken
        ones even when the picture is taken right after the plan was opened."""
        if not self.model.violated.complete:
            self.model.violated.finish()
            self.legend.refresh()
        return export_widget(self.chart_page, path, title="Roadmap")

    def sizeHint(self) -> QSize:
        return QSize(1200, 700)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._restyle_headers()
        self._show_hint()
        if self._theme is not None:
            QTimer.singleShot(0, self._fit_for_room)  # once the view has its new height

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._needs_first_view:
            QTimer.singleShot(0, self._first_view)

    def _first_view(self) -> None:
        """Open on the whole plan when it is readable that way, else around today."""
        if not self._needs_first_view:
            return
        self._needs_first_view = False
        if self._theme is not None:
            self._restyle_headers()
            self._fit_for_room()
            return
        self.view.fit_all()
        if self.scene.scale.px_per_day < DETAIL_ZOOM:
            self.view.set_zoom(DETAIL_ZOOM)
            self.view.show_today()
        self.view.lay_out_bars()  # the zoom's bar now, not after the first paint

    # -- filters and display ---------------------------------------------------------------------

    def set_filter(self, wanted: Filter) -> None:
        self.model.filter = wanted
        self._relayout(same_items=True)
        shown = len(self.model.layout.items)
        if wanted.active:
            self.statusMessage.emit(f"Showing {shown} of {plural(len(self.model.items), 'item')}")
        self._selection_changed()

    def _relayout(self, *, same_items: bool = False) -> None:
        origin = self.scene.scale.origin
        self.model.relayout(same_items=same_items)
        self.scene.rebuild(keep_origin=True)
        self.lane_header.update()
        if not same_items or self.scene.scale.origin != origin:
            self.time_header.update()  # a filter leaves the dates where they were
        self._refresh_board()
        self.legend.refresh()

    def show_critical_path(self, shown: bool) -> None:
        self.model.show_critical = shown
        if self.toolbar.critical.isChecked() != shown:
            self.toolbar.critical.setChecked(shown)
        if shown:
            # The path's schedule is a few objects an item and a link, kept while it shows: on
            # a large plan they are walked once it is drawn, then frozen beside the plan.
            with CollectorHold() as hold:
                self.model.compute_critical()
            self._release_after_paint(hold, thaw=False)
            message = self.model.schedule_error or (
                f"{plural(len(self.model.critical), 'item')} on the critical path"
            )
            self.statusMessage.emit(message)
        self.scene.update()
        self.legend.refresh()

    def _show_baseline(self, shown: bool) -> None:
        self.model.baseline_shown = shown
        self._relayout()

    def _show_details(self, shown: bool) -> None:
        self.editor.setVisible(shown)
        if shown:
            self.editor.show_selection()

    def _refresh_board(self) -> None:
        """The board sorts the items again now if it is in front, else when it is shown."""
        self.board_stale.mark()

    def _selection_changed(self) -> None:
        if self.editor.isVisible():
            self.editor.show_selection()
        self._update_actions()
        self.selectionChanged.emit()

    def _update_actions(self) -> None:
        editable = self.model.product_id is not None and not self.ctx.read_only
        t = self.toolbar
        for action in (t.add_item, t.add_lane, t.reschedule, t.set_baseline):
            action.setEnabled(editable)
        tip = (
            "Add an item to the first lane"
            if self.model.lanes
            else f"No lane yet: makes a lane “{FIRST_LANE}” and the first item in it"
        )
        keys = t.add_item.shortcut().toString()
        t.add_item.setToolTip(f"{tip} ({keys})" if keys else tip)
        self._restyle_headers(time_scale=False)  # lane names whole: the column follows the longest
        self._show_hint()

    def _show_hint(self) -> None:
        """One line saying the next step, while the chart has nothing to show."""
        model = self.model
        if model.product_id is None:
            text = "No product yet — add one in Portfolio (Add product), then plan it here"
        elif not model.lanes:
            text = (
                "No lanes yet — New lane to start (or New item, which makes one), "
                "or import an MS Project plan (File ▸ Import)"
            )
        elif not model.items:
            text = "No items yet — New item, or double-click a lane at a date"
        else:
            text = ""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        if text:
            self.hint.setFont(self.painter.fonts.label)
            self.hint.setFixedWidth(max(200, min(self.view.viewport().width() - 20, 900)))
            self.hint.adjustSize()
            self.hint.move(self.view.viewport().geometry().topLeft() + QPoint(10, 10))
            self.hint.raise_()

    # -- turning requests into commands ----------------------------------------------------------

    def _run(self, command) -> bool:
        if self.ctx.read_only:
            self.statusMessage.emit("This file is open read-only: nothing can be changed")
            return False
        return self.ctx.run(command)

    def _move(self, changes: dict, text: str) -> None:
        self._run(MoveItemsCommand(self.roadmap, changes, text))

    def nudge_selected(self, steps: int) -> None:
        unit = readable_tiers(self.scene.scale.px_per_day)[1]  # one step of the scale shown
        changes = {}
        for item_id in sorted(self.model.selected):
            row = self.model.items[item_id]
            start, end = nudge(row.start, row.end, unit, steps)
            changes[item_id] = {"start_date": start, "end_date": end}
        if changes:
            word = "later" if steps > 0 else "earlier"
            text = f"Nudge {self._names(changes)} {word}"
            self._run(MoveItemsCommand(self.roadmap, changes, text))

    def _names(self, ids) -> str:
        ids = list(ids)
        return f"“{self.model.items[ids[0]].name}”" if len(ids) == 1 else f"{len(ids)} items"

    def _link(self, pred: int, succ: int, suggested) -> None:
        names = self.model.items[pred].name, self.model.items[succ].name
        chosen = dialogs.choose_link_type(self, names[0], names[1], suggested)
        if chosen is None:
            return
        kind, lag = chosen
        fields = {"predecessor_id": pred, "successor_id": succ, "type": kind, "lag_days": lag}
        text = f"Link “{names[0]}” → “{names[1]}”"
        self._run(CreateCommand(self.roadmap.dependencies, fields, text))

    def create_item(self, lane_id: int, start: dt.date) -> int | None:
        fields = {
            "product_id": self.model.product_id,
            "lane_id": lane_id,
            "name": "New feature",
            "kind": ItemKind.FEATURE,
            "start_date": start,
            "end_date": start + dt.timedelta(days=NEW_ITEM_DAYS - 1),
        }
        command = CreateCommand(self.roadmap.items, fields, "New item")
        if not self._run(command):
            return None
        self.view.select([command.entity_id])
        self.open_item(command.entity_id)
        return command.entity_id

    def _add_item(self) -> None:
        lanes = self.model.shown_lanes()
        if lanes:
            self.create_item(lanes[0].id, self.model.today)
        elif not self.model.lanes and self.model.product_id is not None:
            self._first_lane_and_item()
        else:
            self.statusMessage.emit("Every lane is filtered out: show a lane to add an item to it")

    def _first_lane_and_item(self) -> None:
        """No lane yet: make one and the item in it, one undo step, and open the item."""
        start = self.model.today
        fields = {
            "product_id": self.model.product_id,
            "name": "New feature",
            "kind": ItemKind.FEATURE,
            "start_date": start,
            "end_date": start + dt.timedelta(days=NEW_ITEM_DAYS - 1),
        }
        command = FirstLaneItemCommand(self.roadmap, self.model.product_id, FIRST_LANE, fields)
        if self._run(command):
            self.view.select([command.entity_id])
            self.open_item(command.entity_id)

    def open_item(self, item_id: int) -> None:
        if item_id not in self.model.items:
            return
        if self.pages.currentWidget() is self.chart_page and item_id in self.model.layout.items:
            self.view.select([item_id])
            self.view.ensure_item_visible(item_id)
        self.toolbar.details.setChecked(True)
        self.editor.show_item(item_id)
        self.editor.focus_name()

    def _launch_task_requested(self, task_id: int) -> None:
        """Launch tasks are drawn here but belong to the launch plan: say where to edit them."""
        task = self.scene.launch.task(task_id)
        if task is not None:
            self.statusMessage.emit(
                f"“{task.title}” is a launch task ({task.function.label}, "
                f"{task.status.label.lower()}): edit it in the Launch view"
            )

    def _edit_item(self, item_id: int, fields: dict) -> None:
        name = self.model.items[item_id].name
        self._run(UpdateCommand(self.roadmap.items, item_id, fields, f"Edit “{name}”"))

    def _edit_link(self, link_id: int, fields: dict) -> None:
        self._run(UpdateCommand(self.roadmap.dependencies, link_id, fields, "Edit dependency"))

    def _delete(self, items: list[int], links: list[int]) -> None:
        if not items and not links:
            return
        parts = []
        if items:
            parts.append(self._names(items))
        if links:
            parts.append("1 dependency" if len(links) == 1 else f"{len(links)} dependencies")
        self._run(DeleteRoadmapCommand(self.roadmap, items, links, f"Delete {' and '.join(parts)}"))

    def _toggle_requirement(self, item_id: int, requirement_id: int, linked: bool) -> None:
        text = "Link requirement" if linked else "Unlink requirement"
        from pmdesk.store.services.requirements import RequirementService

        service = self.ctx.service(RequirementService)
        self._run(LinkCommand(service, requirement_id, item_id, text, link=linked))

    def set_horizon(self, ids: list[int], horizon: Horizon | None) -> None:
        changes = {i: {"horizon": horizon} for i in ids if self.model.items[i].horizon != horizon}
        if changes:
            where = f"“{horizon.label}”" if horizon else "the column its dates give"
            self._run(
                UpdateManyCommand(
                    self.roadmap.items, changes, f"Move {self._names(changes)} to {where}"
                )
            )

    def reschedule_successors(self) -> None:
        if not self.model.violated:
            self.statusMessage.emit("No dependency is broken: nothing to reschedule")
            return
        self._run(RescheduleCommand(self.roadmap, self.model.product_id))

    def set_baseline(self) -> None:
        default = f"Baseline {short_date(self.model.today)}"
        name = dialogs.ask_text(self, "Set baseline", "Name of the baseline", default)
        if name:
            self._run(SetBaselineCommand(self.roadmap, self.model.product_id, name))

    def compare_baseline(self, baseline_id: int | None) -> None:
        if baseline_id != self.model.baseline_id:
            self._run(ChooseBaselineCommand(self.roadmap, self.model.product_id, baseline_id))
