"""iCalendar export, checked rule by rule by parsing it back with a small RFC 5545 reader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from _interchange_data import TRICKY, build_portfolio

from pmdesk.core.enums import ItemKind
from pmdesk.exchange.ics import MAX_OCTETS, escape_text, export_ics, fold
from pmdesk.store.services import (
    LaunchService,
    LifecycleService,
    PortfolioService,
    RoadmapService,
    StakeholderService,
)

NOW = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)


def unfold(data: bytes) -> list[str]:
    """Content lines: checks CRLF and the 75-octet limit, then joins continuation lines."""
    assert data.endswith(b"\r\n")
    physical = data[:-2].split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in physical), "bare LF or CR"
    for line in physical:
        assert len(line) <= MAX_OCTETS, line
        line.decode("utf-8")  # a fold never splits a character, so every piece decodes alone
    logical: list[bytes] = []
    for line in physical:
        if line[:1] in (b" ", b"\t"):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8") for line in logical]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def parse(data: bytes) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(calendar properties, events as {name[;params]: value})."""
    calendar: dict[str, str] = {}
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(data):
        name, value = line.split(":", 1)
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
        else:
            calendar.setdefault(name, value)
    return calendar, events


@pytest.fixture
def filled(workspace):
    return workspace, build_portfolio(workspace)


def test_the_calendar_has_its_required_properties(filled):
    workspace, _ids = filled
    lines = unfold(export_ics(workspace, now=NOW))
    assert (lines[0], lines[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")
    calendar, _events = parse(export_ics(workspace, now=NOW))
    assert calendar["VERSION"] == "2.0" and calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["PRODID"].startswith("-//pmdesk//")


def test_every_kind_of_date_becomes_an_all_day_event(filled):
    workspace, ids = filled
    expected = set()
    for product_id in (ids["product"], ids["second"]):
        expected |= {
            ("milestone", i.start_date)
            for i in workspace.service(RoadmapService).items_of(product_id)
            if i.kind == ItemKind.MILESTONE
        }
        expected |= {
            ("launch", x.launch_date)
            for x in workspace.service(LaunchService).launches_of(product_id)
        }
        expected |= {
            ("gate", g.decided_on) for g in workspace.service(LifecycleService).gates_of(product_id)
        }
        expected |= {
            ("contact", s.next_contact)
            for s in workspace.service(StakeholderService).stakeholders_of(product_id)
            if s.next_contact
        }
    _calendar, events = parse(export_ics(workspace, now=NOW))
    found = set()
    for event in events:
        start = dt.datetime.strptime(event["DTSTART;VALUE=DATE"], "%Y%m%d").date()
        end = dt.datetime.strptime(event["DTEND;VALUE=DATE"], "%Y%m%d").date()
        assert end == start + dt.timedelta(days=1), "DTEND is exclusive: the next day"
        assert event["DTSTAMP"] == "20250501T093000Z"
        found.add((event["UID"].split("-")[0], start))
    assert found == expected and len(events) == len(expected) == 4


def test_uids_are_unique_and_stable_between_exports(filled):
    workspace, _ids = filled
    first = [e["UID"] for e in parse(export_ics(workspace, now=NOW))[1]]
    later = NOW + dt.timedelta(days=3)
    second = [e["UID"] for e in parse(export_ics(workspace, now=later))[1]]
    assert first == second and len(set(first)) == len(first)
    assert all(uid.endswith("@pmdesk") for uid in first)


def test_the_workspace_is_part_of_the_uid(tmp_path):
    from pmdesk.store.workspace import Workspace

    uids = []
    for index in range(2):
        ws = Workspace.create(tmp_path / f"w{index}.pmdesk")
        try:
            ws.service(PortfolioService).info.update(1, created_at=f"2025-01-0{index + 1}T10:00:00")
            product = ws.service(PortfolioService).create_product(name="P")
            ws.service(LaunchService).launches.create(
                product_id=product.id, name="L", launch_date="2025-06-01"
            )
            uids.append(parse(export_ics(ws, now=NOW))[1][0]["UID"])
        finally:
            ws.close()
    assert uids[0] != uids[1]


def test_text_is_escaped_and_comes_back_exactly(filled):
    workspace, _ids = filled
    _calendar, events = parse(export_ics(workspace, now=NOW))
    summaries = [unescape(e["SUMMARY"]) for e in events]
    assert f"Widget {TRICKY}: Beta" in summaries
    gate = next(e for e in events if e["UID"].startswith("gate-"))
    assert unescape(gate["DESCRIPTION"]) == "Decided by Zoë\nStrong case\nsecond line"
    for event in events:
        raw = event["SUMMARY"]
        assert re.search(r"(?<!\\)[;,]", raw.replace("\\\\", "")) is None, raw


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a;b,c\\d", "a\\;b\\,c\\\\d"),
        ("one\r\ntwo\nthree\rfour", "one\\ntwo\\nthree\\nfour"),
        ("bell\x07tab\t", "belltab\t"),
    ],
)
def test_escape_text(text, escaped):
    assert escape_text(text) == escaped


@pytest.mark.parametrize("filler", ["a", "é", "日", "🚀", "a🚀é日"])
def test_folding_respects_octets_and_characters(filler):
    line = "SUMMARY:" + filler * 90
    data = fold(line)
    assert unfold(data) == [line]
    assert len(data.split(b"\r\n")[0]) <= MAX_OCTETS


def test_short_lines_are_not_folded():
    assert fold("A" * MAX_OCTETS) == b"A" * MAX_OCTETS + b"\r\n"


def test_one_product_only_and_written_to_a_file(filled, tmp_path):
    workspace, ids = filled
    dest = tmp_path / "dates.ics"
    data = export_ics(workspace, dest, product_id=ids["second"], now=NOW)
    assert dest.read_bytes() == data
    assert parse(data)[1] == []


def test_an_independent_reader_reads_the_calendar_back(filled):
    """The icalendar package (test-only) parses what we write: every event, its all-day
    date and its text exactly, without falling back on lenient parsing."""
    import icalendar

    workspace, _ids = filled
    data = export_ics(workspace, now=NOW)
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    _calendar, ours = parse(data)
    assert len(events) == len(ours) > 0
    for event, mine in zip(events, ours, strict=True):
        assert not event.errors, event.errors
        assert str(event["UID"]) == mine["UID"]
        assert str(event["SUMMARY"]) == unescape(mine["SUMMARY"])
        start = event.decoded("DTSTART")
        assert type(start) is dt.date  # all-day, not a datetime
        assert event.decoded("DTEND") > start
    gate = next(e for e in events if str(e["UID"]).startswith("gate-"))
    assert str(gate["DESCRIPTION"]) == "Decided by Zoë\nStrong case\nsecond line"
