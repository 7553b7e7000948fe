"""A small but complete portfolio for the interchange tests, built through the services.

Every table gets rows, and the text is the kind that breaks naive code:
markup characters, quotes, separators, formula starters, line breaks, accents,
non-Latin scripts and emoji.
"""

from __future__ import annotations

from pathlib import Path

from pmdesk.core.enums import (
    ContactFrequency,
    DependencyType,
    GateDecision,
    Horizon,
    ItemKind,
    ItemStatus,
    LaneKind,
    LaunchFunction,
    MetricKind,
    RaciActivity,
    RaciRole,
    Stage,
    VoteTarget,
)
from pmdesk.store.services import (
    CalendarService,
    CanvasService,
    FinanceService,
    LaunchService,
    LifecycleService,
    MarketService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
    WhatIfService,
)

TRICKY = 'R&D <beta> "quoted", semi;colon \\ back 🚀 Ünïcödé 日本語 Ελληνικά'
FORMULA = '=HYPERLINK("http://x","y")'

CORPUS = Path("/work/shared/corpus/mspdi")


def build_roadmap(ws, product_id: int) -> dict[str, int]:
    """Two lanes, nested items, every link type, lags and a lead, and an active baseline."""
    roadmap = ws.service(RoadmapService)
    ids: dict[str, int] = {}
    platform = roadmap.lanes.create(
        product_id=product_id,
        name=f"Platform {TRICKY}",
        kind=LaneKind.TEAM,
        colour="#3366CC",
        sort_order=1,
    )
    market = roadmap.lanes.create(
        product_id=product_id, name="Go to market", kind=LaneKind.LAUNCH, colour="", sort_order=2
    )
    roadmap.lanes.create(product_id=product_id, name="Empty lane", sort_order=3)
    items = roadmap.items
    ids["epic"] = items.create(
        product_id=product_id,
        lane_id=platform.id,
        name="Epic <one>",
        kind=ItemKind.INITIATIVE,
        start_date="2025-01-06",
        end_date="2025-03-28",
        progress=40,
        status=ItemStatus.IN_PROGRESS,
        horizon=Horizon.NOW,
        notes="Line 1\nLine 2 & more",
        sort_order=1,
    ).id
    ids["api"] = items.create(
        product_id=product_id,
        lane_id=platform.id,
        parent_id=ids["epic"],
        name=FORMULA,
        start_date="2025-01-06",
        end_date="2025-01-31",
        progress=100,
        status=ItemStatus.DONE,
        sort_order=2,
    ).id
    ids["ui"] = items.create(
        product_id=product_id,
        lane_id=platform.id,
        parent_id=ids["epic"],
        name="UI 🎨",
        start_date="2025-02-03",
        end_date="2025-02-16",
        sort_order=3,
    ).id
    ids["deep"] = items.create(
        product_id=product_id,
        lane_id=platform.id,
        parent_id=ids["ui"],
        name="Deep child",
        start_date="2025-02-05",
        end_date="2025-02-07",
        status=ItemStatus.AT_RISK,
        horizon=Horizon.NEXT,
        sort_order=4,
    ).id
    ids["beta"] = items.create(
        product_id=product_id,
        lane_id=market.id,
        name="Beta",
        kind=ItemKind.MILESTONE,
        start_date="2025-03-03",
        end_date="2025-03-03",
        sort_order=5,
    ).id
    ids["release"] = items.create(
        product_id=product_id,
        lane_id=market.id,
        name="Release 1.0",
        kind=ItemKind.RELEASE,
        start_date="2025-03-31",
        end_date="2025-04-04",
        status=ItemStatus.CANCELLED,
        horizon=Horizon.LATER,
        sort_order=6,
    ).id
    # Working days, an elapsed lead, none, and a working week as MS Project gives it.
    links = [
        ("api", "ui", DependencyType.FINISH_TO_START, 2, {}),
        ("ui", "beta", DependencyType.START_TO_START, -3, {"lag_elapsed": True}),
        ("epic", "release", DependencyType.FINISH_TO_FINISH, 0, {}),
        (
            "deep",
            "release",
            DependencyType.START_TO_FINISH,
            5,
            {"lag_unit": "week", "lag_exact": 24_000},
        ),
    ]
    for pred, succ, kind, lag, more in links:
        roadmap.dependencies.create(
            predecessor_id=ids[pred], successor_id=ids[succ], type=kind, lag_days=lag, **more
        )
    roadmap.set_baseline(product_id, "Plan of record")
    items.update(ids["ui"], start_date="2025-02-10", end_date="2025-02-21")
    return ids


