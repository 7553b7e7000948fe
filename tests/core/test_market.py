"""The market radar's rules, worked by hand: threat scores, staleness, demand, win/loss, axes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.core.errors import ValidationError
from pmdesk.core.market import (
    AXIS_KEYS,
    CRITERION_KEYS,
    STALE_DAYS,
    THREAT_CRITERIA,
    CellLevel,
    DealOutcome,
    DealRecord,
    DemandItem,
    FeedbackSource,
    Importance,
    PositionEntry,
    SignalKind,
    ThreatLevel,
    check_criterion_score,
    check_share,
    competitor_axis_values,
    coverage,
    customer_key,
    demand,
    is_stale,
    our_axis_values,
    parse_tags,
    positioning,
    threat_parts,
    threat_score,
    win_loss_summary,
)

D = dt.date


# -- threat score ------------------------------------------------------------------------------


def test_the_weights_add_up_to_one_and_each_criterion_has_a_question():
    assert sum(c.weight for c in THREAT_CRITERIA) == pytest.approx(1.0)
    assert all(c.question for c in THREAT_CRITERIA)


def test_a_threat_score_worked_by_hand():
    # overlap 4/5 × 35 = 28, strength 3/5 × 25 = 15, momentum 5/5 × 20 = 20, price 2/5 × 20 = 8
    score = threat_score(
        {"market_overlap": 4, "product_strength": 3, "momentum": 5, "price_pressure": 2}
    )
    assert [round(p.points, 9) for p in score.parts] == [28, 15, 20, 8]
    assert score.value == pytest.approx(71.0)
    assert score.level is ThreatLevel.HIGH
    assert threat_parts(score) == [
        ("Market overlap", "4/5 × 35% = 28 points"),
        ("Product strength", "3/5 × 25% = 15 points"),
        ("Momentum", "5/5 × 20% = 20 points"),
        ("Price pressure", "2/5 × 20% = 8 points"),
        ("Threat score", "= 71 of 100 (High)"),
    ]
    assert score.explain().endswith("= 71 of 100 (high)")


def test_criteria_not_given_score_zero_and_the_levels_turn_at_their_bounds():
    assert threat_score({}).value == 0 and threat_score({}).level is ThreatLevel.LOW
    # 35 × 4/5 + 25 × 1/5 = 33: low; one more point of momentum (4) makes 37: medium
    assert threat_score({"market_overlap": 4, "product_strength": 1}).level is ThreatLevel.LOW
    assert (
        threat_score({"market_overlap": 4, "product_strength": 1, "momentum": 1}).level
        is ThreatLevel.MEDIUM
    )
    top = {key: 5 for key in CRITERION_KEYS}
    assert threat_score(top).value == pytest.approx(100.0)


@pytest.mark.parametrize("bad", [-1, 6, 2.5, "three", True, None, "9"])
def test_a_score_outside_zero_to_five_is_refused_naming_the_criterion(bad):
    with pytest.raises(ValidationError) as refused:
        threat_score({"momentum": bad})
    assert refused.value.field == "momentum"


def test_an_unknown_criterion_is_refused():
    with pytest.raises(ValidationError, match="not a threat criterion"):
        threat_score({"charisma": 3})
    assert check_criterion_score("momentum", " 4 ") == 4
    assert check_criterion_score("momentum", 3.0) == 3


@given(st.fixed_dictionaries({key: st.integers(0, 5) for key in CRITERION_KEYS}))
def test_a_threat_score_is_the_sum_of_its_parts_within_0_and_100(scores):
    score = threat_score(scores)
    assert 0 <= score.value <= 100 + 1e-9
    assert score.value == pytest.approx(sum(p.points for p in score.parts))
    raised = dict(scores)
    key = next((k for k, v in scores.items() if v < 5), None)
    if key is not None:  # one more point on any criterion never lowers the threat
        raised[key] += 1
        assert threat_score(raised).value > score.value


# -- comparison matrix ------------------------------------------------------------------------


def test_a_cell_is_stale_after_the_set_age():
    today = D(2026, 7, 1)
    assert STALE_DAYS == 180
    assert not is_stale(today - dt.timedelta(days=180), today)
    assert is_stale(today - dt.timedelta(days=181), today)
    assert is_stale(None, today)  # never checked
    assert not is_stale(D(2026, 6, 1), today, max_age_days=30)
    assert is_stale(D(2026, 5, 31), today, max_age_days=30)
    with pytest.raises(ValidationError):
        is_stale(today, today, max_age_days=-1)


def test_levels_have_labels_and_coverage_leaves_unknown_out():
    assert [level.label for level in CellLevel] == ["Full", "Partial", "None", "Unknown"]
    assert CellLevel.from_label("partial") is CellLevel.PARTIAL
    levels = [CellLevel.FULL, CellLevel.PARTIAL, CellLevel.NONE, CellLevel.UNKNOWN]
    assert coverage(levels) == pytest.approx(0.5)  # (1 + ½ + 0) / 3
    assert coverage([CellLevel.UNKNOWN]) is None
    assert coverage([]) is None


# -- enumerations and tags --------------------------------------------------------------------


def test_signal_kinds_and_sources_read_as_people_write_them():
    assert SignalKind.WIN_LOSS.label == "Win/loss"
    assert SignalKind.from_label("win/loss") is SignalKind.WIN_LOSS
    assert SignalKind.TECHNOLOGY_TREND.label == "Technology trend"
    assert FeedbackSource.from_label("Support ticket") is FeedbackSource.SUPPORT_TICKET
    assert [i.rank for i in Importance] == [4, 3, 2, 1]


def test_tags_are_trimmed_and_kept_once_in_the_order_given():
    assert parse_tags(" pricing, EU;  eu ,, Pricing; new  market ") == (
        "pricing",
        "EU",
        "new market",
    )
    assert parse_tags(["a", " A ", "😀"]) == ("a", "😀")
    assert parse_tags("") == ()


# -- demand -------------------------------------------------------------------------------------


def test_demand_counts_each_customer_once_and_their_revenue_once():
    items = [
        DemandItem("Acme", Decimal("1000"), "Need it", Importance.MEDIUM, D(2026, 1, 1), 1),
        DemandItem(" ACME ", Decimal("1500.50"), "", Importance.LOW, D(2026, 1, 2), 2),
        DemandItem("Globex", Decimal("0.1"), "Now!", Importance.CRITICAL, D(2025, 6, 1), 3),
        DemandItem("Initech", None, "Later", Importance.MEDIUM, D(2026, 2, 1), 4),
        DemandItem("", Decimal("99"), "Anonymous", Importance.HIGH, D(2026, 3, 1), 5),
    ]
    found = demand(items)
    assert found.customers == 3  # Acme (twice), Globex, Initech; the anonymous one is nobody's
    assert found.revenue == Decimal("1500.60")  # Acme at its larger figure + Globex + nothing
    assert found.items == 5
    # by importance, then the newest first; the quote-less one is not a quote
    assert [q.feedback_id for q in found.quotes] == [3, 5, 4]
    assert found.rice_reach == 3
    assert [q.feedback_id for q in demand(items, quotes=10).quotes] == [3, 5, 4, 1]
    assert demand([]).customers == 0 and demand([]).revenue == Decimal(0)


def test_customer_names_fold_case_and_spacing():
    assert customer_key("  Acme   Ltd ") == customer_key("ACME ltd") == "acme ltd"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Acme", "acme", "Globex", "", "Ünïcödé"]),
            st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
        ),
        max_size=12,
    )
)
def test_demand_never_counts_a_customer_twice(pairs):
    found = demand(DemandItem(name, revenue) for name, revenue in pairs)
    names = {customer_key(n) for n, _ in pairs if customer_key(n)}
    assert found.customers == len(names)
    assert found.revenue == sum(
        (max(r for n2, r in pairs if customer_key(n2) == key) for key in names), Decimal(0)
    )


# -- win/loss -----------------------------------------------------------------------------------


def test_win_loss_is_summarised_per_competitor():
    records = [
        DealRecord(1, DealOutcome.WON, "Better support", Decimal("100")),
        DealRecord(1, DealOutcome.LOST, "Price", Decimal("250.50")),
        DealRecord(1, DealOutcome.LOST, " price ", None),
        DealRecord(1, DealOutcome.NO_DECISION, "Budget frozen"),
        DealRecord(2, DealOutcome.WON, ""),
    ]
    summary = win_loss_summary(records)
    first = summary[1]
    assert (first.won, first.lost, first.no_decision, first.deals) == (1, 2, 1, 4)
    assert first.win_rate == pytest.approx(1 / 3)  # undecided deals are left out
    assert first.value_won == Decimal("100") and first.value_lost == Decimal("250.50")
    # most given first, ties by name; "Price" and " price " are one reason, first spelling shown
    assert first.top_reasons == (("Price", 2), ("Better support", 1), ("Budget frozen", 1))
    assert first.loss_reasons == (("Price", 2),)
    assert first.win_reasons == (("Better support", 1),)
    assert win_loss_summary(records, top=1)[1].top_reasons == (("Price", 2),)
    assert summary[2].win_rate == 1.0 and summary[2].top_reasons == ()
    only_open = win_loss_summary([DealRecord(3, DealOutcome.NO_DECISION)])
    assert only_open[3].win_rate is None


# -- positioning --------------------------------------------------------------------------------


def test_positioning_places_what_has_both_values_and_names_the_rest():
    rival = PositionEntry(
        "Rival",
        competitor_axis_values(
            {"market_overlap": 5, "price_pressure": 4}, [CellLevel.FULL, CellLevel.NONE]
        ),
        Decimal("0.25"),
        competitor_id=7,
    )
    ours = PositionEntry("Atlas", our_axis_values([CellLevel.FULL]), ours=True)
    assert ours.values == {"price_index": 100.0, "capability": 100.0}
    points, left_out = positioning([ours, rival], "capability", "price_pressure")
    assert left_out == ["Atlas"]  # our product has no price pressure on itself
    [point] = points
    assert (point.label, point.x, point.y, point.bubble) == ("Rival", 50.0, 4.0, Decimal("0.25"))
    points, left_out = positioning([ours, rival], "capability", "capability")
    assert [p.label for p in points] == ["Atlas", "Rival"] and left_out == []
    assert set(AXIS_KEYS) >= set(CRITERION_KEYS) | {"threat", "capability", "price_index"}
    priced = PositionEntry("Cheap", competitor_axis_values({}, [CellLevel.PARTIAL], 80), None)
    points, left_out = positioning([ours, rival, priced], "price_index", "capability")
    assert [(p.label, p.x, p.y) for p in points] == [("Atlas", 100.0, 100.0), ("Cheap", 80.0, 50.0)]
    assert left_out == ["Rival"]  # its price is not known
    with pytest.raises(ValidationError, match="Axis"):
        positioning([rival], "charm", "threat")


def test_a_market_share_is_a_fraction():
    assert check_share(Decimal("0.125")) == Decimal("0.125")
    assert check_share(None) is None
    with pytest.raises(ValidationError, match="Market share"):
        check_share(Decimal("1.01"))
