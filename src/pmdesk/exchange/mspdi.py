"""MS Project XML (MSPDI) in and out of the roadmap: tasks, outline, links, calendar, baseline.

:func:`import_mspdi` reads a file into one product's roadmap (all or nothing);
:func:`export_mspdi` (see :mod:`.mspdi_write`) writes a product's roadmap as a
file that Project and ProjectLibre open and that imports back identically.

How an MSPDI file maps onto a product's roadmap:

* The project summary task (outline level 0, or UID 0 with no outline level) and
  blank rows (``IsNull``) are skipped; any other task is kept, UID 0 included.
* A top-level **summary** task becomes a **lane** (reused when the product already
  has a lane of that name) *and* an initiative item in it, at the top of the lane,
  holding the lane's tasks as its children: so its dates, % complete, baseline and
  links are kept. (A pmdesk export marks its lanes as such; those stay lanes only.)
  Top-level tasks that are not summaries go into one lane named after the project
  (its ``Title``, else its ``Name``). A lane name longer than a lane's 200
  characters, or a task name longer than an item's 300, is cut there, with a warning.
* Every other task becomes a **roadmap item**; a summary task below the top
  level becomes a *parent item* (``parent_id``) of the tasks it contains.
  Milestones stay milestones, other summaries become initiatives, the rest
  features; a task flagged a milestone that lasts (a duration, or a finish days
  after its start) becomes a release over its dates, with a warning, as a pmdesk
  milestone is one day. ``PercentComplete`` becomes progress (and the status:
  done at 100, in progress above 0), ``Notes`` the notes.
* The **calendar**: the project's calendar (``CalendarUID``, else UID 1), with
  what it takes from its base calendar (``BaseCalendarUID``; its own days win):
  ``WeekDays`` with ``DayType`` 1 to 7 (1 is *Sunday*), ``DayWorking`` and
  ``WorkingTimes``; holidays and extra working days from ``Exceptions`` (MSPDI
  2007 and later: ``TimePeriod`` ``FromDate``/``ToDate``, ``DayWorking``, ``Name``)
  and from the older ``DayType`` 0 entries (the same days twice count once). A
  recurring exception (yearly, monthly, weekly) is not read, with a warning. pmdesk
  keeps one working day per calendar: it runs from the earliest working period's
  start to the latest one's end, and its working minutes are the project's
  ``MinutesPerDay`` when that fits in those hours, else the usual day's periods
  added up. The calendar becomes the product's own (a ``work_calendar`` row and
  its ``calendar_exception`` rows, written in the import's transaction, so undoing
  the import removes them), unless the product already works on the same days
  and hours (the workspace's, say): then it stays as it is. A product that has a
  different calendar of its own keeps it, with a warning; one that had items
  on the workspace's calendar is told that they now count on the file's. A file
  without a calendar is read with the product's calendar. At most 10 000
  exceptions are read (a warning says how many there were). Tasks on a calendar of their own
  (``Task/CalendarUID`` other than -1 and the project's) are named in one warning:
  pmdesk has no task calendars.
* Dates: the day of ``Start``; the inclusive end day is the day of ``Finish``,
  except that a finish at or before the first working time of its day (Project's
  "08:00 the next morning"; on a day off, the calendar's start of day) ends on the
  working day before. A calendar that works from midnight keeps a 03:00 finish on
  its day. A task with neither ``Start`` nor ``Finish`` is scheduled on the
  calendar: it starts on the first working day its links allow, no earlier than
  the project's ``StartDate``, and lasts its ``Duration`` in working days (one day
  when it has none); with only one of them, the other is counted from that
  duration in working days, with a warning.
* ``PredecessorLink`` keeps its type (0=FF, 1=FS, 2=SF, 3=SS) and its lag.
  ``LinkLag`` is in tenths of a minute. ``LagFormat`` says the unit and whether it
  is elapsed or working time: 3 m, 4 em, 5 h, 6 eh, 7 d, 8 ed, 9 w, 10 ew, 11 mo,
  12 emo, 19 %, 20 e% (plus 32: the same, estimated); none is working days. A
  link keeps all of it: ``lag_unit`` (minute, hour, day, week, month, percent),
  ``lag_elapsed`` and ``lag_exact`` (the file's ``LinkLag``), so an export writes
  the same lag back. ``lag_days`` is what pmdesk schedules with: for a working
  format, whole **working days** of the product's calendar, a working day being
  the project's ``MinutesPerDay`` (8 hours = 4 800 tenths when the file has none),
  whatever unit it is shown in (a working week of 24 000 tenths is 5 working
  days); for an elapsed format, 24-hour days (14 400 tenths). A percent lag (19,
  20) is that share of the predecessor's duration: its ``Duration`` (else its
  working days on the calendar) for 19, its calendar days for 20 (elapsed). A lag
  that is not a whole number of days (4 hours) is rounded, and one warning lists
  those links (half a day rounds away from zero). pmdesk keeps one link per pair
  of items: a second link between the same two tasks is skipped with a warning.
* Baseline number 0 (``Baseline/Number = 0``) becomes a pmdesk baseline with
  each item's baseline start and finish; an entry with only one of them is
  skipped with a warning rather than completed with a guessed date. Baselines 1
  to 10 are not read.
* Resources and assignments are not imported (a roadmap item has no owner field);
  the result says how many there were.
* Text that XML 1.0 cannot carry (control characters) is escaped by the export as
  ``\\uXXXX`` and decoded here (see :func:`.mspdi_read.escape`).
* pmdesk's own exports carry what MSPDI has no field for (item kind, status,
  horizon, lane kind and colour) in the custom text fields Text1 to Text4,
  named "pmdesk …"; other files simply do not have them.
* Large plans are streamed (each task is read and dropped) and written with one
  executemany per table; ``progress(done, total)`` reports the work done, in
  percent (``total`` is 100).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.bulk import bulk_work
from pmdesk.core.enums import DependencyType, LagUnit, LaneKind
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.scheduling import Link as ScheduleLink
from pmdesk.core.scheduling import topological_order
from pmdesk.core.validation import RULES, check_bounds
from pmdesk.core.working_calendar import WorkingCalendar
from pmdesk.store.models import (
    Base,
    Baseline,
    BaselineEntry,
    CalendarException,
    Dependency,
    Lane,
    Product,
    RoadmapItem,
    WorkCalendar,
    table_of,
)
from pmdesk.store.services.base import Repo
from pmdesk.store.services.calendar import CalendarService, calendar_in

from .importing import (
    ImportRefused,
    ImportResult,
    RowError,
    clean_fields,
    column_defaults,
    insert,
    insert_many,
)
from .mspdi_read import (
    Link,
    Project,
    Task,
    is_lane,
    item_horizon,
    item_kind,
    item_status,
    lag_in_days,
    lane_kind,
    read_mspdi,
)
from .mspdi_write import export_mspdi

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

__all__ = ["export_mspdi", "import_mspdi", "read_mspdi"]

MAX_LAG_DAYS = 36_525  # a century: anything longer is a broken file, not a plan
MAX_TASK_DAYS = 3 * MAX_LAG_DAYS


def _max_length(model: type[Base], column: str) -> int:
    kind = table_of(model).c[column].type
    assert isinstance(kind, sa.String) and kind.length is not None
    return kind.length


LANE_NAME_MAX = _max_length(Lane, "name")
ITEM_NAME_MAX = _max_length(RoadmapItem, "name")
# Shares of the progress bar: reading the file, then planning, then writing.
READ_SHARE, PLAN_SHARE = 70, 80
Progress = Callable[[int, int], None]


@dataclass
class _Item:
    uid: int
    lane: str  # key into _Plan.lanes
    parent_uid: int | None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Lag:
    days: int  # whole days: working days, or calendar days when elapsed
    elapsed: bool
    unit: LagUnit
    exact: int  # the file's LinkLag


@dataclass
class _Plan:
    lanes: dict[str, dict[str, Any]] = field(default_factory=dict)  # casefolded name -> fields
    items: list[_Item] = field(default_factory=list)
    links: list[tuple[int, int, DependencyType, _Lag]] = field(default_factory=list)
    baseline: list[tuple[int, Any, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_mspdi(
    ws: Workspace,
    source: bytes | str | Path,
    *,
    product_id: int,
    baseline_name: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import an MSPDI file into one product's roadmap, all or nothing, in one transaction.

    Raises ImportFileError (unreadable or unsafe file), ImportRefused (every
    problem found, by task) or NotFoundError (no such product); on any of them
    the workspace is unchanged. ``progress(done, 100)`` is called as the work
    advances (a dialog's bar).
    """
    report = _Reporter(progress)
    with ws.read() as session:
        if session.get(Product, product_id) is None:
            raise NotFoundError("product", product_id)
    current = ws.service(CalendarService).effective(product_id)
    with bulk_work():
        project = read_mspdi(
            source,
            strict=False,
            progress=lambda done, total: report(done * READ_SHARE // total),
            calendar=current,
        )
        plan = _plan(ws, project, project.calendar.working if project.calendar else current)
        report(PLAN_SHARE)
        errors = project.errors + plan.errors
        if errors:
            raise ImportRefused(sorted(errors, key=_task_order), "MS Project file")
        name = baseline_name or f"MS Project baseline ({project.name})"
        result = _write(ws, plan, project, product_id, name, report)
    result.warnings = project.warnings + plan.warnings
    report(100)
    return result


class _Reporter:
    """Calls ``progress(percent, 100)`` only when the percentage moves on."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress, self.last = progress, -1

    def __call__(self, percent: int) -> None:
        if self.progress is not None and percent > self.last:
            self.last = percent
            self.progress(percent, 100)


def _task_order(error: RowError) -> tuple[int, str]:
    """Problems in the order of the tasks they are about ("Task 12 …" after "Task 2 …")."""
    words = error.header.split(" ")
    number = words[1] if len(words) > 1 and words[0] == "Task" else ""
    return (int(number) if number.isdigit() else 10**9, error.header)


# -- planning: every row checked before anything is written ---------------------------


def _plan(ws: Workspace, project: Project, calendar: WorkingCalendar) -> _Plan:
    """Every row to write, checked; ``calendar`` is the one the file's days are counted on."""
    plan = _Plan()
    tasks, placed = _place(plan, Repo(ws, Lane), project)
    links = _plan_links(plan, project, tasks, placed)
    if not _schedule_and_lag(plan, project, tasks, placed, links, calendar):
        return plan  # a cycle: nothing can be scheduled
    clean = _item_cleaner(Repo(ws, RoadmapItem))
    for item in placed.values():
        task = tasks[item.uid]
        name = _cut(plan, task.name, ITEM_NAME_MAX, task.label, "item")
        if task.spanning_milestone and "kind" not in task.pmdesk:
            plan.warnings.append(
                f"{task.label} is flagged a milestone but lasts from {task.start} to "
                f"{task.end}; it was imported as a release over those dates"
            )
        fields = {
            "name": name,
            "kind": item_kind(task),
            "start_date": task.start,
            "end_date": task.end,
            "progress": task.percent,
            "status": item_status(task),
            "horizon": item_horizon(task),
            "notes": task.notes,
        }
        item.fields, problems = clean(fields)
        plan.errors += [RowError(None, str(p), header=task.label) for p in problems]
        if task.baseline is not None:
            _add_baseline_entry(plan, task, task.baseline)
    plan.items = list(placed.values())
    _note_task_calendars(plan, project, tasks, placed)
    _note_resources(plan, project)
    return plan


def _place(plan: _Plan, lanes_repo: Repo, project: Project) -> tuple[dict, dict[int, _Item]]:
    """Tasks by UID, and the item each one becomes (its lane and parent), in file order."""
    tasks: dict[int, Task] = {}
    placed: dict[int, _Item] = {}
    lane_of: dict[int, str] = {}  # lane task uid -> lane key
    stack: list[Task] = []
    for task in project.tasks:
        if task.uid in tasks:
            plan.errors.append(RowError(None, f"UID {task.uid} is used twice", header=task.label))
            continue
        tasks[task.uid] = task
        while stack and stack[-1].level >= task.level:
            stack.pop()
        stack.append(task)
        if is_lane(task):
            lane_of[task.uid] = _add_lane(plan, lanes_repo, task.name, task)
            if lane_kind(task) is None:  # another tool's summary: its data becomes an item too
                placed[task.uid] = _Item(task.uid, lane_of[task.uid], None)
            continue
        parent = stack[-2] if len(stack) > 1 else None
        if parent is None:
            lane, parent_uid = _add_lane(plan, lanes_repo, project.name, None), None
        elif parent.uid in lane_of:
            lane = lane_of[parent.uid]
            parent_uid = parent.uid if parent.uid in placed else None
        else:
            lane, parent_uid = placed[parent.uid].lane, parent.uid
        placed[task.uid] = _Item(task.uid, lane, parent_uid)
    return tasks, placed


def _cut(plan: _Plan, name: str, limit: int, label: str, what: str) -> str:
    if len(name) <= limit:
        return name
    plan.warnings.append(
        f"{label}: its name is {len(name)} characters long; it was cut to the "
        f"{limit} characters of a roadmap {what} name"
    )
    return name[:limit]


def _add_lane(plan: _Plan, repo: Repo, name: str, task: Task | None) -> str:
    label = task.label if task else f"Lane “{name[:60]}”"
    name = _cut(plan, name, LANE_NAME_MAX, label, "lane")
    key = name.strip().casefold()
    if key not in plan.lanes:
        kind = (lane_kind(task) if task else None) or LaneKind.THEME
        colour = task.pmdesk.get("colour", "") if task else ""
        full, problems = clean_fields(repo, {"name": name, "kind": kind, "colour": colour})
        plan.errors += [RowError(None, str(p), header=label) for p in problems]
        plan.lanes[key] = full
    return key


def _item_cleaner(repo: Repo) -> Callable[[dict[str, Any]], tuple[dict, list]]:
    """Checks an item's fields as ``clean_fields`` does, without its per-field overhead.

    The reader hands over typed values (dates, whole numbers, enum members, names cut
    to the column), so a row needs only the date bounds and the table's rule. A row
    that fails goes through ``clean_fields``, which finds and reports all its problems.
    """
    defaults = column_defaults(repo.model)
    rule = RULES[repo.model.__tablename__]

    def clean(fields: dict[str, Any]) -> tuple[dict, list]:
        try:
            check_bounds("start date", fields["start_date"])
            check_bounds("end date", fields["end_date"])
            full = defaults | fields
            rule(full)
        except ValidationError:
            return clean_fields(repo, fields)
        return full, []

    return clean


def _add_baseline_entry(plan: _Plan, task: Task, baseline: tuple[dt.date, dt.date]) -> None:
    start, end = baseline
    if end < start:
        plan.warnings.append(f"{task.label}: its baseline ends before it starts; not imported")
    else:
        plan.baseline.append((task.uid, start, end))


def _plan_links(
    plan: _Plan, project: Project, tasks: dict[int, Task], placed: dict[int, _Item]
) -> list[tuple[Task, Task, Link]]:
    """The links to keep (predecessor, successor, link); the rest are warned about."""
    kept: list[tuple[Task, Task, Link]] = []
    seen: set[tuple[int, int]] = set()
    for task in project.tasks:
        if task.uid not in placed or tasks.get(task.uid) is not task:
            continue
        for link in task.links:
            pred = tasks.get(link.predecessor_uid)
            if pred is None or pred.uid not in placed:
                what = "a lane (summary task)" if pred else "a task not in this file"
                plan.warnings.append(f"{task.label}: its link from {what} was not imported")
                continue
            pair = (pred.uid, task.uid)
            if pred.uid == task.uid:
                plan.warnings.append(f"{task.label}: its link to itself was skipped")
                continue
            if pair in seen:
                plan.warnings.append(
                    f"{task.label}: a second link from {pred.label} was skipped "
                    "(pmdesk keeps one link between two items)"
                )
                continue
            seen.add(pair)
            kept.append((pred, task, link))
    return kept


def _schedule_and_lag(
    plan: _Plan,
    project: Project,
    tasks: dict[int, Task],
    placed: dict[int, _Item],
    links: list[tuple[Task, Task, Link]],
    calendar: WorkingCalendar,
) -> bool:
    """Each link's lag in whole days, and dates for the tasks the file gave none.

    Tasks are taken in link order, so a predecessor has its dates before its
    successors' lags are counted from them (a percent lag needs its duration).
    """
    names = {uid: tasks[uid].name for uid in placed}
    try:
        order = topological_order(
            list(placed), [ScheduleLink(p.uid, s.uid) for p, s, _ in links], names
        )
    except ValidationError as exc:
        plan.errors.append(RowError(None, exc.reason, header="Links"))
        return False
    incoming: dict[int, list[tuple[Task, Link]]] = {}
    for pred, succ, link in links:
        incoming.setdefault(succ.uid, []).append((pred, link))
    known = [t.start for t in tasks.values() if t.start is not None]
    default_start = project.start or min(known, default=None) or dt.date.today()
    rounded: list[str] = []
    for uid in order:
        task = tasks[uid]
        lags = []
        for pred, link in incoming.get(uid, []):
            lag = _lag(plan, project, pred, task, link, rounded, calendar)
            if lag is not None:
                lags.append((pred, link.type, lag))
                plan.links.append((pred.uid, uid, link.type, lag))
        if task.start is None or task.end is None:
            _schedule(task, lags, default_start, project.minutes_per_day, calendar)
    if rounded:
        plan.warnings.append(
            f"{_count(len(rounded), 'link')}: {'its lag was' if len(rounded) == 1 else 'lags were'}"
            f" rounded to whole days: {_listed(rounded)}"
        )
    return True


def _lag(plan, project, pred: Task, task: Task, link: Link, rounded, calendar) -> _Lag | None:
    """The link's lag in whole days, as the file counts it (working or elapsed); None (with
    an error) when it is absurdly long."""
    exact = lag_in_days(link, project.minutes_per_day, pred, calendar)
    days = int(math.copysign(math.floor(abs(exact) + 0.5), exact))  # half a day rounds away
    if abs(days) > MAX_LAG_DAYS or abs(link.lag_tenths) > 2**62:
        message = f"the lag of its link from {pred.label} is more than 100 years"
        plan.errors.append(RowError(None, message, header=task.label))
        return None
    if abs(exact - days) > 1e-9:
        unit = "day" if link.elapsed else "working day"
        what = f"{pred.label} → {task.label}"  # named only when said: 15,000 links at once
        rounded.append(f"{what} ({exact:g} → {_count(days, unit)})")
    return _Lag(days, link.elapsed, link.unit, link.lag_tenths)


def _schedule(
    task: Task, lags: list, default_start: dt.date, minutes_per_day: int, calendar
) -> None:
    """Dates for a task the file gave no start or no finish: the one it gave stays, the other
    is counted from its duration in working days; with neither, it starts on the first
    working day its links and the project allow."""
    if task.milestone:
        length = 0
    else:
        length = max(math.ceil((task.work_minutes or 0) / minutes_per_day - 1e-9), 1)
        length = min(length, MAX_TASK_DAYS)  # longer is past any date (and refused there)

    def later(day: int, lag: _Lag, sign: int = 1) -> int:
        if lag.elapsed:
            return day + sign * lag.days
        return calendar.add_working(day, sign * lag.days)

    if task.start is not None:
        start = task.start.toordinal()
    elif task.end is not None:
        last = task.end.toordinal()
        start = calendar.add_working(last + 1, -length) if length else last
    else:
        start = calendar.next_working(default_start.toordinal())
        for pred, kind, lag in lags:
            first = pred.start.toordinal()
            finish = first if pred.milestone else pred.end.toordinal() + 1
            if kind is DependencyType.FINISH_TO_START:
                needed = later(finish, lag)
            elif kind is DependencyType.START_TO_START:
                needed = later(first, lag)
            elif kind is DependencyType.FINISH_TO_FINISH:
                needed = calendar.add_working(later(finish, lag), -length)
            else:  # START_TO_FINISH
                needed = calendar.add_working(later(first, lag), -length)
            if needed > start:
                start = calendar.next_working(needed)
    end = calendar.add_working(start, length) - 1 if length else start
    task.start = _day(start)
    task.end = _day(max(end, start))


def _day(ordinal: int) -> dt.date:
    """The date of a day number, held to the dates Python has (the item's check then
    refuses what is beyond pmdesk's)."""
    return dt.date.fromordinal(min(max(ordinal, 1), dt.date.max.toordinal()))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if abs(number) == 1 else "s")


