"""The Business case view in the real window, the way a product manager works in it: pick a
product, create its case, type drivers into the table, try scenarios, sign it off, read a
signed version, undo from the Edit menu — on a new empty workspace and on the demo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QTableView
from tests.gui.test_house_rules import demo_copy, open_window, show
from tests.gui.windows import active, exposed, pick

from pmdesk.core.finance import DRIVERS
from pmdesk.core.finance_wording import FIGURE_ROWS
from pmdesk.gui.finance.signoff import SignOffDialog
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace

KEY = "business_case"


def row_of(key: str) -> int:
    return next(i for i, spec in enumerate(DRIVERS) if spec.key == key)


def figure_row(key: str) -> int:
    return next(i for i, row in enumerate(FIGURE_ROWS) if row.key == key)


@pytest.fixture
def new_file(tmp_path):
    """A new workspace with two products and nothing else."""
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        for name in ("Atlas", "Borealis"):
            ws.service(PortfolioService).create_product(name=name)
    return path


@pytest.fixture
def window(qtbot, new_file):
    return active(qtbot, open_window(qtbot, new_file, (1366, 768)))


def finance(window) -> FinanceService:
    return window.ctx.service(FinanceService)


def keys(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key; "€" and "−" too (QTest's keyClicks knows ASCII only)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier(0)
            )
    if not text:  # an empty cell: the selected text goes
        qtbot.keyClick(widget, Qt.Key.Key_Delete)


def type_into(qtbot, table: QTableView, row: int, column: int, text: str) -> None:
    """Go to the cell, press F2 to edit it, replace its text, press Enter."""
    index = table.model().index(row, column)
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert table.state() == QTableView.State.EditingState
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and table.isAncestorOf(editor), editor
    editor.selectAll()
    keys(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def shown(qtbot, window):
    """The view, created on first show; the window in front again (a widget built without
    a parent, an entity table's label, shows as a window of its own for a moment)."""
    view = show(window, KEY)
    active(qtbot, window)
    return view


def created(qtbot, window, name: str = "Atlas"):
    view = shown(qtbot, window)
    pick(window, name)
    assert view.product_id == window.product_selector.product_id()
    qtbot.mouseClick(view.create_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentIndex() == 1
    return view


# -- a new workspace ---------------------------------------------------------------------------


def test_a_product_without_a_case_says_the_next_step_and_the_button_takes_it(qtbot, window):
    view = shown(qtbot, window)
    pick(window, "Borealis")
    assert view.title.text() == "Business case — Borealis"
    assert view.empty_hint.isVisible() and "Create a business case" in view.empty_hint.text()
    assert view.create_button.isVisible() and view.create_button.isEnabled()
    assert finance(window).case_id_for(view.product_id) is None

    qtbot.mouseClick(view.create_button, Qt.MouseButton.LeftButton)
    case = finance(window).business_case(view.product_id)
    assert case is not None and [s.name for s in case.scenarios] == ["Worst", "Base", "Best"]
    assert not view.empty_hint.isVisible() and view.tabs.isVisible()
    assert view.tiles["npv"].text().startswith("€")
    assert [view.figures.headers[c] for c in range(1, 4)] == ["Worst", "Base", "Best"]
    assert view.status.text() == "Draft — not signed off yet"

    window.menu_actions.undo.trigger()  # the Edit menu's Undo: no case again
    assert finance(window).case_id_for(view.product_id) is None
    assert view.empty_hint.isVisible()
    window.menu_actions.redo.trigger()
    assert view.pages.currentIndex() == 1 and view.tiles["npv"].text().startswith("€")
    assert not window.dialogs.errors


def test_typing_a_driver_recomputes_every_figure_and_undo_restores_them(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    npv = view.tiles["npv"].text()
    base_npv = view.figures.index(figure_row("npv"), 2).data()
    cash = view.cash.index(1, 1).data()  # revenue of period 1
    steps = window.ctx.undo_stack.count()

    type_into(qtbot, view.drivers_view, row_of("price"), 1, "€1,200")

    assert finance(window).business_case(view.product_id).drivers["price"] == Decimal("1200")
    assert view.drivers.index(row_of("price"), 1).data() == "€1,200"
    assert view.tiles["npv"].text() != npv
    assert view.figures.index(figure_row("npv"), 2).data() != base_npv
    assert view.cash.index(1, 1).data() != cash
    assert window.ctx.undo_stack.count() == steps + 1

    window.menu_actions.undo.trigger()
    assert finance(window).business_case(view.product_id).drivers["price"] == Decimal("400")
    assert view.tiles["npv"].text() == npv and view.cash.index(1, 1).data() == cash
    assert not window.dialogs.errors


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("units_growth", "12 %", Decimal("0.12")),
        ("units_growth", "12", Decimal("0.12")),  # the cell is in per cent, as it shows
        ("discount_rate", "8.5%", Decimal("0.085")),
        ("cost_marketing", "1200", Decimal("1200")),
        ("investment_launch", "€1,234,567.89", Decimal("1234567.89")),
        ("market_size", "12,000", Decimal("12000")),
    ],
)
def test_values_are_typed_as_a_person_writes_them(qtbot, window, key, typed, stored):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of(key), 1, typed)
    assert finance(window).business_case(view.product_id).drivers[key] == stored
    assert not window.dialogs.errors


