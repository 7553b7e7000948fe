"""The lifecycle tracker on the demo portfolio: gate reviews, pasted and imported values, charts."""

from __future__ import annotations

import datetime as dt

import pytest
from gate_steps import answer
from PySide6.QtCore import QPointF, Qt
from tests.gui.windows import exposed

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.gui.lifecycle import LifecycleView, gate_dialog
from pmdesk.gui.lifecycle.charts import day_of, stamp
from pmdesk.gui.widgets.delegates import set_editor_value
from pmdesk.store.services import LifecycleService, PortfolioService


@pytest.fixture
def ctx(demo_ctx):
    return demo_ctx


def _product(ctx, name: str) -> int:
    return ctx.service(PortfolioService).product_by_name(name).id


@pytest.fixture
def view(ctx, qtbot) -> LifecycleView:
    widget = LifecycleView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.set_product(_product(ctx, "Pulse Cloud"))
    widget.show()
    return widget


def test_a_go_at_the_gate_moves_the_stage_and_undo_moves_it_back(view, ctx, qtbot, monkeypatch):
    pid = view.product_id
    seen = answer(
        monkeypatch,
        qtbot,
        GateDecision.GO,
        tick=(0,),
        despite=True,
        who="Dana <PM>",
        rationale='Ready <now> & "signed"',
    )
    periods_before = view.periods.model.rowCount()
    with qtbot.waitSignal(ctx.changed):
        qtbot.mouseClick(view.gate_button, Qt.MouseButton.LeftButton)
    assert seen[0][0].stage is Stage.DEVELOPMENT
    assert seen[0][1] is None  # nothing chosen for the person
    products = ctx.service(PortfolioService).products
    assert products.get(pid).stage is Stage.GO_TO_MARKET
    assert view.title.text().endswith("Go-to-Market")
    last = ctx.service(LifecycleService).gates_of(pid)[-1]
    assert (last.rationale, last.decided_by_name) == ('Ready <now> & "signed"', "Dana <PM>")
    assert last.criteria[0]["met"] is True and last.criteria[1]["met"] is False
    assert view.periods.model.rowCount() == periods_before + 1  # no reopening needed
    assert ctx.undo_stack.count() == 1
    ctx.undo()
    assert products.get(pid).stage is Stage.DEVELOPMENT
    assert view.timeline.current is Stage.DEVELOPMENT
    ctx.redo()
    assert products.get(pid).stage is Stage.GO_TO_MARKET


def test_recycle_returns_to_the_chosen_stage(view, ctx, qtbot, monkeypatch):
    answer(monkeypatch, qtbot, GateDecision.RECYCLE, recycle_to=Stage.ANALYSIS, who="Dana")
    qtbot.mouseClick(view.gate_button, Qt.MouseButton.LeftButton)
    assert ctx.service(PortfolioService).products.get(view.product_id).stage is Stage.ANALYSIS


def test_a_cancelled_review_changes_nothing(view, ctx, monkeypatch):
    monkeypatch.setattr(gate_dialog, "ask", lambda dialog: False)
    assert not view.review_gate()
    assert ctx.undo_stack.count() == 0


def test_pasting_values_from_a_spreadsheet_is_one_undo_step(view, ctx):
    lifecycle = ctx.service(LifecycleService)
    metric = lifecycle.metrics_of(view.product_id)[0]
    view.metrics.select_id(metric.id)
    before = [(v.period, v.value) for v in lifecycle.values_of(metric.id)]
    assert view.paste_values("2031-01\t100\t150\nFeb 2031\t120\n")
    after = [(v.period.isoformat(), v.value, v.target) for v in lifecycle.values_of(metric.id)]
    assert after[-2:] == [("2031-01-01", 100.0, 150.0), ("2031-02-01", 120.0, None)]
    assert view.values.model.rowCount() == len(before) + 2
    ctx.undo()
    assert [(v.period, v.value) for v in lifecycle.values_of(metric.id)] == before


def test_bad_rows_are_reported_with_their_line_and_nothing_is_written(view, ctx, monkeypatch):
    problems = []
    monkeypatch.setattr(view, "show_problems", lambda what, lines: problems.extend(lines))
    assert not view.paste_values("2031-01\t100\n2031-02\tlots\n2031-13-01\t5\n")
    assert any(line.startswith("Row 2") and "lots" in line for line in problems)
    assert any(line.startswith("Row 3") for line in problems)
    assert ctx.undo_stack.count() == 0


