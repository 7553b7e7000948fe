"""The technical specification: what engineering builds from, and what stakeholders sign."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from pmdesk.core.enums import CanvasTemplate, MoSCoW, RaciActivity, RaciRole
from pmdesk.core.errors import ValidationError
from pmdesk.core.scoring import RiceScore, rice
from pmdesk.core.stakeholders import quadrant
from pmdesk.core.templates import canvas_layout
from pmdesk.core.wording import format_number, long_date, noun, plural, short_date, story_sentence
from pmdesk.store.models import Requirement
from pmdesk.store.services import (
    CanvasService,
    PortfolioService,
    RequirementService,
    StakeholderService,
)

from .business_case import case_facts, figures_table, irr_notes, status_line
from .charts import Point, legend_row, scatter
from .components import Block, Cover, Plain, Tile, bullets, key_values, note, spacer, table, tiles
from .job import Document, Job
from .ledger import Ledger
from .markup import Span, escape, para, plain_paragraph, spans
from .template import (
    BODY,
    WIDE,
    Contents,
    Heading,
    Numbering,
    contents_for,
)
from .theme import GOOD, MOSCOW_COLOURS, MUTED, WARN, Styles, css

LABEL = "Technical specification"
CUSTOMER_MEANINGS = ("customers", "problems", "value", "differentiation")
SECTIONS = {
    "revisions": "Revision history",
    "contents": "Contents",
    "vision": "Vision and goals",
    "customers": "Target customers and problems",
    "business_case": "Business case",
    "requirements": "Requirements",
    "roadmap": "Roadmap",
    "risks": "Dependencies and risks",
    "stakeholders": "Stakeholders",
    "changes": "Changes since the last snapshot",
    "signoff": "Sign-off",
}


def make(job: Job) -> Document:
    info = job.describe(LABEL)
    product = job.subject
    options = job.options
    story: list[Flowable] = [_cover(job), NextPageTemplate(BODY), PageBreak()]
    if options.wants("revisions"):
        story += _revisions(job)
    contents_at = len(story)
    numbering = Numbering()
    for key, build in (
        ("vision", _vision),
        ("customers", _customers),
        ("business_case", _business_case),
        ("requirements", _requirements),
        ("roadmap", _roadmap),
        ("risks", _risks),
        ("stakeholders", _stakeholders),
        ("changes", _changes),
        ("signoff", _signoff),
    ):
        if options.wants(key):
            story += build(job, numbering)
        job.progress.step()
    if options.wants("contents"):
        heading = Heading("Contents", 0, contents=False)
        story[contents_at:contents_at] = [heading, Contents(contents_for(story), {}), PageBreak()]
    info.keywords = f"pmdesk, {LABEL}, {product.name}"
    return Document(story, cover=True)


def _cover(job: Job) -> Cover:
    product = job.subject
    facts = [
        ("Version", product.version_label or "—"),
        ("Status", product.spec_status or "—"),
        ("Owner", product.owner or "—"),
        ("Date", long_date(job.options.on())),
        ("Stage", product.stage.label),
        ("Segment", product.segment or product.product_type.label),
    ]
    return Cover(job.info, product.name, product.tagline, facts, job.page)


def _revisions(job: Job) -> list[Flowable]:
    revisions = job.service(PortfolioService).revisions_of(job.subject.id)
    out: list[Flowable] = [Heading("Revision history", 0)]
    if not revisions:
        return out + [note("No revisions recorded yet."), spacer(14)]
    rows = [
        [Plain(r.version), Plain(short_date(r.revised_on)), r.author, r.summary]
        for r in reversed(revisions)
    ]
    out.append(
        table(
            ["Version", "Date", "Author", "Summary"],
            rows,
            [0.12, 0.16, 0.2, 0.52],
            total_width=job.width,
        )
    )
    return out + [spacer(14)]


def _vision(job: Job, numbering: Numbering) -> list[Flowable]:
    product = job.subject
    out: list[Flowable] = [numbering.heading(SECTIONS["vision"])]
    if product.vision.strip():
        out.append(para(product.vision, Styles.quote))
    else:
        out.append(note("No vision statement yet."))
    goals = [line.strip(" -•*\t") for line in product.goals.splitlines()]
    if any(goals):
        out += [numbering.sub("Goals"), *bullets(goals)]
    out += [
        numbering.sub("The product at a glance"),
        key_values(
            [
                ("Stage", Plain(product.stage.label)),
                ("Type", Plain(product.product_type.label)),
                ("Segment", product.segment or "—"),
                ("Owner", product.owner or "—"),
                ("Tagline", product.tagline or "—"),
            ],
            job.width,
        ),
    ]
    return out


def _customers(job: Job, numbering: Numbering) -> list[Flowable]:
    """Customers, problems, value and competition as the canvas has them, most votes first."""
    out: list[Flowable] = [numbering.heading(SECTIONS["customers"])]
    canvas = job.service(CanvasService)
    boards = canvas.boards_of(job.subject.id)
    preferred = [b for b in boards if b.template is CanvasTemplate.PRODUCT_CANVAS] or boards
    found = False
    for board in preferred:
        layout = canvas_layout(board.template)
        notes = canvas.notes_of_board(board.id)
        for block in layout.blocks:
            if block.meaning not in CUSTOMER_MEANINGS:
                continue
            texts = sorted(
                (n for n in notes if n.block == block.key and n.text.strip()),
                key=lambda n: (-n.votes, n.position),
            )
            if not texts:
                continue
            found = True
            title = block.title if len(preferred) == 1 else f"{block.title} ({board.name})"
            out.append(numbering.sub(title))
            for n in texts:
                votes = ""
                if n.votes:
                    votes = f'  <font color="{css(MUTED)}" size="7.5">● {n.votes}</font>'
                out.append(para(None, Styles.bullet, markup=escape(n.text) + votes, bullet="•"))
    if not found:
        out.append(note("The product canvas has no target customers or problems yet."))
    return out


def _business_case(job: Job, numbering: Numbering) -> list[Flowable]:
    """The case's key figures per scenario and where its sign-off stands, in short."""
    out: list[Flowable] = [numbering.heading(SECTIONS["business_case"])]
    facts = case_facts(job, job.subject.id)
    if facts is None:
        return out + [note("No business case yet.")]
    colour = WARN if facts.draft else GOOD
    out.append(spans(Styles.body, [Span(status_line(facts), bold=True, colour=colour)]))
    if facts.details.case_notes.strip():
        out.append(para(facts.details.case_notes, Styles.body))
    out += figures_table(facts, job.width)
    notes = irr_notes(facts)
    if notes:
        out.append(para("  ·  ".join(notes), Styles.caption))
    out.append(
        para(
            "The business case document has the assumptions, the cash flow by period, the "
            "sensitivity and the pricing behind these figures.",
            Styles.caption,
        )
    )
    return out


