"""A large plan read whole is kept from Python's cycle collector until the chart has drawn
it, then walked once (``core.bulk.CollectorHold``): its later passes over the plan would
each cost a frame or more, at whatever moment, in the middle of a zoom or a drag.

Each test drives the window as a person does: a product chosen in the selector with the
keyboard, a change arriving from the workspace.
"""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from tests.gui.windows import PaintCount, exposed, open_main_window

from pmdesk.core.bulk import CollectorHold
from pmdesk.core.changes import ChangeSet
from pmdesk.core.kinds import ChangeKind
from pmdesk.gui.commands import UpdateCommand
from pmdesk.gui.gantt import panel as panel_module
from pmdesk.gui.main_window import MainWindow
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

SMALL = "Widget"  # a product of its own beside the crowded plan's (900 items, 700 links)


def full_passes() -> int:
    return gc.get_stats()[2]["collections"]


@pytest.fixture
def collector_on(qtbot):
    """The collector on and no hold left by another test's window; left the same way."""
    qtbot.waitUntil(lambda: CollectorHold._holds == 0)
    was = gc.isenabled()
    gc.enable()
    yield
    qtbot.waitUntil(lambda: CollectorHold._holds == 0)
    gc.enable() if was else gc.disable()


@pytest.fixture
def two_plans(crowded_template, tmp_path) -> Path:
    path = Path(shutil.copyfile(crowded_template, tmp_path / "two.pmdesk"))
    with Workspace.open(path) as ws:
        ws.service(PortfolioService).create_product(name=SMALL)
    return path


@pytest.fixture
def window(qtbot, two_plans, collector_on, monkeypatch) -> MainWindow:
    # The crowded plan (1,600 items and links) counts as large here; its read is the same.
    monkeypatch.setattr(panel_module, "WALK_AFTER_PAINT_FROM", 1_000)
    return roadmap_window(qtbot, two_plans)


def roadmap_window(qtbot, path: Path) -> MainWindow:
    """A laptop-sized window opened on ``path``'s Roadmap, on screen."""
    win = open_main_window(qtbot, path, size=(1366, 768), view="roadmap")
    exposed(qtbot, win)
    return win


def choose(qtbot, window: MainWindow, name: str | None) -> None:
    """The product chosen in the selector with the arrow keys (None: the crowded plan's)."""
    selector = window.product_selector
    if name is None:
        [name] = [
            selector.itemText(i) for i in range(selector.count()) if selector.itemText(i) != SMALL
        ]
    selector.setFocus()
    key = Qt.Key.Key_Down if selector.findText(name) > selector.currentIndex() else Qt.Key.Key_Up
    while selector.currentText() != name:
        qtbot.keyClick(selector, key)


def chart_of(window: MainWindow):
    view = window.view_host.current_view()
    assert view is not None and view.chart.isVisible()
    return view.chart


def test_a_large_plan_chosen_is_drawn_before_the_collector_walks_it(qtbot, window):
    choose(qtbot, window, SMALL)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    chart = chart_of(window)
    at_paint = PaintCount(chart.view.viewport(), note=gc.isenabled)
    before = full_passes()
    choose(qtbot, window, None)
    assert len(chart.model.items) == 900 and len(chart.model.links) == 700
    assert not gc.isenabled(), "the collector walked the plan as it was read"
    qtbot.waitUntil(lambda: gc.isenabled())
    assert at_paint.noted[:1] == [False], "the chart was drawn after the collector came back"
    assert full_passes() == before + 1  # one full pass, once the plan was on screen
    assert CollectorHold._holds == 0
    # ... after which the plan is frozen: left out of the collector's later passes.
    row = next(iter(chart.model.items.values()))
    assert gc.get_freeze_count() > 900 and not any(o is row for o in gc.get_objects())


def test_a_file_closed_puts_what_was_frozen_back_in_the_passes(qtbot, window):
    choose(qtbot, window, SMALL)
    choose(qtbot, window, None)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    assert gc.get_freeze_count() > 0
    window.menu_actions.close.trigger()  # File > Close
    assert window.workspace is None and gc.get_freeze_count() == 0


def test_another_file_opened_puts_what_was_frozen_back_in_the_passes(qtbot, window, tmp_path):
    choose(qtbot, window, SMALL)
    choose(qtbot, window, None)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    assert gc.get_freeze_count() > 0
    other = tmp_path / "other.pmdesk"
    with Workspace.create(other, name="Other") as ws:
        ws.service(PortfolioService).create_product(name="Gadget")
    assert window.open_path(other)  # what File > Open does with the file chosen
    assert window.workspace.path == other and gc.get_freeze_count() == 0


def test_a_small_plan_chosen_leaves_the_collector_as_it_was(qtbot, window):
    choose(qtbot, window, None)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    before = full_passes()
    choose(qtbot, window, SMALL)
    assert chart_of(window).model.items == {}
    assert gc.isenabled() and CollectorHold._holds == 0  # back at once, without a pass
    assert full_passes() == before


def test_a_plan_read_again_whole_is_walked_once_drawn(qtbot, window):
    choose(qtbot, window, None)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    chart = chart_of(window)
    before = full_passes()
    # What a reconnect, or an import undone, sends: the items may all have changed.
    window.ctx.changed.emit(ChangeSet.everything([ChangeKind.ROADMAP_ITEM]))
    assert not gc.isenabled()
    qtbot.waitUntil(lambda: gc.isenabled())
    assert full_passes() == before + 1 and len(chart.model.items) == 900
    # An ordinary edit reads nothing whole: the collector is back at once, without a pass.
    item = chart.model.items[next(iter(chart.model.items))]
    before = full_passes()
    window.ctx.run(UpdateCommand(chart.roadmap.items, item.id, {"progress": 55}, "Progress"))
    assert gc.isenabled() and full_passes() == before
    assert chart.model.items[item.id].progress == 55


