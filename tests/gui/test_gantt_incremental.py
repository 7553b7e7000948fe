"""After an edit the chart repaints only what changed, and keeps the link routes it can:
what is on screen then must be exactly what a fresh chart on the same file draws.

The screen is read from the window's backing store (what Qt really painted, partial
repaints included), never by ``grab()``, which paints the whole widget again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from tests.gui.windows import PaintCount, exposed

from pmdesk.core.enums import ItemKind
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel
from pmdesk.gui.gantt.links import LinkPainter
from pmdesk.store.generate import create_large
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 12, 4)
LEFT, NONE = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier


def open_panel(qtbot, ws, product_id: int) -> tuple[RoadmapPanel, AppContext]:
    ctx = AppContext(ws)
    panel = RoadmapPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1280, 720)
    panel.set_today(TODAY)
    panel.set_product(product_id)
    panel.show()
    exposed(qtbot, panel)
    qtbot.waitUntil(lambda: not panel._needs_first_view)
    return panel, ctx


def product_of(ws) -> int:
    from pmdesk.store.services import PortfolioService

    return ws.service(PortfolioService).list_products()[0].id


def on_screen(widget) -> QImage:
    """A widget as the window's backing store holds it: what was really painted."""
    corner = widget.mapTo(widget.window(), QPoint(0, 0))
    screen = widget.window().windowHandle().screen()
    shot = screen.grabWindow(
        widget.window().winId(), corner.x(), corner.y(), widget.width(), widget.height()
    )
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def drawn_fresh(widget) -> QImage:
    """The widget painted whole, now, on screen (into the same backing store)."""
    widget.repaint()
    return on_screen(widget)


# Lanes that only moved are moved on screen as pixels, as Qt scrolls the view: an
# antialiased edge painted at another height can differ from a fresh paint by a unit of
# colour (Qt's rasteriser is not exact under translation). A misplaced or missing shape
# differs by far more.
MOVED_TOLERANCE = 2


def assert_drawn_as_fresh(panel: RoadmapPanel, tolerance: int = 0) -> None:
    """The chart on screen (repainted in parts, routes kept) is what a whole repaint with
    no kept routes draws, to ``tolerance`` units of each colour (exactly by default); the
    lane column's counts are right too."""
    port = panel.view.viewport()
    painted = on_screen(port)
    painter = panel.painter
    kept = painter.links
    painter.links = LinkPainter(panel.model, painter.style)
    painter.links.hover = kept.hover
    try:
        fresh = drawn_fresh(port)
        if tolerance == 0:
            assert painted == fresh
        else:
            worst = _largest_difference(painted, fresh)
            assert worst <= tolerance, f"a colour {worst} units away from a fresh chart's"
    finally:
        painter.links = kept
    header = on_screen(panel.lane_header)
    assert header == drawn_fresh(panel.lane_header)


def _largest_difference(one: QImage, other: QImage) -> int:
    """The largest difference of any colour channel between two images of one size."""
    import numpy as np

    assert one.size() == other.size() and one.format() == other.format()

    def channels(image: QImage):
        data = np.frombuffer(image.constBits(), dtype=np.uint8, count=image.sizeInBytes())
        return data.reshape(image.height(), image.bytesPerLine()).astype(np.int16)

    return int(np.abs(channels(one) - channels(other)).max())


def settle(qtbot, watch: PaintCount, before: int) -> None:
    qtbot.waitUntil(lambda: watch.count > before)
    QApplication.processEvents()


def bar_to_drag(panel: RoadmapPanel, with_links: bool = True) -> tuple[int, QPoint]:
    """An item with links, wide enough to grab, well inside the visible chart."""
    view, model = panel.view, panel.model
    seen = view.visible_scene_rect().adjusted(120, 60, -300, -60)
    for item_id in model.layout.items:
        box = panel.scene.item_box(item_id)
        if box is None or box.w < 30 or not seen.contains(box.x + box.w / 2, box.cy):
            continue
        if with_links and not model.links_of.get(item_id):
            continue
        point = view.mapFromScene(box.x + box.w / 2, box.cy)
        if view.hit(view.mapToScene(point)).item_id == item_id:
            return item_id, point
    raise AssertionError("no bar to drag on screen")


