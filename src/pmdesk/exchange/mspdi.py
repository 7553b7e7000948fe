"""MS Project XML (MSPDI) in and out of the roadmap: tasks, outline, links, progress, baseline.

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
* Dates: the day of ``Start``; the inclusive end day is the day of ``Finish``,
  except that a finish at or before the start of the working day (Project's
  "08:00 the next morning") ends on the previous working day. A task with neither
  ``Start`` nor ``Finish`` is scheduled: it starts when its links allow, no earlier
  than the project's ``StartDate``, and lasts its ``Duration`` in working days (one
  day when it has none); with only one of them, the other is counted from that
  duration, with a warning.
* ``PredecessorLink`` keeps its type (0=FF, 1=FS, 2=SF, 3=SS) and its lag.
  ``LinkLag`` is in tenths of a minute. ``LagFormat`` says the unit and whether it
  is elapsed or working time: 3 m, 4 em, 5 h, 6 eh, 7 d, 8 ed, 9 w, 10 ew, 11 mo,
  12 emo, 19 %, 20 e% (plus 32: the same, estimated). Elapsed lags count 24-hour
  days (14 400 tenths). pmdesk counts lags in calendar days and has no working
  calendar (no new column for the unit), so **a working-time lag becomes the
  calendar days it spans on a Monday-to-Friday week**, counted from the day the
  link measures from (the day after the predecessor's finish for FS and FF, its
  start for SS and SF), a weekend day rolling on to Monday first: "2 working days"
  after a Friday finish are Monday and Tuesday, so the successor starts on
  Wednesday, a lag of 4 days. A working day is the project's ``MinutesPerDay``
  (from the file, else its calendar's working hours, else 8 hours = 4 800
  tenths), whatever unit the lag is shown in (a working week of 24 000 tenths is 5
  working days). A percent lag (19, 20) is that share of the predecessor's
  duration: its ``Duration`` in working days for 19 (then converted as above), its
  calendar days for 20. The import result lists the links whose working-time lags
  span a weekend (and so became more calendar days); a lag that is not a whole
  number of days (4 hours) is rounded, and one warning lists those links (half a
  day rounds away from zero). pmdesk writes every lag back as elapsed
  days (``LagFormat`` 8), so its own export imports back unchanged. pmdesk keeps
  one link per pair of items: a second link between the same two tasks is skipped
  with a warning.
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

import contextlib
import datetime as dt
import gc
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.enums import DependencyType, LaneKind
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.scheduling import Link as ScheduleLink
from pmdesk.core.scheduling import topological_order
from pmdesk.core.validation import RULES, check_bounds
from pmdesk.store.models import Baseline, BaselineEntry, Dependency, Lane, Product, RoadmapItem
from pmdesk.store.services.base import Repo

from .importing import (
    ImportRefused,
    ImportResult,
    RowError,
    clean_fields,
    column_defaults,
    insert,
)
from .mspdi_read import (
    Link,
    Project,
    Task,
    calendar_lag,
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
    from pmdesk.store.workspace import UnitOfWork, Workspace

__all__ = ["export_mspdi", "import_mspdi", "read_mspdi"]

MAX_LAG_DAYS = 36_525  # a century: anything longer is a broken file, not a plan
LANE_NAME_MAX = Lane.__table__.c.name.type.length
ITEM_NAME_MAX = RoadmapItem.__table__.c.name.type.length
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
class _Plan:
    lanes: dict[str, dict[str, Any]] = field(default_factory=dict)  # casefolded name -> fields
    items: list[_Item] = field(default_factory=list)
    links: list[tuple[int, int, DependencyType, int]] = field(default_factory=list)
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
    with _no_cycle_collection():
        project = read_mspdi(
            source, strict=False, progress=lambda done, total: report(done * READ_SHARE // total)
        )
        plan = _plan(ws, project)
        report(PLAN_SHARE)
        errors = project.errors + plan.errors
        if errors:
            raise ImportRefused(sorted(errors, key=_task_order), "MS Project file")
        name = baseline_name or f"MS Project baseline ({project.name})"
        result = _write(ws, plan, product_id, name, report)
    result.warnings = project.warnings + plan.warnings
    report(100)
    return result


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading makes hundreds of thousands of objects and no reference cycles; Python's
    cycle collector would scan them over and over (a third of a large import's time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _plan(ws: Workspace, project: Project) -> _Plan:
    plan = _Plan()
    tasks, placed = _place(plan, Repo(ws, Lane), project)
    links = _plan_links(plan, project, tasks, placed)
    if not _schedule_and_lag(plan, project, tasks, placed, links):
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
            _add_baseline_entry(plan, task)
    plan.items = list(placed.values())
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


def _add_baseline_entry(plan: _Plan, task: Task) -> None:
    start, end = task.baseline
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
) -> bool:
    """Each link's lag in calendar days, and dates for the tasks the file gave none.

    Tasks are taken in link order, so a predecessor has its dates before its
    successors' lags are counted from them.
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
    converted: list[str] = []
    rounded: list[str] = []
    for uid in order:
        task = tasks[uid]
        lags = []
        for pred, link in incoming.get(uid, []):
            days = _lag(plan, project, pred, task, link, converted, rounded)
            if days is not None:
                lags.append((pred, link.type, days))
                plan.links.append((pred.uid, uid, link.type, days))
        if task.start is None or task.end is None:
            _schedule(task, lags, default_start, project.minutes_per_day)
    if converted:
        one = len(converted) == 1
        plan.warnings.append(
            f"{_count(len(converted), 'link')}: working-time "
            f"{'lag was' if one else 'lags were'} converted to the calendar days "
            f"{'it spans' if one else 'they span'} on a Monday-to-Friday week: "
            f"{_listed(converted)}"
        )
    if rounded:
        plan.warnings.append(
            f"{_count(len(rounded), 'link')}: {'its lag was' if len(rounded) == 1 else 'lags were'}"
            f" rounded to whole days: {_listed(rounded)}"
        )
    return True