def build_portfolio(ws) -> dict[str, int]:
    """Rows in every table of the schema (the JSON round trip must carry them all)."""
    portfolio = ws.service(PortfolioService)
    portfolio.info.update(1, description=f"Portfolio {TRICKY}", settings={"rule": {"n": 3}})
    product = portfolio.create_product(
        name=f"Widget {TRICKY}",
        owner="Ana Ñ",
        stage=Stage.IN_LIFE,
        gate_criteria={"analysis": ["Case signed", "ß"]},
    )
    second = portfolio.create_product(name="Second product")
    ids = {"product": product.id, "second": second.id}
    ids |= build_roadmap(ws, product.id)
    calendars = ws.service(CalendarService)
    standard = calendars.workspace_calendar()
    calendars.add_exception(standard.id, name=f"Holiday {TRICKY}", start_date="2025-05-01")
    # The second product works Sunday to Thursday, with an extra working Friday.
    own = calendars.give_own_calendar(second.id)
    calendars.update_calendar(own.id, name="Gulf week", weekdays=0b1001111)
    calendars.add_exception(
        own.id, name="Release Friday", start_date="2025-03-07", end_date="2025-03-07", working=True
    )
    ids["own_calendar"] = own.id
    portfolio.risks.create(product_id=product.id, title="Risk; with, commas", likelihood=4)
    portfolio.revisions.create(
        product_id=product.id, version="1.0", revised_on="2025-01-02", summary=FORMULA
    )
    people = ws.service(StakeholderService)
    cfo = people.stakeholders.create(
        product_id=product.id,
        name="Zoë “CFO” Müller",
        role="Finance, Europe",
        power=9,
        interest=3,
        next_contact="2025-02-14",
        comm_channel="Teams",
        comm_frequency=ContactFrequency.MONTHLY,
        comm_owner="Me",
    )
    ids["cfo"] = cfo.id
    people.stakeholders.update(cfo.id, power=8)
    launch_service = ws.service(LaunchService)
    launch = launch_service.launches.create(
        product_id=product.id,
        name="Spring launch 🌸",
        launch_date="2025-04-01",
        tier=1,
        pos_target="PMs, designers & <devs>",
    )
    launch_service.messages.create(launch_id=launch.id, audience="Sales", message="Sell; sell")
    task = launch_service.tasks.create(
        launch_id=launch.id,
        function=LaunchFunction.MARKETING,
        title="Press kit",
        owner_id=cfo.id,
        due_offset_days=-30,
    )
    people.raci.create(
        product_id=product.id,
        stakeholder_id=cfo.id,
        activity=RaciActivity.LAUNCH_TASK,
        launch_task_id=task.id,
        role=RaciRole.ACCOUNTABLE,
    )
    life = ws.service(LifecycleService)
    life.gates.create(
        product_id=product.id,
        stage=Stage.ANALYSIS,
        decision=GateDecision.GO,
        decided_on="2024-11-05",
        decided_by_id=cfo.id,
        decided_by_name="Zoë",
        criteria=[{"text": "Case", "met": True, "note": "ok, fine"}],
        rationale="Strong case\nsecond line",
    )
    metric = life.metrics.create(
        product_id=product.id, name="Revenue", kind=MetricKind.REVENUE, unit="€", target=1000.5
    )
    life.values.create(metric_id=metric.id, period="2025-01-01", value=950.25)
    review = life.eliminations.create(
        product_id=product.id,
        opened_on="2025-01-01",
        end_of_sale="2025-06-30",
        end_of_support="2025-12-31",
    )
    life.actions.create(review_id=review.id, kind="reprice", description="Lower the price")
    requirement_service = ws.service(RequirementService)
    requirement = requirement_service.requirements.create(
        product_id=product.id,
        title="Export, import & 'share'",
        ref="REQ-1",
        acceptance_criteria=["Given a file", "When – imported"],
        reach=500,
        impact=2,
        confidence=50,
        effort=1.5,
    )
    requirement_service.customers.create(
        requirement_id=requirement.id, customer="ACME; Inc.", revenue=12000
    )
    requirement_service.link(requirement.id, ids["api"])
    canvas = ws.service(CanvasService)
    board = canvas.boards.create(product_id=product.id, name="Canvas")
    note = canvas.notes.create(board_id=board.id, block="problems", text="Pain\npoint 😬")
    canvas.link_note(note.id, item_id=ids["ui"], requirement_id=requirement.id)
    vote_round = canvas.rounds.create(
        product_id=product.id,
        target=VoteTarget.CANVAS_NOTE,
        board_id=board.id,
        participants=["Ann", "Bo"],
    )
    canvas.votes.create(round_id=vote_round.id, participant="Ann", note_id=note.id)
    ids |= build_business_case(ws, product.id)
    ids |= build_market(ws, product.id, requirement.id, note.id, ids["release"])
    ids["what_if"] = ws.service(WhatIfService).create(f"Early {TRICKY}", product.id, "Why").id
    return ids


