"""What changed since a snapshot or a day: net changes, by product, after compaction, and
``pmdesk changes`` / ``pmdesk snapshot`` / ``pmdesk history`` on real files."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from pmdesk.cli import main
from pmdesk.core.errors import NotFoundError
from pmdesk.core.history import Entry, EntryKind, net_change
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import CUT_ITEM, Q3_REVIEW
from pmdesk.store.services import (
    HistoryService,
    PortfolioService,
    RequirementService,
    RoadmapService,
)
from pmdesk.store.workspace import Workspace

TRICKY = 'Pricing <draft> & "beta" — café 🚀'


def _entry(kind: str, **fields) -> Entry:
    return Entry("roadmap_item", 1, "Alpha", EntryKind(kind), fields)


def test_net_change_folds_entries():
    assert net_change([]) is None
    back = [_entry("changed", end_date=["a", "b"]), _entry("changed", end_date=["b", "a"])]
    assert net_change(back) is None  # changed and changed back
    gone = [_entry("added", name=[None, "Alpha"]), _entry("removed", name=["Alpha", None])]
    assert net_change(gone) is None  # added and removed again
    twice = net_change(
        [
            _entry("changed", end_date=["a", "b"], notes=["", "x"]),
            _entry("changed", end_date=["b", "c"]),
        ]
    )
    assert twice is not None and twice.fields == {
        "end_date": ["a", "c"],
        "notes": ["", "x"],
    }
    back_again = net_change(
        [
            _entry("removed", name=["Alpha", None], notes=["x", None]),
            _entry("added", name=[None, "Alpha"], notes=[None, "y"]),
        ]
    )
    assert back_again is not None and back_again.kind is EntryKind.CHANGED
    assert back_again.fields == {"notes": ["x", "y"]}


@pytest.fixture
def atlas(workspace):
    portfolio = workspace.service(PortfolioService)
    atlas = portfolio.create_product(name="Atlas")
    borealis = portfolio.create_product(name="Borealis")
    roadmap = workspace.service(RoadmapService)
    lanes = {p.id: roadmap.lanes.create(product_id=p.id, name="Core").id for p in (atlas, borealis)}

    def item(product, name):
        return roadmap.items.create(
            product_id=product.id,
            lane_id=lanes[product.id],
            name=name,
            start_date=dt.date(2027, 1, 4),
            end_date=dt.date(2027, 2, 1),
        ).id

    ids = {
        "alpha": item(atlas, "Alpha"),
        "beta": item(atlas, "Beta"),
        "gamma": item(atlas, "Gamma"),
        "north": item(borealis, "North"),
    }
    return workspace, atlas.id, borealis.id, ids


def test_changes_since_a_snapshot_are_the_net_changes(atlas):
    ws, pid, _other, ids = atlas
    roadmap = ws.service(RoadmapService)
    service = ws.service(HistoryService)
    service.snapshot("Q3 review")
    roadmap.items.update(ids["alpha"], end_date=dt.date(2027, 2, 20))
    roadmap.items.update(ids["alpha"], end_date=dt.date(2027, 3, 1), name="Alpha 2")
    roadmap.items.update(ids["beta"], status="at_risk")
    roadmap.items.update(ids["beta"], status="planned")  # and back: no change
    roadmap.items.delete([ids["gamma"]])
    made = roadmap.items.create(
        product_id=pid,
        lane_id=roadmap.items.get(ids["alpha"]).lane_id,
        name=TRICKY,
        start_date=dt.date(2027, 5, 3),
        end_date=dt.date(2027, 5, 7),
    )
    brief = roadmap.items.create(
        product_id=pid,
        lane_id=roadmap.items.get(ids["alpha"]).lane_id,
        name="Brief",
        start_date=dt.date(2027, 5, 3),
        end_date=dt.date(2027, 5, 7),
    )
    roadmap.items.delete([brief.id])  # added and removed: nothing
    found = {(c.entity, c.id): c for c in service.changes("Q3 review")}
    assert set(found) == {
        ("roadmap_item", ids["alpha"]),
        ("roadmap_item", ids["gamma"]),
        ("roadmap_item", made.id),
    }
    alpha = found[("roadmap_item", ids["alpha"])]
    assert (alpha.name, alpha.kind) == ("Alpha 2", EntryKind.CHANGED)
    assert alpha.fields == {"end_date": ["2027-02-01", "2027-03-01"], "name": ["Alpha", "Alpha 2"]}
    gamma = found[("roadmap_item", ids["gamma"])]
    assert gamma.kind is EntryKind.REMOVED and gamma.name == "Gamma"
    assert gamma.fields["end_date"] == ["2027-02-01", None]
    added = found[("roadmap_item", made.id)]
    assert added.kind is EntryKind.ADDED and added.name == TRICKY
    assert added.fields["start_date"] == [None, "2027-05-03"]
    assert "row_version" not in added.fields and "id" not in added.fields


def test_changes_since_a_day_and_an_unknown_name(atlas):
    ws, _pid, _other, ids = atlas
    service = ws.service(HistoryService)
    today = dt.datetime.now(dt.UTC).date()
    everything = service.changes(today.isoformat())
    assert {(c.entity, c.kind) for c in everything} >= {
        ("product", EntryKind.ADDED),
        ("roadmap_item", EntryKind.ADDED),
    }
    assert service.changes(today + dt.timedelta(days=1)) == []
    with pytest.raises(NotFoundError):
        service.changes("No such review")


def test_changes_of_one_product_follow_the_rows_they_belong_to(atlas):
    ws, pid, other, ids = atlas
    roadmap = ws.service(RoadmapService)
    service = ws.service(HistoryService)
    service.snapshot("Start")
    roadmap.items.update(ids["alpha"], progress=30)
    roadmap.items.update(ids["north"], progress=60)
    roadmap.dependencies.create(predecessor_id=ids["alpha"], successor_id=ids["beta"])
    requirement = ws.service(RequirementService).requirements.create(product_id=pid, title="Req")
    roadmap.items.delete([ids["gamma"]])  # gone, yet still Atlas's
    atlas_changes = {(c.entity, c.id) for c in service.changes("Start", product_id=pid)}
    assert atlas_changes == {
        ("roadmap_item", ids["alpha"]),
        ("roadmap_item", ids["gamma"]),
        ("requirement", requirement.id),
        ("dependency", next(iter(roadmap.dependencies_of(pid))).id),
    }
    assert {(c.entity, c.id) for c in service.changes("Start", product_id=other)} == {
        ("roadmap_item", ids["north"])
    }


def test_compaction_keeps_the_net_changes_since_any_day(tmp_path):
    path = tmp_path / "compact.pmdesk"
    with Workspace.create(path) as ws:
        pid = ws.service(PortfolioService).create_product(name="Atlas").id
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=pid, name="Core").id
        items = [
            roadmap.items.create(
                product_id=pid,
                lane_id=lane,
                name=f"Item {n}",
                start_date=dt.date(2027, 1, 4),
                end_date=dt.date(2027, 2, 1),
            ).id
            for n in range(4)
        ]
        for day in range(6):
            roadmap.items.update(items[day % 4], progress=10 * day + 5, notes=f"day {day}")
            roadmap.items.update(items[(day + 1) % 4], progress=0)
        roadmap.items.delete([items[3]])
    # Spread the edits over six days, oldest first.
    conn = sqlite3.connect(path)
    with conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM change_edit ORDER BY id")]
        for n, edit in enumerate(ids):
            day = dt.datetime(2026, 6, 1, 9) + dt.timedelta(days=min(n // 3, 5), minutes=n)
            conn.execute(
                "UPDATE change_edit SET at = ? WHERE id = ?",
                (day.strftime("%Y-%m-%d %H:%M:%S.%f"), edit),
            )
    conn.close()
    days = [dt.date(2026, 6, d) for d in range(1, 8)]
    with Workspace.open(path) as ws:
        service = ws.service(HistoryService)
        before = {day: service.changes(day) for day in days}
        edits, entries = service.counts()
        done = service.compact(dt.date(2026, 6, 5))
        assert done.edits_before > 0 and done.days == 4
        assert done.entries_after < done.entries_before
        assert "Folded" in done.describe() and "daily summaries" in done.describe()
        after_edits, after_entries = service.counts()
        assert after_edits < edits and after_entries < entries
        assert {day: service.changes(day) for day in days} == before
        assert service.compact(dt.date(2026, 6, 5)).entries_after == done.entries_after
        assert ws.check().ok


# -- the demo's story ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.pmdesk"
    create_demo(path)
    return path


def test_the_demo_has_six_months_of_history_and_two_snapshots(demo_path):
    with Workspace.open(demo_path, read_only=True) as ws:
        service = ws.service(HistoryService)
        snaps = service.snapshots()
        assert [s.kind.value for s in snaps] == ["gate", "manual"]
        assert snaps[1].name == Q3_REVIEW and snaps[0].name == "Gate: Analysis — Pulse Cloud"
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert dt.timedelta(days=60) < now - snaps[1].at < dt.timedelta(days=130)
        assert service.changes((now - dt.timedelta(days=240)).date())  # the gate's move
        changes = service.changes(Q3_REVIEW)
        kinds = {(c.entity, c.kind.value) for c in changes}
        assert kinds >= {
            ("roadmap_item", "changed"),
            ("roadmap_item", "added"),
            ("roadmap_item", "removed"),
            ("requirement", "changed"),
            ("stakeholder", "changed"),
            ("launch", "changed"),
        }
        removed = next(c for c in changes if c.kind.value == "removed")
        assert removed.name == CUT_ITEM
        assert all(c.name for c in changes)
        # Every change ends at the value the demo holds now.
        roadmap = ws.service(RoadmapService)
        for change in changes:
            if change.entity == "roadmap_item" and change.kind.value == "changed":
                item = roadmap.items.get(change.id)
                for field, (_old, new) in change.fields.items():
                    value = getattr(item, field)
                    assert (value.isoformat() if hasattr(value, "isoformat") else value) == new
        gate = service.changes("Gate: Analysis — Pulse Cloud")
        names = {c.name for c in gate}
        assert "Closed alpha (3 labs)" in names  # moved before the review
        assert CUT_ITEM not in names  # planned after the gate, cut since: nothing
        assert ws.check().ok


def test_pmdesk_changes_prints_the_exact_json_on_the_demo(demo_path, capsys):
    assert main(["changes", str(demo_path), "--since", Q3_REVIEW, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    # The headline figures that moved follow the changes (HistoryService.figures_since).
    assert list(document) == ["since", "changes", "figures"] and document["since"] == Q3_REVIEW
    assert document["figures"] == [
        {
            "product": "Pulse Cloud",
            "figure": "launch_date",
            "then": "2027-03-25",
            "now": "2027-04-08",
        }
    ]
    assert document["changes"]
    for change in document["changes"]:
        assert list(change) == ["entity", "id", "name", "kind", "fields"]
        assert change["kind"] in ("added", "removed", "changed")
        assert isinstance(change["id"], int) and isinstance(change["name"], str)
        for pair in change["fields"].values():
            assert isinstance(pair, list) and len(pair) == 2
    moved = next(c for c in document["changes"] if c["name"] == "Monitoring apps")
    assert moved["kind"] == "changed" and set(moved["fields"]) == {"end_date", "status"}
    old, new = moved["fields"]["end_date"]
    assert (dt.date.fromisoformat(new) - dt.date.fromisoformat(old)).days == 21

    assert (
        main(
            [
                "changes",
                str(demo_path),
                "--since",
                Q3_REVIEW,
                "--product",
                "Vega Benchtop Analyser",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == {"since": Q3_REVIEW, "changes": []}

    assert main(["changes", str(demo_path), "--since", Q3_REVIEW]) == 0
    text = capsys.readouterr().out
    assert f"Changes since {Q3_REVIEW}" in text and "Monitoring apps" in text
    assert "(+21 days)" in text and CUT_ITEM in text


def test_pmdesk_changes_on_a_new_empty_workspace(tmp_path, capsys):
    path = tmp_path / "empty.pmdesk"
    Workspace.create(path).close()
    assert main(["changes", str(path), "--since", "2026-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"since": "2026-01-01", "changes": []}
    assert main(["changes", str(path), "--since", "Never taken"]) != 0
    assert "Never taken" in capsys.readouterr().err


def test_pmdesk_snapshot_and_history_on_a_file(tmp_path, capsys):
    path = tmp_path / "cli.pmdesk"
    with Workspace.create(path) as ws:
        pid = ws.service(PortfolioService).create_product(name="Atlas").id
    assert main(["snapshot", str(path), "--name", "Board <Q1> 🚀", "--note", TRICKY]) == 0
    assert "Board <Q1> 🚀" in capsys.readouterr().out
    assert main(["snapshot", str(path), "--name", "Board <Q1> 🚀"]) != 0
    assert "already exists" in capsys.readouterr().err
    with Workspace.open(path) as ws:
        ws.service(PortfolioService).products.update(pid, vision=TRICKY)
    assert main(["changes", str(path), "--since", "Board <Q1> 🚀", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "since": "Board <Q1> 🚀",
        "changes": [
            {
                "entity": "product",
                "id": pid,
                "name": "Atlas",
                "kind": "changed",
                "fields": {"vision": ["", TRICKY]},
            }
        ],
    }
    assert main(["history", "snapshots", str(path)]) == 0
    assert "Board <Q1> 🚀" in capsys.readouterr().out
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    assert main(["history", "compact", str(path), "--before", tomorrow.isoformat()]) == 0
    assert "Folded" in capsys.readouterr().out
    assert main(["history", "compact", str(path)]) != 0
    assert "--before" in capsys.readouterr().err


def test_the_demo_roadmap_as_it_was_at_the_q3_review(demo_path):
    with Workspace.open(demo_path, read_only=True) as ws:
        then = ws.service(HistoryService).as_it_was(Q3_REVIEW, "roadmap_item")
        items = {i.name: i for i in ws.service(RoadmapService).items.list()}
    apps = items["Monitoring apps"]
    assert then[apps.id] == {
        "end_date": (apps.end_date - dt.timedelta(days=21)).isoformat(),
        "status": "in_progress",
    }
    assert then[items["Regional data residency (EU/US)"].id] is None  # added since
    [cut] = [values for values in then.values() if values and values.get("name") == CUT_ITEM]
    assert cut["start_date"] < cut["end_date"]  # removed since: every field as it was
    assert items["Beta NPS survey"].id not in then  # moved and moved back
