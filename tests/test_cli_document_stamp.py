"""A PDF exported as of a moment or from a what-if scenario says so on its cover and on every
page, and is dated as of that moment; a plain export says neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from pmdesk.cli import main
from pmdesk.exchange.pdf.template import long_date
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import Q3_REVIEW
from pmdesk.store.services import HistoryService
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("stamp") / "demo.pmdesk")


def _pages(path: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def test_a_pdf_as_of_a_snapshot_says_so_and_is_dated_then(demo, tmp_path):
    with Workspace.open(demo, read_only=True) as ws:
        taken = ws.service(HistoryService).moment(Q3_REVIEW).at.date()
    out = tmp_path / "then.pdf"
    argv = ["export", "roadmap", str(demo), "--product", "Pulse Cloud", "--as-of", Q3_REVIEW]
    assert main([*argv, "-o", str(out)]) == 0
    pages = _pages(out)
    assert pages and all(f"As it was at “{Q3_REVIEW}”" in page for page in pages)
    assert all(f"As of {long_date(taken)}" in page for page in pages)


def test_a_pdf_as_of_a_day_names_the_day(demo, tmp_path):
    out = tmp_path / "day.pdf"
    argv = ["export", "spec", str(demo), "--product", "Pulse Cloud", "--as-of", "2026-09-01"]
    assert main([*argv, "-o", str(out)]) == 0
    pages = _pages(out)
    assert all("As it was on 1 Sep 2026" in page for page in pages[1:])
    assert "As it was on 1 Sep 2026" in pages[0]  # the cover's "Issued" line


def test_a_pdf_of_a_what_if_scenario_says_it_is_not_the_plan(demo, tmp_path):
    assert main(["what-if", str(demo), "new", "Ship early", "--product", "Pulse Cloud"]) == 0
    scenario, plan = tmp_path / "scenario.pdf", tmp_path / "plan.pdf"
    argv = ["export", "spec", str(demo), "--product", "Pulse Cloud"]
    assert main([*argv, "--what-if", "Ship early", "-o", str(scenario)]) == 0
    assert main([*argv, "-o", str(plan)]) == 0
    assert all("What-if “Ship early” — not the plan" in page for page in _pages(scenario))
    plain = _pages(plan)
    assert not any("What-if" in page or "As it was" in page for page in plain)


def test_a_deck_as_of_a_snapshot_or_of_a_scenario_says_so_on_every_slide(demo, tmp_path):
    from pptx import Presentation

    def stamps(path: Path) -> list[str]:
        deck = Presentation(str(path))
        found = []
        for slide in deck.slides:
            texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
            found.append(" ".join(texts))
        return found

    assert main(["what-if", str(demo), "new", "Deck early", "--product", "Pulse Cloud"]) == 0
    then, scenario = tmp_path / "then.pptx", tmp_path / "scenario.pptx"
    argv = ["export", "pptx", str(demo), "--product", "Pulse Cloud"]
    assert main([*argv, "--as-of", Q3_REVIEW, "-o", str(then)]) == 0
    assert main([*argv, "--what-if", "Deck early", "-o", str(scenario)]) == 0
    assert all(f"As it was at “{Q3_REVIEW}”" in text for text in stamps(then))
    assert all("What-if “Deck early” — not the plan" in text for text in stamps(scenario))
