"""Every released workspace format opens in this pmdesk, upgraded after a backup.

``fixtures/`` holds one file per released format (made by make_fixture.py, committed,
never regenerated) and a JSON file of what it must still hold. The fixtures are
copied to a temporary folder before they are opened: the committed files never change.

Each real migration has tests of its own here; the upgrade machinery is also
exercised by pretending this pmdesk reads the next format and registering a
migration to it (run after the real ones, in the same transaction).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from pmdesk.core.errors import ValidationError
from pmdesk.store import file_schema, migrations, schema
from pmdesk.store.errors import UpgradeFailedError
from pmdesk.store.services import (
    HistoryService,
    LifecycleService,
    PortfolioService,
    RoadmapService,
    WhatIfService,
)
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).with_name("fixtures")
FIXTURE_FILES = sorted(FIXTURES.glob("*.pmdesk"))
V1 = FIXTURES / "schema_v1.pmdesk"
LATEST = FIXTURES / f"schema_v{schema.SCHEMA_VERSION}.pmdesk"
FORMAT_4_EMPTY = dict.fromkeys(
    [
        "business_case",
        "business_driver",
        "business_scenario",
        "scenario_override",
        "business_case_version",
        "cost_item",
        "price_point",
    ],
    0,
)
FORMAT_5_EMPTY = dict.fromkeys(
    [
        "competitor",
        "product_competitor",
        "capability",
        "comparison_cell",
        "win_loss",
        "market_signal",
        "signal_product",
        "signal_competitor",
        "signal_requirement",
        "feedback",
        "feedback_requirement",
        "limitation",
    ],
    0,
)

FORMAT_6_EMPTY = dict.fromkeys(["change_edit", "change_entry", "history_snapshot"], 0)
FORMAT_7_EMPTY = {"what_if": 0}


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


def _schema(path: Path) -> dict[str, str]:
    """Every table's and index's CREATE statement, quotes and layout aside.

    A rebuilt table's statement differs from create_all's only there: SQLite
    quotes the name on RENAME, and a migration's frozen DDL has its own line breaks.
    """
    conn = _raw(path)
    try:
        rows = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        conn.close()
    return {name: " ".join(sql.replace('"', "").split()) for name, sql in rows}


def _check_names(path: Path, table: str) -> list[str]:
    return re.findall(r"CONSTRAINT (\w+) CHECK", _schema(path)[table])


def _rows(path: Path, table: str) -> list[dict]:
    conn = _raw(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY id')]
    finally:
        conn.close()


def _counts(path: Path) -> dict[str, int]:
    conn = _raw(path)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


@pytest.fixture
def new_file_schema(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The schema this pmdesk gives a new workspace: what every upgrade must arrive at."""
    path = tmp_path_factory.mktemp("new") / "new.pmdesk"
    Workspace.create(path).close()
    return _schema(path)


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
            product_id=product.id,
            lane_id=lane.id,
            name="After the upgrade",
            start_date="2027-01-01",
            end_date="2027-01-02",
        )

    older = expected["format"] < schema.SCHEMA_VERSION
    assert len(_backups(path)) == (1 if older else 0)
    assert fixture.read_bytes() == committed


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=lambda f: f.name)
def test_fixture_upgraded_has_the_schema_of_a_new_file(fixture, new_file_schema, tmp_path):
    path = _copy(fixture, tmp_path)
    Workspace.open(path).close()
    assert _schema(path) == new_file_schema


def test_the_current_format_opens_without_an_upgrade(tmp_path: Path):
    assert _expected(LATEST)["format"] == schema.SCHEMA_VERSION
    path = _copy(LATEST, tmp_path)
    before = _schema(path)
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        with ws.engine.connect() as conn:
            _assert_content(conn, _expected(LATEST))
    assert _backups(path) == []
    assert _schema(path) == before
    assert _stored_version(path) == schema.SCHEMA_VERSION


