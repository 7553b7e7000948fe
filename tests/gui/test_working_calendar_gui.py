"""The working calendar as a product manager meets it: Edit ▸ Working Calendar…, its fields,
its holidays table, the Gantt's shading of days off, undo and redo from the main window, a
product's own calendar, and the Dependencies tab's "Lag counts".

Every test works on a real file (a copy of the demo, or a new workspace) through the window's
own actions and widgets, and reads back what the file holds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QToolTip
from tests.gui.test_house_rules import demo_copy, open_window
from tests.gui.windows import active, click_tab

from pmdesk.core.enums import DependencyType, ItemKind, LagUnit
from pmdesk.gui.calendar_dialog import CalendarDialog
from pmdesk.gui.context import AppContext
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.views.roadmap import RoadmapView
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.services.calendar import CalendarService
from pmdesk.store.workspace import Workspace

SATURDAY, FRIDAY = 5, 4


def new_file(tmp_path: Path, products: list[str]) -> Path:
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        for name in products:
            ws.service(PortfolioService).create_product(name=name)
    return path


def open_calendar(qtbot, window: MainWindow) -> CalendarDialog:
    """Edit ▸ Working Calendar…, as the person chooses it from the menu bar."""
    edit_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert window.menu_actions.working_calendar in edit_menu.actions()
    assert window.menu_actions.working_calendar.isEnabled()
    window.menu_actions.working_calendar.trigger()
    dialog = window.calendar_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def activate(qtbot, widget) -> None:
    """The window of ``widget`` in front, as a click on it would make it."""
    window = widget.window()
    if QApplication.activeWindow() is not window:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def press(qtbot, widget, sequence: QKeySequence) -> None:
    combo = sequence[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def undo_in_window(qtbot, window: MainWindow) -> None:
    """Ctrl+Z pressed in the main window (not in the calendar's own window)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, window.menu_actions.undo.shortcut())


def redo_in_window(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, window.menu_actions.redo.shortcut())


def type_into(qtbot, editor, text: str, key=Qt.Key.Key_Return) -> None:
    activate(qtbot, editor)
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, key)


def type_time(qtbot, editor, text: str) -> None:
    """Tab into a time field (its hour is selected) and type over it, then Enter."""
    activate(qtbot, editor)
    editor.clearFocus()
    editor.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(editor.hasFocus)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def stored(window: MainWindow, product_id: int | None = None):
    return window.ctx.service(CalendarService).calendar_for(product_id)


def chart_of(window: MainWindow):
    window.view_host.show_view("roadmap")
    QApplication.processEvents()
    return window.view_host.current_view().chart


