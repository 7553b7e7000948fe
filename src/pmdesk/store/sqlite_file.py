"""The .pmdesk file at the SQLite level: opening it safely, checking it, reading its header.

Everything here works on the file itself (raw header bytes, read-only and immutable
connections, quick_check), before and beside the SQLAlchemy engine the Workspace uses.
The checks of a file's structure need neither the models nor SQLAlchemy's ORM, so they
can run (:class:`Inspection`) while those load: SQLite does its work outside Python's
lock, on the other core.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import struct
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.core.errors import ValidationError

from . import file_schema, file_values, schema
from .errors import (
    DamagedWorkspaceError,
    ForeignSchemaError,
    IndexDamagedError,
    NotAWorkspaceError,
)

if TYPE_CHECKING:  # the models and the ORM load after this module's checks have started
    from sqlalchemy.exc import IntegrityError

SQLITE_MAGIC = b"SQLite format 3\x00"


def configure_connection(dbapi_conn: sqlite3.Connection, read_only: bool) -> None:
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


def connect(path: Path, read_only: bool, *, immutable: bool = False) -> sqlite3.Connection:
    uri = path.resolve().as_uri().replace("file://", "file:", 1)
    uri += "?mode=ro" if read_only else "?mode=rw"
    if immutable:
        uri += "&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, factory=GuardedConnection)
    defend(conn)
    return conn


def defend(conn: sqlite3.Connection) -> None:
    """SQLite's defences for a file that may come from anyone, on every connection.

    The schema check (:mod:`.file_schema`) refuses files with triggers or views; these
    make sure that even a file that slipped past it cannot run code or hang pmdesk:
    triggers and views are switched off (pmdesk makes none), functions in the schema
    must be harmless (``trusted_schema``), ordinary SQL cannot corrupt the file
    (defensive mode), no extension can load, damaged cells are caught as they are
    read, and a statement that runs away is stopped (:class:`StatementClock`).
    """
    for option, on in (
        (sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True),
        (sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False),
        (sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False),
        (sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW, False),
        (sqlite3.SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, False),
    ):
        conn.setconfig(option, on)
    conn.execute("PRAGMA cell_size_check = ON")
    if isinstance(conn, GuardedConnection):
        conn.clock = StatementClock()
        conn.set_progress_handler(conn.clock.tick, StatementClock.STEPS)


class StatementClock:
    """Stops any one statement after ``LIMIT_S`` seconds, so nothing in a file can hang us.

    SQLite calls the progress handler every few thousand virtual-machine steps while a
    statement runs; the clock is wound before each statement (by the engine's
    ``before_cursor_execute`` event, or :meth:`wind` for a raw connection). A stopped
    statement fails with "interrupted", which the caller turns into a message.
    The limit is far above anything pmdesk does: the 100,000-item benchmarks' longest
    statement takes well under a second.

    The clock is read every two million steps (some 30 ms of a scan): each reading takes
    Python's interpreter lock, and while another thread runs Python (the store's modules
    loading as a file's checks run) waiting for it costs up to the interpreter's switch
    interval, 5 ms. Read every 100,000 steps, the clock made a 100,000-item file's checks
    five times as long while the modules loaded.
    """

    LIMIT_S = 60.0
    STEPS = 2_000_000

    def __init__(self) -> None:
        self.deadline = time.monotonic() + self.LIMIT_S

    def wind(self) -> None:
        self.deadline = time.monotonic() + self.LIMIT_S

    def tick(self) -> int:
        return 1 if time.monotonic() > self.deadline else 0


class GuardedConnection(sqlite3.Connection):
    """A connection that carries its statement clock (sqlite3's own takes no attributes)."""

    clock: StatementClock


def wind_clock(conn: object) -> None:
    """Before a statement: give it the full time limit again."""
    clock = getattr(conn, "clock", None)
    if clock is not None:
        clock.wind()


@contextlib.contextmanager
def wound_cursor(conn: Any) -> Iterator[sqlite3.Cursor]:
    """A cursor of ``conn`` (the SQLite connection under the engine's) for statements run
    straight on it, bulk writes SQLAlchemy would slow down: no engine event winds the
    statement clock before them, so it is wound here."""
    wind_clock(conn)
    cursor = conn.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def nobody_writing(path: Path) -> bool:
    """True when no writer has the file open and no journal waits to be replayed.

    A WAL-mode writer keeps ``-wal`` beside the file for as long as it is open,
    and a crash leaves ``-wal`` or ``-journal`` behind; without either, the main
    file alone is the whole truth.
    """
    return not (sidecar(path, "-wal").exists() or sidecar(path, "-journal").exists())


def wal_without_index(path: Path) -> bool:
    """A ``-wal`` with no ``-shm`` beside it: no writer has the file open.

    A WAL-mode writer keeps its shared index in ``-shm`` for as long as it is open;
    a ``-wal`` alone was copied with the file, or left by a crash that took the
    ``-shm`` with it. Its commits belong to the file, so a reader must read it, but a
    read-only connection would create a ``-shm`` it can never remove (see
    :class:`PrivateCopy`).
    """
    return sidecar(path, "-wal").exists() and not sidecar(path, "-shm").exists()


class PrivateCopy:
    """The file and its ``-wal`` copied to a folder of pmdesk's own, to be read there.

    How a read-only look at a file with a :func:`wal_without_index` leaves nothing
    beside it: SQLite reads the copy's ``-wal`` (creating the copy's ``-shm``), and
    the folder goes when the reader closes. The file itself is only ever copied; the
    next pmdesk that opens it for editing replays its ``-wal`` as usual.
    """

    def __init__(self, path: Path) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="pmdesk-read-")
        self.path = Path(self._folder.name) / path.name
        try:
            shutil.copyfile(path, self.path)
            with contextlib.suppress(FileNotFoundError):  # a writer folded it back meanwhile
                shutil.copyfile(sidecar(path, "-wal"), sidecar(self.path, "-wal"))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._folder.cleanup()