def test_a_chart_that_never_paints_lets_the_collector_go(qtbot, window, monkeypatch):
    monkeypatch.setattr(panel_module, "HOLD_AT_MOST_MS", 300)  # the test waits that long
    choose(qtbot, window, SMALL)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    chart = chart_of(window)
    window.hide()  # nothing is painted while the plan is read and after
    before = full_passes()
    [large] = {i.id for i in window.workspace.service(PortfolioService).list_products()} - {
        window.product_selector.product_id()
    }
    chart.set_product(large)
    assert not gc.isenabled()
    qtbot.waitUntil(lambda: gc.isenabled(), timeout=panel_module.HOLD_AT_MOST_MS + 2_000)
    assert full_passes() == before + 1


def test_a_chart_gone_before_it_paints_lets_the_collector_go(qtbot, window, monkeypatch):
    monkeypatch.setattr(panel_module, "HOLD_AT_MOST_MS", 300)
    choose(qtbot, window, SMALL)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    window.hide()
    choose(qtbot, window, None)  # read while hidden: the hold waits for a paint ...
    assert not gc.isenabled()
    window.close_workspace()  # ... that never comes: the chart and its view are gone
    qtbot.waitUntil(lambda: gc.isenabled(), timeout=panel_module.HOLD_AT_MOST_MS + 2_000)
    assert CollectorHold._holds == 0


def test_a_read_that_fails_still_brings_the_collector_back(qtbot, window, monkeypatch):
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())  # the file's open
    chart = chart_of(window)

    def broken(_product_id):
        raise OSError("the disk went away")

    monkeypatch.setattr(chart.model, "load", broken)
    before = full_passes()
    with pytest.raises(OSError):
        chart.set_product(chart.model.product_id)
    assert gc.isenabled() and CollectorHold._holds == 0  # at once, without a pass
    assert full_passes() == before


def test_a_new_workspace_and_its_first_item_leave_the_collector_alone(
    qtbot, tmp_path, collector_on, monkeypatch
):
    monkeypatch.setattr(panel_module, "WALK_AFTER_PAINT_FROM", 1)  # even one item is "large"
    path = tmp_path / "first day.pmdesk"
    with Workspace.create(path, name="First day") as ws:
        ws.service(PortfolioService).create_product(name="Atlas")
    window = roadmap_window(qtbot, path)
    chart = chart_of(window)
    assert chart.model.items == {}
    assert gc.isenabled() and CollectorHold._holds == 0  # an empty plan: nothing to walk
    before, frozen = full_passes(), gc.get_freeze_count()
    qtbot.mouseClick(
        chart.toolbar.widgetForAction(chart.toolbar.add_item), Qt.MouseButton.LeftButton
    )
    assert len(chart.model.items) == 1  # an edit, not a plan read whole: never held
    assert gc.isenabled() and CollectorHold._holds == 0
    assert full_passes() == before and gc.get_freeze_count() == frozen


class Sentinel:
    """An object that can sit in a reference cycle (see ``frozen_garbage``)."""


def frozen_garbage():
    """A reference cycle frozen with the plan, then dropped: a weak reference to it."""
    a, b = Sentinel(), Sentinel()
    a.other, b.other = b, a
    gc.freeze()
    watched = weakref.ref(a)
    del a, b
    return watched


def click_critical_path(qtbot, chart) -> None:
    qtbot.mouseClick(
        chart.toolbar.widgetForAction(chart.toolbar.critical), Qt.MouseButton.LeftButton
    )


def test_the_critical_path_of_a_large_plan_is_walked_once_drawn_and_frozen(qtbot, window):
    choose(qtbot, window, SMALL)
    choose(qtbot, window, None)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    chart = chart_of(window)
    waiting = frozen_garbage()  # what only a pass that thaws would collect
    at_paint = PaintCount(chart.view.viewport(), note=gc.isenabled)
    before = full_passes()
    click_critical_path(qtbot, chart)
    assert chart.toolbar.critical.isChecked() and chart.model.critical
    assert not gc.isenabled(), "the collector walked the path's schedule as it was made"
    qtbot.waitUntil(lambda: gc.isenabled())
    assert at_paint.noted[:1] == [False], "the path was drawn after the collector came back"
    assert full_passes() == before + 1 and CollectorHold._holds == 0
    # The schedule lives on while the path shows, frozen: out of the collector's passes ...
    live = chart.model._live
    assert live is not None and not any(o is live for o in gc.get_objects())
    # ... and the pass left the plan frozen as it was (thawing it takes 80 ms at 20,000 items).
    assert waiting() is not None
    # Hidden again: nothing made, nothing held.
    before = full_passes()
    click_critical_path(qtbot, chart)
    assert not chart.toolbar.critical.isChecked()
    assert gc.isenabled() and CollectorHold._holds == 0 and full_passes() == before


def test_the_critical_path_of_a_small_plan_leaves_the_collector_alone(qtbot, window):
    choose(qtbot, window, SMALL)
    qtbot.waitUntil(lambda: CollectorHold._holds == 0 and gc.isenabled())
    chart = chart_of(window)
    before = full_passes()
    click_critical_path(qtbot, chart)
    assert chart.toolbar.critical.isChecked()
    assert gc.isenabled() and CollectorHold._holds == 0 and full_passes() == before
