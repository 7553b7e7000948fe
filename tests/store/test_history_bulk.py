"""The history's entries for rows inserted by the hundred are written by SQLite from the
rows (store.history_bulk): the same entries, character for character, in the same
order, as the Python path writes.

Each comparison makes the same edit twice, once as it is and once with the bulk path
turned off (every entry made in Python, as before), and reads both files' entries back
with a connection of their own.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import sqlite3
from pathlib import Path

import pytest
from tests.exchange._interchange_data import CORPUS
from tests.exchange.test_import_whole_rows import CSVS as SHEETS
from tests.exchange.test_import_whole_rows import PRESETS as SHEET_PRESETS
from tests.store.test_whole_row_insert import whole_row

from pmdesk.exchange.mspdi import export_mspdi, import_mspdi
from pmdesk.exchange.tabular_import import import_csv
from pmdesk.store import history, history_bulk, journal
from pmdesk.store.generate import create_large
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace


def entries(path: Path) -> list[tuple]:
    """(table, row key, name, kind, fields text) of the last edit's entries, in order."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT table_name, row_key, name, kind, fields FROM change_entry"
            " WHERE edit_id = (SELECT max(id) FROM change_edit) ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def bulk_steps(monkeypatch) -> list[tuple[str, bool]]:
    """(table, written by SQLite) of each step the bulk path was asked to write."""
    calls: list[tuple[str, bool]] = []
    original = history_bulk.write_added

    def counted(cursor, edit_id, step, *args, **kwargs) -> bool:
        done = original(cursor, edit_id, step, *args, **kwargs)
        calls.append((step.table, done))
        return done

    monkeypatch.setattr(history_bulk, "write_added", counted)
    return calls


def in_python(monkeypatch) -> None:
    """Every entry made in Python: no step is large enough for the bulk path."""
    monkeypatch.setattr(history_bulk, "SMALLEST", 10**9)


@pytest.fixture(scope="module")
def plan_xml(tmp_path_factory) -> Path:
    """A generated plan (400 tasks, 300 links, its calendar) as pmdesk exports it."""
    folder = tmp_path_factory.mktemp("bulk")
    source = create_large(folder / "source.pmdesk", items=400, dependencies=300, lanes=6)
    ws = Workspace.open(source, read_only=True)
    try:
        product = ws.service(PortfolioService).product_by_name("Atlas Platform")
        export_mspdi(ws, product.id, folder / "plan.xml")
    finally:
        ws.close()
    return folder / "plan.xml"


def imported(path: Path, xml: Path) -> Path:
    ws = Workspace.create(path, name="Import target")
    try:
        product = ws.service(PortfolioService).create_product(name="Imported")
        import_mspdi(ws, xml, product_id=product.id)
    finally:
        ws.close()
    return path


def test_an_imported_plan_has_the_entries_python_wrote(
    tmp_path: Path, plan_xml: Path, monkeypatch, bulk_steps
) -> None:
    bulk = entries(imported(tmp_path / "bulk.pmdesk", plan_xml))
    assert ("roadmap_item", True) in bulk_steps and ("dependency", True) in bulk_steps
    in_python(monkeypatch)
    reference = entries(imported(tmp_path / "python.pmdesk", plan_xml))
    assert bulk == reference
    kinds = {(table, kind) for table, _k, _n, kind, _f in bulk}
    assert {("roadmap_item", "added"), ("dependency", "added"), ("lane", "added")} <= kinds
    assert len(bulk) > 700


def test_the_history_reads_an_import_written_by_sqlite_as_python_wrote_it(
    tmp_path: Path, plan_xml: Path, monkeypatch, bulk_steps
) -> None:
    """What changed since yesterday, as the history's readers give it (every task and link
    added, with its fields), is the same whichever path wrote the entries."""
    found = {}
    for name in ("bulk", "python"):
        if name == "python":
            in_python(monkeypatch)
        path = imported(tmp_path / f"{name}.pmdesk", plan_xml)
        ws = Workspace.open(path, read_only=True)
        try:
            found[name] = ws.service(HistoryService).changes(dt.date.today() - dt.timedelta(1))
        finally:
            ws.close()
    assert bulk_steps
    for name, changes in found.items():  # the product made before: its moment differs
        found[name] = [c for c in changes if c.entity != "product"]
    assert found["bulk"] == found["python"]
    added = [c for c in found["bulk"] if c.entity == "roadmap_item"]
    assert len(added) == 400 and all(c.fields.get("start_date") for c in added)


ODD = [
    "שלום עולם 🚀",
    'quotes " and \\ backslashes / and a tab\tand a new line\n',
    "control \x00\x01\x1f\x7f characters, a line separator \u2028 and ☃",
    "",
    " ",
]


