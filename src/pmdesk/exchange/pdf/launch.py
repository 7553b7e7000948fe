"""The launch plan: is the organisation ready, who does what by when, and how we will know."""

from __future__ import annotations

import datetime as dt

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from pmdesk.core.enums import ItemKind, ItemStatus, LaunchFunction, Quadrant, TaskStatus
from pmdesk.core.errors import PmdeskError
from pmdesk.core.launch import TaskFacts, readiness, relative_label, resolve_due
from pmdesk.core.launch_plan import positioning_statement
from pmdesk.core.stakeholders import quadrant
from pmdesk.core.wording import describe_days, long_date, plural, short_date
from pmdesk.store.models import Launch, LaunchTask
from pmdesk.store.services import LaunchService, StakeholderService

from .charts import hbars
from .components import Cover, Plain, Tile, bullets, key_values, note, spacer, table, tiles
from .gantt import (
    COMPACT,
    ChartData,
    ChartItem,
    ChartLane,
    GanttChart,
    fit_scale,
    label_room,
    month_bounds,
)
from .job import Document, Job
from .markup import Paragraph, escape, para
from .metrics import chart_grid, metric_table, summaries
from .risks import risk_section
from .template import BODY, WIDE, Numbering
from .theme import (
    ACCENT,
    BAD,
    GOOD,
    PALETTE,
    PRIMARY,
    TASK_STATUS_COLOURS,
    Styles,
)

LABEL = "Launch plan"
SECTIONS = {
    "summary": "Launch summary",
    "positioning": "Positioning and messages",
    "segments": "Segments, price and channels",
    "checklist": "Launch checklist",
    "timeline": "Launch timeline",
    "communication": "Stakeholder communication plan",
    "metrics": "Success metrics",
    "risks": "Risks",
}
TIERS = {1: "Tier 1 · major", 2: "Tier 2 · standard", 3: "Tier 3 · minor"}


def pick_launch(job: Job) -> Launch:
    """The launch asked for, else the next one to come, else the latest."""
    service = job.service(LaunchService)
    if job.options.launch_id is not None:
        launch = service.launches.get(job.options.launch_id)
        if launch.product_id != job.subject.id:
            raise PmdeskError("That launch belongs to another product")
        return launch
    launches = service.launches_of(job.subject.id)
    if not launches:
        raise PmdeskError(f"{job.subject.name} has no launch plan yet; create one first")
    upcoming = [la for la in launches if la.launch_date >= job.options.on()]
    return upcoming[0] if upcoming else launches[-1]


def make(job: Job) -> Document:
    launch = pick_launch(job)
    job.describe(LABEL)
    service = job.service(LaunchService)
    tasks = service.tasks_of(launch.id)
    people = {p.id: p for p in job.service(StakeholderService).stakeholders_of(job.subject.id)}
    job.progress.step()
    numbering = Numbering()
    story: list[Flowable] = [_cover(job, launch, tasks), NextPageTemplate(BODY), PageBreak()]
    builders = {
        "summary": lambda: _summary(job, launch, tasks, numbering),
        "positioning": lambda: _positioning(job, launch, numbering),
        "segments": lambda: _segments(job, launch, numbering),
        "checklist": lambda: _checklist(job, launch, tasks, people, numbering),
        "timeline": lambda: _timeline(job, launch, tasks, numbering),
        "communication": lambda: _communication(job, people, numbering),
        "metrics": lambda: _metrics(job, launch, numbering),
        "risks": lambda: [numbering.heading(SECTIONS["risks"]), *risk_section(job)],
    }
    for key, build in builders.items():
        if job.options.wants(key):
            story += build()
        job.progress.step()
    return Document(story, cover=True)


def _due(task: LaunchTask, launch: Launch) -> dt.date | None:
    return resolve_due(task.due_date, task.due_offset_days, launch.launch_date)


def _readiness(tasks: list[LaunchTask], launch: Launch):
    """The same readiness the Launch view shows (core.launch.readiness)."""
    return readiness(TaskFacts(t.function, t.status, _due(t, launch)) for t in tasks)


def _readiness_text(tasks: list[LaunchTask], launch: Launch) -> tuple[str, str]:
    overall, _ = _readiness(tasks, launch)
    value = f"{overall.percent:.0f}%" if overall.counted else "—"
    return value, f"{overall.done} of {plural(overall.counted, 'task')} done"


