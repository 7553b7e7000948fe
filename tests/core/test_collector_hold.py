"""CollectorHold: the cycle collector off while a large plan is read and drawn, one full pass
after, what lives then frozen, and nothing changed where the collector was off already
(pmdesk's start)."""

from __future__ import annotations

import gc
import weakref

import pytest

from pmdesk.core.bulk import CollectorHold, bulk_work, thaw


def full_passes() -> int:
    return gc.get_stats()[2]["collections"]


@pytest.fixture(autouse=True)
def collector_on():
    """Each test starts with the collector on and no hold, and leaves it so."""
    assert CollectorHold._holds == 0
    was = gc.isenabled()
    gc.enable()
    yield
    assert CollectorHold._holds == 0, "a hold was left unreleased"
    gc.enable() if was else gc.disable()


def test_off_while_held_then_one_full_pass():
    hold = CollectorHold()
    assert not gc.isenabled() and hold.held
    with bulk_work():  # the plan's read inside: leaves the collector as the hold has it
        rows = [[n] for n in range(1_000)]
    assert not gc.isenabled()
    before = full_passes()
    hold.release()
    assert gc.isenabled() and not hold.held
    assert full_passes() == before + 1
    assert not any(o is rows for o in gc.get_objects()), "what lives is frozen after the pass"
    hold.release()  # again: nothing more
    assert full_passes() == before + 1 and gc.isenabled()
    assert len(rows) == 1_000


def test_released_without_a_pass():
    hold = CollectorHold()
    before = full_passes()
    hold.release(walk=False)
    assert gc.isenabled() and full_passes() == before


def test_holds_nest_and_the_last_brings_the_collector_back():
    outer, inner = CollectorHold(), CollectorHold()
    before = full_passes()
    inner.release()  # asks for a pass, but the outer hold still holds
    assert not gc.isenabled() and full_passes() == before
    outer.release(walk=False)
    assert gc.isenabled() and full_passes() == before + 1  # the pass asked for, once


def test_a_hold_while_the_collector_is_off_changes_nothing():
    gc.disable()  # pmdesk's start: off until the first view is drawn, then frozen
    hold = CollectorHold()
    before = full_passes()
    hold.release()
    assert not gc.isenabled() and full_passes() == before
    gc.enable()


def test_garbage_cycles_made_while_held_are_collected_by_the_pass():
    hold = CollectorHold()
    holding, watched = a_cycle()
    holding.clear()  # garbage, in a cycle: only a pass of the collector frees it
    assert watched() is not None
    hold.release()
    assert watched() is None  # collected by the pass, not frozen with what lives


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""


def a_cycle() -> tuple[list, weakref.ref]:
    a, b = Node(), Node()
    a.other, b.other = b, a
    return [a], weakref.ref(a)


def test_a_cycle_that_dies_after_the_freeze_waits_for_the_next_pass():
    holding, watched = a_cycle()
    CollectorHold().release()  # the cycle lives: frozen
    holding.clear()  # and dies
    gc.collect()
    assert watched() is not None, "a frozen cycle is left out of the collector's passes"
    CollectorHold().release()  # the next large read: thawed, collected, the rest frozen
    assert watched() is None


def test_thaw_puts_frozen_objects_back_in_the_passes():
    holding, watched = a_cycle()
    CollectorHold().release()
    assert gc.get_freeze_count() > 0
    holding.clear()
    thaw()  # a file closed
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert watched() is None


def test_a_pass_that_does_not_thaw_leaves_what_was_frozen_alone():
    old_holding, old = a_cycle()
    CollectorHold().release()  # a plan read: it lives on, frozen
    old_holding.clear()  # a cycle among it dies, and waits for a pass that thaws
    frozen = gc.get_freeze_count()
    hold = CollectorHold()  # the critical path worked out beside the plan
    new_holding, new = a_cycle()
    kept = [[n] for n in range(1_000)]
    new_holding.clear()
    before = full_passes()
    hold.release(thaw=False)
    assert full_passes() == before + 1 and gc.isenabled()
    assert new() is None, "what was not frozen yet is walked"
    assert old() is not None, "what was frozen before is left out of the pass"
    assert gc.get_freeze_count() > frozen and not any(o is kept for o in gc.get_objects())
    CollectorHold().release()  # the next plan read thaws first
    assert old() is None


def test_any_hold_that_asks_to_thaw_has_the_pass_thaw():
    holding, watched = a_cycle()
    CollectorHold().release()
    holding.clear()
    outer, inner = CollectorHold(), CollectorHold()
    inner.release()  # a plan read again while the path's hold holds ...
    outer.release(thaw=False)  # ... which lets go last: the pass thaws all the same
    assert watched() is None


def test_no_thaw_when_the_only_pass_asked_for_does_not():
    holding, watched = a_cycle()
    CollectorHold().release()
    holding.clear()
    outer, inner = CollectorHold(), CollectorHold()
    inner.release(thaw=False)
    before = full_passes()
    outer.release(walk=False)  # an ordinary edit around it asks for no pass
    assert full_passes() == before + 1 and watched() is not None


def test_a_hold_whose_work_fails_lets_go_at_once_without_a_pass():
    before = full_passes()
    with pytest.raises(OSError), CollectorHold() as hold:
        raise OSError("the disk went away")
    assert not hold.held and gc.isenabled() and full_passes() == before


def test_a_hold_whose_work_ends_well_stays_held_for_its_caller():
    with CollectorHold() as hold:
        rows = [[n] for n in range(100)]
    assert hold.held and not gc.isenabled() and len(rows) == 100
    hold.release(walk=False)
    assert gc.isenabled()
