"""MS Project XML into the roadmap, checked against real files saved by Microsoft Project."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _interchange_data import CORPUS

from pmdesk.core.enums import DependencyType, ItemKind, ItemStatus
from pmdesk.core.errors import NotFoundError
from pmdesk.exchange.importing import (
    MAX_IMPORT_BYTES,
    MAX_STREAMED_BYTES,
    ImportFileError,
    ImportRefused,
    table_counts,
)
from pmdesk.exchange.mspdi import import_mspdi, read_mspdi
from pmdesk.exchange.safexml import UnsafeXmlError
from pmdesk.store.services import PortfolioService, RoadmapService

NS = {"p": "http://schemas.microsoft.com/project"}
CORPUS_FILES = sorted(CORPUS.glob("*.xml"))
# The MSPDI link type codes (the schema's definition, not a result).
TYPE_CODES = {
    "0": DependencyType.FINISH_TO_FINISH,
    "1": DependencyType.FINISH_TO_START,
    "2": DependencyType.START_TO_FINISH,
    "3": DependencyType.START_TO_START,
}


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Plan")


def _tasks(path: Path) -> list[ET.Element]:
    """The file's real tasks, read with the standard library (these files are trusted)."""
    root = ET.parse(path).getroot()
    return [
        t
        for t in root.findall("p:Tasks/p:Task", NS)
        if t.findtext("p:IsNull", "0", NS) != "1" and t.findtext("p:OutlineLevel", "1", NS) != "0"
    ]


def _is_lane(task: ET.Element) -> bool:
    return (
        task.findtext("p:OutlineLevel", "1", NS) == "1"
        and task.findtext("p:Summary", "0", NS) == "1"
    )


