"""``pmdesk history restore``, ``pmdesk history snapshots --rename/--delete`` and
``pmdesk export … --as-of`` on real files, through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pmdesk.cli import main
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import CUT_ITEM, Q3_REVIEW
from pmdesk.store.services import HistoryService, RoadmapService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def demo(tmp_path) -> Path:
    return create_demo(tmp_path / "demo <review> 🚀.pmdesk")


def _changes(path: Path, capsys) -> list[dict]:
    assert main(["changes", str(path), "--since", Q3_REVIEW, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["changes"]


def test_restore_brings_back_the_cut_feature_and_an_old_end_date(demo, capsys):
    [cut] = [c for c in _changes(demo, capsys) if c["name"] == CUT_ITEM]
    assert cut["kind"] == "removed"
    args = ["history", "restore", str(demo), "--entity", "roadmap_item", "--id", str(cut["id"])]
    assert main(args) == 0
    assert capsys.readouterr().out.strip().startswith(f"Restore “{CUT_ITEM}”: ")
    assert CUT_ITEM not in {c["name"] for c in _changes(demo, capsys)}
    assert main(args) != 0  # it is back, and has not changed since
    assert "nothing to restore" in capsys.readouterr().err

    [apps] = [c for c in _changes(demo, capsys) if c["name"] == "Monitoring apps"]
    with Workspace.open(demo, read_only=True) as ws:
        entries = ws.service(HistoryService).entity_history("roadmap_item", apps["id"])
    old_end = [e.fields["end_date"][0] for _at, _who, _l, e in entries if "end_date" in e.fields][
        -1
    ]  # from before its last change
    assert (
        main(
            [
                "history",
                "restore",
                str(demo),
                "--entity",
                "roadmap-item",
                "--id",
                str(apps["id"]),
                "--field",
                "end_date",
            ]
        )
        == 0
    )
    assert (
        capsys.readouterr().out.strip()
        == "Restore end date of “Monitoring apps”: end date as before"
    )
    with Workspace.open(demo, read_only=True) as ws:
        item = ws.service(RoadmapService).items.get(apps["id"])
        assert item.end_date.isoformat() == old_end
        assert item.status.value == apps["fields"]["status"][1]  # not asked for: as it was


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--entity", "roadmap_item"], "needs --entity TABLE and --id N"),
        (["--entity", "roadmap_item", "--id", "APPS", "--field", "colour"], "no field “colour”"),
        (["--entity", "meta", "--id", "1"], "nothing the history keeps"),
        (["--entity", "roadmap_item", "--id", "4242"], "holds nothing"),
        (["--entity", "roadmap_item", "--id", "APPS", "--rename", "a", "b"], "--rename and"),
    ],
)
def test_restore_refusals_say_why(demo, capsys, argv, message):
    with Workspace.open(demo, read_only=True) as ws:
        [apps] = [i for i in ws.service(RoadmapService).items.list() if i.name == "Monitoring apps"]
    argv = [str(apps.id) if a == "APPS" else a for a in argv]
    before = demo.read_bytes()
    assert main(["history", "restore", str(demo), *argv]) == 2
    assert message in capsys.readouterr().err
    assert demo.read_bytes() == before


def test_snapshots_are_renamed_and_deleted(demo, capsys):
    assert main(["history", "snapshots", str(demo), "--rename", Q3_REVIEW, "Q3 <final> 🚀"]) == 0
    assert capsys.readouterr().out.strip() == f"Snapshot “{Q3_REVIEW}” is now “Q3 <final> 🚀”"
    assert main(["history", "snapshots", str(demo)]) == 0
    listed = capsys.readouterr().out
    assert "Q3 <final> 🚀" in listed and Q3_REVIEW not in listed
    gate = "Gate: Analysis — Pulse Cloud"
    assert main(["history", "snapshots", str(demo), "--rename", gate, "Q3 <final> 🚀"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["history", "snapshots", str(demo), "--rename", gate, "  "]) == 2
    assert "cannot be empty" in capsys.readouterr().err
    assert main(["history", "snapshots", str(demo), "--delete", "Never taken"]) == 2
    assert "no snapshot named “Never taken”" in capsys.readouterr().err
    assert main(["history", "snapshots", str(demo), "--delete", "Q3 <final> 🚀"]) == 0
    assert "deleted" in capsys.readouterr().out
    with Workspace.open(demo, read_only=True) as ws:
        assert [s.name for s in ws.service(HistoryService).snapshots()] == [gate]
    assert main(["history", "compact", str(demo), "--delete", gate]) == 2
    assert "--rename and --delete go with" in capsys.readouterr().err


def test_export_as_of_a_snapshot_exports_the_workspace_as_it_was(
    demo, tmp_path, capsys, monkeypatch
):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = demo.read_bytes()
    then, now = tmp_path / "then.json", tmp_path / "now.json"
    assert main(["export", "json", str(demo), "--as-of", Q3_REVIEW, "-o", str(then)]) == 0
    assert capsys.readouterr().out.strip() == str(then)
    assert main(["export", "json", str(demo), "-o", str(now)]) == 0
    items_then, items_now = (
        {row["name"] for row in json.loads(p.read_text(encoding="utf-8"))["tables"]["roadmap_item"]}
        for p in (then, now)
    )
    assert CUT_ITEM in items_then and CUT_ITEM not in items_now
    added = "Regional data residency (EU/US)"
    assert added in items_now and added not in items_then
    assert len(items_then) == len(items_now)  # one cut, one added since
    assert demo.read_bytes() == before
    assert list(scratch.iterdir()) == []  # the copy is gone
    assert main(["export", "json", str(demo), "--as-of", "Never", "-o", str(tmp_path / "x")]) == 2
    assert "Never" in capsys.readouterr().err
    assert list(scratch.iterdir()) == [] and not (tmp_path / "x").exists()


def test_restore_in_a_real_process_on_a_new_empty_workspace(tmp_path):
    path = tmp_path / "empty.pmdesk"
    Workspace.create(path).close()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmdesk",
            "history",
            "restore",
            str(path),
            "--entity",
            "product",
            "--id",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "holds nothing of the product 1" in result.stderr and "Traceback" not in result.stderr
