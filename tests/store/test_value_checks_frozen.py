"""A file's values are checked from frozen checks, on the thread that checks its structure.

The checks are made from the models (``file_value_rules``) and frozen into
``resources/formats/value_checks.json``; opening a file reads them with neither
SQLAlchemy nor the models, so the check runs beside the store's import. These tests hold
the frozen checks to the models, and the open to the same refusals, through the factory
(as the app and the command line open files) and without it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from format_files import FIXTURES, copy_fixture, swap_indexes

from pmdesk.store import file_values, schema, sqlite_file
from pmdesk.store.demo import create_demo
from pmdesk.store.errors import DamagedWorkspaceError, ForeignSchemaError, IndexDamagedError
from pmdesk.store.factory import create_workspace, open_workspace
from pmdesk.store.file_value_rules import current_scans, frozen_text
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = create_demo(tmp_path_factory.mktemp("frozen") / "demo.pmdesk")
    Workspace.open(path).close()  # folded back: the file stands alone
    return path


def _with(demo_file: Path, folder: Path, statement: str) -> Path:
    path = folder / "edited.pmdesk"
    shutil.copyfile(demo_file, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    with conn:
        conn.execute(statement)
    conn.close()
    return path


def test_the_frozen_checks_are_what_the_models_make_now():
    frozen = file_values.value_checks_file().read_text(encoding="utf-8")
    assert frozen == frozen_text(), (
        "a model or a bound changed: write the checks again with "
        "python -m pmdesk.store.file_value_rules"
    )
    assert list(file_values.frozen_scans()) == current_scans()


def test_every_table_with_columns_of_a_kind_is_checked():
    scanned = {scan.table for scan in file_values.frozen_scans()}
    for table in ("roadmap_item", "dependency", "product", "business_case", "competitor"):
        assert table in scanned


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        ("UPDATE roadmap_item SET progress = 'half'", "progress holds 'half'"),
        ("UPDATE roadmap_item SET start_date = '2027-02-30'", "start date holds '2027-02-30'"),
        ("UPDATE dependency SET lag_days = 99999999", "lag days holds 99999999"),
        (
            "UPDATE product SET name = x'ff00' WHERE id = (SELECT min(id) FROM product)",
            "name holds",
        ),
        ("UPDATE roadmap_item SET end_date = '1900-01-01'", "breaks the rule"),
    ],
)
def test_the_inspection_thread_refuses_a_bad_value_before_the_store_is_read(
    demo_file, tmp_path, statement, named
):
    path = _with(demo_file, tmp_path, statement)
    before = path.read_bytes()
    inspection = sqlite_file.Inspection(path, thorough=True)
    with pytest.raises(DamagedWorkspaceError, match="cannot use") as on_thread:
        inspection.version()
    assert named in str(on_thread.value)
    for read_only in (False, True):
        with pytest.raises(DamagedWorkspaceError) as through_factory:
            open_workspace(path, read_only=read_only)
        assert str(through_factory.value) == str(on_thread.value)
        with pytest.raises(DamagedWorkspaceError) as without:
            Workspace.open(path, read_only=read_only)
        assert str(without.value) == str(on_thread.value)
    assert path.read_bytes() == before


def test_a_sound_file_has_its_values_checked_once_on_the_thread(demo_file, tmp_path, monkeypatch):
    path = tmp_path / "sound.pmdesk"
    shutil.copyfile(demo_file, path)
    inspection = sqlite_file.Inspection(path, thorough=True)
    assert inspection.version() == schema.SCHEMA_VERSION
    assert inspection.values_checked
    checked_again = []
    monkeypatch.setattr(sqlite_file, "inspect_values", checked_again.append)
    with open_workspace(path) as ws:
        assert ws.check().ok
    assert checked_again == []


def test_a_new_empty_workspace_opens_with_its_values_checked(tmp_path):
    path = tmp_path / "empty.pmdesk"
    create_workspace(path, name="Empty").close()
    inspection = sqlite_file.Inspection(path, thorough=False)
    assert inspection.version() == schema.SCHEMA_VERSION
    assert inspection.values_checked
    with open_workspace(path, read_only=True) as ws:
        assert ws.check().ok


def test_an_older_file_has_its_values_checked_after_its_upgrade(tmp_path):
    """The frozen checks are the current format's: an older file is checked once upgraded,
    and a bad value in it is refused then, the file rolled back as it was."""
    path = copy_fixture(FIXTURES / "schema_v5.pmdesk", tmp_path)
    inspection = sqlite_file.Inspection(path, thorough=True)
    assert inspection.version() == 5
    assert not inspection.values_checked
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    with conn:
        conn.execute("UPDATE roadmap_item SET progress = 'half'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DamagedWorkspaceError, match="progress holds 'half'"):
        open_workspace(path, read_only=True)
    assert path.read_bytes() == before


def test_the_structure_is_refused_first_when_the_values_are_bad_as_well(demo_file, tmp_path):
    """The values are read beside the thorough check of the pages; a file wrong in both ways
    gets the structure's refusal, as when the two ran one after the other."""
    path = _with(demo_file, tmp_path, "UPDATE roadmap_item SET progress = 'half'")
    swap_indexes(path)
    with pytest.raises(IndexDamagedError):
        sqlite_file.Inspection(path, thorough=True).version()
    with pytest.raises(IndexDamagedError):
        open_workspace(path)
    # Read only, the pages' quick check passes and the bad value is what is refused.
    with pytest.raises(DamagedWorkspaceError, match="progress holds 'half'"):
        sqlite_file.Inspection(path, thorough=False).version()


