"""What a workspace does about row versions: check them before a write, note them after.

Every editable row carries a ``row_version``. Whether anything must be checked depends
on who else writes: a ``.pmdesk`` file has one writer at a time (its lock), so the
:class:`RowVersions` a file workspace holds checks and remembers nothing. A team
workspace holds a :class:`~pmdesk.store.team_versions.VersionBook` instead, which
refuses an edit made against a row someone else has changed since.

Callers go through ``workspace.versions`` whatever the workspace, so neither the
services nor the views ask what kind of workspace they have.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session


class RowVersions:
    """One writer at a time: nothing to check before a write, nothing to remember after."""

    def guard_rows(
        self, session: Session, table: sa.Table, ids: Iterable[object], *, deleting: bool = False
    ) -> None:
        """Before a delete or a Core-level update of rows (team: lock them, refuse stale ones)."""

    def wrote_rows(self, session: Session, table: sa.Table, ids: Iterable[object]) -> None:
        """After a Core-level insert or update of rows (team: note the versions written)."""

    def note_seen(self, kind: str, rows: Iterable[tuple[object, int]]) -> None:
        """(id, row_version) pairs a screen shows, read without the ORM (team: remembered)."""

    def hold_version(self, kind: str, entity_id: object) -> None:
        """Someone started typing into this row (team: their edit is checked against now)."""

    def release_version(self, kind: str, entity_id: object) -> None:
        """The typing ended: saved, refused or abandoned."""

    def committed(self, session: Session) -> None:
        """After a successful commit (team: note the row versions written)."""
