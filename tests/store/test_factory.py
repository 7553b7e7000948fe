"""A file workspace knows nothing of team servers: the factory opens the team subclass.

(The team workspace itself, on a real PostgreSQL server, is tested in tests/team.)
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pmdesk.core.errors import PmdeskError
from pmdesk.store.factory import connect_workspace
from pmdesk.store.row_versions import RowVersions
from pmdesk.store.workspace import Workspace


def test_a_file_workspace_has_no_team_attributes(tmp_path):
    with Workspace.create(tmp_path / "plain.pmdesk") as ws:
        assert not ws.is_team
        team_only = ("url", "feed", "origin", "poll_changes", "undo_guard", "connect")
        for name in team_only:
            assert not hasattr(ws, name), name
        # One writer at a time: its row versions are checked by nothing.
        assert type(ws.versions) is RowVersions


def test_opening_a_file_loads_no_team_module(tmp_path):
    """The server's modules (and psycopg) are loaded by the factory only, on first use."""
    path = tmp_path / "plain.pmdesk"
    Workspace.create(path).close()
    script = (
        "import sys\n"
        "from pmdesk.store.factory import open_workspace\n"
        f"with open_workspace({str(path)!r}) as ws:\n"
        "    ws.check()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pmdesk.store.team', 'psycopg'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_factory_refuses_an_address_that_is_not_postgresql():
    with pytest.raises(PmdeskError, match="postgresql://"):
        connect_workspace("mysql://someone@somewhere/portfolio", "secret")
