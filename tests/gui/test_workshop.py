"""Workshop mode: timer, dot voting, stepping through presented views, presenter view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from tests.gui.windows import exposed, on_screens

from pmdesk.core.enums import VoteTarget
from pmdesk.gui.canvas import CanvasView
from pmdesk.gui.context import AppContext
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.present import step_key
from pmdesk.gui.settings import Settings
from pmdesk.gui.workshop.theme import STICKIES, PresentationTheme, contrast_ratio
from pmdesk.gui.workshop.timer import TimerOverlay, WorkshopTimer, format_remaining
from pmdesk.gui.workshop.voting_panel import RequirementVotingPanel
from pmdesk.store.services import CanvasService
from pmdesk.store.services.portfolio import PortfolioService
from pmdesk.store.services.requirements import RequirementService

# -- timer ----------------------------------------------------------------------------------


def test_timer_counts_down_and_flashes_at_the_end(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(800, 600)
    timer = WorkshopTimer(host)
    overlay = TimerOverlay(timer, host)
    timer.set_duration_ms(60)
    assert overlay.text() == "0:01"
    with qtbot.waitSignal(timer.finished, timeout=3000):
        timer.start()
    assert timer.remaining_ms() == 0 and not timer.running
    assert overlay.flashing and overlay.text() == "0:00"
    timer.reset()
    assert timer.remaining_ms() == 60


def test_timer_pause_keeps_the_remaining_time(qtbot):
    timer = WorkshopTimer()
    timer.set_minutes(2)
    timer.start()
    with qtbot.waitSignal(timer.ticked, timeout=2000):
        pass
    timer.pause()
    paused = timer.remaining_ms()
    assert 0 < paused < 120_000 and not timer.running
    assert timer.remaining_ms() == paused
    assert format_remaining(125_000) == "2:05"


def test_sticky_palette_stays_distinct_and_legible_when_projected():
    theme = PresentationTheme.for_screen(1080)
    projected = [theme.note_fill(s.code) for s in STICKIES]
    assert len({c.name() for c in projected}) == len(STICKIES)
    assert all(contrast_ratio(c, theme.note_ink(c.name())) >= 4.5 for c in projected)
    assert theme.note_fill("#FFA8A8").name() == theme.note_fill("#FFB3C7").name()  # demo pink


# -- dot voting ---------------------------------------------------------------------------------


@pytest.fixture
def canvas(qtbot, workspace):
    product = PortfolioService(workspace).create_product(name="Atlas")
    CanvasService(workspace).boards.create(product_id=product.id, name="Board")
    ctx = AppContext(workspace)
    view = CanvasView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 850)
    view.set_product(product.id)
    view.show()
    exposed(qtbot, view)
    yield view
    ctx.close()


def click_note(qtbot, view, note_id):
    item = view.scene.notes[note_id]
    pos = view.board.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(view.board.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_dot_voting_on_notes_place_undo_reveal_sort(canvas, qtbot):
    a = canvas.add_note("problems", "A")
    b = canvas.add_note("problems", "B")
    assert canvas.start_voting(2, ["Ana", "Ben <&>"])
    assert canvas.scene.voting and "Ana: 2 dots left" in canvas.voting_bar.status.text()
    click_note(qtbot, canvas, b)
    assert canvas.scene.notes[b].dots == 1
    click_note(qtbot, canvas, a)
    assert canvas.session.undo_dot()  # Ana takes her second dot back
    click_note(qtbot, canvas, b)
    assert canvas.voting_bar.status.text().startswith("Ben <&>: 2 dots")
    click_note(qtbot, canvas, b)
    click_note(qtbot, canvas, a)
    assert canvas.session.tallies() == {b: 3, a: 1}
    assert canvas.session.reveal()
    assert not canvas.scene.voting
    assert {n.id: n.votes for n in canvas.service.notes_of_board(canvas.board_id)} == {a: 1, b: 3}
    assert canvas.sort_by_votes()
    assert [n.data.text for n in canvas.scene.notes_in("problems")] == ["B", "A"]
    canvas.ctx.undo()
    assert [n.data.text for n in canvas.scene.notes_in("problems")] == ["A", "B"]
    rounds = canvas.service.rounds_of(canvas.product_id, VoteTarget.CANVAS_NOTE)
    assert len(rounds) == 1 and rounds[0].revealed and rounds[0].held_at is not None


def test_a_round_removed_while_away_ends_the_vote_after_a_reload(canvas):
    """After a team workspace reconnects, only a "reload" says what happened meanwhile."""
    import sqlalchemy as sa

    from pmdesk.core.changes import ChangeSet
    from pmdesk.store.models import Base

    canvas.add_note("problems", "A")
    assert canvas.start_voting(2, ["Ana"]) and canvas.session.active
    canvas.ctx.changed.emit(ChangeSet.everything(["vote"]))  # nothing about rounds: still on
    assert canvas.session.round_id is not None
    with canvas.ctx.workspace.engine.begin() as conn:  # someone else's delete, no notice here
        conn.execute(sa.delete(Base.metadata.tables["vote_round"]))
    canvas.ctx.changed.emit(ChangeSet.everything(Base.metadata.tables))
    assert canvas.session.round_id is None and not canvas.scene.voting


def test_requirement_voting_panel(qtbot, workspace):
    product = PortfolioService(workspace).create_product(name="Atlas")
    reqs = RequirementService(workspace).requirements
    first = reqs.create(product_id=product.id, title="Export <PDF>")
    second = reqs.create(product_id=product.id, title="SSO & SAML")
    ctx = AppContext(workspace)
    panel = RequirementVotingPanel(ctx)
    qtbot.addWidget(panel)
    panel.set_requirements(product.id, [(first.id, first.title), (second.id, second.title)])
    panel.dots.setValue(1)
    assert panel.start()
    assert panel.status.text().startswith("Voter 1")
    for row in (1, 1, 0):  # three anonymous voters pass the keyboard
        item = next(
            panel.list.item(i)
            for i in range(panel.list.count())
            if panel.list.item(i).data(Qt.ItemDataRole.UserRole) == (first.id, second.id)[row]
        )
        panel.list.itemClicked.emit(item)
    assert panel.session.tallies() == {second.id: 2, first.id: 1}
    panel.reveal_button.click()
    assert panel.list.item(0).text() == "SSO & SAML     ●●  2"
    ctx.close()


# -- presenting ---------------------------------------------------------------------------------


class StandIn(QWidget):
    productActivated = Signal(int)
    selectionChanged = Signal()
    statusMessage = Signal(str)

    def __init__(self, key: str, parent=None) -> None:
        super().__init__(parent)
        self.key = key
        self.themes: list[PresentationTheme | None] = []
        QVBoxLayout(self).addWidget(QLabel(f"{key} body"))

    def set_product(self, _product_id) -> None:
        pass

    def has_selection(self) -> bool:
        return False

    def set_presentation(self, theme) -> None:
        self.themes.append(theme)


class Spec:
    def __init__(self, key: str) -> None:
        self.key, self.title = key, key.title()

    def factory(self, _ctx, parent):
        return StandIn(self.key, parent)


def test_step_order_is_the_sidebar_order_with_nothing_skipped():
    keys = ["portfolio", "canvas", "requirements", "launch"]
    assert step_key(keys, "canvas", 1) == "requirements"
    assert step_key(keys, "requirements", 1) == "launch"
    assert step_key(keys, "launch", 1) == "launch"  # no wrap-around in front of a room
    assert step_key(keys, "portfolio", -1) == "portfolio"
    assert step_key(keys, "unknown", 1) == "portfolio"


def present_the_demo(qtbot, demo_template, tmp_path, timer_ms: int | None = None):
    """The real window and views on a copy of the demo, presenting its first view (View ▸
    Present), the presentation window active so keys reach it."""
    import shutil

    from pmdesk.gui.views import VIEWS

    path = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, path)
    window = MainWindow(settings=Settings(), views=VIEWS)
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(path)
    window.view_host.show_view(VIEWS[0].key)
    if timer_ms is not None:
        window.timer.set_duration_ms(timer_ms)
    window.menu_actions.present.trigger()
    shown = window.presentation
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    return window, shown


def test_page_down_walks_every_real_view_in_the_sidebar_order(qtbot, demo_template, tmp_path):
    from pmdesk.gui.views import VIEWS

    window, shown = present_the_demo(qtbot, demo_template, tmp_path)
    walked = [window._presented_key()]
    for _ in VIEWS:
        qtbot.keyClick(QApplication.focusWidget() or shown, Qt.Key.Key_PageDown)
        walked.append(window._presented_key())
    assert walked == [spec.key for spec in VIEWS] + ["launch"]  # stops at the last one
    back = []
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget() or shown, Qt.Key.Key_PageUp)
        back.append(window._presented_key())
    assert back == ["requirements", "roadmap"]
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert window.presentation is None and window.view_host.current_key == "roadmap"


def test_page_keys_step_views_scale_and_esc(qtbot, tmp_path):
    keys = ("portfolio", "canvas", "stakeholders", "lifecycle", "roadmap", "requirements", "launch")
    window = MainWindow(settings=Settings.load(), views=[Spec(k) for k in keys])
    qtbot.addWidget(window)
    window.show()
    path = tmp_path / "w.pmdesk"
    from pmdesk.store.workspace import Workspace

    Workspace.create(path).close()
    window.open_path(path)
    window.toggle_presentation()
    shown = window.presentation
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)  # keys reach its shortcuts
    first = shown.view
    assert first.key == "portfolio" and first.themes[-1] is not None
    qtbot.keyClick(shown, Qt.Key.Key_PageDown)
    assert shown.view.key == "canvas" and first.themes[-1] is None
    assert first.window() is window  # given back to the stack
    qtbot.keyClick(shown, Qt.Key.Key_Right)
    assert shown.view.key == "stakeholders"
    qtbot.keyClick(shown, Qt.Key.Key_PageUp)
    assert shown.view.key == "canvas"
    body = QFontInfo(shown.font()).pixelSize()
    qtbot.keyClick(shown, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert shown.scale == 1.25 and QFontInfo(shown.font()).pixelSize() > body
    assert shown.view.themes[-1].scale == 1.25
    window.timer.set_duration_ms(5000)
    qtbot.keyClick(
        shown, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.timer.running and shown.timer_overlay.isVisible()
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert window.presentation is None
    assert window.view_host.current_key == "canvas"
    assert window.present_scale == 1.25
    window.timer.reset()


TWO_SCREENS = {
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1280, "height": 800},
        {"name": "projector", "x": 1280, "y": 0, "width": 1920, "height": 1080},
    ]
}

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.workshop.presenter import speaker_notes
from pmdesk.store.demo import create_demo
from pmdesk.gui.views import VIEWS, ViewSpec
from pmdesk.gui.canvas import CanvasView

views = [ViewSpec(s.key, s.title, CanvasView) if s.key == "canvas" else s for s in VIEWS]
path = create_demo(sys.argv[1])
window = MainWindow(settings=Settings(), views=views)
window.show()
window.open_path(path)
window.view_host.show_view("canvas")
window.toggle_presentation()
shown = window.presentation
app.processEvents()
view = shown.view
notes = list(view.scene.notes.values())
print(shown.screen().name(), shown.geometry().width(), shown.geometry().height())
print(min(round(n.style.body_px * n.scale_factor) for n in notes))
presenter = window.presenter
print(presenter.screen().name(), presenter.title.text(), "|", presenter.next_label.text())
presenter.notes.setPlainText("Ask the room <why> & how")
window.step_presentation(1)
print(presenter.title.text(), speaker_notes(window.ctx).get("canvas"))
window.stop_presentation()
print(window.presenter is None, view.window() is window)
window.close()
"""


