"""The portfolio summary: every product on one page, then one page per product."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Rect
from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, PageBreak, Table

from pmdesk.core.enums import MetricKind, RiskStatus, Stage
from pmdesk.core.label_layout import Box, LabelRequest, layout_labels
from pmdesk.core.lifecycle import Health, worst
from pmdesk.core.pricing import format_money, format_rate
from pmdesk.core.wording import dated, plural, short_date
from pmdesk.store.models import Product
from pmdesk.store.queries import roadmap_summaries
from pmdesk.store.services import FinanceService, LaunchService, PortfolioService
from pmdesk.store.services.finance import PortfolioPnl

from .charts import compact, nice_ticks, stage_strip
from .components import Plain, Tile, layout, note, spacer, table, tiles
from .fonts import printable, string_width
from .job import Document, Job
from .markup import escape, para
from .metrics import MetricSummary, chart_grid, health_reason, stage_bands, summaries
from .risks import risk_level
from .template import Heading
from .textdraw import text_shapes, wrap_lines
from .theme import (
    ACCENT,
    BAD,
    FAINT,
    HAIRLINE,
    HEALTH_COLOURS,
    INK,
    MUTED,
    PALETTE,
    PRIMARY,
    RULE,
    SURFACE,
    WHITE,
    Styles,
    lighten,
)

LABEL = "Portfolio summary"
SECTIONS = {
    "overview": "Portfolio overview",
    "pnl": "Profit and loss",
    "products": "One page per product",
    "changes": "Changes since the last snapshot",
}
PNL_BASIS = {"actual": "Actual", "plan": "Plan", "plan and actual": "Actual + plan"}


def make(job: Job) -> Document:
    job.page = job.options.page_size("", "landscape")
    info = job.describe(LABEL)
    products = job.service(PortfolioService).list_products()
    facts = {p.id: summaries(job.ws, p.id) for p in products}
    roadmaps = roadmap_summaries(job.ws, job.options.on())
    job.progress.step()
    story: list[Flowable] = []
    if job.options.wants("overview"):
        story += _overview(job, info.subject_name, products, facts, roadmaps)
    if job.options.wants("pnl") and products:
        if story:
            story.append(PageBreak())
        story += _pnl(job, products)
        job.progress.step()
    if job.options.wants("products"):
        for product in products:
            if story:
                story.append(PageBreak())
            story += _product_page(job, product, facts[product.id], roadmaps.get(product.id))
            job.progress.step()
    if job.options.wants("changes"):
        from .changes import changes_section

        if story:
            story.append(PageBreak())
        story += changes_section(
            job,
            lambda text: Heading(text, 0, style=Styles.h1),
            lambda text: Heading(text, 1, style=Styles.h2),
        )
    if not products:
        story.append(note("This portfolio has no products yet."))
    return Document(story)


def _health(items: Sequence[MetricSummary]) -> Health:
    return worst([i.health for i in items])


def _health_note(items: Sequence[MetricSummary]) -> str:
    """The metric that gives the product its colour, and its figures."""
    rank = {"green": 0, "amber": 1, "red": 2}
    judged = [i for i in items if i.latest is not None and i.target is not None]
    if not judged:
        return "no metric with a target yet"
    item = max(judged, key=lambda i: rank[i.health.colour])
    return f"{item.metric.name}: {health_reason(item)}"


def _latest(items: Sequence[MetricSummary], kind: MetricKind) -> MetricSummary | None:
    return next((i for i in items if i.metric.kind is kind and i.latest is not None), None)


def _overview(job, name, products, facts, roadmaps) -> list[Flowable]:
    out: list[Flowable] = [
        Heading(f"{name} — portfolio summary", 0, style=Styles.title),
        para(
            f"{plural(len(products), 'product')} · as of {short_date(job.options.on())}",
            Styles.subtitle,
        ),
    ]
    if not products:
        return out
    healths = [_health(facts[p.id]).colour for p in products]
    out += [
        tiles(
            [
                Tile("Products", str(len(products)), "in this portfolio"),
                Tile(
                    "Healthy",
                    str(healths.count("green")),
                    "on or above target",
                    HEALTH_COLOURS["green"],
                ),
                Tile(
                    "Watch",
                    str(healths.count("amber")),
                    "within 10% of target",
                    HEALTH_COLOURS["amber"],
                ),
                Tile(
                    "At risk",
                    str(healths.count("red")),
                    "more than 10% short",
                    HEALTH_COLOURS["red"],
                ),
            ],
            job.width,
        ),
        spacer(12),
    ]
    bubble = growth_share_chart(products, facts, 250)
    if bubble is None:
        out.append(lifecycle_board(products, job.width))
    else:
        board = lifecycle_board(products, job.width - 272)
        out.append(layout([[board, bubble]], [job.width - 262, 262]))
    out += [spacer(10), _overview_table(job, products, facts, roadmaps)]
    return out


def _overview_table(job, products, facts, roadmaps) -> Table:
    rows = []
    for p in products:
        items = facts[p.id]
        health = _health(items)
        revenue = _latest(items, MetricKind.REVENUE)
        road = roadmaps.get(p.id)
        milestone = ""
        if road is not None and road.next_milestone:
            milestone = dated(road.next_milestone_on, road.next_milestone)
        money = ""
        if revenue is not None and revenue.latest is not None:
            money = f"{compact(revenue.latest)} {revenue.metric.unit}".strip()
        rows.append(
            [
                [para(p.name, Styles.cell_bold), para(p.tagline, Styles.cell_muted)],
                Plain(p.stage.label),
                p.owner,
                Plain(health.colour.capitalize(), colour=HEALTH_COLOURS[health.colour], bold=True),
                milestone or "—",
                Plain(money, align="RIGHT"),
            ]
        )
    return table(
        ["Product", "Stage", "Owner", "Health", "Next milestone", "Revenue (latest)"],
        rows,
        [0.3, 0.11, 0.14, 0.08, 0.25, 0.12],
        total_width=job.width,
        align=["LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"],
    )


def _pnl(job: Job, products: Sequence[Product]) -> list[Flowable]:
    """Revenue, gross margin and contribution per product this year and last, per currency.

    Actual figures come from the products' metric values, planned ones from their
    business cases (the signed plan, else the draft's base case); the Basis column
    says which, and totals are per currency, never converted.
    """
    finance = job.service(FinanceService)
    year = job.options.on().year
    out: list[Flowable] = [Heading(SECTIONS["pnl"], 0, style=Styles.h1)]
    blocks = [(year, finance.portfolio_pnl(year)), (year - 1, finance.portfolio_pnl(year - 1))]
    without = [p.name for p in products if finance.case_id_for(p.id) is None]
    if len(without) == len(products):
        return out + [note("No product has a business case yet, so there is no P&L to show.")]
    out.append(
        para(
            "Actual figures come from the products' metric values; where a period has none "
            "the product's business case fills it in (its signed plan, else the draft's base "
            "case). Totals are per currency: amounts in different currencies are never added.",
            Styles.small,
        )
    )
    for shown, pnl in blocks:
        out.append(Heading(f"{shown}{' (this year)' if shown == year else ''}", 1, contents=False))
        if not pnl.products:
            out.append(note(f"No figures for {shown}."))
            continue
        out.append(_pnl_table(job, pnl))
    if without:
        out.append(
            para(
                f"Not in the P&L (no business case, so no costs to set against revenue): "
                f"{', '.join(without)}.",
                Styles.caption,
            )
        )
    return out


def _pnl_table(job: Job, pnl: PortfolioPnl) -> Table:
    rows: list[list] = []
    total_rows: list[int] = []
    for total in pnl.totals:
        for p in (p for p in pnl.products if p.currency == total.currency):
            pct = p.gross_margin / p.revenue if p.revenue else None
            rows.append(
                [
                    p.name,
                    Plain(
                        PNL_BASIS.get(p.source, p.source),
                        bold=p.source != "actual",
                        colour=INK if p.source == "actual" else ACCENT,
                    ),
                    Plain(format_money(p.revenue, p.currency, whole=True), align="RIGHT"),
                    Plain(format_money(p.gross_margin, p.currency, whole=True), align="RIGHT"),
                    Plain("—" if pct is None else format_rate(pct), align="RIGHT"),
                    Plain(
                        format_money(p.contribution, p.currency, whole=True),
                        align="RIGHT",
                        colour=BAD if p.contribution < 0 else INK,
                    ),
                ]
            )
        pct = total.gross_margin / total.revenue if total.revenue else None
        rows.append(
            [
                Plain(f"Total in {total.currency}", bold=True),
                Plain(""),
                Plain(format_money(total.revenue, total.currency, whole=True), "RIGHT", bold=True),
                Plain(
                    format_money(total.gross_margin, total.currency, whole=True), "RIGHT", bold=True
                ),
                Plain("—" if pct is None else format_rate(pct), "RIGHT", bold=True),
                Plain(
                    format_money(total.contribution, total.currency, whole=True),
                    "RIGHT",
                    colour=BAD if total.contribution < 0 else INK,
                    bold=True,
                ),
            ]
        )
        total_rows.append(len(rows))
    out = table(
        ["Product", "Basis", "Revenue", "Gross margin", "Margin", "Contribution"],
        rows,
        [0.33, 0.12, 0.15, 0.15, 0.09, 0.16],
        total_width=job.width,
        align=["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],
    )
    out.setStyle([("LINEABOVE", (0, r), (-1, r), 0.8, RULE) for r in total_rows])
    return out


def lifecycle_board(products: Sequence[Product], width: float) -> Drawing:
    """A column per stage with the products in it, like the lifecycle board on screen."""
    per_stage = {stage: [p for p in products if p.stage is stage] for stage in Stage}
    tallest = max((len(v) for v in per_stage.values()), default=0)
    chip_h = 27.0
    d = Drawing(width, 24 + max(1, tallest) * (chip_h + 4) + 6)
    col = (width - 5 * 4) / 6
    for index, (stage, members) in enumerate(per_stage.items()):
        x = index * (col + 4)
        d.add(Rect(x, 0, col, d.height, fillColor=SURFACE, strokeColor=None))
        d.add(Rect(x, d.height - 3, col, 3, fillColor=PRIMARY, strokeColor=None))
        _add(
            d,
            text_shapes(
                x + 6, d.height - 15, stage.label, 7, bold=True, colour=PRIMARY, max_width=col - 20
            ),
        )
        _add(
            d,
            text_shapes(
                x + col - 6,
                d.height - 15,
                str(len(members)),
                6.8,
                bold=True,
                anchor="end",
                colour=FAINT,
            ),
        )
        y = d.height - 24 - chip_h
        for product in members:
            d.add(
                Rect(
                    x + 4,
                    y,
                    col - 8,
                    chip_h,
                    rx=2,
                    ry=2,
                    fillColor=WHITE,
                    strokeColor=RULE,
                    strokeWidth=0.6,
                )
            )
            lines = wrap_lines(product.name, col - 16, 7.2, bold=True, max_lines=2)
            line_y = y + chip_h / 2 + (len(lines) - 1) * 4.5 - 2.5
            for line in lines:
                _add(d, text_shapes(x + 8, line_y, line, 7.2, bold=True, colour=INK))
                line_y -= 9
            y -= chip_h + 4
    return d


def _add(d: Drawing, shapes) -> None:
    for shape in shapes:
        d.add(shape)


def growth_share_chart(products, facts, size: float) -> Drawing | None:
    """Market growth (up) against market share (right); bubble area is revenue."""
    points: list[tuple[str, float, float, float, Color]] = []
    for index, p in enumerate(products):
        share = _latest(facts[p.id], MetricKind.MARKET_SHARE)
        growth = _latest(facts[p.id], MetricKind.MARKET_GROWTH)
        revenue = _latest(facts[p.id], MetricKind.REVENUE)
        if share and growth and share.latest is not None and growth.latest is not None:
            points.append(
                (
                    p.name,
                    share.latest,
                    growth.latest,
                    revenue.latest if revenue and revenue.latest is not None else 0.0,
                    PALETTE[index % len(PALETTE)],
                )
            )
    if not points:
        return None
    d = Drawing(size, size * 0.8)
    left, bottom = 34.0, 24.0
    plot_w, plot_h = size - left - 8, d.height - bottom - 22
    xs = nice_ticks(0, max(p[1] for p in points))
    ys = nice_ticks(min(0, min(p[2] for p in points)), max(p[2] for p in points))
    d.add(Rect(left, bottom, plot_w, plot_h, fillColor=None, strokeColor=RULE, strokeWidth=0.7))
    for shape in text_shapes(
        0, d.height - 10, "Growth against share (bubble = revenue)", 8, bold=True, colour=INK
    ):
        d.add(shape)

    def px(v: float) -> float:
        return left + (v - xs[0]) / (xs[-1] - xs[0]) * plot_w

    def py(v: float) -> float:
        return bottom + (v - ys[0]) / (ys[-1] - ys[0]) * plot_h

    for v in ys:
        d.add(Line(left, py(v), left + plot_w, py(v), strokeColor=HAIRLINE, strokeWidth=0.5))
        for shape in text_shapes(
            left - 3, py(v) - 2.3, compact(v), 6.3, anchor="end", colour=MUTED
        ):
            d.add(shape)
    for v in xs:
        for shape in text_shapes(px(v), bottom - 9, compact(v), 6.3, anchor="middle", colour=MUTED):
            d.add(shape)
    _add(
        d,
        text_shapes(left + plot_w / 2, 2, "Market share (%) →", 6.8, anchor="middle", colour=MUTED),
    )
    d.add(
        Group(
            *text_shapes(0, 0, "Market growth (%) →", 6.8, anchor="middle", colour=MUTED),
            transform=(0, 1, -1, 0, 8, bottom + plot_h / 2),
        )
    )
    biggest = max((p[3] for p in points), default=0) or 1.0
    requests = []
    for name, x, y, money, colour in sorted(points, key=lambda p: -p[3]):
        r = 4 + 16 * math.sqrt(max(money, 0) / biggest)
        d.add(
            Circle(
                px(x),
                py(y),
                r,
                fillColor=lighten(colour, 0.35),
                strokeColor=colour,
                strokeWidth=0.8,
            )
        )
        width = min(string_width(printable(name), 6.8, True), 90) + 1
        requests.append(LabelRequest(name, px(x), py(y), r, width, 8, short_width=min(width, 40)))
    # Names after every bubble (none hides under a later one), where no two collide.
    placed = layout_labels(requests, Box(left, bottom, left + plot_w, bottom + plot_h), gap=1.5)
    for name, box in placed.placed.items():
        _add(
            d,
            text_shapes(
                box.x0, box.y0 + 1.6, name, 6.8, bold=True, colour=INK, max_width=box.width
            ),
        )
    for badge in placed.badges:  # names with no free spot: "+2", the table below names them
        _add(
            d,
            text_shapes(
                (badge.box.x0 + badge.box.x1) / 2,
                badge.box.y0 + 1.6,
                badge.text,
                6.8,
                bold=True,
                anchor="middle",
                colour=MUTED,
            ),
        )
    return d


def _product_page(job: Job, product: Product, items: list[MetricSummary], road) -> list[Flowable]:
    today = job.options.on()
    out: list[Flowable] = [Heading(product.name, 0, style=Styles.h1)]
    if product.tagline:
        out.append(para(product.tagline, Styles.subtitle))
    out += [stage_strip(product.stage, job.width), spacer(10)]
    health = _health(items)
    milestone, when = "—", ""
    if road is not None and road.next_milestone:
        milestone, when = road.next_milestone, short_date(road.next_milestone_on)
    launches = job.service(LaunchService).launches_of(product.id)
    upcoming = [la for la in launches if la.launch_date >= today]
    launch_tile = (
        Tile("Next launch", short_date(upcoming[0].launch_date), upcoming[0].name)
        if upcoming
        else Tile("Next launch", "—", "none planned")
    )
    out += [
        tiles(
            [
                Tile(
                    "Health",
                    health.colour.capitalize(),
                    _health_note(items),
                    HEALTH_COLOURS[health.colour],
                ),
                Tile("Owner", product.owner or "—", product.segment),
                Tile("Next milestone", milestone, when),
                launch_tile,
            ],
            job.width,
        ),
        spacer(12),
    ]
    if product.elimination_flag:
        out.append(
            para(
                f"Flagged for an elimination review: {product.elimination_flag_reason}", Styles.body
            )
        )
    grid = chart_grid(
        items[:4], job.width * 0.64, height=118, bands=stage_bands(job.ws, product.id, today)
    )
    side = _top_risks(job, product)
    if grid is None:
        out.append(note("No metric values recorded yet."))
        out += side
    else:
        out.append(layout([[grid, side]], [job.width * 0.64 + 12, job.width * 0.36 - 12]))
    return out


def _top_risks(job: Job, product: Product) -> list[Flowable]:
    risks = [
        r for r in job.service(PortfolioService).risks_of(product.id) if r.status is RiskStatus.OPEN
    ]
    risks.sort(key=lambda r: -r.likelihood * r.impact)
    out: list[Flowable] = [para("Top open risks", Styles.h3)]
    if not risks:
        return out + [note("No open risks.")]
    for r in risks[:4]:
        level, colour = risk_level(r.likelihood * r.impact)
        out.append(
            para(
                None,
                Styles.small_ink,
                markup=(
                    f'<font color="#{colour.hexval()[2:]}"><b>{level.upper()}</b></font>&nbsp; '
                    + escape(r.title)
                ),
            )
        )
        if r.mitigation:
            out.append(para(f"Mitigation: {r.mitigation}", Styles.caption))
        out.append(spacer(4))
    return out
