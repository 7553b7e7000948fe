"""Portfolio and Lifecycle as a new user meets them: an empty file, the first product, its gate.

Every step is the gesture a person makes (a button click, a key, typing); modal dialogs
are answered by replacing their exec/get function.
"""

from __future__ import annotations

import shutil

import pytest
from gate_steps import fill
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QGraphicsView,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from tests.gui.windows import click_tab, exposed

from pmdesk.core.enums import GateDecision, Stage
from pmdesk.core.wording import short_date
from pmdesk.gui.context import AppContext
from pmdesk.gui.lifecycle import LifecycleView, gate_dialog
from pmdesk.gui.portfolio import PortfolioView
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def new_ctx(tmp_path, qtbot):
    ws = Workspace.create(tmp_path / "x.pmdesk", name="Fresh portfolio")
    context = AppContext(ws)
    yield context
    context.close()
    ws.close()


def _shown(view_class, ctx, qtbot, product_id: int | None = None):
    """The view as a laptop shows it (1366 wide), on ``product_id`` (None: the portfolio)."""
    view = view_class(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.set_product(product_id)
    view.show()
    exposed(qtbot, view)
    return view


def _portfolio(ctx, qtbot) -> PortfolioView:
    return _shown(PortfolioView, ctx, qtbot)


def _lifecycle(ctx, qtbot, product_id: int) -> LifecycleView:
    return _shown(LifecycleView, ctx, qtbot, product_id)


def _hints(view: QWidget) -> list[str]:
    return [w.text() for w in view.findChildren(QWidget, "nextStepHint") if w.isVisible()]


def _add_product(view: PortfolioView, qtbot, monkeypatch, name: str) -> int:
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (name, True))
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    return view.ctx.service(PortfolioService).product_by_name(name.strip()).id


def test_an_empty_portfolio_offers_add_product_on_its_first_tab(new_ctx, qtbot, monkeypatch):
    view = _portfolio(new_ctx, qtbot)
    assert view.tabs.currentIndex() == 0 and view.add_button.isVisible()
    assert _hints(view) == ["No products yet — Add product to start"]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", False))  # Cancel
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 0 and new_ctx.undo_stack.count() == 0
    pid = _add_product(view, qtbot, monkeypatch, ' Atlas <Lab> & "Co" ')
    assert view.model.rowCount() == 1 and view.selected_product() == pid
    assert _hints(view) == []
    assert [(p.stage, p.left_on) for p in new_ctx.service(LifecycleService).periods_of(pid)] == [
        (Stage.INNOVATION, None)
    ]  # its starting stage record, made by the service
    errors = []
    new_ctx.errorRaised.connect(errors.append)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ('atlas <lab> & "co"', True))
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)  # the same name again
    assert errors and "already exists" in errors[0] and view.model.rowCount() == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("   ", True))
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)  # no name at all
    assert errors[-1] == "Name: cannot be empty" and view.model.rowCount() == 1
    new_ctx.undo()
    assert view.model.rowCount() == 0
    assert _hints(view) == ["No products yet — Add product to start"]


def test_growth_share_of_an_empty_portfolio_says_what_it_needs(
    new_ctx, demo_ctx, qtbot, monkeypatch
):
    view = _portfolio(new_ctx, qtbot)
    click_tab(qtbot, view.tabs, view.tabs.tabText(2))
    assert view.tabs.currentWidget() is view._bubble_host
    assert not view.bubbles.isVisible()
    assert "No products yet" in view.bubble_hint.text() and view.bubble_hint.isVisible()
    _add_product(view, qtbot, monkeypatch, "Atlas")
    assert view.bubble_hint.isVisible() and "Market share" in view.bubble_hint.text()
    demo = _portfolio(demo_ctx, qtbot)
    demo.tabs.setCurrentIndex(2)
    assert demo.bubbles.isVisible() and not demo.bubble_hint.isVisible()


def test_a_new_products_first_gate_cannot_be_waved_through(new_ctx, qtbot, monkeypatch):
    portfolio = _portfolio(new_ctx, qtbot)
    pid = _add_product(portfolio, qtbot, monkeypatch, "Atlas")
    view = _lifecycle(new_ctx, qtbot, pid)
    steps = []

    def ask(dialog: gate_dialog.GateReviewDialog) -> bool:
        dialog.show()
        steps.append((dialog.decision(), dialog.record_button.isEnabled(), dialog.problem.text()))
        qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)  # refused: disabled
        assert dialog.result() != QDialog.DialogCode.Accepted
        fill(qtbot, dialog, GateDecision.GO, record=False)
        steps.append(dialog.problem.text())
        qtbot.keyClicks(dialog.decided_by.lineEdit(), "Dana")
        steps.append(dialog.problem.text())
        fill(qtbot, dialog, despite=True, record=False)
        steps.append(dialog.problem.text())
        return fill(qtbot, dialog, rationale="Sponsor wants a look before the board meets")

    monkeypatch.setattr(gate_dialog, "ask", ask)
    assert view.periods.model.rowCount() == 1
    qtbot.mouseClick(view.gate_button, Qt.MouseButton.LeftButton)
    assert steps[0] == (None, False, "Choose a decision to record it.")
    assert steps[1].startswith("Decided by:")
    assert steps[2].startswith("Go despite unmet criteria: 4 of 4 criteria are unmet")
    assert steps[3].startswith("Rationale:")
    assert new_ctx.service(PortfolioService).products.get(pid).stage is Stage.ANALYSIS
    review = new_ctx.service(LifecycleService).gates_of(pid)[0]
    assert (review.decided_by_name, review.decision) == ("Dana", GateDecision.GO)
    # Innovation stays part of its life, and the Stage periods tab shows it without reopening.
    assert view.periods.model.rowCount() == 2
    innovation = view.timeline.stays[0]
    assert innovation.visits == 1
    day = short_date(innovation.entered_on)
    assert view.timeline._details(innovation)[:2] == [f"from {day}", f"to {day}"]
    analysis = view.timeline.stays[1]
    assert view.timeline._details(analysis)[:2] == [f"since {day}", "current stage"]


