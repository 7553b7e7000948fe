"""Shared pieces of the tests that hold each released file format to its word: the committed
fixture files, a copy of one to work on, what a file holds read without pmdesk, and the check
that a value pmdesk cannot use is refused at open with the file left byte for byte as it was."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pmdesk.store import schema
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).with_name("fixtures")
LATEST = FIXTURES / f"schema_v{schema.SCHEMA_VERSION}.pmdesk"


def fixture(version: int) -> Path:
    """The committed file of a released format (made by make_fixture.py)."""
    return FIXTURES / f"schema_v{version}.pmdesk"


def copy_fixture(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


def tables_in(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def row_count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    finally:
        conn.close()


def assert_refused_untouched(path: Path, statement: str, expected: str) -> None:
    """Write ``statement`` as another program could (the file's rules switched off), then
    open the file both ways: each is refused naming ``expected``, and the file is unchanged."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    with conn:
        conn.execute(statement)
    conn.close()
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(DamagedWorkspaceError, match="cannot use") as refused:
            Workspace.open(path, read_only=read_only)
        assert expected in str(refused.value)
    assert path.read_bytes() == before


def swap_indexes(path: Path) -> None:
    """Point two indexes of one table at each other's pages, in place: every table row is
    whole and quick_check passes, but each index now disagrees with its table (the
    thorough check before writing finds it)."""
    conn = sqlite3.connect(path)
    pages = dict(
        conn.execute(
            "SELECT name, rootpage FROM sqlite_master WHERE name IN "
            "('ix_roadmap_item_lane_id', 'ix_roadmap_item_product_id')"
        )
    )
    conn.execute("PRAGMA writable_schema = ON")
    for name, other in (
        ("ix_roadmap_item_lane_id", "ix_roadmap_item_product_id"),
        ("ix_roadmap_item_product_id", "ix_roadmap_item_lane_id"),
    ):
        conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = ?", (pages[other], name))
    conn.commit()
    conn.close()