def _score(req: Requirement) -> RiceScore | None:
    try:
        return rice(req.reach, req.impact, req.confidence, req.effort)
    except ValidationError:
        return None


def _requirements(job: Job, numbering: Numbering) -> list[Flowable]:
    service = job.service(RequirementService)
    product_id = job.subject.id
    reqs = service.requirements_of(product_id)
    revenue = service.revenue_by_requirement(product_id)
    currency = job.service(PortfolioService).workspace_info().currency
    job.progress.step()
    out: list[Flowable] = [numbering.heading(SECTIONS["requirements"])]
    if not reqs:
        return out + [note("No requirements yet.")]
    scores = {r.id: _score(r) for r in reqs}
    counts = Counter(r.moscow for r in reqs)
    out.append(
        tiles(
            [
                Tile(
                    m.label,
                    str(counts.get(m, 0)),
                    noun(counts.get(m, 0), "requirement"),
                    MOSCOW_COLOURS[m],
                )
                for m in MoSCoW
            ],
            job.width,
        )
    )
    out.append(spacer(10))
    ranked = sorted(reqs, key=lambda r: -(s.score if (s := scores[r.id]) else -1))
    points = [
        Point(r.ref or r.title, r.effort, score.value, MOSCOW_COLOURS[r.moscow])
        for r in ranked
        if (score := scores[r.id]) is not None
    ]
    if len(points) >= 3:
        out += [
            numbering.sub("Value against effort"),
            scatter(
                points,
                job.width,
                200,
                x_title="Effort (person-months)",
                y_title="Value (reach × impact × confidence)",
            ),
            legend_row([(MOSCOW_COLOURS[m], m.label) for m in MoSCoW], job.width),
        ]
    out += [numbering.sub("Ranked by RICE score"), _ranking(ranked, scores)]
    for moscow in MoSCoW:
        group = [r for r in ranked if r.moscow == moscow]
        if not group:
            continue
        out.append(numbering.sub(f"{moscow.label} ({len(group)})"))
        for req in group:
            out.append(_requirement(req, scores[req.id], revenue.get(req.id), currency))
    return out


