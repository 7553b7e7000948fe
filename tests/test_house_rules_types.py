"""The type checker is part of the test command: pinned, pointed at the layers below the GUI,
and run by ``installer/dev.sh`` before the tests (``test`` and ``quick`` alike).

mypy itself runs in dev.sh, not here: a cold run takes about twenty seconds, and its report
reads best as it prints. These checks keep that step from quietly going away.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEV_SH = (ROOT / "installer" / "dev.sh").read_text(encoding="utf-8")


def _pin(name: str) -> str:
    pins = [p for p in PYPROJECT["project"]["optional-dependencies"]["test"] if p.startswith(name)]
    assert len(pins) == 1, pins
    match = re.fullmatch(rf"{name}==([0-9][0-9.]*)", pins[0])
    assert match, f"{pins[0]}: pin an exact version, so a new release cannot change the verdict"
    return match.group(1)


def test_mypy_is_pinned_and_the_pinned_version_is_the_one_installed():
    assert version("mypy") == _pin("mypy")


def test_mypy_checks_core_store_and_exchange_for_this_python():
    config = PYPROJECT["tool"]["mypy"]
    assert set(config["files"]) >= {
        "src/pmdesk/core",
        "src/pmdesk/store",
        "src/pmdesk/exchange",
    }
    assert config["python_version"] == "3.12"
    assert not config.get("ignore_errors"), "fix the findings instead"
    assert not config.get("ignore_missing_imports"), "name the untyped libraries one by one"


def _commands(case: str) -> list[str]:
    """The lines of one ``case`` branch of dev.sh, up to its ``;;``."""
    branch = re.search(rf"^\s+{case}\)\n(.*?)^\s+;;", DEV_SH, re.MULTILINE | re.DOTALL)
    assert branch, f"dev.sh has no '{case})' branch"
    lines = [line.strip() for line in branch.group(1).splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_dev_sh_type_checks_before_the_tests_in_test_and_quick():
    assert re.search(r'^type_check\(\) \{\n(?:\s*#.*\n)*\s*"\$VENV/bin/mypy"\n', DEV_SH, re.M)
    for case in ("test", "quick"):
        steps = _commands(case)
        pytest_step = next(i for i, s in enumerate(steps) if "-m pytest" in s)
        assert "type_check" in steps[:pytest_step], (case, steps)
    steps = _commands("test")
    assert steps.index("house_rules") < steps.index("type_check")
