"""The plan's headline figures for a product, each read where the app already computes it."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pmdesk.core import finance as core_finance
from pmdesk.core.enums import TaskStatus
from pmdesk.core.errors import NotFoundError
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    FinanceService,
    LaunchService,
    MarketService,
    PortfolioService,
    RoadmapService,
)
from pmdesk.store.services.figures import PlanFigures, plan_figures
from pmdesk.store.workspace import Workspace

TODAY = dt.date(2026, 12, 5)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk", today=TODAY)


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "demo.pmdesk"
    shutil.copyfile(demo_file, path)
    with Workspace.open(path) as ws:
        yield ws


def _product(ws, name: str) -> int:
    return ws.service(PortfolioService).product_by_name(name).id


def test_a_new_product_has_no_figures_yet(workspace):
    pid = workspace.service(PortfolioService).create_product(name="Nothing <yet> 🚀").id
    assert plan_figures(workspace, pid, TODAY) == PlanFigures(pid, None, None, None, None, None, {})


def test_a_product_that_is_not_there_is_refused(workspace):
    with pytest.raises(NotFoundError):
        plan_figures(workspace, 42, TODAY)


def test_the_demo_figures_are_the_ones_the_views_show(demo):
    pid = _product(demo, "Pulse Cloud")
    figures = plan_figures(demo, pid, TODAY)
    roadmap = demo.service(RoadmapService)
    items = roadmap.items_of(pid)
    assert figures.items == {i.id: (i.start_date, i.end_date) for i in items}
    # The critical path ends where its last item does, as scheduled.
    schedule = roadmap.schedule_of(pid)
    path = schedule.critical_path()
    assert path
    assert figures.critical_path_end == dt.date.fromordinal(schedule.finish - 1)
    # The launch the mix, the launch PDF and the deck read, and its readiness.
    launch = demo.service(MarketService).mix_launch(pid, TODAY)
    assert launch is not None
    assert (figures.launch_id, figures.launch_name) == (launch.id, launch.name)
    assert figures.launch_date == launch.launch_date
    overall = demo.service(LaunchService).readiness_of(launch.id, TODAY).overall
    assert overall.counted and 0 < figures.readiness < 1
    assert figures.readiness == pytest.approx(overall.percent / 100)
    # The Base scenario of the draft business case.
    case = demo.service(FinanceService).business_case(pid)
    assert figures.npv == core_finance.evaluate(case, "Base").figures.npv
    assert isinstance(figures.npv, Decimal) and figures.currency == case.settings.currency


def test_a_product_without_a_launch_or_dependencies(demo):
    pid = _product(demo, "Vega Benchtop Analyser")
    figures = plan_figures(demo, pid, TODAY)
    assert figures.launch_date is None and figures.readiness is None
    assert figures.critical_path_end == max(end for _start, end in figures.items.values())
    assert figures.npv is not None and figures.currency == "EUR"


def test_a_milestone_at_the_end_ends_the_path_on_its_own_day(workspace):
    portfolio, roadmap = workspace.service(PortfolioService), workspace.service(RoadmapService)
    pid = portfolio.create_product(name="Atlas").id
    lane = roadmap.lanes.create(product_id=pid, name="Plan")
    build = roadmap.items.create(
        product_id=pid,
        lane_id=lane.id,
        name="Build",
        start_date="2027-01-04",
        end_date="2027-01-29",
    )
    ship = roadmap.items.create(
        product_id=pid,
        lane_id=lane.id,
        name="Ship",
        kind="milestone",
        start_date="2027-02-10",
        end_date="2027-02-10",
    )
    roadmap.dependencies.create(predecessor_id=build.id, successor_id=ship.id)
    assert plan_figures(workspace, pid, TODAY).critical_path_end == dt.date(2027, 2, 10)
    # A link that pushes the milestone later moves the end with it (the schedule, not the
    # bar): 20 days after the day Build is done, 30 January.
    roadmap.dependencies.update(roadmap.dependencies_of(pid)[0].id, lag_days=20, lag_elapsed=True)
    assert plan_figures(workspace, pid, TODAY).critical_path_end == dt.date(2027, 2, 19)


def test_a_cycle_written_elsewhere_has_no_critical_path_end(workspace):
    portfolio, roadmap = workspace.service(PortfolioService), workspace.service(RoadmapService)
    pid = portfolio.create_product(name="Atlas").id
    lane = roadmap.lanes.create(product_id=pid, name="Plan")
    first, second = (
        roadmap.items.create(
            product_id=pid, lane_id=lane.id, name=n, start_date="2027-01-04", end_date="2027-01-08"
        )
        for n in ("One", "Two")
    )
    roadmap.dependencies.create(predecessor_id=first.id, successor_id=second.id)
    with workspace.transaction() as uow:  # what another program could write
        uow.insert("dependency", predecessor_id=second.id, successor_id=first.id)
    figures = plan_figures(workspace, pid, TODAY)
    assert figures.critical_path_end is None
    assert set(figures.items) == {first.id, second.id}


def test_readiness_counts_done_tasks_and_a_launch_without_tasks_has_none(workspace):
    portfolio, launches = workspace.service(PortfolioService), workspace.service(LaunchService)
    pid = portfolio.create_product(name="Atlas").id
    launch = launches.create_launch(pid, "Atlas 1.0", "2027-03-01", with_checklist=False)
    figures = plan_figures(workspace, pid, TODAY)
    assert figures.launch_date == dt.date(2027, 3, 1) and figures.readiness is None
    for title, status in [
        ("Press", TaskStatus.DONE),
        ("Training", TaskStatus.TODO),
        ("Docs", TaskStatus.DONE),
        ("Fax", TaskStatus.NOT_APPLICABLE),
    ]:
        launches.tasks.create(
            launch_id=launch.id,
            function="marketing",
            title=title,
            status=status,
            due_date="2027-02-01",
        )
    assert plan_figures(workspace, pid, TODAY).readiness == pytest.approx(2 / 3)
    # The next launch to come is the one read; once all are past, the latest.
    later = launches.create_launch(pid, "Atlas 2.0", "2027-09-01", with_checklist=False)
    assert plan_figures(workspace, pid, TODAY).launch_id == launch.id
    assert plan_figures(workspace, pid, dt.date(2027, 4, 1)).launch_id == later.id
    assert plan_figures(workspace, pid, dt.date(2028, 1, 1)).launch_id == later.id


def test_the_npv_is_the_base_scenarios_even_when_it_is_not_first(workspace):
    portfolio, finance = workspace.service(PortfolioService), workspace.service(FinanceService)
    pid = portfolio.create_product(name="Atlas").id
    case_id = finance.create_case(pid, currency="USD")
    figures = plan_figures(workspace, pid, TODAY)
    case = finance.business_case(pid)
    assert [s.name for s in case.scenarios][1] == "Base"
    assert figures.npv == core_finance.evaluate(case, "Base").figures.npv
    assert figures.npv != core_finance.evaluate(case, "Worst").figures.npv
    assert figures.currency == "USD"
    finance.set_driver(case_id, "price", "2000")
    assert plan_figures(workspace, pid, TODAY).npv > figures.npv