def _cover(job: Job, launch: Launch, tasks: list[LaunchTask]) -> Cover:
    value, detail = _readiness_text(tasks, launch)
    facts = [
        ("Launch date", long_date(launch.launch_date)),
        ("Tier", TIERS.get(launch.tier, str(launch.tier))),
        ("Readiness", f"{value} · {detail}"),
        ("Product owner", job.subject.owner or "—"),
        ("Stage", job.subject.stage.label),
        ("Date", long_date(job.options.on())),
    ]
    return Cover(job.info, launch.name, job.subject.name, facts, job.page)


def _summary(job, launch, tasks, numbering) -> list[Flowable]:
    today = job.options.on()
    days = (launch.launch_date - today).days
    when = f"in {describe_days(days)}" if days > 0 else describe_days(days)
    value, detail = _readiness_text(tasks, launch)
    overdue = [
        t
        for t in tasks
        if t.status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
        and (_due(t, launch) or dt.date.max) < today
    ]
    blocked = sum(t.status is TaskStatus.BLOCKED for t in tasks)
    out: list[Flowable] = [
        numbering.heading(SECTIONS["summary"]),
        tiles(
            [
                Tile("Launch date", short_date(launch.launch_date), when),
                Tile("Tier", f"Tier {launch.tier}", TIERS.get(launch.tier, "").split("· ")[-1]),
                Tile("Readiness", value, detail, GOOD if value == "100%" else ACCENT),
                Tile("Overdue", str(len(overdue)), f"{blocked} blocked", BAD if overdue else GOOD),
            ],
            job.width,
        ),
        spacer(12),
    ]
    _, by_function = _readiness(tasks, launch)
    if by_function:
        ordered = [(f, by_function[f]) for f in LaunchFunction if f in by_function]
        rows = [(f.label, part.percent, f"{part.done}/{part.counted} done") for f, part in ordered]
        out += [numbering.sub("Readiness by function"), hbars(rows, job.width)]
    return out


def _positioning(job, launch, numbering) -> list[Flowable]:
    statement = positioning_statement(
        job.subject.name,
        launch.pos_target,
        launch.pos_need,
        launch.pos_category,
        launch.pos_benefit,
        launch.pos_alternative,
        launch.pos_differentiator,
    )
    out: list[Flowable] = [
        numbering.heading(SECTIONS["positioning"]),
        para(statement, Styles.quote),
    ]
    messages = job.service(LaunchService).messages_of(launch.id)
    out.append(numbering.sub("Key messages by audience"))
    if not messages:
        return out + [note("No key messages yet.")]
    grouped: dict[str, list[str]] = {}
    for message in messages:
        grouped.setdefault(message.audience, []).append(message.message)
    rows = [
        [para(audience, Styles.cell_bold), bullets(texts, Styles.bullet_cell)]
        for audience, texts in grouped.items()
    ]
    return out + [table(["Audience", "Messages"], rows, [0.26, 0.74], total_width=job.width)]


def _segments(job, launch, numbering) -> list[Flowable]:
    def lines(text: str) -> list[Flowable] | str:
        items = [line.strip(" -•*\t") for line in text.splitlines() if line.strip()]
        if len(items) <= 1:
            return items[0] if items else "—"
        return bullets(items, Styles.bullet_cell)

    return [
        numbering.heading(SECTIONS["segments"]),
        key_values(
            [
                ("Segments", lines(launch.segments)),
                ("Price", lines(launch.price)),
                ("Channels", lines(launch.channels)),
            ],
            job.width,
            label_share=0.2,
        ),
    ]


def _checklist(job, launch, tasks, people, numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["checklist"])]
    if not tasks:
        return out + [note("No launch tasks yet.")]
    today = job.options.on()
    for function in LaunchFunction:
        mine = sorted(
            (t for t in tasks if t.function is function),
            key=lambda t: (_due(t, launch) or dt.date.max, t.position),
        )
        if not mine:
            continue
        counted = [t for t in mine if t.status is not TaskStatus.NOT_APPLICABLE]
        done = sum(t.status is TaskStatus.DONE for t in counted)
        out.append(numbering.sub(f"{function.label} · {done} of {len(counted)} done"))
        rows = []
        for task in mine:
            due = _due(task, launch)
            late = (
                due is not None
                and due < today
                and task.status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)
            )
            when = short_date(due) if due else "—"
            if task.due_offset_days is not None:
                when += f" ({relative_label(task.due_offset_days)})"
            owner = people[task.owner_id].name if task.owner_id in people else ""
            what = [para(task.title, Styles.cell)]
            if task.notes.strip():
                what.append(para(task.notes, Styles.cell_muted))
            status = "Overdue" if late else task.status.label
            colour = BAD if late else TASK_STATUS_COLOURS[task.status]
            rows.append(
                [
                    what,
                    owner,
                    Plain(when, colour=BAD if late else None),
                    Plain(status, colour=colour, bold=True),
                ]
            )
        out.append(
            table(
                ["Task", "Owner", "Due", "Status"],
                rows,
                [0.44, 0.19, 0.22, 0.15],
                total_width=job.width,
            )
        )
    return out