def _listed(labels: list[str], shown: int = 10) -> str:
    more = len(labels) - shown
    return "; ".join(labels[:shown]) + (f"; and {more} more" if more > 0 else "")


def _note_task_calendars(
    plan: _Plan, project: Project, tasks: dict[int, Task], placed: dict[int, _Item]
) -> None:
    """pmdesk has one calendar per product: tasks on a calendar of their own are named."""
    own = [
        tasks[uid].label
        for uid in placed
        if tasks[uid].calendar_uid not in (None, -1, project.calendar_uid)
    ]
    if own:
        plan.warnings.append(
            f"{_count(len(own), 'task')} {'has a calendar' if len(own) == 1 else 'have calendars'}"
            " of {} own; pmdesk schedules every item of a product on the product's calendar, "
            "so {} now follow{} it: {}".format(
                "its" if len(own) == 1 else "their",
                "it" if len(own) == 1 else "they",
                "s" if len(own) == 1 else "",
                _listed(own, 5),
            )
        )


def _note_resources(plan: _Plan, project: Project) -> None:
    if project.resources or project.assignments:
        plan.warnings.append(
            f"{_count(project.resources, 'resource')} and "
            f"{_count(project.assignments, 'assignment')} not imported: a roadmap item has "
            "no owner or assignee"
        )


