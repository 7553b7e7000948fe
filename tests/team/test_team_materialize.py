"""The history on a team workspace (PostgreSQL) written back: a moment copied into a file of
its own, a deleted item restored, and changes applied forward with ids from the server."""

from __future__ import annotations

import datetime as dt

from pmdesk.core.history import EntryKind, NetChange
from pmdesk.store.factory import open_workspace
from pmdesk.store.history_apply import apply_changes
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService

START = dt.date(2026, 3, 2)
TRICKY = 'Alpha & <β> "x" 🚀'


def test_a_team_workspace_as_it_was_at_a_snapshot(connect, tmp_path):
    ws = connect()
    pid = ws.service(PortfolioService).create_product(name=TRICKY).id
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=pid, name="Core").id

    def item(name: str) -> int:
        return roadmap.items.create(
            product_id=pid, lane_id=lane, name=name, start_date=START, end_date=START
        ).id

    alpha, beta = item("Alpha"), item("Beta")
    roadmap.dependencies.create(predecessor_id=alpha, successor_id=beta)
    service = ws.service(HistoryService)
    service.snapshot("Review <1> 🚀")
    roadmap.items.update(alpha, end_date=START + dt.timedelta(days=9), notes=TRICKY)
    roadmap.items.delete([beta])
    gamma = item("Gamma")

    dest = tmp_path / "review.pmdesk"
    assert service.materialize("Review <1> 🚀", dest) == dest
    service.materialize(None, tmp_path / "now.pmdesk")
    with open_workspace(dest, read_only=True) as copy:
        items = {i.id: i for i in copy.service(RoadmapService).items.list()}
        assert set(items) == {alpha, beta}  # gamma came since; beta went since
        assert items[alpha].end_date == START and items[alpha].notes == ""
        assert len(copy.service(RoadmapService).dependencies_of(pid)) == 1
        assert copy.service(HistoryService).changes("Review <1> 🚀") == []
        assert [s.name for s in copy.service(HistoryService).snapshots()] == ["Review <1> 🚀"]
        assert copy.check().ok
    with open_workspace(tmp_path / "now.pmdesk", read_only=True) as copy:
        assert {i.name for i in copy.service(RoadmapService).items.list()} == {
            "Alpha",
            "Gamma",
        }

    # Restore on the server: beta and its link come back with their ids; a new item after
    # it still gets an id of its own from the server.
    assert service.restore("roadmap_item", beta) == "Restore “Beta”"
    theirs = connect()
    assert theirs.service(RoadmapService).items.get(beta).name == "Beta"
    assert len(theirs.service(RoadmapService).dependencies_of(pid)) == 1
    delta = item("Delta")
    assert delta not in (alpha, beta, gamma)

    # Forward with fresh ids: on a team database the server hands every added row its id.
    added = NetChange(
        "roadmap_item",
        beta,  # taken
        "Epsilon",
        EntryKind.ADDED,
        {
            "id": [None, beta],
            "product_id": [None, pid],
            "lane_id": [None, lane],
            "name": [None, "Epsilon"],
            "start_date": [None, START.isoformat()],
            "end_date": [None, START.isoformat()],
        },
    )
    with ws.transaction() as uow:
        remapped = apply_changes(uow, [added], backward=False, remap_added=True)
    epsilon = remapped[("roadmap_item", beta)]
    assert epsilon > delta and roadmap.items.get(epsilon).name == "Epsilon"
    assert item("Zeta") > epsilon

    # Forward keeping ids: the server's sequence moves past the id that came in.
    far = NetChange("roadmap_item", 500, "Far", EntryKind.ADDED, dict(added.fields))
    far.fields["id"] = [None, 500]
    far.fields["name"] = [None, "Far"]
    with ws.transaction() as uow:
        assert apply_changes(uow, [far], backward=False) == {}
    assert roadmap.items.get(500).name == "Far"
    assert item("Eta") > 500
