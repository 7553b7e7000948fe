"""Opening a file checks its structure on a thread of its own while the store loads.

``open_workspace`` starts :class:`pmdesk.store.sqlite_file.Inspection` (the header, no
code in the schema, the pages, the format, the indexes) before it imports SQLAlchemy's
ORM and the models, so SQLite checks the pages on one core while Python loads on the
other. What a damaged or foreign file gets must not change: the same refusal, by the
same class and message, raised to the caller, and the file never modified.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from format_files import swap_indexes

from pmdesk.core.errors import PmdeskError
from pmdesk.store import schema, sqlite_file
from pmdesk.store.demo import create_demo
from pmdesk.store.errors import (
    DamagedWorkspaceError,
    ForeignSchemaError,
    IndexDamagedError,
    NotAWorkspaceError,
)
from pmdesk.store.factory import create_workspace, open_workspace
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = create_demo(tmp_path_factory.mktemp("overlap") / "demo.pmdesk")
    Workspace.open(path).close()  # folded back: the file stands alone, no -wal
    return path


def _edited(demo_file: Path, tmp_path: Path, *statements: str, name: str = "e") -> Path:
    path = tmp_path / f"{name}.pmdesk"
    shutil.copyfile(demo_file, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("PRAGMA writable_schema = ON")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def _indexes_swapped(demo_file: Path, tmp_path: Path) -> Path:
    """Two indexes of one table point at each other's pages: quick_check passes, the
    thorough check (before writing) does not."""
    path = tmp_path / "swapped.pmdesk"
    shutil.copyfile(demo_file, path)
    swap_indexes(path)
    return path


def _damaged(kind: str, demo_file: Path, tmp_path: Path) -> Path:
    if kind == "bad value":
        return _edited(demo_file, tmp_path, "UPDATE roadmap_item SET progress = 'half'")
    if kind == "a view in the schema":
        return _edited(demo_file, tmp_path, "CREATE VIEW sneaky AS SELECT 1")
    if kind == "no format version":
        return _edited(demo_file, tmp_path, "DELETE FROM meta WHERE key = 'schema_version'")
    if kind == "a newer format":
        return _edited(demo_file, tmp_path, "UPDATE meta SET value = '99' "
                       "WHERE key = 'schema_version'")  # fmt: skip
    if kind == "indexes disagree":
        return _indexes_swapped(demo_file, tmp_path)
    if kind == "truncated":
        path = tmp_path / "short.pmdesk"
        path.write_bytes(demo_file.read_bytes()[: demo_file.stat().st_size // 2])
        return path
    if kind == "another program's database":
        path = tmp_path / "other.pmdesk"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.close()
        return path
    if kind == "a torn page":
        path = tmp_path / "torn.pmdesk"
        data = bytearray(demo_file.read_bytes())
        page = int.from_bytes(data[16:18], "big")
        data[3 * page : 3 * page + 200] = bytes(range(200))  # a b-tree page's header
        path.write_bytes(bytes(data))
        return path
    raise AssertionError(kind)


KINDS = [
    "bad value",
    "a view in the schema",
    "no format version",
    "a newer format",
    "indexes disagree",
    "truncated",
    "another program's database",
    "a torn page",
]


def _outcome(open_it) -> tuple[type, str]:
    try:
        open_it().close()
    except PmdeskError as exc:
        return type(exc), str(exc)
    return type(None), "opened"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("read_only", [False, True])
def test_a_damaged_or_foreign_file_gets_the_same_refusal_and_is_not_changed(
    kind, read_only, demo_file, tmp_path
):
    path = _damaged(kind, demo_file, tmp_path)
    before = path.read_bytes()
    # The checks in Workspace.open's own order, on the caller's thread, as the reference.
    reference = _outcome(lambda: Workspace.open(path, read_only=read_only))
    assert path.read_bytes() == before
    overlapped = _outcome(lambda: open_workspace(path, read_only=read_only))
    assert overlapped == reference
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing left beside it
    if kind == "indexes disagree":
        assert reference[0] is (type(None) if read_only else IndexDamagedError)
    elif kind == "a newer format":
        assert "newer pmdesk" in reference[1]
    else:
        expected = {
            "a view in the schema": ForeignSchemaError,
            "another program's database": NotAWorkspaceError,
        }.get(kind, DamagedWorkspaceError)
        assert reference[0] is expected, reference


def test_a_sound_file_opens_with_the_checks_overlapped_and_reads_as_before(tmp_path):
    path = tmp_path / "plan.pmdesk"
    create_workspace(path, name="Plan").close()
    with open_workspace(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        assert ws.check().ok
    with open_workspace(path, read_only=True) as ws:
        assert ws.check().ok


def test_the_structure_and_values_are_checked_before_the_orm_and_models_are_loaded(demo_file):
    """What lets the inspection run beside the store's import: it needs neither, nor
    SQLAlchemy at all, nor the migrations' frozen tables (imported only to upgrade), nor
    the module that makes the value checks from the models (they are read frozen)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pmdesk.store import sqlite_file\n"
        f"inspection = sqlite_file.Inspection(Path({str(demo_file)!r}), thorough=True)\n"
        "version = inspection.version()\n"
        "heavy = ('sqlalchemy', 'pmdesk.store.migrations', 'pmdesk.store.models',\n"
        "         'pmdesk.store.workspace', 'pmdesk.store.file_value_rules')\n"
        "print(version, inspection.values_checked, [n for n in heavy if n in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=2) == [str(schema.SCHEMA_VERSION), "True", "[]\n"]


def test_an_inspection_hands_its_refusal_to_the_thread_that_asks(demo_file, tmp_path):
    path = _indexes_swapped(demo_file, tmp_path)
    inspection = sqlite_file.Inspection(path, thorough=True)
    with pytest.raises(IndexDamagedError):
        inspection.version()
    assert sqlite_file.Inspection(path, thorough=False).version() == schema.SCHEMA_VERSION


def test_a_journal_left_by_a_crash_is_still_recovered_through_the_factory(tmp_path):
    """A hot journal: no inspection is started (it would see the unfinished write);
    Workspace.open rolls the write back first, then checks."""
    path = tmp_path / "plan.pmdesk"
    create_workspace(path, name="Plan").close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN")
    conn.execute("UPDATE workspace_info SET name = 'half-written'")
    journal = sqlite_file.sidecar(path, "-journal")
    conn.execute("CREATE TABLE padding (x)")
    conn.executemany("INSERT INTO padding VALUES (?)", [("x" * 500,)] * 200)
    snapshot = path.read_bytes(), journal.read_bytes()
    conn.rollback()
    conn.close()
    path.write_bytes(snapshot[0])  # as a crash mid-write leaves it: file and hot journal
    journal.write_bytes(snapshot[1])
    assert sqlite_file.has_journal(path)
    with open_workspace(path) as ws:
        assert ws.check().ok
    assert not sqlite_file.has_journal(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert conn.execute("SELECT name FROM workspace_info").fetchall() == [("Plan",)]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'padding'").fetchall() == []
    conn.close()