def shaded(chart, first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Each day the chart shades from first to last, and whether as a holiday."""
    scene = chart.scene
    days = {}
    for x, width, holiday in scene.non_working_rects(first, last):
        day = scene.scale.date_at(x + 1)
        for n in range(round(width / scene.scale.px_per_day)):
            days[day + dt.timedelta(days=n)] = holiday
    return days


def painted_shade(chart, day: dt.date) -> str:
    """The background colour the chart paints in the middle of ``day`` (zoomed to days)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    scene = chart.scene
    scene.set_zoom(24)
    x = scene.scale.x(day) + scene.scale.px_per_day / 2
    image = QImage(1, 1, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.translate(-x, -2)
    scene.drawBackground(painter, QRectF(x, 2, 1, 1))
    painter.end()
    return image.pixelColor(0, 0).name()


def next_monday(after: dt.date) -> dt.date:
    return after + dt.timedelta(days=7 - after.weekday())


# -- the demo: weekdays, hours, a holiday, undo and redo -------------------------------------


def test_a_saturday_ticked_in_the_dialog_is_worked_in_the_file_and_the_chart(
    qtbot, demo_template, tmp_path
):
    path = demo_copy(demo_template, tmp_path)
    window = open_window(qtbot, path)
    chart = chart_of(window)
    product = window.product_selector.product_id()
    dialog = open_calendar(qtbot, window)
    name = window.ctx.service(PortfolioService).products.get(product).name
    assert dialog.whose.text() == f"{name} follows the workspace calendar."
    assert dialog.summary.text().startswith("Mon–Fri, 09:00–17:00 (8 h)")
    week = next_monday(dt.date(2027, 3, 1))
    assert set(shaded(chart, week, week + dt.timedelta(days=6))) == {
        week + dt.timedelta(days=5),
        week + dt.timedelta(days=6),
    }
    steps = window.ctx.undo_stack.count()

    qtbot.mouseClick(dialog.weekday_boxes[SATURDAY], Qt.MouseButton.LeftButton)
    assert stored(window).weekdays == 0b0111111
    assert window.ctx.undo_stack.count() == steps + 1
    assert chart.model.calendar.works_on_weekday(SATURDAY)
    assert set(shaded(chart, week, week + dt.timedelta(days=6))) == {week + dt.timedelta(days=6)}
    assert dialog.summary.text().startswith("Mon–Sat")

    undo_in_window(qtbot, window)
    assert stored(window).weekdays == 0b0011111
    assert not dialog.weekday_boxes[SATURDAY].isChecked()
    assert not chart.model.calendar.works_on_weekday(SATURDAY)
    redo_in_window(qtbot, window)
    assert stored(window).weekdays == 0b0111111
    assert dialog.weekday_boxes[SATURDAY].isChecked()
    # Ctrl+Z works in the calendar's own window too (the same undo stack).
    box = dialog.weekday_boxes[SATURDAY]
    activate(qtbot, box)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    press(qtbot, box, window.menu_actions.undo.shortcut())
    assert stored(window).weekdays == 0b0011111
    assert not box.isChecked()
    press(qtbot, box, window.menu_actions.redo.shortcut())
    assert stored(window).weekdays == 0b0111111

    window.close_workspace()
    with Workspace.open(path) as again:  # what the file holds, read afresh
        row = again.service(CalendarService).workspace_calendar()
        assert row.weekdays == 0b0111111
    assert not window.dialogs.errors


def test_hours_a_day_and_the_working_day_are_typed_and_undone(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path))
    dialog = open_calendar(qtbot, window)
    type_into(qtbot, dialog.hours_spin, "7.5")
    assert stored(window).minutes_per_day == 450
    assert "(7 h 30)" in dialog.summary.text()

    type_time(qtbot, dialog.start_edit, "08:00")
    assert (stored(window).day_start, stored(window).day_end) == (480, 1020)
    # A shorter day takes the hours down with it, in the same step.
    type_time(qtbot, dialog.end_edit, "14:00")
    assert (stored(window).day_end, stored(window).minutes_per_day) == (840, 360)
    undo_in_window(qtbot, window)
    assert (stored(window).day_end, stored(window).minutes_per_day) == (1020, 450)
    assert dialog.end_edit.time().toString("HH:mm") == "17:00"
    undo_in_window(qtbot, window)
    undo_in_window(qtbot, window)
    row = stored(window)
    assert (row.day_start, row.day_end, row.minutes_per_day) == (540, 1020, 480)
    type_time(qtbot, dialog.end_edit, "00:00")  # midnight: the end of the day
    assert stored(window).day_end == 24 * 60
    assert "09:00–24:00" in dialog.summary.text()
    assert dialog.hours_spin.value() == 8.0
    assert not window.dialogs.errors


def test_a_holiday_added_through_the_dialog_is_shaded_and_named(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path))
    chart = chart_of(window)
    dialog = open_calendar(qtbot, window)
    table = dialog.days
    before = table.model.rowCount()
    qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
    assert table.model.rowCount() == before + 1
    new_id = table.current_id()
    editor = QApplication.focusWidget()  # Add starts editing the new holiday's name
    assert editor is not None and table.view.isAncestorOf(editor)
    qtbot.keyClicks(editor, "Founders Day")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.service.exceptions.get(new_id).name == "Founders Day")

    # The first and last day through the table's date editors (Edit, then over to the dates).
    holiday = dt.date(2027, 3, 10)  # a Wednesday
    exceptions = window.ctx.service(CalendarService).exceptions
    for field, day in (("start_date", holiday), ("end_date", holiday + dt.timedelta(days=1))):
        table.select_id(new_id)
        table.view.setCurrentIndex(
            table.model.index(table.model.row_of(new_id), table.model.column_index(field))
        )
        table.view.setFocus()
        qtbot.keyClick(table.view, Qt.Key.Key_F2)
        date_editor = QApplication.focusWidget()
        assert type(date_editor).__name__ == "DateEdit"
        type_into(qtbot, date_editor, day.isoformat())
        # The table's delegate commits once the key has been handled (a queued call).
        qtbot.waitUntil(lambda f=field, d=day: getattr(exceptions.get(new_id), f) == d)
    row = exceptions.get(new_id)
    assert (row.name, row.start_date, row.end_date, row.working) == (
        "Founders Day",
        holiday,
        holiday + dt.timedelta(days=1),
        False,
    )
    assert chart.model.calendar.holiday_on(holiday) == "Founders Day"
    days = shaded(chart, holiday - dt.timedelta(days=2), holiday + dt.timedelta(days=4))
    assert days == {
        holiday: True,
        holiday + dt.timedelta(days=1): True,
        holiday + dt.timedelta(days=3): False,  # the Saturday and Sunday: a weekend's shade
        holiday + dt.timedelta(days=4): False,
    }
    assert "Founders Day (holiday)" in chart.time_header.day_tip(holiday)
    header = chart.time_header  # hovering the day in the time scale names the holiday
    chart.view.set_zoom(24)
    chart.view.horizontalScrollBar().setValue(round(chart.scene.scale.x(holiday)) - 100)
    QApplication.processEvents()
    x = round(chart.scene.scale.x(holiday) - chart.view.mapToScene(QPoint(0, 0)).x() + 5)
    where = QPoint(x, header.height() // 2)
    QApplication.sendEvent(
        header, QHelpEvent(QEvent.Type.ToolTip, where, header.mapToGlobal(where))
    )
    assert "Founders Day (holiday)" in QToolTip.text()
    # Painted so: a holiday a shade darker than a weekend, a working day not at all.
    monday = holiday - dt.timedelta(days=2)
    style = chart.painter.style
    assert painted_shade(chart, holiday) == style.holiday.name()
    assert painted_shade(chart, holiday + dt.timedelta(days=3)) == style.weekend.name()
    assert painted_shade(chart, monday) not in (style.holiday.name(), style.weekend.name())

    # Its kind through the table's editor: a working day is shaded no more.
    table.view.setCurrentIndex(
        table.model.index(table.model.row_of(new_id), table.model.column_index("working"))
    )
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    combo.setCurrentIndex(combo.findText("Working day"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: exceptions.get(new_id).working)
    assert holiday not in shaded(chart, holiday, holiday)

    # Edit, then Delete, with the dialog's buttons; Undo in the main window brings it back.
    table.select_id(new_id)
    qtbot.mouseClick(dialog.edit_button, Qt.MouseButton.LeftButton)
    assert table.view.isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    table.select_id(new_id)
    qtbot.mouseClick(table.delete_button, Qt.MouseButton.LeftButton)
    assert table.model.row_of(new_id) is None
    assert not window.ctx.service(CalendarService).exceptions.count(
        window.ctx.service(CalendarService).exceptions.model.id == new_id
    )
    undo_in_window(qtbot, window)
    assert table.model.row_of(new_id) is not None
    assert chart.model.calendar.is_working_date(holiday)  # back as it was: a working day
    assert not window.dialogs.errors


def test_what_does_not_fit_is_refused_with_a_message_and_nothing_changes(
    qtbot, demo_template, tmp_path
):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path))
    dialog = open_calendar(qtbot, window)
    steps = window.ctx.undo_stack.count()
    before = stored(window).to_dict()

    type_time(qtbot, dialog.end_edit, "08:00")  # before the 09:00 start
    assert dialog.problem.isVisible()
    assert "end after it starts" in dialog.problem.text()
    assert dialog.end_edit.time().toString("HH:mm") == "17:00"  # the stored end again

    type_into(qtbot, dialog.hours_spin, "10")  # more than 09:00–17:00 holds
    assert "must fit between its start and its end" in dialog.problem.text()
    assert dialog.hours_spin.value() == 8.0

    type_into(qtbot, dialog.name_edit, "   ")
    assert dialog.name_edit.text() == before["name"]

    assert stored(window).to_dict() == before
    assert window.ctx.undo_stack.count() == steps
    assert len(window.dialogs.errors) == 3  # the window said so as well, each time

    qtbot.mouseClick(dialog.weekday_boxes[SATURDAY], Qt.MouseButton.LeftButton)
    assert not dialog.problem.isVisible()  # a good edit clears the last refusal


