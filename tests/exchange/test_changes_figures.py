"""The headline figures that moved, first in the "Changes since …" PDF section and deck
slide: the same lines as ``pmdesk changes`` and What Changed Since, read back from the
files (pypdf, python-pptx) on the demo and on a new empty workspace."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from pmdesk.exchange.deck import export_deck
from pmdesk.exchange.pdf import SECTIONS, PdfOptions, export_pdf
from pmdesk.store.demo import create_demo
from pmdesk.store.services import HistoryService, PortfolioService
from pmdesk.store.workspace import Workspace

ON = dt.date(2026, 12, 5)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("changes-figures") / "demo.pmdesk")


def pdf_text(path: Path) -> str:
    pages = PdfReader(str(path)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages)).strip()


def deck_tables(path: Path) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for slide in Presentation(str(path)).slides
        for shape in slide.shapes
        if shape.has_table
    ]


def test_the_specification_and_the_summary_show_the_launch_that_moved(demo, tmp_path):
    chosen = PdfOptions(sections=frozenset({"changes"}), today=ON, since="Q3 review")
    with Workspace.open(demo, read_only=True) as ws:
        pulse = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        spec = export_pdf(ws, "spec", tmp_path / "spec.pdf", product_id=pulse, options=chosen)
        summary = export_pdf(ws, "portfolio", tmp_path / "summary.pdf", options=chosen)
    text = pdf_text(spec)
    figures = (
        "Headline figures Figure Then Now Difference Launch date 25 Mar 2027 8 Apr 2027 +14 days"
    )
    assert figures in text
    assert text.index(figures) < text.index("Roadmap items Name Change What changed")
    assert "Critical path end" not in text  # it did not move
    assert (
        "Headline figures Figure Then Now Difference "
        "Pulse Cloud: Launch date 25 Mar 2027 8 Apr 2027 +14 days"
    ) in pdf_text(summary)


def test_a_product_deck_names_the_figure_alone(demo, tmp_path):
    out = tmp_path / "pulse.pptx"
    with Workspace.open(demo, read_only=True) as ws:
        pulse = ws.service(PortfolioService).product_by_name("Pulse Cloud").id
        export_deck(ws, out, product_id=pulse, slides=["changes"], since="Q3 review", on=ON)
    tables = deck_tables(out)
    assert tables[0] == [
        ["Headline figure", "Difference", "Then → now"],
        ["Launch date", "+14 days", "25 Mar 2027 → 8 Apr 2027"],
    ]
    assert tables[1][0] == ["Roadmap items", "Change", "What changed"]


def test_a_new_workspace_has_no_figures_table(tmp_path):
    path = tmp_path / "empty.pmdesk"
    with Workspace.create(path) as ws:
        ws.service(HistoryService).snapshot("Start")
        ws.service(PortfolioService).create_product(name="Orion")
        options = PdfOptions(sections=frozenset(SECTIONS["portfolio"]) | {"changes"}, today=ON)
        out = export_pdf(ws, "portfolio", tmp_path / "empty.pdf", options=options)
        export_deck(ws, tmp_path / "empty.pptx", slides=["changes"], on=ON)
    text = pdf_text(out)
    assert "Since Start" in text and "Orion" in text
    assert "Headline figures" not in text  # a product with no plan yet: nothing moved
    tables = deck_tables(tmp_path / "empty.pptx")
    assert tables and "Headline figure" not in [t[0][0] for t in tables]
