"""installer/project.py: the name, version and pins every installer file is built from."""

from __future__ import annotations

import tomllib
from pathlib import Path

import build
import project
import pytest
from project import Project


def test_name_and_version_come_from_pyproject():
    config = tomllib.loads(project.PYPROJECT.read_text())["project"]
    facts = project.read_project()
    assert (facts.name, facts.version) == (config["name"], config["version"])


def test_read_project_from_another_file(tmp_path: Path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "demo-app"\nversion = "2.10.0rc1"\n'
        'description = "Plans & <things> 🚀"\n',
        encoding="utf-8",
    )
    assert project.read_project(pyproject) == Project(
        "demo-app", "2.10.0rc1", "Plans & <things> 🚀"
    )


@pytest.mark.parametrize(
    "body",
    [
        '[project]\nname = "x"\n',
        '[tool.other]\nversion = "1"\n',
        '[project]\nname = "x"\nversion = "1 / 2"\n',
    ],
)
def test_a_missing_or_unusable_version_is_an_error(tmp_path: Path, body: str):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(body)
    with pytest.raises(ValueError, match="pyproject.toml"):
        project.read_project(pyproject)


def test_archive_name():
    facts = Project("pmdesk", "1.2.3", "")
    assert project.platform_tag("Linux", "x86_64") == "linux-x86_64"
    assert project.platform_tag("Darwin", "arm64") == "macos-arm64"
    assert project.archive_name(facts, "linux-x86_64") == "pmdesk-1.2.3-linux-x86_64.tar.gz"


def test_build_tools_are_pinned_exactly():
    pins = project.build_requirements()
    assert any(pin.startswith("pyinstaller==") for pin in pins)
    assert all(pin.count("==") == 1 and pin.split("==")[1] for pin in pins), pins


def test_missing_requirements_sees_wrong_and_absent_versions():
    import importlib.metadata

    pytest_version = importlib.metadata.version("pytest")
    assert build.missing_requirements([f"pytest=={pytest_version}"]) == []
    assert build.missing_requirements(["pytest==0.0.1"]) == ["pytest==0.0.1"]
    assert build.missing_requirements(["no-such-package-pmdesk==1.0"]) == [
        "no-such-package-pmdesk==1.0"
    ]


def test_the_spec_reads_the_project_facts():
    spec = (project.INSTALLER / "pmdesk.spec").read_text()
    assert "read_project()" in spec and "copy_metadata(PROJECT.name)" in spec
    assert '(str(ROOT / "resources"), "resources")' in spec  # where paths.py looks when frozen
    for unused in ("QtQml", "QtQuick", "QtWebEngineCore"):
        assert f'"{unused}"' in spec


def test_resources_are_found_in_a_frozen_layout(monkeypatch, tmp_path: Path):
    from pmdesk import paths

    monkeypatch.setattr("sys.frozen", True, raising=False)
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert paths.resource_path("icons", "pmdesk.svg") == (
        tmp_path / "_internal" / "resources" / "icons" / "pmdesk.svg"
    )
    monkeypatch.delattr("sys.frozen")
    assert paths.resources_root() != tmp_path / "_internal" / "resources"