def drag(panel: RoadmapPanel, qtbot, start: QPoint, end: QPoint) -> None:
    port = panel.view.viewport()
    watch = PaintCount(port)
    QTest.mousePress(port, LEFT, NONE, start)
    for k in range(1, 5):
        QTest.mouseMove(port, start + (end - start) * k / 4)
    QApplication.processEvents()
    before = watch.count
    QTest.mouseRelease(port, LEFT, NONE, end)
    settle(qtbot, watch, before)


def test_a_dragged_bar_and_its_links_are_drawn_as_a_fresh_chart_draws_them(qtbot, crowded):
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    item_id, point = bar_to_drag(panel)
    before = panel.model.items[item_id].start
    step = QPoint(round(6 * panel.scene.scale.px_per_day), 0)
    drag(panel, qtbot, point, point + step)
    assert panel.model.items[item_id].start == before + dt.timedelta(days=6)
    assert_drawn_as_fresh(panel)

    drag(panel, qtbot, point + step, point + step + QPoint(0, 0) - step - step)
    assert panel.model.items[item_id].start == before - dt.timedelta(days=6)
    assert_drawn_as_fresh(panel)

    watch = PaintCount(panel.view.viewport())
    count = watch.count
    ctx.undo()  # back to where the first drag left it, through the change notice
    settle(qtbot, watch, count)
    assert panel.model.items[item_id].start == before + dt.timedelta(days=6)
    assert_drawn_as_fresh(panel)
    ctx.close()


def test_a_bar_dragged_into_another_lane_is_drawn_as_a_fresh_chart_draws_it(qtbot, crowded):
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    item_id, point = bar_to_drag(panel)
    lane = panel.model.items[item_id].lane_id
    box = panel.model.layout.box_of[lane]
    below = panel.view.mapFromScene(0, box.top + box.height + 10).y()
    panel.view.verticalScrollBar().setValue(panel.view.verticalScrollBar().value())
    target = QPoint(point.x() + round(3 * panel.scene.scale.px_per_day), below)
    drag(panel, qtbot, point, target)
    moved = panel.model.items[item_id].lane_id
    assert moved != lane
    assert_drawn_as_fresh(panel)
    ctx.close()


def test_selection_clicks_repaint_exactly_what_changed(qtbot, crowded):
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    port = panel.view.viewport()
    watch = PaintCount(port)
    first, point = bar_to_drag(panel)
    count = watch.count
    QTest.mouseClick(port, LEFT, NONE, point)
    settle(qtbot, watch, count)
    assert panel.model.selected == {first}
    assert_drawn_as_fresh(panel)
    empty = panel.view.mapFromScene(panel.view.visible_scene_rect().topLeft()) + QPoint(2, 2)
    count = watch.count
    QTest.mouseClick(port, LEFT, NONE, empty)
    settle(qtbot, watch, count)
    assert panel.model.selected == set()
    assert_drawn_as_fresh(panel)
    ctx.close()


def test_lane_counts_follow_moves_deletes_and_undo(qtbot, crowded):
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    layout = panel.model.layout

    def counted() -> dict[int, int]:
        found: dict[int, int] = {}
        for item in panel.model.layout.items.values():
            found[item.lane_id] = found.get(item.lane_id, 0) + 1
        return found

    assert {lane.id: layout.item_count(lane.id) for lane in panel.model.lanes} == counted()
    panel.view.select([next(iter(layout.items))])
    panel.delete_selected()
    assert {lane.id: panel.model.layout.item_count(lane.id) for lane in panel.model.lanes} == (
        counted()
    )
    ctx.undo()
    assert {lane.id: panel.model.layout.item_count(lane.id) for lane in panel.model.lanes} == (
        counted()
    )
    ctx.close()


