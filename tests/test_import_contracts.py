"""The import-linter contracts in pyproject.toml hold: layers, no Qt or SQL where none belongs,
and view packages that do not import each other.

Run here rather than as a separate step so that CI checks them with the suite, and so that a
broken contract reads like any other failing test, with import-linter's report beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> str:
    """The console script installed with import-linter into the running interpreter's env."""
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert found, f"lint-imports is not installed next to {sys.executable} (the test extra)"
    return found


def test_import_contracts_are_kept():
    result = subprocess.run(
        [_lint_imports(), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