# -- a product's own calendar ------------------------------------------------------------------


def test_a_product_gets_its_own_calendar_and_goes_back(qtbot, tmp_path):
    window = open_window(qtbot, new_file(tmp_path, ["Atlas", "Borealis"]))
    service = window.ctx.service(PortfolioService)
    atlas = service.product_by_name("Atlas").id
    borealis = service.product_by_name("Borealis").id
    window.product_selector.select(atlas)
    chart = chart_of(window)
    dialog = open_calendar(qtbot, window)
    calendars = window.ctx.service(CalendarService)
    assert dialog.whose.text() == "Atlas follows the workspace calendar."
    assert dialog.own_button.text() == "Give Atlas its own calendar"

    qtbot.mouseClick(dialog.own_button, Qt.MouseButton.LeftButton)
    own = calendars.product_calendar(atlas)
    assert own is not None
    assert dialog.whose.text() == "Atlas has its own calendar."
    # A Sunday-to-Thursday week for Atlas alone.
    qtbot.mouseClick(dialog.weekday_boxes[FRIDAY], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.weekday_boxes[6], Qt.MouseButton.LeftButton)
    assert calendars.product_calendar(atlas).weekdays == 0b1001111
    assert calendars.workspace_calendar().weekdays == 0b0011111
    assert calendars.effective(borealis).weekdays == 0b0011111
    assert dialog.summary.text().startswith("Mon, Tue, Wed, Thu, Sun")
    week = next_monday(dt.date(2027, 3, 1))
    assert set(shaded(chart, week, week + dt.timedelta(days=6))) == {
        week + dt.timedelta(days=4),
        week + dt.timedelta(days=5),
    }

    # Borealis, chosen in the window, shows the workspace's calendar in the same dialog.
    window.product_selector.select(borealis)
    assert dialog.whose.text() == "Borealis follows the workspace calendar."
    assert not dialog.weekday_boxes[6].isChecked()
    window.product_selector.select(atlas)
    assert dialog.weekday_boxes[6].isChecked()

    assert dialog.own_button.text() == "Follow the workspace calendar"
    qtbot.mouseClick(dialog.own_button, Qt.MouseButton.LeftButton)
    assert calendars.product_calendar(atlas) is None
    assert dialog.whose.text() == "Atlas follows the workspace calendar."
    assert not dialog.weekday_boxes[6].isChecked()
    chart = chart_of(window)
    assert not chart.model.calendar.works_on_weekday(6)

    undo_in_window(qtbot, window)  # Atlas's own calendar back, Sunday-to-Thursday
    assert calendars.product_calendar(atlas).weekdays == 0b1001111
    assert chart.model.calendar.works_on_weekday(6)
    for _ in range(3):
        undo_in_window(qtbot, window)
    assert calendars.product_calendar(atlas) is None
    redo_in_window(qtbot, window)
    assert calendars.product_calendar(atlas).id == own.id  # the very same row
    assert not window.dialogs.errors


