"""The roadmap's time scale always says which year it is: on a projector of any size (the
years above the quarters when a quarter is too narrow to name its own), and on a screen
(the first period shown and each January say their year when their tier's names do not)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pytest
from PySide6.QtWidgets import QApplication

from pmdesk.gui.gantt.headers import TimeHeader
from pmdesk.gui.views.roadmap import RoadmapView
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.services import PortfolioService

D = dt.date
MONTHS = set(calendar.month_abbr[1:])


def _names(text: str, year: int) -> bool:
    return str(year) in text or f"’{year % 100:02d}" in text


def _years_on_screen(header: TimeHeader) -> set[int]:
    first, last = header.day_at(0), header.day_at(header.width() - 1)
    return set(range(first.year, last.year + 1))


@pytest.mark.parametrize("width, height", [(800, 600), (1024, 768), (1920, 1080)])
def test_a_projector_of_any_size_names_every_year_it_shows(qtbot, demo_ctx, width, height):
    """Presented as the presentation window does it (its type for the screen's height, then
    the view's hook and Fit), the scale's upper tier names each year on screen."""
    view = RoadmapView(demo_ctx)
    qtbot.addWidget(view)
    product = demo_ctx.workspace.service(PortfolioService).product_by_name("Pulse Cloud")
    view.set_product(product.id)
    theme = PresentationTheme.for_screen(height)
    font = view.font()
    font.setPixelSize(theme.body_px)
    view.setFont(font)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    view.set_presentation(theme)
    QApplication.processEvents()
    view.chart._fit_for_room()  # noqa: SLF001 - what the presentation does once shown
    QApplication.processEvents()
    header = view.chart.time_header
    header.grab()  # painted, so it records what it drew
    upper, lower = header.tiers()
    painted = header.painted
    years = _years_on_screen(header)
    assert len(years) >= 2
    for year in years:  # every year on screen, named above its periods
        assert any(_names(text, year) for text in painted), (year, painted)
    if upper == "year":  # the quarters below do not repeat it
        assert lower == "quarter"
        assert all(text.startswith("Q") and len(text) == 2 for text in painted if "Q" in text)
    assert not any(text.count(str(year)) > 1 for text in painted for year in years)


@pytest.mark.parametrize("text_px", [None, 18])  # the system's type, and a larger one
@pytest.mark.parametrize("zoom", [0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 2.0, 4.0, 12.0, 40.0])
def test_a_laptop_screen_names_every_year_it_shows_at_every_zoom(qtbot, demo_ctx, zoom, text_px):
    view = RoadmapView(demo_ctx)
    qtbot.addWidget(view)
    if text_px is not None:
        font = view.font()
        font.setPixelSize(text_px)
        view.setFont(font)
    product = demo_ctx.workspace.service(PortfolioService).product_by_name("Pulse Cloud")
    view.set_product(product.id)
    view.resize(1366, 700)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: not view.chart._needs_first_view)  # noqa: SLF001 - its first Fit
    view.chart.view.set_zoom(zoom)
    assert view.chart.scene.scale.px_per_day == zoom
    QApplication.processEvents()
    header = view.chart.time_header
    header.grab()
    painted = header.painted
    for year in _years_on_screen(header):
        assert any(_names(text, year) for text in painted), (zoom, year, painted)
    if header.tiers()[0] == "year":  # the quarters below do not repeat it
        assert all(len(text) == 2 for text in painted if text.startswith("Q")), painted
    if header.tiers() == ("quarter", "month") and any(
        _names(text, year)
        for text in painted
        if text.startswith("Q")
        for year in _years_on_screen(header)
    ):  # quarters that say their year: the months under them do not
        months = [text for text in painted if text[:3] in MONTHS]
        assert months and not any(re.search(r"\d", text) for text in months), painted
    assert not any(
        text.count(str(year)) + text.count(f"’{year % 100:02d}") > 1
        for text in painted
        for year in _years_on_screen(header)
    )
