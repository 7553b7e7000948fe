"""A note links to roadmap items and requirements through a small picker; one undo step."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from tests.gui.windows import exposed

from pmdesk.core.enums import ItemKind
from pmdesk.gui.canvas import CanvasView
from pmdesk.gui.canvas import links as note_links
from pmdesk.gui.canvas.links import NoteLinksDialog
from pmdesk.gui.context import AppContext
from pmdesk.store.services import CanvasService, RequirementService, RoadmapService
from pmdesk.store.services.portfolio import PortfolioService

TRICKY = '<Sync> & "offline" 🚀'


@pytest.fixture
def setup(workspace):
    product = PortfolioService(workspace).create_product(name="Atlas")
    canvas = CanvasService(workspace)
    board = canvas.boards.create(product_id=product.id, name="Board")
    note = canvas.notes.create(board_id=board.id, block="problems", text="Audits take days")
    roadmap = RoadmapService(workspace)
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name=TRICKY,
        kind=ItemKind.FEATURE,
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 1, 29),
    ).id
    other = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Reports",
        kind=ItemKind.FEATURE,
        start_date=dt.date(2027, 2, 1),
        end_date=dt.date(2027, 2, 26),
    ).id
    reqs = RequirementService(workspace).requirements
    req = reqs.create(product_id=product.id, ref="REQ-1", title="Audit trail").id
    return product.id, note.id, item, other, req


@pytest.fixture
def view(qtbot, workspace, setup):
    ctx = AppContext(workspace)
    canvas = CanvasView(ctx)
    qtbot.addWidget(canvas)
    canvas.resize(1400, 850)
    canvas.set_product(setup[0])
    canvas.show()
    exposed(qtbot, canvas)
    yield canvas
    ctx.close()


def select_note(view, note_id):
    view.scene.clearSelection()
    view.scene.notes[note_id].setSelected(True)


def test_links_action_links_and_unlinks_in_one_undo_step(view, setup, monkeypatch):
    _pid, note, item, other, req = setup
    assert not view.toolbar.links.isEnabled()
    select_note(view, note)
    assert view.toolbar.links.isEnabled()
    asked = {}

    def pick(parent, text, items, reqs, linked_items, linked_reqs):
        asked.update(text=text, items=items, reqs=reqs, linked=(linked_items, linked_reqs))
        return {item, other}, {req}

    monkeypatch.setattr(note_links, "choose_links", pick)
    view.toolbar.links.click()
    assert asked["text"] == "Audits take days"
    assert asked["items"] == [(item, TRICKY), (other, "Reports")]
    assert asked["reqs"] == [(req, "REQ-1 · Audit trail")]
    assert view.service.links_of_note(note) == ([item, other], [req])
    badge = view.scene.notes[note].data
    assert (badge.items, badge.requirements) == (2, 1)  # the badge shows “↗ 3”

    monkeypatch.setattr(note_links, "choose_links", lambda *a: ({other}, set()))
    assert view.edit_links(note)
    assert view.service.links_of_note(note) == ([other], [])
    view.ctx.undo()
    assert view.service.links_of_note(note) == ([item, other], [req])
    view.ctx.undo()
    assert view.service.links_of_note(note) == ([], [])
    assert (view.scene.notes[note].data.items, view.scene.notes[note].data.requirements) == (0, 0)
    view.ctx.redo()
    assert view.service.links_of_note(note) == ([item, other], [req])


def test_cancel_or_no_change_adds_nothing_to_undo(view, setup, monkeypatch):
    _pid, note, *_ = setup
    monkeypatch.setattr(note_links, "choose_links", lambda *a: None)
    assert not view.edit_links(note)
    monkeypatch.setattr(note_links, "choose_links", lambda *a: (set(), set()))
    assert not view.edit_links(note)
    assert view.ctx.undo_stack.count() == 0


def test_picker_filters_and_reports_ticks(qtbot, setup):
    _pid, _note, item, other, req = setup
    dialog = NoteLinksDialog(
        "Audits\ntake days",
        [(item, TRICKY), (other, "Reports")],
        [(req, "REQ-1 · Audit trail")],
        [item],
        [],
    )
    qtbot.addWidget(dialog)
    assert dialog.chosen() == ({item}, set())
    dialog.filter.setText("sync")
    assert [dialog.items.item(n).isHidden() for n in range(2)] == [False, True]
    assert dialog.requirements.item(0).isHidden()
    assert dialog.items.item(0).text() == TRICKY  # shown as typed
    dialog.items.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.requirements.item(0).setCheckState(Qt.CheckState.Checked)
    assert dialog.chosen() == (set(), {req})
