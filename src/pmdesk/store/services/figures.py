"""The plan's headline figures for one product, read once: what a what-if scenario moves.

:func:`plan_figures` reads each figure where the app already computes it, so a comparison
says what the views say: the critical path from ``RoadmapService.schedule_of`` (the
roadmap's "Critical path"), the launch the marketing mix, the launch PDF and the deck
read (``MarketService.mix_launch``: the next one to come, else the latest), its
readiness from ``LaunchService.readiness_of`` (the Launch view's summary), and the NPV
of the business case's Base scenario (the draft's, as the Business case view shows it;
its first scenario when none is called Base). A figure the product does not have yet
(no dependencies to schedule, no launch, no tasks, no business case) is None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from pmdesk.core import finance as core_finance
from pmdesk.core.errors import NotFoundError, ValidationError

from .finance import BASE, FinanceService
from .launch import LaunchService
from .market import MarketService
from .portfolio import PortfolioService
from .roadmap import RoadmapService


@dataclass(frozen=True)
class PlanFigures:
    product_id: int
    critical_path_end: dt.date | None
    launch_date: dt.date | None
    readiness: float | None  # 0..1: the share of the launch's counted tasks that are done
    npv: Decimal | None  # of the business case's Base scenario
    currency: str | None  # the business case's
    items: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)  # id -> start, end
    # Added to the contract: which launch the launch figures are of, and its name.
    launch_id: int | None = None
    launch_name: str | None = None

    @classmethod
    def empty(cls, product_id: int) -> PlanFigures:
        """The figures of a product that is not there (a scenario adds or removes it)."""
        return cls(product_id, None, None, None, None, None, {})


def plan_figures(ws, product_id: int, today: dt.date | None = None) -> PlanFigures:
    """The product's figures as the workspace holds them now (``today``: which launch is
    the next one; default the real today). NotFoundError when there is no such product."""
    ws.service(PortfolioService).products.get(product_id)  # NotFoundError when it is gone
    roadmap = ws.service(RoadmapService)
    items = {i.id: (i.start_date, i.end_date) for i in roadmap.items_of(product_id)}
    launch = ws.service(MarketService).mix_launch(product_id, today)
    readiness = None
    if launch is not None:
        overall = ws.service(LaunchService).readiness_of(launch.id, today).overall
        readiness = overall.done / overall.counted if overall.counted else None
    npv, currency = _npv(ws, product_id)
    return PlanFigures(
        product_id=product_id,
        critical_path_end=_critical_path_end(roadmap, product_id) if items else None,
        launch_date=launch.launch_date if launch is not None else None,
        readiness=readiness,
        npv=npv,
        currency=currency,
        items=items,
        launch_id=launch.id if launch is not None else None,
        launch_name=launch.name if launch is not None else None,
    )


def _critical_path_end(roadmap: RoadmapService, product_id: int) -> dt.date | None:
    """The last day of the critical path as scheduled (dependencies pushing items later);
    None when the dependencies form a cycle (the roadmap says so) or nothing is scheduled."""
    try:
        schedule = roadmap.schedule_of(product_id)
    except ValidationError:  # a cycle: the roadmap shows it; there is no path to end
        return None
    timings = [schedule.timings[i] for i in schedule.critical_path()]
    # Dates are inclusive (the finish is the day after); a milestone ends where it starts.
    ends = [max(t.early_finish - 1, t.early_start) for t in timings]
    return dt.date.fromordinal(max(ends)) if ends else None


def _npv(ws, product_id: int) -> tuple[Decimal | None, str | None]:
    case = ws.service(FinanceService).business_case(product_id)
    if case is None:
        return None, None
    names = [s.name for s in case.scenarios]
    if not names:
        return None, case.settings.currency
    scenario = BASE if BASE in names else names[0]
    try:
        result = core_finance.evaluate(case, scenario)
    except (ValidationError, NotFoundError):  # drivers a file edited elsewhere left unusable
        return None, case.settings.currency
    return result.figures.npv, case.settings.currency
