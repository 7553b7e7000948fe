"""A workspace file is data, never code: a crafted file cannot run SQL in pmdesk.

Each test plants something in a real workspace file with a plain sqlite3 connection
(as an attacker would, with any SQLite tool), then opens it the ways pmdesk does.
The file must be refused with a clear message and left byte for byte as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.store import file_schema, schema, sqlite_file
from pmdesk.store.errors import ForeignSchemaError
from pmdesk.store.services import PortfolioService, RequirementService, RoadmapService
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).with_name("fixtures")


def _workspace_with_data(path: Path) -> Path:
    with Workspace.create(path, name="Crafted") as ws:
        product = ws.service(PortfolioService).create_product(name="Atlas")
        lane = ws.service(RoadmapService).lanes.create(product_id=product.id, name="Build")
        ws.service(RoadmapService).items.create(
            product_id=product.id,
            lane_id=lane.id,
            name="Beta",
            start_date=dt.date(2027, 1, 4),
            end_date=dt.date(2027, 2, 1),
        )
        ws.service(RequirementService).requirements.create(
            product_id=product.id, title="Export to PDF"
        )
    return path


def _plant(path: Path, *statements: str) -> bytes:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")  # no -wal: the file stands alone
    conn.close()
    return path.read_bytes()


PLANTS = {
    "trigger on an edit": [
        "CREATE TRIGGER wipe AFTER UPDATE ON roadmap_item BEGIN DELETE FROM requirement; END"
    ],
    "trigger on insert": [
        "CREATE TRIGGER spy AFTER INSERT ON risk BEGIN "
        "UPDATE workspace_info SET organisation = (SELECT group_concat(email) FROM stakeholder);"
        " END"
    ],
    "a view in place of a table": [
        "ALTER TABLE meta RENAME TO meta_real",
        "CREATE VIEW meta AS SELECT * FROM meta_real",
    ],
    "an unused view": ["CREATE VIEW innocent AS SELECT 1"],
    "an extra table": ["CREATE TABLE loot (x TEXT)"],
    "an extra index": ["CREATE INDEX ix_extra ON product (owner)"],
    "an extra column": ["ALTER TABLE product ADD COLUMN payload TEXT"],
    "a missing index": ["DROP INDEX ix_roadmap_item_product_id"],
}


@pytest.mark.parametrize("plant", sorted(PLANTS))
def test_a_file_whose_schema_is_not_its_formats_is_refused_untouched(plant, tmp_path):
    path = _workspace_with_data(tmp_path / "crafted.pmdesk")
    before = _plant(path, *PLANTS[plant])

    for read_only in (False, True):
        with pytest.raises(ForeignSchemaError, match="altered outside pmdesk") as refused:
            Workspace.open(path, read_only=read_only)
        assert "not changed" in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crafted.pmdesk"]


def test_pmdesk_check_reports_a_planted_trigger_as_a_failure(tmp_path):
    path = _workspace_with_data(tmp_path / "crafted.pmdesk")
    before = _plant(path, *PLANTS["trigger on an edit"])
    done = subprocess.run(
        [sys.executable, "-m", "pmdesk", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "trigger" in done.stderr and "wipe" in done.stderr
    assert "Integrity: ok" not in done.stdout
    assert path.read_bytes() == before


def test_a_trigger_in_an_old_format_file_is_refused_before_the_upgrade(tmp_path):
    """Format 1 with a trigger on meta: the upgrade itself would have fired it."""
    path = tmp_path / "old.pmdesk"
    shutil.copyfile(FIXTURES / "schema_v1.pmdesk", path)
    before = _plant(
        path, "CREATE TRIGGER on_upgrade AFTER UPDATE ON meta BEGIN DELETE FROM stakeholder; END"
    )
    with pytest.raises(ForeignSchemaError, match="on_upgrade"):
        Workspace.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "old backups").exists()  # refused before any backup or upgrade


def test_a_view_that_never_ends_does_not_hang_the_open(tmp_path):
    path = _workspace_with_data(tmp_path / "crafted.pmdesk")
    _plant(
        path,
        "ALTER TABLE meta RENAME TO meta_real",
        "CREATE VIEW meta AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
        "SELECT 'schema_version' AS key, max(i) AS value FROM n",
    )
    started = time.monotonic()
    with pytest.raises(ForeignSchemaError, match="view"):
        Workspace.open(path)
    assert time.monotonic() - started < 5


def test_a_changed_constraint_is_refused(tmp_path):
    """A table whose CHECK was loosened holds values every screen assumes cannot be there."""
    path = _workspace_with_data(tmp_path / "crafted.pmdesk")
    conn = sqlite3.connect(path)
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'risk'").fetchone()[0]
    conn.close()
    loosened = sql.replace("CHECK (impact BETWEEN 1 AND 5)", "CHECK (1)")
    assert loosened != sql
    _plant(
        path,
        "PRAGMA writable_schema = ON",
        f"UPDATE sqlite_master SET sql = '{loosened.replace(chr(39), chr(39) * 2)}' "
        "WHERE name = 'risk'",
    )
    with pytest.raises(ForeignSchemaError, match="“risk” is not as workspace format"):
        Workspace.open(path)


def test_every_connection_runs_with_sqlites_defences(workspace):
    with workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA trusted_schema").scalar() == 0
        assert conn.exec_driver_sql("PRAGMA cell_size_check").scalar() == 1
        raw = conn.connection.dbapi_connection
        assert raw.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)
        assert not raw.getconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER)
        assert not raw.getconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW)
        with pytest.raises(sa.exc.OperationalError):
            conn.exec_driver_sql("PRAGMA writable_schema = ON")
            conn.exec_driver_sql("UPDATE sqlite_master SET sql = 'x' WHERE name = 'risk'")


def test_a_trigger_slipped_in_while_open_does_not_fire(tmp_path):
    """Belt and braces: triggers are off on pmdesk's connections, whatever the file says."""
    path = _workspace_with_data(tmp_path / "open.pmdesk")
    with Workspace.open(path) as ws:
        other = sqlite3.connect(path)  # someone else, behind pmdesk's back
        other.execute(
            "CREATE TRIGGER wipe AFTER UPDATE ON roadmap_item BEGIN DELETE FROM requirement; END"
        )
        other.commit()
        other.close()
        roadmap = ws.service(RoadmapService)
        [item] = roadmap.items.list()
        roadmap.items.update(item.id, name="Beta 2")
        assert len(ws.service(RequirementService).requirements.list()) == 1


