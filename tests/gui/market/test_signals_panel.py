"""The market signals log on a real file: filters, add/edit/delete through the dialog,
the timeline strip, and "Make requirement" keeping its link — each edit one undo step,
from a new empty workspace and from the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from pmdesk.core.market import Impact, SignalKind
from pmdesk.gui.context import AppContext
from pmdesk.gui.market.signals import SignalDialog, SignalsPanel
from pmdesk.store.services import MarketService, PortfolioService, RequirementService

LEFT = Qt.MouseButton.LeftButton


def _panel(ctx, qtbot, product_id, size=(1366, 768)):
    panel = SignalsPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    panel.show_product(product_id)
    return panel


def _answer(monkeypatch, qtbot, fill):
    """The dialog, when it opens, is filled by ``fill`` and its OK button clicked."""

    def run(dialog: SignalDialog) -> int:
        fill(dialog)
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), LEFT)
        return dialog.result()

    monkeypatch.setattr(SignalDialog, "exec", run)


@pytest.fixture
def log(workspace, qtbot):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    market = workspace.service(MarketService)
    rival = market.add_competitor("Vega", product_ids=[product.id])
    market.add_signal(
        "Vega cuts prices 20 %",
        SignalKind.COMPETITOR_MOVE,
        dt.date(2026, 2, 1),
        impact=Impact.HIGH,
        tags="pricing, eu",
        product_ids=[product.id],
        competitor_ids=[rival],
        details="Announced at the trade fair",
    )
    market.add_signal(
        "New cold-chain rule",
        SignalKind.REGULATION,
        dt.date(2025, 6, 1),
        impact=Impact.LOW,
        tags="eu",
        product_ids=[product.id],
    )
    ctx = AppContext(workspace)
    panel = _panel(ctx, qtbot, product.id)
    yield panel, ctx, market, product.id
    ctx.close()


def test_log_filters_by_text_kind_impact_tag_and_dates(log, qtbot, qtmodeltester):
    panel, _ctx, _market, _pid = log
    qtmodeltester.check(panel.model)
    assert [panel.model.text(r, 2) for r in panel.model.rows] == [
        "Vega cuts prices 20 %",
        "New cold-chain rule",
    ]
    first = panel.model.rows[0]
    assert panel.model.text(first, 5) == "pricing, eu"
    assert panel.model.text(first, 6) == "Vega"
    panel.tag.setCurrentIndex(panel.tag.findData("pricing"))
    assert panel.model.rowCount() == 1
    panel.tag.setCurrentIndex(0)
    panel.impact.setCurrentIndex(panel.impact.findData(Impact.LOW))
    assert [r.title for r in panel.model.rows] == ["New cold-chain rule"]
    panel.impact.setCurrentIndex(0)
    panel.kind.setCurrentIndex(panel.kind.findData(SignalKind.PARTNER))
    assert panel.model.rowCount() == 0
    assert panel.hint.isVisible() and "change the filters" in panel.hint.text()
    panel.kind.setCurrentIndex(0)
    qtbot.mouseClick(panel.dated, LEFT)
    panel.start.setDate(QDate(2026, 1, 1))
    panel.end.setDate(QDate(2026, 12, 31))
    assert [r.title for r in panel.model.rows] == ["Vega cuts prices 20 %"]
    qtbot.mouseClick(panel.dated, LEFT)
    qtbot.keyClicks(panel.search, "cold")
    assert [r.title for r in panel.model.rows] == ["New cold-chain rule"]


def test_timeline_click_selects_the_signal(log, qtbot):
    panel, _ctx, _market, _pid = log
    qtbot.waitUntil(lambda: panel.timeline.isVisible() and panel.timeline.width() > 100)
    older = panel.model.rows[1]
    x = round(panel.timeline.x_of(older.date))
    qtbot.mouseClick(panel.timeline, LEFT, pos=QPoint(x, panel.timeline.height() // 2))
    assert panel.current().id == older.id
    assert panel.timeline.tip_at(x) == "1 Jun 2025 · Low impact\nNew cold-chain rule"
    assert panel.timeline.tip_at(x + 40) is None
    # Hovering the mark shows the same words.
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    at = QPoint(x, panel.timeline.height() // 2)
    hover = QHelpEvent(QEvent.Type.ToolTip, at, panel.timeline.mapToGlobal(at))
    QApplication.sendEvent(panel.timeline, hover)
    qtbot.waitUntil(lambda: QToolTip.text() == panel.timeline.tip_at(x))
    QToolTip.hideText()
    assert "Regulation" in panel.detail.text()


def test_add_edit_delete_each_one_undo_step(log, qtbot, monkeypatch):
    panel, ctx, market, pid = log

    shown: list[SignalDialog] = []

    def fill_empty(dialog):
        dialog.title.clear()
        shown.append(dialog)

    _answer(monkeypatch, qtbot, fill_empty)
    qtbot.mouseClick(panel.add_button, LEFT)
    assert len(market.signals(product_id=pid)) == 2  # no title: nothing added
    assert not shown[0].problem.isHidden()
    assert shown[0].problem.text().startswith("Give the signal a title")

    def fill(dialog):
        assert dialog.windowTitle() == "Add signal"
        dialog.kind.setCurrentIndex(dialog.kind.findData(SignalKind.TECHNOLOGY_TREND))
        dialog.date.setDate(QDate(2026, 3, 3))
        qtbot.keyClicks(dialog.title, "LoRaWAN gateways get cheap")
        qtbot.keyClicks(dialog.tags, "radio; cost")
        dialog.impact.setCurrentIndex(dialog.impact.findData(Impact.HIGH))
        dialog.competitors.item(0).setCheckState(Qt.CheckState.Checked)

    _answer(monkeypatch, qtbot, fill)
    qtbot.mouseClick(panel.add_button, LEFT)
    added = market.signals(product_id=pid, text="LoRaWAN")
    assert len(added) == 1
    assert added[0].tags == ("radio", "cost") and added[0].impact is Impact.HIGH
    assert added[0].date == dt.date(2026, 3, 3) and len(added[0].competitor_ids) == 1
    assert panel.current().id == added[0].id
    assert panel.tag.findData("radio") >= 0

    def rename(dialog):
        assert dialog.title.text() == "LoRaWAN gateways get cheap"
        dialog.title.setText("LoRaWAN gateways under 100 EUR")

    _answer(monkeypatch, qtbot, rename)
    qtbot.mouseClick(panel.edit_button, LEFT)
    assert market.signal(added[0].id).title == "LoRaWAN gateways under 100 EUR"
    assert market.signal(added[0].id).tags == ("radio", "cost")
    ctx.undo()
    assert market.signal(added[0].id).title == "LoRaWAN gateways get cheap"

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.select(added[0].id)
    qtbot.mouseClick(panel.delete_button, LEFT)
    assert not market.signals(product_id=pid, text="LoRaWAN")
    ctx.undo()
    assert market.signals(product_id=pid, text="LoRaWAN")
    ctx.undo()  # the add
    assert not market.signals(product_id=pid, text="LoRaWAN")


def test_make_requirement_keeps_and_shows_the_link(log, qtbot):
    panel, ctx, market, pid = log
    signal = panel.model.rows[0]
    panel.select(signal.id)
    qtbot.mouseClick(panel.make_button, LEFT)
    reqs = ctx.service(RequirementService).requirements_of(pid)
    assert [r.title for r in reqs] == ["Vega cuts prices 20 %"]
    assert market.signal(signal.id).requirement_ids == (reqs[0].id,)
    panel.select(signal.id)
    assert "Vega cuts prices 20 %" in panel.model.text(panel.current(), 6)
    assert "Linked: Vega;" in panel.detail.text()
    ctx.undo()
    assert ctx.service(RequirementService).requirements_of(pid) == []
    assert market.signal(signal.id).requirement_ids == ()


def test_new_empty_workspace_offers_add_signal(workspace, qtbot, monkeypatch):
    product = workspace.service(PortfolioService).create_product(name="Empty")
    ctx = AppContext(workspace)
    panel = _panel(ctx, qtbot, product.id)
    assert panel.hint.isVisible() and "Add signal" in panel.hint.text()
    assert not panel.timeline.isVisible() and not panel.make_button.isEnabled()

    def fill(dialog):
        qtbot.keyClicks(dialog.title, "First signal")

    _answer(monkeypatch, qtbot, fill)
    qtbot.mouseClick(panel.add_button, LEFT)
    assert panel.model.rowCount() == 1 and panel.table.isVisible()
    ctx.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_demo_log_renders(demo_ctx, qtbot, size, tmp_path):
    ws = demo_ctx.workspace
    pid = ws.service(PortfolioService).list_products()[0].id
    market = ws.service(MarketService)
    for n, impact in enumerate([Impact.HIGH, Impact.MEDIUM, Impact.LOW] * 3):
        market.add_signal(
            f"Signal {n}",
            list(SignalKind)[n % len(SignalKind)],
            dt.date(2026, 1 + n, 10),
            impact=impact,
            tags="demo",
            product_ids=[pid],
        )
    panel = _panel(demo_ctx, qtbot, pid, size)
    assert panel.model.rowCount() >= 9
    links = [panel.model.text(r, 6) for r in panel.model.rows]
    assert not [text for text in links if "#" in text]  # every link named
    qtbot.waitUntil(lambda: panel.timeline.isVisible())
    assert panel.minimumSizeHint().width() <= size[0]
    title_width = panel.table.columnWidth(2)
    assert title_width >= max(panel.table.columnWidth(3), panel.table.columnWidth(6))
    qtbot.waitUntil(lambda: panel.count.width() >= panel.count.sizeHint().width())
    assert panel.grab().save(str(tmp_path / "signals.png"))


def test_workshop_mode_reads_without_editing(log, qtbot):
    from pmdesk.gui.workshop.theme import PresentationTheme

    panel, _ctx, _market, _pid = log
    panel.set_presentation(PresentationTheme(body_px=40))
    assert panel.add_button.isHidden() and panel.make_button.isHidden()
    assert panel.table.verticalHeader().defaultSectionSize() > 60
    assert panel.grab().save("/tmp/g20b_signals_workshop.png")
    panel.set_presentation(None)
    assert not panel.add_button.isHidden()
    assert panel.table.verticalHeader().defaultSectionSize() < 60


def test_no_product_chosen_offers_no_edit(log):
    panel = log[0]
    panel.show_product(None)
    assert panel.model.rowCount() == 0 and panel.hint.isVisible()
    assert not panel.add_button.isEnabled() and not panel.delete_button.isEnabled()
