"""pyproject.toml lists every package explicitly (resources/ is mapped into the wheel)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_source_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src").rglob("__init__.py")
    }
    assert found - listed == set(), f"add to pyproject.toml: {sorted(found - listed)}"
    assert "pmdesk.resources" in listed


def test_python_and_pins():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert config["project"]["requires-python"] == ">=3.12"
    for dep in (
        config["project"]["dependencies"] + config["project"]["optional-dependencies"]["test"]
    ):
        assert "==" in dep, f"{dep} is not pinned exactly"


def test_resources_are_found():
    from pmdesk.paths import resource_path, resources_root

    assert resources_root().is_dir()
    assert resource_path("icons").parent == resources_root()
