"""The whole portfolio as JSON: lossless round trip, clear refusals, nothing left behind."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from _interchange_data import TRICKY, build_portfolio
from tests.file_rows import file_rows as _rows

from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.importing import ImportFileError, ImportRefused, table_counts
from pmdesk.exchange.json_io import FORMAT, VERSION, export_json, import_json, import_json_into
from pmdesk.store.services import CalendarService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

NOW = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def exported(workspace) -> bytes:
    build_portfolio(workspace)
    return export_json(workspace, now=NOW, what_ifs=True)  # every table: the scenarios too


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
    counts = table_counts(workspace, history=True)
    assert {name: len(rows) for name, rows in document["tables"].items()} == {
        name: count for name, count in counts.items() if name != "meta"
    }
    assert all(count for name, count in counts.items()), "the fixture fills every table"


def test_export_import_export_gives_the_same_document(exported, tmp_path):
    path = import_json(exported, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        again = export_json(copy, now=NOW + dt.timedelta(hours=1), what_ifs=True)
        assert copy.check().ok
        names = [p.name for p in copy.service(PortfolioService).list_products()]
    assert _without_stamp(again) == _without_stamp(exported)
    assert f"Widget {TRICKY}" in names


def test_an_empty_workspace_can_be_filled(exported, tmp_path):
    with Workspace.create(tmp_path / "empty.pmdesk") as target:
        result = import_json_into(target, exported)
        assert _without_stamp(export_json(target, what_ifs=True)) == _without_stamp(exported)
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
        assert _without_stamp(export_json(copy, what_ifs=True)) == _without_stamp(exported)


def test_the_export_is_written_to_a_file_when_asked(workspace, tmp_path: Path):
    dest = tmp_path / "portfolio.json"
    assert export_json(workspace, dest, now=NOW) == dest.read_bytes()


def test_calendars_and_lag_units_come_across(exported, tmp_path):
    document = json.loads(exported)
    tables = document["tables"]
    # The second product's own calendar started as a copy of the workspace's, holiday too.
    assert len(tables["work_calendar"]) == 2 and len(tables["calendar_exception"]) == 3
    assert {row["lag_unit"] for row in tables["dependency"]} == {"day", "week"}
    assert any(row["lag_elapsed"] for row in tables["dependency"])
    path = import_json(exported, tmp_path / "copy.pmdesk")
    with Workspace.open(path) as copy:
        calendars = copy.service(CalendarService)
        assert calendars.workspace_calendar().id == 1
        (holiday,) = calendars.effective(None).exceptions
        assert holiday.name == f"Holiday {TRICKY}"
        second = next(p for p in copy.service(PortfolioService).list_products() if p.id == 2)
        assert calendars.product_calendar(second.id).name == "Gulf week"
        assert calendars.effective(second.id).weekdays == 0b1001111


def test_a_workspace_calendar_under_another_id_updates_the_workspaces_own(exported, tmp_path):
    """Ids in a document are its own: a workspace calendar with id 7 and a product's with
    id 1 (the id the new workspace's calendar already has) both land, exceptions with them."""

    def renumber(document):
        calendars = document["tables"]["work_calendar"]
        moved = {1: 7, 2: 1}
        for row in calendars:
            row["id"] = moved[row["id"]]
        for row in document["tables"]["calendar_exception"]:
            row["calendar_id"] = moved[row["calendar_id"]]

    path = import_json(_mutated(exported, renumber), tmp_path / "renumbered.pmdesk")
    with Workspace.open(path) as copy:
        calendars = copy.service(CalendarService)
        assert len(calendars.calendars.list()) == 2
        assert [e.name for e in calendars.effective(None).exceptions] == [f"Holiday {TRICKY}"]
        assert [e.name for e in calendars.effective(2).exceptions] == [
            f"Holiday {TRICKY}",
            "Release Friday",
        ]
        assert calendars.product_calendar(2).name == "Gulf week"
        assert copy.check().ok


def test_two_workspace_calendars_are_refused(exported, out):
    def second_workspace_calendar(document):
        document["tables"]["work_calendar"][1]["product_id"] = None

    with pytest.raises(ImportRefused, match="one calendar without a product"):
        import_json(_mutated(exported, second_workspace_calendar), out / "new.pmdesk")
    assert list(out.iterdir()) == []


def _as_format_2(document: dict) -> None:
    """The document as pmdesk 0.2 wrote it: no calendars, no lag units, no milestone keys."""
    document["schema_version"] = 2
    tables = document["tables"]
    del tables["work_calendar"], tables["calendar_exception"]
    for row in tables["dependency"]:
        for column in ("lag_elapsed", "lag_unit", "lag_exact"):
            del row[column]
    for row in tables["elimination_review"]:
        del row["end_of_sale_item_id"], row["end_of_support_item_id"]


def test_a_document_from_an_older_pmdesk_still_imports(exported, tmp_path):
    def older(document):
        _as_format_2(document)
        # Format 2 found an elimination review's milestone by a marker in its notes.
        review = document["tables"]["elimination_review"][0]
        item = document["tables"]["roadmap_item"][0]
        item["kind"], item["start_date"], item["end_date"] = "milestone", "2025-06-30", "2025-06-30"
        item["notes"] = f"Last sale [elimination review {review['id']}: end of sale]"

    path = import_json(_mutated(exported, older), tmp_path / "old.pmdesk")
    with Workspace.open(path) as copy:
        assert copy.check().ok
        links = copy.service(RoadmapService).dependencies_of(1)
        # Its lags counted calendar days, and still do.
        assert links and all(d.lag_elapsed for d in links)
        assert {d.lag_unit.value for d in links} == {"day"}
        assert all(d.lag_exact is None for d in links)
        calendars = copy.service(CalendarService)
        standard = calendars.effective(None)
        assert (standard.weekdays, standard.exceptions) == (0b0011111, ())
        assert len(calendars.calendars.list()) == 1
        document = json.loads(export_json(copy))
        (review,) = document["tables"]["elimination_review"]
        item = document["tables"]["roadmap_item"][0]
        assert review["end_of_sale_item_id"] == item["id"]
        assert item["notes"] == "Last sale"


def test_an_older_document_fills_an_empty_workspace(exported, tmp_path):
    with Workspace.create(tmp_path / "empty.pmdesk") as target:
        import_json_into(target, _mutated(exported, _as_format_2))
        links = target.service(RoadmapService).dependencies_of(1)
        assert links and all(d.lag_elapsed for d in links)
        # A second import finds the workspace no longer empty.
        with pytest.raises(PmdeskError, match="empty workspace"):
            import_json_into(target, exported)


@pytest.mark.parametrize("older", [False, True], ids=["current", "format 2"])
def test_filling_a_workspace_is_journaled_whole_so_undo_and_redo_are_exact(
    exported, tmp_path, older
):
    source = _mutated(exported, _as_format_2) if older else exported
    path = tmp_path / "empty.pmdesk"
    with Workspace.create(path) as target:
        before = _rows(path)
        with target.recording() as journal:
            result = import_json_into(target, source)
        after = _rows(path)
        assert journal.complete and result.total > 0
        assert sorted(journal.ids("roadmap_item", "insert")) == sorted(
            result.created["roadmap_item"]
        )
        assert journal.ids("workspace_info", "update") == [1]
        target.revert(journal)
        assert _rows(path) == before
        target.replay(journal)
        assert _rows(path) == after