def test_two_screens_projector_body_text_and_presenter_view(tmp_path):
    lines = on_screens(tmp_path, TWO_SCREENS["screens"], SCRIPT, str(tmp_path / "demo.pmdesk"))
    placement, body, presenter, stepped, finished = lines
    assert placement == "projector 1920 1080"
    assert int(body) >= 28  # body text on the 1920×1080 projector, notes included
    assert presenter == "laptop Canvas | Next: Stakeholders"
    assert stepped == "Stakeholders Ask the room <why> & how"
    assert finished == "True True"


def test_the_timer_has_a_band_of_its_own_in_every_view(qtbot, demo_template, tmp_path):
    """Started in front of the room, the countdown sits above the view, never over it."""
    from PySide6.QtCore import QRect

    from pmdesk.gui.views import VIEWS

    window, shown = present_the_demo(qtbot, demo_template, tmp_path, timer_ms=60_000)
    assert not shown.timer_band.isVisible()  # no timer, no band: the view has the whole screen
    qtbot.keyClick(
        shown, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.timer.running
    for spec in VIEWS:
        assert window._presented_key() == spec.key
        QApplication.processEvents()
        overlay = shown.timer_overlay
        assert overlay.isVisible() and shown.timer_band.isVisible()
        timer_rect = QRect(overlay.mapTo(shown, overlay.rect().topLeft()), overlay.size())
        body = QFontInfo(shown.font()).pixelSize()  # 28 px at 1080 lines: then about 80 px
        assert timer_rect.height() >= 2.3 * body and timer_rect.right() > shown.width() * 0.8
        view = shown.view
        covered = [
            type(w).__name__
            for w in [view, *view.findChildren(QWidget)]
            if w.isVisible()
            and not w.visibleRegion().isEmpty()
            and QRect(w.mapTo(shown, w.rect().topLeft()), w.size()).intersects(timer_rect)
        ]
        assert not covered, f"{spec.key}: the timer covers {covered}"
        qtbot.keyClick(shown, Qt.Key.Key_PageDown)
    window.timer.pause()
    assert shown.timer_band.isVisible()  # paused: still shown, with what is left
    window.timer.reset()
    assert not shown.timer_band.isVisible()
    window.stop_presentation()


def test_presenter_view_is_named_and_tab_moves_on_from_the_notes(qtbot, workspace):
    from PySide6.QtGui import QAccessible

    from pmdesk.gui.workshop.presenter import PresenterWindow

    ctx = AppContext(workspace)
    presenter = PresenterWindow(ctx, WorkshopTimer())
    qtbot.addWidget(presenter)
    presenter.show()
    presenter.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is presenter)
    presenter.notes.setFocus()
    qtbot.waitUntil(presenter.notes.hasFocus)
    qtbot.keyClick(presenter.notes, Qt.Key.Key_Tab)
    assert not presenter.notes.hasFocus() and "\t" not in presenter.notes.toPlainText()
    for widget in (presenter.notes, presenter.preview, presenter.clock):
        assert QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
    presenter.close()
    ctx.close()


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_leaving_workshop_mode_fits_the_roadmap_to_the_desks_window(
    kind, qtbot, demo_template, tmp_path
):
    # The chart was fitted again as workshop mode ended, while it was still in the
    # projector's window: back at the desk it kept the projector's zoom (3 px a day where
    # the desk's window shows the plan at 2).
    from tests.gui.windows import demo_or_new

    from pmdesk.gui.views import VIEWS

    path = demo_or_new(kind, demo_template, tmp_path)  # new: one product, nothing planned
    window = MainWindow(settings=Settings(last_view="roadmap"), views=VIEWS)
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    assert window.open_path(path)
    chart = window.view_host.current_view().chart
    qtbot.waitUntil(lambda: not chart._needs_first_view)
    at_the_desk = chart.scene.scale.px_per_day
    window.menu_actions.present.trigger()  # F5
    shown = window.presentation
    qtbot.waitUntil(lambda: QApplication.activeWindow() is shown)
    shown.showNormal()
    shown.resize(1920, 1080)  # the projector
    qtbot.waitUntil(lambda: chart.view.viewport().width() > 1400)
    qtbot.keyClick(shown, Qt.Key.Key_Escape)
    assert window.presentation is None and window.view_host.current_view().chart is chart
    qtbot.waitUntil(lambda: not chart._needs_first_view)
    assert chart.view.viewport().width() < 1400
    assert chart.scene.scale.px_per_day == at_the_desk
    window.close()
