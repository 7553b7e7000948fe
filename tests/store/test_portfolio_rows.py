"""The portfolio's overview read without the store, from a stranger's file as from ours:
the same rows as the store's services give, and a signed case that cannot be read leaves
its rule out instead of breaking the read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pmdesk.store.demo import create_demo
from pmdesk.store.early import EarlyWorkspace
from pmdesk.store.portfolio_rows import PortfolioQueries
from pmdesk.store.services import LifecycleService
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


def _flags(rows) -> dict[str, list[str]]:
    return {row.name: [t.rule for t in row.triggers] for row in rows}


def test_the_early_read_and_the_stores_give_the_same_overview(demo_template, tmp_path):
    path = tmp_path / "demo.pmdesk"
    path.write_bytes(demo_template.read_bytes())
    early = EarlyWorkspace.open(path)
    assert early is not None
    try:
        before = PortfolioQueries(early).overview()
    finally:
        early.close()
    with Workspace.open(path) as ws:
        after = PortfolioQueries(ws).overview()
        lifecycle = ws.service(LifecycleService)
        by_service = {row.name: [t.rule for t in lifecycle.triggers_of(row.id)] for row in after}
    assert before == after
    assert _flags(after) == by_service
    assert "below_business_case" in {rule for rules in by_service.values() for rule in rules}


def test_a_signed_case_that_cannot_be_read_leaves_its_rule_out(demo_template, tmp_path):
    path = tmp_path / "odd.pmdesk"
    path.write_bytes(demo_template.read_bytes())
    conn = sqlite3.connect(path)
    conn.execute("""UPDATE business_case_version SET content = '{"settings": 5}'""")
    conn.commit()
    conn.close()
    early = EarlyWorkspace.open(path)
    assert early is not None, "well-formed JSON: the file opens; only its meaning is off"
    try:
        flags = _flags(PortfolioQueries(early).overview())
    finally:
        early.close()
    assert flags["DataLog 200"] and "below_business_case" not in flags["DataLog 200"]
    with Workspace.open(path) as ws:
        assert _flags(PortfolioQueries(ws).overview()) == flags