def test_a_new_empty_workspace_edits_the_workspace_calendar(qtbot, tmp_path):
    path = new_file(tmp_path, [])
    window = open_window(qtbot, path)
    dialog = open_calendar(qtbot, window)
    assert dialog.whose.text().startswith("The workspace calendar")
    assert not dialog.own_button.isVisible()
    assert dialog.days.model.rowCount() == 0
    assert dialog.days.empty_hint.isVisible()
    qtbot.mouseClick(dialog.weekday_boxes[FRIDAY], Qt.MouseButton.LeftButton)
    type_into(qtbot, dialog.name_edit, "Four-day week")
    row = stored(window)
    assert (row.name, row.weekdays) == ("Four-day week", 0b0001111)
    dialog.add_day()
    assert dialog.days.model.rowCount() == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.ctx.service(CalendarService).effective(None).describe().endswith("1 holiday")

    # The first product follows it: its chart shades Fridays.
    window.ctx.service(PortfolioService).create_product(name="Atlas")
    QApplication.processEvents()
    window.product_selector.select(window.ctx.service(PortfolioService).product_by_name("Atlas").id)
    chart = chart_of(window)
    assert not chart.model.calendar.works_on_weekday(FRIDAY)
    assert dialog.whose.text() == "Atlas follows the workspace calendar."
    assert not window.dialogs.errors


