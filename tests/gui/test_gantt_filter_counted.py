"""A filter that shows most of a plan counts its lanes' rows from each lane's occupancy,
made once and kept until an item of the lane changes: whatever was edited in between
(dragged while shown, moved to another lane while filtered out, undone), the chart is laid
out and drawn as a fresh layout of the items it shows would be."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, Qt
from tests.gui.test_gantt_incremental import (
    assert_drawn_as_fresh,
    bar_to_drag,
    drag,
    open_panel,
    product_of,
    settle,
)
from tests.gui.windows import PaintCount

from pmdesk.core.gantt_layout import GanttLayout
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.gantt import model as gantt_model
from pmdesk.gui.gantt.model import OCCUPANCY_SHARE
from pmdesk.store.services import PortfolioService, RoadmapService

D = dt.date


def _apply(panel, qtbot, text: str) -> None:
    """``text`` typed into the filter box and applied with Return, until the chart is drawn."""
    box = panel.toolbar.text_filter
    box.setFocus()
    box.selectAll()
    watch = PaintCount(panel.view.viewport())
    if text:
        qtbot.keyClicks(box, text)
    else:
        qtbot.keyClick(box, Qt.Key.Key_Delete)
    before = watch.count
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot, watch, before)


def _laid_out(layout: GanttLayout) -> dict:
    """Where every lane stands and every item sits, each lane packed."""
    return {
        "boxes": [(b.lane_id, b.top, b.height, b.collapsed) for b in layout.boxes],
        "extent": layout.extent(),
        "counts": {lane.id: layout.item_count(lane.id) for lane in layout.lanes},
        "places": {item_id: layout.place(item_id) for item_id in sorted(layout.items)},
    }


class _Made:
    """Records whether each layout the roadmap makes is counted from occupancies."""

    def __init__(self, monkeypatch) -> None:
        self.counted: list[bool] = []

        def made(lanes, items, metrics=None, occupancies=None):
            self.counted.append(occupancies is not None)
            return GanttLayout(lanes, items, metrics, occupancies)

        monkeypatch.setattr(gantt_model, "GanttLayout", made)


def _assert_as_fresh(panel, made: _Made) -> None:
    """The chart's layout is the one made afresh from the items the filter shows, each as
    the file has it now; it was counted from the lanes' occupancies when it shows more
    than one item in OCCUPANCY_SHARE."""
    model = panel.model
    layout = model.layout
    shown = {row.id for row in model.filter.select(model.items.values(), model.folded_text)}
    assert set(layout.items) == shown
    assert made.counted[-1] == (len(shown) * OCCUPANCY_SHARE > len(model.items))
    fresh = GanttLayout(layout.lanes, list(layout.items.values()), layout.metrics)
    assert _laid_out(layout) == _laid_out(fresh)
    for item_id in shown:
        row, item = model.items[item_id], layout.items[item_id]
        assert (item.lane_id, item.start, item.end) == (
            row.lane_id,
            row.start.toordinal(),
            row.end.toordinal(),
        )


def test_filters_edits_and_undo_on_a_crowded_plan_lay_it_out_as_fresh(qtbot, crowded, monkeypatch):
    made = _Made(monkeypatch)
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    _apply(panel, qtbot, "e")  # in most names: counted from the occupancies
    _assert_as_fresh(panel, made)
    assert_drawn_as_fresh(panel)
    # A bar dragged while the filter shows it: its lane's occupancy is made again.
    item_id, point = bar_to_drag(panel)
    drag(panel, qtbot, point, point + QPoint(90, 0))
    moved = panel.model.items[item_id]
    _apply(panel, qtbot, "a")
    _apply(panel, qtbot, "e")
    assert panel.model.items[item_id] == moved
    _assert_as_fresh(panel, made)
    assert_drawn_as_fresh(panel)
    # An item the filter hides, moved to another lane and to other days.
    hidden = next(i for i in panel.model.items if i not in panel.model.layout.items)
    row = panel.model.items[hidden]
    other = next(lane.id for lane in panel.model.lanes if lane.id != row.lane_id)
    items = ctx.service(RoadmapService).items
    start = row.start - dt.timedelta(days=20)
    fields = {"lane_id": other, "start_date": start, "end_date": start + dt.timedelta(days=9)}
    ctx.run(UpdateCommand(items, hidden, fields, "Move"))
    assert hidden not in panel.model.layout.items
    _apply(panel, qtbot, "")  # every item: the moved one in its new lane
    _assert_as_fresh(panel, made)
    assert panel.model.layout.place(hidden)[0] == other
    assert_drawn_as_fresh(panel)
    _apply(panel, qtbot, "e")
    _assert_as_fresh(panel, made)
    ctx.undo()  # the move, then the drag
    ctx.undo()
    _apply(panel, qtbot, "")
    _assert_as_fresh(panel, made)
    assert panel.model.layout.place(hidden)[0] == row.lane_id
    assert_drawn_as_fresh(panel)
    assert all(made.counted[-6:])  # every filter above showed most of the plan
    _apply(panel, qtbot, "zzz-not-a-name")  # none shown: counted afresh, and empty
    _assert_as_fresh(panel, made)
    ctx.close()


def test_a_new_workspace_filtered_as_it_grows_lays_it_out_as_fresh(qtbot, workspace, monkeypatch):
    """From an empty product: items added one by one, each overlapping the last, with a
    filter that shows most of them applied between additions."""
    product = workspace.service(PortfolioService).create_product(name="New")
    roadmap = workspace.service(RoadmapService)
    made = _Made(monkeypatch)
    panel, ctx = open_panel(qtbot, workspace, product.id)
    _apply(panel, qtbot, "feature")
    _assert_as_fresh(panel, made)  # nothing to show
    lanes = [
        roadmap.lanes.create(product_id=product.id, name=name, sort_order=n)
        for n, name in enumerate(["Platform", "Mobile"])
    ]
    for n in range(12):
        day = D(2027, 1, 4) + dt.timedelta(days=3 * n)
        roadmap.items.create(
            product_id=product.id,
            lane_id=lanes[n % 2].id,
            name=f"Feature {n}" if n % 4 else f"Release {n}",
            start_date=day,
            end_date=day + dt.timedelta(days=10),
        )
        panel.set_product(product.id)
        _apply(panel, qtbot, "feature")
        _assert_as_fresh(panel, made)
    assert len(panel.model.layout.items) == 9 and made.counted[-1]
    assert_drawn_as_fresh(panel)
    ctx.close()
