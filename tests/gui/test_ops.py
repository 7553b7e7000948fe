"""Background operations: work off the GUI thread with progress, Cancel and one undo step.

The imports and exports are driven from the File menu's actions (file choosers
answered by the test), on a new empty workspace and on the demo.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QVBoxLayout, QWidget
from tests.gui.windows import exposed

from pmdesk.core.errors import PmdeskError
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.context import AppContext
from pmdesk.gui.exchange_menu import ExchangeMenus
from pmdesk.gui.ops import BackgroundOp, OpCancelled, OpToken, run_op
from pmdesk.store.models import Base
from pmdesk.store.services import PortfolioService, RequirementService, RoadmapService
from pmdesk.store.workspace import Workspace

ROWS = 5000


def _dump(ws: Workspace) -> dict[str, list[tuple]]:
    """Every row of every table, in key order: 'the file as it was' to compare (but the
    history of edits: an undo is itself an edit it keeps)."""
    with ws.read() as session:
        return {
            t.name: [
                tuple(row) for row in session.execute(sa.select(t).order_by(*t.primary_key.columns))
            ]
            for t in Base.metadata.sorted_tables
            if t.name not in ("change_edit", "change_entry")
        }


@pytest.fixture(params=["empty", "demo"])
def setup(request, qtbot, tmp_path, demo_template):
    if request.param == "demo":
        path = tmp_path / "demo.pmdesk"
        shutil.copyfile(demo_template, path)
        ws = Workspace.open(path)
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
    else:
        ws = Workspace.create(tmp_path / "new.pmdesk")
        product = ws.service(PortfolioService).create_product(name="Widget").id
    ctx = AppContext(ws)
    window = QWidget()
    window.resize(640, 480)
    QVBoxLayout(window).addWidget(QLineEdit(window))
    qtbot.addWidget(window)
    opened: list[Path] = []
    menus = ExchangeMenus(
        window, QMenu(window), QMenu(window), lambda: ctx, lambda: product, lambda: window,
        opened.append,
    )  # fmt: skip
    errors: list[str] = []
    ctx.errorRaised.connect(errors.append)
    yield menus, ctx, ws, product, window, errors
    ctx.close()
    ws.close()


def _action(menus: ExchangeMenus, text: str):
    return next(a for a in menus.actions if a.text().startswith(text))


def _wait(qtbot, op: BackgroundOp) -> BackgroundOp:
    if op.outcome is None:
        with qtbot.waitSignal(op.ended, timeout=60_000):
            pass
    return op


def _big_csv(path: Path) -> Path:
    lines = ["Title,Effort"] + [f"Requirement {n},{n % 7 + 1}" for n in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import_big_csv(qtbot, menus: ExchangeMenus, tmp_path: Path) -> None:
    """File ▸ Import ▸ CSV File…, then the dialog's Import button (the chooser answered)."""
    menus.ask_open = lambda *_: _big_csv(tmp_path / "many.csv")
    menus.show_dialog = lambda dialog: dialog.import_button.click()
    menus.dialog = None
    _action(menus, "CSV File").trigger()
    # The file is read and checked off the GUI thread; then the dialog opens.
    qtbot.waitUntil(
        lambda: menus.dialog is not None and menus.dialog.op is not None, timeout=30_000
    )


def _cancel_mid_way(monkeypatch) -> None:
    """As if the person pressed Cancel once the work is under way (the first rows written)."""
    original = OpToken.steps

    def steps(self, *args, **kwargs):
        report = original(self, *args, **kwargs)

        def cancelling(done: int, total: int) -> None:
            if 0 < done < total:
                self.cancel()
            report(done, total)

        return cancelling

    monkeypatch.setattr(OpToken, "steps", steps)


# -- the helper itself ---------------------------------------------------------------------


