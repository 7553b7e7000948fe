"""Working calendar: the working days, hours and holidays a product's plan counts in.

One window, reached from Edit ▸ Working Calendar… (and the roadmap's toolbar). It
shows the calendar that applies to the current product — the workspace's, or the
product's own — and edits it field by field: every change is written to the file
as it is made and is one step on the app's undo stack, like any other edit. A
change the file refuses (a day that ends before it starts, more hours than the
day holds) is not written; the field shows the stored value again and the
window says why. The window follows the file: an undo, or another view's edit,
shows here at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError
from pmdesk.core.kinds import ChangeKind
from pmdesk.core.working_calendar import DAY_MINUTES, WEEKDAY_NAMES, WEEKDAY_SHORT, WorkingCalendar
from pmdesk.store.queries import TableQuery
from pmdesk.store.services.calendar import CalendarService
from pmdesk.store.services.portfolio import PortfolioService

from .commands import CreateCommand, DeleteCommand, ServiceCommand, UpdateCommand
from .context import AppContext
from .theme import PROBLEM_STYLE
from .widgets.columns import Column, Kind, fixed
from .widgets.entity_model import EntityTableModel
from .widgets.entity_table import EntityTable
from .widgets.heading import Heading

CALENDAR_KINDS = (ChangeKind.WORK_CALENDAR, ChangeKind.CALENDAR_EXCEPTION)
DAY_KINDS = fixed([(False, "Holiday"), (True, "Working day")])
TIME_FORMAT = "HH:mm"


class GiveOwnCalendarCommand(ServiceCommand):
    """A product gets a calendar of its own (a copy of the workspace's, holidays too); undo
    takes it away again, redo brings back the very same rows."""

    def __init__(self, service: CalendarService, product_id: int, text: str) -> None:
        super().__init__(text)
        self.service = service
        self.product_id = product_id
        self.calendar_id: int | None = None

    def apply(self) -> None:
        self.calendar_id = self.service.give_own_calendar(self.product_id).id


def _new_first(first: dt.date | None, row: Any) -> dict[str, Any]:
    """A first day moved past the last takes the last along (the same number of days)."""
    if first is not None and first > row.end_date:
        return {"start_date": first, "end_date": first + (row.end_date - row.start_date)}
    return {"start_date": first}


def _new_last(last: dt.date | None, row: Any) -> dict[str, Any]:
    """A last day moved before the first takes the first along."""
    if last is not None and last < row.start_date:
        return {"start_date": last - (row.end_date - row.start_date), "end_date": last}
    return {"end_date": last}


def _days_text(row: Any) -> str:
    days = (row.end_date - row.start_date).days + 1
    return "1 day" if days == 1 else f"{days} days"


EXCEPTION_COLUMNS = [
    Column("name", "Name", width=22),
    Column("start_date", "First day", Kind.DATE, to_changes=_new_first),
    Column("end_date", "Last day", Kind.DATE, to_changes=_new_last),
    Column(
        "working",
        "Kind",
        Kind.CHOICE,
        choices=DAY_KINDS,
        width=12,
        header_tip="A holiday is a day off; a working day is worked although its weekday is not",
    ),
    Column(
        "days",
        "Days",
        Kind.INT,
        editable=False,
        value=lambda row: (row.end_date - row.start_date).days + 1,
        display=_days_text,
        width=7,
    ),
]


def to_qtime(minutes: int) -> QTime:
    """Minutes after midnight as a clock time; the end of the day (24:00) shows as 00:00."""
    minutes %= DAY_MINUTES
    return QTime(minutes // 60, minutes % 60)


def from_qtime(time: QTime, *, end: bool = False) -> int:
    """A clock time as minutes after midnight; an end at 00:00 is midnight, the day's end."""
    minutes = time.hour() * 60 + time.minute()
    return DAY_MINUTES if end and minutes == 0 else minutes


def _hours_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if not rest else f"{hours} h {rest:02d}"


class CalendarDialog(QDialog):
    """The working calendar of the current product (or of the workspace, with no product)."""

    statusMessage = Signal(str)

    def __init__(
        self,
        ctx: AppContext,
        product_id: int | None = None,
        parent: QWidget | None = None,
        *,
        actions: list[QAction] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.service(CalendarService)
        self.product_id = product_id
        self.calendar_id: int | None = None
        self.shown = WorkingCalendar()  # the calendar the fields show
        self.setWindowTitle("Working calendar")
        self.setObjectName("workingCalendarDialog")
        # Undo and Redo (Ctrl+Z, Ctrl+Shift+Z) work in this window too: the window's own actions.
        self.addActions(actions or [])
        self._build()
        self._connect()
        ctx.changed.connect(self._on_changed)
        self.set_product(product_id)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = Heading("Working calendar", 1.25)
        self.whose = QLabel()
        self.whose.setObjectName("calendarOwner")
        self.whose.setWordWrap(True)
        self.own_button = QPushButton()
        self.own_button.setObjectName("calendarOwnButton")
        owner = QHBoxLayout()
        owner.addWidget(self.whose, 1)
        owner.addWidget(self.own_button)

        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Calendar name")
        self.name_edit.setMaxLength(200)
        self.weekday_boxes: list[QCheckBox] = []
        week = QHBoxLayout()
        week.setSpacing(10)
        for number, short in enumerate(WEEKDAY_SHORT):
            box = QCheckBox(short)
            box.setAccessibleName(f"Work on {WEEKDAY_NAMES[number]}s")
            box.setToolTip(f"{WEEKDAY_NAMES[number]} is a working day")
            self.weekday_boxes.append(box)
            week.addWidget(box)
        week.addStretch(1)
        self.start_edit = QTimeEdit()
        self.end_edit = QTimeEdit()
        for edit, name in ((self.start_edit, "starts"), (self.end_edit, "ends")):
            edit.setDisplayFormat(TIME_FORMAT)
            edit.setAccessibleName(f"Working day {name} at")
            edit.setKeyboardTracking(False)
        self.end_edit.setToolTip("00:00 is midnight, the end of the day")
        day = QHBoxLayout()
        day.addWidget(self.start_edit)
        to = QLabel("to")
        day.addWidget(to)
        day.addWidget(self.end_edit)
        day.addStretch(1)
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setAccessibleName("Working hours a day")
        self.hours_spin.setSuffix(" h")
        self.hours_spin.setDecimals(2)
        self.hours_spin.setSingleStep(0.5)
        self.hours_spin.setRange(0.0, 24.0)
        self.hours_spin.setKeyboardTracking(False)
        self.hours_spin.setToolTip(
            "The hours worked in a day: the working day less any break. Durations and lags "
            "count whole working days; MS Project reads hours with this."
        )
        self.summary = QLabel()
        self.summary.setObjectName("calendarSummary")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("Name", self.name_edit)
        form.addRow("Working days", week)
        form.addRow("Working day", day)
        form.addRow("Hours a day", self.hours_spin)
        form.addRow("In short", self.summary)

        model = EntityTableModel(self.ctx, self.service.exceptions, EXCEPTION_COLUMNS, parent=self)
        self.days = EntityTable(
            model,
            noun=("holiday", "holidays and working days"),
            create=self._new_day,
            edit_field="name",
            empty_hint="No holidays yet — Add holiday for a day off (or a working Saturday)",
            fit_field="name",
        )
        self.days.filter_box.hide()
        self.days.view.setAccessibleName("Holidays and extra working days")
        self.days.view.horizontalHeader().setAccessibleName(
            "Columns of the holidays and working days"
        )
        self.days.add_button.setToolTip("Add a day off; set Kind to Working day for an extra one")
        self.edit_button = QPushButton("Edit")
        self.edit_button.setToolTip("Edit the selected holiday (or F2 in the table)")
        self.days.toolbar.insertWidget(self.days.toolbar.count() - 1, self.edit_button)
        days_heading = Heading("Holidays and extra working days", 1.1)
        self.days.toolbar.insertWidget(0, days_heading)

        self.problem = QLabel()
        self.problem.setObjectName("calendarProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip(
            "Every change is already saved; Undo takes it back"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(owner)
        layout.addLayout(form)
        layout.addSpacing(6)
        layout.addWidget(self.days, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        # Enter confirms a field, never a button: in a dialog Qt would press the first one
        # (and give the product its own calendar) when a field lets the key through.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self.resize(640, 600)

    def _connect(self) -> None:
        self.own_button.clicked.connect(self._toggle_own)
        self.name_edit.editingFinished.connect(self._commit_name)
        for number, box in enumerate(self.weekday_boxes):
            box.toggled.connect(lambda checked, n=number: self._commit_weekday(n, checked))
        self.start_edit.editingFinished.connect(self._commit_hours)
        self.end_edit.editingFinished.connect(self._commit_hours)
        self.hours_spin.editingFinished.connect(self._commit_minutes)
        self.edit_button.clicked.connect(self.edit_day)
        self.days.selectionChanged.connect(self._update_enabled)
        self.days.model.rowsInserted.connect(self._update_enabled)
        self.days.model.rowsRemoved.connect(self._update_enabled)

    # -- what is shown --------------------------------------------------------------------

    def set_product(self, product_id: int | None) -> None:
        """Show the calendar that applies to this product (its own, else the workspace's)."""
        self.product_id = product_id
        self._clear_problem()
        self.reload()

    def product_name(self) -> str:
        if self.product_id is None:
            return ""
        try:
            return self.ctx.service(PortfolioService).products.get(self.product_id).name
        except PmdeskError:
            return ""

    def own_calendar(self) -> bool:
        return (
            self.product_id is not None
            and self.service.product_calendar(self.product_id) is not None
        )

    def reload(self) -> None:
        """Read the calendar again and show it (after any change, an undo, another product)."""
        row = self.service.calendar_for(self.product_id)
        calendar_id = row.id if row is not None else None
        if calendar_id != self.calendar_id or self.days.model.query is None:
            self.calendar_id = calendar_id
            query = (
                TableQuery.where_equal(self.service.exceptions, calendar_id=calendar_id)
                if calendar_id is not None
                else None
            )
            self.days.model.set_query(query)
            self._scroll_to_coming_days()
        self._show_owner()
        self._fill(row)
        self._update_enabled()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._scroll_to_coming_days)  # once the table has its height

    def _scroll_to_coming_days(self) -> None:
        """Past years' holidays above, the coming ones in sight: the table opens at today."""
        model, today = self.days.model, dt.date.today()
        for row in range(model.rowCount()):
            entity = model.entity(row)
            if entity is not None and entity.end_date >= today:
                self.days.view.scrollTo(
                    model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop
                )
                return

    def _show_owner(self) -> None:
        name = self.product_name()
        if self.product_id is None or not name:
            self.whose.setText(
                "The workspace calendar: every product follows it unless it has its own."
            )
            self.own_button.hide()
        elif self.own_calendar():
            self.whose.setText(f"{name} has its own calendar.")
            self.own_button.setText("Follow the workspace calendar")
            self.own_button.setToolTip(
                f"{name} goes back to the workspace's calendar; its own days and holidays go "
                "(Undo brings them back)"
            )
            self.own_button.show()
        else:
            self.whose.setText(f"{name} follows the workspace calendar.")
            self.own_button.setText(f"Give {name} its own calendar")
            self.own_button.setToolTip(
                "A copy of the workspace calendar for this product alone (a team in another "
                "country): changes to it leave the other products as they are"
            )
            self.own_button.show()
        self.own_button.setAccessibleName(self.own_button.text())
        title = f"Working calendar — {name}" if name else "Working calendar — workspace"
        self.setWindowTitle(title)

    def _fill(self, row) -> None:
        """Every field from the stored row (signals blocked: showing is not editing)."""
        widgets = [self.name_edit, self.start_edit, self.end_edit, self.hours_spin]
        widgets += self.weekday_boxes
        for widget in widgets:
            widget.blockSignals(True)
        try:
            if row is None:
                calendar = WorkingCalendar()
                self.name_edit.setText("")
            else:
                calendar = self.service.effective(self.product_id)
                self.name_edit.setText(row.name)
            for number, box in enumerate(self.weekday_boxes):
                box.setChecked(calendar.works_on_weekday(number))
            self.start_edit.setTime(to_qtime(calendar.day_start))
            self.end_edit.setTime(to_qtime(calendar.day_end))
            self.hours_spin.setValue(calendar.minutes_per_day / 60)
            self.summary.setText(calendar.describe())
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.shown = calendar

    def _update_enabled(self, *_args: object) -> None:
        editable = not self.ctx.read_only and self.calendar_id is not None
        for widget in (
            self.name_edit,
            self.start_edit,
            self.end_edit,
            self.hours_spin,
            self.own_button,
            *self.weekday_boxes,
        ):
            widget.setEnabled(editable)
        self.edit_button.setEnabled(editable and self.days.current_id() is not None)

    def _on_changed(self, changes: ChangeSet) -> None:
        if changes.touches(*CALENDAR_KINDS, ChangeKind.PRODUCT):
            self.reload()

    # -- edits ----------------------------------------------------------------------------

    def _run(self, command: ServiceCommand) -> bool:
        """Apply an edit as one undo step; a refusal is said here and the fields reverted."""
        if self.ctx.read_only:
            self._say_problem("This file is open read-only: nothing can be changed")
            return False
        errors: list[str] = []
        self.ctx.errorRaised.connect(errors.append)
        try:
            done = self.ctx.run(command)
        finally:
            self.ctx.errorRaised.disconnect(errors.append)
        if done:
            self._clear_problem()
        else:
            self._say_problem(errors[0] if errors else "The change was not made")
            self.reload()  # the stored values again
        return done

    def _update(self, changes: dict[str, Any], text: str) -> bool:
        if self.calendar_id is None:
            return False
        return self._run(UpdateCommand(self.service.calendars, self.calendar_id, changes, text))

    def _say_problem(self, text: str) -> None:
        self.problem.setText(f"Not changed: {text}")
        self.problem.show()

    def _clear_problem(self) -> None:
        self.problem.hide()
        self.problem.clear()

    def _commit_name(self) -> None:
        name = self.name_edit.text().strip()
        if self.calendar_id is None:
            return
        if name != self.service.calendars.get(self.calendar_id).name:
            self._update({"name": name}, f"Rename working calendar to “{name}”")

    def _commit_weekday(self, weekday: int, checked: bool) -> None:
        row = self.service.calendars.get(self.calendar_id) if self.calendar_id else None
        if row is None:
            return
        mask = row.weekdays | (1 << weekday) if checked else row.weekdays & ~(1 << weekday)
        if mask == row.weekdays:
            return
        day = WEEKDAY_NAMES[weekday]
        text = f"Work on {day}s" if checked else f"No work on {day}s"
        self._update({"weekdays": mask}, text)

    def _commit_hours(self) -> None:
        """The working day's start or end, as typed (only what differs from what is shown)."""
        if self.calendar_id is None:
            return
        row = self.service.calendars.get(self.calendar_id)
        changes: dict[str, Any] = {}
        start = from_qtime(self.start_edit.time())
        end = from_qtime(self.end_edit.time(), end=True)
        if self.start_edit.time() != to_qtime(row.day_start):
            changes["day_start"] = start
        if self.end_edit.time() != to_qtime(row.day_end):
            changes["day_end"] = end
        if not changes:
            return
        new_start, new_end = (
            changes.get("day_start", row.day_start),
            changes.get("day_end", row.day_end),
        )
        span = new_end - new_start
        note = ""
        if 0 < span < row.minutes_per_day:
            # A shorter day holds fewer hours: they shrink with it, in the same step.
            changes["minutes_per_day"] = span
            note = f" (hours a day now {_hours_text(span)})"
        text = f"Working day {_clock(new_start)}–{_clock(new_end)}"
        if self._update(changes, text) and note:
            self.statusMessage.emit(f"{text}{note}")

    def _commit_minutes(self) -> None:
        if self.calendar_id is None:
            return
        minutes = round(self.hours_spin.value() * 60)
        row = self.service.calendars.get(self.calendar_id)
        if minutes != row.minutes_per_day:
            self._update(
                {"minutes_per_day": minutes}, f"Working hours a day {_hours_text(minutes)}"
            )

    def _toggle_own(self) -> None:
        if self.product_id is None:
            return
        name = self.product_name()
        own = self.service.product_calendar(self.product_id)
        if own is None:
            self._run(
                GiveOwnCalendarCommand(
                    self.service, self.product_id, f"Give “{name}” its own calendar"
                )
            )
        else:
            self._run(
                DeleteCommand(
                    self.service.calendars,
                    [own.id],
                    f"“{name}” follows the workspace calendar",
                )
            )

    def _new_day(self) -> CreateCommand:
        """A one-day holiday: the first working day from today on, named for the person to fill."""
        calendar = self.service.effective(self.product_id)
        day = dt.date.fromordinal(calendar.next_working(dt.date.today().toordinal()))
        return CreateCommand(
            self.service.exceptions,
            {
                "calendar_id": self.calendar_id,
                "name": "Holiday",
                "start_date": day,
                "end_date": day,
                "working": False,
            },
            "Add holiday",
        )

    def add_day(self) -> int | None:
        """Add holiday: a new row, its name being edited."""
        return self.days.add_row()

    def edit_day(self) -> None:
        """Edit: the selected row's name (Tab or the arrows go on to its dates and kind)."""
        entity_id = self.days.current_id()
        if entity_id is not None:
            self.days.select_id(entity_id, edit=True)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