# -- format 2: gate_review.recycle_to's CHECK gets a name of its own ----------------------------

RECYCLED_GATE = {
    "product_id": 2,
    "stage": "in_life",
    "decision": "recycle",
    "recycle_to": "go_to_market",
    "criteria": '[{"text": "<b>Churn</b> & \'fit\'", "met": true, "note": "🚀"}]',
    "decided_by_id": 1,
    "decided_by_name": "Zoë “the critic” 🚀",
    "decided_on": "2026-04-01",
    "rationale": 'Back to <GTM> & "why" — café 🚀',
    "id": 7,
    "row_version": 3,
}


def _v1_with_a_recycled_gate(folder: Path) -> Path:
    """A copy of the v1 fixture plus a Recycle gate (the fixture has none) with every column set."""
    path = _copy(V1, folder)
    conn = sqlite3.connect(path)
    try:
        columns = ", ".join(RECYCLED_GATE)
        marks = ", ".join("?" * len(RECYCLED_GATE))
        with conn:
            conn.execute(
                f"INSERT INTO gate_review ({columns}) VALUES ({marks})",
                list(RECYCLED_GATE.values()),
            )
    finally:
        conn.close()
    return path


def test_format_1_gate_review_is_rebuilt_with_distinct_check_names(tmp_path: Path):
    path = _v1_with_a_recycled_gate(tmp_path)
    assert _stored_version(path) == 1
    old_names = _check_names(path, "gate_review")
    assert old_names.count("ck_gate_review_stage") == 2  # what format 1 files hold
    gates, counts = _rows(path, "gate_review"), _counts(path)
    assert RECYCLED_GATE in gates

    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        assert ws.check().ok

    names = _check_names(path, "gate_review")
    assert sorted(names) == [
        "ck_gate_review_gatedecision",
        "ck_gate_review_recycle_to",
        "ck_gate_review_stage",
    ]
    assert _rows(path, "gate_review") == gates
    # Every row kept; format 3 adds the workspace's standard calendar, without holidays,
    # format 4 the business of the products, format 5 the market radar, format 6 the
    # history and format 7 the what-if scenarios, empty.
    assert (
        _counts(path)
        == counts
        | {"work_calendar": 1, "calendar_exception": 0}
        | FORMAT_4_EMPTY
        | FORMAT_5_EMPTY
        | FORMAT_6_EMPTY
        | FORMAT_7_EMPTY
    )
    indexes = {name for name, sql in _schema(path).items() if " ON gate_review " in sql}
    assert indexes == {"ix_gate_review_product_id", "ix_gate_review_decided_by_id"}
    [backup] = _backups(path)
    assert "before upgrade from format 1" in backup.name
    assert _stored_version(backup) == 1
    assert _check_names(backup, "gate_review") == old_names
    assert _rows(backup, "gate_review") == gates


def test_format_2_checks_still_refuse_a_stage_that_does_not_exist(tmp_path: Path):
    path = _v1_with_a_recycled_gate(tmp_path)
    Workspace.open(path).close()
    conn = sqlite3.connect(path)
    try:
        for column, check in [
            ("recycle_to", "ck_gate_review_recycle_to"),
            ("stage", "ck_gate_review_stage"),
        ]:
            with pytest.raises(sqlite3.IntegrityError, match=f"{check}$"):
                conn.execute(f"UPDATE gate_review SET {column} = 'Nowhere <&> 🚀' WHERE id = 7")
        conn.execute("UPDATE gate_review SET recycle_to = 'analysis' WHERE id = 7")  # allowed
        conn.execute("UPDATE gate_review SET recycle_to = NULL WHERE id = 7")  # allowed
        conn.rollback()
    finally:
        conn.close()

    with Workspace.open(path) as ws:  # and the person is told which rule, in words
        with pytest.raises(ValidationError, match="“recycle to” of gate review"):
            with ws.transaction() as uow:
                uow.session.execute(sa.text("UPDATE gate_review SET recycle_to = 'later'"))


