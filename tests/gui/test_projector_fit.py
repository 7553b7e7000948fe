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
from tests.gui.windows import (
    PaintCount,
    demo_or_new,
    exposed,
    on_screens,
    open_main_window,
    shown_for,
)

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


LAPTOP = [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768}]
LONG = ("Ωmega نظام 🚀 " * 20)[:200]  # a stranger's name: the most a name holds, RTL and emoji

SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
app = QApplication([])
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.views import VIEWS
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

kind, folder, long = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
if kind == "demo":
    path = create_demo(folder / "demo.pmdesk")
else:
    path = folder / "new.pmdesk"
    name = long if kind == "long" else "Widget"
    with Workspace.create(path, name=long if kind == "long" else "New portfolio") as ws:
        ws.service(PortfolioService).create_product(name=name)
window = MainWindow(settings=Settings(), views=VIEWS)
window.resize(1366, 768)
window.show()
assert window.open_path(path)
for spec in VIEWS:  # at the desk, each view within the laptop's width
    window.view_host.show_view(spec.key)
    app.processEvents()
    print("desk", spec.key, window.minimumSizeHint().width(), window.width())
window.view_host.show_view(VIEWS[0].key)
window.menu_actions.present.trigger()  # View > Present
for spec in VIEWS:
    app.processEvents()
    shown = window.presentation
    print("projector", window._presented_key(), shown.width(), shown.screen().size().width())
    window.step_presentation(1)
window.stop_presentation()
window.close()
"""


@pytest.mark.parametrize("kind", ["demo", "new", "long"])
def test_every_view_presented_on_a_laptop_stays_on_its_screen(tmp_path, kind):
    """1366 × 768, each view presented in turn (as PageDown steps them): the presentation is
    as wide as the screen, no wider, and at the desk no view asks for more than the window.
    ``long``: a new workspace whose portfolio and product have names of 200 characters, the
    most a name holds (some 2,000 pixels of the desk's type)."""
    rows = [
        line.split() for line in on_screens(tmp_path, LAPTOP, SCRIPT, kind, str(tmp_path), LONG)
    ]
    desk = [(key, int(least)) for where, key, least, _width in rows if where == "desk"]
    projector = [
        (key, int(w), int(screen)) for where, key, w, screen in rows if where == "projector"
    ]
    assert len(desk) == len(projector) > 5
    assert [key for key, least in desk if least > 1366] == []
    assert [(key, width) for key, width, screen in projector if width != screen] == []
    assert {screen for _key, _width, screen in projector} == {1366}


def test_a_status_line_gives_way_cut_with_its_whole_text_in_tooltip_and_name(qtbot):
    from PySide6.QtWidgets import QHBoxLayout, QWidget

    from pmdesk.gui.views.common import heading, quiet

    row = QWidget()
    qtbot.addWidget(row)
    layout = QHBoxLayout(row)
    title = heading("Portfolio — Northwind Instruments portfolio")
    status = quiet("3 products · 1 flagged for elimination · " + LONG)
    layout.addWidget(title)
    layout.addStretch(1)
    layout.addWidget(status)
    assert row.minimumSizeHint().width() < 1000  # a 200-character name widens nothing
    row.resize(900, 60)
    row.show()
    qtbot.waitUntil(lambda: status.shown().endswith("…"))
    assert title.shown() == title.text()  # the title stays whole; the status line gives way
    assert status.text() == "3 products · 1 flagged for elimination · " + LONG
    assert status.toolTip() == status.text() and status.accessibleName() == status.text()
    assert status.fontMetrics().horizontalAdvance(status.shown()) <= status.contentsRect().width()
    row.resize(8000, 60)  # room again: whole, and the tooltip it made is gone
    qtbot.waitUntil(lambda: status.shown() == status.text())
    assert status.toolTip() == "" and status.accessibleName() == ""
    row.resize(900, 60)
    qtbot.waitUntil(lambda: status.shown().endswith("…"))
    status.setWordWrap(True)  # text that wraps is QLabel's own business: shown whole
    assert status.shown() == status.text()
    status.setText("a line\nand another")
    assert status.shown() == "a line\nand another"


LAUNCH_SCRIPT = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
app = QApplication([])
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.views import VIEWS
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

kind, folder = sys.argv[1], Path(sys.argv[2])
if kind == "demo":
    path = create_demo(folder / "demo.pmdesk")
else:
    path = folder / "new.pmdesk"
    with Workspace.create(path) as ws:
        ws.service(PortfolioService).create_product(name="Widget")
window = MainWindow(settings=Settings(), views=VIEWS)
window.resize(1366, 768)
window.show()
assert window.open_path(path)
window.view_host.show_view("launch")
view = window.view_host.current_view()
if kind == "new":
    view.plan_button.click()  # the empty page's Plan a launch: the tier's checklist
window.menu_actions.present.trigger()  # View > Present
app.processEvents()
table = view.tasks.view
model, delegate = table.model(), table.itemDelegate()
margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table) + 1
cells = {}
for column in range(model.columnCount()):
    if table.isColumnHidden(column):
        continue
    field = model.sourceModel().columns[column].field if hasattr(model, "sourceModel") else (
        model.columns[column].field)
    shown = []
    for row in range(model.rowCount()):
        index = model.index(row, column)
        option = QStyleOptionViewItem()
        option.initFrom(table)
        option.rect = table.visualRect(index)
        delegate.initStyleOption(option, index)
        fits = option.fontMetrics.horizontalAdvance(option.text) <= option.rect.width() - 2 * margin
        shown.append([option.text, fits, index.data(), index.data(3)])  # 3: its tooltip
    cells[field] = shown
