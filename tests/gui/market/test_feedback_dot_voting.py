"""Dot voting on customer feedback in workshop mode, in the real window: present the Market
view (F5), turn on Dot voting in the Feedback tab, start a round, place dots by clicking
quotes, reveal the ranked tally; every step one undo step and kept in the file — on the demo
and on a new empty workspace."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from tests.gui.test_house_rules import show
from tests.gui.windows import active, pick, shown_for

from pmdesk.core.enums import VoteTarget
from pmdesk.store.services import CanvasService
from pmdesk.store.services.market import MarketService
from pmdesk.store.workspace import Workspace

KEY = "market"


def present_feedback(qtbot, window, product: str):
    """The Market view's Feedback tab, presented (workshop mode) with F5's action."""
    view = shown_for(qtbot, window, KEY, product)
    view.tabs.setCurrentWidget(view.feedback)
    window.menu_actions.present.trigger()
    qtbot.waitUntil(lambda: view.feedback.presenting)
    panel = view.feedback
    qtbot.waitUntil(lambda: panel.vote_button.isVisible())
    return view, panel


def click(qtbot, voting, feedback_id: int) -> None:
    """A real mouse click on the item's row of the voting list."""
    row = voting.row_of(feedback_id)
    assert row is not None, feedback_id
    item = voting.list.item(row)
    voting.list.scrollToItem(item)
    rect = voting.list.visualItemRect(item)
    qtbot.mouseClick(voting.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def stored_rounds(window, product_id: int):
    with Workspace.open(window.ctx.workspace.path, read_only=True) as ws:
        canvas = ws.service(CanvasService)
        return [
            (r, canvas.tally(r.id), [v.participant for v in canvas.votes_of(r.id)])
            for r in canvas.rounds_of(product_id, VoteTarget.FEEDBACK)
        ]


def test_the_room_votes_on_the_demo_feedback_and_reveals_the_ranking(qtbot, demo_window):
    view, panel = present_feedback(qtbot, demo_window, "Pulse Cloud")
    assert not panel.link_button.isVisible()  # triage stays at the desk
    panel.status.setCurrentIndex(panel.status.findText("All"))  # the room votes on what it sees
    qtbot.mouseClick(panel.vote_button, Qt.MouseButton.LeftButton)
    voting = panel.voting
    assert voting.isVisible() and not panel.table.isVisible()
    shown = [row.id for row in panel.model.rows]
    assert [
        voting.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(voting.list.count())
    ] == shown
    first, second, third = shown[:3]
    assert voting.list.item(0).text().startswith("“")
    assert voting.status.text() == "Start a round, then click feedback items to place dots"

    voting.dots.setValue(2)
    voting.participants.setFocus()
    qtbot.keyClicks(voting.participants, "Ann, Bo <&>")
    qtbot.mouseClick(voting.start_button, Qt.MouseButton.LeftButton)
    assert voting.status.text() == "Ann: 2 dots left — click to place"
    click(qtbot, voting, second)
    click(qtbot, voting, second)
    assert voting.status.text().startswith("Bo <&>: 2 dots")
    click(qtbot, voting, third)
    qtbot.mouseClick(voting.undo_button, Qt.MouseButton.LeftButton)  # Bo takes it back
    click(qtbot, voting, first)
    click(qtbot, voting, third)
    assert voting.status.text() == "Every participant has voted — reveal the tallies"
    ((round_, tally, voters),) = stored_rounds(demo_window, view.product_id)
    assert not round_.revealed and round_.participants == ["Ann", "Bo <&>"]
    assert tally == {second: 2, first: 1, third: 1} and voters == ["Ann", "Ann", "Bo <&>", "Bo <&>"]

    qtbot.mouseClick(voting.reveal_button, Qt.MouseButton.LeftButton)
    ranked = [voting.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(3)]
    assert ranked[0] == second and set(ranked[1:]) == {first, third}
    assert voting.list.item(0).text().endswith("●●  2")
    assert voting.status.text() == "Votes revealed: 4 dots"
    assert stored_rounds(demo_window, view.product_id)[0][0].revealed
    QApplication.processEvents()
    demo_window.presentation.grab().save("/tmp/m20_feedback_voting_workshop.png")

    # Undo (the Edit menu's) hides the results again: the round is open once more
    demo_window.menu_actions.undo.trigger()
    assert not stored_rounds(demo_window, view.product_id)[0][0].revealed
    assert voting.status.text() == "Every participant has voted — reveal the tallies"
    assert not demo_window.dialogs.errors

    # leaving workshop mode: the inbox is back, voting put away
    demo_window.menu_actions.stop_presenting.trigger()
    qtbot.waitUntil(lambda: not panel.presenting)
    assert not panel.vote_button.isChecked() and not panel.vote_button.isVisible()
    assert not voting.isVisible() and panel.table.isVisible()


def test_a_click_outside_a_round_shows_the_quote(qtbot, demo_window):
    view, panel = present_feedback(qtbot, demo_window, "Pulse Cloud")
    panel.status.setCurrentIndex(panel.status.findText("All"))
    qtbot.mouseClick(panel.vote_button, Qt.MouseButton.LeftButton)
    target = panel.model.rows[2]
    click(qtbot, panel.voting, target.id)
    assert panel.current() is not None and panel.current().id == target.id
    assert target.text in panel.detail.text()
    assert stored_rounds(demo_window, view.product_id) == []


def test_workshop_menu_starts_a_round_on_feedback(qtbot, demo_window):
    view = show(demo_window, KEY)
    active(qtbot, demo_window)
    pick(demo_window, "Pulse Cloud")
    assert demo_window.menu_actions.start_voting.isEnabled()
    demo_window.menu_actions.start_voting.trigger()
    assert view.tabs.currentWidget() is view.feedback
    voting = view.feedback.voting
    assert voting.isVisible() and voting.session.active
    assert view.feedback.vote_button.isVisible()  # the way back out, at the desk too
    click(qtbot, voting, view.feedback.model.rows[0].id)
    ((_round, tally, _voters),) = stored_rounds(demo_window, view.product_id)
    assert tally == {view.feedback.model.rows[0].id: 1}
    qtbot.mouseClick(view.feedback.vote_button, Qt.MouseButton.LeftButton)
    assert not view.feedback.vote_button.isVisible() and view.feedback.table.isVisible()


# -- a new empty workspace --------------------------------------------------------------------


def test_a_new_inbox_votes_once_feedback_arrives(qtbot, new_window):
    view, panel = present_feedback(qtbot, new_window, "Atlas")
    qtbot.mouseClick(panel.vote_button, Qt.MouseButton.LeftButton)
    voting = panel.voting
    assert voting.list.count() == 0 and panel.hint.isVisible()  # where feedback comes from
    market = new_window.ctx.service(MarketService)
    ids = [
        market.add_feedback(text, dt.date(2026, 3, d), product_id=view.product_id, customer=who)
        for d, (text, who) in enumerate(
            [("SSO or we leave", "Globex"), ("שלום — dark mode 🚀", "Initech")], start=1
        )
    ]
    qtbot.waitUntil(lambda: voting.list.count() == 2)
    assert not panel.hint.isVisible()
    qtbot.mouseClick(voting.start_button, Qt.MouseButton.LeftButton)  # anonymous, 3 dots each
    for feedback_id in (ids[1], ids[1], ids[0]):
        click(qtbot, voting, feedback_id)
    qtbot.mouseClick(voting.reveal_button, Qt.MouseButton.LeftButton)
    assert voting.list.item(0).data(Qt.ItemDataRole.UserRole) == ids[1]
    assert voting.list.item(0).text().startswith("“שלום — dark mode 🚀” — Initech")
    ((round_, tally, _voters),) = stored_rounds(new_window, view.product_id)
    assert round_.revealed and tally == {ids[1]: 2, ids[0]: 1}
    # the round is kept: it is offered again from the Round list
    assert voting.rounds.count() == 2 and voting.rounds.currentIndex() == 1
