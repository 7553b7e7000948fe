"""MS Project calendars and lag units: read into the product, written back, unchanged.

One small synthetic MSPDI file per rule (the weekdays, the hours, holidays and extra
working days in both ways MSPDI writes them, base calendars, task calendars, each lag
format), then the real files of the corpus through import, export and import again.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from _interchange_data import CORPUS

from pmdesk.core.working_calendar import CalendarException as Day
from pmdesk.exchange.mspdi import export_mspdi, import_mspdi
from pmdesk.store.services import CalendarService, PortfolioService, RoadmapService

NS = "http://schemas.microsoft.com/project"
P = f"{{{NS}}}"
NOW = dt.datetime(2025, 5, 1, 9, 30)
STANDARD = (("08:00:00", "12:00:00"), ("13:00:00", "17:00:00"))
SUN_TO_THU = 0b1001111  # bit 0 is Monday


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Plan")


def _times(periods) -> str:
    return (
        "<WorkingTimes>"
        + "".join(
            f"<WorkingTime><FromTime>{a}</FromTime><ToTime>{b}</ToTime></WorkingTime>"
            for a, b in periods
        )
        + "</WorkingTimes>"
    )


def _week(working_types, periods=STANDARD) -> str:
    """WeekDays for MSPDI day types 1 (Sunday) to 7 (Saturday)."""
    return "".join(
        f"<WeekDay><DayType>{t}</DayType><DayWorking>{int(t in working_types)}</DayWorking>"
        + (_times(periods) if t in working_types else "")
        + "</WeekDay>"
        for t in range(1, 8)
    )


def _old_exception(first, last, working=0, periods=()) -> str:
    """An exception as MSPDI before 2007 writes it: a WeekDay of day type 0."""
    return (
        f"<WeekDay><DayType>0</DayType><DayWorking>{working}</DayWorking><TimePeriod>"
        f"<FromDate>{first}T00:00:00</FromDate><ToDate>{last}T23:59:00</ToDate></TimePeriod>"
        + (_times(periods) if periods else "")
        + "</WeekDay>"
    )


def _exception(name, first, last, working=0, kind=1, periods=()) -> str:
    return (
        "<Exception><EnteredByOccurrences>0</EnteredByOccurrences><TimePeriod>"
        f"<FromDate>{first}T00:00:00</FromDate><ToDate>{last}T23:59:00</ToDate></TimePeriod>"
        f"<Occurrences>1</Occurrences><Name>{name}</Name><Type>{kind}</Type>"
        f"<DayWorking>{working}</DayWorking>"
        + (_times(periods) if periods else "")
        + "</Exception>"
    )


def _calendar(uid=1, name="Standard", week="", exceptions="", base=-1) -> str:
    return (
        f"<Calendar><UID>{uid}</UID><Name>{name}</Name><IsBaseCalendar>{int(base == -1)}"
        f"</IsBaseCalendar><BaseCalendarUID>{base}</BaseCalendarUID><WeekDays>{week}</WeekDays>"
        + (f"<Exceptions>{exceptions}</Exceptions>" if exceptions else "")
        + "</Calendar>"
    )


def _project(tasks: str, calendars: str = "", header: str = "", calendar_uid=1) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Project xmlns="{NS}"><Name>t.xml</Name>'
        f"<Title>Synthetic</Title><CalendarUID>{calendar_uid}</CalendarUID>{header}"
        f"<Calendars>{calendars}</Calendars><Tasks>{tasks}</Tasks></Project>"
    ).encode()


def _task(uid, name, start="", finish="", more="", links="", start_time="08:00:00") -> str:
    dates = (f"<Start>{start}T{start_time}</Start>" if start else "") + (
        f"<Finish>{finish}</Finish>" if finish else ""
    )
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>1</OutlineLevel>"
        f"{dates}{more}{links}</Task>"
    )


def _link(pred, lag, fmt, kind=1) -> str:
    return (
        f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def _items(ws, product_id):
    return {i.name: i for i in ws.service(RoadmapService).items_of(product_id)}


def _own(ws, product_id):
    calendars = ws.service(CalendarService)
    row = calendars.product_calendar(product_id)
    return row, calendars.effective(product_id)


def _days(calendar) -> set:
    return {(e.first, e.last, e.working) for e in calendar.exceptions}


# -- reading the calendar ----------------------------------------------------------------


def test_a_sunday_to_thursday_week_becomes_the_products_own_calendar(workspace, product):
    week = _week({1, 2, 3, 4, 5})  # Sunday (1) to Thursday (5)
    data = _project(
        _task(1, "Work", "2025-01-05", "2025-01-09T17:00:00"),
        _calendar(name="Gulf week", week=week),
        "<MinutesPerDay>480</MinutesPerDay>",
    )
    result = import_mspdi(workspace, data, product_id=product.id)
    row, calendar = _own(workspace, product.id)
    assert row is not None and row.name == "Gulf week"
    assert calendar.weekdays == SUN_TO_THU
    assert (calendar.day_start, calendar.day_end, calendar.minutes_per_day) == (480, 1020, 480)
    assert result.count("work_calendar") == 1
    # The workspace's own calendar is untouched.
    assert workspace.service(CalendarService).effective(None).weekdays == 0b0011111


def test_working_hours_come_from_the_periods_and_minutes_per_day(workspace, product):
    periods = (("07:30:00", "11:30:00"), ("12:00:00", "16:00:00"))
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-06T16:00:00"),
        _calendar(week=_week({2, 3, 4, 5, 6}, periods)),
    )
    import_mspdi(workspace, data, product_id=product.id)
    _row, calendar = _own(workspace, product.id)
    # From the first period's start to the last one's end; eight hours of work in them.
    assert (calendar.day_start, calendar.day_end, calendar.minutes_per_day) == (450, 960, 480)
    other = workspace.service(PortfolioService).create_product(name="Other")
    # A MinutesPerDay that fits in those hours is the working day; one that does not is not.
    import_mspdi(
        workspace,
        data.replace(b"<Calendars>", b"<MinutesPerDay>450</MinutesPerDay><Calendars>"),
        product_id=other.id,
    )
    assert _own(workspace, other.id)[1].minutes_per_day == 450
    third = workspace.service(PortfolioService).create_product(name="Third")
    import_mspdi(
        workspace,
        data.replace(b"<Calendars>", b"<MinutesPerDay>600</MinutesPerDay><Calendars>"),
        product_id=third.id,
    )
    assert _own(workspace, third.id)[1].minutes_per_day == 480


def test_a_holiday_and_an_extra_working_day_are_read_from_exceptions(workspace, product):
    exceptions = _exception("New Year", "2025-01-01", "2025-01-01") + _exception(
        "Release Saturday", "2025-01-11", "2025-01-11", working=1, periods=STANDARD
    )
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-10T17:00:00"),
        _calendar(week=_week({2, 3, 4, 5, 6}), exceptions=exceptions),
    )
    import_mspdi(workspace, data, product_id=product.id)
    _row, calendar = _own(workspace, product.id)
    assert set(calendar.exceptions) == {
        Day(dt.date(2025, 1, 1), dt.date(2025, 1, 1), False, "New Year"),
        Day(dt.date(2025, 1, 11), dt.date(2025, 1, 11), True, "Release Saturday"),
    }
    assert not calendar.is_working_date(dt.date(2025, 1, 1))
    assert calendar.is_working_date(dt.date(2025, 1, 11))


def test_older_day_type_0_exceptions_are_read_and_twins_count_once(workspace, product):
    week = _week({2, 3, 4, 5, 6}) + _old_exception("2024-12-24", "2024-12-26")
    week += _old_exception("2025-01-01", "2025-01-01")
    # Project 2007 and later may write the same holiday both ways: it counts once.
    exceptions = _exception("New Year", "2025-01-01", "2025-01-01")
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-10T17:00:00"),
        _calendar(week=week, exceptions=exceptions),
    )
    import_mspdi(workspace, data, product_id=product.id)
    _row, calendar = _own(workspace, product.id)
    assert sorted((e.first, e.last, e.working, e.name) for e in calendar.exceptions) == [
        (dt.date(2024, 12, 24), dt.date(2024, 12, 26), False, "Holiday"),
        (dt.date(2025, 1, 1), dt.date(2025, 1, 1), False, "New Year"),
    ]


def test_a_recurring_exception_is_not_guessed_but_warned_about(workspace, product):
    yearly = _exception("Boxing Day", "2025-12-26", "2035-12-26", kind=2)
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-10T17:00:00"),
        _calendar(week=_week({2, 3, 4, 5, 6}), exceptions=yearly),
    )
    result = import_mspdi(workspace, data, product_id=product.id)
    assert any("1 recurring calendar exception not imported" in w for w in result.warnings)
    assert "“Boxing Day”" in " ".join(result.warnings)
    # Ten years of holiday would be the wrong reading: the calendar is the workspace's.
    assert _own(workspace, product.id)[0] is None or not _own(workspace, product.id)[1].exceptions


def test_a_derived_calendar_takes_its_base_calendars_days(workspace, product):
    base = _calendar(1, "Standard", _week({2, 3, 4, 5, 6}))
    # The project's calendar only says Saturday is worked, and adds a holiday.
    derived = _calendar(
        2,
        "Six days",
        "<WeekDay><DayType>7</DayType><DayWorking>1</DayWorking>" + _times(STANDARD) + "</WeekDay>",
        _exception("Founders' day", "2025-01-08", "2025-01-08"),
        base=1,
    )
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-11T17:00:00"), base + derived, calendar_uid=2
    )
    import_mspdi(workspace, data, product_id=product.id)
    row, calendar = _own(workspace, product.id)
    assert row.name == "Six days"
    assert calendar.weekdays == 0b0111111  # Monday to Saturday
    assert _days(calendar) == {(dt.date(2025, 1, 8), dt.date(2025, 1, 8), False)}


def test_a_calendar_that_is_its_own_base_does_not_hang(workspace, product):
    looping = _calendar(1, "Loop", _week({2, 3, 4, 5, 6}), base=1)
    data = _project(_task(1, "Work", "2025-01-06", "2025-01-06T17:00:00"), looping)
    import_mspdi(workspace, data, product_id=product.id)
    assert set(_items(workspace, product.id)) == {"Work"}


def test_the_workspaces_own_calendar_is_not_copied(workspace, product):
    # The workspace's standard calendar: Monday to Friday, 09:00 to 17:00, 8 hours.
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-06T17:00:00", start_time="09:00:00"),
        _calendar(week=_week({2, 3, 4, 5, 6}, (("09:00:00", "17:00:00"),))),
        "<MinutesPerDay>480</MinutesPerDay>",
    )
    result = import_mspdi(workspace, data, product_id=product.id)
    assert _own(workspace, product.id)[0] is None  # it follows the workspace's
    assert result.count("work_calendar") == 0 and result.warnings == []


def test_a_product_with_a_different_calendar_of_its_own_keeps_it(workspace, product):
    calendars = workspace.service(CalendarService)
    own = calendars.give_own_calendar(product.id)
    calendars.update_calendar(own.id, weekdays=SUN_TO_THU)
    data = _project(
        _task(1, "Work", "2025-01-06", "2025-01-06T17:00:00"),
        _calendar(name="Six days", week=_week({2, 3, 4, 5, 6, 7})),
    )
    result = import_mspdi(workspace, data, product_id=product.id)
    assert _own(workspace, product.id)[1].weekdays == SUN_TO_THU
    (warning,) = [w for w in result.warnings if "calendar" in w]
    assert "keeps its own calendar" in warning and "“Six days”" in warning


def test_undoing_the_import_takes_the_calendar_away_again(workspace, product):
    data = _project(
        _task(1, "Work", "2025-01-05", "2025-01-09T17:00:00"),
        _calendar(
            week=_week({1, 2, 3, 4, 5}), exceptions=_exception("Eid", "2025-03-31", "2025-04-01")
        ),
    )
    result = import_mspdi(workspace, data, product_id=product.id)
    assert _own(workspace, product.id)[0] is not None
    result.revert(workspace)
    assert _own(workspace, product.id)[0] is None
    assert _items(workspace, product.id) == {}


def test_a_product_with_items_is_told_its_calendar_changed(workspace, product):
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Already here",
        start_date="2025-01-06",
        end_date="2025-01-07",
    )
    data = _project(
        _task(1, "Work", "2025-01-05", "2025-01-09T17:00:00"),
        _calendar(name="Gulf week", week=_week({1, 2, 3, 4, 5})),
    )
    result = import_mspdi(workspace, data, product_id=product.id)
    (warning,) = result.warnings
    assert warning.startswith("The product now works on the file's calendar “Gulf week”")
    # Both calendars described: the file's Sunday-to-Thursday week and the workspace's.
    assert "(Mon, Tue, Wed, Thu, Sun, 08:00–17:00 (8 h))" in warning
    assert "(Mon–Fri, 09:00–17:00 (8 h))" in warning
    assert _own(workspace, product.id)[1].weekdays == SUN_TO_THU


def test_tasks_with_calendars_of_their_own_are_named_in_one_warning(workspace, product):
    calendars = _calendar(1, "Standard", _week({2, 3, 4, 5, 6})) + _calendar(
        7, "24 Hours", _week(set(range(1, 8)), (("00:00:00", "00:00:00"),))
    )
    tasks = "".join(
        _task(
            n,
            f"Task {n}",
            "2025-01-06",
            "2025-01-06T17:00:00",
            more=f"<CalendarUID>{c}</CalendarUID>",
        )
        for n, c in ((1, -1), (2, 7), (3, 1), (4, 7))
    )
    result = import_mspdi(workspace, _project(tasks, calendars), product_id=product.id)
    (warning,) = [w for w in result.warnings if "of their own" in w]
    assert warning.startswith("2 tasks have calendars of their own")
    assert "Task 2 “Task 2”" in warning and "Task 4 “Task 4”" in warning
    assert "Task 3" not in warning and "Task 1 " not in warning


# -- dates on the calendar ---------------------------------------------------------------


def test_a_finish_is_judged_by_the_calendars_own_working_times(workspace, product):
    night = (("00:00:00", "03:00:00"), ("22:00:00", "00:00:00"))
    data = _project(
        "".join(
            [
                # 03:00 on Tuesday is worked on this calendar: the task ends on Tuesday.
                _task(1, "Night", "2025-01-06", "2025-01-07T03:00:00", start_time="22:00:00"),
                # Midnight is the first working minute: a finish then ends Monday.
                _task(2, "To midnight", "2025-01-06", "2025-01-07T00:00:00"),
            ]
        ),
        _calendar(week=_week({2, 3, 4, 5, 6}, night)),
    )
    import_mspdi(workspace, data, product_id=product.id)
    items = _items(workspace, product.id)
    assert items["Night"].end_date == dt.date(2025, 1, 7)
    assert items["To midnight"].end_date == dt.date(2025, 1, 6)


def test_a_finish_at_the_start_of_a_later_day_skips_back_over_days_off(workspace, product):
    late = (("10:00:00", "18:00:00"),)
    data = _project(
        "".join(
            [
                # 10:00 is when this calendar's day starts: Thursday 9th ends Wednesday 8th.
                _task(1, "Ten o'clock", "2025-01-06", "2025-01-09T10:00:00", start_time="10:00:00"),
                # 09:00 would have been the next morning of an 08:00 calendar too.
                _task(2, "Nine", "2025-01-06", "2025-01-09T09:00:00", start_time="10:00:00"),
                # 10:00 on Monday 13th, after a weekend and a Friday holiday: Thursday 9th.
                _task(3, "Over", "2025-01-06", "2025-01-13T10:00:00", start_time="10:00:00"),
                _task(4, "Late", "2025-01-06", "2025-01-09T10:30:00", start_time="10:00:00"),
            ]
        ),
        _calendar(
            week=_week({2, 3, 4, 5, 6}, late),
            exceptions=_exception("Off", "2025-01-10", "2025-01-10"),
        ),
    )
    import_mspdi(workspace, data, product_id=product.id)
    ends = {name: item.end_date for name, item in _items(workspace, product.id).items()}
    assert ends == {
        "Ten o'clock": dt.date(2025, 1, 8),
        "Nine": dt.date(2025, 1, 8),
        "Over": dt.date(2025, 1, 9),
        "Late": dt.date(2025, 1, 9),
    }


def test_undated_tasks_are_scheduled_on_the_files_calendar(workspace, product):
    exceptions = _exception("Holiday", "2025-01-07", "2025-01-07")
    data = _project(
        "".join(
            [
                _task(1, "Dated", "2025-01-05", "2025-01-06T17:00:00"),  # Sunday, Monday
                # Three working days after Monday, on a Sunday-to-Thursday week with a
                # Tuesday holiday: Wednesday, Thursday and Sunday.
                _task(2, "After", more="<Duration>PT24H0M0S</Duration>", links=_link(1, 0, 7)),
                # One working day later than "After" ends, counted on the calendar.
                _task(3, "Lagged", more="<Duration>PT8H0M0S</Duration>", links=_link(2, 4800, 7)),
            ]
        ),
        _calendar(week=_week({1, 2, 3, 4, 5}), exceptions=exceptions),
    )
    import_mspdi(workspace, data, product_id=product.id)
    items = _items(workspace, product.id)
    assert (items["After"].start_date, items["After"].end_date) == (
        dt.date(2025, 1, 8),
        dt.date(2025, 1, 12),
    )
    assert (items["Lagged"].start_date, items["Lagged"].end_date) == (
        dt.date(2025, 1, 14),
        dt.date(2025, 1, 14),
    )


# -- lags -------------------------------------------------------------------------------

LAGS = [
    # name, LinkLag, LagFormat, lag_days, elapsed, unit
    ("2d", 9600, 7, 2, False, "day"),
    ("2ed", 28800, 8, 2, True, "day"),
    ("1w", 24000, 9, 5, False, "week"),
    ("1ew", 100800, 10, 7, True, "week"),
    ("4h", 2400, 5, 1, False, "hour"),
    ("90em", 900, 4, 0, True, "minute"),
    ("1mo", 96000, 11, 20, False, "month"),
    ("50%", 50, 19, 2, False, "percent"),
    ("50e%", 50, 20, 2, True, "percent"),
    ("2d?", 9600, 39, 2, False, "day"),  # estimated: the same lag
]


@pytest.mark.parametrize(("label", "tenths", "fmt", "days", "elapsed", "unit"), LAGS)
def test_each_lag_format_keeps_its_unit_and_kind(
    workspace, product, label, tenths, fmt, days, elapsed, unit
):
    tasks = _task(
        1, "Four days", "2025-01-06", "2025-01-09T17:00:00", more=("<Duration>PT32H0M0S</Duration>")
    ) + _task(2, "Next", "2025-01-27", "2025-01-27T17:00:00", links=_link(1, tenths, fmt))
    data = _project(
        tasks, _calendar(week=_week({2, 3, 4, 5, 6})), "<MinutesPerDay>480</MinutesPerDay>"
    )
    import_mspdi(workspace, data, product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    (link,) = roadmap.dependencies_of(product.id)
    assert (link.lag_days, link.lag_elapsed, link.lag_unit.value, link.lag_exact) == (
        days,
        elapsed,
        unit,
        tenths,
    )
    data = export_mspdi(workspace, product.id, now=NOW)
    (written,) = ET.fromstring(data).iter(f"{P}PredecessorLink")
    assert written.findtext(f"{P}LinkLag") == str(tenths)
    assert written.findtext(f"{P}LagFormat") == str(fmt % 32 if fmt > 32 else fmt)
    copy = workspace.service(PortfolioService).create_product(name="Copy")
    import_mspdi(workspace, data, product_id=copy.id)
    (again,) = roadmap.dependencies_of(copy.id)
    assert (again.lag_days, again.lag_elapsed, again.lag_unit, again.lag_exact) == (
        link.lag_days,
        link.lag_elapsed,
        link.lag_unit,
        link.lag_exact,
    )


def test_lags_pmdesk_made_are_written_in_their_unit_from_their_days(workspace, product):
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    ids = [
        roadmap.items.create(
            product_id=product.id,
            lane_id=lane.id,
            name=f"Item {n}",
            start_date=dt.date(2025, 1, 6) + dt.timedelta(days=7 * n),
            end_date=dt.date(2025, 1, 7) + dt.timedelta(days=7 * n),
        ).id
        for n in range(5)
    ]
    made = [
        {"lag_days": 3},  # working days, the default
        {"lag_days": 3, "lag_elapsed": True},
        {"lag_days": -2, "lag_unit": "week"},  # a lead, shown in weeks
        {"lag_days": 2, "lag_unit": "percent"},  # a percent pmdesk cannot recount: days
    ]
    for n, fields in enumerate(made):
        roadmap.dependencies.create(predecessor_id=ids[n], successor_id=ids[n + 1], **fields)
    root = ET.fromstring(export_mspdi(workspace, product.id, now=NOW))
    found = [
        (link.findtext(f"{P}LinkLag"), link.findtext(f"{P}LagFormat"))
        for link in root.iter(f"{P}PredecessorLink")
    ]
    assert found == [("14400", "7"), ("43200", "8"), ("-9600", "9"), ("9600", "7")]


# -- writing the calendar ----------------------------------------------------------------


def _calendar_product(workspace, weekdays, exceptions=(), hours=None):
    """A product on a calendar of its own with four items, one on each kind of day."""
    portfolio = workspace.service(PortfolioService)
    product = portfolio.create_product(name="Atlas")
    calendars = workspace.service(CalendarService)
    own = calendars.give_own_calendar(product.id)
    calendars.update_calendar(own.id, name="Team week", weekdays=weekdays, **(hours or {}))
    for fields in exceptions:
        calendars.add_exception(own.id, **fields)
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    items = {}
    for name, start, end in (
        ("Weekdays", "2025-03-03", "2025-03-07"),  # Monday to Friday
        ("Weekend start", "2025-03-08", "2025-03-11"),  # Saturday to Tuesday
        ("Weekend", "2025-03-15", "2025-03-16"),  # Saturday and Sunday only
        ("Over holiday", "2025-03-17", "2025-03-21"),
    ):
        items[name] = roadmap.items.create(
            product_id=product.id, lane_id=lane.id, name=name, start_date=start, end_date=end
        ).id
    roadmap.dependencies.create(
        predecessor_id=items["Weekdays"], successor_id=items["Over holiday"], lag_days=2
    )
    return product.id


def _task_times(data: bytes) -> dict:
    root = ET.fromstring(data)
    return {
        t.findtext(f"{P}Name"): (t.findtext(f"{P}Start"), t.findtext(f"{P}Finish"))
        for t in root.iter(f"{P}Task")
    }


def test_the_products_calendar_is_written_with_hours_breaks_and_exceptions(workspace):
    product = _calendar_product(
        workspace,
        SUN_TO_THU,
        [
            {"name": "Spring holiday", "start_date": "2025-03-20", "end_date": "2025-03-20"},
            {"name": "Launch Friday", "start_date": "2025-03-14", "working": True},
        ],
        {"day_start": 480, "day_end": 1020, "minutes_per_day": 480},
    )
    root = ET.fromstring(export_mspdi(workspace, product, now=NOW))
    assert root.findtext(f"{P}MinutesPerDay") == "480"
    assert root.findtext(f"{P}MinutesPerWeek") == str(5 * 480)
    assert root.findtext(f"{P}DefaultStartTime") == "08:00:00"
    assert root.findtext(f"{P}DefaultFinishTime") == "17:00:00"
    (calendar,) = root.iter(f"{P}Calendar")
    assert calendar.findtext(f"{P}Name") == "Team week"
    days = {
        int(d.findtext(f"{P}DayType")): (
            d.findtext(f"{P}DayWorking"),
            [
                (t.findtext(f"{P}FromTime"), t.findtext(f"{P}ToTime"))
                for t in d.iter(f"{P}WorkingTime")
            ],
        )
        for d in calendar.iter(f"{P}WeekDay")
    }
    lunch = [("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")]  # 8 hours in 9: a break
    assert days == {
        1: ("1", lunch),
        2: ("1", lunch),
        3: ("1", lunch),
        4: ("1", lunch),
        5: ("1", lunch),
        6: ("0", []),
        7: ("0", []),
    }
    exceptions = [
        (
            e.findtext(f"{P}Name"),
            e.findtext(f"{P}TimePeriod/{P}FromDate"),
            e.findtext(f"{P}TimePeriod/{P}ToDate"),
            e.findtext(f"{P}DayWorking"),
            len(list(e.iter(f"{P}WorkingTime"))),
        )
        for e in calendar.iter(f"{P}Exception")
    ]
    assert sorted(exceptions) == [
        ("Launch Friday", "2025-03-14T00:00:00", "2025-03-14T23:59:00", "1", 2),
        ("Spring holiday", "2025-03-20T00:00:00", "2025-03-20T23:59:00", "0", 0),
    ]


def test_nothing_is_written_to_start_or_finish_on_a_day_off(workspace):
    product = _calendar_product(
        workspace,
        0b0011111,
        [{"name": "Holiday", "start_date": "2025-03-17", "end_date": "2025-03-17"}],
    )
    data = export_mspdi(workspace, product, now=NOW)
    times = _task_times(data)
    assert times["Weekdays"] == ("2025-03-03T09:00:00", "2025-03-07T17:00:00")
    assert times["Weekend start"] == ("2025-03-10T09:00:00", "2025-03-11T17:00:00")
    # Wholly on a weekend, and Monday 17th is a holiday: the first working day after.
    assert times["Weekend"] == ("2025-03-18T09:00:00", "2025-03-18T17:00:00")
    assert times["Over holiday"] == ("2025-03-18T09:00:00", "2025-03-21T17:00:00")
    calendar = workspace.service(CalendarService).effective(product)
    for start, finish in times.values():
        for moment in (start, finish):
            assert calendar.is_working_date(dt.date.fromisoformat(moment[:10])), moment


def test_a_saturday_working_calendar_keeps_saturday_dates(workspace):
    product = _calendar_product(workspace, 0b0111111)  # Monday to Saturday
    times = _task_times(export_mspdi(workspace, product, now=NOW))
    assert times["Weekend start"] == ("2025-03-08T09:00:00", "2025-03-11T17:00:00")
    assert times["Weekend"] == ("2025-03-15T09:00:00", "2025-03-15T17:00:00")
    root = ET.fromstring(export_mspdi(workspace, product, now=NOW))
    working = {
        d.findtext(f"{P}DayType"): d.findtext(f"{P}DayWorking") for d in root.iter(f"{P}WeekDay")
    }
    assert working == {"1": "0", "2": "1", "3": "1", "4": "1", "5": "1", "6": "1", "7": "1"}


@pytest.mark.parametrize(
    ("weekdays", "hours"),
    [
        (SUN_TO_THU, {"day_start": 480, "day_end": 1020, "minutes_per_day": 480}),
        (0b0111111, {"day_start": 420, "day_end": 1140, "minutes_per_day": 555}),
        (0b1111111, {"day_start": 0, "day_end": 1440, "minutes_per_day": 1440}),
    ],
    ids=["sun-thu-with-break", "six-days-odd-minutes", "around-the-clock"],
)
def test_export_import_export_is_identical(workspace, weekdays, hours):
    product = _calendar_product(
        workspace,
        weekdays,
        [
            {"name": "Holiday <&>", "start_date": "2025-03-18", "end_date": "2025-03-19"},
            {"name": "Extra", "start_date": "2025-03-22", "working": True},
        ],
        hours,
    )
    first = export_mspdi(workspace, product, now=NOW)
    copy = workspace.service(PortfolioService).create_product(name="Atlaz")
    result = import_mspdi(workspace, first, product_id=copy.id)
    assert result.warnings == []
    assert export_mspdi(workspace, copy.id, now=NOW).replace(b"Atlaz", b"Atlas") == first
    source = workspace.service(CalendarService).effective(product)
    again = workspace.service(CalendarService).effective(copy.id)
    assert again == source  # hours, weekdays, and the exceptions with their names
    assert workspace.service(CalendarService).product_calendar(copy.id).name == "Team week"


# -- the corpus ----------------------------------------------------------------------------


def _links(ws, product_id) -> list:
    roadmap = ws.service(RoadmapService)
    names = {i.id: i.name for i in roadmap.items_of(product_id)}
    return sorted(
        (
            names[d.predecessor_id],
            names[d.successor_id],
            d.type,
            d.lag_days,
            d.lag_elapsed,
            d.lag_unit,
            d.lag_exact,
        )
        for d in roadmap.dependencies_of(product_id)
    )


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xml")), ids=lambda p: p.name)
def test_a_corpus_plan_keeps_its_lags_and_calendar_through_pmdesk(workspace, path):
    portfolio = workspace.service(PortfolioService)
    first, second = (portfolio.create_product(name=n) for n in ("Qx1", "Qx2"))
    import_mspdi(workspace, path, product_id=first.id)
    data = export_mspdi(workspace, first.id, now=NOW)
    import_mspdi(workspace, data, product_id=second.id)
    assert _links(workspace, second.id) == _links(workspace, first.id)
    calendars = workspace.service(CalendarService)
    assert calendars.effective(second.id) == calendars.effective(first.id)
    # Project's standard calendar: Monday to Friday, 08:00-12:00 and 13:00-17:00.
    calendar = calendars.effective(first.id)
    assert (calendar.weekdays, calendar.day_start, calendar.day_end) == (0b0011111, 480, 1020)
    assert calendar.minutes_per_day == 480
    assert export_mspdi(workspace, second.id, now=NOW).replace(b"Qx2", b"Qx1") == data


def test_the_corpus_working_day_lags_are_not_turned_into_elapsed_days(workspace):
    product = workspace.service(PortfolioService).create_product(name="Links")
    import_mspdi(workspace, CORPUS / "task-links-project2010-mspdi.xml", product_id=product.id)
    links = _links(workspace, product.id)
    assert links and not any(link[4] for link in links)  # none elapsed
    root = ET.fromstring(export_mspdi(workspace, product.id, now=NOW))
    formats = {link.findtext(f"{P}LagFormat") for link in root.iter(f"{P}PredecessorLink")}
    assert formats == {"7", "9"}
