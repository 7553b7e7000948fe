"""CanvasService on real files: moves, duplicates, template switches and vote rounds."""

from __future__ import annotations

import pytest

from pmdesk.core.enums import CanvasTemplate, VoteTarget
from pmdesk.core.errors import ValidationError
from pmdesk.store.services import CanvasService
from pmdesk.store.services.portfolio import PortfolioService
from pmdesk.store.services.requirements import RequirementService


@pytest.fixture
def board(workspace):
    product = PortfolioService(workspace).create_product(name="Atlas")
    service = CanvasService(workspace)
    board = service.boards.create(product_id=product.id, name="Board <1> & co")
    return service, board


def _add(service, board, block, *texts):
    start = service.notes.count()
    return [
        service.notes.create(board_id=board.id, block=block, text=t, position=start + i).id
        for i, t in enumerate(texts)
    ]


def _layout(service, board):
    result: dict[str, list[str]] = {}
    for note in service.notes_of_board(board.id):
        result.setdefault(note.block, []).append(note.text)
    return result


def test_move_notes_between_blocks_renumbers_and_undoes(board):
    service, board = board
    a, b, c = _add(service, board, "problems", "A", "B", "C")
    (d,) = _add(service, board, "price", "D")
    changes = []
    service.ws.changes.subscribe(changes.append)
    previous = service.move_notes([c, a], "price", 0)
    assert _layout(service, board) == {"price": ["C", "A", "D"], "problems": ["B"]}
    assert len(changes) == 1 and changes[0].ids("canvas_note", "update") == {a, b, c, d}
    service.notes.update_many(previous)
    assert _layout(service, board) == {"price": ["D"], "problems": ["A", "B", "C"]}


def test_move_within_a_block_and_past_its_end(board):
    service, board = board
    a, b, c = _add(service, board, "problems", "A", "B", "C")
    service.move_notes([a], "problems", 99)
    assert _layout(service, board) == {"problems": ["B", "C", "A"]}


def test_duplicate_copies_text_and_colour_not_votes(board):
    service, board = board
    (a,) = _add(service, board, "problems", 'Quote " & <tag> 🚀')
    service.notes.update(a, votes=4, colour="#9FD3FF")
    (copy,) = service.duplicate_notes([a])
    made = service.notes.get(copy)
    assert (made.text, made.colour, made.block, made.votes) == (
        'Quote " & <tag> 🚀',
        "#9FD3FF",
        "problems",
        0,
    )


def test_switch_template_keeps_meanings_and_gathers_the_rest(board):
    service, board = board
    _add(service, board, "problems", "pain")
    _add(service, board, "target_customers", "labs")
    _add(service, board, "promotion", "webinars")  # Lean Canvas has no promotion block
    with service.ws.recording() as journal:
        service.switch_template(board.id, CanvasTemplate.LEAN_CANVAS)
    assert service.boards.get(board.id).template == CanvasTemplate.LEAN_CANVAS
    assert _layout(service, board) == {
        "customer_segments": ["labs"],
        "problem": ["pain"],
        "to_sort": ["webinars"],
    }
    service.ws.revert(journal)  # what an undo does
    assert service.boards.get(board.id).template == CanvasTemplate.PRODUCT_CANVAS
    assert _layout(service, board) == {
        "problems": ["pain"],
        "promotion": ["webinars"],
        "target_customers": ["labs"],
    }


def test_note_rounds_tally_and_reveal_onto_notes(board):
    service, board = board
    a, b = _add(service, board, "problems", "A", "B")
    vote_round = service.rounds.create(
        product_id=board.product_id,
        board_id=board.id,
        target=VoteTarget.CANVAS_NOTE,
        dots_per_participant=2,
        participants=["Ana", "Bé <&>"],
    )
    service.place_dot(vote_round.id, note_id=b)
    service.place_dot(vote_round.id, note_id=b)
    assert service.current_voter(vote_round.id) == "Bé <&>"
    service.place_dot(vote_round.id, note_id=a)
    with pytest.raises(ValidationError, match="used all"):
        service.place_dot(vote_round.id, note_id=a, participant="Ana")
    service.place_dot(vote_round.id, note_id=b)
    with pytest.raises(ValidationError, match="every participant"):
        service.place_dot(vote_round.id, note_id=a)
    assert service.tally(vote_round.id) == {b: 3, a: 1}
    with service.ws.recording() as journal:
        service.reveal(vote_round.id)
    assert [n.votes for n in service.notes_of_board(board.id)] == [1, 3]
    with pytest.raises(ValidationError, match="revealed"):
        service.place_dot(vote_round.id, note_id=a)
    service.ws.revert(journal)  # what an undo does
    assert [n.votes for n in service.notes_of_board(board.id)] == [0, 0]
    assert [r.id for r in service.rounds_of(board.product_id, VoteTarget.CANVAS_NOTE)] == [
        vote_round.id
    ]


def test_requirement_rounds_count_requirements_only(board, workspace):
    service, board = board
    reqs = RequirementService(workspace)
    first = reqs.requirements.create(product_id=board.product_id, title="Export to PDF")
    vote_round = service.rounds.create(
        product_id=board.product_id, target=VoteTarget.REQUIREMENT, dots_per_participant=1
    )
    (note,) = _add(service, board, "problems", "A")
    with pytest.raises(ValidationError, match="requirement"):
        service.place_dot(vote_round.id, note_id=note)
    assert service.place_dot(vote_round.id, requirement_id=first.id).participant == "Voter 1"
    assert service.place_dot(vote_round.id, requirement_id=first.id).participant == "Voter 2"
    assert service.tally(vote_round.id) == {first.id: 2}
    with workspace.recording() as journal:
        service.reveal(vote_round.id)
    assert journal.tables() == {"vote_round"}  # no note's count is touched


def test_link_counts_per_note(board, workspace):
    service, board = board
    reqs = RequirementService(workspace)
    req = reqs.requirements.create(product_id=board.product_id, title="R")
    a, b = _add(service, board, "problems", "A", "B")
    service.link_note(a, requirement_id=req.id)
    assert service.link_counts(board.id) == {a: (0, 1)}
    assert service.links_of_note(a) == ([], [req.id])
