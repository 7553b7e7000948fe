"""Stale until shown: a view behind another one does not follow every edit; shown again, it
catches up once and shows the edit. On the demo and on a new, empty workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from tests.gui.windows import click_tab, exposed, open_main_window

import pmdesk.gui.portfolio.view as portfolio_module
from pmdesk.core.changes import Change, ChangeSet
from pmdesk.core.enums import ItemKind
from pmdesk.core.kinds import ChangeKind
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.views import VIEWS
from pmdesk.gui.widgets.stale import StaleUntilShown
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    CanvasService,
    FinanceService,
    LaunchService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace

FUTURE = dt.date.today() + dt.timedelta(days=40)


@pytest.fixture(params=["demo", "empty"])
def window(request, qtbot, tmp_path):
    path = tmp_path / "w.pmdesk"
    if request.param == "demo":
        create_demo(path)
    else:
        Workspace.create(path, name="New").close()
    win = open_main_window(qtbot, path, (1400, 850))
    exposed(qtbot, win)
    yield win
    win.close()


def _product_with_a_milestone(win: MainWindow) -> tuple[int, int]:
    """A product and its next milestone (the demo's own; on a new workspace, made here)."""
    ws = win.ctx.workspace
    roadmap = ws.service(RoadmapService)
    for product in ws.service(PortfolioService).list_products():
        items = [
            i
            for i in roadmap.items_of(product.id)
            if i.kind is ItemKind.MILESTONE and i.start_date >= dt.date.today()
        ]
        if items:
            return product.id, min(items, key=lambda i: (i.start_date, i.id)).id
    product = ws.service(PortfolioService).create_product(name="Solo")
    lane = roadmap.lanes.create(product_id=product.id, name="Plan")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Beta",
        kind=ItemKind.MILESTONE,
        start_date=FUTURE,
        end_date=FUTURE,
    )
    return product.id, item.id


def _type_into(qtbot, editor: QLineEdit, text: str) -> None:
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _next_milestone_text(portfolio, product_id: int) -> str:
    return portfolio.model.index(portfolio.model.row_of(product_id), 4).data() or ""


def test_the_portfolio_recomputes_once_when_shown_not_on_every_roadmap_edit(
    window, qtbot, monkeypatch
):
    product_id, milestone_id = _product_with_a_milestone(window)
    window.view_host.show_view("portfolio")
    portfolio = window.view_host.current_view()
    before = _next_milestone_text(portfolio, product_id)
    assert before, "the product's next milestone is on the overview"
    calls = []
    real = portfolio_module.PortfolioQueries.overview
    monkeypatch.setattr(
        portfolio_module.PortfolioQueries,
        "overview",
        lambda self, *args: calls.append(1) or real(self, *args),
    )

    window.product_selector.select(product_id)
    window.view_host.show_view("roadmap")
    roadmap = window.view_host.current_view()
    assert not portfolio.isVisible()
    # The gesture: on the Items tab, F2 on the milestone's name, type a new one, Enter; twice.
    click_tab(qtbot, roadmap.tabs, "Items")
    items = roadmap.items
    service = window.ctx.service(RoadmapService)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for name in ("Beta, renamed", "Beta, renamed again"):
        items.select_id(milestone_id)
        column = items.model.column_index("name")
        items.view.setCurrentIndex(items.model.index(items.model.row_of(milestone_id), column))
        items.view.setFocus()
        qtbot.keyClick(items.view, Qt.Key.Key_F2)
        editor = QApplication.focusWidget()
        assert isinstance(editor, QLineEdit)
        _type_into(qtbot, editor, name)
        qtbot.waitUntil(lambda n=name: service.items.get(milestone_id).name == n)
    assert calls == [], "hidden, the portfolio did not recompute on each roadmap edit"
    assert _next_milestone_text(portfolio, product_id) == before  # stale, and that is fine

    window.view_host.show_view("portfolio")
    assert len(calls) == 1, "shown again, it recomputed once"
    assert "Beta, renamed again" in _next_milestone_text(portfolio, product_id)
    window.view_host.show_view("roadmap")
    window.view_host.show_view("portfolio")
    assert len(calls) == 1, "nothing changed meanwhile: nothing to recompute"


# -- every view: hidden while an edit happens, it shows the edit when shown again ------------


def _rename_product(ctx, product_id):
    name = "Renamed while away"
    ctx.service(PortfolioService).products.update(product_id, name=name)
    return name


def _portfolio_shows(view, name):
    return any(view.model.index(r, 0).data() == name for r in range(view.model.rowCount()))


def _lifecycle_shows(view, name):
    return view.title.text().startswith(f"{name} — ")


def _add_board(ctx, product_id):
    return ctx.service(CanvasService).boards.create(product_id=product_id, name="Away board").id


def _add_stakeholder(ctx, product_id):
    return (
        ctx.service(StakeholderService).stakeholders.create(product_id=product_id, name="Away").id
    )


def _add_item(ctx, product_id):
    roadmap = ctx.service(RoadmapService)
    lanes = roadmap.lanes_of(product_id)
    lane = lanes[0] if lanes else roadmap.lanes.create(product_id=product_id, name="Plan")
    return roadmap.items.create(
        product_id=product_id,
        lane_id=lane.id,
        name="Added while away",
        start_date=FUTURE,
        end_date=FUTURE + dt.timedelta(days=5),
    ).id


