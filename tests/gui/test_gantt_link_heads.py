"""Every link drawn ends in its arrow head, however many end at the same place: two links
into one bar's start draw one head there, not none (the heads are filled as one shape)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint
from tests.gui.test_gantt_incremental import open_panel

from pmdesk.core.enums import DependencyType
from pmdesk.store.services import PortfolioService, RoadmapService

D = dt.date


@pytest.mark.parametrize("broken", [False, True])
def test_two_links_into_one_start_draw_its_arrow_head(qtbot, workspace, broken):
    """Design and Build both come before Launch (finish to start): the two links end at
    Launch's start, where one arrow head is drawn in the links' colour (broken: in red,
    Launch starting before they finish)."""
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)
    start = D(2027, 1, 12) if broken else D(2027, 2, 8)

    def item(name, first, last):
        return roadmap.items.create(
            product_id=product.id, lane_id=lane.id, name=name, start_date=first, end_date=last
        ).id

    design = item("Design", D(2027, 1, 4), D(2027, 1, 22))
    build = item("Build", D(2027, 1, 11), D(2027, 2, 1))
    launch = item("Launch", start, start + dt.timedelta(days=20))
    for pred in (design, build):
        roadmap.dependencies.create(
            predecessor_id=pred, successor_id=launch, type=DependencyType.FINISH_TO_START
        )
    panel, ctx = open_panel(qtbot, workspace, product.id)
    panel.view.set_zoom(16.0)
    box = panel.scene.item_box(launch)
    panel.view.centerOn(box.x, box.cy)
    style = panel.painter.style
    colour = (style.violated if broken else style.link).rgb() & 0xFFFFFF
    assert launch in {link.succ for link in panel.model.links.values()}
    assert bool(panel.model.violated.get(next(iter(panel.model.links)))) is broken
    image = panel.view.viewport().grab().toImage()
    tip = panel.view.mapFromScene(box.x, box.cy)
    # Within the head, above and below the line that runs into its tip.
    for dy in (-2, 2):
        found = [image.pixel(tip + QPoint(dx, dy)) & 0xFFFFFF for dx in (-6, -5)]
        assert colour in found, dy
    ctx.close()
