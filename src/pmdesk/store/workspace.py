"""The Workspace: one .pmdesk file (an SQLite database) opened safely, or a team database.

Opening never modifies a file that is not a sound pmdesk workspace: the header
is read as raw bytes first, then ``quick_check`` runs on a read-only connection,
and only then is the file opened for writing (after a backup, if it needs an
upgrade). Every edit is one short transaction committed at once: there is no
unsaved state to lose.

A team workspace (:meth:`Workspace.connect`, a PostgreSQL URL) is the same
object over another engine; what differs is kept in :mod:`pmdesk.store.team`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.core.changes import ChangeCollector, ChangeHub
from pmdesk.core.errors import PmdeskError, ValidationError

from . import schema
from .errors import (
    DamagedWorkspaceError,
    NotAWorkspaceError,
    ReadOnlyError,
    TooNewError,
    UpgradeFailedError,
    WorkspaceLockedError,
)
from .filelock import LockHeld, WorkspaceLock
from .models import Base, Meta, WorkspaceInfo

if TYPE_CHECKING:
    from .team import ChangeFeed, VersionBook

SQLITE_MAGIC = b"SQLite format 3\x00"
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


def _configure_connection(dbapi_conn: sqlite3.Connection, read_only: bool) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA busy_timeout = 5000")
    if not read_only:
        # WAL: a commit appends to the -wal file and is durable once the call returns,
        # readers (a second, read-only pmdesk) never block the writer, and a crash
        # mid-write leaves the last committed state intact: the next open replays or
        # discards the WAL. synchronous=FULL fsyncs the WAL on every commit, so an
        # edit survives not only the app being killed (NORMAL would) but a power cut.
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
    cur.close()


def _connect(path: Path, read_only: bool, *, immutable: bool = False) -> sqlite3.Connection:
    uri = path.resolve().as_uri().replace("file://", "file:", 1)
    uri += "?mode=ro" if read_only else "?mode=rw"
    if immutable:
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    return conn


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _nobody_writing(path: Path) -> bool:
    """True when no writer has the file open and no journal waits to be replayed.

    A WAL-mode writer keeps ``-wal`` beside the file for as long as it is open,
    and a crash leaves ``-wal`` or ``-journal`` behind; without either, the main
    file alone is the whole truth.
    """
    return not (_sidecar(path, "-wal").exists() or _sidecar(path, "-journal").exists())


def read_header(path: Path) -> tuple[int, int]:
    """(application_id, expected size) from the raw SQLite header; refuses anything else.

    Reads bytes only, so a foreign file is never touched by SQLite.
    """
    if not path.exists():
        raise NotAWorkspaceError(path, "there is no such file")
    if not path.is_file():
        raise NotAWorkspaceError(path, "this is a folder, not a pmdesk workspace file")
    size = path.stat().st_size
    if size == 0:
        raise NotAWorkspaceError(path, "the file is empty; it is not a pmdesk workspace")
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise NotAWorkspaceError(path, "this is not a pmdesk workspace (not a database file)")
    if len(header) < 100:
        raise DamagedWorkspaceError(path, "the file is truncated: its header is incomplete")
    (page_size,) = struct.unpack(">H", header[16:18])
    page_size = 65536 if page_size == 1 else page_size
    (page_count,) = struct.unpack(">I", header[28:32])
    (app_id,) = struct.unpack(">I", header[68:72])
    if app_id != schema.APPLICATION_ID:
        raise NotAWorkspaceError(
            path, "this is a database made by another program, not a pmdesk workspace"
        )
    expected = page_size * page_count
    wal = _sidecar(path, "-wal")
    if size < expected and not wal.exists():
        raise DamagedWorkspaceError(
            path, f"the file is truncated ({size} of {expected} bytes); restore a backup"
        )
    return app_id, expected


def _inspect_read_only(path: Path) -> tuple[int, str]:
    """Schema version and quick_check result, read without any write to the file.

    A plain read-only connection to a WAL-mode file creates ``-wal`` and ``-shm``
    beside it and leaves them there, so a refused file would not be left as it
    was found. When nobody is writing, ``immutable=1`` reads the main file alone
    and creates nothing; while a writer is open its ``-wal`` must be read too.
    """
    try:
        conn = _connect(path, read_only=True, immutable=_nobody_writing(path))
        try:
            integrity = _problems(conn.execute("PRAGMA quick_check(3)").fetchall())
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DamagedWorkspaceError(path, f"the file is damaged ({exc}); restore a backup") from exc
    if integrity != "ok":
        raise DamagedWorkspaceError(
            path, f"the integrity check failed ({integrity}); restore a backup"
        )
    if row is None:
        raise DamagedWorkspaceError(path, "the file has no format version")
    try:
        return int(row[0]), integrity
    except ValueError:
        raise DamagedWorkspaceError(path, f"unreadable format version {row[0]!r}") from None


def _problems(rows: list[tuple[str]], limit: int = 300) -> str:
    """quick_check's report on one line: its rows hold several lines and a banner each."""
    lines = [
        line.strip()
        for (text,) in rows
        for line in str(text).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    joined = "; ".join(lines) or "no result"
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


class UnitOfWork:
    """One transaction: a session plus the change notices it will publish."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.collector = ChangeCollector()

    def record(self, kind: str, op, ids) -> None:
        self.collector.add(kind, op, ids)


def _remember_pending(session: Session, _ctx, _instances) -> None:
    # Inserted rows get their ids only during the flush: note them now, record after.
    session.info["pending_new"] = set(session.new)
    session.info["pending_other"] = [
        ("update", o) for o in session.dirty if session.is_modified(o)
    ] + [("delete", o) for o in session.deleted]


def _record_after_flush(session: Session, _ctx) -> None:
    uow: UnitOfWork | None = session.info.get("uow")
    if uow is None:
        return
    for obj in session.info.pop("pending_new", ()):
        _record_obj(uow, "insert", obj)
    for op, obj in session.info.pop("pending_other", ()):
        _record_obj(uow, op, obj)


def _record_obj(uow: UnitOfWork, op, obj) -> None:
    table = getattr(type(obj), "__tablename__", None)
    identity = sa.inspect(obj).identity
    if table is None or identity is None:
        return
    uow.record(table, op, [identity[0] if len(identity) == 1 else identity])


class Workspace:
    """An open .pmdesk file or team database. Create with :meth:`create`, :meth:`open` or
    :meth:`connect`; close when done."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool,
        lock: WorkspaceLock | None,
        engine: sa.Engine | None = None,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self._lock = lock
        self.changes = ChangeHub()
        # Team workspaces only (see connect): what others changed, and the versions seen.
        self.url: sa.URL | None = None
        self.feed: ChangeFeed | None = None
        self.versions: VersionBook | None = None
        self.engine = engine or self._sqlite_engine(path, read_only)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._read_sessions = self._sessions
        event.listen(self._sessions, "before_flush", _remember_pending)
        event.listen(self._sessions, "after_flush_postexec", _record_after_flush)
        self._services: dict[str, object] = {}
        # A reader that finds no -wal will make one (and -shm); it tidies them on close.
        self._tidy_on_close = engine is None and read_only and _nobody_writing(path)
        self._closed = False

    @staticmethod
    def _sqlite_engine(path: Path, read_only: bool) -> sa.Engine:
        engine = sa.create_engine(
            "sqlite+pysqlite://",
            creator=lambda: _connect(path, read_only),
            poolclass=sa.pool.SingletonThreadPool if read_only else sa.pool.QueuePool,
        )
        event.listen(engine, "connect", lambda conn, _rec: _configure_connection(conn, read_only))
        return engine

    @property
    def is_team(self) -> bool:
        return self.url is not None

    @property
    def location(self) -> str:
        """Where the workspace lives, for titles: the file path, or ``db on host``."""
        from . import team

        return team.display_url(self.url) if self.url is not None else str(self.path)

    # -- opening and creating -------------------------------------------------

    @classmethod
    def create(cls, path: Path | str, *, name: str = "", organisation: str = "") -> Workspace:
        """A new, empty workspace at ``path``; an existing file is never overwritten."""
        path = Path(path)
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
                session.add(WorkspaceInfo(id=1, name=name or path.stem, organisation=organisation))
            engine.dispose()
        except BaseException:
            for leftover in (path, _sidecar(path, "-wal"), _sidecar(path, "-shm")):
                leftover.unlink(missing_ok=True)
            raise
        return cls.open(path)

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False) -> Workspace:
        """Open an existing workspace; see the module docstring for the order of checks."""
        path = Path(path)
        read_header(path)
        version, _ = _inspect_read_only(path)
        if version > schema.SCHEMA_VERSION:
            raise TooNewError(path, version, schema.SCHEMA_VERSION)
        if read_only:
            return cls(path, read_only=True, lock=None)
        lock = WorkspaceLock(path)
        try:
            lock.acquire()
        except LockHeld as held:
            raise WorkspaceLockedError(path, held.holder) from None
        try:
            if version < schema.SCHEMA_VERSION:
                _upgrade(path, version)
            return cls(path, read_only=False, lock=lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def connect(
        cls, url: str | sa.URL, password: str | None = None, *, read_only: bool = False
    ) -> Workspace:
        """Open a team workspace on a PostgreSQL server (see :mod:`pmdesk.store.team`).

        The password is used for this connection only; pmdesk never writes it anywhere.
        """
        from . import team

        full = team.team_url(url, password)
        where = team.display_url(full)
        engine = team.team_engine(full)
        try:
            version = team.stored_version(engine, where)
            if version is None:
                raise team.NotATeamWorkspaceError(
                    where, "this database is empty; create a team workspace from a file first"
                )
            if version > schema.SCHEMA_VERSION:
                raise TooNewError(where, version, schema.SCHEMA_VERSION)
            if version < schema.SCHEMA_VERSION and not read_only:
                _upgrade_engine(engine, version, where)
            ws = cls(Path(full.database or "team"), read_only=read_only, lock=None, engine=engine)
        except sa.exc.OperationalError as exc:
            engine.dispose()
            raise team.connection_failure(where, exc) from exc
        except BaseException:
            engine.dispose()
            raise
        ws._join_team(full, where)
        return ws

    def _join_team(self, url: sa.URL, where: str) -> None:
        """Listen for others' changes and track row versions to refuse stale edits."""
        from . import team

        self.url = url
        self.origin = team.new_origin()
        self.versions = team.VersionBook()
        self._read_sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._read_sessions, "loaded_as_persistent", self.versions.on_load)
        event.listen(self._sessions, "before_flush", self.versions.check)
        event.listen(self._sessions, "after_flush", self.versions.after_flush)
        self.feed = team.ChangeFeed(url, self.origin, where)
        try:
            self.feed.open()
        except PmdeskError:
            self.engine.dispose()
            raise

    def poll_changes(self) -> int:
        """Publish what other clients committed since the last call; returns how many notices.

        Raises ConnectionLostError when the server cannot be reached (try again later).
        """
        if self.feed is None:
            return 0
        found = self.feed.poll()
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

    @contextlib.contextmanager
    def undo_guard(self) -> Iterator[None]:
        """While undoing or redoing: refuse to touch a row someone changed after our edit."""
        if self.versions is None:
            yield
            return
        self.versions.guarding_undo = True
        try:
            yield
        finally:
            self.versions.guarding_undo = False

    def close(self) -> None:
        """Fold the WAL back and release the lock; closing twice does nothing more."""
        if self._closed:
            return
        self._closed = True
        if self.feed is not None:
            self.feed.close()
        if not self.read_only and not self.is_team:
            with contextlib.suppress(sqlite3.Error, sa.exc.SQLAlchemyError):
                with self.engine.connect() as conn:
                    # Fold the WAL back so the file stands alone when pmdesk is closed.
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        self.engine.dispose()
        if self._tidy_on_close:
            self._tidy_on_close = False
            _remove_empty_wal(self.path)
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
        with self._read_sessions() as session:
            if self.is_team:
                with self._team_errors():
                    yield session
            else:
                yield session

    @contextlib.contextmanager
    def _team_errors(self) -> Iterator[None]:
        """A lost server connection as ConnectionLostError, a message rather than a crash."""
        from . import team

        try:
            yield
        except sa.exc.SQLAlchemyError as exc:
            if team.is_connection_error(exc):
                raise team.ConnectionLostError(self.location, str(exc)) from exc
            raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[UnitOfWork]:
        """One edit: committed when the block ends, rolled back (file untouched) on error.

        Database constraint failures come out as ValidationError; the change notice
        is published to ``self.changes`` after the commit.
        """
        if self.read_only:
            raise ReadOnlyError(self.path)
        session = self._sessions()
        uow = UnitOfWork(session)
        session.info["uow"] = uow
        try:
            with self._team_errors() if self.is_team else contextlib.nullcontext():
                yield uow
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
        if self.versions is not None:
            self.versions.committed(session)
        self.changes.publish(uow.collector.changeset())

    def _commit(self, session: Session, uow: UnitOfWork) -> None:
        """Commit; on a team workspace the notice to the others goes in the same transaction."""
        if self.is_team:
            from . import team

            session.flush()
            team.notify(session, uow.collector.changeset(), self.origin)
        session.commit()

    def _integrity_message(self, exc: IntegrityError) -> ValidationError:
        if self.is_team:
            from . import team

            return team.integrity_message(exc)
        return _integrity_message(exc)

    def _stale_conflict(self, session: Session) -> PmdeskError:
        """The typed conflict (entity, field, both values) behind a StaleDataError."""
        from . import team

        found = team.stale_conflict(session, self.engine) if self.is_team else None
        if found is not None:
            return found
        return PmdeskError(
            "This item was changed elsewhere since it was loaded; reload and try again"
        )

    # -- file operations --------------------------------------------------------

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(Meta.value).where(Meta.key == "schema_version"))
            return int(value.scalar_one())

    def save_copy(self, destination: Path | str) -> Path:
        """A consistent copy through SQLite's online backup API (safe while open).

        A team workspace is copied table by table into a new file and checked.
        """
        destination = Path(destination)
        if self.is_team:
            from .team_copy import team_to_file

            with self._team_errors():
                team_to_file(self.engine, destination)
            return destination
        if destination.resolve() == self.path.resolve():
            raise PmdeskError("Save a Copy As needs a different file than the one that is open")
        tmp = destination.with_name(destination.name + ".part")
        tmp.unlink(missing_ok=True)
        source = _connect(self.path, read_only=True)
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
        finally:
            target.close()
            source.close()
        tmp.replace(destination)
        return destination

    def check(self) -> CheckReport:
        with self.engine.connect() as conn:
            if self.is_team:  # the server enforces every constraint; nothing to scan for
                integrity = "ok"
            else:
                integrity = _problems(conn.exec_driver_sql("PRAGMA integrity_check").fetchall())
                fk_problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if fk_problems:
                    integrity = (
                        f"{len(fk_problems)} broken references (first in {fk_problems[0][0]})"
                    )
            counts = {
                table.name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables
                if table.name != "meta"
            }
        return CheckReport(self.path, self.schema_version, integrity, counts)

    # -- services ---------------------------------------------------------------

    def service(self, cls):
        """The one instance of a service class bound to this workspace."""
        found = self._services.get(cls.__name__)
        if found is None:
            found = self._services[cls.__name__] = cls(self)
        return found


