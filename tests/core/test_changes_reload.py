""" "Anything may have changed": the reload notice a team workspace sends after reconnecting."""

from __future__ import annotations

import pytest

from pmdesk.core.changes import Change, ChangeCollector, ChangeSet
from pmdesk.store.models import Base
from pmdesk.store.team_feed import decode, encode


def test_everything_names_each_kind_once_with_a_reload_and_no_ids():
    changes = ChangeSet.everything(["product", "lane", "product"])
    assert changes.changes == (
        Change("lane", "reload", frozenset()),
        Change("product", "reload", frozenset()),
    )
    assert changes.touches("product") and changes.touches("lane")
    assert not changes.touches("stakeholder")
    assert changes.ids("product") == frozenset() and changes.ids("lane", "reload") == frozenset()


def test_everything_over_the_models_touches_and_reloads_every_table():
    tables = list(Base.metadata.tables)
    changes = ChangeSet.everything(tables)
    assert len(changes.changes) == len(tables)
    for table in tables:
        assert changes.touches(table) and changes.reloads(table)
        assert changes.ids(table) == frozenset()


def test_reloads_is_false_for_row_changes_and_for_other_kinds():
    collector = ChangeCollector()
    collector.add("product", "update", [1])
    assert not collector.changeset().reloads("product")
    assert not ChangeSet.everything(["lane"]).reloads("product")
    assert not ChangeSet().reloads("product") and not ChangeSet.everything([])


def test_a_transaction_cannot_record_a_reload():
    with pytest.raises(ValueError, match="reload"):
        ChangeCollector().add("product", "reload", [])


def test_the_team_change_log_never_carries_a_reload():
    """A reload in a log row (an older or foreign writer) is dropped by decode, rows kept."""
    text = encode(
        ChangeSet(
            (Change("product", "reload", frozenset()), Change("lane", "insert", frozenset({4})))
        )
    )
    decoded = decode(text)
    assert decoded is not None
    assert decoded.changes == (Change("lane", "insert", frozenset({4})),)
    assert decode(encode(ChangeSet.everything(["product"]))) is None
