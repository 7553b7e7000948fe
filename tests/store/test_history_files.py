"""Format 6 on disk: every older format gains an empty history that works, and a history
table holding what pmdesk cannot use is refused untouched, like any other table."""

from __future__ import annotations

import json
import sqlite3

import pytest
from format_files import FIXTURES, LATEST, assert_refused_untouched, copy_fixture, row_count

from pmdesk.exchange.json_io import export_json, import_json
from pmdesk.store import schema
from pmdesk.store.services import HistoryService, PortfolioService
from pmdesk.store.workspace import Workspace

V6 = FIXTURES / "schema_v6.pmdesk"
HISTORY_TABLES = ("change_edit", "change_entry", "history_snapshot")


@pytest.mark.parametrize("version", range(1, 6))
def test_an_older_file_gains_an_empty_history_that_records(version, tmp_path):
    path = copy_fixture(FIXTURES / f"schema_v{version}.pmdesk", tmp_path)
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION == 7
        assert {t: ws.check().counts[t] for t in HISTORY_TABLES} == dict.fromkeys(HISTORY_TABLES, 0)
        history = ws.service(HistoryService)
        history.snapshot("After the upgrade")
        product = ws.service(PortfolioService).list_products()[0]
        ws.service(PortfolioService).products.update(product.id, tagline="Upgraded <&> 🚀")
        [change] = history.changes("After the upgrade")
        assert (change.entity, change.id, change.kind.value) == ("product", product.id, "changed")
        assert change.fields == {"tagline": [product.tagline, "Upgraded <&> 🚀"]}
        assert ws.check().ok


def test_the_format_6_fixture_reads_back(tmp_path):
    path = copy_fixture(V6, tmp_path)
    with Workspace.open(path, read_only=True) as ws:
        history = ws.service(HistoryService)
        baseline, snap = history.snapshots()  # the fixture's baseline made one of its own
        assert baseline.name == "Baseline: Plan of record — Atlas 🚀"
        assert baseline.kind.value == "baseline"
        assert snap.name == "Review <Q3> — 🚀" and snap.kind.value == "manual"
        changes = {(c.entity, c.kind.value): c for c in history.changes(snap.name)}
        # The vision changed; a risk came and went; an owner changed and was undone.
        assert set(changes) == {("product", "changed")}
        assert changes[("product", "changed")].fields == {
            "vision": ['Pricing <draft> & "beta" — café 🚀', "After the review"]
        }


REFUSED = {
    "an entry kind that is not one": (
        "UPDATE change_entry SET kind = 'moved'",
        "kind holds 'moved', not one of added, removed, changed",
    ),
    "fields that are not JSON": (
        "UPDATE change_entry SET fields = '{oops'",
        "fields holds '{oops', not JSON object",
    ),
    "fields that are a list": (
        "UPDATE change_entry SET fields = '[1, 2]'",
        "fields holds '[1, 2]', not JSON object",
    ),
    "fields too long": (
        "UPDATE change_entry SET fields = '{\"notes\": [\"' || printf('%.70000c', 'x') || '\", \"\"]}'",
        "breaks the rule “fields not too long”",
    ),
    "a blank table name": (
        "UPDATE change_entry SET table_name = '  '",
        "breaks the rule “table name not blank”",
    ),
    "an edit time that is no time": (
        "UPDATE change_edit SET at = 'yesterday'",
        "at holds 'yesterday', not a date and time",
    ),
    "a snapshot kind that is not one": (
        "UPDATE history_snapshot SET kind = 'weekly'",
        "kind holds 'weekly', not one of manual, gate, baseline, auto",
    ),
    "a nameless snapshot": (
        "UPDATE history_snapshot SET name = '' WHERE kind = 'manual'",
        "breaks the rule “name not blank”",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_history_value_pmdesk_cannot_use_is_refused_untouched(case, tmp_path):
    statement, expected = REFUSED[case]
    assert_refused_untouched(copy_fixture(LATEST, tmp_path), statement, expected)


def test_the_json_export_carries_the_history_and_its_import_adds_none(tmp_path):
    path = copy_fixture(V6, tmp_path)
    exported = tmp_path / "portfolio.json"
    with Workspace.open(path, read_only=True) as ws:
        export_json(ws, exported)
        edits, entries = ws.service(HistoryService).counts()
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert len(document["tables"]["change_entry"]) == entries
    assert len(document["tables"]["change_edit"]) == edits
    names = [row["name"] for row in document["tables"]["history_snapshot"]]
    assert names == ["Baseline: Plan of record — Atlas 🚀", "Review <Q3> — 🚀"]
    copy = tmp_path / "copy.pmdesk"
    import_json(exported, copy)
    with Workspace.open(copy, read_only=True) as ws:
        assert ws.service(HistoryService).counts() == (edits, entries)  # the import is no edit
        assert [s.name for s in ws.service(HistoryService).snapshots()] == names
    again = tmp_path / "again.json"
    with Workspace.open(copy, read_only=True) as ws:
        export_json(ws, again)
    second = json.loads(again.read_text(encoding="utf-8"))
    for table in HISTORY_TABLES:
        assert second["tables"][table] == document["tables"][table], table
    assert row_count(copy, "change_entry") == entries


def test_entries_written_elsewhere_are_read_without_a_crash(tmp_path):
    """Values of the right kinds that pmdesk never writes: an unknown table, a key that is
    no id, a field that is no [old, new] pair. They are reported as they are."""
    path = copy_fixture(V6, tmp_path)
    conn = sqlite3.connect(path)
    with conn:
        edit = conn.execute(
            "INSERT INTO change_edit (at, who, label) VALUES ('2099-01-01 00:00:00.000000', '', '')"
        ).lastrowid
        conn.executemany(
            "INSERT INTO change_entry (edit_id, table_name, row_key, name, kind, fields) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (edit, "no_such_table", "7", "Ghost", "added", '{"x": [null, 1]}'),
                (edit, "roadmap_item", "abc", "Odd", "changed", '{"name": 5, "notes": ["a", "b"]}'),
            ],
        )
    conn.close()
    with Workspace.open(path, read_only=True) as ws:
        history = ws.service(HistoryService)
        found = {c.entity: c for c in history.changes("2098-12-31")}
        assert found["no_such_table"].as_json() == {
            "entity": "no_such_table",
            "id": 7,
            "name": "Ghost",
            "kind": "added",
            "fields": {"x": [None, 1]},
        }
        assert found["roadmap_item"].fields == {"notes": ["a", "b"]}
        product = ws.service(PortfolioService).list_products()[0].id
        assert history.changes("2098-12-31", product_id=product) == []
