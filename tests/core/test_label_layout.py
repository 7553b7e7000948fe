"""Label placement: names avoid each other, tokens and obstacles, or collapse into a count."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from pmdesk.core.label_layout import Box, LabelRequest, candidate_boxes, cluster, layout_labels

BOUNDS = Box(0, 0, 400, 300)


def _request(key, x, y, width=60, height=14, radius=6):
    return LabelRequest(key, x, y, radius, width, height)


def test_a_lone_label_goes_to_the_right_of_its_token():
    layout = layout_labels([_request("a", 100, 100)], BOUNDS, gap=3)
    assert layout.placed["a"] == Box(109, 93, 169, 107)
    assert not layout.badges


def test_a_label_at_the_right_edge_goes_left_and_one_in_a_corner_stays_inside():
    layout = layout_labels([_request("a", 395, 150), _request("b", 395, 295)], BOUNDS)
    assert layout.placed["a"].x1 <= 395 - 6
    assert layout.placed["b"].inside(BOUNDS)


def test_labels_avoid_obstacles():
    wall = Box(100, 80, 200, 120)
    layout = layout_labels([_request("a", 90, 100)], BOUNDS, obstacles=[wall])
    assert not layout.placed["a"].overlaps(wall)


def test_crowded_tokens_collapse_into_one_count_badge():
    crowd = [_request(n, 200 + n % 3, 150 + n // 3, width=120) for n in range(12)]
    layout = layout_labels(crowd, BOUNDS)
    assert 0 < len(layout.placed) < 12
    assert len(layout.badges) == 1
    badge = layout.badges[0]
    assert set(badge.keys) == set(range(12)) - set(layout.placed)
    assert badge.text == f"+{len(badge.keys)}"


def test_clusters_join_neighbours_of_neighbours_only():
    chain = [_request(k, x, 50, radius=2) for k, x in (("a", 0), ("b", 10), ("c", 20), ("d", 90))]
    groups = cluster(chain, distance=8)
    assert [[r.key for r in g] for g in groups] == [["a", "b", "c"], ["d"]]


def test_candidates_never_cover_their_own_token():
    token = _request("a", 50, 50, radius=10).token_box
    for box in candidate_boxes(50, 50, 10, 30, 12, gap=0):
        assert not box.overlaps(token)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=10_000))
def test_every_name_is_shown_once_and_placed_names_never_collide(count, seed):
    rng = random.Random(seed)
    requests = [
        _request(
            n,
            rng.uniform(0, 400),
            rng.uniform(0, 300),
            rng.uniform(20, 110),
            14,
            rng.uniform(4, 12),
        )
        for n in range(count)
    ]
    layout = layout_labels(requests, BOUNDS)
    shown = list(layout.placed) + [k for badge in layout.badges for k in badge.keys]
    assert sorted(shown) == list(range(count))
    boxes = list(layout.placed.values())
    tokens = [r.token_box for r in requests]
    for i, box in enumerate(boxes):
        assert box.inside(BOUNDS)
        assert not any(box.overlaps(other) for other in boxes[i + 1 :])
        assert not any(box.overlaps(token) for token in tokens)


def test_a_short_form_is_tried_before_a_name_collapses():
    wall = Box(0, 0, 400, 96)  # only a narrow gap under the token is free
    floor = Box(0, 120, 400, 300)
    sides = [Box(0, 96, 80, 120), Box(180, 96, 400, 120)]
    request = LabelRequest("a", 130, 100, 3, 120, 14, short_width=40)
    layout = layout_labels([request], BOUNDS, obstacles=[wall, floor, *sides])
    assert layout.shortened == {"a"} and layout.placed["a"].width == 40
    without = layout_labels(
        [LabelRequest("a", 130, 100, 3, 120, 14)], BOUNDS, obstacles=[wall, floor, *sides]
    )
    assert not without.placed and without.badges[0].keys == ("a",)
