"""The headline figures then and now: HistoryService.figures_since, their wording, and the
"Headline" block and "figures" list of ``pmdesk changes``."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from decimal import Decimal

import pytest

from pmdesk.cli import main
from pmdesk.store.demo import create_demo
from pmdesk.store.demo_history import Q3_REVIEW
from pmdesk.store.figures_wording import changed_lines, figure_lines, json_figures
from pmdesk.store.services import HistoryService, PortfolioService
from pmdesk.store.services.figures import PlanFigures
from pmdesk.store.services.history import UnknownMoment
from pmdesk.store.workspace import Workspace

LAUNCH_LINE = "Launch date 25 Mar 2027 → 8 Apr 2027 (+14 days)"


@pytest.fixture
def private_temp(tmp_path, monkeypatch):
    """The temporary folders figures_since makes, where a test can see they are gone."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _product_id(ws, name: str) -> int:
    return next(p.id for p in ws.service(PortfolioService).products.list() if p.name == name)


def test_pulse_clouds_launch_moved_since_the_q3_review(tmp_path, private_temp):
    demo = create_demo(tmp_path / "demo.pmdesk")
    with Workspace.open(demo, read_only=True) as ws:
        service = ws.service(HistoryService)
        pulse = _product_id(ws, "Pulse Cloud")
        (found,) = service.figures_since(Q3_REVIEW, pulse)
        assert (found.product_id, found.product) == (pulse, "Pulse Cloud")
        assert found.then.launch_date == dt.date(2027, 3, 25)
        assert found.now.launch_date == dt.date(2027, 4, 8)
        assert found.then.launch_name == found.now.launch_name == "Pulse Cloud 1.0 launch"
        # The demo's slips since the review (hardware +28 days, apps +21 days) are not on
        # the critical path, which ends on 3 Nov 2027 then and now; nor do readiness and
        # the NPV move.
        assert found.then.critical_path_end == found.now.critical_path_end == dt.date(2027, 11, 3)
        assert found.then.readiness == found.now.readiness is not None
        assert found.then.npv == found.now.npv is not None
        assert [line.text() for line in changed_lines(found.then, found.now)] == [LAUNCH_LINE]
        assert found.differs()

        # The whole portfolio: only the product whose figures moved.
        assert [f.product for f in service.figures_since(Q3_REVIEW)] == ["Pulse Cloud"]
        # A product asked for is listed whether or not its figures moved.
        vega = _product_id(ws, "Vega Benchtop Analyser")
        (still,) = service.figures_since(Q3_REVIEW, vega)
        assert not still.differs() and changed_lines(still.then, still.now) == []
        with pytest.raises(UnknownMoment):
            service.figures_since("Never taken")
    assert list(private_temp.iterdir()) == []  # the copy of the moment is gone


def test_a_new_empty_workspace_has_no_figures_to_move(tmp_path, private_temp):
    path = tmp_path / "empty.pmdesk"
    with Workspace.create(path) as ws:
        service = ws.service(HistoryService)
        assert service.figures_since("2026-01-01") == []
        service.snapshot("Before")
        product = ws.service(PortfolioService).create_product(name="Orion")
        # Added since: nothing then, and nothing to show now either (no plan yet).
        assert service.figures_since("Before") == []
        (found,) = service.figures_since("Before", product.id)
        assert found.then == PlanFigures.empty(product.id)
        assert (found.now.launch_date, found.now.critical_path_end, found.now.npv) == (
            None,
            None,
            None,
        )
        assert changed_lines(found.then, found.now) == []
    assert list(private_temp.iterdir()) == []


def test_each_figure_is_worded_with_its_difference():
    then = PlanFigures(1, dt.date(2027, 3, 6), None, 0.19, Decimal("1000000.4"), "EUR")
    now = PlanFigures(1, dt.date(2027, 4, 3), dt.date(2027, 5, 1), 0.25, Decimal("880000.2"), "EUR")
    lines = figure_lines(then, now)
    assert [(line.label, line.before, line.after, line.difference) for line in lines] == [
        ("Critical path end", "6 Mar 2027", "3 Apr 2027", "+28 days"),
        ("Launch date", "—", "1 May 2027", "—"),
        ("Launch readiness", "19 %", "25 %", "+6 points"),
        ("NPV (base scenario)", "€1,000,000", "€880,000", "−€120,000"),
    ]
    assert lines[0].text(19) == "Critical path end    6 Mar 2027 → 3 Apr 2027 (+28 days)"
    assert lines[1].text() == "Launch date — → 1 May 2027"  # no difference to say
    assert json_figures("Orion", then, now) == [
        {
            "product": "Orion",
            "figure": "critical_path_end",
            "then": "2027-03-06",
            "now": "2027-04-03",
        },
        {"product": "Orion", "figure": "launch_date", "then": None, "now": "2027-05-01"},
        {"product": "Orion", "figure": "readiness", "then": 0.19, "now": 0.25},
        {
            "product": "Orion",
            "figure": "npv",
            "then": "1000000.4",
            "now": "880000.2",
            "currency": "EUR",
        },
    ]
    assert json_figures("Orion", then, then) == []


def test_pmdesk_changes_starts_with_the_headline(tmp_path, capsys):
    demo = create_demo(tmp_path / "demo.pmdesk")
    args = ["changes", str(demo), "--since", Q3_REVIEW, "--product", "Pulse Cloud"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert (
        text.startswith(f"Changes since {Q3_REVIEW} (2026-09-03 16:00 UTC): ")
        and "\n\nHeadline: Pulse Cloud\n  Launch date          25 Mar 2027 → 8 Apr 2027 (+14 days)\n\n"
        in text
    )
    assert text.index("Headline: Pulse Cloud") < text.index("Roadmap items")
    assert main([*args, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["since", "changes", "figures"]
    assert document["figures"] == [
        {
            "product": "Pulse Cloud",
            "figure": "launch_date",
            "then": "2027-03-25",
            "now": "2027-04-08",
        }
    ]
    # No figure moved for Vega: no headline, and the document keeps its two keys.
    vega = ["changes", str(demo), "--since", Q3_REVIEW, "--product", "Vega Benchtop Analyser"]
    assert main(vega) == 0
    assert "Headline" not in capsys.readouterr().out
    assert main([*vega, "--json"]) == 0
    assert list(json.loads(capsys.readouterr().out)) == ["since", "changes"]
