"""The "Changes since …" slides: what changed since the latest snapshot (or a chosen one),
worded for people, in native tables per kind of entity — on the demo, a new workspace and
names with markup characters, and through ``pmdesk export pptx --since``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pptx import Presentation

from pmdesk.cli import main
from pmdesk.core.errors import NotFoundError
from pmdesk.exchange.deck import PORTFOLIO_DEFAULT, PRODUCT_DEFAULT, SLIDES, export_deck
from pmdesk.exchange.deck.base import SMALL_SIZE
from pmdesk.exchange.deck.changes import stack
from pmdesk.store.demo import create_demo
from pmdesk.store.services import HistoryService, PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

TRICKY = 'R&D <core> & "beta"'


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("deck-changes") / "demo.pmdesk")


def _slides(path: Path) -> list[dict]:
    """Each slide's title, subtitle, message and tables (rows of cell texts)."""
    out = []
    for slide in Presentation(str(path)).slides:
        named = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
        tables = [
            [[cell.text for cell in row.cells] for row in s.table.rows]
            for s in slide.shapes
            if s.has_table
        ]
        out.append(
            {
                "title": named.get("Title", ""),
                "subtitle": named.get("Subtitle", ""),
                "message": named.get("Nothing yet", ""),
                "tables": tables,
            }
        )
    return out


def test_offered_not_forced():
    assert SLIDES["changes"].label == "Changes since …"
    assert not SLIDES["changes"].needs_product
    assert "changes" not in PRODUCT_DEFAULT and "changes" not in PORTFOLIO_DEFAULT


def test_the_demo_since_its_latest_snapshot(demo, tmp_path):
    out = tmp_path / "changes.pptx"
    with Workspace.open(demo) as ws:
        export_deck(ws, out, slides=["changes"], on=dt.date(2026, 12, 5))
    # The headline figures first; the launches' table goes on to a second slide.
    slides = _slides(out)
    assert [s["title"] for s in slides] == [
        "Changes since Q3 review (1 of 2)",
        "Changes since Q3 review (2 of 2)",
    ]
    assert {s["subtitle"] for s in slides} == {"9 changes · since 3 Sep 2026"}
    assert [t for s in slides for t in s["tables"]] == [
        [
            ["Headline figure", "Difference", "Then → now"],
            ["Pulse Cloud: Launch date", "+14 days", "25 Mar 2027 → 8 Apr 2027"],
        ],
        [
            ["Roadmap items", "Change", "What changed"],
            [
                "Sensor & gateway hardware",
                "Changed",
                "end date 6 Feb 2027 → 6 Mar 2027 (+28 days); status In progress → At risk",
            ],
            [
                "Monitoring apps",
                "Changed",
                "end date 5 Feb 2027 → 26 Feb 2027 (+21 days); status In progress → At risk",
            ],
            [
                "GA launch: Pulse Cloud 1.0",
                "Changed",
                "start date 25 Mar 2027 → 8 Apr 2027 (+14 days); "
                "end date 25 Mar 2027 → 8 Apr 2027 (+14 days)",
            ],
            ["Regional data residency (EU/US)", "Added", ""],
            ["Offline sync for field tablets", "Removed", ""],
        ],
        [
            ["Requirements", "Change", "What changed"],
            [
                "Single sign-on with the company directory",
                "Changed",
                "status Accepted → In progress",
            ],
            ["EU data residency", "Changed", "MoSCoW Could have → Should have"],
        ],
        [
            ["Stakeholders", "Change", "What changed"],
            [
                "Tomasz Wójcik",
                "Changed",
                "power 5.5 → 7.0; interest 2.5 → 4.0; attitude Neutral → Critic",
            ],
        ],
        [
            ["Launches", "Change", "What changed"],
            [
                "Pulse Cloud 1.0 launch",
                "Changed",
                "launch date 25 Mar 2027 → 8 Apr 2027 (+14 days)",
            ],
        ],
    ]


def test_a_product_deck_shows_that_product_only(demo, tmp_path):
    out = tmp_path / "product.pptx"
    with Workspace.open(demo) as ws:
        products = ws.service(PortfolioService).list_products()
        other = next(p for p in products if p.name != "Pulse Cloud")
        export_deck(ws, out, product_id=other.id, slides=["changes"])
    (slide,) = _slides(out)
    assert slide["title"] == "Changes since Q3 review"
    assert slide["message"] == "Nothing has changed since Q3 review (3 Sep 2026)"
    assert slide["subtitle"] == other.name


