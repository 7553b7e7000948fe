"""The demo and its workbook, made once a test module."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.exchange.workbook.books import TODAY, exported

from pmdesk.store.demo import create_demo


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory) -> Path:
    """The demo portfolio as of :data:`TODAY`."""
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk", today=TODAY)


@pytest.fixture(scope="module")
def demo_book(demo_path: Path) -> Path:
    """The demo's whole-portfolio workbook."""
    return exported(demo_path)
