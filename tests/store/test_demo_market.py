"""The demo's market radar tells a story a product manager can act on, read back from a real file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pmdesk.core.market import (
    STALE_DAYS,
    CellLevel,
    FeedbackStatus,
    SignalKind,
    ThreatLevel,
)
from pmdesk.store.demo import DemoDates, create_demo
from pmdesk.store.services import PortfolioService, RequirementService
from pmdesk.store.services.market import MarketService
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 17)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory):
    path: Path = create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk", today=TODAY)
    workspace = Workspace.open(path, read_only=True)
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def market(ws) -> MarketService:
    return ws.service(MarketService)


@pytest.fixture(scope="module")
def products(ws) -> dict[str, int]:
    return {p.name: p.id for p in ws.service(PortfolioService).list_products()}


def test_competitors_are_shared_and_one_of_them_is_a_high_threat(market, products):
    competitors = {c.name: c for c in market.competitors()}
    assert 3 <= len(competitors) <= 4
    assert {c.threat.level for c in competitors.values()} == set(ThreatLevel)
    kelvix = competitors["Kelvix"]
    assert kelvix.threat.level is ThreatLevel.HIGH and kelvix.threat.value >= 67
    assert "Market overlap 5/5" in kelvix.threat.explain()
    # Kelvix and ThermoTrace meet both the cloud service and the USB logger.
    shared = [c for c in competitors.values() if len(c.product_ids) > 1]
    assert {c.name for c in shared} == {"Kelvix", "ThermoTrace"}
    for name, product_id in products.items():
        assert market.competitors(product_id), name
    for c in competitors.values():
        assert c.strengths and c.weaknesses and c.pricing and c.market_share is not None


def test_every_matrix_is_full_some_rows_are_requirements_and_a_few_cells_are_stale(
    market, products
):
    today = DemoDates.for_today(TODAY).as_of
    stale_total = 0
    for name, product_id in products.items():
        matrix = market.matrix(product_id, today=today)
        assert 8 <= len(matrix.capabilities) <= 12, name
        assert any(c.requirement_id for c in matrix.capabilities), name
        columns = [None, *(c.id for c in matrix.competitors)]
        assert len(matrix.cells) == len(matrix.capabilities) * len(columns), name
        cells = list(matrix.cells.values())
        stale = [c for c in cells if c.stale]
        assert all((today - c.checked_on).days > STALE_DAYS for c in stale if c.checked_on)
        assert len(stale) <= len(cells) // 5, name
        stale_total += len(stale)
        # Our own column is never stale: the product manager checks it first.
        assert not any(matrix.cell(c.id, None).stale for c in matrix.capabilities), name
        assert {c.level for c in cells} >= {CellLevel.FULL, CellLevel.PARTIAL, CellLevel.NONE}
    assert stale_total >= 3
    # The story: Kelvix covers more of Pulse Cloud's matrix than anyone but us.
    pulse = market.matrix(products["Pulse Cloud"], today=today)
    kelvix = next(c for c in pulse.competitors if c.name == "Kelvix")
    others = [pulse.coverage(c.id) for c in pulse.competitors if c is not kelvix]
    assert pulse.coverage(kelvix.id) > max(others)


def test_win_loss_summaries_give_a_win_rate_per_competitor(market):
    competitors = {c.id: c.name for c in market.competitors()}
    summaries = {competitors[k]: s for k, s in market.win_loss_summaries().items()}
    deals = sum(s.deals for s in summaries.values())
    assert 10 <= deals <= 20
    spectralis = summaries["Spectralis Instruments"]
    assert (spectralis.won, spectralis.lost, spectralis.no_decision) == (5, 3, 1)
    assert spectralis.win_rate == pytest.approx(5 / 8)
    # The Vega losses have one cause the roadmap is already fixing.
    assert any("autosampler" in reason.casefold() for reason, _ in spectralis.loss_reasons)
    won = sum(s.won for s in summaries.values())
    lost = sum(s.lost for s in summaries.values())
    assert won / (won + lost) == pytest.approx(9 / 17)
    assert summaries["Vantor Building Systems"].win_rate == 0


def test_a_month_of_signals_of_every_kind_one_became_a_requirement(ws, market, products):
    dates = DemoDates.for_today(TODAY)
    signals = market.signals()
    assert 10 <= len(signals) <= 15
    assert {s.kind for s in signals} == set(SignalKind)
    assert all(dates.anchor - dt.timedelta(days=31) <= s.date < dates.anchor for s in signals)
    assert [s.date for s in signals] == sorted((s.date for s in signals), reverse=True)
    assert sum(1 for s in signals if s.requirement_ids) >= 6
    made = [s for s in signals if s.title.startswith("Quality managers want a vulnerability")]
    (signal,) = made
    requirements = ws.service(RequirementService).requirements_of(products["Pulse Cloud"])
    by_id = {r.id: r for r in requirements}
    (linked,) = signal.requirement_ids
    assert by_id[linked].title == "Public vulnerability disclosure policy and security contact"
    assert by_id[linked].created_at.date() > signal.date
    assert signal.product_ids == (products["Pulse Cloud"],)


def test_feedback_stands_behind_requirements_and_archived_items_say_why(market, products):
    items = market.feedback()
    assert 20 <= len(items) <= 30
    archived = [f for f in items if f.status is FeedbackStatus.ARCHIVED]
    assert len(archived) >= 3 and all(f.archive_reason and not f.requirement_ids for f in archived)
    linked = [f for f in items if f.status is FeedbackStatus.LINKED]
    assert all(f.requirement_ids for f in linked) and len(linked) >= 15
    assert any(len(f.requirement_ids) > 1 for f in linked)  # one quote, several requirements
    assert any(f.status is FeedbackStatus.NEW for f in items)  # something left to triage
    demand = market.demand_by_requirement(products["Pulse Cloud"])
    strongest = max(demand.values(), key=lambda d: d.customers)
    assert strongest.customers >= 2 and strongest.revenue > 0 and strongest.quotes


def test_in_life_products_have_limitations_with_what_to_tell_customers(market, products):
    for name in ("Vega Benchtop Analyser", "DataLog 200"):
        rows = market.limitations(products[name])
        assert len(rows) >= 3, name
        assert all(r.workaround for r in rows), name
        assert {r.kind.value for r in rows} == {"limitation", "known_issue"}, name
