"""The business case as a product manager shows it to their VP: a candidate idea in the
Innovation stage on a new workspace, its scenarios kept in order as the base moves, a change
of currency that says it converts nothing, and a signed version read whole — its pricing and
P&L included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from tests.gui.finance.test_business_case_view import (
    active,
    finance,
    keys,
    pick,
    row_of,
    shown,
    sign_off,
    type_into,
)
from tests.gui.test_house_rules import demo_copy, open_window

from pmdesk.core.enums import Stage
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def idea_file(tmp_path):
    """File ▸ New with one candidate idea, still in Innovation."""
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        ws.service(PortfolioService).create_product(name="Idea", stage=Stage.INNOVATION)
    return path


@pytest.fixture
def window(qtbot, idea_file):
    return active(qtbot, open_window(qtbot, idea_file, (1366, 768)))


def created(qtbot, window):
    view = shown(qtbot, window)
    pick(window, "Idea")
    qtbot.mouseClick(view.create_button, Qt.MouseButton.LeftButton)
    assert view.pages.currentIndex() == 1
    return view


def npv(view, name: str) -> Decimal:
    return next(r.figures.npv for r in view.results if r.name == name)


# -- Worst and Best follow the base again ---------------------------------------------------------


def test_best_under_base_is_warned_and_reset_from_the_base_in_one_step(qtbot, window):
    view = created(qtbot, window)
    assert not view.scenario_warning.isVisibleTo(view)
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("price"), 1, "1000")  # Best still sells at €420
    assert npv(view, "Best") < npv(view, "Base")

    view.tabs.setCurrentWidget(view.scenarios_page)
    warning = view.scenario_warning
    assert warning.isVisible() and "Best's NPV" in warning.text() and "under Base" in warning.text()
    assert "Reset Worst and Best from the base" in warning.text()
    view.tabs.setCurrentWidget(view.overview)
    assert view.overview_warning.isVisible()
    view.tabs.setCurrentWidget(view.scenarios_page)

    steps = window.ctx.undo_stack.count()
    button = view.reset_button
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    case = finance(window).business_case(view.product_id)
    assert case.scenario("Best").overrides["price"] == Decimal("1050")
    assert case.scenario("Worst").overrides["price"] == Decimal("900")
    assert npv(view, "Worst") < npv(view, "Base") < npv(view, "Best")
    assert not warning.isVisible() and not view.overview_warning.isVisibleTo(view)
    column = view.overrides.column_of("Best")
    assert view.overrides.index(row_of("price"), column).data() == "€1,050"
    assert window.ctx.undo_stack.count() == steps + 1

    window.menu_actions.undo.trigger()  # Edit ▸ Undo: the old overrides, warned again
    case = finance(window).business_case(view.product_id)
    assert case.scenario("Best").overrides["price"] == Decimal("420")
    assert warning.isVisible()
    assert not window.dialogs.errors


def test_a_signed_version_warns_but_offers_no_reset(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("price"), 1, "1000")
    sign_off(qtbot, view)
    view.show_version(finance(window).versions(view.product_id)[-1].id)
    view.tabs.setCurrentWidget(view.scenarios_page)
    assert view.scenario_warning.isVisible()
    assert "Reset" not in view.scenario_warning.text()  # nothing to do in a frozen version
    assert not view.reset_button.isEnabled()


# -- the currency converts nothing, and says so -----------------------------------------------------


def currency_typed(qtbot, view, text: str) -> QMessageBox:
    edit = view.currency_box.lineEdit()
    edit.setFocus()
    edit.selectAll()
    keys(qtbot, edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    box = view.currency_question
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    return box


def button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def test_a_new_currency_says_amounts_are_not_converted_and_is_one_undo_step(qtbot, window):
    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.assumptions_page)
    steps = window.ctx.undo_stack.count()

    box = currency_typed(qtbot, view, "usd")
    assert "Amounts are not converted: €1,200 becomes $1,200" in box.text()
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.currency_question is None)
    assert finance(window).business_case(view.product_id).settings.currency == "EUR"
    assert view.currency_box.currentText() == "EUR"  # what is kept, shown again
    assert window.ctx.undo_stack.count() == steps

    box = currency_typed(qtbot, view, "JPY")
    assert "€1,200 becomes ¥1,200" in box.text()
    qtbot.mouseClick(button(box, "Change to JPY"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.currency_question is None)
    case = finance(window).business_case(view.product_id)
    assert case.settings.currency == "JPY" and case.drivers["price"] == Decimal("400")
    assert view.tiles["npv"].text().startswith("¥")
    assert window.ctx.undo_stack.count() == steps + 1
    window.menu_actions.undo.trigger()
    assert finance(window).business_case(view.product_id).settings.currency == "EUR"
    assert view.currency_box.currentText() == "EUR"
    assert not window.dialogs.errors


# -- a signed version's pricing and P&L -------------------------------------------------------------


def test_a_signed_version_shows_its_frozen_cost_items_and_price_points(qtbot, window):
    view = created(qtbot, window)
    service = finance(window)
    product = view.product_id
    item = service.add_cost_item(product, "Board", "2", "40")
    service.add_price_point(product, "Labs", "Standard", "Direct", "400", "0", "0", "0.5")
    sign_off(qtbot, view)
    service.update_cost_item(item, unit_cost="90")  # the draft moves on: €180 a unit
    view.tabs.setCurrentWidget(view.pricing)
    assert view.pricing.costs.isVisible() and "€180" in view.pricing.total.text()

    view.version_box.setCurrentIndex(1)  # v1, as a person picks it
    view.version_box.activated.emit(1)
    QApplication.processEvents()
    pricing = view.pricing
    assert view.banner.isVisible() and view.tabs.isTabEnabled(view.tabs.indexOf(pricing))
    assert view.tabs.currentWidget() is pricing
    assert not pricing.costs.isVisible() and pricing.frozen_costs.isVisible()
    assert "as signed in v1" in pricing.frozen_costs_title.text()
    frozen = pricing.frozen_costs.model()
    assert [frozen.index(0, c).data() for c in range(4)] == ["Board", "2", "€40", "€80"]
    assert not frozen.flags(frozen.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert "€80" in pricing.frozen_total.text()
    # The waterfall of the signed price point at the signed unit cost: €400 − €80 = €320.
    assert pricing.chart.isVisible() and "net price €400" in pricing.chart_title.text()
    assert "gross margin 80 %" in pricing.chart_title.text()

    view.tabs.setCurrentWidget(view.pnl)
    assert view.tabs.isTabEnabled(view.tabs.indexOf(view.pnl))
    assert view.pnl.version_id == view.version.id
    assert "signed as v1" in view.pnl.summary.text()

    qtbot.mouseClick(view.draft_button, Qt.MouseButton.LeftButton)
    view.tabs.setCurrentWidget(pricing)
    assert pricing.costs.isVisible() and not pricing.frozen_costs.isVisible()
    assert "€180" in pricing.total.text() and view.pnl.version_id is None
    assert not window.dialogs.errors


def test_the_demo_signed_version_reads_its_pricing_and_pnl(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1920, 1080))
    view = shown(qtbot, window)
    pick(window, "Pulse Cloud")
    version = finance(window).versions(view.product_id)[-1]
    view.show_version(version.id)
    view.tabs.setCurrentWidget(view.pricing)
    points = view.pricing.frozen_prices.model()
    assert points.rowCount() == len(view.service.version_content(version.id)["price_points"]) > 0
    assert view.pricing.chart.isVisible() and not view.pricing.chart_hint.isVisible()
    view.tabs.setCurrentWidget(view.pnl)
    assert view.pnl.table.isVisible() and view.pnl.model.rowCount() > 0
    assert not window.dialogs.errors


# -- the projector at 1366 × 768 ------------------------------------------------------------------


def test_presented_on_a_small_projector_every_figure_and_the_legend_read_whole(
    qtbot, demo_template, tmp_path
):
    from PySide6.QtGui import QFont, QFontMetrics

    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown(qtbot, window)
    pick(window, "Pulse Cloud")
    window.menu_actions.present.trigger()  # F5
    presented = window.presentation
    qtbot.waitUntil(lambda: presented.isVisible() and window._presented_key() == "business_case")
    presented.showNormal()
    presented.resize(1366, 768)
    qtbot.waitUntil(lambda: presented.width() == 1366 and view.figures_view.width() > 0)
    qtbot.wait(50)  # the splitter and the chart's axes laid out at the new size

    table = view.figures_view
    bold = QFont(table.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    model = table.model()
    cut = []
    for row in range(model.rowCount()):
        if table.isRowHidden(row):
            continue
        for column in range(1, model.columnCount()):
            text = model.index(row, column).data()
            if metrics.horizontalAdvance(text) + 6 > table.columnWidth(column):
                cut.append(f"{model.index(row, 0).data()} / {model.headers[column]}: {text}")
    assert not cut, cut
    assert table.verticalScrollBar().isHidden() or not table.verticalScrollBar().isVisible()
    chart = view.overview_chart
    legend = chart.legend.mapRectToScene(chart.legend.boundingRect())
    assert legend.right() <= chart.viewport().width(), (legend, chart.viewport().width())
    window.stop_presentation()
    assert not any(table.isRowHidden(r) for r in range(model.rowCount()))  # given back whole


def test_signing_again_does_not_reuse_the_gate_review_of_an_earlier_version(
    qtbot, demo_template, tmp_path
):
    from pmdesk.gui.finance.signoff import NO_GATE

    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown(qtbot, window)
    pick(window, "DataLog 200")  # v1 was signed at its Analysis gate in 2016
    first = finance(window).versions(view.product_id)[0]
    assert first.gate_review_id is not None
    qtbot.mouseClick(view.sign_button, Qt.MouseButton.LeftButton)
    dialog = view.sign_off_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.gate.currentText() == NO_GATE
    assert dialog.gate.findData(first.gate_review_id) > 0  # still there to choose on purpose
    dialog.reject()


def test_an_ideas_pnl_is_all_plan_and_shows_no_empty_variance_columns(qtbot, window):
    from pmdesk.gui.finance.pnl import VARIANCE_COLUMNS

    view = created(qtbot, window)
    view.tabs.setCurrentWidget(view.pnl)
    table = view.pnl.table
    assert table.isVisible() and all(line.plan for line in view.pnl.model.rows)
    assert all(table.isColumnHidden(c) for c in VARIANCE_COLUMNS)
    assert "0 actual and 20 planned periods" in view.pnl.summary.text()


def test_a_sign_off_undone_and_made_again_shows_the_new_version_as_signed(qtbot, window):
    view = created(qtbot, window)
    sign_off(qtbot, view)
    window.menu_actions.undo.trigger()  # the sign-off
    assert view.status.text() == "Draft — not signed off yet"
    view.tabs.setCurrentWidget(view.assumptions_page)
    type_into(qtbot, view.drivers_view, row_of("price"), 1, "450")
    sign_off(qtbot, view)
    assert view.status.text().startswith("Signed off as v1"), view.status.text()
    view.show_version(finance(window).versions(view.product_id)[-1].id)
    assert view.drivers.index(row_of("price"), 1).data() == "€450"  # not the undone one's €400


# -- the chart's legend over its lines -------------------------------------------------------------


def painted(legend) -> bool:
    """Whether the legend's own paint (its box) puts any pixel down."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(40, 40, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    legend.paint(painter, None, None)
    painter.end()
    return any(image.pixel(x, y) for x in range(40) for y in range(40))


