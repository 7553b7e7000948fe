"""The roadmap's time scale always says which year it is: on a projector of any size (the
years above the quarters when a quarter is too narrow to name its own), and on a screen
(the first period shown and each January say their year when their tier's names do not)."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import pytest
from PySide6.QtWidgets import QApplication
from tests.gui.windows import exposed

from pmdesk.gui.context import AppContext
from pmdesk.gui.gantt.headers import UPPER_PADDING, TimeHeader
from pmdesk.gui.views.roadmap import RoadmapView
from pmdesk.gui.workshop.theme import PresentationTheme
from pmdesk.store.services import PortfolioService, RoadmapService

D = dt.date
MONTHS = set(calendar.month_abbr[1:])


def _names(text: str, year: int) -> bool:
    return str(year) in text or f"’{year % 100:02d}" in text


def _years_on_screen(header: TimeHeader) -> set[int]:
    first, last = header.day_at(0), header.day_at(header.width() - 1)
    return set(range(first.year, last.year + 1))


def _years_with_room(header: TimeHeader) -> set[int]:
    """The years on screen wide enough there for their name in the upper tier's type."""
    first, last = header.day_at(0), header.day_at(header.width() - 1)
    fonts, ppd = header.view.chart.painter.fonts, header.view.chart.scale.px_per_day
    room = fonts.bold_width("2026") + 2 * UPPER_PADDING
    return {
        year
        for year in range(first.year, last.year + 1)
        if ((min(last, D(year, 12, 31)) - max(first, D(year, 1, 1))).days + 1) * ppd >= room
    }


def _pulse_cloud(ctx) -> int:
    return ctx.workspace.service(PortfolioService).product_by_name("Pulse Cloud").id


def _shown(qtbot, ctx, product_id: int, width: int, height: int, text_px: int | None):
    """The product's roadmap on screen at this size, in text of ``text_px`` (None: the
    system's)."""
    view = RoadmapView(ctx)
    qtbot.addWidget(view)
    if text_px is not None:
        font = view.font()
        font.setPixelSize(text_px)
        view.setFont(font)
    view.set_product(product_id)
    view.resize(width, height)
    view.show()
    exposed(qtbot, view)
    return view


@pytest.mark.parametrize("width, height", [(800, 600), (1024, 768), (1920, 1080)])
def test_a_projector_of_any_size_names_every_year_it_shows(qtbot, demo_ctx, width, height):
    """Presented as the presentation window does it (its type for the screen's height, then
    the view's hook and Fit), the scale's upper tier names each year on screen."""
    theme = PresentationTheme.for_screen(height)
    view = _shown(qtbot, demo_ctx, _pulse_cloud(demo_ctx), width, height, theme.body_px)
    view.set_presentation(theme)
    QApplication.processEvents()
    view.chart._fit_for_room()  # noqa: SLF001 - what the presentation does once shown
    QApplication.processEvents()
    header = view.chart.time_header
    header.grab()  # painted, so it records what it drew
    upper, lower = header.tiers()
    painted = header.painted
    years = _years_on_screen(header)
    assert len(_years_with_room(header)) >= 2
    for year in _years_with_room(header):  # every year on screen, named above its periods
        assert any(_names(text, year) for text in painted), (year, painted)
    if upper == "year":  # the quarters below do not repeat it
        assert lower == "quarter"
        assert all(text.startswith("Q") and len(text) == 2 for text in painted if "Q" in text)
    assert not any(text.count(str(year)) > 1 for text in painted for year in years)


@pytest.mark.parametrize("text_px", [None, 18])  # the system's type, and a larger one
@pytest.mark.parametrize("zoom", [0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 2.0, 4.0, 12.0, 40.0])
def test_a_laptop_screen_names_every_year_it_shows_at_every_zoom(qtbot, demo_ctx, zoom, text_px):
    view = _shown(qtbot, demo_ctx, _pulse_cloud(demo_ctx), 1366, 700, text_px)
    qtbot.waitUntil(lambda: not view.chart._needs_first_view)  # noqa: SLF001 - its first Fit
    view.chart.view.set_zoom(zoom)
    assert view.chart.scene.scale.px_per_day == zoom
    QApplication.processEvents()
    header = view.chart.time_header
    header.grab()
    painted = header.painted
    for year in _years_with_room(header):  # a sliver at an edge: no name cut to "202"
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


