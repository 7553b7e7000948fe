"""MS Project XML (MSPDI) in and out of the roadmap: tasks, outline, links, progress, baseline.

:func:`import_mspdi` reads a file into one product's roadmap (all or nothing);
:func:`export_mspdi` (see :mod:`.mspdi_write`) writes a product's roadmap as a
file that Project and ProjectLibre open and that imports back identically.

How an MSPDI file maps onto a product's roadmap:

* The project summary task (outline level 0) and blank rows (``IsNull``) are skipped.
* A top-level **summary** task becomes a **lane** (reused when the product already
  has a lane of that name). Top-level tasks that are not summaries go into one
  lane named after the project (its ``Title``, else its ``Name``).
* Every other task becomes a **roadmap item**; a summary task below the top
  level becomes a *parent item* (``parent_id``) of the tasks it contains.
  Milestones stay milestones, other summaries become initiatives, the rest
  features. ``PercentComplete`` becomes progress (and the status: done at 100,
  in progress above 0), ``Notes`` the notes.
* Dates: the day of ``Start``; the inclusive end day is the day of ``Finish``,
  except that a finish at or before the start of the working day (Project's
  "08:00 the next morning") ends on the previous working day.
* ``PredecessorLink`` keeps its type (0=FF, 1=FS, 2=SF, 3=SS) and its lag.
  ``LinkLag`` is in tenths of a minute. For elapsed formats (``LagFormat``
  4, 6, 8, 10, 12 and their estimated twins) a day is 24 hours (14 400 tenths);
  for working-time formats a day is the project's ``MinutesPerDay`` (from the
  file, else from its calendar's working hours, else 8 hours = 4 800 tenths) —
  whatever unit the lag is displayed in (a working week of 24 000 tenths is 5
  days). Percent formats (19, 20, 51, 52) are a share of the predecessor's
  length. pmdesk counts lags in calendar days and has no working calendar, so
  *N working days become N days*; anything not a whole number of days is
  rounded, with a warning.
* Baseline number 0 (``Baseline/Number = 0``) becomes a pmdesk baseline with
  each item's baseline start and finish; when only one of them is given the
  other is derived from the baseline duration, else from the task's own
  length. Baselines 1 to 10 are not read.
* pmdesk's own exports carry what MSPDI has no field for (item kind, status,
  horizon, lane kind and colour) in the custom text fields Text1 to Text4,
  named "pmdesk …"; other files simply do not have them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.enums import DependencyType, LaneKind
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.scheduling import Link as ScheduleLink
from pmdesk.core.scheduling import topological_order
from pmdesk.store.models import Baseline, BaselineEntry, Dependency, Lane, Product, RoadmapItem
from pmdesk.store.services.base import Repo

from .importing import ImportRefused, ImportResult, RowError, clean_fields, insert, insert_many
from .mspdi_read import (
    Project,
    Task,
    is_lane,
    item_horizon,
    item_kind,
    item_status,
    lag_days,
    lane_kind,
    read_mspdi,
)
from .mspdi_write import export_mspdi

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

__all__ = ["export_mspdi", "import_mspdi", "read_mspdi"]

MAX_LAG_DAYS = 36_525  # a century: anything longer is a broken file, not a plan


@dataclass
class _Item:
    uid: int
    lane: str  # key into _Plan.lanes
    parent_uid: int | None
    fields: dict[str, Any]


@dataclass
class _Plan:
    lanes: dict[str, dict[str, Any]] = field(default_factory=dict)  # casefolded name -> fields
    items: list[_Item] = field(default_factory=list)
    links: list[tuple[int, int, DependencyType, int]] = field(default_factory=list)
    baseline: list[tuple[int, Any, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_mspdi(
    ws: Workspace, source: bytes | str | Path, *, product_id: int, baseline_name: str = ""
) -> ImportResult:
    """Import an MSPDI file into one product's roadmap, all or nothing, in one transaction.

    Raises ImportFileError (unreadable or unsafe file), ImportRefused (every
    problem found, by task) or NotFoundError (no such product); on any of them
    the workspace is unchanged.
    """
    project = read_mspdi(source, strict=False)
    with ws.read() as session:
        if session.get(Product, product_id) is None:
            raise NotFoundError("product", product_id)
    plan = _plan(ws, project)
    errors = project.errors + plan.errors
    if errors:
        raise ImportRefused(sorted(errors, key=_task_order), "MS Project file")
    result = _write(ws, plan, product_id, baseline_name or f"MS Project baseline ({project.name})")
    result.warnings = project.warnings + plan.warnings
    return result


def _task_order(error: RowError) -> tuple[int, str]:
    """Problems in the order of the tasks they are about ("Task 12 …" after "Task 2 …")."""
    words = error.header.split(" ")
    number = words[1] if len(words) > 1 and words[0] == "Task" else ""
    return (int(number) if number.isdigit() else 10**9, error.header)


def _plan(ws: Workspace, project: Project) -> _Plan:
    plan = _Plan()
    lanes_repo, items_repo = Repo(ws, Lane), Repo(ws, RoadmapItem)
    lane_of: dict[int, str] = {}  # lane task uid -> lane key
    item_lane: dict[int, str] = {}  # item uid -> lane key
    tasks: dict[int, Task] = {}
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
            continue
        parent = stack[-2] if len(stack) > 1 else None
        if parent is None:
            lane, parent_uid = _add_lane(plan, lanes_repo, project.name, None), None
        elif parent.uid in lane_of:
            lane, parent_uid = lane_of[parent.uid], None
        else:
            lane, parent_uid = item_lane[parent.uid], parent.uid
        item_lane[task.uid] = lane
        fields = {
            "name": task.name,
            "kind": item_kind(task),
            "start_date": task.start,
            "end_date": task.end,
            "progress": task.percent,
            "status": item_status(task),
            "horizon": item_horizon(task),
            "notes": task.notes,
        }
        full, problems = clean_fields(items_repo, fields)
        plan.errors += [RowError(None, str(p), header=task.label) for p in problems]
        plan.items.append(_Item(task.uid, lane, parent_uid, full))
        if task.baseline is not None:
            _add_baseline_entry(plan, task)
    _plan_links(plan, project, tasks, item_lane)
    return plan


def _add_lane(plan: _Plan, repo: Repo, name: str, task: Task | None) -> str:
    key = name.strip().casefold()
    if key not in plan.lanes:
        kind = (lane_kind(task) if task else None) or LaneKind.THEME
        colour = task.pmdesk.get("colour", "") if task else ""
        full, problems = clean_fields(repo, {"name": name, "kind": kind, "colour": colour})
        label = task.label if task else f"Lane “{name}”"
        plan.errors += [RowError(None, str(p), header=label) for p in problems]
        plan.lanes[key] = full
    return key


def _add_baseline_entry(plan: _Plan, task: Task) -> None:
    start, end = task.baseline
    if end < start:
        plan.warnings.append(f"{task.label}: its baseline ends before it starts; not imported")
    else:
        plan.baseline.append((task.uid, start, end))


def _plan_links(plan: _Plan, project: Project, tasks: dict[int, Task], items: dict) -> None:
    seen: set[tuple[int, int]] = set()
    for task in project.tasks:
        if task.uid not in items or tasks.get(task.uid) is not task:
            continue
        for link in task.links:
            pred = tasks.get(link.predecessor_uid)
            pair = (link.predecessor_uid, task.uid)
            if pred is None or pred.uid not in items:
                what = "a lane (summary task)" if pred else "a task not in this file"
                plan.warnings.append(f"{task.label}: its link from {what} was not imported")
                continue
            if pair in seen or pred.uid == task.uid:
                plan.warnings.append(f"{task.label}: a repeated link from {pred.label} was skipped")
                continue
            seen.add(pair)
            days, rounded = lag_days(link, project.minutes_per_day, pred.days)
            if abs(days) > MAX_LAG_DAYS:
                message = f"the lag of its link from {pred.label} is more than 100 years"
                plan.errors.append(RowError(None, message, header=task.label))
                continue
            if rounded:
                plan.warnings.append(
                    f"{task.label}: the lag of its link from {pred.label} "
                    f"was rounded to {days} days"
                )
            plan.links.append((pred.uid, task.uid, link.type, days))
    try:
        names = {t.uid: t.name for t in tasks.values()}
        links = [ScheduleLink(p, s, kind, lag) for p, s, kind, lag in plan.links]
        topological_order(list(items), links, names)
    except ValidationError as exc:
        plan.errors.append(RowError(None, exc.reason, header="Links"))


def _write(ws: Workspace, plan: _Plan, product_id: int, baseline_name: str) -> ImportResult:
    result = ImportResult()
    with ws.transaction() as uow:
        lane_ids = _write_lanes(uow, plan, product_id, result)
        item_ids = _write_items(uow, plan, product_id, lane_ids, result)
        links = [
            {"predecessor_id": item_ids[p], "successor_id": item_ids[s], "type": k, "lag_days": lag}
            for p, s, k, lag in plan.links
        ]
        insert_many(uow, result, Dependency, links)
        if plan.baseline:
            _write_baseline(uow, plan, product_id, item_ids, baseline_name, result)
    return result


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


def _write_items(uow, plan: _Plan, product_id: int, lane_ids, result) -> dict[int, int]:
    """Item ids by task UID; one batch per outline depth, so parents exist before children."""
    depth: dict[int, int] = {}
    for item in plan.items:
        depth[item.uid] = 0 if item.parent_uid is None else depth[item.parent_uid] + 1
    item_ids: dict[int, int] = {}
    order = {item.uid: n for n, item in enumerate(plan.items)}
    for level in sorted(set(depth.values())):
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
        item_ids |= dict(
            zip([i.uid for i in batch], insert_many(uow, result, RoadmapItem, rows), strict=True)
        )
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