def test_work_runs_off_the_gui_thread_and_the_result_comes_back_on_it(qtbot):
    ran_on: list[threading.Thread] = []
    done_on: list[threading.Thread] = []
    seen: list[float | None] = []

    def work(token: OpToken) -> int:
        ran_on.append(threading.current_thread())
        for n in range(1, 11):
            token.progress(n / 10, f"step {n}")
        return 42

    op = run_op(None, work, title="Counting", on_done=lambda r: done_on.append(r))
    op.progressed.connect(lambda fraction, _text: seen.append(fraction))
    done_on.clear()
    op.succeeded.connect(lambda _r: done_on.append(threading.current_thread()))
    _wait(qtbot, op)
    assert op.outcome == "done" and op.result == 42
    assert ran_on and ran_on[0] is not threading.main_thread()
    assert done_on[-1] is threading.main_thread()
    assert seen[-1] == 1.0


def test_cancel_stops_the_work_at_its_next_report(qtbot):
    started = threading.Event()

    def work(token: OpToken) -> None:
        while True:
            started.set()
            token.progress(0.5)
            QThread.msleep(5)

    op = BackgroundOp(None, work, title="Forever").start()
    assert started.wait(10)
    with qtbot.waitSignal(op.cancelled, timeout=10_000):
        op.cancel()
    assert op.outcome == "cancelled" and isinstance(op.error, OpCancelled)


def test_a_failure_says_what_went_wrong(qtbot):
    def refused(_token: OpToken) -> None:
        raise PmdeskError("The file is not a roadmap.")

    def broken(_token: OpToken) -> None:
        raise ValueError("bad byte")

    messages: list[str] = []
    from pmdesk.gui.ops import error_text

    for work, title in ((refused, "Import a.xml"), (broken, "Export b.json")):
        op = run_op(
            None, work, title=title, on_failed=lambda e, t=title: messages.append(error_text(e, t))
        )
        _wait(qtbot, op)
        assert op.outcome == "failed"
    assert messages == ["The file is not a roadmap.", "Export b.json failed: bad byte"]


def test_the_progress_dialog_shows_after_a_moment_and_its_cancel_button_cancels(qtbot):
    window = QWidget()
    window.resize(400, 300)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def work(token: OpToken) -> None:
        while True:
            token.progress(0.25, "Working on it")
            QThread.msleep(5)

    op = BackgroundOp(window, work, title="Long work", show_after_ms=50).start()
    assert op.dialog is None  # not at once: a short op would only flicker
    qtbot.waitUntil(lambda: op.dialog is not None and op.dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is op.dialog)
    qtbot.waitUntil(lambda: op.dialog.bar.value() == 250, timeout=5000)
    assert op.dialog.label.text() == "Working on it"
    with qtbot.waitSignal(op.cancelled, timeout=10_000):
        op.dialog.cancel_button.click()
        assert op.dialog.label.text() == "Cancelling…"
        assert not op.dialog.cancel_button.isEnabled()
    assert op.dialog is None and QApplication.overrideCursor() is None
    # The keys go back to the window the progress covered.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_the_window_takes_no_input_while_an_op_runs(qtbot):
    window = QWidget()
    edit = QLineEdit(window)
    QVBoxLayout(window).addWidget(edit)
    qtbot.addWidget(window)
    window.show()
    exposed(qtbot, window)
    release = threading.Event()
    op = BackgroundOp(window, lambda token: release.wait(10), title="Busy").start()
    qtbot.keyClicks(edit, "typed")
    assert edit.text() == ""
    release.set()
    _wait(qtbot, op)
    qtbot.keyClicks(edit, "typed")
    assert edit.text() == "typed"


def test_an_op_that_leaves_its_window_usable_shows_no_progress_window_of_its_own(qtbot):
    """Its progress window would be window-modal: once shown (a slow reading, a busy
    machine) it would take the keys away from the window after all."""
    window = QWidget()
    qtbot.addWidget(window)
    with pytest.raises(ValueError, match="shows its own progress"):
        BackgroundOp(window, lambda token: None, title="Reading", block_input=False)
    op = BackgroundOp(
        window, lambda token: None, title="Reading", block_input=False, show_progress=False
    )
    _wait(qtbot, op.start())
    assert op.outcome == "done" and op.dialog is None