@pytest.mark.parametrize("zoom", [0.3, 0.5, 2.0, 40.0])
def test_a_new_plan_at_both_ends_of_the_calendar_names_its_years(qtbot, workspace, zoom):
    """A new, empty workspace given a product whose items sit in 1900 and in 2199 (the
    years a file may hold): scrolled to either end, the scale names every year it shows."""
    product = workspace.service(PortfolioService).create_product(name="Far out")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Long view", sort_order=0)
    for name, start, end in [
        ("Founding", D(1900, 1, 3), D(1900, 2, 1)),
        ("Sunset", D(2199, 11, 1), D(2199, 12, 31)),
    ]:
        roadmap.items.create(
            product_id=product.id, lane_id=lane.id, name=name, start_date=start, end_date=end
        )
    ctx = AppContext(workspace)
    view = _shown(qtbot, ctx, product.id, 1366, 700, None)
    qtbot.waitUntil(lambda: not view.chart._needs_first_view)  # noqa: SLF001 - its first Fit
    view.chart.view.set_zoom(zoom)
    header = view.chart.time_header
    for day in (D(1900, 1, 3), D(2199, 11, 1)):
        view.chart.view.scroll_to_day(day, margin=40)
        QApplication.processEvents()
        header.grab()
        assert day.year in _years_on_screen(header)
        for year in _years_with_room(header):  # a sliver of 1899 left of the plan: too narrow
            assert any(_names(text, year) for text in header.painted), (zoom, year)
    ctx.close()


def test_a_quarter_scrolled_partly_out_takes_a_shorter_name(qtbot, workspace):
    """Dragged left, a quarter's name stays at the edge while its period shows: "Q3 2026",
    then "Q3 ’26", then "Q3" as less of it is left, where it used to vanish at once."""
    product = workspace.service(PortfolioService).create_product(name="Scrolled")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Plan", sort_order=0)
    roadmap.items.create(
        product_id=product.id, lane_id=lane.id, name="Year", start_date=D(2026, 1, 5),
        end_date=D(2029, 12, 17),
    )  # fmt: skip
    ctx = AppContext(workspace)
    view = _shown(qtbot, ctx, product.id, 1366, 700, None)
    qtbot.waitUntil(lambda: not view.chart._needs_first_view)  # noqa: SLF001 - its first Fit
    view.chart.view.set_zoom(1.0)
    header = view.chart.time_header
    assert header.tiers()[0] == "quarter"
    bar = view.chart.view.horizontalScrollBar()
    scale = view.chart.scene.scale
    start, end = scale.x(D(2026, 7, 1)), scale.x(D(2026, 10, 1))
    seen = []
    for step in range(0, int(end - start), 3):
        bar.setValue(round(start + step))
        QApplication.processEvents()
        header.grab()
        first = next(text for text in header.painted if text.startswith("Q"))
        if "Q3" in first and first not in seen:
            seen.append(first)
    assert seen[0] == "Q3 2026" and seen[-1] == "Q3" and len(seen) >= 3, seen
    ctx.close()


@pytest.mark.parametrize("width, height", [(800, 600), (1024, 768), (1366, 768)])
def test_no_period_name_is_cut_by_either_edge(qtbot, demo_ctx, width, height):
    """Presented, and on a laptop at zooms out and in, dragged a little at a time: every
    name the scale shows lies whole inside it (a year at the right edge read "202")."""
    theme = PresentationTheme.for_screen(height)
    view = _shown(qtbot, demo_ctx, _pulse_cloud(demo_ctx), width, height, theme.body_px)
    view.set_presentation(theme)
    QApplication.processEvents()
    view.chart._fit_for_room()  # noqa: SLF001 - what the presentation does once shown
    header = view.chart.time_header
    bar = view.chart.view.horizontalScrollBar()
    for zoom in (None, 0.3, 1.0, 4.0):
        if zoom is not None:
            view.chart.view.set_zoom(zoom)
        for value in range(bar.minimum(), bar.maximum() + 1, max(1, bar.maximum() // 12)):
            bar.setValue(value)
            QApplication.processEvents()
            header.grab()
            assert header.spans and len(header.spans) == len(header.painted) - (
                "Today" in header.painted
            )
            for (left, right), text in zip(header.spans, header.painted, strict=False):
                assert 0 <= left and right <= header.width(), (zoom, value, text, left, right)
