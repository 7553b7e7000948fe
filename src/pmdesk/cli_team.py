"""``pmdesk team``: move a portfolio between a ``.pmdesk`` file and a team database, headless.

    pmdesk team share FILE postgresql://user@host/db   a new team workspace made from FILE
    pmdesk team save postgresql://user@host/db FILE    the team workspace saved as FILE

Both copies are complete and checked row by row (see ``store/team_copy.py``);
``share`` needs an empty database and leaves it empty if anything fails, ``save``
never leaves a half-written file. The password is never an argument (other
users could read it in the process list): it comes from ``PGPASSWORD``, as for
PostgreSQL's own tools, or is asked for at the terminal. No Qt is imported here.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from pmdesk.core.errors import PmdeskError

ACTIONS = ("share", "save")


def add_team(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=ACTIONS,
        metavar="ACTION",
        help="share FILE URL: make a team workspace from a file; "
        "save URL FILE: save a team workspace to a file",
    )
    parser.add_argument("source", metavar="FROM", help="share: the .pmdesk file; save: the URL")
    parser.add_argument("target", metavar="TO", help="share: the URL; save: the .pmdesk file")
    parser.add_argument(
        "--replace", action="store_true", help="save: replace TO if it exists (default: refuse)"
    )
    parser.set_defaults(run=_team)


def password_for(url: str) -> str | None:
    """PGPASSWORD, else a prompt at the terminal; None when the URL carries its own."""
    import sqlalchemy as sa

    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise PmdeskError(f"{url}: this is not a postgresql:// address") from exc
    if parsed.password is not None:
        return None
    from_env = os.environ.get("PGPASSWORD")
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise PmdeskError("no password: set PGPASSWORD or run this at a terminal to be asked")
    return getpass.getpass(f"Password for {parsed.username or 'you'} on {parsed.host}: ")


def _team(args: argparse.Namespace) -> int:
    from pmdesk.store.team_server import is_team_url

    url, path = (args.target, args.source) if args.action == "share" else (args.source, args.target)
    if not is_team_url(url):
        raise PmdeskError(f"{url}: a team workspace needs a postgresql:// address")
    path = Path(path)
    if args.action == "share":
        return _share(path, url)
    return _save(url, path, replace=args.replace)


def _share(path: Path, url: str) -> int:
    from pmdesk.store.team_copy import file_to_team

    report = file_to_team(path, url, password_for(url))
    print(
        f"Made the team workspace {report.destination} from {path.name}: "
        f"{report.rows} rows in {len(report.counts)} tables, checked."
    )
    print(f"Open it with: pmdesk {url}")
    return 0


def _save(url: str, path: Path, *, replace: bool) -> int:
    from pmdesk.store.factory import connect_workspace, open_workspace

    if path.exists() and not replace:
        raise PmdeskError(
            f"{path}: a file with this name already exists; pick another or add --replace"
        )
    if not path.parent.is_dir():
        raise PmdeskError(f"{path.parent}: there is no such folder")
    with connect_workspace(url, password_for(url), read_only=True, listen=False) as ws:
        ws.save_copy(path)
        report = open_workspace(path, read_only=True)
        with report:
            check = report.check()
    print(
        f"Saved the team workspace {ws.location} as {path}: "
        f"{sum(check.counts.values())} rows, integrity {check.integrity}."
    )
    return 0
