"""Connecting to a team workspace's PostgreSQL server, and what it says when it refuses.

A team workspace is one portfolio on a PostgreSQL server, edited by several people at
once. Everything that differs between a ``.pmdesk`` file and a team database lives in
the ``team_*`` modules, so the models, services and migrations stay the same for both:

- here: connecting by URL (the password is passed in, never stored by pmdesk), a lost
  or refused connection as a sentence, and PostgreSQL's constraint errors as the same
  ValidationError texts a file gives;
- :mod:`.team_versions`: refusing stale edits (the row versions each client has seen);
- :mod:`.team_feed`: telling other clients what changed;
- :mod:`.team_copy`: copying a file to a team database and back;
- :mod:`.team_workspace`: the Workspace subclass that puts it all together, opened by
  :func:`pmdesk.store.factory.connect_workspace`.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, IntegrityError

from pmdesk.core.errors import PmdeskError, ValidationError

from .models import Base

TEAM_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
CONNECT_TIMEOUT_S = 5


# -- a lost or refused connection --------------------------------------------------------------


class ConnectionLostError(PmdeskError):
    """The server cannot be reached; the edit was not made and may be tried again."""

    retryable = True

    def __init__(self, where: str, detail: str = "", *, editing: bool = True) -> None:
        self.where = where
        self.detail = detail
        then = (
            "this edit was not saved yet. pmdesk keeps it and tries again when the "
            "connection is back."
            if editing
            else "pmdesk reconnects by itself and shows the latest data once it is back."
        )
        super().__init__(f"The connection to the team workspace {where} was lost; {then}")


def connection_failure(where: str, exc: BaseException) -> PmdeskError:
    """Why connecting failed, as a sentence: a refused login is not a lost connection."""
    text = str(getattr(exc, "orig", None) or exc)
    if "password authentication failed" in text or "no password supplied" in text:
        return PmdeskError(f"{where}: the server refused this user name or password")
    if "does not exist" in text and "database" in text:
        return PmdeskError(f"{where}: there is no such database on the server")
    return ConnectionLostError(where, text)


class NotATeamWorkspaceError(PmdeskError):
    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")


# -- URLs and engines ------------------------------------------------------------------------


def is_team_url(text: object) -> bool:
    return isinstance(text, str) and text.lower().startswith(TEAM_SCHEMES)


def team_url(url: str | sa.URL, password: str | None = None) -> sa.URL:
    """The SQLAlchemy URL (psycopg driver) with the password given, if any."""
    parsed = sa.make_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "postgresql":
        raise PmdeskError(f"{parsed.drivername}: a team workspace needs a postgresql:// address")
    parsed = parsed.set(drivername="postgresql+psycopg")
    if password is not None:
        parsed = parsed.set(password=password)
    return parsed


def display_url(url: sa.URL) -> str:
    """``db on host:port`` for titles and messages; never includes the password."""
    port = f":{url.port}" if url.port else ""
    return f"{url.database} on {url.host or 'localhost'}{port}"


def libpq_params(url: sa.URL) -> dict[str, Any]:
    """Keyword arguments for psycopg itself (the notification connection); no quoting games."""
    params: dict[str, Any] = {
        "host": url.host,
        "port": url.port,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
    }
    params.update({k: v for k, v in url.query.items() if isinstance(v, str)})
    return {k: v for k, v in params.items() if v is not None}


def team_engine(url: sa.URL) -> sa.Engine:
    """A small pool; pre-ping replaces connections the server dropped, so pmdesk reconnects."""
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=2,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "pmdesk"},
    )


def is_connection_error(exc: BaseException) -> bool:
    """True for a lost or refused connection (as opposed to a refused statement)."""
    if not type(getattr(exc, "orig", None)).__module__.startswith("psycopg"):
        return False  # an SQLite error while copying to a file is not the server's
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)


def stored_version(engine: sa.Engine, where: str) -> int | None:
    """The schema version in ``meta``, or None for an empty database; refuses anything else."""
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        if not tables:
            return None
        if "meta" not in tables:
            raise NotATeamWorkspaceError(where, "this database holds something other than pmdesk")
        meta = Base.metadata.tables["meta"]
        value = conn.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version"))
        found = value.scalar_one_or_none()
    if found is None:
        raise NotATeamWorkspaceError(where, "the pmdesk tables have no format version")
    return int(found)


# -- constraint errors -------------------------------------------------------------------------


def integrity_message(exc: IntegrityError) -> ValidationError:
    """PostgreSQL's constraint failures as the same sentences the SQLite path gives."""
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None) or ""
    column = getattr(diag, "column_name", None) or ""
    state = getattr(exc.orig, "sqlstate", "") or ""
    if state == "23514":
        tables = [t for t in Base.metadata.tables if name.startswith(f"ck_{t}_")]
        table = max(tables, key=len, default="")
        rule = name.removeprefix(f"ck_{table}_").replace("_", " ")
        where = f" of {table.replace('_', ' ')}" if table else ""
        return ValidationError("data", f"the rule “{rule}”{where} would be broken ({name})")
    if state == "23505":
        field = name.rsplit("_", 1)[-1] if name else "value"
        return ValidationError(field, "this value is already used; choose another")
    if state == "23503":
        return ValidationError("reference", "it refers to something that no longer exists")
    if state == "23502":
        return ValidationError(column or "value", "a value is required")
    return ValidationError("data", str(exc.orig).splitlines()[0])