@pytest.mark.parametrize(
    ("key", "typed", "said"),
    [
        ("price", "abc", "Price"),
        ("price", "-5", "Price"),
        ("churn", "150 %", "Churn"),
        ("market_size", "12,5", "decimals with a point"),
    ],
)
def test_bad_input_says_why_and_changes_nothing(qtbot, window, key, typed, said):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    before = finance(window).case_details(view.product_id)
    steps = window.ctx.undo_stack.count()
    type_into(qtbot, view.drivers_view, row_of(key), 1, typed)
    assert window.dialogs.errors and said in window.dialogs.errors[-1][1]
    after = finance(window).case_details(view.product_id)
    assert after.drivers == before.drivers and after.case == before.case
    assert window.ctx.undo_stack.count() == steps


def test_a_note_is_kept_and_undone(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("market_size"), 3, "Analyst report 2026")
    assert finance(window).case_details(view.product_id).notes["market_size"] == (
        "Analyst report 2026"
    )
    assert view.drivers.index(row_of("market_size"), 3).data() == "Analyst report 2026"
    window.menu_actions.undo.trigger()
    assert finance(window).case_details(view.product_id).notes["market_size"] == ""


def test_settings_change_the_periods_in_one_undo_step(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    assert view.cash.rowCount() == 21  # period 0 and 20 quarters
    box = view.horizon_box
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "8")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert finance(window).business_case(view.product_id).settings.horizon == 8
    assert view.cash.rowCount() == 9
    window.menu_actions.undo.trigger()
    assert view.cash.rowCount() == 21 and view.horizon_box.value() == 20


def test_the_unit_cost_comes_from_the_cost_build_up(qtbot, window):
    view = created(qtbot, window)
    finance(window).add_cost_item(view.product_id, "Board", "2", "40")
    row = row_of("unit_cost")
    assert view.drivers.index(row, 1).data() == "€80"
    assert "from the cost build-up" in view.drivers.index(row, 3).data()
    assert not view.drivers.flags(view.drivers.index(row, 1)) & Qt.ItemFlag.ItemIsEditable


# -- scenarios -----------------------------------------------------------------------------------


def test_scenarios_are_added_overridden_renamed_and_deleted(qtbot, window, monkeypatch):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.scenarios_page)
    answers = iter([("Stretch", True), ("Stretch goal", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))

    qtbot.mouseClick(view.add_scenario_button, Qt.MouseButton.LeftButton)
    assert view.figures.headers[1:] == ["Worst", "Base", "Best", "Stretch"]
    assert view.scenario == "Stretch" and view.scenario_box.currentText() == "Stretch"
    stretch_npv = view.figures.index(figure_row("npv"), 4).data()
    assert stretch_npv == view.figures.index(figure_row("npv"), 2).data()  # starts as Base

    column = view.overrides.column_of("Stretch")
    type_into(qtbot, view.overrides_view, row_of("price"), column, "500")
    assert view.figures.index(figure_row("npv"), 4).data() != stretch_npv
    assert view.overrides.index(row_of("price"), column).data() == "€500"
    type_into(qtbot, view.overrides_view, row_of("price"), column, "")  # back to the base
    assert view.figures.index(figure_row("npv"), 4).data() == stretch_npv
    type_into(qtbot, view.overrides_view, row_of("churn"), column, "4 %")
    assert view.overrides.index(row_of("churn"), column).data() == "4 %"
    qtbot.keyClick(view.overrides_view, Qt.Key.Key_Delete)  # Delete: back to the base too
    churn = finance(window).business_case(view.product_id).scenario("Stretch").overrides
    assert "churn" not in churn

    qtbot.mouseClick(view.rename_button, Qt.MouseButton.LeftButton)
    assert view.figures.headers[-1] == "Stretch goal" and view.scenario == "Stretch goal"
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.figures.headers[1:] == ["Worst", "Base", "Best"]
    assert view.scenario == "Base" and not view.delete_button.isEnabled()
    window.menu_actions.undo.trigger()
    assert view.figures.headers[-1] == "Stretch goal"
    assert not window.dialogs.errors


def test_a_taken_scenario_name_is_refused_with_its_reason(qtbot, window, monkeypatch):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.scenarios_page)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("best", True))
    steps = window.ctx.undo_stack.count()
    qtbot.mouseClick(view.add_scenario_button, Qt.MouseButton.LeftButton)
    assert window.dialogs.errors and "taken" in window.dialogs.errors[-1][1]
    assert window.ctx.undo_stack.count() == steps
    assert view.figures.headers[1:] == ["Worst", "Base", "Best"]


