"""The Workspace: one .pmdesk file (an SQLite database) opened safely, or a team database.

Opening never modifies a file that is not a sound pmdesk workspace: the header
is read as raw bytes first, then ``quick_check`` runs on a read-only connection,
and only then is the file opened for writing (after a backup, if it needs an
upgrade; see :mod:`pmdesk.store.upgrade`). Every edit is one short transaction
committed at once: there is no unsaved state to lose.

A team workspace (a PostgreSQL URL, opened by :func:`pmdesk.store.factory.connect_workspace`)
is a subclass, :class:`pmdesk.store.team_workspace.TeamWorkspace`, over the same models
and services; it overrides the few hooks marked "team" below.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from pmdesk.core.changes import ChangeCollector, ChangeHub
from pmdesk.core.errors import PmdeskError, ValidationError

from . import file_schema, history, journal, schema, sqlite_file
from .errors import DamagedWorkspaceError, ReadOnlyError, TooNewError
from .filelock import WorkspaceLock, take_lock
from .models import Base, Meta, WorkCalendar, WorkspaceInfo
from .row_versions import RowVersions
from .snapshot import Snapshot
from .sqlite_file import Inspection, read_header
from .upgrade import backup_path, make_backup  # noqa: F401 - part of the store's interface

# What a portfolio's name holds (its column's String(200)).
_NAME_LENGTH = int(cast(sa.String, WorkspaceInfo.__table__.c.name.type).length or 0)

SUFFIX = ".pmdesk"


@dataclass(frozen=True)
class CheckReport:
    path: Path
    schema_version: int
    integrity: str
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"


class UnitOfWork:
    """One transaction: a session, the journal of what it writes and the change notices.

    ORM flushes are journaled by the session's flush events; a Core-level write goes
    through :meth:`insert`, :meth:`insert_rows`, :meth:`update`, :meth:`update_rows` or
    :meth:`delete`, so it is journaled, announced and (team) version-checked the same way.
    """

    def __init__(self, session: Session, workspace: Workspace | None = None) -> None:
        self.session = session
        self.workspace = workspace
        self.collector = ChangeCollector()
        self.journal = journal.Journal()
        # When the edit began (UTC): the moment its history entries carry.
        self.started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        # False: this edit's changes are not kept in the history (a portfolio import that
        # brings its own history).
        self.keep_history = True

    def record(self, kind: str, op, ids) -> None:
        self.collector.add(kind, op, ids)

    def guard_rows(self, table: sa.Table, ids: Iterable[object], *, deleting: bool = False) -> None:
        """See :meth:`RowVersions.guard_rows`: call before a Core-level update or delete."""
        if self.workspace is not None:
            self.workspace.versions.guard_rows(self.session, table, ids, deleting=deleting)

    def wrote_rows(self, table: sa.Table, ids: Iterable[object]) -> None:
        """See :meth:`RowVersions.wrote_rows`: call after a Core-level insert or update."""
        if self.workspace is not None:
            self.workspace.versions.wrote_rows(self.session, table, ids)

    # Core-level writes, each a step of the journal (see pmdesk.store.journal).

    def insert(self, table: str, /, **values: Any) -> Any:
        """Insert one row of ``table``; returns its key (the new id)."""
        return journal.insert(self, table, values)

    def insert_rows(self, table: str, rows: Sequence[dict[str, Any]]) -> list[object]:
        """Insert many rows that carry their own keys, as one step."""
        return journal.insert_rows(self, table, rows)

    def update(self, table: str, key: object, /, **values: Any) -> None:
        """Set columns of one row; values already there are not written."""
        journal.update(self, table, key, values)

    def update_rows(self, table: str, changes: dict[Any, dict[str, Any]]) -> None:
        """Set columns of many rows as one step."""
        journal.update_rows(self, table, changes)

    def delete(self, table: str, keys: Iterable[object]) -> Snapshot:
        """Delete rows and all that goes with them; returns what went."""
        return journal.delete(self, table, keys)


class Workspace:
    """An open .pmdesk file or team database. Create with :meth:`create` or :meth:`open`
    (a team database: :func:`pmdesk.store.factory.connect_workspace`); close when done."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool,
        lock: WorkspaceLock | None,
        engine: sa.Engine | None = None,
        private: sqlite_file.PrivateCopy | None = None,
        changes: ChangeHub | None = None,
        versions: RowVersions | None = None,
    ) -> None:
        """``changes`` and ``versions``: those of an early workspace this one takes over
        (:mod:`pmdesk.store.early`), whose listeners then hear every commit."""
        self.path = path
        self.read_only = read_only
        self._lock = lock
        self.changes = changes if changes is not None else ChangeHub()
        # A file has one writer at a time: no row version to check (a team's: VersionBook).
        self.versions: RowVersions = versions if versions is not None else RowVersions()
        # A reader of a -wal whose -shm is gone reads a copy: it may not create a -shm here.
        # An older file looked at read-only is read from an upgraded copy (see open()).
        self._private = private or (
            sqlite_file.PrivateCopy(path)
            if engine is None and read_only and sqlite_file.wal_without_index(path)
            else None
        )
        self._source = self._private.path if self._private is not None else path
        self.engine = engine or self._sqlite_engine(self._source, read_only)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = self._sessions
        event.listen(self._sessions, "before_flush", journal.before_flush)
        event.listen(self._sessions, "after_flush_postexec", journal.after_flush)
        event.listen(self._sessions, "do_orm_execute", journal.on_execute)
        self._recorders: list[tuple[int, journal.Journal]] = []  # see recording()
        self._services: dict[str, object] = {}
        # A reader that finds no -wal will make one (and -shm); it tidies them on close.
        self._tidy_on_close = (
            engine is None and private is None and read_only and sqlite_file.nobody_writing(path)
        )
        self._closed = False
        # Every edit's changes are kept in the history (False: a benchmark's comparison).
        self.history_enabled = True
        # The format of the file on disk when it is read from an upgraded copy.
        self._file_version: int | None = None

    @staticmethod
    def _sqlite_engine(path: Path, read_only: bool) -> sa.Engine:
        engine = sa.create_engine(
            "sqlite+pysqlite://",
            creator=lambda: sqlite_file.connect(path, read_only),
            poolclass=sa.pool.SingletonThreadPool if read_only else sa.pool.QueuePool,
        )
        event.listen(
            engine,
            "connect",
            lambda conn, _rec: sqlite_file.configure_connection(conn, read_only),
        )
        event.listen(
            engine,
            "before_cursor_execute",
            lambda conn, *_args: sqlite_file.wind_clock(conn.connection.dbapi_connection),
        )
        return engine

    @property
    def is_team(self) -> bool:
        return False

    @property
    def location(self) -> str:
        """Where the workspace lives, for titles: the file path (``db on host`` for a team)."""
        return str(self.path)

    # -- opening and creating -------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, *, name: str = "", organisation: str = "") -> Workspace:
        """A new, empty workspace at ``path``; an existing file is never overwritten.

        Without ``name`` the portfolio is named after the file (its first 200 characters,
        the most a name holds); a longer ``name`` or ``organisation`` is refused before
        anything is written, not made into a file that then would not open.
        """
        path = Path(path)
        for label, value in (("name", name), ("organisation", organisation)):
            if len(value) > _NAME_LENGTH:
                raise ValidationError(label, f"is longer than {_NAME_LENGTH} characters")
        name = name or path.stem[:_NAME_LENGTH]
        if path.exists():
            raise PmdeskError(f"{path.name}: a file with this name already exists; pick another")
        try:
            conn = sqlite3.connect(path)
            conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.close()
            engine = sa.create_engine("sqlite+pysqlite://", creator=lambda: sqlite3.connect(path))
            Base.metadata.create_all(engine)
            with Session(engine) as session, session.begin():
                session.add(Meta(key="schema_version", value=str(schema.SCHEMA_VERSION)))
                session.add(Meta(key="created_with", value=_app_version()))
                session.add(WorkspaceInfo(id=1, name=name, organisation=organisation))
                session.add(WorkCalendar(product_id=None, name="Standard"))
            engine.dispose()
        except BaseException:
            for leftover in (
                path,
                sqlite_file.sidecar(path, "-wal"),
                sqlite_file.sidecar(path, "-shm"),
            ):
                leftover.unlink(missing_ok=True)
            raise
        return cls.open(path)

    @classmethod
    def open(
        cls, path: Path | str, *, read_only: bool = False, inspection: Inspection | None = None
    ) -> Workspace:
        """Open an existing workspace; see the module docstring for the order of checks.

        ``inspection``: the checks of the file's structure, already under way
        (:func:`pmdesk.store.factory.open_workspace` starts them before this module loads);
        none: they run here.
        """
        from .upgrade import upgrade_file

        path = Path(path)
        read_header(path)
        if not read_only and sqlite_file.has_journal(path):
            return cls._recover_then_open(path)
        thorough = not read_only
        if inspection is not None and (inspection.path, inspection.thorough) == (path, thorough):
            version = inspection.version()
            values_checked = inspection.values_checked
        else:
            version = sqlite_file.inspect_structure(path, thorough=thorough)
            values_checked = False
        if version > schema.SCHEMA_VERSION:
            raise TooNewError(path, version, schema.SCHEMA_VERSION)
        if version == schema.SCHEMA_VERSION and not values_checked:  # an older file: upgraded
            sqlite_file.inspect_values(path)
        if read_only:
            if version < schema.SCHEMA_VERSION:
                return cls._read_upgraded_copy(path, version)
            return cls(path, read_only=True, lock=None)
        lock = take_lock(path)
        try:
            if version < schema.SCHEMA_VERSION:
                upgrade_file(path, version)
                sqlite_file.inspect_values(path)
            return cls(path, read_only=False, lock=lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _read_upgraded_copy(cls, path: Path, version: int) -> Workspace:
        """An older file opened read-only (an export, ``pmdesk check``, a file in use by an
        older pmdesk): a private copy is upgraded and its values checked, then read, so every
        view and document finds the tables it expects; the file itself is only copied."""
        from .upgrade import upgrade_file

        copy = sqlite_file.PrivateCopy(path)
        try:
            upgrade_file(copy.path, version)
            sqlite_file.inspect_values(copy.path)
            workspace = cls(path, read_only=True, lock=None, private=copy)
        except BaseException:
            copy.close()
            raise
        workspace._file_version = version
        return workspace

    @classmethod
    def _recover_then_open(cls, path: Path) -> Workspace:
        """A crash left a rollback journal (an upgrade cut off): undo it, then open."""
        lock = take_lock(path)  # nobody else may be mid-write while we roll back
        try:
            sqlite_file.recover_journal(path)
        finally:
            lock.release()
        return cls.open(path)

    def reopen_read_only(self) -> Workspace:
        """A second, read-only handle on the same workspace, for a worker thread."""
        return Workspace.open(self.path, read_only=True)

    def close(self) -> None:
        """Fold the WAL back and release the lock; closing twice does nothing more."""
        if self._closed:
            return
        self._closed = True
        if not self.read_only and not self.is_team:
            with contextlib.suppress(sqlite3.Error, sa.exc.SQLAlchemyError):
                with self.engine.connect() as conn:
                    # Fold the WAL back so the file stands alone when pmdesk is closed.
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.engine.dispose()
        if self._tidy_on_close:
            self._tidy_on_close = False
            sqlite_file.remove_empty_wal(self.path)
        if self._private is not None:
            self._private.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -----------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session; objects stay usable after it ends (detached)."""
        # Closing (not rolling back) keeps the loaded objects' values: they detach intact.
        with self._read_sessions() as session, self._engine_errors():
            yield session

    @contextlib.contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """One edit: committed when the block ends, rolled back (file untouched) on error.

        Database constraint failures come out as ValidationError; the change notice
        is published to ``self.changes`` after the commit.
        """
        if self.read_only:
            raise ReadOnlyError(self.path)
        session = self._sessions()
        uow = UnitOfWork(session, self)
        session.info["uow"] = uow
        try:
            with self._engine_errors(editing=True):
                yield uow
                self._record_history(session, uow)
                self._commit(session, uow)
        except IntegrityError as exc:
            session.rollback()
            raise self._integrity_message(exc) from exc
        except StaleDataError as exc:
            conflict = self._stale_conflict(session)
            session.rollback()
            raise conflict from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
        self.versions.committed(session)
        here = threading.get_ident()
        for thread, recorder in self._recorders:
            if thread == here:
                recorder.steps.extend(uow.journal.steps)
                recorder.complete = recorder.complete and uow.journal.complete
        self.changes.publish(uow.collector.changeset())

    @contextlib.contextmanager
    def recording(self) -> Iterator[journal.Journal]:
        """Every transaction this thread commits inside the block adds its steps to the journal
        yielded: what an undo step reverts and its redo replays (see :meth:`revert`). An
        operation another thread commits meanwhile (an import running) is not part of it."""
        entry = (threading.get_ident(), journal.Journal())
        self._recorders.append(entry)
        try:
            yield entry[1]
        finally:
            self._recorders.remove(entry)

    def revert(self, recorded: journal.Journal) -> None:
        """Undo what ``recorded`` wrote, as one transaction: the rows it changed get their
        values back, the rows it deleted come back with their ids, the ones it added go.

        On a team workspace a row someone changed since is refused (a ConflictError) and
        nothing is written; the change notice says what moved.
        """
        with history.labelled(_step_label("Undo")), self.transaction() as uow:
            journal.play(uow, recorded, forward=False)

    def replay(self, recorded: journal.Journal) -> None:
        """Write again what ``recorded`` wrote (after :meth:`revert`): the same rows and ids."""
        with history.labelled(_step_label("Redo")), self.transaction() as uow:
            journal.play(uow, recorded, forward=True)

    def labelled(self, label: str) -> contextlib.AbstractContextManager[None]:
        """Edits this thread commits inside the block carry ``label`` in the history (the
        undo text: "Move Pulse Cloud 2.0"); an undo or redo inside reads "Undo …"."""
        return history.labelled(label)

    def history_user(self) -> str:
        """Who the history names for this workspace's edits (team: the server user)."""
        return history.os_user()

    def _record_history(self, session: Session, uow: UnitOfWork) -> None:
        """The edit's changes, row by row, in its own transaction (see store.history)."""
        if not (self.history_enabled and uow.keep_history):
            return
        session.flush()
        if not uow.journal.steps:
            return
        history.record(uow, who=self.history_user(), label=history.current_label(), at=uow.started)

    # The hooks TeamWorkspace overrides; each does a file's own work here. (Row versions,
    # which a file need not check, are the ``versions`` collaborator's: see row_versions.)

    @contextlib.contextmanager
    def _engine_errors(self, *, editing: bool = False) -> Iterator[None]:
        """Errors of the engine as a person's message (team: a lost connection).

        A file: damage met while reading (a page, text that is not UTF-8), a statement
        stopped by the clock, another program holding the file — never a raw traceback.
        """
        try:
            yield
        except sa.exc.DatabaseError as exc:
            message = None if isinstance(exc, IntegrityError) else sqlite_file.damage_message(exc)
            if message is None:
                raise
            raise DamagedWorkspaceError(self.path, message) from exc

    def _commit(self, session: Session, uow: UnitOfWork) -> None:
        session.commit()

    def _integrity_message(self, exc: IntegrityError) -> ValidationError:
        return sqlite_file.integrity_message(exc)

    def _stale_conflict(self, session: Session) -> PmdeskError:
        """The message for a StaleDataError (team: the typed conflict with both values)."""
        return PmdeskError(
            "This item was changed elsewhere since it was loaded; reload and try again"
        )

    # -- file operations --------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The format of the file (an older file read from an upgraded copy: its own)."""
        if self._file_version is not None:
            return self._file_version
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(Meta.value).where(Meta.key == "schema_version"))
            return int(value.scalar_one())

    def save_copy(self, destination: Path | str) -> Path:
        """A consistent copy through SQLite's online backup API (safe while open)."""
        destination = Path(destination)
        if destination.resolve() == self.path.resolve():
            raise PmdeskError("Save a Copy As needs a different file than the one that is open")
        tmp = destination.with_name(destination.name + ".part")
        tmp.unlink(missing_ok=True)
        source = sqlite_file.connect(self._source, read_only=True)
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            source.close()
        tmp.replace(destination)
        return destination

    def _integrity(self, conn: sa.Connection) -> str:
        integrity = sqlite_file.problems(conn.exec_driver_sql("PRAGMA integrity_check").fetchall())
        fk_problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if fk_problems:
            integrity = f"{len(fk_problems)} broken references (first in {fk_problems[0][0]})"
        return integrity

    def check(self) -> CheckReport:
        """Integrity and rows per table; damage found on the way is the report, not a crash."""
        counts: dict[str, int] = {}
        tables = self._format_tables()
        try:
            with self.engine.connect() as conn:
                integrity = self._integrity(conn)
                for table in Base.metadata.sorted_tables:
                    if table.name != "meta" and (tables is None or table.name in tables):
                        query = sa.select(sa.func.count()).select_from(table)
                        counts[table.name] = conn.execute(query).scalar_one()
        except sa.exc.DatabaseError as exc:
            integrity = sqlite_file.damage_message(exc) or str(exc.orig)
        return CheckReport(self.path, self.schema_version, integrity, counts)

    def _format_tables(self) -> set[str] | None:
        """The tables of this file's format (an older file opened read-only has fewer)."""
        if self.schema_version == schema.SCHEMA_VERSION:
            return None
        try:
            known = file_schema.expected_schema(self.schema_version)
        except file_schema.ForeignSchema:
            return None
        return {name for kind, name in known if kind == "table"}

    # -- services ---------------------------------------------------------------

    def service(self, cls):
        """The one instance of a service class bound to this workspace."""
        found = self._services.get(cls.__name__)
        if found is None:
            found = self._services[cls.__name__] = cls(self)
        return found


def _step_label(step: str) -> str:
    label = history.current_label()
    return f"{step} {label}" if label else step


def _app_version() -> str:
    from pmdesk import __version__

    return __version__