def odd_rows(product_id: int, lane_id: int, first_id: int, count: int) -> list[dict]:
    rows = []
    for n in range(count):
        start = dt.date(9999, 12, 1) if n % 7 == 0 else dt.date(1, 1, 1) + dt.timedelta(days=n)
        rows.append(
            whole_row(
                "roadmap_item",
                {
                    "id": first_id + n,
                    "product_id": product_id,
                    "lane_id": lane_id,
                    "name": ODD[n % len(ODD)] + str(n) if n % 3 else "x" * 300,
                    "start_date": start,
                    "end_date": start + dt.timedelta(days=n % 5),
                    "progress": n % 101,
                    "notes": "" if n % 4 else ODD[n % len(ODD)] * 50,
                    "sort_order": 2**62 - n if n % 2 else -n,
                },
            )
        )
    return rows


def made_both_ways(tmp_path: Path, monkeypatch, make) -> dict[str, list[tuple]]:
    """The last edit's entries after ``make(ws, product_id)`` in a new workspace with one
    product: as they are ("bulk"), then with every entry made in Python."""
    found = {}
    for name in ("bulk", "python"):
        if name == "python":
            in_python(monkeypatch)
        ws = Workspace.create(tmp_path / f"{name}.pmdesk", name="Both ways")
        product = ws.service(PortfolioService).create_product(name="Atlas")
        make(ws, product.id)
        ws.close()
        found[name] = entries(tmp_path / f"{name}.pmdesk")
    return found


def both_ways(tmp_path: Path, monkeypatch, edit) -> dict[str, list[tuple]]:
    """The entries of ``edit(uow, product_id, lane_id)`` in one transaction, the product
    given a lane first (see made_both_ways)."""

    def make(ws, product_id: int) -> None:
        lane = ws.service(RoadmapService).lanes.create(product_id=product_id, name="Core")
        with ws.transaction() as uow:
            edit(uow, product_id, lane.id)

    return made_both_ways(tmp_path, monkeypatch, make)


def calendar_days(count: int) -> list[dict]:
    return [
        whole_row(
            "calendar_exception",
            {
                "id": 10 + n,
                "calendar_id": 5,
                "name": ODD[n % len(ODD)].strip() or "day",
                "start_date": dt.date(2030, 1, 1) + dt.timedelta(days=n),
                "end_date": dt.date(2030, 1, 1) + dt.timedelta(days=n),
                "working": bool(n % 2),
            },
        )
        for n in range(count)
    ]


def test_odd_values_have_the_entries_python_wrote(tmp_path: Path, monkeypatch, bulk_steps) -> None:
    """Right-to-left text with emoji, quotes, control characters and NUL, empty and
    missing texts, a name longer than the history keeps, year 1 and year 9999, numbers
    near 2⁶³; and booleans, true, false and none, in a calendar's days."""

    def edit(uow, product_id: int, lane_id: int) -> None:
        uow.insert_rows("roadmap_item", odd_rows(product_id, lane_id, 100, 240))
        uow.insert("work_calendar", id=5, name="Odd", product_id=product_id)
        uow.insert_rows("calendar_exception", calendar_days(150))

    found = both_ways(tmp_path, monkeypatch, edit)
    assert ("roadmap_item", True) in bulk_steps and ("calendar_exception", True) in bulk_steps
    assert found["bulk"] == found["python"]
    texts = "".join(row[4] for row in found["bulk"])
    assert "9999-12-01" in texts and "\\u0000" in texts and "true" in texts and "false" in texts


def test_a_text_too_long_to_keep_whole_is_cut_as_python_cuts_it(
    tmp_path: Path, monkeypatch, bulk_steps
) -> None:
    """A megabyte of notes in one row of many (past what an entry may hold at all), then
    20,000 characters in another (past what the history keeps whole): SQLite's entries
    for those steps are taken back and made in Python, where the notes are cut, each in
    its place among the edit's other entries."""

    def edit(uow, product_id: int, lane_id: int) -> None:
        rows = odd_rows(product_id, lane_id, 100, 400)
        rows[75]["notes"] = "שלום 🚀" * 150_000
        rows[250]["notes"] = "ab\n" * 7_000
        uow.insert_rows("roadmap_item", rows[:120])
        uow.insert("lane", id=90, product_id=product_id, name="Between")
        uow.insert_rows("roadmap_item", rows[120:260] + odd_rows(product_id, 90, 600, 10))
        uow.insert("lane", id=91, product_id=product_id, name="And between")
        uow.insert_rows("roadmap_item", rows[260:])

    found = both_ways(tmp_path, monkeypatch, edit)
    assert bulk_steps == [("roadmap_item", False), ("roadmap_item", False), ("roadmap_item", True)]
    assert found["bulk"] == found["python"]
    cut = {row[1]: row[4] for row in found["bulk"] if "…" in row[4]}
    assert set(cut) == {"175", "350"}  # the two long notes, cut to what the history keeps
    assert all(len(text) < 2 * history.TEXT_MAX for text in cut.values())