def box(widget):
    top_left = widget.mapTo(view, widget.rect().topLeft())
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]
print(json.dumps({
    "cells": cells,
    "sideways": table.horizontalScrollBar().isVisible(),
    "pitch": box(view.pitch), "messages": box(view.messages), "tasks": box(view.tasks),
    "readiness": box(view.readiness),
    "pitch_shown": view.pitch.isVisible(),
}))
window.stop_presentation()
window.close()
"""


@pytest.mark.parametrize("kind", ["demo", "new"])
def test_the_launch_review_on_a_laptop_projector_reads_its_checklist(tmp_path, kind):
    """1366 × 768, a launch presented (View ▸ Present): the demo's, and one just planned
    in a new workspace (Plan a launch, its tier's checklist). The checklist needs no
    sideways scrolling; each status is whole ("In progress"), each due date whole (its
    offset from the launch, "(L−90)", gives way first); the positioning statement heads the
    key messages' column, so readiness and the checklist have the other column's height."""
    import json

    found = json.loads(on_screens(tmp_path, LAPTOP, LAUNCH_SCRIPT, kind, str(tmp_path))[-1])
    cells = found["cells"]
    assert not found["sideways"]
    assert {"title", "owner_id", "due", "status"} <= set(cells)
    assert all(fits for _text, fits, _whole, _tip in cells["status"])
    assert all(text == whole for text, _fits, whole, _tip in cells["status"])
    dates = cells["due"]
    assert all(fits for _text, fits, _whole, _tip in dates)
    # Both checklists have due dates relative to the launch (L−30) to give way.
    assert any(text != whole for text, _fits, whole, _tip in dates)
    assert all(whole.startswith(text) and len(text) >= 10 for text, _fits, whole, _tip in dates)
    assert all(tip == whole for text, _fits, whole, tip in dates if text != whole)
    assert found["pitch_shown"]
    px, py, pw, ph = found["pitch"]
    mx, my, _mw, _mh = found["messages"]
    tx, ty, _tw, _th = found["tasks"]
    _rx, ry, _rw, _rh = found["readiness"]
    assert py + ph <= my and px + pw <= tx  # above the key messages, beside the checklist
    assert abs(ry - py) <= 8  # readiness beside the statement, not under it
    if kind == "demo":  # a long statement: the checklist starts before it ends
        assert ty < py + ph


CANVAS_SCRIPT = """
import json, sys
from pathlib import Path
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication
app = QApplication([])
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.views import VIEWS
from pmdesk.store.demo import create_demo

window = MainWindow(settings=Settings(), views=VIEWS)
window.resize(1366, 768)
window.show()
assert window.open_path(create_demo(Path(sys.argv[1]) / "demo.pmdesk"))
window.view_host.show_view("canvas")
window.menu_actions.present.trigger()  # View > Present
app.processEvents()
scene = window.view_host.current_view().scene
blocks = []
for key, block in scene.blocks.items():
    if not block.isVisible():
        continue
    seen = block.area.mapRectToScene(block.area.visible_rect())
    kinds, cuts = [], []
    for note in scene.notes_in(key):
        rect = note.mapRectToScene(note.rect)
        shown = rect.intersected(seen)
        if shown.isEmpty():
            kinds.append("out")
        elif seen.adjusted(-1, -1, 1, 1).contains(rect):
            kinds.append("whole")
        else:
            kinds.append("cut")
            # How many lines of its text the cut leaves whole (a whole number: cut between two)
            line = QFontMetricsF(note.style.font(note.style.body_px * note.scale_factor)).height()
            text_top = rect.top() + 8 * note.scale_factor
            cuts.append((seen.bottom() - 2 - text_top) / line)
    pill_top = block.mapToScene(0, block.more.pill_top()).y()
    blocks.append({"key": key, "more": block.more.text(), "kinds": kinds, "cuts": cuts,
                   "seen_bottom": seen.bottom(), "pill_top": pill_top})
print(json.dumps(blocks))
window.stop_presentation()
window.close()
"""


def test_a_crowded_canvas_block_on_a_laptop_projector_shows_whole_notes(tmp_path):
    """1366 × 768, the demo's canvas presented (View ▸ Present): a crowded block shows the
    notes wholly above its "+N more" and none half under it; only a note taller than its
    block on its own is cut, above the badge and between two of its lines. "+N more"
    counts every note not seen whole."""
    import json

    blocks = json.loads(on_screens(tmp_path, LAPTOP, CANVAS_SCRIPT, str(tmp_path))[-1])
    crowded = [b for b in blocks if b["more"]]
    assert len(crowded) >= 3, "the demo crowds several blocks at this size"
    for block in crowded:
        kinds = block["kinds"]
        assert block["seen_bottom"] <= block["pill_top"] + 1, block["key"]
        assert block["more"] == f"+{len(kinds) - kinds.count('whole')} more", block["key"]
        if "whole" in kinds:
            assert "cut" not in kinds, block["key"]
        else:  # one note taller than its block: cut between two lines above the badge
            assert kinds.count("cut") == 1, block["key"]
            (lines,) = block["cuts"]
            assert lines >= 1 and abs(lines - round(lines)) < 0.01, block["key"]
    assert any("whole" in b["kinds"] and "out" in b["kinds"] for b in crowded)


BOARD_SCRIPT = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem
app = QApplication([])
from pmdesk.gui.main_window import MainWindow
from pmdesk.gui.settings import Settings
from pmdesk.gui.views import VIEWS
from pmdesk.store.demo import create_demo

window = MainWindow(settings=Settings(), views=VIEWS)
window.resize(1366, 768)
window.show()
assert window.open_path(create_demo(Path(sys.argv[1]) / "demo.pmdesk"))
window.view_host.show_view("portfolio")
view = window.view_host.current_view()
def board(where):
    out = []
    for stage, column in view.board.columns.items():
        cards = []
        for row in range(column.count()):
            index = column.model().index(row, 0)
            option = QStyleOptionViewItem()
            column.initViewItemOption(option)
            option.rect = column.visualRect(index)
            column.itemDelegate().initStyleOption(option, index)
            # Laid out as the style lays out a wrapped item's text before it paints it, with
            # 4 px less width: the painted layout wraps a pixel or two sooner than this one
            # (a card whose name fitted here by 0.6 px lost a line to "…" on screen).
            style = column.style()
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, column) + 1
            area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, column)
            area = area.adjusted(margin, 0, -margin - 4, 0)
            layout = QTextLayout(option.text, option.font)
            wrap = QTextOption()
            wrap.setWrapMode(QTextOption.WrapMode.WordWrap)
            layout.setTextOption(wrap)
            layout.beginLayout()
            high = wide = 0.0
            while (line := layout.createLine()).isValid():
                line.setLineWidth(area.width())
                line.setPosition(QPointF(0, high))
                high += line.height()
                wide = max(wide, line.naturalTextWidth())
            layout.endLayout()
            cards.append([option.text, high <= area.height(), wide <= area.width()])
        out.append([where, stage.label, column.width(), cards])
    return out
found = board("desk")
window.menu_actions.present.trigger()  # View > Present
tabs = view.tabs.tabBar()
tab = next(n for n in range(tabs.count()) if tabs.tabText(n) == "Lifecycle board")
QTest.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(tab).center())
app.processEvents()
found += board("projector")
window.stop_presentation()
QTest.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(tab).center())
app.processEvents()
found += board("back")
print(json.dumps(found))
window.close()
"""


def test_the_portfolio_board_on_a_laptop_projector_keeps_its_cards_words_whole(tmp_path):
    """1366 × 768, the demo's portfolio presented, its Lifecycle board tab clicked: the
    stages with products take the width the empty ones leave (each empty one keeps its
    title's), so every card's words stand whole, none cut with "…" ("⚑ elimination
    candidate" wraps); at the desk, before and after, every stage is as wide as the next."""
    import json

    rows = json.loads(on_screens(tmp_path, LAPTOP, BOARD_SCRIPT, str(tmp_path))[-1])
    projector = [r for r in rows if r[0] == "projector"]
    with_cards = [width for _where, _stage, width, cards in projector if cards]
    empty = [width for _where, _stage, width, cards in projector if not cards]
    assert with_cards and empty and min(with_cards) > max(empty)
    cards = [card for *_rest, cards in projector for card in cards]
    assert any("elimination candidate" in text for text, _high, _wide in cards)
    assert [text for text, high, wide in cards if not (high and wide)] == []
    for where in ("desk", "back"):
        widths = {width for w, _stage, width, _cards in rows if w == where}
        assert max(widths) - min(widths) <= 1, where
