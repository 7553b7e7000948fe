"""A click on the chart picks a link only where the chart draws one.

A screen that holds more links than anyone could follow (LINK_BUDGET), or one zoomed far
out, draws only the marked ones (a selected item's, the critical path's, the selected
links); the others are left out. A click where a left-out link runs is a click on the
lane, as it looks: it never selects a link nobody can see.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from tests.gui.test_gantt_incremental import open_panel, product_of

from pmdesk.core.gantt_layout import distance_to_route
from pmdesk.gui.gantt.hits import LINK_PICK_PX, hit_test
from pmdesk.gui.gantt.links import LINK_BUDGET


def click(panel, scene_point: QPointF) -> None:
    QTest.mouseClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        panel.view.mapFromScene(scene_point),
    )


def on_a_bar(panel, point: QPointF) -> bool:
    """Whether a bar, one of its ends or one of its link handles is at the point."""
    return hit_test(panel.scene, point).zone not in ("lane", "link", "")


def spot_on(panel, link_id: int, others: set[int]) -> QPointF | None:
    """A point on the link's route, on screen, with no bar there and none of ``others``
    (links the screen draws) within reach of it."""
    scene, links = panel.scene, panel.painter.links
    inside = panel.view.visible_scene_rect().adjusted(20, 20, -20, -20)
    routes = [links.route(i, scene.scale) for i in others - {link_id}]
    route = links.route(link_id, scene.scale)
    for (x0, y0), (x1, y1) in pairwise(route or ()):
        point = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
        if not inside.contains(point) or on_a_bar(panel, point):
            continue
        if any(distance_to_route(r, point.x(), point.y()) <= 3 * LINK_PICK_PX for r in routes):
            continue
        assert distance_to_route(route, point.x(), point.y()) <= LINK_PICK_PX
        return point
    return None


def drawn(panel) -> set[int]:
    """The links the screen draws whole."""
    scale, links = panel.scene.scale, panel.painter.links
    shown = panel.view.visible_scene_rect()
    return links.drawn_whole(scale, shown, links.chosen(scale, shown))


def test_a_click_where_a_left_out_link_runs_selects_no_link(qtbot, crowded):
    panel, _ctx = open_panel(qtbot, crowded, product_of(crowded))
    scale, shown = panel.scene.scale, panel.view.visible_scene_rect()
    chosen = panel.painter.links.chosen(scale, shown)
    assert len(chosen) > LINK_BUDGET  # a crowded screen: plain links are left out
    shown_links = drawn(panel)
    link_id, point = next(
        (i, p) for i in sorted(chosen - shown_links) if (p := spot_on(panel, i, shown_links))
    )
    click(panel, point)
    assert panel.model.selected_links == set() and not panel.model.selected


def test_a_link_drawn_once_its_item_is_selected_is_clicked(qtbot, crowded):
    panel, _ctx = open_panel(qtbot, crowded, product_of(crowded))
    scene = panel.scene
    for link_id in sorted(panel.model.links):
        link = panel.model.links[link_id]
        bar = scene.item_box(link.pred)
        if bar is None or not panel.view.visible_scene_rect().contains(
            QPointF(bar.x + bar.w / 2, bar.y + bar.h / 2)
        ):
            continue
        click(panel, QPointF(bar.x + bar.w / 2, bar.y + bar.h / 2))  # its item selected ...
        if panel.model.selected != {link.pred}:
            continue
        point = spot_on(panel, link_id, drawn(panel))
        if point is not None:
            break
    else:
        raise AssertionError("no link of an item on screen runs over an empty spot")
    assert link_id in drawn(panel)  # ... draws its links whole: there to be clicked
    click(panel, point)
    assert panel.model.selected_links == {link_id}


def test_a_new_link_dragged_over_an_arrow_looks_only_for_items(qtbot, crowded):
    """Dragging a new link asks at every move what is under the pointer; it ends on an item,
    so the arrows (hundreds drawn on a zoomed-in screen) are not measured."""
    panel, _ctx = open_panel(qtbot, crowded, product_of(crowded))
    for link_id in sorted(panel.model.links):
        link = panel.model.links[link_id]
        bar = panel.scene.item_box(link.pred)
        if bar is None:
            continue
        click(panel, QPointF(bar.x + bar.w / 2, bar.y + bar.h / 2))
        point = spot_on(panel, link_id, drawn(panel)) if panel.model.selected else None
        if point is not None:
            break
    else:
        raise AssertionError("no drawn link runs over an empty spot")
    assert hit_test(panel.scene, point).link_id == link_id
    assert hit_test(panel.scene, point, links=False).zone == "lane"
