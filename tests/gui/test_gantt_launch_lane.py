"""The read-only "Launch" lane under the roadmap: drawn from the launch plan, kept in step."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from tests.gui.windows import exposed

from pmdesk.core.enums import ItemKind, LaunchFunction, TaskStatus
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel
from pmdesk.gui.gantt.launch_lane import task_tooltip
from pmdesk.store.services import LaunchService, PortfolioService, RoadmapService

D = dt.date
TITLE = '<Press> & "kit" 🚀'


@pytest.fixture
def ctx(workspace):
    context = AppContext(workspace)
    yield context
    context.close()


@pytest.fixture
def plan(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform")
    roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Build",
        kind=ItemKind.FEATURE,
        start_date=D(2027, 1, 4),
        end_date=D(2027, 1, 29),
    )
    launches = workspace.service(LaunchService)
    launch = launches.create_launch(product.id, "GA", D(2027, 3, 1), with_checklist=False)
    press = launches.tasks.create(
        launch_id=launch.id,
        title=TITLE,
        due_offset_days=-10,
        due_date=D(2027, 2, 19),
        function=LaunchFunction.MARKETING,
    )
    legal = launches.tasks.create(
        launch_id=launch.id,
        title="Trademark",
        due_date=D(2027, 1, 15),
        function=LaunchFunction.LEGAL,
        status=TaskStatus.DONE,
    )
    return product, launches, launch, press.id, legal.id


@pytest.fixture
def panel(qtbot, ctx, plan):
    widget = RoadmapPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.set_today(D(2027, 2, 25))
    widget.set_product(plan[0].id)
    widget.show()
    exposed(qtbot, widget)
    qtbot.waitUntil(lambda: not widget._needs_first_view)
    widget.view.set_zoom(12.0)
    widget.view.scroll_to_day(D(2027, 1, 1))
    return widget


def marker_point(panel, task_id):
    marker = next(m for m in panel.scene.launch.markers if m.task.id == task_id)
    return marker, panel.view.mapFromScene(marker.rect.center())


def test_tasks_sit_below_every_lane_on_their_due_day(panel, plan):
    launch = panel.scene.launch
    assert [m.task.id for m in launch.markers] == [plan[4], plan[3]]  # by due date
    assert launch.top >= panel.model.layout.height
    assert panel.scene.sceneRect().bottom() >= launch.top + launch.height
    marker, _ = marker_point(panel, plan[3])
    assert panel.scene.scale.date_at(marker.rect.center().x()) == D(2027, 2, 19)
    assert marker.task.title == TITLE
    # The lane is not a roadmap lane: nothing can be created or dragged in it.
    assert launch.top not in {box.top for box in panel.model.layout.boxes}


def test_hit_tooltip_and_double_click_point_to_the_launch_view(qtbot, panel, plan):
    marker, point = marker_point(panel, plan[3])
    hit = panel.view.hit(panel.view.mapToScene(point))
    assert (hit.zone, hit.task_id) == ("launch", plan[3])
    tip = task_tooltip(marker.task, panel.model.today)
    assert "&lt;Press&gt; &amp; &quot;kit&quot; 🚀" in tip and "Marketing" in tip
    assert "overdue" in tip  # due 19 Feb, still to do on 25 Feb
    with qtbot.waitSignal(panel.statusMessage) as message:
        QTest.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert "Launch view" in message.args[0] and TITLE in message.args[0]
    assert not panel.model.selected  # nothing on the roadmap was touched or selected


def test_lane_follows_the_launch_date_and_undo(qtbot, ctx, panel, plan):
    product, launches, launch, press, _legal = plan
    command = UpdateCommand(
        launches.launches, launch.id, {"launch_date": D(2027, 4, 1)}, "Move launch"
    )
    assert ctx.run(command)
    moved = next(m for m in panel.scene.launch.markers if m.task.id == press)
    assert moved.task.due == D(2027, 3, 22)  # L-10 moved with the launch
    assert panel.scene.scale.date_at(moved.rect.center().x()) == D(2027, 3, 22)
    ctx.undo()
    back = next(m for m in panel.scene.launch.markers if m.task.id == press)
    assert back.task.due == D(2027, 2, 19)


def test_status_change_and_deletion_refresh_the_lane(qtbot, ctx, panel, plan):
    _product, launches, _launch, press, legal = plan
    assert ctx.run(UpdateCommand(launches.tasks, press, {"status": TaskStatus.DONE}, "Done"))
    assert panel.scene.launch.task(press).status is TaskStatus.DONE
    launches.tasks.delete([legal])  # a change from elsewhere, published like any other
    assert [m.task.id for m in panel.scene.launch.markers] == [press]


def test_filters_for_roadmap_words_hide_the_lane(panel, plan):
    from pmdesk.gui.gantt.model import Filter

    panel.set_filter(Filter(text="trade"))
    assert [m.task.id for m in panel.scene.launch.markers] == [plan[4]]
    panel.set_filter(Filter(kind=ItemKind.FEATURE))
    assert not panel.scene.launch.shown and panel.scene.launch.height == 0
    panel.set_filter(Filter())
    assert len(panel.scene.launch.markers) == 2


def test_no_launch_no_lane(qtbot, ctx, workspace):
    product = workspace.service(PortfolioService).create_product(name="Bare")
    widget = RoadmapPanel(ctx)
    qtbot.addWidget(widget)
    widget.set_product(product.id)
    assert not widget.scene.launch.shown
    assert widget.view.hit(QPointF(10, 10)).zone != "launch"


def test_overdue_open_task_is_marked(panel, plan):
    from pmdesk.gui.gantt.launch_lane import is_late

    press = panel.scene.launch.task(plan[3])
    legal = panel.scene.launch.task(plan[4])
    assert is_late(press, D(2027, 2, 25)) and not is_late(press, D(2027, 2, 19))
    assert not is_late(legal, D(2027, 2, 25))  # done tasks are never late
    assert "overdue" in task_tooltip(press, D(2027, 2, 25))
