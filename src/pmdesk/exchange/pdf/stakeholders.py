"""The stakeholder map: the power/interest grid, the register and the RACI matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, Rect
from reportlab.platypus import Flowable, PageBreak

from pmdesk.core.communication import raci_problems
from pmdesk.core.enums import Attitude, Quadrant, RaciActivity, RaciRole
from pmdesk.core.label_layout import Box, LabelRequest, layout_labels, short_name
from pmdesk.core.palette import (
    GLYPH_NAMES,
    QUADRANT_NAMES,
    RACI_COLOURS,
    quadrant_tint,
    raci_ink,
)
from pmdesk.core.stakeholders import MIDPOINT, quadrant
from pmdesk.core.wording import plural, short_date
from pmdesk.store.models import Stakeholder
from pmdesk.store.services import LaunchService, RequirementService, StakeholderService

from .charts import glyph, legend_row
from .components import Plain, RotatedLabel, note, spacer, table
from .fonts import string_width
from .job import Document, Job
from .markup import colour, escape, para
from .template import Heading, Numbering
from .textdraw import text_shapes
from .theme import (
    ATTITUDE_COLOURS,
    BAD,
    GOOD,
    INK,
    MUTED,
    PRIMARY,
    RULE,
    WHITE,
    Styles,
    css,
    hex_colour,
)

LABEL = "Stakeholder map"
SECTIONS = {
    "map": "Power / interest map",
    "register": "Stakeholder register",
    "raci": "RACI matrix",
}
RACI_COLUMNS = 9
LABEL_SIZE, LABEL_MAX = 7.0, 110.0  # names on the map: points, widest before eliding


def make(job: Job) -> Document:
    job.page = job.options.page_size("", "landscape")
    job.describe(LABEL)
    people = job.service(StakeholderService).stakeholders_of(job.subject.id)
    job.progress.step()
    numbering = Numbering()
    story: list[Flowable] = [
        Heading(f"{job.subject.name} — stakeholders", 0, style=Styles.title, contents=False),
        para(
            f"As of {short_date(job.options.on())} · {plural(len(people), 'stakeholder')}",
            Styles.subtitle,
        ),
    ]
    if not people:
        return Document(story + [note("No stakeholders recorded yet.")])
    parts = [
        ("map", lambda: _map(job, people, numbering)),
        ("register", lambda: _register(job, people, numbering)),
        ("raci", lambda: _raci(job, people, numbering)),
    ]
    first = True
    for key, build in parts:
        if job.options.wants(key):
            if not first:
                story.append(PageBreak())
            story += build()
            first = False
        job.progress.step()
    return Document(story)


def _map(job: Job, people: list[Stakeholder], numbering: Numbering) -> list[Flowable]:
    size = min(job.width * 0.62, job.height - 150)
    grid, crowded = power_interest_grid(people, job.width, size)
    if crowded:  # make room under the map for the names behind the badges, on the same page
        lines = string_width(_crowded_text(crowded), 8) / job.width + 1
        grid, crowded = power_interest_grid(people, job.width, size - 11 * int(lines) - 8)
    entries = [(ATTITUDE_COLOURS[a], a.label, GLYPH_NAMES[a]) for a in Attitude]
    out = [
        numbering.heading(SECTIONS["map"]),
        grid,
        spacer(4),
        legend_row(entries + [(MUTED, "Dashed arrow: where we want them")], job.width),
    ]
    if crowded:
        out += [spacer(4), note(_crowded_text(crowded))]
    return out


def _crowded_text(crowded: list[list[str]]) -> str:
    groups = "; ".join(f"+{len(names)}: {', '.join(names)}" for names in crowded)
    return f"Crowded spots show a count instead of names — {groups}."


def quadrant_colour(quad: Quadrant):
    """A quadrant's fill on paper: the screen's tint (core.palette) of navy over white."""
    return hex_colour(quadrant_tint(quad, "#FFFFFF", css(PRIMARY)))


def power_interest_grid(
    people: Sequence[Stakeholder], width: float, size: float
) -> tuple[Drawing, list[list[str]]]:
    """Interest across, power up, 0-10; token size is importance, colour is attitude.

    Also returns the names behind each "+n" badge of a crowded spot, to list them.
    """
    d = Drawing(width, size + 24)
    left = (width - size) / 2
    bottom = 18.0

    def at(interest: float, power: float) -> tuple[float, float]:
        return left + interest / 10 * size, bottom + power / 10 * size

    mid_x, mid_y = at(MIDPOINT, MIDPOINT)
    fills = {quad: quadrant_colour(quad) for quad in Quadrant}
    quads = {
        Quadrant.KEEP_SATISFIED: (left, mid_y, mid_x - left, bottom + size - mid_y),
        Quadrant.MANAGE_CLOSELY: (mid_x, mid_y, left + size - mid_x, bottom + size - mid_y),
        Quadrant.MONITOR: (left, bottom, mid_x - left, mid_y - bottom),
        Quadrant.KEEP_INFORMED: (mid_x, bottom, left + size - mid_x, mid_y - bottom),
    }
    for quad, (x, y, w, h) in quads.items():
        d.add(Rect(x, y, w, h, fillColor=fills[quad], strokeColor=RULE, strokeWidth=0.6))
        count = sum(quadrant(p.power, p.interest) is quad for p in people)
        anchor_x = x + 8 if x == left else x + w - 8
        anchor = "start" if x == left else "end"
        title = f"{QUADRANT_NAMES[quad].upper()}  ·  {count}"
        for shape in text_shapes(
            anchor_x,
            y + h - 14,
            title,
            7.5,
            bold=True,
            anchor=anchor,
            colour=PRIMARY if quad is Quadrant.MANAGE_CLOSELY else MUTED,
        ):
            d.add(shape)
    for shape in text_shapes(
        left + size / 2, bottom - 12, "Interest →", 7.5, anchor="middle", colour=MUTED, bold=True
    ):
        d.add(shape)
    title = Group(*text_shapes(0, 0, "Power →", 7.5, anchor="middle", colour=MUTED, bold=True))
    title.transform = (0, 1, -1, 0, left - 6, bottom + size / 2)
    d.add(title)
    blocked = [
        (x + (w - 150 if x != left else 0), y + h - 18, x + (w if x != left else 150), y + h)
        for x, y, w, h in quads.values()
    ]
    blocked += _arrows(d, people, at)
    crowded = _tokens(d, people, at, (left, bottom, left + size, bottom + size), blocked)
    return d, crowded


def _arrows(d: Drawing, people, at) -> list[tuple[float, float, float, float]]:
    """Dashed arrows to desired positions; returns their boxes so names avoid them."""
    boxes = []
    for p in people:
        if p.desired_power is None or p.desired_interest is None:
            continue
        (x0, y0), (x1, y1) = at(p.interest, p.power), at(p.desired_interest, p.desired_power)
        if abs(x1 - x0) + abs(y1 - y0) < 4:
            continue
        d.add(Line(x0, y0, x1, y1, strokeColor=MUTED, strokeWidth=0.8, strokeDashArray=[3, 2]))
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        d.add(
            Polygon(
                [
                    x1,
                    y1,
                    x1 - 6 * ux + 3 * uy,
                    y1 - 6 * uy - 3 * ux,
                    x1 - 6 * ux - 3 * uy,
                    y1 - 6 * uy + 3 * ux,
                ],
                fillColor=MUTED,
                strokeColor=None,
            )
        )
        if abs(y1 - y0) < 3 or abs(x1 - x0) < 3:  # straight arrows: their box is the line
            boxes.append((min(x0, x1) - 2, min(y0, y1) - 3, max(x0, x1) + 2, max(y0, y1) + 3))
    return boxes


def _tokens(d: Drawing, people, at, bounds, blocked) -> list[list[str]]:
    """Tokens biggest first; names placed by core.label_layout, as on screen.

    A name takes the first free spot around its token, else its short form
    ("Priya N."); where neither fits, neighbours share one "+n" badge and the
    names behind each badge are returned, to be listed under the map.
    """
    ordered = sorted(people, key=lambda p: (-p.importance, p.name.casefold(), p.id))
    requests, shorts = [], {}
    for p in ordered:
        x, y = at(p.interest, p.power)
        r = 3.5 + p.importance * 1.1
        d.add(glyph(GLYPH_NAMES[p.attitude], x, y, r, ATTITUDE_COLOURS[p.attitude]))
        shorts[p.id] = short_name(p.name)
        width = min(string_width(p.name, LABEL_SIZE, True), LABEL_MAX) + 2
        short = string_width(shorts[p.id], LABEL_SIZE, True) + 2
        requests.append(
            LabelRequest(
                p.id, x, y, r, width, LABEL_SIZE + 2.5, short if shorts[p.id] != p.name else None
            )
        )
    layout = layout_labels(
        requests,
        Box(*bounds),
        obstacles=[Box(*b) for b in blocked],
        gap=2.0,
        badge_size=lambda n: (string_width(f"+{n}", LABEL_SIZE, True) + 6, LABEL_SIZE + 3.5),
    )
    by_id = {p.id: p for p in people}
    for key, box in layout.placed.items():
        text = shorts[key] if key in layout.shortened else by_id[key].name
        for shape in text_shapes(
            box.x0 + 1, box.y0 + 2.5, text, LABEL_SIZE, bold=True, colour=INK, max_width=LABEL_MAX
        ):
            d.add(shape)
    crowded = []
    for badge in layout.badges:
        box = badge.box
        d.add(
            Rect(
                box.x0,
                box.y0,
                box.width,
                box.height,
                rx=2,
                ry=2,
                fillColor=PRIMARY,
                strokeColor=WHITE,
                strokeWidth=0.6,
            )
        )
        for shape in text_shapes(
            box.x0 + box.width / 2,
            box.y0 + 3,
            badge.text,
            LABEL_SIZE,
            bold=True,
            anchor="middle",
            colour=WHITE,
        ):
            d.add(shape)
        crowded.append([by_id[key].name for key in badge.keys])
    return crowded


def _register(job: Job, people: list[Stakeholder], numbering: Numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["register"])]
    today = job.options.on()
    for quad in Quadrant:
        group = sorted(
            (p for p in people if quadrant(p.power, p.interest) is quad),
            key=lambda p: (-p.power, -p.interest, p.name),
        )
        if not group:
            continue
        out.append(numbering.sub(f"{quad.label} ({len(group)})"))
        rows = []
        for p in group:
            who = [para(p.name, Styles.cell_bold)]
            detail = " · ".join(x for x in (p.role, p.organisation) if x)
            if detail:
                who.append(para(detail, Styles.cell_muted))
            desired = ""
            if p.desired_power is not None and p.desired_interest is not None:
                desired = f"→ {p.desired_power:g} / {p.desired_interest:g}"
            late = p.next_contact is not None and p.next_contact < today
            contact = " · ".join(x for x in (p.comm_channel, p.comm_frequency.label) if x)
            rows.append(
                [
                    who,
                    p.department,
                    attitude_cell(p.attitude),
                    Plain(f"{p.power:g} / {p.interest:g}", align="CENTER"),
                    Plain(desired),
                    contact,
                    Plain(short_date(p.next_contact) or "—", colour=BAD if late else None),
                    p.notes,
                ]
            )
        out.append(
            table(
                [
                    "Stakeholder",
                    "Department",
                    "Attitude",
                    "Power / interest",
                    "Desired",
                    "Communication",
                    "Next contact",
                    "Notes",
                ],
                rows,
                [0.19, 0.11, 0.085, 0.085, 0.075, 0.16, 0.09, 0.205],
                total_width=job.width,
            )
        )
    return out


def attitude_cell(attitude: Attitude) -> Drawing:
    """The attitude as the map shows it, glyph and colour, with its name in ink beside it.

    Coloured text alone (sky blue, orange) is too faint on paper; the glyph carries
    the colour and the shape, the word stays readable.
    """
    d = Drawing(70, 9.5)
    d.add(glyph(GLYPH_NAMES[attitude], 4, 4.2, 3.3, ATTITUDE_COLOURS[attitude], stroke=None))
    for shape in text_shapes(11, 1.3, attitude.label, 8.5, colour=INK):
        d.add(shape)
    return d


def _raci(job: Job, people: list[Stakeholder], numbering: Numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["raci"])]
    assignments = job.service(StakeholderService).raci_of(job.subject.id)
    names = {p.id: p for p in people}
    if not assignments:
        return out + [note("No RACI assignments yet.")]
    activities = _activities(job, assignments)
    involved = sorted(
        {a.stakeholder_id for a in assignments if a.stakeholder_id in names},
        key=lambda i: names[i].name,
    )
    grid = {(_activity_key(a), a.stakeholder_id): a.role for a in assignments}
    problems: dict[Hashable, list[str]] = {}
    for problem in raci_problems((_activity_key(a), a.role) for a in assignments):
        problems.setdefault(problem.activity, []).append(problem.problem)
    for start in range(0, len(involved), RACI_COLUMNS):
        chunk = involved[start : start + RACI_COLUMNS]
        header = ["Activity", *(RotatedLabel(names[i].name) for i in chunk), "Check"]
        rows: list[list[Any]] = []
        fills = []
        for key, label in activities:
            cells = []
            for person in chunk:
                role = grid.get((key, person))
                cells.append(
                    Plain(
                        role.value if role else "",
                        align="CENTER",
                        bold=role is RaciRole.ACCOUNTABLE,
                        colour=hex_colour(raci_ink(role)) if role else None,
                    )
                )
                if role is not None:  # the screen's fill: core.palette
                    fills.append(
                        (
                            "BACKGROUND",
                            (len(cells), len(rows) + 1),
                            (len(cells), len(rows) + 1),
                            hex_colour(RACI_COLOURS[role]),
                        )
                    )
            issue = "; ".join(problems.get(key, []))
            check = (
                para(None, Styles.cell_muted, markup=colour(escape(issue), css(BAD)))
                if issue
                else Plain("✓", colour=GOOD, align="CENTER")
            )
            rows.append([label, *cells, check])
        person_share = 0.055
        check_share = 0.16
        activity_share = 1 - check_share - person_share * len(chunk)
        widths = [activity_share, *([person_share] * len(chunk)), check_share]
        if start:
            out.append(spacer(12))
        matrix = table(
            header,
            rows,
            widths,
            total_width=job.width,
            align=["LEFT", *(["CENTER"] * len(chunk)), "LEFT"],
        )
        matrix.setStyle(fills)
        out.append(matrix)
    out.append(spacer(6))
    out.append(
        para("R Responsible · A Accountable (exactly one) · C Consulted · I Informed", Styles.small)
    )
    return out


def _activity_key(assignment) -> tuple[str, int | None]:
    ref = assignment.launch_task_id or assignment.requirement_id
    return assignment.activity.value, ref


def _activities(job: Job, assignments) -> list[tuple[tuple[str, int | None], str]]:
    """Each assigned activity with a readable name: sign-off, then requirements, then tasks."""
    keys = {_activity_key(a) for a in assignments}
    tasks = {t.id: t for t in job.service(LaunchService).tasks_of_product(job.subject.id)}
    reqs = {r.id: r for r in job.service(RequirementService).requirements_of(job.subject.id)}
    out: list[tuple[tuple[str, int | None], str]] = []
    if (RaciActivity.SPEC_SIGNOFF.value, None) in keys:
        out.append(((RaciActivity.SPEC_SIGNOFF.value, None), RaciActivity.SPEC_SIGNOFF.label))
    # A requirement's or a task's activity always has its id (the table's CHECK).
    for req_id in sorted(
        i for kind, i in keys if kind == RaciActivity.REQUIREMENT.value and i is not None
    ):
        req = reqs.get(req_id)
        title = f"{req.ref} {req.title}".strip() if req else f"Requirement {req_id}"
        out.append(((RaciActivity.REQUIREMENT.value, req_id), title))
    ordered = sorted(
        (i for kind, i in keys if kind == RaciActivity.LAUNCH_TASK.value and i is not None),
        key=lambda i: (
            (tasks[i].function.label, tasks[i].due_date or dt.date.max)
            if i in tasks
            else ("", dt.date.max)
        ),
    )
    for task_id in ordered:
        task = tasks.get(task_id)
        label = f"{task.function.label}: {task.title}" if task else f"Launch task {task_id}"
        out.append(((RaciActivity.LAUNCH_TASK.value, task_id), label))
    return out
