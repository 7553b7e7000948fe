"""Where pmdesk finds its shipped resources and keeps its per-user files.

Pure Python (no Qt): the CLI and headless exports use it too.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_SOURCE_RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def resources_root() -> Path:
    """The ``resources`` folder: beside ``src/`` in a checkout, package data once installed.

    In a PyInstaller build (``sys.frozen``) it is ``resources/`` in the bundle's data
    folder, ``sys._MEIPASS`` (``_internal/`` beside the executable, or
    ``Contents/Frameworks`` in a macOS app); installer/pmdesk.spec puts it there.
    """
    bundled = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundled:
        return Path(bundled) / "resources"
    if _SOURCE_RESOURCES.is_dir():
        return _SOURCE_RESOURCES
    from importlib.resources import files

    return Path(str(files("pmdesk.resources")))


def resource_path(*parts: str) -> Path:
    """One shipped resource, e.g. ``resource_path("templates", "canvas", "lean.json")``."""
    return resources_root().joinpath(*parts)


def user_data_dir() -> Path:
    """Where new workspaces (such as a fresh demo) go when no path is given.

    ``PMDESK_DATA_DIR`` overrides it, which is how tests keep away from the real one.
    """
    override = os.environ.get("PMDESK_DATA_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "pmdesk"
