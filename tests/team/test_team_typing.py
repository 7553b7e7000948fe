"""Typing while a colleague changes the same row: the edit is checked against where it began.

The form and the roadmap side panel keep what is being typed when someone else's
change arrives, and re-read the row meanwhile; leaving the field must then be
refused as a conflict (both values shown), not written over the colleague's change.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.gui.windows import active

from pmdesk.gui.team import TeamContext
from pmdesk.gui.widgets.columns import Column
from pmdesk.gui.widgets.form import EntityForm
from pmdesk.store.services import PortfolioService, RoadmapService

THEIRS = 'Theirs <b>&amp;</b> "quoted" 😀'


@pytest.fixture
def pair(qtbot, connect):
    """(my context, my workspace, their workspace), my context closed after the test."""
    mine, theirs = connect(), connect()
    ctx = TeamContext(mine)
    yield ctx, mine, theirs
    ctx.close()


def _form(qtbot, ctx, repo) -> EntityForm:
    form = EntityForm(ctx, repo, [("Product", [Column("name", "Name"), Column("owner", "Owner")])])
    qtbot.addWidget(form)
    form.show()
    active(qtbot, form)
    return form


def _type_into(qtbot, editor, text: str) -> None:
    """Focus the field (as a click would) and type, replacing what it shows."""
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def test_a_field_typed_into_while_a_colleague_changed_the_row_is_refused(qtbot, pair):
    ctx, mine, theirs = pair
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha", owner="Ann")
    form = _form(qtbot, ctx, products)
    form.set_entity(product.id)
    owner = form.editors["owner"]
    _type_into(qtbot, owner, "Mine")
    theirs.service(PortfolioService).products.update(product.id, owner=THEIRS)
    qtbot.waitUntil(lambda: form.row.owner == THEIRS, timeout=2000)  # the form re-read it
    assert owner.text() == "Mine"  # and kept the typing
    with qtbot.waitSignal(ctx.conflictRaised) as refused:
        assert not form.commit("owner")
    conflict, command = refused.args
    assert (conflict.field, conflict.mine, conflict.theirs) == ("owner", "Mine", THEIRS)
    assert products.get(product.id).owner == THEIRS
    assert ctx.keep_mine(conflict, command)  # having seen theirs, the person keeps theirs…
    assert theirs.service(PortfolioService).products.get(product.id).owner == "Mine"


def test_typing_with_nobody_else_about_saves_as_usual(qtbot, pair):
    ctx, mine, _theirs = pair
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha", owner="Ann")
    form = _form(qtbot, ctx, products)
    form.set_entity(product.id)
    owner = form.editors["owner"]
    _type_into(qtbot, owner, "Bo")
    assert form.commit("owner") and products.get(product.id).owner == "Bo"
    qtbot.keyClicks(owner, "b")  # a second round of typing starts from the saved row
    assert form.commit("owner") and products.get(product.id).owner == "Bob"
    assert not mine.versions.held


def test_the_roadmap_side_panel_refuses_a_name_typed_over_a_colleagues_rename(qtbot, pair):
    from pmdesk.gui.gantt.panel import RoadmapPanel

    ctx, mine, theirs = pair
    product = mine.service(PortfolioService).create_product(name="Alpha")
    roadmap = mine.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    start = dt.date(2026, 3, 2)
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Before",
        start_date=start,
        end_date=start + dt.timedelta(days=5),
    )
    panel = RoadmapPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1200, 700)
    panel.set_product(product.id)
    panel.show()
    active(qtbot, panel)
    editor = panel.editor
    editor.show()
    editor.show_item(item.id)
    _type_into(qtbot, editor.name, "Mine")
    theirs.service(RoadmapService).items.update(item.id, name=THEIRS)
    qtbot.waitUntil(lambda: panel.model.items[item.id].name == THEIRS, timeout=2000)
    assert editor.name.text() == "Mine"
    with qtbot.waitSignal(ctx.conflictRaised) as refused:
        editor.name.editingFinished.emit()
    assert (refused.args[0].mine, refused.args[0].theirs) == ("Mine", THEIRS)
    assert roadmap.items.get(item.id).name == THEIRS


def test_a_table_cell_edited_while_a_colleague_changed_the_row_is_refused(qtbot, pair):
    from PySide6.QtWidgets import QLineEdit

    from pmdesk.gui.widgets.entity_model import EntityTableModel
    from pmdesk.gui.widgets.entity_table import EntityTable
    from pmdesk.store.queries import TableQuery

    ctx, mine, theirs = pair
    products = mine.service(PortfolioService).products
    product = mine.service(PortfolioService).create_product(name="Alpha", owner="Ann")
    model = EntityTableModel(ctx, products, [Column("name", "Name"), Column("owner", "Owner")])
    model.set_query(TableQuery.where_equal(products))
    table = EntityTable(model)
    qtbot.addWidget(table)
    table.show()
    active(qtbot, table)
    cell = model.index(model.row_of(product.id), 1)
    table.view.setCurrentIndex(cell)
    table.view.edit(cell)
    editor = table.view.indexWidget(cell) or table.view.focusWidget()
    assert isinstance(editor, QLineEdit)
    qtbot.waitUntil(editor.hasFocus)
    editor.setText("Mine")
    theirs.service(PortfolioService).products.update(product.id, owner=THEIRS)
    qtbot.waitUntil(lambda: model.entity(model.row_of(product.id)).owner == THEIRS, timeout=2000)
    assert editor.text() == "Mine"  # the typing was kept
    with qtbot.waitSignal(ctx.conflictRaised) as refused:
        table.view.commitData(editor)
    assert (refused.args[0].mine, refused.args[0].theirs) == ("Mine", THEIRS)
    assert products.get(product.id).owner == THEIRS
