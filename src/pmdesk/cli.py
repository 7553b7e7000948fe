"""The ``pmdesk`` command: open the window, make a demo portfolio, check a file.

    pmdesk [FILE]                              open the window (on FILE)
    pmdesk postgresql://user@host/db           open a team workspace (asks for the password)
    pmdesk --demo [--output PATH] [--no-gui]   make a demo portfolio and open it
    pmdesk check FILE                          report on a workspace file, read-only
    pmdesk export KIND WORKSPACE -o OUT        PDFs and data files (see cli_exchange)
    pmdesk import KIND WORKSPACE FILE          csv, MS Project XML, JSON
    pmdesk finance WORKSPACE --product NAME    a business case's figures (--json for scripts)
    pmdesk team share FILE URL | save URL FILE  a file to a team workspace and back
    pmdesk changes WORKSPACE --since NAME|DATE what changed since a snapshot (--json)
    pmdesk snapshot WORKSPACE --name NAME      name this moment
    pmdesk history snapshots|restore|compact WORKSPACE  named moments; bring back; fold
    pmdesk what-if WORKSPACE list|new|compare|promote|discard [NAME]  what-if scenarios
    pmdesk --version

Qt is imported only on the paths that open a window, so ``pmdesk check`` starts
fast and works on a machine without a display. The first argument is read as a
subcommand only when it is one of COMMANDS; anything else is the file to open,
so ``pmdesk plan.pmdesk`` keeps working as ``export`` and ``import`` are added
(a file literally named ``check`` opens as ``pmdesk ./check``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pmdesk.core.errors import PmdeskError
from pmdesk.store.errors import WorkspaceLockedError

if TYPE_CHECKING:
    from pmdesk.store.workspace import CheckReport

EXIT_OK = 0
EXIT_FAILED = 2
EXIT_CLOSED_PIPE = 141  # what a shell reports for a command its reader stopped (128 + SIGPIPE)
DEMO_STEM = "Demo portfolio"
TEAM_SCHEMES = ("postgresql://", "postgres://")


class _Exit(Exception):
    """argparse wants to stop (help printed, or a usage error): main returns the code."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that returns through main() instead of calling sys.exit()."""

    def exit(self, status: int = 0, message: str | None = None) -> None:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)

    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, f"{self.prog}: error: {message}\n")


# -- pmdesk check ----------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    """Print what the file holds and whether it is sound; never writes to it."""
    import sqlite3

    import sqlalchemy as sa

    from pmdesk.store.factory import open_workspace

    with open_workspace(args.file, read_only=True) as ws:
        try:
            report = ws.check()
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            detail = getattr(exc, "orig", None) or exc
            raise PmdeskError(f"{args.file.name}: the file could not be read ({detail})") from exc
    print(_format_report(report))
    if not report.ok:
        return _fail(f"{report.path.name}: the integrity check found problems: {report.integrity}")
    return EXIT_OK


def _format_report(report: CheckReport) -> str:
    """The report as aligned text: the facts first, then one line per kind of row."""
    from pmdesk.store import schema

    version = str(report.schema_version)
    if report.schema_version < schema.SCHEMA_VERSION:
        version += f" (older; upgraded to {schema.SCHEMA_VERSION} when opened for editing)"
    facts = [
        ("File", str(report.path.resolve())),
        ("Format", version),
        ("Integrity", report.integrity),
    ]
    counts = sorted((table.replace("_", " "), n) for table, n in report.counts.items())
    facts.append(("Rows", f"{sum(n for _, n in counts)} in {len(counts)} tables"))
    label_width = max(len(label) for label, _ in facts) + 2
    lines = [f"{label + ':':<{label_width}}{value}" for label, value in facts]
    name_width = max(len(name) for name, _ in counts)
    number_width = max(len(str(n)) for _, n in counts)
    lines.append("")
    lines += [f"  {name:<{name_width}}  {n:>{number_width}}" for name, n in counts]
    return "\n".join(lines)


def _add_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a .pmdesk workspace file")
    parser.set_defaults(run=_check)


def _added_by(module: str, name: str) -> Callable[[argparse.ArgumentParser], None]:
    """``module.name``, which adds a command's arguments, imported only when a command's
    parser is built: ``pmdesk FILE`` opens the window without loading any of them."""

    def add_arguments(parser: argparse.ArgumentParser) -> None:
        import importlib

        getattr(importlib.import_module(module), name)(parser)

    return add_arguments


add_export = _added_by("pmdesk.cli_exchange", "add_export")
add_import = _added_by("pmdesk.cli_exchange", "add_import")
add_finance = _added_by("pmdesk.cli_finance", "add_finance")
add_team = _added_by("pmdesk.cli_team", "add_team")
add_changes = _added_by("pmdesk.cli_history", "add_changes")
add_snapshot = _added_by("pmdesk.cli_history", "add_snapshot")
add_history = _added_by("pmdesk.cli_history", "add_history")
add_what_if = _added_by("pmdesk.cli_what_if", "add_what_if")

