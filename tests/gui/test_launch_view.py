"""The launch view on a real file: a new launch from its tier's checklist, relative due dates
following the launch date in one undo step, typed due dates, readiness and its flags."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from pmdesk.core.enums import LaunchFunction, TaskStatus
from pmdesk.core.templates import launch_checklist
from pmdesk.gui.context import AppContext
from pmdesk.gui.launch import LaunchView
from pmdesk.store.services import CalendarService, LaunchService, PortfolioService

TRICKY = 'Fast & "safe" <b>labs</b> 🚀'


@pytest.fixture
def setup(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    return workspace, product.id


@pytest.fixture
def view(setup, qtbot):
    workspace, product_id = setup
    ctx = AppContext(workspace)
    widget = LaunchView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    widget.set_product(product_id)
    yield widget
    widget.close()
    ctx.close()


def test_new_launch_brings_its_tier_checklist_in_one_undo_step(view, setup):
    workspace, product_id = setup
    service = workspace.service(LaunchService)
    assert view.pages.currentIndex() == 0  # "no launch plan yet"
    launch_id = view.create_launch()
    assert view.ctx.undo_stack.count() == 1
    assert view.pages.currentIndex() == 1
    assert view.tasks.model.total == len(launch_checklist(2))
    assert view.readiness.percent.text() == "0%"
    view.ctx.undo()
    assert service.launches_of(product_id) == []
    assert service.tasks_of_product(product_id) == []
    assert view.pages.currentIndex() == 0
    view.ctx.redo()
    assert [launch.id for launch in service.launches_of(product_id)] == [launch_id]
    assert view.tasks.model.total == len(launch_checklist(2))


def test_tier_checklist_button_is_one_undo_step(view, setup):
    workspace, product_id = setup
    service = workspace.service(LaunchService)
    launch = service.create_launch(product_id, "GA", dt.date.today(), tier=3, with_checklist=False)
    view.show_launch(launch.id)
    assert view.add_tier_checklist()
    assert view.tasks.model.total == len(launch_checklist(3))
    view.ctx.undo()
    assert view.tasks.model.total == 0


def test_moving_the_launch_date_moves_relative_tasks_and_undo_moves_them_back(view, setup):
    workspace, product_id = setup
    service = workspace.service(LaunchService)
    launch = service.create_launch(product_id, TRICKY, dt.date(2030, 6, 1), with_checklist=False)
    task = service.tasks.create(
        launch_id=launch.id, function=LaunchFunction.LEGAL, title="DPA", due_date="2030-01-01"
    )
    view.show_launch(launch.id)
    model = view.tasks.model
    due = model.column_index("due")
    assert model.setData(model.index(model.row_of(task.id), due), "L-30")
    assert model.data(model.index(model.row_of(task.id), due)) == "2030-05-02 (L−30)"
    date_edit = view.form.editors["launch_date"]
    date_edit.setDate(dt.date(2030, 7, 1))
    assert view.form.commit("launch_date")
    assert service.tasks.get(task.id).due_date == dt.date(2030, 6, 1)
    assert model.data(model.index(model.row_of(task.id), due)) == "2030-06-01 (L−30)"
    steps = view.ctx.undo_stack.count()
    view.ctx.undo()
    assert view.ctx.undo_stack.index() == steps - 1  # one step put back date and task
    assert service.tasks.get(task.id).due_date == dt.date(2030, 5, 2)
    assert service.launches.get(launch.id).launch_date == dt.date(2030, 6, 1)
    assert view.title.text() == f"Launch — {TRICKY}"


def test_an_unreadable_due_date_is_refused(view, setup, qtbot):
    workspace, product_id = setup
    service = workspace.service(LaunchService)
    launch = service.create_launch(product_id, "GA", dt.date(2030, 6, 1), with_checklist=False)
    task = service.tasks.create(
        launch_id=launch.id, function=LaunchFunction.LEGAL, title="DPA", due_date="2030-01-01"
    )
    view.show_launch(launch.id)
    model = view.tasks.model
    with qtbot.waitSignal(view.ctx.errorRaised) as raised:
        assert not model.setData(model.index(0, model.column_index("due")), "next week")
    assert "L−30" in raised.args[0]
    assert service.tasks.get(task.id).due_date == dt.date(2030, 1, 1)


def test_readiness_overdue_and_past_launch_flag_follow_edits(view, setup):
    workspace, product_id = setup
    service = workspace.service(LaunchService)
    today = dt.date.today()
    launch = service.create_launch(
        product_id, "GA", today - dt.timedelta(days=3), with_checklist=False
    )
    late = service.tasks.create(
        launch_id=launch.id,
        function=LaunchFunction.SUPPORT,
        title="Hotline",
        due_date=today - dt.timedelta(days=10),
    )
    service.tasks.create(
        launch_id=launch.id,
        function=LaunchFunction.MARKETING,
        title="PR",
        due_date=today,
        status=TaskStatus.DONE,
    )
    view.load(product_id)
    assert view.readiness.percent.text() == "50%"
    assert view.readiness.overdue.text() == "1 overdue task"
    assert view.readiness.flag.isVisibleTo(view)
    assert "1 open task" in view.readiness.flag.text()
    model = view.tasks.model
    title = model.index(model.row_of(late.id), model.column_index("title"))
    assert model.data(title, Qt.ItemDataRole.ForegroundRole).name().upper() == "#C62828"
    bar, count = view.readiness.bars[LaunchFunction.SUPPORT]
    assert (bar.value(), count.text()) == (0, "0/1")
    status = model.index(model.row_of(late.id), model.column_index("status"))
    assert model.setData(status, TaskStatus.DONE)
    assert view.readiness.percent.text() == "100%"
    assert not view.readiness.flag.isVisibleTo(view)
    assert view.readiness.overdue.text() == ""
    assert (bar.value(), count.text()) == (100, "1/1")
    view.ctx.undo()
    assert view.readiness.percent.text() == "50%"


def test_function_filter_scopes_the_checklist_and_new_tasks(view, setup):
    workspace, product_id = setup
    view.create_launch()
    filter_box = view.function_filter
    filter_box.setCurrentIndex(filter_box.findData(LaunchFunction.LEGAL))
    view._scope_tasks()
    legal = [t for t in launch_checklist(2) if t.function is LaunchFunction.LEGAL]
    assert view.tasks.model.total == len(legal)
    new_id = view.tasks.add_row()
    task = workspace.service(LaunchService).tasks.get(new_id)
    assert task.function is LaunchFunction.LEGAL
    assert task.due_offset_days == -30


def test_export_image(view, tmp_path):
    view.create_launch()
    view.export_image(tmp_path / "launch.png")
    assert (tmp_path / "launch.png").read_bytes()[:4] == b"\x89PNG"


def test_a_launch_or_task_due_on_a_day_off_is_flagged_and_follows_the_calendar(view, setup, qtbot):
    """Launch dates around holidays: the working calendar names the day off, live."""
    workspace, product_id = setup
    service = workspace.service(LaunchService)
    launch = service.create_launch(product_id, "GA", dt.date(2031, 12, 24), with_checklist=False)
    service.tasks.create(
        launch_id=launch.id,
        function=LaunchFunction.LEGAL,
        title="DPA",
        due_date="2031-12-25",
        due_offset_days=1,  # L+1
    )
    view.show_launch(launch.id)
    label = view.readiness.days_off
    assert label.text() == ""  # a Wednesday, and the new workspace has no holidays yet
    # A holiday added to the workspace calendar shows at once: the task is due on it.
    calendars = workspace.service(CalendarService)
    calendars.add_exception(
        calendars.workspace_calendar().id, name="Christmas Day", start_date="2031-12-25"
    )
    assert label.text() == "1 open task falls due on a day off"
    # The launch date typed into the form, on a Saturday (the task then on the Sunday).
    editor = view.form.editors["launch_date"]
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, "2031-12-27")
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert service.launches.get(launch.id).launch_date == dt.date(2031, 12, 27)
    assert label.text().splitlines() == [
        "The launch date falls on a day off: a Saturday",
        "1 open task falls due on a day off",
    ]
    assert label.isVisibleTo(view)
    view.ctx.undo()
    assert label.text() == "1 open task falls due on a day off"  # back on Christmas Day
    done = service.tasks_of(launch.id)[0]
    service.tasks.update(done.id, status=TaskStatus.DONE)
    assert label.text() == ""  # a done task no longer needs a working day