def _lag(plan, project, pred: Task, task: Task, link: Link, converted, rounded) -> int | None:
    """The link's lag in calendar days; None (with an error) when it is absurdly long."""
    exact, working = lag_in_days(link, project.minutes_per_day, pred)
    days = int(math.copysign(math.floor(abs(exact) + 0.5), exact))  # half a day rounds away
    what = f"{pred.label} → {task.label}"
    if abs(days) > MAX_LAG_DAYS:
        message = f"the lag of its link from {pred.label} is more than 100 years"
        plan.errors.append(RowError(None, message, header=task.label))
        return None
    if abs(exact - days) > 1e-9:
        unit = "working day" if working else "day"
        rounded.append(f"{what} ({exact:g} → {_count(days, unit)})")
    if working and days:
        calendar = calendar_lag(_anchor(pred, link.type), days)
        if calendar != days:  # a weekend in between
            converted.append(f"{what} ({_count(days, 'working day')} → {_count(calendar, 'day')})")
        days = calendar
    return days


def _anchor(pred: Task, kind: DependencyType) -> dt.date:
    """The day a link counts its lag from: after the predecessor's finish, or its start."""
    if kind in (DependencyType.FINISH_TO_START, DependencyType.FINISH_TO_FINISH):
        return pred.start if pred.milestone else pred.end + dt.timedelta(days=1)
    return pred.start


def _schedule(task: Task, lags: list, default_start: dt.date, minutes_per_day: int) -> None:
    """Dates for a task the file gave no start or no finish: the one it gave stays, the other
    is counted from its duration; with neither, it starts as early as its links and the
    project allow."""
    if task.milestone:
        length = 0
    else:
        length = max(math.ceil((task.work_minutes or 0) / minutes_per_day - 1e-9), 1)
    if task.start is not None:
        start = task.start.toordinal()
    elif task.end is not None:
        start = task.end.toordinal() - max(length - 1, 0)
    else:
        start = default_start.toordinal()
        for pred, kind, lag in lags:
            first = pred.start.toordinal()
            finish = first if pred.milestone else pred.end.toordinal() + 1
            start = max(
                start,
                {
                    DependencyType.FINISH_TO_START: finish + lag,
                    DependencyType.START_TO_START: first + lag,
                    DependencyType.FINISH_TO_FINISH: finish + lag - length,
                    DependencyType.START_TO_FINISH: first + lag - length,
                }[kind],
            )
    task.start = dt.date.fromordinal(start)
    task.end = dt.date.fromordinal(start + max(length - 1, 0))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if abs(number) == 1 else "s")


def _listed(labels: list[str], shown: int = 10) -> str:
    more = len(labels) - shown
    return "; ".join(labels[:shown]) + (f"; and {more} more" if more > 0 else "")


def _note_resources(plan: _Plan, project: Project) -> None:
    if project.resources or project.assignments:
        plan.warnings.append(
            f"{_count(project.resources, 'resource')} and "
            f"{_count(project.assignments, 'assignment')} not imported: a roadmap item has "
            "no owner or assignee"
        )


# -- writing: one executemany per table, in one transaction ----------------------------


def _write(
    ws: Workspace, plan: _Plan, product_id: int, baseline_name: str, report: _Reporter
) -> ImportResult:
    result = ImportResult()
    with ws.transaction() as uow:
        lane_ids = _write_lanes(uow, plan, product_id, result)
        item_ids = _write_items(uow, plan, product_id, lane_ids, result, report)
        links = [
            {"predecessor_id": item_ids[p], "successor_id": item_ids[s], "type": k, "lag_days": lag}
            for p, s, k, lag in plan.links
        ]
        _insert_rows(uow, result, Dependency, links)
        if plan.baseline:
            _write_baseline(uow, plan, product_id, item_ids, baseline_name, result)
    return result


def _insert_rows(uow: UnitOfWork, result: ImportResult, model: type, rows: list[dict]) -> list:
    """Insert many rows with one executemany (no ORM objects); their ids, in row order.

    In a file the import's transaction is the only writer, so the ids are chosen
    here, after the largest one, and the rows go in with one fast executemany; a
    team server, where others insert too, hands out the ids itself (RETURNING).
    """
    if not rows:
        return []
    table = model.__table__
    session = uow.session
    if session.get_bind().dialect.name == "sqlite":
        first = (session.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        session.execute(
            sa.insert(table), [row | {"id": n} for row, n in zip(rows, ids, strict=True)]
        )
    else:
        statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids = list(session.execute(statement, rows).scalars())
    result.created.setdefault(table.name, []).extend(ids)
    uow.record(table.name, "insert", ids)
    uow.wrote_rows(table, ids)
    return ids


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
        ids = _insert_rows(uow, result, RoadmapItem, rows)
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
    uow.session.execute(sa.insert(BaselineEntry), entries)
    uow.record("baseline_entry", "insert", [baseline_id])
    if has_active:
        plan.warnings.append(
            "The product already had an active baseline; the imported one "
            "was added but not made the one compared"
        )
