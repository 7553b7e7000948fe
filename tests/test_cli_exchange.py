"""pmdesk export / import from the command line, headless, on real files."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pypdf import PdfReader

from pmdesk.cli import main
from pmdesk.store.demo import create_demo
from pmdesk.store.services import RoadmapService
from pmdesk.store.workspace import Workspace


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


def test_pdf_export_of_a_named_product(demo, tmp_path, capsys):
    out = tmp_path / "spec.pdf"
    assert main(["export", "spec", str(demo), "--product", "pulse cloud", "-o", str(out)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(out).pages[:3])
    assert "Pulse Cloud" in text


def test_unknown_product_is_a_clear_refusal(demo, tmp_path, capsys):
    out = tmp_path / "spec.pdf"
    assert main(["export", "spec", str(demo), "--product", "Nope", "-o", str(out)]) == 2
    assert "no product named 'Nope'" in capsys.readouterr().err
    assert not out.exists()


def test_several_products_need_a_choice(demo, tmp_path, capsys):
    assert main(["export", "mspdi", str(demo), "-o", str(tmp_path / "x.xml")]) == 2
    assert "--product NAME" in capsys.readouterr().err


def test_mspdi_round_trip_through_the_cli(demo, tmp_path):
    xml = tmp_path / "plan.xml"
    assert main(["export", "mspdi", str(demo), "--product", "Pulse Cloud", "-o", str(xml)]) == 0
    json_file = tmp_path / "all.json"
    assert main(["export", "json", str(demo), "-o", str(json_file)]) == 0
    copy = tmp_path / "copy.pmdesk"
    assert main(["import", "json", str(copy), str(json_file)]) == 0
    with Workspace.open(copy) as ws, Workspace.open(demo, read_only=True) as original:
        assert ws.check().counts == original.check().counts
        assert len(ws.service(RoadmapService).items_of(1)) == len(
            original.service(RoadmapService).items_of(1)
        )


def test_bad_import_changes_nothing(demo, tmp_path, capsys):
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Project>&a;</Project>')
    before = demo.read_bytes()
    code = main(["import", "mspdi", str(demo), str(bad), "--product", "Pulse Cloud"])
    assert code == 2
    assert capsys.readouterr().err.startswith("pmdesk: ")
    assert demo.read_bytes() == before


def test_export_imports_no_qt(demo, tmp_path):
    code = (
        "import sys; from pmdesk.cli import main;"
        f"rc = main(['export', 'ics', {str(demo)!r}, '-o', {str(tmp_path / 'x.ics')!r}]);"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))];"
        "sys.exit(rc or (3 if bad else 0))"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