def test_a_runaway_statement_is_stopped(workspace, monkeypatch):
    monkeypatch.setattr(sqlite_file.StatementClock, "LIMIT_S", 0.3)
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    started = time.monotonic()
    with (
        workspace.engine.connect() as conn,
        pytest.raises(sa.exc.OperationalError, match="interrupted"),
    ):
        conn.exec_driver_sql(endless).scalar()
    assert time.monotonic() - started < 5
    with workspace.engine.connect() as conn:  # the next statement has its full time again
        assert conn.exec_driver_sql("SELECT count(*) FROM product").scalar() == 0


def test_the_frozen_schema_of_this_format_is_what_the_models_make():
    """A model change needs a new workspace format (and its migration and fixture)."""
    made = {(o.type, o.name): o.sql for o in file_schema.current_schema()}
    assert made == file_schema.expected_schema(schema.SCHEMA_VERSION), (
        "the models no longer match workspace format "
        f"{schema.SCHEMA_VERSION}: add a format, a migration and "
        "`python -m pmdesk.store.file_schema`"
    )


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("schema_v*.pmdesk")), ids=lambda p: p.stem)
def test_every_released_formats_file_matches_its_frozen_schema(fixture):
    version = int(fixture.stem.removeprefix("schema_v"))
    conn = sqlite3.connect(f"file:{fixture}?mode=ro&immutable=1", uri=True)
    try:
        file_schema.verify(file_schema.read_schema(conn), version)
    finally:
        conn.close()


def test_an_upgraded_file_is_exactly_the_current_format(tmp_path):
    path = tmp_path / "old.pmdesk"
    shutil.copyfile(FIXTURES / "schema_v1.pmdesk", path)
    Workspace.open(path).close()
    conn = sqlite3.connect(path)
    try:
        file_schema.verify(file_schema.read_schema(conn), schema.SCHEMA_VERSION)
    finally:
        conn.close()
