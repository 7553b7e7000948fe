"""What-if scenarios: branch the plan into a copy, change it there, compare, promote or discard.

The plan is a real workspace file (the demo, made for a fixed day, or a new empty one);
the scenario's copy is a real file too, edited through the same services the window uses.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from format_files import FIXTURES, LATEST, assert_refused_untouched, copy_fixture

from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.exchange.json_io import export_json, import_json
from pmdesk.exchange.pdf import export_pdf
from pmdesk.exchange.tabular import export_all
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    HistoryService,
    LaunchService,
    PortfolioService,
    RoadmapService,
    WhatIfService,
)
from pmdesk.store.services.what_if import COPY_OF
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 12, 5)
NAME = "Ship Edge early"
PILOT = "Partner marketplace pilot"  # the demo's last item of Pulse Cloud: the path's end
DAYS = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk", today=TODAY)


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "plan.pmdesk"
    shutil.copyfile(demo_file, path)
    with Workspace.open(path) as ws:
        yield ws


def _item(ws, product_id: int, name: str):
    [found] = [i for i in ws.service(RoadmapService).items_of(product_id) if i.name == name]
    return found


def _pulse(ws) -> int:
    return ws.service(PortfolioService).product_by_name("Pulse Cloud").id


def _move(ws, item, days: int) -> None:
    """As the roadmap's drag does it: MoveItemsCommand's update_many."""
    shift = dt.timedelta(days=days)
    ws.service(RoadmapService).items.update_many(
        {item.id: {"start_date": item.start_date + shift, "end_date": item.end_date + shift}}
    )


def _worked_on(ws, tmp_path: Path, name: str = NAME) -> tuple[int, int]:
    """A scenario of Pulse Cloud: the pilot 30 days later, the launch 14 days earlier."""
    pid = _pulse(ws)
    scenarios = ws.service(WhatIfService)
    scenario = scenarios.create(name, pid, note="What the board asked")
    path = scenarios.open_copy(scenario.id, tmp_path / "scenario.pmdesk")
    with Workspace.open(path) as copy:
        _move(copy, _item(copy, pid, PILOT), 30)
        launches = copy.service(LaunchService)
        [launch] = launches.launches_of(pid)
        launches.launches.update(launch.id, launch_date=launch.launch_date - 14 * DAYS)
        assert scenarios.save_from(scenario.id, copy) > 2  # the item, the launch, its tasks
    path.unlink()
    return scenario.id, pid


# -- naming ---------------------------------------------------------------------------------------


def test_names_are_unique_and_refusals_say_why(workspace):
    scenarios = workspace.service(WhatIfService)
    pid = workspace.service(PortfolioService).create_product(name="Atlas").id
    made = scenarios.create("  Ship <early> & “fast” 🚀 ", pid, note="Why not")
    assert (made.name, made.product_id, made.note, made.changed_rows) == (
        "Ship <early> & “fast” 🚀",
        pid,
        "Why not",
        0,
    )
    with pytest.raises(ValidationError, match="already exists"):
        scenarios.create("Ship <early> & “fast” 🚀", None)
    with pytest.raises(ValidationError, match="needs a name"):
        scenarios.create("   ", None)
    with pytest.raises(ValidationError, match="at most 200 characters"):
        scenarios.create("x" * 201, None)
    with pytest.raises(NotFoundError):
        scenarios.create("Of nothing", 99)
    other = scenarios.create("x" * 200, None)
    with pytest.raises(ValidationError, match="already exists"):
        scenarios.rename(other.id, " Ship <early> & “fast” 🚀")
    scenarios.rename(other.id, "Portfolio as is")
    scenarios.set_note(other.id, "All of it <&>")
    assert scenarios.get(other.id).note == "All of it <&>"
    scenarios.rename(made.id, "Ship <early> & “fast” 🚀")  # its own name: nothing to do
    assert [s.name for s in scenarios.scenarios()] == [
        "Ship <early> & “fast” 🚀",
        "Portfolio as is",
    ]
    assert scenarios.by_name(" Portfolio as is ").id == other.id
    with pytest.raises(ValidationError, match="no what-if scenario named “Later”"):
        scenarios.by_name("Later")


def test_a_scenarios_bookkeeping_is_no_edit_of_the_plan(demo, tmp_path):
    history = demo.service(HistoryService)
    before = history.counts()
    scenario_id, _pid = _worked_on(demo, tmp_path)
    scenarios = demo.service(WhatIfService)
    scenarios.rename(scenario_id, "Renamed")
    scenarios.discard(scenario_id)
    assert history.counts() == before


# -- the copy -------------------------------------------------------------------------------------


def test_a_new_scenarios_copy_is_the_plan_without_scenarios(demo, tmp_path):
    scenarios = demo.service(WhatIfService)
    first = scenarios.create("First", None)
    second = scenarios.create("Second", _pulse(demo))
    path = scenarios.open_copy(second.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        assert copy.service(WhatIfService).scenarios() == []
        assert WhatIfService.copy_of(copy) == second.id
        assert scenarios.copy_changes(copy) == []
        pid = _pulse(demo)
        ours = {
            i.id: (i.start_date, i.end_date) for i in demo.service(RoadmapService).items_of(pid)
        }
        theirs = {
            i.id: (i.start_date, i.end_date) for i in copy.service(RoadmapService).items_of(pid)
        }
        assert theirs == ours
        with pytest.raises(ValidationError, match="copy of another what-if scenario"):
            scenarios.save_from(first.id, copy)
    assert WhatIfService.copy_of(demo) is None
    with pytest.raises(ValidationError, match="no what-if scenario's copy"):
        scenarios.save_from(first.id, demo)


def test_the_demo_scenario_from_copy_to_promotion_and_back(demo, tmp_path):
    scenario_id, pid = _worked_on(demo, tmp_path)
    scenarios = demo.service(WhatIfService)
    pilot = _item(demo, pid, PILOT)
    [launch] = demo.service(LaunchService).launches_of(pid)
    assert scenarios.get(scenario_id).changed_rows > 2
    # The plan is untouched.
    assert _item(demo, pid, PILOT).start_date == pilot.start_date

    # Opened again, the copy shows what was done in it.
    path = scenarios.open_copy(scenario_id, tmp_path / "again.pmdesk")
    with Workspace.open(path) as copy:
        moved = _item(copy, pid, PILOT)
        assert (moved.start_date, moved.end_date) == (
            pilot.start_date + 30 * DAYS,
            pilot.end_date + 30 * DAYS,
        )
        [early] = copy.service(LaunchService).launches_of(pid)
        assert early.launch_date == launch.launch_date - 14 * DAYS

    comparison = scenarios.compare(scenario_id, today=TODAY)
    plan, scenario = comparison.plan, comparison.scenario
    assert plan.critical_path_end == pilot.end_date  # the pilot ends the plan
    assert scenario.critical_path_end == plan.critical_path_end + 30 * DAYS
    assert plan.launch_date == launch.launch_date
    assert scenario.launch_date == plan.launch_date - 14 * DAYS
    assert scenario.npv == plan.npv and scenario.currency == plan.currency == "EUR"
    assert plan.readiness == scenario.readiness  # the tasks moved with the launch, none done
    assert comparison.moved == [
        (
            pilot.id,
            PILOT,
            (pilot.start_date, pilot.end_date),
            (pilot.start_date + 30 * DAYS, pilot.end_date + 30 * DAYS),
        )
    ]
    assert (comparison.added, comparison.removed) == ([], [])

    with demo.recording() as promoted:
        label = scenarios.promote(scenario_id)
    assert label == f"Promote “{NAME}” to the plan"
    now = _item(demo, pid, PILOT)
    assert (now.start_date, now.end_date) == (
        pilot.start_date + 30 * DAYS,
        pilot.end_date + 30 * DAYS,
    )
    assert demo.service(LaunchService).launches_of(pid)[0].launch_date == scenario.launch_date
    assert scenarios.scenarios() == []
    # The promotion is one edit of the plan, under its label, as the changes it made.
    edit = demo.service(HistoryService).entity_history("roadmap_item", pilot.id)[-1]
    assert edit[2] == label

    demo.revert(promoted)  # what Undo does
    back = _item(demo, pid, PILOT)
    assert (back.start_date, back.end_date) == (pilot.start_date, pilot.end_date)
    assert demo.service(LaunchService).launches_of(pid)[0].launch_date == launch.launch_date
    [restored] = scenarios.scenarios()
    assert (restored.id, restored.name, restored.changed_rows) == (
        scenario_id,
        NAME,
        scenarios.get(scenario_id).changed_rows,
    )
    assert restored.changed_rows > 2
    demo.replay(promoted)  # and Redo
    assert scenarios.scenarios() == []
    assert _item(demo, pid, PILOT).end_date == pilot.end_date + 30 * DAYS


def test_a_plan_edited_meanwhile_keeps_its_edit_after_promotion(demo, tmp_path):
    scenario_id, pid = _worked_on(demo, tmp_path)
    dashboards = _item(demo, pid, "Custom dashboards")
    pilot = _item(demo, pid, PILOT)
    _move(demo, dashboards, 7)  # someone moves another item in the plan
    demo.service(WhatIfService).promote(scenario_id)
    assert _item(demo, pid, "Custom dashboards").start_date == dashboards.start_date + 7 * DAYS
    assert _item(demo, pid, PILOT).start_date == pilot.start_date + 30 * DAYS


def test_an_item_the_scenario_adds_gets_a_fresh_id_when_the_plan_took_its_id(demo, tmp_path):
    pid = _pulse(demo)
    scenarios = demo.service(WhatIfService)
    scenario = scenarios.create("With a pilot wave", pid)
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    pilot = _item(demo, pid, PILOT)
    with Workspace.open(path) as copy:
        roadmap = copy.service(RoadmapService)
        wave = roadmap.items.create(
            product_id=pid,
            lane_id=pilot.lane_id,
            name="Pilot wave <2> 🚀",
            start_date=pilot.end_date + DAYS,
            end_date=pilot.end_date + 20 * DAYS,
        )
        roadmap.dependencies.create(predecessor_id=pilot.id, successor_id=wave.id)
        scenarios.save_from(scenario.id, copy)
    # Meanwhile the plan gets an item of its own: it takes the id the scenario's item had.
    taken = demo.service(RoadmapService).items.create(
        product_id=pid,
        lane_id=pilot.lane_id,
        name="Plan's own item",
        start_date=pilot.start_date,
        end_date=pilot.start_date,
    )
    assert taken.id == wave.id

    comparison = scenarios.compare(scenario.id, today=TODAY)
    assert comparison.added == ["Pilot wave <2> 🚀"]
    assert comparison.removed == []
    assert comparison.scenario.critical_path_end == pilot.end_date + 20 * DAYS

    scenarios.promote(scenario.id)
    roadmap = demo.service(RoadmapService)
    assert roadmap.items.get(taken.id).name == "Plan's own item"
    added = _item(demo, pid, "Pilot wave <2> 🚀")
    assert added.id not in (taken.id, wave.id)
    links = {(d.predecessor_id, d.successor_id) for d in roadmap.dependencies_of(pid)}
    assert (pilot.id, added.id) in links  # the link followed the item to its new id
    assert demo.check().ok


def test_a_scenario_whose_item_the_plan_deleted_since_still_opens_and_promotes(demo, tmp_path):
    scenario_id, pid = _worked_on(demo, tmp_path)
    pilot = _item(demo, pid, PILOT)
    demo.service(RoadmapService).items.delete([pilot.id])
    scenarios = demo.service(WhatIfService)
    comparison = scenarios.compare(scenario_id, today=TODAY)
    assert comparison.moved == [] and PILOT not in comparison.added
    scenarios.promote(scenario_id)
    assert PILOT not in [i.name for i in demo.service(RoadmapService).items_of(pid)]
    assert scenarios.scenarios() == []


def test_a_scenario_whose_lane_the_plan_deleted_is_refused_plainly_and_kept(demo, tmp_path):
    pid = _pulse(demo)
    scenarios = demo.service(WhatIfService)
    scenario = scenarios.create("Into a lane", pid)
    lane = demo.service(RoadmapService).lanes.create(product_id=pid, name="Soon gone")
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        copy.service(RoadmapService).items.create(
            product_id=pid,
            lane_id=lane.id,
            name="Orphan",
            start_date="2027-01-04",
            end_date="2027-01-08",
        )
        scenarios.save_from(scenario.id, copy)
    demo.service(RoadmapService).lanes.delete([lane.id])
    dest = tmp_path / "again.pmdesk"
    with pytest.raises(ValidationError, match="“Orphan” belongs to the lane .* which is gone"):
        scenarios.open_copy(scenario.id, dest)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("again")) == []
    items = len(demo.service(RoadmapService).items_of(pid))
    with pytest.raises(ValidationError, match="which is gone"):
        scenarios.promote(scenario.id)
    assert len(demo.service(RoadmapService).items_of(pid)) == items
    assert scenarios.get(scenario.id).changed_rows == 1  # kept: it can still be discarded


def test_saving_again_replaces_the_changes_and_an_undone_edit_is_no_change(demo, tmp_path):
    pid = _pulse(demo)
    scenarios = demo.service(WhatIfService)
    scenario = scenarios.create(NAME, pid)
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        pilot = _item(copy, pid, PILOT)
        with copy.recording() as moved:
            _move(copy, pilot, 10)
        assert scenarios.save_from(scenario.id, copy) == 1
        [change] = scenarios.changes_of(scenario.id)
        assert (change.table, change.key, change.name) == ("roadmap_item", pilot.id, PILOT)
        assert change.fields["end_date"] == [
            pilot.end_date.isoformat(),
            (pilot.end_date + 10 * DAYS).isoformat(),
        ]
        copy.revert(moved)  # undo in the scenario's window
        assert scenarios.save_from(scenario.id, copy) == 0
    assert scenarios.changes_of(scenario.id) == []
    assert scenarios.get(scenario.id).changed_rows == 0


def test_a_text_longer_than_the_history_keeps_reaches_the_plan_whole(demo, tmp_path):
    pid = _pulse(demo)
    scenarios = demo.service(WhatIfService)
    scenario = scenarios.create("Long notes", pid)
    text = "Why <we> move & “how” 🚀 " * 800  # 20,000 characters; the history keeps 8,000
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        pilot = _item(copy, pid, PILOT)
        copy.service(RoadmapService).items.update(pilot.id, notes=text)
        assert scenarios.save_from(scenario.id, copy) == 1
    path.unlink()
    again = scenarios.open_copy(scenario.id, tmp_path / "again.pmdesk")
    with Workspace.open(again, read_only=True) as copy:
        assert _item(copy, pid, PILOT).notes == text
    scenarios.promote(scenario.id)
    assert _item(demo, pid, PILOT).notes == text


def test_a_scenario_of_the_portfolio_compares_the_product_it_changes(demo, tmp_path):
    scenarios = demo.service(WhatIfService)
    scenario = scenarios.create("Whole portfolio", None)
    vega = demo.service(PortfolioService).product_by_name("Vega Benchtop Analyser").id
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        item = copy.service(RoadmapService).items_of(vega)[0]
        _move(copy, item, 5)
        scenarios.save_from(scenario.id, copy)
    comparison = scenarios.compare(scenario.id, today=TODAY)
    assert comparison.plan.product_id == comparison.scenario.product_id == vega
    assert [m[0] for m in comparison.moved] == [item.id]


def test_discard_is_one_undoable_step(demo, tmp_path):
    scenario_id, pid = _worked_on(demo, tmp_path)
    scenarios = demo.service(WhatIfService)
    changes = scenarios.changes_of(scenario_id)
    pilot = _item(demo, pid, PILOT)
    with demo.recording() as discarded:
        scenarios.discard(scenario_id)
    assert scenarios.scenarios() == []
    with pytest.raises(NotFoundError):
        scenarios.discard(scenario_id)
    with pytest.raises(NotFoundError):
        scenarios.promote(scenario_id)
    assert _item(demo, pid, PILOT).end_date == pilot.end_date  # the plan as it was
    demo.revert(discarded)
    assert scenarios.changes_of(scenario_id) == changes
    assert scenarios.get(scenario_id).changed_rows == len(changes) > 2


def test_a_scenario_goes_with_its_product_and_comes_back_with_it(demo, tmp_path):
    scenario_id, pid = _worked_on(demo, tmp_path)
    portfolio = demo.service(PortfolioService)
    with demo.recording() as deleted:
        portfolio.products.delete([pid])
    assert demo.service(WhatIfService).scenarios() == []
    demo.revert(deleted)
    assert demo.service(WhatIfService).get(scenario_id).name == NAME


# -- a new, empty workspace ---------------------------------------------------------------------


def test_a_new_workspace_scenario_adds_a_product_and_its_plan(workspace, tmp_path):
    scenarios = workspace.service(WhatIfService)
    with pytest.raises(ValidationError, match="no product"):
        scenarios.compare(scenarios.create("Empty", None).id)
    scenario = scenarios.create("A first product", None)
    path = scenarios.open_copy(scenario.id, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        product = copy.service(PortfolioService).create_product(name="Atlas <1> 🚀")
        roadmap = copy.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=product.id, name="Build")
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name="Prototype",
            start_date="2027-01-04",
            end_date="2027-02-26",
        )
        assert scenarios.save_from(scenario.id, copy) >= 4  # product, stage, lane, item
    comparison = scenarios.compare(scenario.id, today=TODAY)
    assert comparison.plan.items == {} and comparison.plan.critical_path_end is None
    assert comparison.scenario.critical_path_end == dt.date(2027, 2, 26)
    assert comparison.added == ["Prototype"]
    assert workspace.service(PortfolioService).list_products() == []
    scenarios.promote(scenario.id)
    [product] = workspace.service(PortfolioService).list_products()
    assert product.name == "Atlas <1> 🚀"
    assert [i.name for i in workspace.service(RoadmapService).items_of(product.id)] == ["Prototype"]
    assert [s.name for s in scenarios.scenarios()] == ["Empty"]


# -- exports --------------------------------------------------------------------------------------


def test_no_export_of_the_plan_shows_a_scenario_unless_asked(demo, tmp_path):
    pid = _pulse(demo)
    before = _pdf_words(demo, pid, tmp_path / "before.pdf")
    scenario_id, pid = _worked_on(demo, tmp_path, name="Secret <plan> 🚀")
    pilot = _item(demo, pid, PILOT)
    moved_end = (pilot.end_date + 30 * DAYS).isoformat()

    document = json.loads(export_json(demo))
    assert "what_if" not in document["tables"]
    [row] = [r for r in document["tables"]["roadmap_item"] if r["id"] == pilot.id]
    assert row["end_date"] == pilot.end_date.isoformat()
    assert "Secret <plan>" not in json.dumps(document, ensure_ascii=False)

    export_all(demo, tmp_path / "csv")
    for path in (tmp_path / "csv").iterdir():
        text = path.read_text(encoding="utf-8-sig")
        assert "Secret <plan>" not in text and moved_end not in text, path.name

    words = _pdf_words(demo, pid, tmp_path / "after.pdf")
    assert "Pulse Cloud — roadmap" in words and "Secret" not in words
    assert words == before  # the plan's poster, as if there were no scenario

    # Asked for, the JSON carries the scenario, and brings it back.
    asked = tmp_path / "with.json"
    export_json(demo, asked, what_ifs=True)
    [kept] = json.loads(asked.read_text(encoding="utf-8"))["tables"]["what_if"]
    assert kept["name"] == "Secret <plan> 🚀" and len(kept["changes"]) > 2
    with Workspace.open(import_json(asked, tmp_path / "imported.pmdesk")) as copy:
        [back] = copy.service(WhatIfService).scenarios()
        assert back.name == "Secret <plan> 🚀"
        assert copy.service(WhatIfService).changes_of(back.id) == demo.service(
            WhatIfService
        ).changes_of(scenario_id)


def _pdf_words(ws, product_id: int, path: Path) -> str:
    export_pdf(ws, "roadmap", path, product_id=product_id)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    return " ".join(text.decode().split())


# -- the file format ----------------------------------------------------------------------------


def test_the_format_7_fixture_reads_back_and_its_scenario_opens(tmp_path):
    path = copy_fixture(FIXTURES / "schema_v7.pmdesk", tmp_path)
    with Workspace.open(path) as ws:
        scenarios = ws.service(WhatIfService)
        early, whole = scenarios.scenarios()
        assert (early.name, early.note) == (
            "Ship <Atlas> early — 🚀",
            'Pricing <draft> & "beta" — café 🚀',
        )
        assert (early.changed_rows, whole.name, whole.product_id) == (2, "Portfolio <as is>", None)
        copy_path = scenarios.open_copy(early.id, tmp_path / "copy.pmdesk")
        comparison = scenarios.compare(early.id, today=dt.date(2026, 9, 1))
    with Workspace.open(copy_path, read_only=True) as copy:
        names = {i.name: i for i in copy.service(RoadmapService).items_of(early.product_id)}
    assert names["Launch"].start_date == dt.date(2026, 11, 20)
    assert names["Early access 🚀"].end_date == dt.date(2026, 11, 13)
    assert comparison.added == ["Early access 🚀"]
    assert [(name, new) for _id, name, _old, new in comparison.moved] == [
        ("Launch", (dt.date(2026, 11, 20), dt.date(2026, 11, 20)))
    ]


REFUSED = {
    "changes that are not a list": (
        'UPDATE what_if SET changes = \'{"table": "product"}\'',
        "changes holds",
    ),
    "changes that are not JSON": ("UPDATE what_if SET changes = '[oops'", "not JSON array"),
    "a blank name": (
        "UPDATE what_if SET name = '  ' WHERE product_id IS NULL",
        "breaks the rule “name not blank”",
    ),
    "a name too long": (
        "UPDATE what_if SET name = printf('%.201c', 'x') WHERE product_id IS NULL",
        "text of at most 200 characters",
    ),
    "a creation time that is no time": (
        "UPDATE what_if SET created_at = 'yesterday'",
        "created at holds 'yesterday', not a date and time",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_scenario_value_pmdesk_cannot_use_is_refused_untouched(case, tmp_path):
    statement, expected = REFUSED[case]
    assert_refused_untouched(copy_fixture(LATEST, tmp_path), statement, expected)


def test_changes_written_elsewhere_are_left_out_not_a_crash(tmp_path):
    path = copy_fixture(LATEST, tmp_path)
    with Workspace.open(path) as ws:
        scenarios = ws.service(WhatIfService)
        early = scenarios.scenarios()[0]
        with ws.transaction() as uow:
            uow.update(
                "what_if",
                early.id,
                changes=[
                    1,
                    {"table": "roadmap_item"},
                    {"kind": "moved", "table": "x", "fields": {}},
                ],
            )
        assert scenarios.changes_of(early.id) == []
        copy = scenarios.open_copy(early.id, tmp_path / "copy.pmdesk")
        with Workspace.open(copy, read_only=True) as opened:
            assert opened.check().ok
            assert COPY_OF in {k for k in _meta_keys(opened)}


def _meta_keys(ws) -> set[str]:
    with ws.engine.connect() as conn:
        return {row[0] for row in conn.exec_driver_sql("SELECT key FROM meta")}
