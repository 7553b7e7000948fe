"""How fast the product specification prints, and what pmdesk adds over bare reportlab.

    .venv/bin/python benchmarks/pdf.py [--requirements 1000] [--repeat 3]

Builds a workspace with one product holding N requirements (the demo portfolio
when it exists, plus N generated ones), exports its specification (contents and
requirements: the part that grows), and reports pages per second. Then it lays
out a bare reportlab document with the same text — one Paragraph per printed
field, same embedded fonts, no tables, headers, contents or keep-together — and
reports the ratio of the two times: pmdesk's overhead. Targets: a 50-page
specification in under 2 s, an overhead ratio under 1.5.

The two are run in turns, ``--repeat`` times each, and the best run of each
counts. The ratio is taken on CPU time (``time.process_time``), which other
work on a busy machine disturbs much less than wall time; both are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from pmdesk.core.enums import MoSCoW
from pmdesk.core.scoring import rice
from pmdesk.core.wording import story_sentence
from pmdesk.exchange.pdf import PdfOptions, export_pdf
from pmdesk.exchange.pdf.fonts import SANS, register
from pmdesk.exchange.pdf.markup import escape
from pmdesk.store.models import Requirement
from pmdesk.store.services import PortfolioService, RequirementService
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 16)
SECTIONS = frozenset({"contents", "requirements"})


def make_workspace(folder: Path, count: int) -> tuple[Workspace, int]:
    path = folder / "bench.pmdesk"
    ws = Workspace.create(path, name="Benchmark")
    product = ws.service(PortfolioService).create_product(name="Benchmark product",
                                                          owner="Bench Marker")
    moscow = list(MoSCoW)
    with ws.transaction() as uow:
        uow.session.add_all(
            Requirement(
                product_id=product.id, ref=f"R-{n}", title=f"Requirement {n}: export the report",
                story_role="lab analyst", story_goal=f"to export report {n} in one click",
                story_benefit="the audit takes minutes, not days",
                description="The system shall produce the report with every field the lab "
                            "needs, including the audit trail, signatures and timestamps, "
                            "in the layout the regulator expects. " * 2,
                acceptance_criteria=[f"Given data set {n}, when exported, then all rows appear",
                                     "The export finishes within five seconds",
                                     "Signatures and timestamps are kept"],
                moscow=moscow[n % 4], reach=50 + n, impact=[0.5, 1.0, 2.0, 3.0][n % 4],
                confidence=80.0, effort=1.0 + n % 7, sort_order=n,
            )
            for n in range(count)
        )
    return ws, product.id


def timed(work) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, pages) of one run of ``work``, which returns its pages."""
    wall, cpu = time.perf_counter(), time.process_time()
    pages = work()
    return time.perf_counter() - wall, time.process_time() - cpu, pages


def export_ours(ws: Workspace, product_id: int, out: Path) -> int:
    from pypdf import PdfReader

    export_pdf(ws, "spec", out, product_id=product_id,
               options=PdfOptions(today=TODAY, sections=SECTIONS, paper="A4"))
    return len(PdfReader(str(out)).pages)


def bare_texts(ws: Workspace, product_id: int) -> list[str]:
    """Every string the specification prints for the requirements, in reading order."""
    texts = []
    reqs = ws.service(RequirementService).requirements_of(product_id)
    for req in reqs:  # the ranking table's row
        texts.append(f"{req.ref} {req.title} {req.moscow.label} {req.status.label} {req.reach:g} "
                     f"{req.impact:g} {req.confidence:g}% {req.effort:g}")
    for req in reqs:  # the requirement itself
        texts.append(f"{req.ref} {req.title} {req.status.label}")
        texts.append(story_sentence(req.story_role, req.story_goal, req.story_benefit))
        texts.append(req.description)
        texts.append("ACCEPTANCE CRITERIA")
        texts += [str(c) for c in req.acceptance_criteria]
        texts.append(rice(req.reach, req.impact, req.confidence, req.effort).explain())
    return texts


def export_bare(texts: list[str], out: Path) -> int:
    register()
    style = ParagraphStyle("bare", fontName=SANS, fontSize=9.5, leading=13.5)
    story = [Paragraph(escape(text), style) for text in texts]
    doc = SimpleDocTemplate(str(out), leftMargin=54, rightMargin=54, topMargin=66,
                            bottomMargin=54)
    doc.build(story)
    return doc.page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requirements", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        ws, pid = make_workspace(Path(folder), args.requirements)
        try:
            texts = bare_texts(ws, pid)
            ours, bare = [], []
            for run in range(args.repeat):  # in turns, so both meet the same machine load
                ours.append(timed(lambda: export_ours(ws, pid, Path(folder) / f"o{run}.pdf")))
                bare.append(timed(lambda: export_bare(texts, Path(folder) / f"b{run}.pdf")))
        finally:
            ws.close()
    our_wall, our_cpu, our_pages = min(ours)[0], min(r[1] for r in ours), ours[0][2]
    bare_wall, bare_cpu, bare_pages = min(bare)[0], min(r[1] for r in bare), bare[0][2]
    per_second = our_pages / our_wall
    print(f"specification, {args.requirements} requirements: {our_pages} pages in "
          f"{our_wall:.2f} s wall ({our_cpu:.2f} s CPU) = {per_second:.0f} pages/s "
          f"(median {statistics.median(r[0] for r in ours):.2f} s)")
    print(f"  a 50-page specification: {50 / per_second:.2f} s (target < 2 s)")
    print(f"bare reportlab, same text: {bare_pages} pages in {bare_wall:.2f} s wall "
          f"({bare_cpu:.2f} s CPU) = {bare_pages / bare_wall:.0f} pages/s")
    ratio = our_cpu / bare_cpu
    print(f"  overhead ratio (ours / bare, CPU): {ratio:.2f} (target < 1.5); "
          f"wall: {our_wall / bare_wall:.2f}")
    return 0 if 50 / per_second < 2 and ratio < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
