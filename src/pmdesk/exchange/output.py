"""How every document export reports progress and lands on disk.

A PDF, a deck and a workbook all appear only when complete: :func:`write_atomically`
writes beside the target under a temporary name and renames at the end, so a
cancelled or failed export leaves nothing behind, and the file is as readable as
the person's umask says (a document is for sharing). :class:`Progress` reports
``(done, total)`` and raises :class:`ExportCancelled` when the person asks to stop.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pmdesk.core.errors import PmdeskError


class ExportCancelled(PmdeskError):
    """The person stopped the export; no file was written."""

    def __init__(self) -> None:
        super().__init__("The export was cancelled; no file was written")


class Progress:
    """Reports (done, total) and raises ExportCancelled when the person asks to stop.

    The total is an estimate made up front (data to load plus parts to lay
    out); ``done`` never passes it before the end, and only ``finish`` reports
    the final (total, total).
    """

    def __init__(
        self,
        report: Callable[[int, int], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self._report = report
        self._cancelled = cancelled
        self.total = 1
        self.done = 0
        self._last_sent = -1

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise ExportCancelled()

    def expect(self, more: int) -> None:
        self.total += max(0, more)

    def step(self, count: int = 1) -> None:
        self.check()
        self.done = min(self.done + count, self.total - 1)
        self._send()

    def finish(self) -> None:
        self.done = self.total
        self._send()

    def _send(self) -> None:
        if self._report is not None and self.done != self._last_sent:
            self._last_sent = self.done
            self._report(self.done, self.total)


def write_atomically(output: Path | str, write: Callable[[Path], None]) -> Path:
    """Call ``write(temp)`` for a temporary file beside ``output``, then rename it there.

    A folder that does not exist or cannot be written is a PmdeskError; any
    failure (or ExportCancelled) removes the temporary file.
    """
    output = Path(output)
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise PmdeskError(f"Cannot write {output.name}: the folder {folder} does not exist")
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{output.stem}-", suffix=f"{output.suffix}.part", dir=folder
        )
    except OSError as exc:
        raise PmdeskError(f"Cannot write in {folder}: {exc.strerror or exc}") from exc
    os.close(handle)
    temp = Path(temp_name)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp made it owner-only
        os.replace(temp, output)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise PmdeskError(f"Cannot write {output}: {exc.strerror or exc}") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return output


def _umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it and put it back
    os.umask(mask)
    return mask
