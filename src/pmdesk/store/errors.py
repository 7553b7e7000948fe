"""Why a workspace file could not be opened, each with a message a person can act on."""

from __future__ import annotations

from pathlib import Path

from pmdesk.core.errors import PmdeskError


class WorkspaceError(PmdeskError):
    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        super().__init__(f"{self.path.name}: {message}")


class NotAWorkspaceError(WorkspaceError):
    """The file exists but is something else: text, another program's database, empty."""


class DamagedWorkspaceError(WorkspaceError):
    """A pmdesk file that fails its integrity check (truncated, corrupted pages).

    The message names the newest backup pmdesk made of the file, where there is one.
    """

    def __init__(self, path: Path | str, message: str) -> None:
        backup = newest_backup(Path(path))
        if backup is not None:
            message += f". The newest backup is “{backup.name}” in “{backup.parent}”"
        super().__init__(path, message)


class IndexDamagedError(DamagedWorkspaceError):
    """The tables are whole but an index disagrees with its table: writing would spread
    the damage, reading is safe. The window offers to open such a file read-only."""

    def __init__(self, path: Path | str, found: str) -> None:
        super().__init__(
            path,
            f"its indexes disagree with its tables ({found}). It can be opened "
            "read-only to look or copy data out, but not changed; restore a backup",
        )


def newest_backup(path: Path) -> Path | None:
    """The newest file in ``<stem> backups/`` beside ``path`` (see store.upgrade)."""
    folder = path.parent / f"{path.stem} backups"
    try:
        found = [p for p in folder.iterdir() if p.suffix == path.suffix and p.is_file()]
    except OSError:
        return None
    return max(found, key=lambda p: p.stat().st_mtime_ns, default=None)


class ForeignSchemaError(WorkspaceError):
    """The file's schema is not its format's: a planted trigger or view, a changed table.

    Such a file may carry code that would run on an ordinary read or edit, so it is
    refused, untouched, whatever else it holds.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(
            path,
            f"this file was altered outside pmdesk: {reason}. It was not opened and not changed.",
        )


class TooNewError(WorkspaceError):
    def __init__(self, path: Path | str, file_version: int, app_version: int) -> None:
        self.file_version = file_version
        self.app_version = app_version
        super().__init__(
            path,
            f"this file uses workspace format {file_version}, but this pmdesk reads formats up "
            f"to {app_version}. Open it with a newer pmdesk; the file was not changed.",
        )


class UpgradeFailedError(WorkspaceError):
    """Upgrading an older file failed; the upgrade was rolled back, so the file is unchanged."""

    def __init__(
        self,
        path: Path | str,
        file_version: int,
        app_version: int,
        reason: str,
        backup: Path | None,
    ) -> None:
        self.file_version = file_version
        self.app_version = app_version
        self.backup = backup
        kept = f" A backup made before the upgrade is in {backup}." if backup else ""
        super().__init__(
            path,
            f"upgrading from workspace format {file_version} to {app_version} failed ({reason}). "
            f"The file was not changed.{kept}",
        )


class WorkspaceLockedError(WorkspaceError):
    """Another pmdesk has the file open for writing; it can still be opened read-only."""

    def __init__(self, path: Path | str, holder: str) -> None:
        self.holder = holder
        super().__init__(
            path, f"it is already open in another pmdesk ({holder}). Open it read-only instead?"
        )


class ReadOnlyError(WorkspaceError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(path, "the workspace is open read-only; this edit was not made")