def test_a_new_workspace_has_no_snapshot(workspace, tmp_path):
    out = tmp_path / "empty.pptx"
    export_deck(workspace, out, slides=["changes"])
    (slide,) = _slides(out)
    assert slide["title"] == "Changes since the last snapshot"
    assert slide["message"].startswith("No snapshots yet")
    assert slide["tables"] == []


def test_names_with_markup_characters_and_a_snapshot_chosen_by_name(workspace, tmp_path):
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
    history = workspace.service(HistoryService)
    history.snapshot("<Board> & review")
    roadmap.items.update(item.id, end_date=dt.date(2027, 1, 31))
    history.snapshot("Later")
    out = tmp_path / "tricky.pptx"
    export_deck(workspace, out, product_id=product.id, slides=["changes"], since="<Board> & review")
    (slide,) = _slides(out)
    assert slide["title"] == "Changes since <Board> & review"
    assert slide["subtitle"].startswith(f"{TRICKY} · 1 change · since ")
    assert slide["tables"] == [
        [
            # Scheduled in working days: the path ends on the Friday before that Sunday.
            ["Headline figure", "Difference", "Then → now"],
            ["Critical path end", "-3 days", "1 Feb 2027 → 29 Jan 2027"],
        ],
        [
            ["Roadmap items", "Change", "What changed"],
            [f"{TRICKY} item", "Changed", "end date 1 Feb 2027 → 31 Jan 2027 (-1 day)"],
        ],
    ]
    # By default the latest snapshot: nothing since "Later".
    export_deck(workspace, out, slides=["changes"])
    (slide,) = _slides(out)
    assert slide["title"] == "Changes since Later"
    assert slide["message"].startswith("Nothing has changed since Later")
    with pytest.raises(NotFoundError):
        export_deck(workspace, tmp_path / "no.pptx", slides=["changes"], since="No such")
    assert not (tmp_path / "no.pptx").exists()


def test_many_changes_go_on_to_more_slides(workspace, tmp_path):
    portfolio = workspace.service(PortfolioService)
    roadmap = workspace.service(RoadmapService)
    product = portfolio.create_product(name="Atlas")
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    workspace.service(HistoryService).snapshot("Start")
    for n in range(40):
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"Item {n:02}",
            start_date=dt.date(2027, 1, 4),
            end_date=dt.date(2027, 2, 1),
        )
    out = tmp_path / "many.pptx"
    export_deck(workspace, out, slides=["changes"])
    slides = _slides(out)
    assert len(slides) > 1
    assert slides[0]["title"] == f"Changes since Start (1 of {len(slides)})"
    headline, *tables = [t for s in slides for t in s["tables"]]
    assert headline == [
        ["Headline figure", "Difference", "Then → now"],
        ["Atlas: Critical path end", "—", "— → 1 Feb 2027"],
    ]
    names = [row[0] for t in tables for row in t[1:]]
    assert names == [f"Item {n:02}" for n in range(40)]
    assert all(t[0] == ["Roadmap items", "Change", "What changed"] for t in tables)


def test_stack_fills_a_slide_before_the_next():
    headers = ("Roadmap items", "Change", "What changed")
    rows = [["a", "Added", ""]] * 3
    widths = [3_000_000, 1_000_000, 6_000_000]
    from pmdesk.exchange.deck.portfolio import table_height

    one = table_height(headers, rows[:1], widths, SMALL_SIZE)
    pages = stack([(headers, rows), (headers, rows)], widths, one * 3)
    assert sum(len(chunk[1]) for page in pages for chunk in page) == 6
    assert all(page for page in pages)
    assert len(pages) >= 2


def test_cli_since(demo, tmp_path):
    out = tmp_path / "cli.pptx"
    args = ["export", "pptx", str(demo), "--slides", "changes", "-o", str(out)]
    assert main([*args, "--since", "2026-01-01"]) == 0
    first = _slides(out)[0]
    assert first["title"].startswith("Changes since 2026-01-01")
    assert main([*args, "--since", "Q3 review"]) == 0
    assert _slides(out)[0]["title"].startswith("Changes since Q3 review")
    assert main([*args, "--since", "No such review"]) != 0


def test_cli_since_without_slides_adds_the_changes_to_the_review(demo, tmp_path):
    out = tmp_path / "review.pptx"
    assert main(["export", "pptx", str(demo), "--since", "Q3 review", "-o", str(out)]) == 0
    titles = [s["title"] for s in _slides(out)]
    assert titles[-1].startswith("Changes since Q3 review")
    assert main(["export", "pptx", str(demo), "-o", str(out)]) == 0
    assert not any(s["title"].startswith("Changes since") for s in _slides(out))
