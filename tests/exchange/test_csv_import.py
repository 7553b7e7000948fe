"""Importing CSV into requirements, roadmap items, stakeholders and metric values."""

from __future__ import annotations

import datetime as dt

import pytest

from pmdesk.core.enums import (
    ItemKind,
    ItemStatus,
    MetricKind,
    MoSCoW,
    RequirementKind,
    RequirementStatus,
)
from pmdesk.exchange.importing import ImportRefused, table_counts
from pmdesk.exchange.tabular import read_csv
from pmdesk.exchange.tabular_dates import DAY_FIRST, MONTH_FIRST
from pmdesk.exchange.tabular_import import import_csv, plan_csv
from pmdesk.exchange.tabular_targets import PRESET_JIRA, suggest_mapping
from pmdesk.store.services import (
    LifecycleService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)

TITLE = 'Login & <SSO> "now", please; ok 🚀'
JIRA = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Created,Due date,Description,"
    "Labels,Labels,Custom field (Story Points)\n"
    f'"{TITLE.replace(chr(34), chr(34) * 2)}",PM-1,10001,Story,To Do,High,12/Mar/24 3:15 PM,'
    '30/Apr/24 12:00 AM,"Two\nlines",auth,sso,5\n'
    "Export,PM-2,10002,Epic,In Progress,Lowest,01/Feb/24 9:05 AM,,,,,\n"
    "Old one,PM-3,10003,Bug,Done,Medium,03/Jan/24 11:00 AM,05/Jan/24 5:00 PM,,,,0.5\n"
)


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Widget")


def test_the_jira_preset_maps_the_jira_columns():
    headers = read_csv(JIRA.encode()).headers
    mapping = suggest_mapping(headers, "requirements", PRESET_JIRA)
    assert dict(zip(headers, mapping, strict=False)) | {"Labels": "labels"} == {
        "Summary": "title",
        "Issue key": "ref",
        "Issue id": None,
        "Issue Type": "kind",
        "Status": "status",
        "Priority": "moscow",
        "Created": "created_at",
        "Due date": None,
        "Description": "description",
        "Labels": "labels",
        "Custom field (Story Points)": "effort",
    }
    assert mapping.count("labels") == 2


def test_a_jira_export_becomes_requirements(workspace, product):
    result = import_csv(
        workspace, JIRA.encode(), target="requirements", product_id=product.id, preset=PRESET_JIRA
    )
    found = workspace.service(RequirementService).requirements_of(product.id)
    assert result.created["requirement"] == [r.id for r in found]
    first, second, third = found
    assert first.title == TITLE and first.ref == "PM-1"
    assert first.kind == RequirementKind.USER_STORY and second.kind == RequirementKind.REQUIREMENT
    assert [r.moscow for r in found] == [MoSCoW.MUST, MoSCoW.WONT, MoSCoW.SHOULD]
    assert [r.status for r in found] == [
        RequirementStatus.PROPOSED,
        RequirementStatus.IN_PROGRESS,
        RequirementStatus.DONE,
    ]
    assert first.created_at == dt.datetime(2024, 3, 12, 15, 15)
    assert first.description == "Two\nlines\nLabels: auth, sso"
    assert (first.effort, second.effort, third.effort) == (5.0, 1.0, 0.5)


def test_a_jira_export_becomes_roadmap_items_in_a_new_lane(workspace, product):
    result = import_csv(
        workspace,
        JIRA.encode(),
        target="roadmap",
        product_id=product.id,
        preset=PRESET_JIRA,
        default_lane="Jira",
    )
    roadmap = workspace.service(RoadmapService)
    (lane,) = roadmap.lanes_of(product.id)
    assert lane.name == "Jira" and result.created["lane"] == [lane.id]
    items = {i.name: i for i in roadmap.items_of(product.id)}
    login, export, old = items[TITLE], items["Export"], items["Old one"]
    assert (login.start_date, login.end_date) == (dt.date(2024, 3, 12), dt.date(2024, 4, 30))
    assert export.start_date == export.end_date == dt.date(2024, 2, 1)  # no due date
    assert (export.kind, login.kind) == (ItemKind.INITIATIVE, ItemKind.FEATURE)
    assert (login.status, export.status, old.status) == (
        ItemStatus.PLANNED,
        ItemStatus.IN_PROGRESS,
        ItemStatus.DONE,
    )
    assert login.notes == "Two\nlines\nKey: PM-1\nLabels: auth, sso"


def test_an_existing_lane_is_reused_by_name(workspace, product):
    roadmap = workspace.service(RoadmapService)
    lane = roadmap.lanes.create(product_id=product.id, name="Platform")
    data = "Name,Lane,Start,End\nA,platform ,2025-01-01,2025-01-10\nB,New lane,2025-02-01,\n"
    result = import_csv(workspace, data.encode(), target="roadmap", product_id=product.id)
    lanes = {lane.name: lane.id for lane in roadmap.lanes_of(product.id)}
    assert set(lanes) == {"Platform", "New lane"}
    assert result.created["lane"] == [lanes["New lane"]]
    assert {i.name: i.lane_id for i in roadmap.items_of(product.id)} == {
        "A": lane.id,
        "B": lanes["New lane"],
    }


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(workspace, product):
    data = (
        "Title;Priority;Effort;Confidence;Created\n"
        "Good;Must;1;80;2024-01-01\n"
        ";Must;1;80;2024-01-01\n"
        "Bad;Maybe;0;150;2024-02-30\n"
    )
    before = table_counts(workspace)
    with pytest.raises(ImportRefused) as refused:
        import_csv(workspace, data.encode(), target="requirements", product_id=product.id)
    found = {(e.row, e.column) for e in refused.value.errors}
    assert found == {(3, 1), (4, 2), (4, 3), (4, 4), (4, 5)}
    message = str(refused.value)
    assert "Nothing was imported" in message and "Row 4, column 2 (Priority)" in message
    assert table_counts(workspace) == before


