"""Requirements, Launch and Stakeholders as a new user meets them, in the real window.

From a new, empty workspace each view says its one next step, and the button it
names takes it. At 1366×768 and 1920×1080 (demo and empty) nothing scrolls
sideways, no sibling widgets overlap, no scroll panel clips its content and no
heading is cut. Every visible control that takes focus has an accessible name,
and Tab reads each table's filter and buttons before its rows (that Tab leaves every
control is the house rule's, tests/gui/test_house_rules.py).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible, QFont
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QTabWidget,
    QWidget,
)
from tests.gui.windows import active, exposed, open_main_window

from pmdesk.gui.launch.view import LaunchView
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.requirements.view import RequirementsView
from pmdesk.gui.widgets.entity_table import EntityTable
from pmdesk.gui.widgets.heading import Heading
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.demo import create_demo
from pmdesk.store.services import LaunchService, PortfolioService
from pmdesk.store.workspace import Workspace

VIEWS = ("requirements", "launch", "stakeholders")
SIZES = ((1366, 768), (1920, 1080))


def _window(qtbot, path) -> MainWindow:
    win = open_main_window(qtbot, path, None)
    win.show()
    exposed(qtbot, win)
    return win


@pytest.fixture
def empty_window(qtbot, tmp_path):
    """A new workspace with one product and nothing else, as a new user has it."""
    path = tmp_path / "new.pmdesk"
    ws = Workspace.create(path, name="New portfolio")
    ws.service(PortfolioService).create_product(name="Orbit")
    ws.close()
    win = _window(qtbot, path)
    win.resize(1366, 768)
    yield win
    win.close()


@pytest.fixture
def demo_window(qtbot, tmp_path):
    win = _window(qtbot, create_demo(tmp_path / "demo.pmdesk"))
    yield win
    win.close()


def _show(win: MainWindow, key: str, size=(1366, 768)) -> QWidget:
    win.resize(*size)
    win.view_host.show_view(key)
    view = win.view_host.current_view()
    for _ in range(3):
        QApplication.processEvents()
    return view


def _hints(view: QWidget) -> list[QLabel]:
    return [w for w in view.findChildren(QWidget, "nextStepHint") if w.isVisible()]


def _button(view: QWidget, text: str):
    from PySide6.QtWidgets import QPushButton

    found = [b for b in view.findChildren(QPushButton) if b.text() == text and b.isVisible()]
    assert len(found) == 1, f"no one visible “{text}” button"
    return found[0]


# -- empty states -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, hint, button",
    [
        ("requirements", "No requirements yet — Add requirement", "Add requirement"),
        ("stakeholders", "No stakeholders yet — Add stakeholder", "Add stakeholder"),
        ("launch", "No launch planned — Plan a launch", "Plan a launch"),
    ],
)
def test_a_new_product_says_the_next_step_and_its_button_takes_it(
    empty_window, qtbot, key, hint, button
):
    errors: list[str] = []
    empty_window.ctx.errorRaised.connect(errors.append)
    view = _show(empty_window, key)
    shown = _hints(view)
    assert len(shown) == 1 and shown[0].text().startswith(hint)
    qtbot.mouseClick(_button(view, button), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not [h for h in _hints(view) if h.text().startswith(hint)])
    assert not errors
    empty_window.menu_actions.undo.trigger()  # one step back: empty again, the hint returns
    qtbot.waitUntil(lambda: [h.text() for h in _hints(view)] == [shown[0].text()])


def test_a_launch_just_planned_says_its_messages_next_step(empty_window, qtbot):
    """The tier's checklist comes with the launch; its key messages do not: their table
    says so, and its Add message takes the step."""
    view = _show(empty_window, "launch")
    qtbot.mouseClick(view.plan_button, Qt.MouseButton.LeftButton)
    hints = [h.text() for h in _hints(view)]
    assert len(hints) == 1 and hints[0].startswith("No key messages yet — Add message")
    qtbot.mouseClick(_button(view, "Add message"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not _hints(view))
    empty_window.menu_actions.undo.trigger()
    qtbot.waitUntil(lambda: [h.text() for h in _hints(view)] == hints)


def _present(win: MainWindow, qtbot) -> QWidget:
    win.menu_actions.present.trigger()  # View ▸ Present (F5)
    shown = win.presentation
    assert shown is not None
    active(qtbot, shown)
    return shown


@pytest.mark.parametrize(
    ("key", "state"),
    [
        ("requirements", "No requirements yet"),
        ("launch", "No launch planned"),
        ("canvas", "No canvas yet"),
    ],
)
def test_presented_an_empty_view_says_how_things_stand_not_a_hidden_step(
    empty_window, qtbot, key, state
):
    """On the projector the buttons a next step names are hidden: the hint says only how
    things stand there, and its whole text again back at the desk."""
    view = _show(empty_window, key)
    whole = [h.text() for h in _hints(view)]
    assert len(whole) == 1 and whole[0].startswith(f"{state} — ")
    shown = _present(empty_window, qtbot)
    assert view.window() is shown
    assert [h.text() for h in _hints(view)] == [state]
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert view.window() is empty_window
    assert [h.text() for h in _hints(view)] == whole


def test_a_hint_that_changes_on_the_projector_says_how_things_stand(empty_window, qtbot):
    """The launch just planned, presented: its empty messages say so; undone on the
    projector, the view's new hint (no launch) is said there the same way."""
    view = _show(empty_window, "launch")
    qtbot.mouseClick(view.plan_button, Qt.MouseButton.LeftButton)
    _present(empty_window, qtbot)
    assert [h.text() for h in _hints(view)] == ["No key messages yet"]
    empty_window.menu_actions.undo.trigger()
    qtbot.waitUntil(lambda: [h.text() for h in _hints(view)] == ["No launch planned"])
    empty_window.stop_presentation()
    assert [h.text() for h in _hints(view)] == [
        "No launch planned — Plan a launch: a date, a tier and its checklist to start from"
    ]


