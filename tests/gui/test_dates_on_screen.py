"""A day read on screen is worded as the documents and decks word it ("3 Jun 2026",
``core.wording.short_date``): in sentences, tooltips, choices and read-only cells. Cells a
person types a date into keep the typed form (2026-06-03). Read on the demo, the way a
person reaches each text: picking the view and the product, selecting a row."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication
from tests.gui.test_house_rules import demo_copy, open_window, show
from tests.gui.windows import pick

from pmdesk.core.wording import short_date
from pmdesk.exchange.deck.portfolio import summary_row
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.services.launch import LaunchService
from pmdesk.store.services.portfolio import portfolio_overview

NONE = type("NoCase", (), {"versions": ()})()
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SHORT = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b")


@pytest.fixture
def window(qtbot, demo_template, tmp_path):
    return open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))


def worded(text: str) -> bool:
    """A day in ``text``, and only in the short form."""
    return bool(SHORT.search(text)) and not ISO.search(text)


def test_the_portfolio_table_words_milestones_as_the_deck_does(window):
    view = show(window, "portfolio")
    rows = portfolio_overview(window.ctx.workspace)
    assert any(row.next_milestone_on for row in rows)
    for row in rows:
        position = view.model.row_of(row.id)
        shown = view.model.index(position, 4).data()
        assert shown == summary_row(row)[4]
        if row.next_milestone_on is not None:
            assert shown.startswith(short_date(row.next_milestone_on)) and worded(shown)


def test_a_signed_case_says_when_in_its_status_and_its_versions(window):
    finance = window.ctx.service(FinanceService)
    products = window.ctx.service(PortfolioService).list_products()
    signed = next(p for p in products if (finance.case_details(p.id) or NONE).versions)
    pick(window, signed.name)
    view = show(window, "business_case")
    latest = finance.case_details(signed.id).versions[-1]
    assert view.status.text().endswith(f"on {short_date(latest.signed_on)}"), view.status.text()
    choices = [view.version_box.itemText(n) for n in range(1, view.version_box.count())]
    assert choices and all(worded(choice) for choice in choices)


def test_the_lifecycle_says_since_when_a_product_is_in_its_stage(window):
    products = window.ctx.service(PortfolioService).list_products()
    lifecycle = window.ctx.service(LifecycleService)
    for product in products:
        pick(window, product.name)
        view = show(window, "lifecycle")
        QApplication.processEvents()
        text = view.status.text()
        if not lifecycle.periods_of(product.id):
            continue
        assert "since" in text and worded(text), text


def test_a_launch_is_chosen_by_its_name_and_day(window):
    launches = window.ctx.service(LaunchService)
    products = window.ctx.service(PortfolioService).list_products()
    product = next(p for p in products if launches.launches_of(p.id))
    pick(window, product.name)
    view = show(window, "launch")
    items = [view.selector.itemText(n) for n in range(view.selector.count())]
    assert items and all(worded(item) for item in items), items
    first = launches.launches_of(product.id)[0]
    assert f"{first.name} — {short_date(first.launch_date)}" in items


def test_a_selected_signal_says_its_day(qtbot, window):
    view = show(window, "market")
    view.tabs.setCurrentWidget(view.signals)
    panel = view.signals
    shown = [p for p in window.ctx.service(PortfolioService).list_products()]
    for product in shown:
        pick(window, product.name)
        QApplication.processEvents()
        if panel.model.rowCount():
            break
    assert panel.model.rowCount(), "the demo has market signals"
    panel.table.setFocus()
    panel.table.selectRow(0)
    first_line = panel.detail.text().splitlines()[0]
    assert first_line.startswith(short_date(panel.model.rows[0].date)) and worded(first_line)


def test_dated_lists_read_their_days(window):
    """Read-only lists of dated entries (signals, the contact agenda) word their days."""
    view = show(window, "market")
    view.tabs.setCurrentWidget(view.signals)
    for product in window.ctx.service(PortfolioService).list_products():
        pick(window, product.name)
        QApplication.processEvents()
        if view.signals.model.rowCount():
            break
    model = view.signals.model
    assert model.rowCount() and all(
        model.index(r, 0).data() == short_date(model.rows[r].date) for r in range(model.rowCount())
    )
    stakeholders = show(window, "stakeholders")
    tree = stakeholders.agenda.tree
    days = [
        tree.topLevelItem(g).child(c).text(1)
        for g in range(tree.topLevelItemCount())
        for c in range(tree.topLevelItem(g).childCount())
    ]
    assert days and all(worded(day) for day in days), days
