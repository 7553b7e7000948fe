"""Format 3's new values in a file edited elsewhere: calendars, lags, elimination links.

Each test makes a real workspace, edits it with a plain sqlite3 connection (foreign keys
and CHECK constraints off, as any SQLite tool may), then opens it the ways pmdesk does.
A value pmdesk cannot use is the damaged-file message, by table and row, from
``Workspace.open`` and from ``pmdesk check`` alike, with the file left as it was; an odd
but usable calendar (two for the workspace, one without working days, ten thousand
holidays) opens, schedules and checks. Never a traceback, never a hang.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pmdesk.core.errors import ValidationError
from pmdesk.core.working_calendar import WorkingCalendar
from pmdesk.store.demo import create_demo
from pmdesk.store.errors import DamagedWorkspaceError
from pmdesk.store.services import LifecycleService, PortfolioService, RoadmapService
from pmdesk.store.services.calendar import CalendarService
from pmdesk.store.workspace import Workspace

MONDAY = dt.date(2027, 1, 4)


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> Path:
    """A format 3 file: a product, two linked items, a holiday, an elimination review."""
    path = tmp_path_factory.mktemp("calendar") / "plan.pmdesk"
    with Workspace.create(path, name="Calendars") as ws:
        pid = ws.service(PortfolioService).create_product(name="Atlas", stage="In-life").id
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=pid, name="Build")
        first = roadmap.items.create(
            product_id=pid,
            lane_id=lane.id,
            name="Design",
            start_date=MONDAY,
            end_date=MONDAY + dt.timedelta(days=4),
        )
        second = roadmap.items.create(
            product_id=pid,
            lane_id=lane.id,
            name="Build",
            start_date=MONDAY + dt.timedelta(days=7),
            end_date=MONDAY + dt.timedelta(days=11),
        )
        roadmap.dependencies.create(predecessor_id=first.id, successor_id=second.id, lag_days=2)
        calendars = ws.service(CalendarService)
        calendars.add_exception(
            calendars.workspace_calendar().id, name="Founders' day", start_date=MONDAY
        )
        lifecycle = ws.service(LifecycleService)
        review = lifecycle.open_elimination(pid).entity_id
        lifecycle.update_elimination(review, end_of_sale=dt.date(2028, 3, 31))
    return path


def _edited(plan_file: Path, folder: Path, *statements: str) -> Path:
    path = folder / "edited.pmdesk"
    shutil.copyfile(plan_file, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")  # the file stands alone
    conn.close()
    return path


def _check(path: Path) -> subprocess.CompletedProcess:
    """``pmdesk check FILE`` in a process of its own: a hang fails the test by its timeout."""
    return subprocess.run(
        [sys.executable, "-m", "pmdesk", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _add_exceptions(count: int, first: str, span_days: int) -> str:
    """SQL adding ``count`` exceptions to the workspace calendar, alternately off and worked."""
    return (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
        f"{count}) INSERT INTO calendar_exception "
        "(calendar_id, name, start_date, end_date, working, row_version) "
        f"SELECT 1, 'Day ' || i, date('{first}', '+' || (i * 3) || ' days'), "
        f"date('{first}', '+' || (i * 3 + {span_days}) || ' days'), i % 2, 1 FROM n"
    )


# What a hand edit can leave, and the words the message must hold.
REFUSED = {
    "text in weekdays": (
        "UPDATE work_calendar SET weekdays = 'Mon-Fri'",
        "work calendar 1: weekdays holds 'Mon-Fri', not a whole number",
    ),
    "weekdays beyond a week": (
        "UPDATE work_calendar SET weekdays = 128",
        "work calendar 1 breaks the rule “weekday set” (weekdays 128)",
    ),
    "negative weekdays": (
        "UPDATE work_calendar SET weekdays = -1",
        "breaks the rule “weekday set”",
    ),
    "1e308 in day_end": (
        "UPDATE work_calendar SET day_end = 1e308",
        "work calendar 1: day end holds 1e+308, not a whole number",
    ),
    "a day ending before it starts": (
        "UPDATE work_calendar SET day_start = 1000, day_end = 600",
        "breaks the rule “day hours” (day start 1000, day end 600)",
    ),
    "a day beyond midnight": (
        "UPDATE work_calendar SET day_end = 1500",
        "breaks the rule “day hours”",
    ),
    "more minutes than the day holds": (
        "UPDATE work_calendar SET minutes_per_day = 600",
        "breaks the rule “minutes fit day”",
    ),
    "no minutes a day": (
        "UPDATE work_calendar SET minutes_per_day = 0",
        "breaks the rule “minutes fit day”",
    ),
    "a fraction of a minute": (
        "UPDATE work_calendar SET day_start = 540.5",
        "day start holds 540.5, not a whole number",
    ),
    "a calendar name of bytes": (
        "UPDATE work_calendar SET name = X'4142'",
        "work calendar 1: name holds 'AB', not text",
    ),
    "year 9999 in an exception": (
        "UPDATE calendar_exception SET end_date = '9999-12-31'",
        "calendar exception 1: end date holds '9999-12-31', not a date from 1900 to 2199",
    ),
    "an exception before 1900": (
        "UPDATE calendar_exception SET start_date = '1066-10-14'",
        "start date holds '1066-10-14'",
    ),
    "an exception that is no date": (
        "UPDATE calendar_exception SET start_date = '2027-02-30', end_date = '2027-03-01'",
        "start date holds '2027-02-30'",
    ),
    "an exception ending before it starts": (
        "UPDATE calendar_exception SET end_date = '2026-12-31'",
        "calendar exception 1 breaks the rule “end after start”",
    ),
    "an exception without a name": (
        "UPDATE calendar_exception SET name = '   '",
        "breaks the rule “name not blank”",
    ),
    "an exception worked twice": (
        "UPDATE calendar_exception SET working = 2",
        "working holds 2, not yes or no",
    ),
    "lag_elapsed not yes or no": (
        "UPDATE dependency SET lag_elapsed = 'yes'",
        "dependency 1: lag elapsed holds 'yes', not yes or no",
    ),
    "an unknown lag unit": (
        "UPDATE dependency SET lag_unit = 'fortnight'",
        "lag unit holds 'fortnight', not one of minute, hour, day, week, month, percent",
    ),
    "an exact lag of text": (
        "UPDATE dependency SET lag_exact = '48 h'",
        "lag exact holds '48 h', not a whole number",
    ),
    "an exact lag beyond bounds": (
        "UPDATE dependency SET lag_exact = 99999999999",
        "lag exact holds 99999999999, not a whole number within ±1,000,000,000",
    ),
    "an exact lag of a fraction": (
        "UPDATE dependency SET lag_exact = 4800.5",
        "lag exact holds 4800.5",
    ),
    "a lag of a million years": (
        "UPDATE dependency SET lag_days = 365000000",
        "lag days holds 365000000, not a number of days within ±36,500",
    ),
    "a milestone link of text": (
        "UPDATE elimination_review SET end_of_sale_item_id = 'Design'",
        "elimination review 1: end of sale item id holds 'Design', not a whole number",
    ),
    "a milestone link of a fraction": (
        "UPDATE elimination_review SET end_of_support_item_id = 1.5",
        "end of support item id holds 1.5",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_value_pmdesk_cannot_use_is_refused_by_row_untouched(case, plan_file, tmp_path):
    statement, expected = REFUSED[case]
    path = _edited(plan_file, tmp_path, statement)
    before = path.read_bytes()
    for read_only in (True, False):
        with pytest.raises(DamagedWorkspaceError, match="cannot use") as refused:
            Workspace.open(path, read_only=read_only)
        assert expected in str(refused.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.pmdesk"]


@pytest.mark.parametrize(
    "case", ["text in weekdays", "a day ending before it starts", "year 9999 in an exception"]
)
def test_pmdesk_check_reports_the_value_in_one_line(case, plan_file, tmp_path):
    statement, expected = REFUSED[case]
    path = _edited(plan_file, tmp_path, statement)
    before = path.read_bytes()
    done = _check(path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert done.stderr.startswith("pmdesk: edited.pmdesk: ") and done.stderr.count("\n") == 1
    assert expected in done.stderr
    assert path.read_bytes() == before


def _open_and_plan(path: Path) -> tuple[WorkingCalendar, dict]:
    """Everything a calendar feeds: the effective calendar, a schedule, violations, a
    reschedule, and the Gantt's shading and holiday names over the plan's months."""
    with Workspace.open(path) as ws:
        roadmap = ws.service(RoadmapService)
        calendar = ws.service(CalendarService).effective(1)
        roadmap.schedule_of(1)
        roadmap.violations_of(1)
        moved = roadmap.reschedule_successors(1)
        calendar.non_working_runs(MONDAY, MONDAY + dt.timedelta(days=120))
        calendar.holiday_on(MONDAY)
        calendar.describe()
        return calendar, moved


def _check_passes(path: Path) -> None:
    done = _check(path)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^Integrity:\s+ok$", done.stdout, re.MULTILINE), done.stdout


def test_two_workspace_calendars_the_lowest_id_counts(plan_file, tmp_path):
    """UNIQUE lets two rows have no product; the one pmdesk made (the lowest id) is used."""
    path = _edited(
        plan_file,
        tmp_path,
        "INSERT INTO work_calendar (id, product_id, name, weekdays, day_start, day_end, "
        "minutes_per_day, row_version) VALUES (7, NULL, 'Every day', 127, 0, 1440, 600, 1)",
        "INSERT INTO work_calendar (id, product_id, name, weekdays, day_start, day_end, "
        "minutes_per_day, row_version) VALUES (5, NULL, 'Weekends', 96, 0, 600, 600, 1)",
    )
    calendar, _ = _open_and_plan(path)
    assert (calendar.weekdays, calendar.day_start, calendar.day_end) == (31, 540, 1020)
    assert [e.name for e in calendar.exceptions] == ["Founders' day"]
    with Workspace.open(path, read_only=True) as ws:
        service = ws.service(CalendarService)
        assert service.workspace_calendar().id == 1
        assert service.calendar_for(1).id == 1
        # A product's own calendar starts as a copy of that one too.
    with Workspace.open(path) as ws:
        own = ws.service(CalendarService).give_own_calendar(1)
        assert own.weekdays == 31 and own.name == "Standard"
    _check_passes(path)


def test_a_calendar_without_working_days_counts_calendar_days(plan_file, tmp_path):
    """No weekday worked and no extra working day: durations and lags count every day."""
    path = _edited(plan_file, tmp_path, "UPDATE work_calendar SET weekdays = 0")
    calendar, moved = _open_and_plan(path)
    assert not calendar.has_working_days
    assert calendar.describe().startswith("no working weekdays")
    # Design ends on Friday the 8th; 2 days of lag (calendar days now) allow Build on
    # Monday the 11th: already there, nothing moves.
    assert moved == {}
    assert calendar.add_working(MONDAY.toordinal(), 10) == MONDAY.toordinal() + 10
    _check_passes(path)


def test_a_calendar_without_working_days_and_one_extra_day_does_not_hang(plan_file, tmp_path):
    path = _edited(
        plan_file,
        tmp_path,
        "UPDATE work_calendar SET weekdays = 0",
        "DELETE FROM calendar_exception",
        "INSERT INTO calendar_exception (calendar_id, name, start_date, end_date, working, "
        "row_version) VALUES (1, 'Release Saturday', '2027-01-09', '2027-01-09', 1, 1)",
    )
    calendar, _ = _open_and_plan(path)
    assert calendar.has_working_days
    assert calendar.is_working_date(dt.date(2027, 1, 9))
    _check_passes(path)


@pytest.mark.parametrize(
    ("statement", "refused"),
    [
        (_add_exceptions(10_000, "1900-01-01", 0), None),  # ten thousand single days
        (_add_exceptions(10_000, "1900-01-01", 36_000), None),  # overlapping centuries
        (
            "INSERT INTO calendar_exception (calendar_id, name, start_date, end_date, "
            "working, row_version) VALUES (1, 'Closed', '1900-01-01', '2199-12-31', 0, 1)",
            "outside the years 1900 to 2199",
        ),
    ],
    ids=["10,000 days", "10,000 centuries", "holidays for ever"],
)
def test_many_or_endless_exceptions_open_schedule_and_check(
    statement, refused, plan_file, tmp_path
):
    """Whatever the holidays, scheduling ends: in dates pmdesk can show, or in words."""
    path = _edited(plan_file, tmp_path, statement)
    if refused is None:
        calendar, _ = _open_and_plan(path)
        assert len(calendar.exceptions) > 1
    else:  # no working day before 2200: the move Build needs cannot be made
        with pytest.raises(ValidationError, match=refused):
            _open_and_plan(path)
    with Workspace.open(path, read_only=True) as ws:
        calendar = ws.service(CalendarService).effective(1)
        assert calendar.next_working(MONDAY.toordinal()) >= MONDAY.toordinal()
    _check_passes(path)


def test_an_elimination_link_to_nothing_is_a_broken_reference_in_check(plan_file, tmp_path):
    """Foreign keys off, a link to an item that does not exist: the file opens, the link is
    not followed (see test_lifecycle_service), and ``pmdesk check`` reports it."""
    path = _edited(plan_file, tmp_path, "UPDATE elimination_review SET end_of_sale_item_id = 999")
    with Workspace.open(path) as ws:
        assert ws.service(LifecycleService).milestones_of(1) == {}
    done = _check(path)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2
    assert "broken references (first in elimination_review)" in done.stderr


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")
    Workspace.open(path).close()  # folded back: the file stands alone
    return path


def test_the_demo_with_its_holidays_edited_elsewhere(demo_file, tmp_path):
    """The demo's own holidays: one turned inside out is refused; ten thousand more and
    a Sunday-only week open, and every product's plan schedules and reschedules."""
    path = _edited(
        demo_file,
        tmp_path,
        "UPDATE calendar_exception SET end_date = date(start_date, '-1 day') "
        "WHERE id = (SELECT max(id) FROM calendar_exception)",
    )
    with pytest.raises(DamagedWorkspaceError, match="breaks the rule “end after start”"):
        Workspace.open(path, read_only=True)
    path.unlink()

    path = _edited(
        demo_file,
        tmp_path,
        _add_exceptions(10_000, "2020-01-01", 2),
        "UPDATE work_calendar SET weekdays = 64",
    )
    with Workspace.open(path) as ws:
        roadmap = ws.service(RoadmapService)
        products = [p.id for p in ws.service(PortfolioService).list_products()]
        assert products
        for pid in products:
            assert roadmap.calendar_of(pid).weekdays == 64
            roadmap.schedule_of(pid)
            roadmap.violations_of(pid)
            try:
                roadmap.reschedule_successors(pid)
            except ValidationError as exc:  # pushed beyond 2199: said in words
                assert "outside the years" in str(exc)
    _check_passes(path)
