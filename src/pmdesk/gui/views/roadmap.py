"""The roadmap: the interactive timeline first, then items, dependencies and lanes as tables.

Stays quick on a 20,000-item roadmap: the items table reads ids first and rows a
block at a time, and item names for the dependency table come from one narrow
query, refreshed only when items change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus, LagUnit, LaneKind
from pmdesk.core.errors import ValidationError
from pmdesk.core.horizon import effective_horizon
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.scheduling import task_duration
from pmdesk.core.wording import describe_days
from pmdesk.core.working_calendar import WorkingCalendar
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt.commands import FirstLaneItemCommand
from pmdesk.gui.gantt.panel import FIRST_LANE, RoadmapPanel
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed, fixed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.image_export import export_widget

from .base import BaseView
from .common import create, free_name, heading, next_order, scoped, tabs, today

if TYPE_CHECKING:  # the store loads after a file's first view is drawn (store/early.py)
    from pmdesk.store.services import RoadmapService

NEW_ITEM_DAYS = 14


def _working_days(row: Any, calendar: WorkingCalendar) -> int:
    """The item's working days in the product's calendar (0 for a milestone)."""
    if row.kind == ItemKind.MILESTONE:
        return 0
    return calendar.working_between(row.start_date.toordinal(), row.end_date.toordinal() + 1)


def _duration_text(days: int, row: Any) -> str:
    if row.kind == ItemKind.MILESTONE:
        return "milestone"
    return f"{days:,} working day{'s' if days != 1 else ''}"


def _duration_tip(days: int, row: Any) -> str | None:
    if row.kind == ItemKind.MILESTONE:
        return None
    span = task_duration(row.start_date.toordinal(), row.end_date.toordinal())  # calendar days
    return (
        f"{_duration_text(days, row)} of the product's working calendar, over {describe_days(span)}"
    )


def _horizon_text(row: Any) -> str:
    if row.horizon is not None:
        return row.horizon.label
    return f"{effective_horizon(None, row.start_date, row.end_date, today()).label} (by dates)"


def _new_start(start: dt.date | None, row: Any) -> dict[str, Any]:
    """Start and end are one pair: a start moved past the end takes the end along, keeping
    the duration (what a PM means by "it starts later"), instead of refusing the cell."""
    if start is None or row.kind == ItemKind.MILESTONE:
        return {"start_date": start, "end_date": start} if start else {"start_date": start}
    if start > row.end_date:
        return {"start_date": start, "end_date": start + (row.end_date - row.start_date)}
    return {"start_date": start}


def _new_end(end: dt.date | None, row: Any) -> dict[str, Any]:
    """An end moved before the start takes the start along, keeping the duration."""
    if end is None or row.kind == ItemKind.MILESTONE:
        return {"start_date": end, "end_date": end} if end else {"end_date": end}
    if end < row.start_date:
        return {"start_date": end - (row.end_date - row.start_date), "end_date": end}
    return {"end_date": end}


def _days_text(lag: int) -> str:
    return f"{lag:+d} days" if abs(lag) != 1 else f"{lag:+d} day"


# MS Project's lag units, as it writes them: a working or an elapsed (e…) minute, hour …
_UNIT_MARKS = {
    LagUnit.MINUTE: "m",
    LagUnit.HOUR: "h",
    LagUnit.WEEK: "w",
    LagUnit.MONTH: "mo",
}
_TENTHS_PER_ELAPSED = {
    LagUnit.MINUTE: 10,
    LagUnit.HOUR: 600,
    LagUnit.WEEK: 100_800,
    LagUnit.MONTH: 432_000,
}
# In working time MS Project's week is 5 working days and its month 20 (its defaults).
_WORKING_DAYS_PER = {LagUnit.WEEK: 5, LagUnit.MONTH: 20}


def _project_lag(row: Any, minutes_per_day: int) -> str:
    """The lag as MS Project gave it ("16 h", "2 ew", "50%"), when it was not whole days and
    is still as imported (an edit of the days clears it); "" otherwise."""
    unit, exact = row.lag_unit, row.lag_exact
    if exact is None or unit is None or unit is LagUnit.DAY:
        return ""
    if unit is LagUnit.PERCENT:
        return f"{exact:+g}%"
    if unit in (LagUnit.MINUTE, LagUnit.HOUR) or row.lag_elapsed:
        per = _TENTHS_PER_ELAPSED[unit]
    else:
        per = _WORKING_DAYS_PER[unit] * minutes_per_day * 10
    amount = round(exact / per, 2)
    mark = ("e" if row.lag_elapsed else "") + _UNIT_MARKS[unit]
    return f"{amount:+g} {mark}"


class RoadmapView(BaseView):
    calendarRequested = Signal()  # "Working calendar…": the main window opens it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.lane_names = Lookup(self._lane_names, (ChangeKind.LANE,))
        self.item_names = Lookup(self._item_names, (ChangeKind.ROADMAP_ITEM,))
        # The product's working calendar (durations count its working days).
        self.calendar = Lookup(
            self._calendar, (ChangeKind.WORK_CALENDAR, ChangeKind.CALENDAR_EXCEPTION)
        )
        # The tables behind the Items, Dependencies and Lanes tabs are built, and filled for
        # the product, when their tab is first shown (or the table is asked for), not on open:
        # a roadmap opens on its timeline without building three tables it does not show,
        # nor reading every item's id three more times. Each tab holds a page its table
        # is built into.
        self._makers: dict[QWidget, Callable[[], EntityTable]] = {}
        self._made: dict[QWidget, EntityTable] = {}
        self._unfilled: set[QWidget] = set()
        self.items_page = self._table_page(self._items_table)
        self.dependencies_page = self._table_page(self._dependencies_table)
        self.lanes_page = self._table_page(self._lanes_table)
        self.title = heading("Roadmap")
        self.content_layout.addWidget(self.title)
        self.chart = RoadmapPanel(ctx, self)
        self.chart.selectionChanged.connect(self.selectionChanged)
        self.chart.statusMessage.connect(self.statusMessage)
        self.chart.calendarRequested.connect(self.calendarRequested)
        self.tabs = tabs(
            (self.chart, "Timeline"),
            (self.items_page, "Items"),
            (self.dependencies_page, "Dependencies"),
            (self.lanes_page, "Lanes"),
        )
        self.tabs.currentChanged.connect(self._fill_shown)
        self.tabs.currentChanged.connect(lambda _index: self.selectionChanged.emit())
        self.content_layout.addWidget(self.tabs, 1)

    @property
    def service(self) -> RoadmapService:
        """The roadmap's service: the store's, loaded after a file's first view is drawn."""
        from pmdesk.store.services import RoadmapService

        return self.ctx.service(RoadmapService)

    def set_presentation(self, theme) -> None:
        """On the projector: the timeline alone, laid out for the large type."""
        presenting = theme is not None
        if presenting:
            self._tab_before = self.tabs.currentIndex()
            self.tabs.setCurrentWidget(self.chart)
        elif getattr(self, "_tab_before", None) is not None:
            self.tabs.setCurrentIndex(self._tab_before)
            self._tab_before = None
        self.tabs.tabBar().setVisible(not presenting)
        self.chart.set_presentation(theme)

    def _chart_shown(self) -> bool:
        return self.tabs.currentWidget() is self.chart

    def delete_selected(self) -> None:
        if self._chart_shown():
            self.chart.delete_selected()
        else:
            super().delete_selected()

    def has_selection(self) -> bool:
        if self._chart_shown():
            return self.chart.has_selection()
        return super().has_selection()

    def chart_actions(self) -> list:
        """The timeline's zoom, fit, today and display actions, for View ▸ Roadmap."""
        return self.chart.view_actions()

    def export_image(self, path: Path) -> Path:
        """The whole timeline (PNG or SVG by suffix) when it is shown, else the table."""
        if self._chart_shown():
            return self.chart.export_image(path)
        return export_widget(self.tabs.currentWidget(), path, title="Roadmap")

    def _table_page(self, make: Callable[[], EntityTable]) -> QWidget:
        page = QWidget(self)
        QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
        self._makers[page] = make
        return page

    def _table(
        self, repo, columns, noun, creator, fit_field: str, edit_field: str | None = None
    ) -> EntityTable:
        model = EntityTableModel(self.ctx, repo, columns, parent=self)
        table = EntityTable(
            model, noun=noun, create=creator, edit_field=edit_field, fit_field=fit_field
        )
        table.view.horizontalHeader().setAccessibleName(f"Columns of the {noun[1]}")
        return self.register(table)

    def _items_table(self) -> EntityTable:
        return self._table(
            lambda: self.service.items,
            self._item_columns(),
            ("item", "items"),
            self._new_item,
            fit_field="name",
        )

    def _dependencies_table(self) -> EntityTable:
        table = self._table(
            lambda: self.service.dependencies,
            self._dependency_columns(),
            ("dependency", "dependencies"),
            self._new_dependency,
            fit_field="successor_id",
            edit_field="predecessor_id",
        )
        table.model.name_of = self._dependency_name
        return table

    def _lanes_table(self) -> EntityTable:
        return self._table(
            lambda: self.service.lanes,
            LANE_COLUMNS,
            ("lane", "lanes"),
            self._new_lane,
            fit_field="name",
        )

    # The tables, built and filled for the current product before they are handed out.

    @property
    def items(self) -> EntityTable:
        return self._filled(self.items_page)

    @property
    def dependencies(self) -> EntityTable:
        return self._filled(self.dependencies_page)

    @property
    def lanes(self) -> EntityTable:
        return self._filled(self.lanes_page)

    def show_table(self, table: EntityTable) -> None:
        """Bring ``table`` (one of :attr:`items`, :attr:`dependencies`, :attr:`lanes`) forward."""
        self.tabs.setCurrentWidget(table.parentWidget())

    def load(self, product_id: int | None) -> None:
        self.chart.set_product(product_id)
        self._unfilled = set(self._makers)
        self._fill_shown()

    def _fill_shown(self, _index: int = -1) -> None:
        """The tab on screen shows the current product's rows (built and filled as it is shown)."""
        shown = self.tabs.currentWidget()
        if shown in self._makers:
            self._filled(shown)

    def _filled(self, page: QWidget) -> EntityTable:
        table = self._made.get(page)
        if table is None:
            table = self._made[page] = self._makers[page]()
            page.layout().addWidget(table)
            table.show()  # (a page on screen shows a new child only when asked)
        if page in self._unfilled:
            self._unfilled.discard(page)
            product_id = self.product_id
            if page is self.dependencies_page:
                query = None
                if product_id is not None:
                    from pmdesk.store.queries import TableQuery

                    query = TableQuery.dependencies_of(self.service.dependencies, product_id)
            else:
                query = scoped(table.model.repo, product_id)
            table.model.set_query(query)
        return table

    # -- columns --------------------------------------------------------------------------

    def _item_columns(self) -> list[Column]:
        return [
            Column("name", "Name", width=30),
            Column("lane_id", "Lane", Kind.CHOICE, choices=self.lane_names, width=16),
            Column("kind", "Kind", Kind.ENUM, enum=ItemKind, width=10),
            Column("start_date", "Start", Kind.DATE, to_changes=_new_start),
            Column("end_date", "End", Kind.DATE, to_changes=_new_end),
            computed(
                "duration",
                "Duration",
                self._duration,
                kind=Kind.INT,
                display=lambda row: _duration_text(self._duration(row), row),
                tooltip=lambda row: _duration_tip(self._duration(row), row),
                lookups=(self.calendar,),
                width=18,
                header_tip="Working days, counted in the product's working calendar "
                "(Edit ▸ Working Calendar…)",
            ),
            Column(
                "progress", "Progress", Kind.PERCENT, minimum=0, maximum=100, decimals=0, width=8
            ),
            Column("status", "Status", Kind.ENUM, enum=ItemStatus, width=11),
            Column(
                "horizon",
                "Horizon",
                Kind.ENUM,
                enum=Horizon,
                nullable=True,
                none_label="By dates",
                display=_horizon_text,
                width=14,
                header_tip="Now / Next / Later: set by hand, or worked out from the dates",
            ),
        ]

    def _dependency_columns(self) -> list[Column]:
        return [
            Column("predecessor_id", "Predecessor", Kind.CHOICE, choices=self.item_names, width=30),
            Column("successor_id", "Successor", Kind.CHOICE, choices=self.item_names, width=30),
            Column("type", "Type", Kind.ENUM, enum=DependencyType, width=15),
            Column(
                "lag_days",
                "Lag",
                Kind.INT,
                display=self._lag_text,
                tooltip=self._lag_tip,
                lookups=(self.calendar,),
                width=18,
                header_tip="Days between the two items, counted as the next column says; "
                "negative is a lead",
            ),
            Column(
                "lag_elapsed",
                "Lag counts",
                Kind.CHOICE,
                choices=LAG_COUNTS,
                width=14,
                header_tip="Working days skip the days off of the product's working calendar; "
                "calendar days count every day",
            ),
        ]

    def _calendar(self) -> dict[str, WorkingCalendar]:
        from pmdesk.store.services.calendar import CalendarService

        return {"calendar": self.ctx.service(CalendarService).effective(self.product_id)}

    def _duration(self, row: Any) -> int:
        return _working_days(row, self.calendar.get("calendar"))

    def _lag_text(self, row: Any) -> str:
        project = _project_lag(row, self.calendar.get("calendar").minutes_per_day)
        if project:
            return f"{project} ({_days_text(row.lag_days)})"
        return "" if row.lag_days == 0 else _days_text(row.lag_days)

    def _lag_tip(self, row: Any) -> str | None:
        project = _project_lag(row, self.calendar.get("calendar").minutes_per_day)
        words = "calendar days" if row.lag_elapsed else "working days"
        if project:
            return (
                f"MS Project gave this lag as {project}; pmdesk schedules it as "
                f"{row.lag_days:+d} {words}. Editing the days replaces it."
            )
        return None

    def _lane_names(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        from pmdesk.store.queries import TableQuery

        return TableQuery.where_equal(self.service.lanes, product_id=self.product_id).labels()

    def _item_names(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        from pmdesk.store.queries import TableQuery

        return TableQuery.where_equal(self.service.items, product_id=self.product_id).labels()

    def _dependency_name(self, row: Any) -> str:
        first = self.item_names.get(row.predecessor_id, "?")
        return f"{first} → {self.item_names.get(row.successor_id, '?')}"

    # -- new rows ---------------------------------------------------------------------------------

    def _new_item(self) -> CreateCommand | FirstLaneItemCommand:
        start = today()
        fields = {
            "product_id": self.product_id,
            "name": "New item",
            "start_date": start,
            "end_date": start + dt.timedelta(days=NEW_ITEM_DAYS - 1),
        }
        lane_id = self._lane_for_new_item()
        if lane_id is None:  # a product's first item brings its first lane, one undo step
            return FirstLaneItemCommand(self.service, self.product_id, FIRST_LANE, fields)
        return create(self.service.items, "Add roadmap item", lane_id=lane_id, **fields)

    def _lane_for_new_item(self) -> int | None:
        """The lane of the item under the cursor, else the first lane (None: there is none)."""
        current = self.items.current_id()
        if current is not None:
            row = self.items.model.entity(self.items.model.row_of(current))
            if row is not None:
                return row.lane_id
        lanes = list(self.lane_names.data)
        return lanes[0] if lanes else None

    def _new_dependency(self) -> CreateCommand:
        predecessor, successor = self._pair_to_link()
        return create(
            self.service.dependencies,
            "Add dependency",
            predecessor_id=predecessor,
            successor_id=successor,
            type=DependencyType.FINISH_TO_START,
        )

    def _pair_to_link(self) -> tuple[int, int]:
        """Two items selected in the Items tab, or the first two items not linked yet."""
        chosen = self.items.selected_ids()
        if len(chosen) >= 2:
            return chosen[0], chosen[1]
        ids = list(self.item_names.data)
        linked = {(d.predecessor_id, d.successor_id) for d in self.dependencies.model.entities()}
        linked |= {(b, a) for a, b in linked}
        for first, second in pairwise(ids):
            if (first, second) not in linked:
                return first, second
        raise ValidationError("dependency", "select two items in the Items tab to link them")

    def _new_lane(self) -> CreateCommand:
        name = free_name(self.service.lanes, "New lane", product_id=self.product_id)
        return create(
            self.service.lanes,
            f"Add lane “{name}”",
            product_id=self.product_id,
            name=name,
            sort_order=next_order(self.service.lanes, product_id=self.product_id),
        )


LAG_COUNTS = fixed([(False, "working days"), (True, "calendar days")])


LANE_COLUMNS = [
    Column("name", "Lane", width=28),
    Column("kind", "Kind", Kind.ENUM, enum=LaneKind, width=12),
    Column("sort_order", "Order", Kind.INT, width=7, header_tip="Lanes are shown in this order"),
    Column("collapsed", "Collapsed", Kind.BOOL, width=9),
]
