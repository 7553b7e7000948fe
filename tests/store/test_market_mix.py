"""The marketing mix of a product as MarketService reads it: the canvas, the launch plan, the
business case's price points and the backlog, the one reading the commercial specification
prints and the Market view's Marketing mix tab shows."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.enums import CanvasTemplate, RequirementStatus
from pmdesk.core.errors import NotFoundError
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    CanvasService,
    LaunchService,
    PortfolioService,
    RequirementService,
)
from pmdesk.store.services.market import MarketService, text_lines
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 3, 16)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    ws = Workspace.open(create_demo(tmp_path_factory.mktemp("d") / "d.pmdesk", today=TODAY))
    yield ws
    ws.close()


def test_the_demo_mix_reads_every_source(demo):
    pulse = demo.service(PortfolioService).product_by_name("Pulse Cloud")
    mix = demo.service(MarketService).marketing_mix(pulse.id, TODAY)
    assert mix.tagline == pulse.tagline
    assert mix.features_from_canvas and "Faster setup < 5 min 🚀" in mix.features
    assert mix.launch_id is not None and mix.launch_name == "Pulse Cloud 1.0 launch"
    launch = demo.service(LaunchService).launches.get(mix.launch_id)
    assert list(mix.channels) == text_lines(launch.channels) and mix.channels_from_launch
    assert [m.id for m in mix.messages] == [
        m.id for m in demo.service(LaunchService).messages_of(launch.id)
    ]
    assert len(mix.price_points) == 4 and mix.currency == "EUR"
    assert mix.board_id is not None
    board = demo.service(CanvasService).boards.get(mix.board_id)
    assert board.template is CanvasTemplate.PRODUCT_CANVAS
    # a text on two boards is read once, the product canvas's first
    texts = mix.texts("channels")
    assert len(texts) == len(set(texts)) and mix.notes("channels")[0].board_id == mix.board_id
    assert not mix.empty


def test_a_new_product_has_an_empty_mix_then_each_source_fills_it(tmp_path):
    ws = Workspace.create(tmp_path / "new.pmdesk", name="New")
    try:
        pid = ws.service(PortfolioService).create_product(name="Solo").id
        market = ws.service(MarketService)
        mix = market.marketing_mix(pid, TODAY)
        assert mix.empty and mix.board_id is None and mix.launch_id is None
        assert mix.features == [] and mix.channels == [] and mix.price_points == ()
        done = ws.service(RequirementService).requirements.create(
            product_id=pid, title="Alerts", status=RequirementStatus.DONE
        )
        mix = market.marketing_mix(pid, TODAY)
        assert mix.features == ["Alerts"] and not mix.features_from_canvas
        assert mix.delivered == ((done.id, "Alerts"),)
        launches = ws.service(LaunchService)
        old = launches.create_launch(pid, "Old", TODAY - dt.timedelta(days=9))
        launches.launches.update(old.id, channels="- Web\n\n* Partners ")
        assert market.marketing_mix(pid, TODAY).launch_channels == ("Web", "Partners")
        new = launches.create_launch(pid, "Next", TODAY + dt.timedelta(days=9))
        assert market.marketing_mix(pid, TODAY).launch_id == new.id  # the next one to come
        assert market.marketing_mix(pid, TODAY + dt.timedelta(days=30)).launch_id == new.id
        with pytest.raises(NotFoundError):
            market.marketing_mix(pid + 99)
    finally:
        ws.close()
