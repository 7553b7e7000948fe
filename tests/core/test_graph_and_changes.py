from __future__ import annotations

from pmdesk.core.changes import ChangeCollector, ChangeHub
from pmdesk.core.graph import cycle_if_added, path_between


def test_cycle_is_named_in_order():
    edges = [(1, 2), (2, 3), (3, 4)]
    assert cycle_if_added(edges, (4, 1)) == [1, 2, 3, 4, 1]
    assert cycle_if_added(edges, (1, 4)) is None
    assert cycle_if_added(edges, (2, 2)) == [2, 2]


def test_path_between_follows_direction():
    assert path_between([(1, 2), (3, 2)], 1, 3) is None
    assert path_between([(1, 2), (2, 3)], 1, 3) == [1, 2, 3]


def test_collector_drops_updates_of_rows_inserted_in_same_step():
    collector = ChangeCollector()
    collector.add("product", "insert", [1])
    collector.add("product", "update", [1, 2])
    changes = collector.changeset()
    assert changes.ids("product", "insert") == {1}
    assert changes.ids("product", "update") == {2}
    assert changes.touches("product") and not changes.touches("lane")


def test_hub_publishes_only_non_empty_changesets():
    hub = ChangeHub()
    seen = []
    unsubscribe = hub.subscribe(seen.append)
    hub.publish(ChangeCollector().changeset())
    collector = ChangeCollector()
    collector.add("lane", "delete", [3])
    hub.publish(collector.changeset())
    unsubscribe()
    hub.publish(collector.changeset())
    assert len(seen) == 1 and seen[0].ids("lane") == {3}