def test_closing_the_window_cancels_the_op_and_waits_for_it(qtbot):
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    stopped = threading.Event()

    def work(token: OpToken) -> None:
        try:
            while True:
                token.progress(0.1)
                QThread.msleep(5)
        finally:
            stopped.set()

    op = BackgroundOp(window, work, title="Forever").start()
    window.close()
    assert stopped.is_set() and op.outcome == "cancelled"


# -- the workspace: change notices, edits while an op writes ---------------------------------


def test_a_change_committed_on_a_worker_reaches_views_on_the_gui_thread(qtbot, setup):
    _menus, ctx, ws, product, window, _errors = setup
    heard_on: list[bool] = []
    ctx.changed.connect(lambda _c: heard_on.append(QThread.currentThread() is window.thread()))

    def work(_token: OpToken) -> None:
        ws.service(RequirementService).requirements.create(product_id=product, title="Far")

    with qtbot.waitSignal(ctx.changed, timeout=10_000):
        op = BackgroundOp(window, work, title="Writing", context=ctx).start()
    _wait(qtbot, op)
    assert heard_on == [True]


def test_edits_and_undo_wait_while_an_op_writes(qtbot, setup):
    _menus, ctx, ws, product, window, errors = setup
    release = threading.Event()
    op = BackgroundOp(window, lambda _t: release.wait(10), title="Import x.csv", context=ctx)
    op.start()
    from pmdesk.store.models import Product
    from pmdesk.store.services.base import Repo

    command = UpdateCommand(Repo(ws, Product), product, {"name": "Renamed"}, "Rename")
    assert ctx.busy and ctx.run(command) is False
    assert "Import x.csv" in errors[-1]
    release.set()
    _wait(qtbot, op)
    assert not ctx.busy and ctx.run(command) is True


# -- imports and exports from the menu -------------------------------------------------------


def test_a_big_csv_imports_with_the_window_responsive_and_is_one_undo_step(qtbot, setup, tmp_path):
    menus, ctx, ws, product, window, errors = setup
    before = _dump(ws)
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    seen: list[float | None] = []
    _import_big_csv(qtbot, menus, tmp_path)
    dialog = menus.dialog
    assert dialog.plan is menus.op.result[1]  # checked on the worker: not again here
    op = dialog.op
    op.progressed.connect(lambda fraction, _text: seen.append(fraction))
    with qtbot.waitSignal(dialog.imported, timeout=60_000) as imported:
        pass
    timer.stop()
    assert op.outcome == "done" and not errors
    assert ticks, "the event loop ran while the rows were written"
    assert seen and seen[-1] == 1.0
    assert imported.args[0].count("requirement") == ROWS
    requirements = ws.service(RequirementService).requirements_of(product)
    assert sum(r.title.startswith("Requirement ") for r in requirements) == ROWS
    assert ctx.undo_stack.count() == 1
    assert ctx.undo() is None
    assert _dump(ws) == before
    assert ctx.redo() is None
    assert len(ws.service(RequirementService).requirements_of(product)) >= ROWS


def test_a_big_files_choices_are_checked_off_the_gui_thread(qtbot, setup, tmp_path):
    from pmdesk.exchange.tabular import read_csv
    from pmdesk.gui.import_dialog import PREVIEW_ROWS, CsvImportDialog

    menus, ctx, ws, product, window, errors = setup
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    dialog = CsvImportDialog(ctx, read_csv(_big_csv(tmp_path / "many.csv")), product, window)
    assert dialog.planner is not None and not dialog.import_button.isEnabled()
    assert "checking" in dialog.errors_box.title()
    qtbot.waitUntil(lambda: dialog.planner is None, timeout=60_000)
    timer.stop()
    assert ticks, "the event loop ran while the rows were checked"
    assert dialog.plan.target.key == "requirements" and len(dialog.plan.rows) == ROWS
    assert dialog.import_button.isEnabled() and dialog.preview.rowCount() == PREVIEW_ROWS
    # A newer choice wins over one still being checked.
    dialog.set_target("stakeholders")
    outdated = dialog.planner
    dialog.set_target("requirements")
    assert outdated.token.cancelled and dialog.planner is not outdated
    assert dialog.import_now() is False  # not before the rows are checked for this choice
    qtbot.waitUntil(lambda: dialog.planner is None, timeout=60_000)
    assert dialog.plan.target.key == "requirements" and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=60_000):
        dialog.import_button.click()
    assert ctx.undo_stack.count() == 1 and not errors


