"""Roadmap lanes, items, dependencies and baselines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from pmdesk.core.bulk import bulk_work
from pmdesk.core.enums import LagUnit
from pmdesk.core.errors import ValidationError
from pmdesk.core.graph import cycle_if_added
from pmdesk.core.history import SnapshotKind
from pmdesk.core.scheduling import Link, Schedule, Task, Violation, schedule, violations
from pmdesk.core.working_calendar import WorkingCalendar

from .. import history
from ..models import Baseline, BaselineEntry, Dependency, Lane, Product, RoadmapItem
from .base import Repo
from .calendar import CalendarService
from .roadmap_queries import RoadmapQueries


class DependencyRepo(Repo[Dependency]):
    """Dependencies refuse to close a cycle, naming the items in it."""

    def create(self, **fields: Any) -> Dependency:
        cleaned = self.clean(fields)
        self._refuse_cycle(cleaned.get("predecessor_id"), cleaned.get("successor_id"))
        return super().create(**fields)

    def update_many(self, changes: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """As Repo's; a lag changed in days lets go of MS Project's exact length and unit
        (it is whole days now), unless the same change sets those too."""
        changes = self._lag_in_days(changes)
        for entity_id, fields in changes.items():
            if "predecessor_id" in fields or "successor_id" in fields:
                current = self.get(entity_id)
                pred = fields.get("predecessor_id", current.predecessor_id)
                succ = fields.get("successor_id", current.successor_id)
                self._refuse_cycle(int(pred), int(succ), ignore=entity_id)
        return super().update_many(changes)

    def _lag_in_days(self, changes: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
        wanted = [
            i for i, fields in changes.items() if "lag_days" in fields and "lag_exact" not in fields
        ]
        if not wanted:
            return changes
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(Dependency.id, Dependency.lag_days, Dependency.lag_exact).where(
                    Dependency.id.in_(wanted)
                )
            ).all()
        changes = dict(changes)
        for dep_id, lag_days, lag_exact in rows:
            lag = self.clean({"lag_days": changes[dep_id]["lag_days"]})["lag_days"]
            if lag_exact is not None and lag != lag_days:
                changes[dep_id] = {
                    "lag_unit": LagUnit.DAY,
                    **changes[dep_id],
                    "lag_exact": None,
                }
        return changes

    def _refuse_cycle(self, pred: int | None, succ: int | None, ignore: int | None = None) -> None:
        if pred is None or succ is None:
            return
        with self.ws.read() as session:
            product = session.scalar(
                sa.select(RoadmapItem.product_id).where(RoadmapItem.id == pred)
            )
            items = sa.select(RoadmapItem.id).where(RoadmapItem.product_id == product)
            rows = session.execute(
                sa.select(Dependency.id, Dependency.predecessor_id, Dependency.successor_id).where(
                    Dependency.predecessor_id.in_(items)
                )
            ).all()
            edges = [(p, s) for dep_id, p, s in rows if dep_id != ignore]
            cycle = cycle_if_added(edges, (pred, succ))
            if cycle is None:
                return
            names = dict(
                session.execute(
                    sa.select(RoadmapItem.id, RoadmapItem.name).where(RoadmapItem.id.in_(cycle))
                ).all()
            )
        loop = " → ".join(names.get(i, str(i)) for i in cycle)
        raise ValidationError("dependency", f"it would make a cycle: {loop}")


class RoadmapService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.lanes = Repo(ws, Lane, order_by=(Lane.sort_order, Lane.id))
        self.items = Repo(
            ws, RoadmapItem, order_by=(RoadmapItem.lane_id, RoadmapItem.start_date, RoadmapItem.id)
        )
        self.dependencies = DependencyRepo(ws, Dependency)
        self.baselines = Repo(ws, Baseline, order_by=(Baseline.created_at, Baseline.id))

    def lanes_of(self, product_id: int) -> list[Lane]:
        return self.lanes.list(Lane.product_id == product_id)

    def items_of(self, product_id: int) -> list[RoadmapItem]:
        return self.items.list(RoadmapItem.product_id == product_id)

    def dependencies_of(self, product_id: int) -> list[Dependency]:
        items = sa.select(RoadmapItem.id).where(RoadmapItem.product_id == product_id)
        return self.dependencies.list(Dependency.predecessor_id.in_(items))

    def baselines_of(self, product_id: int) -> list[Baseline]:
        return self.baselines.list(Baseline.product_id == product_id)

    def set_baseline(self, product_id: int, name: str) -> Baseline:
        """Record every item's current dates; the new baseline becomes the one compared."""
        if not name.strip():
            raise ValidationError("name", "cannot be empty")
        with self.ws.transaction() as uow:
            session = uow.session
            active = list(
                session.scalars(
                    sa.select(Baseline.id).where(
                        Baseline.product_id == product_id, Baseline.is_active.is_(True)
                    )
                )
            )
            if active:  # the one compared until now steps down: a change like any other
                uow.update_rows("baseline", {i: {"is_active": False} for i in active})
            baseline = Baseline(product_id=product_id, name=name.strip(), is_active=True)
            session.add(baseline)
            session.flush()
            items = session.execute(
                sa.select(RoadmapItem.id, RoadmapItem.start_date, RoadmapItem.end_date).where(
                    RoadmapItem.product_id == product_id
                )
            ).all()
            # One step of the journal; the notice names each entry by its own key.
            uow.insert_rows(
                "baseline_entry",
                [
                    {"baseline_id": baseline.id, "item_id": i, "start_date": s, "end_date": e}
                    for i, s, e in items
                ],
            )
            product = session.get(Product, product_id)
            history.take_snapshot(
                uow,
                f"Baseline: {baseline.name} — {product.name if product else product_id}",
                SnapshotKind.BASELINE,
            )
        return baseline

    def baseline_dates(self, baseline_id: int) -> dict[int, tuple]:
        with self.ws.read() as session:
            rows = session.execute(
                sa.select(
                    BaselineEntry.item_id, BaselineEntry.start_date, BaselineEntry.end_date
                ).where(BaselineEntry.baseline_id == baseline_id)
            ).all()
        return {item_id: (start, end) for item_id, start, end in rows}

    # -- scheduling ----------------------------------------------------------------

    def calendar_of(self, product_id: int) -> WorkingCalendar:
        """The working calendar the product's schedule counts in."""
        return self.ws.service(CalendarService).effective(product_id)

    def _plan(
        self, product_id: int
    ) -> tuple[list[Task], list[Link], dict[int, str], WorkingCalendar]:
        calendar = self.calendar_of(product_id)
        with bulk_work():
            tasks, links, names = self.ws.service(RoadmapQueries).schedule_input(
                product_id, calendar
            )
        return tasks, links, names, calendar

    def schedule_of(self, product_id: int) -> Schedule:
        """Earliest and latest dates, float and the critical path of a product's roadmap."""
        tasks, links, names, calendar = self._plan(product_id)
        with bulk_work():
            return schedule(tasks, links, names, calendar)

    def violations_of(self, product_id: int) -> list[Violation]:
        tasks, links, _names, calendar = self._plan(product_id)
        return violations(tasks, links, calendar)

    def reschedule_successors(self, product_id: int) -> dict[int, dict[str, Any]]:
        """Move every item its dependencies push later, in one step; returns previous dates.

        A moved item keeps its working days: pushed across a weekend or a holiday it
        ends later by the days off it now spans.
        """
        tasks, links, names, calendar = self._plan(product_id)
        result = schedule(tasks, links, names, calendar)
        changes = {}
        for task in tasks:
            timing = result.timings[task.id]
            if timing.early_start != task.start:
                start = dt.date.fromordinal(timing.early_start)
                end = dt.date.fromordinal(max(timing.early_finish - 1, timing.early_start))
                changes[task.id] = {"start_date": start, "end_date": end}
        return self.items.update_many(changes) if changes else {}
