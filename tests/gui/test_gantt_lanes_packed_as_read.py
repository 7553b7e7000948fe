"""The roadmap packs a lane's rows when it is first drawn: a filter applied on a crowded
screen packs the lanes near it, a lane folded there packs none beyond what comes into
sight, and the screen is what a chart that packs every lane and makes every stub draws."""

from __future__ import annotations

import math

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from tests.gui.test_gantt_incremental import (
    LEFT,
    MOVED_TOLERANCE,
    NONE,
    assert_drawn_as_fresh,
    open_panel,
    product_of,
    settle,
)
from tests.gui.windows import PaintCount

from pmdesk.gui.gantt.links import LINK_BUDGET, LinkPainter


def _filtered_crowded_screen(qtbot, ws):
    """The crowded plan zoomed until its screen holds more links than anyone could follow
    (broken ones drawn as stubs), with a filter typed and applied that most items pass: a
    new layout, every lane waiting to be packed."""
    panel, ctx = open_panel(qtbot, ws, product_of(ws))
    view = panel.view
    view.set_zoom(1.2)
    QApplication.processEvents()
    watch = PaintCount(view.viewport())
    box = panel.toolbar.text_filter
    box.setFocus()
    qtbot.keyClicks(box, "e")  # in most names
    count = watch.count
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot, watch, count)
    layout = panel.model.layout
    assert len(layout.items) > len(panel.model.items) / 2
    shown = view.visible_scene_rect()
    assert len(panel.painter.links.chosen(panel.scene.scale, shown)) > LINK_BUDGET
    return panel, ctx, watch


def _packed_and_near(panel) -> tuple[set[int], set[int], set[int]]:
    """The lanes packed, those near the screen, and every lane with items shown."""
    layout = panel.model.layout
    shown = panel.view.visible_scene_rect()
    near = {
        b.lane_id
        for b in layout.boxes
        if b.top < shown.bottom() + 200 and b.top + b.height > shown.top() - 200
    }
    lanes = {item.lane_id for item in layout.items.values()}
    packed = {lane for lane in lanes if lane in layout._rows}  # noqa: SLF001
    return packed, near, lanes


def _every_stub_made(monkeypatch) -> None:
    """Link painters made from now on make every stub, wherever its successor's lane is."""
    every = LinkPainter._make_stubs  # noqa: SLF001
    monkeypatch.setattr(
        LinkPainter,
        "_make_stubs",
        lambda self, ids, scale, stubs, band: every(self, ids, scale, stubs, (-math.inf, math.inf)),
    )


def test_a_filter_on_a_crowded_screen_packs_the_lanes_it_shows(qtbot, crowded, monkeypatch):
    panel, ctx, _watch = _filtered_crowded_screen(qtbot, crowded)
    packed, near, lanes = _packed_and_near(panel)
    assert packed <= near < lanes  # the lanes further down wait
    assert panel.model.violated  # broken links, some into the lanes not packed
    _every_stub_made(monkeypatch)
    assert_drawn_as_fresh(panel)  # a fresh link painter: every lane packed for its stubs
    assert all(lane in panel.model.layout._rows for lane in lanes)  # noqa: SLF001
    ctx.close()


def test_a_lane_folded_on_a_crowded_screen_packs_only_what_comes_into_sight(
    qtbot, crowded, monkeypatch
):
    """The fold moves the lanes below up as pixels and works out which links cross into
    them by the lanes' boxes: the lanes those links reach further down stay unpacked."""
    panel, ctx, watch = _filtered_crowded_screen(qtbot, crowded)
    view, layout = panel.view, panel.model.layout
    top = layout.boxes[0]
    y = int(top.top + 10 - view.mapToScene(QPoint(0, 0)).y())
    count = watch.count
    QTest.mouseClick(panel.lane_header, LEFT, NONE, QPoint(10, y))
    settle(qtbot, watch, count)
    assert layout.box_of[top.lane_id].collapsed
    packed, near, lanes = _packed_and_near(panel)
    assert packed <= near < lanes
    _every_stub_made(monkeypatch)
    assert_drawn_as_fresh(panel, MOVED_TOLERANCE)
    ctx.close()
