"""The feedback inbox on a real file: filter by status and text, link to several
requirements, make a requirement, archive with a reason and restore — each one undo step,
from a new empty workspace and from the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog

from pmdesk.core.market import FeedbackStatus, Importance
from pmdesk.gui.context import AppContext
from pmdesk.gui.market.feedback import FeedbackPanel, RequirementPicker
from pmdesk.store.services import MarketService, PortfolioService, RequirementService

LEFT = Qt.MouseButton.LeftButton


def _panel(ctx, qtbot, product_id, size=(1366, 768)):
    panel = FeedbackPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    panel.show_product(product_id)
    return panel


@pytest.fixture
def inbox(workspace, qtbot):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    reqs = workspace.service(RequirementService).requirements
    sso = reqs.create(product_id=product.id, ref="REQ-1", title="Single sign-on")
    audit = reqs.create(product_id=product.id, ref="REQ-2", title="Audit trail")
    market = workspace.service(MarketService)
    first = market.add_feedback(
        "We cannot roll out without SSO",
        dt.date(2026, 3, 1),
        customer="Acme Ltd",
        contact="Jo <jo@acme.test>",
        revenue="40,000",
        segment="Enterprise",
        importance=Importance.CRITICAL,
        source="sales_call",
        product_id=product.id,
    )
    second = market.add_feedback(
        "Who changed the threshold?", dt.date(2026, 3, 2), customer="Globex", product_id=product.id
    )
    ctx = AppContext(workspace)
    panel = _panel(ctx, qtbot, product.id)
    yield panel, ctx, market, product.id, (sso.id, audit.id), (first, second)
    ctx.close()


def test_inbox_shows_each_item_and_filters(inbox, qtbot, qtmodeltester):
    panel, _ctx, _market, _pid, _reqs, (first, second) = inbox
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == 2
    assert [r.id for r in panel.model.rows] == [second, first]  # newest first
    acme = panel.model.rows[1]
    cells = [panel.model.text(acme, c) for c in range(panel.model.columnCount())]
    assert cells[:9] == [
        "1 Mar 2026",
        "We cannot roll out without SSO",
        "Acme Ltd",
        "Jo <jo@acme.test>",
        "Sales call",
        "40,000",
        "Enterprise",
        "Critical",
        "New",
    ]
    qtbot.keyClicks(panel.search, "acme")
    assert panel.model.rowCount() == 1
    assert "Acme Ltd" in panel.detail.text()
    panel.status.setCurrentText("Archived")
    assert panel.model.rowCount() == 0
    assert panel.hint.isVisible() and "clear the search" in panel.hint.text()


def test_link_to_several_requirements_is_one_undo_step(inbox, qtbot, monkeypatch):
    panel, ctx, market, _pid, (sso, audit), (first, _second) = inbox
    panel.select(first)

    def tick_both(picker: RequirementPicker) -> int:
        for rid in (sso, audit):
            picker.entry(rid).setCheckState(Qt.CheckState.Checked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RequirementPicker, "exec", tick_both)
    qtbot.mouseClick(panel.link_button, LEFT)
    item = market.feedback_item(first)
    assert set(item.requirement_ids) == {sso, audit}
    assert item.status is FeedbackStatus.LINKED
    assert panel.model.rowCount() == 1  # left the "New" inbox
    panel.status.setCurrentText("Linked")
    panel.select(first)
    assert "Supports: REQ-1 · Single sign-on; REQ-2 · Audit trail" in panel.detail.text()
    assert ctx.undo_stack.undoText() == "Link Acme Ltd’s feedback to 2 requirements"
    ctx.undo()
    assert market.feedback_item(first).requirement_ids == ()
    assert market.feedback_item(first).status is FeedbackStatus.NEW


def test_make_requirement_keeps_the_link(inbox, qtbot):
    panel, ctx, market, pid, _reqs, (_first, second) = inbox
    panel.select(second)
    before = len(ctx.service(RequirementService).requirements_of(pid))
    qtbot.mouseClick(panel.make_button, LEFT)
    made = ctx.service(RequirementService).requirements_of(pid)
    assert len(made) == before + 1
    new = max(made, key=lambda r: r.id)
    assert new.title == "Who changed the threshold?"
    assert market.feedback_item(second).requirement_ids == (new.id,)
    ctx.undo()
    assert len(ctx.service(RequirementService).requirements_of(pid)) == before
    assert market.feedback_item(second).status is FeedbackStatus.NEW


def test_archive_asks_why_and_restore_brings_it_back(inbox, qtbot, monkeypatch):
    panel, ctx, market, _pid, _reqs, (first, _second) = inbox
    errors: list[str] = []
    ctx.errorRaised.connect(errors.append)
    panel.select(first)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("   ", True))
    qtbot.mouseClick(panel.archive_button, LEFT)
    assert errors and "Say why" in errors[0]
    assert market.feedback_item(first).status is FeedbackStatus.NEW
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Duplicate of a call", True))
    qtbot.mouseClick(panel.archive_button, LEFT)
    assert market.feedback_item(first).archive_reason == "Duplicate of a call"
    panel.status.setCurrentText("Archived")
    panel.select(first)
    assert "Archived: Duplicate of a call" in panel.detail.text()
    assert panel.restore_button.isEnabled() and not panel.archive_button.isEnabled()
    qtbot.mouseClick(panel.restore_button, LEFT)
    assert market.feedback_item(first).status is FeedbackStatus.NEW
    ctx.undo()
    assert market.feedback_item(first).status is FeedbackStatus.ARCHIVED


def test_new_empty_workspace_names_the_import(workspace, qtbot):
    product = workspace.service(PortfolioService).create_product(name="Empty")
    ctx = AppContext(workspace)
    panel = _panel(ctx, qtbot, product.id)
    assert panel.model.rowCount() == 0
    assert panel.hint.isVisible()
    assert "File ▸ Import ▸ CSV File…" in panel.hint.text()
    assert not panel.link_button.isEnabled() and not panel.archive_button.isEnabled()
    ctx.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_demo_inbox_renders(demo_ctx, qtbot, size, tmp_path):
    ws = demo_ctx.workspace
    pid = ws.service(PortfolioService).list_products()[0].id
    market = ws.service(MarketService)
    for n in range(6):
        market.add_feedback(
            f"Quote number {n}: the alarm should also reach the night shift by phone",
            dt.date(2026, 1, n + 1),
            customer=f"Customer {n}",
            revenue=str(1000 * (n + 1)),
            product_id=pid,
        )
    panel = _panel(demo_ctx, qtbot, pid, size)
    assert panel.model.rowCount() >= 6  # and whatever the demo brings
    long = market.add_feedback(
        "Short",
        dt.date(2026, 1, 9),
        customer="A customer with a very long legal name GmbH & Co. KG",
        product_id=pid,
    )
    assert panel.select(long)
    assert panel.table.columnWidth(1) > panel.table.columnWidth(2)  # the quote keeps its room
    qtbot.waitUntil(lambda: panel.table.isVisible())
    assert panel.grab().save(str(tmp_path / "feedback.png"))


def test_workshop_mode_reads_without_triage(inbox, qtbot):
    from pmdesk.gui.workshop.theme import PresentationTheme

    panel = inbox[0]
    panel.set_presentation(PresentationTheme(body_px=40))
    assert panel.link_button.isHidden() and panel.archive_button.isHidden()
    assert panel.table.verticalHeader().defaultSectionSize() > 60
    assert panel.grab().save("/tmp/g20b_feedback_workshop.png")
    panel.set_presentation(None)
    assert not panel.link_button.isHidden()


def test_no_product_chosen_shows_nothing_to_triage(inbox):
    panel = inbox[0]
    panel.show_product(None)
    assert panel.model.rowCount() == 0 and panel.hint.isVisible()
    assert not panel.make_button.isEnabled()
