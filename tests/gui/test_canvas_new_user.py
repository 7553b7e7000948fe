"""The canvas as a new user meets it: from an empty workspace, by menu, mouse and keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGraphicsView,
    QLineEdit,
    QWidget,
)
from tests.gui.windows import exposed

from pmdesk.core.enums import CanvasTemplate
from pmdesk.core.templates import canvas_layout
from pmdesk.gui.canvas import CanvasView
from pmdesk.gui.context import AppContext
from pmdesk.store.services.portfolio import PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def fresh(tmp_path, qtbot):
    """A new, empty workspace with one product and no board, shown in the canvas view."""
    ws = Workspace.create(tmp_path / "x.pmdesk", name="New portfolio")
    product = PortfolioService(ws).create_product(name="Atlas")
    ctx = AppContext(ws)
    view = CanvasView(ctx)
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.set_product(product.id)
    view.show()
    exposed(qtbot, view)
    yield view
    view.close()
    ctx.close()
    ws.close()


def hints(view) -> list[str]:
    return [w.text() for w in view.findChildren(QWidget, "nextStepHint") if w.isVisible()]


def add_board_action(view, template: CanvasTemplate):
    return next(a for a in view.toolbar.add_board_menu.actions() if a.text() == template.label)


def boards(view):
    return view.service.boards_of(view.product_id)


@pytest.mark.parametrize("template", list(CanvasTemplate))
def test_add_board_menu_makes_a_board_of_every_template(fresh, template):
    assert fresh.toolbar.add_board.isEnabled()
    add_board_action(fresh, template).trigger()
    (board,) = boards(fresh)
    assert board.template == template and board.name == template.label
    assert fresh.board_id == board.id
    keys = {b.key for b in canvas_layout(template).blocks}
    assert keys <= set(fresh.scene.blocks) and all(fresh.scene.blocks[k].isVisible() for k in keys)
    assert fresh.toolbar.template.currentText() == template.label
    assert fresh.toolbar.boards.currentText() == template.label
    add_board_action(fresh, template).trigger()  # a second one gets its own name
    assert [b.name for b in boards(fresh)] == [template.label, f"{template.label} 2"]


def test_picking_a_template_in_the_combo_moves_notes_by_meaning(fresh, qtbot):
    add_board_action(fresh, CanvasTemplate.PRODUCT_CANVAS).trigger()
    fresh.add_note("target_customers", "labs")
    fresh.add_note("promotion", "webinar")
    combo = fresh.toolbar.template
    combo.setFocus()
    target = combo.findText(CanvasTemplate.LEAN_CANVAS.label)
    while combo.currentIndex() != target:  # the keyboard steps through the choices
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
    blocks = {n.text: n.block for n in fresh.service.notes_of_board(fresh.board_id)}
    assert blocks == {"labs": "customer_segments", "webinar": "to_sort"}
    assert fresh.service.boards.get(fresh.board_id).template == CanvasTemplate.LEAN_CANVAS
    assert combo.currentText() == CanvasTemplate.LEAN_CANVAS.label
    assert "customer_segments" in fresh.scene.blocks
    fresh.ctx.undo()
    assert combo.currentText() == CanvasTemplate.PRODUCT_CANVAS.label
    assert {n.data.block for n in fresh.scene.notes.values()} == {"target_customers", "promotion"}
    fresh.ctx.redo()
    assert combo.currentText() == CanvasTemplate.LEAN_CANVAS.label
    assert {n.data.block for n in fresh.scene.notes.values()} == {"customer_segments", "to_sort"}


def test_add_board_is_one_undo_step(fresh):
    add_board_action(fresh, CanvasTemplate.LEAN_CANVAS).trigger()
    fresh.ctx.undo()
    assert boards(fresh) == [] and fresh.board_id is None
    assert fresh.start_page.isVisible()
    fresh.ctx.redo()
    assert [b.template for b in boards(fresh)] == [CanvasTemplate.LEAN_CANVAS]
    assert fresh.board.isVisible()


def test_no_board_shows_the_next_step_with_the_templates_at_hand(fresh, qtbot):
    assert hints(fresh) == ["No canvas yet — choose a template to start"]
    assert not fresh.board.isVisible()
    button = next(
        b
        for b in fresh.start_buttons
        if b.text() == "Business model canvas"
        or b.text() == CanvasTemplate.BUSINESS_MODEL_CANVAS.label
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [b.template for b in boards(fresh)] == [CanvasTemplate.BUSINESS_MODEL_CANVAS]
    assert fresh.board.isVisible()
    # A blank board says how to add the first note, and stops saying it once there is one.
    assert hints(fresh) == [fresh.blank_hint.text()] and "add a note" in fresh.blank_hint.text()
    block = fresh.scene.blocks["key_partners"]
    qtbot.mouseDClick(
        fresh.board.viewport(),
        Qt.MouseButton.LeftButton,
        pos=fresh.board.mapFromScene(block.sceneBoundingRect().center()),
    )
    qtbot.keyClicks(fresh.board.editor, "Resellers")
    qtbot.keyClick(fresh.board.editor, Qt.Key.Key_Return)
    assert [n.text for n in fresh.service.notes_of_board(fresh.board_id)] == ["Resellers"]
    assert hints(fresh) == []


def test_empty_blocks_say_how_to_add_a_note(fresh):
    add_board_action(fresh, CanvasTemplate.PRODUCT_CANVAS).trigger()
    fresh.add_note("problems", "pain")
    assert fresh.scene.blocks["price"].hint_text() == "Double-click or type to add a note"
    assert fresh.scene.blocks["problems"].hint_text() == ""


def test_tab_steps_through_blocks_then_leaves_the_board(fresh, qtbot):
    add_board_action(fresh, CanvasTemplate.PRODUCT_VISION_BOARD).trigger()
    order = fresh.scene.block_order()
    fresh.toolbar.template.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(20):  # through the toolbar to the board
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if QApplication.focusWidget() is fresh.board:
            break
    seen = []
    while QApplication.focusWidget() is fresh.board and len(seen) < len(order) + 5:
        seen.append(fresh.scene.current_block())
        qtbot.keyClick(fresh.board, Qt.Key.Key_Tab)
    assert seen == order  # every block once, in reading order …
    assert QApplication.focusWidget() is not fresh.board  # … then out of the board
    # Back in with Shift+Tab: the last block; arrows still step; Shift+Tab leaves at the first.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is fresh.board
    assert fresh.scene.current_block() == order[-1]
    qtbot.keyClick(fresh.board, Qt.Key.Key_Up)
    assert fresh.scene.current_block() == order[-2]
    for _ in range(len(order) + 3):
        if QApplication.focusWidget() is not fresh.board:
            break
        qtbot.keyClick(fresh.board, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not fresh.board


def test_zoomed_block_tab_also_leaves(fresh, qtbot):
    add_board_action(fresh, CanvasTemplate.PRODUCT_VISION_BOARD).trigger()
    order = fresh.scene.block_order()
    fresh.scene.blocks[order[-1]].setFocus()
    fresh.board.setFocus()
    qtbot.keyClick(fresh.board, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert fresh.scene.focused == order[-1]
    qtbot.keyClick(fresh.board, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not fresh.board


def unnamed_controls(view) -> list[str]:
    found = []
    for widget in view.findChildren(QWidget):
        shows_data = isinstance(widget, QLineEdit | QAbstractItemView | QGraphicsView)
        if not widget.isVisible() or (
            widget.focusPolicy() == Qt.FocusPolicy.NoFocus and not shows_data
        ):
            continue
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is None or not interface.text(QAccessible.Text.Name).strip():
            found.append(f"{type(widget).__name__} {widget.objectName()}")
    return found


def test_controls_have_accessible_names(fresh, qtbot):
    assert unnamed_controls(fresh) == []  # no board yet: the template buttons
    add_board_action(fresh, CanvasTemplate.PRODUCT_CANVAS).trigger()
    qtbot.mouseClick(fresh.toolbar.vote, Qt.MouseButton.LeftButton)
    assert unnamed_controls(fresh) == []
    fresh.tabs.setCurrentWidget(fresh.table)
    assert unnamed_controls(fresh) == []
    assert fresh.board.accessibleName() == "Canvas board"
    assert fresh.toolbar.boards.accessibleName() == "Canvas board"
    assert fresh.toolbar.template.accessibleName() == "Board template"


def test_revealed_results_are_sorted_by_votes_then_name(fresh, qtbot):
    add_board_action(fresh, CanvasTemplate.PRODUCT_CANVAS).trigger()
    ids = {text: fresh.add_note("problems", text) for text in ("zeta", "Alpha", "mid", "none")}
    fresh.toolbar.vote.click()
    fresh.voting_bar.dots.setValue(4)
    fresh.voting_bar.participants.setText("Ana")
    qtbot.mouseClick(fresh.voting_bar.start, Qt.MouseButton.LeftButton)
    for text in ("zeta", "mid", "Alpha", "mid"):  # mid 2, then Alpha and zeta tied at 1
        item = fresh.scene.notes[ids[text]]
        qtbot.mouseClick(
            fresh.board.viewport(),
            Qt.MouseButton.LeftButton,
            pos=fresh.board.mapFromScene(item.sceneBoundingRect().center()),
        )
    qtbot.mouseClick(fresh.voting_bar.reveal, Qt.MouseButton.LeftButton)
    assert fresh.voting_results() == [("mid", 2), ("Alpha", 1), ("zeta", 1)]
    assert fresh.voting_bar.status.text().endswith("— mid 2 · Alpha 1 · zeta 1")
    status = fresh.voting_bar.status
    for name in ("A much longer note text than the bar has room for " * 4, "short"):
        fresh.edit_note(ids["mid"], name)  # the results follow, cut with … rather than clipped
        assert status.text().endswith(" 1 · zeta 1") and name.strip() in status.text()
        assert status.fontMetrics().horizontalAdvance(status.shown()) <= status.width()
        assert status.shown() == status.text() or status.shown().endswith("…")


def test_tab_scrolls_a_tall_board_to_the_block_it_reaches(fresh, qtbot):
    add_board_action(fresh, CanvasTemplate.PRODUCT_CANVAS).trigger()
    fresh.resize(900, 500)
    for number in range(40):
        fresh.add_note("target_customers", f"customer segment number {number} with words")
    bar = fresh.board.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    fresh.scene.blocks["target_customers"].setFocus()
    fresh.board.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is fresh.board)
    last = fresh.scene.block_order()[-1]
    while fresh.scene.current_block() != last:
        qtbot.keyClick(fresh.board, Qt.Key.Key_Tab)
    shown = fresh.board.mapToScene(fresh.board.viewport().rect()).boundingRect()
    assert bar.value() > 0 and shown.intersects(fresh.scene.blocks[last].sceneBoundingRect())
    assert fresh.board.accessibleDescription().startswith(fresh.scene.blocks[last].title)


def test_a_refused_template_switch_puts_the_picker_back(fresh, qtbot, monkeypatch):
    add_board_action(fresh, CanvasTemplate.PRODUCT_CANVAS).trigger()
    monkeypatch.setattr(fresh.ctx, "run", lambda _command: False)  # e.g. the file went away
    combo = fresh.toolbar.template
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == CanvasTemplate.PRODUCT_CANVAS.label
    assert fresh.service.boards.get(fresh.board_id).template == CanvasTemplate.PRODUCT_CANVAS