def _add_requirement(ctx, product_id):
    service = ctx.service(RequirementService)
    service.requirements.create(product_id=product_id, title="Added while away")
    return len(service.requirements_of(product_id))


def _price_case(ctx, product_id):
    finance = ctx.service(FinanceService)
    case_id = finance.case_id_for(product_id) or finance.create_case(product_id)
    finance.set_driver(case_id, "price", "987")
    return "€987"


def _add_competitor(ctx, product_id):
    from pmdesk.store.services.market import MarketService

    return ctx.service(MarketService).add_competitor("Added while away", product_ids=[product_id])


def _add_launch(ctx, product_id):
    launches = ctx.service(LaunchService).launches
    return launches.create(product_id=product_id, name="Away launch", launch_date=FUTURE).id


EDITS = {
    "portfolio": (_rename_product, _portfolio_shows),
    "canvas": (_add_board, lambda view, board: view.toolbar.boards.findData(board) >= 0),
    "stakeholders": (_add_stakeholder, lambda view, person: person in view.people),
    "lifecycle": (_rename_product, _lifecycle_shows),
    "business_case": (
        _price_case,
        lambda view, price: (
            view.drivers.rowCount() > 0
            and view.drivers.index(view.drivers.row_of("price"), 1).data() == price
        ),
    ),
    "market": (_add_competitor, lambda view, rival: view.model.row_of(rival) is not None),
    "roadmap": (_add_item, lambda view, item: item in view.chart.model.items),
    "requirements": (
        _add_requirement,
        lambda view, count: view.summary.text().startswith(f"{count} requirement"),
    ),
    "launch": (_add_launch, lambda view, launch: view.selector.findData(launch) >= 0),
}


def test_every_view_is_listed_here():
    assert set(EDITS) == {spec.key for spec in VIEWS}


@pytest.mark.parametrize("key", list(EDITS))
def test_a_hidden_view_shows_the_edit_when_shown_again(window, key):
    ctx = window.ctx
    products = ctx.service(PortfolioService)
    product = products.list_products()[0] if products.list_products() else None
    product_id = product.id if product else products.create_product(name="Solo").id
    window.product_selector.select(product_id)
    window.view_host.show_view(key)
    view = window.view_host.current_view()
    assert view.product_id == product_id or key == "portfolio"
    other = "portfolio" if key != "portfolio" else "canvas"
    window.view_host.show_view(other)
    assert not view.isVisible()

    edit, shows = EDITS[key]
    token = edit(ctx, product_id)
    assert not shows(view, token), "hidden, the view did not follow the edit"

    window.view_host.show_view(key)
    assert view.isVisible() and shows(view, token)


# -- the mechanism itself --------------------------------------------------------------------


def _notice(kind: ChangeKind, op: str, *ids: int) -> ChangeSet:
    return ChangeSet((Change(kind, op, frozenset(ids)),))


def test_a_widget_on_screen_follows_at_once_and_hidden_catches_up_once(qtbot):
    from PySide6.QtWidgets import QStackedWidget, QWidget

    stack = QStackedWidget()
    qtbot.addWidget(stack)
    front, back = QWidget(), QWidget()
    stack.addWidget(front)
    stack.addWidget(back)
    stack.show()
    exposed(qtbot, stack)
    seen: list[ChangeSet] = []
    stale = StaleUntilShown(back, seen.append)

    stale.changed(_notice(ChangeKind.LANE, "insert", 1))
    stale.changed(_notice(ChangeKind.ROADMAP_ITEM, "delete", 2))
    assert seen == [] and stale.stale
    stack.setCurrentWidget(back)  # shown: one catch-up, a reload of what changed
    assert len(seen) == 1 and not stale.stale
    assert seen[0].reloads(ChangeKind.LANE) and seen[0].reloads(ChangeKind.ROADMAP_ITEM)
    assert not seen[0].touches(ChangeKind.PRODUCT)

    one = _notice(ChangeKind.PRODUCT, "update", 3)
    stale.changed(one)  # on screen: at once, as it came
    assert seen[1] is one
    stack.setCurrentWidget(front)
    stale.changed(one)
    stack.setCurrentWidget(back)  # one notice missed: that notice itself
    assert seen[2] is one and len(seen) == 3
    stack.setCurrentWidget(front)
    stack.setCurrentWidget(back)  # nothing missed: nothing to do
    assert len(seen) == 3


def test_a_window_not_on_screen_holds_nothing_back(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    seen: list[ChangeSet] = []
    stale = StaleUntilShown(widget, seen.append)
    stale.changed(_notice(ChangeKind.LANE, "update", 1))
    assert len(seen) == 1 and not stale.stale


def test_views_follow_edits_through_the_one_mechanism():
    """A view's own handler goes through BaseView.follow_changes, not straight to ctx.changed."""
    from pathlib import Path

    import pmdesk.gui

    gui = Path(pmdesk.gui.__file__).parent
    direct = [
        str(path.relative_to(gui))
        for path in sorted(gui.glob("*/view.py"))
        if "ctx.changed.connect(" in path.read_text(encoding="utf-8")
    ]
    assert len(list(gui.glob("*/view.py"))) >= 6 and direct == []
