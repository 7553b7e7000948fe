"""Risks and roadmap dependencies, as the specification and the launch plan both list them."""

from __future__ import annotations

from collections import Counter

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable

from pmdesk.core.enums import RiskStatus
from pmdesk.core.errors import PmdeskError
from pmdesk.core.wording import short_date
from pmdesk.store.services import PortfolioService, RoadmapService

from .charts import risk_matrix
from .components import Plain, Tile, layout, note, table, tiles
from .job import Job
from .markup import para
from .theme import BAD, GOOD, WARN, Styles

RISK_HIGH = 15
RISK_MEDIUM = 8


def risk_level(score: int) -> tuple[str, Color]:
    if score >= RISK_HIGH:
        return "High", BAD
    if score >= RISK_MEDIUM:
        return "Medium", WARN
    return "Low", GOOD


def risk_section(job: Job, *, open_only: bool = False) -> list[Flowable]:
    """A likelihood × impact matrix beside the risks, worst first."""
    risks = job.service(PortfolioService).risks_of(job.subject.id)
    if open_only:
        risks = [r for r in risks if r.status is RiskStatus.OPEN]
    if not risks:
        return [note("No risks recorded.")]
    risks.sort(key=lambda r: (r.status is not RiskStatus.OPEN, -r.likelihood * r.impact, r.title))
    cells = Counter((r.likelihood, r.impact) for r in risks if r.status is RiskStatus.OPEN)
    matrix = risk_matrix(dict(cells), 120)
    rows = []
    for r in risks:
        level, colour = risk_level(r.likelihood * r.impact)
        what = [para(r.title, Styles.cell_bold)]
        if r.description.strip():
            what.append(para(r.description, Styles.cell_muted))
        rows.append(
            [
                what,
                Plain(f"{r.likelihood}×{r.impact}", align="CENTER"),
                Plain(level, colour=colour, bold=True),
                r.mitigation or "—",
                r.owner,
                Plain(r.status.label),
            ]
        )
    listing = table(
        ["Risk", "L×I", "Level", "Mitigation", "Owner", "Status"],
        rows,
        [0.34, 0.07, 0.09, 0.28, 0.12, 0.1],
        total_width=job.width,
    )
    summary = layout(
        [[matrix, _counts(risks)]],
        [matrix.width + 16, job.width - matrix.width - 16],
        valign="MIDDLE",
    )
    return [summary, listing]


def _counts(risks) -> Flowable:
    open_risks = [r for r in risks if r.status is RiskStatus.OPEN]
    levels = Counter(risk_level(r.likelihood * r.impact)[0] for r in open_risks)
    return tiles(
        [
            Tile("Open risks", str(len(open_risks)), f"of {len(risks)} recorded"),
            Tile("High", str(levels.get("High", 0)), "L×I ≥ 15", BAD),
            Tile("Medium", str(levels.get("Medium", 0)), "L×I 8–14", WARN),
        ],
        300,
    )


def dependency_table(job: Job) -> Flowable | None:
    """Every link between roadmap items, with the kind, the lag and whether it is critical."""
    roadmap = job.service(RoadmapService)
    product_id = job.subject.id
    deps = roadmap.dependencies_of(product_id)
    if not deps:
        return None
    items = {i.id: i for i in roadmap.items_of(product_id)}
    try:
        critical = set(roadmap.schedule_of(product_id).critical_path())
    except PmdeskError:
        critical = set()
    rows = []
    for dep in sorted(deps, key=lambda d: (items[d.successor_id].start_date, d.id)):
        pred, succ = items[dep.predecessor_id], items[dep.successor_id]
        lag = "" if dep.lag_days == 0 else f"{dep.lag_days:+d} d"
        on_path = pred.id in critical and succ.id in critical
        rows.append(
            [
                pred.name,
                Plain(dep.type.value, align="CENTER"),
                Plain(lag),
                succ.name,
                Plain(short_date(succ.start_date)),
                Plain("critical" if on_path else "", colour=BAD, bold=True),
            ]
        )
    return table(
        ["Predecessor", "Link", "Lag", "Successor", "Successor starts", "Path"],
        rows,
        [0.32, 0.07, 0.07, 0.32, 0.13, 0.09],
        total_width=job.width,
    )