def test_a_decider_alone_does_not_let_a_go_through_on_the_demo(demo_ctx, qtbot, monkeypatch):
    pid = demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud").id
    view = _lifecycle(demo_ctx, qtbot, pid)
    seen = []

    def ask(dialog) -> bool:
        seen.append(fill(qtbot, dialog, GateDecision.GO, who="Dana"))  # clicks Record
        return seen[-1]

    monkeypatch.setattr(gate_dialog, "ask", ask)
    qtbot.mouseClick(view.gate_button, Qt.MouseButton.LeftButton)
    assert seen == [False] and demo_ctx.undo_stack.count() == 0
    assert demo_ctx.service(PortfolioService).products.get(pid).stage is Stage.DEVELOPMENT


def test_empty_lifecycle_charts_show_the_next_step_not_empty_axes(new_ctx, qtbot, monkeypatch):
    pid = _add_product(_portfolio(new_ctx, qtbot), qtbot, monkeypatch, "Atlas")
    view = _lifecycle(new_ctx, qtbot, pid)
    assert not view.curve.isVisible() and _hints(view) == [
        "No metrics yet — add one (e.g. Revenue) in the Metrics tab, then type its values "
        "or import a CSV"
    ]
    click_tab(qtbot, view.tabs, view.tabs.tabText(1))
    assert not view.kpi.isVisible() and view.kpi_hint.isVisible()
    qtbot.mouseClick(view.metrics.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(view.metrics.view.focusWidget() or view.metrics.view, Qt.Key.Key_Escape)
    assert view.kpi_hint.text().startswith("No values of New metric yet")
    QGuiApplication.clipboard().setText("2026-01\t100\n2026-02\t120\n")
    qtbot.mouseClick(view.paste_button, Qt.MouseButton.LeftButton)
    assert view.kpi.isVisible() and not view.kpi_hint.isVisible()
    view.tabs.setCurrentIndex(0)
    assert view.curve.isVisible() and _hints(view) == []
    new_ctx.undo()  # the values go: the hint comes back
    assert not view.curve.isVisible()
    assert _hints(view) == ["No metric values yet — type them in the Metrics tab or import a CSV"]


def test_a_product_from_an_older_file_without_stage_record_reads_sensibly(new_ctx, qtbot):
    portfolio = new_ctx.service(PortfolioService)
    pid = portfolio.create_product(name="Legacy", stage="Development").id
    lifecycle = new_ctx.service(LifecycleService)
    lifecycle.periods.delete([p.id for p in lifecycle.periods_of(pid)])
    view = _lifecycle(new_ctx, qtbot, pid)
    details = {s.stage: view.timeline._details(s) for s in view.timeline.stays}
    assert details[Stage.DEVELOPMENT] == ["current stage", "entry date not recorded"]
    assert details[Stage.INNOVATION] == ["passed", "no dates recorded"]
    assert details[Stage.IN_LIFE] == ["not reached"]
    assert view.status.text() == ""


FOCUSABLE = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QAbstractItemView,
    QGraphicsView,
    QAbstractSpinBox,
    QPlainTextEdit,
)


