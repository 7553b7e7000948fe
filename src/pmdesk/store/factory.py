"""Opening a team workspace: the one place outside the subclass that names it.

A ``.pmdesk`` file opens with :meth:`Workspace.create` and :meth:`Workspace.open`
(the file workspace makes only itself). A team workspace, a database on a
PostgreSQL server, is the subclass :class:`~pmdesk.store.team_workspace.TeamWorkspace`;
:func:`connect_workspace` opens it, so the base class knows nothing of teams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from .team_workspace import TeamWorkspace

__all__ = ["connect_workspace"]


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