# Subcommands: name -> (one-line summary, a function that adds its arguments and sets ``run``).
# ``export`` and ``import`` join here; the first argument is a command only if it is a key.
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "check": ("report on a workspace file: format, integrity, rows (read-only)", _add_check),
    "export": ("write a PDF document or a data file (csv, mspdi, ics, json)", add_export),
    "import": ("bring csv, MS Project XML or JSON into a workspace", add_import),
    "finance": (
        "a product's business case: NPV, IRR, payback per scenario (read-only)",
        add_finance,
    ),
    "team": ("share a file as a team workspace (PostgreSQL), or save one as a file", add_team),
    "changes": ("what changed since a snapshot or a day (read-only)", add_changes),
    "snapshot": ("name this moment of a workspace (Q3 review)", add_snapshot),
    "history": (
        "list, rename or delete snapshots, restore from the history, or compact old history",
        add_history,
    ),
    "what-if": (
        "what-if scenarios: list, make, compare with the plan, promote or discard",
        add_what_if,
    ),
}


def _command_parser() -> _Parser:
    parser = _Parser(prog="pmdesk", description="pmdesk commands that need no window.")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (summary, add_arguments) in COMMANDS.items():
        add_arguments(subparsers.add_parser(name, help=summary, description=summary))
    return parser


# -- pmdesk [FILE] and pmdesk --demo ------------------------------------------------------


def _open_parser() -> _Parser:
    commands = "\n".join(
        f"  pmdesk {name} ...  {summary}" for name, (summary, _) in COMMANDS.items()
    )
    parser = _Parser(
        prog="pmdesk",
        description="A desktop workbench for product managers.",
        epilog=f"commands:\n{commands}\n\nRun 'pmdesk <command> --help' for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="the workspace to open (default: the last one)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation offscreen: every view, a PDF; then exit",
    )
    parser.add_argument("--demo", action="store_true", help="make a new demo portfolio and open it")
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="with --demo: where to write it (default: a new file in pmdesk's data folder)",
    )
    parser.add_argument(
        "--no-gui", action="store_true", help="with --demo: only write the file and print its path"
    )
    return parser


def _open(parser: _Parser, args: argparse.Namespace) -> int:
    if args.version:
        from pmdesk import __version__

        print(f"pmdesk {__version__}")
        return EXIT_OK
    if args.self_test:
        from pmdesk.gui.selftest import run as run_self_test

        return run_self_test()
    if not args.demo:
        if args.output is not None or args.no_gui:
            parser.error("--output and --no-gui go with --demo")
        return _run_gui(args.file)
    if args.file is not None:
        parser.error("--demo makes its own file; use --output PATH to choose where")
    path = _make_demo(args.output)
    print(path, flush=True)  # where the demo went, also when the window opens on it
    if args.no_gui:
        return EXIT_OK
    return _run_gui(path)


def _make_demo(output: Path | None) -> Path:
    from pmdesk.store.demo import create_demo

    if output is None:
        output = _fresh_demo_path()
    elif output.exists():
        raise PmdeskError(f"{output}: a file with this name already exists; pick another")
    elif not output.parent.is_dir():
        raise PmdeskError(f"{output.parent}: there is no such folder")
    return create_demo(output)


def _fresh_demo_path() -> Path:
    """``Demo portfolio.pmdesk``, else ``Demo portfolio 2.pmdesk``, ... in the data folder."""
    from pmdesk.paths import user_data_dir

    folder = user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    candidate = folder / f"{DEMO_STEM}.pmdesk"
    number = 2
    while candidate.exists() or candidate.with_name(candidate.name + "-wal").exists():
        candidate = folder / f"{DEMO_STEM} {number}.pmdesk"
        number += 1
    return candidate


def _run_gui(path: Path | str | None) -> int:
    import gc

    gc.disable()  # run_gui lets it collect again once the first view is drawn
    from pmdesk.gui.app import run_gui  # the one place Qt gets imported

    return run_gui(path)


# -- entry point ----------------------------------------------------------------------------


def _fail(message: str) -> int:
    print(f"pmdesk: {' '.join(message.split())}", file=sys.stderr)
    return EXIT_FAILED


def _closed_pipe() -> int:
    """The reader went away (``pmdesk check FILE | head``): stop quietly, as Unix tools do.

    Standard output is pointed at the null device so that Python's own flush at
    exit does not report the closed pipe a second time.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is no real file (tests capture it): nothing to do
        pass
    return EXIT_CLOSED_PIPE


def _tolerant_output() -> None:
    """Paths and names with emoji must not crash printing to a console that lacks them."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 fine, 2 refused or failed)."""
    args = list(sys.argv[1:] if argv is None else argv)
    _tolerant_output()
    try:
        if len(args) == 1 and args[0].lower().startswith(TEAM_SCHEMES):
            return _run_gui(args[0])  # a team workspace: the window asks for the password
        if args and args[0] in COMMANDS:
            namespace = _command_parser().parse_args(args)
            code = namespace.run(namespace)
            sys.stdout.flush()  # a closed pipe shows here, while it can still be caught
            return code
        parser = _open_parser()
        code = _open(parser, parser.parse_args(args))
        sys.stdout.flush()  # a closed pipe shows here, while it can still be caught
        return code
    except BrokenPipeError:
        return _closed_pipe()
    except _Exit as stop:
        return stop.code
    except WorkspaceLockedError as exc:  # the window's question has no answer here
        return _fail(
            f"{exc.path.name}: it is open in another pmdesk ({exc.holder}), which "
            "alone may change it; close it there and run this again"
        )
    except PmdeskError as exc:
        return _fail(str(exc))
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        return _fail(f"{where}{exc.strerror or exc}")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