def test_the_charts_legend_is_a_box_of_the_background_at_the_desk_and_presented(
    qtbot, demo_template, tmp_path
):
    # The break-even and payback marks run from the top of the chart to the bottom: without
    # a box of its own, the legend's words were crossed by them.
    from PySide6.QtGui import QPalette

    from pmdesk.gui.widgets.plot import LEGEND_BOX_ALPHA

    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown(qtbot, window)
    pick(window, "Pulse Cloud")
    chart = view.overview_chart

    def box_is_the_background() -> None:
        legend = chart.legend
        background = chart.palette().color(QPalette.ColorRole.Base)
        brush = legend.opts["brush"].color()
        assert (brush.red(), brush.green(), brush.blue()) == (
            background.red(),
            background.green(),
            background.blue(),
        )
        assert brush.alpha() == LEGEND_BOX_ALPHA >= 200
        # drawn: the box's edge in the palette's mid tone, around the legend's words
        mid = chart.palette().color(QPalette.ColorRole.Mid)
        assert legend.opts["pen"].color().rgb() == mid.rgb()
        assert legend.frame and legend.isVisible()

    box_is_the_background()
    assert painted(chart.legend)
    # A chart that names nothing (the margin waterfall) shows no empty box.
    view.tabs.setCurrentWidget(view.pricing)
    waterfall = view.pricing.chart
    qtbot.waitUntil(waterfall.isVisible)
    assert not waterfall.legend.items and not painted(waterfall.legend)
    view.tabs.setCurrentWidget(view.overview)
    desk = chart.legend.opts["brush"].color().rgb()
    window.menu_actions.present.trigger()  # F5: the projector's palette
    presented = window.presentation
    qtbot.waitUntil(lambda: presented.isVisible() and window._presented_key() == "business_case")
    box_is_the_background()
    window.stop_presentation()
    qtbot.waitUntil(lambda: chart.legend.opts["brush"].color().rgb() == desk)


def test_a_new_cases_chart_legend_has_its_box(qtbot, window):
    # A new workspace: the case just made with "Create a business case" draws its cash-flow
    # chart with the legend on the background's box, as the demo's.
    from PySide6.QtGui import QPalette

    view = created(qtbot, window)
    chart = view.overview_chart
    qtbot.waitUntil(chart.isVisible)
    assert chart.legend.items and painted(chart.legend)
    box = chart.legend.opts["brush"].color()
    background = chart.palette().color(QPalette.ColorRole.Base)
    assert (box.red(), box.green(), box.blue()) == (
        background.red(),
        background.green(),
        background.blue(),
    )
