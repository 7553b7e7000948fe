"""Dot voting on requirements inside the requirements view: rounds, dots, undo, reveal, ranking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from pmdesk.core.enums import VoteTarget
from pmdesk.gui.context import AppContext
from pmdesk.gui.requirements import RequirementsView
from pmdesk.store.services import CanvasService, PortfolioService, RequirementService

TRICKY = 'Fast & "safe" <b>export</b> 🚀'


@pytest.fixture
def setup(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    service = workspace.service(RequirementService)
    ids = [
        service.requirements.create(product_id=product.id, ref=f"REQ-{n}", title=title).id
        for n, title in enumerate(["Offline mode", "Single sign-on", TRICKY], start=1)
    ]
    return workspace, product.id, ids


@pytest.fixture
def view(setup, qtbot):
    workspace, product_id, _ids = setup
    ctx = AppContext(workspace)
    widget = RequirementsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    widget.set_product(product_id)
    widget.show_voting()
    yield widget
    widget.close()
    ctx.close()


def click(panel, requirement_id) -> None:
    """A real mouse click on the requirement's row of the voting list."""
    row = panel.row_of(requirement_id)
    rect = panel.list.visualItemRect(panel.list.item(row))
    QTest.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_tab_lists_the_backlog_with_refs(view, setup):
    _ws, _pid, ids = setup
    panel = view.voting
    labels = [panel.list.item(n).text() for n in range(panel.list.count())]
    assert labels == ["REQ-1 · Offline mode", "REQ-2 · Single sign-on", f"REQ-3 · {TRICKY}"]
    assert not panel.undo_button.isEnabled() and panel.start_button.isEnabled()


def test_named_round_place_undo_reveal_and_rank(view, setup, qtbot):
    workspace, product_id, (offline, sso, tricky) = setup
    panel = view.voting
    panel.dots.setValue(2)
    panel.participants.setText("Ana, Ben <&>")
    panel.start_button.click()
    assert panel.status.text() == "Ana: 2 dots left — click to place"
    assert not panel.start_button.isEnabled()
    click(panel, sso)
    click(panel, tricky)
    assert panel.status.text().startswith("Ben <&>: 2 dots")
    click(panel, offline)  # Ben's first dot …
    panel.undo_button.click()  # … taken back
    assert panel.status.text().startswith("Ben <&>: 2 dots")
    click(panel, sso)
    click(panel, sso)
    assert panel.status.text() == "Every participant has voted — reveal the tallies"
    panel.reveal_button.click()
    ranked = [panel.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(3)]
    assert ranked == [sso, tricky, offline]
    assert panel.list.item(0).text().endswith("●●●  3")
    stored = workspace.service(CanvasService).rounds_of(product_id, VoteTarget.REQUIREMENT)
    assert len(stored) == 1 and stored[0].revealed and stored[0].participants == ["Ana", "Ben <&>"]
    assert workspace.service(CanvasService).tally(stored[0].id) == {sso: 3, tricky: 1}
    view.ctx.undo()  # the reveal is one step …
    assert panel.session.active and panel.reveal_button.isEnabled()
    view.ctx.undo()  # … and so is each dot
    assert panel.session.tallies() == {sso: 2, tricky: 1}


def test_past_rounds_keep_their_date_and_results(view, setup):
    workspace, product_id, (offline, sso, _tricky) = setup
    panel = view.voting
    panel.dots.setValue(1)
    assert panel.start()  # anonymous: the keyboard passes from voter to voter
    click(panel, offline)
    click(panel, offline)
    assert panel.status.text().startswith("Voter 3")
    panel.reveal_button.click()
    panel.rounds.setCurrentIndex(0)
    panel.rounds.activated.emit(0)  # "New round"
    assert panel.session.round_id is None and panel.start_button.isEnabled()
    assert panel.start()
    click(panel, sso)
    assert panel.rounds.count() == 3  # "New round" and two stored rounds, newest first
    first_label = panel.rounds.itemText(2)
    assert "anonymous" in first_label and "1 dot each" in first_label
    panel.rounds.activated.emit(2)
    assert panel.session.revealed and panel.session.tallies() == {offline: 2}
    assert panel.list.item(0).data(Qt.ItemDataRole.UserRole) == offline


def test_click_without_a_round_selects_the_requirement(view, setup):
    _ws, _pid, (_offline, sso, _tricky) = setup
    click(view.voting, sso)
    assert view.table.current_id() == sso
    assert view.editor.requirement_id == sso


def test_a_renamed_requirement_shows_in_the_list(view, setup):
    workspace, _pid, (offline, _sso, _tricky) = setup
    from pmdesk.gui.commands import UpdateCommand

    repo = workspace.service(RequirementService).requirements
    assert view.ctx.run(UpdateCommand(repo, offline, {"title": "Works <offline>"}, "Rename"))
    panel = view.voting
    assert panel.list.item(panel.row_of(offline)).text() == "REQ-1 · Works <offline>"


def test_revealed_results_rank_by_votes_then_name(view, setup):
    workspace, product_id, (offline, sso, tricky) = setup
    service = workspace.service(RequirementService)
    early = service.requirements.create(product_id=product_id, ref="REQ-0", title="Audit log").id
    panel = view.voting
    listed = [panel.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(4)]
    assert listed.index(early) > listed.index(tricky)  # listed after: a tie must not keep that
    panel.dots.setValue(1)
    assert panel.start()
    for target in (tricky, early, offline, offline):
        click(panel, target)
    panel.reveal_button.click()
    ranked = [panel.list.item(n).data(Qt.ItemDataRole.UserRole) for n in range(4)]
    assert ranked == [offline, early, tricky, sso]  # 2, then 1 and 1 by name, then 0