def test_every_control_of_the_dialog_is_named_and_nothing_overlaps(qtbot, demo_template, tmp_path):
    from tests.gui.test_house_rules import cut_labels, mouse_only, overlaps, tab_traps, unnamed

    for size in ((1366, 768), (1920, 1080)):
        folder = tmp_path / f"{size[0]}"
        folder.mkdir()
        window = open_window(qtbot, demo_copy(demo_template, folder), size)
        dialog = open_calendar(qtbot, window)
        QApplication.processEvents()
        assert not unnamed(dialog)
        assert not overlaps(dialog)
        assert not cut_labels(dialog)
        assert not mouse_only(dialog)
        assert not tab_traps(qtbot, dialog)
        window.close_workspace()
        assert window.calendar_dialog is None


# -- the Dependencies and Items tabs -----------------------------------------------------------


@pytest.fixture
def linked(workspace, qtbot):
    """Two items linked finish-to-start with a 2-day lag, the successor starting the Monday
    after the predecessor's Friday: broken in working days, kept in calendar days."""
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Team")
    first = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Build",
        kind=ItemKind.FEATURE,
        start_date=dt.date(2027, 3, 1),
        end_date=dt.date(2027, 3, 5),
    )
    second = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Ship",
        kind=ItemKind.FEATURE,
        start_date=dt.date(2027, 3, 8),
        end_date=dt.date(2027, 3, 12),
    )
    link = roadmap.dependencies.create(
        predecessor_id=first.id,
        successor_id=second.id,
        type=DependencyType.FINISH_TO_START,
        lag_days=2,
    )
    ctx = AppContext(workspace)
    view = RoadmapView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.set_product(product.id)
    active(qtbot, view)
    yield ctx, view, link.id
    ctx.close()


