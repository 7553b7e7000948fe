"""A real PostgreSQL server for the team-workspace tests, started once per test session.

The server runs from a temporary data folder on a free loopback port and is
stopped at the end. It needs Debian's ``postgresql`` package (``.ci/run``
installs it); where no server can be started, the tests skip and say why —
except in CI (CI=true), where they fail: there they must run.
PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Characters that must survive URL quoting and SCRAM: space, <, &, quotes, emoji.
PASSWORD = "p w<&\"'😀"
ROLE = "pm_tester"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    admin_url: str  # superuser, password in it: for creating and dropping databases
    data: Path
    user: str | None
    binaries: Path

    password: str = PASSWORD

    def url(self, database: str) -> str:
        """The address a person would type (no password)."""
        return f"postgresql://{ROLE}@{self.host}:{self.port}/{database}"

    def stop(self) -> None:
        """Stop at once: every connection is cut, as when the network drops."""
        _run_as(
            self.user,
            str(self.binaries / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "-w",
            "stop",
        )

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k '' -c fsync=off -c max_connections=60"
        done = _run_as(
            self.user,
            str(self.binaries / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.data.parent / "log"),
            "-w",
            "-t",
            "30",
            "start",
        )
        assert done.returncode == 0, done.stderr


def _binaries() -> Path | None:
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_as(user: str | None, *args: str) -> subprocess.CompletedProcess:
    command = ["runuser", "-u", user, "--", *args] if user else list(args)
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def _server_user() -> str | None:
    """None to run as ourselves; ``postgres`` as root (created if missing)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
    return "postgres"


def _unavailable(reason: str) -> None:
    """Skip on a developer's machine without a server; in CI the team tests must run."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the team tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    binaries = _binaries()
    if binaries is None:
        _unavailable("no PostgreSQL server here (apt-get install postgresql); team tests skipped")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed; team tests skipped")
    user = _server_user()
    folder = Path(tempfile.mkdtemp(prefix="pmdesk-pg-"))
    admin_password = uuid.uuid4().hex
    (folder / "pw").write_text(admin_password + "\n")
    if user:
        shutil.chown(folder, user)
        shutil.chown(folder / "pw", user)
    data, port = folder / "data", _free_port()
    initdb = _run_as(
        user,
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "--auth=scram-sha-256",
        f"--pwfile={folder / 'pw'}",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    )
    if initdb.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"initdb could not make a PostgreSQL cluster: {initdb.stderr.strip()[:300]}")
    admin = f"postgresql://postgres:{admin_password}@127.0.0.1:{port}/postgres"
    server = Server("127.0.0.1", port, admin, data, user, binaries)
    try:
        server.start()
    except AssertionError as exc:
        log = folder / "log"
        tail = log.read_text(errors="replace")[-300:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"PostgreSQL would not start: {str(exc)[:200]} {tail}")
    _admin(server, f"CREATE ROLE {ROLE} LOGIN PASSWORD %s", PASSWORD)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _admin(server: Server, sql: str, *params: object) -> None:
    import psycopg

    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        if params:
            # Role passwords cannot be bound parameters; quote them as a literal instead.
            from psycopg import sql as pgsql

            literal = pgsql.Literal(params[0]).as_string(conn)
            conn.execute(sql.replace("%s", literal))
        else:
            conn.execute(sql)


@pytest.fixture
def empty_db(pg_server: Server) -> Iterator[str]:
    """A new, empty database owned by the test role; its URL as a person would type it."""
    name = f"team_{uuid.uuid4().hex[:10]}"
    _admin(pg_server, f"CREATE DATABASE {name} OWNER {ROLE} TEMPLATE template0 ENCODING 'UTF8'")
    yield pg_server.url(name)
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def team_db(empty_db: str, tmp_path: Path) -> str:
    """A team workspace made from a new local workspace (name with markup and emoji)."""
    from pmdesk.store.team_copy import file_to_team
    from pmdesk.store.workspace import Workspace

    local = tmp_path / "seed.pmdesk"
    Workspace.create(local, name='Team <&> "portfolio" 🚀').close()
    file_to_team(local, empty_db, PASSWORD)
    return empty_db


@pytest.fixture
def connect(team_db: str) -> Iterator:
    """Open clients on the team workspace (each one a separate person); all closed after."""
    from pmdesk.store.factory import connect_workspace

    opened = []

    def _connect(url: str = team_db):
        ws = connect_workspace(url, PASSWORD)
        opened.append(ws)
        return ws

    yield _connect
    for ws in opened:
        ws.close()
