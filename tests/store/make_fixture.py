"""Make the fixture file of the current workspace format: run once per released format.

    .venv/bin/python tests/store/make_fixture.py

writes ``fixtures/schema_v<N>.pmdesk`` (N = the current SCHEMA_VERSION) and
``fixtures/schema_v<N>.json``, what the file must still hold after any later
upgrade: row counts per table and a few queries with their expected rows. Both
are committed; tests copy them and never regenerate them. The script refuses to
overwrite an existing fixture: a released format's file is history.

If a later migration renames what a query reads, update that query in the
older fixture's JSON (the rows it expects stay the same).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

from pmdesk.store import schema
from pmdesk.store.services import (
    CalendarService,
    CanvasService,
    FinanceService,
    HistoryService,
    LaunchService,
    LifecycleService,
    MarketService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
    WhatIfService,
)
from pmdesk.store.workspace import Workspace

FIXTURES = Path(__file__).with_name("fixtures")

# What must survive every upgrade, read with plain SQL so it does not depend on the models.
QUERIES = [
    "SELECT name, organisation FROM workspace_info",
    "SELECT name, stage, vision FROM product ORDER BY id",
    "SELECT name, kind, start_date, end_date, progress FROM roadmap_item ORDER BY id",
    "SELECT predecessor_id, successor_id, type, lag_days FROM dependency ORDER BY id",
    "SELECT title, moscow, reach, impact, confidence, effort FROM requirement ORDER BY id",
    "SELECT customer, revenue FROM requirement_customer ORDER BY id",
    "SELECT requirement_id, item_id FROM requirement_item_link ORDER BY 1, 2",
    "SELECT name, power, interest, attitude FROM stakeholder ORDER BY id",
    "SELECT block, text FROM canvas_note ORDER BY id",
    "SELECT name, launch_date FROM launch ORDER BY id",
    "SELECT function, title, status, due_date, due_offset_days FROM launch_task ORDER BY id",
    "SELECT name, kind FROM metric ORDER BY id",
    "SELECT period, value FROM metric_value ORDER BY id",
    "SELECT stage, decision, recycle_to, criteria, rationale FROM gate_review ORDER BY id",
    "SELECT title, likelihood, impact FROM risk ORDER BY id",
    "SELECT item_id, start_date, end_date FROM baseline_entry ORDER BY item_id",
    # format 3
    "SELECT predecessor_id, successor_id, lag_days, lag_elapsed, lag_unit, lag_exact "
    "FROM dependency ORDER BY id",
    "SELECT product_id, name, weekdays, day_start, day_end, minutes_per_day "
    "FROM work_calendar ORDER BY id",
    "SELECT calendar_id, name, start_date, end_date, working FROM calendar_exception ORDER BY id",
    "SELECT end_of_sale, end_of_sale_item_id, end_of_support, end_of_support_item_id "
    "FROM elimination_review ORDER BY id",
    # format 4
    "SELECT product_id, currency, period, horizon, start, pricing_model, notes "
    "FROM business_case ORDER BY id",
    "SELECT case_id, key, value, note FROM business_driver ORDER BY id",
    "SELECT case_id, name, sort_order FROM business_scenario ORDER BY id",
    "SELECT scenario_id, key, value FROM scenario_override ORDER BY id",
    "SELECT case_id, version, signed_by, signed_on, scenario, gate_review_id, content "
    "FROM business_case_version ORDER BY id",
    "SELECT product_id, name, quantity, unit_cost, sort_order FROM cost_item ORDER BY id",
    "SELECT product_id, segment, tier, channel, list_price, discount, channel_margin, "
    "target_margin FROM price_point ORDER BY id",
    # format 5
    "SELECT name, website, segment, positioning, pricing, market_share, price_index, strengths, "
    "weaknesses, "
    "recent_moves, notes, market_overlap, product_strength, momentum, price_pressure "
    "FROM competitor ORDER BY id",
    "SELECT product_id, competitor_id FROM product_competitor ORDER BY 1, 2",
    "SELECT product_id, name, requirement_id, note_id, sort_order FROM capability ORDER BY id",
    "SELECT capability_id, competitor_id, level, evidence, checked_on "
    "FROM comparison_cell ORDER BY id",
    "SELECT competitor_id, product_id, deal, date, outcome, reason, value FROM win_loss ORDER BY id",
    "SELECT date, kind, title, details, source, impact, tags FROM market_signal ORDER BY id",
    "SELECT signal_id, product_id FROM signal_product ORDER BY 1, 2",
    "SELECT signal_id, competitor_id FROM signal_competitor ORDER BY 1, 2",
    "SELECT signal_id, requirement_id FROM signal_requirement ORDER BY 1, 2",
    "SELECT product_id, text, customer, contact, source, date, revenue, segment, importance, "
    "status, archive_reason FROM feedback ORDER BY id",
    "SELECT feedback_id, requirement_id FROM feedback_requirement ORDER BY 1, 2",
    "SELECT product_id, item_id, description, workaround, kind, status, sort_order "
    "FROM limitation ORDER BY id",
    "SELECT product_id, target, participants FROM vote_round ORDER BY id",
    "SELECT round_id, participant, note_id, requirement_id, feedback_id FROM vote ORDER BY id",
    # format 6
    "SELECT name, kind, note FROM history_snapshot ORDER BY id",
    "SELECT table_name, kind, count(*) FROM change_entry GROUP BY 1, 2 ORDER BY 1, 2",
    "SELECT table_name, row_key, name, kind, fields FROM change_entry "
    "WHERE table_name IN ('risk', 'product') ORDER BY id",
    # format 7
    "SELECT name, product_id, note, changes FROM what_if ORDER BY id",
]

TRICKY = 'Pricing <draft> & "beta" — café 🚀'


def fill(ws: Workspace) -> None:
    """A small portfolio touching every part of the domain."""
    portfolio = ws.service(PortfolioService)
    atlas = portfolio.create_product(
        name="Atlas 🚀", stage="Development", vision=TRICKY, owner="Dana <PM>"
    )
    portfolio.create_product(name="Borealis", stage="In-life", product_type="Service")
    portfolio.risks.create(
        product_id=atlas.id, title="Supplier & chip shortage", likelihood=4, impact=5
    )
    _roadmap_and_requirements(ws, atlas.id)
    _stakeholders_canvas_launch(ws, atlas.id)
    lifecycle = ws.service(LifecycleService)
    revenue = lifecycle.metrics.create(
        product_id=atlas.id, name="Revenue", kind="revenue", unit="EUR", target=120000
    )
    for month, value in enumerate([10000.0, 24000.5, 51000.0], start=1):
        lifecycle.values.create(metric_id=revenue.id, period=dt.date(2026, month, 1), value=value)
    lifecycle.gates.create(
        product_id=atlas.id,
        stage="Analysis",
        decision="go",
        decided_on=dt.date(2026, 2, 3),
        rationale="Business case <signed>",
    )
    lifecycle.gates.create(
        product_id=atlas.id,
        stage="Development",
        decision="recycle",
        recycle_to="Analysis",
        decided_on=dt.date(2026, 3, 10),
        criteria=[{"text": "Pilot <ok> & signed", "met": False, "note": "🚀"}],
        rationale=TRICKY,
    )
    _calendars_and_elimination(ws, atlas.id)
    _business_case(ws, atlas.id)
    _market(ws, atlas.id)
    _history(ws, atlas.id)
    _what_if(ws, atlas.id)


def _what_if(ws: Workspace, product_id: int) -> None:
    """A scenario worked on in its copy (an item moved, one added), and an empty one."""
    scenarios = ws.service(WhatIfService)
    early = scenarios.create("Ship <Atlas> early — 🚀", product_id, note=TRICKY)
    with tempfile.TemporaryDirectory() as folder:
        with Workspace.open(scenarios.open_copy(early.id, Path(folder) / "copy.pmdesk")) as copy:
            roadmap = copy.service(RoadmapService)
            [launch] = [i for i in roadmap.items_of(product_id) if i.name == "Launch"]
            roadmap.items.update_many(
                {launch.id: {"start_date": "2026-11-20", "end_date": "2026-11-20"}}
            )
            roadmap.items.create(
                product_id=product_id,
                lane_id=launch.lane_id,
                name="Early access 🚀",
                start_date="2026-11-02",
                end_date="2026-11-13",
            )
            scenarios.save_from(early.id, copy)
    scenarios.create("Portfolio <as is>", None)


def _history(ws: Workspace, product_id: int) -> None:
    """A named moment, then a change, a removal and an undone edit after it."""
    history = ws.service(HistoryService)
    history.snapshot("Review <Q3> — 🚀", note=TRICKY)
    portfolio = ws.service(PortfolioService)
    portfolio.products.update(product_id, vision="After the review")
    risk = portfolio.risks.create(product_id=product_id, title="Short-lived", likelihood=1)
    portfolio.risks.delete([risk.id])
    with ws.recording() as undone:
        portfolio.products.update(product_id, owner="Someone else")
    ws.revert(undone)


def _market(ws: Workspace, product_id: int) -> None:
    """Competitors with a matrix and win/loss, a signal turned requirement, feedback triaged."""
    market = ws.service(MarketService)
    rival = market.add_competitor(
        "Rival & Co <GmbH>",
        product_ids=[product_id],
        website="https://rival.example/?a=1&b=2",
        segment="SMB",
        market_share="12.5 %",
        price_index=85,
        strengths=TRICKY,
        market_overlap=4,
        product_strength=3,
        momentum=5,
        price_pressure=2,
    )
    market.add_competitor("Ümlaut 🚀", notes="שלום — RTL")
    [sso, _dark] = ws.service(RequirementService).requirements_of(product_id)
    [row] = market.add_capabilities_from_requirements(product_id, [sso.id])
    free = market.add_capability(product_id, 'Offline mode, "beta"')
    market.set_cell(row, None, "full", "Shipped in 2.0", dt.date(2026, 1, 15))
    market.set_cell(row, rival, "partial", TRICKY, dt.date(2025, 3, 1))
    market.set_cell(free, rival, "unknown")
    market.add_win_loss(
        rival, "lost", dt.date(2026, 2, 1), deal="Acme renewal", reason="Price", value="125000.50"
    )
    market.add_win_loss(rival, "won", dt.date(2026, 2, 10), deal="Globex", product_id=product_id)
    signal = market.add_signal(
        "Rival launches a free tier",
        "competitor_move",
        dt.date(2026, 1, 20),
        details=TRICKY,
        source="https://news.example/rival",
        impact="high",
        tags="pricing, SMB",
        product_ids=[product_id],
        competitor_ids=[rival],
    )
    market.signal_to_requirement(signal, title="A free tier of our own")
    feedback = market.add_feedback(
        'We\'d buy 200 seats with SSO, "today"',
        dt.date(2026, 2, 3),
        customer="Acme & Sons",
        contact="Ann <ann@acme.example>",
        source="sales_call",
        revenue="0.30",
        segment="Enterprise",
        importance="critical",
        product_id=product_id,
    )
    market.link_feedback(feedback, sso.id)
    canvas = ws.service(CanvasService)
    dots = canvas.rounds.create(
        product_id=product_id, target="feedback", title="Which voice first?", participants=["Ann"]
    )
    canvas.place_dot(dots.id, feedback_id=feedback, participant="Ann")
    archived = market.add_feedback("Make it pink", dt.date(2026, 2, 4), source="survey")
    market.archive_feedback(archived, "Out of scope 🚀")
    market.add_limitation(
        product_id,
        "No offline mode",
        workaround="Export to PDF before travelling",
        kind="known_issue",
        status="fix_planned",
    )


def _business_case(ws: Workspace, product_id: int) -> None:
    """A case in JPY (no minor units) with a cost build-up, prices and a signed version."""
    finance = ws.service(FinanceService)
    case_id = finance.create_case(
        product_id, currency="JPY", period="month", horizon=36, start=dt.date(2026, 4, 1)
    )
    finance.update_settings(case_id, notes=TRICKY)
    finance.set_driver(case_id, "price", "¥12,345")
    finance.set_driver(case_id, "churn", "2.5 %")
    finance.set_driver_note(case_id, "price", 'List price <after> launch & "beta" 🚀')
    stretch = finance.add_scenario(case_id, "Stretch 🚀")
    finance.set_override(stretch, "units_first", "1234.5")
    finance.add_cost_item(product_id, "Sensor & case", "2", "1500.25")
    finance.add_cost_item(product_id, "Licence <per unit>", "0.5", "0.1")
    finance.add_price_point(product_id, "SMB", "Pro", "Reseller", "15000", "10 %", "0.2", "0.35")
    gate = ws.service(LifecycleService).gates_of(product_id)[0]
    finance.sign_off(
        case_id,
        signed_by="Ola Nordmann",
        scenario="Base",
        signed_on=dt.date(2026, 2, 3),
        gate_review_id=gate.id,
    )


def _calendars_and_elimination(ws: Workspace, product_id: int) -> None:
    calendars = ws.service(CalendarService)
    standard = calendars.workspace_calendar()
    calendars.add_exception(standard.id, name="Christmas <Day> 🎄", start_date="2026-12-25")
    calendars.add_exception(
        standard.id,
        name="Launch Saturday",
        start_date="2026-11-28",
        end_date="2026-11-28",
        working=True,
    )
    own = calendars.give_own_calendar(product_id)
    calendars.update_calendar(own.id, name="Atlas (Sun–Thu)", weekdays=0b1001111, day_start=480)
    lifecycle = ws.service(LifecycleService)
    review = lifecycle.open_elimination(product_id).entity_id
    lifecycle.update_elimination(
        review, end_of_sale=dt.date(2027, 6, 30), end_of_support=dt.date(2028, 6, 30)
    )


def _roadmap_and_requirements(ws: Workspace, product_id: int) -> None:
    roadmap = ws.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product_id, name="Platform & API")
    design = roadmap.items.create(
        product_id=product_id,
        lane_id=lane.id,
        name="Design",
        start_date="2026-09-01",
        end_date="2026-09-30",
        progress=100,
    )
    build = roadmap.items.create(
        product_id=product_id,
        lane_id=lane.id,
        name=TRICKY,
        start_date="2026-10-01",
        end_date="2026-11-15",
        progress=35,
    )
    launch = roadmap.items.create(
        product_id=product_id,
        lane_id=lane.id,
        name="Launch",
        kind="milestone",
        start_date="2026-12-01",
        end_date="2026-12-01",
    )
    roadmap.dependencies.create(predecessor_id=design.id, successor_id=build.id)
    roadmap.dependencies.create(
        predecessor_id=build.id,
        successor_id=launch.id,
        lag_days=3,
        lag_elapsed=False,
        lag_unit="hour",
        lag_exact=144000,
    )
    roadmap.set_baseline(product_id, "Plan of record")

    requirements = ws.service(RequirementService)
    sso = requirements.requirements.create(
        product_id=product_id,
        title="Single sign-on",
        moscow="must",
        reach=800,
        impact=2,
        confidence=80,
        effort=3,
        source="sales",
    )
    requirements.customers.create(requirement_id=sso.id, customer="Acme & Sons", revenue=50000)
    requirements.link(sso.id, build.id)
    requirements.requirements.create(product_id=product_id, title="Dark mode", moscow="could")


def _stakeholders_canvas_launch(ws: Workspace, product_id: int) -> None:
    people = ws.service(StakeholderService)
    vp = people.stakeholders.create(
        product_id=product_id, name="Ola Nordmann", power=9, interest=7, attitude="champion"
    )
    people.stakeholders.create(
        product_id=product_id, name="Zoë “the critic”", power=3, interest=8, attitude="critic"
    )

    canvas = ws.service(CanvasService)
    board = canvas.boards.create(product_id=product_id, name="Atlas canvas")
    canvas.notes.create(board_id=board.id, block="problems", text="Onboarding takes 3 weeks")
    canvas.notes.create(board_id=board.id, block="value_proposition", text=TRICKY)

    launches = ws.service(LaunchService)
    launch = launches.launches.create(
        product_id=product_id, name="Atlas GA", launch_date="2026-12-01"
    )
    launches.tasks.create(
        launch_id=launch.id,
        function="marketing",
        title="Press kit",
        owner_id=vp.id,
        status="todo",
        due_offset_days=-14,
    )
    launches.tasks.create(
        launch_id=launch.id, function="legal", title="Terms & conditions", due_date="2026-11-20"
    )


def expected_content(ws: Workspace) -> dict:
    with ws.engine.connect() as conn:
        queries = {sql: [list(row) for row in conn.exec_driver_sql(sql)] for sql in QUERIES}
    counts = ws.check().counts
    return {"format": schema.SCHEMA_VERSION, "counts": counts, "queries": queries}


def main() -> int:
    target = FIXTURES / f"schema_v{schema.SCHEMA_VERSION}.pmdesk"
    sidecar = target.with_suffix(".json")
    if target.exists() or sidecar.exists():
        print(f"{target.name} exists already; a released format's fixture is never remade")
        return 1
    FIXTURES.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.create(
            Path(folder) / "fixture.pmdesk", name="Fixture portfolio", organisation="R&D <Labs>"
        )
        try:
            fill(ws)
            assert ws.check().ok
            content = expected_content(ws)
            ws.save_copy(target)  # standalone, rollback-journal mode: one file to commit
        finally:
            ws.close()
    sidecar.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target} and {sidecar.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