def test_rows_another_step_touches_are_made_in_python(
    tmp_path: Path, monkeypatch, bulk_steps
) -> None:
    """Rows added and then changed within the same edit: their entries add the steps up
    (an item renamed after being added is one entry "added" with the new name)."""

    def edit(uow, product_id: int, lane_id: int) -> None:
        uow.insert_rows("roadmap_item", odd_rows(product_id, lane_id, 100, 150))
        uow.insert_rows("roadmap_item", odd_rows(product_id, lane_id, 300, 150))
        uow.update("roadmap_item", 120, name="Renamed")

    found = both_ways(tmp_path, monkeypatch, edit)
    assert bulk_steps == [("roadmap_item", True)]  # the second step only
    assert found["bulk"] == found["python"]
    assert any(row[1] == "120" and row[2] == "Renamed" for row in found["bulk"])


def test_rows_given_out_of_order_have_their_entries_in_that_order(
    tmp_path: Path, monkeypatch, bulk_steps
) -> None:
    """Keys with gaps, given last first: the entries follow the rows as given."""

    def edit(uow, product_id: int, lane_id: int) -> None:
        rows = odd_rows(product_id, lane_id, 100, 200)
        for n, row in enumerate(rows):
            row["id"] = 10_000 - 3 * n
        uow.insert_rows("roadmap_item", rows)

    found = both_ways(tmp_path, monkeypatch, edit)
    assert bulk_steps == [("roadmap_item", True)]
    assert found["bulk"] == found["python"]
    assert [row[1] for row in found["bulk"]][:3] == ["10000", "9997", "9994"]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xml")), ids=lambda p: p.name)
def test_a_plan_saved_by_ms_project_has_the_same_history_either_way(
    tmp_path: Path, monkeypatch, bulk_steps, path: Path
) -> None:
    """Real Microsoft Project files, every step written by SQLite, then all in Python."""
    monkeypatch.setattr(history_bulk, "SMALLEST", 1)
    bulk = entries(imported(tmp_path / "bulk.pmdesk", path))
    in_python(monkeypatch)
    reference = entries(imported(tmp_path / "python.pmdesk", path))
    assert any(done for _table, done in bulk_steps)
    assert bulk == reference


# The moment a row is made (a requirement's created_at): it differs between two imports.
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")


@pytest.mark.parametrize("target", sorted(SHEETS))
def test_a_sheet_from_another_tool_has_the_same_history_either_way(
    tmp_path: Path, monkeypatch, bulk_steps, target: str
) -> None:
    """A Jira export, a support desk's, stakeholders and metric values (right-to-left text,
    emoji, quoted commas, the bounds of a date): every step written by SQLite, then all in
    Python."""
    monkeypatch.setattr(history_bulk, "SMALLEST", 1)

    def make(ws, product_id: int) -> None:
        data, preset = SHEETS[target].encode(), SHEET_PRESETS.get(target, "none")
        import_csv(ws, data, target=target, product_id=product_id, preset=preset)

    found = {
        way: [(*entry[:4], _MOMENT.sub("…", entry[4])) for entry in found]
        for way, found in made_both_ways(tmp_path, monkeypatch, make).items()
    }
    assert any(done for _table, done in bulk_steps)
    assert found["bulk"] == found["python"]


def test_the_cycle_collector_rests_while_an_import_is_undone_and_redone(
    tmp_path: Path, plan_xml: Path, monkeypatch
) -> None:
    """An import taken back and brought back: its rows read back, taken out, put in and
    recorded in the history are hundreds of thousands of new objects at 20,000 tasks, and
    Python's cycle collector would scan everything in memory at each burst of them."""
    ws = Workspace.create(tmp_path / "undo.pmdesk", name="Undo")
    product = ws.service(PortfolioService).create_product(name="Imported")
    with ws.recording() as steps:
        import_mspdi(ws, plan_xml, product_id=product.id)
    running: list[str] = []
    inside: list[str] = []  # the work running when a collection started

    def watched(module, name: str) -> None:
        original = getattr(module, name)

        def run(*args, **kwargs):
            running.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                running.pop()

        monkeypatch.setattr(module, name, run)

    watched(history, "_changes")  # the entries made, then written
    watched(history, "write_edit")
    watched(journal, "_play")  # the rows read back, taken out or put in

    def started(phase: str, _info: dict) -> None:
        if phase == "start" and running:
            inside.append(running[-1])

    assert gc.isenabled()
    gc.callbacks.append(started)
    try:
        ws.revert(steps)
        assert ws.service(RoadmapService).items_of(product.id) == []
        ws.replay(steps)
    finally:
        gc.callbacks.remove(started)
    assert len(ws.service(RoadmapService).items_of(product.id)) == 400
    ws.close()
    assert inside == []
