"""Pricing and margins the way a product manager works them: cost items typed into the build-up,
price points typed in, a price point chosen to see its margin waterfall, bad input refused,
and every edit undone from the Edit menu — on a new empty workspace and on the demo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from tests.gui.finance.money import product_id, signed_case
from tests.gui.test_house_rules import demo_copy, open_window
from tests.gui.windows import cut_cells, exposed

from pmdesk.core.pricing import CostItem, unit_cost
from pmdesk.gui.finance.commands import FinanceCommand
from pmdesk.gui.finance.pricing import MARGIN_COLOUR, SHORT_COLOUR, PricingPanel
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def window(qtbot, tmp_path):
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    return open_window(qtbot, path, (1366, 768))


def pricing(qtbot, window, name: str = "Atlas") -> PricingPanel:
    panel = PricingPanel(window.ctx)
    qtbot.addWidget(panel)
    panel.resize(1200, 640)
    panel.show()
    exposed(qtbot, panel)
    panel.activateWindow()  # typed keys go to it (the window's Edit menu still undoes)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    panel.show_product(product_id(window.ctx.workspace, name))
    return panel


def finance(window) -> FinanceService:
    return window.ctx.service(FinanceService)


def type_into(qtbot, table, row: int, field: str, text: str) -> None:
    """Go to the cell, press F2, replace its text, press Enter."""
    view = table.view
    index = table.model.index(row, table.model.column_index(field))
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


def cell(table, row: int, field: str) -> str:
    return table.model.index(row, table.model.column_index(field)).data()


def undo(window) -> None:
    window.menu_actions.undo.trigger()
    QApplication.processEvents()


def test_the_cost_build_up_is_typed_in_and_each_edit_undone_from_the_edit_menu(qtbot, window):
    panel = pricing(qtbot, window)
    costs, stack = panel.costs, window.ctx.undo_stack
    assert costs.empty_hint.isVisible() and "Add cost item" in costs.empty_hint.text()
    qtbot.mouseClick(costs.add_button, Qt.MouseButton.LeftButton)
    assert costs.model.rowCount() == 1 and stack.count() == 1
    editor = QApplication.focusWidget()  # Add starts editing the new item's name
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "Sensor module")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    type_into(qtbot, costs, 0, "quantity", "2")
    type_into(qtbot, costs, 0, "unit_cost", "180")
    assert stack.count() == 4  # add, name, quantity, unit cost: one step each
    assert cell(costs, 0, "line_total") == "€360"
    qtbot.mouseClick(costs.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    type_into(qtbot, costs, 1, "name", "Hosting per user")
    type_into(qtbot, costs, 1, "quantity", "12")
    type_into(qtbot, costs, 1, "unit_cost", "0.004")  # finer than a cent: kept exact
    pid = panel.product_id
    items = finance(window).cost_items(pid)
    assert [(i.name, i.quantity, i.unit_cost) for i in items] == [
        ("Sensor module", Decimal("2"), Decimal("180")),
        ("Hosting per user", Decimal("12"), Decimal("0.004")),
    ]
    assert (cell(costs, 1, "unit_cost"), cell(costs, 1, "line_total")) == ("€0.004", "€0.048")
    assert panel.unit_cost() == Decimal("360.048")
    assert panel.total.text().startswith("Unit cost €360.05 (the sum of 2 items)")

    undo(window)  # the hosting's unit cost
    assert finance(window).cost_items(pid)[1].unit_cost == Decimal(0)
    assert cell(costs, 1, "unit_cost") == "€0" and "€360 " in panel.total.text()
    undo(window)  # its quantity
    assert finance(window).cost_items(pid)[1].quantity == Decimal(1)
    window.menu_actions.redo.trigger()
    assert cell(costs, 1, "quantity") == "12"

    costs.view.selectRow(0)
    qtbot.mouseClick(costs.delete_button, Qt.MouseButton.LeftButton)
    assert [i.name for i in finance(window).cost_items(pid)] == ["Hosting per user"]
    undo(window)
    assert [i.name for i in finance(window).cost_items(pid)] == [
        "Sensor module",
        "Hosting per user",
    ]
    assert costs.model.rowCount() == 2


@pytest.mark.parametrize(
    ("field", "text", "said"),
    [
        ("quantity", "lots", "not a number"),
        ("quantity", "-1", "cannot be negative"),
        ("unit_cost", "12,5", "decimals with a point"),
    ],
)
def test_bad_input_says_why_and_changes_nothing(qtbot, window, field, text, said):
    panel = pricing(qtbot, window)
    qtbot.mouseClick(panel.costs.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    before = finance(window).cost_items(panel.product_id)
    steps = window.ctx.undo_stack.count()
    type_into(qtbot, panel.costs, 0, field, text)
    assert finance(window).cost_items(panel.product_id) == before
    assert window.ctx.undo_stack.count() == steps
    message = window.dialogs.errors[-1][1]
    assert field.replace("_", " ") in message.casefold() and said in message


def test_choosing_a_price_point_draws_its_margin_waterfall(qtbot, window):
    panel = pricing(qtbot, window)
    points = panel.points
    assert panel.chart_hint.isVisible() and not panel.chart.isVisible()
    qtbot.mouseClick(panel.costs.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    type_into(qtbot, panel.costs, 0, "unit_cost", "500")  # 1 × €500

    qtbot.mouseClick(points.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    type_into(qtbot, points, 0, "segment", "Laboratories")
    type_into(qtbot, points, 0, "list_price", "1,000")
    type_into(qtbot, points, 0, "discount", "10")  # per cent, as the cell shows it
    type_into(qtbot, points, 0, "channel_margin", "20 %")
    type_into(qtbot, points, 0, "target_margin", "60")
    stored = finance(window).price_points(panel.product_id)[0]
    assert (stored.list_price, stored.discount, stored.channel_margin, stored.target_margin) == (
        Decimal("1000.00"),
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.6"),
    )
    assert cell(points, 0, "discount") == "10 %"
    # €1,000 − 10 % = €900; − 20 % channel = €720 net; − €500 unit cost = €220 (30.6 %)
    chart = panel.chart
    assert chart.isVisible() and not panel.chart_hint.isVisible()
    assert chart.steps == [
        "List price",
        "Discount",
        "Channel",
        "Net price",
        "Unit cost",
        "Gross margin",
    ]
    assert [label.split("\n")[0] for label in chart.labels] == [
        "€1,000",
        "−€100",
        "−€180",
        "€720",
        "−€500",
        "€220",
    ]
    assert chart.bars[3][:2] == (0.0, 720.0) and chart.bars[4][:2] == (220.0, 720.0)
    assert chart.bars[5][2] == SHORT_COLOUR and chart.target_text == "target 60 %"
    assert panel.warning.isVisible()
    assert panel.warning.text() == "⚠ Gross margin 30.6 % is under the 60 % target"

    qtbot.mouseClick(points.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    type_into(qtbot, points, 1, "segment", "Universities")
    type_into(qtbot, points, 1, "list_price", "2000")
    first = points.view.visualRect(points.model.index(0, 0)).center()
    qtbot.mouseClick(points.view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert "Laboratories" in panel.chart_title.text()
    second = points.view.visualRect(points.model.index(1, 0)).center()
    qtbot.mouseClick(points.view.viewport(), Qt.MouseButton.LeftButton, pos=second)
    # €2,000 net − €500 = €1,500: 75 %, over the new point's 30 % target
    assert "Universities" in panel.chart_title.text() and "75 %" in panel.chart_title.text()
    assert chart.labels[5] == "€1,500\n75 %" and chart.bars[5][2] == MARGIN_COLOUR
    assert "(target 30 %, dashed)" in panel.chart_title.text()
    assert not panel.warning.isVisible()

    undo(window)  # the second point's list price: the waterfall follows
    assert chart.labels[0].startswith("€0") and panel.warning.isVisible()
    qtbot.mouseClick(points.delete_button, Qt.MouseButton.LeftButton)
    assert points.model.rowCount() == 1
    undo(window)
    assert points.model.rowCount() == 2


def test_on_the_demo_the_build_up_feeds_the_business_case(qtbot, demo_template, tmp_path):
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    ws = window.ctx.workspace
    signed_case(ws, "Vega Benchtop Analyser", sign=False)
    pid = product_id(ws, "Vega Benchtop Analyser")
    finance(window).add_cost_item(pid, "Optics", Decimal("1"), Decimal("800"))
    panel = pricing(qtbot, window, "Vega Benchtop Analyser")
    assert panel.costs.model.rowCount() >= 1
    type_into(qtbot, panel.costs, panel.costs.model.rowCount() - 1, "quantity", "3")
    items = [CostItem(i.name, i.quantity, i.unit_cost) for i in finance(window).cost_items(pid)]
    case = finance(window).business_case(pid)
    assert case.unit_cost_from_build_up == unit_cost(items) == panel.unit_cost()
    assert f"€{unit_cost(items):,.0f}" in panel.total.text()
    assert not window.dialogs.errors


@pytest.mark.parametrize("which", ["costs", "points"])
def test_the_pricing_models_hold_through_edits_and_undo(qtbot, window, qtmodeltester, which):
    panel = pricing(qtbot, window)
    table = getattr(panel, which)
    qtmodeltester.check(table.model, force_py=True)  # it stays attached while the person works
    for _ in range(2):
        qtbot.mouseClick(table.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    field = "unit_cost" if which == "costs" else "list_price"
    type_into(qtbot, table, 1, field, "99")
    assert cell(table, 1, field) == "€99"
    for _ in range(3):
        undo(window)
    assert table.model.rowCount() == 0
    qtmodeltester.check(table.model, force_py=True)


def test_amounts_read_in_the_case_currency_and_follow_its_change(qtbot, window):
    panel = pricing(qtbot, window)
    service = finance(window)
    pid = panel.product_id
    assert window.ctx.run(FinanceCommand(service, lambda: service.create_case(pid), "Create"))
    qtbot.mouseClick(panel.points.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    type_into(qtbot, panel.points, 0, "list_price", "1,250.5")
    assert cell(panel.points, 0, "list_price") == "€1,250.50"
    case_id = service.case_id_for(pid)
    assert window.ctx.run(
        FinanceCommand(
            service, lambda: service.update_settings(case_id, currency="USD"), "Currency"
        )
    )
    assert cell(panel.points, 0, "list_price") == "$1,250.50"
    assert "net price $1,250.50" in panel.chart_title.text()
    undo(window)
    assert cell(panel.points, 0, "list_price") == "€1,250.50"


def test_the_demos_price_points_read_whole_on_a_laptop(qtbot, demo_template, tmp_path):
    """1366 × 768, Business case ▸ Pricing & margins clicked: a channel ("Public tender")
    is whole; the tier's column, whose texts are short, leaves the segment the room."""
    from tests.gui.windows import click_tab, shown_for

    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown_for(qtbot, window, "business_case", "Pulse Cloud")
    panel = click_tab(qtbot, view.tabs, "Pricing && margins")
    points = panel.points
    assert points.model.rowCount() == 4
    channel = points.model.column_index("channel")
    assert "Public tender" in [points.model.index(r, channel).data() for r in range(4)]
    assert cut_cells(points) == []
    assert cut_cells(panel.costs) == []


def test_a_column_fits_its_texts_when_read_and_keeps_still_while_edited(qtbot, window):
    """A column as short as its texts leaves the segment (the fit column) the room, and one
    longer than its hint has their width from the room the segment can spare: sized when
    the product's rows are read, not while a cell is typed in, so it never jumps."""
    panel = pricing(qtbot, window)
    points = panel.points
    header = points.view.horizontalHeader()
    tier = points.model.column_index("tier")
    segment = points.model.column_index("segment")
    empty_width = header.sectionSize(tier)  # no rows: the column's hint (16 characters)
    qtbot.mouseClick(points.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    type_into(qtbot, points, 0, "tier", "Pro")
    assert header.sectionSize(tier) == empty_width  # typed in: it stays where it was
    panel.show_product(panel.product_id)  # read again (as when the product is chosen)
    narrow = header.sectionSize(tier)
    assert narrow < empty_width
    assert header.sectionSize(segment) > 0 and cut_cells(points) == []
    type_into(qtbot, points, 0, "tier", "Premium enterprise")
    panel.show_product(panel.product_id)
    assert header.sectionSize(tier) > empty_width  # the room was there: the text is whole
    assert cut_cells(points) == []
