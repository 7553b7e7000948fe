"""One rule for every date and number: refused beyond the bounds, printed and exported at them.

Year 9999 broke the PDFs, year 0001 the roadmap, 1e308 the launch and portfolio PDFs.
Now the store refuses what lies outside ``core.validation`` bounds, whether it is typed,
imported or read from a file, and every output handles the bounds themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3

import pytest
from pypdf import PdfReader

from pmdesk.cli import main
from pmdesk.core.errors import PmdeskError, ValidationError
from pmdesk.core.validation import DATE_MAX
from pmdesk.exchange.json_io import import_json
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.services import PortfolioService, RequirementService, RoadmapService
from pmdesk.store.workspace import Workspace

PRODUCT = "Pulse Cloud"  # the product at_the_bounds (tests/conftest.py) pushes


@pytest.mark.parametrize(
    "kind", ["spec", "launch", "roadmap", "stakeholders", "canvas", "portfolio"]
)
def test_every_pdf_prints_at_the_bounds(kind, at_the_bounds, tmp_path):
    out = tmp_path / f"{kind}.pdf"
    assert main(["export", kind, str(at_the_bounds), "--product", PRODUCT, "-o", str(out)]) == 0
    assert len(PdfReader(out).pages) >= 1


@pytest.mark.parametrize("kind", ["csv", "mspdi", "ics", "json"])
def test_every_file_export_writes_at_the_bounds(kind, at_the_bounds, tmp_path):
    out = tmp_path / f"out.{kind}"
    assert main(["export", kind, str(at_the_bounds), "--product", PRODUCT, "-o", str(out)]) == 0
    assert out.stat().st_size > 0
    if kind == "ics":
        text = out.read_text(encoding="utf-8")
        assert DATE_MAX.strftime("%Y%m%d") in text


def test_the_store_refuses_dates_and_numbers_beyond_the_bounds(workspace):
    product = workspace.service(PortfolioService).create_product(name="Edge")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Build")
    for start, end in (
        (dt.date(1, 1, 1), dt.date(2027, 1, 1)),
        (dt.date(2027, 1, 1), dt.date(9999, 12, 31)),
    ):
        with pytest.raises(ValidationError, match="outside the years 1900 to 2199"):
            roadmap.items.create(
                product_id=product.id, lane_id=lane.id, name="Far", start_date=start, end_date=end
            )
    requirements = workspace.service(RequirementService)
    with pytest.raises(ValidationError, match="beyond"):
        requirements.requirements.create(product_id=product.id, title="Huge", reach=1e308)
    with pytest.raises(ValidationError, match="beyond"):
        requirements.requirements.create(product_id=product.id, title="Huge", reach=float("inf"))
    assert roadmap.items.count() == 0 and requirements.requirements.count() == 0


def test_a_json_import_beyond_the_bounds_is_refused(at_the_bounds, tmp_path):
    exported = tmp_path / "all.json"
    assert main(["export", "json", str(at_the_bounds), "-o", str(exported)]) == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["tables"]["roadmap_item"][0]["end_date"] = "9999-12-31"
    exported.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(PmdeskError, match="outside the years"):
        import_json(exported, tmp_path / "imported.pmdesk")
    assert not (tmp_path / "imported.pmdesk").exists()


def test_a_file_beyond_the_bounds_is_reported_by_row(at_the_bounds, tmp_path):
    path = tmp_path / "far.pmdesk"
    shutil.copyfile(at_the_bounds, path)
    conn = sqlite3.connect(path)
    conn.execute(
        "UPDATE stakeholder SET next_contact = '9999-12-31' "
        "WHERE id = (SELECT min(id) FROM stakeholder)"
    )
    conn.commit()
    conn.close()
    with pytest.raises(DamagedWorkspaceError, match="next contact holds '9999-12-31'"):
        Workspace.open(path, read_only=True)