# -- writing: one executemany per table, in one transaction ----------------------------


def _write(
    ws: Workspace,
    plan: _Plan,
    project: Project,
    product_id: int,
    baseline_name: str,
    report: _Reporter,
) -> ImportResult:
    result = ImportResult()
    with ws.transaction() as uow:
        if project.calendar is not None:
            _write_calendar(uow, plan, project, product_id, result)
        lane_ids = _write_lanes(uow, plan, product_id, result)
        item_ids = _write_items(uow, plan, product_id, lane_ids, result, report)
        links = [
            {
                "predecessor_id": item_ids[p],
                "successor_id": item_ids[s],
                "type": k,
                "lag_days": lag.days,
                "lag_elapsed": lag.elapsed,
                "lag_unit": lag.unit,
                "lag_exact": lag.exact,
            }
            for p, s, k, lag in plan.links
        ]
        insert_many(uow, result, Dependency, links)
        if plan.baseline:
            _write_baseline(uow, plan, product_id, item_ids, baseline_name, result)
    return result


def _same_calendar(a: WorkingCalendar, b: WorkingCalendar) -> bool:
    """Same working week, hours and exception days (names aside)."""

    def days(calendar: WorkingCalendar) -> set:
        return {(e.first, e.last, e.working) for e in calendar.exceptions}

    hours = ("weekdays", "day_start", "day_end", "minutes_per_day")
    return all(getattr(a, k) == getattr(b, k) for k in hours) and days(a) == days(b)


