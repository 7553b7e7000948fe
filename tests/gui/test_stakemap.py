"""The stakeholder map on the demo: drag and undo, selection, filters, contacts, RACI, export."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QStackedWidget
from tests.gui.windows import exposed

from pmdesk.core.enums import Quadrant, RaciActivity
from pmdesk.core.label_layout import short_name
from pmdesk.core.stakeholders import quadrant
from pmdesk.gui.context import AppContext
from pmdesk.gui.stakemap import StakeholderMapView
from pmdesk.gui.stakemap.items import TokenItem
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService, StakeholderService
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.pmdesk"
    create_demo(path, today=TODAY)
    return path


@pytest.fixture
def ws(demo_template, tmp_path):
    copy = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, copy)
    workspace = Workspace.open(copy)
    yield workspace
    workspace.close()


@pytest.fixture
def ctx(ws, qtbot):
    context = AppContext(ws)
    yield context
    context.close()


@pytest.fixture
def pulse(ws) -> int:
    return next(
        p.id for p in ws.service(PortfolioService).list_products() if p.name == "Pulse Cloud"
    )


@pytest.fixture
def view(ctx, qtbot, pulse) -> StakeholderMapView:
    widget = StakeholderMapView(ctx)
    widget.today = lambda: TODAY
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    widget.set_product(pulse)
    exposed(qtbot, widget)
    return widget


def read(ws: Workspace, sql: str, *args) -> list[tuple]:
    """What is in the file, read by a separate connection (not through the app)."""
    with sqlite3.connect(ws.path) as conn:
        return conn.execute(sql, args).fetchall()


def person(view: StakeholderMapView, name: str):
    return next(p for p in view.people.values() if p.name == name)


def test_the_map_shows_every_stakeholder_in_its_quadrant(view, qtmodeltester):
    assert len(view.scene.tokens) == len(view.people) == 10
    for pid, token in view.scene.tokens.items():
        p = view.people[pid]
        power, interest = view.scene.value_at(token.pos())
        assert (power, interest) == (p.power, p.interest)
        assert quadrant(power, interest) is quadrant(p.power, p.interest)
    labelled = set(view.scene.labels)
    in_badges = {k for _item, keys in view.scene.badges for k in keys}
    assert labelled | in_badges == set(view.people)
    assert {view.scene.labels[pid].text for pid in labelled} <= {
        view.people[pid].name for pid in labelled
    } | {short_name(view.people[pid].name) for pid in labelled}
    qtmodeltester.check(view.model)
    qtmodeltester.check(view.raci.model)


def test_drag_then_undo_reaches_the_file_and_leaves_the_trail_as_it_was(view, ctx, ws):
    marcus = person(view, "Marcus Feld")
    trail_before = read(
        ws,
        "SELECT id, power, interest FROM stakeholder_position WHERE stakeholder_id = ? ORDER BY id",
        marcus.id,
    )
    token = view.scene.tokens[marcus.id]
    view.scene.clearSelection()
    token.setSelected(True)
    view.scene.drag_started()
    token.setPos(view.scene.at(8.0, 9.0))  # interest 8, power 9: Manage closely
    view.scene.drag_finished()

    position = "SELECT power, interest FROM stakeholder WHERE id = ?"
    assert read(ws, position, marcus.id) == [(9.0, 8.0)]
    trail = read(
        ws,
        "SELECT power, interest FROM stakeholder_position WHERE stakeholder_id = ? ORDER BY id",
        marcus.id,
    )
    assert trail[-1] == (9.0, 8.0) and len(trail) == len(trail_before) + 1
    assert "Manage closely" in ctx.undo_stack.undoText()
    moved = view.scene.tokens[marcus.id]
    assert view.scene.value_at(moved.pos()) == (9.0, 8.0)

    ctx.undo()
    assert read(ws, "SELECT power, interest FROM stakeholder WHERE id = ?", marcus.id) == [
        (marcus.power, marcus.interest)
    ]
    assert (
        read(
            ws,
            "SELECT id, power, interest FROM stakeholder_position "
            "WHERE stakeholder_id = ? ORDER BY id",
            marcus.id,
        )
        == trail_before
    )
    assert view.scene.value_at(view.scene.tokens[marcus.id].pos()) == (
        marcus.power,
        marcus.interest,
    )


def test_a_real_mouse_drag_moves_the_token(view, ws, qtbot):
    kenji = person(view, "Kenji Watanabe")
    canvas = view.canvas
    start = canvas.mapFromScene(view.scene.tokens[kenji.id].pos())
    end = canvas.mapFromScene(view.scene.at(2.0, 8.0))
    qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    for fraction in (0.3, 0.7, 1.0):
        point = QPointF(start + (end - start) * fraction)
        move = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            point,
            canvas.viewport().mapToGlobal(point),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(canvas.viewport(), move)
    qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=end)
    power, interest = read(ws, "SELECT power, interest FROM stakeholder WHERE id = ?", kenji.id)[0]
    assert quadrant(power, interest) is Quadrant.KEEP_SATISFIED
    assert abs(power - 8.0) < 0.3 and abs(interest - 2.0) < 0.3


def test_selection_follows_between_map_table_editor_and_agenda(view, qtbot):
    priya = person(view, "Priya Natarajan")
    view.table.select_id(priya.id)
    assert view.scene.selected_ids() == [priya.id]
    assert view.editor.entity_id == priya.id
    assert view.agenda.selected_id() == priya.id
    ben = person(view, "Ben Adeyemi")
    view.scene.clearSelection()
    view.scene.tokens[ben.id].setSelected(True)
    assert view.table.selected_ids() == [ben.id]
    assert view.editor.editors["name"].text() == "Ben Adeyemi"


def test_filters_narrow_the_table_and_fade_the_others_on_the_map(view, qtbot):
    bar = view.filter_bar
    bar.quadrant.setCurrentIndex(bar.quadrant.findData(Quadrant.MANAGE_CLOSELY.value))
    names = {view.model.entity(row).name for row in range(view.model.rowCount())}
    expected = {
        p.name
        for p in view.people.values()
        if quadrant(p.power, p.interest) is Quadrant.MANAGE_CLOSELY
    }
    assert names == expected and 0 < len(names) < 10
    faded = {pid for pid, token in view.scene.tokens.items() if token.opacity() < 1}
    everyone = {p.name for p in view.people.values()}
    assert {view.people[pid].name for pid in faded} == everyone - names
    bar.contact.setCurrentIndex(bar.contact.findData("overdue"))
    for row in range(view.model.rowCount()):
        assert view.model.entity(row).next_contact < TODAY
    bar.quadrant.setCurrentIndex(0)
    bar.contact.setCurrentIndex(0)
    assert view.model.rowCount() == 10


def test_mark_contact_done_sets_the_next_date_and_undo_restores_it(view, ctx, ws, qtbot):
    overdue = view.agenda.tree.topLevelItem(0)
    assert overdue.text(0).startswith("Overdue")
    first = overdue.child(0)
    pid = first.data(0, Qt.ItemDataRole.UserRole + 1)
    before = read(
        ws, "SELECT last_contact, next_contact, comm_frequency FROM stakeholder WHERE id = ?", pid
    )[0]
    view.agenda.tree.setCurrentItem(first)
    qtbot.mouseClick(view.agenda.done_button, Qt.MouseButton.LeftButton)
    days = {"weekly": 7, "fortnightly": 14, "monthly": 30, "quarterly": 91}[before[2]]
    assert read(ws, "SELECT last_contact, next_contact FROM stakeholder WHERE id = ?", pid) == [
        (TODAY.isoformat(), (TODAY + dt.timedelta(days=days)).isoformat())
    ]
    ctx.undo()
    assert read(ws, "SELECT last_contact, next_contact FROM stakeholder WHERE id = ?", pid) == [
        before[:2]
    ]


def test_raci_a_moves_in_one_step_and_a_row_without_r_is_flagged(view, ctx, ws):
    model = view.raci.model
    row = next(
        n for n, a in enumerate(model.activities) if a.key == (RaciActivity.SPEC_SIGNOFF, None)
    )
    holder = next(
        pid
        for (key, pid), role in model.cells.items()
        if key == model.key_at(row) and role.value == "A"
    )
    other = next(
        pid
        for pid, _name, _role in model.people
        if pid != holder and (model.key_at(row), pid) not in model.cells
    )
    column = [pid for pid, _n, _r in model.people].index(other)
    sql = (
        "SELECT stakeholder_id, role FROM raci_assignment WHERE activity = 'spec_signoff' "
        "ORDER BY stakeholder_id"
    )
    before = read(ws, sql)
    assert model.setData(model.index(row, column), "a")
    after = dict(read(ws, sql))
    assert after[other] == "A" and holder not in after
    assert [role for role in after.values()].count("A") == 1
    ctx.undo()
    assert read(ws, sql) == before

    responsible = [
        pid
        for (key, pid), role in model.cells.items()
        if key == model.key_at(row) and role.value == "R"
    ]
    for pid in responsible:
        column = [p for p, _n, _r in model.people].index(pid)
        model.setData(model.index(row, column), "")
    check = model.index(row, model.columnCount() - 1)
    assert "no one is Responsible" in model.data(check)
    assert "need attention" in view.raci.summary.text()


def test_user_text_survives_on_the_map_and_in_the_export(view, ctx, ws, tmp_path, pulse):
    tricky = 'R&D <lead> "Zoë" 🚀'
    service = ws.service(StakeholderService)
    created = service.stakeholders.create(product_id=pulse, name=tricky, power=1, interest=9)
    assert view.scene.labels[created.id].text == tricky or any(
        created.id in keys for _item, keys in view.scene.badges
    )
    assert view.model.row_of(created.id) is not None
    svg = view.export_image(tmp_path / "map.svg")
    text = svg.read_text(encoding="utf-8")
    assert "R&amp;D &lt;lead&gt;" in text and "🚀" in text
    png = view.export_image(tmp_path / "map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sixty_crowded_stakeholders_keep_every_name_reachable(ctx, ws, qtbot, pulse):
    service = ws.service(StakeholderService)
    for n in range(50):
        service.stakeholders.create(
            product_id=pulse,
            name=f"Crowded person {n:02}",
            power=7 + (n % 5) * 0.2,
            interest=7 + (n // 5) * 0.2,
            importance=1 + n % 5,
        )
    view = StakeholderMapView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 850)
    view.show()
    view.set_product(pulse)
    scene = view.scene
    assert len(scene.tokens) == 60
    labelled = set(scene.labels)
    badged = {k for _item, keys in scene.badges for k in keys}
    assert labelled | badged == set(scene.tokens) and not labelled & badged
    assert badged, "a crowd this dense cannot name everyone: some names collapse into a count"
    boxes = [label.sceneBoundingRect() for label in scene.labels.values()]
    for i, box in enumerate(boxes):
        assert not any(box.intersects(other) for other in boxes[i + 1 :])
    item, keys = scene.badges[0]
    assert item.text == f"+{len(keys)}"
    assert all(view.people[k].name in item.toolTip() for k in keys)


def test_short_names_keep_the_first_name_and_an_initial():
    assert short_name("Priya Natarajan") == "Priya N."
    assert short_name("Dr. Anke Müller") == "Anke M."
    assert short_name("Cher") == "Cher"


def test_undo_of_a_move_from_the_table_is_exact_too(view, ctx, ws):
    chloe = person(view, "Chloé Dubois")
    count = len(read(ws, "SELECT id FROM stakeholder_position WHERE stakeholder_id = ?", chloe.id))
    assert view.model.edit(view.model.row_of(chloe.id), view.model.column_index("power"), 8.5)
    ctx.undo()
    assert (
        len(read(ws, "SELECT id FROM stakeholder_position WHERE stakeholder_id = ?", chloe.id))
        == count
    )


def test_history_trail_is_drawn_in_order_when_asked(view, qtbot):
    margaret = person(view, "Margaret Ellison")
    assert not [i for i in view.scene.items() if "Margaret Ellison," in i.toolTip()]
    view.history_box.setChecked(True)
    trail = view._trail_cache[margaret.id]
    assert [t for t, *_ in trail] == sorted(t for t, *_ in trail)
    dots = [i for i in view.scene.items() if "Margaret Ellison," in i.toolTip()]
    assert len(dots) == len(trail) - 1 >= 1
    assert all(not isinstance(dot, TokenItem) for dot in dots)


def test_presenting_gives_the_map_the_whole_screen(view, qtbot):
    from pmdesk.gui.present import PresentationWindow

    stack = QStackedWidget()
    qtbot.addWidget(stack)
    stack.addWidget(view)
    window = PresentationWindow(view, stack, stack.screen())
    window.start()
    assert not view.splitter.widget(1).isVisibleTo(view)
    window.stop()
    assert view.splitter.widget(1).isVisibleTo(view)
    stack.removeWidget(view)
    view.setParent(None)  # qtbot owns the view; the stack must not delete it


def test_read_only_tokens_do_not_move(demo_template, tmp_path, qtbot, pulse):
    copy = tmp_path / "ro.pmdesk"
    shutil.copyfile(demo_template, copy)
    workspace = Workspace.open(copy, read_only=True)
    context = AppContext(workspace)
    try:
        view = StakeholderMapView(context)
        qtbot.addWidget(view)
        view.resize(1000, 700)
        view.set_product(pulse)
        token = next(iter(view.scene.tokens.values()))
        assert not token.flags() & token.GraphicsItemFlag.ItemIsMovable
        assert not view.raci.model.flags(view.raci.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    finally:
        context.close()
        workspace.close()
