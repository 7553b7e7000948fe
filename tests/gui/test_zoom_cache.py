"""What the roadmap chart keeps between frames never shows an old picture.

The chart keeps each item's measured name (until its row is replaced by an edit or an
undo, or the fonts change), a milestone's diamond per size, and draws the time grid's
lines as filled columns. Each test makes a change by the gesture a person would use and
then compares the chart on screen with the same chart drawn by a painter that has kept
nothing; the change itself must show (the picture before it differs), so a test whose
cache went stale fails.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QLineF, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtTest import QTest
from tests.gui.windows import exposed

from pmdesk.core.enums import ItemKind, ItemStatus
from pmdesk.core.gantt_layout import Box
from pmdesk.core.timeline import ZOOM_STEPS, TimeScale, next_unit, readable_tiers, unit_start
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel, painting
from pmdesk.gui.gantt.scene import ChartScene
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.generate import create_large
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

D = dt.date
ZOOM = 20.0


@pytest.fixture
def plan(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)

    def item(name, start, end, kind=ItemKind.FEATURE, **extra):
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=name,
            kind=kind,
            start_date=start,
            end_date=end,
            **extra,
        ).id

    ids = SimpleNamespace(
        design=item("Design", D(2027, 1, 4), D(2027, 1, 8)),
        build=item("Build the service", D(2027, 1, 11), D(2027, 1, 22)),
        ship=item("Ship", D(2027, 1, 27), D(2027, 1, 27), ItemKind.MILESTONE),
        done=item("Pilot", D(2027, 1, 4), D(2027, 1, 6), status=ItemStatus.DONE),
    )
    return SimpleNamespace(product=product, roadmap=roadmap, ids=ids)


@pytest.fixture
def ctx(workspace):
    context = AppContext(workspace)
    yield context
    context.close()


def _open(qtbot, ctx, product_id: int, size=(1200, 600)) -> RoadmapPanel:
    widget = RoadmapPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.set_today(D(2027, 1, 20))
    widget.set_product(product_id)
    widget.show()
    exposed(qtbot, widget)
    qtbot.waitUntil(lambda: not widget._needs_first_view)
    return widget


@pytest.fixture
def panel(qtbot, ctx, plan):
    widget = _open(qtbot, ctx, plan.product.id)
    widget.view.set_zoom(ZOOM)
    widget.view.scroll_to_day(D(2027, 1, 1))
    return widget


def shown(panel) -> QImage:
    """The chart as it is drawn now, with what the painter has kept."""
    return panel.view.viewport().grab().toImage()


def drawn_afresh(panel) -> QImage:
    """The same chart drawn by a painter that has kept nothing."""
    painter = panel.scene.painter
    painter.set_style(painter.style, painter.fonts)  # forgets names, texts, colours
    painting._DIAMONDS.clear()
    return shown(panel)


def assert_fresh(panel) -> QImage:
    picture = shown(panel)
    assert picture == drawn_afresh(panel), "the chart shows something kept from before"
    return picture


def bar_point(panel, item_id: int) -> QPoint:
    box = panel.scene.item_box(item_id)
    return panel.view.mapFromScene(QPointF(box.x + box.w / 2, box.cy))


def test_a_rename_in_the_editor_and_its_undo_show_at_once(panel, plan, ctx):
    before = assert_fresh(panel)
    QTest.mouseDClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        bar_point(panel, plan.ids.build),
    )
    editor = panel.editor
    assert editor.isVisible() and editor.name.text() == "Build the service"
    editor.name.setText("Rebuild the billing")
    editor.name.editingFinished.emit()
    assert plan.roadmap.items.get(plan.ids.build).name == "Rebuild the billing"
    renamed = assert_fresh(panel)
    assert renamed != before
    ctx.undo()
    assert plan.roadmap.items.get(plan.ids.build).name == "Build the service"
    assert assert_fresh(panel) != renamed


def test_marking_an_item_done_adds_its_tick(panel, plan, ctx):
    before = assert_fresh(panel)
    QTest.mouseDClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        bar_point(panel, plan.ids.design),
    )
    editor = panel.editor
    index = editor.status.findData(ItemStatus.DONE.value)
    editor.status.setCurrentIndex(index)
    editor.status.activated.emit(index)
    assert plan.roadmap.items.get(plan.ids.design).status is ItemStatus.DONE
    done = assert_fresh(panel)
    assert done != before
    ctx.undo()
    assert plan.roadmap.items.get(plan.ids.design).status is not ItemStatus.DONE
    assert assert_fresh(panel) != done  # (the item stays selected: not the first picture)


def test_a_drag_moves_the_name_and_the_milestone(panel, plan, ctx):
    before = assert_fresh(panel)
    viewport = panel.view.viewport()
    start = bar_point(panel, plan.ids.ship)
    end = start + QPoint(round(3 * ZOOM), 0)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 5):
        QTest.mouseMove(viewport, start + (end - start) * k / 4)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert plan.roadmap.items.get(plan.ids.ship).start_date == D(2027, 1, 30)
    moved = assert_fresh(panel)
    assert moved != before
    ctx.undo()
    assert plan.roadmap.items.get(plan.ids.ship).start_date == D(2027, 1, 27)
    assert assert_fresh(panel) != moved


def test_zoom_steps_by_the_keys_draw_each_zoom_afresh(panel):
    pictures = [assert_fresh(panel)]
    for key in (Qt.Key.Key_Minus, Qt.Key.Key_Minus, Qt.Key.Key_Equal, Qt.Key.Key_Equal):
        QTest.keyClick(panel.view, key, Qt.KeyboardModifier.ControlModifier)
        pictures.append(assert_fresh(panel))
    assert pictures[1] != pictures[0] and pictures[2] != pictures[1]
    assert pictures[4] == pictures[0]  # back where it started, the same to the pixel


def test_workshop_mode_lays_the_names_out_in_its_type_and_back(panel):
    desk = assert_fresh(panel)
    panel.set_presentation(PresentationTheme(body_px=40, scale=1.0, min_body_px=28))
    room = assert_fresh(panel)
    assert room.size() != desk.size() or room != desk
    panel.set_presentation(None)
    panel.view.set_zoom(ZOOM)
    panel.view.scroll_to_day(D(2027, 1, 1))
    assert assert_fresh(panel) == desk


def test_a_dense_chart_renamed_and_zoomed(qtbot, tmp_path):
    """Hundreds of bars on screen: the quick, square style with batched fills."""
    path = create_large(tmp_path / "dense.pmdesk", items=1200, dependencies=600, lanes=2)
    workspace = Workspace.open(path)
    context = AppContext(workspace)
    try:
        product_id = workspace.service(PortfolioService).list_products()[0].id
        panel = _open(qtbot, context, product_id, size=(1366, 768))
        panel.view.set_zoom(3.0)
        assert sum(1 for _ in panel.model.layout.items) > painting.DENSE_ITEMS
        before = assert_fresh(panel)
        rect = panel.view.visible_scene_rect()
        item_id = next(
            i
            for i in panel.model.layout.items
            if (box := panel.scene.item_box(i)) is not None
            and rect.adjusted(100, 40, -300, -40).contains(QPointF(box.x, box.cy))
            and box.w > 30
            and panel.model.items[i].kind is ItemKind.FEATURE
        )
        QTest.mouseDClick(
            panel.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            bar_point(panel, item_id),
        )
        panel.editor.name.setText("W")
        panel.editor.name.editingFinished.emit()
        assert assert_fresh(panel) != before
        for key in (Qt.Key.Key_Minus, Qt.Key.Key_Equal, Qt.Key.Key_Equal):
            QTest.keyClick(panel.view, key, Qt.KeyboardModifier.ControlModifier)
            assert_fresh(panel)
        context.undo()
        QTest.keyClick(panel.view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
        assert panel.model.items[item_id].name != "W"
        assert assert_fresh(panel) != before  # the item is selected now
    finally:
        context.close()
        workspace.close()


def test_a_diamond_from_its_size_has_the_points_made_from_its_box():
    shapes = random.Random(5)
    for _ in range(500):
        box = Box(
            shapes.uniform(-3000, 90000) * shapes.choice(ZOOM_STEPS),
            shapes.uniform(0, 40000),
            shapes.choice((10.0, 11.0, 13.5, 14.0, 17.3)),
            shapes.choice((10.0, 11.0, 13.5, 14.0, 17.3)),
        )
        cx = box.x + box.w / 2
        wanted = [(cx, box.y), (box.right, box.cy), (cx, box.bottom), (box.x, box.cy)]
        assert [(p.x(), p.y()) for p in painting.diamond(box)] == wanted


def _grid_by_lines(scene: ChartScene, image: QImage, rect: QRectF) -> None:
    """The time grid as it was drawn before: one-pixel lines down each period start."""
    style, scale = scene.painter.style, scene.scale
    upper, lower = readable_tiers(scale.px_per_day)
    p = QPainter(image)
    p.translate(-rect.left(), -rect.top())
    p.fillRect(rect, style.base)
    for unit, colour in ((lower, style.grid), (upper, style.grid_strong)):
        if not unit:
            continue
        first, last = scale.date_at(rect.left()), scale.date_at(rect.right())
        xs, day = [], unit_start(first, unit)
        while day <= last:
            xs.append(round(scale.x(day)) + 0.5)
            day = next_unit(day, unit)
        p.setPen(QPen(colour, 1))
        if len(xs) < 2000:
            p.drawLines([QLineF(x, rect.top(), x, rect.bottom()) for x in xs])
    p.end()


def test_the_grid_filled_in_columns_is_the_grid_of_lines(panel):
    scene = panel.scene
    for zoom in ZOOM_STEPS:
        if zoom >= 9:
            continue  # days off are shaded there, under the lines: not part of this
        scene.scale = TimeScale(scene.scale.origin, zoom)
        rect = QRectF(37.0 * zoom, 0, 913, 377)
        lines = QImage(913, 377, QImage.Format.Format_ARGB32_Premultiplied)
        _grid_by_lines(scene, lines, rect)
        filled = QImage(913, 377, QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(filled)
        p.translate(-rect.left(), -rect.top())
        p.fillRect(rect, scene.painter.style.base)
        scene._draw_grid(p, rect)
        p.end()
        assert filled == lines, f"the grid differs at {zoom} px a day"


def test_a_see_through_grid_colour_still_draws_lines(panel):
    scene = panel.scene
    style = scene.painter.style
    style.grid = QColor(0, 0, 0, 60)
    rect = QRectF(0, 0, 600, 200)
    image = QImage(600, 200, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor("white"))
    p = QPainter(image)
    scene._draw_grid(p, rect)
    p.end()
    marked = {image.pixelColor(x, 100).name() for x in range(600)}
    assert len(marked) > 1  # some column was drawn over the white


@pytest.mark.parametrize(("cores", "expected"), [(2, "1"), (1, "1"), (8, "None")])
def test_pmdesk_starts_qt_without_its_pool_of_drawing_threads_on_two_cores(cores, expected):
    """Qt's threads for large fills cost a roadmap's zoom more than they save on two cores;
    the setting is read once, so it is made as pmdesk makes its QApplication. With more
    cores (not measured) Qt keeps its pool."""
    script = (
        "import os\n"
        "os.environ.pop('QT_NO_GUI_THREADPOOL', None)\n"
        f"os.cpu_count = lambda: {cores}\n"
        "from pmdesk.gui.app import application\n"
        "application()\n"
        "print(os.environ.get('QT_NO_GUI_THREADPOOL'))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("QT_NO_GUI_THREADPOOL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == [expected]
