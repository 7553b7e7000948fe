"""Opening a workspace: a ``.pmdesk`` file, or a team database on a PostgreSQL server.

The app and the command line open workspaces here. A file is the :class:`Workspace`
itself (:meth:`Workspace.create` and :meth:`Workspace.open` do the work); a team
workspace is the subclass :class:`~pmdesk.store.team_workspace.TeamWorkspace`, which
only this module names, so the file workspace knows nothing of teams and opening a
file never loads the server's modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from .team_workspace import TeamWorkspace
    from .workspace import Workspace

__all__ = ["connect_workspace", "create_workspace", "open_workspace"]


def create_workspace(path: Path | str, *, name: str = "", organisation: str = "") -> Workspace:
    """A new, empty workspace file at ``path``; an existing file is never overwritten."""
    from .workspace import Workspace

    return Workspace.create(path, name=name, organisation=organisation)


def open_workspace(path: Path | str, *, read_only: bool = False) -> Workspace:
    """An existing workspace file, checked before anything is written (see Workspace.open).

    The checks of the file's structure start first, on a thread of their own, and the
    store (SQLAlchemy's ORM and the models, most of a cold start) loads meanwhile: SQLite
    checks the pages, then every value (a file of this format), outside Python's lock.
    Nothing is read from the file's tables before those checks have answered.
    """
    from . import sqlite_file

    path = Path(path)
    sqlite_file.read_header(path)  # a foreign file is refused before SQLite opens it
    recovering = not read_only and sqlite_file.has_journal(path)  # Workspace.open sees to it
    inspection = None if recovering else sqlite_file.Inspection(path, thorough=not read_only)
    from .workspace import Workspace  # loads while the inspection runs

    return Workspace.open(path, read_only=read_only, inspection=inspection)


def connect_workspace(
    url: str | sa.URL,
    password: str | None = None,
    *,
    read_only: bool = False,
    listen: bool = True,
) -> TeamWorkspace:
    """Open a team workspace on a PostgreSQL server (see :mod:`pmdesk.store.team_server`).

    The password is used for this connection only; pmdesk never writes it anywhere.
    ``listen=False`` skips the connection that hears others' changes (a one-off job).
    The server's modules load here, on first use: opening a file never imports them.
    """
    from .team_workspace import TeamWorkspace

    return TeamWorkspace.connect_url(url, password, read_only=read_only, listen=listen)