def test_zooming_repaints_the_lane_column_when_the_launch_lane_changes_shape(qtbot, demo_ctx):
    """The lane column is not painted again on a zoom, unless the launch lane under the
    lanes (whose rows follow the zoom) changed: what it shows stays what a repaint shows."""
    panel = RoadmapPanel(demo_ctx)
    qtbot.addWidget(panel)
    panel.resize(1920, 1080)  # every lane and the launch lane on screen: no scrolling
    panel.set_today(TODAY)
    panel.set_product(product_of(demo_ctx.workspace))
    panel.show()
    exposed(qtbot, panel)
    qtbot.waitUntil(lambda: not panel._needs_first_view)
    launch = panel.scene.launch
    assert launch.shown
    assert launch.top + launch.height <= panel.view.visible_scene_rect().bottom()
    port = panel.view.viewport()
    watch = PaintCount(port)
    shapes = set()
    for action in [panel.toolbar.zoom_in] * 9 + [panel.toolbar.zoom_out] * 3:
        count = watch.count
        action.trigger()
        settle(qtbot, watch, count)
        shapes.add((launch.top, launch.height))
        assert on_screen(panel.lane_header) == drawn_fresh(panel.lane_header)
    assert len(shapes) > 1  # the launch lane did change shape on the way


def test_initiatives_keep_their_lane_coloured_strip_when_the_chart_is_dense(
    qtbot, tmp_path_factory
):
    """The dense style (more than 220 bars in a lane's paint) fills bars in batches by
    colour; an initiative's strip (its lane's colour) is drawn over every batch, not
    under its own pale body."""
    path = tmp_path_factory.mktemp("dense") / "dense.pmdesk"
    ws = Workspace.open(create_large(path, items=1200, dependencies=100, lanes=3, today=TODAY))
    panel, ctx = open_panel(qtbot, ws, product_of(ws))
    panel.view.set_zoom(1.0)
    QApplication.processEvents()
    view, model = panel.view, panel.model
    seen = view.visible_scene_rect()
    layout = model.layout
    shown = [
        item
        for item in layout.items.values()
        if (box := panel.scene.item_box(item.id)) is not None and seen.contains(box.x, box.cy)
    ]
    assert len(shown) > 220  # the dense style
    initiatives = [
        i
        for i in shown
        if i.kind is ItemKind.INITIATIVE
        and panel.scene.item_box(i.id).w >= 8
        and i.id not in model.selected
    ]
    assert initiatives
    boxes = {item.id: panel.scene.item_box(item.id) for item in shown}

    def alone(item) -> bool:  # nothing else drawn near its left end (a milestone's diamond)
        box = boxes[item.id]
        return not any(
            other != item.id and b.x - 12 <= box.x <= b.right + 12 and abs(b.cy - box.cy) < 20
            for other, b in boxes.items()
        )

    initiatives = [item for item in initiatives if alone(item)]
    assert initiatives
    image = view.viewport().grab().toImage()
    for item in initiatives:
        box = panel.scene.item_box(item.id)
        point = view.mapFromScene(round(box.x) + 1.5, box.cy)
        colour = image.pixelColor(point.x(), point.y())
        assert colour.rgb() == panel.painter.swatch(item.lane_id).fill.rgb(), item.id
    ctx.close()
    ws.close()


