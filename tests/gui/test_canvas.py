"""The canvas board on real files: quick capture, moves, deletes, templates, focus, export."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from tests.gui.windows import exposed

from pmdesk.core.enums import CanvasTemplate
from pmdesk.gui.canvas import CanvasView
from pmdesk.gui.canvas.flow import flow_notes
from pmdesk.gui.context import AppContext
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.services import CanvasService
from pmdesk.store.services.portfolio import PortfolioService


@pytest.fixture
def view(qtbot, workspace):
    product = PortfolioService(workspace).create_product(name="Atlas")
    CanvasService(workspace).boards.create(product_id=product.id, name="Board")
    ctx = AppContext(workspace)
    canvas = CanvasView(ctx)
    qtbot.addWidget(canvas)
    canvas.resize(1400, 850)
    canvas.set_product(product.id)
    canvas.show()
    exposed(qtbot, canvas)
    yield canvas
    ctx.close()


def texts(view, block=None):
    notes = view.service.notes_of_board(view.board_id)
    return [n.text for n in notes if block is None or n.block == block]


def centre(view, item):
    return view.board.mapFromScene(item.sceneBoundingRect().center())


def test_typing_in_a_focused_block_adds_notes_enter_next_esc_cancels(view, qtbot):
    view.scene.blocks["problems"].setFocus()
    qtbot.keyClick(view.board, "S")
    assert view.board.capturing and view.board.editor.text() == "S"
    qtbot.keyClicks(view.board.editor, "low audits <&>")
    view.board.editor.insert(" 🚀")  # QTest cannot type characters outside the BMP
    qtbot.keyClick(view.board.editor, Qt.Key.Key_Return)
    assert view.board.capturing and view.board.editor.text() == ""  # ready for the next
    qtbot.keyClicks(view.board.editor, 'Night "alerts"')
    qtbot.keyClick(view.board.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(view.board.editor, "discarded")
    qtbot.keyClick(view.board.editor, Qt.Key.Key_Escape)
    assert not view.board.capturing
    assert texts(view, "problems") == ["Slow audits <&> 🚀", 'Night "alerts"']
    assert [n.data.text for n in view.scene.notes_in("problems")] == texts(view, "problems")
    view.ctx.undo()
    assert texts(view) == ["Slow audits <&> 🚀"]
    assert len(view.scene.notes) == 1


def test_double_click_edits_in_place(view, qtbot):
    note_id = view.add_note("price", "€49")
    item = view.scene.notes[note_id]
    qtbot.mouseDClick(view.board.viewport(), Qt.MouseButton.LeftButton, pos=centre(view, item))
    assert view.board.editing_note == note_id and view.board.editor.text() == "€49"
    view.board.editor.setText("€59 & up")
    qtbot.keyClick(view.board.editor, Qt.Key.Key_Return)
    assert texts(view) == ["€59 & up"]
    view.ctx.undo()
    assert texts(view) == ["€49"]


def test_drag_a_note_to_another_block_and_undo(view, qtbot):
    first = view.add_note("problems", "pain")
    cheap = view.add_note("price", "cheap")
    item, target = view.scene.notes[first], view.scene.blocks["price"]
    before = view.scene.notes[cheap].sceneBoundingRect()
    viewport = view.board.viewport()
    start = centre(view, item)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, start + QPoint(30, 30))
    # On the left half of "cheap": the dragged note goes before it.
    drop = view.board.mapFromScene(before.center()) - QPoint(round(before.width() / 4), 0)
    qtbot.mouseMove(viewport, drop)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=drop)
    assert texts(view, "price") == ["pain", "cheap"]
    assert view.scene.notes[first].parentItem() is target.area
    view.ctx.undo()
    assert texts(view, "problems") == ["pain"]


def test_multi_select_delete_duplicate_colour_with_undo(view):
    ids = [view.add_note("problems", f"note {n}") for n in range(3)]
    for note_id in ids[:2]:
        view.scene.notes[note_id].setSelected(True)
    assert view.has_selection()
    assert view.set_colour("#9FD3FF")
    assert {n.colour for n in view.service.notes_of_board(view.board_id)} == {"#9FD3FF", "#FFE066"}
    assert view.duplicate_selected()
    assert sorted(texts(view)) == ["note 0", "note 0", "note 1", "note 1", "note 2"]
    view.ctx.undo()
    view.delete_selected()
    assert texts(view) == ["note 2"]
    view.ctx.undo()
    assert texts(view) == ["note 0", "note 1", "note 2"]


def test_switching_template_keeps_notes_and_undoes(view):
    view.add_note("target_customers", "labs")
    view.add_note("promotion", "webinar")
    assert view.switch_template(CanvasTemplate.LEAN_CANVAS)
    assert set(view.scene.blocks) >= {"customer_segments", "to_sort"}
    assert view.scene.notes and {n.data.block for n in view.scene.notes.values()} == {
        "customer_segments",
        "to_sort",
    }
    assert view.scene.blocks["to_sort"].isVisible()
    assert view.toolbar.template.currentData() == CanvasTemplate.LEAN_CANVAS
    view.ctx.undo()
    assert view.template == CanvasTemplate.PRODUCT_CANVAS
    assert {n.data.block for n in view.scene.notes.values()} == {"target_customers", "promotion"}


def test_crowded_block_never_overlaps_and_the_board_scrolls_as_a_whole(view):
    view.resize(1000, 600)
    for number in range(60):
        view.add_note("price", f"price idea {number} " + "word " * (number % 7))
    notes = view.scene.notes_in("price")
    rects = [n.mapRectToScene(n.rect) for n in notes]
    for a, b in itertools.combinations(rects, 2):
        assert not a.intersects(b)
    block = view.scene.blocks["price"]
    assert block.max_scroll() == 0  # no hidden notes inside the block …
    assert all(block.sceneBoundingRect().contains(r) for r in rects)
    assert min(n.style.body_px * n.scale_factor for n in notes) >= 11  # … nor tiny ones
    assert view.scene.sceneRect().width() == view.board.viewport().width()  # never sideways
    bar = view.board.verticalScrollBar()
    assert view.scene.sceneRect().height() > view.board.viewport().height() and bar.maximum() > 0
    bar.setValue(bar.maximum())
    shown = view.board.mapToScene(view.board.viewport().rect()).boundingRect()
    assert shown.contains(rects[-1])


def test_flow_shrinks_before_it_scrolls():
    def measure(text, width, scale):
        return 20 * scale * (1 + len(text) * 8 * scale // max(1, width))

    roomy = flow_notes(["a"] * 4, 400, 400, measure, note_width=150, padding=8, gap=6)
    tight = flow_notes(["a" * 40] * 12, 400, 300, measure, note_width=150, padding=8, gap=6)
    floor = flow_notes(
        ["a" * 40] * 12, 400, 300, measure, note_width=150, padding=8, gap=6, min_scale=1.0
    )
    assert roomy.scale == 1.0 and tight.scale < 1.0 and floor.scale == 1.0
    assert floor.overflows(300)


def test_focus_a_block_and_step_with_the_keyboard(view, qtbot):
    view.scene.blocks["target_customers"].setFocus()
    qtbot.keyClick(view.board, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.scene.focused == "target_customers"
    block = view.scene.blocks["target_customers"]
    assert block.sceneBoundingRect().width() > 0.9 * view.scene.sceneRect().width()
    assert not view.scene.blocks["problems"].isVisible()
    qtbot.keyClick(view.board, Qt.Key.Key_Right)
    assert view.scene.focused == "problems"
    qtbot.keyClick(view.board, Qt.Key.Key_Left)
    assert view.scene.focused == "target_customers"
    qtbot.keyClick(view.board, Qt.Key.Key_Escape)
    assert view.scene.focused is None and view.scene.blocks["problems"].isVisible()


def test_link_badge_shows_links(view, workspace):
    from pmdesk.store.services.requirements import RequirementService

    note_id = view.add_note("key_features", "Alerts")
    req = RequirementService(workspace).requirements.create(product_id=view.product_id, title="SMS")
    view.service.link_note(note_id, requirement_id=req.id)
    assert view.scene.notes[note_id].badge_text() == "1 requirement"


def test_export_png_and_svg(view, tmp_path):
    view.add_note("problems", "<svg> & text")
    assert view.export_image(tmp_path / "board.png")
    image = QImage(str(tmp_path / "board.png"))
    assert image.width() == int(view.scene.sceneRect().width())
    assert view.export_image(tmp_path / "board.svg")
    svg = (tmp_path / "board.svg").read_text("utf-8")
    assert "&lt;svg&gt; &amp; text" in svg


def test_presentation_look_keeps_body_text_at_the_target(view):
    for number in range(12):
        view.add_note("problems", f"a rather long problem statement number {number}")
    alone = view.add_note("price", "€49")
    view.set_presentation(PresentationTheme.for_screen(1080))
    view.resize(1920, 1080)
    assert not view.toolbar.isVisible()
    sizes = {round(n.style.body_px * n.scale_factor) for n in view.scene.notes.values()}
    assert min(sizes) >= 28
    view.set_presentation(PresentationTheme.for_screen(1080, scale=2.0))
    lone = view.scene.notes[alone]
    assert lone.style.body_px * lone.scale_factor == 56  # room enough: the full scale
    # A crowded block may shrink its notes, never below the 28 px target.
    assert min(n.style.body_px * n.scale_factor for n in view.scene.notes.values()) >= 28
    view.set_presentation(None)
    assert view.toolbar.isVisibleTo(view)


def test_notes_table_is_kept_alongside(view, qtmodeltester):
    view.add_note("problems", "in the table")
    qtmodeltester.check(view.table.model)
    assert view.table.model.rowCount() == 1
