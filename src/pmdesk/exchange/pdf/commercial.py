"""The commercial specification: the product explained to Sales and Marketing.

What it does (delivered requirements, in the customer's words), what it does not do
(limitations and known issues with what to tell customers), who it is for, the
marketing mix on one page, and a battlecard per competitor. Beside the technical
specification that engineering builds from; everything printed is read from the parts
of the workspace that already hold it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak

from pmdesk.core.enums import RequirementStatus
from pmdesk.core.market import CellLevel, LimitationKind, LimitationStatus, WinLossSummary
from pmdesk.core.palette import STALE_MARK, level_text
from pmdesk.core.pricing import format_money, format_rate
from pmdesk.core.wording import long_date, plural, short_date
from pmdesk.store.models import Launch, Requirement, RoadmapItem
from pmdesk.store.services import RequirementService
from pmdesk.store.services.market import (
    CompetitorRow,
    MarketingMix,
    MarketService,
    Matrix,
    text_lines,
)

from . import components, markup
from .components import Cell, Cover, Plain, Tile, note, spacer, tiles
from .job import Document, Job
from .longtext import NAME_LIMIT, clamp
from .markup import Paragraph, Span
from .template import BODY, Numbering
from .theme import BAD, GOOD, MUTED, PRIMARY, WARN, Styles

LABEL = "Commercial specification"
SPLIT_IN_ROW = 36  # points of a row a page must hold to start it there (as components.table)
SECTIONS = {
    "does": "What it does",
    "does_not": "What it does not do",
    "audience": "Who it is for",
    "mix": "Marketing mix",
    "battlecards": "Battlecards",
    "matrix": "Comparison matrix",
}
LEVEL_COLOURS = {
    CellLevel.FULL: GOOD,
    CellLevel.PARTIAL: WARN,
    CellLevel.NONE: BAD,
    CellLevel.UNKNOWN: MUTED,
}
DERIVED = (
    "pmdesk keeps no separate field for this: it is derived from {source}, so check it "
    "before a call."
)


# -- user text, printed within bounds -----------------------------------------------------------
#
# Every typed text reaches the page through these: a field longer than the print limit
# prints its beginning and says how much is left out (see longtext.py), so a megabyte
# pasted into a limitation or a competitor's strengths costs no more than a page.


def _clamped(value: Cell) -> Cell:
    return clamp(value) if isinstance(value, str) else value


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return markup.para(clamp(text), style)


def spans(style: ParagraphStyle, parts: list[Span]) -> Paragraph:
    return markup.spans(style, [replace(p, text=clamp(p.text)) for p in parts])


def bullets(items: Iterable[str], style: ParagraphStyle = Styles.bullet) -> list[Paragraph]:
    return components.bullets((clamp(item) for item in items), style)


def table(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], widths: Sequence[float], **options: Any
) -> Flowable:
    return components.table(
        [clamp(h, NAME_LIMIT) for h in header],
        [[_clamped(value) for value in row] for row in rows],
        widths,
        **options,
    )


def key_values(rows: Sequence[tuple[str, Cell]], width: float, label_share: float) -> Flowable:
    """Label / value lines whose value may flow over pages: the mix's cells hold as many
    features, messages and campaigns as the workspace has."""
    made = components.key_values(
        [(label, _clamped(value)) for label, value in rows], width, label_share
    )
    made.splitInRow = SPLIT_IN_ROW
    return made


def _name(text: str) -> str:
    return clamp(text, NAME_LIMIT)


def make(job: Job) -> Document:
    info = job.describe(LABEL)
    product = job.subject
    market = job.service(MarketService)
    matrix = market.matrix(product.id, today=job.options.on())
    summaries = market.win_loss_summaries(product_id=product.id)
    launch = _launch(job)
    job.progress.step()
    numbering = Numbering()
    story: list[Flowable] = [_cover(job, matrix), NextPageTemplate(BODY), PageBreak()]
    builders = {
        "does": lambda: _does(job, numbering),
        "does_not": lambda: _does_not(job, numbering),
        "audience": lambda: _audience(job, launch, numbering),
        "mix": lambda: _mix(job, numbering),
        "battlecards": lambda: _battlecards(job, matrix, summaries, numbering),
        "matrix": lambda: _matrix(job, matrix, numbering),
    }
    for key, build in builders.items():
        if job.options.wants(key):
            story += build()
        job.progress.step()
    info.keywords = f"pmdesk, {LABEL}, {_name(product.name)}"
    return Document(story, cover=True)


def _launch(job: Job) -> Launch | None:
    """The next launch to come, else the latest: where positioning, messages and channels live."""
    return job.service(MarketService).mix_launch(job.subject.id, job.options.on())


def _cover(job: Job, matrix: Matrix) -> Cover:
    product = job.subject
    facts = [
        ("Version", product.version_label or "—"),
        ("Owner", product.owner or "—"),
        ("Date", long_date(job.options.on())),
        ("Stage", product.stage.label),
        ("Segment", product.segment or product.product_type.label),
        ("Competitors", clamp(", ".join(c.name for c in matrix.competitors)) or "—"),
    ]
    facts = [(label, clamp(value)) for label, value in facts]
    return Cover(job.info, _name(product.name), clamp(product.tagline), facts, job.page)


def _lines(text: str) -> list[str]:
    """The entries of a free-text list, the whole text within the print limit first."""
    return text_lines(clamp(text))


def _requirements(job: Job) -> list[Requirement]:
    return job.service(RequirementService).requirements_of(job.subject.id)


# -- what it does ------------------------------------------------------------------------------


def _does(job: Job, numbering: Numbering) -> list[Flowable]:
    """Delivered requirements as capabilities: the title, and the benefit the customer gets."""
    out: list[Flowable] = [numbering.heading(SECTIONS["does"])]
    requirements = _requirements(job)
    done = [r for r in requirements if r.status is RequirementStatus.DONE]
    coming = [
        r
        for r in requirements
        if r.status in (RequirementStatus.ACCEPTED, RequirementStatus.IN_PROGRESS)
    ]
    out.append(
        tiles(
            [
                Tile("Delivered", str(len(done)), "capabilities to sell today", GOOD),
                Tile("On the roadmap", str(len(coming)), "not yet delivered: do not sell", WARN),
            ],
            job.width,
        )
    )
    out.append(spacer(10))
    if done:
        rows = []
        for r in done:
            benefit = r.story_benefit.strip()
            rows.append(
                [
                    para(r.title, Styles.cell_bold),
                    benefit or r.description.strip() or "—",
                    r.story_role.strip() or "—",
                ]
            )
        out.append(
            table(
                ["Capability", "What the customer gets", "For"],
                rows,
                [0.38, 0.44, 0.18],
                total_width=job.width,
            )
        )
    else:
        out.append(note("No requirement is delivered yet: nothing to promise customers today."))
    if coming:
        out.append(numbering.sub("Coming, not yet delivered"))
        out.append(
            para(
                "Planned or in development. Mention them only as the roadmap, with no date "
                "promised to a customer.",
                Styles.caption,
            )
        )
        out += bullets([r.title for r in coming])
    return out


# -- what it does not do -----------------------------------------------------------------------


def _does_not(job: Job, numbering: Numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["does_not"])]
    rows_all = job.service(MarketService).limitations(job.subject.id)
    current = [r for r in rows_all if r.status is not LimitationStatus.RESOLVED]
    resolved = [r for r in rows_all if r.status is LimitationStatus.RESOLVED]
    releases = _release_names(job, [r.item_id for r in rows_all])
    for kind, title in (
        (LimitationKind.LIMITATION, "Limitations"),
        (LimitationKind.KNOWN_ISSUE, "Known issues"),
    ):
        mine = [r for r in current if r.kind is kind]
        out.append(numbering.sub(title))
        if not mine:
            out.append(note(f"No open {title.lower()} recorded."))
            continue
        rows = [
            [
                r.description,
                para(r.workaround, Styles.cell_bold) if r.workaround.strip() else "—",
                releases.get(r.item_id, "Every release") if r.item_id else "Every release",
                Plain(r.status.label),
            ]
            for r in mine
        ]
        out.append(
            table(
                ["What it does not do", "What to tell the customer", "Release", "Status"],
                rows,
                [0.36, 0.38, 0.14, 0.12],
                total_width=job.width,
            )
        )
    wont = [r for r in _requirements(job) if r.status is RequirementStatus.REJECTED]
    if wont:
        out.append(numbering.sub("Out of scope by decision"))
        out.append(
            para(
                "Requests the product team decided not to build. Say so plainly; do not "
                "hint that they may come.",
                Styles.caption,
            )
        )
        out += bullets([r.title for r in wont])
    if resolved:
        out.append(numbering.sub("Resolved"))
        out += bullets([f"{r.description} — {r.workaround}".rstrip(" —") for r in resolved])
    return out


def _release_names(job: Job, item_ids: Sequence[int | None]) -> dict[int, str]:
    wanted = {i for i in item_ids if i is not None}
    if not wanted:
        return {}
    with job.ws.read() as session:
        found = (session.get(RoadmapItem, i) for i in wanted)
        return {item.id: item.name for item in found if item is not None}


# -- who it is for -----------------------------------------------------------------------------


def _canvas_texts(job: Job, meanings: Sequence[str]) -> dict[str, list[str]]:
    """Canvas notes of each meaning, most votes first (the product canvas first)."""
    found = job.service(MarketService).canvas_notes(job.subject.id, meanings)
    return {meaning: [n.text for n in notes] for meaning, notes in found.items()}


def _audience(job: Job, launch: Launch | None, numbering: Numbering) -> list[Flowable]:
    out: list[Flowable] = [numbering.heading(SECTIONS["audience"])]
    product = job.subject
    texts = _canvas_texts(job, ("customers", "problems", "value"))
    if launch is not None and launch.pos_target.strip():
        out.append(
            spans(
                Styles.lead,
                [Span("For "), Span(launch.pos_target, bold=True), Span(f" who {launch.pos_need}")],
            )
        )
    elif product.segment.strip():
        out.append(para(product.segment, Styles.lead))
    segments = _lines(launch.segments) if launch is not None else []
    for title, items, empty in (
        ("Segments", segments or texts["customers"], "No segments on the canvas or launch plan."),
        ("Their problems", texts["problems"], "No problems on the canvas yet."),
        ("Why they buy", texts["value"], "No value proposition on the canvas yet."),
    ):
        out.append(numbering.sub(title))
        out += bullets(items) if items else [note(empty)]
    return out


# -- marketing mix -----------------------------------------------------------------------------


def _mix(job: Job, numbering: Numbering) -> list[Flowable]:
    """Product, Price, Place and Promotion on one page, each from where the app keeps it
    (:meth:`MarketService.marketing_mix`, which the Market view's Marketing mix tab shows)."""
    mix = job.service(MarketService).marketing_mix(job.subject.id, job.options.on())
    product_cell: list[Flowable] = []
    if mix.tagline.strip():
        product_cell.append(para(mix.tagline, Styles.cell_bold))
    product_cell += bullets(mix.features[:8], Styles.bullet_cell)
    if mix.differentiator.strip():
        product_cell.append(para(f"Different because it {mix.differentiator}", Styles.cell))
    channels = mix.channels
    promotion: list[Flowable] = []
    for audience, said in mix.messages_by_audience().items():
        promotion.append(para(audience, Styles.cell_bold))
        promotion += bullets([m.message for m in said], Styles.bullet_cell)
    promotion += bullets(mix.texts("promotion"), Styles.bullet_cell)
    rows: list[tuple[str, Cell]] = [
        ("Product", product_cell or "—"),
        ("Price", _price_cell(job, mix)),
        ("Place", bullets(channels, Styles.bullet_cell) if channels else "—"),
        ("Promotion", promotion or "—"),
    ]
    sources = para(
        "Product: the canvas's key features (else the delivered capabilities) · Price: the "
        "business case's price points · Place: the launch plan's channels (else the canvas) · "
        "Promotion: the launch plan's key messages and the canvas.",
        Styles.caption,
    )
    return [
        PageBreak(),
        numbering.heading(SECTIONS["mix"]),
        key_values(rows, job.width, label_share=0.16),
        spacer(6),
        sources,
    ]


def _price_cell(job: Job, mix: MarketingMix) -> list[Flowable] | str:
    if mix.price_points:
        rows = [
            [
                p.segment or "—",
                p.tier or "—",
                p.channel or "—",
                Plain(format_money(p.list_price, mix.currency), align="RIGHT"),
                Plain(format_rate(p.discount), align="RIGHT"),
            ]
            for p in mix.price_points
        ]
        return [
            table(
                ["Segment", "Tier", "Channel", "List price", "Discount"],
                rows,
                [0.26, 0.22, 0.22, 0.17, 0.13],
                total_width=job.width * 0.84 - 12,
                align=["LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"],
            )
        ]
    if mix.launch_price:
        return bullets(list(mix.launch_price), Styles.bullet_cell)
    return "No price points in the business case yet."


# -- battlecards -------------------------------------------------------------------------------


def _level(matrix: Matrix, capability_id: int, competitor_id: int | None) -> Plain:
    cell = matrix.cell(capability_id, competitor_id)
    level = cell.level if cell else CellLevel.UNKNOWN
    text = level_text(level, cell is not None and cell.stale)
    return Plain(text, colour=LEVEL_COLOURS[level], bold=level is CellLevel.FULL)


def _evidence(matrix: Matrix, capability_id: int, competitor_id: int | None) -> str:
    cell = matrix.cell(capability_id, competitor_id)
    if cell is None:
        return ""
    checked = f" (checked {short_date(cell.checked_on)})" if cell.checked_on else ""
    return f"{cell.evidence}{checked}".strip()


def _battlecards(
    job: Job, matrix: Matrix, summaries: dict[int, WinLossSummary], numbering: Numbering
) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), numbering.heading(SECTIONS["battlecards"])]
    if not matrix.competitors:
        return out + [note("No competitors are linked to this product yet.")]
    ordered = sorted(matrix.competitors, key=lambda c: (-c.threat.value, c.name.casefold()))
    for index, competitor in enumerate(ordered):
        if index:
            out.append(PageBreak())
        out += _battlecard(job, matrix, competitor, summaries.get(competitor.id), numbering)
    return out


