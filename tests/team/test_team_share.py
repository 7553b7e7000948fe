"""File ▸ Share as Team Workspace: the open file copied to an empty database, then opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmdesk.gui.main_window import MainWindow
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def window(qtbot, tmp_path: Path):
    window = MainWindow()
    qtbot.addWidget(window)
    errors: list[tuple[str, str]] = []
    window.dialogs.error = lambda title, text: errors.append((title, text))
    window.errors = errors
    assert window.open_path(create_demo(tmp_path / 'Demo <&> "😀".pmdesk'))
    yield window
    window.close_workspace()


def _products(ws: Workspace) -> list[str]:
    return sorted(p.name for p in ws.service(PortfolioService).list_products())


def test_share_copies_the_open_file_and_switches_to_the_team_workspace(
    qtbot, window, empty_db, pg_server
):
    local = window.workspace
    expected = _products(local)
    menu = window.team_menu
    assert menu.share_action.isEnabled()
    told: list[str] = []

    def open_it(_parent, text: str) -> bool:
        told.append(text)
        return True

    assert menu.share(ask_target=lambda _w: (empty_db, pg_server.password), ask_open=open_it)
    with qtbot.waitSignal(menu.flow.done, timeout=30000) as finished:
        pass
    assert finished.args == [True] and not window.errors
    assert empty_db in told[0] and "checked" in told[0]
    assert window.workspace.is_team and _products(window.workspace) == expected
    assert not menu.share_action.isEnabled()  # a team workspace is shared already
    assert window.ctx.state == "connected"


def test_share_into_a_database_that_is_not_empty_says_why_and_stays_on_the_file(
    qtbot, window, team_db, pg_server
):
    local = window.workspace
    menu = window.team_menu
    assert menu.share(
        ask_target=lambda _w: (team_db, pg_server.password),
        ask_open=lambda _w, _t: pytest.fail("nothing to open"),
    )
    with qtbot.waitSignal(menu.flow.done, timeout=30000) as finished:
        pass
    assert finished.args == [False]
    assert "already holds a pmdesk workspace" in window.errors[0][1]
    assert window.workspace is local and not local.is_team


def test_cancelling_the_address_question_does_nothing(window):
    assert not window.team_menu.share(ask_target=lambda _w: None)
    assert window.team_menu.flow is not None and not window.workspace.is_team
