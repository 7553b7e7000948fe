"""The requirements view on a real file: inline edits, the editor (story, criteria, RICE,
customers, links), the duplicate hint and the value-vs-effort chart, each edit undoable."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from pmdesk.core.enums import ItemKind, MoSCoW, RequirementKind
from pmdesk.gui.context import AppContext
from pmdesk.gui.requirements import RequirementsView
from pmdesk.store.services import PortfolioService, RequirementService, RoadmapService

TRICKY = 'Fast & "safe" <b>export</b> 🚀'


@pytest.fixture
def setup(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    service = workspace.service(RequirementService)
    reqs = [
        service.requirements.create(
            product_id=product.id,
            ref=f"REQ-{n}",
            title=title,
            reach=reach,
            impact=2,
            confidence=80,
            effort=effort,
            moscow=moscow,
        )
        for n, (title, reach, effort, moscow) in enumerate(
            [
                ("Offline mode for technicians", 100, 2, MoSCoW.COULD),
                ("Single sign-on", 1000, 1, MoSCoW.MUST),
                (TRICKY, 400, 4, MoSCoW.SHOULD),
            ],
            start=1,
        )
    ]
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Sync <engine>",
        kind=ItemKind.FEATURE,
        start_date=dt.date(2026, 1, 5),
        end_date=dt.date(2026, 2, 27),
    )
    return workspace, product.id, [r.id for r in reqs], item.id


@pytest.fixture
def view(setup, qtbot):
    workspace, product_id, _reqs, _item = setup
    ctx = AppContext(workspace)
    widget = RequirementsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    widget.set_product(product_id)
    yield widget
    widget.close()
    ctx.close()


def test_backlog_orders_by_priority_and_score(view, setup):
    _ws, _pid, (offline, sso, tricky), _item = setup
    rows = [view.model.id_at(n) for n in range(view.model.rowCount())]
    assert rows == [sso, tricky, offline]  # MoSCoW order by default
    view.order.setCurrentText("RICE score")
    rows = [view.model.id_at(n) for n in range(view.model.rowCount())]
    assert rows == [sso, tricky, offline]  # 1,600 > 160 > 80
    view.table.filter_box.setText("sign-on")
    view.table.apply_filter()
    assert view.model.rowCount() == 1
    assert "3 requirements" in view.summary.text()


def test_inline_edit_is_one_undo_step(view, setup):
    _ws, _pid, (offline, _sso, _t), _item = setup
    service = view.service
    row = view.model.row_of(offline)
    column = view.model.column_index("moscow")
    assert view.model.setData(view.model.index(row, column), MoSCoW.MUST)
    assert service.requirements.get(offline).moscow is MoSCoW.MUST
    view.ctx.undo()
    assert service.requirements.get(offline).moscow is MoSCoW.COULD


def test_editor_story_builder_and_rice_parts(view, setup, qtbot):
    _ws, _pid, (offline, _sso, _t), _item = setup
    view.select_requirement(offline)
    editor = view.editor
    assert editor.requirement_id == offline
    assert editor.rice_panel.score.text() == "RICE score 80"
    assert editor.rice_panel.cells[3][1].text() == "= 160"  # value: 100 × 2 × 80%
    for field, text in (
        ("story_role", "engineer"),
        ("story_goal", TRICKY),
        ("story_benefit", "I can work offline"),
    ):
        editor.form.editors[field].setText(text)
        assert editor.form.commit(field)
    expected = f"As an engineer, I want {TRICKY} so that I can work offline."
    assert editor.story.text() == expected
    assert view.service.requirements.get(offline).story_goal == TRICKY
    view.ctx.undo()
    assert view.service.requirements.get(offline).story_benefit == ""
    assert editor.story.text() == f"As an engineer, I want {TRICKY}."
    kind = editor.form.editors["kind"]
    kind.setCurrentIndex(kind.values.index(RequirementKind.REQUIREMENT))
    assert editor.form.commit("kind")
    assert not editor.form.editors["story_role"].isVisibleTo(editor)
    view.ctx.undo()
    assert editor.form.editors["story_role"].isVisibleTo(editor)


def test_zero_effort_is_refused_with_a_message(view, setup, qtbot):
    _ws, _pid, (offline, _sso, _t), _item = setup
    view.select_requirement(offline)
    effort = view.editor.form.editors["effort"]
    effort.setValue(0)
    assert "more than zero" in view.editor.rice_panel.problem.text()
    with qtbot.waitSignal(view.ctx.errorRaised) as raised:
        assert not view.editor.form.commit("effort")
    assert "more than zero" in raised.args[0]
    assert view.service.requirements.get(offline).effort == 2
    assert effort.value() == 2
    assert view.ctx.undo_stack.count() == 0


def test_criteria_customers_and_links_each_undo(view, setup, qtbot):
    _ws, _pid, (offline, _sso, _t), item = setup
    service = view.service
    view.select_requirement(offline)
    editor = view.editor
    editor.criteria.add_criterion()
    assert service.requirements.get(offline).acceptance_criteria == ["Given … when … then …"]
    last = editor.criteria.list.item(0)
    last.setText("Given no signal, when I save, then it syncs later & <keeps> order")
    assert service.requirements.get(offline).acceptance_criteria == [
        "Given no signal, when I save, then it syncs later & <keeps> order"
    ]
    assert "1 in Given/When/Then form" in editor.criteria.summary.text()
    view.ctx.undo()
    assert service.requirements.get(offline).acceptance_criteria == ["Given … when … then …"]

    editor.customers.add_row()
    customer = service.customers_of(offline)[0]
    model = editor.customers.model
    assert model.setData(model.index(model.row_of(customer.id), 1), 2500.0)
    assert editor.stake.text() == "1 customer · 2,500 revenue at stake"

    assert editor.item_choice.currentData() == item
    assert editor.link_selected_item()
    assert service.linked_requirements(item) == [offline]
    assert editor.links.item(0).text() == "Sync <engine>"
    assert view.links.get(offline) == 1
    view.ctx.undo()
    assert service.linked_items(offline) == []
    assert editor.links.count() == 0


def test_duplicate_hint_opens_the_other_requirement(view, setup, qtbot):
    _ws, _pid, (offline, sso, _t), _item = setup
    view.select_requirement(sso)
    view.editor.form.editors["title"].setText("Offline mode for technician")
    qtbot.waitUntil(lambda: view.editor.duplicate.isVisible())
    assert "Offline mode for technicians" in view.editor.duplicate.text()
    qtbot.mouseClick(view.editor.duplicate, Qt.MouseButton.LeftButton)
    assert view.table.current_id() == offline


def test_clicking_a_point_selects_the_requirement(view, setup, qtbot):
    _ws, _pid, (offline, sso, tricky), _item = setup
    view.pages.setCurrentWidget(view.chart_page)
    chart = view.chart
    assert {p.id for p in chart.points} == {offline, sso, tricky}
    qtbot.waitUntil(lambda: chart.plot.isVisible())
    spot = chart.scene_position(tricky)
    viewport = chart.plot.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=spot.toPoint())
    qtbot.waitUntil(lambda: view.table.current_id() == tricky)
    assert view.editor.requirement_id == tricky
    assert chart.selected_id == tricky
    view.service.requirements.update(offline, effort=8)
    assert next(p for p in chart.points if p.id == offline).effort == 8


def test_export_image_png_and_svg(view, tmp_path):
    view.export_image(tmp_path / "backlog.png")
    view.pages.setCurrentWidget(view.chart_page)
    view.export_image(tmp_path / "chart.svg")
    assert (tmp_path / "backlog.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in (tmp_path / "chart.svg").read_bytes()