def test_no_irr_is_said_in_words_with_the_reason_as_tooltip(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("price"), 1, "0")  # no money ever comes back
    index = view.figures.index(figure_row("irr_annual"), 2)
    assert index.data() == "no IRR"
    assert "never change sign" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert view.figures.index(figure_row("payback"), 2).data() == "not reached"


def test_the_tornado_follows_the_percentage(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.sensitivity_page)
    data = view.tornado.data
    assert data is not None and data.percent_text == "20 %"
    assert data.labels[0] == "Price"  # the widest swing of the default case, on top
    swing = data.high[0] - data.low[0]
    view.percent_box.setFocus()
    view.percent_box.lineEdit().selectAll()
    qtbot.keyClicks(view.percent_box.lineEdit(), "10")
    qtbot.keyClick(view.percent_box.lineEdit(), Qt.Key.Key_Return)
    assert view.tornado.data.percent_text == "10 %"
    assert view.tornado.data.high[0] - view.tornado.data.low[0] < swing


# -- sign-off -------------------------------------------------------------------------------------


def sign_off(qtbot, view, who: str = "Dana Whitfield") -> SignOffDialog:
    qtbot.mouseClick(view.sign_button, Qt.MouseButton.LeftButton)
    dialog = view.sign_off_dialog
    assert isinstance(dialog, SignOffDialog) and dialog.isVisible()
    assert not dialog.sign_button.isEnabled()  # nobody named yet
    qtbot.keyClicks(dialog.signed_by.lineEdit(), who)
    assert dialog.sign_button.isEnabled()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    return dialog


