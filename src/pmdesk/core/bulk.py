"""Bulk work on tens of thousands of small objects, without the cycle collector in the way."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def bulk_work() -> Iterator[None]:
    """Hold off Python's cycle collector while tens of thousands of objects are made.

    Each burst of allocations would otherwise set off collections that scan the
    whole plan already in memory, doubling the cost of a load or a scheduling
    pass. Nothing made here forms cycles; collection simply resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CollectorHold:
    """The cycle collector kept off while a large plan is read and first drawn, then one full
    pass, after which what lives is frozen (:meth:`release`).

    A plan read whole (opened, or read again) is tens of thousands of objects that live as
    long as it is shown. Left to itself, the collector walks them three times within the
    next minute: as soon as the read is over (15 ms on a 20,000-item plan, 80 ms on
    100,000), then as they pass to its middle and its oldest generation (up to 75 and
    90 ms at 20,000), each time at whatever moment its counts tip: in the middle of a zoom
    or a drag. And it walks them again at every full pass after that. Held, it walks
    nothing while the plan is read and drawn; once the plan is on screen, one full pass
    collects what is garbage, then everything alive is frozen (``gc.freeze``): left out
    of the collector's later passes, as pmdesk's start leaves what it made once its first
    view is drawn (``gui.app``). Frozen objects are freed as usual when nothing refers to
    them; only one that dies in a reference cycle waits: for the next such pass, which
    thaws everything first, or for :func:`thaw` (a file closed, or another opened).

    A pass that need not thaw first (``release(thaw=False)``: tens of thousands of objects
    made beside a plan that still lives, as the critical path's schedule) walks only what
    is not frozen yet: a few milliseconds where thawing the plan too would take 80 ms at
    20,000 items.

    A hold made while the collector is off (pmdesk's start) changes nothing. Holds nest:
    the collector comes back (after the pass, if any release asked for one) with the last
    of them. Releasing a hold again does nothing.

    Used in a ``with`` statement, a hold whose work raises is let go at once, without a
    pass (the reason is the caller's to show); work that ends well leaves it held, for the
    caller to release when it is drawn.
    """

    _holds = 0  # holds not released yet
    _resume = False  # the collector was on when the first of them was made
    _walk = False  # a release asked for a full pass
    _thaw = False  # and one of those for what is frozen to be walked too

    def __init__(self) -> None:
        cls = CollectorHold
        if cls._holds == 0:
            cls._resume, cls._walk, cls._thaw = gc.isenabled(), False, False
            gc.disable()
        cls._holds += 1
        self._held = True

    def __enter__(self) -> CollectorHold:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:
            self.release(walk=False)

    @property
    def held(self) -> bool:
        return self._held

    def release(self, walk: bool = True, thaw: bool = True) -> None:
        """Let the collector run again; ``walk``: a full pass first, then what lives frozen (a
        large plan was read); ``thaw``: what was frozen before walked in that pass too (the
        plan it replaces may have died in cycles)."""
        if not self._held:
            return
        self._held = False
        cls = CollectorHold
        cls._holds -= 1
        cls._walk = cls._walk or walk
        cls._thaw = cls._thaw or (walk and thaw)
        if cls._holds == 0 and cls._resume:
            if cls._walk:
                if cls._thaw:
                    gc.unfreeze()  # what died in a cycle since the last freeze is collected now
                gc.collect()
                gc.freeze()
            gc.enable()


def thaw() -> None:
    """Everything frozen (:class:`CollectorHold`, pmdesk's start) back in the collector's
    passes: a file closed (or another opened) may have left garbage in reference cycles
    among it. Not at quit: the process's end frees it all the same."""
    gc.unfreeze()
