"""One writer per workspace: an OS lock on the workspace file itself, and ``<file>.lock``.

The lock that counts is on the file, not on a name: on POSIX an exclusive ``flock`` on
the database file itself, which belongs to its inode, so a symbolic link, a hard link
or a deleted ``.lock`` cannot let a second writer in (SQLite locks with ``fcntl``
byte ranges, which ``flock`` does not touch). ``<resolved file>.lock`` says who
holds it, and is the lock itself on Windows, where a lock on the database file would
stop other processes reading it.

The operating system drops the lock when the holder dies, even by SIGKILL, so a
crash never leaves a file locked for good; a stale ``.lock`` file is harmless.
A clean release deletes the ``.lock`` file (on POSIX), so closing a workspace
leaves nothing beside it. Deleting a lock file is safe only because acquire
checks, once it holds the lock, that the file it locked is still the one at the
path: a process that opened the old file just before it was deleted tries again.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

from .errors import WorkspaceLockedError


class LockHeld(Exception):
    def __init__(self, holder: str) -> None:
        self.holder = holder
        super().__init__(holder)


class WorkspaceLock:
    def __init__(self, path: Path) -> None:
        self.target = path.resolve()  # a link's lock is its file's lock
        self.path = self.target.with_name(self.target.name + ".lock")
        self._fd: int | None = None
        self._file_fd: int | None = None

    def acquire(self) -> None:
        if _LOCKS_THE_FILE:
            fd = os.open(self.target, os.O_RDONLY)
            try:
                _lock(fd)
            except OSError:
                os.close(fd)
                raise LockHeld(self._describe_holder()) from None
            self._file_fd = fd
        try:
            self._acquire_lock_file()
        except BaseException:
            self._release_file()
            raise

    def _release_file(self) -> None:
        if self._file_fd is not None:
            fd, self._file_fd = self._file_fd, None
            _unlock(fd)
            os.close(fd)

    def _acquire_lock_file(self) -> None:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _lock(fd)
            except OSError:
                os.close(fd)
                raise LockHeld(self._describe_holder()) from None
            if self._still_at_path(fd):
                break
            os.close(fd)  # the previous holder deleted it meanwhile: lock the new one
        self._fd = fd
        os.ftruncate(fd, 0)
        info = {"pid": os.getpid(), "host": _host_name()}
        # Not synced to disk: the holder's name is only read by another process while this
        # one runs (from the page cache), and after a crash the lock is gone with its holder.
        os.write(fd, json.dumps(info).encode())

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            if _CAN_DELETE_WHILE_OPEN:
                # Deleted before unlocking: whoever opened this file meanwhile gets its
                # lock only after this, sees it is no longer at the path, and starts over.
                with contextlib.suppress(OSError):
                    self.path.unlink()
            _unlock(fd)
        finally:
            os.close(fd)
            self._release_file()

    def _still_at_path(self, fd: int) -> bool:
        try:
            at_path = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (mine.st_dev, mine.st_ino) == (at_path.st_dev, at_path.st_ino)

    def _describe_holder(self) -> str:
        try:
            info = json.loads(self.path.read_text() or "{}")
            return f"process {info['pid']} on {info['host']}"
        except (OSError, ValueError, KeyError):
            return "another process"


# Windows refuses to delete a file that is open; there the .lock file stays (harmless).
_CAN_DELETE_WHILE_OPEN = sys.platform != "win32"
# Windows locks are mandatory: a lock on the database would block every other reader.
_LOCKS_THE_FILE = sys.platform != "win32"

if sys.platform == "win32":  # pragma: no cover - exercised on Windows builds only
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def take_lock(path: Path) -> WorkspaceLock:
    """``path``'s lock, taken for this process; held by another pmdesk: WorkspaceLockedError
    (saying who holds it)."""
    lock = WorkspaceLock(path)
    try:
        lock.acquire()
    except LockHeld as held:
        raise WorkspaceLockedError(path, held.holder) from None
    return lock


def _host_name() -> str:
    """This machine's name, as the lock records it (the socket module only where there is
    no ``uname``: it is a few milliseconds of a cold start that opens a file)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return uname().nodename
    import socket

    return socket.gethostname()