def test_format_1_gate_review_keeps_its_cascades(tmp_path: Path):
    """The rebuilt table's foreign keys work: a product's gates go with it."""
    path = _v1_with_a_recycled_gate(tmp_path)
    with Workspace.open(path) as ws:
        with ws.transaction() as uow:
            uow.session.execute(sa.text("DELETE FROM product WHERE id = 2"))
        with ws.engine.connect() as conn:
            left = conn.exec_driver_sql("SELECT id FROM gate_review ORDER BY id").fetchall()
    assert left == [(1,)]


def test_format_2_migration_failing_half_way_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """After the copy, drop and rename, a failing index leaves no trace of the rebuild."""
    broken = (*migrations._GATE_REVIEW_INDEXES, "CREATE INDEX ix_broken ON gate_review (nowhere)")
    monkeypatch.setattr(migrations, "_GATE_REVIEW_INDEXES", broken)
    path = _v1_with_a_recycled_gate(tmp_path)
    before = path.read_bytes()

    with pytest.raises(UpgradeFailedError, match="nowhere"):
        Workspace.open(path)

    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, f"{path.stem} backups"])
    monkeypatch.undo()
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
    assert RECYCLED_GATE in _rows(path, "gate_review")


# -- format 3: calendars, lags that keep counting calendar days, milestones held by key --------

V2 = FIXTURES / "schema_v2.pmdesk"
SALE_NOTES = "Tell the channel first. [elimination review 5: end of sale] Then the press."
SUPPORT_NOTES = (
    "End of support decided in the elimination review. [elimination review 5: end of support]"
)


def _with_elimination_markers(fixture: Path, folder: Path) -> Path:
    """An older file as pmdesk 0.2 left it: a review whose milestones carry its markers.

    Borealis (product 2) gets a Lifecycle lane, review 5 with both dates, the two
    milestones, and a decoy: a milestone of Atlas (product 1) with review 5's marker.
    """
    path = _copy(fixture, folder)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    item = (
        "INSERT INTO roadmap_item (id, product_id, lane_id, parent_id, name, kind, start_date, "
        "end_date, progress, status, horizon, notes, sort_order, row_version) VALUES "
        "(?, ?, ?, NULL, ?, 'milestone', ?, ?, 0, 'planned', NULL, ?, 0, 1)"
    )
    with conn:
        conn.execute(
            "INSERT INTO lane (id, product_id, name, kind, colour, sort_order, collapsed, "
            "row_version) VALUES (9, 2, 'Lifecycle', 'launch', '#888888', 1, 0, 1)"
        )
        conn.execute(
            "INSERT INTO elimination_review (id, product_id, opened_on, status, triggers, "
            "revenue_lost_per_year, margin_lost_per_year, customers_affected, "
            "shared_costs_remaining, dependent_products, strategy, end_of_sale, end_of_support, "
            "decided_on, rationale, row_version) VALUES (5, 2, '2026-05-01', 'decided', '[]', "
            "0, 0, 3, 0, '', 'phase_out', '2027-03-31', '2028-03-31', '2026-06-01', 'Old', 2)"
        )
        # The sale milestone was dragged on the roadmap (format 2 kept the drag too).
        conn.execute(item, (21, 2, 9, "End of sale", "2027-04-15", "2027-04-15", SALE_NOTES))
        conn.execute(item, (22, 2, 9, "End of support", "2028-03-31", "2028-03-31", SUPPORT_NOTES))
        decoy = "Copied from Borealis [elimination review 5: end of sale]"
        conn.execute(item, (20, 1, 1, "Not Borealis", "2027-01-01", "2027-01-01", decoy))
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


