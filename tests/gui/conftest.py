"""GUI test fixtures shared by several view test modules."""

from __future__ import annotations

import shutil

import pytest

from pmdesk.gui.context import AppContext
from pmdesk.store.demo import create_demo
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """One demo portfolio made per test run; tests work on copies of it."""
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


@pytest.fixture
def demo_ctx(demo_template, tmp_path, qtbot):
    """An AppContext on a fresh copy of the demo in this test's own folder."""
    copy = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_template, copy)
    ws = Workspace.open(copy)
    context = AppContext(ws)
    yield context
    context.close()
    ws.close()