def _unnamed(root: QWidget) -> list[str]:
    """Visible controls that take focus or show data and have no accessible name."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, FOCUSABLE):
            continue
        if isinstance(widget, QHeaderView):
            continue  # part of its table, which carries the name
        if isinstance(widget, QLineEdit) and isinstance(
            widget.parent(), QComboBox | QAbstractSpinBox
        ):
            continue  # the combo's or spin box's own editor: the outer widget carries the name
        name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
        if not name.strip():
            found.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return found


@pytest.mark.parametrize("which", ["empty", "demo"])
def test_every_control_of_portfolio_and_lifecycle_has_a_name(
    which, new_ctx, demo_ctx, qtbot, monkeypatch
):
    ctx = demo_ctx if which == "demo" else new_ctx
    portfolio = _portfolio(ctx, qtbot)
    if which == "empty":
        pid = _add_product(portfolio, qtbot, monkeypatch, "Atlas")
    else:
        pid = ctx.service(PortfolioService).product_by_name("DataLog 200").id
    lifecycle = _lifecycle(ctx, qtbot, pid)
    for view in (portfolio, lifecycle):
        for index in range(view.tabs.count()):
            view.tabs.setCurrentIndex(index)
            assert _unnamed(view) == [], (type(view).__name__, view.tabs.tabText(index))
    dialog = gate_dialog.GateReviewDialog(ctx, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert _unnamed(dialog) == []


def test_portfolio_rows_return_to_desk_height_after_workshop_mode(demo_template, tmp_path, qtbot):
    from pmdesk.gui.main_window import MainWindow
    from pmdesk.gui.settings import Settings

    copy = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, copy)
    window = MainWindow(settings=Settings.load())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.open_path(copy)
    view = window.view_host.current_view()
    assert isinstance(view, PortfolioView)
    header = view.table.verticalHeader()
    desk = [header.sectionSize(i) for i in range(header.count())]
    window.toggle_presentation()
    qtbot.waitUntil(lambda: window.presentation is not None)
    assert min(header.sectionSize(i) for i in range(header.count())) > max(desk)
    columns = view.table.horizontalHeader()
    shown = [c for c in range(columns.count()) if not columns.isSectionHidden(c)]
    assert sum(columns.sectionSize(c) for c in shown) <= view.table.viewport().width()
    assert view.table.horizontalScrollBar().maximum() == 0  # the room never scrolls sideways
    window.stop_presentation()
    qtbot.waitUntil(lambda: window.presentation is None)
    assert [header.sectionSize(i) for i in range(header.count())] == desk
    assert not any(columns.isSectionHidden(c) for c in range(columns.count()))


def test_projector_columns_leave_out_owner_and_revenue_before_cutting_names():
    from pmdesk.gui.portfolio.overview import fit_columns

    widths = {0: 420, 1: 230, 2: 260, 3: 160, 4: 640, 5: 280, 6: 260, 7: 230}  # 28 px type
    kept, dropped = fit_columns(widths, 2000, (2, 6))
    assert dropped == [2, 6] and kept == {c: w for c, w in widths.items() if c not in (2, 6)}
    assert fit_columns(widths, 3000, (2, 6)) == (widths, [])  # room enough: all, untouched
    kept, dropped = fit_columns(widths, 1000, (2, 6))  # a small screen: shrink, never scroll
    assert dropped == [2, 6] and sum(kept.values()) <= 1000
    # A laptop's projector: the widest (name, next milestone) give way, the rest stay whole.
    kept, dropped = fit_columns(widths, 1700, (2, 6))
    assert dropped == [2, 6] and 1700 - len(kept) <= sum(kept.values()) <= 1700
    assert {c: kept[c] for c in (1, 3, 5, 7)} == {c: widths[c] for c in (1, 3, 5, 7)}
    assert kept[0] == kept[4] < widths[0]


def _tab_leaves(qtbot, widget: QWidget) -> bool:
    """Tab from the widget (or the part of it that takes focus) lands outside it."""
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    start = QApplication.focusWidget()
    qtbot.keyClick(start, Qt.Key.Key_Tab)
    now = QApplication.focusWidget()
    return now is not start and not start.isAncestorOf(now)


def test_tab_leaves_every_table_and_chart(demo_ctx, qtbot):
    pid = demo_ctx.service(PortfolioService).product_by_name("DataLog 200").id
    for view in (_portfolio(demo_ctx, qtbot), _lifecycle(demo_ctx, qtbot, pid)):
        view.activateWindow()
        for index in range(view.tabs.count()):
            view.tabs.setCurrentIndex(index)
            trapped = [
                w.accessibleName() or type(w).__name__
                for w in view.findChildren(QWidget)
                if w.isVisible()
                and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not _tab_leaves(qtbot, w)
            ]
            assert trapped == [], view.tabs.tabText(index)


def test_keyboard_opens_a_product_and_moves_a_card_through_its_gate(demo_ctx, qtbot, monkeypatch):
    view = _portfolio(demo_ctx, qtbot)
    pulse = demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud").id
    view.table.setFocus()
    view.select_product(pulse)
    with qtbot.waitSignal(view.productActivated) as opened:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [pulse]
    asked = []
    monkeypatch.setattr(
        gate_dialog, "ask", lambda dialog: asked.append((dialog.decision(), dialog.target()))
    )
    column = view.board.columns[Stage.DEVELOPMENT]
    view.tabs.setCurrentWidget(view.board)
    column.setFocus()
    column.setCurrentRow(0)
    qtbot.keyClick(column, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(asked) == 1)
    assert asked == [(GateDecision.GO, Stage.GO_TO_MARKET)]
    qtbot.keyClick(column, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert asked[1] == (GateDecision.RECYCLE, Stage.ANALYSIS)
    assert demo_ctx.undo_stack.count() == 0  # both reviews were cancelled