def test_a_view_is_refused_before_any_value_is_read(demo_file, tmp_path):
    path = _with(demo_file, tmp_path, "UPDATE roadmap_item SET progress = 'half'")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE VIEW sneaky AS SELECT 1")
    conn.close()
    with pytest.raises(ForeignSchemaError, match="view named “sneaky”"):
        sqlite_file.Inspection(path, thorough=True).version()


def _in_memory(path: Path) -> sqlite3.Connection:
    source = sqlite3.connect(path)
    copy = sqlite3.connect(":memory:")
    source.backup(copy)
    source.close()
    copy.execute("PRAGMA ignore_check_constraints = ON")
    return copy


def test_the_one_statement_for_a_sound_file_answers_no(demo_file):
    conn = _in_memory(demo_file)
    assert file_values.find_bad_values(conn) == []
    scans = file_values.frozen_scans()
    assert conn.execute(file_values._any_bad_query(scans)).fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("scan", file_values.frozen_scans(), ids=lambda scan: scan.table)
def test_a_bad_value_in_any_table_is_found_through_the_one_statement(demo_file, scan):
    """A sound file is checked in one statement; a bad value in any table makes it say so,
    and the table-by-table scan then names the value. Each table gets a value of no kind
    (a blob) in its last checked column; a table the demo leaves empty gets a row of them."""
    conn = _in_memory(demo_file)
    names = [name for name, _bad, _kind in scan.rules]
    column = next(name for name in reversed(names) if name != scan.key)
    columns = ", ".join(f'"{name}"' for name in names)
    blobs = ", ".join("1" if name == scan.key else "x'ff00'" for name in names)
    with conn:
        if conn.execute(f'SELECT count(*) FROM "{scan.table}"').fetchone()[0]:
            conn.execute(
                f'UPDATE "{scan.table}" SET "{column}" = x\'ff00\' '
                f'WHERE rowid = (SELECT min(rowid) FROM "{scan.table}")'
            )
        else:
            conn.execute(f'INSERT INTO "{scan.table}" ({columns}) VALUES ({blobs})')
    found = file_values.find_bad_values(conn)
    conn.close()
    assert [value.table for value in found] == [scan.table]
