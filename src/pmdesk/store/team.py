"""Moved: connecting is in :mod:`.team_server`, stale edits in :mod:`.team_versions`.

Kept only until the last importers are updated; import from those modules.
"""

from .team_server import (
    CONNECT_TIMEOUT_S,
    TEAM_SCHEMES,
    ConnectionLostError,
    NotATeamWorkspaceError,
    connection_failure,
    display_url,
    integrity_message,
    is_connection_error,
    is_team_url,
    libpq_params,
    stored_version,
    team_engine,
    team_url,
)
from .team_versions import ConflictError, FieldConflict, VersionBook, stale_conflict

__all__ = [
    "CONNECT_TIMEOUT_S",
    "TEAM_SCHEMES",
    "ConflictError",
    "ConnectionLostError",
    "FieldConflict",
    "NotATeamWorkspaceError",
    "VersionBook",
    "connection_failure",
    "display_url",
    "integrity_message",
    "is_connection_error",
    "is_team_url",
    "libpq_params",
    "stale_conflict",
    "stored_version",
    "team_engine",
    "team_url",
]
