"""The whole portfolio as JSON: lossless round trip, clear refusals, nothing left behind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from _interchange_data import TRICKY, build_portfolio

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.importing import ImportFileError, ImportRefused, table_counts
from pmdesk.exchange.json_io import FORMAT, VERSION, export_json, import_json, import_json_into
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

NOW = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def exported(workspace) -> bytes:
    build_portfolio(workspace)
    return export_json(workspace, now=NOW)


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty folder of its own (the workspace fixture's file sits in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _without_stamp(data: bytes) -> dict:
    document = json.loads(data)
    document.pop("exported_at")
    return document


def test_the_document_is_versioned_and_holds_every_table(workspace, exported):
    document = json.loads(exported)
    assert (document["format"], document["version"]) == (FORMAT, VERSION)
    assert document["exported_at"] == "2025-05-01T09:30:00Z"
    counts = table_counts(workspace)
    assert {name: len(rows) for name, rows in document["tables"].items()} == {
        name: count for name, count in counts.items() if name != "meta"
    }
    assert all(count for name, count in counts.items()), "the fixture fills every table"


def test_export_import_export_gives_the_same_document(exported, tmp_path):
    path = import_json(exported, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        again = export_json(copy, now=NOW + dt.timedelta(hours=1))
        assert copy.check().ok
        names = [p.name for p in copy.service(PortfolioService).list_products()]
    assert _without_stamp(again) == _without_stamp(exported)
    assert f"Widget {TRICKY}" in names


def test_an_empty_workspace_can_be_filled(exported, tmp_path):
    with Workspace.create(tmp_path / "empty.pmdesk") as target:
        result = import_json_into(target, exported)
        assert _without_stamp(export_json(target)) == _without_stamp(exported)
        assert result.count("product") == 2


def test_a_workspace_with_data_is_not_filled(workspace, exported):
    with pytest.raises(PmdeskError, match="empty workspace"):
        import_json_into(workspace, exported)


def test_a_missing_folder_is_refused_clearly(exported, tmp_path):
    with pytest.raises(PmdeskError, match="no such folder"):
        import_json(exported, tmp_path / "nowhere" / "new.pmdesk")


def test_an_existing_file_is_never_overwritten(exported, tmp_path):
    target = tmp_path / "taken.pmdesk"
    target.write_bytes(b"precious")
    with pytest.raises(PmdeskError, match="already exists"):
        import_json(exported, target)
    assert target.read_bytes() == b"precious"


def _mutated(exported: bytes, change) -> bytes:
    document = json.loads(exported)
    change(document)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a pmdesk portfolio"),
        (lambda d: d.update(version=VERSION + 1), "newer pmdesk"),
        (lambda d: d.update(version="1"), "no valid format version"),
        (lambda d: d.pop("tables"), "no “tables”"),
    ],
)
def test_a_wrong_header_is_refused_clearly_and_leaves_no_file(exported, out, change, message):
    with pytest.raises(ImportFileError, match=message):
        import_json(_mutated(exported, change), out / "new.pmdesk")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    "data",
    [b"{", b"[]", b"null", b'{"format": "pmdesk-portfolio", ', b"\xff\xfe\x00", b'{"format": NaN}'],
)
def test_malformed_json_is_refused_and_leaves_no_file(tmp_path, data: bytes):
    with pytest.raises(ImportFileError):
        import_json(data, tmp_path / "new.pmdesk")
    assert list(tmp_path.iterdir()) == []


def test_every_bad_row_is_reported_with_table_row_and_column(exported, out):
    def break_rows(document):
        tables = document["tables"]
        tables["product"][0]["stage"] = "heaven"
        tables["product"][1]["name"] = 42
        tables["roadmap_item"][0]["start_date"] = "someday"
        tables["risk"][0]["likelihood"] = 9
        tables["lane"][0]["mystery"] = True
        tables["unknown_table"] = []

    with pytest.raises(ImportRefused) as refused:
        import_json(_mutated(exported, break_rows), out / "new.pmdesk")
    text = [str(e) for e in refused.value.errors]
    assert any(t.startswith("product row 1: stage:") for t in text)
    assert any(t.startswith("product row 2: name: should be text") for t in text)
    assert any(t.startswith("roadmap_item row 1: start_date:") for t in text)
    assert any(t.startswith("risk row 1: Likelihood:") for t in text)
    assert any("“mystery” is not a column" in t for t in text)
    assert any(t.startswith("unknown_table") for t in text)
    assert list(out.iterdir()) == []


def test_a_broken_reference_fails_in_the_database_and_leaves_no_file(exported, out):
    def dangle(document):
        document["tables"]["roadmap_item"][0]["lane_id"] = 9999

    with pytest.raises(PmdeskError):
        import_json(_mutated(exported, dangle), out / "new.pmdesk")
    assert list(out.iterdir()) == []


def test_children_listed_before_their_parents_still_import(exported, tmp_path):
    def reverse_items(document):
        document["tables"]["roadmap_item"].reverse()

    path = import_json(_mutated(exported, reverse_items), tmp_path / "new.pmdesk")
    with Workspace.open(path) as copy:
        assert _without_stamp(export_json(copy)) == _without_stamp(exported)


def test_the_export_is_written_to_a_file_when_asked(workspace, tmp_path: Path):
    dest = tmp_path / "portfolio.json"
    assert export_json(workspace, dest, now=NOW) == dest.read_bytes()
