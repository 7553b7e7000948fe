import datetime as dt

from pmdesk.core.enums import Horizon
from pmdesk.core.horizon import effective_horizon, horizon_from_dates

TODAY = dt.date(2027, 3, 1)


def test_dates_decide_the_column():
    assert horizon_from_dates(dt.date(2027, 2, 1), dt.date(2027, 4, 1), TODAY) is Horizon.NOW
    assert horizon_from_dates(TODAY, TODAY, TODAY) is Horizon.NOW
    assert horizon_from_dates(dt.date(2027, 5, 30), dt.date(2027, 6, 1), TODAY) is Horizon.NEXT
    assert horizon_from_dates(dt.date(2027, 5, 31), dt.date(2027, 6, 1), TODAY) is Horizon.LATER


def test_a_column_set_by_hand_wins():
    assert effective_horizon(Horizon.LATER, TODAY, TODAY, TODAY) is Horizon.LATER
    assert effective_horizon(None, TODAY, TODAY, TODAY) is Horizon.NOW
