"""An older file looked at read-only — an export, ``pmdesk check``, a file an older pmdesk
has open — is read from a private, upgraded copy: every view and document finds the tables
it expects, bad values are refused as they are in a current file, and the file and its
folder are left exactly as they were."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pmdesk.store import schema
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.factory import open_workspace
from pmdesk.store.services import PortfolioService
from pmdesk.store.services.finance import FinanceService
from pmdesk.store.services.market import MarketService

FIXTURES = Path(__file__).with_name("fixtures")
OLDER = [FIXTURES / f"schema_v{n}.pmdesk" for n in range(1, schema.SCHEMA_VERSION)]


def _copy(fixture: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "colleague's plan.pmdesk"
    shutil.copyfile(fixture, target)
    return target


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fixture", OLDER, ids=lambda p: p.stem)
def test_an_older_file_read_only_reads_as_upgraded_and_is_left_as_it_was(fixture, tmp_path):
    path = _copy(fixture, tmp_path / "inbox")
    before = _listing(path.parent)
    version = int(fixture.stem.removeprefix("schema_v"))
    with open_workspace(path, read_only=True) as ws:
        assert ws.read_only and ws.schema_version == version  # the file's own format
        assert ws.path == path
        products = ws.service(PortfolioService).list_products()
        assert products  # its own rows are there
        finance = ws.service(FinanceService)
        for product in products:  # tables newer than the file read as empty, not missing
            details = finance.case_details(product.id)
            assert details is None or version >= 4
        finance.portfolio_pnl()
        assert ws.service(MarketService).competitors() == [] or version >= 5
        assert ws.check().schema_version == version
    assert _listing(path.parent) == before


def test_a_bad_value_in_an_older_file_is_refused_read_only_too(tmp_path):
    """A format-4 file whose currency was edited elsewhere to something that is no code is
    refused by the value checks when it is only looked at, as a current file is."""
    path = _copy(FIXTURES / "schema_v4.pmdesk", tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    with conn:
        conn.execute("UPDATE business_case SET currency = 'y€n'")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DamagedWorkspaceError, match="currency code"):
        open_workspace(path, read_only=True)
    assert path.read_bytes() == before


def _pmdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pmdesk", *args], capture_output=True, text=True, timeout=120
    )


def test_the_commands_read_an_older_file_without_changing_it(tmp_path):
    path = _copy(FIXTURES / "schema_v3.pmdesk", tmp_path / "inbox")
    before = _listing(path.parent)
    out = tmp_path / "portfolio.pdf"
    exported = _pmdesk("export", "portfolio", str(path), "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert out.read_bytes().startswith(b"%PDF")
    checked = _pmdesk("check", str(path))
    assert checked.returncode == 0, checked.stderr
    assert "3 (older; upgraded to" in checked.stdout
    assert _listing(path.parent) == before
