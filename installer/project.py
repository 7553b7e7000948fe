"""Facts every installer file shares, read from pyproject.toml so they are written once.

The PyInstaller spec, build.py and make_icons.py import this module (it is plain
Python with no third-party imports, so it works before PyInstaller is installed);
tests/installer/ checks the platform files against it.
"""

from __future__ import annotations

import platform
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
PYPROJECT = ROOT / "pyproject.toml"

# The file type, the same in every platform's file: shared-mime-info, Inno Setup, Info.plist.
MIME_TYPE = "application/x-pmdesk"
EXTENSION = "pmdesk"
UTI = "org.pmdesk.workspace"
BUNDLE_ID = "org.pmdesk.pmdesk"
# A workspace is an SQLite 3 file whose PRAGMA application_id (bytes 68-71) is "PMDK".
SQLITE_HEADER = b"SQLite format 3\x00"
APPLICATION_ID_OFFSET = 68
APPLICATION_ID = b"PMDK"

ICON_SVG = ROOT / "resources" / "icons" / "pmdesk.svg"
ICON_DIR = ROOT / "resources" / "icons" / "app"
# hicolor sizes a Linux desktop looks for; the .ico and .icns take their subsets.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    description: str


def read_project(pyproject: Path = PYPROJECT) -> Project:
    """Name, version and description from ``[project]``; a missing one is an error, not a guess."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    missing = [key for key in ("name", "version") if not project.get(key)]
    if missing:
        raise ValueError(f"{pyproject}: [project] has no {' or '.join(missing)}")
    version = str(project["version"])
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)*([-.+a-zA-Z0-9]*)", version):
        raise ValueError(f"{pyproject}: version {version!r} cannot name a file")
    return Project(str(project["name"]), version, str(project.get("description", "")))


def build_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """The exact pins of the ``build`` extra (PyInstaller and its hooks)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return list(data["project"]["optional-dependencies"]["build"])


def platform_tag(system: str | None = None, machine: str | None = None) -> str:
    """``linux-x86_64``, ``windows-amd64``, ``macos-arm64``: the last part of an archive name."""
    system = (system or platform.system()).lower()
    system = {"darwin": "macos"}.get(system, system)
    return f"{system}-{(machine or platform.machine()).lower()}"


def archive_name(project: Project, tag: str | None = None) -> str:
    return f"{project.name}-{project.version}-{tag or platform_tag()}.tar.gz"


def is_workspace_header(head: bytes) -> bool:
    """What the MIME magic says, in Python: an SQLite file whose application_id is PMDK."""
    end = APPLICATION_ID_OFFSET + len(APPLICATION_ID)
    return head.startswith(SQLITE_HEADER) and head[APPLICATION_ID_OFFSET:end] == APPLICATION_ID
