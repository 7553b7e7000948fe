"""GUI test fixtures shared by several view test modules."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from pmdesk.gui.context import AppContext
from pmdesk.store.demo import create_demo
from pmdesk.store.generate import create_large
from pmdesk.store.workspace import Workspace

CROWDED_TODAY = dt.date(2026, 12, 4)  # the day the crowded plan is made around


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


@pytest.fixture(scope="session")
def crowded_template(tmp_path_factory):
    """A plan dense enough for rows full of labels and links across lanes (and broken ones)."""
    path = tmp_path_factory.mktemp("crowded") / "crowded.pmdesk"
    return create_large(path, items=900, dependencies=700, lanes=6, today=CROWDED_TODAY)


@pytest.fixture
def crowded(crowded_template, tmp_path):
    """A copy of the crowded plan, open (the roadmap tests' repaint checks)."""
    copy = tmp_path / "crowded.pmdesk"
    shutil.copyfile(crowded_template, copy)
    ws = Workspace.open(copy)
    yield ws
    ws.close()