def test_an_edit_that_adds_a_row_moves_only_the_lanes_below(qtbot, crowded, monkeypatch):
    """An item stretched over its whole lane needs a row of its own: the lane grows by it and
    the lanes below move down, every other bar keeps its row, nothing is laid out again, and
    the chart on screen is what a fresh chart draws; undo moves it back the same way."""
    from pmdesk.gui.commands import UpdateCommand
    from pmdesk.store.services import RoadmapService

    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(2.0)
    QApplication.processEvents()
    model, layout = panel.model, panel.model.layout
    relayouts = []
    monkeypatch.setattr(model, "_relayout", lambda *how: relayouts.append(1))
    lane = model.lanes[0].id
    members = [row for row in model.items.values() if row.lane_id == lane]
    item = next(row for row in members if row.kind is not ItemKind.MILESTONE)
    rows_before = layout.row_count(lane)
    places = {i: layout.place(i)[:2] for i in layout.items if i != item.id}
    tops = {box.lane_id: box.top for box in layout.boxes}
    port = panel.view.viewport()
    watch = PaintCount(port)
    count = watch.count
    fields = {
        "start_date": min(row.start for row in members) - dt.timedelta(days=1),
        "end_date": max(row.end for row in members) + dt.timedelta(days=1),
    }  # as the item's side panel writes them: one command, undoable
    ctx.run(UpdateCommand(ctx.service(RoadmapService).items, item.id, fields, "Stretch"))
    settle(qtbot, watch, count)
    assert layout.row_count(lane) == rows_before + 1 and relayouts == []
    assert {i: layout.place(i)[:2] for i in places} == places  # no other bar changed row
    pitch = layout.metrics.row_pitch
    assert all(layout.box_of[b].top == tops[b] + pitch for b in tops if tops[b] > tops[lane])
    assert_drawn_as_fresh(panel)

    count = watch.count
    ctx.undo()  # its dates back; it keeps the row it has, where it still fits
    settle(qtbot, watch, count)
    assert model.items[item.id].start == item.start and relayouts == []
    assert {i: layout.place(i)[:2] for i in places} == places
    assert_drawn_as_fresh(panel)
    ctx.close()


def test_a_drag_with_the_critical_path_shown_works_it_out_from_the_moved_bar(
    qtbot, crowded, monkeypatch
):
    """With the critical path on screen, a dragged bar's path and floats are worked out from
    where it went, not with a whole new pass, and are what a whole pass gives; a new link
    takes a whole pass."""
    from pmdesk.core import scheduling
    from pmdesk.gui.gantt import model as gantt_model

    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    panel.toolbar.critical.trigger()
    model = panel.model
    assert model.show_critical and model.critical
    passes = []
    whole = scheduling.LiveSchedule
    monkeypatch.setattr(
        gantt_model, "LiveSchedule", lambda *args: (passes.append(1), whole(*args))[1]
    )

    def as_a_whole_pass_gives() -> None:
        tasks = [t for t in map(model._task, model.items) if t is not None]
        links = [gantt_model._core_link(link) for link in model.links.values()]
        fresh = whole(tasks, links, None, model.calendar)
        floats = {i: fresh.timing(i).total_float for i in fresh.order}
        assert model.floats == floats
        assert model.critical == {i for i, f in floats.items() if f <= 0}

    item_id, point = bar_to_drag(panel)
    started = model.items[item_id].start
    step = QPoint(round(9 * panel.scene.scale.px_per_day), 0)
    drag(panel, qtbot, point, point + step)
    assert model.items[item_id].start == started + dt.timedelta(days=9)
    assert passes == []
    as_a_whole_pass_gives()
    watch = PaintCount(panel.view.viewport())
    count = watch.count
    ctx.undo()
    settle(qtbot, watch, count)
    assert passes == []
    as_a_whole_pass_gives()

    from pmdesk.store.services import RoadmapService

    roadmap = ctx.service(RoadmapService)
    unlinked = [i for i in model.items if not model.links_of.get(i)][:2]
    roadmap.dependencies.create(predecessor_id=unlinked[0], successor_id=unlinked[1])
    QApplication.processEvents()
    assert passes == [1]  # a link: a whole pass
    as_a_whole_pass_gives()
    ctx.close()