def _write_calendar(uow, plan: _Plan, project: Project, product_id: int, result) -> None:
    """The file's project calendar becomes the product's own, unless the product already
    works on that calendar; a product with a different calendar of its own keeps it."""
    calendar = project.calendar
    assert calendar is not None  # the caller writes only a file's own calendar
    wanted = calendar.working
    own, current = calendar_in(uow.session, product_id)
    if _same_calendar(wanted, current):
        return
    if own is not None:
        plan.warnings.append(
            f"The product keeps its own calendar ({current.describe()}); the file's "
            f"calendar “{calendar.name}” ({wanted.describe()}) was not applied"
        )
        return
    had_items = uow.session.scalar(
        sa.select(sa.func.count())
        .select_from(RoadmapItem)
        .where(RoadmapItem.product_id == product_id)
    )
    if had_items:
        plan.warnings.append(
            f"The product now works on the file's calendar “{calendar.name}” "
            f"({wanted.describe()}) instead of the workspace's ({current.describe()}); "
            "its other items' working days and lags count on it too"
        )
    fields = {
        "product_id": product_id,
        "name": calendar.name,
        "weekdays": wanted.weekdays,
        "day_start": wanted.day_start,
        "day_end": wanted.day_end,
        "minutes_per_day": wanted.minutes_per_day,
    }
    calendar_id = insert(uow, result, WorkCalendar, fields)
    rows = [
        {
            "calendar_id": calendar_id,
            "name": day.name,
            "start_date": day.first,
            "end_date": day.last,
            "working": day.working,
        }
        for day in wanted.exceptions
    ]
    insert_many(uow, result, CalendarException, rows)


