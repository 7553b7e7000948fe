"""The "Changes since …" section of the specification and the portfolio summary: offered,
off unless chosen, what changed since the latest snapshot (or ``since``) worded for people,
on the demo, a new workspace and names with markup characters; and ``--since`` on the CLI."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from pmdesk.cli import main
from pmdesk.exchange.pdf import SECTIONS, PdfOptions, export_pdf
from pmdesk.store.demo import create_demo
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

TRICKY = 'R&D <core> & "beta"'
SLIPS = (
    "Sensor & gateway hardware Changed end date 6 Feb 2027 → 6 Mar 2027 (+28 days); "
    "status In progress → At risk"
)
MONITORING = "end date 5 Feb 2027 → 26 Feb 2027 (+21 days)"
MOSCOW = "EU data residency Changed MoSCoW Could have → Should have"
CRITIC = "Tomasz Wójcik Changed power 5.5 → 7.0; interest 2.5 → 4.0; attitude Neutral → Critic"


def pdf_text(path: Path) -> str:
    """All the text of a PDF, whitespace made single spaces."""
    pages = PdfReader(str(path)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages)).strip()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("pdf-changes") / "demo.pmdesk")


def _pulse(ws) -> int:
    return ws.service(PortfolioService).product_by_name("Pulse Cloud").id


def test_offered_and_off_by_default():
    assert SECTIONS["spec"]["changes"] == "Changes since the last snapshot"
    assert SECTIONS["portfolio"]["changes"] == "Changes since the last snapshot"
    assert not PdfOptions().wants("changes")
    assert PdfOptions().wants("roadmap")
    assert PdfOptions(sections=frozenset({"changes"})).wants("changes")


def test_the_demo_specification_since_its_latest_snapshot(demo, tmp_path):
    chosen = PdfOptions(sections=frozenset(SECTIONS["spec"]), today=dt.date(2026, 12, 5))
    with Workspace.open(demo) as ws:
        out = export_pdf(ws, "spec", tmp_path / "spec.pdf", product_id=_pulse(ws), options=chosen)
        plain = export_pdf(ws, "spec", tmp_path / "plain.pdf", product_id=_pulse(ws))
    text = pdf_text(out)
    assert "Changes since the last snapshot Since Q3 review (3 Sep 2026): 9 changes." in text
    assert "Roadmap items Name Change What changed " + SLIPS in text
    assert MONITORING in text
    assert "Regional data residency (EU/US) Added" in text
    assert "Offline sync for field tablets Removed" in text
    assert MOSCOW in text
    assert CRITIC in text
    assert "Changes since" not in pdf_text(plain)


def test_the_portfolio_summary_and_a_chosen_day(demo, tmp_path):
    chosen = PdfOptions(sections=frozenset({"changes"}), since="2026-09-04")
    with Workspace.open(demo) as ws:
        out = export_pdf(ws, "portfolio", tmp_path / "portfolio.pdf", options=chosen)
    text = pdf_text(out)
    assert text.startswith("Changes since 2026-09-04 Since 2026-09-04 (4 Sep 2026): 9 changes.")
    assert SLIPS in text and MOSCOW in text and CRITIC in text


def test_a_new_workspace_says_there_is_nothing(workspace, tmp_path):
    options = PdfOptions(sections=frozenset({"changes"}))
    out = export_pdf(workspace, "portfolio", tmp_path / "empty.pdf", options=options)
    assert "Changes since the last snapshot No snapshots yet" in pdf_text(out)


def test_names_with_markup_characters(workspace, tmp_path):
    portfolio = workspace.service(PortfolioService)
    roadmap = workspace.service(RoadmapService)
    product = portfolio.create_product(name=TRICKY)
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name=f"{TRICKY} item",
        start_date=dt.date(2027, 1, 4),
        end_date=dt.date(2027, 2, 1),
    )
    workspace.service(HistoryService).snapshot("<Board> & review")
    roadmap.items.update(item.id, end_date=dt.date(2027, 1, 31))
    options = PdfOptions(sections=frozenset({"changes"}), since="<Board> & review")
    out = export_pdf(
        workspace, "spec", tmp_path / "tricky.pdf", product_id=product.id, options=options
    )
    text = pdf_text(out)
    assert "Changes since <Board> & review Since <Board> & review (" in text
    assert "): 1 change." in text
    assert f"{TRICKY} item Changed end date 1 Feb 2027 → 31 Jan 2027 (-1 day)" in text
    # By default the latest snapshot: nothing since "Later".
    workspace.service(HistoryService).snapshot("Later")
    options = PdfOptions(sections=frozenset({"changes"}))
    out = export_pdf(
        workspace, "spec", tmp_path / "later.pdf", product_id=product.id, options=options
    )
    assert "Nothing has changed since Later" in pdf_text(out)


def test_cli_since_adds_the_section(demo, tmp_path):
    out = tmp_path / "cli.pdf"
    args = ["export", "spec", str(demo), "--product", "Pulse Cloud", "-o", str(out)]
    assert main([*args, "--since", "Q3 review"]) == 0
    text = pdf_text(out)
    assert "Changes since Q3 review Since Q3 review (3 Sep 2026): 9 changes." in text
    assert MOSCOW in text
    assert "Sign-off" in text  # the other sections are all there too
    assert main(args) == 0
    assert "Changes since" not in pdf_text(out)