def test_a_drag_that_moves_the_critical_path_redraws_what_joined_or_left_it(
    qtbot, crowded, monkeypatch
):
    """A bar dragged a month later that takes the plan's finish with it: the items that
    leave the path (and those that join it) are redrawn with their links, in strips, not
    the whole chart; the screen is then what a fresh chart draws. The same after the undo,
    which brings the old path back."""
    from pmdesk.core import scheduling
    from pmdesk.gui.gantt import model as gantt_model

    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    panel.toolbar.critical.trigger()
    QApplication.processEvents()
    model, view = panel.model, panel.view

    tasks = {t.id: t for t in map(model._task, model.items) if t is not None}
    links = [gantt_model._core_link(link) for link in model.links.values()]
    links_by_id = model.links

    def path_moves(i: int) -> bool:  # a month later, items not linked to it leave the path
        later = tasks | {i: scheduling.Task(i, tasks[i].start + 30, tasks[i].duration)}
        fresh = scheduling.LiveSchedule(later.values(), links, None, model.calendar)
        path = {k for k in fresh.order if fresh.timing(k).total_float <= 0}
        linked = {i} | {
            k for n in model.links_of.get(i, ()) for k in (links_by_id[n].pred, links_by_id[n].succ)
        }
        return bool((path ^ model.critical) - linked)

    last_first = sorted(tasks, key=lambda i: -(tasks[i].start + tasks[i].duration))
    item_id = next(
        i
        for i in last_first
        if (box := panel.scene.item_box(i)) is not None and box.w >= 30 and path_moves(i)
    )
    box = panel.scene.item_box(item_id)
    view.centerOn(box.x + box.w / 2, box.cy)
    QApplication.processEvents()
    point = view.mapFromScene(box.x + box.w / 2, box.cy)
    assert view.hit(view.mapToScene(point)).item_id == item_id
    path_before = set(model.critical)
    repainted: list[tuple] = []  # the scene rectangles asked for; () is the whole chart
    update = panel.scene.update
    monkeypatch.setattr(
        panel.scene, "update", lambda *rect: (repainted.append(rect), update(*rect))
    )

    def redrawn_where_the_path_changed(before: set[int]) -> None:
        assert () not in repainted
        for i in (before ^ model.critical) - {item_id}:
            box = panel.scene.item_box(i)
            assert any(rect[0].contains(box.x + box.w / 2, box.cy) for rect in repainted), i
        repainted.clear()

    step = QPoint(round(30 * panel.scene.scale.px_per_day), 0)
    drag(panel, qtbot, point, point + step)
    assert model.critical != path_before  # the month moved the path
    redrawn_where_the_path_changed(path_before)
    assert_drawn_as_fresh(panel)

    moved_path = set(model.critical)
    watch = PaintCount(view.viewport())
    count = watch.count
    ctx.undo()
    settle(qtbot, watch, count)
    assert model.critical == path_before
    redrawn_where_the_path_changed(moved_path)
    assert_drawn_as_fresh(panel)
    ctx.close()


def test_a_crowded_screen_draws_each_broken_link_as_a_stub_into_its_successor(qtbot, crowded):
    """More links on screen than anyone could follow: a broken one keeps a short red line
    and arrow head into its successor (its start, or its finish for a link into a
    finish), on the row's middle; the plain ones are left out. After a lane is folded and
    unfolded (every stub made again) the screen is what a fresh chart draws."""
    from pmdesk.gui.gantt.links import LINK_BUDGET, STUB_PX

    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(1.2)
    QApplication.processEvents()
    model, painter, view = panel.model, panel.painter, panel.view
    links = painter.links
    shown = view.visible_scene_rect()
    on_screen_links = links.chosen(panel.scene.scale, shown)
    assert len(on_screen_links) > LINK_BUDGET  # the crowded case
    image = drawn_fresh(view.viewport())
    red = painter.style.violated.rgb()
    checked = 0
    for link_id in on_screen_links:
        if link_id not in model.violated:
            continue
        link = model.links[link_id]
        box = panel.scene.item_box(link.succ)
        into_start = link.type.value in ("FS", "SS")
        tip = box.x if into_start else box.x + box.w
        middle = view.mapFromScene(tip - STUB_PX / 2 if into_start else tip + STUB_PX / 2, box.cy)
        if not view.viewport().rect().adjusted(20, 20, -20, -20).contains(middle):
            continue
        if model.layout.ids_between(  # another bar drawn over the line: nothing to see there
            panel.scene.scale.ordinal_at(tip - STUB_PX) - 1,
            panel.scene.scale.ordinal_at(tip + STUB_PX) + 1,
            box.cy - 1,
            box.cy + 1,
        ) != [link.succ]:
            continue
        row = [
            image.pixel(middle.x() + dx, middle.y() + dy) & 0xFFFFFF
            for dx in (-2, 0, 2)
            for dy in (-1, 0, 1)
        ]
        assert red & 0xFFFFFF in row, link_id
        checked += 1
    assert checked >= 5
    chevron = panel.lane_header
    watch = PaintCount(view.viewport())
    for _fold_and_back in range(2):
        box = model.layout.box_of[model.lanes[0].id]
        y = int(box.top + 10 - view.mapToScene(QPoint(0, 0)).y())
        count = watch.count
        QTest.mouseClick(chevron, LEFT, NONE, QPoint(10, y))
        settle(qtbot, watch, count)
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()