def test_a_new_launch_is_named_after_the_product(empty_window, qtbot):
    view = _show(empty_window, "launch")
    assert view.title.text() == "Launch — Orbit"
    qtbot.mouseClick(view.plan_button, Qt.MouseButton.LeftButton)
    launch = empty_window.ctx.service(LaunchService).launches.get(view.launch_id)
    assert launch.name == "Orbit launch" and view.title.text() == "Orbit launch"
    assert view.add_launch.isVisible() and not view.plan_button.isVisible()
    qtbot.mouseClick(view.add_launch, Qt.MouseButton.LeftButton)  # a second one
    second = empty_window.ctx.service(LaunchService).launches.get(view.launch_id)
    assert second.name == "Orbit launch 2"


def test_a_named_launch_shows_its_own_name(demo_window):
    view = _show(demo_window, "launch")
    assert view.title.text() == "Pulse Cloud 1.0 launch"


# -- every size -------------------------------------------------------------------------------


def _overlaps(view: QWidget) -> list[str]:
    """Visible siblings placed by the same layout whose rectangles cross."""
    found = []
    for parent in [view, *view.findChildren(QWidget)]:
        layout = parent.layout()
        if not parent.isVisible() or layout is None:
            continue
        kids = [
            w
            for w in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if w.isVisible() and not w.isWindow() and layout.indexOf(w) >= 0
        ]
        for n, a in enumerate(kids):
            for b in kids[n + 1 :]:
                common: QRect = a.geometry().intersected(b.geometry())
                if common.width() > 1 and common.height() > 1:
                    found.append(
                        f"{type(a).__name__} and {type(b).__name__} in {type(parent).__name__}"
                    )
    return found


def _layout_problems(view: QWidget) -> list[str]:
    problems = []
    for area in view.findChildren(QAbstractScrollArea):
        if area.isVisible() and area.horizontalScrollBar().isVisible():
            problems.append(f"{type(area).__name__} “{area.accessibleName()}” scrolls sideways")
        if isinstance(area, QScrollArea) and area.isVisible() and area.widget() is not None:
            if area.widget().width() > area.viewport().width():
                problems.append(f"“{area.accessibleName()}” clips its content")
    for table in view.findChildren(EntityTable):
        header = table.view.horizontalHeader()
        for number, column in enumerate(table.model.columns):
            room = header.fontMetrics().horizontalAdvance(column.header) + 8
            if (
                table.isVisible()
                and not header.isSectionHidden(number)
                and header.sectionSize(number) < room
            ):
                problems.append(f"column “{column.header}” of {table.noun[1]} is cut")
    for heading in view.findChildren(Heading):
        if heading.isVisible() and heading.text() and not heading.wordWrap():
            if heading.width() < heading.fontMetrics().horizontalAdvance(heading.text()):
                problems.append(f"heading “{heading.text()}” is cut")
    return problems + _overlaps(view)