@pytest.mark.parametrize("fixture", [V1, V2], ids=["format 1", "format 2"])
def test_older_file_gets_a_calendar_elapsed_lags_and_milestone_links(fixture, tmp_path: Path):
    path = _with_elimination_markers(fixture, tmp_path)
    lags = [(d["id"], d["lag_days"]) for d in _rows(path, "dependency")]
    assert lags  # the fixture has dependencies to carry over

    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        assert ws.check().ok
        lifecycle = ws.service(LifecycleService)
        [review] = lifecycle.eliminations_of(2)
        assert (review.end_of_sale_item_id, review.end_of_support_item_id) == (21, 22)
        milestones = lifecycle.milestones_of(review.id)
        assert {k: m.id for k, m in milestones.items()} == {"end_of_sale": 21, "end_of_support": 22}

    items = {row["id"]: row for row in _rows(path, "roadmap_item")}
    assert items[21]["notes"] == "Tell the channel first. Then the press."
    assert items[22]["notes"] == "End of support decided in the elimination review."
    assert items[21]["start_date"] == "2027-04-15"  # the drag kept
    assert "[elimination review 5: end of sale]" in items[20]["notes"]  # another product's
    dependencies = _rows(path, "dependency")
    assert [(d["id"], d["lag_days"]) for d in dependencies] == lags
    assert {(d["lag_elapsed"], d["lag_unit"], d["lag_exact"]) for d in dependencies} == {
        (1, "day", None)
    }
    [calendar] = _rows(path, "work_calendar")
    assert {k: v for k, v in calendar.items() if k not in ("id", "row_version")} == {
        "product_id": None,
        "name": "Standard",
        "weekdays": 31,
        "day_start": 540,
        "day_end": 1020,
        "minutes_per_day": 480,
    }
    assert _rows(path, "calendar_exception") == []
    [backup] = _backups(path)
    assert _stored_version(backup) == _expected(fixture)["format"]

    # The links work: a save that keeps the date keeps the drag, a new date moves the same
    # milestone, and no second one is made.
    with Workspace.open(path) as ws:
        lifecycle, roadmap = ws.service(LifecycleService), ws.service(RoadmapService)
        lifecycle.update_elimination(5, rationale="Margins are gone")
        assert roadmap.items.get(21).start_date == dt.date(2027, 4, 15)
        lifecycle.update_elimination(5, end_of_sale=dt.date(2027, 6, 30))
        assert roadmap.items.get(21).start_date == dt.date(2027, 6, 30)
        names = [i.name for i in roadmap.items_of(2)]
        assert sorted(names) == ["End of sale", "End of support"]


def test_format_3_migration_failing_half_way_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """The dependency table is rebuilt, the review's copy fails: nothing of it remains."""
    broken = migrations._ELIMINATION_V3.replace("rationale TEXT NOT NULL,", "")
    assert broken != migrations._ELIMINATION_V3
    monkeypatch.setattr(migrations, "_ELIMINATION_V3", broken)
    path = _with_elimination_markers(V2, tmp_path)
    before, rows = path.read_bytes(), _rows(path, "elimination_review")

    with pytest.raises(UpgradeFailedError, match="rationale") as failed:
        Workspace.open(path)

    assert "not changed" in str(failed.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, f"{path.stem} backups"])
    [backup] = _backups(path)
    assert failed.value.backup == backup
    assert _stored_version(backup) == 2
    assert _rows(backup, "elimination_review") == rows
    assert _counts(backup) == _counts(path)

    monkeypatch.undo()
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION
        [review] = ws.service(LifecycleService).eliminations_of(2)
        assert review.end_of_sale_item_id == 21


