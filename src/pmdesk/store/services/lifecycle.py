"""The lifecycle of a product: stage periods, gate reviews, metrics, elimination reviews.

Gestures that change several rows at once (a gate review that moves the
product, a paste of metric values, an elimination review whose dates drive
roadmap milestones) are written in one transaction; its :class:`Journal`
(:mod:`pmdesk.store.journal`) records each row inserted, updated or deleted, so
the edit can be reverted and replayed exactly, the very same ids included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.enums import GateDecision, ItemKind, LaneKind, Stage
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.history import SnapshotKind
from pmdesk.core.lifecycle import (
    EliminationRules,
    Trigger,
    check_gate_review,
    check_stage_move,
    gate_outcome,
    rules_to_settings,
)

from .. import history, portfolio_rows
from ..journal import Journal
from ..models import (
    EliminationReview,
    GateReview,
    Lane,
    Metric,
    MetricValue,
    Product,
    RemedialAction,
    RoadmapItem,
    StagePeriod,
    Stakeholder,
    WorkspaceInfo,
)
from ..plain import plain_read
from ..portfolio_rows import MetricSeries
from .base import Repo

if TYPE_CHECKING:
    from ..workspace import UnitOfWork
    from .finance import FinanceService, SignOff

__all__ = ["Journal", "LifecycleService", "MetricSeries"]

MILESTONES = (("end_of_sale", "End of sale"), ("end_of_support", "End of support"))
LIFECYCLE_LANE = "Lifecycle"
# The Analysis gate's criterion (resources/templates/gate_criteria.json) a signed version meets.
CASE_SIGNED_OFF = "Business case signed off"


def computed(
    stage: Stage, criteria: Sequence[dict[str, Any]], signed: bool
) -> list[dict[str, Any]]:
    """``criteria`` with the Analysis gate's "Business case signed off" met exactly when the
    case is signed (a tick cannot meet it, nor an untick unmeet it)."""
    wanted = CASE_SIGNED_OFF.casefold()
    return [
        dict(c, met=signed)
        if stage is Stage.ANALYSIS and str(c.get("text", "")).strip().casefold() == wanted
        else dict(c)
        for c in criteria
    ]


def _finance_service() -> type[FinanceService]:
    """The finance service, imported when a gate or a rule first needs the business case."""
    from .finance import FinanceService

    return FinanceService


# -- the service ------------------------------------------------------------------------------


class LifecycleService:
    def __init__(self, ws) -> None:
        self.ws = ws
        self.periods = Repo(ws, StagePeriod, order_by=(StagePeriod.entered_on, StagePeriod.id))
        self.gates = Repo(ws, GateReview, order_by=(GateReview.decided_on, GateReview.id))
        self.metrics = Repo(ws, Metric, order_by=(Metric.sort_order, Metric.name))
        self.values = Repo(ws, MetricValue, order_by=(MetricValue.period,))
        self.eliminations = Repo(ws, EliminationReview, order_by=(EliminationReview.opened_on,))
        self.actions = Repo(ws, RemedialAction)

    def periods_of(self, product_id: int) -> list[StagePeriod]:
        return self.periods.list(StagePeriod.product_id == product_id)

    def gates_of(self, product_id: int) -> list[GateReview]:
        return self.gates.list(GateReview.product_id == product_id)

    def metrics_of(self, product_id: int) -> list[Metric]:
        return self.metrics.list(Metric.product_id == product_id)

    def values_of(self, metric_id: int) -> list[MetricValue]:
        return self.values.list(MetricValue.metric_id == metric_id)

    def values_of_product(self, product_id: int) -> list[MetricValue]:
        metric_ids = sa.select(Metric.id).where(Metric.product_id == product_id)
        return self.values.list(
            MetricValue.metric_id.in_(metric_ids),
            order_by=(MetricValue.metric_id, MetricValue.period),
        )

    def eliminations_of(self, product_id: int) -> list[EliminationReview]:
        return self.eliminations.list(EliminationReview.product_id == product_id)

    def actions_of(self, review_id: int) -> list[RemedialAction]:
        return self.actions.list(RemedialAction.review_id == review_id)

    # -- undo and redo of compound edits ------------------------------------------------------

    def revert(self, journal: Journal) -> None:
        self.ws.revert(journal)

    def replay(self, journal: Journal) -> None:
        self.ws.replay(journal)

    # -- gate reviews ------------------------------------------------------------------------------

    def record_gate(
        self,
        product_id: int,
        decision: GateDecision | str,
        *,
        decided_on: dt.date,
        criteria: Sequence[dict[str, Any]] = (),
        decided_by_id: int | None = None,
        decided_by_name: str = "",
        rationale: str = "",
        recycle_to: Stage | str | None = None,
        go_despite_unmet: bool = False,
        sign_case: SignOff | None = None,
    ) -> Journal:
        """Record a review of the product's current gate and apply its decision, in one step.

        The decider is required, and a Go with unmet criteria needs ``go_despite_unmet``
        and a rationale (``check_gate_review``): the file refuses what the dialog refuses.
        ``sign_case`` signs the product's business case off at this review, in the same
        step; the Analysis gate's "Business case signed off" is met exactly when a signed
        version exists, whatever the tick says (see :meth:`computed_criteria`).
        """
        decision = GateDecision.from_label(str(decision))
        recycle = Stage.from_label(str(recycle_to)) if recycle_to else None
        with self.ws.transaction() as uow:
            product = uow.session.get(Product, product_id)
            if product is None:
                raise NotFoundError("product", product_id)
            stage = product.stage
            target = gate_outcome(stage, decision, recycle)
            check_stage_move(stage, target, decision)
            self._check_gate_date(uow.session, product_id, stage, decided_on)
            name = decided_by_name.strip()
            if decided_by_id is not None:
                person = uow.session.get(Stakeholder, decided_by_id)
                if person is None:
                    raise NotFoundError("stakeholder", decided_by_id)
                name = name or person.name
            finance = self.ws.service(_finance_service())
            case_id = finance.case_id_in(uow.session, product_id) if sign_case else None
            if sign_case is not None and case_id is None:
                raise ValidationError("business case", "this product has none to sign off")
            signed = sign_case is not None or finance.has_signed_in(uow.session, product_id)
            criteria = computed(stage, criteria, signed)
            check_gate_review(decision, criteria, name, rationale, go_despite_unmet)
            review_id = uow.insert(
                "gate_review",
                product_id=product_id,
                stage=stage,
                decision=decision,
                recycle_to=recycle if decision is GateDecision.RECYCLE else None,
                criteria=[dict(c) for c in criteria],
                decided_by_id=decided_by_id,
                decided_by_name=name[:200],
                decided_on=decided_on,
                rationale=rationale,
            )
            if sign_case is not None and case_id is not None:
                finance.sign_off_in(
                    uow,
                    case_id,
                    signed_by=sign_case.signed_by,
                    scenario=sign_case.scenario,
                    signed_on=decided_on,
                    gate_review_id=review_id,
                )
            uow.journal.entity_id = review_id
            if target != stage:
                uow.update("product", product_id, stage=target)
                self._move_periods(uow, product_id, target, decided_on)
            history.take_snapshot(
                uow,
                f"Gate: {stage.label} — {product.name}",
                SnapshotKind.GATE,
                note=f"{decision.label}, {decided_on.isoformat()}"
                + (f", by {name}" if name else ""),
            )
        return uow.journal

    def computed_criteria(self, product_id: int) -> dict[str, bool]:
        """Criteria of the product's current gate that the file answers, not a tick: criterion
        text -> met. The Analysis gate's "Business case signed off" is met exactly when the
        product's business case has a signed version."""
        product = self._product(product_id)
        if product.stage is not Stage.ANALYSIS:
            return {}
        return {CASE_SIGNED_OFF: self.ws.service(_finance_service()).has_signed_case(product_id)}

    @staticmethod
    def _check_gate_date(session, product_id: int, stage: Stage, decided_on: dt.date) -> None:
        if decided_on > dt.date.today():
            raise ValidationError("decided on", "a gate review cannot be dated in the future")
        entered = session.scalar(
            sa.select(sa.func.max(StagePeriod.entered_on)).where(
                StagePeriod.product_id == product_id, StagePeriod.left_on.is_(None)
            )
        )
        if entered is not None and decided_on < entered:
            raise ValidationError(
                "decided on",
                f"the product entered {stage.label} on {entered.isoformat()}; "
                "date the review on or after that day",
            )

    @staticmethod
    def _move_periods(uow: UnitOfWork, product_id: int, stage: Stage, on: dt.date) -> None:
        """Close the open stay and open one for ``stage``.

        A stay closed the day it began is kept (a product created and passed through its
        first gate the same day has still been in that stage); undo is the journal's job.
        """
        open_periods = uow.session.execute(
            sa.select(StagePeriod.id, StagePeriod.entered_on).where(
                StagePeriod.product_id == product_id, StagePeriod.left_on.is_(None)
            )
        ).all()
        for period_id, entered in open_periods:
            uow.update("stage_period", period_id, left_on=max(on, entered))
        uow.insert("stage_period", product_id=product_id, stage=stage, entered_on=on)

    # -- metric values ------------------------------------------------------------------------------

    def upsert_values(self, metric_id: int, rows: Iterable[dict[str, Any]]) -> Journal:
        """Set values per period in one step: a period already there is updated, a new one added.

        Each row has ``period`` and ``value`` and, optionally, ``target`` (left as it is
        when the row has none). Periods are months: a date becomes its month's first day.
        """
        return self.upsert_many({metric_id: rows})

    def upsert_many(self, rows_by_metric: dict[int, Iterable[dict[str, Any]]]) -> Journal:
        """``upsert_values`` for several metrics at once: one transaction, one undo step."""
        cleaned = {
            mid: [self._clean_value_row(r) for r in rows] for mid, rows in rows_by_metric.items()
        }
        with self.ws.transaction() as uow:
            for metric_id, rows in cleaned.items():
                if uow.session.get(Metric, metric_id) is None:
                    raise NotFoundError("metric", metric_id)
                existing = dict(
                    uow.session.execute(
                        sa.select(MetricValue.period, MetricValue.id).where(
                            MetricValue.metric_id == metric_id
                        )
                    ).all()
                )
                for row in rows:
                    found = existing.get(row["period"])
                    if found is None:
                        existing[row["period"]] = uow.insert(
                            "metric_value", metric_id=metric_id, **row
                        )
                    else:
                        uow.update("metric_value", found, **row)
        return uow.journal

    def _clean_value_row(self, row: dict[str, Any]) -> dict[str, Any]:
        allowed = {k: v for k, v in row.items() if k in ("period", "value", "target")}
        if "period" not in allowed or "value" not in allowed:
            raise ValidationError("value", "each row needs a period and a value")
        cleaned = self.values.clean(allowed)
        cleaned["period"] = cleaned["period"].replace(day=1)
        return cleaned

    def series_of(self, product_id: int) -> list[MetricSeries]:
        """Every metric of a product with its values, in the metrics' order."""
        return plain_read(self.ws, lambda fetch: portfolio_rows.series_of(fetch, product_id))

    # -- elimination -------------------------------------------------------------------------------

    def elimination_rules(self) -> EliminationRules:
        return plain_read(self.ws, portfolio_rows.elimination_rules)

    def set_elimination_rules(self, rules: EliminationRules) -> Journal:
        with self.ws.transaction() as uow:
            info = uow.session.get(WorkspaceInfo, 1)
            uow.update("workspace_info", 1, settings=rules_to_settings(info.settings, rules))
        return uow.journal

    def triggers_of(self, product_id: int, rules: EliminationRules | None = None) -> list[Trigger]:
        """The rules a product's metrics trip, plus a hand-set flag; only In-life products
        (:func:`pmdesk.store.portfolio_rows.triggers_of`)."""
        try:
            return plain_read(
                self.ws, lambda fetch: portfolio_rows.triggers_of(fetch, product_id, rules)
            )
        except LookupError:
            raise NotFoundError("product", product_id) from None

    def candidates(self, rules: EliminationRules | None = None) -> dict[int, list[Trigger]]:
        """product id -> what flags it, for every product something flags."""
        rules = rules or self.elimination_rules()
        with self.ws.read() as session:
            ids = list(session.scalars(sa.select(Product.id).order_by(Product.sort_order)))
        found = {pid: self.triggers_of(pid, rules) for pid in ids}
        return {pid: triggers for pid, triggers in found.items() if triggers}

    def open_elimination(self, product_id: int, opened_on: dt.date | None = None) -> Journal:
        """A new elimination review holding what flags the product today."""
        triggers = [{"rule": t.rule, "detail": t.detail} for t in self.triggers_of(product_id)]
        with self.ws.transaction() as uow:
            uow.journal.entity_id = uow.insert(
                "elimination_review",
                product_id=product_id,
                opened_on=opened_on or dt.date.today(),
                triggers=triggers,
            )
        return uow.journal

    def update_elimination(self, review_id: int, **changes: Any) -> Journal:
        """Edit a review; its end-of-sale and end-of-support dates stay on the roadmap as milestones.

        The review holds each milestone by its id, so the roadmap is free with it: a
        milestone follows its date when the review's date changes; a save that leaves the
        date alone leaves the milestone where the roadmap put it (dragged, say), and one
        deleted from the roadmap stays deleted until the review's date changes again.
        Clearing a date deletes its milestone.
        """
        cleaned = self.eliminations.clean(changes)
        with self.ws.transaction() as uow:
            review = uow.session.get(EliminationReview, review_id)
            if review is None:
                raise NotFoundError("elimination_review", review_id)
            before = review.to_dict()
            full = before | cleaned
            self.eliminations._validate(full)
            uow.update("elimination_review", review_id, **cleaned)
            moved = {key for key, _label in MILESTONES if full[key] != before[key]}
            self._sync_milestones(uow, full, moved)
        return uow.journal

    def milestones_of(self, review_id: int) -> dict[str, RoadmapItem]:
        """field name -> the roadmap milestone that shows that date of the review."""
        review = self.eliminations.get(review_id)
        with self.ws.read() as session:
            found = {}
            for key, _label in MILESTONES:
                item = _linked_item(session, review.product_id, getattr(review, f"{key}_item_id"))
                if item is not None:
                    found[key] = item
            return found

    def _sync_milestones(self, uow: UnitOfWork, review: dict[str, Any], moved: set[str]) -> None:
        for key, label in MILESTONES:
            day = review[key]
            link = f"{key}_item_id"
            item_id = review[link]
            item = _linked_item(uow.session, review["product_id"], item_id)
            if item_id is not None and item is None:
                # A link to nothing, or to another product's item (a file edited elsewhere):
                # dropped, never followed, so no other row is moved or deleted through it.
                uow.update("elimination_review", review["id"], **{link: None})
                item_id = None
            if item_id is not None and day is None:
                uow.update("elimination_review", review["id"], **{link: None})
                uow.delete("roadmap_item", [item_id])
            elif item_id is not None and key in moved:
                uow.update("roadmap_item", item_id, start_date=day, end_date=day)
            elif item_id is None and day is not None and key in moved:
                lane_id = _lifecycle_lane(uow, review["product_id"])
                new_id = uow.insert(
                    "roadmap_item",
                    product_id=review["product_id"],
                    lane_id=lane_id,
                    name=label,
                    kind=ItemKind.MILESTONE,
                    start_date=day,
                    end_date=day,
                    notes=f"{label} decided in the elimination review.",
                )
                uow.update("elimination_review", review["id"], **{link: new_id})

    def _product(self, product_id: int) -> Product:
        with self.ws.read() as session:
            product = session.get(Product, product_id)
            if product is None:
                raise NotFoundError("product", product_id)
            return product


def _linked_item(session, product_id: int, item_id: int | None) -> RoadmapItem | None:
    """The roadmap item a review's link names, if it exists and is on the review's product."""
    if item_id is None:
        return None
    item = session.get(RoadmapItem, item_id)
    return item if item is not None and item.product_id == product_id else None


def _lifecycle_lane(uow: UnitOfWork, product_id: int) -> int:
    """A lane named "Lifecycle", else the product's first launch lane, else a new Lifecycle lane."""
    lanes = uow.session.execute(
        sa.select(Lane.id, Lane.name, Lane.kind)
        .where(Lane.product_id == product_id)
        .order_by(Lane.sort_order, Lane.id)
    ).all()
    for lane_id, name, _kind in lanes:
        if name.strip().casefold() == LIFECYCLE_LANE.casefold():
            return lane_id
    for lane_id, _name, kind in lanes:
        if kind is LaneKind.LAUNCH:
            return lane_id
    order = uow.session.scalar(
        sa.select(sa.func.max(Lane.sort_order)).where(Lane.product_id == product_id)
    )
    return uow.insert(
        "lane",
        product_id=product_id,
        name=LIFECYCLE_LANE,
        kind=LaneKind.LAUNCH,
        sort_order=(order or 0) + 1,
    )
