"""The roadmap as MSPDI: schema element order, faithful values, and a lossless round trip."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from _interchange_data import CORPUS, FORMULA, TRICKY, build_portfolio, build_roadmap, roadmap_view

from pmdesk.core.errors import NotFoundError
from pmdesk.exchange.mspdi import export_mspdi, import_mspdi
from pmdesk.store.services import PortfolioService, RoadmapService

NS = "{http://schemas.microsoft.com/project}"
NOW = dt.datetime(2025, 5, 1, 9, 30)

# The xsd:sequence of the MSPDI schema as Microsoft Project writes it (the corpus files
# check this list below), as far as pmdesk or those files use it. Project refuses
# elements out of this order.
PROJECT_ORDER = (
    "SaveVersion UID Name Title Subject Category Company Manager Author CreationDate Revision "
    "LastSaved ScheduleFromStart StartDate FinishDate FYStartDate CriticalSlackLimit "
    "CurrencyDigits CurrencySymbol CurrencyCode CurrencySymbolPosition CalendarUID "
    "DefaultStartTime DefaultFinishTime MinutesPerDay MinutesPerWeek DaysPerMonth "
    "DefaultTaskType DefaultFixedCostAccrual DefaultStandardRate DefaultOvertimeRate "
    "DurationFormat WorkFormat EditableActualCosts HonorConstraints "
    "InsertedProjectsLikeSummary MultipleCriticalPaths NewTasksEffortDriven NewTasksEstimated "
    "SplitsInProgressTasks SpreadActualCost SpreadPercentComplete TaskUpdatesResource "
    "FiscalYearStart WeekStartDay MoveCompletedEndsBack MoveRemainingStartsBack "
    "MoveRemainingStartsForward MoveCompletedEndsForward BaselineForEarnedValue "
    "AutoAddNewResourcesAndTasks StatusDate CurrentDate MicrosoftProjectServerURL Autolink "
    "NewTaskStartDate NewTasksAreManual DefaultTaskEVMethod ProjectExternallyEdited "
    "ExtendedCreationDate ActualsInSync RemoveFileProperties AdminProject OutlineCodes WBSMasks "
    "ExtendedAttributes Calendars Tasks Resources Assignments"
).split()
TASK_ORDER = (
    "UID ID Name Active Manual Type IsNull CreateDate Contact WBS WBSLevel OutlineNumber "
    "OutlineLevel Priority StartText FinishText DurationText Start Finish Duration ManualStart "
    "ManualFinish ManualDuration DurationFormat Work Stop Resume ResumeValid EffortDriven "
    "Recurring OverAllocated Estimated Milestone Summary DisplayAsSummary Critical IsSubproject "
    "IsSubprojectReadOnly SubprojectName ExternalTask ExternalTaskProject EarlyStart EarlyFinish "
    "LateStart LateFinish StartVariance FinishVariance WorkVariance FreeSlack TotalSlack "
    "StartSlack FinishSlack FixedCost FixedCostAccrual PercentComplete PercentWorkComplete Cost "
    "OvertimeCost OvertimeWork ActualStart ActualFinish ActualDuration ActualCost "
    "ActualOvertimeCost ActualWork ActualOvertimeWork RegularWork RemainingDuration "
    "RemainingCost RemainingWork RemainingOvertimeCost RemainingOvertimeWork ACWP CV "
    "ConstraintType CalendarUID ConstraintDate Deadline LevelAssignments LevelingCanSplit "
    "LevelingDelay LevelingDelayFormat PreLeveledStart PreLeveledFinish Hyperlink "
    "HyperlinkAddress HyperlinkSubAddress IgnoreResourceCalendar Notes HideBar Rollup BCWS BCWP "
    "PhysicalPercentComplete EarnedValueMethod PredecessorLink ActualWorkProtected "
    "ActualOvertimeWorkProtected IsPublished StatusManager CommitmentStart CommitmentFinish "
    "CommitmentType ExtendedAttribute Baseline OutlineCode TimephasedData"
).split()
LINK_ORDER = "PredecessorUID Type CrossProject CrossProjectName LinkLag LagFormat".split()
BASELINE_ORDER = (
    "TimephasedData Number Interim Start Finish Duration DurationFormat "
    "EstimatedDuration Work Cost BCWS BCWP"
).split()


def _out_of_order(element: ET.Element, order: list[str]) -> list[str]:
    """Children that break the sequence (unknown tags are not judged)."""
    tags = [child.tag.replace(NS, "") for child in element]
    ranks = [(order.index(tag), tag) for tag in tags if tag in order]
    return [tag for (a, _), (b, tag) in zip(ranks, ranks[1:], strict=False) if b < a]


def _order_problems(root: ET.Element) -> list[str]:
    problems = [f"Project: {t}" for t in _out_of_order(root, PROJECT_ORDER)]
    for task in root.iter(f"{NS}Task"):
        problems += [f"Task: {t}" for t in _out_of_order(task, TASK_ORDER)]
        for link in task.findall(f"{NS}PredecessorLink"):
            problems += [f"Link: {t}" for t in _out_of_order(link, LINK_ORDER)]
        for line in task.findall(f"{NS}Baseline"):
            problems += [f"Baseline: {t}" for t in _out_of_order(line, BASELINE_ORDER)]
    return problems


@pytest.fixture
def filled(workspace):
    ids = build_portfolio(workspace)
    return workspace, ids


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xml")), ids=lambda p: p.name)
def test_the_reference_order_matches_files_saved_by_project(path):
    assert _order_problems(ET.parse(path).getroot()) == []


def test_the_export_follows_the_schema_order(filled):
    workspace, ids = filled
    root = ET.fromstring(export_mspdi(workspace, ids["product"], now=NOW))
    assert root.tag == f"{NS}Project"
    assert _order_problems(root) == []
    tags = [child.tag.replace(NS, "") for child in root]
    assert tags[0] == "SaveVersion" and tags[-1] == "Tasks"
    assert root.find(f"{NS}Calendars/{NS}Calendar/{NS}Name").text == "Standard"


def test_a_roadmap_survives_export_and_import_unchanged(filled):
    workspace, ids = filled
    data = export_mspdi(workspace, ids["product"], now=NOW)
    copy = workspace.service(PortfolioService).create_product(name="Copy")
    result = import_mspdi(workspace, data, product_id=copy.id)
    assert result.warnings == []
    assert roadmap_view(workspace, copy.id) == roadmap_view(workspace, ids["product"])
    # And again: the second export of the copy is the same document.
    assert export_mspdi(workspace, copy.id, now=NOW).replace(b"Copy", b"X") == export_mspdi(
        workspace, ids["product"], now=NOW
    ).replace(f"Widget {TRICKY}".encode(), b"X").replace(_xml_escaped(f"Widget {TRICKY}"), b"X")


def _xml_escaped(text: str) -> bytes:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xml")), ids=lambda p: p.name)
def test_a_corpus_plan_survives_a_second_round_trip(workspace, path):
    portfolio = workspace.service(PortfolioService)
    first, second = (portfolio.create_product(name=n) for n in ("First", "Second"))
    import_mspdi(workspace, path, product_id=first.id)
    import_mspdi(workspace, export_mspdi(workspace, first.id, now=NOW), product_id=second.id)
    assert roadmap_view(workspace, second.id) == roadmap_view(workspace, first.id)


def test_tasks_carry_dates_kinds_links_and_the_baseline(filled):
    workspace, ids = filled
    root = ET.fromstring(export_mspdi(workspace, ids["product"], now=NOW))
    tasks = {t.findtext(f"{NS}Name"): t for t in root.iter(f"{NS}Task")}
    api, beta = tasks[FORMULA], tasks["Beta"]
    # The workspace's standard calendar: Monday to Friday, 09:00 to 17:00.
    assert api.findtext(f"{NS}Start") == "2025-01-06T09:00:00"
    assert api.findtext(f"{NS}Finish") == "2025-01-31T17:00:00"
    assert api.findtext(f"{NS}Duration") == f"PT{20 * 8}H0M0S"  # 20 working days
    assert api.findtext(f"{NS}PercentComplete") == "100"
    assert beta.findtext(f"{NS}Milestone") == "1" and beta.findtext(f"{NS}Duration") == "PT0H0M0S"
    assert tasks[f"Platform {TRICKY}"].findtext(f"{NS}Summary") == "1"
    assert tasks[f"Platform {TRICKY}"].findtext(f"{NS}OutlineLevel") == "1"
    assert tasks["Deep child"].findtext(f"{NS}OutlineLevel") == "4"
    assert tasks["Epic <one>"].findtext(f"{NS}Notes") == "Line 1\nLine 2 & more"
    (link,) = tasks["UI 🎨"].findall(f"{NS}PredecessorLink")
    # Two working days of 480 minutes, in tenths of a minute, shown in working days.
    assert link.findtext(f"{NS}Type") == "1" and link.findtext(f"{NS}LinkLag") == str(2 * 4800)
    assert link.findtext(f"{NS}LagFormat") == "7"
    (baseline,) = tasks["UI 🎨"].findall(f"{NS}Baseline")
    assert baseline.findtext(f"{NS}Start") == "2025-02-03T09:00:00"  # before the slip
    assert tasks["UI 🎨"].findtext(f"{NS}Start") == "2025-02-10T09:00:00"


def test_text_xml_cannot_carry_is_escaped_reversibly_not_written_raw(workspace):
    product = workspace.service(PortfolioService).create_product(name="P")
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="L")
    roadmap.items.create(
        product_id=product.id,
        lane_id=lane.id,
        name="Bell\x07 ok \\u0007",
        start_date="2025-01-01",
        end_date="2025-01-01",
        notes="a\r\nb\tc",
    )
    data = export_mspdi(workspace, product.id)
    task = ET.fromstring(data).findall(f"{NS}Tasks/{NS}Task")[1]
    # The bell becomes \u0007; the backslash typed before "u0007" becomes \u005c.
    assert task.findtext(f"{NS}Name") == "Bell\\u0007 ok \\u005cu0007"
    assert task.findtext(f"{NS}Notes") == "a\\u000d\nb\tc"
    copy = workspace.service(PortfolioService).create_product(name="Copy")
    import_mspdi(workspace, data, product_id=copy.id)
    (item,) = roadmap.items_of(copy.id)
    assert (item.name, item.notes) == ("Bell\x07 ok \\u0007", "a\r\nb\tc")


def test_an_empty_roadmap_exports_a_valid_project(workspace, tmp_path):
    product = workspace.service(PortfolioService).create_product(name="Empty & <new>")
    dest = tmp_path / "plan.xml"
    data = export_mspdi(workspace, product.id, dest, now=NOW)
    assert dest.read_bytes() == data
    root = ET.fromstring(data)
    assert root.findtext(f"{NS}Title") == "Empty & <new>"
    assert root.find(f"{NS}Tasks") is not None and not root.findall(f"{NS}Tasks/{NS}Task")


def test_exporting_an_unknown_product_is_refused(workspace):
    with pytest.raises(NotFoundError):
        export_mspdi(workspace, 42)


def test_lanes_of_the_same_name_are_reused_on_import(workspace):
    product = workspace.service(PortfolioService).create_product(name="P")
    build_roadmap(workspace, product.id)
    lanes_before = len(workspace.service(RoadmapService).lanes_of(product.id))
    import_mspdi(workspace, export_mspdi(workspace, product.id), product_id=product.id)
    assert len(workspace.service(RoadmapService).lanes_of(product.id)) == lanes_before