def test_cancelling_a_csv_import_leaves_the_file_as_it_was(qtbot, setup, tmp_path, monkeypatch):
    menus, ctx, ws, product, window, errors = setup
    before = _dump(ws)
    _cancel_mid_way(monkeypatch)
    _import_big_csv(qtbot, menus, tmp_path)
    dialog = menus.dialog
    op = _wait(qtbot, dialog.op)
    assert op.outcome == "cancelled" and not errors
    assert _dump(ws) == before
    assert ctx.undo_stack.count() == 0
    assert "nothing was imported" in dialog.note.text()
    assert dialog.import_button.isEnabled()  # it can be tried again


def test_ms_project_import_and_its_cancel(qtbot, setup, tmp_path, monkeypatch):
    menus, ctx, ws, product, window, errors = setup
    roadmap = ws.service(RoadmapService)
    if not roadmap.items_of(product):  # the new workspace: a roadmap to send round
        lane = roadmap.lanes.create(product_id=product, name="Build").id
        for n in range(1, 4):
            day = dt.date(2025, n, 1)
            roadmap.items.create(
                product_id=product, lane_id=lane, name=f"Step {n}", start_date=day, end_date=day
            )
    xml = tmp_path / "plan.xml"
    menus.ask_save = lambda *_: xml
    _wait(qtbot, _trigger(menus, "Roadmap as MS Project XML"))
    assert xml.stat().st_size > 0 and not errors
    before = _dump(ws)
    menus.ask_open = lambda *_: xml
    seen: list[float | None] = []
    op = _trigger(menus, "MS Project XML")
    op.progressed.connect(lambda fraction, _text: seen.append(fraction))
    _wait(qtbot, op)
    assert op.outcome == "done" and not errors and seen[-1] == 1.0
    assert ctx.undo_stack.count() == 1 and _dump(ws) != before
    ctx.undo()
    assert _dump(ws) == before
    ctx.undo_stack.clear()
    _cancel_mid_way(monkeypatch)
    op = _wait(qtbot, _trigger(menus, "MS Project XML"))
    assert op.outcome == "cancelled" and not errors
    assert _dump(ws) == before and ctx.undo_stack.count() == 0


def test_a_refused_import_shows_the_same_message_as_before(qtbot, setup, tmp_path):
    menus, ctx, ws, product, window, errors = setup
    bad = tmp_path / "bad.xml"
    bad.write_text("<Project><Tasks><Task>")
    before = _dump(ws)
    menus.ask_open = lambda *_: bad
    op = _wait(qtbot, _trigger(menus, "MS Project XML"))
    assert op.outcome == "failed" and len(errors) == 1
    assert errors[0] == str(op.error)
    assert _dump(ws) == before and ctx.undo_stack.count() == 0


def test_an_import_that_may_pass_later_goes_to_the_context_like_any_edit(qtbot, setup):
    """A retryable refusal (a team server away) is handed to ``ctx.run``, which decides."""
    from pmdesk.exchange.importing import ImportResult, insert
    from pmdesk.gui.import_dialog import apply_import
    from pmdesk.store.models import Requirement

    menus, ctx, ws, product, window, errors = setup

    class Away(PmdeskError):
        retryable = True

    attempts: list[str] = []

    def run(_progress) -> ImportResult:
        attempts.append(threading.current_thread().name)
        if len(attempts) == 1:
            raise Away("The server is away.")
        result = ImportResult()
        with ws.transaction() as uow:
            insert(uow, result, Requirement, {"product_id": product, "title": "Back"})
        return result

    before = _dump(ws)
    op = _wait(qtbot, apply_import(window, ctx, run, "Import back.csv"))
    assert op.outcome == "done" and not errors
    assert len(attempts) == 2 and attempts[1] == threading.main_thread().name
    assert ctx.undo_stack.count() == 1
    ctx.undo()
    assert _dump(ws) == before


