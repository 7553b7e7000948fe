"""A product's roadmap as MS Project XML (MSPDI) that Project, ProjectLibre and pmdesk read.

Elements are written in the order the MSPDI schema's sequences require (Project
and ProjectLibre refuse or misread files that do not follow it): Project header
fields, ExtendedAttributes, Calendars, then Tasks whose children run UID, ID,
Name, Type, IsNull, OutlineNumber, OutlineLevel, Start, Finish, Duration,
DurationFormat, Milestone, Summary, PercentComplete, ConstraintType,
ConstraintDate, Notes, PredecessorLink, ExtendedAttribute, Baseline.

Each lane is a top-level summary task; its items follow at level 2, and the
children of a parent item one level deeper.

The product's calendar (its own, else the workspace's) is the project calendar:
its working weekdays, each worked day from its start to its end time (split by a
break in the middle when its working minutes are fewer than those hours: 08:00
to 17:00 with 8 hours is 08:00–12:00 and 13:00–17:00), and its holidays and extra
working days as exceptions; ``MinutesPerDay``, ``MinutesPerWeek`` and
``DaysPerMonth`` follow from it. An item starts at the start of its first
working day and finishes at the end of its last one, so nothing starts or ends
on a day the calendar does not work (an item that lies wholly on days off is
written on the first working day after); its duration is its working days.
Each item carries a "start no earlier than" constraint on its start, which is
exactly how pmdesk treats a planned start, so Project schedules it where pmdesk
has it. A link's ``LagFormat`` says its unit and whether it counts working or
elapsed time; ``LinkLag`` is the exact lag MS Project gave when pmdesk has it,
else its days (a working day is the calendar's working minutes, an elapsed day
14 400 tenths of a minute). The active baseline becomes baseline number 0, on
its own dates. Text XML 1.0 cannot carry (control characters) is escaped reversibly
as ``\\uXXXX`` (see :func:`.mspdi_read.escape`). What MSPDI has no field for
(item kind, status, horizon, lane kind and colour) goes into the custom fields
Text1 to Text4, aliased "pmdesk …", so importing the file back into pmdesk gives
the same roadmap.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from pmdesk.core.enums import ItemKind, LagUnit
from pmdesk.core.errors import NotFoundError
from pmdesk.core.scheduling import task_duration
from pmdesk.core.working_calendar import WorkingCalendar
from pmdesk.store.models import (
    Baseline,
    BaselineEntry,
    Dependency,
    Lane,
    Product,
    RoadmapItem,
    WorkspaceInfo,
)
from pmdesk.store.services.calendar import CalendarService

from .importing import write_output
from .mspdi_read import (
    LANE_PREFIX,
    LINK_CODES,
    NAMESPACE,
    PMDESK_FIELDS,
    TENTHS_PER_ELAPSED_DAY,
    escape,
    lag_format,
)

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

CONSTRAINT_AS_SOON_AS_POSSIBLE = 0
CONSTRAINT_START_NO_EARLIER_THAN = 4


def export_mspdi(
    ws: Workspace,
    product_id: int,
    dest: str | Path | None = None,
    *,
    now: dt.datetime | None = None,
) -> bytes:
    """The product's roadmap as MSPDI bytes (UTF-8); also written to ``dest`` when given."""
    now = (now or dt.datetime.now()).replace(microsecond=0, tzinfo=None)
    with ws.read() as session:
        if session.get(Product, product_id) is None:
            raise NotFoundError("product", product_id)
    calendars = ws.service(CalendarService)
    row = calendars.calendar_for(product_id)
    days = _Days(calendars.effective(product_id), row.name if row else "Standard")
    with ws.read() as session:
        product = session.get(Product, product_id)
        if product is None:  # deleted meanwhile (a team workspace)
            raise NotFoundError("product", product_id)
        info = session.get(WorkspaceInfo, 1)
        lanes = list(
            session.scalars(
                sa.select(Lane)
                .where(Lane.product_id == product_id)
                .order_by(Lane.sort_order, Lane.id)
            )
        )
        items = list(
            session.scalars(
                sa.select(RoadmapItem)
                .where(RoadmapItem.product_id == product_id)
                .order_by(RoadmapItem.sort_order, RoadmapItem.start_date, RoadmapItem.id)
            )
        )
        item_ids = sa.select(RoadmapItem.id).where(RoadmapItem.product_id == product_id)
        links = list(
            session.scalars(
                sa.select(Dependency)
                .where(Dependency.successor_id.in_(item_ids))
                .order_by(Dependency.id)
            )
        )
        baseline = session.scalar(
            sa.select(Baseline.id).where(
                Baseline.product_id == product_id, Baseline.is_active.is_(True)
            )
        )
        entries = {
            item_id: (start, end)
            for item_id, start, end in session.execute(
                sa.select(
                    BaselineEntry.item_id, BaselineEntry.start_date, BaselineEntry.end_date
                ).where(BaselineEntry.baseline_id == baseline)
            )
        }
    currency = (info.currency if info else "") or "EUR"
    root = _project(product.name, currency, items, now, days)
    tasks = ET.SubElement(root, "Tasks")
    _write_tasks(tasks, lanes, items, links, entries, now.date(), days)
    ET.indent(root)
    data = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    data += ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
    if dest is not None:
        write_output(dest, data)
    return data


