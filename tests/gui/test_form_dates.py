"""Typing a date into a form field: what is typed is saved on leaving (one undo step), and
what is not a date is refused with a message while the field shows the saved date again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from tests.gui.windows import active

from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.launch.view import LaunchView
from pmdesk.gui.stakemap.view import StakeholderMapView
from pmdesk.store.services import LaunchService, PortfolioService, StakeholderService


@pytest.fixture
def launch(demo_ctx, qtbot):
    view = LaunchView(demo_ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.set_product(demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud").id)
    active(qtbot, view)
    return view


def type_into(qtbot, editor, text: str) -> None:
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)


@pytest.mark.parametrize("typed", ["2027-06-15", "2027-6-15", "20270615"])
def test_a_typed_date_is_saved_on_tab_as_one_undo_step(demo_ctx, launch, qtbot, typed):
    editor = launch.form.editors["launch_date"]
    before = demo_ctx.service(LaunchService).launches.get(launch.launch_id).launch_date
    steps = demo_ctx.undo_stack.count()
    type_into(qtbot, editor, typed)
    assert demo_ctx.undo_stack.count() == steps + 1
    saved = demo_ctx.service(LaunchService).launches.get(launch.launch_id).launch_date
    assert saved == dt.date(2027, 6, 15)
    assert editor.text() == "2027-06-15"
    demo_ctx.undo()
    assert demo_ctx.service(LaunchService).launches.get(launch.launch_id).launch_date == before


@pytest.mark.parametrize("typed", ["2027-02-30", "15.06.2027", "soon"])
def test_what_is_no_date_is_refused_with_a_message(demo_ctx, launch, qtbot, typed):
    editor = launch.form.editors["launch_date"]
    before = demo_ctx.service(LaunchService).launches.get(launch.launch_id).launch_date
    errors: list[str] = []
    demo_ctx.errorRaised.connect(errors.append)
    type_into(qtbot, editor, typed)
    assert errors and typed in errors[0] and "year-month-day" in errors[0]
    assert demo_ctx.service(LaunchService).launches.get(launch.launch_id).launch_date == before
    assert editor.text() == before.isoformat()  # the saved date, shown again


def test_a_date_typed_over_no_date_is_saved(demo_ctx, qtbot):
    view = StakeholderMapView(demo_ctx)
    qtbot.addWidget(view)
    view.show()
    view.set_product(demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud").id)
    service = demo_ctx.service(StakeholderService)
    person = next(iter(view.people.values()))
    demo_ctx.run(UpdateCommand(service.stakeholders, person.id, {"last_contact": None}, "Clear"))
    view.select_people([person.id])
    view.side_tabs.setCurrentWidget(view.editor_page)
    editor = view.editor.editors["last_contact"]
    assert editor.text() == "—"
    type_into(qtbot, editor, "2026-11-20")
    assert service.stakeholders.get(person.id).last_contact == dt.date(2026, 11, 20)
    type_into(qtbot, editor, "")  # emptied: no date again
    assert service.stakeholders.get(person.id).last_contact is None
    assert editor.text() == "—"


def test_up_steps_the_part_under_the_cursor(demo_ctx, launch, qtbot):
    editor = launch.form.editors["launch_date"]
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    start = editor.date()
    qtbot.keyClick(editor, Qt.Key.Key_End)
    qtbot.keyClick(editor, Qt.Key.Key_Up)
    assert editor.date() == start.addDays(1)
    qtbot.keyClick(editor, Qt.Key.Key_Home)
    qtbot.keyClick(editor, Qt.Key.Key_Up)
    assert editor.date() == start.addDays(1).addYears(1)


def _stakeholders(demo_ctx, qtbot):
    view = StakeholderMapView(demo_ctx)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.show()
    view.set_product(demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud").id)
    active(qtbot, view)
    return view


@pytest.mark.parametrize(
    "typed, saved", [("2026-12-30", dt.date(2026, 12, 30)), ("2026-02-30", None)]
)
def test_a_date_typed_over_a_table_cell_is_saved_or_refused(demo_ctx, qtbot, typed, saved):
    """Typing over the digits of a cell's date overwrites them; Enter saves or says why not."""
    from pmdesk.gui.widgets.delegates import DateEdit

    view = _stakeholders(demo_ctx, qtbot)
    table, model = view.table, view.table.model
    index = model.index(0, model.column_index("next_contact"))
    person = model.id_at(0)
    before = demo_ctx.service(StakeholderService).stakeholders.get(person).next_contact
    errors: list[str] = []
    demo_ctx.errorRaised.connect(errors.append)
    table.view.setFocus()
    table.view.setCurrentIndex(index)
    assert table.view.currentIndex().column() == index.column()
    qtbot.keyClick(table.view, Qt.Key.Key_F2)  # the edit key opens the cell's date field
    assert table.view.state() == table.view.State.EditingState
    editor = table.view.findChild(DateEdit)
    assert editor is not None
    editor.lineEdit().setCursorPosition(0)
    qtbot.keyClicks(editor, typed)
    assert editor.text() == typed  # typed over, digit by digit
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.view.state() == table.view.State.NoState)
    stored = demo_ctx.service(StakeholderService).stakeholders.get(person).next_contact
    if saved is not None:
        assert stored == saved and not errors
    else:
        assert stored == before and errors and typed in errors[0]
