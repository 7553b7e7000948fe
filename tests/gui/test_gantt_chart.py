"""The roadmap chart on a real file: drag, resize, link, delete, nudge — each undoable."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from tests.gui.windows import exposed

from pmdesk.core.enums import DependencyType, ItemKind
from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt import RoadmapPanel, dialogs
from pmdesk.store.services import PortfolioService, RoadmapService

D = dt.date
ZOOM = 20.0  # pixels per day: whole days are easy to aim at


@pytest.fixture
def plan(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    platform = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)
    mobile = roadmap.lanes.create(product_id=product.id, name="Mobile <app>", sort_order=1)

    def item(lane, name, start, end, kind=ItemKind.FEATURE):
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=name,
            kind=kind,
            start_date=start,
            end_date=end,
        ).id

    ids = SimpleNamespace(
        design=item(platform, "Design", D(2027, 1, 4), D(2027, 1, 8)),
        build=item(platform, "Build", D(2027, 1, 11), D(2027, 1, 22)),
        ship=item(platform, "Ship", D(2027, 1, 29), D(2027, 1, 29), ItemKind.MILESTONE),
        app=item(mobile, '<Beta> & "Gamma" 🚀', D(2027, 1, 6), D(2027, 1, 15)),
    )
    link = roadmap.dependencies.create(predecessor_id=ids.design, successor_id=ids.build)
    return SimpleNamespace(
        product=product, roadmap=roadmap, lanes=(platform, mobile), ids=ids, link=link.id
    )


@pytest.fixture
def ctx(workspace):
    context = AppContext(workspace)
    yield context
    context.close()


@pytest.fixture
def panel(qtbot, ctx, plan):
    widget = RoadmapPanel(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.set_today(D(2027, 1, 20))
    widget.set_product(plan.product.id)
    widget.show()
    exposed(qtbot, widget)
    qtbot.waitUntil(lambda: not widget._needs_first_view)
    widget.view.set_zoom(ZOOM)
    widget.view.scroll_to_day(D(2027, 1, 1))
    return widget


def dates(plan, item_id):
    row = plan.roadmap.items.get(item_id)
    return row.start_date, row.end_date


def at(panel, item_id, where="centre") -> QPoint:
    """A viewport point on an item's bar: its centre, ends, or just outside its ends."""
    box = panel.scene.item_box(item_id)
    x = {
        "centre": box.x + box.w / 2,
        "start": box.x + 1,
        "end": box.right - 1,
        "after": box.right + 8,
        "before": box.x - 8,
    }[where]
    return panel.view.mapFromScene(QPointF(x, box.cy))


def drag(panel, start: QPoint, end: QPoint, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    viewport = panel.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, start)
    QTest.mouseMove(viewport, (start + end) / 2)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, end)


def test_drag_moves_a_bar_by_whole_days_and_undo_restores(panel, plan, ctx):
    before = dates(plan, plan.ids.build)
    start = at(panel, plan.ids.build)
    drag(panel, start, start + QPoint(int(3.4 * ZOOM), 0))  # 3.4 days: snaps to 3
    assert dates(plan, plan.ids.build) == (D(2027, 1, 14), D(2027, 1, 25))
    assert ctx.undo_stack.count() == 1 and "Build" in ctx.undo_stack.text(0)
    assert panel.model.layout.items[plan.ids.build].start == D(2027, 1, 14).toordinal()
    ctx.undo()
    assert dates(plan, plan.ids.build) == before
    assert panel.model.items[plan.ids.build].start == before[0]


def test_a_tiny_drag_changes_nothing(panel, plan, ctx):
    start = at(panel, plan.ids.build)
    drag(panel, start, start + QPoint(int(0.3 * ZOOM), 0))
    assert ctx.undo_stack.count() == 0
    assert dates(plan, plan.ids.build) == (D(2027, 1, 11), D(2027, 1, 22))


def test_drag_an_end_to_resize(panel, plan, ctx):
    start = at(panel, plan.ids.build, "end")
    drag(panel, start, start + QPoint(int(2 * ZOOM), 0))
    assert dates(plan, plan.ids.build) == (D(2027, 1, 11), D(2027, 1, 24))
    start = at(panel, plan.ids.build, "start")
    drag(panel, start, start - QPoint(int(4 * ZOOM), 0))
    assert dates(plan, plan.ids.build) == (D(2027, 1, 7), D(2027, 1, 24))
    ctx.undo()
    ctx.undo()
    assert dates(plan, plan.ids.build) == (D(2027, 1, 11), D(2027, 1, 22))


def test_resize_never_puts_the_end_before_the_start(panel, plan):
    start = at(panel, plan.ids.design, "end")
    drag(panel, start, start - QPoint(int(10 * ZOOM), 0))
    assert dates(plan, plan.ids.design) == (D(2027, 1, 4), D(2027, 1, 4))


