"""The portfolio's slides, a product's ranked requirements and its launch readiness.

Each deck is read back with python-pptx: native tables, charts and shapes (never a
picture), the same figures and words as the views, text exactly as typed, every
shape on the slide and every text box tall enough for its wrapped text; on the
demo, on a new empty workspace and at the bounds. LibreOffice converts the demo's
deck to PDF, one page per slide.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_AUTO_SHAPE_TYPE, MSO_SHAPE_TYPE
from tests.office import convert, needs_office

from pmdesk.core.enums import GateDecision, ItemKind, LaunchFunction, MoSCoW, Stage, TaskStatus
from pmdesk.core.lifecycle import QUADRANTS
from pmdesk.core.palette import HEALTH_COLOURS, MOSCOW_COLOURS
from pmdesk.core.scoring import rank_by_rice, rice_or_none
from pmdesk.core.wording import short_date
from pmdesk.exchange.deck import export_deck
from pmdesk.exchange.deck.base import BODY, SLIDE_HEIGHT, SLIDE_WIDTH, text_height
from pmdesk.exchange.deck.portfolio import summary_row
from pmdesk.store.services import (
    LaunchService,
    LifecycleService,
    PortfolioService,
    RequirementService,
    RoadmapService,
)
from pmdesk.store.services.portfolio import NOTES_KEY, portfolio_overview
from pmdesk.store.workspace import Workspace

ON = dt.date(2026, 3, 16)
PORTFOLIO = ["portfolio", "growth-share", "lifecycle"]
PRODUCT = ["requirements", "launch"]
AWKWARD = "Ship <v2> & friends — 路线图 🚀 שלום"


def export(ws, path: Path, slides, product_id=None):
    export_deck(ws, path, product_id=product_id, slides=slides, on=ON)
    return Presentation(str(path))


def shapes(prs):
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            yield number, slide, shape


def titles(prs) -> list[str]:
    return [
        next(s.text_frame.text for s in slide.shapes if s.name == "Title") for slide in prs.slides
    ]


def texts(prs) -> list[str]:
    out = []
    for _n, _slide, shape in shapes(prs):
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return out


def table_rows(prs, name: str) -> list[list[str]]:
    """The body rows of every table called ``name``, slide after slide."""
    rows = []
    for _n, _slide, shape in shapes(prs):
        if shape.has_table and shape.name == name:
            rows += [[c.text for c in row.cells] for row in list(shape.table.rows)[1:]]
    return rows


def assert_all_fits(prs) -> None:
    """Native parts only, every box on the slide and above the footer, every text box as
    tall as its wrapped text."""
    for number, _slide, shape in shapes(prs):
        assert shape.shape_type != MSO_SHAPE_TYPE.PICTURE, f"a picture on slide {number}"
        assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
        assert shape.left + shape.width <= SLIDE_WIDTH, (number, shape.name)
        assert shape.top + shape.height <= SLIDE_HEIGHT, (number, shape.name, shape.height)
        if shape.name not in ("Footer", "Slide number"):
            assert shape.top + shape.height <= BODY.bottom, (number, shape.name, shape.height)
        if shape.has_text_frame and shape.text_frame.text:
            runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
            size = max(r.font.size.pt for r in runs)
            bold = any(r.font.bold for r in runs)
            need = text_height(shape.text_frame.text, shape.width, size, bold)
            assert shape.height >= need, (number, shape.name, shape.height, need)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    from pmdesk.store.demo import create_demo

    path = create_demo(tmp_path_factory.mktemp("deck-demo") / "demo.pmdesk", today=ON)
    Workspace.open(path).close()  # the file alone holds it all (no write-ahead log beside)
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the demo to change."""
    path = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture(scope="module")
def demo_ws(demo_template: Path):
    """The demo, read-only, shared by the tests that only read it."""
    ws = Workspace.open(demo_template, read_only=True)
    yield ws
    ws.close()


def pulse(ws) -> int:
    return ws.service(PortfolioService).product_by_name("Pulse Cloud").id


# -- the demo ----------------------------------------------------------------------------------


