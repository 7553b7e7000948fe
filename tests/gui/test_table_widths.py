"""Tables read whole where they have the room: a column as wide as its texts, the title
column taking what is left. Through the window, as a person opens the tab, on a laptop."""

from __future__ import annotations

from tests.gui.test_house_rules import demo_copy, open_window
from tests.gui.windows import click_tab, cut_cells, shown_for


def fills(table) -> bool:
    """The columns end at the table's right edge: no strip of nothing beside them."""
    return abs(table.view.horizontalHeader().length() - table.view.viewport().width()) <= 1


def test_the_roadmaps_items_read_whole_on_a_laptop(qtbot, demo_template, tmp_path):
    """1366 × 768, Roadmap ▸ Items clicked on the demo: each lane ("Sensors & Gateway") and
    horizon ("Later (by dates)") whole, and every name; the table fills its width."""
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown_for(qtbot, window, "roadmap", "Pulse Cloud")
    click_tab(qtbot, view.tabs, "Items")
    items = view.items
    assert items.model.rowCount() > 40
    assert cut_cells(items) == []
    assert not items.view.horizontalScrollBar().isVisible() and fills(items)
    click_tab(qtbot, view.tabs, "Lanes")
    assert cut_cells(view.lanes) == []


def test_the_lifecycles_tables_fill_their_width(qtbot, demo_template, tmp_path):
    """Lifecycle ▸ Metrics and ▸ Elimination review on the demo at 1366 × 768: each table's
    columns reach its edge (its name or description takes the room), every cell whole."""
    window = open_window(qtbot, demo_copy(demo_template, tmp_path), (1366, 768))
    view = shown_for(qtbot, window, "lifecycle", "Pulse Cloud")
    click_tab(qtbot, view.tabs, "Metrics")
    assert view.metrics.model.rowCount() and view.values.model.rowCount()
    for table in (view.metrics, view.values):
        assert fills(table) and cut_cells(table) == []
    page = click_tab(qtbot, view.tabs, "Elimination review")
    tables = [t for t in page.findChildren(type(view.metrics)) if t.isVisible()]
    assert len(tables) == 2 and all(fills(t) for t in tables)
