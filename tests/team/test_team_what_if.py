"""What-if scenarios on a team workspace (PostgreSQL): the copy is a file made from the
server, a promotion is one edit on the server that another client sees and undo takes back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from pmdesk.store.services import RoadmapService, WhatIfService
from pmdesk.store.workspace import Workspace

TRICKY = 'Alpha & <β> "x" 🚀'
DAY = dt.timedelta(days=1)


def _plan(ws) -> tuple[int, int, int, int]:
    from pmdesk.store.services import PortfolioService

    product = ws.service(PortfolioService).create_product(name=TRICKY)
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    build = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Build",
        start_date="2027-01-04",
        end_date="2027-02-26",
    )
    ship = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Ship",
        kind="milestone",
        start_date="2027-03-01",
        end_date="2027-03-01",
    )
    roadmap.dependencies.create(predecessor_id=build.id, successor_id=ship.id)
    return product.id, lane.id, build.id, ship.id


def test_a_team_scenario_from_its_copy_to_the_plan_and_back(connect, tmp_path):
    mine, theirs = connect(), connect()
    pid, lane_id, build_id, ship_id = _plan(mine)
    scenarios = mine.service(WhatIfService)
    scenario = scenarios.create(f"Later {TRICKY}", pid)
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        roadmap = copy.service(RoadmapService)
        build = roadmap.items.get(build_id)
        roadmap.items.update_many(
            {
                build_id: {
                    "start_date": build.start_date + 7 * DAY,
                    "end_date": build.end_date + 7 * DAY,
                }
            }
        )
        roadmap.items.create(
            product_id=pid,
            lane_id=lane_id,
            name="Beta 🚀",
            start_date="2027-03-08",
            end_date="2027-03-19",
        )
        assert scenarios.save_from(scenario.id, copy) == 2
    # Someone else adds an item meanwhile: on the server the sequence hands out the ids.
    theirs_item = theirs.service(RoadmapService).items.create(
        product_id=pid,
        lane_id=lane_id,
        name="Theirs",
        start_date="2027-01-04",
        end_date="2027-01-05",
    )
    comparison = scenarios.compare(scenario.id, today=dt.date(2026, 12, 1))
    assert comparison.plan.critical_path_end == dt.date(2027, 3, 1)
    assert comparison.scenario.critical_path_end == dt.date(2027, 3, 19)
    assert [m[1] for m in comparison.moved] == ["Build"]
    assert comparison.added == ["Beta 🚀"] and comparison.removed == []

    with mine.recording() as promoted:
        scenarios.promote(scenario.id)
    seen = {i.name: i for i in theirs.service(RoadmapService).items_of(pid)}
    assert seen["Build"].start_date == dt.date(2027, 1, 11)
    assert seen["Theirs"].id == theirs_item.id
    assert seen["Beta 🚀"].id not in (build_id, ship_id, theirs_item.id)
    assert theirs.service(WhatIfService).scenarios() == []
    mine.revert(promoted)
    seen = {i.name: i for i in theirs.service(RoadmapService).items_of(pid)}
    assert "Beta 🚀" not in seen and seen["Build"].start_date == dt.date(2027, 1, 4)
    assert [s.name for s in theirs.service(WhatIfService).scenarios()] == [f"Later {TRICKY}"]


def test_a_file_shared_as_a_team_workspace_keeps_its_scenarios(empty_db, pg_server, tmp_path):
    from pmdesk.store.factory import connect_workspace
    from pmdesk.store.team_copy import file_to_team

    source = tmp_path / "plan.pmdesk"
    shutil.copyfile(Path(__file__).parents[1] / "store" / "fixtures" / "schema_v7.pmdesk", source)
    with Workspace.open(source, read_only=True) as ws:
        expected = [
            (s.name, s.product_id, s.changed_rows) for s in ws.service(WhatIfService).scenarios()
        ]
        changes = ws.service(WhatIfService).changes_of(ws.service(WhatIfService).scenarios()[0].id)
    file_to_team(source, empty_db, pg_server.password)
    with connect_workspace(empty_db, pg_server.password, listen=False) as ws:
        scenarios = ws.service(WhatIfService)
        found = scenarios.scenarios()
        assert [(s.name, s.product_id, s.changed_rows) for s in found] == expected
        assert scenarios.changes_of(found[0].id) == changes
        copy = scenarios.open_copy(found[0].id, tmp_path / "copy.pmdesk")
        with Workspace.open(copy, read_only=True) as opened:
            names = [i.name for i in opened.service(RoadmapService).items_of(found[0].product_id)]
        assert "Early access 🚀" in names
