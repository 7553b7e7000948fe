"""The roadmap: the interactive timeline first, then items, dependencies and lanes as tables.

Stays quick on a 20,000-item roadmap: the items table reads ids first and rows a
block at a time, and item names for the dependency table come from one narrow
query, refreshed only when items change.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus, LaneKind
from pmdesk.core.errors import ValidationError
from pmdesk.core.horizon import effective_horizon
from pmdesk.core.wording import describe_days
from pmdesk.gui.commands import CreateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt.commands import FirstLaneItemCommand
from pmdesk.gui.gantt.panel import FIRST_LANE, RoadmapPanel
from pmdesk.gui.widgets.columns import Column, Kind, Lookup, computed
from pmdesk.gui.widgets.entity_model import EntityTableModel
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.store.queries import TableQuery
from pmdesk.store.services import RoadmapService

from .base import BaseView
from .common import create, free_name, heading, next_order, scoped, tabs, today

NEW_ITEM_DAYS = 14


def _duration(row: Any) -> int:
    return 0 if row.kind == ItemKind.MILESTONE else (row.end_date - row.start_date).days + 1


def _duration_text(row: Any) -> str:
    days = _duration(row)
    return "milestone" if days == 0 else describe_days(days)


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


def _lag_text(row: Any) -> str:
    lag = row.lag_days
    return "" if lag == 0 else f"{lag:+d} days" if abs(lag) != 1 else f"{lag:+d} day"


class RoadmapView(BaseView):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.service = ctx.service(RoadmapService)
        self.lane_names = Lookup(self._lane_names, ("lane",))
        self.item_names = Lookup(self._item_names, ("roadmap_item",))
        self.items = self._table(
            self.service.items, self._item_columns(), ("item", "items"), self._new_item
        )
        self.dependencies = self._table(
            self.service.dependencies,
            self._dependency_columns(),
            ("dependency", "dependencies"),
            self._new_dependency,
            edit_field="predecessor_id",
        )
        self.dependencies.model.name_of = self._dependency_name
        self.lanes = self._table(
            self.service.lanes, LANE_COLUMNS, ("lane", "lanes"), self._new_lane
        )
        self.title = heading("Roadmap")
        self.content_layout.addWidget(self.title)
        self.chart = RoadmapPanel(ctx, self)
        self.chart.selectionChanged.connect(self.selectionChanged)
        self.chart.statusMessage.connect(self.statusMessage)
        self.tabs = tabs(
            (self.chart, "Timeline"),
            (self.items, "Items"),
            (self.dependencies, "Dependencies"),
            (self.lanes, "Lanes"),
        )
        self.tabs.currentChanged.connect(lambda _index: self.selectionChanged.emit())
        self.content_layout.addWidget(self.tabs, 1)

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

    def export_image(self, path: Path) -> Path:
        """The whole timeline (PNG or SVG by suffix) when it is shown, else the table."""
        if self._chart_shown():
            return self.chart.export_image(path)
        path = Path(path)
        if not self.tabs.currentWidget().grab().save(str(path), "PNG"):
            raise OSError("the image could not be written")
        return path

    def _table(self, repo, columns, noun, creator, edit_field: str | None = None) -> EntityTable:
        model = EntityTableModel(self.ctx, repo, columns, parent=self)
        table = EntityTable(model, noun=noun, create=creator, edit_field=edit_field)
        table.view.horizontalHeader().setAccessibleName(f"Columns of the {noun[1]}")
        return self.register(table)

    def load(self, product_id: int | None) -> None:
        self.chart.set_product(product_id)
        self.items.model.set_query(scoped(self.service.items, product_id))
        self.lanes.model.set_query(scoped(self.service.lanes, product_id))
        deps = None
        if product_id is not None:
            deps = TableQuery.dependencies_of(self.service.dependencies, product_id)
        self.dependencies.model.set_query(deps)

    # -- columns --------------------------------------------------------------------------

    def _item_columns(self) -> list[Column]:
        return [
            Column("name", "Name", width=30),
            Column("lane_id", "Lane", Kind.CHOICE, choices=self.lane_names, width=16),
            Column("kind", "Kind", Kind.ENUM, enum=ItemKind, width=10),
            Column("start_date", "Start", Kind.DATE, to_changes=_new_start),
            Column("end_date", "End", Kind.DATE, to_changes=_new_end),
            computed(
                "duration", "Duration", _duration, kind=Kind.INT, display=_duration_text, width=10
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
                display=_lag_text,
                width=9,
                header_tip="Days between the two items; negative is a lead",
            ),
        ]

    def _lane_names(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
        return TableQuery.where_equal(self.service.lanes, product_id=self.product_id).labels()

    def _item_names(self) -> dict[int, str]:
        if self.product_id is None:
            return {}
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


LANE_COLUMNS = [
    Column("name", "Lane", width=28),
    Column("kind", "Kind", Kind.ENUM, enum=LaneKind, width=12),
    Column("sort_order", "Order", Kind.INT, width=7, header_tip="Lanes are shown in this order"),
    Column("collapsed", "Collapsed", Kind.BOOL, width=9),
]