@pytest.mark.parametrize("change", ["fold", "row added"])
def test_links_of_lanes_that_only_moved_follow_them_as_a_fresh_chart_draws_them(
    qtbot, crowded, monkeypatch, change
):
    """A lane folded, or a row more in it, moves the lanes below up or down whole: their
    links are the same routes, moved with them (not worked out again), and the chart on
    screen is what a fresh chart draws; the same after the undo."""
    from pmdesk.gui.commands import UpdateCommand
    from pmdesk.gui.gantt.links import LINK_BUDGET
    from pmdesk.store.services import RoadmapService

    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    model, view, links = panel.model, panel.view, panel.painter.links
    assert len(links.chosen(panel.scene.scale, view.visible_scene_rect())) <= LINK_BUDGET
    followed = []
    original = links._follow_lanes
    monkeypatch.setattr(
        links, "_follow_lanes", lambda drawing: (followed.append(1), original(drawing))[1]
    )
    lane = model.lanes[0].id
    watch = PaintCount(view.viewport())
    count = watch.count
    if change == "fold":
        box = model.layout.box_of[lane]
        y = int(box.top + 10 - view.mapToScene(QPoint(0, 0)).y())
        QTest.mouseClick(panel.lane_header, LEFT, NONE, QPoint(10, y))
    else:
        members = [row for row in model.items.values() if row.lane_id == lane]
        item = next(row for row in members if row.kind is not ItemKind.MILESTONE)
        fields = {
            "start_date": min(row.start for row in members) - dt.timedelta(days=1),
            "end_date": max(row.end for row in members) + dt.timedelta(days=1),
        }
        ctx.run(UpdateCommand(ctx.service(RoadmapService).items, item.id, fields, "Stretch"))
    settle(qtbot, watch, count)
    assert followed  # routes moved with their lanes, not all made again
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    count = watch.count
    ctx.undo()
    settle(qtbot, watch, count)
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()


def _wheel(view, dx: int, dy: int) -> None:
    """A notch of the mouse wheel over the chart (sideways with ``dx``), as a mouse sends it."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    port = view.viewport()
    at = QPointF(port.width() / 2, port.height() / 2)
    event = QWheelEvent(
        at,
        port.mapToGlobal(at),
        QPoint(),
        QPoint(dx, dy),
        Qt.MouseButton.NoButton,
        NONE,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(port, event)
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize("way", ["down", "sideways"])
def test_links_and_names_that_come_near_as_the_wheel_scrolls_are_drawn_whole(qtbot, crowded, way):
    """Zoomed in, each link of the items near the screen is drawn whole, however far it
    runs. A wheel notch moves the screen's pixels and paints the strip it uncovers; a link
    whose item came near (or went) is painted again along its whole route, so none is cut
    off where the pixels moved; and a bar just past the strip whose name goes before it
    has that name drawn in the strip. After each notch the screen is a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    view, links = panel.view, panel.painter.links
    view.set_zoom(8.0)
    QApplication.processEvents()
    scale = panel.scene.scale
    changed = 0
    for _ in range(8):
        before = set(links.chosen(scale, view.visible_scene_rect()))
        _wheel(view, -120 if way == "sideways" else 0, -120 if way == "down" else 0)
        now = links.chosen(scale, view.visible_scene_rect())
        changed += bool(before ^ now)
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    assert changed >= 3, "the notches brought links near the screen, or took them away"
    ctx.close()


