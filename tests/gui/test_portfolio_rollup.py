"""The Portfolio's P&L tab: revenue, gross margin and contribution per product, plan and actual
marked, totals per currency (never converted); a year is chosen, a product opened from its row;
it follows edits and their undo from the Edit menu — on the demo and a new empty workspace."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.gui.finance.money import new_product, product_id, signed_case
from tests.gui.test_house_rules import demo_copy, open_window, show

from pmdesk.gui.finance.commands import FinanceCommand
from pmdesk.gui.portfolio import PortfolioView
from pmdesk.gui.portfolio.rollup import ID_ROLE
from pmdesk.gui.views.common import today
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace


def rollup_of(window):
    view = show(window, "portfolio")
    view.tabs.setCurrentWidget(view.rollup)
    QApplication.processEvents()
    return view, view.rollup


def texts(panel, column: int) -> list[str]:
    return [panel.model.index(r, column).data() for r in range(panel.model.rowCount())]


def choose_year(qtbot, panel, label: str) -> None:
    """Pick a period in the combo with the keyboard, as a person does."""
    combo = panel.year
    combo.setFocus()
    index = combo.findText(label)
    assert index >= 0, label
    while combo.currentIndex() != index:
        key = Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)
    QApplication.processEvents()


@pytest.fixture
def window(qtbot, demo_template, tmp_path):
    return open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))


def test_every_product_with_a_case_and_the_total_per_currency(qtbot, window):
    _view, panel = rollup_of(window)
    finance = window.ctx.service(FinanceService)
    found = finance.portfolio_pnl(today().year)
    names = texts(panel, 0)
    assert names == [p.name for p in found.products] + ["Total in EUR"]
    total = found.totals[0]
    last = panel.model.rowCount() - 1
    assert texts(panel, 1)[last] == f"€{total.revenue:,.0f}"
    assert texts(panel, 4)[last] == f"€{total.contribution:,.0f}".replace("€-", "−€")
    assert panel.model.index(last, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert texts(panel, 5)[:-1] == [p.source for p in found.products]
    left_out = {p.name for p in window.ctx.service(PortfolioService).list_products()} - {
        p.name for p in found.products
    }
    assert all(name in panel.missing.text() for name in left_out)
    choose_year(qtbot, panel, "Whole plan")
    whole = finance.portfolio_pnl(None)
    assert texts(panel, 1)[-1] == f"€{whole.totals[0].revenue:,.0f}"
    assert "plan and actual" in texts(panel, 5)


def test_a_product_in_another_currency_gets_its_own_total(qtbot, window):
    ws = window.ctx.workspace
    new_product(ws, "Orion")
    signed_case(ws, "Orion", currency="USD", units="100", price="50")
    _view, panel = rollup_of(window)
    choose_year(qtbot, panel, "Whole plan")
    names = texts(panel, 0)
    assert "Orion" in names
    totals = [n for n in names if n.startswith("Total")]
    assert [n.split(" (")[0] for n in totals] == ["Total in EUR", "Total in USD"]
    assert totals[1] == "Total in USD (1 product)"
    orion = names.index("Orion")
    assert texts(panel, 1)[orion].startswith("$")
    usd = next(n for n, name in enumerate(names) if name.startswith("Total in USD"))
    assert texts(panel, 1)[usd] == texts(panel, 1)[orion]  # never added to the euros


def test_plan_rows_are_marked_and_the_roll_up_follows_undo(qtbot, window):
    ws = window.ctx.workspace
    orion = new_product(ws, "Orion")
    case_id = signed_case(ws, "Orion", sign=False, units="100", price="50")
    _view, panel = rollup_of(window)
    choose_year(qtbot, panel, "Whole plan")
    row = texts(panel, 0).index("Orion")
    assert texts(panel, 5)[row] == "plan"  # no metric values: the business case only
    index = panel.model.index(row, 1)
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    assert index.data(Qt.ItemDataRole.ForegroundRole) is not None
    before = texts(panel, 1)[row]
    finance = window.ctx.service(FinanceService)
    assert window.ctx.run(
        FinanceCommand(finance, lambda: finance.set_driver(case_id, "price", "75"), "Set price")
    )
    QApplication.processEvents()
    assert texts(panel, 1)[texts(panel, 0).index("Orion")] != before
    window.menu_actions.undo.trigger()
    QApplication.processEvents()
    assert texts(panel, 1)[texts(panel, 0).index("Orion")] == before
    assert panel.model.index(row, 0).data(ID_ROLE) == orion


def test_enter_on_a_row_opens_the_product(qtbot, window):
    view, panel = rollup_of(window)
    row = texts(panel, 0).index("Vega Benchtop Analyser")
    spot = panel.table.visualRect(panel.model.index(row, 0)).center()
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    with qtbot.waitSignal(view.productActivated) as opened:
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened.args == [product_id(window.ctx.workspace, "Vega Benchtop Analyser")]


def test_a_new_workspace_says_the_next_step(qtbot, tmp_path):
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        new_product(ws, "Atlas")
    window = open_window(qtbot, path, (1366, 768))
    _view, panel = rollup_of(window)
    assert panel.hint.isVisible() and not panel.table.isVisible()
    assert "Business case" in panel.hint.text()
    finance = window.ctx.service(FinanceService)
    pid = product_id(window.ctx.workspace, "Atlas")
    assert window.ctx.run(FinanceCommand(finance, lambda: finance.create_case(pid), "Create"))
    choose_year(qtbot, panel, "Whole plan")
    assert panel.table.isVisible() and texts(panel, 0) == ["Atlas", "Total in EUR"]
    assert panel.model.rows[0].revenue > Decimal(0)


def test_the_roll_up_model_holds_through_changes(qtbot, demo_ctx, qtmodeltester):
    view = PortfolioView(demo_ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    view.tabs.setCurrentWidget(view.rollup)
    panel = view.rollup
    qtmodeltester.check(panel.model, force_py=True)
    choose_year(qtbot, panel, "Whole plan")
    new_product(demo_ctx.workspace, "Orion")
    signed_case(demo_ctx.workspace, "Orion", currency="USD")
    QApplication.processEvents()
    assert "Orion" in texts(panel, 0) and texts(panel, 0)[-1].startswith("Total in USD")
    demo_ctx.service(PortfolioService).products.delete([product_id(demo_ctx.workspace, "Orion")])
    QApplication.processEvents()
    assert "Orion" not in texts(panel, 0)


def test_products_left_out_are_told_apart_by_why(qtbot, window):
    """A product whose plan has not started is not one without a business case."""
    ws = window.ctx.workspace
    new_product(ws, "Orion")  # no business case at all
    _view, panel = rollup_of(window)
    year = today().year
    finance = window.ctx.service(FinanceService)
    counted = {p.name for p in finance.portfolio_pnl(year).products}
    later = [
        p.name
        for p in window.ctx.service(PortfolioService).list_products()
        if p.name != "Orion" and p.name not in counted
    ]
    text = panel.missing.text()
    assert panel.missing.isVisible() and "No business case yet: Orion" in text
    for name in later:  # they have a case; its periods fall outside the year
        assert f"No figures in {year}" in text and name in text.split(f"No figures in {year}")[1]
        assert name not in text.split(f"No figures in {year}")[0]
    choose_year(qtbot, panel, "Whole plan")
    assert panel.missing.text() == "Not in the roll-up — No business case yet: Orion"


def test_a_currency_changed_after_sign_off_leaves_the_signed_plan_in_its_own(qtbot, window):
    """The roll-up adds up the signed plan: its amounts are in the currency it was signed in."""
    ws = window.ctx.workspace
    new_product(ws, "Orion")
    case_id = signed_case(ws, "Orion", currency="USD", units="100", price="50")
    finance = window.ctx.service(FinanceService)
    window.ctx.run(
        FinanceCommand(
            finance, lambda: finance.update_settings(case_id, currency="GBP"), "Currency"
        )
    )
    _view, panel = rollup_of(window)
    choose_year(qtbot, panel, "Whole plan")
    names = texts(panel, 0)
    assert texts(panel, 1)[names.index("Orion")].startswith("$")
    assert any(n.startswith("Total in USD") for n in names)
    assert not any("GBP" in n for n in names)
