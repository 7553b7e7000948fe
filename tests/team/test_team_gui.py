"""The team workspace in the window: others' changes, conflicts, undo, a dropped connection."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from pmdesk.gui.commands import DeleteCommand, UpdateCommand
from pmdesk.gui.team import ConflictDialog, ConnectDialog, ConnectionBanner, TeamContext
from pmdesk.store.services import PortfolioService
from pmdesk.store.team_versions import ConflictError

TEXT = 'Owner <b>&amp;</b> "quoted" 😀'


def _context(qtbot, ws) -> TeamContext:
    ctx = TeamContext(ws)
    qtbot.addWidget(banner := ConnectionBanner(ctx))
    ctx.banner = banner
    return ctx


def test_changes_by_others_reach_the_context_within_two_seconds(qtbot, connect):
    mine, theirs = connect(), connect()
    ctx = _context(qtbot, mine)
    with qtbot.waitSignal(ctx.changed, timeout=2000) as got:
        product = theirs.service(PortfolioService).create_product(name=TEXT)
    assert product.id in got.args[0].ids("product", "insert")
    ctx.close()


def test_a_conflict_asks_and_keep_mine_or_take_theirs_settles_it(qtbot, connect):
    mine, theirs = connect(), connect()
    ctx = _context(qtbot, mine)
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha")
    products.get(product.id)
    theirs.service(PortfolioService).products.update(product.id, owner=TEXT)
    command = UpdateCommand(products, product.id, {"owner": "Mine"}, "Set owner")
    with qtbot.waitSignal(ctx.conflictRaised) as got:
        assert not ctx.run(command)
    conflict, same = got.args
    assert isinstance(conflict, ConflictError) and same is command
    dialog = ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    shown = [dialog.table.item(0, c).text() for c in range(3)]
    assert shown == ["owner", "Mine", TEXT]
    assert ctx.keep_mine(conflict, command)
    assert theirs.service(PortfolioService).products.get(product.id).owner == "Mine"
    assert ctx.undo_stack.count() == 1
    ctx.close()


def test_take_theirs_refreshes_the_row_and_keeps_their_value(qtbot, connect):
    mine, theirs = connect(), connect()
    ctx = _context(qtbot, mine)
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha")
    products.get(product.id)
    theirs.service(PortfolioService).products.update(product.id, owner="Theirs")
    command = UpdateCommand(products, product.id, {"owner": "Mine"}, "Set owner")
    with qtbot.waitSignal(ctx.conflictRaised) as got:
        ctx.run(command)
    with qtbot.waitSignal(ctx.changed) as refreshed:
        ctx.take_theirs(got.args[0])
    assert product.id in refreshed.args[0].ids("product")
    assert products.get(product.id).owner == "Theirs" and ctx.undo_stack.count() == 0
    ctx.close()


def test_undo_refuses_to_overwrite_someone_elses_later_change(qtbot, connect):
    mine, theirs = connect(), connect()
    ctx = _context(qtbot, mine)
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha", owner="Ann")
    assert ctx.run(UpdateCommand(products, product.id, {"owner": "Bo"}, "Set owner"))
    theirs.service(PortfolioService).products.update(product.id, owner="Cy")
    with qtbot.waitSignal(ctx.errorRaised) as said:
        ctx.undo()
    assert "Someone else" in said.args[0] and "Cy" in said.args[0]
    assert products.get(product.id).owner == "Cy"
    ctx.close()


def test_a_dropped_connection_shows_keeps_the_edit_and_reconnects(qtbot, connect, pg_server):
    ws = connect()
    ctx = _context(qtbot, ws)
    products = ws.service(PortfolioService).products
    product = ws.service(PortfolioService).create_product(name="Alpha")
    pg_server.stop()
    try:
        command = UpdateCommand(products, product.id, {"owner": TEXT}, "Set owner")
        assert not ctx.run(command)
        assert ctx.state == "lost" and ctx.pending == [command]
        assert ctx.banner.property("state") == "lost" and "lost" in ctx.banner.text()
    finally:
        pg_server.start()
    qtbot.waitUntil(lambda: ctx.state == "connected", timeout=5000)
    assert ctx.pending == [] and ctx.undo_stack.count() == 1
    assert products.get(product.id).owner == TEXT
    assert "connected" in ctx.banner.text()
    ctx.close()


def test_connect_dialog_hides_the_password_and_wants_a_postgresql_address(qtbot):
    dialog = ConnectDialog(None, "")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.buttons()[0]
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.url_edit.setText("/home/me/plan.pmdesk")
    assert not ok.isEnabled()
    dialog.url_edit.setText("postgresql://pm@db.example/portfolio")
    dialog.password_edit.setText("s3cret <&>")
    assert ok.isEnabled()
    assert dialog.values() == ("postgresql://pm@db.example/portfolio", "s3cret <&>")


def test_the_window_opens_a_team_workspace_without_remembering_it(qtbot, team_db, pg_server):
    from pmdesk.gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    assert window.open_url(team_db, pg_server.password)
    assert isinstance(window.ctx, TeamContext) and window.workspace.is_team
    assert team_db not in " ".join(map(str, window.settings.recent_files))
    banners = window.statusBar().findChildren(ConnectionBanner)
    assert banners and "connected" in banners[0].text()
    window.close_workspace()


def test_the_command_line_hands_a_team_address_to_the_window_unchanged(monkeypatch):
    from pmdesk import cli

    opened: list[object] = []
    monkeypatch.setattr(cli, "_run_gui", lambda target: opened.append(target) or 0)
    assert cli.main(["postgresql://pm@db.example:5433/portfolio"]) == 0
    assert opened == ["postgresql://pm@db.example:5433/portfolio"]  # not mangled into a Path


def test_a_refused_delete_asks_to_delete_anyway_or_keep_theirs(qtbot, connect):
    mine, theirs = connect(), connect()
    ctx = _context(qtbot, mine)
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha")
    products.get(product.id)
    theirs.service(PortfolioService).products.update(product.id, name=TEXT)
    command = DeleteCommand(products, [product.id], "Delete product")
    with qtbot.waitSignal(ctx.conflictRaised) as got:
        assert not ctx.run(command)
    conflict = got.args[0]
    dialog = ConflictDialog(conflict)
    qtbot.addWidget(dialog)
    assert (dialog.keep_button.text(), dialog.take_button.text()) == (
        "Delete anyway",
        "Keep theirs",
    )
    assert [dialog.table.item(0, c).text() for c in (1, 2)] == ["(deleted)", TEXT]
    assert products.count() == 1
    assert ctx.keep_mine(conflict, command) and products.count() == 0
    ctx.undo()
    assert products.get(product.id).name == TEXT
    ctx.close()


def test_an_edit_kept_offline_is_checked_against_what_was_seen_before_the_drop(
    qtbot, connect, pg_server
):
    """While away, a colleague changed the row; the screen re-reads it on reconnecting.

    The kept edit was made against the old value, so it must be refused with both
    values, not written over theirs just because the screen has caught up since.
    """
    mine, theirs = connect(), connect()
    ctx = _context(qtbot, mine)
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha", owner="Ann")
    products.get(product.id)
    ctx.changed.connect(lambda _c: products.get(product.id))  # what an open view does
    pg_server.stop()
    try:
        assert not ctx.run(UpdateCommand(products, product.id, {"owner": "Mine"}, "Set owner"))
        assert ctx.state == "lost"
    finally:
        pg_server.start()
    theirs.service(PortfolioService).products.update(product.id, owner=TEXT)
    with qtbot.waitSignal(ctx.conflictRaised, timeout=5000) as refused:
        pass
    conflict, _command = refused.args
    assert (conflict.mine, conflict.theirs) == ("Mine", TEXT)
    assert products.get(product.id).owner == TEXT
    ctx.close()


def test_reconnecting_happens_off_the_window_thread(qtbot, connect, pg_server, monkeypatch):
    """An unreachable host can take seconds to refuse: the window must not wait for it."""
    import threading

    ws = connect()
    ctx = _context(qtbot, ws)
    pg_server.stop()
    try:
        qtbot.waitUntil(lambda: ctx.state == "lost", timeout=5000)
    finally:
        pg_server.start()
    opened_on: list[threading.Thread] = []
    real_open = ws.feed.open

    def recording_open() -> None:
        opened_on.append(threading.current_thread())
        real_open()

    monkeypatch.setattr(ws.feed, "open", recording_open)
    qtbot.waitUntil(lambda: ctx.state == "connected", timeout=5000)
    assert opened_on and threading.main_thread() not in opened_on
    ctx.close()
