"""The roadmap panel around the chart: zoom, filters, baselines, critical path, lanes, refresh."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from tests.gui.windows import PaintCount, exposed

from pmdesk.core.enums import ItemKind, ItemStatus
from pmdesk.core.timeline import ZOOM_STEPS
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel, dialogs
from pmdesk.gui.gantt.model import Filter
from pmdesk.store.services import PortfolioService, RoadmapService

D = dt.date


@pytest.fixture
def plan(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lanes = [
        roadmap.lanes.create(product_id=product.id, name=name, sort_order=n)
        for n, name in enumerate(["Platform", "Mobile", "Launch"])
    ]

    def item(lane, name, start, days, kind=ItemKind.FEATURE, **extra):
        end = start if kind is ItemKind.MILESTONE else start + dt.timedelta(days=days - 1)
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lanes[lane].id,
            name=name,
            kind=kind,
            start_date=start,
            end_date=end,
            **extra,
        ).id

    ids = SimpleNamespace(
        api=item(0, "API", D(2027, 1, 4), 10, status=ItemStatus.IN_PROGRESS),
        sdk=item(0, "SDK", D(2027, 1, 14), 5),
        app=item(1, "App & widget", D(2027, 1, 4), 20, notes="needs <design> review"),
        beta=item(1, "Beta", D(2027, 1, 25), 1, ItemKind.MILESTONE),
        launch=item(2, "Launch", D(2027, 1, 19), 10, ItemKind.RELEASE, status=ItemStatus.AT_RISK),
    )
    link = roadmap.dependencies.create
    link(predecessor_id=ids.api, successor_id=ids.sdk)
    link(predecessor_id=ids.sdk, successor_id=ids.launch)
    link(predecessor_id=ids.app, successor_id=ids.beta)
    return SimpleNamespace(product=product, roadmap=roadmap, lanes=lanes, ids=ids)


@pytest.fixture
def ctx(workspace):
    context = AppContext(workspace)
    yield context
    context.close()


@pytest.fixture
def panel(qtbot, ctx, plan):
    widget = RoadmapPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 500)
    widget.set_today(D(2027, 1, 12))
    widget.set_product(plan.product.id)
    widget.show()
    exposed(qtbot, widget)
    qtbot.waitUntil(lambda: not widget._needs_first_view)
    return widget


def test_opens_on_the_whole_plan_and_zooms_in_out_and_fits(panel, plan):
    view = panel.view
    first_zoom = panel.scene.scale.px_per_day
    width = view.viewport().width()
    plan_days = (D(2027, 1, 28) - D(2027, 1, 4)).days + 1
    assert first_zoom * plan_days <= width  # the whole plan fits
    panel.toolbar.zoom_in.trigger()
    assert panel.scene.scale.px_per_day == ZOOM_STEPS[ZOOM_STEPS.index(first_zoom) + 1]
    panel.toolbar.zoom_out.trigger()
    panel.toolbar.zoom_out.trigger()
    assert panel.scene.scale.px_per_day == ZOOM_STEPS[ZOOM_STEPS.index(first_zoom) - 1]
    panel.toolbar.fit.trigger()
    assert panel.scene.scale.px_per_day == first_zoom
    left = view.mapToScene(QPoint(0, 0)).x()
    assert left <= panel.scene.scale.x(D(2027, 1, 4)) <= left + 60


def test_ctrl_wheel_zooms_around_the_mouse(panel, qtbot):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    view = panel.view
    before = panel.scene.scale.px_per_day
    anchor = QPointF(300, 100)
    day_before = panel.scene.scale.date_at(view.mapToScene(anchor.toPoint()).x())
    event = QWheelEvent(
        anchor,
        view.viewport().mapToGlobal(anchor),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    view.wheelEvent(event)
    assert panel.scene.scale.px_per_day > before
    assert panel.scene.scale.date_at(view.mapToScene(anchor.toPoint()).x()) == day_before


def test_filters_by_lane_kind_status_and_text(panel, plan):
    shown = lambda: set(panel.model.layout.items)  # noqa: E731
    panel.toolbar.set_filter(Filter(lane_id=plan.lanes[0].id))
    assert shown() == {plan.ids.api, plan.ids.sdk}
    assert [box.lane_id for box in panel.model.layout.boxes] == [plan.lanes[0].id]
    panel.toolbar.set_filter(Filter(kind=ItemKind.MILESTONE))
    assert shown() == {plan.ids.beta}
    panel.toolbar.set_filter(Filter(status=ItemStatus.AT_RISK))
    assert shown() == {plan.ids.launch}
    panel.toolbar.set_filter(Filter())
    assert len(shown()) == 5
    panel.toolbar.text_filter.setText("<DESIGN>")  # notes count, case does not
    assert shown() == {plan.ids.app}
    panel.toolbar.kind_filter.setCurrentIndex(panel.toolbar.kind_filter.findData("release"))
    panel.toolbar.kind_filter.activated.emit(panel.toolbar.kind_filter.currentIndex())
    assert shown() == set()  # filters combine


def test_typing_in_the_filter_filters_a_small_plan_at_every_key(panel, plan, qtbot):
    shown = lambda: set(panel.model.layout.items)  # noqa: E731
    box = panel.toolbar.text_filter
    box.setFocus()
    qtbot.keyClicks(box, "sd")
    assert shown() == {plan.ids.sdk}  # no pause waited for: "s" then "sd" laid out at once
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    assert len(shown()) == 2  # "SDK" and "Launch" hold an s


def test_typing_in_the_filter_of_a_large_plan_waits_for_a_pause(panel, plan, qtbot, monkeypatch):
    """A large plan is laid out again once the typing stops, not at every key; Return, a
    cleared box and the other filters do not wait."""
    from pmdesk.gui.gantt import toolbar

    monkeypatch.setattr(toolbar, "TYPING_PAUSE_FROM", 5)  # the fixture's five items: large
    layouts = []
    original = panel.model.relayout
    monkeypatch.setattr(
        panel.model, "relayout", lambda **how: (layouts.append(1), original(**how))[1]
    )
    shown = lambda: set(panel.model.layout.items)  # noqa: E731
    box = panel.toolbar.text_filter
    box.setFocus()
    qtbot.keyClicks(box, "sdk")
    assert len(shown()) == 5 and layouts == []  # each key shown in the box, the chart as it was
    qtbot.waitUntil(lambda: shown() == {plan.ids.sdk})
    assert len(layouts) == 1  # one layout for the three keys
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # applies at once
    assert len(shown()) == 1 and panel.model.filter.text == "sd"
    box.clear()  # the clear button's way: every item back at once
    assert len(shown()) == 5
    qtbot.keyClicks(box, "launch")
    panel.toolbar.kind_filter.setCurrentIndex(panel.toolbar.kind_filter.findData("release"))
    panel.toolbar.kind_filter.activated.emit(panel.toolbar.kind_filter.currentIndex())
    assert shown() == {plan.ids.launch}  # the other filter took the text typed with it
    assert not panel.toolbar._typing.isActive()  # nothing left waiting to lay it out again


def test_a_filter_lays_out_the_items_as_they_are_now(panel, plan, qtbot):
    """The filter's layout keeps the items of the last one (nothing but the filter changed):
    after edits, with and without a filter, every item stands for its row as it is now."""

    def as_the_rows_are() -> None:
        layout = panel.model.layout
        assert layout.items == {
            i: panel.model.layout_item(panel.model.items[i]) for i in layout.items
        }

    box = panel.toolbar.text_filter
    box.setFocus()
    plan.roadmap.items.update(plan.ids.sdk, start_date=D(2027, 2, 1), end_date=D(2027, 2, 9))
    qtbot.keyClicks(box, "s")
    assert plan.ids.sdk in panel.model.layout.items
    as_the_rows_are()
    plan.roadmap.items.update(
        plan.ids.app, name="Web app", start_date=D(2027, 3, 1), end_date=D(2027, 3, 20)
    )
    box.clear()
    assert len(panel.model.layout.items) == 5
    as_the_rows_are()
    panel.toolbar.set_filter(Filter(kind=ItemKind.FEATURE))
    as_the_rows_are()


def test_an_item_edited_while_filtered_out_comes_back_as_it_is_now(panel, plan, ctx, qtbot):
    """A lane chosen in the filter hides the others; an item of another lane moved (and the
    move undone) while hidden shows at its dates once the filter is taken back."""
    combo = panel.toolbar.lane_filter

    def choose(lane_id) -> None:
        combo.setCurrentIndex(combo.findData(lane_id))
        combo.activated.emit(combo.currentIndex())

    choose(plan.lanes[0].id)
    assert plan.ids.app not in panel.model.layout.items
    moved = {"start_date": D(2027, 3, 1), "end_date": D(2027, 3, 20)}
    ctx.run(UpdateCommand(plan.roadmap.items, plan.ids.app, moved, "Move"))
    choose(None)
    assert panel.model.layout.items[plan.ids.app].start == D(2027, 3, 1).toordinal()
    choose(plan.lanes[0].id)
    ctx.undo()  # the move taken back while the item is hidden again
    choose(None)
    layout = panel.model.layout
    assert layout.items[plan.ids.app].start == D(2027, 1, 4).toordinal()
    assert layout.items == {i: panel.model.layout_item(panel.model.items[i]) for i in layout.items}


def test_a_filtered_out_item_that_changes_stays_hidden(panel, plan):
    panel.toolbar.set_filter(Filter(lane_id=plan.lanes[0].id))
    plan.roadmap.items.update(plan.ids.app, name="App v2")
    assert plan.ids.app not in panel.model.layout.items
    plan.roadmap.items.update(plan.ids.app, lane_id=plan.lanes[0].id)
    assert plan.ids.app in panel.model.layout.items


def test_set_baseline_then_slips_show_and_undo_removes_it(panel, plan, ctx, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_text", lambda *args: "Kick-off")
    panel.toolbar.set_baseline.trigger()
    assert [b.name for b in plan.roadmap.baselines_of(plan.product.id)] == ["Kick-off"]
    assert panel.model.baseline_visible and panel.model.layout.metrics.with_baseline
    plan.roadmap.items.update(plan.ids.sdk, start_date=D(2027, 1, 20), end_date=D(2027, 1, 26))
    assert panel.model.slip(plan.ids.sdk) == 8
    assert panel.model.layout.items[plan.ids.sdk].baseline == (
        D(2027, 1, 14).toordinal(),
        D(2027, 1, 18).toordinal(),
    )
    ctx.undo()  # the external update above was not a command: only the baseline is on the stack
    assert plan.roadmap.baselines_of(plan.product.id) == []
    assert not panel.model.baseline_visible and panel.model.slip(plan.ids.sdk) is None


def test_choose_another_baseline_to_compare(panel, plan, ctx):
    first = plan.roadmap.set_baseline(plan.product.id, "First")
    plan.roadmap.items.update(plan.ids.api, start_date=D(2027, 1, 6), end_date=D(2027, 1, 15))
    plan.roadmap.set_baseline(plan.product.id, "Second")
    assert panel.model.slip(plan.ids.api) == 0
    panel.compare_baseline(first.id)
    assert panel.model.baseline_id == first.id and panel.model.slip(plan.ids.api) == 2
    ctx.undo()
    assert panel.model.slip(plan.ids.api) == 0


def test_critical_path_and_violations_and_reschedule(panel, plan, ctx):
    panel.show_critical_path(True)
    assert panel.model.critical == {plan.ids.api, plan.ids.sdk, plan.ids.launch}
    assert panel.model.floats[plan.ids.beta] == 4
    # Sunday to Wednesday: the 3 working days SDK had (Thursday to Monday) in the baseline.
    plan.roadmap.items.update(plan.ids.sdk, start_date=D(2027, 1, 10), end_date=D(2027, 1, 13))
    assert len(panel.model.violated) == 1  # API finishes on the 13th
    panel.toolbar.reschedule.trigger()
    assert plan.roadmap.items.get(plan.ids.sdk).start_date == D(2027, 1, 14)
    assert panel.model.violated == {}
    ctx.undo()
    assert plan.roadmap.items.get(plan.ids.sdk).start_date == D(2027, 1, 10)


def test_nothing_to_reschedule_says_so(panel, ctx, qtbot):
    with qtbot.waitSignal(panel.statusMessage) as blocker:
        panel.reschedule_successors()
    assert "nothing to reschedule" in blocker.args[0]
    assert ctx.undo_stack.count() == 0


def test_collapse_and_reorder_lanes_are_undoable(panel, plan, ctx):
    header = panel.lane_header
    mobile = plan.lanes[1].id
    box = panel.model.layout.box_of[mobile]
    y = int(box.top + 10 - panel.view.mapToScene(QPoint(0, 0)).y())
    QTest.mouseClick(
        header, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(10, y)
    )
    assert plan.roadmap.lanes.get(mobile).collapsed
    assert panel.model.layout.box_of[mobile].collapsed
    ctx.undo()
    assert not panel.model.layout.box_of[mobile].collapsed
    panel.lane_actions.move_lane(plan.lanes[2].id, 0)
    assert [lane.name for lane in panel.model.lanes] == ["Launch", "Platform", "Mobile"]
    ctx.undo()
    assert [lane.name for lane in panel.model.lanes] == ["Platform", "Mobile", "Launch"]


def _lane_y(panel, lane_id: int) -> int:
    box = panel.model.layout.box_of[lane_id]
    return int(box.top + 10 - panel.view.mapToScene(QPoint(0, 0)).y())


def test_a_fold_leaves_the_time_scale_and_the_toolbar_s_lists_as_they_are(panel, plan, qtbot):
    """A lane folded lays the chart out again, but the dates above it, the lane filter and
    the baseline menu show nothing that changed: none of them is made or painted again."""
    chart, scale = PaintCount(panel.view.viewport()), PaintCount(panel.time_header)
    menu = list(panel.toolbar.baseline_menu.actions())
    lanes = [
        panel.toolbar.lane_filter.itemText(i) for i in range(panel.toolbar.lane_filter.count())
    ]
    mobile = plan.lanes[1].id
    QTest.mouseClick(
        panel.lane_header,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(10, _lane_y(panel, mobile)),
    )
    qtbot.waitUntil(lambda: chart.count > 0)
    QApplication.processEvents()
    assert plan.roadmap.lanes.get(mobile).collapsed
    assert scale.count == 0
    assert list(panel.toolbar.baseline_menu.actions()) == menu  # the same actions, not new ones
    combo = panel.toolbar.lane_filter
    assert [combo.itemText(i) for i in range(combo.count())] == lanes


def test_a_lane_renamed_from_its_menu_is_renamed_in_the_lane_filter(panel, plan, ctx, monkeypatch):
    """Right-click a lane, Rename…: the toolbar's lane filter lists the new name; undo brings
    the old one back."""
    monkeypatch.setattr(dialogs, "ask_text", lambda *args: "Apps")
    from pmdesk.gui.gantt import lane_actions

    class Picked(QMenu):  # the menu as a person uses it: Rename… clicked
        def exec(self, *args) -> None:
            next(a for a in self.actions() if a.text() == "Rename…").trigger()

    monkeypatch.setattr(lane_actions, "QMenu", Picked)
    combo = panel.toolbar.lane_filter

    def listed() -> list[str]:
        return [combo.itemText(i) for i in range(1, combo.count())]

    assert listed() == ["Platform", "Mobile", "Launch"]
    QTest.mouseClick(
        panel.lane_header,
        Qt.MouseButton.RightButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(60, _lane_y(panel, plan.lanes[1].id)),
    )
    assert plan.roadmap.lanes.get(plan.lanes[1].id).name == "Apps"
    assert listed() == ["Platform", "Apps", "Launch"]
    ctx.undo()
    assert listed() == ["Platform", "Mobile", "Launch"]


def test_folding_a_lane_moves_the_lanes_below_without_a_new_layout(panel, plan, ctx, monkeypatch):
    """A click on a lane's chevron folds it: the rows stand and the lanes below move up, as a
    whole new layout would place them, without packing every item again; undo unfolds it."""
    from pmdesk.core import gantt_layout

    header = panel.lane_header
    mobile = plan.lanes[1].id
    packed = []
    original = gantt_layout.GanttLayout._pack_lane
    monkeypatch.setattr(
        gantt_layout.GanttLayout,
        "_pack_lane",
        lambda layout, *args: (packed.append(args[0]), original(layout, *args))[1],
    )
    layout = panel.model.layout
    box = layout.box_of[mobile]
    y = int(box.top + 10 - panel.view.mapToScene(QPoint(0, 0)).y())
    QTest.mouseClick(
        header, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(10, y)
    )
    assert panel.model.layout is layout and packed == []  # the same layout, restacked
    assert layout.box_of[mobile].collapsed
    fresh = gantt_layout.GanttLayout(
        layout.lanes, list(layout.items.values()), layout.metrics
    )  # what a whole new layout gives
    assert layout.boxes == fresh.boxes
    assert {i: layout.place(i) for i in layout.items} == {i: fresh.place(i) for i in fresh.items}
    launch_item = panel.model.layout.box_of[plan.lanes[2].id]
    assert launch_item.top < box.top + box.height  # the lane below moved up
    packed.clear()  # the whole layouts just made for the comparison
    ctx.undo()
    assert panel.model.layout is layout and packed == []
    assert not layout.box_of[mobile].collapsed
    assert (
        layout.boxes
        == gantt_layout.GanttLayout(layout.lanes, list(layout.items.values()), layout.metrics).boxes
    )


def test_drag_a_lane_name_to_reorder(panel, plan):
    header = panel.lane_header
    offset = panel.view.mapToScene(QPoint(0, 0)).y()
    boxes = panel.model.layout.boxes
    start = QPoint(100, int(boxes[0].top + 10 - offset))
    end = QPoint(100, int(boxes[2].top + boxes[2].height - 3 - offset))
    QTest.mousePress(header, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(header, end)
    QTest.mouseRelease(header, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert [lane.name for lane in panel.model.lanes] == ["Mobile", "Launch", "Platform"]


def test_edits_made_elsewhere_refresh_only_the_changed_rows(panel, plan):
    queries = panel.model.queries
    asked = []
    original = queries.item_rows
    queries.item_rows = lambda product, ids=None: asked.append(ids) or original(product, ids)
    try:
        plan.roadmap.items.update(plan.ids.beta, start_date=D(2027, 2, 3), end_date=D(2027, 2, 3))
    finally:
        queries.item_rows = original
    assert asked == [{plan.ids.beta}]
    assert panel.model.items[plan.ids.beta].start == D(2027, 2, 3)
    assert panel.model.layout.items[plan.ids.beta].start == D(2027, 2, 3).toordinal()


def test_new_items_and_deletes_elsewhere_appear_and_vanish(panel, plan):
    new = plan.roadmap.items.create(
        product_id=plan.product.id,
        lane_id=plan.lanes[2].id,
        name="Press",
        start_date=D(2027, 3, 1),
        end_date=D(2027, 3, 5),
    )
    assert new.id in panel.model.layout.items
    plan.roadmap.items.delete(new.id)
    assert new.id not in panel.model.layout.items and new.id not in panel.model.items


def test_export_png_and_svg(panel, tmp_path):
    png = panel.export_image(tmp_path / "roadmap.png")
    svg = panel.export_image(tmp_path / "roadmap.svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "App &amp; widget" in text


def test_no_product_shows_an_empty_chart(panel):
    panel.set_product(None)
    assert panel.model.layout.items == {} and not panel.has_selection()
    assert not panel.toolbar.add_item.isEnabled()


def test_redo_brings_back_the_same_baseline_and_reschedule(panel, plan, ctx, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_text", lambda *args: "Plan of record")
    panel.set_baseline()
    first = plan.roadmap.baselines_of(plan.product.id)[0]
    ctx.undo()
    ctx.redo()
    again = plan.roadmap.baselines_of(plan.product.id)
    assert [(b.id, b.name, b.is_active) for b in again] == [(first.id, "Plan of record", True)]
    assert panel.model.baseline_id == first.id
    # Sunday to Wednesday: the 3 working days SDK had (Thursday to Monday) in the baseline.
    plan.roadmap.items.update(plan.ids.sdk, start_date=D(2027, 1, 10), end_date=D(2027, 1, 13))
    panel.reschedule_successors()
    ctx.undo()
    ctx.redo()
    assert plan.roadmap.items.get(plan.ids.sdk).start_date == D(2027, 1, 14)
    assert panel.model.slip(plan.ids.sdk) == 0


def test_a_new_empty_product_takes_the_filter_the_fold_and_the_critical_path(workspace, qtbot):
    """From a new, empty workspace: the critical path shown on nothing, the first item made
    from the toolbar with the path shown, typed into the filter, its lane folded from the
    lane column and back, and the item dragged, the path always what a whole pass gives."""
    from pmdesk.core.scheduling import LiveSchedule
    from pmdesk.gui.gantt.model import _core_link

    product = workspace.service(PortfolioService).create_product(name="Fresh")
    ctx = AppContext(workspace)
    panel = RoadmapPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1100, 500)
    panel.set_today(D(2027, 1, 12))
    panel.set_product(product.id)
    panel.show()
    exposed(qtbot, panel)
    model = panel.model

    def path_as_a_whole_pass_gives() -> None:
        tasks = [t for t in map(model._task, model.items) if t is not None]
        links = [_core_link(link) for link in model.links.values()]
        fresh = LiveSchedule(tasks, links, None, model.calendar)
        assert model.critical == {i for i in fresh.order if fresh.timing(i).total_float <= 0}

    panel.toolbar.critical.trigger()
    assert model.show_critical and model.critical == set() and not model.schedule_error
    panel.toolbar.add_item.trigger()  # no lane yet: the first lane and its item
    [item_id] = model.items
    assert model.critical == {item_id}
    path_as_a_whole_pass_gives()

    box = panel.toolbar.text_filter
    box.setFocus()
    qtbot.keyClicks(box, "zzz")
    assert set(model.layout.items) == set()
    box.clear()
    assert set(model.layout.items) == {item_id}

    lane = model.lanes[0].id
    top = model.layout.box_of[lane].top
    y = int(top + 10 - panel.view.mapToScene(QPoint(0, 0)).y())
    QTest.mouseClick(
        panel.lane_header, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(10, y)
    )
    assert model.layout.box_of[lane].collapsed
    ctx.undo()
    assert not model.layout.box_of[lane].collapsed

    port = panel.view.viewport()
    panel.view.set_zoom(20.0)
    box_ = panel.scene.item_box(item_id)
    start = panel.view.mapFromScene(box_.x + box_.w / 2, box_.cy)
    end = start + QPoint(round(3 * panel.scene.scale.px_per_day), 0)
    before = model.items[item_id].start
    QTest.mousePress(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 5):
        QTest.mouseMove(port, start + (end - start) * k / 4)
    QTest.mouseRelease(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    qtbot.waitUntil(lambda: model.items[item_id].start == before + dt.timedelta(days=3))
    path_as_a_whole_pass_gives()
    ctx.close()


def test_a_baseline_is_offered_today_as_every_date_reads(panel, plan, monkeypatch):
    # Accepted as offered, it is named "Baseline 7 Dec 2026": no leading zero, as the
    # roadmap's tooltips, the documents and the history write a day.
    offered = []

    def accept(_parent, _title, _label, default):
        offered.append(default)
        return default

    monkeypatch.setattr(dialogs, "ask_text", accept)
    panel.model.today = D(2026, 12, 7)
    panel.toolbar.set_baseline.trigger()
    assert offered == ["Baseline 7 Dec 2026"]
    assert [b.name for b in plan.roadmap.baselines_of(plan.product.id)] == offered
