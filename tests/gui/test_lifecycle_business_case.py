"""The business case over the lifecycle: the approved plan drawn dashed over the actual values
of the lifecycle curve and the KPI charts, the variance in the hover text, and the elimination
rule for products far below their case — set in the rules box, flagged with the other rules."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication
from tests.gui.finance.money import new_product, signed_case
from tests.gui.test_house_rules import demo_copy, open_window, show

from pmdesk.core.lifecycle import EliminationRules, figure
from pmdesk.gui.finance.commands import FinanceCommand
from pmdesk.gui.lifecycle.charts import stamp
from pmdesk.store.services import LifecycleService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def window(qtbot, demo_template, tmp_path):
    return open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))


def lifecycle_of(window, name: str):
    view = show(window, "lifecycle")
    selector = window.product_selector
    selector.setCurrentIndex(selector.findText(name))
    QApplication.processEvents()
    assert view.product_id == selector.product_id()
    return view


def legend(chart) -> list[str]:
    return [label.text for _sample, label in chart.legend.items]


def hover(chart, x: float, y: float) -> str:
    chart._hover(chart.plotItem.vb.mapViewToScene(QPointF(x, y)))
    return chart.hover_text()


def undo(window) -> None:
    window.menu_actions.undo.trigger()
    QApplication.processEvents()


def test_the_signed_plan_is_drawn_over_the_revenue_with_the_variance(qtbot, window):
    view = lifecycle_of(window, "DataLog 200")
    finance = window.ctx.service(FinanceService)
    found = finance.plan_vs_actual(view.product_id)
    assert found.plan_source == "signed v1"
    curve = view.curve
    assert view.curve_metric.currentText() == "Revenue"
    name = f"Business case v1 · {found.scenario}"
    assert name in legend(curve)
    # An actual month's hover text: its value, then its plan period's plan, actual, variance.
    last = max((v for v in found.revenue if v.actual is not None), key=lambda v: v.period)
    month = view.service.series_of(view.product_id)[0].points[-1]
    text = hover(curve, stamp(month[0]), month[1])
    assert text.startswith(f"{month[0]:%b %Y}\nRevenue: ")
    assert f"business case: revenue {figure(float(last.plan))} EUR" in text
    assert f"({figure(float(last.plan) / 3)} a month)" in text  # quarters, drawn per month
    assert f"actual {figure(float(last.actual))} EUR (−" in text  # DataLog is short of it
    # A plan step's own hover text, at its monthly level (a quarter's plan ÷ 3).
    plan_points = [p for p in curve._points if "business case" in p[2] and "\n" not in p[2]]
    assert plan_points
    levels = {round(p[1]) for p in plan_points}
    assert round(float(last.plan) / 3) in levels


def test_the_kpi_chart_sets_a_margin_in_per_cent_against_the_plans(qtbot, window):
    view = lifecycle_of(window, "Vega Benchtop Analyser")
    view.tabs.setCurrentIndex(1)  # Metrics
    metrics = view.metrics
    row = next(
        r
        for r in range(metrics.model.rowCount())
        if metrics.model.index(r, 0).data() == "Gross margin %"
    )
    spot = metrics.view.visualRect(metrics.model.index(row, 0)).center()
    qtbot.mouseClick(metrics.view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert any(label.startswith("Business case") for label in legend(view.kpi))
    plan = [p for p in view.kpi._points if p[2].count("\n") == 0]
    assert plan and all(0 < y < 100 for _x, y, _t in plan)  # a share, not an amount
    assert all("points)" in t or "no actual" in t for _x, _y, t in plan)
    # A metric the plan says nothing of (NPS) has no plan line.
    row = next(
        r for r in range(metrics.model.rowCount()) if metrics.model.index(r, 0).data() == "NPS"
    )
    spot = metrics.view.visualRect(metrics.model.index(row, 0)).center()
    qtbot.mouseClick(metrics.view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    assert not any(label.startswith("Business case") for label in legend(view.kpi))


def test_a_new_signed_version_redraws_the_plan_and_undo_takes_it_back(qtbot, window):
    view = lifecycle_of(window, "Vega Benchtop Analyser")
    finance = window.ctx.service(FinanceService)
    case_id = finance.case_id_for(view.product_id)
    assert window.ctx.run(
        FinanceCommand(
            finance,
            lambda: finance.sign_off(case_id, signed_by="Ines", scenario="Worst"),
            "Sign off the business case",
        )
    )
    assert "Business case v2 · Worst" in legend(view.curve)
    undo(window)
    assert "Business case v1 · Base" in legend(view.curve)


def test_the_business_case_rule_is_set_in_the_rules_box_as_one_undo_step(qtbot, window):
    view = lifecycle_of(window, "DataLog 200")
    view.tabs.setCurrentWidget(view.elimination)
    rules = view.elimination.rules
    assert (rules.case_floor.value(), rules.case_periods.value()) == (50, 2)
    rules.case_floor.setFocus()
    rules.case_floor.selectAll()
    qtbot.keyClicks(rules.case_floor, "40")
    rules.case_periods.selectAll()
    qtbot.keyClicks(rules.case_periods, "3")
    steps = window.ctx.undo_stack.count()
    qtbot.mouseClick(rules.apply, Qt.MouseButton.LeftButton)
    assert window.ctx.undo_stack.count() == steps + 1
    stored = window.ctx.service(LifecycleService).elimination_rules()
    assert (stored.business_case_floor, stored.business_case_periods) == (40.0, 3)
    assert stored.falling_periods == EliminationRules().falling_periods
    undo(window)
    stored = window.ctx.service(LifecycleService).elimination_rules()
    assert (stored.business_case_floor, stored.business_case_periods) == (50.0, 2)
    assert (rules.case_floor.value(), rules.case_periods.value()) == (50, 2)


def test_a_product_far_below_its_case_is_flagged_with_the_other_rules(qtbot, window):
    view = lifecycle_of(window, "DataLog 200")
    flags = view.elimination.flags.text()
    rule = "of its business case, under 50% in each of the last 2 periods"
    assert rule in flags  # the rule's own flag (the hand-set one says so in other words)
    assert "revenue fell" in flags  # beside the other rules' flags
    assert any(
        rule in t.detail for t in window.ctx.service(LifecycleService).triggers_of(view.product_id)
    )
    view = lifecycle_of(window, "Vega Benchtop Analyser")  # on plan: not flagged by it
    assert "of its business case" not in view.elimination.flags.text()


def test_without_a_case_or_values_nothing_is_drawn_but_the_next_step(qtbot, tmp_path):
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        new_product(ws, "Atlas")
        signed_case(ws, "Atlas")  # a plan, but no metric and no value yet
    window = open_window(qtbot, path, (1366, 768))
    view = lifecycle_of(window, "Atlas")
    assert view.curve_hint.isVisible() and not view.curve.isVisible()
    assert view.finance.plan_vs_actual(view.product_id) is not None
    assert not window.dialogs.errors
