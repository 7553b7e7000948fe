"""Setting a desired position for a stakeholder who has none: right-click on the map, undoable."""

from __future__ import annotations

import sqlite3

import pytest
from tests.gui.windows import exposed

from pmdesk.gui.context import AppContext
from pmdesk.gui.stakemap import StakeholderMapView
from pmdesk.store.services import PortfolioService, StakeholderService

TRICKY = 'Dr. <Ada> & "Lovelace" 🚀'


@pytest.fixture
def setup(workspace):
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    people = workspace.service(StakeholderService).stakeholders
    ada = people.create(product_id=product.id, name=TRICKY, power=3, interest=4).id
    bo = people.create(
        product_id=product.id, name="Bo", power=8, interest=2, desired_power=8, desired_interest=8
    ).id
    return workspace, product.id, ada, bo


@pytest.fixture
def view(setup, qtbot):
    workspace, product_id, _ada, _bo = setup
    ctx = AppContext(workspace)
    widget = StakeholderMapView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    widget.set_product(product_id)
    exposed(qtbot, widget)
    yield widget
    ctx.close()


def desired(workspace, person_id):
    with sqlite3.connect(workspace.path) as conn:
        return conn.execute(
            "SELECT desired_power, desired_interest FROM stakeholder WHERE id = ?", (person_id,)
        ).fetchone()


def test_right_click_sets_a_desired_position_and_undo_removes_it(view, setup):
    workspace, _pid, ada, _bo = setup
    assert desired(workspace, ada) == (None, None)
    view.scene.select_ids([ada])
    point = view.scene.at(interest=8.5, power=7.0)
    menu = view.canvas.map_menu(point)
    [action] = menu.actions()
    assert action.text().startswith(f"Set desired position of “{TRICKY}” here")
    assert "power 7, interest 8.5" in action.text()
    action.trigger()
    assert desired(workspace, ada) == (7.0, 8.5)
    assert view.people[ada].desired_power == 7.0  # the view followed: the arrow is drawn
    assert view.ctx.undo_stack.undoText() == f"Set desired position of “{TRICKY}”"
    view.ctx.undo()
    assert desired(workspace, ada) == (None, None)
    view.ctx.redo()
    assert desired(workspace, ada) == (7.0, 8.5)


def test_an_existing_aim_can_be_moved_the_same_way(view, setup):
    workspace, _pid, _ada, bo = setup
    view.scene.select_ids([bo])
    [action] = view.canvas.map_menu(view.scene.at(interest=6, power=9)).actions()
    assert action.text().startswith("Move desired position of “Bo”")
    action.trigger()
    assert desired(workspace, bo) == (9.0, 6.0)


def test_the_menu_needs_one_stakeholder_and_a_point_on_the_grid(view, setup):
    _ws, _pid, ada, bo = setup
    view.scene.select_ids([])
    [hint] = view.canvas.map_menu(view.scene.at(interest=5, power=5)).actions()
    assert not hint.isEnabled()
    view.scene.select_ids([ada, bo])
    [hint] = view.canvas.map_menu(view.scene.at(interest=5, power=5)).actions()
    assert not hint.isEnabled()
    outside = view.scene.plot.bottomRight()
    outside.setX(outside.x() + 50)
    assert view.canvas.map_menu(outside) is None