def test_drag_to_another_lane_moves_the_item_there(panel, plan):
    target = at(panel, plan.ids.app)
    start = at(panel, plan.ids.ship)
    drag(panel, start, QPoint(start.x(), target.y()))
    assert plan.roadmap.items.get(plan.ids.ship).lane_id == plan.lanes[1].id


def test_link_two_items_by_dragging_and_undo(panel, plan, ctx, monkeypatch):
    asked = []

    def chooser(parent, pred, succ, suggested):
        asked.append((pred, succ, suggested))
        return DependencyType.START_TO_START, 2

    monkeypatch.setattr(dialogs, "choose_link_type", chooser)
    drag(panel, at(panel, plan.ids.build, "after"), at(panel, plan.ids.ship))
    # dropped on the right half of the target: finish to finish is suggested
    assert asked == [("Build", "Ship", DependencyType.FINISH_TO_FINISH)]
    links = plan.roadmap.dependencies_of(plan.product.id)
    new = [k for k in links if k.predecessor_id == plan.ids.build]
    assert [(k.successor_id, k.type, k.lag_days) for k in new] == [
        (plan.ids.ship, DependencyType.START_TO_START, 2)
    ]
    assert new[0].id in panel.model.links
    ctx.undo()
    assert len(plan.roadmap.dependencies_of(plan.product.id)) == 1
    assert new[0].id not in panel.model.links


def test_cancelling_the_chooser_creates_nothing(panel, plan, ctx, monkeypatch):
    monkeypatch.setattr(dialogs, "choose_link_type", lambda *args: None)
    drag(panel, at(panel, plan.ids.build, "after"), at(panel, plan.ids.app))
    assert len(plan.roadmap.dependencies_of(plan.product.id)) == 1
    assert ctx.undo_stack.count() == 0


def test_a_cycle_is_refused_with_a_message_and_changes_nothing(
    panel, plan, ctx, qtbot, monkeypatch
):
    monkeypatch.setattr(
        dialogs, "choose_link_type", lambda *args: (DependencyType.FINISH_TO_START, 0)
    )
    with qtbot.waitSignal(ctx.errorRaised) as blocker:
        drag(panel, at(panel, plan.ids.build, "after"), at(panel, plan.ids.design))
    assert "cycle" in blocker.args[0] and "Design" in blocker.args[0] and "Build" in blocker.args[0]
    assert len(plan.roadmap.dependencies_of(plan.product.id)) == 1
    assert ctx.undo_stack.count() == 0


def test_click_selects_and_delete_removes_with_its_links_then_undo(panel, plan, ctx, qtbot):
    with qtbot.waitSignal(panel.selectionChanged):
        QTest.mouseClick(
            panel.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            at(panel, plan.ids.design),
        )
    assert panel.has_selection() and panel.model.selected == {plan.ids.design}
    QTest.keyClick(panel.view, Qt.Key.Key_Delete)
    assert plan.roadmap.items.count() == 3
    assert plan.roadmap.dependencies.count() == 0
    assert plan.ids.design not in panel.model.layout.items and not panel.has_selection()
    ctx.undo()
    assert plan.roadmap.items.count() == 4 and plan.roadmap.dependencies.count() == 1
    assert plan.link in panel.model.links and plan.ids.design in panel.model.layout.items


def test_select_a_link_and_delete_it(panel, plan, ctx):
    route = panel.painter.route(plan.link, panel.scene.scale)
    (x0, y0), (x1, y1) = route[0], route[1]
    point = panel.view.mapFromScene(QPointF((x0 + x1) / 2, (y0 + y1) / 2))
    QTest.mouseClick(
        panel.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    assert panel.model.selected_links == {plan.link}
    panel.delete_selected()
    assert plan.roadmap.dependencies.count() == 0 and plan.roadmap.items.count() == 4
    ctx.undo()
    assert plan.roadmap.dependencies.count() == 1


def test_multi_select_move_is_one_undo_step(panel, plan, ctx):
    viewport = panel.view.viewport()
    QTest.mouseClick(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        at(panel, plan.ids.design),
    )
    QTest.mouseClick(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        at(panel, plan.ids.app),
    )
    assert panel.model.selected == {plan.ids.design, plan.ids.app}
    start = at(panel, plan.ids.app)
    drag(panel, start, start + QPoint(int(7 * ZOOM), 0))
    assert dates(plan, plan.ids.design) == (D(2027, 1, 11), D(2027, 1, 15))
    assert dates(plan, plan.ids.app) == (D(2027, 1, 13), D(2027, 1, 22))
    assert plan.roadmap.items.get(plan.ids.app).lane_id == plan.lanes[1].id  # lanes kept
    assert ctx.undo_stack.count() == 1 and ctx.undo_stack.text(0) == "Move 2 items"
    ctx.undo()
    assert dates(plan, plan.ids.design) == (D(2027, 1, 4), D(2027, 1, 8))
    assert dates(plan, plan.ids.app) == (D(2027, 1, 6), D(2027, 1, 15))


def test_rubber_band_selects_what_it_touches(panel, plan):
    design, app = at(panel, plan.ids.design), at(panel, plan.ids.app)
    top_left = QPoint(design.x() - 30, design.y() - 12)  # empty space left of the bars
    drag(panel, top_left, QPoint(app.x(), app.y() + 4))
    assert panel.model.selected == {plan.ids.design, plan.ids.app}


def test_arrow_keys_nudge_by_one_step_of_the_zoom(panel, plan, ctx):
    panel.view.select([plan.ids.build])
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_Right)  # day zoom: one day
    assert dates(plan, plan.ids.build) == (D(2027, 1, 12), D(2027, 1, 23))
    panel.view.set_zoom(3.0)  # month / week zoom: one week
    QTest.keyClick(panel.view, Qt.Key.Key_Left)
    assert dates(plan, plan.ids.build) == (D(2027, 1, 5), D(2027, 1, 16))
    ctx.undo()
    ctx.undo()
    assert dates(plan, plan.ids.build) == (D(2027, 1, 11), D(2027, 1, 22))


