"""A damaged or hand-edited workspace gets the "damaged" message, whichever way it is opened.

Byte flips anywhere in a real demo file, and values of the wrong kind planted with a
plain SQLite connection: opening, checking and reading every row of every table either
works or ends in a pmdesk message — never a traceback, a hang or a change to the file.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from format_files import swap_indexes

from pmdesk.core.errors import PmdeskError
from pmdesk.store.demo import create_demo
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.models import Base
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = create_demo(tmp_path_factory.mktemp("damage") / "demo.pmdesk")
    Workspace.open(path).close()  # folded back: the file stands alone, no -wal
    return path


def _read_everything(ws: Workspace) -> int:
    """Every row of every table through the models, as the views and PDFs read them."""
    rows = 0
    with ws.read() as session:
        for mapper in Base.registry.mappers:
            rows += len(session.scalars(sa.select(mapper.class_)).all())
    return rows


def _open_check_read(path: Path) -> str:
    try:
        with Workspace.open(path, read_only=True) as ws:
            ws.check()
            _read_everything(ws)
        return "ok"
    except PmdeskError as exc:
        return type(exc).__name__


@pytest.mark.parametrize("seed", range(4))
def test_byte_flips_open_or_get_a_message_never_a_traceback(seed, demo_file, tmp_path):
    data = demo_file.read_bytes()
    rng = random.Random(seed)
    outcomes = set()
    for variant in range(30):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        path = tmp_path / f"v{variant}.pmdesk"
        path.write_bytes(bytes(flipped))
        outcomes.add(_open_check_read(path))  # any other exception fails the test
        assert path.read_bytes() == bytes(flipped)
    assert "ok" in outcomes and outcomes - {"ok"}  # both kinds were met


def _plant(demo_file: Path, tmp_path: Path, statement: str) -> Path:
    path = tmp_path / "edited.pmdesk"
    shutil.copyfile(demo_file, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(statement)
    conn.commit()
    conn.close()
    return path


PLANTED = {
    "progress as text": (
        "UPDATE roadmap_item SET progress = 'half' WHERE id = (SELECT min(id) FROM roadmap_item)",
        "progress holds 'half'",
    ),
    "progress as a fraction": (
        "UPDATE roadmap_item SET progress = 50.5 WHERE id = (SELECT min(id) FROM roadmap_item)",
        "not a whole number",
    ),
    "a date that is no date": (
        "UPDATE launch_task SET due_date = '2027-02-30' WHERE id = "
        "(SELECT min(id) FROM launch_task)",
        "not a date",
    ),
    "a name that is bytes": (
        "UPDATE stakeholder SET name = X'4142' WHERE id = (SELECT min(id) FROM stakeholder)",
        "not text",
    ),
    "JSON of the wrong shape": (
        "UPDATE requirement SET acceptance_criteria = '{\"a\": 1}'",
        "not JSON array",
    ),
    "JSON that is not JSON": ("UPDATE product SET gate_criteria = '{oops'", "not JSON object"),
    "an unknown kind": ("UPDATE requirement SET kind = 'wish'", "not one of"),
    "an infinite number": ("UPDATE requirement SET reach = 9e999", "not a number"),
    # Of the right kind but against its table's rules (CHECKs switched off by the editor).
    "progress beyond 100": (
        "UPDATE roadmap_item SET progress = 150 WHERE id = (SELECT min(id) FROM roadmap_item)",
        "breaks the rule “progress range” (progress 150)",
    ),
    "a milestone of two days": (
        "UPDATE roadmap_item SET end_date = date(start_date, '+1 day') WHERE kind = 'milestone'",
        "breaks the rule “milestone one day”",
    ),
    "a stakeholder's power of 11": (
        "UPDATE stakeholder SET power = 11",
        "breaks the rule “power range” (power 11)",
    ),
    "a lag of a million years": (
        "UPDATE dependency SET lag_days = 365000000",
        "lag days holds 365000000, not a number of days within ±36,500",
    ),
}


@pytest.mark.parametrize("case", sorted(PLANTED))
def test_a_value_of_the_wrong_kind_is_reported_by_table_row_and_column(case, demo_file, tmp_path):
    statement, expected = PLANTED[case]
    path = _plant(demo_file, tmp_path, statement)
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(DamagedWorkspaceError, match="cannot use") as refused:
            Workspace.open(path, read_only=read_only)
        assert expected in str(refused.value)
    assert path.read_bytes() == before


def test_text_that_is_not_utf8_is_a_message_when_read(demo_file, tmp_path):
    path = _plant(
        demo_file, tmp_path, "UPDATE requirement SET story_benefit = CAST(X'6869FF21' AS TEXT)"
    )
    with (
        Workspace.open(path, read_only=True) as ws,
        pytest.raises(DamagedWorkspaceError, match="damaged"),
    ):
        _read_everything(ws)


def test_the_damaged_message_names_the_newest_backup(demo_file, tmp_path):
    path = _plant(demo_file, tmp_path, "UPDATE roadmap_item SET progress = 'x'")
    backups = tmp_path / "edited backups"
    backups.mkdir()
    shutil.copyfile(demo_file, backups / "edited 20261101-090000 before upgrade.pmdesk")
    with pytest.raises(DamagedWorkspaceError, match="edited 20261101-090000"):
        Workspace.open(path)


def test_pmdesk_check_on_damaged_files_prints_one_line(demo_file, tmp_path):
    data = bytearray(demo_file.read_bytes())
    rng = random.Random(7)
    for variant in range(6):
        flipped = bytearray(data)
        for _ in range(8):
            flipped[rng.randrange(100, len(flipped))] = rng.randrange(256)
        path = tmp_path / f"c{variant}.pmdesk"
        path.write_bytes(bytes(flipped))
        done = subprocess.run(
            [sys.executable, "-m", "pmdesk", "check", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 2)
        if done.returncode == 2:
            assert done.stderr.startswith("pmdesk: ") and done.stderr.count("\n") == 1


def _indexes_swapped(demo_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "swapped.pmdesk"
    shutil.copyfile(demo_file, path)
    swap_indexes(path)
    return path


def test_a_file_whose_indexes_disagree_opens_read_only_at_most(demo_file, tmp_path):
    from pmdesk.store.errors import IndexDamagedError

    path = _indexes_swapped(demo_file, tmp_path)
    before = path.read_bytes()
    with pytest.raises(IndexDamagedError, match="opened read-only"):
        Workspace.open(path)
    with Workspace.open(path, read_only=True) as ws:  # to look, or copy data out
        assert not ws.check().ok  # and check says what is wrong
        assert _read_everything(ws) > 0
    assert path.read_bytes() == before
