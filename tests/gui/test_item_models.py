"""The item models that had no model test: the RACI matrix, the stakeholder table's filter
and the Now/Next/Later columns, checked by pytest-qt's model tester while they change.

The tester stays attached while the person works (a RACI cell set, a filter typed, an
item moved to another horizon, an edit undone), so every signal is checked as it happens.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from pmdesk.core.enums import Horizon, RaciRole
from pmdesk.gui.gantt.board import HorizonColumnModel, ItemIdRole
from pmdesk.gui.stakemap.raci import RaciModel
from pmdesk.gui.stakemap.table import FilteredModel
from pmdesk.gui.views import VIEWS
from pmdesk.store.services import PortfolioService, RoadmapService


def _view(demo_ctx, qtbot, key: str):
    spec = next(s for s in VIEWS if s.key == key)
    view = spec.factory(demo_ctx, None)
    qtbot.addWidget(view)
    view.resize(1400, 850)
    product = demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud")
    view.set_product(product.id)
    view.show()
    return view


def test_the_raci_matrix_model_holds_through_edits_and_undo(demo_ctx, qtbot, qtmodeltester):
    view = _view(demo_ctx, qtbot, "stakeholders")
    model = view.raci.model
    assert isinstance(model, RaciModel) and model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    index = next(
        model.index(row, column)
        for row in range(model.rowCount())
        for column in range(len(model.people))
        if model.flags(model.index(row, column)) & Qt.ItemFlag.ItemIsEditable
        and not model.index(row, column).data()
    )
    assert model.setData(index, RaciRole.CONSULTED.value, Qt.ItemDataRole.EditRole)
    assert index.data()
    demo_ctx.undo()
    assert not model.index(index.row(), index.column()).data()
    qtmodeltester.check(model, force_py=True)


def test_the_stakeholder_filter_model_holds_while_filtering(demo_ctx, qtbot, qtmodeltester):
    view = _view(demo_ctx, qtbot, "stakeholders")
    model = view.model
    assert isinstance(model, FilteredModel)
    everyone = model.rowCount()
    qtmodeltester.check(model, force_py=True)
    qtbot.keyClicks(view.table.filter_box, "Feld")
    qtbot.waitUntil(lambda: 0 < model.rowCount() < everyone)
    view.table.filter_box.clear()
    qtbot.waitUntil(lambda: model.rowCount() == everyone)
    qtmodeltester.check(model, force_py=True)


def test_the_now_next_later_columns_hold_while_items_move(demo_ctx, qtbot, request):
    from pytestqt.modeltest import ModelTester

    view = _view(demo_ctx, qtbot, "roadmap")
    view.chart.show_board(True)  # the Now · Next · Later page, as its toolbar button does
    columns = view.chart.board.columns
    assert set(columns) >= {Horizon.NOW, Horizon.NEXT, Horizon.LATER}
    testers = {}
    for horizon, model in columns.items():  # one tester per model, attached throughout
        assert isinstance(model, HorizonColumnModel)
        testers[horizon] = ModelTester(request.config)
        testers[horizon].check(model, force_py=True)
    source = next(h for h, m in columns.items() if m.rowCount() > 0)
    target = next(h for h in (Horizon.LATER, Horizon.NEXT, Horizon.NOW) if h is not source)
    before = {h: m.rowCount() for h, m in columns.items()}
    item_id = columns[source].index(0, 0).data(ItemIdRole)
    demo_ctx.service(RoadmapService).items.update(item_id, horizon=target)
    qtbot.waitUntil(lambda: columns[target].rowCount() == before[target] + 1)
    assert columns[source].rowCount() == before[source] - 1
    demo_ctx.service(RoadmapService).items.update(item_id, horizon=source)
    qtbot.waitUntil(lambda: columns[source].rowCount() == before[source])
    for horizon, model in columns.items():
        testers[horizon].check(model, force_py=True)


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch):
    """The RACI matrix asks before moving an A; these tests never need to answer."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    )
