"""The Market view in the real window, the way a product manager works in it: pick a product,
add competitors by typing their names, edit them in place, score their threat with spin
boxes, record deals won and lost, undo from the Edit menu — on a new empty workspace and on
the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView
from tests.gui.test_house_rules import demo_copy, open_window, show
from tests.gui.windows import active, pick, shown_for

from pmdesk.store.services import PortfolioService
from pmdesk.store.services.market import MarketService
from pmdesk.store.workspace import Workspace

KEY = "market"


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


def market(window) -> MarketService:
    return window.ctx.service(MarketService)


def shown(qtbot, window, product: str = "Atlas"):
    view = shown_for(qtbot, window, KEY, product)
    assert view.product_id == window.product_selector.product_id()
    return view


def add(qtbot, view, name: str) -> None:
    """Type the name into the add box and click Add competitor."""
    view.add_box.lineEdit().clear()
    qtbot.keyClicks(view.add_box.lineEdit(), name)
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)


def type_into(qtbot, table: QTableView, row: int, column: int, text: str) -> None:
    """Go to the cell, press F2, replace its text, press Enter."""
    table.setFocus()
    table.setCurrentIndex(table.model().index(row, column))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and table.isAncestorOf(editor), editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()


# -- a new workspace ---------------------------------------------------------------------------


def test_a_product_without_competitors_says_the_next_step(qtbot, window):
    view = shown(qtbot, window)
    assert view.competitors_hint.isVisible() and "Add competitor" in view.competitors_hint.text()
    assert view.add_button.isEnabled() and not view.delete_button.isEnabled()
    assert not view.form_box.isEnabled()
    view.tabs.setCurrentWidget(view.deals_page)
    assert view.deals_hint.isVisible() and not view.add_deal_button.isEnabled()


def test_adding_a_competitor_is_one_undo_step(qtbot, window):
    view = shown(qtbot, window)
    steps = window.ctx.undo_stack.count()
    add(qtbot, view, "Rivalry Inc")
    assert [c.name for c in market(window).competitors(view.product_id)] == ["Rivalry Inc"]
    assert view.model.rowCount() == 1 and view.model.index(0, 0).data() == "Rivalry Inc"
    assert not view.competitors_hint.isVisible()
    assert view.current is not None and view.form_box.title() == "Rivalry Inc"
    assert window.ctx.undo_stack.count() == steps + 1
    assert view.add_box.currentText() == ""

    window.menu_actions.undo.trigger()
    assert market(window).competitors() == []
    assert view.model.rowCount() == 0 and view.competitors_hint.isVisible()
    window.menu_actions.redo.trigger()
    assert view.model.rowCount() == 1
    assert not window.dialogs.errors


def test_an_existing_competitor_is_linked_not_added_twice(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    pick(window, "Borealis")
    assert view.model.rowCount() == 0
    assert view.add_box.findText("Rivalry Inc") >= 0  # offered from the workspace
    view.add_box.setCurrentIndex(view.add_box.findText("Rivalry Inc"))
    qtbot.mouseClick(view.add_button, Qt.MouseButton.LeftButton)
    rivals = market(window).competitors()
    assert len(rivals) == 1 and len(rivals[0].product_ids) == 2
    assert view.model.rowCount() == 1

    add(qtbot, view, "rivalry inc")  # linked here already: said, nothing changes
    assert window.dialogs.errors and "already" in window.dialogs.errors[-1][1]
    assert len(market(window).competitors()) == 1

    qtbot.mouseClick(view.unlink_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 0 and len(market(window).competitors()) == 1
    window.menu_actions.undo.trigger()
    assert view.model.rowCount() == 1


def test_an_empty_name_is_refused(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "   ")
    assert window.dialogs.errors and "name" in window.dialogs.errors[-1][1]
    assert market(window).competitors() == []


def test_edits_in_place_and_in_the_form_each_one_undo_step(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    rival = market(window).competitors()[0].id
    steps = window.ctx.undo_stack.count()

    type_into(qtbot, view.table, 0, 5, "Mid-market")
    type_into(qtbot, view.table, 0, 3, "12 %")
    type_into(qtbot, view.table, 0, 4, "85")
    row = market(window).competitor(rival)
    assert (row.segment, row.market_share, row.price_index) == ("Mid-market", Decimal("0.12"), 85)
    assert view.model.index(0, 3).data() == "12 %" and view.model.index(0, 4).data() == "85 %"

    edit = view.fields["strengths"]
    edit.setFocus()
    qtbot.keyClicks(edit, "Fast onboarding")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert market(window).competitor(rival).strengths == "Fast onboarding"
    assert window.ctx.undo_stack.count() == steps + 4

    window.menu_actions.undo.trigger()
    assert market(window).competitor(rival).strengths == ""
    assert view.fields["strengths"].text() == ""
    window.menu_actions.undo.trigger()
    assert market(window).competitor(rival).price_index is None
    assert not window.dialogs.errors


@pytest.mark.parametrize(("column", "typed"), [(3, "150 %"), (4, "abc"), (0, "  ")])
def test_bad_input_says_why_and_changes_nothing(qtbot, window, column, typed):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    before = market(window).competitors()
    steps = window.ctx.undo_stack.count()
    type_into(qtbot, view.table, 0, column, typed)
    assert window.dialogs.errors
    assert market(window).competitors() == before
    assert window.ctx.undo_stack.count() == steps


def test_the_threat_criteria_are_spin_boxes_with_their_parts_shown(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    rival = market(window).competitors()[0].id
    assert view.score_label.text() == "0 of 100 (Low)"
    spin = view.spins["market_overlap"]
    spin.setFocus()
    for _ in range(5):
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert market(window).competitor(rival).scores["market_overlap"] == 5
    assert view.part_labels["market_overlap"].text() == "5/5 × 35% = 35 points"
    assert view.score_label.text() == "35 of 100 (Medium)"
    assert view.model.index(0, 1).data() == "35" and view.model.index(0, 2).data() == "Medium"

    window.menu_actions.undo.trigger()  # one press, one step
    assert market(window).competitor(rival).scores["market_overlap"] == 4
    assert view.spins["market_overlap"].value() == 4
    assert not window.dialogs.errors


def test_deals_are_added_edited_deleted_and_summed_per_competitor(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    add(qtbot, view, "Other Co")
    view.tabs.setCurrentWidget(view.deals_page)
    assert view.add_deal_button.isEnabled()
    view.deal_competitor.setCurrentIndex(view.deal_competitor.findText("Rivalry Inc"))
    for outcome, reason in (("Won", "Integrations"), ("Lost", "Price"), ("Lost", "price")):
        view.deal_outcome.setCurrentIndex(view.deal_outcome.findText(outcome))
        qtbot.keyClicks(view.deal_name, f"{outcome} deal")
        qtbot.keyClicks(view.deal_reason, reason)
        qtbot.keyClicks(view.deal_value, "1,000")
        qtbot.mouseClick(view.add_deal_button, Qt.MouseButton.LeftButton)
    assert view.deals.rowCount() == 3 and view.deal_name.text() == ""
    assert view.summary.rowCount() == 1
    summary = [view.summary.index(0, c).data() for c in range(6)]
    assert summary[:5] == ["Rivalry Inc", "1", "2", "0", "33%"]
    assert summary[5].casefold() == "price (2); integrations (1)"  # one reason, any case
    assert not view.deals_hint.isVisible()

    type_into(qtbot, view.deals_view, 0, 4, "Support")
    assert market(window).win_losses()[0].reason == "Support"
    steps = window.ctx.undo_stack.count()
    view.deals_view.selectRow(0)
    qtbot.mouseClick(view.delete_deal_button, Qt.MouseButton.LeftButton)
    assert view.deals.rowCount() == 2 and window.ctx.undo_stack.count() == steps + 1
    window.menu_actions.undo.trigger()
    assert view.deals.rowCount() == 3

    qtbot.keyClicks(view.deal_value, "lots")  # refused: said, nothing added
    qtbot.mouseClick(view.add_deal_button, Qt.MouseButton.LeftButton)
    assert window.dialogs.errors and view.deals.rowCount() == 3


def test_deleting_a_competitor_takes_its_deals_and_undo_brings_them_back(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    rival = market(window).competitors()[0].id
    market(window).add_win_loss(rival, "won", dt.date(2026, 1, 5), product_id=view.product_id)
    window.ctx.undo_stack.clear()
    view.table.selectRow(0)
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert market(window).competitors() == [] and view.deals.rowCount() == 0
    window.menu_actions.undo.trigger()
    assert view.model.rowCount() == 1 and view.deals.rowCount() == 1


def test_models_pass_the_model_tester(qtbot, window, qtmodeltester):
    view = shown(qtbot, window)
    for model in (view.model, view.deals, view.summary):
        qtmodeltester.check(model)
    add(qtbot, view, "Rivalry Inc")
    rival = market(window).competitors()[0].id
    market(window).add_win_loss(
        rival, "lost", "2026-02-01", reason="Price", product_id=view.product_id
    )
    for model in (view.model, view.deals, view.summary):
        assert model.rowCount() == 1
        qtmodeltester.check(model)


def test_adding_and_deleting_a_competitor_keeps_the_others_rows(qtbot, window):
    """The table takes new rows without a reset: a row kept by the view (its selection,
    an open editor, the scroll) stays on its competitor while another is added, deleted
    and the deletion undone."""
    view = shown(qtbot, window)
    for name in ("Alpha Co", "Beta Ltd", "Gamma AG"):
        add(qtbot, view, name)
    beta = QPersistentModelIndex(view.model.index(view.model.row_of(_id(window, "Beta Ltd")), 0))
    resets: list[bool] = []
    view.model.modelReset.connect(lambda: resets.append(True))
    add(qtbot, view, "Delta plc")
    assert beta.isValid() and beta.data() == "Beta Ltd"
    view.table.selectRow(view.model.row_of(_id(window, "Alpha Co")))
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())].count(
        "Alpha Co"
    ) == 0
    assert beta.isValid() and beta.data() == "Beta Ltd"
    window.menu_actions.undo.trigger()
    assert view.model.rowCount() == 4 and beta.isValid() and beta.data() == "Beta Ltd"
    assert not resets and not window.dialogs.errors


def _id(window, name: str) -> int:
    return next(c.id for c in market(window).competitors() if c.name == name)


# -- the demo ---------------------------------------------------------------------------------


def test_the_demo_shows_every_product_s_competitors(qtbot, demo_template, tmp_path):
    window = active(qtbot, open_window(qtbot, demo_copy(demo_template, tmp_path)))
    view = show(window, KEY)
    service = window.ctx.service(MarketService)
    for product in window.ctx.service(PortfolioService).list_products():
        pick(window, product.name)
        rows = service.competitors(product.id)
        assert view.model.rowCount() == len(rows)
        assert view.deals.rowCount() == len(service.win_losses(product_id=product.id))
        assert view.competitors_hint.isVisible() == (not rows)
    assert not window.dialogs.errors


def test_presenting_hides_the_editing_and_gives_the_view_back(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    window.menu_actions.present.trigger()  # F5
    presented = window.presentation
    qtbot.waitUntil(lambda: presented.isVisible() and window._presented_key() == KEY)
    body = presented.theme.body_px
    assert not view.add_button.isVisibleTo(view) and not view.form_box.isVisibleTo(view)
    assert not view.add_box.isVisibleTo(view)
    assert view.table.isVisibleTo(view) and view.table.rowHeight(0) >= body * 1.9
    assert view.table.editTriggers() == QTableView.EditTrigger.NoEditTriggers
    view.tabs.setCurrentWidget(view.matrix_page)  # another tab, chosen in front of the room
    assert not view.add_capability_button.isVisibleTo(view)
    assert not view.from_requirements_button.isVisibleTo(view)
    assert view.matrix_view.isVisibleTo(view)
    window.stop_presentation()
    assert view.add_capability_button.isVisibleTo(view)
    view.tabs.setCurrentIndex(0)
    assert view.add_button.isVisibleTo(view) and view.form_box.isVisibleTo(view)
    assert view.table.editTriggers() != QTableView.EditTrigger.NoEditTriggers


# -- the comparison matrix ----------------------------------------------------------------------


def add_capability(qtbot, view, name: str) -> None:
    view.capability_name.clear()
    qtbot.keyClicks(view.capability_name, name)
    qtbot.mouseClick(view.add_capability_button, Qt.MouseButton.LeftButton)


def test_the_matrix_says_the_next_step_and_rows_are_added_one_step_each(qtbot, window):
    view = shown(qtbot, window)
    view.tabs.setCurrentWidget(view.matrix_page)
    assert view.matrix_hint.isVisible() and "Add capability" in view.matrix_hint.text()
    add(qtbot, view, "Rivalry Inc")
    steps = window.ctx.undo_stack.count()
    add_capability(qtbot, view, "Offline mode")
    assert not view.matrix_hint.isVisible() and view.legend.isVisible()
    assert view.matrix.rowCount() == 2  # the row and Coverage
    assert view.matrix.columnCount() == 3  # capability, Atlas (us), Rivalry Inc
    assert view.matrix.headerData(1, Qt.Orientation.Horizontal, 0) == "Atlas (us)"
    assert view.matrix.index(0, 1).data() == "? Unknown"
    assert view.matrix.index(1, 0).data() == "Coverage" and view.matrix.index(1, 1).data() == "—"
    assert window.ctx.undo_stack.count() == steps + 1
    window.menu_actions.undo.trigger()
    assert view.matrix.rowCount() == 0 and view.matrix_hint.isVisible()

    add_capability(qtbot, view, "  ")  # nothing typed: said, nothing added
    assert window.dialogs.errors and market(window).capabilities(view.product_id) == []


def test_a_cell_is_set_in_its_dialog_with_today_and_undone_in_one_step(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    view.tabs.setCurrentWidget(view.matrix_page)
    add_capability(qtbot, view, "Offline mode")
    rival = market(window).competitors()[0].id
    index = view.matrix.index(0, 2)
    view.matrix_view.setFocus()
    view.matrix_view.setCurrentIndex(index)
    qtbot.keyClick(view.matrix_view, Qt.Key.Key_Return)
    dialog = view.cell_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.checked_on.date().toPython() == dt.date.today()
    dialog.level.setCurrentIndex(dialog.level.findText("◐ Partial"))
    qtbot.keyClicks(dialog.evidence, "Pricing page, May")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    matrix = market(window).matrix(view.product_id)
    cell = matrix.cell(matrix.capabilities[0].id, rival)
    assert cell.level.value == "partial" and cell.evidence == "Pricing page, May"
    assert cell.checked_on == dt.date.today()
    assert view.matrix.index(0, 2).data() == "◐ Partial"
    assert "Pricing page, May" in view.matrix.index(0, 2).data(Qt.ItemDataRole.ToolTipRole)
    assert view.matrix.index(1, 2).data() == "50%"
    window.menu_actions.undo.trigger()
    assert view.matrix.index(0, 2).data() == "? Unknown"
    assert not window.dialogs.errors


def test_an_old_check_is_marked_stale(qtbot, window):
    view = shown(qtbot, window)
    pid = view.product_id
    row = market(window).add_capability(pid, "Audit trail")
    old = dt.date.today() - dt.timedelta(days=400)
    market(window).set_cell(row, None, "full", "Our docs", old)
    view.tabs.setCurrentWidget(view.matrix_page)
    assert view.matrix.index(0, 1).data() == "● Full ⚑"
    assert "Stale" in view.matrix.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "⚑" in view.legend.text() and view.legend.isVisible()


def test_rows_come_from_requirements_once_and_a_second_time_is_said(qtbot, window):
    from pmdesk.store.services import RequirementService

    view = shown(qtbot, window)
    requirements = window.ctx.service(RequirementService).requirements
    for title in ("Single sign-on", "CSV export"):
        requirements.create(product_id=view.product_id, title=title)
    view.tabs.setCurrentWidget(view.matrix_page)
    steps = window.ctx.undo_stack.count()
    qtbot.mouseClick(view.from_requirements_button, Qt.MouseButton.LeftButton)
    names = [c.name for c in market(window).capabilities(view.product_id)]
    assert sorted(names) == ["CSV export", "Single sign-on"]
    assert window.ctx.undo_stack.count() == steps + 1
    qtbot.mouseClick(view.from_requirements_button, Qt.MouseButton.LeftButton)
    assert window.dialogs.errors and "Nothing to add" in window.dialogs.errors[-1][1]
    assert window.ctx.undo_stack.count() == steps + 1
    qtbot.mouseClick(view.from_canvas_button, Qt.MouseButton.LeftButton)  # no canvas: said
    assert "Nothing to add" in window.dialogs.errors[-1][1]

    type_into(qtbot, view.matrix_view, 0, 0, "SSO")
    assert market(window).capabilities(view.product_id)[0].name == "SSO"
    view.matrix_view.setCurrentIndex(view.matrix.index(0, 0))
    qtbot.mouseClick(view.delete_capability_button, Qt.MouseButton.LeftButton)
    assert len(market(window).capabilities(view.product_id)) == 1
    window.menu_actions.undo.trigger()
    assert len(market(window).capabilities(view.product_id)) == 2


def test_the_matrix_model_passes_the_model_tester(qtbot, window, qtmodeltester):
    view = shown(qtbot, window)
    qtmodeltester.check(view.matrix)
    add(qtbot, view, "Rivalry Inc")
    row = market(window).add_capability(view.product_id, "Offline mode")
    market(window).set_cell(row, None, "full")
    assert view.matrix.rowCount() == 2
    qtmodeltester.check(view.matrix)


# -- positioning ---------------------------------------------------------------------------------


def choose(qtbot, box, text: str) -> None:
    """Open the combo and pick the entry by keyboard, as a person does."""
    box.setFocus()
    index = box.findText(text)
    assert index >= 0, text
    while box.currentIndex() != index:
        key = Qt.Key.Key_Down if box.currentIndex() < index else Qt.Key.Key_Up
        qtbot.keyClick(box, key)


def test_the_chart_places_every_product_with_a_value_and_names_the_rest(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    add(qtbot, view, "Other Co")
    type_into(qtbot, view.table, view.model.row_of(market(window).competitors()[1].id), 4, "80")
    view.tabs.setCurrentWidget(view.positioning_page)
    # Price × capability: nobody has a capability yet; Atlas has its price (100 %) only.
    assert view.chart.points == []
    assert view.left_out.isVisible() and "Atlas" in view.left_out.text()

    choose(qtbot, view.y_box, "Threat score")
    labels = {p.label: (p.x, p.y, p.ours) for p in view.chart.points}
    assert labels == {"Rivalry Inc": (80.0, 0.0, False)}
    assert [label.toPlainText() for label in view.chart.labels] == ["Rivalry Inc"]
    assert "Atlas" in view.left_out.text() and "Other Co" in view.left_out.text()

    choose(qtbot, view.x_box, "Market overlap")
    choose(qtbot, view.y_box, "Momentum")
    assert {p.label for p in view.chart.points} == {"Rivalry Inc", "Other Co"}

    view.spins["momentum"].setValue(3)  # the chart follows the edit
    view.table.selectRow(0)
    assert any(p.y == 3.0 for p in view.chart.points)


def test_our_product_is_drawn_apart_when_it_has_values(qtbot, window):
    view = shown(qtbot, window)
    add(qtbot, view, "Rivalry Inc")
    rival = market(window).competitors()[0].id
    market(window).update_competitor(rival, price_index=120, market_share="30 %")
    row = market(window).add_capability(view.product_id, "Offline mode")
    market(window).set_cell(row, None, "full")
    market(window).set_cell(row, rival, "partial")
    view.tabs.setCurrentWidget(view.positioning_page)
    points = {p.label: p for p in view.chart.points}
    assert points["Atlas"].ours and (points["Atlas"].x, points["Atlas"].y) == (100.0, 100.0)
    assert (points["Rivalry Inc"].x, points["Rivalry Inc"].y) == (120.0, 50.0)
    assert not view.left_out.isVisible()


def test_signals_and_feedback_are_tabs_of_the_product_shown(qtbot, demo_template, tmp_path):
    window = active(qtbot, open_window(qtbot, demo_copy(demo_template, tmp_path)))
    view = show(window, KEY)
    titles = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert titles == [
        "Competitors",
        "Comparison matrix",
        "Positioning",
        "Win/loss",
        "Signals",
        "Feedback",
        "Marketing mix",
    ]
    for product in window.ctx.service(PortfolioService).list_products():
        pick(window, product.name)
        assert view.signals.product_id == view.feedback.product_id == product.id
    view.tabs.setCurrentWidget(view.signals)
    assert view.signals.isVisible()
    assert not window.dialogs.errors
