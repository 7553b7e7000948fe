"""The roadmap's filter finds its words in each item's name and notes, folded once and kept
until the item changes: what it shows is what testing every item afresh would show."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt
from tests.gui.test_gantt_incremental import open_panel

from pmdesk.core.enums import ItemKind, ItemStatus
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.gantt.model import Filter, FoldedText
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.services.roadmap_queries import ItemRow

D = dt.date
WORDS = ["Straße", "STRASSE", "ﬁle", "İstanbul", "מוצר", "🚀 launch", "a\0b", "", " ", "Σίσυφος"]


def _rows(seed: int, count: int = 400) -> list[ItemRow]:
    rng = random.Random(seed)
    return [
        ItemRow(
            i,
            rng.randrange(1, 4),
            None,
            " ".join(rng.choices(WORDS, k=rng.randrange(0, 3))),
            rng.choice(list(ItemKind)),
            D(2027, 1, 1),
            D(2027, 1, 9),
            0,
            rng.choice(list(ItemStatus)),
            None,
            " ".join(rng.choices(WORDS, k=rng.randrange(0, 3))),
            i,
        )
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_folded_text_shows_what_a_test_of_every_item_shows(seed):
    """Words across case folding, ligatures, RTL, emoji, NUL (the join: looked for in each
    text alone), spaces; with and without the lane, kind and status filters."""
    rows = _rows(seed)
    folded = FoldedText()
    rng = random.Random(seed)
    for text in ["strasse", "STRASSE ", "file", "i̇stanbul", "מוצר", "🚀", "a\0b", "\0", "b a"]:
        for lane in (None, 2):
            wanted = Filter(
                lane_id=lane, kind=rng.choice([None, ItemKind.FEATURE]), status=None, text=text
            )
            accepts = wanted.test()
            assert list(wanted.select(rows, folded)) == [r for r in rows if accepts(r)]


@pytest.fixture
def panel(qtbot, workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform", sort_order=0)
    for n, name in enumerate(["Billing API", "Mobile app", "Search"]):
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=name,
            notes="handles Straße addresses" if name == "Search" else "",
            start_date=D(2027, 1, 4 + n),
            end_date=D(2027, 1, 20 + n),
        )
    widget, ctx = open_panel(qtbot, workspace, product.id)
    yield widget
    ctx.close()


def _names(panel) -> set[str]:
    return {panel.model.items[i].name for i in panel.model.layout.items}


def test_a_renamed_item_is_found_by_its_new_name_and_not_its_old_one(panel, qtbot):
    """Typed in the box and applied with Return: the words are found in a name or the
    notes (STRASSE finds Straße). Renamed as the side panel writes it, an item is found by
    its new name at once, and by its old one no more; the undo brings the old name back."""
    box = panel.toolbar.text_filter
    box.setFocus()
    qtbot.keyClicks(box, "STRASSE")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _names(panel) == {"Search"}
    box.clear()
    qtbot.keyClicks(box, "api")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _names(panel) == {"Billing API"}
    ctx = panel.ctx
    billing = next(i for i, row in panel.model.items.items() if row.name == "Billing API")
    items = ctx.service(RoadmapService).items
    ctx.run(UpdateCommand(items, billing, {"name": "Invoices"}, "Rename"))
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _names(panel) == set()
    box.clear()
    qtbot.keyClicks(box, "voice")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _names(panel) == {"Invoices"}
    ctx.undo()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _names(panel) == set()
