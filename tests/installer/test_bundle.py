"""Build the real Linux bundle and run it: the one test that proves the installer works.

About a minute on two cores. Skip it locally with ``pytest -m "not bundle"``; CI runs it.
It installs the PyInstaller pins of pyproject.toml's ``build`` extra into the venv
when they are missing (so it needs the package index, like the venv setup does).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import project
import pytest

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux bundle"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("bundle") / "dist"
    result = subprocess.run(
        [
            sys.executable,
            str(project.INSTALLER / "build.py"),
            "--dist",
            str(dist),
            "--work",
            str(dist.parent / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return dist


def _run(program: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return subprocess.run(
        [str(program), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=program.parent,
    )


def test_built_pmdesk_reports_the_version(built: Path):
    facts = project.read_project()
    result = _run(built / facts.name / facts.name, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{facts.name} {facts.version}"


def test_built_pmdesk_passes_its_self_test(built: Path):
    from pmdesk.gui.views import VIEWS

    result = _run(built / "pmdesk" / "pmdesk", "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(Python " in result.stdout and ", frozen)" in result.stdout
    for spec in VIEWS:
        assert re.search(rf"^\s+{re.escape(spec.title)}\s+[1-9]\d*\s+\(", result.stdout, re.M)
    assert ", a PDF" in result.stdout


def test_built_pmdesk_checks_a_workspace_headless(built: Path, tmp_path: Path):
    demo = tmp_path / "Plans & <ideas> 🚀.pmdesk"
    made = _run(built / "pmdesk" / "pmdesk", "--demo", "--no-gui", "--output", str(demo))
    assert made.returncode == 0, made.stderr
    checked = _run(built / "pmdesk" / "pmdesk", "check", str(demo))
    assert checked.returncode == 0, checked.stderr
    assert re.search(r"^Integrity:\s+ok$", checked.stdout, re.M)


def test_archive_unpacks_to_the_app_with_its_installer(built: Path):
    facts = project.read_project()
    archive = built / project.archive_name(facts)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    for name in (
        "pmdesk/pmdesk",
        "pmdesk/install-user.sh",
        "pmdesk/share/applications/pmdesk.desktop",
        "pmdesk/share/mime/packages/pmdesk.xml",
        "pmdesk/_internal/resources/templates/gate_criteria.json",
        "pmdesk/_internal/resources/fonts/DejaVuSans.ttf",
    ):
        assert name in names, name
    assert not any(
        "/tests/" in n or "pytest" in n or "QtWebEngine" in n or "QtQuick" in n for n in names
    )
