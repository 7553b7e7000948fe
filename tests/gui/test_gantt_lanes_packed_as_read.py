"""The roadmap packs a lane's rows when it is first drawn: a filter applied on a crowded
screen packs the lanes near it, and the screen is what a chart that packs every lane and
makes every stub draws."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.gui.test_gantt_incremental import (
    assert_drawn_as_fresh,
    open_panel,
    product_of,
    settle,
)
from tests.gui.windows import PaintCount

from pmdesk.gui.gantt.links import LINK_BUDGET, LinkPainter


def test_a_filter_on_a_crowded_screen_packs_the_lanes_it_shows(qtbot, crowded, monkeypatch):
    panel, ctx = open_panel(qtbot, crowded, product_of(crowded))
    view, model = panel.view, panel.model
    view.set_zoom(1.2)  # more links than anyone could follow: broken ones drawn as stubs
    QApplication.processEvents()
    watch = PaintCount(view.viewport())
    box = panel.toolbar.text_filter
    box.setFocus()
    qtbot.keyClicks(box, "e")  # in most names
    count = watch.count
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot, watch, count)
    layout = model.layout
    assert len(layout.items) > len(model.items) / 2
    assert len(panel.painter.links.ids_in(panel.scene.scale, view.visible_scene_rect())) > (
        LINK_BUDGET
    )
    shown = view.visible_scene_rect()
    near = {
        b.lane_id
        for b in layout.boxes
        if b.top < shown.bottom() + 200 and b.top + b.height > shown.top() - 200
    }
    lanes_with_items = {item.lane_id for item in layout.items.values()}
    packed = {lane for lane in lanes_with_items if lane in layout._rows}  # noqa: SLF001
    assert packed <= near < lanes_with_items  # the lanes further down wait
    assert model.violated  # broken links, some into the lanes not packed
    # A chart that makes every stub, wherever its successor is (every lane packed then).
    every = LinkPainter._make_stubs  # noqa: SLF001
    monkeypatch.setattr(
        LinkPainter,
        "_make_stubs",
        lambda self, ids, scale, stubs, band: every(self, ids, scale, stubs, (-math.inf, math.inf)),
    )
    assert_drawn_as_fresh(panel)
    assert all(lane in layout._rows for lane in lanes_with_items)  # noqa: SLF001
    ctx.close()
