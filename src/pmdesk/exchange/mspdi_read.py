"""Reading an MSPDI file into plain tasks: dates, outline, links, baseline, pmdesk fields,
and the project calendar they are counted on.

Parsing is strict about what it uses and lenient about the rest: an unknown
element is ignored, a malformed date or number in a task is reported with the
task's ID and name, and every problem is collected before refusing the file.
See :mod:`pmdesk.exchange.mspdi` for how the tasks map onto a roadmap.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from pathlib import Path

from lxml import etree

from pmdesk.core.enums import DependencyType, Horizon, ItemKind, ItemStatus, LagUnit, LaneKind
from pmdesk.core.validation import DATE_MAX, DATE_MIN
from pmdesk.core.working_calendar import CalendarException, WorkingCalendar, weekdays_mask

from .importing import MAX_STREAMED_BYTES, ImportFileError, ImportRefused, RowError, read_source
from .safexml import iter_records

NAMESPACE = "http://schemas.microsoft.com/project"

# LinkLag type codes of MSPDI <-> pmdesk.
LINK_TYPES: dict[int, DependencyType] = {
    0: DependencyType.FINISH_TO_FINISH,
    1: DependencyType.FINISH_TO_START,
    2: DependencyType.START_TO_FINISH,
    3: DependencyType.START_TO_START,
}
LINK_CODES = {kind: code for code, kind in LINK_TYPES.items()}

# LagFormat: the unit a lag is shown in, working time (odd) or elapsed (the next even
# number); 32 more is the same, estimated ("2d?").
LAG_FORMATS: dict[LagUnit, int] = {
    LagUnit.MINUTE: 3,
    LagUnit.HOUR: 5,
    LagUnit.DAY: 7,
    LagUnit.WEEK: 9,
    LagUnit.MONTH: 11,
    LagUnit.PERCENT: 19,
}
_FORMAT_UNITS = {code: unit for unit, code in LAG_FORMATS.items()}
ESTIMATED = 32
TENTHS_PER_ELAPSED_DAY = 24 * 60 * 10
DEFAULT_MINUTES_PER_DAY = 8 * 60
DEFAULT_PERIODS = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))  # Project's standard day
MAX_EXCEPTIONS = 10_000  # more is a broken (or hostile) file
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

    @property
    def unit(self) -> LagUnit:
        return lag_unit(self.lag_format)[0]

    @property
    def elapsed(self) -> bool:
        return lag_unit(self.lag_format)[1]


def lag_unit(fmt: int | None) -> tuple[LagUnit, bool]:
    """(unit, elapsed) of a LagFormat; an unknown or missing one is working days."""
    if fmt is not None and fmt > ESTIMATED:
        fmt -= ESTIMATED
    if fmt in _FORMAT_UNITS:
        return _FORMAT_UNITS[fmt], False
    if fmt is not None and fmt - 1 in _FORMAT_UNITS:
        return _FORMAT_UNITS[fmt - 1], True
    return LagUnit.DAY, False


def lag_format(unit: LagUnit, elapsed: bool) -> int:
    """The LagFormat that says ``unit`` in working time, or elapsed."""
    return LAG_FORMATS.get(unit, LAG_FORMATS[LagUnit.DAY]) + (1 if elapsed else 0)


@dataclass
class Task:
    """One ``<Task>`` as read, before it is mapped onto lanes and items.

    ``start`` or ``end`` is None when the file does not give it (the importer
    schedules the task); ``work_minutes`` is its ``<Duration>`` in working minutes
    when the file says it.
    """

    uid: int
    id: int
    name: str
    level: int
    summary: bool
    milestone: bool
    start: dt.date | None
    end: dt.date | None
    percent: int
    notes: str
    links: list[Link] = field(default_factory=list)
    baseline: tuple[dt.date, dt.date] | None = None
    pmdesk: dict[str, str] = field(default_factory=dict)
    work_minutes: float | None = None
    spanning_milestone: bool = False  # flagged a milestone but lasting days
    calendar_uid: int | None = None  # its own calendar (Task/CalendarUID), -1 or None: none

    @property
    def label(self) -> str:
        return f"Task {self.id} “{self.name}”" if self.name else f"Task {self.id}"


@dataclass
class Project:
    """What the importer needs from a whole MSPDI file."""

    name: str
    minutes_per_day: int
    tasks: list[Task]
    warnings: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)  # tasks that could not be read
    start: dt.date | None = None  # the project's StartDate: where undated tasks begin
    resources: int = 0  # named resources in the file
    assignments: int = 0  # assignments of a resource to a task
    # The project calendar as the file gives it; None when the file has none (the
    # calendar handed to read_mspdi was used to read the dates).
    calendar: FileCalendar | None = None
    calendar_uid: int | None = None


Periods = tuple[tuple[int, int], ...]  # working periods of a day, minutes after midnight


@dataclass
class FileCalendar:
    """A calendar as MSPDI gives it: each weekday's working periods, and exceptions.

    ``week`` is Monday first; an empty tuple is a day off. ``minutes_per_day`` is
    the length of a working day in the file's lags and durations (its
    ``MinutesPerDay``, else the week's usual working day).
    """

    name: str
    week: tuple[Periods, ...]
    exceptions: tuple[CalendarException, ...] = ()
    minutes_per_day: int = DEFAULT_MINUTES_PER_DAY
    # starts_after's answers: a plan's 40,000 finishes fall on some 1,500 moments
    _starts_after: dict[dt.datetime, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def working(self) -> WorkingCalendar:
        """The calendar pmdesk keeps: working weekdays, one working day's hours, exceptions.

        Its day runs from the earliest working period's start to the latest one's end;
        its working minutes are the project's ``MinutesPerDay`` when that fits in the
        day, else the working periods' sum on the usual working day.
        """
        days = [n for n in range(7) if self.week[n]]
        if days:
            day_start = min(self.week[n][0][0] for n in days)
            day_end = max(self.week[n][-1][1] for n in days)
            sums = [sum(end - start for start, end in self.week[n]) for n in days]
            usual = max(sums, key=lambda total: (sums.count(total), total))
        else:
            day_start, day_end, usual = 8 * 60, 17 * 60, DEFAULT_MINUTES_PER_DAY
        span = day_end - day_start
        per_day = self.minutes_per_day if 0 < self.minutes_per_day <= span else usual
        return WorkingCalendar(
            weekdays=weekdays_mask(days),
            day_start=day_start,
            day_end=day_end,
            minutes_per_day=min(max(per_day, 1), span),
            exceptions=self.exceptions,
        )

    def starts_after(self, moment: dt.datetime) -> bool:
        """True when ``moment`` is at or before the first working time of its day (on a day
        off, the start of the calendar's working day): a finish then ends the working day
        before (Project's "08:00 the next morning")."""
        known = self._starts_after.get(moment)
        if known is not None:
            return known
        day = moment.date()
        first = self.working.day_start
        if self.working.is_working_date(day) and self.week[day.weekday()]:
            first = self.week[day.weekday()][0][0]
        known = self._starts_after[moment] = moment.hour * 60 + moment.minute <= first
        return known

    @classmethod
    def of(cls, calendar: WorkingCalendar, name: str = "Standard") -> FileCalendar:
        """A pmdesk calendar in the file's terms: each working day one period."""
        day = ((calendar.day_start, calendar.day_end),)
        week = tuple(day if calendar.works_on_weekday(n) else () for n in range(7))
        return cls(name, week, calendar.exceptions, calendar.minutes_per_day)


CHUNK = 1 << 20
Progress = Callable[[int, int], None]
_TASK_FIELDS = (
    "UID ID Name OutlineLevel IsNull Start Finish Duration Milestone Summary PercentComplete Notes"
    " CalendarUID"
).split()
_REPEATED = ("PredecessorLink", "ExtendedAttribute", "Baseline")


@cache
def _tags(ns: str) -> tuple[str, ...]:
    """_TASK_FIELDS as the file's tags: in its namespace, made once per file."""
    return tuple(ns + tag for tag in _TASK_FIELDS)


@cache
def _wanted(ns: str) -> tuple[str, ...]:
    """Every tag a task is read from, in the file's namespace."""
    return _tags(ns) + tuple(ns + tag for tag in _REPEATED)


def _task_fields(
    element: etree._Element, ns: str
) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """The texts of _TASK_FIELDS (the first of each, "" where the task has none) and the
    repeated groups (links, custom fields, baselines) with their fields.

    One pass over the children the task is read from, picked out in C: a task as Project
    writes it has some 80 children, and only these become Python objects.
    """
    cut = len(ns)
    found: dict[str, str] = {}
    repeated = []
    for child in element.iterchildren(*_wanted(ns)):
        tag = str(child.tag)[cut:]
        if tag in _REPEATED:
            repeated.append((tag, _values(child, ns)))
        elif tag not in found:
            found[tag] = child.text or ""
    return [found.get(tag, "") for tag in _TASK_FIELDS], repeated


def _first_text(element: etree._Element, tag: str) -> str:
    """The text of the element's first ``tag`` child, "" without one."""
    child = next(element.iterchildren(tag), None)
    return "" if child is None else child.text or ""


_HOLDERS = frozenset({"Tasks", "Resources", "Assignments"})


def read_mspdi(
    source: bytes | str | Path,
    *,
    strict: bool = True,
    progress: Progress | None = None,
    calendar: WorkingCalendar | None = None,
) -> Project:
    """Parse an MSPDI file into tasks; every problem found is reported at once.

    The file's project calendar says which finishes end the day before; a file
    without one is read with ``calendar`` (default: pmdesk's standard week).

    The file is streamed (each ``<Task>`` is read and dropped), so memory does not
    grow with its size; ``progress(bytes_read, bytes_total)`` is called after each
    megabyte. With ``strict=False`` the tasks that could not be read are left out
    and listed in ``Project.errors`` instead, so the importer can add the problems
    it finds itself and report them all together.
    """
    chunks, total, name = _chunks(source)
    done = 0

    def counted() -> Iterator[bytes]:
        nonlocal done
        for chunk in chunks:
            yield chunk
            done += len(chunk)
            if progress is not None:
                progress(done, total)

    reader = _Reader(calendar or WorkingCalendar())
    for root, record in iter_records(counted(), _HOLDERS, name):
        reader.read(root, record, name)
    project = reader.project
    if project is None:
        raise ImportFileError(f"{name}: this is XML, but not a Microsoft Project (MSPDI) file")
    if project.errors and strict:
        raise ImportRefused(project.errors, "MS Project file")
    return project


def _chunks(source: bytes | str | Path) -> tuple[Iterable[bytes], int, str]:
    """The file in megabyte pieces, its size and a name to show; unreadable files refused."""
    if isinstance(source, bytes | bytearray):
        data, name = read_source(source, "MS Project file")
        return (data[i : i + CHUNK] for i in range(0, len(data), CHUNK)), len(data), name
    path = Path(source)
    try:
        size = path.stat().st_size
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if size > MAX_STREAMED_BYTES:
        handle.close()
        raise ImportFileError(f"{path.name}: the file is too large to import")
    if size == 0:
        handle.close()
        raise ImportFileError(f"{path.name}: the file is empty")

    def pieces() -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    return pieces(), size, path.name


class _Reader:
    """Turns the file's records (tasks, resources, assignments) into a Project, one by one."""

    def __init__(self, fallback: WorkingCalendar) -> None:
        self.project: Project | None = None
        self.ns = ""
        self.fallback = fallback
        self.calendar: FileCalendar | None = None
        self.aliases: dict[str, str] = {}

    def read(self, root: etree._Element, record: etree._Element | None, name: str) -> None:
        if self.project is None:
            ns, _, local = root.tag.rpartition("}")
            if local != "Project":
                raise ImportFileError(
                    f"{name}: this is XML, but not a Microsoft Project (MSPDI) file"
                )
            self.ns = ns + "}" if ns else ""
            self._header(root)
        project, calendar = self.project, self.calendar
        assert project is not None and calendar is not None  # both set by _header
        if record is None:
            return
        tag = record.tag[len(self.ns) :]
        if tag == "Task":
            task = _read_task(
                record, self.ns, calendar, self.aliases, project.errors, project.warnings
            )
            if task is not None:
                project.tasks.append(task)
        elif tag == "Resource":
            # Two fields, not _values: Project writes some 50 fields a resource or an
            # assignment, and one assignment a task; only these are counted.
            null = _first_text(record, self.ns + "IsNull").strip() or "0"
            if null not in ("1", "true") and _first_text(record, self.ns + "Name").strip():
                project.resources += 1
        elif tag == "Assignment":
            if _first_text(record, self.ns + "ResourceUID").strip() not in ("", "-65535"):
                project.assignments += 1

    def _header(self, whole: etree._Element) -> None:
        """Project fields and calendar, read (from a namespace-free copy) before any task."""
        root = ET.Element("Project")
        cut = len(self.ns)
        root.extend(_local_copy(child, cut) for child in whole if child.tag[cut:] not in _HOLDERS)
        warnings: list[str] = []
        try:
            minutes = _int(root, "MinutesPerDay")
        except ValueError:
            minutes = None
        found, uid = _project_calendar(root, minutes, warnings)
        self.calendar = found or FileCalendar.of(self.fallback)
        if minutes is None or minutes <= 0:
            minutes = found.working.minutes_per_day if found else DEFAULT_MINUTES_PER_DAY
        self.aliases = _custom_field_aliases(root)
        title = _text(root, "Title") or _text(root, "Name").removesuffix(".xml") or "MS Project"
        try:
            start = _datetime(root, "StartDate")
        except ValueError:
            start = None
        self.project = Project(
            unescape(title),
            minutes,
            [],
            warnings,
            start=start.date() if start else None,
            calendar=found,
            calendar_uid=uid,
        )


def _local_copy(element: etree._Element, cut: int) -> ET.Element:
    """The element with its namespace cut from every tag; a loop, not recursion, as a
    hostile file may nest elements a million deep."""
    top = ET.Element(element.tag[cut:])
    pending = [(element, top)]
    while pending:
        source, copy = pending.pop()
        copy.text = source.text
        for child in source:
            pending.append((child, ET.SubElement(copy, child.tag[cut:])))
    return top


# -- reading elements ------------------------------------------------------------------


def _values(element: etree._Element, ns: str) -> dict[str, str]:
    """Text of each child by local name (the last one of a repeated tag)."""
    cut = len(ns)
    return {child.tag[cut:]: child.text or "" for child in element}


def _children(element: ET.Element, group: str, tag: str) -> list[ET.Element]:
    holder = element.find(group)
    return [] if holder is None else holder.findall(tag)


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _number(text: str, tag: str) -> int | None:
    if text.isdecimal() and len(text) < 10:  # the usual case: a plain number below MAX_NUMBER
        return int(text)
    text = text.strip()
    if not text:
        return None
    try:
        number = int(float(text)) if "." in text else int(text)
    except (ValueError, OverflowError):
        number = None
    if number is None or abs(number) > MAX_NUMBER:
        raise ValueError(f"<{tag}> should be a number, not {text[:40]!r}")
    return number


def _lenient_number(text: str) -> int | None:
    """A number pmdesk only reports on (never refuses a task for): None when it is not one."""
    try:
        return _number(text, "")
    except ValueError:
        return None


def _int(element: ET.Element, tag: str, default: int | None = None) -> int | None:
    number = _number(_text(element, tag), tag)
    return default if number is None else number


def _flag(element: ET.Element, tag: str) -> bool:
    return _text(element, tag).lower() in ("1", "true")


@lru_cache(maxsize=4096)  # a plan's tasks start and finish at far fewer moments than tasks
def _when(text: str, tag: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise ValueError(f"<{tag}> should be a date and time, not {text[:40]!r}") from None


def _datetime(element: ET.Element, tag: str) -> dt.datetime | None:
    return _when(_text(element, tag), tag)


@lru_cache(maxsize=1024)  # and last for far fewer durations
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


def _project_calendar(
    root: ET.Element, minutes_per_day: int | None, warnings: list[str]
) -> tuple[FileCalendar | None, int | None]:
    """The project's calendar (``CalendarUID``, else UID 1) with what it takes from its base
    calendar; (None, None) when the file has none."""
    by_uid = {_text(c, "UID"): c for c in _children(root, "Calendars", "Calendar")}
    wanted = _text(root, "CalendarUID") or "1"
    calendar = by_uid.get(wanted)
    if calendar is None:
        return None, None
    chain: list[ET.Element] = []
    seen: set[str] = set()
    uid = wanted
    while calendar is not None and uid not in seen:  # a base that is its own base stops
        chain.append(calendar)
        seen.add(uid)
        uid = _text(calendar, "BaseCalendarUID")
        calendar = by_uid.get(uid)
    week: list[Periods | None] = [None] * 7
    days: dict[tuple[dt.date, dt.date, bool], str] = {}
    skipped: list[str] = []
    for calendar in reversed(chain):  # the base first: a derived calendar's days win
        for day in _children(calendar, "WeekDays", "WeekDay"):
            day_type = _text(day, "DayType")
            if day_type.isdigit() and 1 <= int(day_type) <= 7:
                weekday = (int(day_type) + 5) % 7  # MSPDI: 1 = Sunday ... 7 = Saturday
                week[weekday] = _periods(day) if _flag(day, "DayWorking") else ()
            elif day_type == "0":  # older files: an exception is a dated "day type 0"
                _add_exception(days, day, "", skipped)
        for exception in _children(calendar, "Exceptions", "Exception"):
            _add_exception(days, exception, _text(exception, "Name"), skipped)
    if skipped:
        warnings.append(
            f"{len(skipped)} recurring calendar exception{'s' if len(skipped) != 1 else ''} "
            f"not imported (pmdesk keeps dated exceptions only): {', '.join(skipped[:10])}"
        )
    if len(days) > MAX_EXCEPTIONS:
        warnings.append(
            f"The calendar has {len(days)} exceptions; only the first {MAX_EXCEPTIONS} "
            "were imported"
        )
    standard = (DEFAULT_PERIODS,) * 5 + ((), ())
    filled = tuple(standard[n] if periods is None else periods for n, periods in enumerate(week))
    exceptions = tuple(
        CalendarException(first, last, working, name)
        for (first, last, working), name in list(days.items())[:MAX_EXCEPTIONS]
    )
    name = _name(_text(chain[0], "Name"), "Standard")
    usual = [sum(e - s for s, e in periods) for periods in filled if periods]
    per_day = minutes_per_day if minutes_per_day and minutes_per_day > 0 else None
    per_day = per_day or (max(usual, key=usual.count) if usual else DEFAULT_MINUTES_PER_DAY)
    uid_number = int(wanted) if wanted.lstrip("-").isdigit() and len(wanted) < 12 else None
    return FileCalendar(name, filled, exceptions, per_day), uid_number


def _add_exception(
    days: dict[tuple[dt.date, dt.date, bool], str],
    element: ET.Element,
    name: str,
    skipped: list[str],
) -> None:
    """One dated exception (a holiday, or days worked that usually are not)."""
    period = element.find("TimePeriod")
    if period is None:
        return
    try:
        first = _datetime(period, "FromDate")
        last = _datetime(period, "ToDate")
        kind = _int(element, "Type", 1)
        every = _int(element, "Period", 1)
    except (ValueError, OverflowError):
        return
    if first is None:
        return
    if kind != 1 or (every or 1) > 1:  # yearly, monthly, weekly or every n days
        skipped.append(f"“{name or first.date().isoformat()}”")
        return
    last = last or first
    end = last.date()
    if end > first.date() and last.time() == dt.time(0):
        end -= dt.timedelta(days=1)  # up to midnight: the day before is the last
    start = max(first.date(), DATE_MIN)
    end = min(end, DATE_MAX)
    if end < start:
        return
    working = _flag(element, "DayWorking")
    key = (start, end, working)
    label = _name(name, "")
    if label or key not in days:
        days.pop(key, None)  # a named entry (MSPDI 2007) replaces its older twin, in order
        days[key] = label or ("Working time" if working else "Holiday")


def _name(text: str, default: str) -> str:
    """A calendar's or an exception's name, up to 200 characters; ``default`` when it is blank
    (to SQLite too, whose text functions stop at a NUL character)."""
    name = unescape(text).strip()[:200]
    return name if name.split("\x00", 1)[0].strip() else default


def _periods(day: ET.Element) -> Periods:
    """A working day's periods in minutes after midnight; Project's standard day when the
    file says it is worked but lists no times."""
    found = []
    holder = day.find("WorkingTimes")
    for period in holder.findall("WorkingTime") if holder is not None else []:
        try:
            start = dt.time.fromisoformat(_text(period, "FromTime"))
            end = dt.time.fromisoformat(_text(period, "ToTime"))
        except ValueError:
            continue
        begin = start.hour * 60 + start.minute
        finish = end.hour * 60 + end.minute or 24 * 60  # 00:00 at the end is midnight
        if finish > begin:
            found.append((begin, finish))
    return tuple(sorted(found)) or DEFAULT_PERIODS


def _custom_field_aliases(root: ET.Element) -> dict[str, str]:
    """FieldID -> the pmdesk key it carries (only fields whose alias is one of ours)."""
    ours = {alias: key for key, (_fid, _name, alias) in PMDESK_FIELDS.items()}
    found = {}
    for attribute in _children(root, "ExtendedAttributes", "ExtendedAttribute"):
        key = ours.get(_text(attribute, "Alias"))
        if key is not None:
            found[_text(attribute, "FieldID")] = key
    return found


def _end_day(start: dt.datetime, finish: dt.datetime, calendar: FileCalendar) -> dt.date:
    """The inclusive last day: a finish before any working time of its day (the day's start,
    or a day off) belongs to the working day before."""
    end = finish.date()
    if end > start.date() and calendar.starts_after(finish):
        end -= dt.timedelta(days=1)
        while (
            end > start.date()
            and calendar.working.has_working_days
            and not calendar.working.is_working_date(end)
        ):
            end -= dt.timedelta(days=1)
    return max(end, start.date())


def _read_task(
    element: etree._Element,
    ns: str,
    calendar: FileCalendar,
    aliases: dict[str, str],
    errors: list[RowError],
    warnings: list[str],
) -> Task | None:
    (
        (
            uid_text,
            id_text,
            name_text,
            level_text,
            null_text,
            start_text,
            finish_text,
            duration_text,
            milestone_text,
            summary_text,
            percent_text,
            notes_text,
            calendar_text,
        ),
        repeated,
    ) = _task_fields(element, ns)
    uid_text = uid_text.strip()
    label = f"Task UID {uid_text or '?'}"
    try:
        if null_text.strip().lower() in ("1", "true"):
            return None
        uid = _number(uid_text, "UID")
        if uid is None:
            raise ValueError("the task has no <UID>")
        level = _number(level_text, "OutlineLevel")
        task_id = _number(id_text, "ID")
        if level == 0 or (uid == 0 and level is None and task_id in (0, None)):
            return None  # the project summary task: outline level 0, or UID 0 without one
        task_id = uid if task_id is None else task_id
        name = unescape(name_text)  # not stripped: names stay as typed
        name = name if name.strip() else ""
        label = f"Task {task_id}" + (f" “{name}”" if name else "")
        start, finish = _when(start_text, "Start"), _when(finish_text, "Finish")
        minutes = _duration_minutes(duration_text)
        milestone = milestone_text.strip().lower() in ("1", "true")
        first = start.date() if start else None
        last = finish.date() if finish else None
        if start is not None and finish is not None:
            last = _end_day(start, finish, calendar)
        elif start is not None or finish is not None:
            warnings.append(
                f"{label} has only a {'start' if start else 'finish'}; its "
                f"{'finish' if start else 'start'} was counted from its duration"
            )
        spanning = milestone and (bool(minutes) or (first or dt.date.max) < (last or dt.date.min))
        if milestone and not spanning:
            first = last = first or last
        percent = _number(percent_text, "PercentComplete") or 0
        if not 0 <= percent <= 100:
            raise ValueError(f"<PercentComplete> {percent} is outside 0 to 100")
        if not name:
            name = f"Task {task_id}"
            warnings.append(f"{label} has no name; it was imported as “{name}”")
        task = Task(
            uid,
            task_id,
            name,
            max(level or 1, 1),
            summary_text.strip().lower() in ("1", "true"),
            milestone and not spanning,
            first,
            last,
            percent,
            unescape(notes_text),
            work_minutes=minutes,
            spanning_milestone=spanning,
            calendar_uid=_lenient_number(calendar_text),
        )
        for tag, fields in repeated:
            if tag == "PredecessorLink":
                task.links.append(_read_link(fields))
            elif tag == "ExtendedAttribute":
                key = aliases.get(fields.get("FieldID", "").strip())
                if key is not None:
                    task.pmdesk[key] = fields.get("Value", "").strip()
            elif task.baseline is None:
                task.baseline = _read_baseline(fields, task, calendar, warnings)
        return task
    except (ValueError, OverflowError) as exc:  # overflow: a date pushed past year 9999
        errors.append(RowError(None, str(exc), header=label))
        return None


def _read_link(values: dict[str, str]) -> Link:
    predecessor = _number(values.get("PredecessorUID", ""), "PredecessorUID")
    if predecessor is None:
        raise ValueError("a <PredecessorLink> has no <PredecessorUID>")
    code = _number(values.get("Type", ""), "Type")
    code = 1 if code is None else code
    if code not in LINK_TYPES:
        raise ValueError(f"link type {code} is not one of 0 (FF), 1 (FS), 2 (SF), 3 (SS)")
    return Link(
        predecessor,
        LINK_TYPES[code],
        _number(values.get("LinkLag", ""), "LinkLag") or 0,
        _number(values.get("LagFormat", ""), "LagFormat"),
    )


def _read_baseline(
    values: dict[str, str], task: Task, calendar: FileCalendar, warnings: list[str]
) -> tuple | None:
    """Baseline 0's dates; one with only a start or only a finish is skipped, not guessed."""
    if (_number(values.get("Number", ""), "Number") or 0) != 0:
        return None
    start = _when(values.get("Start", ""), "Baseline Start")
    finish = _when(values.get("Finish", ""), "Baseline Finish")
    if start is None and finish is None:
        return None
    if start is None or finish is None:
        warnings.append(
            f"{task.label}: its baseline has only a {'start' if start else 'finish'}; "
            "that baseline entry was not imported"
        )
        return None
    return start.date(), _end_day(start, finish, calendar)


# -- lags and pmdesk values ------------------------------------------------------------


def lag_in_days(link: Link, minutes_per_day: int, predecessor: Task, calendar=None) -> float:
    """The link's lag in days: working days for working-time formats (a day is the file's
    ``MinutesPerDay``), 24-hour days for elapsed ones; a percent lag is that share of the
    predecessor's working (or, elapsed, calendar) duration."""
    if link.unit is LagUnit.PERCENT:
        share = link.lag_tenths / 100
        if link.elapsed:
            return share * task_days(predecessor)
        return share * working_days(predecessor, minutes_per_day, calendar)
    if link.elapsed:
        return link.lag_tenths / TENTHS_PER_ELAPSED_DAY
    return link.lag_tenths / (minutes_per_day * 10)


def task_days(task: Task) -> int:
    """Calendar days the task occupies (0 for a milestone or an undated task)."""
    if task.milestone or task.start is None or task.end is None:
        return 0
    return (task.end - task.start).days + 1


def working_days(task: Task, minutes_per_day: int, calendar: WorkingCalendar | None) -> float:
    """The task's duration in working days: its <Duration>, else its working days."""
    if task.work_minutes is not None:
        return task.work_minutes / minutes_per_day
    if task.milestone or task.start is None or task.end is None:
        return 0
    calendar = calendar or WorkingCalendar()
    return calendar.working_between(task.start.toordinal(), task.end.toordinal() + 1)


# -- text XML 1.0 cannot carry ---------------------------------------------------------

_NOT_XML = "[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_NOT_XML_CHAR = re.compile(_NOT_XML)
_ESCAPE = re.compile(f"{_NOT_XML}|\\\\(?=u[0-9a-fA-F]{{4}})")
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")


def _decodes(code: str) -> bool:
    char = chr(int(code, 16))
    return char == "\\" or _NOT_XML_CHAR.fullmatch(char) is not None


def _decoded(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16)) if _decodes(match.group(1)) else match.group()


def escape(text: str) -> str:
    """``text`` as XML 1.0 can carry it, reversibly (see :func:`unescape`).

    A character XML cannot hold (a control character other than tab and newline,
    carriage return included, U+FFFE, U+FFFF) becomes ``\\u`` and four hex digits;
    so that this stays reversible, a backslash that already stands before such a
    ``\\uXXXX`` is written ``\\u005c``. Any other text is written as it is.
    """

    def one(match: re.Match[str]) -> str:
        found = match.group()
        if found == "\\" and not _decodes(match.string[match.end() + 1 : match.end() + 5]):
            return found
        return f"\\u{ord(found):04x}"

    return _ESCAPE.sub(one, text)


def unescape(text: str) -> str:
    """The text :func:`escape` was given: only ``\\uXXXX`` of those characters is decoded."""
    if "\\u" not in text:
        return text
    return _ESCAPED.sub(_decoded, text)


_KINDS, _STATUSES, _HORIZONS = (frozenset(e.values()) for e in (ItemKind, ItemStatus, Horizon))


def item_kind(task: Task) -> ItemKind:
    value = task.pmdesk.get("kind", "")
    if value in _KINDS:
        return ItemKind(value)
    if task.spanning_milestone:
        return ItemKind.RELEASE
    if task.milestone:
        return ItemKind.MILESTONE
    return ItemKind.INITIATIVE if task.summary else ItemKind.FEATURE


def item_status(task: Task) -> ItemStatus:
    value = task.pmdesk.get("status", "")
    if value in _STATUSES:
        return ItemStatus(value)
    if task.percent >= 100:
        return ItemStatus.DONE
    return ItemStatus.IN_PROGRESS if task.percent > 0 else ItemStatus.PLANNED


def item_horizon(task: Task) -> Horizon | None:
    value = task.pmdesk.get("horizon", "")
    return Horizon(value) if value in _HORIZONS else None


def lane_kind(task: Task) -> LaneKind | None:
    """The lane kind a pmdesk export wrote on a lane's summary task, or None."""
    value = task.pmdesk.get("kind", "")
    if not value.startswith(LANE_PREFIX):
        return None
    kind = value.removeprefix(LANE_PREFIX)
    return LaneKind(kind) if kind in LaneKind.values() else LaneKind.THEME


def is_lane(task: Task) -> bool:
    return task.level == 1 and (task.summary or lane_kind(task) is not None)
