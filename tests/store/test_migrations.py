"""Every released workspace format opens in this pmdesk, upgraded after a backup.

``fixtures/`` holds one file per released format (made by make_fixture.py, committed,
never regenerated) and a JSON file of what it must still hold. The fixtures are
copied to a temporary folder before they are opened: the committed files never change.

The upgrade machinery is exercised for real by pretending this pmdesk reads
format 2 and registering a migration to it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.store import schema
from pmdesk.store.errors import UpgradeFailedError
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).with_name("fixtures")
FIXTURE_FILES = sorted(FIXTURES.glob("*.pmdesk"))
V1 = FIXTURES / "schema_v1.pmdesk"


def _expected(fixture: Path) -> dict:
    return json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))


def _copy(fixture: Path, folder: Path) -> Path:
    target = folder / fixture.name
    shutil.copyfile(fixture, target)
    return target


def _raw(path: Path) -> sqlite3.Connection:
    """A read-only look at a file that creates nothing beside it."""
    return sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)


def _stored_version(path: Path) -> int:
    conn = _raw(path)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0])
    finally:
        conn.close()


def _columns(path: Path, table: str) -> list[str]:
    conn = _raw(path)
    try:
        return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    finally:
        conn.close()


def _assert_content(conn: sa.Connection | sqlite3.Connection, expected: dict) -> None:
    """The rows the fixture was made with: every query, and every table's row count."""
    run = conn.exec_driver_sql if isinstance(conn, sa.Connection) else conn.execute
    for sql, rows in expected["queries"].items():
        assert [list(row) for row in run(sql)] == rows, sql
    for table, count in expected["counts"].items():
        assert run(f'SELECT count(*) FROM "{table}"').fetchone()[0] == count, table


def _backups(path: Path) -> list[Path]:
    return sorted((path.parent / f"{path.stem} backups").glob("*.pmdesk"))


# -- every committed fixture ------------------------------------------------------------------


def test_there_is_a_fixture_for_every_format_up_to_the_current_one():
    formats = sorted(_expected(f)["format"] for f in FIXTURE_FILES)
    assert formats == list(range(1, schema.SCHEMA_VERSION + 1)), (
        "each released format needs its fixture: run tests/store/make_fixture.py"
    )


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda f: f.name)
def test_fixture_opens_upgraded_and_keeps_its_data(fixture: Path, tmp_path: Path):
    committed = fixture.read_bytes()
    expected = _expected(fixture)
    assert _stored_version(fixture) == expected["format"]
    path = _copy(fixture, tmp_path)

    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        report = ws.check()
        assert report.ok, report.integrity
        with ws.engine.connect() as conn:
            _assert_content(conn, expected)
        # The upgraded file is a working workspace, not only a readable one.
        product = ws.service(PortfolioService).list_products()[0]
        lane = ws.service(RoadmapService).lanes_of(product.id)[0]
        ws.service(RoadmapService).items.create(
            product_id=product.id, lane_id=lane.id, name="After the upgrade",
            start_date="2027-01-01", end_date="2027-01-02",
        )

    older = expected["format"] < schema.SCHEMA_VERSION
    assert len(_backups(path)) == (1 if older else 0)
    assert fixture.read_bytes() == committed


# -- the upgrade machinery, with a pretend format 2 -----------------------------------------------


def _add_product_code(conn: sa.Connection) -> None:
    with schema.migration_ops(conn).batch_alter_table("product") as batch:
        batch.add_column(sa.Column("code", sa.String(20), nullable=False, server_default="ATL"))


def _rebuild_product_table(conn: sa.Connection) -> None:
    """Batch mode's copy-drop-rename of a parent table (what changing a constraint does)."""
    with schema.migration_ops(conn).batch_alter_table("product", recreate="always") as batch:
        batch.add_column(sa.Column("code", sa.String(20), nullable=False, server_default="ATL"))


def _half_done_then_fail(conn: sa.Connection) -> None:
    _add_product_code(conn)
    conn.exec_driver_sql("UPDATE roadmap_item SET name = 'overwritten'")
    raise RuntimeError("boom <&> 🚀")


@pytest.fixture
def format_two(monkeypatch: pytest.MonkeyPatch):
    """This pmdesk now reads format 2; the test registers the migration to it."""
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(schema, "MIGRATIONS", {})
    return schema.MIGRATIONS


@pytest.mark.parametrize("migration", [_add_product_code, _rebuild_product_table])
def test_upgrade_backs_up_then_migrates(format_two, migration, tmp_path: Path):
    format_two[2] = migration
    path = _copy(V1, tmp_path)
    original = path.read_bytes()
    expected = _expected(V1)

    with Workspace.open(path) as ws:
        assert ws.schema_version == 2
        assert ws.check().ok
        with ws.engine.connect() as conn:
            _assert_content(conn, expected)  # children of the rebuilt table are all there
            codes = conn.exec_driver_sql("SELECT DISTINCT code FROM product").fetchall()
            assert codes == [("ATL",)]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert "code" in _columns(path, "product")
    assert _stored_version(path) == 2

    [backup] = _backups(path)
    assert "before upgrade from format 1" in backup.name
    assert backup.read_bytes()[:16] == original[:16]
    assert _stored_version(backup) == 1
    assert "code" not in _columns(backup, "product")
    with Workspace.open(backup, read_only=True) as old:  # the backup opens as format 1
        assert old.schema_version == 1
        assert old.check().ok
        with old.engine.connect() as conn:
            _assert_content(conn, expected)


def test_failed_migration_leaves_the_file_as_it_was(format_two, tmp_path: Path):
    format_two[2] = _half_done_then_fail
    path = _copy(V1, tmp_path)
    before = path.read_bytes()

    with pytest.raises(UpgradeFailedError) as failed:
        Workspace.open(path)

    message = str(failed.value)
    assert "format 1 to 2" in message and "boom <&> 🚀" in message
    assert "not changed" in message
    assert isinstance(failed.value.__cause__, RuntimeError)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, f"{path.stem} backups"])
    assert failed.value.backup == _backups(path)[0]

    # The lock was released and a fixed migration now succeeds.
    format_two[2] = _add_product_code
    with Workspace.open(path) as ws:
        assert ws.schema_version == 2
        with ws.engine.connect() as conn:
            _assert_content(conn, _expected(V1))
    assert len(_backups(path)) == 2


def test_missing_migration_is_reported_without_touching_the_file(format_two, tmp_path: Path):
    path = _copy(V1, tmp_path)
    before = path.read_bytes()
    with pytest.raises(UpgradeFailedError, match="no migration to workspace format 2"):
        Workspace.open(path)
    assert path.read_bytes() == before
    assert _backups(path) == []


def test_read_only_open_of_an_older_file_does_not_upgrade_it(format_two, tmp_path: Path):
    format_two[2] = _add_product_code
    path = _copy(V1, tmp_path)
    before = path.read_bytes()
    with Workspace.open(path, read_only=True) as ws:
        assert ws.schema_version == 1
    assert path.read_bytes() == before
    assert _backups(path) == []
