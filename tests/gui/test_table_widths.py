"""Tables read whole where they have the room: a column as wide as its texts, the title
column taking what is left. Through the window, as a person opens the tab, on a laptop."""

from __future__ import annotations

from tests.gui.test_house_rules import demo_copy, open_window
from tests.gui.windows import click_tab, cut_cells, shown_for


def test_the_roadmaps_items_read_whole_on_a_laptop(qtbot, demo_template, tmp_path):
    """1366 × 768, Roadmap ▸ Items clicked on the demo: each lane ("Sensors & Gateway") and
    horizon ("Later (by dates)") whole, and every name; the table fills its width."""
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown_for(qtbot, window, "roadmap", "Pulse Cloud")
    click_tab(qtbot, view.tabs, "Items")
    items = view.items
    assert items.model.rowCount() > 40
    assert cut_cells(items) == []
    header = items.view.horizontalHeader()
    assert not items.view.horizontalScrollBar().isVisible()
    assert abs(header.length() - items.view.viewport().width()) <= 1
    click_tab(qtbot, view.tabs, "Lanes")
    assert cut_cells(view.lanes) == []
