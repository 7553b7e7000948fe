"""What a new user meets on the roadmap (issue 15): the projector, Fit, the legend, screen and
paper alike, an empty product, the keyboard. Every test drives the gesture a person makes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFontInfo
from PySide6.QtWidgets import QApplication, QStackedWidget, QToolButton, QWidget
from tests.gui.windows import active, click_tab, exposed

from pmdesk.core import roadmap_style as rs
from pmdesk.core.enums import ItemStatus
from pmdesk.exchange.pdf import PdfOptions, Progress
from pmdesk.exchange.pdf.fonts import register
from pmdesk.exchange.pdf.gantt_draw import legend as paper_legend
from pmdesk.exchange.pdf.job import Job
from pmdesk.exchange.pdf.roadmap_data import roadmap_chart
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel
from pmdesk.gui.views.roadmap import RoadmapView
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.services import PortfolioService, RoadmapService

D = dt.date


@pytest.fixture
def ctx(workspace):
    context = AppContext(workspace)
    yield context
    context.close()


def _show(qtbot, widget: QWidget, width: int, height: int) -> QWidget:
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    exposed(qtbot, widget)
    active(qtbot, widget)
    return widget


def _demo_view(qtbot, demo_ctx) -> RoadmapView:
    view = RoadmapView(demo_ctx)
    product = demo_ctx.workspace.service(PortfolioService).product_by_name("Pulse Cloud")
    view.set_product(product.id)
    return view


# -- 1. the projector ------------------------------------------------------------------------


def _present(qtbot, view: RoadmapView) -> RoadmapPanel:
    """As the presentation window does it: large font on the view, then its hook."""
    theme = PresentationTheme()
    font = view.font()
    font.setPixelSize(theme.body_px)
    view.setFont(font)
    _show(qtbot, view, 1920, 1080)
    view.set_presentation(theme)
    panel = view.chart
    qtbot.waitUntil(lambda: panel.height() > 800)
    QApplication.processEvents()
    panel._fit_for_room()
    return panel


def test_the_projector_shows_every_lane_in_large_type_with_years(qtbot, demo_ctx):
    panel = _present(qtbot, _demo_view(qtbot, demo_ctx))
    boxes = panel.model.layout.boxes
    assert len(boxes) == len(panel.model.lanes) == 4
    viewport = panel.view.viewport().height()
    top = panel.view.verticalScrollBar().value()
    for box in boxes:  # every lane header whole within the viewport
        assert box.top - top >= 0 and box.top + box.height - top <= viewport + 1
    fonts = panel.painter.fonts
    for font in (fonts.label, fonts.bold, fonts.small):
        assert QFontInfo(font).pixelSize() >= 28
    panel.time_header.grab()  # paint it, so it records what it drew
    upper = [text for text in panel.time_header.painted if text.startswith("Q")]
    # (a quarter cut by the right edge as Q1 ’28: the year said where its full form does not fit)
    assert upper and all(re.search(r"\b\d{4}\b|’\d\d\b", text) for text in upper)
    assert not any(re.fullmatch(r"W?\d{1,2}", text) for text in panel.time_header.painted)
    assert not panel.toolbar.isVisible()
    # The legend explains the marks (not the bars), in the room's type.
    assert panel.legend.isVisible() and "Feature" not in panel.legend.labels()
    assert "Today" in panel.legend.labels()
    legend_bottom = panel.legend.mapTo(panel, panel.legend.rect().bottomLeft()).y()
    assert legend_bottom <= panel.height()
    panel.lane_header.grab()
    name_room = panel.lane_header.width() - 60
    for lane in panel.model.lanes:  # lane names whole
        assert panel.painter.fonts.bold_width(lane.name) <= name_room


def test_the_projector_folds_the_fullest_lanes_when_they_cannot_all_fit(qtbot, ctx):
    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = ctx.workspace.service(RoadmapService)
    for n in range(6):  # six lanes of eight overlapping items: 48 rows
        lane = roadmap.lanes.create(product_id=product.id, name=f"Team {n}", sort_order=n)
        for k in range(8):
            roadmap.items.create(
                product_id=product.id,
                lane_id=lane.id,
                name=f"Work {n}.{k}",
                start_date=D(2027, 1, 4 + k),
                end_date=D(2027, 3, 1),
            )
    view = RoadmapView(ctx)
    view.set_product(product.id)
    panel = _present(qtbot, view)
    boxes = panel.model.layout.boxes
    assert len(boxes) == 6 and panel.model.folded  # some lanes summarised in one row
    assert boxes[-1].top + boxes[-1].height <= panel.view.viewport().height() + 1
    assert QFontInfo(panel.painter.fonts.small).pixelSize() >= 28
    view.set_presentation(None)  # back at the desk nothing stays folded
    assert not panel.model.folded and not any(box.collapsed for box in panel.model.layout.boxes)


def test_the_running_timer_covers_nothing_of_the_roadmap(qtbot, demo_ctx):
    from PySide6.QtCore import QRect

    from pmdesk.gui.present import PresentationWindow
    from pmdesk.gui.workshop.timer import WorkshopTimer

    view = _demo_view(qtbot, demo_ctx)
    holder = _show(qtbot, QStackedWidget(), 1366, 768)
    holder.addWidget(view)
    timer = WorkshopTimer()
    timer.set_minutes(10)
    timer.start()
    window = PresentationWindow(view, holder, QApplication.primaryScreen(), timer=timer)
    qtbot.addWidget(window)
    window._borrow()  # as start() does, without going full screen on the test's screen
    window._presenting = True
    window.show()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.timer_overlay.isVisible())
    qtbot.waitUntil(lambda: view.chart.view.viewport().height() > 500)

    def area(widget) -> QRect:
        return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())

    timer_area = area(window.timer_overlay)
    panel = view.chart
    for part in (panel.time_header, panel.lane_header, panel.view, panel.corner, view.title):
        assert not area(part).intersects(timer_area), part
    timer.pause()
    window._give_back()


def test_the_projector_never_cuts_a_name_to_a_stub(qtbot, demo_ctx):
    panel = _present(qtbot, _demo_view(qtbot, demo_ctx))
    drawn = []
    original = panel.painter._draw_labels

    def record(p, labels):
        drawn.extend(label[5] for label in labels)
        original(p, labels)

    panel.painter._draw_labels = record
    panel.view.viewport().grab()
    names = {
        ("✓ " if r.status is ItemStatus.DONE else "") + r.name for r in panel.model.items.values()
    }
    assert drawn and all(text in names for text in drawn)  # whole names only, no "Ti…"


# -- 2. Fit, the Today badge and the legend -------------------------------------------------


def test_fit_leaves_no_area_outside_the_scene(qtbot, ctx):
    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = ctx.workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)
    roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Design",
        start_date=D(2027, 1, 4),
        end_date=D(2027, 2, 8),
    )
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(product.id)
    panel = view.chart
    assert panel.model.layout.height < panel.view.viewport().height() / 2  # room below
    qtbot.waitUntil(lambda: not panel._needs_first_view)
    panel.toolbar.fit.trigger()
    shown = panel.view.visible_scene_rect()
    scene = panel.scene.sceneRect()
    # Outside the scene rect Qt never repaints on a scene update: the old grid stayed there.
    assert scene.bottom() >= shown.bottom() - 1 and scene.right() >= shown.right() - 1


def test_the_today_badge_sits_below_the_period_names(qtbot, demo_ctx):
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366, 768)
    panel = view.chart
    panel.set_today(D(2026, 12, 1))
    panel.view.show_today()
    header = panel.time_header
    header.grab()
    assert "Today" in header.painted
    assert header.height() >= 2 * header.tier_height() + header.strip_height()
    panel.view.horizontalScrollBar().setValue(
        round(panel.scene.today_x() - 2)
    )  # today at the very left edge: the badge stays whole
    header.grab()
    assert "Today" in header.painted


def test_the_legend_is_on_screen_and_in_the_exported_image(qtbot, demo_ctx, tmp_path):
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366, 768)
    panel = view.chart
    assert panel.legend.isVisible()
    panel.toolbar.critical.trigger()
    assert "Critical path" in panel.legend.labels()
    assert "Baseline" in panel.legend.labels()
    assert QAccessible.queryAccessibleInterface(panel.legend).text(QAccessible.Text.Name)
    svg = panel.export_image(tmp_path / "roadmap.svg").read_text()
    assert "Critical path" in svg and "Dependency" in svg


# -- 3. screen and paper agree ------------------------------------------------------------------


def test_screen_and_paper_use_the_same_lane_colours_statuses_and_legend(qtbot, demo_ctx):
    ws = demo_ctx.workspace
    product = ws.service(PortfolioService).product_by_name("Pulse Cloud")
    roadmap = ws.service(RoadmapService)
    new_lane = roadmap.lanes.create(product_id=product.id, name="Partnerships", sort_order=9)
    roadmap.items.create(
        product_id=product.id,
        lane_id=new_lane.id,
        name="Reseller pilot",
        start_date=D(2027, 2, 1),
        end_date=D(2027, 3, 1),
    )
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366, 768)
    panel = view.chart
    job = Job(ws, PdfOptions(), Progress(None, None), product, (1190.0, 842.0))
    paper = roadmap_chart(job)
    for lane in paper.lanes:
        screen = panel.painter.colour_of_lane(lane.id).name()
        assert screen == "#" + lane.colour.hexval()[2:].lower(), lane.name
    # A new lane is never drawn in a warning colour on either.
    assert panel.painter.colour_of_lane(new_lane.id).name() not in (rs.AT_RISK, rs.CRITICAL)
    assert panel.painter.style.at_risk.name() == rs.STATUS_COLOURS[ItemStatus.AT_RISK]
    # The legend: same names on screen and on paper for the same marks.
    panel.toolbar.critical.trigger()
    model = panel.model
    critical = any(item.critical for item in paper.items)
    violated = any(link.violated for link in paper.links)
    baseline = any(item.baseline for item in paper.items)
    assert (critical, baseline) == (
        model.show_critical and bool(model.critical),
        model.baseline_visible,
    )
    assert violated == bool(model.violated)
    register()  # the PDF fonts
    drawing = paper_legend(800, baseline=baseline, critical=critical, violated=violated)
    text = _drawing_text(drawing)
    for label in panel.legend.labels():
        assert label in text


def _drawing_text(drawing) -> str:
    """Every string a reportlab drawing holds (depth first, order does not matter here)."""
    stack, found = [drawing], []
    while stack:
        node = stack.pop()
        found.append(getattr(node, "text", ""))
        stack.extend(getattr(node, "contents", []))
    return " ".join(found)


# -- 4. an empty product ------------------------------------------------------------------------


def test_a_new_product_gets_its_first_lane_from_new_item(qtbot, ctx, monkeypatch):
    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(product.id)
    panel = view.chart
    hints = [panel.hint]
    assert panel.hint in view.findChildren(QWidget, "nextStepHint")
    assert any(h.isVisible() and "No lanes yet" in h.text() for h in hints)
    button = panel.toolbar.widgetForAction(panel.toolbar.add_item)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    roadmap = ctx.workspace.service(RoadmapService)
    lanes = roadmap.lanes_of(product.id)
    assert [lane.name for lane in lanes] == ["Roadmap"]
    assert [i.lane_id for i in roadmap.items_of(product.id)] == [lanes[0].id]
    assert not any(h.isVisible() for h in hints)
    ctx.undo()  # one step takes both back
    assert roadmap.lanes_of(product.id) == [] and roadmap.items_of(product.id) == []
    assert any(h.isVisible() and "No lanes yet" in h.text() for h in hints)


def test_an_empty_workspace_says_the_next_step(qtbot, ctx):
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(None)
    hints = [h for h in view.findChildren(QWidget, "nextStepHint") if h.isVisible()]
    assert hints and "product" in hints[0].text()


def test_new_lane_from_the_toolbar_then_the_hint_asks_for_items(qtbot, ctx, monkeypatch):
    from pmdesk.gui.gantt import dialogs

    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(product.id)
    monkeypatch.setattr(dialogs, "ask_text", lambda *args, **kwargs: "Platform")
    panel = view.chart
    qtbot.mouseClick(
        panel.toolbar.widgetForAction(panel.toolbar.add_lane), Qt.MouseButton.LeftButton
    )
    assert view.chart.hint.isVisible() and "No items yet" in view.chart.hint.text()


# -- 5. the keyboard ------------------------------------------------------------------------------


def test_tab_reaches_every_roadmap_toolbar_button(qtbot, demo_ctx):
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366, 768)
    panel = view.chart
    toolbar = panel.toolbar
    wanted = {
        toolbar.widgetForAction(a)
        for a in (toolbar.reschedule, toolbar.add_lane, toolbar.details, toolbar.fit)
    }
    first = toolbar.widgetForAction(toolbar.show_chart)
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    reached = set()
    for _ in range(40):
        widget = QApplication.focusWidget()
        reached.add(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    assert wanted <= reached
    assert panel.view in reached or any(w not in toolbar.findChildren(QWidget) for w in reached)
    for widget in toolbar.findChildren(QWidget):
        if widget.isVisible() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
            name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
            assert name, widget
    for widget in (panel.view, panel.time_header, panel.lane_header):
        assert QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def test_space_on_a_focused_toolbar_button_presses_it(qtbot, demo_ctx):
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366, 768)
    toolbar = view.chart.toolbar
    button = toolbar.widgetForAction(toolbar.details)
    assert isinstance(button, QToolButton)
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    qtbot.keyClick(button, Qt.Key.Key_Space)
    assert toolbar.details.isChecked() and view.chart.editor.isVisible()


# -- 6. minors: the start/end pair, finished items on the board ------------------------------------


def _type_date(qtbot, table, row: int, field: str, day: dt.date) -> None:
    """The cell's own editor (from the table's delegate), the date set in it and committed,
    as the table does when a person types a date and presses Enter."""
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateEdit, QStyleOptionViewItem

    view, model = table.view, table.model
    index = model.index(row, model.column_index(field))
    delegate = view.itemDelegateForIndex(index)
    editor = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QDateEdit)
    delegate.setEditorData(editor, index)
    editor.setDate(QDate(day.year, day.month, day.day))
    delegate.setModelData(editor, model, index)
    editor.deleteLater()


def test_a_start_typed_past_the_end_moves_the_end_and_keeps_the_duration(qtbot, ctx, monkeypatch):
    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = ctx.workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Design",
        start_date=D(2027, 1, 4),
        end_date=D(2027, 1, 13),
    )
    errors = []
    ctx.errorRaised.connect(errors.append)
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(product.id)
    click_tab(qtbot, view.tabs, "Items")
    row = view.items.model.row_of(item.id)
    _type_date(qtbot, view.items, row, "start_date", D(2027, 2, 1))
    stored = roadmap.items.get(item.id)
    assert (stored.start_date, stored.end_date) == (D(2027, 2, 1), D(2027, 2, 10))
    _type_date(qtbot, view.items, row, "end_date", D(2027, 1, 20))  # before the start
    stored = roadmap.items.get(item.id)
    assert (stored.start_date, stored.end_date) == (D(2027, 1, 11), D(2027, 1, 20))
    _type_date(qtbot, view.items, row, "start_date", D(2027, 1, 15))  # inside: only the start
    stored = roadmap.items.get(item.id)
    assert (stored.start_date, stored.end_date) == (D(2027, 1, 15), D(2027, 1, 20))
    assert errors == []
    ctx.undo()
    assert roadmap.items.get(item.id).start_date == D(2027, 1, 11)


def test_finished_items_leave_the_now_next_later_board(qtbot, ctx):
    from pmdesk.core.enums import Horizon

    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = ctx.workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)
    today = dt.date.today()

    def item(name, **extra):
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=name,
            start_date=today - dt.timedelta(days=30),
            end_date=today + dt.timedelta(days=3),
            **extra,
        ).id

    running = item("Running", progress=40)
    done = item("Shipped", status=ItemStatus.DONE)
    full = item("All there", progress=100)
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(product.id)
    panel = view.chart
    button = panel.toolbar.widgetForAction(panel.toolbar.show_board)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    now = list(panel.board.columns[Horizon.NOW].ids)
    assert now == [running] and done not in now and full not in now
    assert "2 finished, not shown" in panel.board.titles[Horizon.NOW].text()


def test_add_in_the_items_tab_of_a_new_product_makes_the_first_lane_too(qtbot, ctx):
    product = ctx.workspace.service(PortfolioService).create_product(name="Atlas")
    view = _show(qtbot, RoadmapView(ctx), 1366, 768)
    view.set_product(product.id)
    click_tab(qtbot, view.tabs, "Items")
    errors = []
    ctx.errorRaised.connect(errors.append)
    qtbot.mouseClick(view.items.add_button, Qt.MouseButton.LeftButton)
    roadmap = ctx.workspace.service(RoadmapService)
    lanes = roadmap.lanes_of(product.id)
    assert errors == [] and [lane.name for lane in lanes] == ["Roadmap"]
    assert [i.lane_id for i in roadmap.items_of(product.id)] == [lanes[0].id]
    assert view.items.model.rowCount() == 1
    ctx.undo()
    assert roadmap.lanes_of(product.id) == [] and roadmap.items_of(product.id) == []


def test_lane_names_are_whole_at_1366(qtbot, demo_ctx):
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366 - 186, 768 - 90)  # beside the sidebar
    panel = view.chart
    fonts, header = panel.painter.fonts, panel.lane_header
    for lane in panel.model.lanes:  # "Launch & Go-to-market" used to read "Launch & Go-to-m…"
        count = fonts.small_metrics.horizontalAdvance("99") + 14
        assert fonts.bold_width(lane.name) <= header.width() - 26 - 8 - count, lane.name
    assert panel.view.viewport().width() > 700  # the chart keeps most of the width


def test_tab_leaves_the_chart_and_the_board(qtbot, demo_ctx):
    view = _show(qtbot, _demo_view(qtbot, demo_ctx), 1366, 768)
    panel = view.chart
    panel.view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(panel.view.hasFocus)
    qtbot.keyClick(panel.view, Qt.Key.Key_Tab)
    assert not panel.view.hasFocus()
    qtbot.mouseClick(
        panel.toolbar.widgetForAction(panel.toolbar.show_board), Qt.MouseButton.LeftButton
    )
    for column in panel.board.views.values():
        column.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(column.hasFocus)
        qtbot.keyClick(column, Qt.Key.Key_Tab)
        assert not column.hasFocus()


def test_the_board_on_the_projector_has_cards_for_its_type(qtbot, demo_ctx):
    from pmdesk.core.enums import Horizon

    view = _demo_view(qtbot, demo_ctx)
    view.chart.show_board(True)
    panel = _present(qtbot, view)
    column = panel.board.views[Horizon.NEXT]
    index = column.model().index(0, 0)
    card = column.visualRect(index)
    fonts = panel.painter.fonts
    assert card.height() >= fonts.bold_metrics.height() + fonts.small_metrics.height()
    assert (
        f"font-size:{round(PresentationTheme().body_px * 1.25)}px"
        in panel.board.titles[Horizon.NOW].text()
    )
    view.set_presentation(None)
    assert "13pt" in panel.board.titles[Horizon.NOW].text()