@contextlib.contextmanager
def read_only_connection(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the file that leaves nothing beside it that was not there.

    A plain read-only connection to a WAL-mode file creates ``-wal`` and ``-shm``
    beside it and leaves them there, so a refused file would not be left as it
    was found. When nobody is writing, ``immutable=1`` reads the main file alone
    and creates nothing; while a writer is open its ``-wal`` (and ``-shm``) must be
    read too; a ``-wal`` without its ``-shm`` is read from a :class:`PrivateCopy`.
    """
    copy = PrivateCopy(path) if wal_without_index(path) else None
    try:
        if copy is not None:
            target, immutable = copy.path, False
        else:
            target, immutable = path, nobody_writing(path)
        conn = connect(target, read_only=True, immutable=immutable)
        try:
            # Another reader of the same file, as this one reads it (see _ValuesBeside).
            conn.another = lambda: connect(target, read_only=True, immutable=immutable)  # type: ignore[attr-defined]
            yield conn
        finally:
            conn.close()
    finally:
        if copy is not None:
            copy.close()


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
    # The page count is only meant when "version-valid-for" matches the change counter;
    # otherwise (an older SQLite wrote last) SQLite itself goes by the file's size.
    counted = header[92:96] == header[24:28]
    if counted and size < expected and nobody_writing(path):
        raise DamagedWorkspaceError(
            path, f"the file is truncated ({size} of {expected} bytes); restore a backup"
        )
    return app_id, expected


def has_journal(path: Path) -> bool:
    """A rollback journal beside the file: a write was cut off (a crash, mid-upgrade)."""
    journal = sidecar(path, "-journal")
    return journal.is_file() and journal.stat().st_size > 0


def recover_journal(path: Path) -> None:
    """Roll back the write a crash cut off: on a copy first, verified, then on the file.

    SQLite rolls a "hot" journal back on the next read-write open, restoring the file
    as it was before the unfinished transaction. pmdesk's checks read files read-only
    (they must not change a file they may refuse), which cannot replay a journal, so
    the file would look damaged for ever. The copy proves the rollback yields a sound
    file before the file itself is touched; the caller holds the file's lock.
    """
    journal = sidecar(path, "-journal")
    with tempfile.TemporaryDirectory(prefix="pmdesk-recover-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(journal, sidecar(copy, "-journal"))
        _roll_back(copy)
        conn = connect(copy, read_only=True, immutable=True)
        try:
            found = file_schema.read_schema(conn)
            file_schema.refuse_code(found)
            integrity = problems(conn.execute("PRAGMA quick_check(3)").fetchall())
        finally:
            conn.close()
        if integrity != "ok" or has_journal(copy):
            raise DamagedWorkspaceError(
                path,
                f"a write cut off by a crash could not be undone ({integrity}); restore a backup",
            )
    _roll_back(path)
    if has_journal(path):  # SQLite could not replay it here (a read-only folder, say)
        raise DamagedWorkspaceError(
            path,
            "a write cut off by a crash could not be undone in this folder; copy the "
            "file and its -journal somewhere writable and open the copy",
        )


def _roll_back(path: Path) -> None:
    conn = connect(path, read_only=False)
    try:
        conn.execute("PRAGMA journal_mode").fetchone()  # the first read replays the journal
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def inspect_structure(path: Path, *, thorough: bool = False, values: bool = False) -> int:
    """The format version, once the file's structure is sound; read without any write.

    In this order, each step relying on the ones before: no code in the schema (before
    any table is read: ``meta`` may be a view), the pages whole (``thorough``, before
    writing: the indexes agree with their tables too), the format version, the schema
    exactly that format's. Then, for a file of this format, every value of its column's
    kind (:func:`inspect_values`; an older file is checked after its upgrade), here too
    with ``values``. Neither part needs the models or SQLAlchemy, so they may run while
    those load (see :class:`Inspection`). Nothing is left beside the file (see
    :func:`read_only_connection`).
    """
    try:
        with read_only_connection(path) as conn:
            beside = _ValuesBeside.start(conn, path) if values else None
            try:
                version = _inspect(conn, path, thorough)
                if values and version == schema.SCHEMA_VERSION:
                    if beside is None:
                        _refuse_bad_values(conn, path)
                    else:
                        beside.outcome()
            finally:
                if beside is not None:
                    beside.join()
            return version
    except file_schema.ForeignSchema as exc:
        raise ForeignSchemaError(path, str(exc)) from None
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if has_journal(path):
            raise DamagedWorkspaceError(
                path,
                "a write was cut off by a crash and the file must be recovered first; "
                "open it for editing and pmdesk will undo the unfinished write",
            ) from exc
        raise DamagedWorkspaceError(path, f"the file is damaged ({exc}); restore a backup") from exc


def inspect_values(path: Path) -> None:
    """Every value of its column's kind (:mod:`.file_values`): for a file of this format
    after :func:`inspect_structure`, for an older one after its upgrade."""
    try:
        with read_only_connection(path) as conn:
            _refuse_bad_values(conn, path)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise DamagedWorkspaceError(path, f"the file is damaged ({exc}); restore a backup") from exc


class Inspection:
    """:func:`inspect_structure` on a thread of its own, started at once, with the values
    of a file of this format (``values_checked`` says whether they were); :meth:`version`
    waits for it. Opening a file starts it before it imports the store (SQLAlchemy's ORM,
    the models): SQLite checks the pages and the values on one core while Python loads on
    the other. Nothing reads the file's tables before :meth:`version` has answered."""

    def __init__(self, path: Path, *, thorough: bool) -> None:
        self.path = path
        self.thorough = thorough
        self._version: int | None = None
        self._error: BaseException | None = None
        self.values_checked = False  # a file of an older format: checked after its upgrade
        self._thread = threading.Thread(target=self._run, name="pmdesk-inspect", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._version = inspect_structure(self.path, thorough=self.thorough, values=True)
            self.values_checked = self._version == schema.SCHEMA_VERSION
        except BaseException as exc:  # handed to whoever asks, on their thread
            self._error = exc

    def version(self) -> int:
        """The format version; raises what the check found, as :func:`inspect_structure`."""
        self._thread.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        assert self._version is not None
        return self._version


class _ValuesBeside:
    """The values checked on a reader of their own while the thorough check reads every page.

    Started only once the quick parts of the structure's check pass (no code in the
    schema, this format, its schema exactly): the values' scans then read only this
    format's own tables. Their answer is taken only after the structure's check has
    passed, so a file gets the refusal it got when the two ran one after the other.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn, self._path = conn, path
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pmdesk-values", daemon=True)

    @classmethod
    def start(cls, conn: sqlite3.Connection, path: Path) -> _ValuesBeside | None:
        try:
            found = file_schema.read_schema(conn)
            file_schema.refuse_code(found)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None or str(row[0]) != str(schema.SCHEMA_VERSION):
                return None
            file_schema.verify(found, schema.SCHEMA_VERSION)
            reader = conn.another()  # type: ignore[attr-defined]
        except (sqlite3.DatabaseError, UnicodeDecodeError, file_schema.ForeignSchema):
            return None  # the check in order finds it and says so, as it always did
        beside = cls(reader, path)
        beside._thread.start()
        return beside

    def _run(self) -> None:
        try:
            _refuse_bad_values(self._conn, self._path)
        except BaseException as exc:  # handed to the structure's check once it has passed
            self._error = exc
        finally:
            self._conn.close()

    def join(self) -> None:
        self._thread.join()

    def outcome(self) -> None:
        self.join()
        if self._error is not None:
            error, self._error = self._error, None
            raise error


def _inspect(conn: sqlite3.Connection, path: Path, thorough: bool) -> int:
    found = file_schema.read_schema(conn)
    file_schema.refuse_code(found)
    if thorough:
        # integrity_check does all quick_check does and compares indexes with their tables
        # (which must hold before writing); quick_check is asked only to tell the two apart.
        everything = problems(conn.execute("PRAGMA integrity_check(3)").fetchall())
        integrity = everything if everything == "ok" else _quick_check(conn)
    else:
        everything = integrity = _quick_check(conn)
    if integrity != "ok":
        raise DamagedWorkspaceError(
            path, f"the integrity check failed ({integrity}); restore a backup"
        )
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise DamagedWorkspaceError(path, "the file has no format version")
    try:
        version = int(row[0])
    except (TypeError, ValueError):
        raise DamagedWorkspaceError(path, f"unreadable format version {row[0]!r}") from None
    if version <= schema.SCHEMA_VERSION:  # a newer format is refused by name elsewhere
        file_schema.verify(found, version)
    if everything != "ok":  # before writing: quick_check does not compare indexes
        raise IndexDamagedError(path, everything)
    return version


def _quick_check(conn: sqlite3.Connection) -> str:
    return problems(conn.execute("PRAGMA quick_check(3)").fetchall())


def _refuse_bad_values(conn: sqlite3.Connection, path: Path) -> None:
    bad = file_values.find_bad_values(conn)
    if bad:
        listed = "; ".join(value.describe() for value in bad)
        raise DamagedWorkspaceError(
            path,
            f"it holds values pmdesk cannot use ({listed}). It was changed outside "
            "pmdesk or is damaged; restore a backup. The file was not changed.",
        )


def problems(rows: Sequence[Sequence[object]], limit: int = 300) -> str:
    """quick_check's report on one line: its rows hold several lines and a banner each."""
    lines = [
        line.strip()
        for (text,) in rows
        for line in str(text).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    joined = "; ".join(lines) or "no result"
    return joined if len(joined) <= limit else joined[: limit - 1] + "…"


def remove_empty_wal(path: Path) -> None:
    """Let SQLite delete the ``-wal`` and ``-shm`` a read-only session left behind.

    A read-only connection may not remove them; a read-write one does when it is
    the last connection to close, which SQLite itself decides with file locks, so
    another reader or a writer elsewhere keeps them. Only an empty WAL is touched:
    then the checkpoint on close has nothing to write and the file stays as it was.
    """
    wal = sidecar(path, "-wal")
    with contextlib.suppress(OSError, sqlite3.Error):
        if wal.stat().st_size != 0:
            return
        conn = connect(path, read_only=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()


_DAMAGE = ("malformed", "could not decode", "not a database", "disk image", "corrupt")


def damage_message(exc: BaseException) -> str | None:
    """A person's sentence for an SQLite error met while reading or writing an open file,
    or None when it is not the file's fault (a broken rule, say, which callers report)."""
    text = str(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    if any(word in lowered for word in _DAMAGE):
        return f"part of the file is damaged ({text}); restore a backup"
    if "interrupted" in lowered:
        return (
            f"reading the file took longer than {StatementClock.LIMIT_S:.0f} s and was "
            "stopped; the file may be damaged"
        )
    if "database is locked" in lowered or "busy" in lowered:
        return "another program is using the file; try again in a moment"
    if "disk" in lowered or "i/o" in lowered or "full" in lowered:
        return f"the file could not be read or written ({text})"
    return None


def integrity_message(exc: IntegrityError) -> ValidationError:
    from .models import Base

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