def test_double_click_on_empty_lane_space_creates_an_item_there(panel, plan, ctx):
    design = at(panel, plan.ids.design)
    point = QPoint(design.x() + int(20 * ZOOM), design.y())  # 20 days later, same row
    QTest.mouseDClick(
        panel.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point
    )
    created = [r for r in plan.roadmap.items_of(plan.product.id) if r.name == "New feature"]
    assert len(created) == 1 and created[0].lane_id == plan.lanes[0].id
    assert created[0].start_date == D(2027, 1, 26)
    assert panel.model.selected == {created[0].id} and panel.editor.isVisible()
    ctx.undo()
    assert plan.roadmap.items.count() == 4


def test_double_click_opens_the_side_panel_and_edits_go_through_undo(panel, plan, ctx, qtbot):
    QTest.mouseDClick(
        panel.view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        at(panel, plan.ids.app),
    )
    editor = panel.editor
    assert editor.isVisible() and editor.name.text() == '<Beta> & "Gamma" 🚀'
    editor.name.setText('<Beta> & "Gamma" 🚀 v2')
    editor.name.editingFinished.emit()
    assert plan.roadmap.items.get(plan.ids.app).name == '<Beta> & "Gamma" 🚀 v2'
    editor.progress.setValue(40)
    editor.progress.editingFinished.emit()
    assert plan.roadmap.items.get(plan.ids.app).progress == 40
    ctx.undo()
    assert editor.progress.value() == 0
    ctx.undo()
    assert editor.name.text() == '<Beta> & "Gamma" 🚀'


def test_tooltip_text_keeps_user_text_exactly(panel, plan):
    from pmdesk.gui.gantt.text import item_tooltip

    text = item_tooltip(panel.model, plan.ids.app)
    assert "&lt;Beta&gt; &amp; &quot;Gamma&quot; 🚀" in text
    assert "Mobile &lt;app&gt;" in text


def test_select_a_link_to_change_its_type_and_lag_in_the_side_panel(panel, plan, ctx):
    panel.view.select(links=[plan.link])
    panel.toolbar.details.setChecked(True)
    editor = panel.editor
    assert editor.stack.currentIndex() == 2 and "Design → Build" in editor.link_label.text()
    editor.link_type.setCurrentIndex(editor.link_type.findData("SS"))
    editor.link_type.activated.emit(editor.link_type.currentIndex())
    editor.lag.setValue(-2)
    editor.lag.editingFinished.emit()
    link = plan.roadmap.dependencies.get(plan.link)
    assert (link.type, link.lag_days) == (DependencyType.START_TO_START, -2)
    assert panel.model.links[plan.link].lag == -2
    ctx.undo()
    ctx.undo()
    link = plan.roadmap.dependencies.get(plan.link)
    assert (link.type, link.lag_days) == (DependencyType.FINISH_TO_START, 0)


def test_link_an_item_to_a_requirement_from_the_side_panel(panel, plan, ctx, workspace):
    from pmdesk.store.services import RequirementService

    requirements = workspace.service(RequirementService)
    req = requirements.requirements.create(
        product_id=plan.product.id, title="SSO <SAML>", ref="REQ-1"
    )
    panel.open_item(plan.ids.build)
    entries = panel.editor.requirements
    assert entries.count() == 1 and entries.item(0).text() == "REQ-1 SSO <SAML>"
    entries.item(0).setCheckState(Qt.CheckState.Checked)
    assert requirements.linked_items(req.id) == [plan.ids.build]
    assert panel.model.requirement_counts == {plan.ids.build: 1}
    ctx.undo()
    assert requirements.linked_items(req.id) == []
    assert panel.model.requirement_counts == {}
    assert entries.item(0).checkState() == Qt.CheckState.Unchecked