def _write_lanes(uow, plan: _Plan, product_id: int, result: ImportResult) -> dict[str, int]:
    """Lane ids by key: the product's lanes of the same name, else new ones after them."""
    session = uow.session
    existing = {
        name.strip().casefold(): lane_id
        for lane_id, name in session.execute(
            sa.select(Lane.id, Lane.name).where(Lane.product_id == product_id)
        )
    }
    order = session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Lane.sort_order), 0)).where(
            Lane.product_id == product_id
        )
    )
    lane_ids = {}
    for key, fields in plan.lanes.items():
        if key not in existing:
            order += 1
            extra = {"product_id": product_id, "sort_order": order}
            existing[key] = insert(uow, result, Lane, fields | extra)
        lane_ids[key] = existing[key]
    return lane_ids


def _write_items(uow, plan: _Plan, product_id: int, lane_ids, result, report) -> dict[int, int]:
    """Item ids by task UID; one batch per outline depth, so parents exist before children."""
    depth: dict[int, int] = {}
    for item in plan.items:
        depth[item.uid] = 0 if item.parent_uid is None else depth[item.parent_uid] + 1
    item_ids: dict[int, int] = {}
    order = {item.uid: n for n, item in enumerate(plan.items)}
    levels = sorted(set(depth.values()))
    for number, level in enumerate(levels, 1):
        batch = [item for item in plan.items if depth[item.uid] == level]
        rows = [
            item.fields
            | {
                "product_id": product_id,
                "lane_id": lane_ids[item.lane],
                "sort_order": order[item.uid],
                "parent_id": None if item.parent_uid is None else item_ids[item.parent_uid],
            }
            for item in batch
        ]
        ids = insert_many(uow, result, RoadmapItem, rows)
        item_ids |= dict(zip([i.uid for i in batch], ids, strict=True))
        report(PLAN_SHARE + (100 - PLAN_SHARE) * number // (len(levels) + 1))
    return item_ids


def _write_baseline(uow, plan: _Plan, product_id, item_ids, name: str, result) -> None:
    """Baseline 0 as a pmdesk baseline: the one compared, unless the product has one already."""
    has_active = uow.session.scalar(
        sa.select(sa.func.count())
        .select_from(Baseline)
        .where(Baseline.product_id == product_id, Baseline.is_active.is_(True))
    )
    fields = {"product_id": product_id, "name": name, "is_active": not has_active}
    baseline_id = insert(uow, result, Baseline, fields)
    entries = [
        {"baseline_id": baseline_id, "item_id": item_ids[uid], "start_date": s, "end_date": e}
        for uid, s, e in plan.baseline
    ]
    uow.insert_rows(table_of(BaselineEntry).name, entries)
    if has_active:
        plan.warnings.append(
            "The product already had an active baseline; the imported one "
            "was added but not made the one compared"
        )
