"""Every view draws a portfolio whose dates and amounts sit at the edges of what is accepted.

Year 0001 used to break the roadmap view and 1e308 the charts; the store now keeps every
value within ``core.validation``'s bounds, and at those bounds every view must paint
(a 300-year roadmap fitted to the window, trillion-sized amounts, the longest names).
"""

from __future__ import annotations

import shutil

import pytest
from tests.gui.windows import open_main_window

from pmdesk.gui.views import VIEWS
from pmdesk.store.services import PortfolioService


@pytest.fixture
def window(qtbot, tmp_path, at_the_bounds):
    path = tmp_path / "bounds.pmdesk"
    shutil.copyfile(at_the_bounds, path)
    win = open_main_window(qtbot, path, (1366, 768))
    yield win
    win.close()


@pytest.mark.parametrize("product", ["Pulse Cloud", "the long-named one"])
def test_every_view_paints_at_the_bounds(window, qtbot, product):
    products = window.ctx.service(PortfolioService).list_products()
    chosen = next(p for p in products if (p.name == "Pulse Cloud") == (product == "Pulse Cloud"))
    window.product_selector.select(chosen.id)
    for spec in VIEWS:
        window.view_host.show_view(spec.key)
        view = window.view_host.current_view()
        assert view.product_id == chosen.id or spec.key == "portfolio"
        image = view.grab()  # paints every visible child: an exception fails the test
        assert not image.isNull()
    window.view_host.show_view("roadmap")
    roadmap = window.view_host.current_view()
    roadmap.chart.setFocus()
    qtbot.keyClick(roadmap.chart, "F")  # fit three centuries into the window
    assert not roadmap.grab().isNull()
