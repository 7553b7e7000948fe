"""Dot-voting rules: budgets, turns, tallies and ranking (no Qt, no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.core import voting
from pmdesk.core.errors import ValidationError


def test_named_participants_vote_in_turn_until_their_dots_are_used():
    names = ["Ana", "Ben"]
    assert voting.current_voter(names, 2, []) == "Ana"
    assert voting.current_voter(names, 2, ["Ana"]) == "Ana"
    assert voting.current_voter(names, 2, ["Ana", "Ana"]) == "Ben"
    assert voting.current_voter(names, 2, ["Ana", "Ana", "Ben", "Ben"]) is None


def test_pass_the_keyboard_numbers_voters_and_never_runs_out():
    assert voting.current_voter([], 3, []) == "Voter 1"
    assert voting.current_voter([], 3, ["Voter 1"] * 3) == "Voter 2"
    assert voting.current_voter([], 1, ["Voter 1", "Voter 2"]) == "Voter 3"


def test_a_dot_beyond_the_budget_or_from_a_stranger_is_refused():
    with pytest.raises(ValidationError, match="used all 2 dots"):
        voting.check_dot(["Ana"], 2, ["Ana", "Ana"], "Ana")
    with pytest.raises(ValidationError, match="not taking part"):
        voting.check_dot(["Ana"], 2, [], "Zoë <&>")
    voting.check_dot(["Ana"], 2, ["Ana"], "Ana")
    with pytest.raises(ValidationError):
        voting.current_voter(["Ana"], 0, [])


def test_tally_and_ranking_keep_ties_in_board_order():
    counts = voting.tally([7, 3, 7, 9, 3, 7])
    assert counts == {7: 3, 3: 2, 9: 1}
    assert voting.ranked([1, 9, 3, 7], counts) == [7, 3, 9, 1]


def test_participant_names_are_parsed_without_duplicates():
    text = "Ana, Ben;  Chloé \n ana, <Dev & Ops> 🚀,,"
    assert voting.parse_participants(text) == ["Ana", "Ben", "Chloé", "<Dev & Ops> 🚀"]


@given(
    st.lists(st.integers(min_value=1, max_value=6), max_size=40),
    st.integers(min_value=1, max_value=5),
)
def test_anonymous_budgets_are_never_exceeded(targets, dots):
    placed: list[str] = []
    for _target in targets:
        voter = voting.current_voter([], dots, placed)
        voting.check_dot([], dots, placed, voter)
        placed.append(voter)
    assert all(voting.dots_used(placed, v) <= dots for v in set(placed))
    assert sum(voting.tally(targets).values()) == len(targets)
