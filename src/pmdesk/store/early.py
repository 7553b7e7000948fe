"""A workspace file whose first view is read before the store loads.

Most of a cold start is importing SQLAlchemy and the models (0.45 s of CPU), which a
view needs only to edit. :meth:`EarlyWorkspace.open` does, without them, everything
:meth:`Workspace.open <pmdesk.store.workspace.Workspace.open>` does before it reads a
table: the file's header, its structure and its values checked (``sqlite_file``), the
lock taken. The first view then reads through :meth:`EarlyWorkspace.early_fetch`, a
read-only ``sqlite3`` connection running the same SQL the store runs
(:mod:`pmdesk.store.roadmap_rows`), and the store loads on a thread once that view is
drawn (:meth:`start_loading`): a :class:`Workspace` on the same file, the same lock,
the same change hub and row versions.

Everything else asked of an early workspace (a service, a transaction, a read through
a session) is the loaded workspace's: the caller waits for the load to end if it has
not (``waiting``, set by the window, shows that the app is busy meanwhile).

Only a file of this format, opened for writing, with no crash journal beside it, opens
this way; :meth:`open` returns None for any other, which then opens as before (an
older file is upgraded first, a journal rolled back first).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.core.changes import ChangeHub
from pmdesk.core.errors import PmdeskError

from . import schema, sqlite_file
from .filelock import WorkspaceLock, take_lock
from .plain import Fetch, fetcher
from .row_versions import RowVersions

if TYPE_CHECKING:
    from .workspace import Workspace


class EarlyWorkspace:
    """A checked, locked workspace file; its store loads on a thread (see the module)."""

    is_team = False
    read_only = False

    def __init__(self, path: Path, lock: WorkspaceLock) -> None:
        self.path = path
        self.schema_version = schema.SCHEMA_VERSION
        self.changes = ChangeHub()
        self.versions = RowVersions()  # a file's: one writer, nothing to check
        # Around a wait for the store on the window's thread (the window shows it is busy).
        self.waiting: Callable[[], contextlib.AbstractContextManager[object]] = (
            contextlib.nullcontext
        )
        self._lock: WorkspaceLock | None = lock
        self._reading = threading.Lock()  # the early connection, one statement at a time
        self._connection: contextlib.ExitStack | None = None
        self._conn: sqlite3.Connection | None = None
        self._loader: threading.Thread | None = None
        self._loaded = threading.Event()
        self._workspace: Workspace | None = None
        self._error: BaseException | None = None
        self._closed = False

    @classmethod
    def open(cls, path: Path | str) -> EarlyWorkspace | None:
        """The file checked and locked for writing, or None when it must open the usual way.

        Raises as :meth:`Workspace.open` does for a file that is not a workspace, is
        damaged (index damage included), too new, or locked by another pmdesk.
        """
        path = Path(path)
        sqlite_file.read_header(path)
        if sqlite_file.has_journal(path):
            return None  # rolled back first, by the store
        inspection = sqlite_file.Inspection(path, thorough=True)
        version = inspection.version()
        if version != schema.SCHEMA_VERSION or not inspection.values_checked:
            return None  # older: upgraded by the store; newer: refused by it, in its words
        return cls(path, take_lock(path))

    @property
    def location(self) -> str:
        return str(self.path)

    # -- the first view's reads ----------------------------------------------------------

    def early_fetch(self) -> Fetch | None:
        """A fetch on the file for reads made before the store has loaded; None after."""
        if self._loaded.is_set():
            return None
        return self._fetch

    def _fetch(self, sql: str, params: Sequence[object]) -> Sequence[Sequence]:
        with self._reading:
            if not self._loaded.is_set():
                if self._conn is None:
                    stack = contextlib.ExitStack()
                    self._conn = stack.enter_context(sqlite_file.read_only_connection(self.path))
                    self._connection = stack
                sqlite_file.wind_clock(self._conn)
                return self._conn.execute(sql, tuple(params)).fetchall()
        # Loaded while a read was under way (its fetch taken before): the store's session.
        with self.workspace().read() as session:
            return fetcher(session.connection())(sql, params)

    def _drop_connection(self) -> None:
        """No read goes through the early connection any more: it is closed."""
        stack, self._connection, self._conn = self._connection, None, None
        if stack is not None:
            stack.close()

    # -- the store ---------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """The store has loaded (or failed to: :meth:`workspace` raises why)."""
        return self._loaded.is_set()

    def start_loading(self, done: Callable[[], None] | None = None) -> None:
        """Load the store on a thread (once); ``done()`` is called on that thread after."""
        if self._loader is not None or self._closed:
            return
        self._loader = threading.Thread(
            target=self._load, args=(done,), name="pmdesk-store", daemon=True
        )
        self._loader.start()

    def _load(self, done: Callable[[], None] | None) -> None:
        try:
            from .workspace import Workspace

            self._workspace = Workspace(
                self.path,
                read_only=False,
                lock=self._lock,
                changes=self.changes,
                versions=self.versions,
            )
            self._lock = None  # the workspace's now: it releases it on close
        except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the store
            self._error = exc
        finally:
            with self._reading:  # after a read under way; later ones go to the store
                self._drop_connection()
                self._loaded.set()
            if done is not None:
                done()

    def workspace(self) -> Workspace:
        """The loaded workspace, waiting for the load (started now if it was not)."""
        if not self._loaded.is_set():
            self.start_loading()
            if self._loader is None:  # closed before its store was asked for
                raise PmdeskError(f"{self.path.name} is closed")
            with self.waiting():
                self._loader.join()
        if self._error is not None:
            raise self._error
        assert self._workspace is not None
        return self._workspace

    def __getattr__(self, name: str) -> Any:
        """Anything else is the loaded workspace's (services, sessions, history...)."""
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.workspace(), name)

    def close(self) -> None:
        """Close the loaded workspace (waiting for a load under way), or let go of the lock."""
        if self._closed:
            return
        self._closed = True
        if self._loader is not None:
            self._loader.join()
        with self._reading:
            self._drop_connection()
        if self._workspace is not None:
            self._workspace.close()
        elif self._lock is not None:
            self._lock.release()
            self._lock = None
