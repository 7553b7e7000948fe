"""``pmdesk team share`` and ``pmdesk team save`` against a real PostgreSQL server."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pmdesk.cli import main
from pmdesk.store.demo import create_demo
from pmdesk.store.factory import connect_workspace
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    return create_demo(tmp_path / "Demo <&> 😀.pmdesk")


def _counts(path: Path) -> dict[str, int]:
    with Workspace.open(path, read_only=True) as ws:
        return ws.check().counts


def test_share_then_save_gives_back_the_same_portfolio(
    demo_file, empty_db, pg_server, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    assert main(["team", "share", str(demo_file), empty_db]) == 0
    said = capsys.readouterr().out
    assert "checked" in said and f"pmdesk {empty_db}" in said
    with connect_workspace(empty_db, pg_server.password) as team:
        names = [p.name for p in team.service(PortfolioService).list_products()]
    assert names
    saved = tmp_path / "back.pmdesk"
    assert main(["team", "save", empty_db, str(saved)]) == 0
    assert "integrity ok" in capsys.readouterr().out
    assert _counts(saved) == _counts(demo_file)
    # An existing file is not overwritten unless asked.
    assert main(["team", "save", empty_db, str(saved)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["team", "save", empty_db, str(saved), "--replace"]) == 0


def test_share_refuses_a_database_that_already_holds_a_workspace(
    demo_file, team_db, pg_server, monkeypatch, capsys
):
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    assert main(["team", "share", str(demo_file), team_db]) == 2
    assert "already holds a pmdesk workspace" in capsys.readouterr().err


def test_a_wrong_or_missing_password_is_refused_with_a_sentence(
    demo_file, empty_db, pg_server, monkeypatch, capsys
):
    monkeypatch.setenv("PGPASSWORD", "wrong")
    assert main(["team", "share", str(demo_file), empty_db]) == 2
    assert "refused this user name or password" in capsys.readouterr().err
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: nobody to ask
    assert main(["team", "share", str(demo_file), empty_db]) == 2
    assert "PGPASSWORD" in capsys.readouterr().err
    # Nothing was left behind: the same database takes the portfolio with the right password.
    monkeypatch.setenv("PGPASSWORD", pg_server.password)
    assert main(["team", "share", str(demo_file), empty_db]) == 0


def test_share_wants_a_postgresql_address(demo_file, capsys):
    assert main(["team", "share", str(demo_file), "mysql://someone@host/db"]) == 2
    assert "postgresql://" in capsys.readouterr().err