def _battlecard(
    job: Job,
    matrix: Matrix,
    rival: CompetitorRow,
    summary: WinLossSummary | None,
    numbering: Numbering,
) -> list[Flowable]:
    threat = rival.threat
    colour = {"high": BAD, "medium": WARN}.get(threat.level.value, GOOD)
    share = "—" if rival.market_share is None else format_rate(rival.market_share, 0)
    rate = summary.win_rate if summary is not None else None
    record = (
        f"{summary.won} won · {summary.lost} lost" if summary is not None and summary.deals else ""
    )
    out: list[Flowable] = [
        numbering.sub(_name(rival.name)),
        tiles(
            [
                Tile("Threat", f"{threat.value:.0f} · {threat.level.label}", "", colour),
                Tile("Market share", share, "estimated", PRIMARY),
                Tile(
                    "Win rate against them",
                    "—" if rate is None else f"{rate:.0%}",
                    record or "no deals recorded",
                    GOOD
                    if rate is not None and rate >= 0.5
                    else BAD
                    if rate is not None
                    else MUTED,
                ),
            ],
            job.width,
        ),
        spacer(4),
        para(threat.explain(), Styles.caption),
        spacer(6),
        key_values(
            [
                ("Positioning", rival.positioning or "—"),
                ("Segment", rival.segment or "—"),
                ("Pricing", rival.pricing or "—"),
                ("Recent moves", _bullet_cell(rival.recent_moves)),
            ],
            job.width,
            label_share=0.2,
        ),
        spacer(8),
    ]
    ahead = [
        c
        for c in matrix.capabilities
        if matrix.level(c.id, None) is CellLevel.FULL
        and matrix.level(c.id, rival.id) in (CellLevel.NONE, CellLevel.PARTIAL)
    ]
    behind = [
        c
        for c in matrix.capabilities
        if matrix.level(c.id, rival.id) is CellLevel.FULL
        and matrix.level(c.id, None) in (CellLevel.NONE, CellLevel.PARTIAL)
    ]
    strengths = _lines(rival.strengths) + [f"{c.name} (matrix)" for c in behind]
    answers = [
        f"{c.name}: {matrix.cell(c.id, None).evidence or 'we have it'}"  # type: ignore[union-attr]
        for c in ahead
    ] + [f"They: {w}" for w in _lines(rival.weaknesses)]
    out.append(
        table(
            ["Their strengths", "Our answers"],
            [
                [
                    bullets(strengths, Styles.bullet_cell) or "—",
                    bullets(answers, Styles.bullet_cell) or "—",
                ]
            ],
            [0.5, 0.5],
            total_width=job.width,
            zebra=False,
        )
    )
    out.append(
        para(
            "Strengths: as recorded, plus the capabilities they have in full where we do not. "
            "Answers: where we are full and they are not, and their recorded weaknesses.",
            Styles.caption,
        )
    )
    out.append(numbering.sub(f"Landmines to lay against {_name(rival.name)}"))
    out.append(para(DERIVED.format(source="the comparison matrix"), Styles.caption))
    if ahead:
        out += bullets(
            [
                f"Ask how they handle “{c.name}”. They: {_evidence(matrix, c.id, rival.id) or matrix.level(c.id, rival.id).label}"
                for c in ahead
            ]
        )
    else:
        out.append(note("The matrix shows no capability where we are full and they are not."))
    out.append(numbering.sub(f"Objections and responses against {_name(rival.name)}"))
    out.append(
        para(
            DERIVED.format(
                source="the reasons of deals lost to them (the objections) and of deals won "
                "against them (the responses that worked)"
            ),
            Styles.caption,
        )
    )
    losses = [r for r, _ in summary.loss_reasons] if summary is not None else []
    wins = [r for r, _ in summary.win_reasons] if summary is not None else []
    if losses or wins:
        out.append(
            table(
                ["Objections (deals lost)", "Responses (deals won)"],
                [
                    [
                        bullets(losses, Styles.bullet_cell) or "—",
                        bullets(wins, Styles.bullet_cell) or "—",
                    ]
                ],
                [0.5, 0.5],
                total_width=job.width,
                zebra=False,
            )
        )
    else:
        out.append(note("No win/loss records against them yet."))
    out.append(numbering.sub(f"Head to head with {_name(rival.name)}"))
    if not matrix.capabilities:
        return out + [note("The comparison matrix has no capabilities yet.")]
    rows = [
        [
            para(c.name, Styles.cell_bold),
            _level(matrix, c.id, None),
            _level(matrix, c.id, rival.id),
            _evidence(matrix, c.id, rival.id) or "—",
        ]
        for c in matrix.capabilities
    ]
    out.append(
        table(
            ["Capability", "Us", "Them", "Their evidence"],
            rows,
            [0.34, 0.13, 0.13, 0.4],
            total_width=job.width,
        )
    )
    return out


