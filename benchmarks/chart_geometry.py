"""What placing and drawing the roadmap's bars costs, on screen and on paper, without Qt's loop.

    .venv/bin/python benchmarks/chart_geometry.py [--runs 40] [--pairs 4] [--against DIR]

``roadmap.py`` times whole frames through Qt's event loop: on a shared machine
their wall clocks wander by a factor of two from one run to the next. This
script times the chart's own drawing code, on CPU (``time.thread_time``), on
the same 20,000-item plan (``benchmarks/roadmap.py``'s, cached in
/tmp/pmdesk-bench):

- ``bars``: ``ChartPainter.paint_bars`` over a 1600 × 900 window into an
  image, at the working zoom (3 px a day), at the pan zoom (8 px a day) and
  with the whole plan in width (the "fit all" zoom); ``bars (pan strip)`` and
  ``bars (pan down)``: the 60 px (48 px) strip one step of a pan paints, at 8 px
  a day, and ``links (pan strip)`` the links drawn into that strip;
- ``time scale`` and ``lane column``: one repaint of each header widget;
- ``links (new zoom)``: ``LinkPainter.paint`` with its route cache emptied
  first, what every zoom step costs; ``links (cached)``: the same, routes kept;
- ``paper chart``: the roadmap poster's chart pages (``GanttChart.drawings``,
  A3 landscape at a readable scale), the reportlab shapes without writing a file.

Each figure is the median CPU time of ``--runs`` calls after one untimed call
(with ``--fastest``, the quickest of them: on a busy machine the least disturbed).
With ``--against DIR`` (the ``src`` folder of another checkout, e.g. from
``git archive <commit> src | tar -x -C /tmp/base``, with ``resources`` linked
beside it) the figures are measured ``--pairs`` times in turns, ABBA, each turn
a fresh process, and the median of the paired ratios this tree ÷ that tree is
printed for each figure; ``--src DIR`` measures another tree instead of this one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import CACHE

ITEMS, DEPENDENCIES, LANES = 20_000, 15_000, 40
WIDTH, HEIGHT = 1600, 900
ZOOMS = {"bars (3 px/day)": 3.0, "bars (8 px/day)": 8.0, "bars (fit all)": None}
SRC = Path(__file__).resolve().parent.parent / "src"
FASTEST = False  # --fastest: each figure the quickest of its calls, not their median


def plan_file() -> Path:
    """The 20,000-item plan, generated once (by roadmap.py's generator) and cached."""
    path = CACHE / f"chart-geometry-{ITEMS}i-{DEPENDENCIES}d-{LANES}l.pmdesk"
    if not path.exists():
        from roadmap import make_plan

        CACHE.mkdir(parents=True, exist_ok=True)
        make_plan(path, ITEMS, DEPENDENCIES, LANES)
    return path


def _cpu(runs: int, step) -> float:
    step()  # untimed: caches, imports
    times = []
    for _ in range(runs):
        started = time.thread_time()
        step()
        times.append(time.thread_time() - started)
    return min(times) if FASTEST else statistics.median(times)


def measure(runs: int) -> dict[str, float]:
    """Median CPU seconds of each figure, in this process (the tree on sys.path)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from roadmap import open_and_paint

    app = QApplication.instance() or QApplication([])  # noqa: F841 - keeps Qt alive
    path = plan_file()
    _seconds, panel, ctx = open_and_paint(path, WIDTH, HEIGHT)
    view, painter = panel.view, panel.painter
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
    results: dict[str, float] = {}

    def window() -> QRectF:
        height = panel.model.layout.height
        top = max(0.0, height / 2 - HEIGHT / 2)
        width = panel.scene.scale.x(panel.scene.model.today)  # around today: a busy stretch
        return QRectF(width - WIDTH / 2, top, WIDTH, HEIGHT)

    def drawn(paint, part=None) -> None:
        p = QPainter(image)
        rect = window()
        p.translate(-rect.left(), -rect.top())
        paint(p, panel.scene.scale, rect if part is None else part(rect))
        p.end()

    def right_strip(rect: QRectF) -> QRectF:  # what a step of a sideways pan paints
        return QRectF(rect.right() - 60, rect.top(), 60, rect.height())

    def bottom_strip(rect: QRectF) -> QRectF:  # what a step of a downward pan paints
        return QRectF(rect.left(), rect.bottom() - 48, rect.width(), 48)

    for name, zoom in ZOOMS.items():
        if zoom is None:
            view.fit_all()
        else:
            view.set_zoom(zoom)
        results[name] = _cpu(runs, lambda: drawn(painter.paint_bars))
    view.set_zoom(8.0)
    for name, part in (("bars (pan strip)", right_strip), ("bars (pan down)", bottom_strip)):
        results[name] = _cpu(runs, lambda part=part: drawn(painter.paint_bars, part))
    results["links (pan strip)"] = _cpu(
        runs,
        lambda: drawn(
            lambda p, scale, rect: painter.paint_links(p, scale, rect, right_strip(rect))
        ),
    )
    view.set_zoom(3.0)
    results["time scale"] = _cpu(runs, panel.time_header.repaint)
    results["lane column"] = _cpu(runs, panel.lane_header.repaint)

    def links(fresh: bool):
        def step() -> None:
            if fresh:
                painter.links._zooms.clear()
            drawn(lambda p, scale, rect: painter.paint_links(p, scale, rect, rect))

        return step

    results["links (new zoom)"] = _cpu(runs, links(True))
    results["links (cached)"] = _cpu(runs, links(False))
    product = panel.model.product_id
    ctx.close()
    ctx.workspace.close()
    results["paper chart"] = _paper(path, product, max(3, runs // 8))
    return results


def _paper(path: Path, product_id: int, runs: int) -> float:
    """The poster's chart pages of the plan, as drawings (no file written)."""
    from pmdesk.exchange.pdf.fonts import register
    from pmdesk.exchange.pdf.gantt import GanttChart
    from pmdesk.exchange.pdf.job import Job
    from pmdesk.exchange.pdf.options import PdfOptions, Progress
    from pmdesk.exchange.pdf.roadmap import LANE_COLUMN, READABLE_PX_PER_DAY
    from pmdesk.exchange.pdf.roadmap_data import chart_range, roadmap_chart
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    register()
    ws = Workspace.open(path, read_only=True)
    try:
        product = next(
            p for p in ws.service(PortfolioService).list_products() if p.id == product_id
        )
        width, height = 1190.0 - 72, 842.0 - 72  # A3 landscape inside its margins
        job = Job(ws, PdfOptions(), Progress(None, None), product, (1190.0, 842.0))
        data = roadmap_chart(job)
        start, end = chart_range(job, data)

        def step() -> None:
            chart = GanttChart(data, start, end, READABLE_PX_PER_DAY, LANE_COLUMN)
            chart.drawings(width, height)

        return _cpu(runs, step)
    finally:
        ws.close()


def _child(src: Path, runs: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=f"{src}{os.pathsep}{Path(__file__).parent}")
    fastest = ["--fastest"] if FASTEST else []
    done = subprocess.run(
        [sys.executable, __file__, "--child", "--runs", str(runs), *fastest],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--src", type=Path, default=SRC, help="the src folder measured")
    parser.add_argument("--against", type=Path, help="another tree's src folder to compare with")
    parser.add_argument("--fastest", action="store_true", help="the quickest call, not the median")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global FASTEST
    FASTEST = args.fastest
    if args.child:
        print(json.dumps(measure(args.runs)))
        return
    plan_file()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"Chart geometry: {ITEMS:,} items, {DEPENDENCIES:,} dependencies (load average {load})")
    if args.against is None:
        for name, value in _child(args.src, args.runs).items():
            print(f"  {name:20} {value * 1e3:8.2f} ms cpu")
        return
    order = [args.src, args.against, args.against, args.src] * args.pairs
    runs = [(src, _child(src, args.runs)) for src in order]
    mine = [r for src, r in runs if src == args.src]
    theirs = [r for src, r in runs if src != args.src]
    print(f"  {args.src} against {args.against}, {len(mine)} runs each, ABBA\n")
    for name in mine[0]:
        a = statistics.median(r[name] for r in mine)
        b = statistics.median(r[name] for r in theirs)
        ratios = [x[name] / y[name] for x, y in zip(mine, theirs, strict=True)]
        print(
            f"  {name:20} {a * 1e3:8.2f} ms vs {b * 1e3:8.2f} ms cpu   ratio "
            f"{statistics.median(ratios):.3f} ({min(ratios):.2f}–{max(ratios):.2f})"
        )


if __name__ == "__main__":
    main()
