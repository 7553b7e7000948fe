"""The roadmap of a product as chart data: lanes, items, links, critical path and baseline."""

from __future__ import annotations

import datetime as dt

from pmdesk.core import roadmap_style
from pmdesk.core.bulk import bulk_work
from pmdesk.core.errors import PmdeskError
from pmdesk.core.scheduling import schedule, violations
from pmdesk.store.services import RoadmapService
from pmdesk.store.services.roadmap_queries import RoadmapQueries

from .gantt import ChartData, ChartItem, ChartLane, ChartLink, month_bounds
from .job import Job
from .theme import hex_colour


def roadmap_chart(job: Job) -> ChartData:
    """The product's roadmap, limited to the lanes and dates the options ask for."""
    roadmap = job.service(RoadmapService)
    product_id = job.subject.id
    options = job.options
    lanes = roadmap.lanes_of(product_id)
    # The screen's colours (core.roadmap_style), so a lane looks the same on paper.
    colours = {
        lane.id: hex_colour(roadmap_style.lane_colour(index, lane.colour))
        for index, lane in enumerate(lanes)
    }
    if options.lanes is not None:
        wanted = set(options.lanes)
        lanes = [lane for lane in lanes if lane.id in wanted]
    lane_ids = {lane.id for lane in lanes}
    # Plain rows in bulk, not ORM objects: a large plan is tens of thousands of them. In
    # the order RoadmapService.items_of gives (lane, start, id): the layout packs in it.
    queries = job.service(RoadmapQueries)
    items = sorted(
        (i for i in queries.item_rows(product_id) if i.lane_id in lane_ids),
        key=lambda i: (i.lane_id, i.start, i.id),
    )
    if options.date_from is not None:
        items = [i for i in items if i.end >= options.date_from]
    if options.date_to is not None:
        items = [i for i in items if i.start <= options.date_to]
    job.progress.step()
    critical, broken = _schedule_marks(roadmap, queries, product_id)
    baseline = _baseline(roadmap, product_id)
    chart_items = [
        ChartItem(
            id=i.id,
            lane_id=i.lane_id,
            name=i.name,
            kind=i.kind,
            start=i.start,
            end=i.end,
            progress=i.progress,
            status=i.status,
            critical=i.id in critical,
            baseline=baseline.get(i.id),
        )
        for i in items
    ]
    shown = {i.id for i in items}
    links = [
        ChartLink(
            d.pred,
            d.succ,
            d.type,
            d.pred in critical and d.succ in critical,
            violated=(d.pred, d.succ) in broken,
        )
        for d in sorted(queries.link_rows(product_id), key=lambda d: d.id)  # as dependencies_of
        if d.pred in shown and d.succ in shown
    ]
    job.progress.step()
    return ChartData(
        lanes=[ChartLane(lane.id, lane.name, colours[lane.id]) for lane in lanes],
        items=chart_items,
        links=links,
        today=options.on(),
    )


def _schedule_marks(
    roadmap: RoadmapService, queries: RoadmapQueries, product_id: int
) -> tuple[set[int], set[tuple[int, int]]]:
    """The critical path, and (predecessor, successor) of every dependency the dates break,
    as the screen shows them: what ``RoadmapService.schedule_of`` and ``violations_of``
    give, from one reading of the plan rather than one each."""
    calendar = roadmap.calendar_of(product_id)
    with bulk_work():
        tasks, links, names = queries.schedule_input(product_id, calendar)
        try:
            critical = set(schedule(tasks, links, names, calendar).critical_path())
        except PmdeskError:  # a plan that cannot be scheduled still prints, without the path
            critical = set()
    try:
        broken = {(v.link.pred, v.link.succ) for v in violations(tasks, links, calendar)}
    except PmdeskError:
        broken = set()
    return critical, broken


def _baseline(roadmap: RoadmapService, product_id: int) -> dict[int, tuple[dt.date, dt.date]]:
    active = [b for b in roadmap.baselines_of(product_id) if b.is_active]
    return roadmap.baseline_dates(active[-1].id) if active else {}


def chart_range(job: Job, data: ChartData) -> tuple[dt.date, dt.date] | None:
    """The dates the chart spans: the options' range, else the items' own, in whole months."""
    extent = data.extent()
    first = job.options.date_from or (extent[0] if extent else None)
    last = job.options.date_to or (extent[1] if extent else None)
    if first is None or last is None:
        return None
    if last < first:
        raise PmdeskError("The roadmap's end date is before its start date")
    if job.options.date_from is None or job.options.date_to is None:
        start, end = month_bounds(first, last)
        return job.options.date_from or start, job.options.date_to or end
    return first, last
