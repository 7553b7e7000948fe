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