def _fits(qtbot, view: QWidget, where: str = "") -> None:
    """No layout problem once the layout has settled (Qt lays out in later event rounds)."""
    try:
        qtbot.waitUntil(lambda: not _layout_problems(view), timeout=2000)
    except Exception:  # noqa: BLE001 - report what is wrong, not a timeout
        pytest.fail(f"{where}: {_layout_problems(view)}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", VIEWS)
def test_the_views_fit_the_demo(demo_window, qtbot, key, size):
    view = _show(demo_window, key, size)
    for tabs in view.findChildren(QTabWidget):  # every page of every tab widget
        for index in range(tabs.count()):
            if tabs.isVisible() and tabs.isTabVisible(index):
                tabs.setCurrentIndex(index)
                _fits(qtbot, view, f"{key} at {size}, tab {tabs.tabText(index)}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", VIEWS)
def test_the_views_fit_a_new_product(empty_window, qtbot, key, size):
    _fits(qtbot, _show(empty_window, key, size), f"{key} at {size}")


@pytest.mark.parametrize("cls", [RequirementsView, LaunchView])
def test_projector_type_keeps_the_tables_whole(demo_ctx, qtbot, cls):
    """Large type on a 1080p projector: fewer columns, each whole; back at the desk, all again."""
    view = cls(demo_ctx)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    view.show()
    view.set_product(demo_ctx.service(PortfolioService).product_by_name("Pulse Cloud").id)
    table = view.table if cls is RequirementsView else view.tasks
    desk = view.font()
    large = QFont(desk)
    large.setPixelSize(28)
    view.setFont(large)  # as the presentation window does
    view.set_presentation(PresentationTheme(body_px=28))
    _fits(qtbot, view, f"{cls.__name__} on a projector")
    assert any(table.view.isColumnHidden(n) for n in range(table.model.columnCount()))
    view.set_presentation(None)
    view.setFont(desk)
    _fits(qtbot, view, f"{cls.__name__} back at the desk")
    qtbot.waitUntil(
        lambda: not any(table.view.isColumnHidden(n) for n in range(table.model.columnCount()))
    )


# -- accessibility ----------------------------------------------------------------------------


def _focusable(view: QWidget) -> list[QWidget]:
    return [
        w
        for w in view.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def _name(widget: QWidget) -> str:
    return QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)


def _unnamed(view: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} in {type(w.parent()).__name__}"
        for w in view.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not _name(w)
    ]


@pytest.mark.parametrize("key", VIEWS)
def test_every_control_has_a_name(demo_window, empty_window, key):
    for win in (demo_window, empty_window):
        view = _show(win, key)
        for tabs in view.findChildren(QTabWidget):
            for index in range(tabs.count()):
                if tabs.isVisible() and tabs.isTabVisible(index):
                    tabs.setCurrentIndex(index)
                    QApplication.processEvents()
                    assert not _unnamed(view), (tabs.tabText(index), _unnamed(view))
        assert not _unnamed(view)


@pytest.mark.parametrize("source", ["demo", "empty"])
@pytest.mark.parametrize("key", VIEWS)
def test_tab_reads_a_tables_bar_before_the_table(request, qtbot, source, key):
    """A table's filter, Add and Delete come before its rows in the Tab order, as they read
    on the screen."""
    win = request.getfixturevalue(f"{source}_window")
    view = _show(win, key)
    active(qtbot, win)
    tables = [t for t in view.findChildren(EntityTable) if t.isVisible() and t.isEnabled()]
    assert tables or (source, key) == ("empty", "launch")  # no launch yet: its hint shows
    for table in tables:
        parts = (table.filter_box, table.add_button, table.delete_button)
        wanted = [w for w in parts if w.isVisible() and w.isEnabled()] + [table.view]
        wanted[0].setFocus(Qt.FocusReason.TabFocusReason)
        assert wanted[0].hasFocus()
        reached = []
        for _ in wanted[1:]:
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
            reached.append(QApplication.focusWidget())
        assert reached == wanted[1:], table.view.accessibleName()
