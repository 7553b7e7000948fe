"""The pmdesk command line: --version, check, --demo, opening a file; Qt only for a window."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
import types
from pathlib import Path

import pytest

from pmdesk import __version__
from pmdesk.cli import main
from pmdesk.store import schema
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

TRICKY_FILE = 'Plan <Q3> & "ideas" 🚀.pmdesk'
HAS_DEMO = importlib.util.find_spec("pmdesk.store.demo") is not None
needs_demo = pytest.mark.skipif(not HAS_DEMO, reason="pmdesk.store.demo is not written yet")


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _sound_file(folder: Path, name: str = TRICKY_FILE) -> Path:
    path = folder / name
    with Workspace.create(path, name="CLI portfolio") as ws:
        product = ws.service(PortfolioService).create_product(name="Atlas")
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=product.id, name="Platform")
        for n in range(3):
            roadmap.items.create(
                product_id=product.id,
                lane_id=lane.id,
                name=f"Item {n}",
                start_date="2027-01-01",
                end_date="2027-01-09",
            )
    return path


def _counts_printed(out: str) -> dict[str, int]:
    """The indented "name  number" lines of the check report."""
    counts = {}
    for line in out.splitlines():
        if line.startswith("  ") and line.split() and line.split()[-1].isdigit():
            *words, number = line.split()
            counts[" ".join(words)] = int(number)
    return counts


def _folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()}


# -- --version and the import guard --------------------------------------------------------


def test_version(capsys):
    assert _run(capsys, "--version") == (0, f"pmdesk {__version__}\n", "")


def test_python_dash_m_runs_the_same_command():
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--version"], capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"pmdesk {__version__}")


@pytest.mark.parametrize("command", ["version", "check", "demo"])
def test_commands_without_a_window_import_no_qt(tmp_path: Path, command: str):
    if command == "demo" and not HAS_DEMO:
        pytest.skip("pmdesk.store.demo is not written yet")
    path = _sound_file(tmp_path)
    argv = {
        "version": ["--version"],
        "check": ["check", str(path)],
        "demo": ["--demo", "--no-gui", "--output", str(tmp_path / "demo.pmdesk")],
    }[command]
    code = (
        "import sys\n"
        "from pmdesk.cli import main\n"
        f"code = main({argv!r})\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6',"
        " 'pyqtgraph'))\n"
        "assert code == 0, code\n"
        "assert not qt, qt\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr


def test_the_window_starts_without_importing_the_commands_modules(tmp_path: Path):
    """``pmdesk FILE`` reaches the window without the commands' modules (export, import,
    finance, team, history, what-if): they load when a command's parser is built."""
    path = _sound_file(tmp_path)
    code = (
        "import sys\n"
        "import pmdesk.cli as cli\n"
        "cli._run_gui = lambda path: print('window', path.name) or 0\n"
        f"code = cli.main([{str(path)!r}])\n"
        "print(sorted(m for m in sys.modules if m.startswith('pmdesk.cli_')))\n"
        "cli.main(['export', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('pmdesk.cli_')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env=os.environ | {"PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"window {path.name}"
    assert lines[1] == "[]"
    commands = ["cli_exchange", "cli_finance", "cli_history", "cli_team", "cli_what_if"]
    assert lines[-1] == repr([f"pmdesk.{name}" for name in commands])


# -- check ---------------------------------------------------------------------------------


def test_check_prints_the_report_of_a_sound_file(tmp_path: Path, capsys):
    path = _sound_file(tmp_path)
    before = _folder_state(tmp_path)

    code, out, err = _run(capsys, "check", str(path))

    assert (code, err) == (0, "")
    assert f"File:      {path.resolve()}" in out
    assert f"Format:    {schema.SCHEMA_VERSION}\n" in out
    assert "Integrity: ok\n" in out
    with Workspace.open(path, read_only=True) as ws:
        expected = {table.replace("_", " "): n for table, n in ws.check().counts.items()}
    assert _counts_printed(out) == expected
    assert expected["roadmap item"] == 3 and expected["product"] == 1
    # The counts form one aligned column.
    number_ends = {len(line) for line in out.splitlines() if line.startswith("  ")}
    assert len(number_ends) == 1
    # Read-only for real: not a byte, not an mtime changed, nothing left beside the file.
    assert _folder_state(tmp_path) == before


def test_check_works_while_another_pmdesk_writes(workspace: Workspace, capsys):
    workspace.service(PortfolioService).create_product(name="Open elsewhere")
    code, out, err = _run(capsys, "check", str(workspace.path))
    assert (code, err) == (0, "")
    assert _counts_printed(out)["product"] == 1
    workspace.service(PortfolioService).create_product(name="Still writable")


def test_check_fails_on_broken_references(tmp_path: Path, capsys):
    path = _sound_file(tmp_path)
    raw = sqlite3.connect(path)  # foreign keys off, as any other tool writes
    raw.execute("UPDATE roadmap_item SET lane_id = 4242")
    raw.commit()
    raw.close()
    code, out, err = _run(capsys, "check", str(path))
    assert code == 2
    assert "broken references" in out
    assert err.startswith("pmdesk: ") and "integrity check found problems" in err
    assert err.count("\n") == 1


def _make_bad(kind: str, folder: Path) -> Path:
    path = folder / "bad.pmdesk"
    if kind == "missing":
        return path
    if kind == "folder":
        path.mkdir()
    elif kind == "text":
        path.write_text("Hello, <world> & friends 🚀", encoding="utf-8")
    elif kind == "foreign":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        data = _sound_file(folder, "source.pmdesk").read_bytes()
        if kind == "truncated":
            path.write_bytes(data[: len(data) // 2])
        else:
            path.write_bytes(data)
            conn = sqlite3.connect(path)
            conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
            conn.commit()
            conn.close()
    return path


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("missing", "no such file"),
        ("folder", "folder"),
        ("text", "not a pmdesk workspace"),
        ("foreign", "another program"),
        ("truncated", "truncated"),
        ("too-new", "format 99"),
    ],
)
def test_check_refuses_bad_files_with_one_clear_line(tmp_path: Path, capsys, kind, message):
    path = _make_bad(kind, tmp_path)
    before = _folder_state(tmp_path)
    code, out, err = _run(capsys, "check", str(path))
    assert (code, out) == (2, "")
    assert err.startswith("pmdesk: bad.pmdesk: ")
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _folder_state(tmp_path) == before


def test_bad_file_in_a_real_process_gives_status_2_and_no_traceback(tmp_path: Path):
    path = _make_bad("text", tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pmdesk", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("pmdesk: bad.pmdesk: ")
    assert "Traceback" not in result.stderr


# -- usage ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["check"], ["--output", "x.pmdesk"], ["--no-gui"], ["--demo", "some.pmdesk"], ["--bogus"]],
)
def test_usage_errors_return_2(capsys, argv):
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert "usage: pmdesk" in err and "error:" in err


def test_help_lists_the_commands(capsys):
    code, out, _err = _run(capsys, "--help")
    assert code == 0
    assert "pmdesk check" in out and "--demo" in out


# -- opening the window (a stand-in for pmdesk.gui.app) ------------------------------------


@pytest.fixture
def gui_calls(monkeypatch: pytest.MonkeyPatch) -> list:
    calls: list = []
    stand_in = types.ModuleType("pmdesk.gui.app")
    stand_in.run_gui = lambda path=None: calls.append(path) or 0
    monkeypatch.setitem(sys.modules, "pmdesk.gui.app", stand_in)
    return calls


def test_a_file_argument_opens_the_window_on_it(gui_calls, tmp_path: Path, capsys):
    path = tmp_path / TRICKY_FILE
    assert _run(capsys, str(path)) == (0, "", "")
    assert gui_calls == [path]


def test_no_argument_opens_the_window(gui_calls, capsys):
    assert _run(capsys) == (0, "", "")
    assert gui_calls == [None]


def test_a_file_named_like_a_command_opens_with_a_path(gui_calls, capsys):
    assert main(["./check"]) == 0
    assert gui_calls == [Path("./check")]


# -- --demo --------------------------------------------------------------------------------


@needs_demo
def test_demo_without_gui_writes_the_file_and_prints_its_path(tmp_path: Path, capsys):
    target = tmp_path / TRICKY_FILE
    code, out, err = _run(capsys, "--demo", "--no-gui", "--output", str(target))
    assert (code, out, err) == (0, f"{target}\n", "")
    with Workspace.open(target, read_only=True) as ws:
        assert ws.check().ok
        assert ws.service(PortfolioService).products.count() > 0
    assert _run(capsys, "check", str(target))[0] == 0


@needs_demo
def test_demo_refuses_to_overwrite(tmp_path: Path, capsys):
    target = tmp_path / "mine.pmdesk"
    target.write_bytes(b"precious")
    code, out, err = _run(capsys, "--demo", "--no-gui", "--output", str(target))
    assert (code, out) == (2, "")
    assert err.startswith("pmdesk: ") and "already exists" in err
    assert target.read_bytes() == b"precious"


@needs_demo
def test_demo_into_a_missing_folder_is_refused(tmp_path: Path, capsys):
    code, _out, err = _run(
        capsys, "--demo", "--no-gui", "--output", str(tmp_path / "nowhere" / "demo.pmdesk")
    )
    assert code == 2 and "no such folder" in err


@needs_demo
def test_demo_goes_to_the_data_folder_under_a_fresh_name(tmp_path: Path, capsys, gui_calls):
    data = Path(os.environ["PMDESK_DATA_DIR"])  # a temporary folder, set by conftest
    first = _run(capsys, "--demo", "--no-gui")
    second = _run(capsys, "--demo")  # this one opens the window on the new file
    assert first == (0, f"{data / 'Demo portfolio.pmdesk'}\n", "")
    assert second[0] == 0
    assert gui_calls == [data / "Demo portfolio 2.pmdesk"]
    assert sorted(p.name for p in data.iterdir()) == [
        "Demo portfolio 2.pmdesk",
        "Demo portfolio.pmdesk",
    ]


@needs_demo
def test_demo_that_opens_the_window_also_prints_where_the_file_went(
    tmp_path: Path, capsys, gui_calls
):
    target = tmp_path / "shown.pmdesk"
    code, out, err = _run(capsys, "--demo", "--output", str(target))
    assert (code, out, err) == (0, f"{target}\n", "")
    assert gui_calls == [target] and target.exists()


def test_dev_script_demo_goes_through_the_command_that_prints_the_path():
    script = (Path(__file__).parents[1] / "installer" / "dev.sh").read_text()
    assert 'python" -m pmdesk --demo "$@"' in script


# -- a reader that stops early (pmdesk check FILE | head) ------------------------------------


@pytest.mark.parametrize("argv", [["check"], ["export", "json"], ["--demo", "--no-gui"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, argv: list[str]):
    path = _sound_file(tmp_path, "piped.pmdesk")
    if argv[0] == "check":
        argv = ["check", str(path)]
    elif argv[0] == "export":
        argv = ["export", "json", str(path), "-o", str(tmp_path / "out.json")]
    else:
        argv = [*argv, "--output", str(tmp_path / "demo.pmdesk")]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before pmdesk prints a line
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pmdesk", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode in (0, 141)


def test_a_file_open_in_another_pmdesk_gets_a_statement_not_a_question(tmp_path, capsys):
    """The window asks "open it read-only instead?"; a command cannot, so it says what to do."""
    from pmdesk.store.services import PortfolioService
    from pmdesk.store.workspace import Workspace

    path = tmp_path / "busy.pmdesk"
    rows = tmp_path / "requirements.csv"
    rows.write_text("Title\nExport to PDF\n", encoding="utf-8")
    with Workspace.create(path) as first:
        first.service(PortfolioService).create_product(name="Atlas")
        assert main(["import", "csv", str(path), str(rows), "--into", "requirements"]) == 2
        error = capsys.readouterr().err
    assert "open in another pmdesk" in error and "close it there" in error
    assert "?" not in error
