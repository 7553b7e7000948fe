"""pmdesk what-if and pmdesk export --what-if, run as a person runs them, on real files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pmdesk.cli import main
from pmdesk.store.demo import create_demo
from pmdesk.store.figures_wording import span_text
from pmdesk.store.services import LaunchService, PortfolioService, RoadmapService, WhatIfService
from pmdesk.store.workspace import Workspace

NAME = "Ship Edge early <&> 🚀"
PILOT = "Partner marketplace pilot"  # the last item of Pulse Cloud: the critical path's end


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


@pytest.fixture
def demo(demo_file, tmp_path) -> Path:
    path = tmp_path / "plan.pmdesk"
    shutil.copyfile(demo_file, path)
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _pilot(path: Path):
    with Workspace.open(path, read_only=True) as ws:
        pid = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        [item] = [i for i in ws.service(RoadmapService).items_of(pid) if i.name == PILOT]
        [launch] = ws.service(LaunchService).launches_of(pid)
    return item, launch


def _work_on(path: Path, folder: Path) -> None:
    """What a person does in the scenario's window: the pilot 30 days later, the launch
    a week earlier; each edit saved into the scenario."""
    with Workspace.open(path) as ws:
        scenarios = ws.service(WhatIfService)
        row = scenarios.by_name(NAME)
        copy_path = scenarios.open_copy(row.id, folder / "scenario.pmdesk")
        with Workspace.open(copy_path) as copy:
            pid = copy.service(PortfolioService).product_by_name("Pulse Cloud").id
            roadmap = copy.service(RoadmapService)
            [pilot] = [i for i in roadmap.items_of(pid) if i.name == PILOT]
            later = dt.timedelta(days=30)
            roadmap.items.update_many(
                {
                    pilot.id: {
                        "start_date": pilot.start_date + later,
                        "end_date": pilot.end_date + later,
                    }
                }
            )
            scenarios.save_from(row.id, copy)
            launches = copy.service(LaunchService)
            [launch] = launches.launches_of(pid)
            launches.launches.update(
                launch.id, launch_date=launch.launch_date - dt.timedelta(days=7)
            )
            scenarios.save_from(row.id, copy)


def _roadmap_rows(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "roadmap_item.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def test_a_scenario_from_the_command_line_to_the_plan(demo, tmp_path, capsys, monkeypatch):
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # where the copies go
    code, out, _err = _run(capsys, "what-if", str(demo), "list")
    assert code == 0 and "No what-if scenarios yet" in out

    code, out, _err = _run(
        capsys, "what-if", str(demo), "new", NAME, "--product", "Pulse Cloud", "--note", "Board"
    )
    assert code == 0 and f"What-if “{NAME}” of Pulse Cloud made" in out
    code, out, err = _run(capsys, "what-if", str(demo), "new", NAME)
    assert code == 2 and "already exists" in err

    _work_on(demo, tmp_path)
    pilot, launch = _pilot(demo)
    code, out, _err = _run(capsys, "what-if", str(demo), "list", "--json")
    [listed] = json.loads(out)
    assert (listed["name"], listed["product"], listed["note"]) == (NAME, "Pulse Cloud", "Board")
    assert listed["changed_rows"] > 2  # the pilot, the launch and the tasks that follow it

    code, out, _err = _run(capsys, "what-if", str(demo), "compare", NAME, "--json")
    assert code == 0
    document = json.loads(out)
    assert (document["scenario"], document["product"], document["currency"]) == (
        NAME,
        "Pulse Cloud",
        "EUR",
    )
    figures = document["figures"]
    assert figures["critical_path_end"]["plan"] == pilot.end_date.isoformat()
    assert figures["critical_path_end"]["difference_days"] == 30
    assert figures["launch_date"] == {
        "plan": launch.launch_date.isoformat(),
        "scenario": (launch.launch_date - dt.timedelta(days=7)).isoformat(),
        "difference_days": -7,
    }
    assert figures["npv"]["difference"] == 0 and figures["npv"]["plan"] > 0
    assert 0 <= figures["readiness"]["plan"] <= 1
    [moved] = document["moved"]
    assert (moved["id"], moved["name"], moved["slip_days"]) == (pilot.id, PILOT, 30)
    assert moved["plan"] == [pilot.start_date.isoformat(), pilot.end_date.isoformat()]
    assert (document["added"], document["removed"]) == ([], [])

    code, out, _err = _run(capsys, "what-if", str(demo), "compare", NAME)
    assert code == 0
    assert f"What-if “{NAME}” against the plan — Pulse Cloud" in out
    lines = {line.split("  ")[0]: line for line in out.splitlines()}
    assert lines["Critical path end"].endswith("+30 days")
    assert lines["Launch date"].endswith("-7 days")
    assert lines["NPV (base scenario)"].endswith("no change")
    assert f"  {PILOT}: {span_text((pilot.start_date, pilot.end_date))} → " in out
    assert "(start +30 days; end +30 days)" in out  # worded as the window words it

    # An export of the plan shows no scenario; asked for, it is the scenario's.
    assert _run(capsys, "export", "csv", str(demo), "-o", str(tmp_path / "plan"))[0] == 0
    assert _roadmap_rows(tmp_path / "plan")[PILOT]["end_date"] == pilot.end_date.isoformat()
    assert not (tmp_path / "plan" / "what_if.csv").exists()
    argv = ["export", "csv", str(demo), "--what-if", NAME, "-o", str(tmp_path / "scenario")]
    assert _run(capsys, *argv)[0] == 0
    moved_end = (pilot.end_date + dt.timedelta(days=30)).isoformat()
    assert _roadmap_rows(tmp_path / "scenario")[PILOT]["end_date"] == moved_end
    assert list(temporary.iterdir()) == []  # the scenario's copies are gone

    code, out, _err = _run(capsys, "what-if", str(demo), "promote", NAME)
    assert code == 0 and f"Promoted “{NAME}” to the plan" in out
    pilot_now, launch_now = _pilot(demo)
    assert pilot_now.end_date.isoformat() == moved_end
    assert launch_now.launch_date == launch.launch_date - dt.timedelta(days=7)
    code, out, _err = _run(capsys, "what-if", str(demo), "list")
    assert "No what-if scenarios yet" in out


def test_refusals_say_what_to_do(demo, tmp_path, capsys):
    assert _run(capsys, "what-if", str(demo), "new", "Portfolio <as is>")[0] == 0
    code, _out, err = _run(capsys, "what-if", str(demo), "promote", "Nope")
    assert code == 2
    assert "no what-if scenario named “Nope” (there are: “Portfolio <as is>”)" in err
    code, _out, err = _run(capsys, "what-if", str(demo), "compare")
    assert code == 2 and "what-if compare needs the scenario's NAME" in err
    code, _out, err = _run(capsys, "what-if", str(demo), "list", "--product", "Pulse Cloud")
    assert code == 2 and "--product goes with what-if new" in err
    code, _out, err = _run(capsys, "what-if", str(demo), "new", "X", "--product", "Nope")
    assert code == 2 and "Nope" in err
    argv = ["export", "csv", str(demo), "--what-if", "Portfolio <as is>", "--as-of", "2026-01-01"]
    code, _out, err = _run(capsys, *argv, "-o", str(tmp_path / "out"))
    assert code == 2 and "not both" in err
    code, _out, err = _run(capsys, "export", "json", str(demo), "--what-if", "Nope", "-o", "x")
    assert code == 2 and "no what-if scenario named “Nope”" in err


def test_discard_leaves_the_plan_as_it_was(demo, tmp_path, capsys):
    assert _run(capsys, "what-if", str(demo), "new", NAME, "--product", "Pulse Cloud")[0] == 0
    _work_on(demo, tmp_path)
    before, _launch = _pilot(demo)
    code, out, _err = _run(capsys, "what-if", str(demo), "discard", NAME)
    assert code == 0 and f"Discarded “{NAME}”" in out
    after, _launch = _pilot(demo)
    assert (after.start_date, after.end_date) == (before.start_date, before.end_date)
    assert "No what-if scenarios yet" in _run(capsys, "what-if", str(demo), "list")[1]


def test_a_new_workspace_compares_a_scenario_of_nothing(tmp_path, capsys):
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path) as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    assert _run(capsys, "what-if", str(path), "new", "Idle", "--product", "Atlas")[0] == 0
    code, out, _err = _run(capsys, "what-if", str(path), "compare", "Idle", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["figures"]["critical_path_end"] == {
        "plan": None,
        "scenario": None,
        "difference_days": None,
    }
    assert document["figures"]["npv"] == {"plan": None, "scenario": None, "difference": None}
    assert document["currency"] is None
    code, out, _err = _run(capsys, "what-if", str(path), "compare", "Idle")
    assert "No roadmap item of the product moves in this scenario." in out


def test_the_installed_command_runs_it(demo):
    """The real entry point, in a process of its own, while nothing else holds the file."""
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "what-if", str(demo), "new", NAME],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "what-if", str(demo), "list"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout.startswith(f"{NAME}  (the portfolio; 0 rows")
