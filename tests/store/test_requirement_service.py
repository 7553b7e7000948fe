"""Requirements: RICE arithmetic and its refusals, the user-story builder, duplicates,
revenue at stake added up, links both ways, and the chart's points."""

from __future__ import annotations

import pytest

from pmdesk.core.enums import ItemKind, RequirementStatus
from pmdesk.core.errors import ValidationError
from pmdesk.core.requirements import (
    is_gherkin,
    parse_user_story,
    revenue_at_stake,
    user_story,
)
from pmdesk.core.scoring import quadrant, quadrant_splits, rice, rice_or_none, rice_parts
from pmdesk.store.services import PortfolioService, RequirementService, RoadmapService

TRICKY = 'Export <CSV> & "PDF" 🚀'


def test_rice_is_reach_times_impact_times_confidence_over_effort():
    score = rice(1200, 2, 80, 4)
    assert score.value == pytest.approx(1920)
    assert score.score == pytest.approx(480)
    assert score.explain().endswith("= 480.0")
    parts = dict(rice_parts(score))
    assert parts["Reach"] == "1,200 per quarter"
    assert parts["Impact"] == "× 2 (high)"
    assert parts["Confidence"] == "× 80%"
    assert parts["Value"] == "= 1,920"
    assert parts["Effort"] == "÷ 4 person-months"
    assert parts["RICE score"] == "= 480"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((100, 1, 50, 0), "effort"),
        ((100, 1, 50, -1), "effort"),
        ((-1, 1, 50, 1), "reach"),
        ((100, 1.5, 50, 1), "impact"),
        ((100, 1, 101, 1), "confidence"),
    ],
)
def test_rice_refuses_what_it_cannot_score_with_a_message(args, field):
    with pytest.raises(ValidationError) as raised:
        rice(*args)
    assert raised.value.field == field
    assert rice_or_none(*args) is None
    if field == "effort":
        assert "more than zero" in str(raised.value)


def test_rice_edges_zero_reach_and_confidence_score_zero():
    assert rice(0, 3, 100, 1).score == 0
    assert rice(100, 0.25, 0, 0.5).score == 0
    assert rice(10, 0.25, 100, 0.5).score == pytest.approx(5)


def test_user_story_builder_and_parser_round_trip():
    assert user_story("lab manager", "alerts", "I can act") == (
        "As a lab manager, I want alerts so that I can act."
    )
    assert user_story("engineer", "logs.", "") == "As an engineer, I want logs."
    assert user_story("", "", "") == ""
    assert user_story("admin", TRICKY, "") == f"As an admin, I want {TRICKY}."
    assert parse_user_story("As a lab manager, I want alerts so that I can act.") == (
        "lab manager",
        "alerts",
        "I can act",
    )
    assert parse_user_story("Plain requirement") is None


def test_gherkin_and_revenue_rules():
    assert is_gherkin("Given a sensor, when it is offline, then it shows grey")
    assert not is_gherkin("Shows grey when offline")
    assert revenue_at_stake([("Acme", 100), (" acme ", 250), ("Beta", 50), ("", 9)]) == (2, 300)


def test_quadrants_split_at_the_medians():
    points = [(100, 1), (900, 1), (100, 5), (900, 5)]
    splits = quadrant_splits(points)
    assert splits == (500, 3)
    assert quadrant(900, 1, splits) == "Quick wins"
    assert quadrant(900, 5, splits) == "Big bets"
    assert quadrant(100, 1, splits) == "Fill-ins"
    assert quadrant(100, 5, splits) == "Time sinks"


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Atlas")


def test_service_duplicates_links_revenue_and_chart(workspace, product):
    service = workspace.service(RequirementService)
    first = service.requirements.create(
        product_id=product.id,
        title="Offline mode for technicians",
        reach=100,
        impact=2,
        confidence=50,
        effort=2,
    )
    second = service.requirements.create(
        product_id=product.id, title=TRICKY, effort=1, status=RequirementStatus.REJECTED
    )
    found = service.possible_duplicates(product.id, "Offline mode for technician")
    assert [f[0] for f in found] == [first.id]
    assert (
        service.possible_duplicates(product.id, "Offline mode for technicians", exclude_id=first.id)
        == []
    )
    for name, revenue in (("Acme", 1000), ("Beta <b>", 500), ("acme", 200)):
        service.customers.create(requirement_id=first.id, customer=name, revenue=revenue)
    assert service.revenue_by_requirement(product.id) == {first.id: (2, 1500.0)}

    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Core")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Sync engine",
        kind=ItemKind.FEATURE,
        start_date="2026-01-05",
        end_date="2026-02-27",
    )
    service.link(first.id, item.id)
    assert service.linked_items(first.id) == [item.id]
    assert service.linked_requirements(item.id) == [first.id]
    assert service.link_counts(product.id) == {first.id: 1}
    assert service.item_names(product.id) == {item.id: "Sync engine"}

    points = service.chart_points(product.id)
    assert [(p.id, p.value, p.effort, p.score) for p in points] == [(first.id, 100.0, 2.0, 50.0)]
    assert second.id not in {p.id for p in points}  # rejected ones stay off the chart


def test_zero_effort_is_refused_and_the_file_keeps_its_value(workspace, product):
    service = workspace.service(RequirementService)
    req = service.requirements.create(product_id=product.id, title="Alerts", effort=2)
    with pytest.raises(ValidationError, match="more than zero"):
        service.requirements.update(req.id, effort=0)
    assert service.requirements.get(req.id).effort == 2