def _add(parent: ET.Element, tag: str, value: object) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if isinstance(value, bool):
        element.text = "1" if value else "0"
    elif isinstance(value, dt.datetime):
        element.text = value.isoformat(timespec="seconds")
    else:
        element.text = escape(str(value))
    return element


class _Days:
    """The product's calendar in MSPDI terms: times of day, durations, working periods."""

    def __init__(self, calendar: WorkingCalendar, name: str) -> None:
        self.calendar, self.name = calendar, name
        self.start = _time(calendar.day_start)
        self.finish = _time(calendar.day_end)
        self.per_day = calendar.minutes_per_day
        self.weekdays = sum(calendar.works_on_weekday(n) for n in range(7))

    def periods(self) -> list[tuple[int, int]]:
        """A working day: its hours, split by a break in the middle when it works less."""
        first, last, minutes = self.calendar.day_start, self.calendar.day_end, self.per_day
        if minutes >= last - first:
            return [(first, last)]
        morning = minutes // 2
        return [(first, first + morning), (last - (minutes - morning), last)]

    def span(self, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last working day of an item's dates; the first working day after
        for an item that lies wholly on days off."""
        calendar = self.calendar
        if not calendar.has_working_days:
            return start, end
        first = calendar.next_working(start.toordinal())
        last = calendar.previous_working(end.toordinal())
        if last < first:
            last = first
        return dt.date.fromordinal(first), dt.date.fromordinal(last)

    def duration(self, start: dt.date, end: dt.date, milestone: bool) -> str:
        days = task_duration(start.toordinal(), end.toordinal(), milestone, self.calendar)
        minutes = days * self.per_day
        return f"PT{minutes // 60}H{minutes % 60}M0S"

    def at_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, self.start)

    def at_finish(self, day: dt.date, milestone: bool = False) -> dt.datetime:
        if milestone:
            return self.at_start(day)
        if self.calendar.day_end >= 24 * 60:
            return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0))
        return dt.datetime.combine(day, self.finish)


def _time(minutes: int) -> dt.time:
    return dt.time(0) if minutes >= 24 * 60 else dt.time(minutes // 60, minutes % 60)


def _clock(minutes: int) -> str:
    return _time(minutes).isoformat(timespec="seconds")


def _project(
    name: str, currency: str, items: list[RoadmapItem], now: dt.datetime, days: _Days
) -> ET.Element:
    root = ET.Element("Project", {"xmlns": NAMESPACE})
    start = min((i.start_date for i in items), default=now.date())
    finish = max((i.end_date for i in items), default=start)
    start, finish = days.span(start, max(finish, start))
    for tag, value in (
        ("SaveVersion", 14),
        ("Name", f"{name[:250]}.xml"),
        ("Title", name),
        ("CreationDate", now),
        ("LastSaved", now),
        ("ScheduleFromStart", True),
        ("StartDate", days.at_start(start)),
        ("FinishDate", days.at_finish(finish)),
        ("CurrencyCode", currency[:3]),
        ("CalendarUID", 1),
        ("DefaultStartTime", _clock(days.calendar.day_start)),
        ("DefaultFinishTime", _clock(days.calendar.day_end)),
        ("MinutesPerDay", days.per_day),
        ("MinutesPerWeek", days.per_day * days.weekdays),
        ("DaysPerMonth", days.weekdays * 4),
        ("DurationFormat", 7),
    ):
        _add(root, tag, value)
    attributes = ET.SubElement(root, "ExtendedAttributes")
    for field_id, field_name, alias in PMDESK_FIELDS.values():
        attribute = ET.SubElement(attributes, "ExtendedAttribute")
        _add(attribute, "FieldID", field_id)
        _add(attribute, "FieldName", field_name)
        _add(attribute, "Alias", alias)
    _calendar(ET.SubElement(root, "Calendars"), days)
    return root


def _calendar(calendars: ET.Element, days: _Days) -> None:
    calendar = ET.SubElement(calendars, "Calendar")
    for tag, value in (
        ("UID", 1),
        ("Name", days.name),
        ("IsBaseCalendar", True),
        ("BaseCalendarUID", -1),
    ):
        _add(calendar, tag, value)
    week = ET.SubElement(calendar, "WeekDays")
    for day_type in range(1, 8):  # 1 = Sunday ... 7 = Saturday
        day = ET.SubElement(week, "WeekDay")
        _add(day, "DayType", day_type)
        working = days.calendar.works_on_weekday((day_type + 5) % 7)
        _add(day, "DayWorking", working)
        if working:
            _working_times(day, days)
    if days.calendar.exceptions:
        exceptions = ET.SubElement(calendar, "Exceptions")
        for exception in days.calendar.exceptions:
            element = ET.SubElement(exceptions, "Exception")
            _add(element, "EnteredByOccurrences", False)
            period = ET.SubElement(element, "TimePeriod")
            _add(period, "FromDate", dt.datetime.combine(exception.first, dt.time(0)))
            _add(period, "ToDate", dt.datetime.combine(exception.last, dt.time(23, 59)))
            _add(element, "Occurrences", 1)
            _add(element, "Name", exception.name)
            _add(element, "Type", 1)  # daily, over the days from FromDate to ToDate
            _add(element, "DayWorking", exception.working)
            if exception.working:
                _working_times(element, days)


def _working_times(parent: ET.Element, days: _Days) -> None:
    times = ET.SubElement(parent, "WorkingTimes")
    for start, end in days.periods():
        period = ET.SubElement(times, "WorkingTime")
        _add(period, "FromTime", _clock(start))
        _add(period, "ToTime", _clock(end))


def _outline(
    lanes: list[Lane], items: list[RoadmapItem]
) -> list[tuple[Lane | RoadmapItem, int, str]]:
    """(lane or item, outline level, outline number) in the order the tasks are written."""
    known = {i.id for i in items}
    children: dict[int | None, list[RoadmapItem]] = {}
    top: dict[int, list[RoadmapItem]] = {}
    for item in items:
        if item.parent_id in known:
            children.setdefault(item.parent_id, []).append(item)
        else:
            top.setdefault(item.lane_id, []).append(item)
    rows: list[tuple[Lane | RoadmapItem, int, str]] = []
    for lane_number, lane in enumerate(lanes, 1):
        rows.append((lane, 1, str(lane_number)))
        stack = [(item, 2, f"{lane_number}.{n}") for n, item in enumerate(top.get(lane.id, []), 1)]
        stack.reverse()
        while stack:
            item, level, number = stack.pop()
            rows.append((item, level, number))
            kids = children.get(item.id, [])
            stack += [(kid, level + 1, f"{number}.{n}") for n, kid in enumerate(kids, 1)][::-1]
    return rows


def _span(
    item_dates: Iterable[tuple[dt.date, dt.date]], default: dt.date
) -> tuple[dt.date, dt.date]:
    dates = list(item_dates)
    if not dates:
        return default, default
    return min(s for s, _ in dates), max(e for _, e in dates)


def _write_tasks(
    tasks: ET.Element,
    lanes: list[Lane],
    items: list[RoadmapItem],
    links: list[Dependency],
    entries: dict[int, tuple[dt.date, dt.date]],
    today: dt.date,
    days: _Days,
) -> None:
    rows = _outline(lanes, items)
    uid_of = {
        ("item", i.id): n
        for n, (i, _level, _num) in enumerate(rows, 1)
        if isinstance(i, RoadmapItem)
    }
    parents = {i.parent_id for i in items if i.parent_id is not None}
    preds: dict[int, list[Dependency]] = {}
    for link in links:
        preds.setdefault(link.successor_id, []).append(link)
    default_day = min((i.start_date for i in items), default=today)
    spans = {i.id: days.span(i.start_date, i.end_date) for i in items}
    lane_items = {lane.id: [spans[i.id] for i in items if i.lane_id == lane.id] for lane in lanes}
    for uid, (row, level, number) in enumerate(rows, 1):
        task = ET.SubElement(tasks, "Task")
        if isinstance(row, Lane):
            start, end = _span(lane_items[row.id], days.span(default_day, default_day)[0])
            _task_head(task, uid, row.name, number, level, start, end, False, True, 0, days)
            _add(task, "ConstraintType", CONSTRAINT_AS_SOON_AS_POSSIBLE)
            _custom(task, {"kind": f"{LANE_PREFIX}{row.kind.value}", "colour": row.colour})
            continue
        milestone = row.kind == ItemKind.MILESTONE
        summary = row.id in parents
        start, end = spans[row.id]
        _task_head(
            task, uid, row.name, number, level, start, end, milestone, summary, row.progress, days
        )
        _add(task, "ConstraintType", CONSTRAINT_START_NO_EARLIER_THAN)
        _add(task, "ConstraintDate", days.at_start(start))
        if row.notes:
            _add(task, "Notes", row.notes)
        for link in preds.get(row.id, []):
            _predecessor(task, uid_of.get(("item", link.predecessor_id)), link, days)
        _custom(
            task,
            {
                "kind": row.kind.value,
                "status": row.status.value,
                "horizon": row.horizon.value if row.horizon else "",
            },
        )
        if row.id in entries:
            _baseline(task, *entries[row.id], milestone, days)


def _task_head(
    task, uid, name, number, level, start, end, milestone, summary, percent, days: _Days
) -> None:
    finish = days.at_finish(end, milestone)
    for tag, value in (
        ("UID", uid),
        ("ID", uid),
        ("Name", name),
        ("Type", 1),
        ("IsNull", False),
        ("OutlineNumber", number),
        ("OutlineLevel", level),
        ("Start", days.at_start(start)),
        ("Finish", finish),
        ("Duration", days.duration(start, end, milestone)),
        ("DurationFormat", 7),
        ("Milestone", milestone),
        ("Summary", summary),
        ("PercentComplete", percent),
    ):
        _add(task, tag, value)


def _predecessor(
    task: ET.Element, predecessor_uid: int | None, link: Dependency, days: _Days
) -> None:
    if predecessor_uid is None:  # a link from another product's item: MSPDI cannot say it
        return
    element = ET.SubElement(task, "PredecessorLink")
    _add(element, "PredecessorUID", predecessor_uid)
    _add(element, "Type", LINK_CODES[link.type])
    _add(element, "CrossProject", False)
    lag, fmt = link_lag(link, days.per_day)
    _add(element, "LinkLag", lag)
    _add(element, "LagFormat", fmt)


def link_lag(link: Dependency, minutes_per_day: int) -> tuple[int, int]:
    """(LinkLag, LagFormat): the exact lag MS Project gave when pmdesk kept it, else the
    lag's days in tenths of a minute (working days of ``minutes_per_day``, or 24 hours)."""
    unit, elapsed = link.lag_unit or LagUnit.DAY, bool(link.lag_elapsed)
    if link.lag_exact is not None:
        return link.lag_exact, lag_format(unit, elapsed)
    if unit is LagUnit.PERCENT:  # a share of a duration pmdesk no longer knows: days
        unit = LagUnit.DAY
    per_day = TENTHS_PER_ELAPSED_DAY if elapsed else minutes_per_day * 10
    return link.lag_days * per_day, lag_format(unit, elapsed)


def _custom(task: ET.Element, values: dict[str, str]) -> None:
    for key, value in values.items():
        if value:
            attribute = ET.SubElement(task, "ExtendedAttribute")
            _add(attribute, "FieldID", PMDESK_FIELDS[key][0])
            _add(attribute, "Value", value)


def _baseline(task: ET.Element, start: dt.date, end: dt.date, milestone: bool, days: _Days) -> None:
    """Baseline 0, on the dates it recorded; a milestone's is a moment only while it spans
    one day (it may have been a feature when the baseline was set), so a longer one
    finishes at the end of the working day like any task."""
    milestone = milestone and start == end
    element = ET.SubElement(task, "Baseline")
    _add(element, "Number", 0)
    _add(element, "Start", days.at_start(start))
    _add(element, "Finish", days.at_finish(end, milestone))
    _add(element, "Duration", days.duration(start, end, milestone))
    _add(element, "DurationFormat", 7)
