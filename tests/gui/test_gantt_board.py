"""The Now / Next / Later board: columns follow the dates unless set by hand; drops are undoable."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent
from tests.gui.windows import exposed

from pmdesk.core.enums import Horizon
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel
from pmdesk.gui.gantt.board import MIME_TYPE, HorizonColumnModel
from pmdesk.gui.gantt.model import Filter
from pmdesk.store.services import PortfolioService, RoadmapService

TODAY = dt.date(2027, 5, 1)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.fixture
def plan(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Team")

    def item(name, start, end, **extra):
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=name,
            start_date=start,
            end_date=end,
            **extra,
        ).id

    ids = SimpleNamespace(
        running=item("Running", days(-10), days(10)),
        soon=item("Soon", days(20), days(40)),
        edge=item("Edge of next", days(90), days(95)),
        far=item("Far away", days(91), days(120)),
        pinned=item("Pinned <now>", days(200), days(210), horizon=Horizon.NOW),
    )
    return SimpleNamespace(product=product, roadmap=roadmap, ids=ids)


@pytest.fixture
def panel(qtbot, workspace, plan):
    ctx = AppContext(workspace)
    widget = RoadmapPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.set_today(TODAY)
    widget.set_product(plan.product.id)
    widget.show()
    widget.show_board(True)
    exposed(qtbot, widget)
    yield widget
    ctx.close()


def column(panel, horizon: Horizon) -> list[int]:
    return list(panel.board.columns[horizon].ids)


def test_columns_follow_the_dates_unless_set_by_hand(panel, plan):
    ids = plan.ids
    assert column(panel, Horizon.NOW) == [ids.running, ids.pinned]
    assert column(panel, Horizon.NEXT) == [ids.soon, ids.edge]
    assert column(panel, Horizon.LATER) == [ids.far]


def test_columns_move_with_today_and_with_new_dates(panel, plan):
    panel.set_today(days(25))
    assert column(panel, Horizon.NOW) == [plan.ids.running, plan.ids.soon, plan.ids.pinned]
    assert plan.ids.far in column(panel, Horizon.NEXT)
    plan.roadmap.items.update(plan.ids.soon, start_date=days(300), end_date=days(301))
    assert column(panel, Horizon.LATER)[-1] == plan.ids.soon


def drop(panel, ids: list[int], horizon: Horizon) -> None:
    """Drop cards on a column the way a drag from another column ends."""
    view = panel.board.views[horizon]
    mime = QMimeData()
    mime.setData(MIME_TYPE, ",".join(map(str, ids)).encode("ascii"))
    event = QDropEvent(
        QPoint(20, 20),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(event)  # Qt delivers a Drop only inside a real drag; call the handler itself


def test_dropping_on_another_column_sets_the_horizon_and_undo_restores(panel, plan):
    drop(panel, [plan.ids.far, plan.ids.soon], Horizon.NOW)
    assert plan.roadmap.items.get(plan.ids.far).horizon is Horizon.NOW
    assert plan.roadmap.items.get(plan.ids.soon).horizon is Horizon.NOW
    assert {plan.ids.far, plan.ids.soon} <= set(column(panel, Horizon.NOW))
    assert column(panel, Horizon.LATER) == []
    assert panel.ctx.undo_stack.count() == 1  # one drop, one step
    panel.ctx.undo()
    assert plan.roadmap.items.get(plan.ids.far).horizon is None
    assert column(panel, Horizon.LATER) == [plan.ids.far]


def test_follow_the_dates_again(panel, plan):
    panel.set_horizon([plan.ids.pinned], None)
    assert plan.roadmap.items.get(plan.ids.pinned).horizon is None
    assert plan.ids.pinned in column(panel, Horizon.LATER)


def test_board_follows_the_filter_and_opens_the_editor(panel, plan):
    panel.toolbar.set_filter(Filter(text="far"))
    assert column(panel, Horizon.NOW) == [] and column(panel, Horizon.LATER) == [plan.ids.far]
    panel.board.openRequested.emit(plan.ids.far)
    assert panel.editor.isVisible() and panel.editor.name.text() == "Far away"


def test_delete_on_the_board_deletes_the_selected_cards(panel, plan):
    view = panel.board.views[Horizon.NEXT]
    view.selectionModel().select(
        view.model().index(0, 0), view.selectionModel().SelectionFlag.Select
    )
    assert panel.has_selection()
    panel.delete_selected()
    assert plan.roadmap.items.count() == 4 and plan.ids.soon not in panel.model.items
    panel.ctx.undo()
    assert plan.roadmap.items.count() == 5


def test_cards_describe_items_without_dates(panel, plan):
    model = panel.board.columns[Horizon.NOW]
    tip = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Pinned &lt;now&gt;" in tip and "by hand" in tip
    assert "2027" not in tip


def test_column_model_passes_the_model_tester(qtmodeltester, panel):
    model = HorizonColumnModel(panel.model, Horizon.NOW)
    model.set_ids(column(panel, Horizon.NOW))
    qtmodeltester.check(model)