def test_lag_counts_toggled_in_the_table_changes_what_is_broken(qtbot, linked):
    ctx, view, link_id = linked
    click_tab(qtbot, view.tabs, "Dependencies")
    deps = view.dependencies
    column = deps.model.column_index("lag_elapsed")
    index = deps.model.index(deps.model.row_of(link_id), column)
    assert index.data() == "working days"  # new links count working days
    assert deps.model.headerData(column, Qt.Orientation.Horizontal) == "Lag counts"
    assert view.chart.model.violated == {link_id: 2}
    assert len(ctx.service(RoadmapService).violations_of(view.product_id)) == 1

    deps.view.setCurrentIndex(index)
    deps.view.setFocus()
    qtbot.keyClick(deps.view, Qt.Key.Key_F2)
    combo = QApplication.focusWidget()
    assert deps.view.isAncestorOf(combo)
    combo.setCurrentIndex(combo.findText("calendar days"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ctx.service(RoadmapService).dependencies.get(link_id).lag_elapsed)
    assert deps.model.index(index.row(), column).data() == "calendar days"
    assert view.chart.model.violated == {}
    assert ctx.service(RoadmapService).violations_of(view.product_id) == []

    ctx.undo()
    assert view.chart.model.violated == {link_id: 2}
    assert deps.model.index(index.row(), column).data() == "working days"


def test_a_calendar_change_rechecks_the_links_and_the_items_durations(qtbot, linked):
    ctx, view, link_id = linked
    items = view.items.model
    duration = items.column_index("duration")
    assert "Working days" in items.headerData(
        duration, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    texts = {items.index(r, duration).data() for r in range(items.rowCount())}
    assert texts == {"5 working days"}
    calendars = ctx.service(CalendarService)
    own = CalendarDialog(ctx, view.product_id)
    qtbot.addWidget(own)
    own.show()
    # Working Saturdays and Sundays (ticked in the dialog): the lag's two working days are
    # the weekend, so the link holds at once.
    qtbot.mouseClick(own.weekday_boxes[SATURDAY], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(own.weekday_boxes[6], Qt.MouseButton.LeftButton)
    assert calendars.effective(view.product_id).weekdays == 0b1111111
    assert view.chart.model.violated == {}
    texts = {items.index(r, duration).data() for r in range(items.rowCount())}
    assert texts == {"5 working days"}  # Mon–Fri spans no weekend day
    ctx.undo()
    ctx.undo()
    assert view.chart.model.violated == {link_id: 2}
    calendars.add_exception(
        calendars.workspace_calendar().id, name="Spring day", start_date=dt.date(2027, 3, 3)
    )
    ship = next(
        i for i in ctx.service(RoadmapService).items_of(view.product_id) if i.name == "Ship"
    )
    ctx.service(RoadmapService).items.update(ship.id, end_date=dt.date(2027, 3, 19))
    QApplication.processEvents()
    texts = {items.index(r, duration).data() for r in range(items.rowCount())}
    assert texts == {"4 working days", "10 working days"}  # the holiday is not worked
    # Sorted by number, not by text ("10" would come before "4").
    items.sort(duration, Qt.SortOrder.AscendingOrder)
    assert items.index(0, duration).data() == "4 working days"
    items.sort(duration, Qt.SortOrder.DescendingOrder)
    assert items.index(0, duration).data() == "10 working days"


def test_an_edited_lag_lets_go_of_the_ms_project_hours(qtbot, linked):
    ctx, view, link_id = linked
    repo = ctx.service(RoadmapService).dependencies
    repo.update(link_id, lag_unit=LagUnit.HOUR, lag_exact=16 * 600)  # "16 h" from MS Project
    deps = view.dependencies
    column = deps.model.column_index("lag_days")
    index = deps.model.index(deps.model.row_of(link_id), column)
    QApplication.processEvents()
    assert index.data() == "+16 h (+2 days)"
    assert "MS Project gave this lag as +16 h" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert deps.model.setData(index, 3)
    row = repo.get(link_id)
    assert (row.lag_days, row.lag_unit, row.lag_exact) == (3, LagUnit.DAY, None)
    assert deps.model.index(index.row(), column).data() == "+3 days"
    ctx.undo()
    row = repo.get(link_id)
    assert (row.lag_days, row.lag_unit, row.lag_exact) == (2, LagUnit.HOUR, 9600)
    # The same days again (another field edited) keep MS Project's exact lag.
    repo.update(link_id, lag_days=2, lag_elapsed=True)
    assert repo.get(link_id).lag_exact == 9600


def test_the_roadmap_opens_the_calendar_from_its_menu_and_its_time_scale(
    qtbot, demo_template, tmp_path
):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path))
    chart = chart_of(window)
    window.menu_actions.roadmap_menu.aboutToShow.emit()
    assert window.menu_actions.working_calendar in window.menu_actions.roadmap_menu.actions()
    assert window.calendar_dialog is None
    chart.time_header.calendarRequested.emit()  # "Working calendar…" in the scale's menu
    qtbot.waitUntil(
        lambda: window.calendar_dialog is not None and window.calendar_dialog.isVisible()
    )
    product = window.product_selector.product_id()
    assert window.calendar_dialog.product_id == product


def test_a_file_open_read_only_shows_the_calendar_without_editing_it(
    qtbot, demo_template, tmp_path
):
    path = demo_copy(demo_template, tmp_path)
    with Workspace.open(path):  # another pmdesk has it open: this window opens it read-only
        window = open_window(qtbot, path)
        assert window.ctx.read_only
        dialog = open_calendar(qtbot, window)
        assert dialog.summary.text().startswith("Mon–Fri")
        controls = [dialog.name_edit, dialog.start_edit, dialog.end_edit, dialog.hours_spin]
        controls += [*dialog.weekday_boxes, dialog.own_button, dialog.days.add_button]
        assert not any(control.isEnabled() for control in controls)
        window.close_workspace()
