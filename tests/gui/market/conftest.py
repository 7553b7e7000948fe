"""The Market view's windows: the demo's, and a new workspace's with one product, Atlas."""

from __future__ import annotations

import pytest
from tests.gui.test_house_rules import demo_copy, open_window
from tests.gui.windows import active

from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace


@pytest.fixture
def demo_window(qtbot, demo_template, tmp_path):
    """A copy of the demo open in the main window, in front."""
    return active(qtbot, open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768)))


@pytest.fixture
def new_window(qtbot, tmp_path):
    """A new workspace with one product, Atlas, open in the main window, in front."""
    path = tmp_path / "new.pmdesk"
    with Workspace.create(path, name="New portfolio") as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    return active(qtbot, open_window(qtbot, path, (1366, 768)))
