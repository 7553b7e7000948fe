"""The chart's scroll bars on a zoom: the horizontal one follows (and shows or hides as the
plan's width needs), the vertical one, which a zoom does not change, is not painted again.

Qt lays both bars out after any change of a range and repaints both; the chart does that
only when the horizontal bar has to show or hide (see ``GanttView._horizontal_range``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from tests.gui.windows import PaintCount, QuietDialogs, exposed

from pmdesk.core.enums import ItemKind
from pmdesk.core.timeline import ZOOM_STEPS
from pmdesk.gui.app import show_and_open
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.store.services import PortfolioService, RoadmapService

TODAY = dt.date(2026, 12, 4)


def on_screen(widget) -> QImage:
    """A widget as the window's backing store holds it: what was really painted."""
    corner = widget.mapTo(widget.window(), QPoint(0, 0))
    screen = widget.window().windowHandle().screen()
    shot = screen.grabWindow(
        widget.window().winId(), corner.x(), corner.y(), widget.width(), widget.height()
    )
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def drawn_fresh(widget) -> QImage:
    widget.repaint()  # the widget and its children painted whole, now
    return on_screen(widget)


@pytest.fixture(params=["demo", "new workspace"])
def context(request, qtbot, workspace):
    yield from contexts(request, workspace)


@pytest.fixture(params=["demo", "new workspace", "a stranger's plan"])
def any_context(request, qtbot, workspace):
    """As ``context``, and a plan from elsewhere: items on the years' bounds (1900, 2199),
    a lane named as long as a name may be, in right-to-left letters and an emoji."""
    yield from contexts(request, workspace)


def contexts(request, workspace):
    if request.param == "demo":
        yield request.getfixturevalue("demo_ctx")
        return
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    if request.param == "a stranger's plan":
        lane = roadmap.lanes.create(product_id=product.id, name="ث" * 197 + " 🚀", sort_order=99)
        for n, day in enumerate((dt.date(1900, 1, 1), dt.date(2199, 12, 31))):
            roadmap.items.create(
                product_id=product.id,
                lane_id=lane.id,
                name=f"Edge {n + 1}",
                kind=ItemKind.MILESTONE,
                start_date=day,
                end_date=day,
            )
    for n in range(12):  # lanes enough to need the vertical bar in a short window
        lane = roadmap.lanes.create(product_id=product.id, name=f"Team {n + 1}", sort_order=n)
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"Build part {n + 1}",
            kind=ItemKind.FEATURE,
            start_date=TODAY + dt.timedelta(days=20 * n),
            end_date=TODAY + dt.timedelta(days=20 * n + 30),
        )
    ctx = AppContext(workspace)
    yield ctx
    ctx.close()


def open_panel(qtbot, ctx, width: int, height: int) -> RoadmapPanel:
    panel = RoadmapPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.set_today(TODAY)
    panel.set_product(ctx.workspace.service(PortfolioService).list_products()[0].id)
    panel.show()
    exposed(qtbot, panel)
    qtbot.waitUntil(lambda: not panel._needs_first_view)
    return panel


def zoom(qtbot, panel: RoadmapPanel, action) -> None:
    """Trigger a zoom action and let Qt paint what it changed (and run what it queued)."""
    watch = PaintCount(panel.view.viewport())
    action.trigger()
    qtbot.waitUntil(lambda: watch.count > 0)
    QApplication.processEvents()
    QApplication.processEvents()


def test_a_zoom_repaints_the_horizontal_bar_and_not_the_vertical_one(qtbot, context):
    panel = open_panel(qtbot, context, 1366, 420)
    view = panel.view
    across, down = view.horizontalScrollBar(), view.verticalScrollBar()
    zoom(qtbot, panel, panel.toolbar.zoom_in)  # wide enough to scroll across as well
    assert across.isVisibleTo(view) and down.isVisibleTo(view)
    painted_across, painted_down = PaintCount(across), PaintCount(down)
    for action in [panel.toolbar.zoom_in] * 3 + [panel.toolbar.zoom_out] * 3:
        zoom(qtbot, panel, action)
    assert painted_across.count >= 6  # its handle moved every time
    assert painted_down.count == 0
    assert across.isVisibleTo(view) and down.isVisibleTo(view)
    assert on_screen(view) == drawn_fresh(view)  # the bars on screen are the bars as they are


