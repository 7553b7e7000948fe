"""Market signals in a real file: links, tags, filters and search, and a signal turned requirement."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.market_checks import MEGABYTE, RTL, TRICKY, refused, round_trip

from pmdesk.core.errors import NotFoundError
from pmdesk.core.market import Impact, SignalKind
from pmdesk.store.services import (
    MarketService,
    PortfolioService,
    RequirementService,
)

D = dt.date


@pytest.fixture
def market(workspace) -> MarketService:
    return workspace.service(MarketService)


@pytest.fixture
def ids(workspace, market) -> dict[str, int]:
    portfolio = workspace.service(PortfolioService)
    atlas = portfolio.create_product(name="Atlas").id
    beacon = portfolio.create_product(name="Beacon").id
    rival = market.add_competitor("Rival", product_ids=[atlas])
    requirement = workspace.service(RequirementService).requirements.create(
        product_id=atlas, title="SSO"
    )
    return {"atlas": atlas, "beacon": beacon, "rival": rival, "requirement": requirement.id}


@pytest.fixture
def log(market, ids) -> dict[str, int]:
    """Three signals of different kinds, impacts, dates, links and tags."""
    return {
        "move": market.add_signal(
            "Rival launches a free tier",
            "competitor move",
            D(2026, 1, 20),
            details=f"Seen on their blog {RTL}",
            source="https://rival.example/blog",
            impact="high",
            tags="Pricing, SMB",
            product_ids=[ids["atlas"]],
            competitor_ids=[ids["rival"]],
        ),
        "law": market.add_signal(
            "EU accessibility act",
            SignalKind.REGULATION,
            "2026-02-01",
            source="Directive 2019/882.pdf",
            impact=Impact.MEDIUM,
            tags=["EU", "compliance"],
            product_ids=[ids["atlas"], ids["beacon"]],
            requirement_ids=[ids["requirement"]],
        ),
        "trend": market.add_signal(
            f"On-device AI {TRICKY}", "technology trend", D(2026, 3, 1), impact="low"
        ),
    }


def test_a_signal_keeps_its_text_exactly_and_is_one_undo_step(workspace, market, ids):
    signal_id = round_trip(
        workspace,
        lambda: market.add_signal(
            f"🚀 {TRICKY}",
            "partner",
            "2026-04-01",
            details=MEGABYTE,
            source=RTL,
            tags=f"{RTL}, 🚀",
            product_ids=[ids["atlas"]],
            competitor_ids=[ids["rival"]],
            requirement_ids=[ids["requirement"]],
        ),
    )
    row = market.signal(signal_id)
    assert (row.title, row.details, row.source) == (f"🚀 {TRICKY}", MEGABYTE, RTL)
    assert row.tags == (RTL, "🚀")
    assert (row.product_ids, row.competitor_ids, row.requirement_ids) == (
        (ids["atlas"],),
        (ids["rival"],),
        (ids["requirement"],),
    )
    assert row.kind is SignalKind.PARTNER and row.impact is Impact.MEDIUM


def test_filters_and_search_find_the_signals_asked_for(market, ids, log):
    def found(**filters) -> list[int]:
        return [s.id for s in market.signals(**filters)]

    assert found() == [log["trend"], log["law"], log["move"]]  # newest first: a timeline
    assert found(text="BLOG") == [log["move"]]  # title, details or source, any case
    assert found(text="2019/882") == [log["law"]]
    assert found(text="עולם") == [log["move"]]
    assert found(kind="regulation") == [log["law"]]
    assert found(impact="high") == [log["move"]]
    assert found(product_id=ids["beacon"]) == [log["law"]]
    assert found(product_id=ids["atlas"]) == [log["law"], log["move"]]
    assert found(competitor_id=ids["rival"]) == [log["move"]]
    assert found(requirement_id=ids["requirement"]) == [log["law"]]
    assert found(tag="pricing") == [log["move"]]
    assert found(start=D(2026, 1, 21), end=D(2026, 2, 28)) == [log["law"]]
    assert found(start=D(2026, 2, 1), end=D(2026, 2, 1)) == [log["law"]]  # both ends count
    assert found(kind="regulation", impact="high") == []
    assert market.tags() == ["compliance", "EU", "Pricing", "SMB"]


def test_editing_a_signal_replaces_its_links_and_tags_in_one_step(workspace, market, ids, log):
    round_trip(
        workspace,
        lambda: market.update_signal(
            log["move"],
            title="Rival's free tier, again",
            impact="medium",
            tags="pricing",
            product_ids=[ids["beacon"]],
            competitor_ids=[],
        ),
    )
    row = market.signal(log["move"])
    assert row.title == "Rival's free tier, again" and row.tags == ("pricing",)
    assert row.product_ids == (ids["beacon"],) and row.competitor_ids == ()
    assert row.details.startswith("Seen on their blog")  # untouched
    round_trip(workspace, lambda: market.delete_signal(log["trend"]))
    assert [s.id for s in market.signals()] == [log["law"], log["move"]]


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"title": "  "}, "Title: cannot be empty"),
        ({"kind": "gossip"}, "Kind"),
        ({"impact": "huge"}, "Impact"),
        ({"date": "2026-13-01"}, "Date"),
        ({"product_ids": [999]}, "No product"),
        ({"requirement_ids": [999]}, "No requirement"),
        ({"colour": "red"}, "not a field"),
    ],
)
def test_bad_signal_input_names_the_field_and_changes_nothing(
    workspace, market, log, fields, match
):
    refused(
        workspace,
        lambda: market.update_signal(log["move"], **fields),
        match,
        NotFoundError if "No " in match else None,
    )


def test_a_signal_becomes_a_requirement_in_one_step_keeping_the_link(workspace, market, ids, log):
    requirement_id = round_trip(workspace, lambda: market.signal_to_requirement(log["move"]))
    requirement = workspace.service(RequirementService).requirements.get(requirement_id)
    assert requirement.title == "Rival launches a free tier"
    assert requirement.description == f"Seen on their blog {RTL}"
    assert requirement.product_id == ids["atlas"]  # the signal's only product
    assert requirement_id in market.signal(log["move"]).requirement_ids
    # with several products (or none) the product must be chosen
    refused(workspace, lambda: market.signal_to_requirement(log["law"]), "Product: choose")
    refused(workspace, lambda: market.signal_to_requirement(log["trend"]), "Product: choose")
    chosen = market.signal_to_requirement(
        log["trend"], ids["beacon"], title="Run a model on the device", moscow="could"
    )
    row = market.signal(log["trend"])
    assert row.requirement_ids == (chosen,) and row.product_ids == (ids["beacon"],)
    refused(
        workspace,
        lambda: market.signal_to_requirement(log["law"], ids["atlas"], effort=0),
        "Effort",
    )
    refused(
        workspace,
        lambda: market.signal_to_requirement(999, ids["atlas"]),
        "No market",
        NotFoundError,
    )
