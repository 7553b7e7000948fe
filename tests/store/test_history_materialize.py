"""A moment as a workspace of its own: the demo as it was at the Q3 review, a new empty
workspace, a day before any history, and the source never written."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from test_history_apply import state  # the tests' shared reading of a workspace

from pmdesk.cli import main
from pmdesk.core.errors import PmdeskError
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import CUT_ITEM, Q3_REVIEW
from pmdesk.store.factory import open_workspace
from pmdesk.store.models import Base
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.services.history import UnknownMoment
from pmdesk.store.workspace import Workspace


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _history_rows(path: Path) -> tuple[list, list]:
    conn = sqlite3.connect(path)
    try:
        edits = conn.execute("SELECT at FROM change_edit ORDER BY at").fetchall()
        snaps = conn.execute("SELECT name, at FROM history_snapshot ORDER BY at").fetchall()
    finally:
        conn.close()
    return edits, snaps


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


def test_the_demo_as_it_was_at_the_q3_review(demo_path, tmp_path, capsys):
    before = _digest(demo_path)
    dest = tmp_path / "q3 <review> 🚀.pmdesk"
    with open_workspace(demo_path) as ws:  # open for writing, as the window has it
        service = ws.service(HistoryService)
        assert service.materialize(Q3_REVIEW, dest) == dest
        then = service.as_it_was(Q3_REVIEW, "roadmap_item")
        q3_at = service.moment(Q3_REVIEW).at
        now = {i.id: i for i in ws.service(RoadmapService).items.list()}
        now_state = state(ws)
    assert _digest(demo_path) == before  # the source is never written
    assert not list(tmp_path.glob("*.part*")) and not list(tmp_path.glob("*-wal"))
    with open_workspace(dest, read_only=True) as copy:
        items = {i.id: i for i in copy.service(RoadmapService).items.list()}
        copy_history = copy.service(HistoryService)
        assert copy_history.changes(Q3_REVIEW) == []  # its history ends at the moment
        assert [s.name for s in copy_history.snapshots()] == [
            "Gate: Analysis — Pulse Cloud",
            Q3_REVIEW,
        ]
        copy_state = state(copy)
    changed = {key for key, values in then.items() if values is not None}
    added = {key for key, values in then.items() if values is None}
    assert changed and added
    for key, values in then.items():
        if values is None:  # added since: not there then
            assert key not in items
            continue
        item = items[key]
        for field, old in values.items():
            value = getattr(item, field)
            assert (value.isoformat() if hasattr(value, "isoformat") else value) == old, field
    [cut] = [i for i in items.values() if i.name == CUT_ITEM]  # removed since: there then
    assert cut.id not in now and then[cut.id]["name"] == CUT_ITEM
    for key, item in now.items():  # unchanged since: as now
        if key not in then:
            assert items[key].to_dict() == item.to_dict()
    # Tables nothing happened to since are as now, row for row (but for the rows that went
    # with a row that did not exist then: its links).
    untouched = [name for name in now_state if name not in ("roadmap_item", "dependency")]
    differing = {name for name in untouched if copy_state[name] != now_state[name]}
    with open_workspace(demo_path, read_only=True) as ws:
        touched = {c.table for c in ws.service(HistoryService).net_changes(Q3_REVIEW)}
    children = {
        t.name
        for t in Base.metadata.sorted_tables
        if any(fk.column.table.name in touched for fk in t.foreign_keys)
    }
    assert differing <= touched | children and "product" not in differing
    edits, snaps = _history_rows(dest)
    assert edits and all(dt.datetime.fromisoformat(at) <= q3_at for (at,) in edits)
    assert snaps[-1][0] == Q3_REVIEW
    assert main(["check", str(dest)]) == 0
    assert "Integrity: ok" in capsys.readouterr().out
    assert not Path(str(dest) + "-wal").exists()  # a file that stands alone


def test_the_demo_now_and_before_any_history(demo_path, tmp_path):
    with open_workspace(demo_path, read_only=True) as ws:
        service = ws.service(HistoryService)
        service.materialize(None, tmp_path / "now.pmdesk")
        service.materialize(dt.date(2000, 1, 1), tmp_path / "first.pmdesk")
        first_edit = _history_rows(demo_path)[0][0][0]
        now_state = state(ws)
        story = service.net_changes(dt.date(2000, 1, 1))
    with open_workspace(tmp_path / "now.pmdesk") as copy:  # None: a plain copy, writable
        assert state(copy) == now_state
        assert copy.service(HistoryService).counts() == service.counts()
    # Before the first recorded edit: the portfolio as its history began, with no history.
    with open_workspace(tmp_path / "first.pmdesk", read_only=True) as copy:
        assert copy.service(HistoryService).counts() == (0, 0)
        assert copy.service(HistoryService).snapshots() == []
        assert copy.check().ok
        products = {p.name: p for p in copy.service(PortfolioService).products.list()}
        first_state = state(copy)
    assert story and dt.datetime.fromisoformat(first_edit) > dt.datetime(2000, 1, 1)
    assert "Pulse Cloud" in products  # made with the demo, before its story
    names = {row["name"] for row in first_state["roadmap_item"]}
    assert CUT_ITEM not in names  # planned during the story, cut since: never there
    assert first_state != now_state


def test_a_new_empty_workspace_and_one_edited_since(tmp_path):
    path = tmp_path / "empty.pmdesk"
    Workspace.create(path, name='New <&> "portfolio" 🚀').close()
    with Workspace.open(path, read_only=True) as ws:
        service = ws.service(HistoryService)
        service.materialize(None, tmp_path / "copy.pmdesk")
        service.materialize(dt.date.today(), tmp_path / "today.pmdesk")
        empty = state(ws)
    for name in ("copy.pmdesk", "today.pmdesk"):
        with open_workspace(tmp_path / name, read_only=True) as copy:
            assert state(copy) == empty and copy.check().ok
    # Edited since: a moment before the first edit is the new empty workspace again.
    with Workspace.open(path) as ws:
        pid = ws.service(PortfolioService).create_product(name="Atlas").id
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=pid, name="Core").id
        roadmap.items.create(
            product_id=pid,
            lane_id=lane,
            name="Alpha",
            start_date=dt.date(2027, 1, 4),
            end_date=dt.date(2027, 2, 1),
        )
        ws.service(HistoryService).snapshot("Planned")
        edited = state(ws)
        yesterday = dt.date.today() - dt.timedelta(days=1)
        ws.service(HistoryService).materialize(yesterday, tmp_path / "before.pmdesk")
        ws.service(HistoryService).materialize("Planned", tmp_path / "planned.pmdesk")
    with open_workspace(tmp_path / "before.pmdesk", read_only=True) as copy:
        assert state(copy) == empty
        assert copy.service(HistoryService).counts() == (0, 0)
    with open_workspace(tmp_path / "planned.pmdesk") as copy:
        assert state(copy) == edited
        assert [s.name for s in copy.service(HistoryService).snapshots()] == ["Planned"]


def test_a_copy_is_refused_over_a_file_and_for_an_unknown_moment(workspace, tmp_path):
    taken = tmp_path / "taken.pmdesk"
    taken.write_bytes(b"mine")
    service = workspace.service(HistoryService)
    with pytest.raises(PmdeskError, match="already exists"):
        service.materialize(None, taken)
    assert taken.read_bytes() == b"mine"
    with pytest.raises(UnknownMoment):
        service.materialize("No such review", tmp_path / "never.pmdesk")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(("never", "taken.pmdesk."))]


def test_a_copy_that_would_not_hold_together_is_not_kept(workspace, tmp_path):
    """A history that contradicts the file (edited by hand) gives no copy, and no leftovers."""
    pid = workspace.service(PortfolioService).create_product(name="Atlas").id
    workspace.service(HistoryService).snapshot("Start")
    lane = workspace.service(RoadmapService).lanes.create(product_id=pid, name="Core").id
    with workspace.engine.begin() as conn:  # the history claims the lane's product came since
        conn.execute(
            sa.text(
                "UPDATE change_entry SET kind = 'removed', fields = :f "
                "WHERE table_name = 'lane' AND row_key = :k"
            ),
            {
                "f": f'{{"id":[{lane},null],"product_id":[4242,null],"name":["Core",null]}}',
                "k": str(lane),
            },
        )
    with pytest.raises(PmdeskError):
        workspace.service(HistoryService).materialize("Start", tmp_path / "broken.pmdesk")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("broken")]
