"""The window on the demo portfolio: every view builds, shows the product's data, and follows edits."""

from __future__ import annotations

import pytest
from tests.gui.windows import open_main_window

from pmdesk.gui.views import VIEWS, BaseView
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService


@pytest.fixture
def window(qtbot, tmp_path):
    path = create_demo(tmp_path / "demo.pmdesk")
    win = open_main_window(qtbot, path, (1400, 850))
    yield win
    win.close()


def test_every_view_builds_on_the_demo(window, qtbot):
    for spec in VIEWS:
        window.view_host.show_view(spec.key)
        view = window.view_host.current_view()
        assert isinstance(view, BaseView), f"{spec.key} did not build: {view!r}"
        assert view.product_id is not None or spec.key == "portfolio"
        assert view.isVisible()


def test_renaming_a_product_undo_and_redo_reach_the_file(window, qtbot):
    ctx = window.ctx
    portfolio = ctx.service(PortfolioService)
    product = portfolio.product_by_name("Pulse Cloud")
    from pmdesk.gui.commands import UpdateCommand

    assert ctx.run(
        UpdateCommand(
            portfolio.products, product.id, {"name": "Pulse 2 & <Co> 🚀"}, "Rename product"
        )
    )
    assert window.product_selector.currentText() == "Pulse 2 & <Co> 🚀"
    window.menu_actions.undo.trigger()
    assert portfolio.products.get(product.id).name == "Pulse Cloud"
    window.menu_actions.redo.trigger()
    assert portfolio.products.get(product.id).name == "Pulse 2 & <Co> 🚀"


def test_roadmap_actions_join_the_view_menu(window):
    menu = window.menu_actions.roadmap_menu
    window.view_host.show_view("portfolio")
    menu.aboutToShow.emit()
    assert [a.isEnabled() for a in menu.actions()] == [False]
    window.view_host.show_view("roadmap")
    menu.aboutToShow.emit()
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert len(texts) >= 4 and all(a.isEnabled() for a in menu.actions())


def test_roadmap_presentation_grows_the_layout_with_the_text(window):
    from pmdesk.gui.workshop.theme import PresentationTheme

    window.view_host.show_view("roadmap")
    view = window.view_host.current_view()
    desk = view.chart.model.metrics.row_height
    view.tabs.setCurrentIndex(1)
    view.set_presentation(PresentationTheme(body_px=40, scale=1.0, min_body_px=28))
    assert view.tabs.currentWidget() is view.chart and not view.tabs.tabBar().isVisible()
    assert view.chart.toolbar.isHidden()
    # Rows grow to hold the 40 px text (and shrink no further, so every lane fits one screen).
    assert view.chart.model.metrics.bar_height >= 40
    assert view.chart.model.metrics.row_height > desk
    view.set_presentation(None)
    assert view.chart.model.metrics.row_height == desk
    assert view.tabs.currentIndex() == 1 and not view.chart.toolbar.isHidden()


@pytest.mark.parametrize("key", ["lifecycle", "requirements", "launch"])
def test_presenting_a_view_hides_its_editing_chrome(window, key):
    from PySide6.QtWidgets import QPushButton

    from pmdesk.gui.workshop.theme import PresentationTheme

    window.view_host.show_view(key)
    view = window.view_host.current_view()
    buttons = [b for b in view.findChildren(QPushButton) if b.isVisibleTo(view)]
    assert buttons
    view.set_presentation(PresentationTheme(body_px=40, scale=1.0, min_body_px=28))
    assert not any(b.isVisibleTo(view) for b in buttons)
    view.set_presentation(None)
    assert all(b.isVisibleTo(view) for b in buttons)
