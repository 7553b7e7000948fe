"""Pure domain rules: no Qt, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.enums import ItemKind, MoSCoW, Quadrant, Stage
from pmdesk.core.errors import ValidationError
from pmdesk.core.scoring import rice
from pmdesk.core.stakeholders import quadrant
from pmdesk.core.validation import RULES


def test_end_before_start_names_both_dates():
    fields = {"name": "Beta", "start_date": dt.date(2027, 2, 1), "end_date": dt.date(2027, 1, 3)}
    with pytest.raises(ValidationError) as err:
        RULES["roadmap_item"](fields)
    assert err.value.field == "end date"
    assert "2027-01-03 is before the start date 2027-02-01" in str(err.value)


def test_milestone_ends_the_day_it_starts():
    fields = {
        "name": "GA",
        "kind": ItemKind.MILESTONE,
        "start_date": dt.date(2027, 3, 1),
        "end_date": dt.date(2027, 4, 1),
    }
    RULES["roadmap_item"](fields)
    assert fields["end_date"] == dt.date(2027, 3, 1)


@pytest.mark.parametrize("name", ["", "   ", None])
def test_blank_names_are_refused(name):
    with pytest.raises(ValidationError, match="cannot be empty"):
        RULES["product"]({"name": name})


@pytest.mark.parametrize(("field", "value"), [("power", 10.5), ("interest", -1), ("importance", 0)])
def test_stakeholder_ranges(field, value):
    fields = {"name": "Ana", "power": 5, "interest": 5, "importance": 3, field: value}
    with pytest.raises(ValidationError) as err:
        RULES["stakeholder"](fields)
    assert err.value.field == field


def test_requirement_zero_effort_is_refused_with_reason():
    with pytest.raises(ValidationError, match="more than zero"):
        RULES["requirement"]({"title": "Export", "effort": 0, "impact": 1, "confidence": 50})


def test_requirement_impact_must_be_on_the_scale():
    with pytest.raises(ValidationError, match="not on the scale"):
        RULES["requirement"]({"title": "Export", "effort": 1, "impact": 1.5, "confidence": 50})


def test_rice_parts_and_score():
    score = rice(reach=1000, impact=2, confidence=80, effort=4)
    assert score.value == pytest.approx(1600)
    assert score.score == pytest.approx(400)
    assert "1000 reach × 2 impact × 80% confidence ÷ 4 person-months = 400.0" == score.explain()


def test_rice_refuses_zero_effort():
    with pytest.raises(ValidationError, match="Effort: must be more than zero"):
        rice(reach=10, impact=1, confidence=50, effort=0)


@pytest.mark.parametrize(
    ("power", "interest", "expected"),
    [
        (10, 10, Quadrant.MANAGE_CLOSELY),
        (5, 5, Quadrant.MANAGE_CLOSELY),  # the midline counts as high
        (5, 4.99, Quadrant.KEEP_SATISFIED),
        (4.99, 5, Quadrant.KEEP_INFORMED),
        (0, 0, Quadrant.MONITOR),
        (4.99, 4.99, Quadrant.MONITOR),  # just under the midline on both axes
        (10, 0, Quadrant.KEEP_SATISFIED),  # the grid's corners
        (0, 10, Quadrant.KEEP_INFORMED),
        (5, 0, Quadrant.KEEP_SATISFIED),  # on one midline, at the edge of the other axis
        (0, 5, Quadrant.KEEP_INFORMED),
    ],
)
def test_quadrant_boundaries(power, interest, expected):
    assert quadrant(power, interest) is expected


def test_enum_labels_round_trip():
    assert Stage.GO_TO_MARKET.label == "Go-to-Market"
    assert Stage.from_label("go-to-market") is Stage.GO_TO_MARKET
    assert Stage.from_label("in_life") is Stage.IN_LIFE
    assert MoSCoW.from_label("Won't have") is MoSCoW.WONT
    assert Stage.INNOVATION.next() is Stage.ANALYSIS and Stage.END_OF_LIFE.next() is None
    with pytest.raises(ValueError, match="not one of"):
        Stage.from_label("Retired")
