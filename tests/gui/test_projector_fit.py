"""What the lifecycle view shows on a projector fits the projector: the stage chevrons' words
shrink to fit before they are cut, and the curve's date axis has its room from the first
paint (it no longer grows, and the plot moves, once it has painted).

Through the window as a person uses it (View ▸ Present), on the demo and on a new
workspace, and the chevrons on the 1366 × 768 screen of a laptop driving a projector.
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from tests.gui.windows import PaintCount, demo_or_new, exposed, open_main_window, shown_for

from pmdesk.core.enums import Stage
from pmdesk.gui.lifecycle.timeline import MIN_FIT, StageStay, StageTimeline
from pmdesk.gui.widgets.fonts import scaled
from pmdesk.gui.workshop.theme import PresentationTheme

PRODUCTS = {"demo": "Pulse Cloud", "new": "Widget"}


def whole_or_at_the_floor(timeline: StageTimeline) -> list[str]:
    """The chevrons' texts cut with an ellipsis while their type could still have shrunk."""
    floor = scaled(QFont(timeline.font()), MIN_FIT)
    floor_px = QFontMetricsF(floor).height()
    return [
        line.text
        for line in timeline.lines()
        if line.text.endswith("…") and QFontMetricsF(line.font).height() > floor_px + 0.5
    ]


def curve_place(view) -> tuple[int, QRectF]:
    axis = view.curve.plotItem.getAxis("bottom")
    return round(axis.geometry().height()), view.curve.plotItem.vb.sceneBoundingRect()


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_presented_lifecycle_fits_from_its_first_paint(qtbot, demo_template, tmp_path, kind):
    window = open_main_window(qtbot, demo_or_new(kind, demo_template, tmp_path), view="lifecycle")
    view = shown_for(qtbot, window, "lifecycle", PRODUCTS[kind])
    painted = PaintCount(view.curve.viewport())
    window.menu_actions.present.trigger()  # View ▸ Present
    shown = exposed(qtbot, window.presentation)
    assert view.timeline.font().pixelSize() > 0  # the projector's type (in pixels) reached it
    assert whole_or_at_the_floor(view.timeline) == []
    if kind == "new":  # no values yet: the next step is said, no empty axes are drawn
        assert view.curve_hint.isVisible() and not view.curve.isVisible()
        window.stop_presentation()
        return
    qtbot.waitUntil(lambda: painted.count >= 1)
    first = curve_place(view)
    shown.grab()  # painted again, as the next frame on the projector is
    qtbot.waitUntil(lambda: painted.count >= 2)
    assert curve_place(view) == first, "the presented curve moved after its first paint"
    # The dates along the bottom have a line of the (large) type.
    room, _ = first
    assert room >= QFontMetricsF(view.curve.font()).height()
    window.stop_presentation()


DEMO_STAYS = (
    [  # Pulse Cloud's, as the demo has them
        StageStay(Stage.INNOVATION, dt.date(2025, 4, 7), dt.date(2025, 8, 13), 128, 1),
        StageStay(Stage.ANALYSIS, dt.date(2025, 8, 13), dt.date(2026, 6, 3), 294, 1),
        StageStay(Stage.DEVELOPMENT, dt.date(2026, 6, 3), None, 184, 1),
    ]
    + [StageStay(stage) for stage in list(Stage)[3:]]
)
NEW_STAYS = [StageStay(stage) for stage in Stage]  # a product made today, no dates recorded


@pytest.mark.parametrize("stays", [DEMO_STAYS, NEW_STAYS], ids=["demo", "new"])
def test_chevrons_on_a_laptop_projector_show_every_word(qtbot, stays):
    """1366 × 768, the presentation's type for that screen: nothing cut, "Development" whole."""
    timeline = StageTimeline()
    qtbot.addWidget(timeline)
    font = QFont(timeline.font())
    font.setPixelSize(PresentationTheme.for_screen(768).body_px)
    timeline.setFont(font)
    timeline.resize(1366 - 2 * 12, timeline.sizeHint().height())
    current = Stage.DEVELOPMENT if stays is DEMO_STAYS else Stage.INNOVATION
    timeline.set_data(stays, current)
    lines = timeline.lines()
    assert [line.text for line in lines if line.text.endswith("…")] == []
    for line in lines:
        assert QFontMetricsF(line.font).horizontalAdvance(line.text) <= line.area.width()
    assert {stage.label for stage in Stage} <= {line.text for line in lines}
    bold, plain = timeline.fonts()
    assert plain.pixelSize() < font.pixelSize(), "at this width the type had to shrink"
    assert plain.pixelSize() >= round(font.pixelSize() * MIN_FIT)


def test_chevrons_keep_the_views_type_where_it_fits_and_cut_below_the_floor(qtbot):
    timeline = StageTimeline()
    qtbot.addWidget(timeline)
    timeline.set_data(DEMO_STAYS, Stage.DEVELOPMENT)
    timeline.resize(1180, timeline.sizeHint().height())  # the desk window's, at 1400 wide
    bold, plain = timeline.fonts()
    assert plain == timeline.font() and bold.bold()
    timeline.resize(timeline.minimumSizeHint().width(), timeline.sizeHint().height())
    bold, plain = timeline.fonts()
    assert plain == scaled(timeline.font(), MIN_FIT)  # no smaller than the floor ...
    assert any(line.text.endswith("…") for line in timeline.lines())  # ... then words are cut