def test_the_horizontal_bar_shows_and_hides_as_the_plan_needs_it(qtbot, context):
    panel = open_panel(qtbot, context, 1366, 768)
    view = panel.view
    across = view.horizontalScrollBar()
    while view.scale.px_per_day > ZOOM_STEPS[0]:
        zoom(qtbot, panel, panel.toolbar.zoom_out)
    assert across.maximum() == across.minimum()  # the whole plan fits: nothing to scroll
    assert not across.isVisibleTo(view)
    assert view.viewport().height() == view.height()
    zoom(qtbot, panel, panel.toolbar.zoom_in)  # still fits: nothing laid out again
    assert not across.isVisibleTo(view)
    while view.scale.px_per_day < 20:
        zoom(qtbot, panel, panel.toolbar.zoom_in)
    assert across.maximum() > across.minimum()
    assert across.isVisibleTo(view)
    assert view.viewport().height() == view.height() - across.height()
    assert on_screen(view) == drawn_fresh(view)
    while view.scale.px_per_day > ZOOM_STEPS[0]:
        zoom(qtbot, panel, panel.toolbar.zoom_out)
    assert not across.isVisibleTo(view)
    assert view.viewport().height() == view.height()


def test_a_zoom_made_while_the_chart_is_hidden_shows_the_right_bar_when_shown(qtbot, context):
    panel = open_panel(qtbot, context, 1366, 768)
    view = panel.view
    across = view.horizontalScrollBar()
    panel.hide()
    while view.scale.px_per_day > ZOOM_STEPS[0]:
        panel.toolbar.zoom_out.trigger()
    QApplication.processEvents()
    panel.show()
    exposed(qtbot, panel)
    QApplication.processEvents()
    assert across.maximum() == across.minimum()
    assert not across.isVisibleTo(view)
    panel.hide()
    while view.scale.px_per_day < 20:
        panel.toolbar.zoom_in.trigger()
    QApplication.processEvents()
    panel.show()
    exposed(qtbot, panel)
    QApplication.processEvents()
    assert across.maximum() > across.minimum()
    assert across.isVisibleTo(view)
    assert view.viewport().height() == view.height() - across.height()


def test_a_plan_opened_on_a_shown_chart_is_painted_first_with_the_bars_it_needs(
    qtbot, tmp_path, any_context
):
    # As pmdesk starts on a file: the window is on screen, then the plan is opened on the
    # Roadmap. Qt lays the bars out on a queued call, which used to come after the first
    # paint: the plan was painted without its vertical bar, then again narrower, with it.
    path = tmp_path / "opened.pmdesk"
    any_context.workspace.save_copy(path)
    window = MainWindow(settings=Settings(last_view="roadmap"), dialogs=QuietDialogs())
    qtbot.addWidget(window)
    window.resize(1366, 520)
    seen: list[PaintCount] = []

    def opened(page) -> None:
        view = page.chart.view
        down = view.verticalScrollBar()
        seen.append(
            PaintCount(
                view.viewport(), note=lambda: (view.viewport().size(), down.isVisibleTo(view))
            )
        )

    show_and_open(window, path, opened=opened)
    qtbot.waitUntil(lambda: bool(seen) and seen[0].count > 0, timeout=20_000)
    QApplication.processEvents()
    QApplication.processEvents()
    view = window.view_host.current_view().chart.view
    down = view.verticalScrollBar()
    assert down.maximum() > down.minimum()  # the plan is taller than the chart
    assert seen[0].noted[0] == (view.viewport().size(), True)
    assert on_screen(view) == drawn_fresh(view)
    window.close()


def test_a_plan_chosen_on_a_shown_chart_has_its_bars_before_any_paint(qtbot, any_context):
    # Choosing a product while the Roadmap is on screen does not pass through the view
    # host: the chart lays its own bars out, before it fits the plan to the room they leave.
    panel = RoadmapPanel(any_context)
    qtbot.addWidget(panel)
    panel.resize(1366, 420)
    panel.set_today(TODAY)
    panel.show()
    exposed(qtbot, panel)
    panel.set_product(any_context.workspace.service(PortfolioService).list_products()[0].id)
    view = panel.view  # no round of events since: nothing posted or queued has run
    down, across = view.verticalScrollBar(), view.horizontalScrollBar()
    assert down.maximum() > down.minimum() and down.isVisibleTo(view)
    assert (across.maximum() > across.minimum()) == across.isVisibleTo(view)