def _ranking(ranked: list[Requirement], scores: dict[int, RiceScore | None]) -> Ledger:
    """Every requirement on one line each, best score first: the index to the details."""
    rows: list[list[str | Plain]] = []
    for req in ranked:
        score = scores[req.id]
        parts = (
            "—"
            if score is None
            else (
                f"{format_number(req.reach, 0)} × {format_number(req.impact)} × "
                f"{req.confidence:g}% ÷ {format_number(req.effort)}"
            )
        )
        rows.append(
            [
                req.ref,
                req.title,
                Plain(req.moscow.label.split()[0], colour=MOSCOW_COLOURS[req.moscow]),
                Plain(req.status.label),
                Plain(parts, align="RIGHT"),
                Plain("—" if score is None else format_number(score.score, 1), bold=True),
            ]
        )
    return Ledger(
        [
            "Ref",
            "Requirement",
            "Priority",
            "Status",
            "Reach × impact × confidence ÷ effort",
            "Score",
        ],
        rows,
        [0.1, 0.345, 0.095, 0.115, 0.265, 0.08],
        ["LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"],
    )


def _requirement(req: Requirement, score: RiceScore | None, revenue, currency: str) -> Flowable:
    title = [Span(f"{req.ref}   ", bold=True)] if req.ref else []
    title += [
        Span(f"{req.title}   ", bold=True),
        Span(req.status.label.upper(), bold=True, colour=MUTED, size=7.5),
    ]
    parts: list[Flowable] = [spans(Styles.h3, title)]
    sentence = story_sentence(req.story_role, req.story_goal, req.story_benefit)
    if sentence:
        parts.append(para(sentence, Styles.story))
    if req.description.strip():
        parts.append(para(req.description, Styles.body_tight))
    criteria = list(_criteria(req.acceptance_criteria))
    if criteria:
        parts.append(plain_paragraph("ACCEPTANCE CRITERIA", Styles.label_gap))
        parts += bullets(criteria, symbol="✓")
    facts = [req.kind.label, f"Source: {req.source.label}"]
    if score is not None:
        facts.append(f"RICE {score.explain()}")
    if revenue:
        customers, money = revenue
        facts.append(
            f"{plural(customers, 'customer')}, {format_number(money, 0)} {currency} at stake"
        )
    parts.append(para("  ·  ".join(facts), Styles.meta))
    return Block(parts)


def _criteria(raw) -> Iterator[str]:
    for entry in raw or ():
        if isinstance(entry, dict):
            text = str(entry.get("text", ""))
            yield f"{text} (met)" if entry.get("met") else text
        else:
            yield str(entry)


def _roadmap(job: Job, numbering: Numbering) -> list[Flowable]:
    from .roadmap import roadmap_flowables

    heading = numbering.heading(SECTIONS["roadmap"])
    body = roadmap_flowables(job, job.wide_width, job.wide_height - 40, legend=True)
    return [
        NextPageTemplate(WIDE),
        PageBreak(),
        heading,
        *body,
        NextPageTemplate(BODY),
        PageBreak(),
    ]