def test_exports_cancelled_write_nothing(qtbot, setup, tmp_path, monkeypatch):
    menus, ctx, ws, product, window, errors = setup
    target = tmp_path / "all.json"
    menus.ask_save = lambda *_: target
    _cancel_mid_way(monkeypatch)
    op = _wait(qtbot, _trigger(menus, "Portfolio as JSON"))
    assert op.outcome == "cancelled"
    assert not target.exists() and not list(tmp_path.glob("*.part"))


def test_an_export_that_cannot_write_says_so_as_before(qtbot, setup, tmp_path):
    menus, ctx, ws, product, window, errors = setup
    menus.ask_save = lambda *_: tmp_path / "missing" / "all.json"
    op = _wait(qtbot, _trigger(menus, "Portfolio as JSON"))
    assert op.outcome == "failed"
    assert errors == ["all.json: cannot write the file (No such file or directory)"]
    assert not (tmp_path / "missing").exists()


def test_json_import_cancelled_leaves_no_file(qtbot, setup, tmp_path, monkeypatch):
    menus, ctx, ws, product, window, errors = setup
    source = tmp_path / "all.json"
    menus.ask_save = lambda *_: source
    _wait(qtbot, _trigger(menus, "Portfolio as JSON"))
    target = tmp_path / "copy.pmdesk"
    menus.ask_open = lambda *_: source
    menus.ask_save = lambda *_: target
    _cancel_mid_way(monkeypatch)
    op = _wait(qtbot, _trigger(menus, "Portfolio from JSON"))
    assert op.outcome == "cancelled"
    assert not list(tmp_path.glob("copy.pmdesk*"))


def test_closing_the_workspace_mid_import_cancels_it(qtbot, setup, tmp_path, monkeypatch):
    menus, ctx, ws, product, window, errors = setup
    before = _dump(ws)
    gate = threading.Event()
    _slow_steps(monkeypatch, gate)
    _import_big_csv(qtbot, menus, tmp_path)
    op = menus.dialog.op
    assert gate.wait(30)
    ctx.close()  # what the window does before it closes the workspace
    assert op.outcome == "cancelled" and not ctx.busy
    assert _dump(ws) == before


def _trigger(menus: ExchangeMenus, text: str) -> BackgroundOp:
    _action(menus, text).trigger()
    assert menus.op is not None
    return menus.op


def _slow_steps(monkeypatch, gate: threading.Event) -> None:
    """Each progress report takes a while, so a close lands while rows are being written."""
    original = OpToken.steps

    def steps(self, *args, **kwargs):
        report = original(self, *args, **kwargs)

        def held(done: int, total: int) -> None:
            if done:
                gate.set()
            QThread.msleep(20)
            report(done, total)

        return held

    monkeypatch.setattr(OpToken, "steps", steps)


def test_closing_the_main_window_mid_import_cancels_it_and_leaves_the_file(
    qtbot, tmp_path, demo_template, monkeypatch
):
    from pmdesk.gui.main_window import MainWindow

    path = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, path)
    with Workspace.open(path, read_only=True) as reader:
        before = _dump(reader)
    window = MainWindow()
    qtbot.addWidget(window)
    errors: list[tuple[str, str]] = []
    window.dialogs.error = lambda title, text: errors.append((title, text))
    assert window.open_path(path)
    gate = threading.Event()
    _slow_steps(monkeypatch, gate)
    menus = window.exchange
    menus.update_enabled()
    _import_big_csv(qtbot, menus, tmp_path)
    op = menus.dialog.op
    assert gate.wait(30)
    window.close()  # the window closes the workspace: the import is stopped first
    assert op.outcome == "cancelled" and not errors
    with Workspace.open(path, read_only=True) as reader:
        assert _dump(reader) == before
