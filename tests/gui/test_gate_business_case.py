"""The gate review dialog shows "Business case signed off" as the file answers it.

A tick cannot meet it (the store refuses a Go on a tick alone), so the dialog shows the
criterion checked exactly when the case has a signed version, and Space leaves it alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from gate_steps import fill
from PySide6.QtCore import Qt

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.gui.context import AppContext
from pmdesk.gui.lifecycle import gate_dialog
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace

SIGNED_OFF = "Business case signed off"


@pytest.fixture
def ctx(tmp_path, qtbot):
    ws = Workspace.create(tmp_path / "gate.pmdesk", name="Gates")
    context = AppContext(ws)
    yield context
    context.close()
    ws.close()


def _dialog(ctx, qtbot, pid: int) -> gate_dialog.GateReviewDialog:
    dialog = gate_dialog.GateReviewDialog(ctx, pid)
    qtbot.addWidget(dialog)
    return dialog


def _row(dialog, text: str) -> int:
    texts = [dialog.criteria.item(r).text() for r in range(dialog.criteria.count())]
    return texts.index(text)


def test_an_unsigned_case_leaves_the_criterion_unmet_whatever_is_pressed(ctx, qtbot):
    pid = ctx.service(PortfolioService).create_product(name="Atlas", stage="Analysis").id
    ctx.service(FinanceService).create_case(pid)
    dialog = _dialog(ctx, qtbot, pid)
    row = _row(dialog, SIGNED_OFF)
    fill(qtbot, dialog, GateDecision.GO, who="Board", tick="all", record=False)
    item = dialog.criteria.item(row)
    assert item.checkState() == Qt.CheckState.Unchecked  # Space did not tick it
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert "signed version" in item.toolTip()
    others = [dialog.criteria.item(r) for r in range(dialog.criteria.count()) if r != row]
    assert all(i.checkState() == Qt.CheckState.Checked for i in others)
    # The dialog says what the store would say: a Go needs the explicit exception.
    assert "1 of 5 criteria is unmet" in dialog.problem_text()
    assert not dialog.record_button.isEnabled()


def test_a_signed_case_shows_the_criterion_met_and_the_go_is_recorded(ctx, qtbot, monkeypatch):
    pid = ctx.service(PortfolioService).create_product(name="Atlas", stage="Analysis").id
    finance = ctx.service(FinanceService)
    finance.sign_off(finance.create_case(pid), signed_by="CFO", scenario="Base")
    dialog = _dialog(ctx, qtbot, pid)
    row = _row(dialog, SIGNED_OFF)
    assert dialog.criteria.item(row).checkState() == Qt.CheckState.Checked
    ticks = [r for r in range(dialog.criteria.count()) if r != row]
    monkeypatch.setattr(
        gate_dialog,
        "ask",
        lambda d: fill(qtbot, d, GateDecision.GO, who="Board", tick=ticks),
    )
    assert gate_dialog.review_gate(ctx, pid)
    assert ctx.service(PortfolioService).products.get(pid).stage is Stage.DEVELOPMENT
    [review] = ctx.service(LifecycleService).gates_of(pid)
    assert review.decided_on == dt.date.today()
    assert all(c["met"] for c in review.criteria)


def test_other_gates_have_nothing_computed(ctx, qtbot):
    pid = ctx.service(PortfolioService).create_product(name="Atlas", stage="Development").id
    dialog = _dialog(ctx, qtbot, pid)
    flags = [dialog.criteria.item(r).flags() for r in range(dialog.criteria.count())]
    assert flags and all(f & Qt.ItemFlag.ItemIsUserCheckable for f in flags)


def test_an_unsigned_case_says_how_the_criterion_is_met(ctx, qtbot):
    pid = ctx.service(PortfolioService).create_product(name="Atlas", stage="Analysis").id
    ctx.service(FinanceService).create_case(pid)
    dialog = _dialog(ctx, qtbot, pid)
    dialog.show()
    assert dialog.computed_note.isVisible()
    assert "Sign off" in dialog.computed_note.text() and SIGNED_OFF in dialog.computed_note.text()
    finance = ctx.service(FinanceService)
    finance.sign_off(finance.case_id_for(pid), signed_by="CFO", scenario="Base")
    signed = _dialog(ctx, qtbot, pid)
    signed.show()
    assert not signed.computed_note.isVisible()