def _remove_empty_wal(path: Path) -> None:
    """Let SQLite delete the ``-wal`` and ``-shm`` a read-only session left behind.

    A read-only connection may not remove them; a read-write one does when it is
    the last connection to close, which SQLite itself decides with file locks, so
    another reader or a writer elsewhere keeps them. Only an empty WAL is touched:
    then the checkpoint on close has nothing to write and the file stays as it was.
    """
    wal = _sidecar(path, "-wal")
    with contextlib.suppress(OSError, sqlite3.Error):
        if wal.stat().st_size != 0:
            return
        conn = _connect(path, read_only=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()


def _app_version() -> str:
    from pmdesk import __version__

    return __version__


def backup_path(path: Path, reason: str) -> Path:
    """A new name in ``<stem> backups``; two backups in the same second never share one."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = path.parent / f"{path.stem} backups"
    candidate = folder / f"{path.stem} {stamp} {reason}{path.suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{path.stem} {stamp} {reason} ({number}){path.suffix}"
        number += 1
    return candidate


def make_backup(path: Path, reason: str) -> Path:
    """Copy the file (via the backup API, so a live WAL is included) before a risky step."""
    target = backup_path(path, reason)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = _connect(path, read_only=True)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()
    return target


def _upgrade(path: Path, file_version: int) -> Path:
    """Back the file up, then run every pending migration in one transaction.

    The migrations run with foreign keys off (as SQLite asks for schema changes:
    Alembic's batch mode copies a table, drops the old one and renames, and with
    foreign keys on the drop would delete every child row through ON DELETE
    CASCADE), and ``foreign_key_check`` must then find nothing before the commit.
    The transaction is begun explicitly because the sqlite3 module would commit
    DDL on its own: a failing migration is rolled back whole and the file is left
    exactly as it was; the backup stays in place either way.
    """
    target = schema.SCHEMA_VERSION
    try:
        migrations = schema.pending_migrations(file_version, target)
    except RuntimeError as exc:
        raise UpgradeFailedError(path, file_version, target, str(exc), None) from exc
    backup = make_backup(path, f"before upgrade from format {file_version}")
    engine = sa.create_engine(
        "sqlite+pysqlite://", creator=lambda: _connect(path, False), poolclass=sa.pool.NullPool
    )
    event.listen(engine, "connect", _configure_for_migration)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        with engine.begin() as conn:
            for migrate in migrations:
                migrate(conn)
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise PmdeskError(
                    f"{len(broken)} rows would refer to missing rows (first in {broken[0][0]})"
                )
            conn.execute(
                sa.update(Meta.__table__)
                .where(Meta.key == "schema_version")
                .values(value=str(target))
            )
    except Exception as exc:
        raise UpgradeFailedError(path, file_version, target, str(exc), backup) from exc
    finally:
        engine.dispose()
    return backup


def _upgrade_engine(engine: sa.Engine, file_version: int, where: str) -> None:
    """A team database's migrations: one transaction (PostgreSQL's DDL is transactional)."""
    target = schema.SCHEMA_VERSION
    try:
        with engine.begin() as conn:
            for migrate in schema.pending_migrations(file_version, target):
                migrate(conn)
            conn.execute(
                sa.update(Meta.__table__)
                .where(Meta.key == "schema_version")
                .values(value=str(target))
            )
    except (RuntimeError, sa.exc.SQLAlchemyError) as exc:
        raise UpgradeFailedError(where, file_version, target, str(exc), None) from exc


def _configure_for_migration(dbapi_conn: sqlite3.Connection, _record) -> None:
    """Foreign keys off, full sync, and the file's own journal mode.

    Switching to WAL here would rewrite the header before the transaction starts,
    so a failed upgrade of a rollback-journal file (a saved copy) would not leave
    it byte for byte as it was; the next ordinary open switches to WAL anyway.
    isolation_level=None: no implicit transactions, the "begin" listener opens one.
    """
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA foreign_keys = OFF")
    dbapi_conn.execute("PRAGMA busy_timeout = 5000")
    dbapi_conn.execute("PRAGMA synchronous = FULL")


def _integrity_message(exc: IntegrityError) -> ValidationError:
    text = str(exc.orig)
    if "CHECK constraint failed:" in text:
        name = text.split("CHECK constraint failed:", 1)[1].strip()
        tables = [t for t in Base.metadata.tables if name.startswith(f"ck_{t}_")]
        table = max(tables, key=len, default="")
        rule = name.removeprefix(f"ck_{table}_").replace("_", " ")
        where = f" of {table.replace('_', ' ')}" if table else ""
        return ValidationError("data", f"the rule “{rule}”{where} would be broken ({name})")
    if "UNIQUE constraint failed:" in text:
        columns = text.split("UNIQUE constraint failed:", 1)[1].strip()
        field = columns.split(",")[-1].split(".")[-1].strip()
        return ValidationError(field, "this value is already used; choose another")
    if "FOREIGN KEY constraint failed" in text:
        return ValidationError("reference", "it refers to something that no longer exists")
    if "NOT NULL constraint failed:" in text:
        field = text.rsplit(".", 1)[-1]
        return ValidationError(field, "a value is required")
    return ValidationError("data", text)
