"""An edit that adds or frees a row, or a lane folded, moves the lanes below it: the chart
repaints that lane and the changed rows, moves what the screen shows of the lanes below
as pixels (Qt paints only the strip that uncovers) where one lane alone changed, else
repaints from that lane down, and leaves what stands above alone (nothing at all when the
lanes that moved are below the screen), unless links could start or stop being drawn on
screen; either way what is on screen is then what a fresh chart on the same file draws
(read from the window's backing store, as test_gantt_incremental does; where pixels were
moved, to a unit or two of colour at antialiased edges)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtGui import QRegion
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from tests.gui.test_gantt_incremental import (
    LEFT,
    MOVED_TOLERANCE,
    NONE,
    assert_drawn_as_fresh,
    open_panel,
    product_of,
)

from pmdesk.core.enums import ItemKind
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.gantt.links import LINK_BUDGET
from pmdesk.gui.gantt.refresh import EDGE_PX
from pmdesk.store.services import RoadmapService


class Painted(QObject):
    """The rectangles a widget was asked to paint (its paint events' regions)."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects += list(event.region())
        return False

    def box(self) -> QRect:
        found = QRect()
        for rect in self.rects:
            found = found.united(rect)
        return found

    def region(self) -> QRegion:
        found = QRegion()
        for rect in self.rects:
            found = found.united(rect)
        return found


def _spanning(model, lane: int) -> dict:
    """Dates that overlap every item of the lane: the item needs a row of its own there."""
    members = [row for row in model.items.values() if row.lane_id == lane]
    return {
        "start_date": min(row.start for row in members) - dt.timedelta(days=1),
        "end_date": max(row.end for row in members) + dt.timedelta(days=1),
    }


def _sharing_a_row(model, lane: int):
    """A bar (not a milestone) of the lane with another item in its row."""
    layout = model.layout
    for row in model.items.values():
        if row.lane_id != lane or row.kind is ItemKind.MILESTONE:
            continue
        if len(layout.row_items(lane, layout.place(row.id)[1], -1e9, 1e9)) > 1:
            return row
    raise AssertionError("every bar of the lane has a row of its own")


def _edit(qtbot, panel, ctx, make) -> Painted:
    """Run the command ``make()`` gives, as the item's side panel does, and let Qt finish:
    what the viewport was asked to paint."""
    painted = Painted(panel.view.viewport())
    ctx.run(make())
    for _ in range(3):  # the scene's update, the view's, the paint
        QApplication.processEvents()
    return painted


def _scroll_to(panel, y: float) -> None:
    panel.view.verticalScrollBar().setValue(round(y))
    QApplication.processEvents()


def _share(region: QRegion, area: QRect) -> float:
    """How much of ``area`` the region covers (0 to 1)."""
    inside = region.intersected(area)
    covered = sum(r.width() * r.height() for r in inside)
    return covered / max(area.width() * area.height(), 1)


def _click_chevron(panel, scene_y: float) -> None:
    """A click in the lane column's chevron strip, at this height of the chart."""
    y = panel.view.mapFromScene(0, scene_y).y()
    QTest.mouseClick(panel.lane_header, LEFT, NONE, QPoint(5, y))
    for _ in range(3):
        QApplication.processEvents()


def _dense(panel) -> bool:
    links, view = panel.painter.links, panel.view
    return len(links.chosen(panel.scene.scale, view.visible_scene_rect())) > LINK_BUDGET + 100


def test_an_item_moved_to_a_lane_above_keeps_the_chart_height_but_moves_lanes_between(
    qtbot, crowded
):
    """One lane loses a row and a lane above gains one: the chart is as tall as before, yet
    the lanes between moved down by a row, and are drawn where they are now."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(2.0)
    QApplication.processEvents()
    model, layout = panel.model, panel.model.layout
    items = ctx.service(RoadmapService).items
    first, between, third = (lane.id for lane in model.lanes[:3])
    mover = _sharing_a_row(model, third)
    _edit(qtbot, panel, ctx, lambda: UpdateCommand(items, mover.id, _spanning(model, third), "S"))
    assert layout.row_count(third) == layout.place(mover.id)[1] + 1  # alone in the last row
    height, top = layout.height, layout.box_of[between].top
    fields = {"lane_id": first, **_spanning(model, first)}
    _edit(qtbot, panel, ctx, lambda: UpdateCommand(items, mover.id, fields, "Move"))
    assert layout.height == height
    assert layout.box_of[between].top == top + layout.metrics.row_pitch
    assert_drawn_as_fresh(panel)
    ctx.undo()
    QApplication.processEvents()
    assert layout.box_of[between].top == top
    assert_drawn_as_fresh(panel)
    ctx.close()


def test_a_row_added_mid_screen_repaints_that_lane_and_moves_the_rest(qtbot, crowded):
    """The screen far out (no plain links) and dense, a lane's top a sixth of the way down:
    a row added to it repaints that lane; the chart above stands, and the lanes below are
    moved down a row as pixels, not painted again. Undone, the item keeps its row (it
    still fits), and the screen is again a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(0.4)
    QApplication.processEvents()
    model, view = panel.model, panel.view
    lane = model.lanes[2].id
    box = model.layout.box_of[lane]
    _scroll_to(panel, box.top - view.visible_scene_rect().height() / 6)
    lane_y = view.mapFromScene(0, box.top).y()
    assert 60 < lane_y < view.viewport().height() - 100 and _dense(panel)
    item = _sharing_a_row(model, lane)
    items = ctx.service(RoadmapService).items
    rows = model.layout.row_count(lane)
    painted = _edit(
        qtbot, panel, ctx, lambda: UpdateCommand(items, item.id, _spanning(model, lane), "S")
    )
    assert model.layout.row_count(lane) == rows + 1
    assert painted.box().top() >= lane_y - EDGE_PX - 1  # nothing above the lane
    bottom = view.mapFromScene(0, box.top + model.layout.box_of[lane].height).y()
    port = view.viewport().rect()
    below = QRect(0, bottom + EDGE_PX + 2, port.width(), port.bottom() - bottom - EDGE_PX)
    assert below.height() > 100 and _share(painted.region(), below) < 0.25  # moved as pixels
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.undo()
    QApplication.processEvents()
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()


def test_a_row_added_below_the_screen_repaints_nothing_on_it(qtbot, crowded):
    """The lanes that move are all below the screen: nothing on it is painted again, the
    chart is a row taller (its scroll bar reaches a row further), and scrolled down to
    that lane it is drawn as a fresh chart draws it."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(2.0)
    QApplication.processEvents()
    model, view = panel.model, panel.view
    _scroll_to(panel, 0)
    seen = view.visible_scene_rect()
    lane = next(b.lane_id for b in model.layout.boxes if b.top > seen.bottom() + 200)
    item = _sharing_a_row(model, lane)
    bar = view.verticalScrollBar()
    reach = bar.maximum()
    items = ctx.service(RoadmapService).items
    painted = _edit(
        qtbot, panel, ctx, lambda: UpdateCommand(items, item.id, _spanning(model, lane), "S")
    )
    assert painted.rects == []
    assert bar.maximum() == reach + model.layout.metrics.row_pitch
    assert_drawn_as_fresh(panel)  # the screen is what it was, and what it should be
    _scroll_to(panel, model.layout.box_of[lane].top - 100)
    assert_drawn_as_fresh(panel)
    ctx.close()


def _link_across(panel):
    """(successor or predecessor S, the other end P, scroll value, lane between) where S
    sits just below the screen, near enough that its links are drawn, P far above it, and
    the lane's top on screen between them: a row added to that lane pushes S out of the
    band whose links are drawn, and the link, crossing the whole screen, would go."""
    model, view, layout = panel.model, panel.view, panel.model.layout
    height = view.visible_scene_rect().height()
    for link in model.links.values():
        for s_id, p_id in ((link.succ, link.pred), (link.pred, link.succ)):
            s_place, p_place = layout.place(s_id), layout.place(p_id)
            if s_place is None or p_place is None:
                continue
            s_top, p_bottom = s_place[2], p_place[2] + layout.metrics.row_height
            for value in range(int(s_top - height - 39), int(s_top - height - 8)):
                if p_bottom >= value - 40:
                    continue
                for box in layout.boxes:
                    if value + 20 < box.top < value + height - 50 and p_bottom < box.top:
                        if box.top + box.height <= s_top:
                            return s_id, p_id, value, box.lane_id
    raise AssertionError("no link crosses the whole screen")


@pytest.mark.parametrize("selected", [True, False])
def test_a_link_crossing_the_screen_from_a_bar_pushed_out_of_its_band(qtbot, crowded, selected):
    """A bar just below the screen, its link running up past the top: selected, the link
    is drawn whole. A row added to a lane on screen pushes the bar out of the band whose
    links are drawn: the link goes, so the whole screen is repainted. Not selected, the
    crowded screen draws no plain link, and only the lanes that moved are repainted.
    Either way the screen is then a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.resize(1280, 1000)  # links enough on screen that plain ones are not drawn
    panel.view.set_zoom(0.4)
    QApplication.processEvents()
    model, view, layout = panel.model, panel.view, panel.model.layout
    bar_id, _other, value, lane = _link_across(panel)
    if selected:  # clicked while on screen, then scrolled away from
        _scroll_to(panel, layout.place(bar_id)[2] - 200)
        box = panel.scene.item_box(bar_id)
        point = view.mapFromScene(box.x + min(box.w / 2, 2), box.cy)
        assert view.hit(view.mapToScene(point)).item_id == bar_id
        QTest.mouseClick(view.viewport(), LEFT, NONE, point)
        QApplication.processEvents()
        assert model.selected == {bar_id}
    _scroll_to(panel, value)
    assert _dense(panel)
    lane_y = view.mapFromScene(0, layout.box_of[lane].top).y()
    item = _sharing_a_row(model, lane)
    items = ctx.service(RoadmapService).items
    painted = _edit(
        qtbot, panel, ctx, lambda: UpdateCommand(items, item.id, _spanning(model, lane), "S")
    )
    whole = QRegion(view.viewport().rect())
    if selected:
        assert whole.subtracted(painted.region()).isEmpty()
    else:
        assert painted.box().top() >= lane_y - EDGE_PX - 1
    assert_drawn_as_fresh(panel)
    ctx.close()


@pytest.mark.parametrize("where", ["mid-screen", "top above the screen"])
def test_a_lane_folded_on_screen_moves_the_lanes_below(qtbot, crowded, where):
    """A click on a lane's chevron folds it, and a second unfolds it: the lanes below move
    up by what it gave back and down again, as pixels, and only the lane and the strip
    uncovered are painted. The lane's top may be above the screen (a tall lane, scrolled
    into): everything on screen moves (it is unfolded from the screen scrolled back to
    it). Each time the screen is a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.resize(1280, 1000)
    panel.view.set_zoom(0.4)
    QApplication.processEvents()
    model, view = panel.model, panel.view
    lane = model.lanes[2].id
    box = model.layout.box_of[lane]
    height = view.visible_scene_rect().height()
    _scroll_to(panel, box.top - height / 6 if where == "mid-screen" else box.top + 60)
    assert _dense(panel)
    port = view.viewport().rect()
    for folded in (True, False):
        if not folded and box.top < view.visible_scene_rect().top():
            _scroll_to(panel, box.top - height / 6)  # the folded lane back on screen
        painted = Painted(view.viewport())
        _click_chevron(panel, max(box.top, view.visible_scene_rect().top()) + 10)
        now = model.layout.box_of[lane]
        assert now.collapsed is folded
        bottom = max(view.mapFromScene(0, now.top + now.height).y(), 0) + EDGE_PX + 2
        uncovered = round(box.height - now.height) if folded else 0  # at the screen's foot
        moved = QRect(0, bottom, port.width(), port.height() - uncovered - bottom - 2)
        assert moved.height() > 100 and _share(painted.region(), moved) < 0.25
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()


def test_a_lane_folded_where_links_cross_is_drawn_as_a_fresh_chart(qtbot, crowded):
    """Zoomed in, with few links on screen, every link is drawn whole: those that run from
    the folded lane or above into the lanes below are drawn again (their lower part moved,
    and a broken one's dashes start at its top end), and the screen is a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(8.0)
    QApplication.processEvents()
    model, view = panel.model, panel.view
    links = panel.painter.links
    lane = model.lanes[1].id
    box = model.layout.box_of[lane]
    _scroll_to(panel, box.top - view.visible_scene_rect().height() / 3)
    assert len(links.chosen(panel.scene.scale, view.visible_scene_rect())) <= LINK_BUDGET
    for _ in (True, False):
        _click_chevron(panel, box.top + 10)
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()


def test_a_fold_that_crowds_the_screen_redraws_its_links_everywhere(qtbot, crowded):
    """Folded, a lane lets the lanes below up onto the screen, and with them more links than
    a screen draws whole: every plain link goes, above the lane too, so the whole screen is
    repainted; unfolded, they come back. Each time the screen is a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.view.set_zoom(3.0)
    QApplication.processEvents()
    model, view, links = panel.model, panel.view, panel.painter.links
    lane = model.lanes[2].id
    box = model.layout.box_of[lane]
    _scroll_to(panel, box.top - view.visible_scene_rect().height() * 0.4)
    counts = []
    for folded in (True, False):
        counts.append(len(links.chosen(panel.scene.scale, view.visible_scene_rect())))
        _click_chevron(panel, box.top + 10)
        assert model.layout.box_of[lane].collapsed is folded
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    assert counts[0] <= LINK_BUDGET < counts[1]  # not crowded, then crowded
    ctx.close()


def _lanes_on_screen(panel) -> dict[int, int]:
    """Where the top of each lane on screen is, in the viewport."""
    view, seen = panel.view, panel.view.visible_scene_rect()
    return {
        box.lane_id: view.mapFromScene(0, box.top).y()
        for box in panel.model.layout.boxes
        if seen.top() <= box.top <= seen.bottom()
    }


@pytest.mark.parametrize("zoom", [0.4, 8.0], ids=["crowded", "links drawn whole"])
def test_a_lane_above_the_screen_folded_leaves_the_screen_as_it_was(qtbot, crowded, zoom):
    """A lane folded by its chevron, the screen scrolled further down, and the fold undone:
    the lane, wholly above the screen, grows back, and the view scrolls by as much, so the
    screen keeps its lanes where they were (as a browser keeps its place when something
    above grows). Crowded, nothing on it is painted again; zoomed in, only the links that
    cross from above into the screen (their dashes run from their top end). Redone, the
    same the other way; each time the screen is a fresh chart's."""
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    panel.resize(1280, 1000)
    panel.view.set_zoom(zoom)
    QApplication.processEvents()
    model, view, layout = panel.model, panel.view, panel.model.layout
    lane = model.lanes[1].id
    _scroll_to(panel, layout.box_of[lane].top - 40)
    _click_chevron(panel, layout.box_of[lane].top + 10)
    assert layout.box_of[lane].collapsed
    below = layout.box_of[model.lanes[4].id].top  # the screen further down
    _scroll_to(panel, below + 30)  # the view moves pixels: a unit of colour at an edge
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    assert _dense(panel) is (zoom < 1)
    bar, port = view.verticalScrollBar(), view.viewport().rect()
    for step, folded in ((ctx.undo, False), (ctx.redo, True)):
        lanes, value, height = _lanes_on_screen(panel), bar.value(), layout.box_of[lane].height
        painted = Painted(view.viewport())
        step()
        for _ in range(3):
            QApplication.processEvents()
        box = layout.box_of[lane]
        assert box.collapsed is folded and box.top + box.height < view.visible_scene_rect().top()
        assert bar.value() - value == box.height - height != 0
        assert _lanes_on_screen(panel) == lanes and len(lanes) >= 2
        if zoom < 1:  # only the launch lane, under the last lane, is placed anew (empty here)
            foot = view.mapFromScene(0, panel.scene.launch.top).y() - 2
            assert all(rect.top() >= foot for rect in painted.rects), painted.rects
        else:
            assert _share(painted.region(), port) < 0.5
        assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()