def _weekend_free_plan(folder: Path) -> Path:
    """The format 2 fixture's Atlas plan on weekdays only, each successor too early.

    Design Mon 4 – Wed 6 January 2027; Pricing (after Design, no lag) Mon–Tue; Launch
    (a milestone 3 days after Pricing) on the 4th; Beta (starting 7 days after Design
    starts) Mon–Wed.
    """
    path = _copy(V2, folder)
    conn = sqlite3.connect(path)
    with conn:
        for item_id, start, end in [
            (1, "2027-01-04", "2027-01-06"),
            (2, "2027-01-04", "2027-01-05"),
            (3, "2027-01-04", "2027-01-04"),
        ]:
            conn.execute(
                "UPDATE roadmap_item SET start_date = ?, end_date = ? WHERE id = ?",
                (start, end, item_id),
            )
        conn.execute(
            "INSERT INTO roadmap_item (id, product_id, lane_id, parent_id, name, kind, "
            "start_date, end_date, progress, status, horizon, notes, sort_order, row_version) "
            "VALUES (4, 1, 1, NULL, 'Beta', 'feature', '2027-01-04', '2027-01-06', 0, "
            "'planned', NULL, '', 3, 1)"
        )
        conn.execute(
            "INSERT INTO dependency (id, predecessor_id, successor_id, type, lag_days, "
            "row_version) VALUES (3, 1, 4, 'SS', 7, 1)"
        )
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path


# What pmdesk 0.2 (format 2, calendar days) made of that plan with "Move successors".
FORMAT_2_DATES = {
    1: ("2027-01-04", "2027-01-06"),
    2: ("2027-01-07", "2027-01-08"),  # Thursday, the day after Design
    3: ("2027-01-12", "2027-01-12"),  # the Saturday after Pricing, plus 3 days
    4: ("2027-01-11", "2027-01-13"),  # Monday: 7 days after Design's start
}


def test_an_upgraded_plan_moves_successors_to_the_dates_it_did_before(tmp_path: Path):
    path = _weekend_free_plan(tmp_path)
    with Workspace.open(path) as ws:
        roadmap = ws.service(RoadmapService)
        assert roadmap.calendar_of(1).weekdays == 31  # a working week, not calendar days
        previous = roadmap.reschedule_successors(1)
        assert set(previous) == {2, 3, 4}
        # Done again, nothing moves: the plan is where its dependencies want it.
        assert roadmap.reschedule_successors(1) == {}
        assert roadmap.violations_of(1) == []
    moved = {
        row["id"]: (row["start_date"], row["end_date"])
        for row in _rows(path, "roadmap_item")
        if row["product_id"] == 1
    }
    assert moved == FORMAT_2_DATES


# -- format 7: what-if scenarios, an empty table -------------------------------------------------


@pytest.mark.parametrize("version", range(1, 7))
def test_an_older_file_gains_an_empty_what_if_table_that_works(version: int, tmp_path: Path):
    path = _copy(FIXTURES / f"schema_v{version}.pmdesk", tmp_path)
    assert "what_if" not in _counts(path)
    with Workspace.open(path) as ws:
        assert ws.schema_version == schema.SCHEMA_VERSION == 7
        assert ws.check().counts["what_if"] == 0
        scenarios = ws.service(WhatIfService)
        assert scenarios.scenarios() == []
        product = ws.service(PortfolioService).list_products()[0]
        edits = ws.service(HistoryService).counts()
        made = scenarios.create("Ship <early> & 🚀", product.id, note="After the upgrade")
        assert [s.name for s in scenarios.scenarios()] == ["Ship <early> & 🚀"]
        assert (made.product_id, made.changed_rows) == (product.id, 0)
        assert ws.service(HistoryService).counts() == edits  # a scenario is no edit of the plan
        with ws.engine.connect() as conn:
            _assert_content(conn, _expected(FIXTURES / f"schema_v{version}.pmdesk"))
        assert ws.check().ok
    [backup] = _backups(path)
    assert _stored_version(backup) == version
    assert "what_if" not in _counts(backup)


def test_format_7_migration_refuses_an_engine_it_does_not_know():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.dialect.name = "oracle"  # what a third engine would be called
        with pytest.raises(RuntimeError, match="no format 7 migration for a oracle database"):
            migrations.to_format_7(conn)
    engine.dispose()


# -- the upgrade machinery, with a pretend next format ---------------------------------------------

