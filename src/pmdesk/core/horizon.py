"""Now / Next / Later: where an item stands for audiences that should not see dates."""

from __future__ import annotations

import datetime as dt

from .enums import Horizon, ItemStatus

# Items starting within this many days of today are "Next"; later ones "Later".
NEXT_WINDOW_DAYS = 90

# What each column of the board holds, on screen and in a deck.
SUBTITLES = {Horizon.NOW: "Under way", Horizon.NEXT: "Starting soon", Horizon.LATER: "Further out"}


def finished(status: ItemStatus, progress: int) -> bool:
    """Done, or 100 % complete: the board shows what is still to do."""
    return status is ItemStatus.DONE or progress >= 100


def horizon_from_dates(
    start: dt.date, end: dt.date, today: dt.date, next_window_days: int = NEXT_WINDOW_DAYS
) -> Horizon:
    if start <= today:
        return Horizon.NOW
    if (start - today).days <= next_window_days:
        return Horizon.NEXT
    return Horizon.LATER


def effective_horizon(
    manual: Horizon | None, start: dt.date, end: dt.date, today: dt.date
) -> Horizon:
    """The column set by hand wins; otherwise the dates decide."""
    return manual if manual is not None else horizon_from_dates(start, end, today)