def test_an_ambiguous_date_column_needs_a_chosen_order(workspace, product):
    data = "Name,Start\nA,03/04/2025\nB,01/02/2025\n"
    table = read_csv(data.encode())
    plan = plan_csv(workspace, table, "roadmap")
    assert plan.ambiguous_columns == [1]
    assert any("day-first or month-first" in str(e) for e in plan.errors)
    for order, month in ((DAY_FIRST, 4), (MONTH_FIRST, 3)):
        plan = plan_csv(workspace, table, "roadmap", date_order=order)
        assert not plan.errors
        assert plan.rows[0].fields["start_date"] == dt.date(2025, month, 3 if month == 4 else 4)


def test_unmapped_required_fields_are_named(workspace, product):
    table = read_csv(b"Something,Else\n1,2\n")
    plan = plan_csv(workspace, table, "requirements")
    assert [str(e) for e in plan.errors] == ["no column is mapped to “Title”"]


def test_stakeholders_import_with_their_first_position(workspace, product):
    data = (
        "Name,Role,Power,Interest,Attitude,Next contact,Email\n"
        "Zoë Müller,CFO,8,2,Champion,2025-03-01,zoe@example.com\n"
        '"Bob, Jr.",,"3,5",9,critic,,\n'
    )
    result = import_csv(workspace, data.encode(), target="stakeholders", product_id=product.id)
    service = workspace.service(StakeholderService)
    people = {p.name: p for p in service.stakeholders_of(product.id)}
    assert people["Zoë Müller"].next_contact == dt.date(2025, 3, 1)
    assert people["Bob, Jr."].power == 3.5 and people["Bob, Jr."].attitude.value == "critic"
    for person in people.values():
        (position,) = service.history(person.id)
        assert (position.power, position.interest) == (person.power, person.interest)
    assert len(result.created["stakeholder_position"]) == 2


def test_metric_values_create_missing_metrics(workspace, product):
    life = workspace.service(LifecycleService)
    revenue = life.metrics.create(product_id=product.id, name="Revenue", kind=MetricKind.REVENUE)
    data = (
        "Metric,Period,Value,Target,Kind,Unit\n"
        "revenue,2025-01-01,100.5,120,,\n"
        "NPS,2025-01-01,42,,KPI,points\n"
        "NPS,2025-02-01,45,50,,\n"
    )
    result = import_csv(workspace, data.encode(), target="metrics", product_id=product.id)
    metrics = {m.name: m for m in life.metrics_of(product.id)}
    assert result.created["metric"] == [metrics["NPS"].id]
    assert metrics["NPS"].unit == "points" and metrics["NPS"].kind == MetricKind.KPI
    assert [v.value for v in life.values_of(revenue.id)] == [100.5]
    assert [(v.value, v.target) for v in life.values_of(metrics["NPS"].id)] == [
        (42, None),
        (45, 50),
    ]


def test_a_period_given_twice_or_already_stored_is_refused(workspace, product):
    life = workspace.service(LifecycleService)
    revenue = life.metrics.create(product_id=product.id, name="Revenue", kind=MetricKind.REVENUE)
    life.values.create(metric_id=revenue.id, period="2025-01-01", value=1)
    data = "Metric,Period,Value\nRevenue,2025-01-01,2\nNew,2025-01-01,3\nNew,2025-01-01,4\n"
    before = table_counts(workspace)
    with pytest.raises(ImportRefused) as refused:
        import_csv(workspace, data.encode(), target="metrics", product_id=product.id)
    assert [e.row for e in refused.value.errors] == [2, 4]
    assert table_counts(workspace) == before


def test_one_import_is_one_change_notice_and_one_undo_step(workspace, product):
    notices = []
    workspace.changes.subscribe(notices.append)
    before = table_counts(workspace)
    result = import_csv(
        workspace, JIRA.encode(), target="roadmap", product_id=product.id, preset=PRESET_JIRA
    )
    assert len(notices) == 1
    assert notices[0].ids("roadmap_item", "insert") == set(result.created["roadmap_item"])
    snapshot = result.revert(workspace)
    assert table_counts(workspace) == before
    result.reapply(workspace, snapshot)
    items = workspace.service(RoadmapService).items_of(product.id)
    assert sorted(i.id for i in items) == sorted(result.created["roadmap_item"])


def test_an_exported_csv_imports_back_with_its_formulas_as_text(workspace, product):
    from pmdesk.exchange.tabular import export_table

    service = workspace.service(RequirementService)
    service.requirements.create(product_id=product.id, title="=SUM(A1:A2)", description="+1 -2")
    data = export_table(workspace, "requirement")
    mapping = [
        name if name in ("title", "description") else None for name in read_csv(data).headers
    ]
    import_csv(workspace, data, target="requirements", product_id=product.id, mapping=mapping)
    titles = [(r.title, r.description) for r in service.requirements_of(product.id)]
    assert titles == [("=SUM(A1:A2)", "+1 -2")] * 2
