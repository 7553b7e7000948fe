"""Tests of installer/: its helpers are imported from the folder (it is not a package)."""

from __future__ import annotations

import sys
from pathlib import Path

INSTALLER = Path(__file__).resolve().parents[2] / "installer"
sys.path.insert(0, str(INSTALLER))


def pytest_configure(config):
    # Skip the slow one locally with:  pytest -m "not bundle"   (CI runs everything)
    config.addinivalue_line("markers", "bundle: builds the PyInstaller app (about a minute)")
