"""The CSV import dialog offers customer feedback: a support desk's export, mapped and previewed,
imported as one undo step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from pmdesk.exchange.importing import table_counts
from pmdesk.exchange.tabular import read_csv
from pmdesk.gui.context import AppContext
from pmdesk.gui.import_dialog import CsvImportDialog
from pmdesk.store.services import MarketService, PortfolioService

DESK = (
    "\ufeffTicket ID,Description,Requester,Organization,Via,Priority,Created at,ARR\n"
    '7,"Export to PDF, with our logo 🚀",Ann,Acme; Inc.,Email,Urgent,2026-03-02,"12,500.50"\n'
    "8,שלום — SSO please,Bo,Globex,Phone,Low,2026-03-05,\n"
).encode("utf-8")


@pytest.fixture
def context(workspace):
    ctx = AppContext(workspace)
    yield ctx
    ctx.close()


def test_a_support_desk_export_imports_as_feedback_in_one_undo_step(qtbot, context, workspace):
    product = workspace.service(PortfolioService).create_product(name="Widget")
    dialog = CsvImportDialog(context, read_csv(DESK, "desk.csv"), product.id)
    qtbot.addWidget(dialog)
    combo = dialog.target_combo
    combo.setCurrentIndex(combo.findText("Customer feedback"))  # as a person picks it
    assert dialog.target == "feedback"
    headers = [
        dialog.preview.horizontalHeaderItem(c).text() for c in range(dialog.preview.columnCount())
    ]
    first = [dialog.preview.item(0, c).text() for c in range(dialog.preview.columnCount())]
    assert first[headers.index("Quote or request")] == "Export to PDF, with our logo 🚀"
    assert first[headers.index("Importance")] == "Critical"
    assert dialog.import_button.isEnabled()
    before = table_counts(workspace)
    with qtbot.waitSignal(dialog.imported), qtbot.waitSignal(context.changed):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    market = workspace.service(MarketService)
    rows = {f.contact: f for f in market.feedback()}
    assert rows["Ann"].revenue == Decimal("12500.50")
    assert rows["Bo"].text == "שלום — SSO please"
    assert context.undo_stack.count() == 1
    context.undo()
    assert table_counts(workspace) == before
    context.redo()
    assert len(market.feedback()) == 2
