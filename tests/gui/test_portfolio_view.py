"""The portfolio view: overview model, board drag to a gate review, growth–share clicks."""

from __future__ import annotations

import pytest
from gate_steps import answer
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDropEvent

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.gui.lifecycle import gate_dialog
from pmdesk.gui.portfolio import PortfolioView
from pmdesk.gui.portfolio.board import product_mime
from pmdesk.gui.portfolio.overview import ID_ROLE, SERIES_ROLE, SPARK_COLUMN
from pmdesk.store.services import PortfolioService


@pytest.fixture
def ctx(demo_ctx):
    return demo_ctx


@pytest.fixture
def view(ctx, qtbot) -> PortfolioView:
    widget = PortfolioView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.set_product(None)
    return widget


def _id(ctx, name: str) -> int:
    return ctx.service(PortfolioService).product_by_name(name).id


def _drop(view: PortfolioView, product_id: int, stage: Stage) -> None:
    """What Qt delivers when a card is dropped on a stage column."""
    column = view.board.columns[stage]
    mime = product_mime(product_id)  # kept alive while the event points at it
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.MoveAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    column.dropEvent(event)
    assert event.isAccepted()


def test_overview_model_passes_the_model_tester(view, qtmodeltester):
    qtmodeltester.check(view.model)
    names = [view.model.index(r, 0).data() for r in range(view.model.rowCount())]
    assert names == [p.name for p in view.portfolio.list_products()]


def test_overview_shows_health_with_its_reason_sparkline_and_flag(view, ctx):
    row = view.model.row_of(_id(ctx, "DataLog 200"))
    health = view.model.index(row, 3)
    assert health.data() == "Red"
    assert "Gross margin %" in health.data(Qt.ItemDataRole.ToolTipRole)
    series = view.model.index(row, SPARK_COLUMN).data(SERIES_ROLE)
    assert len(series) == 24 and series[-1] < series[0]
    assert view.model.index(row, 7).data() == "⚑ Candidate"
    assert "revenue fell" in view.model.index(row, 7).data(Qt.ItemDataRole.ToolTipRole)
    assert view.board.card_ids(Stage.IN_LIFE) == [
        _id(ctx, "Vega Benchtop Analyser"),
        _id(ctx, "DataLog 200"),
    ]


def test_a_board_drag_opens_the_review_and_a_go_moves_the_stage_undoably(
    view, ctx, qtbot, monkeypatch
):
    pulse = _id(ctx, "Pulse Cloud")
    opened = answer(
        monkeypatch,
        qtbot,
        tick="all",
        who="Dana",
        rationale="Release candidate accepted & <signed>",
    )
    with qtbot.waitSignal(ctx.changed):
        _drop(view, pulse, Stage.GO_TO_MARKET)
    assert [(d.product.id, decision, target) for d, decision, target in opened] == [
        (pulse, GateDecision.GO, Stage.GO_TO_MARKET)
    ]  # the drag proposed the move
    products = ctx.service(PortfolioService).products
    assert products.get(pulse).stage is Stage.GO_TO_MARKET
    assert pulse in view.board.card_ids(Stage.GO_TO_MARKET)
    ctx.undo()
    assert products.get(pulse).stage is Stage.DEVELOPMENT
    assert view.board.card_ids(Stage.DEVELOPMENT) == [pulse]
    ctx.redo()
    assert products.get(pulse).stage is Stage.GO_TO_MARKET


def test_a_cancelled_or_impossible_drag_changes_nothing(view, ctx, qtbot, monkeypatch):
    pulse = _id(ctx, "Pulse Cloud")
    asked = []
    monkeypatch.setattr(gate_dialog, "ask", lambda dialog: asked.append(dialog.decision()) or False)
    _drop(view, pulse, Stage.ANALYSIS)  # a Recycle is proposed, then cancelled
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert asked == [GateDecision.RECYCLE]
    with qtbot.waitSignal(ctx.errorRaised) as error:
        _drop(view, pulse, Stage.IN_LIFE)  # skipping a gate: refused before any dialog
    assert "cannot move" in error.args[0]
    assert len(asked) == 1
    assert ctx.undo_stack.count() == 0
    assert ctx.service(PortfolioService).products.get(pulse).stage is Stage.DEVELOPMENT


def test_clicking_a_bubble_selects_the_product(view, ctx, qtbot):
    datalog = _id(ctx, "DataLog 200")
    assert {s["data"][5] for s in view.bubbles.spots} == {"Stars", "Dogs"}
    with qtbot.waitSignal(view.productActivated) as activated:
        view.bubbles.click_product(datalog)
    assert activated.args == [datalog]
    assert view.table.currentIndex().data(ID_ROLE) == datalog


def test_a_zoomed_bubble_chart_stays_zoomed_when_a_product_changes(view, ctx, qtbot):
    box = view.bubbles.plotItem.getViewBox()
    box.scaleBy(s=(0.5, 0.5))  # what a wheel turn does, then it says the person did it
    box.sigRangeChangedManually.emit([True, True])
    zoomed = box.viewRange()
    plotted = view.bubbles.spots[0]["data"][0]
    ctx.service(PortfolioService).products.update(plotted, name="Renamed <&> 😀")
    qtbot.waitUntil(lambda: any(s["data"][1] == "Renamed <&> 😀" for s in view.bubbles.spots))
    after = box.viewRange()
    assert after[0] == pytest.approx(zoomed[0]) and after[1] == pytest.approx(zoomed[1])


def test_the_stage_is_not_edited_in_the_product_table(view):
    column = view.editor.model.column_index("stage")
    index = view.editor.model.index(0, column)
    assert not view.editor.model.flags(index) & Qt.ItemFlag.ItemIsEditable


def test_export_image(view, tmp_path):
    view.tabs.setCurrentIndex(2)
    assert view.export_image(tmp_path / "bubbles.png").read_bytes()[:4] == b"\x89PNG"
