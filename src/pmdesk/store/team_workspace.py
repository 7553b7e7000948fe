"""A team workspace: the Workspace over a PostgreSQL server, shared by several people.

It overrides the Workspace's team hooks and adds what only a shared database
needs: its address, the change feed and the row versions seen. The pieces
themselves are in :mod:`.team_server` (URLs, connecting), :mod:`.team_versions`
(stale edits, conflicts) and :mod:`.team_feed`; copying to and from a file in
:mod:`.team_copy`. :func:`pmdesk.store.factory.connect_workspace` opens one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.core.changes import ChangeSet
from pmdesk.core.errors import PmdeskError, ValidationError

from . import schema, team_feed, team_server, team_versions
from .errors import TooNewError
from .models import Base
from .workspace import UnitOfWork, Workspace


class TeamWorkspace(Workspace):
    """Open with :func:`pmdesk.store.factory.connect_workspace`; see the module docstring."""

    url: sa.URL
    # What others changed (None for a one-off connection that does not listen).
    feed: team_feed.ChangeFeed | None
    versions: team_versions.VersionBook

    def __init__(
        self, url: sa.URL, engine: sa.Engine, *, read_only: bool, listen: bool = True
    ) -> None:
        super().__init__(
            Path(url.database or "team"), read_only=read_only, lock=None, engine=engine
        )
        self.url = url
        self.origin = team_feed.new_origin()
        self.versions = team_versions.VersionBook()
        self.feed = None
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._read_sessions, "loaded_as_persistent", self.versions.on_load)
        event.listen(self._sessions, "before_flush", self.versions.check)
        event.listen(self._sessions, "after_flush", self.versions.after_flush)
        if listen:
            self.feed = team_feed.ChangeFeed(url, self.origin, self.location)
            try:
                self.feed.open()
            except PmdeskError:
                self.engine.dispose()
                raise

    @classmethod
    def connect_url(
        cls,
        url: str | sa.URL,
        password: str | None = None,
        *,
        read_only: bool = False,
        listen: bool = True,
    ) -> TeamWorkspace:
        """Connect, check the database holds a pmdesk workspace, upgrade it if it is older."""
        from .upgrade import upgrade_engine

        full = team_server.team_url(url, password)
        where = team_server.display_url(full)
        engine = team_server.team_engine(full)
        try:
            version = team_server.stored_version(engine, where)
            if version is None:
                raise team_server.NotATeamWorkspaceError(
                    where, "this database is empty; create a team workspace from a file first"
                )
            if version > schema.SCHEMA_VERSION:
                raise TooNewError(where, version, schema.SCHEMA_VERSION)
            if version < schema.SCHEMA_VERSION and not read_only:
                upgrade_engine(engine, version, where)
            if not read_only:  # a team database made before the change log existed
                with engine.begin() as conn:
                    team_feed.create_log(conn)
        except sa.exc.OperationalError as exc:
            engine.dispose()
            raise team_server.connection_failure(where, exc) from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(full, engine, read_only=read_only, listen=listen)

    def reopen_read_only(self) -> TeamWorkspace:
        """A read-only connection of its own (a worker thread's); it does not listen."""
        return TeamWorkspace.connect_url(self.url, read_only=True, listen=False)

    @property
    def is_team(self) -> bool:
        return True

    @property
    def location(self) -> str:
        return team_server.display_url(self.url)

    # -- others' changes and the connection ----------------------------------------------

    def poll_changes(self) -> int:
        """Publish what other clients committed since the last call; returns how many notices.

        When the log no longer holds every row this client missed (it was away longer
        than the log keeps), open views are told to reload everything instead.
        Raises ConnectionLostError when the server cannot be reached (try again later).
        """
        if self.feed is None:
            return 0
        found = self.feed.poll()
        if self.feed.gap:
            self.feed.gap = False
            found.append(ChangeSet.everything(Base.metadata.tables))
        for changeset in found:
            self.changes.publish(changeset)
        return len(found)

    def ping(self) -> bool:
        """True when the server answers (a dropped pooled connection is replaced)."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def close(self) -> None:
        if not self._closed and self.feed is not None:
            self.feed.close()
        super().close()

    # -- the Workspace's team hooks ----------------------------------------------------------

    @contextlib.contextmanager
    def _engine_errors(self, *, editing: bool = False) -> Iterator[None]:
        """A lost server connection as ConnectionLostError, a message rather than a crash."""
        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            if team_server.is_connection_error(exc):
                raise team_server.ConnectionLostError(
                    self.location, str(exc), editing=editing
                ) from exc
            raise

    def _commit(self, session: Session, uow: UnitOfWork) -> None:
        """The change log row goes in the same transaction: the others hear of commits only."""
        session.flush()
        team_feed.record(session, uow.collector.changeset(), self.origin)
        session.commit()

    def history_user(self) -> str:
        """The server user this client signed in as: who the history names."""
        return self.url.username or ""

    def _integrity_message(self, exc: IntegrityError) -> ValidationError:
        return team_server.integrity_message(exc)

    def _stale_conflict(self, session: Session) -> PmdeskError:
        conflict = team_versions.stale_conflict(session, self.engine)
        return conflict or super()._stale_conflict(session)

    @contextlib.contextmanager
    def undo_guard(self) -> Iterator[None]:
        """While undoing or redoing: refuse to touch a row someone changed after our edit."""
        self.versions.guarding_undo = True
        try:
            yield
        finally:
            self.versions.guarding_undo = False

    # -- file operations -------------------------------------------------------------------

    def save_copy(self, destination: Path | str) -> Path:
        """Copied table by table into a new file, then checked against the server."""
        from .team_copy import team_to_file

        destination = Path(destination)
        with self._engine_errors(editing=False):
            team_to_file(self.engine, destination)
        return destination

    def _integrity(self, conn: sa.Connection) -> str:
        return "ok"  # the server enforces every constraint; nothing to scan for
