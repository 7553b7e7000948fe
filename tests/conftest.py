"""Shared test setup: offscreen Qt (set once, here), and no test touches real user files."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point pmdesk's data and settings folders at a temporary place for every test."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("PMDESK_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("PMDESK_CONFIG_DIR", str(base / "config"))
    # Nor a real keyring: a test that wants one sets its own in-memory backend.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    yield


@pytest.fixture
def workspace(tmp_path: Path):
    """A new, empty workspace file on disk in a temporary folder."""
    from pmdesk.store.workspace import Workspace

    ws = Workspace.create(tmp_path / "test.pmdesk", name="Test portfolio")
    yield ws
    ws.close()