def build_market(
    ws, product_id: int, requirement_id: int, note_id: int, item_id: int
) -> dict[str, int]:
    """Every market table filled: a competitor with a matrix, win/loss, a linked signal,
    triaged feedback with revenue a float would lose, and a limitation of a release."""
    market = ws.service(MarketService)
    competitor = market.add_competitor(
        f"Rival {TRICKY}",
        product_ids=[product_id],
        website="https://rival.example/?a=1&b=2",
        market_share="0.1234567890123",
        strengths=FORMULA,
        weaknesses="שלום, עולם",
        market_overlap=5,
        momentum=1,
    )
    row = market.add_capability(product_id, requirement_id=requirement_id)
    from_note = market.add_capability(product_id, note_id=note_id)
    market.set_cell(row, None, "full", TRICKY, "2025-01-02")
    market.set_cell(from_note, competitor, "partial", FORMULA, None)
    market.add_win_loss(
        competitor, "lost", "2025-02-01", deal="Deal; one", reason=TRICKY, value="999999999999.99"
    )
    signal = market.add_signal(
        f"Signal {TRICKY}",
        "regulation",
        "2025-01-15",
        details="Line 1\nLine 2",
        source=FORMULA,
        impact="high",
        tags=["EU", "Ünïcödé"],
        product_ids=[product_id],
        competitor_ids=[competitor],
        requirement_ids=[requirement_id],
    )
    feedback = market.add_feedback(
        f"“We need it” {TRICKY}",
        "2025-01-20",
        customer="ACME; Inc.",
        contact="Ann",
        source="support_ticket",
        revenue="0.30000000000000004",
        segment="SMB",
        importance="critical",
        product_id=product_id,
    )
    market.link_feedback(feedback, requirement_id)
    market.add_limitation(
        product_id, f"No {TRICKY}", workaround=FORMULA, kind="known_issue", item_id=item_id
    )
    return {"competitor": competitor, "signal": signal, "feedback": feedback}


def build_business_case(ws, product_id: int) -> dict[str, int]:
    """A signed business case with digits a float would lose: 0.1 + 0.2, a trillion's cents."""
    finance = ws.service(FinanceService)
    case_id = finance.create_case(product_id, currency="EUR", start="2025-01-01", horizon=12)
    finance.update_settings(case_id, notes=f"Decision asked: {TRICKY}")
    finance.set_driver(case_id, "price", "999999999999.99")
    finance.set_driver(case_id, "units_growth", "0.30000000000000004")
    finance.set_driver_note(case_id, "price", FORMULA)
    extra = finance.add_scenario(case_id, f"Stretch {TRICKY}")
    finance.set_override(extra, "price", "0.1")
    finance.add_cost_item(product_id, "Part; with, commas", "0.1", "0.2")
    finance.add_price_point(product_id, "SMB", "Pro", "Reseller", "1250.10", "12.5 %", "0.2", "0.3")
    version = finance.sign_off(case_id, signed_by="Zoë", scenario="Base", signed_on="2025-01-02")
    return {"case": case_id, "case_version": version}


def roadmap_view(ws, product_id: int) -> dict:
    """A product's roadmap by names and values, free of ids: what a round trip must keep."""
    roadmap = ws.service(RoadmapService)
    lanes = roadmap.lanes_of(product_id)
    lane_names = {lane.id: lane.name for lane in lanes}
    items = sorted(roadmap.items_of(product_id), key=lambda i: (i.sort_order, i.id))
    names = {item.id: item.name for item in items}
    baseline = next((b for b in roadmap.baselines_of(product_id) if b.is_active), None)
    entries = roadmap.baseline_dates(baseline.id) if baseline else {}
    return {
        "lanes": [(lane.name, lane.kind, lane.colour) for lane in lanes],
        "items": [
            (
                names[i.id],
                lane_names[i.lane_id],
                names.get(i.parent_id),
                i.kind,
                i.start_date,
                i.end_date,
                i.progress,
                i.status,
                i.horizon,
                i.notes,
            )
            for i in items
        ],
        "links": sorted(
            (
                names[d.predecessor_id],
                names[d.successor_id],
                d.type,
                d.lag_days,
                d.lag_elapsed,
                d.lag_unit,
            )
            for d in roadmap.dependencies_of(product_id)
        ),
        "baseline": sorted((names[i], s, e) for i, (s, e) in entries.items()),
    }
