"""Shared test setup: offscreen Qt (set once, here), and no test touches real user files."""

from __future__ import annotations

import gc
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point pmdesk's data and settings folders at a temporary place for every test."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("PMDESK_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("PMDESK_CONFIG_DIR", str(base / "config"))
    # Nor a real keyring: a test that wants one sets its own in-memory backend.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield


@pytest.fixture(autouse=True)
def _nothing_left_frozen():
    """What a test's window froze (a large plan drawn: core.bulk.CollectorHold) is back in
    the cycle collector's passes for the next test, as in a fresh process."""
    yield
    gc.unfreeze()


@pytest.fixture
def today_at_each_test(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """The test module's ``TODAY`` taken again as the test starts, not when the module was
    imported: the services date what they record by the clock, and a run that crosses
    midnight would otherwise compare two days (a gate "decided before the product entered
    its stage"). A module whose tests use ``TODAY`` with the services' own dates marks
    itself with ``pytest.mark.usefixtures("today_at_each_test")``."""
    import datetime as dt

    monkeypatch.setattr(request.module, "TODAY", dt.date.today())


@pytest.fixture
def workspace(tmp_path: Path):
    """A new, empty workspace file on disk in a temporary folder."""
    from pmdesk.store.workspace import Workspace

    ws = Workspace.create(tmp_path / "test.pmdesk", name="Test portfolio")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def at_the_bounds(tmp_path_factory) -> Path:
    """The demo with dates and amounts pushed to the very edges of what is accepted.

    Every output (PDFs, exports, views) must handle it; its product "Pulse Cloud"
    keeps its name, the others get names of the longest length allowed.
    """
    import sqlite3

    from pmdesk.core.validation import DATE_MAX, DATE_MIN, NUMBER_MAX
    from pmdesk.store.demo import create_demo
    from pmdesk.store.workspace import Workspace

    path = create_demo(tmp_path_factory.mktemp("bounds") / "bounds.pmdesk")
    Workspace.open(path).close()
    first, last, big = DATE_MIN.isoformat(), DATE_MAX.isoformat(), NUMBER_MAX
    conn = sqlite3.connect(path)
    conn.executescript(f"""
        UPDATE roadmap_item SET end_date = '{last}'
            WHERE id = (SELECT min(id) FROM roadmap_item WHERE kind != 'milestone');
        UPDATE roadmap_item SET start_date = '{first}'
            WHERE id = (SELECT max(id) FROM roadmap_item WHERE kind != 'milestone');
        UPDATE roadmap_item SET start_date = '{last}', end_date = '{last}'
            WHERE id = (SELECT min(id) FROM roadmap_item WHERE kind = 'milestone');
        UPDATE stakeholder SET next_contact = '{last}', last_contact = '{first}';
        UPDATE launch SET launch_date = '{last}';
        UPDATE launch_task SET due_date = '{last}' WHERE due_offset_days IS NULL;
        UPDATE metric_value SET value = {big}, target = {-big};
        UPDATE requirement_customer SET revenue = {big};
        UPDATE requirement SET reach = {big};
        UPDATE elimination_review SET revenue_lost_per_year = {big},
            margin_lost_per_year = {-big}, shared_costs_remaining = {big};
        UPDATE product SET name = substr(name || ' ' || printf('%.*c', 300, 'W'), 1, 200)
            WHERE name != 'Pulse Cloud';
    """)
    conn.commit()
    conn.close()
    Workspace.open(path, read_only=True).close()  # within the bounds: a sound file
    return path


@pytest.fixture
def straight_calls(monkeypatch) -> list[str]:
    """The tables written whole, straight to SQLite's cursor (journal._insert_whole_rows),
    one name per call."""
    from pmdesk.store import journal

    calls: list[str] = []
    original = journal._insert_whole_rows

    def counted(connection, table, rows) -> None:
        calls.append(table.name)
        original(connection, table, rows)

    monkeypatch.setattr(journal, "_insert_whole_rows", counted)
    return calls