def test_csv_import_of_values_for_several_metrics(view, ctx, tmp_path, monkeypatch):
    lifecycle = ctx.service(LifecycleService)
    names = [m.name for m in lifecycle.metrics_of(view.product_id)]
    path = tmp_path / "values.csv"
    path.write_text(
        f"Metric,Period,Value\n{names[0]},2031-05-01,7\n{names[1]},2031-05-01,8\n", encoding="utf-8"
    )
    assert view.import_csv(path)
    latest = {s.metric.name: s.points[-1][1] for s in lifecycle.series_of(view.product_id)}
    assert (latest[names[0]], latest[names[1]]) == (7.0, 8.0)
    problems = []
    monkeypatch.setattr(view, "show_problems", lambda what, lines: problems.extend(lines))
    path.write_text("Metric,Period,Value\nNo such metric,2031-06-01,1\n", encoding="utf-8")
    assert not view.import_csv(path)
    assert problems == ["Row 2: the product has no metric named “No such metric”"]


def test_charts_are_built_from_the_data_with_hover_readouts(view, ctx, qtbot):
    view.set_product(_product(ctx, "DataLog 200"))
    view.show()
    exposed(qtbot, view)
    assert view.curve_metric.currentText() == "Revenue"
    x, y = view.curve.point_pos(0)
    view.curve._hover(view.curve.plotItem.vb.mapViewToScene(QPointF(x, y)))
    assert view.curve.hover_text().startswith(f"{day_of(x):%b %Y}\nRevenue: ")
    view.whole_life.setChecked(True)  # every stage band, from the first
    assert view.curve.plotItem.vb.viewRange()[0][0] <= stamp(
        ctx.service(LifecycleService).periods_of(view.product_id)[0].entered_on
    )
    view.tabs.setCurrentIndex(1)
    assert view.kpi._points
    for index in range(view.curve_metric.count()):
        view.curve_metric.setCurrentIndex(index)  # every metric draws as a curve
        assert len(view.curve._points) >= len(
            ctx.service(LifecycleService).gates_of(view.product_id)
        )


def test_export_image_writes_png_and_svg(view, tmp_path):
    png = view.export_image(tmp_path / "lifecycle.png")
    svg = view.export_image(tmp_path / "lifecycle.svg")
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in svg.read_bytes()[:2000]


def test_elimination_review_dates_become_milestones_undoably(view, ctx):
    view.set_product(_product(ctx, "DataLog 200"))
    panel = view.elimination
    assert "revenue fell" in panel.flags.text()
    review_id = panel.review_id()
    assert review_id is not None
    editor = panel.form.editors["end_of_sale"]
    set_editor_value(editor, panel.form.columns["end_of_sale"], dt.date(2031, 3, 31))
    assert panel.form.commit("end_of_sale")
    lifecycle = ctx.service(LifecycleService)
    assert lifecycle.milestones_of(review_id)["end_of_sale"].start_date == dt.date(2031, 3, 31)
    ctx.undo()
    assert lifecycle.milestones_of(review_id) == {}


def _zoom_in_like_the_wheel(chart) -> list[list[float]]:
    """What a wheel turn does in pyqtgraph's ViewBox: scale, then say the person did it."""
    box = chart.plotItem.getViewBox()
    box.scaleBy(s=(0.5, 0.5))
    box.sigRangeChangedManually.emit([True, True])
    return box.viewRange()


def test_a_zoomed_chart_stays_zoomed_when_the_data_changes(view, ctx, qtbot):
    """A colleague's edit (or one's own) redraws the curve; where one looked stays."""
    view.set_product(_product(ctx, "DataLog 200"))
    view.show()
    exposed(qtbot, view)
    chart = view.curve
    fitted = chart.plotItem.getViewBox().viewRange()
    zoomed = _zoom_in_like_the_wheel(chart)
    assert zoomed[0] != fitted[0]
    metric = next(
        m
        for m in ctx.service(LifecycleService).metrics_of(view.product_id)
        if m.name == view.curve_metric.currentText()
    )
    ctx.service(LifecycleService).upsert_values(metric.id, [{"period": "2031-01-01", "value": 1.0}])
    qtbot.waitUntil(lambda: any(p[0] >= stamp(dt.date(2031, 1, 1)) for p in chart._points))
    after = chart.plotItem.getViewBox().viewRange()
    assert after[0] == pytest.approx(zoomed[0]) and after[1] == pytest.approx(zoomed[1])
    # Another metric, or the whole life, is fitted afresh.
    view.curve_metric.setCurrentIndex(
        (view.curve_metric.currentIndex() + 1) % view.curve_metric.count()
    )
    assert chart.plotItem.getViewBox().viewRange()[0] != pytest.approx(zoomed[0])
