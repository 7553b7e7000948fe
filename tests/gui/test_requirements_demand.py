"""The demand behind each requirement in the Requirements view: customers and revenue as
backlog columns, the strongest quotes in the editor, and a reach taken from demand marked
as such — on a new empty workspace and on the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from pmdesk.core.market import Importance
from pmdesk.gui.commands import ServiceCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.requirements import RequirementsView
from pmdesk.store.services import MarketService, PortfolioService, RequirementService


class MarketWrite(ServiceCommand):
    """A feedback triage made the way the app makes it: one command on the undo stack."""

    def __init__(self, service: MarketService, action, text: str) -> None:
        super().__init__(text)
        self.service = service
        self.action = action

    def apply(self) -> None:
        self.action()


def _view(ctx, qtbot, product_id, size=(1400, 850)):
    view = RequirementsView(ctx)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    view.set_product(product_id)
    return view


def _cell(view, requirement_id, field, role=Qt.ItemDataRole.DisplayRole):
    row = view.model.row_of(requirement_id)
    return view.model.data(view.model.index(row, view.model.column_index(field)), role)


@pytest.fixture
def fresh(workspace, qtbot):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    reqs = workspace.service(RequirementService).requirements
    sso = reqs.create(product_id=product.id, ref="REQ-1", title="Single sign-on", reach=10)
    lonely = reqs.create(product_id=product.id, ref="REQ-2", title="Dark mode", reach=5)
    market = workspace.service(MarketService)
    day = dt.date(2026, 3, 1)
    acme = market.add_feedback(
        "We cannot roll out without SSO",
        day,
        customer="Acme Ltd",
        revenue="40,000",
        importance=Importance.CRITICAL,
        product_id=product.id,
    )
    acme2 = market.add_feedback(
        "SSO please", day, customer="ACME  ltd", revenue="10000", product_id=product.id
    )
    globex = market.add_feedback(
        "Our IT asks for Okta", day, customer="Globex", revenue="5000", product_id=product.id
    )
    for item in (acme, acme2, globex):
        market.link_feedback(item, sso.id)
    ctx = AppContext(workspace)
    yield ctx, product.id, sso.id, lonely.id, market
    ctx.close()


def test_backlog_columns_show_customers_and_revenue_behind_each(fresh, qtbot):
    ctx, product_id, sso, lonely, _market = fresh
    view = _view(ctx, qtbot, product_id)
    # Acme twice (one customer, its larger figure) and Globex.
    assert _cell(view, sso, "customers") == "2"
    assert _cell(view, sso, "demand") == "45,000"
    assert "2 customers" in _cell(view, sso, "demand", Qt.ItemDataRole.ToolTipRole)
    assert _cell(view, lonely, "customers") == "0"
    assert "No feedback" in _cell(view, lonely, "customers", Qt.ItemDataRole.ToolTipRole)


def test_editor_shows_the_strongest_quotes_and_follows_triage(fresh, qtbot):
    ctx, product_id, sso, lonely, market = fresh
    view = _view(ctx, qtbot, product_id)
    view.select_requirement(sso)
    editor = view.editor
    assert "2 customers · 45,000 revenue · 3 voices" == editor.demand_summary.text()
    quotes = editor.quotes.text().split("\n\n")
    assert quotes[0].startswith("“We cannot roll out without SSO” — Acme Ltd (critical")
    assert len(quotes) == 3
    view.select_requirement(lonely)
    assert "No customer feedback is linked yet" in editor.demand_summary.text()
    assert editor.quotes.isHidden()
    assert not editor.reach_from_demand.isEnabled()
    # Linking feedback (one undo step) updates the column and the editor at once.
    item = market.feedback(product_id=product_id)[0].id
    assert ctx.run(MarketWrite(market, lambda: market.link_feedback(item, lonely), "Link"))
    assert _cell(view, lonely, "customers") == "1"
    assert "1 customer" in editor.demand_summary.text()
    ctx.undo()
    assert _cell(view, lonely, "customers") == "0"
    assert "No customer feedback" in editor.demand_summary.text()


def test_reach_from_demand_is_one_undo_step_and_marked(fresh, qtbot):
    ctx, product_id, sso, _lonely, _market = fresh
    view = _view(ctx, qtbot, product_id)
    view.select_requirement(sso)
    editor = view.editor
    button = editor.reach_from_demand
    assert button.text() == "Reach from demand (2 customers)"
    assert editor.reach_note.isHidden()  # reach is 10, typed by hand
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    reqs = ctx.service(RequirementService).requirements
    assert reqs.get(sso).reach == 2
    assert _cell(view, sso, "reach") == "2"
    assert editor.reach_note.isVisible()
    assert editor.reach_note.text() == "Reach from demand: the 2 customers behind it"
    assert _cell(view, sso, "reach", Qt.ItemDataRole.ToolTipRole) == editor.reach_note.text()
    assert _cell(view, sso, "reach", Qt.ItemDataRole.ForegroundRole) is not None
    assert ctx.undo_stack.undoText().startswith("Reach of “Single sign-on” from demand")
    ctx.undo()
    assert reqs.get(sso).reach == 10
    assert editor.reach_note.isHidden()
    assert _cell(view, sso, "reach", Qt.ItemDataRole.ToolTipRole) is None


def test_new_empty_workspace_offers_a_next_step(workspace, qtbot):
    product = workspace.service(PortfolioService).create_product(name="Empty")
    ctx = AppContext(workspace)
    view = _view(ctx, qtbot, product.id)
    assert view.model.rowCount() == 0
    assert not view.editor.isEnabled()
    qtbot.mouseClick(view.table.add_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 1
    rid = view.model.id_at(0)
    view.select_requirement(rid)
    assert _cell(view, rid, "customers") == "0"
    assert "File ▸ Import ▸ CSV File…" in view.editor.demand_summary.text()
    ctx.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_demo_with_feedback_renders(demo_ctx, qtbot, size, tmp_path):
    ws = demo_ctx.workspace
    product_id = ws.service(PortfolioService).list_products()[0].id
    reqs = ws.service(RequirementService).requirements_of(product_id)
    market = ws.service(MarketService)
    target = reqs[0]
    for n, (customer, revenue) in enumerate([("Initech", "12000"), ("Umbrella", "30000")]):
        item = market.add_feedback(
            f"Quote {n} about {target.title}",
            dt.date(2026, 2, n + 1),
            customer=customer,
            revenue=revenue,
            product_id=product_id,
        )
        market.link_feedback(item, target.id)
    view = _view(demo_ctx, qtbot, product_id, size)
    view.select_requirement(target.id)
    assert int(_cell(view, target.id, "customers")) >= 2
    assert "Quote 1" in view.editor.quotes.text()
    assert view.grab().save(str(tmp_path / "demand.png"))
