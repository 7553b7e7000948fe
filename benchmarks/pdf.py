"""How fast the product specification prints, and what pmdesk adds over bare reportlab.

    .venv/bin/python benchmarks/pdf.py [--requirements 170,1000] [--pairs 3]

For each size, a workspace with one product holding N requirements; its
specification (contents and requirements: the part that grows) is exported
with ``export_pdf``. 170 requirements make a real specification of about 50
A4 pages (the target: under 2 s), 1,000 about 280 (pages per second).

Against it, a bare reportlab document of the same text on the same page: A4,
the specification's frame (54 pt margins, 66 pt at the top), pmdesk's own
paragraph styles for each kind of text (heading, story, description, criteria
with a ✓ bullet, RICE line; the ranking as a plain reportlab Table in the same
cell style and column widths), the same embedded fonts; no headers, footers,
contents, tiles, chart or keep-together. The difference is pmdesk's overhead.

Runs are paired and alternate (pmdesk, bare, bare, pmdesk, ...): each pmdesk
run is divided by the bare run next to it, and the median of those ratios is
printed, per document and per page (the two documents need not have the same
page count), on CPU time (``time.process_time``: other work on a busy machine
disturbs it much less than the wall clock) and on wall time. Only the export is
timed on each side; pages are counted afterwards. Targets: a ~50-page
specification in under 2 s, overhead per page under 1.5.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

from pmdesk.core.enums import MoSCoW
from pmdesk.core.scoring import rice
from pmdesk.core.wording import story_sentence
from pmdesk.exchange.pdf import PdfOptions, export_pdf
from pmdesk.exchange.pdf.fonts import register
from pmdesk.exchange.pdf.markup import escape
from pmdesk.exchange.pdf.theme import SPACING, Styles
from pmdesk.store.models import Requirement
from pmdesk.store.services import PortfolioService, RequirementService
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 16)
SECTIONS = frozenset({"contents", "requirements"})


def make_workspace(folder: Path, count: int) -> tuple[Workspace, int]:
    path = folder / "bench.pmdesk"
    ws = Workspace.create(path, name="Benchmark")
    product = ws.service(PortfolioService).create_product(
        name="Benchmark product", owner="Bench Marker"
    )
    moscow = list(MoSCoW)
    with ws.transaction() as uow:
        uow.session.add_all(
            Requirement(
                product_id=product.id,
                ref=f"R-{n}",
                title=f"Requirement {n}: export the report",
                story_role="lab analyst",
                story_goal=f"to export report {n} in one click",
                story_benefit="the audit takes minutes, not days",
                description="The system shall produce the report with every field the lab "
                "needs, including the audit trail, signatures and timestamps, "
                "in the layout the regulator expects. " * 2,
                acceptance_criteria=[
                    f"Given data set {n}, when exported, then all rows appear",
                    "The export finishes within five seconds",
                    "Signatures and timestamps are kept",
                ],
                moscow=moscow[n % 4],
                reach=50 + n,
                impact=[0.5, 1.0, 2.0, 3.0][n % 4],
                confidence=80.0,
                effort=1.0 + n % 7,
                sort_order=n,
            )
            for n in range(count)
        )
    return ws, product.id


def timed(work) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``work``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def pages_of(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def export_ours(ws: Workspace, product_id: int, out: Path) -> None:
    export_pdf(
        ws,
        "spec",
        out,
        product_id=product_id,
        options=PdfOptions(today=TODAY, sections=SECTIONS, paper="A4"),
    )


def bare_story(ws: Workspace, product_id: int) -> list[tuple[str, object]]:
    """What the specification prints for the requirements, in reading order, with its style:
    ('table', rows) for the ranking, else (style name, text)."""
    reqs = sorted(
        ws.service(RequirementService).requirements_of(product_id),
        key=lambda r: -rice(r.reach, r.impact, r.confidence, r.effort).score,
    )
    rows = [
        [
            "Ref",
            "Requirement",
            "Priority",
            "Status",
            "Reach × impact × confidence ÷ effort",
            "Score",
        ]
    ]
    rows += [
        [
            r.ref,
            r.title,
            r.moscow.label.split()[0],
            r.status.label,
            f"{r.reach:g} × {r.impact:g} × {r.confidence:g}% ÷ {r.effort:g}",
            f"{rice(r.reach, r.impact, r.confidence, r.effort).score:.1f}",
        ]
        for r in reqs
    ]
    story: list[tuple[str, object]] = [("table", rows)]
    for moscow in MoSCoW:
        group = [r for r in reqs if r.moscow == moscow]
        if group:
            story.append(("h2", f"{moscow.label} ({len(group)})"))
        for req in group:
            story.append(("h3", f"{req.ref}   {req.title}   {req.status.label.upper()}"))
            story.append(
                ("story", story_sentence(req.story_role, req.story_goal, req.story_benefit))
            )
            story.append(("body_tight", req.description))
            story.append(("label_gap", "ACCEPTANCE CRITERIA"))
            story += [("bullet", str(c)) for c in req.acceptance_criteria]
            rice_line = rice(req.reach, req.impact, req.confidence, req.effort).explain()
            story.append(
                ("meta", f"{req.kind.label}  ·  Source: {req.source.label}  ·  RICE {rice_line}")
            )
    return story


def export_bare(story: list[tuple[str, object]], out: Path) -> None:
    register()
    width = A4[0] - 2 * SPACING.margin
    flowables = []
    for kind, content in story:
        if kind == "table":
            cells = [[Paragraph(escape(text), Styles.cell) for text in row] for row in content]
            flowables.append(
                Table(
                    cells,
                    [width * f for f in (0.1, 0.345, 0.095, 0.115, 0.265, 0.08)],
                    repeatRows=1,
                )
            )
        else:
            flowables.append(
                Paragraph(
                    escape(content),
                    getattr(Styles, kind),
                    bulletText="✓" if kind == "bullet" else None,
                )
            )
    doc = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        leftMargin=SPACING.margin,
        rightMargin=SPACING.margin,
        topMargin=SPACING.margin + 12,
        bottomMargin=SPACING.margin,
    )
    doc.build(flowables)


def measure(folder: Path, count: int, pairs: int) -> bool:
    """Paired runs on one size; prints the figures, True when its targets are met."""
    ws, pid = make_workspace(folder, count)
    try:
        story = bare_story(ws, pid)
        ours_out, bare_out = folder / f"ours-{count}.pdf", folder / f"bare-{count}.pdf"
        export_ours(ws, pid, ours_out)  # untimed: imports, fonts, caches on both sides
        export_bare(story, bare_out)
        ours, bare = [], []
        for n in range(pairs):  # ABBA: both meet the same machine load
            order = ("ours", "bare") if n % 2 == 0 else ("bare", "ours")
            for side in order:
                if side == "ours":
                    ours.append(timed(lambda: export_ours(ws, pid, ours_out)))
                else:
                    bare.append(timed(lambda: export_bare(story, bare_out)))
    finally:
        ws.close()
    our_pages, bare_pages = pages_of(ours_out), pages_of(bare_out)
    walls = [w for w, _ in ours]
    print(
        f"specification, {count:,} requirements: {our_pages} pages, "
        f"{_spread(walls)} wall, {_spread([c for _, c in ours])} CPU, "
        f"{our_pages / statistics.median(walls):.0f} pages/s"
    )
    print(
        f"  bare reportlab, same text: {bare_pages} pages ({bare_pages / our_pages - 1:+.0%}), "
        f"{_spread([w for w, _ in bare])} wall, {_spread([c for _, c in bare])} CPU"
    )
    per_doc = {
        k: [o[i] / b[i] for o, b in zip(ours, bare, strict=True)]
        for i, k in enumerate(("wall", "cpu"))
    }
    per_page = {k: [r * bare_pages / our_pages for r in v] for k, v in per_doc.items()}
    print(
        f"  pmdesk ÷ bare, median of {pairs} paired runs (min–max): per document "
        f"CPU {_ratios(per_doc['cpu'])}, wall {_ratios(per_doc['wall'])}; per page "
        f"CPU {_ratios(per_page['cpu'])}, wall {_ratios(per_page['wall'])}"
    )
    met = statistics.median(per_page["cpu"]) < 1.5
    if 40 <= our_pages <= 60:
        median_wall = statistics.median(walls)
        met = met and median_wall < 2
        print(
            f"  a {our_pages}-page specification: {median_wall:.2f} s wall "
            f"(target < 2 s: {'met' if median_wall < 2 else 'MISSED'})"
        )
    print(
        f"  overhead per page (CPU) {statistics.median(per_page['cpu']):.2f}: target < 1.5 "
        f"{'met' if statistics.median(per_page['cpu']) < 1.5 else 'MISSED'}"
    )
    return met


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def _ratios(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--requirements", default="170,1000", help="sizes, comma-separated (170 ≈ 50 pages)"
    )
    parser.add_argument("--pairs", type=int, default=4, help="paired runs per size")
    args = parser.parse_args(argv)
    print(
        f"PDF benchmark: {os.cpu_count()} cores, load average "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}, one untimed export each first"
    )
    met = True
    for count in (int(n) for n in args.requirements.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            met = measure(Path(folder), count, args.pairs) and met
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