def _risks(job: Job, numbering: Numbering) -> list[Flowable]:
    from .risks import dependency_table, risk_section

    out: list[Flowable] = [numbering.heading(SECTIONS["risks"]), numbering.sub("Dependencies")]
    deps = dependency_table(job)
    out.append(deps if deps is not None else note("No dependencies between roadmap items."))
    out.append(numbering.sub("Risks"))
    out += risk_section(job)
    return out


def _stakeholders(job: Job, numbering: Numbering) -> list[Flowable]:
    people = job.service(StakeholderService).stakeholders_of(job.subject.id)
    out: list[Flowable] = [numbering.heading(SECTIONS["stakeholders"])]
    if not people:
        return out + [note("No stakeholders recorded yet.")]
    rows = [
        [
            p.name,
            " · ".join(x for x in (p.role, p.organisation) if x),
            p.department,
            Plain(p.attitude.label),
            Plain(quadrant(p.power, p.interest).label),
        ]
        for p in sorted(people, key=lambda p: (-p.power, -p.interest, p.name))
    ]
    out.append(
        table(
            ["Name", "Role", "Department", "Attitude", "Strategy"],
            rows,
            [0.22, 0.32, 0.16, 0.12, 0.18],
            total_width=job.width,
        )
    )
    return out


def _changes(job: Job, numbering: Numbering) -> list[Flowable]:
    from .changes import changes_section

    return changes_section(job, numbering.heading, numbering.sub)


def _signoff(job: Job, numbering: Numbering) -> list[Flowable]:
    service = job.service(StakeholderService)
    people = {p.id: p for p in service.stakeholders_of(job.subject.id)}
    assignments = [a for a in service.raci_of(job.subject.id) if a.stakeholder_id in people]
    assigned = [a for a in assignments if a.activity is RaciActivity.SPEC_SIGNOFF]
    assigned.sort(key=lambda a: (RACI_ORDER.index(a.role), people[a.stakeholder_id].name))
    signers = [people[a.stakeholder_id] for a in assigned if a.role is not RaciRole.INFORMED]
    if not signers:
        signers = [p for p in people.values() if p.power >= 7][:6]
    letters = raci_letters(assignments)
    out: list[Flowable] = [
        numbering.heading(SECTIONS["signoff"]),
        para(
            "By signing, each approver confirms this specification as the basis for development "
            f"of {job.subject.name} {job.subject.version_label}".strip()
            + ".",
            Styles.body,
        ),
    ]
    rows = [
        [
            p.name,
            " · ".join(x for x in (p.role, p.organisation) if x),
            Plain(letters.get(p.id, "—")),
            "",
            "",
        ]
        for p in signers
    ]
    rows += [["", "", "", "", ""] for _ in range(max(0, 3 - len(rows)))]
    sign = table(
        ["Name", "Role", "RACI", "Signature", "Date"],
        rows,
        [0.22, 0.26, 0.13, 0.25, 0.14],
        total_width=job.width,
        zebra=False,
    )
    sign.setStyle(
        [("BOTTOMPADDING", (0, 1), (-1, -1), 22), ("LINEBELOW", (0, 1), (-1, -1), 0.6, MUTED)]
    )
    return out + [
        sign,
        spacer(4),
        para(
            "RACI: the roles each person holds across this product's activities — R Responsible, "
            "A Accountable, C Consulted, I Informed.",
            Styles.small,
        ),
    ]


RACI_ORDER = (RaciRole.ACCOUNTABLE, RaciRole.RESPONSIBLE, RaciRole.CONSULTED, RaciRole.INFORMED)


def raci_letters(assignments) -> dict[int, str]:
    """Each stakeholder's RACI roles over every activity of the product: "A, R"."""
    held: dict[int, set[RaciRole]] = {}
    for assignment in assignments:
        held.setdefault(assignment.stakeholder_id, set()).add(assignment.role)
    return {
        person: ", ".join(role.value for role in RACI_ORDER if role in roles)
        for person, roles in held.items()
    }
