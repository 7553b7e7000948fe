"""The projector looks of the launch, lifecycle, portfolio and requirements views on the demo:
presenting hides the editing widgets and grows the type-dependent sizes; leaving puts every
widget back exactly as it was. And canvas notes take several lines (Shift+Enter).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QProgressBar, QTabBar, QTabWidget, QWidget
from tests.gui.windows import click_tab, exposed

from pmdesk.gui.context import AppContext
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.demo import create_demo
from pmdesk.store.services import CanvasService, PortfolioService
from pmdesk.store.workspace import Workspace

THEME = PresentationTheme(body_px=40)  # rows of 76 px: taller than any desk row


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


@pytest.fixture
def ctx(demo_file, tmp_path):
    copy = tmp_path / "demo.pmdesk"
    copy.write_bytes(demo_file.read_bytes())
    context = AppContext(Workspace.open(copy))
    yield context
    context.close()


def shown(ctx, qtbot, cls, product: str | None = "Pulse Cloud"):
    view = cls(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 850)
    view.show()
    exposed(qtbot, view)
    if product is not None:
        view.set_product(ctx.service(PortfolioService).product_by_name(product).id)
    return view


def state(view: QWidget) -> dict:
    """Everything a look may change, per widget: hidden, tabs, rows, edit triggers, heights."""
    found: dict = {}
    for n, widget in enumerate(view.findChildren(QWidget)):
        if isinstance(widget.parent(), QTabBar):
            continue  # a tab bar shows its scroll arrows by itself, when it next lays out
        key = (n, type(widget).__name__, widget.objectName())
        found[key] = [widget.isHidden(), widget.maximumHeight(), widget.minimumHeight()]
        if isinstance(widget, QTabWidget):
            found[key] += [
                widget.currentIndex(),
                [widget.isTabVisible(i) for i in range(widget.count())],
            ]
        if isinstance(widget, QAbstractItemView):
            header = getattr(widget, "verticalHeader", None)
            sizes = (
                [] if header is None else [header().sectionSize(i) for i in range(header().count())]
            )
            found[key] += [int(widget.editTriggers().value), sizes]
    return found


def visible(widget: QWidget, view: QWidget) -> bool:
    return widget.isVisibleTo(view)


def round_trip(view, check_presented) -> None:
    before = state(view)
    view.set_presentation(THEME)
    check_presented()
    assert state(view) != before
    view.set_presentation(None)
    assert state(view) == before


def read_only_with_tall_rows(table) -> None:
    view = table.view if hasattr(table, "view") else table
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert view.model().rowCount() > 0
    assert view.rowHeight(0) >= round(THEME.body_px * 1.9)


def test_launch_review_look(ctx, qtbot):
    from pmdesk.gui.launch import LaunchView

    view = shown(ctx, qtbot, LaunchView)
    assert visible(view.form_scroll, view) and not visible(view.pitch, view)

    def presented() -> None:
        for widget in (
            view.form_scroll,
            view.add_launch,
            view.delete_launch,
            view.checklist_button,
            view.function_filter,
            view.tasks.add_button,
            view.messages.add_button,
            view.messages.filter_box,
        ):
            assert not visible(widget, view)
        assert visible(view.pitch, view) and view.pitch.text() == view.sentence.text() != ""
        assert view.pitch.font().pixelSize() == THEME.body_px and view.pitch.font().italic()
        assert visible(view.readiness, view) and visible(view.tasks, view)
        read_only_with_tall_rows(view.tasks)
        bar = view.readiness.findChild(QProgressBar)
        assert bar.maximumHeight() > 10
        assert f"{THEME.body_px}px" in view.readiness.overdue.styleSheet()

    round_trip(view, presented)
    assert view.tasks.view.editTriggers() != QAbstractItemView.EditTrigger.NoEditTriggers


def test_lifecycle_look_is_the_timeline_and_the_curve(ctx, qtbot):
    from pmdesk.gui.lifecycle import LifecycleView

    view = shown(ctx, qtbot, LifecycleView)
    view.tabs.setCurrentIndex(1)  # presenting from the Metrics tab still shows the curve

    def presented() -> None:
        assert view.tabs.currentIndex() == 0 and view.tabs.tabBar().isHidden()
        assert not visible(view.gates, view) and not visible(view.gate_button, view)
        assert visible(view.curve, view) and visible(view.timeline, view)
        assert view.timeline.minimumHeight() >= THEME.body_px * 5

    round_trip(view, presented)
    assert view.tabs.currentIndex() == 1


def test_portfolio_look_hides_the_editing_tab_and_grows_rows(ctx, qtbot):
    from pmdesk.gui.portfolio.view import PortfolioView

    view = shown(ctx, qtbot, PortfolioView, product=None)
    widths = [view.table.columnWidth(c) for c in range(4)]
    # presenting from the editing tab: the overview
    click_tab(qtbot, view.tabs, view.tabs.tabText(view.tabs.indexOf(view.editor_page)))
    assert view.tabs.currentWidget() is view.editor_page and view.editor.isVisible()

    def presented() -> None:
        assert not view.tabs.isTabVisible(view.tabs.indexOf(view.editor_page))
        assert view.tabs.currentWidget() is view.table
        assert view.table.rowHeight(0) >= round(THEME.body_px * 1.9)
        shown_columns = [c for c in range(4) if not view.table.isColumnHidden(c)]
        assert 0 in shown_columns  # the name stays; a narrow screen may leave others out
        screen = view.window().screen().geometry().width()
        assert sum(view.table.columnWidth(c) for c in shown_columns) <= screen  # no sideways
        drag = view.board.columns[next(iter(view.board.columns))].dragDropMode()
        assert drag == QAbstractItemView.DragDropMode.NoDragDrop

    round_trip(view, presented)
    assert view.tabs.currentWidget() is view.editor_page
    assert [view.table.columnWidth(c) for c in range(4)] == widths
    assert not any(view.table.isColumnHidden(c) for c in range(4))


def test_requirements_look_is_the_backlog_to_read(ctx, qtbot):
    from pmdesk.gui.requirements import RequirementsView

    view = shown(ctx, qtbot, RequirementsView)

    def presented() -> None:
        assert not visible(view.editor_scroll, view)
        assert not visible(view.table.add_button, view)
        read_only_with_tall_rows(view.table)

    round_trip(view, presented)


def test_requirements_chart_points_grow_with_the_type(ctx, qtbot):
    from pmdesk.gui.requirements import RequirementsView

    view = shown(ctx, qtbot, RequirementsView)
    view.pages.setCurrentWidget(view.chart_page)
    desk = view.chart.scatter.opts["size"]
    font = view.chart.font()
    font.setPixelSize(THEME.body_px)
    view.chart.setFont(font)
    assert view.chart.scatter.opts["size"] > desk
    assert view.chart.scatter.points()[0].size() == view.chart.scatter.opts["size"]


@pytest.fixture
def canvas(qtbot, workspace):
    from pmdesk.gui.canvas import CanvasView

    product = PortfolioService(workspace).create_product(name="Atlas")
    CanvasService(workspace).boards.create(product_id=product.id, name="Board")
    context = AppContext(workspace)
    view = CanvasView(context)
    qtbot.addWidget(view)
    view.resize(1400, 850)
    view.set_product(product.id)
    view.show()
    exposed(qtbot, view)
    yield view
    context.close()


def test_canvas_note_takes_several_lines_shift_enter(canvas, qtbot):
    board = canvas.board
    canvas.scene.blocks["problems"].setFocus()
    qtbot.keyClick(board, "A")
    qtbot.keyClicks(board.editor, "udits <&>")
    one_line = board.editor.height()
    qtbot.keyClick(board.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert board.capturing  # Shift+Enter does not finish the note
    qtbot.keyClicks(board.editor, 'take "days"')
    assert board.editor.height() > one_line  # the editor grows with the second line
    qtbot.keyClick(board.editor, Qt.Key.Key_Return)
    notes = canvas.service.notes_of_board(canvas.board_id)
    assert [n.text for n in notes] == ['Audits <&>\ntake "days"']
    # Editing it again: the editor opens on both lines, Enter still finishes.
    note_id = notes[0].id
    board.start_edit(note_id)
    assert board.editor.text() == 'Audits <&>\ntake "days"'
    board.editor.setText("One\ntwo")
    qtbot.keyClick(board.editor, Qt.Key.Key_End)
    qtbot.keyClick(board.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    board.editor.insert("three 🚀")
    qtbot.keyClick(board.editor, Qt.Key.Key_Return)
    assert [n.text for n in canvas.service.notes_of_board(canvas.board_id)] == [
        "One\ntwo\nthree 🚀"
    ]


def test_note_wrap_height_counts_new_lines():
    from PySide6.QtGui import QFont

    from pmdesk.gui.canvas.style import wrapped_height

    font = QFont()
    assert wrapped_height(font, "a\nb\nc", 400) > 2.5 * wrapped_height(font, "a b c", 400)