def test_signing_off_freezes_a_version_that_stays_readable(qtbot, window):
    view = created(qtbot, window)
    sign_off(qtbot, view)
    versions = finance(window).versions(view.product_id)
    assert [(v.version, v.signed_by, v.scenario) for v in versions] == [
        (1, "Dana Whitfield", "Base")
    ]
    assert view.status.text().startswith("Signed off as v1 by Dana Whitfield")
    assert view.versions.rowCount() == 1 and view.versions.index(0, 0).data() == "v1"
    signed_npv = view.tiles["npv"].text()

    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("price"), 1, "450")
    assert view.status.text() == "Draft — changed since v1"
    assert view.tiles["npv"].text() != signed_npv

    view.tabs.setCurrentWidget(view.versions_page)  # double-click the version to read it
    index = view.versions.index(0, 0)
    centre = view.versions_view.visualRect(index).center()
    with qtbot.waitSignal(view.versions_view.doubleClicked):
        qtbot.mouseClick(view.versions_view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(view.versions_view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert view.banner.isVisible() and "Signed version v1" in view.banner_text.text()
    assert view.tiles["npv"].text() == signed_npv  # its frozen figures
    assert view.drivers.index(row_of("price"), 1).data() == "€400"
    assert not view.drivers.flags(view.drivers.index(row_of("price"), 1)) & (
        Qt.ItemFlag.ItemIsEditable
    )
    assert not view.sign_button.isEnabled() and not view.add_scenario_button.isEnabled()
    assert view.status.text() == "Signed version v1 — read-only" and view.status.isEnabled()
    assert view.pricing.frozen is not None  # the signed version's pricing, read-only
    qtbot.mouseClick(view.draft_button, Qt.MouseButton.LeftButton)
    assert view.pricing.frozen is None
    assert not view.banner.isVisible() and view.tiles["npv"].text() != signed_npv

    window.menu_actions.undo.trigger()  # the price edit
    assert view.status.text().startswith("Signed off as v1")
    window.menu_actions.undo.trigger()  # the sign-off
    assert view.status.text() == "Draft — not signed off yet"
    assert not window.dialogs.errors


def test_a_read_only_workspace_offers_no_edit(qtbot, tmp_path, new_file):
    with Workspace.open(new_file) as ws:
        product = ws.service(PortfolioService).product_by_name("Atlas")
        ws.service(FinanceService).create_case(product.id)
    first = open_window(qtbot, new_file)  # holds the file: the second one opens read-only
    second = open_window(qtbot, new_file)
    assert second.ctx.read_only and not first.ctx.read_only
    view = show(second, KEY)
    pick(second, "Atlas")
    assert view.pages.currentIndex() == 1
    assert not view.sign_button.isEnabled() and not view.add_scenario_button.isEnabled()
    assert not view.drivers.flags(view.drivers.index(0, 1)) & Qt.ItemFlag.ItemIsEditable


# -- the demo --------------------------------------------------------------------------------------


def test_the_demo_cases_read_whole(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1920, 1080))
    view = show(window, KEY)
    for index in range(window.product_selector.count()):
        window.product_selector.setCurrentIndex(index)
        QApplication.processEvents()
        name = window.product_selector.currentText()
        assert view.pages.currentIndex() == 1, f"{name} has no business case"
        assert view.figures.headers[1:4] == ["Worst", "Base", "Best"], name
        assert view.cash.rowCount() > 1 and view.tiles["npv"].text() != "—", name
    pick(window, "Pulse Cloud")
    assert view.versions.rowCount() >= 1
    assert "Analysis gate" in view.versions.index(0, 4).data()
    assert not window.dialogs.errors


# -- item models ----------------------------------------------------------------------------------


def test_the_models_hold_through_edits_undo_and_new_scenarios(qtbot, window, request, monkeypatch):
    from pytestqt.modeltest import ModelTester

    view = created(qtbot, window)
    models = [view.drivers, view.overrides, view.figures, view.cash, view.versions]
    testers = [ModelTester(request.config) for _model in models]  # attached throughout
    for tester, model in zip(testers, models, strict=True):
        tester.check(model, force_py=True)
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("units_first"), 1, "800")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Stretch", True))
    qtbot.mouseClick(view.add_scenario_button, Qt.MouseButton.LeftButton)
    sign_off(qtbot, view)
    window.menu_actions.undo.trigger()
    for tester, model in zip(testers, models, strict=True):
        tester.check(model, force_py=True)
    assert view.overrides.columnCount() == 5 and view.versions.rowCount() == 0


# -- the projector ---------------------------------------------------------------------------------


def test_presenting_shows_the_key_figures_large_and_gives_the_view_back_as_it_was(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.scenarios_page)
    desk_font = view.tiles["npv"].fontInfo().pixelSize()
    npv_cell = view.figures.index(figure_row("npv"), 2).data()
    window.menu_actions.present.trigger()  # F5
    shown = window.presentation
    qtbot.waitUntil(lambda: shown.isVisible() and window._presented_key() == KEY)
    body = shown.theme.body_px
    assert view.tabs.currentWidget() is view.overview and view.tabs.tabBar().isHidden()
    assert not view.sign_button.isVisibleTo(view) and not view.version_box.isVisibleTo(view)
    assert view.scenario_box.isVisibleTo(view)  # a choice of what is shown stays
    assert view.tiles["npv"].fontInfo().pixelSize() >= body * 1.5 > desk_font
    assert view.figures_view.rowHeight(0) >= body * 1.9
    assert view.figures.index(figure_row("npv"), 2).data().endswith(" M")  # €1.83 M
    assert view.overview_chart.isVisibleTo(view) and view.overview_chart.scale > 1.5
    window.stop_presentation()
    assert view.tabs.currentWidget() is view.scenarios_page and not view.tabs.tabBar().isHidden()
    assert view.sign_button.isVisibleTo(view)
    assert view.figures.index(figure_row("npv"), 2).data() == npv_cell
    assert view.tiles["npv"].fontInfo().pixelSize() == desk_font


