"""Reading an MSPDI file into plain tasks: dates, outline, links, baseline, pmdesk fields.

Parsing is strict about what it uses and lenient about the rest: an unknown
element is ignored, a malformed date or number in a task is reported with the
task's ID and name, and every problem is collected before refusing the file.
See :mod:`pmdesk.exchange.mspdi` for how the tasks map onto a roadmap.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus, LaneKind

from .importing import ImportFileError, ImportRefused, RowError, read_source
from .safexml import parse_xml

NAMESPACE = "http://schemas.microsoft.com/project"

# LinkLag type codes of MSPDI <-> pmdesk.
LINK_TYPES: dict[int, DependencyType] = {
    0: DependencyType.FINISH_TO_FINISH,
    1: DependencyType.FINISH_TO_START,
    2: DependencyType.START_TO_FINISH,
    3: DependencyType.START_TO_START,
}
LINK_CODES = {kind: code for code, kind in LINK_TYPES.items()}

ELAPSED_FORMATS = frozenset({4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52})
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
LAG_ELAPSED_DAYS = 8  # what pmdesk writes: its lags are calendar days
TENTHS_PER_ELAPSED_DAY = 24 * 60 * 10
DEFAULT_MINUTES_PER_DAY = 8 * 60
MAX_NUMBER = 10**15  # no field pmdesk reads is near this; larger is a broken file

# Custom text fields (FieldID, FieldName, alias) that carry pmdesk's own values.
PMDESK_FIELDS = {
    "kind": (188743731, "Text1", "pmdesk kind"),
    "status": (188743734, "Text2", "pmdesk status"),
    "horizon": (188743737, "Text3", "pmdesk horizon"),
    "colour": (188743740, "Text4", "pmdesk colour"),
}
LANE_PREFIX = "lane:"

_DURATION = re.compile(
    r"^-?P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


@dataclass
class Link:
    predecessor_uid: int
    type: DependencyType
    lag_tenths: int
    lag_format: int | None


@dataclass
class Task:
    """One ``<Task>`` as read, before it is mapped onto lanes and items."""

    uid: int
    id: int
    name: str
    level: int
    summary: bool
    milestone: bool
    start: dt.date
    end: dt.date
    percent: int
    notes: str
    links: list[Link] = field(default_factory=list)
    baseline: tuple[dt.date, dt.date] | None = None
    pmdesk: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"Task {self.id} “{self.name}”" if self.name else f"Task {self.id}"

    @property
    def days(self) -> int:
        return 0 if self.milestone else (self.end - self.start).days + 1


@dataclass
class Project:
    """What the importer needs from a whole MSPDI file."""

    name: str
    minutes_per_day: int
    tasks: list[Task]
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # tasks that could not be read


@dataclass
class _Calendar:
    working_weekdays: frozenset[int]  # Python weekdays, Monday = 0
    day_start: dt.time
    minutes_per_day: int


def read_mspdi(source: bytes | str | Path, *, strict: bool = True) -> Project:
    """Parse an MSPDI file into tasks; every problem found is reported at once.

    With ``strict=False`` the tasks that could not be read are left out and
    listed in ``Project.errors`` instead, so the importer can add the problems
    it finds itself and report them all together.
    """
    data, name = read_source(source, "MS Project file")
    root = parse_xml(data, name)
    if root.tag != "Project":
        raise ImportFileError(f"{name}: this is XML, but not a Microsoft Project (MSPDI) file")
    calendar = _calendar(root)
    errors: list[RowError] = []
    warnings: list[str] = []
    tasks: list[Task] = []
    aliases = _custom_field_aliases(root)
    for element in _children(root, "Tasks", "Task"):
        task = _read_task(element, calendar, aliases, errors, warnings)
        if task is not None:
            tasks.append(task)
    if errors and strict:
        raise ImportRefused(errors, "MS Project file")
    title = _text(root, "Title") or _text(root, "Name").removesuffix(".xml") or "MS Project"
    return Project(title, calendar.minutes_per_day, tasks, warnings, errors)


# -- reading elements ------------------------------------------------------------------


def _children(element: ET.Element, group: str, tag: str) -> list[ET.Element]:
    holder = element.find(group)
    return [] if holder is None else holder.findall(tag)


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _int(element: ET.Element, tag: str, default: int | None = None) -> int | None:
    text = _text(element, tag)
    if not text:
        return default
    try:
        number = int(float(text)) if "." in text else int(text)
    except (ValueError, OverflowError):
        number = None
    if number is None or abs(number) > MAX_NUMBER:
        raise ValueError(f"<{tag}> should be a number, not {text[:40]!r}")
    return number


def _flag(element: ET.Element, tag: str) -> bool:
    return _text(element, tag).lower() in ("1", "true")


def _datetime(element: ET.Element, tag: str) -> dt.datetime | None:
    text = _text(element, tag)
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise ValueError(f"<{tag}> should be a date and time, not {text[:40]!r}") from None


def _duration_minutes(text: str) -> float | None:
    match = _DURATION.match(text.strip()) if text else None
    if match is None:
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return (
        parts.get("d", 0) * 1440
        + parts.get("h", 0) * 60
        + parts.get("mi", 0)
        + parts.get("s", 0) / 60
    )


def _calendar(root: ET.Element) -> _Calendar:
    """Working weekdays, start of the working day and minutes per day of the project calendar."""
    wanted = _text(root, "CalendarUID") or "1"
    weekdays = {0, 1, 2, 3, 4}
    day_minutes = 0
    for calendar in _children(root, "Calendars", "Calendar"):
        if _text(calendar, "UID") != wanted:
            continue
        for day in _children(calendar, "WeekDays", "WeekDay"):
            day_type = _text(day, "DayType")
            if not day_type.isdigit() or not 1 <= int(day_type) <= 7:
                continue  # 0 is an exception period, not a weekday
            weekday = (int(day_type) + 5) % 7  # MSPDI: 1 = Sunday ... 7 = Saturday
            if _flag(day, "DayWorking"):
                weekdays.add(weekday)
                day_minutes = day_minutes or _working_minutes(day)
            else:
                weekdays.discard(weekday)
    start_text = _text(root, "DefaultStartTime") or "08:00:00"
    try:
        day_start = dt.time.fromisoformat(start_text)
    except ValueError:
        day_start = dt.time(8)
    try:
        per_day = _int(root, "MinutesPerDay") or day_minutes or DEFAULT_MINUTES_PER_DAY
    except ValueError:
        per_day = day_minutes or DEFAULT_MINUTES_PER_DAY
    return _Calendar(frozenset(weekdays) or frozenset(range(7)), day_start, max(per_day, 1))


def _working_minutes(day: ET.Element) -> int:
    total = 0
    holder = day.find("WorkingTimes")
    for period in holder.findall("WorkingTime") if holder is not None else []:
        try:
            start = dt.datetime.combine(
                dt.date.min, dt.time.fromisoformat(_text(period, "FromTime"))
            )
            end_time = dt.time.fromisoformat(_text(period, "ToTime"))
        except ValueError:
            continue
        end = dt.datetime.combine(dt.date.min, end_time)
        if end_time == dt.time(0):
            end += dt.timedelta(days=1)
        total += max(int((end - start).total_seconds() // 60), 0)
    return total


def _custom_field_aliases(root: ET.Element) -> dict[str, str]:
    """FieldID -> the pmdesk key it carries (only fields whose alias is one of ours)."""
    ours = {alias: key for key, (_fid, _name, alias) in PMDESK_FIELDS.items()}
    found = {}
    for attribute in _children(root, "ExtendedAttributes", "ExtendedAttribute"):
        key = ours.get(_text(attribute, "Alias"))
        if key is not None:
            found[_text(attribute, "FieldID")] = key
    return found


def _end_day(start: dt.datetime, finish: dt.datetime, calendar: _Calendar) -> dt.date:
    """The inclusive last day: a finish at the very start of a day belongs to the day before."""
    end = finish.date()
    if end > start.date() and finish.time() <= calendar.day_start:
        end -= dt.timedelta(days=1)
        while end > start.date() and end.weekday() not in calendar.working_weekdays:
            end -= dt.timedelta(days=1)
    return max(end, start.date())


def _read_task(
    element: ET.Element,
    calendar: _Calendar,
    aliases: dict[str, str],
    errors: list[RowError],
    warnings: list[str],
) -> Task | None:
    uid_text = _text(element, "UID")
    label = f"Task UID {uid_text or '?'}"
    try:
        if _flag(element, "IsNull"):
            return None
        uid = _int(element, "UID")
        if uid is None:
            raise ValueError("the task has no <UID>")
        level = _int(element, "OutlineLevel", 1)
        if level == 0 or uid == 0:
            return None  # the project summary task
        task_id = _int(element, "ID", uid)
        name = element.findtext("Name") or ""  # not stripped: names stay as typed
        name = name if name.strip() else ""
        label = f"Task {task_id}" + (f" “{name}”" if name else "")
        start, finish = _datetime(element, "Start"), _datetime(element, "Finish")
        if start is None or finish is None:
            raise ValueError("the task has no <Start> or no <Finish> date")
        milestone = _flag(element, "Milestone")
        end = start.date() if milestone else _end_day(start, finish, calendar)
        percent = _int(element, "PercentComplete", 0)
        if not 0 <= percent <= 100:
            raise ValueError(f"<PercentComplete> {percent} is outside 0 to 100")
        if not name:
            name = f"Task {task_id}"
            warnings.append(f"{label} has no name; it was imported as “{name}”")
        task = Task(
            uid,
            task_id,
            name,
            max(level, 1),
            _flag(element, "Summary"),
            milestone,
            start.date(),
            end,
            percent,
            element.findtext("Notes") or "",
        )
        task.links = [_read_link(link) for link in element.findall("PredecessorLink")]
        task.baseline = _read_baseline(element, task, calendar)
        for attribute in element.findall("ExtendedAttribute"):
            key = aliases.get(_text(attribute, "FieldID"))
            if key is not None:
                task.pmdesk[key] = _text(attribute, "Value")
        return task
    except (ValueError, OverflowError) as exc:  # overflow: a date pushed past year 9999
        errors.append(RowError(None, str(exc), header=label))
        return None


def _read_link(element: ET.Element) -> Link:
    predecessor = _int(element, "PredecessorUID")
    if predecessor is None:
        raise ValueError("a <PredecessorLink> has no <PredecessorUID>")
    code = _int(element, "Type", 1)
    if code not in LINK_TYPES:
        raise ValueError(f"link type {code} is not one of 0 (FF), 1 (FS), 2 (SF), 3 (SS)")
    return Link(
        predecessor, LINK_TYPES[code], _int(element, "LinkLag", 0), _int(element, "LagFormat")
    )


def _read_baseline(element: ET.Element, task: Task, calendar: _Calendar) -> tuple | None:
    for baseline in element.findall("Baseline"):
        if _int(baseline, "Number", 0) != 0:
            continue
        start, finish = _datetime(baseline, "Start"), _datetime(baseline, "Finish")
        if start is None and finish is None:
            return None
        minutes = _duration_minutes(_text(baseline, "Duration"))
        if minutes is not None:
            length = dt.timedelta(days=max(round(minutes / calendar.minutes_per_day) - 1, 0))
        else:
            length = dt.timedelta(days=max(task.days - 1, 0))
        if start is None:
            return finish.date() - length, finish.date()
        if finish is None:
            return start.date(), start.date() + length
        return start.date(), _end_day(start, finish, calendar)
    return None


# -- lags and pmdesk values ------------------------------------------------------------


def lag_days(link: Link, minutes_per_day: int, predecessor_days: int) -> tuple[int, bool]:
    """The link's lag in pmdesk days, and whether it had to be rounded to get there."""
    if link.lag_format in PERCENT_FORMATS:
        exact = predecessor_days * link.lag_tenths / 100
    elif link.lag_format in ELAPSED_FORMATS:
        exact = link.lag_tenths / TENTHS_PER_ELAPSED_DAY
    else:
        exact = link.lag_tenths / (minutes_per_day * 10)
    days = round(exact)
    return days, abs(exact - days) > 1e-9