def test_the_legend_is_painted_again_only_when_what_it_shows_changes(qtbot, crowded):
    """A click that selects a bar, and a lane folded, leave the legend as it is: it is not
    painted again. The Critical path button adds its sign, so the legend is painted again;
    so it is when the desk's look is made again (a theme)."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    port, legend = panel.view.viewport(), panel.legend
    chart, painted = PaintCount(port), PaintCount(legend)
    # Every link checked (after the first paint): the legend names the broken ones then.
    qtbot.waitUntil(lambda: panel.model.violated.complete and not panel._checking_after_paint)
    for _ in range(3):
        QApplication.processEvents()
    shown = painted.count
    first, point = bar_to_drag(panel)
    count = chart.count
    QTest.mouseClick(port, LEFT, NONE, point)
    settle(qtbot, chart, count)
    assert panel.model.selected == {first} and painted.count == shown
    count = chart.count
    panel.lane_actions.set_lane_collapsed(panel.model.lanes[0].id, True)  # as its menu does
    settle(qtbot, chart, count)
    assert painted.count == shown
    assert "Critical path" not in legend.labels()
    panel.toolbar.critical.trigger()
    qtbot.waitUntil(lambda: painted.count > shown)
    assert "Critical path" in legend.labels()
    assert "Critical path" in legend.accessibleDescription()
    count = painted.count
    panel.set_presentation(None)  # the desk's look made again: new style and type objects
    qtbot.waitUntil(lambda: painted.count > count)
    ctx.close()


def test_a_new_workspace_scrolled_folded_and_undone_by_its_keys_is_drawn_fresh(qtbot, tmp_path):
    """A first day: a new workspace, one product, the Roadmap at laptop size. Wheel notches
    over the empty chart, the first item made with New item, a click on it (the legend is
    not painted again), its lane folded by the chevron and unfolded by Ctrl+Z, more
    notches: after each, the screen is a fresh chart's."""
    from tests.gui.test_gantt_rows_moved import _click_chevron
    from tests.gui.windows import active, open_main_window

    from pmdesk.store.services import PortfolioService

    path = tmp_path / "first day.pmdesk"
    with Workspace.create(path, name="First day") as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    window = active(qtbot, open_main_window(qtbot, path, size=(1366, 768), view="roadmap"))
    exposed(qtbot, window)
    panel = window.view_host.current_view().chart
    view, port = panel.view, panel.view.viewport()
    for dx, dy in ((0, -120), (-120, 0), (0, 120)):
        _wheel(view, dx, dy)
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    qtbot.mouseClick(panel.toolbar.widgetForAction(panel.toolbar.add_item), LEFT)
    QApplication.processEvents()
    (item_id,) = panel.model.items
    for _ in range(3):  # the first item's frame, the legend's included
        QApplication.processEvents()
    legend = PaintCount(panel.legend)
    box = panel.scene.item_box(item_id)
    QTest.mouseClick(port, LEFT, NONE, view.mapFromScene(box.x + box.w / 2, box.cy))
    QApplication.processEvents()
    assert panel.model.selected == {item_id} and legend.count == 0
    lane = panel.model.lanes[0].id
    _click_chevron(panel, panel.model.layout.box_of[lane].top + 10)
    assert panel.model.layout.box_of[lane].collapsed
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()
    assert not panel.model.layout.box_of[lane].collapsed
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    for dx, dy in ((0, -120), (-120, 0)):
        _wheel(view, dx, dy)
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
