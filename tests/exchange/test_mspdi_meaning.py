"""MS Project plans keep their meaning: one small synthetic plan per way they used to lose it."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from _interchange_data import roadmap_view
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmdesk.core.enums import DependencyType, ItemKind
from pmdesk.exchange.importing import ImportFileError, ImportRefused, table_counts
from pmdesk.exchange.mspdi import export_mspdi, import_mspdi
from pmdesk.exchange.safexml import UnsafeXmlError
from pmdesk.store.services import PortfolioService, RoadmapService

NS = "http://schemas.microsoft.com/project"
NOW = dt.datetime(2025, 5, 1, 9, 30)
WEEK = ("2025-01-06", "2025-01-10")


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Plan")


def _project(tasks: str, extra: str = "", tail: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Project xmlns="{NS}"><Name>t.xml</Name>'
        f"<Title>Synthetic</Title>{extra}<Tasks>{tasks}</Tasks>{tail}</Project>"
    ).encode()


def _task(uid, name, start="", finish="", level=1, more="", links=""):
    dates = (f"<Start>{start}T08:00:00</Start>" if start else "") + (
        f"<Finish>{finish}T17:00:00</Finish>" if finish else ""
    )
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name>"
        f"<OutlineLevel>{level}</OutlineLevel>{dates}{more}{links}</Task>"
    )


def _link(pred, lag=0, fmt=7, kind=1):
    return (
        f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def _baseline(start="", finish=""):
    return (
        "<Baseline><Number>0</Number>"
        + (f"<Start>{start}T08:00:00</Start>" if start else "")
        + (f"<Finish>{finish}T17:00:00</Finish>" if finish else "")
        + "</Baseline>"
    )


def _items(ws, product_id):
    return {i.name: i for i in ws.service(RoadmapService).items_of(product_id)}


def _lags(ws, product_id):
    roadmap = ws.service(RoadmapService)
    names = {i.id: i.name for i in roadmap.items_of(product_id)}
    return {
        (names[d.predecessor_id], names[d.successor_id]): d.lag_days
        for d in roadmap.dependencies_of(product_id)
    }


def test_working_day_lags_stay_working_days_in_their_unit(workspace, product):
    tasks = "".join(
        [
            _task(1, "Build", "2025-01-06", "2025-01-10"),  # Monday to Friday
            _task(2, "Test", "2025-01-15", "2025-01-17", links=_link(1, 2 * 4800, 7)),
            _task(3, "Ship", "2025-01-27", "2025-01-27", links=_link(2, 5 * 4800, 9)),
        ]
    )
    result = import_mspdi(workspace, _project(tasks), product_id=product.id)
    # Two working days stay two working days (Monday and Tuesday after a Friday), not the
    # four calendar days they span; a working week stays five working days, shown in weeks.
    assert _lags(workspace, product.id) == {("Build", "Test"): 2, ("Test", "Ship"): 5}
    links = workspace.service(RoadmapService).dependencies_of(product.id)
    assert {(d.lag_elapsed, d.lag_unit.value) for d in links} == {(False, "day"), (False, "week")}
    assert not any("converted" in w for w in result.warnings)
    # pmdesk writes them back as they came, and they import back unchanged.
    data = export_mspdi(workspace, product.id, now=NOW)
    lags = [
        (link.findtext(f"{{{NS}}}LinkLag"), link.findtext(f"{{{NS}}}LagFormat"))
        for link in ET.fromstring(data).iter(f"{{{NS}}}PredecessorLink")
    ]
    assert lags == [(str(2 * 4800), "7"), (str(5 * 4800), "9")]
    again = workspace.service(PortfolioService).create_product(name="Again")
    assert import_mspdi(workspace, data, product_id=again.id).warnings == []
    assert _lags(workspace, again.id) == _lags(workspace, product.id)


def test_sub_day_lags_are_rounded_with_one_warning_and_percent_uses_working_duration(
    workspace, product
):
    ten_days = "<Duration>PT80H0M0S</Duration>"
    tasks = "".join(
        [
            # Ten working days, Thursday 2 to Wednesday 15 January (14 calendar days).
            _task(1, "Long", "2025-01-02", "2025-01-15", more=ten_days),
            _task(2, "Four hours", "2025-01-20", "2025-01-20", links=_link(1, 2400, 5)),
            _task(3, "Thirty percent", "2025-01-21", "2025-01-21", links=_link(1, 30, 19)),
            _task(4, "Ninety minutes", "2025-01-22", "2025-01-22", links=_link(1, 900, 4)),
        ]
    )
    result = import_mspdi(workspace, _project(tasks), product_id=product.id)
    lags = _lags(workspace, product.id)
    assert lags[("Long", "Thirty percent")] == 3  # 30 % of ten working days
    assert lags[("Long", "Four hours")] == 1  # half a working day rounds up to one
    assert lags[("Long", "Ninety minutes")] == 0  # 90 elapsed minutes
    (rounded,) = [w for w in result.warnings if "rounded" in w]
    assert rounded.startswith("2 links: lags were rounded to whole days")
    assert "“Four hours” (0.5 → 1 working day)" in rounded
    assert "“Ninety minutes” (0.0625 → 0 days)" in rounded
    assert "“Thirty percent”" not in rounded


def test_a_top_level_summary_keeps_its_progress_baseline_and_links(workspace, product):
    tasks = "".join(
        [
            _task(1, "Kick-off", "2025-01-02", "2025-01-02", more="<Milestone>1</Milestone>"),
            _task(
                2,
                "Phase one",
                "2025-01-06",
                "2025-01-17",
                more="<Summary>1</Summary><PercentComplete>40</PercentComplete>",
                links=_link(1, 0, 7) + _baseline("2025-01-06", "2025-01-15"),
            ),
            _task(3, "Design", "2025-01-06", "2025-01-10", level=2),
            _task(4, "Build", "2025-01-13", "2025-01-17", level=2),
            _task(5, "Review", "2025-01-20", "2025-01-20", links=_link(2, 0, 7)),
        ]
    )
    result = import_mspdi(workspace, _project(tasks), product_id=product.id)
    assert result.warnings == []
    roadmap = workspace.service(RoadmapService)
    lanes = {lane.name: lane.id for lane in roadmap.lanes_of(product.id)}
    items = _items(workspace, product.id)
    phase = items["Phase one"]
    assert phase.lane_id == lanes["Phase one"] and phase.kind == ItemKind.INITIATIVE
    assert (phase.start_date, phase.end_date, phase.progress) == (
        dt.date(2025, 1, 6),
        dt.date(2025, 1, 17),
        40,
    )
    assert items["Design"].parent_id == phase.id and items["Build"].parent_id == phase.id
    assert set(_lags(workspace, product.id)) == {("Kick-off", "Phase one"), ("Phase one", "Review")}
    (baseline,) = roadmap.baselines_of(product.id)
    dates = roadmap.baseline_dates(baseline.id)[phase.id]
    assert dates == (dt.date(2025, 1, 6), dt.date(2025, 1, 15))
    # pmdesk's own export of it imports back as the same roadmap: no second summary item.
    # The export lists items lane by lane, so only their order across lanes may differ.
    again = workspace.service(PortfolioService).create_product(name="Again")
    import_mspdi(workspace, export_mspdi(workspace, product.id, now=NOW), product_id=again.id)
    first, second = roadmap_view(workspace, product.id), roadmap_view(workspace, again.id)
    assert sorted(second.pop("items")) == sorted(first.pop("items"))
    assert second == first


def test_a_link_into_a_pmdesk_lane_is_warned_about(workspace, product):
    lane = (
        "<ExtendedAttribute><FieldID>188743731</FieldID><Value>lane:team</Value>"
        "</ExtendedAttribute>"
    )
    extra = (
        "<ExtendedAttributes><ExtendedAttribute><FieldID>188743731</FieldID>"
        "<FieldName>Text1</FieldName><Alias>pmdesk kind</Alias></ExtendedAttribute>"
        "</ExtendedAttributes>"
    )
    tasks = _task(1, "Team", "2025-01-06", "2025-01-10", more="<Summary>1</Summary>" + lane)
    tasks += _task(2, "Work", "2025-01-06", "2025-01-10", level=2, links=_link(1))
    result = import_mspdi(workspace, _project(tasks, extra), product_id=product.id)
    assert set(_items(workspace, product.id)) == {"Work"}
    assert result.warnings == [
        "Task 2 “Work”: its link from a lane (summary task) was not imported"
    ]


def test_half_set_baselines_are_skipped_not_invented(workspace, product):
    tasks = "".join(
        [
            _task(1, "Full", *WEEK, more=_baseline("2025-01-06", "2025-01-08")),
            _task(2, "Start only", *WEEK, more=_baseline(start="2025-01-06")),
            _task(3, "Finish only", *WEEK, more=_baseline(finish="2025-01-09")),
        ]
    )
    result = import_mspdi(workspace, _project(tasks), product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    (baseline,) = roadmap.baselines_of(product.id)
    items = _items(workspace, product.id)
    assert roadmap.baseline_dates(baseline.id) == {
        items["Full"].id: (dt.date(2025, 1, 6), dt.date(2025, 1, 8))
    }
    assert result.warnings == [
        "Task 2 “Start only”: its baseline has only a start; that baseline entry was not imported",
        "Task 3 “Finish only”: its baseline has only a finish; that baseline entry was not "
        "imported",
    ]


def test_a_milestone_that_lasts_becomes_a_release_over_its_days(workspace, product):
    tasks = _task(
        1,
        "Launch week",
        "2025-01-06",
        "2025-01-10",
        more="<Duration>PT40H0M0S</Duration><Milestone>1</Milestone>",
    ) + _task(2, "Gate", "2025-01-13", "2025-01-13", more="<Milestone>1</Milestone>")
    result = import_mspdi(workspace, _project(tasks), product_id=product.id)
    items = _items(workspace, product.id)
    week = items["Launch week"]
    assert (week.kind, week.start_date, week.end_date) == (
        ItemKind.RELEASE,
        dt.date(2025, 1, 6),
        dt.date(2025, 1, 10),
    )
    assert items["Gate"].kind == ItemKind.MILESTONE
    (warning,) = result.warnings
    assert "“Launch week” is flagged a milestone" in warning and "release" in warning


def test_tasks_without_dates_are_scheduled_from_duration_and_links(workspace, product):
    start = "<StartDate>2025-03-03T08:00:00</StartDate>"
    tasks = "".join(
        [
            _task(1, "Dated", "2025-03-10", "2025-03-12"),
            _task(2, "After it", more="<Duration>PT24H0M0S</Duration>", links=_link(1)),
            _task(3, "Loose", more="<Duration>PT16H0M0S</Duration>"),
            _task(4, "Gate", more="<Milestone>1</Milestone>", links=_link(2, 0, 7, kind=1)),
            _task(5, "Start only", "2025-03-05", more="<Duration>PT16H0M0S</Duration>"),
            _task(6, "Finish only", finish="2025-03-07", more="<Duration>PT24H0M0S</Duration>"),
        ]
    )
    result = import_mspdi(workspace, _project(tasks, start), product_id=product.id)
    items = _items(workspace, product.id)
    dates = {name: (i.start_date, i.end_date) for name, i in items.items()}
    # Durations are working days of the product's calendar (Monday to Friday): three
    # days from Thursday 13 March end on Monday 17th, and the gate follows on Tuesday.
    assert dates["After it"] == (dt.date(2025, 3, 13), dt.date(2025, 3, 17))
    assert dates["Loose"] == (dt.date(2025, 3, 3), dt.date(2025, 3, 4))  # at the project start
    assert dates["Gate"] == (dt.date(2025, 3, 18), dt.date(2025, 3, 18))
    assert dates["Start only"] == (dt.date(2025, 3, 5), dt.date(2025, 3, 6))
    assert dates["Finish only"] == (dt.date(2025, 3, 5), dt.date(2025, 3, 7))
    assert result.warnings == [
        "Task 5 “Start only” has only a start; its finish was counted from its duration",
        "Task 6 “Finish only” has only a finish; its start was counted from its duration",
    ]


def test_a_second_link_between_the_same_tasks_is_warned_about(workspace, product):
    tasks = _task(1, "A", "2025-01-06", "2025-01-06") + _task(
        2, "B", "2025-01-08", "2025-01-08", links=_link(1, 0, 7) + _link(1, 0, 7, kind=3)
    )
    result = import_mspdi(workspace, _project(tasks), product_id=product.id)
    (link,) = workspace.service(RoadmapService).dependencies_of(product.id)
    assert link.type == DependencyType.FINISH_TO_START
    assert result.warnings == [
        "Task 2 “B”: a second link from Task 1 “A” was skipped "
        "(pmdesk keeps one link between two items)"
    ]


def test_long_top_level_names_are_cut_with_a_warning_not_refused(workspace, product):
    long_name = "Programme " + "x" * 245  # 255 characters, as MS Project allows
    tasks = _task(1, long_name, "2025-01-06", "2025-01-10", more="<Summary>1</Summary>")
    tasks += _task(2, "Inside", "2025-01-06", "2025-01-10", level=2)
    tasks += _task(3, "y" * 320, "2025-01-06", "2025-01-10")
    title = "<Title>" + "T" * 230 + "</Title>"
    data = _project(tasks).replace(b"<Title>Synthetic</Title>", title.encode())
    result = import_mspdi(workspace, data, product_id=product.id)
    lanes = [lane.name for lane in workspace.service(RoadmapService).lanes_of(product.id)]
    assert lanes == [long_name[:200], "T" * 200]
    items = _items(workspace, product.id)
    assert long_name in items and "y" * 300 in items  # an item keeps up to 300 characters
    assert len([w for w in result.warnings if "it was cut to the" in w]) == 3


def test_a_real_task_with_uid_0_is_kept_and_the_project_summary_is_not(workspace, product):
    summary = "<Task><UID>0</UID><ID>0</ID><Name>Whole project</Name>" + (
        "<OutlineLevel>0</OutlineLevel><Start>2025-01-06T08:00:00</Start>"
        "<Finish>2025-01-10T17:00:00</Finish><Summary>1</Summary></Task>"
    )
    plain = _task(0, "Real zero", "2025-01-06", "2025-01-07")
    import_mspdi(workspace, _project(plain), product_id=product.id)
    assert set(_items(workspace, product.id)) == {"Real zero"}
    other = workspace.service(PortfolioService).create_product(name="Other")
    import_mspdi(
        workspace,
        _project(summary + _task(1, "One", "2025-01-06", "2025-01-06")),
        product_id=other.id,
    )
    assert set(_items(workspace, other.id)) == {"One"}


def test_resources_and_assignments_are_counted_in_the_result(workspace, product):
    resources = (
        "<Resources><Resource><UID>0</UID><ID>0</ID></Resource>"
        "<Resource><UID>1</UID><Name>Ana</Name></Resource>"
        "<Resource><UID>2</UID><Name>Bo</Name></Resource></Resources>"
        "<Assignments>"
        + "".join(
            f"<Assignment><UID>{n}</UID><TaskUID>1</TaskUID><ResourceUID>{r}</ResourceUID>"
            "</Assignment>"
            for n, r in ((1, 1), (2, 2), (3, -65535))
        )
        + "</Assignments>"
    )
    data = _project(_task(1, "Work", "2025-01-06", "2025-01-06"), tail=resources)
    result = import_mspdi(workspace, data, product_id=product.id)
    assert result.warnings == [
        "2 resources and 2 assignments not imported: a roadmap item has no owner or assignee"
    ]


def test_a_milestone_with_a_long_baseline_survives_round_trips(workspace, product):
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Lane")
    item = roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Was a feature",
        start_date="2025-01-06",
        end_date="2025-01-10",
    )
    roadmap.set_baseline(product.id, "Before")
    roadmap.items.update(item.id, kind=ItemKind.MILESTONE, end_date="2025-01-06")
    first = export_mspdi(workspace, product.id, now=NOW)
    copy = workspace.service(PortfolioService).create_product(name="Plax")
    import_mspdi(workspace, first, product_id=copy.id)
    assert export_mspdi(workspace, copy.id, now=NOW).replace(b"Plax", b"Plan") == first
    (baseline,) = roadmap.baselines_of(copy.id)
    assert list(roadmap.baseline_dates(baseline.id).values()) == [
        (dt.date(2025, 1, 6), dt.date(2025, 1, 10))
    ]


CONTROL = st.characters(min_codepoint=0, max_codepoint=0x9F, exclude_categories=("Cs",))
TEXT = st.text(
    st.one_of(CONTROL, st.sampled_from(list("\\u01dc5é🚀\ufffe"))),
    min_size=1,
    max_size=20,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# A name must not be blank to SQLite either, whose length() stops at a NUL character.
@given(name=TEXT.filter(lambda t: t.strip() and t.strip(" ")[:1] != "\x00"), notes=TEXT)
def test_control_characters_survive_export_and_import(tmp_path_factory, name, notes):
    from pmdesk.store.workspace import Workspace

    ws = Workspace.create(tmp_path_factory.mktemp("ctl") / "x.pmdesk", name="Controls")
    try:
        portfolio = ws.service(PortfolioService)
        source = portfolio.create_product(name="Source")
        roadmap = ws.service(RoadmapService)
        lane = roadmap.lanes.create(product_id=source.id, name=name)
        roadmap.items.create(
            product_id=source.id,
            lane_id=lane.id,
            name=name,
            notes=notes,
            start_date="2025-01-06",
            end_date="2025-01-06",
        )
        data = export_mspdi(ws, source.id, now=NOW)
        ET.fromstring(data)  # well-formed XML 1.0
        copy = portfolio.create_product(name="Copy")
        import_mspdi(ws, data, product_id=copy.id)
        assert roadmap_view(ws, copy.id) == roadmap_view(ws, source.id)
    finally:
        ws.close()


def test_progress_is_reported_up_to_100(workspace, product, tmp_path):
    tasks = "".join(_task(n, f"Task {n}", "2025-01-06", "2025-01-08") for n in range(1, 2001))
    path = tmp_path / "plan.xml"
    path.write_bytes(_project(tasks))
    calls = []
    import_mspdi(workspace, path, product_id=product.id, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (100, 100) and len(calls) >= 3
    assert [d for d, _ in calls] == sorted({d for d, _ in calls})  # only forward, no repeats
    assert len(_items(workspace, product.id)) == 2000


def test_a_streamed_file_still_refuses_declarations_anywhere(workspace, product, tmp_path):
    late = (
        b'<?xml version="1.0"?>'
        + b"<!--"
        + b" " * 5000
        + b"-->"
        + (
            b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project><Name>&x;</Name>'
            b"</Project>"
        )
    )
    undefined = b"<Project><Name>&x;</Name></Project>"
    for data in (late, undefined):
        path = tmp_path / "evil.xml"
        path.write_bytes(data)
        before = table_counts(workspace)
        with pytest.raises((UnsafeXmlError, ImportRefused, Exception)) as refused:
            import_mspdi(workspace, path, product_id=product.id)
        assert refused.type is UnsafeXmlError or "not well-formed" in str(refused.value)
        assert table_counts(workspace) == before


@pytest.mark.parametrize(
    ("depth", "refused"), [(200, False), (200_000, True)], ids=["deep", "hostile"]
)
def test_elements_nested_very_deep_are_read_or_refused_in_words(workspace, product, depth, refused):
    deep = b"<x>" * depth + b"</x>" * depth
    data = _project(_task(1, "Fine", "2025-01-06", "2025-01-06"), extra="")
    data = data.replace(b"<Title>", b"<Calendars>" + deep + b"</Calendars><Title>")
    before = table_counts(workspace)
    if not refused:
        import_mspdi(workspace, data, product_id=product.id)
        assert set(_items(workspace, product.id)) == {"Fine"}
        return
    with pytest.raises(ImportFileError, match="nested more than 256 deep") as caught:
        import_mspdi(workspace, data, product_id=product.id)
    assert "XML_PARSE_HUGE" not in str(caught.value)
    assert table_counts(workspace) == before


def test_a_text_longer_than_any_note_is_refused_in_words(workspace, product):
    data = _project(
        _task(1, "Fine", "2025-01-06", "2025-01-06", more="<Notes>" + "n" * (11 << 20) + "</Notes>")
    )
    before = table_counts(workspace)
    with pytest.raises(ImportFileError, match="longer than 10 MB"):
        import_mspdi(workspace, data, product_id=product.id)
    assert table_counts(workspace) == before


SPACES_ALONE = (" ", "\t", "\n  ", " " * 40)


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 8, 13, 1 << 20])
def test_notes_of_spaces_alone_are_kept_wherever_the_file_is_cut(monkeypatch, piece):
    # A task's notes or name of spaces alone are the task's own, whichever byte the file's
    # pieces end on (a parser dropping the layout's whitespace loses them at some cuts).
    from pmdesk.exchange import mspdi_read

    tasks = "\n    ".join(
        _task(n, f"  Task {n} ", "2025-01-06", "2025-01-06", more=f"<Notes>{text}</Notes>")
        for n, text in enumerate(SPACES_ALONE, 1)
    )
    monkeypatch.setattr(mspdi_read, "CHUNK", piece)
    project = mspdi_read.read_mspdi(_project(f"\n    {tasks}\n  "))
    assert [t.notes for t in project.tasks] == list(SPACES_ALONE)
    assert [t.name for t in project.tasks] == [f"  Task {n} " for n in range(1, 5)]


def test_a_long_note_of_spaces_alone_is_kept(workspace, product):
    # Three megabytes of spaces span three of the pieces the file is read in.
    spaces = " " * (3 << 20)
    data = _project(_task(1, "Wide", *WEEK, more=f"<Notes>{spaces}</Notes>"))
    import_mspdi(workspace, data, product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    (item,) = roadmap.items_of(product.id)
    assert item.notes == spaces
