"""The product's P&L: actual periods from the metric values, plan periods from the business case
(marked apart), the variance against the signed plan; it follows edits and their undo from the
Edit menu — on the demo and on a new empty workspace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.gui.finance.money import new_product, product_id, signed_case
from tests.gui.test_house_rules import demo_copy, open_window
from tests.gui.windows import exposed

from pmdesk.core.finance import Period
from pmdesk.gui.finance.commands import FinanceCommand
from pmdesk.gui.finance.pnl import AHEAD_COLOUR, SHORT_COLOUR, PnlPanel
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace

VEGA = "Vega Benchtop Analyser"
COLUMNS = {
    "period": 0,
    "source": 1,
    "revenue": 2,
    "plan_revenue": 8,
    "variance": 9,
    "variance_pct": 10,
}


@pytest.fixture
def demo_window(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    signed_case(window.ctx.workspace, VEGA)
    return window


def pnl_panel(qtbot, window, name: str) -> PnlPanel:
    panel = PnlPanel(window.ctx)
    qtbot.addWidget(panel)
    panel.resize(1200, 600)
    panel.show()
    exposed(qtbot, panel)
    panel.show_product(product_id(window.ctx.workspace, name))
    return panel


def text(panel: PnlPanel, row: int, column: str) -> str:
    return panel.model.index(row, COLUMNS[column]).data()


def role(panel: PnlPanel, row: int, column: str, which: Qt.ItemDataRole):
    return panel.model.index(row, COLUMNS[column]).data(which)


def test_actual_and_plan_periods_read_apart_with_the_variance(qtbot, demo_window):
    panel = pnl_panel(qtbot, demo_window, VEGA)
    finance = demo_window.ctx.service(FinanceService)
    pid = panel.product_id
    rows = finance.pnl(pid)
    assert panel.model.rowCount() == len(rows) > 4
    actual = [n for n, r in enumerate(rows) if r.source == "actual"]
    plan = [n for n, r in enumerate(rows) if r.source == "plan"]
    assert actual and plan
    # Plan rows: italic and in the palette's quieter colour; actual rows in plain type.
    assert role(panel, plan[0], "revenue", Qt.ItemDataRole.FontRole).italic()
    assert role(panel, plan[0], "source", Qt.ItemDataRole.ForegroundRole) is not None
    assert role(panel, actual[1], "revenue", Qt.ItemDataRole.FontRole) is None
    assert text(panel, plan[0], "source") == "plan" and text(panel, plan[0], "variance") == ""
    assert "plan" in panel.legend.text() and "actual" in panel.legend.text()
    assert "against the plan signed as v1 (Base)" in panel.summary.text()
    # An actual period: its revenue set against the signed plan's.
    found = {v.period: v for v in finance.plan_vs_actual(pid).revenue}
    row = actual[1]
    variance = found[rows[row].period]
    assert text(panel, row, "revenue") == f"€{rows[row].revenue:,.0f}"
    assert text(panel, row, "plan_revenue") == f"€{variance.plan:,.0f}"
    assert text(panel, row, "variance").replace("+", "").replace("−", "-") == (
        f"{'-' if variance.variance < 0 else ''}€{abs(variance.variance):,.0f}"
    )
    colour = role(panel, row, "variance", Qt.ItemDataRole.ForegroundRole).color().name().upper()
    assert colour == (SHORT_COLOUR if variance.variance < 0 else AHEAD_COLOUR)
    # Vega's quarters start in December: each is named by its months, not a calendar quarter.
    start = rows[row].period
    assert start.month % 3 != 1
    assert text(panel, row, "period").startswith(f"{start:%b}") and "–" in text(
        panel, row, "period"
    )


def test_the_pnl_follows_a_driver_edit_and_its_undo_from_the_edit_menu(qtbot, demo_window):
    """A product without a signed version is held to its draft: a new driver value moves it."""
    ws = demo_window.ctx.workspace
    new_product(ws, "Orion")
    case_id = signed_case(ws, "Orion", sign=False)
    panel = pnl_panel(qtbot, demo_window, "Orion")
    finance = demo_window.ctx.service(FinanceService)
    before = text(panel, panel.model.rowCount() - 1, "revenue")
    assert "the draft's Base scenario (nothing is signed yet)" in panel.summary.text()
    assert demo_window.ctx.run(
        FinanceCommand(finance, lambda: finance.set_driver(case_id, "price", "4800"), "Set price")
    )
    after = text(panel, panel.model.rowCount() - 1, "revenue")
    assert after != before
    demo_window.menu_actions.undo.trigger()
    QApplication.processEvents()
    assert text(panel, panel.model.rowCount() - 1, "revenue") == before


def test_a_new_metric_value_turns_a_plan_period_actual(qtbot, demo_window):
    panel = pnl_panel(qtbot, demo_window, VEGA)
    lifecycle = demo_window.ctx.service(LifecycleService)
    last_actual = max(n for n, line in enumerate(panel.model.rows) if not line.plan)
    first_plan = last_actual + 1  # the period after the latest values
    period = panel.model.rows[first_plan].period
    revenue = next(m for m in lifecycle.metrics_of(panel.product_id) if m.name == "Revenue")
    lifecycle.upsert_values(revenue.id, [{"period": period.isoformat(), "value": 1000.0}])
    QApplication.processEvents()
    assert not panel.model.rows[first_plan].plan
    assert text(panel, first_plan, "source") == "actual, partial"  # one month of three
    assert text(panel, first_plan, "revenue") == "€1,000"


def test_a_new_workspace_says_the_next_step_then_shows_the_plan(qtbot, tmp_path):
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    window = open_window(qtbot, path, (1366, 768))
    panel = pnl_panel(qtbot, window, "Atlas")
    assert panel.hint.isVisible() and not panel.table.isVisible()
    assert "create the business case" in panel.hint.text()
    finance = window.ctx.service(FinanceService)
    pid = panel.product_id
    start = dt.date(2027, 1, 1)
    assert window.ctx.run(
        FinanceCommand(
            finance,
            lambda: finance.create_case(pid, period=Period.YEAR, horizon=5, start=start),
            "Create the business case",
        )
    )
    assert panel.table.isVisible() and not panel.hint.isVisible()
    assert [line.label for line in panel.model.rows] == ["2027", "2028", "2029", "2030", "2031"]
    assert all(line.plan for line in panel.model.rows)
    assert panel.model.rows[0].revenue == finance.pnl(pid)[0].revenue > Decimal(0)
    window.menu_actions.undo.trigger()
    QApplication.processEvents()
    assert panel.hint.isVisible() and panel.model.rowCount() == 0


@pytest.fixture
def kept():
    """Widgets kept alive until after the model tester has let go of their models."""
    return []


def test_the_pnl_model_holds_through_changes(qtbot, demo_window, kept, qtmodeltester):
    new_product(demo_window.ctx.workspace, "Orion")
    panel = pnl_panel(qtbot, demo_window, "Orion")
    kept.append(panel)
    qtmodeltester.check(panel.model, force_py=True)
    assert panel.model.rowCount() == 0
    signed_case(demo_window.ctx.workspace, "Orion", sign=False)
    QApplication.processEvents()
    assert panel.model.rowCount() == 24
    panel.show_product(product_id(demo_window.ctx.workspace, VEGA))
    assert panel.model.rowCount() == len(panel.service.pnl(panel.product_id))