def test_the_currency_is_typed_and_a_wrong_one_refused(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    edit = view.currency_box.lineEdit()
    edit.setFocus()
    edit.selectAll()
    keys(qtbot, edit, "usd")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    question = view.currency_question  # amounts are not converted: asked first
    assert question is not None
    qtbot.mouseClick(
        next(b for b in question.buttons() if b.text() == "Change to USD"),
        Qt.MouseButton.LeftButton,
    )
    assert finance(window).business_case(view.product_id).settings.currency == "USD"
    assert view.tiles["npv"].text().startswith("$")
    assert view.drivers.index(row_of("price"), 2).data() == "USD per unit"
    edit.selectAll()
    keys(qtbot, edit, "EURO")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert window.dialogs.errors and "currency" in window.dialogs.errors[-1][1]
    assert finance(window).business_case(view.product_id).settings.currency == "USD"
    assert view.currency_box.currentText() == "USD"  # what is stored, shown again
    window.menu_actions.undo.trigger()
    assert view.tiles["npv"].text().startswith("€")


def test_several_irrs_are_said_in_words_with_the_nearest_on_hover():
    from pmdesk.core.finance import IRR_NO_CHANGE, IRR_SEVERAL, Irr
    from pmdesk.core.finance_wording import irr_text

    several = irr_text(Irr(Decimal("0.05"), Decimal("0.21550625"), IRR_SEVERAL), annual=True)
    assert several.text == "several sign changes"
    assert IRR_SEVERAL in several.tip and "21.55 %" in several.tip
    none = irr_text(Irr(None, None, IRR_NO_CHANGE), annual=False)
    assert none.text == "no IRR" and none.tip == IRR_NO_CHANGE
    one = irr_text(Irr(Decimal("0.05"), Decimal("0.21550625"), ""), annual=False)
    assert (one.text, one.tip) == ("5 %", "")


def test_a_subscription_counts_customers_and_its_churn(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)

    def churn_greyed() -> bool:
        cell = view.drivers.index(row_of("churn"), 1)
        tip = cell.data(Qt.ItemDataRole.ToolTipRole) or ""
        return "subscriptions only" in tip and cell.data(Qt.ItemDataRole.ForegroundRole) is not None

    assert churn_greyed()  # a one-off sale has no churn
    view.tabs.setCurrentWidget(view.sensitivity_page)
    assert "Churn" not in view.tornado.data.labels
    view.tabs.setCurrentWidget(view.assumptions_page)
    box = view.pricing_box
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)  # One-off sale → Subscription
    assert finance(window).business_case(view.product_id).settings.pricing_model == "subscription"
    assert not churn_greyed()
    assert view.drivers.index(row_of("market_size"), 2).data() == "customers"
    assert view.drivers.index(row_of("price"), 2).data() == "EUR per customer per quarter"
    view.tabs.setCurrentWidget(view.sensitivity_page)
    assert "Churn" in view.tornado.data.labels


def test_a_marks_words_stand_over_the_next_marks_line(qtbot):
    """Break-even just before payback, in a projector's large type on a narrow chart: the
    words "Break-even" run across the payback mark's dashed line. They stand on the box
    the legend stands on, so the line goes under them instead of through them."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QFont

    from pmdesk.gui.finance.charts import CashFlowChart, CashFlowData

    periods = 24
    chart = CashFlowChart()
    qtbot.addWidget(chart)
    font = QFont(chart.font())
    font.setPixelSize(30)
    chart.setFont(font)
    chart.resize(520, 900)
    chart.show()
    exposed(qtbot, chart)
    net = [-3e6, -5e5] + [4e5 * n for n in range(1, periods - 1)]
    running, cumulative = 0.0, []
    for value in net:
        running += value
        cumulative.append(running)
    chart.set_data(
        CashFlowData(
            scenario="Base",
            currency="EUR",
            labels=tuple(f"Q{n}" for n in range(periods)),
            net=tuple(net),
            cumulative=tuple(cumulative),
            texts=("",) * periods,
            payback=5.5,
            payback_text="Payback 5.5 quarters",
            break_even=5,
            break_even_text="Break-even",
        )
    )
    qtbot.wait_until(lambda: chart.plotItem.vb.width() > 0)
    chart.grab()  # painted once: the words take their place then
    label = next(
        mark.label
        for mark in chart.plotItem.items
        if getattr(mark, "value", None) and mark.value() == 5
    )
    words = chart.mapFromScene(label.mapRectToScene(label.boundingRect())).boundingRect()
    x = chart.mapFromScene(chart.plotItem.vb.mapViewToScene(QPointF(5.5, 0))).x()
    assert words.left() < x < words.right(), "the case this test is about: words over a line"
    image = chart.grab().toImage()
    outside = [
        image.pixelColor(x, y).lightness() for y in range(words.bottom() + 4, words.bottom() + 40)
    ]
    inside = [
        image.pixelColor(x, y).lightness() for y in range(words.top() + 2, words.bottom() - 1)
    ]
    assert min(outside) < 100, "the payback line is dark where nothing covers it"
    # Under the words only their own strokes are dark, not the line's dashes all the way.
    assert sum(v < 100 for v in inside) < len(inside) / 3