def test_the_corpus_is_all_there():
    assert len(CORPUS_FILES) == 5, "every file of the corpus README should be tested"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_file_imports_task_for_task(workspace, product, path: Path):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = import_mspdi(workspace, path, product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    tasks = _tasks(path)
    items = sorted(roadmap.items_of(product.id), key=lambda i: i.sort_order)
    # Every task is an item, a top-level summary too (it is also its lane).
    assert [i.name for i in items] == [t.findtext("p:Name", "", NS) for t in tasks]
    for item, task in zip(items, tasks, strict=True):
        assert item.start_date == dt.datetime.fromisoformat(task.findtext("p:Start", "", NS)).date()
        assert (item.kind == ItemKind.MILESTONE) == (task.findtext("p:Milestone", "", NS) == "1")
        assert item.progress == int(task.findtext("p:PercentComplete", "0", NS))
        assert item.end_date >= item.start_date
    lanes = {lane.name for lane in roadmap.lanes_of(product.id)}
    assert {t.findtext("p:Name", "", NS) for t in tasks if _is_lane(t)} <= lanes
    links = [link for t in tasks for link in t.findall("p:PredecessorLink", NS)]
    assert len(roadmap.dependencies_of(product.id)) == len(links) == result.count("dependency")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "the corpus is read-only"


# LagFormat -> (unit, elapsed), as the MSPDI schema defines it (3 m ... 12 emo).
LAG_FORMATS = {
    "3": ("minute", False),
    "5": ("hour", False),
    "7": ("day", False),
    "8": ("day", True),
    "9": ("week", False),
}


def _lags_as_pmdesk_has_them(workspace, product, path: Path) -> tuple[dict, dict]:
    """(found, expected): {(pred UID, succ UID): (type, days, elapsed, unit, exact)} as
    imported, and as the file says: working lags in working days of 480 minutes."""
    roadmap = workspace.service(RoadmapService)
    items = sorted(roadmap.items_of(product.id), key=lambda i: i.sort_order)
    tasks = _tasks(path)
    uids = {i.id: t.findtext("p:UID", "", NS) for i, t in zip(items, tasks, strict=True)}
    found = {
        (uids[d.predecessor_id], uids[d.successor_id]): (
            d.type,
            d.lag_days,
            d.lag_elapsed,
            d.lag_unit.value,
            d.lag_exact,
        )
        for d in roadmap.dependencies_of(product.id)
    }
    expected = {}
    for task in tasks:
        for link in task.findall("p:PredecessorLink", NS):
            pred = link.findtext("p:PredecessorUID", "", NS)
            kind = TYPE_CODES[link.findtext("p:Type", "", NS)]
            tenths = int(link.findtext("p:LinkLag", "0", NS))
            unit, elapsed = LAG_FORMATS[link.findtext("p:LagFormat", "7", NS)]
            days = tenths // (14400 if elapsed else 4800)
            expected[(pred, task.findtext("p:UID", "", NS))] = (kind, days, elapsed, unit, tenths)
    return found, expected


def test_link_types_and_working_day_lags_come_across(workspace, product):
    path = CORPUS / "mspdirelations.xml"
    result = import_mspdi(workspace, path, product_id=product.id)
    found, expected = _lags_as_pmdesk_has_them(workspace, product, path)
    assert found == expected
    assert {link[0] for link in found.values()} == set(DependencyType)
    # SS + 1 working day from Friday 2006-09-22: one working day, as in the file (the
    # product's calendar makes it Monday), not three calendar days.
    assert found[("2", "3")] == (DependencyType.START_TO_START, 1, False, "day", 4800)
    assert not any("converted" in w for w in result.warnings)


def test_week_lags_and_leads_keep_their_unit(workspace, product):
    path = CORPUS / "task-links-project2010-mspdi.xml"
    import_mspdi(workspace, path, product_id=product.id)
    found, expected = _lags_as_pmdesk_has_them(workspace, product, path)
    assert found == expected
    # Two working weeks (LagFormat 9, 48 000 tenths) are ten working days, shown in weeks.
    assert max(link[1] for link in found.values()) == 10
    assert {link[3] for link in found.values()} == {"day", "week"}
    other = workspace.service(PortfolioService).create_product(name="Sample")
    import_mspdi(workspace, CORPUS / "sample.xml", product_id=other.id)
    assert -1 in {d.lag_days for d in workspace.service(RoadmapService).dependencies_of(other.id)}


def test_summary_tasks_become_lanes_and_milestones_stay_milestones(workspace, product):
    import_mspdi(workspace, CORPUS / "sample.xml", product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    lanes = {lane.id: lane.name for lane in roadmap.lanes_of(product.id)}
    items = {i.name: i for i in roadmap.items_of(product.id)}
    assert lanes[items["Second Task"].lane_id] == "First Task"
    assert items["Third task"].kind == ItemKind.MILESTONE
    assert items["Third task"].start_date == items["Third task"].end_date
    # Finish 2003-03-18 08:00 is the end of the working day before.
    assert items["Second Task"].end_date == dt.date(2003, 3, 17)


def test_a_half_set_baseline_is_skipped_with_a_warning_not_guessed(workspace, product):
    path = CORPUS / "task-baselines-project2010-mspdi.xml"
    result = import_mspdi(workspace, path, product_id=product.id)
    half = []
    for task in _tasks(path):
        for line in task.findall("p:Baseline", NS):
            start, finish = line.findtext("p:Start", None, NS), line.findtext("p:Finish", None, NS)
            if line.findtext("p:Number", "", NS) == "0" and bool(start) != bool(finish):
                half.append(task.findtext("p:Name", "", NS))
    assert len(half) == 4  # every baseline 0 of this file has only a start or only a finish
    skipped = [w for w in result.warnings if "that baseline entry was not imported" in w]
    assert [w.split("“")[1].split("”")[0] for w in skipped] == half
    assert workspace.service(RoadmapService).baselines_of(product.id) == []


def _project(tasks: str, extra: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Project xmlns="{NS["p"]}"><Name>t.xml</Name>'
        f"<Title>Synthetic</Title>{extra}<Tasks>{tasks}</Tasks></Project>"
    ).encode()


def _task(uid, name, start, finish, level=1, summary=0, links="", more=""):
    return (
        f"<Task><UID>{uid}</UID><ID>{uid}</ID><Name>{name}</Name><OutlineLevel>{level}"
        f"</OutlineLevel><Start>{start}T08:00:00</Start><Finish>{finish}T17:00:00</Finish>"
        f"<Summary>{summary}</Summary>{more}{links}</Task>"
    )


def _link(pred, lag, fmt, kind=1):
    return (
        f"<PredecessorLink><PredecessorUID>{pred}</PredecessorUID><Type>{kind}</Type>"
        f"<LinkLag>{lag}</LinkLag><LagFormat>{fmt}</LagFormat></PredecessorLink>"
    )


def test_elapsed_percent_and_calendar_specific_lags(workspace, product):
    tasks = "".join(
        [
            _task(1, "Four days", "2025-01-06", "2025-01-09"),
            _task(2, "Elapsed", "2025-01-20", "2025-01-20", links=_link(1, 2 * 14400, 8)),
            _task(3, "Percent", "2025-01-20", "2025-01-20", links=_link(1, 50, 19)),
            _task(4, "Hours", "2025-01-20", "2025-01-20", links=_link(1, 1200, 5)),
            _task(5, "Ten-hour day", "2025-01-20", "2025-01-20", links=_link(1, 6000, 7)),
        ]
    )
    result = import_mspdi(
        workspace, _project(tasks, "<MinutesPerDay>600</MinutesPerDay>"), product_id=product.id
    )
    roadmap = workspace.service(RoadmapService)
    names = {i.id: i.name for i in roadmap.items_of(product.id)}
    lags = {
        names[d.successor_id]: (d.lag_days, d.lag_elapsed, d.lag_unit.value, d.lag_exact)
        for d in roadmap.dependencies_of(product.id)
    }
    # Lags count the days the file counts: 2 elapsed days; 50 % of four working days is
    # two working days; a ten-hour working day (MinutesPerDay 600) is one working day;
    # two hours are a fifth of one, rounded to none. Each keeps its unit and exact length.
    assert lags == {
        "Elapsed": (2, True, "day", 2 * 14400),
        "Percent": (2, False, "percent", 50),
        "Hours": (0, False, "hour", 1200),
        "Ten-hour day": (1, False, "day", 6000),
    }
    (rounded,) = [w for w in result.warnings if "rounded" in w]
    assert rounded.startswith("1 link: its lag was rounded") and "“Hours”" in rounded
    assert not any("converted" in w for w in result.warnings)


def test_nested_summaries_become_parent_items(workspace, product):
    tasks = "".join(
        [
            _task(1, "Lane", "2025-01-06", "2025-01-31", summary=1),
            _task(
                2,
                "Epic",
                "2025-01-06",
                "2025-01-31",
                level=2,
                summary=1,
                more="<PercentComplete>100</PercentComplete>",
            ),
            _task(3, "Story", "2025-01-06", "2025-01-10", level=3),
            _task(4, "Loose", "2025-02-03", "2025-02-03"),
        ]
    )
    import_mspdi(workspace, _project(tasks), product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    items = {i.name: i for i in roadmap.items_of(product.id)}
    lanes = {lane.id: lane.name for lane in roadmap.lanes_of(product.id)}
    assert items["Story"].parent_id == items["Epic"].id
    assert items["Epic"].kind == ItemKind.INITIATIVE and items["Epic"].status == ItemStatus.DONE
    assert lanes[items["Story"].lane_id] == "Lane"
    assert lanes[items["Loose"].lane_id] == "Synthetic"  # top-level tasks: a lane for the project


def test_every_broken_task_is_reported_and_nothing_is_written(workspace, product):
    tasks = "".join(
        [
            _task(1, "Fine", "2025-01-06", "2025-01-06"),
            # No start: scheduled, not refused (see below).
            _task(2, "No start", "", "2025-01-06").replace("<Start>T08:00:00</Start>", ""),
            _task(
                3,
                "Too done",
                "2025-01-06",
                "2025-01-06",
                more="<PercentComplete>150</PercentComplete>",
            ),
            _task(4, "Bad link", "2025-01-06", "2025-01-06", links=_link(1, 0, 7, kind=9)),
            _task(5, "Bad date", "2025-13-06", "2025-01-06"),
            _task(6, "x" * 301, "2025-01-06", "2025-01-06"),  # cut to 300, not refused
            _task(7, "Bad lag", "2025-01-06", "2025-01-06", links=_link(1, "4.8e", 7)),
        ]
    )
    before = table_counts(workspace)
    with pytest.raises(ImportRefused) as refused:
        import_mspdi(workspace, _project(tasks), product_id=product.id)
    labels = [error.header for error in refused.value.errors]
    assert [label.split(" “")[0] for label in labels] == ["Task 3", "Task 4", "Task 5", "Task 7"]
    assert table_counts(workspace) == before


@pytest.mark.parametrize(
    ("percent", "read"),
    [
        ("40", 40),  # the plain case, taken at once
        (" 40 ", 40),  # spaces around it
        ("0040", 40),
        ("\u0664\u0660", 40),  # Arabic-Indic digits are digits to Python, as before
        ("40.6", 40),  # a decimal is cut to its whole part, as before
        ("\u00b2", None),  # a superscript two is not a number
        ("1e3", None),
        ("99999999999999999999", None),  # past any number pmdesk reads
        ("-5", None),  # a number, but outside 0 to 100
    ],
)
def test_a_strangers_numbers_are_read_or_refused_as_before(workspace, product, percent, read):
    """The reader takes a plain number at once and everything else the careful way."""
    tasks = _task(
        1, "Odd", "2025-01-06", "2025-01-06", more=f"<PercentComplete>{percent}</PercentComplete>"
    )
    project = read_mspdi(_project(tasks), strict=False)
    if read is None:
        assert [task.uid for task in project.tasks] == [] and len(project.errors) == 1
        assert "PercentComplete" in project.errors[0].message
    else:
        assert [task.percent for task in project.tasks] == [read] and project.errors == []


def test_a_cycle_of_links_is_refused(workspace, product):
    tasks = _task(1, "A", "2025-01-06", "2025-01-06", links=_link(2, 0, 7)) + _task(
        2, "B", "2025-01-07", "2025-01-07", links=_link(1, 0, 7)
    )
    with pytest.raises(ImportRefused, match="cycle"):
        import_mspdi(workspace, _project(tasks), product_id=product.id)


def test_an_unknown_product_is_refused(workspace):
    with pytest.raises(NotFoundError):
        import_mspdi(workspace, CORPUS / "sample.xml", product_id=999)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<Project><Tasks>", "not well-formed"),
        (b"<Workbook/>", "not a Microsoft Project"),
        (b"\x00\x01\x02garbage", "not well-formed"),
    ],
)
def test_files_that_are_not_mspdi_are_refused(data: bytes, message: str):
    with pytest.raises(ImportFileError, match=message):
        read_mspdi(data)


def test_a_plan_larger_than_any_portfolio_export_is_read(workspace, product, tmp_path):
    # Project saves some 5 KB a task with its assignment: a 20,000-task plan is about
    # 100 MB. The plan is read piece by piece, so only a far larger file is refused.
    source = CORPUS / "task-links-project2010-mspdi.xml"
    text = source.read_bytes()
    remark = b"<!--" + b"Project's other fields. " * 42 + b"-->"  # 1 KB
    padding = remark * (MAX_IMPORT_BYTES // len(remark) + 1)
    big = tmp_path / "large plan.xml"
    big.write_bytes(text.replace(b"</Project>", padding + b"</Project>"))
    assert big.stat().st_size > MAX_IMPORT_BYTES
    result = import_mspdi(workspace, big, product_id=product.id)
    assert result.count("roadmap_item") == len(_tasks(source))


def test_a_file_beyond_what_a_plan_can_be_is_refused_unread(tmp_path):
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_STREAMED_BYTES + 1)  # sparse: nothing is written
    started = time.perf_counter()
    with pytest.raises(ImportFileError, match="too large"):
        read_mspdi(huge)
    assert time.perf_counter() - started < 1.0


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Project><Name>&lol9;</Name></Project>
"""


def test_a_billion_laughs_file_is_refused_quickly(workspace, product):
    started = time.perf_counter()
    with pytest.raises(UnsafeXmlError, match="document type"):
        import_mspdi(workspace, BILLION_LAUGHS, product_id=product.id)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Project><Name>&x;</Name></Project>",
        b'<!DOCTYPE Project SYSTEM "http://example.com/evil.dtd"><Project/>',
        # In UTF-16 the quick byte check sees nothing; the parser's own handler refuses it.
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><Project/>'.encode(
            "utf-16"
        ),
    ],
    ids=["external-entity", "external-dtd", "utf16-doctype"],
)
def test_external_entities_and_document_types_are_refused(data: bytes):
    with pytest.raises(UnsafeXmlError):
        read_mspdi(data)