def _bullet_cell(text: str) -> list[Flowable] | str:
    items = _lines(text)
    if len(items) <= 1:
        return items[0] if items else "—"
    return bullets(items, Styles.bullet_cell)


# -- the comparison matrix ---------------------------------------------------------------------


def _matrix(job: Job, matrix: Matrix, numbering: Numbering) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), numbering.heading(SECTIONS["matrix"])]
    if not matrix.capabilities:
        return out + [note("The comparison matrix has no capabilities yet.")]
    columns: list[tuple[str, int | None]] = [(job.subject.name, None)]
    columns += [(c.name, c.id) for c in matrix.competitors]
    first = 0.3
    rest = (1 - first) / len(columns)
    rows: list[list[Cell]] = [
        [para(c.name, Styles.cell_bold), *(_level(matrix, c.id, who) for _, who in columns)]
        for c in matrix.capabilities
    ]
    coverage: list[Cell] = [Plain("Coverage", bold=True)]
    for _, who in columns:
        value = matrix.coverage(who)
        coverage.append(Plain("—" if value is None else f"{value:.0%}", bold=True))
    rows.append(coverage)
    out.append(
        table(
            ["Capability", *(name for name, _ in columns)],
            rows,
            [first, *([rest] * len(columns))],
            total_width=job.width,
        )
    )
    stale = sum(1 for cell in matrix.cells.values() if cell.stale)
    if stale:
        out.append(
            para(
                f"{plural(stale, 'cell')} marked {STALE_MARK} stale: checked too long ago to quote to a "
                "customer without checking again.",
                Styles.caption,
            )
        )
    return out
