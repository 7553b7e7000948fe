"""Customer feedback in a real file: the inbox, triage into requirements and the demand behind one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.file_rows import file_rows
from tests.market_checks import MEGABYTE, RTL, TRICKY, refused, round_trip

from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.market import FeedbackSource, FeedbackStatus, Importance
from pmdesk.store.services import MarketService, PortfolioService, RequirementService

D = dt.date


@pytest.fixture
def market(workspace) -> MarketService:
    return workspace.service(MarketService)


@pytest.fixture
def product_id(workspace) -> int:
    return workspace.service(PortfolioService).create_product(name="Atlas").id


@pytest.fixture
def sso(workspace, product_id) -> int:
    return (
        workspace.service(RequirementService)
        .requirements.create(product_id=product_id, title="Single sign-on")
        .id
    )


def test_a_feedback_item_keeps_every_field_exactly(workspace, market, product_id):
    feedback_id = round_trip(
        workspace,
        lambda: market.add_feedback(
            MEGABYTE,
            "2026-03-02",
            customer=f"Acme {TRICKY}"[:200],
            contact=RTL,
            source="support ticket",
            revenue="€1,234,567.891",
            segment="Enterprise 🚀",
            importance="critical",
            product_id=product_id,
        ),
    )
    row = market.feedback_item(feedback_id)
    assert row.text == MEGABYTE and row.contact == RTL
    assert row.revenue == Decimal("1234567.891")  # every digit, not rounded
    assert (row.source, row.importance, row.status) == (
        FeedbackSource.SUPPORT_TICKET,
        Importance.CRITICAL,
        FeedbackStatus.NEW,
    )
    assert row.date == D(2026, 3, 2) and row.requirement_ids == ()


@pytest.mark.parametrize(
    ("fields", "match"),
    [
        ({"text": " "}, "Text: cannot be empty"),
        ({"date": "yesterday"}, "Date"),
        ({"revenue": "-5"}, "Revenue"),
        ({"revenue": 12.5}, "Revenue"),  # a float is not exact
        ({"revenue": "a lot"}, "Revenue"),
        ({"importance": "meh"}, "Importance"),
        ({"source": "rumour"}, "Source"),
        ({"status": "archived"}, "Status"),
        ({"customer": "x" * 201}, "longer than 200"),
    ],
)
def test_bad_feedback_input_names_the_field_and_changes_nothing(workspace, market, fields, match):
    item = market.add_feedback("Fine", D(2026, 1, 1))
    refused(workspace, lambda: market.update_feedback(item, **fields), match)
    new = {"text": "New", "date": "2026-01-02"} | fields
    refused(workspace, lambda: market.add_feedback(**new), match)


def test_triage_links_to_several_requirements_and_back(workspace, market, product_id, sso):
    other = (
        workspace.service(RequirementService)
        .requirements.create(product_id=product_id, title="SCIM")
        .id
    )
    item = market.add_feedback("We need SSO and SCIM", D(2026, 1, 1), customer="Acme")
    round_trip(workspace, lambda: market.link_feedback(item, sso))
    market.link_feedback(item, other)
    market.link_feedback(item, other)  # once is enough
    row = market.feedback_item(item)
    assert row.status is FeedbackStatus.LINKED and row.requirement_ids == (sso, other)
    assert [f.id for f in market.feedback(requirement_id=other)] == [item]
    round_trip(workspace, lambda: market.unlink_feedback(item, sso))
    assert market.feedback_item(item).status is FeedbackStatus.LINKED
    market.unlink_feedback(item, other)
    assert market.feedback_item(item).status is FeedbackStatus.NEW  # nothing left to support
    refused(workspace, lambda: market.link_feedback(item, 999), "No requirement", NotFoundError)


def test_a_new_requirement_is_made_from_feedback_in_one_step(workspace, market, product_id):
    item = market.add_feedback(
        "Dark mode, please\nMy eyes hurt", D(2026, 1, 1), customer="Acme", product_id=product_id
    )
    requirement_id = round_trip(workspace, lambda: market.feedback_to_requirement(item))
    requirement = workspace.service(RequirementService).requirements.get(requirement_id)
    assert requirement.title == "Dark mode, please"
    assert requirement.description == "Dark mode, please\nMy eyes hurt"
    assert requirement.source.value == "customer" and requirement.product_id == product_id
    assert market.feedback_item(item).requirement_ids == (requirement_id,)
    loose = market.add_feedback("No product", D(2026, 1, 1))
    refused(workspace, lambda: market.feedback_to_requirement(loose), "Product: choose")
    made = market.feedback_to_requirement(loose, product_id, title="Something", moscow="wont")
    assert market.feedback_item(loose).requirement_ids == (made,)


def test_archiving_needs_a_reason_and_unarchiving_restores_the_status(
    workspace, market, product_id, sso
):
    item = market.add_feedback("Make it pink", D(2026, 1, 1))
    refused(workspace, lambda: market.archive_feedback(item, "  "), "say why")
    round_trip(workspace, lambda: market.archive_feedback(item, f"Out of scope {RTL}"))
    row = market.feedback_item(item)
    assert row.status is FeedbackStatus.ARCHIVED and row.archive_reason == f"Out of scope {RTL}"
    assert market.feedback(status="archived")[0].id == item
    assert market.feedback(status="new") == []
    round_trip(workspace, lambda: market.unarchive_feedback(item))
    row = market.feedback_item(item)
    assert row.status is FeedbackStatus.NEW and row.archive_reason == ""
    market.link_feedback(item, sso)
    market.archive_feedback(item, "Dup")
    market.unarchive_feedback(item)
    assert market.feedback_item(item).status is FeedbackStatus.LINKED
    refused(
        workspace,
        lambda: market.update_feedback(item, archive_reason="x"),
        "Status",
    )


def test_demand_counts_customers_and_revenue_once_with_the_strongest_quotes(
    workspace, market, product_id, sso
):
    requirements = workspace.service(RequirementService)
    requirements.customers.create(requirement_id=sso, customer="ACME", revenue=50000)
    requirements.customers.create(requirement_id=sso, customer="Initech", revenue=100)
    voices = [
        ("Acme", "12500.50", "Need SSO", "medium", D(2026, 1, 1)),
        ("acme ", "70000", "SSO or we leave", "critical", D(2026, 1, 5)),
        ("Globex", "0.10", "SSO would be nice", "low", D(2026, 2, 1)),
        ("Hooli", "1000", "SSO this quarter", "high", D(2026, 2, 2)),
        ("", "", "Anonymous: SSO!", "high", D(2026, 3, 1)),
    ]
    for customer, revenue, quote, importance, day in voices:
        item = market.add_feedback(
            quote, day, customer=customer, revenue=revenue, importance=importance
        )
        market.link_feedback(item, sso)
    archived = market.add_feedback("SSO", D(2026, 3, 2), customer="Umbrella", revenue="9e6")
    market.link_feedback(archived, sso)
    market.archive_feedback(archived, "Not a customer any more")

    found = market.demand(sso)
    # Acme (feedback twice and on the requirement) at 70,000; Initech 100; Globex 0.10;
    # Hooli 1,000; the anonymous voice is nobody's; the archived item is left out.
    assert found.customers == 4
    assert found.revenue == Decimal("71100.10")
    assert [q.quote for q in found.quotes] == [
        "SSO or we leave",
        "Anonymous: SSO!",
        "SSO this quarter",
    ]
    assert found.rice_reach == 4
    assert market.demand_by_requirement(product_id)[sso] == found
    with_archived = market.demand_by_requirement(product_id, include_archived=True)[sso]
    assert with_archived.customers == 5
    lonely = (
        workspace.service(RequirementService)
        .requirements.create(product_id=product_id, title="Nobody asked")
        .id
    )
    assert market.demand(lonely).customers == 0 and market.demand(lonely).quotes == ()
    with pytest.raises(NotFoundError):
        market.demand(999)


def test_many_feedback_rows_go_in_together_or_not_at_all(workspace, market, product_id):
    before = file_rows(workspace.path, versions=True)
    with pytest.raises(ValidationError, match="Row 2: date"):
        market.add_feedback_rows(
            [{"text": "One", "date": "2026-01-01"}, {"text": "Two", "date": "never"}]
        )
    assert file_rows(workspace.path, versions=True) == before
    ids = round_trip(
        workspace,
        lambda: market.add_feedback_rows(
            [
                {"text": "One", "date": "2026-01-01", "product_id": product_id},
                {"text": RTL, "date": D(2026, 1, 2), "revenue": "1,000"},
            ]
        ),
    )
    assert [f.id for f in market.feedback()] == ids[::-1]  # newest first
    assert market.feedback(text="עולם")[0].revenue == Decimal("1000")
    assert [f.id for f in market.feedback(product_id=product_id)] == [ids[0]]
    round_trip(workspace, lambda: market.delete_feedback(ids[0]))


def test_a_workshop_dot_votes_on_feedback_items(workspace, market, product_id, sso):
    from pmdesk.core.enums import VoteTarget
    from pmdesk.store.services import CanvasService

    canvas = workspace.service(CanvasService)
    loud = market.add_feedback("SSO or we leave", D(2026, 1, 1), product_id=product_id)
    quiet = market.add_feedback(f"Dark mode {RTL}", D(2026, 1, 2), product_id=product_id)
    vote_round = canvas.rounds.create(
        product_id=product_id,
        target=VoteTarget.FEEDBACK,
        title="Which voice first?",
        participants=["Ann", "Bo"],
        dots_per_participant=2,
    )
    round_trip(workspace, lambda: canvas.place_dot(vote_round.id, feedback_id=loud))
    canvas.place_dot(vote_round.id, feedback_id=loud)  # Ann's second dot
    canvas.place_dot(vote_round.id, feedback_id=quiet)  # Bo's turn
    assert canvas.tally(vote_round.id) == {loud: 2, quiet: 1}
    assert [v.participant for v in canvas.votes_of(vote_round.id)] == ["Ann", "Ann", "Bo"]
    refused(
        workspace,
        lambda: canvas.place_dot(vote_round.id, requirement_id=sso),
        "this round votes on feedback items",
    )
    market.delete_feedback(quiet)  # its dots go with it
    assert canvas.tally(vote_round.id) == {loud: 2}
