"""A product's roadmap as MS Project XML (MSPDI) that Project, ProjectLibre and pmdesk read.

Elements are written in the order the MSPDI schema's sequences require (Project
and ProjectLibre refuse or misread files that do not follow it): Project header
fields, ExtendedAttributes, Calendars, then Tasks whose children run UID, ID,
Name, Type, IsNull, OutlineNumber, OutlineLevel, Start, Finish, Duration,
DurationFormat, Milestone, Summary, PercentComplete, ConstraintType,
ConstraintDate, Notes, PredecessorLink, ExtendedAttribute, Baseline.

Each lane is a top-level summary task; its items follow at level 2, and the
children of a parent item one level deeper. Dates are whole working days from
08:00 to 17:00 on a Monday-to-Friday standard calendar; each item carries a
"start no earlier than" constraint on its start, which is exactly how pmdesk
treats a planned start, so Project schedules it where pmdesk has it. Lags are
written as elapsed days (``LagFormat`` 8, 14 400 tenths of a minute per day)
because pmdesk's lags are calendar days. The active baseline becomes baseline
number 0. Text XML 1.0 cannot carry (control characters) is escaped reversibly
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

from pmdesk.core.enums import ItemKind
from pmdesk.core.errors import NotFoundError
from pmdesk.store.models import (
    Baseline,
    BaselineEntry,
    Dependency,
    Lane,
    Product,
    RoadmapItem,
    WorkspaceInfo,
)

from .importing import write_output
from .mspdi_read import (
    LAG_ELAPSED_DAYS,
    LANE_PREFIX,
    LINK_CODES,
    NAMESPACE,
    PMDESK_FIELDS,
    TENTHS_PER_ELAPSED_DAY,
    escape,
)

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

DAY_START = dt.time(8)
DAY_FINISH = dt.time(17)
HOURS_PER_DAY = 8
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
        product = session.get(Product, product_id)
        if product is None:
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
    root = _project(product.name, currency, items, now)
    tasks = ET.SubElement(root, "Tasks")
    _write_tasks(tasks, lanes, items, links, entries, now.date())
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


def _project(name: str, currency: str, items: list[RoadmapItem], now: dt.datetime) -> ET.Element:
    root = ET.Element("Project", {"xmlns": NAMESPACE})
    start = min((i.start_date for i in items), default=now.date())
    finish = max((i.end_date for i in items), default=start)
    for tag, value in (
        ("SaveVersion", 14),
        ("Name", f"{name[:250]}.xml"),
        ("Title", name),
        ("CreationDate", now),
        ("LastSaved", now),
        ("ScheduleFromStart", True),
        ("StartDate", dt.datetime.combine(start, DAY_START)),
        ("FinishDate", dt.datetime.combine(finish, DAY_FINISH)),
        ("CurrencyCode", currency[:3]),
        ("CalendarUID", 1),
        ("DefaultStartTime", "08:00:00"),
        ("DefaultFinishTime", "17:00:00"),
        ("MinutesPerDay", HOURS_PER_DAY * 60),
        ("MinutesPerWeek", HOURS_PER_DAY * 60 * 5),
        ("DaysPerMonth", 20),
        ("DurationFormat", 7),
    ):
        _add(root, tag, value)
    attributes = ET.SubElement(root, "ExtendedAttributes")
    for field_id, field_name, alias in PMDESK_FIELDS.values():
        attribute = ET.SubElement(attributes, "ExtendedAttribute")
        _add(attribute, "FieldID", field_id)
        _add(attribute, "FieldName", field_name)
        _add(attribute, "Alias", alias)
    _standard_calendar(ET.SubElement(root, "Calendars"))
    return root


def _standard_calendar(calendars: ET.Element) -> None:
    calendar = ET.SubElement(calendars, "Calendar")
    for tag, value in (
        ("UID", 1),
        ("Name", "Standard"),
        ("IsBaseCalendar", True),
        ("BaseCalendarUID", -1),
    ):
        _add(calendar, tag, value)
    week = ET.SubElement(calendar, "WeekDays")
    for day_type in range(1, 8):  # 1 = Sunday ... 7 = Saturday
        day = ET.SubElement(week, "WeekDay")
        _add(day, "DayType", day_type)
        working = day_type not in (1, 7)
        _add(day, "DayWorking", working)
        if working:
            times = ET.SubElement(day, "WorkingTimes")
            for start, end in (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")):
                period = ET.SubElement(times, "WorkingTime")
                _add(period, "FromTime", start)
                _add(period, "ToTime", end)


def _outline(lanes: list[Lane], items: list[RoadmapItem]) -> list[tuple[object, int, str]]:
    """(lane or item, outline level, outline number) in the order the tasks are written."""
    known = {i.id for i in items}
    children: dict[int | None, list[RoadmapItem]] = {}
    top: dict[int, list[RoadmapItem]] = {}
    for item in items:
        if item.parent_id in known:
            children.setdefault(item.parent_id, []).append(item)
        else:
            top.setdefault(item.lane_id, []).append(item)
    rows: list[tuple[object, int, str]] = []
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


def _working_days(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    weeks, extra = divmod(days, 7)
    count = weeks * 5 + sum((start.weekday() + k) % 7 < 5 for k in range(extra))
    return max(count, 1)


def _duration(start: dt.date, end: dt.date, milestone: bool) -> str:
    hours = 0 if milestone else _working_days(start, end) * HOURS_PER_DAY
    return f"PT{hours}H0M0S"


def _span(item_dates: Iterable[tuple[dt.date, dt.date]], default: dt.date) -> tuple:
    dates = list(item_dates)
    if not dates:
        return default, default
    return min(s for s, _ in dates), max(e for _, e in dates)


def _write_tasks(tasks: ET.Element, lanes, items, links, entries, today: dt.date) -> None:
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
    lane_items = {
        lane.id: [(i.start_date, i.end_date) for i in items if i.lane_id == lane.id]
        for lane in lanes
    }
    for uid, (row, level, number) in enumerate(rows, 1):
        task = ET.SubElement(tasks, "Task")
        if isinstance(row, Lane):
            start, end = _span(lane_items[row.id], default_day)
            _task_head(task, uid, row.name, number, level, start, end, False, True, 0)
            _add(task, "ConstraintType", CONSTRAINT_AS_SOON_AS_POSSIBLE)
            _custom(task, {"kind": f"{LANE_PREFIX}{row.kind.value}", "colour": row.colour})
            continue
        milestone = row.kind == ItemKind.MILESTONE
        summary = row.id in parents
        _task_head(
            task,
            uid,
            row.name,
            number,
            level,
            row.start_date,
            row.end_date,
            milestone,
            summary,
            row.progress,
        )
        _add(task, "ConstraintType", CONSTRAINT_START_NO_EARLIER_THAN)
        _add(task, "ConstraintDate", dt.datetime.combine(row.start_date, DAY_START))
        if row.notes:
            _add(task, "Notes", row.notes)
        for link in preds.get(row.id, []):
            _predecessor(task, uid_of.get(("item", link.predecessor_id)), link)
        _custom(
            task,
            {
                "kind": row.kind.value,
                "status": row.status.value,
                "horizon": row.horizon.value if row.horizon else "",
            },
        )
        if row.id in entries:
            _baseline(task, *entries[row.id], milestone)


def _task_head(task, uid, name, number, level, start, end, milestone, summary, percent) -> None:
    finish = dt.datetime.combine(end, DAY_START if milestone else DAY_FINISH)
    for tag, value in (
        ("UID", uid),
        ("ID", uid),
        ("Name", name),
        ("Type", 1),
        ("IsNull", False),
        ("OutlineNumber", number),
        ("OutlineLevel", level),
        ("Start", dt.datetime.combine(start, DAY_START)),
        ("Finish", finish),
        ("Duration", _duration(start, end, milestone)),
        ("DurationFormat", 7),
        ("Milestone", milestone),
        ("Summary", summary),
        ("PercentComplete", percent),
    ):
        _add(task, tag, value)


def _predecessor(task: ET.Element, predecessor_uid: int | None, link: Dependency) -> None:
    if predecessor_uid is None:  # a link from another product's item: MSPDI cannot say it
        return
    element = ET.SubElement(task, "PredecessorLink")
    _add(element, "PredecessorUID", predecessor_uid)
    _add(element, "Type", LINK_CODES[link.type])
    _add(element, "CrossProject", False)
    _add(element, "LinkLag", link.lag_days * TENTHS_PER_ELAPSED_DAY)
    _add(element, "LagFormat", LAG_ELAPSED_DAYS)


def _custom(task: ET.Element, values: dict[str, str]) -> None:
    for key, value in values.items():
        if value:
            attribute = ET.SubElement(task, "ExtendedAttribute")
            _add(attribute, "FieldID", PMDESK_FIELDS[key][0])
            _add(attribute, "Value", value)


def _baseline(task: ET.Element, start: dt.date, end: dt.date, milestone: bool) -> None:
    """Baseline 0; a milestone's is a moment only while it spans one day (it may have been
    a feature when the baseline was set), so a longer one finishes at 17:00 like any task."""
    milestone = milestone and start == end
    element = ET.SubElement(task, "Baseline")
    _add(element, "Number", 0)
    _add(element, "Start", dt.datetime.combine(start, DAY_START))
    _add(element, "Finish", dt.datetime.combine(end, DAY_START if milestone else DAY_FINISH))
    _add(element, "Duration", _duration(start, end, milestone))
    _add(element, "DurationFormat", 7)