def _timeline(job, launch, tasks, numbering) -> list[Flowable]:
    dated = [(t, due) for t in tasks if (due := _due(t, launch)) is not None]
    heading = numbering.heading(SECTIONS["timeline"])
    if not dated:
        return [heading, note("No dated launch tasks to chart.")]
    functions = [f for f in LaunchFunction if any(t.function is f for t, _ in dated)]
    lanes = [ChartLane(i, f.label, PALETTE[i % len(PALETTE)]) for i, f in enumerate(functions)]
    lane_of = {f: i for i, f in enumerate(functions)}
    first = min([d for _, d in dated] + [launch.launch_date])
    last = max([d for _, d in dated] + [launch.launch_date])
    start, end = month_bounds(first, last)
    width, label_width = job.wide_width, 96.0
    px = fit_scale(start, end, width, label_width)
    items = [
        ChartItem(
            t.id,
            lane_of[t.function],
            t.title,
            ItemKind.MILESTONE,
            d,
            d,
            status=ItemStatus.DONE if t.status is TaskStatus.DONE else ItemStatus.PLANNED,
            colour=TASK_STATUS_COLOURS[t.status],
            label_room_days=label_room(t.title, px),
        )
        for t, d in dated
    ]
    data = ChartData(
        lanes, items, today=job.options.on(), markers=[(launch.launch_date, "Launch", PRIMARY)]
    )
    chart = GanttChart(data, start, end, px, label_width, COMPACT)
    out: list[Flowable] = [NextPageTemplate(WIDE), PageBreak(), heading]
    for index, (_piece, _band, drawing) in enumerate(chart.drawings(width, job.wide_height - 60)):
        if index:
            out.append(PageBreak())
        out.append(drawing)
    legend = "  ·  ".join(
        f'<font color="#{TASK_STATUS_COLOURS[s].hexval()[2:]}">◆</font> {escape(s.label)}'
        for s in TaskStatus
    )
    out += [spacer(6), Paragraph(legend, Styles.small), NextPageTemplate(BODY), PageBreak()]
    return out


def _communication(job, people, numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["communication"])]
    if not people:
        return out + [note("No stakeholders recorded yet.")]
    order = list(Quadrant)
    ranked = sorted(
        people.values(),
        key=lambda p: (
            order.index(quadrant(p.power, p.interest)),
            p.next_contact or dt.date.max,
            p.name,
        ),
    )
    today = job.options.on()
    rows = []
    for p in ranked:
        late = p.next_contact is not None and p.next_contact < today
        rows.append(
            [
                [para(p.name, Styles.cell_bold), para(p.role, Styles.cell_muted)],
                Plain(quadrant(p.power, p.interest).label),
                p.comm_channel or "—",
                Plain(p.comm_frequency.label),
                Plain(short_date(p.next_contact) or "—", colour=BAD if late else None),
                p.comm_owner,
            ]
        )
    return out + [
        table(
            ["Stakeholder", "Strategy", "Channel", "Frequency", "Next contact", "Owner"],
            rows,
            [0.25, 0.15, 0.18, 0.11, 0.13, 0.18],
            total_width=job.width,
        )
    ]


def _metrics(job, launch, numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["metrics"])]
    targets = [line.strip(" -•*\t") for line in launch.success_metrics.splitlines()]
    if any(targets):
        out += [numbering.sub("Targets for this launch"), *bullets(targets, symbol="◎")]
    items = summaries(job.ws, job.subject.id)
    if items:
        out += [numbering.sub("Tracked metrics"), metric_table(items, job.width), spacer(10)]
        grid = chart_grid(items[:4], job.width)
        if grid is not None:
            out.append(grid)
    elif not any(targets):
        out.append(note("No success metrics defined yet."))
    return out
