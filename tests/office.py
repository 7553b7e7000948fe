"""LibreOffice, headless, as the tests' independent reader of decks and workbooks.

``convert(path, "pdf")`` turns a .pptx or .xlsx into a PDF (or another format
LibreOffice writes: "xlsx", "ods", "csv") in a folder beside it and returns the
new file. Each test process uses its own LibreOffice profile, so tests running at
the same time do not wait on one another's lock. LibreOffice recalculates a
workbook written by another program when it loads it, so converting an .xlsx
gives the values of its formulas as LibreOffice computes them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_PROFILE = Path(tempfile.gettempdir()) / f"pmdesk-lo-profile-{os.getpid()}"

needs_office = pytest.mark.skipif(
    SOFFICE is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (bash installer/dev.sh test installs it)",
)


def convert(path: Path, to: str, timeout: float = 180) -> Path:
    """``path`` converted by LibreOffice to format ``to``; fails the test if it cannot."""
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is not installed")
    out_dir = path.parent / f"converted-{to.split(':')[0]}"
    out_dir.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={_PROFILE.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    extension = to.split(":")[0]
    target = out_dir / f"{path.stem}.{extension}"
    if result.returncode != 0 or not target.exists():
        pytest.fail(
            f"LibreOffice could not convert {path.name} to {to}: "
            f"{result.returncode} {result.stdout} {result.stderr}"
        )
    return target