def test_the_portfolio_summary_is_the_portfolio_views_table(demo_ws, tmp_path):
    prs = export(demo_ws, tmp_path / "d.pptx", ["portfolio"])
    rows = portfolio_overview(demo_ws, ON)
    assert table_rows(prs, "Portfolio summary table") == [summary_row(r) for r in rows]
    body = table_rows(prs, "Portfolio summary table")
    datalog = next(r for r in body if r[0] == "DataLog 200")
    assert datalog[1:4] == ["In-life", "Aisha Rahman", "Red"]
    assert datalog[5:] == ["▼ falling", "54,000 EUR", "9.2%", "-5.3%", "⚑ Candidate"]
    table = next(s for _n, _sl, s in shapes(prs) if s.has_table)
    health = table.table.cell(1 + [r[0] for r in body].index("DataLog 200"), 3)
    assert str(health.fill.fore_color.rgb) == HEALTH_COLOURS["red"].lstrip("#").upper()
    assert_all_fits(prs)


def test_the_growth_share_chart_is_a_native_bubble_chart_per_product(demo_ws, tmp_path):
    prs = export(demo_ws, tmp_path / "d.pptx", ["growth-share"])
    charts = [s for _n, _sl, s in shapes(prs) if s.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.chart_type == XL_CHART_TYPE.BUBBLE
    plotted = [r for r in portfolio_overview(demo_ws, ON) if r.share is not None]
    assert [s.name for s in chart.plots[0].series] == [r.name for r in plotted]
    assert chart.has_legend
    assert chart.category_axis.axis_title.text_frame.text == (
        "Relative market share (log, high on the left)"
    )
    assert chart.value_axis.axis_title.text_frame.text == "Market growth %"
    # The axes cross at the splits, so they are the quadrant lines.
    assert chart.category_axis.crosses_at == 1.0
    assert chart.value_axis.crosses_at == 5.0
    assert chart.value_axis.tick_labels.number_format == "0"  # signed whole percentages
    every = texts(prs)
    for name in QUADRANTS.values():
        assert name in every
    # Bubble size is revenue: the chart's own data holds the latest revenue.
    vega = next(s for s in chart.plots[0].series if s.name == "Vega Benchtop Analyser")
    sizes = vega._element.xpath("./c:bubbleSize//c:v")
    assert float(sizes[0].text) == 411_900
    note = next(t for t in every if t.startswith("Not on the chart"))
    assert "Pulse Cloud" in note
    assert any(t.startswith("Vega Benchtop Analyser — Stars") for t in every)
    assert_all_fits(prs)


def test_the_lifecycle_board_has_a_column_per_stage_and_a_card_per_product(demo_ws, tmp_path):
    prs = export(demo_ws, tmp_path / "d.pptx", ["lifecycle"])
    rows = portfolio_overview(demo_ws, ON)
    every = texts(prs)
    for stage in Stage:
        count = sum(r.stage is stage for r in rows)
        assert f"{stage.label} ({count})" in every
    cards = {s.name: s for _n, _sl, s in shapes(prs) if s.name.startswith("Card ")}
    assert set(cards) == {f"Card {r.name}" for r in rows}
    for row in rows:
        card = cards[f"Card {row.name}"]
        assert card.auto_shape_type == MSO_AUTO_SHAPE_TYPE.ROUNDED_RECTANGLE
        assert str(card.line.color.rgb) == HEALTH_COLOURS[row.health.colour].lstrip("#").upper()
        assert card.text_frame.text.split("\n")[0] == row.name
    assert "⚑ elimination candidate" in cards["Card DataLog 200"].text_frame.text
    # The card sits in its stage's column.
    column = next(s for _n, _sl, s in shapes(prs) if s.name == "In-life column")
    card = cards["Card DataLog 200"]
    assert column.left <= card.left and card.left + card.width <= column.left + column.width
    assert_all_fits(prs)


def test_requirements_are_ranked_as_the_requirements_view_ranks_them(demo_file, tmp_path, qtbot):
    from pmdesk.gui.context import AppContext
    from pmdesk.gui.requirements import RequirementsView

    ws = Workspace.open(demo_file)
    ctx = AppContext(ws)
    view = RequirementsView(ctx)
    qtbot.addWidget(view)
    try:
        product_id = pulse(ws)
        view.set_product(product_id)
        view.order.setCurrentText("RICE score")
        on_screen = [view.model.id_at(n) for n in range(view.model.rowCount())]
        refs = {r.id: r.ref for r in ws.service(RequirementService).requirements_of(product_id)}
        prs = export(ws, tmp_path / "r.pptx", ["requirements"], product_id)
    finally:
        view.close()
        ctx.close()
    rows = table_rows(prs, "Requirements ranked by RICE table")
    assert [r[1] for r in rows] == [refs[i] for i in on_screen]
    assert [r[0] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert len(prs.slides) > 1  # 35 requirements: continued on further slides
    assert titles(prs)[0] == f"Requirements ranked by RICE (1 of {len(prs.slides)})"
    assert titles(prs)[-1].endswith(f"({len(prs.slides)} of {len(prs.slides)})")
    assert rows[0][3:10] == ["Must have", "1,500", "2", "100%", "2", "1,500", "Done"]
    assert_all_fits(prs)


def test_rice_ranking_keeps_backlog_order_for_ties_and_puts_the_unscorable_last():
    a, b, c, d = (
        rice_or_none(*parts)
        for parts in [(10, 1, 100, 1), (0, 1, 100, 0), (20, 1, 100, 2), (30, 1, 100, 1)]
    )
    ranked = rank_by_rice([("a", a), ("b", b), ("c", c), ("d", d)])
    assert [name for name, _ in ranked] == ["d", "a", "c", "b"]


def test_moscow_cells_take_the_screens_colours(demo_ws, tmp_path):
    prs = export(demo_ws, tmp_path / "r.pptx", ["requirements"], pulse(demo_ws))
    labels = {m.label: m for m in MoSCoW}
    seen = 0
    for _n, _sl, shape in shapes(prs):
        if shape.has_table:
            for row in list(shape.table.rows)[1:]:
                cell = row.cells[3]
                colour = MOSCOW_COLOURS[labels[cell.text]].lstrip("#").upper()
                assert str(cell.fill.fore_color.rgb) == colour
                seen += 1
    assert seen == 35


def test_launch_readiness_is_the_launch_views_per_function(demo_ws, tmp_path):
    product_id = pulse(demo_ws)
    prs = export(demo_ws, tmp_path / "l.pptx", ["launch"], product_id)
    service = demo_ws.service(LaunchService)
    launch = service.launches_of(product_id)[0]
    figures = service.readiness_of(launch.id, ON)
    rows = table_rows(prs, "Readiness by function")
    assert [r[0] for r in rows] == [f.label for f in figures.per_function]
    for row, part in zip(rows, figures.per_function.values(), strict=True):
        assert row[1:3] == [f"{part.done}/{part.counted}", f"{part.percent:.0f}%"]
    chart = next(s for _n, _sl, s in shapes(prs) if s.has_chart).chart
    assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED
    done = dict(zip(chart.plots[0].categories, chart.plots[0].series[0].values, strict=True))
    assert done == {f.label: part.done for f, part in figures.per_function.items()}
    subtitle = next(s for _n, _sl, s in shapes(prs) if s.name == "Subtitle").text_frame.text
    assert "launch 8 Jul 2026" in subtitle
    assert "launch gate not reviewed yet" in subtitle
    assert_all_fits(prs)


# -- a new, empty workspace and one of awkward text ----------------------------------------------


def test_a_new_empty_workspace_says_there_is_nothing_yet(tmp_path):
    ws = Workspace.create(tmp_path / "new.pmdesk", name="New")
    try:
        prs = export(ws, tmp_path / "e.pptx", PORTFOLIO)
        assert len(prs.slides) == 3
        assert texts(prs).count("No products yet — add one in the Portfolio view") == 3
        product = ws.service(PortfolioService).create_product(name="Solo")
        prs = export(ws, tmp_path / "p.pptx", PORTFOLIO + PRODUCT, product.id)
    finally:
        ws.close()
    every = texts(prs)
    assert "No requirements yet — add them in the Requirements view" in every
    assert "No launch planned — plan one in the Launch view" in every
    assert any(t.startswith("No market share and growth values yet") for t in every)
    assert "Card Solo" in [s.name for _n, _sl, s in shapes(prs)]
    assert_all_fits(prs)


def test_typed_text_comes_back_exactly(tmp_path):
    ws = Workspace.create(tmp_path / "awkward.pmdesk", name="Awkward")
    try:
        product = ws.service(PortfolioService).create_product(
            name=AWKWARD, owner="R&D <lead>", stage=Stage.GO_TO_MARKET
        )
        lifecycle = ws.service(LifecycleService)
        for kind, value in (("market_share", 20.0), ("market_growth", 12.0), ("revenue", 1e12)):
            metric = lifecycle.metrics.create(product_id=product.id, name=kind, kind=kind)
            lifecycle.values.create(metric_id=metric.id, period=dt.date(2026, 1, 1), value=value)
        ws.service(RequirementService).requirements.create(
            product_id=product.id, ref="R<1>", title=f"{AWKWARD} & more", effort=1, reach=5
        )
        launches = ws.service(LaunchService)
        launch = launches.launches.create(
            product_id=product.id, name="Launch <α>", launch_date=dt.date(2026, 9, 1)
        )
        launches.tasks.create(
            launch_id=launch.id,
            function=LaunchFunction.LEGAL,
            title="Sign",
            due_date=dt.date(2026, 8, 1),
            status=TaskStatus.BLOCKED,
        )
        lifecycle.record_gate(
            product.id,
            GateDecision.HOLD,
            decided_on=dt.date.today(),
            decided_by_name="Zoë",
        )
        prs = export(ws, tmp_path / "a.pptx", PORTFOLIO + PRODUCT, product.id)
    finally:
        ws.close()
    every = texts(prs)
    assert AWKWARD in every  # the summary's product cell
    assert "R&D <lead>" in every
    assert f"{AWKWARD} & more" in every
    assert f"Card {AWKWARD}" in [s.name for _n, _sl, s in shapes(prs)]
    chart = next(s for _n, _sl, s in shapes(prs) if s.has_chart).chart
    assert [s.name for s in chart.plots[0].series] == [AWKWARD]
    subtitle = [s.text_frame.text for _n, _sl, s in shapes(prs) if s.name == "Subtitle"][-1]
    assert (
        "Launch <α>" in subtitle
        and f"No go (Hold), {short_date(dt.date.today())} by Zoë" in subtitle
    )
    assert table_rows(prs, "Readiness by function") == [["Legal", "0/1", "0%", "1", "0"]]
    assert_all_fits(prs)


def test_long_portfolios_continue_on_further_slides(tmp_path):
    ws = Workspace.create(tmp_path / "many.pmdesk", name="Many")
    try:
        portfolio = ws.service(PortfolioService)
        names = [f"Product {n:02d} " + "long name " * (n % 5) for n in range(60)]
        for n, name in enumerate(names):
            portfolio.create_product(name=name.strip(), owner=f"Owner {n}", stage=Stage.IN_LIFE)
        prs = export(ws, tmp_path / "m.pptx", ["portfolio", "lifecycle"])
    finally:
        ws.close()
    summary = [t for t in titles(prs) if t.startswith("Portfolio summary")]
    board = [t for t in titles(prs) if t.startswith("Lifecycle board")]
    assert (
        len(summary) > 1 and summary[-1] == f"Portfolio summary ({len(summary)} of {len(summary)})"
    )
    assert len(board) > 1 and board[0] == f"Lifecycle board (1 of {len(board)})"
    rows = table_rows(prs, "Portfolio summary table")
    assert [r[0] for r in rows] == sorted(n.strip() for n in names)
    cards = [s.name for _n, _sl, s in shapes(prs) if s.name.startswith("Card ")]
    assert sorted(cards) == sorted(f"Card {n.strip()}" for n in names)
    assert_all_fits(prs)


def test_at_the_bounds_the_slides_still_fit_and_come_quickly(at_the_bounds, tmp_path):
    ws = Workspace.open(at_the_bounds, read_only=True)
    try:
        started = time.perf_counter()
        export_deck(
            ws,
            tmp_path / "b.pptx",
            product_id=pulse(ws),
            slides=PORTFOLIO + PRODUCT,
            on=ON,
        )
        took = time.perf_counter() - started
    finally:
        ws.close()
    assert took < 10, took
    prs = Presentation(str(tmp_path / "b.pptx"))
    assert_all_fits(prs)


def test_a_megabyte_of_speaker_notes_goes_with_the_first_slide_only(demo_file, tmp_path):
    notes = "Say this slowly & clearly <please>. " * 30_000
    ws = Workspace.open(demo_file)
    try:
        portfolio = ws.service(PortfolioService)
        settings = dict(portfolio.workspace_info().settings or {})
        settings[NOTES_KEY] = {"requirements": notes}
        portfolio.info.update(1, settings=settings)
        started = time.perf_counter()
        prs = export(ws, tmp_path / "n.pptx", ["requirements"], pulse(ws))
        took = time.perf_counter() - started
    finally:
        ws.close()
    assert took < 10, took
    first, *rest = prs.slides
    assert first.notes_slide.notes_text_frame.text == notes
    assert all(not s.has_notes_slide or not s.notes_slide.notes_text_frame.text for s in rest)


# -- LibreOffice --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def converted(demo_ws, tmp_path_factory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("deck-portfolio") / "portfolio.pptx"
    export_deck(demo_ws, out, product_id=pulse(demo_ws), slides=PORTFOLIO + PRODUCT, on=ON)
    return convert(out, "pdf"), len(Presentation(str(out)).slides)


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(x for x in info.stdout.splitlines() if x.startswith("Pages:")).split()[1])


@needs_office
def test_libreoffice_converts_the_deck_a_page_per_slide(converted):
    pdf, slides = converted
    assert page_count(pdf) == slides
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        for words in ("Portfolio summary", "Stars", "Cash cows", "In-life (2)", "Launch readiness"):
            assert words in text


@needs_office
def test_libreoffice_converts_the_deck_at_the_bounds(at_the_bounds, tmp_path):
    ws = Workspace.open(at_the_bounds, read_only=True)
    try:
        out = tmp_path / "bounds.pptx"
        export_deck(ws, out, product_id=pulse(ws), slides=PORTFOLIO + PRODUCT, on=ON)
    finally:
        ws.close()
    assert page_count(convert(out, "pdf")) == len(Presentation(str(out)).slides)


def test_names_too_long_for_the_bubbles_become_numbers_with_a_key_beside(tmp_path):
    ws = Workspace.create(tmp_path / "long.pmdesk", name="Long")
    long_name = "W" * 200
    try:
        lifecycle = ws.service(LifecycleService)
        for name, share, growth in ((long_name, 5.0, -3.0), ("Short", 20.0, 12.0)):
            product = ws.service(PortfolioService).create_product(name=name, owner="O" * 200)
            for kind, value in (("market_share", share), ("market_growth", growth)):
                metric = lifecycle.metrics.create(product_id=product.id, name=kind, kind=kind)
                lifecycle.values.create(
                    metric_id=metric.id, period=dt.date(2026, 1, 1), value=value
                )
        prs = export(ws, tmp_path / "l.pptx", PORTFOLIO)
    finally:
        ws.close()
    chart = next(s for _n, _sl, s in shapes(prs) if s.has_chart).chart
    series = list(chart.plots[0].series)
    assert [s.name for s in series] == ["Short", long_name]  # the data keeps the names
    assert not chart.has_legend
    assert [s.points[0].data_label.text_frame.text for s in series] == ["1", "2"]
    every = texts(prs)
    assert any(t.startswith("1 · Short — Stars") for t in every)
    assert any(t.startswith(f"2 · {long_name} — Dogs") for t in every)
    assert_all_fits(prs)


def test_a_row_taller_than_a_slide_is_set_smaller_rather_than_run_off_it(tmp_path):
    ws = Workspace.create(tmp_path / "tall.pmdesk", name="Tall")
    milestone = "W" * 300  # the longest name a roadmap item may have, without a space
    try:
        product = ws.service(PortfolioService).create_product(name="W" * 200, owner="O" * 200)
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=product.id, name="Core")
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=milestone,
            kind=ItemKind.MILESTONE,
            start_date=dt.date(2026, 6, 1),
            end_date=dt.date(2026, 6, 1),
        )
        prs = export(ws, tmp_path / "t.pptx", ["portfolio"])
    finally:
        ws.close()
    assert table_rows(prs, "Portfolio summary table")[0][4] == f"1 Jun 2026 · {milestone}"
    table = next(s for _n, _sl, s in shapes(prs) if s.has_table)
    body = table.table.cell(1, 0).text_frame.paragraphs[0].runs[0].font.size.pt
    assert body < 14  # smaller than the summary's usual type, to stay on the slide
    assert_all_fits(prs)