NEXT = schema.SCHEMA_VERSION + 1


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
def next_format(monkeypatch: pytest.MonkeyPatch):
    """This pmdesk now reads format NEXT; the test registers the migration to it.

    The real migrations stay: a format 1 file goes through all of them, then the test's.
    """
    monkeypatch.setattr(schema, "SCHEMA_VERSION", NEXT)
    monkeypatch.setattr(schema, "MIGRATIONS", dict(schema.MIGRATIONS))
    known = file_schema.expected_schema

    def expected(version: int) -> dict:
        return _schema_made_by(schema.MIGRATIONS[NEXT]) if version == NEXT else known(version)

    monkeypatch.setattr(file_schema, "expected_schema", expected)
    return schema.MIGRATIONS


def _schema_made_by(migration) -> dict:
    """Format NEXT's schema: what ``migration`` makes of the latest released format."""
    conn = sqlite3.connect(":memory:")
    source = sqlite3.connect(f"file:{LATEST}?mode=ro&immutable=1", uri=True)
    source.backup(conn)
    source.close()
    engine = sa.create_engine(
        "sqlite+pysqlite://", creator=lambda: conn, poolclass=sa.pool.StaticPool
    )
    with engine.begin() as connection:
        migration(connection)
    made = {
        (o.type, o.name): o.sql
        for o in file_schema.read_schema(conn)
        if not o.name.startswith("sqlite_")
    }
    engine.dispose()
    conn.close()
    return made


@pytest.mark.parametrize("migration", [_add_product_code, _rebuild_product_table])
def test_upgrade_backs_up_then_migrates(next_format, migration, tmp_path: Path):
    next_format[NEXT] = migration
    path = _copy(V1, tmp_path)
    original = path.read_bytes()
    expected = _expected(V1)

    with Workspace.open(path) as ws:
        assert ws.schema_version == NEXT
        assert ws.check().ok
        with ws.engine.connect() as conn:
            _assert_content(conn, expected)  # children of the rebuilt table are all there
            codes = conn.exec_driver_sql("SELECT DISTINCT code FROM product").fetchall()
            assert codes == [("ATL",)]
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    assert "code" in _columns(path, "product")
    assert _stored_version(path) == NEXT

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


def test_failed_migration_leaves_the_file_as_it_was(next_format, tmp_path: Path):
    next_format[NEXT] = _half_done_then_fail
    path = _copy(V1, tmp_path)
    before = path.read_bytes()

    with pytest.raises(UpgradeFailedError) as failed:
        Workspace.open(path)

    message = str(failed.value)
    assert f"format 1 to {NEXT}" in message and "boom <&> 🚀" in message
    assert "not changed" in message
    assert isinstance(failed.value.__cause__, RuntimeError)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, f"{path.stem} backups"])
    assert failed.value.backup == _backups(path)[0]

    # The lock was released and a fixed migration now succeeds.
    next_format[NEXT] = _add_product_code
    with Workspace.open(path) as ws:
        assert ws.schema_version == NEXT
        with ws.engine.connect() as conn:
            _assert_content(conn, _expected(V1))
    assert len(_backups(path)) == 2


def test_missing_migration_is_reported_without_touching_the_file(next_format, tmp_path: Path):
    path = _copy(V1, tmp_path)
    before = path.read_bytes()
    with pytest.raises(UpgradeFailedError, match=f"no migration to workspace format {NEXT}"):
        Workspace.open(path)
    assert path.read_bytes() == before
    assert _backups(path) == []


def test_read_only_open_of_an_older_file_does_not_upgrade_it(next_format, tmp_path: Path):
    next_format[NEXT] = _add_product_code
    path = _copy(V1, tmp_path)
    before = path.read_bytes()
    with Workspace.open(path, read_only=True) as ws:
        assert ws.schema_version == 1
    assert path.read_bytes() == before
    assert _backups(path) == []