def item_kind(task: Task) -> ItemKind:
    value = task.pmdesk.get("kind", "")
    if value in ItemKind.values():
        return ItemKind(value)
    if task.milestone:
        return ItemKind.MILESTONE
    return ItemKind.INITIATIVE if task.summary else ItemKind.FEATURE


def item_status(task: Task) -> ItemStatus:
    value = task.pmdesk.get("status", "")
    if value in ItemStatus.values():
        return ItemStatus(value)
    if task.percent >= 100:
        return ItemStatus.DONE
    return ItemStatus.IN_PROGRESS if task.percent > 0 else ItemStatus.PLANNED


def item_horizon(task: Task) -> Horizon | None:
    value = task.pmdesk.get("horizon", "")
    return Horizon(value) if value in Horizon.values() else None


def lane_kind(task: Task) -> LaneKind | None:
    """The lane kind a pmdesk export wrote on a lane's summary task, or None."""
    value = task.pmdesk.get("kind", "")
    if not value.startswith(LANE_PREFIX):
        return None
    kind = value.removeprefix(LANE_PREFIX)
    return LaneKind(kind) if kind in LaneKind.values() else LaneKind.THEME


def is_lane(task: Task) -> bool:
    return task.level == 1 and (task.summary or lane_kind(task) is not None)
