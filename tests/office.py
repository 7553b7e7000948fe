"""LibreOffice, headless, as the tests' independent reader of decks and workbooks.

``convert(path, "pdf")`` turns a .pptx or .xlsx into a PDF (or another format
LibreOffice writes: "xlsx", "ods", "csv") in a folder beside it and returns the
new file. Each test process uses its own LibreOffice profile, so tests running at
the same time do not wait on one another's lock. LibreOffice recalculates a
workbook written by another program when it loads it, so converting an .xlsx
gives the values of its formulas as LibreOffice computes them (the profile is
set to recalculate every .xlsx on load: LibreOffice otherwise trusts the values
cached in a file that, like XlsxWriter's, says Excel wrote it).
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
    _recalculating_profile()
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


_RECALC = (
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>'
)


def _recalculating_profile() -> None:
    """Set this process's profile to recalculate every Excel file it loads ("always")."""
    settings = _PROFILE / "user" / "registrymodifications.xcu"
    if settings.exists():
        return
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{_RECALC}\n</oor:items>\n",
        encoding="utf-8",
    )
