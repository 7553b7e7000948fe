"""The demo portfolio: a realistic, deterministic workspace to explore every view.

The text lives in ``resources/demo/northwind.json``; this module turns it into
rows. Every date is anchored on the first day of the current month, so the
product in Development is always a few months from its launch whenever the
demo is made, and the same anchor always gives the same content (the noise
in the metric series comes from a fixed seed). All rows are built as ORM
objects in one transaction: the demo is a single undo-free step that takes a
fraction of a second, not a thousand service calls.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pmdesk.core.enums import (
    ContactFrequency,
    DependencyType,
    GateDecision,
    ItemKind,
    ItemStatus,
    RaciActivity,
    Stage,
)
from pmdesk.core.errors import PmdeskError
from pmdesk.core.finance import BusinessCase as CoreCase
from pmdesk.core.finance import CaseSettings, Period, PricingModel, Scenario, evaluate
from pmdesk.core.lifecycle import EliminationRules, below_business_case
from pmdesk.core.market import (
    CellLevel,
    DealOutcome,
    FeedbackSource,
    FeedbackStatus,
    Impact,
    Importance,
    LimitationKind,
    LimitationStatus,
    SignalKind,
)
from pmdesk.core.pnl import plan_vs_actual
from pmdesk.core.scheduling import Link, Task, schedule
from pmdesk.paths import resource_path

from .demo_history import write_demo_history
from .models import (
    Baseline,
    BaselineEntry,
    BusinessCase,
    BusinessDriver,
    BusinessScenario,
    CalendarException,
    CanvasBoard,
    CanvasNote,
    Capability,
    ComparisonCell,
    Competitor,
    CostItem,
    Dependency,
    EliminationReview,
    Feedback,
    FeedbackRequirement,
    GateReview,
    Lane,
    Launch,
    LaunchMessage,
    LaunchTask,
    Limitation,
    MarketSignal,
    Metric,
    MetricValue,
    NoteItemLink,
    PricePoint,
    Product,
    ProductCompetitor,
    RaciAssignment,
    RemedialAction,
    Requirement,
    RequirementCustomer,
    RequirementItemLink,
    Risk,
    RoadmapItem,
    ScenarioOverride,
    SignalCompetitor,
    SignalProduct,
    SignalRequirement,
    SpecRevision,
    StagePeriod,
    Stakeholder,
    StakeholderPosition,
    WinLoss,
    WorkCalendar,
    WorkspaceInfo,
)
from .services.finance import FinanceService
from .workspace import UnitOfWork, Workspace

CONTENT_FILE = ("demo", "northwind.json")
MARKET_FILE = ("demo", "market.json")
SEED = 20240601
NOTE_COLOURS = {
    "yellow": "#FFE066",
    "green": "#8CE99A",
    "blue": "#74C0FC",
    "pink": "#FFA8A8",
    "orange": "#FFC078",
    "purple": "#D0BFFF",
}
_SPEC = re.compile(r"^(?:(L)|([+-]?\d+)m)?([+-]\d+)?$")


def create_demo(path: Path | str, today: dt.date | None = None) -> Path:
    """Write the demo portfolio to a new file at ``path``; an existing file is refused."""
    path = Path(path)
    if path.exists():
        raise PmdeskError(f"{path.name}: a file with this name already exists; pick another")
    content = load_content()
    dates = DemoDates.for_today(today or dt.date.today())
    info = content["workspace"]
    ws = Workspace.create(path, name=info["name"], organisation=info["organisation"])
    try:
        with ws.transaction() as uow:
            uow.keep_history = False  # the demo is the present; its past is written below
            _Builder(uow, content, dates, ws.service(FinanceService)).build()
            write_demo_history(uow, dates)
    except BaseException:
        ws.close()
        for leftover in ("", "-wal", "-shm", ".lock"):
            path.with_name(path.name + leftover).unlink(missing_ok=True)
        raise
    ws.close()
    return path


def load_content() -> dict[str, Any]:
    content: dict[str, Any] = json.loads(resource_path(*CONTENT_FILE).read_text(encoding="utf-8"))
    content["market"] = json.loads(resource_path(*MARKET_FILE).read_text(encoding="utf-8"))
    return content


def add_months(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class DemoDates:
    """The anchor (first of the month) and the dates every relative spec is read against."""

    anchor: dt.date
    launch: dt.date

    @classmethod
    def for_today(cls, today: dt.date) -> DemoDates:
        anchor = today.replace(day=1)
        return cls(anchor, add_months(anchor, 4) + dt.timedelta(days=7))

    @property
    def as_of(self) -> dt.date:
        """Progress is judged at mid-month, so it is never more than two weeks off."""
        return self.anchor + dt.timedelta(days=14)

    def at(self, spec: int | str) -> dt.date:
        """12 = anchor + 12 days; '-6m+2' = six months before the anchor, plus 2; 'L-30'."""
        if isinstance(spec, int):
            return self.anchor + dt.timedelta(days=spec)
        found = _SPEC.match(spec.replace(" ", ""))
        if found is None:
            raise ValueError(f"unreadable demo date {spec!r}")
        launch, months, days = found.groups()
        base = self.launch if launch else add_months(self.anchor, int(months or 0))
        return base + dt.timedelta(days=int(days or 0))

    def moment(self, spec: int | str, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(self.at(spec), dt.time(hour, 0))


def _email(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = [p for p in re.sub(r"[^a-z ]", "", plain.lower()).split() if p != "dr"]
    return f"{parts[0]}.{parts[-1]}@northwind-instruments.example"


class _Builder:
    """Adds the demo's rows to one session; ``build`` runs the steps in dependency order."""

    def __init__(
        self, uow: UnitOfWork, content: dict[str, Any], dates: DemoDates, finance: FinanceService
    ) -> None:
        self.uow = uow
        self.s: Session = uow.session
        self.finance = finance
        self.c = content
        self.d = dates
        self.rng = random.Random(SEED)
        self.products: dict[str, Product] = {}
        self.people: dict[str, Stakeholder] = {}
        self.items: dict[str, RoadmapItem] = {}
        self.gates: dict[int, list[GateReview]] = {}
        self.cases: dict[str, BusinessCase] = {}
        self.requirements: dict[tuple[str, str], Requirement] = {}

    def add(self, *objects: Any) -> None:
        self.s.add_all(objects)

    def build(self) -> None:
        self._workspace()
        self._products()
        self._stakeholders()
        for key, lifecycle in self.c["lifecycles"].items():
            self._lifecycle(self.products[key], lifecycle)
        for key, roadmap in self.c["roadmaps"].items():
            self._roadmap(self.products[key], roadmap)
        self._requirements()
        self._launch(self.c["launch"])
        self._canvases()
        self._finance()
        self._metrics_and_elimination()
        self._risks_and_revisions()
        self._market(self.c["market"])

    # -- portfolio ------------------------------------------------------------------

    def _workspace(self) -> None:
        info = self.s.get(WorkspaceInfo, 1)
        assert info is not None  # every new workspace has its one row
        info.description = self.c["workspace"]["description"]
        info.currency = self.c["workspace"]["currency"]
        self._holidays()

    def _holidays(self) -> None:
        """The workspace calendar's public holidays around the plan, and a launch Saturday."""
        standard = self.s.scalars(
            sa.select(WorkCalendar).where(WorkCalendar.product_id.is_(None))
        ).one()
        year = self.d.as_of.year
        for y in (year - 1, year, year + 1, year + 2):
            for month, day, name in (
                (1, 1, "New Year's Day"),
                (12, 25, "Christmas Day"),
                (12, 26, "Boxing Day"),
            ):
                self.add(
                    CalendarException(
                        calendar_id=standard.id,
                        name=name,
                        start_date=dt.date(y, month, day),
                        end_date=dt.date(y, month, day),
                        working=False,
                    )
                )
        shutdown = dt.date(year + 1, 8, 1)
        shutdown += dt.timedelta(days=(7 - shutdown.weekday()) % 7)  # the first Monday
        self.add(
            CalendarException(
                calendar_id=standard.id,
                name="Summer shutdown",
                start_date=shutdown,
                end_date=shutdown + dt.timedelta(days=4),
                working=False,
            )
        )

    def _products(self) -> None:
        for order, spec in enumerate(self.c["products"]):
            fields = {k: v for k, v in spec.items() if k != "key"}
            start = self.c["lifecycles"][spec["key"]]["start"]
            product = Product(**fields, sort_order=order, created_at=self.d.moment(start, 9))
            self.products[spec["key"]] = product
            self.add(product)
        self.s.flush()

    def _stakeholders(self) -> None:
        for spec in self.c["stakeholders"]:
            product = self.products[spec["product"]]
            frequency = ContactFrequency(spec["frequency"])
            next_contact = self.d.at(spec["next"])
            desired = spec.get("desired") or (None, None)
            person = Stakeholder(
                product_id=product.id,
                name=spec["name"],
                role=spec["role"],
                organisation=spec.get("organisation", self.c["workspace"]["organisation"]),
                department=spec["department"],
                email=spec.get("email") or ("" if "organisation" in spec else _email(spec["name"])),
                attitude=spec["attitude"],
                power=spec["power"],
                interest=spec["interest"],
                importance=spec["importance"],
                desired_power=desired[0],
                desired_interest=desired[1],
                comm_channel=spec["channel"],
                comm_frequency=frequency,
                comm_owner=product.owner,
                last_contact=next_contact - dt.timedelta(days=frequency.days or 30),
                next_contact=next_contact,
                notes=spec.get("notes", ""),
            )
            self.people[spec["key"]] = person
            self.add(person)
        self.s.flush()
        for spec in self.c["stakeholders"]:
            person = self.people[spec["key"]]
            for months, power, interest, attitude in spec["history"]:
                when = self.d.moment(f"{months}m+{self.rng.randint(0, 15)}", 9)
                self.add(
                    StakeholderPosition(
                        stakeholder_id=person.id,
                        recorded_at=when,
                        power=power,
                        interest=interest,
                        attitude=attitude,
                    )
                )
            # The current position, from the stakeholder-mapping workshop of last month.
            self.add(
                StakeholderPosition(
                    stakeholder_id=person.id,
                    recorded_at=self.d.moment(-9, 14),
                    power=person.power,
                    interest=person.interest,
                    attitude=person.attitude,
                )
            )

    def _lifecycle(self, product: Product, spec: dict[str, Any]) -> None:
        """Gate reviews as recorded; the stage periods follow from their decisions."""
        stage, entered = Stage.INNOVATION, self.d.at(spec["start"])
        for gate in spec["gates"]:
            decided_on = self.d.at(gate["on"])
            decision = GateDecision(gate["decision"])
            texts = self.c["gate_criteria"][gate["stage"]]
            notes = gate.get("notes", {})
            person = self.people.get(gate.get("by", ""))
            review = GateReview(
                product_id=product.id,
                stage=gate["stage"],
                decision=decision,
                recycle_to=gate.get("recycle_to"),
                criteria=[
                    {"text": t, "met": met, "note": notes.get(str(i), "")}
                    for i, (t, met) in enumerate(zip(texts, gate["met"], strict=True))
                ],
                decided_by_id=person.id if person else None,
                decided_by_name=person.name if person else gate["by_name"],
                decided_on=decided_on,
                rationale=gate["rationale"],
            )
            self.add(review)
            self.gates.setdefault(product.id, []).append(review)
            if decision in (GateDecision.GO, GateDecision.RECYCLE):
                self.add(
                    StagePeriod(
                        product_id=product.id, stage=stage, entered_on=entered, left_on=decided_on
                    )
                )
                recycle = gate.get("recycle_to")
                following = Stage(recycle) if recycle else stage.next()
                if following is None:
                    raise PmdeskError(f"a demo gate of {product.name} passes the last stage")
                stage, entered = following, decided_on
        if stage is not Stage(product.stage):
            raise PmdeskError(f"demo gates leave {product.name} in {stage}, not {product.stage}")
        self.add(StagePeriod(product_id=product.id, stage=stage, entered_on=entered))

    # -- roadmap ---------------------------------------------------------------------

    def _roadmap(self, product: Product, spec: dict[str, Any]) -> None:
        lanes = {}
        for order, lane in enumerate(spec["lanes"]):
            lanes[lane["key"]] = Lane(
                product_id=product.id,
                name=lane["name"],
                kind=lane["kind"],
                colour=lane["colour"],
                sort_order=order,
            )
        self.add(*lanes.values())
        self.s.flush()
        dates = self._schedule(spec["items"])
        rows: dict[str, RoadmapItem] = {}
        for order, item in enumerate(spec["items"]):
            start, end = dates[item["key"]]
            progress, status = self._progress(item, start, end, dates, spec["items"])
            rows[item["key"]] = RoadmapItem(
                product_id=product.id,
                lane_id=lanes[item["lane"]].id,
                name=item["name"],
                kind=item.get("kind", ItemKind.FEATURE),
                start_date=start,
                end_date=end,
                progress=progress,
                status=status,
                notes=item.get("notes", ""),
                sort_order=order,
            )
        # Parents first, so children can name them without a second write.
        self.add(*(rows[i["key"]] for i in spec["items"] if "parent" not in i))
        self.s.flush()
        for item in spec["items"]:
            if "parent" in item:
                rows[item["key"]].parent_id = rows[item["parent"]].id
                self.add(rows[item["key"]])
        self.s.flush()
        self.items |= rows
        self.add(
            *(
                Dependency(
                    predecessor_id=rows[pred].id,
                    successor_id=rows[item["key"]].id,
                    type=DependencyType(kind),
                    lag_days=lag,
                    lag_elapsed=True,  # the demo's plan counts its lags in calendar days
                )
                for item in spec["items"]
                for pred, kind, lag in item.get("deps", ())
            )
        )
        if "baseline" in spec:
            self._baseline(product, spec, rows)

    def _schedule(self, items: list[dict[str, Any]]) -> dict[str, tuple[dt.date, dt.date]]:
        """Dates that keep every dependency: planned starts pushed by their predecessors."""
        keys = [i["key"] for i in items if i.get("kind") != ItemKind.INITIATIVE]
        index = {key: n for n, key in enumerate(keys)}
        by_key = {i["key"]: i for i in items}
        tasks = [
            Task(index[k], self.d.at(by_key[k]["start"]).toordinal(), by_key[k].get("days", 0))
            for k in keys
        ]
        links = [
            Link(index[pred], index[i["key"]], DependencyType(kind), lag)
            for i in items
            for pred, kind, lag in i.get("deps", ())
        ]
        timings = schedule(tasks, links).timings
        dates: dict[str, tuple[dt.date, dt.date]] = {}
        for task, key in zip(tasks, keys, strict=True):
            start = timings[task.id].early_start
            dates[key] = (
                dt.date.fromordinal(start),
                dt.date.fromordinal(start + max(task.duration, 1) - 1),
            )
        for item in items:
            if item.get("kind") == ItemKind.INITIATIVE:
                spans = [dates[i["key"]] for i in items if i.get("parent") == item["key"]]
                dates[item["key"]] = (min(s for s, _ in spans), max(e for _, e in spans))
        return dates

    def _progress(
        self,
        item: dict[str, Any],
        start: dt.date,
        end: dt.date,
        dates: dict[str, tuple[dt.date, dt.date]],
        items: list[dict[str, Any]],
    ) -> tuple[int, ItemStatus]:
        """Past is done, future is planned, the present is partly done (less if at risk)."""
        if item.get("kind") == ItemKind.INITIATIVE:
            children = [i for i in items if i.get("parent") == item["key"]]
            parts = [self._progress(i, *dates[i["key"]], dates, items) for i in children]
            weights = [(dates[i["key"]][1] - dates[i["key"]][0]).days + 1 for i in children]
            progress = round(
                sum(p * w for (p, _), w in zip(parts, weights, strict=True)) / sum(weights)
            )
            statuses = {s for _, s in parts}
            if statuses == {ItemStatus.DONE}:
                return 100, ItemStatus.DONE
            if ItemStatus.AT_RISK in statuses:
                return progress, ItemStatus.AT_RISK
            return progress, ItemStatus.PLANNED if progress == 0 else ItemStatus.IN_PROGRESS
        as_of = self.d.as_of
        if end < as_of:
            return 100, ItemStatus.DONE
        if start > as_of or item.get("kind") == ItemKind.MILESTONE:
            return 0, ItemStatus.PLANNED
        share = (as_of - start).days / ((end - start).days + 1)
        progress = min(95, max(5, 5 * round(share * 20)))
        if item.get("at_risk"):
            return max(5, progress - 15), ItemStatus.AT_RISK
        return progress, ItemStatus.IN_PROGRESS

    def _baseline(self, product: Product, spec: dict[str, Any], rows) -> None:
        """The kick-off plan: the items that slipped since were that many days earlier."""
        baseline = Baseline(
            product_id=product.id,
            name=spec["baseline"]["name"],
            created_at=self.d.moment(spec["baseline"]["on"], 11),
            is_active=True,
        )
        self.add(baseline)
        self.s.flush()
        planned = {}
        for item in spec["items"]:
            row, slip = rows[item["key"]], dt.timedelta(days=item.get("slip", 0))
            planned[item["key"]] = (row.start_date - slip, row.end_date - slip)
        for item in spec["items"]:
            if item.get("kind") == ItemKind.INITIATIVE:
                spans = [planned[i["key"]] for i in spec["items"] if i.get("parent") == item["key"]]
                planned[item["key"]] = (min(s for s, _ in spans), max(e for _, e in spans))
        self.add(
            *(
                BaselineEntry(
                    baseline_id=baseline.id, item_id=rows[key].id, start_date=start, end_date=end
                )
                for key, (start, end) in planned.items()
            )
        )

    # -- requirements, launch, canvas ------------------------------------------------------

    def _requirements(self) -> None:
        numbers: dict[str, int] = {}
        specs = self.c["requirements"]
        for n, spec in enumerate(specs):
            product = self.products[spec["product"]]
            numbers[spec["product"]] = numbers.get(spec["product"], 0) + 1
            reach, impact, confidence, effort = spec["rice"]
            requirement = Requirement(
                product_id=product.id,
                ref=f"{spec.get('ref', 'REQ')}-{numbers[spec['product']]}",
                title=spec["title"],
                kind=spec.get("kind", "user_story"),
                story_role=spec.get("role", ""),
                story_goal=spec.get("goal", ""),
                story_benefit=spec.get("benefit", ""),
                description=spec.get("description", ""),
                acceptance_criteria=spec["criteria"],
                moscow=spec["moscow"],
                reach=reach,
                impact=impact,
                confidence=confidence,
                effort=effort,
                status=self._requirement_status(spec),
                source=spec["source"],
                sort_order=numbers[spec["product"]],
                created_at=self.d.moment(-5 * (len(specs) - n) - 20, 9 + n % 8),
            )
            self.add(requirement)
            self.s.flush()
            self.requirements[spec["product"], spec["title"]] = requirement
            self.add(
                *(
                    RequirementCustomer(
                        requirement_id=requirement.id, customer=name, revenue=revenue
                    )
                    for name, revenue in spec.get("customers", ())
                )
            )
            self.add(
                *(
                    RequirementItemLink(requirement_id=requirement.id, item_id=self.items[key].id)
                    for key in spec.get("items", ())
                )
            )

    # -- market radar ----------------------------------------------------------------

    def _market(self, spec: dict[str, Any]) -> None:
        """Competitors, their matrices and deals, a month of signals, feedback, limitations."""
        competitors: dict[str, Competitor] = {}
        for c in spec["competitors"]:
            overlap, strength, momentum, pressure = c["scores"]
            competitors[c["key"]] = Competitor(
                name=c["name"],
                website=c["website"],
                segment=c["segment"],
                positioning=c["positioning"],
                pricing=c["pricing"],
                market_share=Decimal(c["market_share"]),
                price_index=c["price_index"],
                strengths=c["strengths"],
                weaknesses=c["weaknesses"],
                recent_moves=c["recent_moves"],
                notes=c["notes"],
                market_overlap=overlap,
                product_strength=strength,
                momentum=momentum,
                price_pressure=pressure,
            )
        self.add(*competitors.values())
        self.s.flush()
        self.add(
            *(
                ProductCompetitor(
                    product_id=self.products[p].id, competitor_id=competitors[c["key"]].id
                )
                for c in spec["competitors"]
                for p in c["products"]
            )
        )
        for product_key, matrix in spec["matrices"].items():
            self._matrix(self.products[product_key], matrix, competitors)
        self.add(
            *(
                WinLoss(
                    competitor_id=competitors[who].id,
                    product_id=self.products[product].id,
                    deal=deal,
                    date=self.d.at(on),
                    outcome=DealOutcome(outcome),
                    reason=reason,
                    value=Decimal(value),
                )
                for who, product, deal, on, outcome, reason, value in spec["win_loss"]
            )
        )
        for signal in spec["signals"]:
            self._signal(signal, competitors)
        self._feedback(spec["feedback"])
        for order, item in enumerate(spec["limitations"]):
            self.add(
                Limitation(
                    product_id=self.products[item["product"]].id,
                    item_id=self.items[item["item"]].id if item["item"] else None,
                    description=item["description"],
                    workaround=item["workaround"],
                    kind=LimitationKind(item["kind"]),
                    status=LimitationStatus(item["status"]),
                    sort_order=order,
                )
            )
        self.s.flush()

    def _matrix(
        self, product: Product, spec: dict[str, Any], competitors: dict[str, Competitor]
    ) -> None:
        columns = [None if key == "us" else competitors[key].id for key in spec["columns"]]
        key = next(k for k, p in self.products.items() if p is product)
        for order, row in enumerate(spec["capabilities"]):
            linked = self.requirements[key, row["requirement"]] if row["requirement"] else None
            capability = Capability(
                product_id=product.id,
                name=row["name"],
                requirement_id=linked.id if linked else None,
                sort_order=order,
            )
            self.add(capability)
            self.s.flush()
            self.add(
                *(
                    ComparisonCell(
                        capability_id=capability.id,
                        competitor_id=column,
                        level=CellLevel(level),
                        evidence=evidence,
                        checked_on=self.d.at(checked),
                    )
                    for column, (level, evidence, checked) in zip(
                        columns, row["cells"], strict=True
                    )
                )
            )

    def _signal(self, spec: dict[str, Any], competitors: dict[str, Competitor]) -> None:
        signal = MarketSignal(
            date=self.d.at(spec["on"]),
            kind=SignalKind(spec["kind"]),
            title=spec["title"],
            details=spec["details"],
            source=spec["source"],
            impact=Impact(spec["impact"]),
            tags=spec["tags"],
        )
        self.add(signal)
        self.s.flush()
        linked = [self.requirements[p, t] for p, t in spec["requirements"]]
        made = spec.get("to_requirement")
        if made:
            # Turned into a requirement the day after, as "Make requirement" does.
            product_key = spec["products"][0]
            product = self.products[product_key]
            reach, impact, confidence, effort = made["rice"]
            requirement = Requirement(
                product_id=product.id,
                ref=f"REQ-{sum(1 for p, _ in self.requirements if p == product_key) + 1}",
                title=made["title"],
                kind="user_story",
                story_role=made["role"],
                story_goal=made["goal"],
                story_benefit=made["benefit"],
                description=spec["details"],
                acceptance_criteria=made["criteria"],
                moscow=made["moscow"],
                reach=reach,
                impact=impact,
                confidence=confidence,
                effort=effort,
                status="proposed",
                source=made["source"],
                sort_order=sum(1 for p, _ in self.requirements if p == product_key) + 1,
                created_at=self.d.moment(spec["on"] + 1, 11),
            )
            self.add(requirement)
            self.s.flush()
            self.requirements[product_key, made["title"]] = requirement
            linked.append(requirement)
            self.add(
                *(
                    RequirementCustomer(
                        requirement_id=requirement.id, customer=name, revenue=revenue
                    )
                    for name, revenue in made.get("customers", ())
                )
            )
        self.add(
            *(
                SignalProduct(signal_id=signal.id, product_id=self.products[p].id)
                for p in spec["products"]
            ),
            *(
                SignalCompetitor(signal_id=signal.id, competitor_id=competitors[c].id)
                for c in spec["competitors"]
            ),
            *(SignalRequirement(signal_id=signal.id, requirement_id=r.id) for r in linked),
        )

    def _feedback(self, items: list[dict[str, Any]]) -> None:
        for spec in items:
            linked = [self.requirements[spec["product"], t] for t in spec["requirements"]]
            archived = spec.get("archived", "")
            if archived:
                status = FeedbackStatus.ARCHIVED
            else:
                status = FeedbackStatus.LINKED if linked else FeedbackStatus.NEW
            item = Feedback(
                product_id=self.products[spec["product"]].id,
                text=spec["text"],
                customer=spec["customer"],
                contact=spec["contact"],
                source=FeedbackSource(spec["source"]),
                date=self.d.at(spec["on"]),
                revenue=Decimal(spec["revenue"]) if spec["revenue"] else None,
                segment=spec["segment"],
                importance=Importance(spec["importance"]),
                status=status,
                archive_reason=archived,
            )
            self.add(item)
            self.s.flush()
            self.add(
                *(FeedbackRequirement(feedback_id=item.id, requirement_id=r.id) for r in linked)
            )

    def _requirement_status(self, spec: dict[str, Any]) -> str:
        """Follows the roadmap items delivering it, so the two views tell one story."""
        if spec["moscow"] == "wont":
            return "rejected"
        statuses = {self.items[key].status for key in spec.get("items", ())}
        if not statuses:
            return "proposed"
        if statuses == {ItemStatus.DONE}:
            return "done"
        return "accepted" if statuses == {ItemStatus.PLANNED} else "in_progress"

    def _launch(self, spec: dict[str, Any]) -> None:
        product = self.products[spec["product"]]
        text_fields = (
            "name",
            "tier",
            "pos_target",
            "pos_need",
            "pos_category",
            "pos_benefit",
            "pos_alternative",
            "pos_differentiator",
            "segments",
            "price",
            "channels",
            "success_metrics",
        )
        launch = Launch(
            product_id=product.id, launch_date=self.d.launch, **{k: spec[k] for k in text_fields}
        )
        self.add(launch)
        self.s.flush()
        for audience, messages in spec["messages"].items():
            self.add(
                *(
                    LaunchMessage(launch_id=launch.id, audience=audience, message=m, position=n)
                    for n, m in enumerate(messages)
                )
            )
        positions: dict[str, int] = {}
        tasks = []
        for task in spec["tasks"]:
            function = task["function"]
            positions[function] = positions.get(function, -1) + 1
            offset = task.get("offset")
            due = (
                self.d.launch + dt.timedelta(days=offset)
                if offset is not None
                else self.d.at(task["due"])
            )
            row = LaunchTask(
                launch_id=launch.id,
                function=function,
                title=task["title"],
                owner_id=self.people[task.get("owner", spec["owners"][function])].id,
                due_date=due,
                due_offset_days=offset,
                status=task["status"],
                notes=task.get("notes", ""),
                position=positions[function],
            )
            tasks.append((task, row))
            self.add(row)
        self.s.flush()
        for task, row in tasks:
            roles = {
                "R": [task.get("owner", spec["owners"][task["function"]])],
                "A": [spec["accountable"][task["function"]]],
                "C": task.get("c", []),
                "I": task.get("i", []),
            }
            self._raci(product, RaciActivity.LAUNCH_TASK, roles, launch_task_id=row.id)
        self._raci(product, RaciActivity.SPEC_SIGNOFF, spec["signoff"])

    def _raci(
        self, product: Product, activity: RaciActivity, roles: dict[str, list[str]], **target: int
    ) -> None:
        people = [key for keys in roles.values() for key in keys]
        if len(roles["A"]) != 1 or not roles["R"] or len(set(people)) != len(people):
            raise PmdeskError(f"demo RACI for {activity} {target} is not one A, some R, no repeats")
        self.add(
            *(
                RaciAssignment(
                    product_id=product.id,
                    stakeholder_id=self.people[key].id,
                    activity=activity,
                    role=role,
                    created_at=self.d.moment("-1m+3"),
                    **target,
                )
                for role, keys in roles.items()
                for key in keys
            )
        )

    def _canvases(self) -> None:
        for order, spec in enumerate(self.c["canvases"]):
            board = CanvasBoard(
                product_id=self.products[spec["product"]].id,
                name=spec["name"],
                template=spec["template"],
                sort_order=order,
                created_at=self.d.moment(-40 + order, 15),
            )
            self.add(board)
            self.s.flush()
            links = []
            for block, notes in spec["blocks"].items():
                for position, (text, colour, votes, *item) in enumerate(notes):
                    note = CanvasNote(
                        board_id=board.id,
                        block=block,
                        text=text,
                        colour=NOTE_COLOURS[colour],
                        position=position,
                        votes=votes,
                    )
                    self.add(note)
                    links += [(note, key) for key in item]
            self.s.flush()
            self.add(
                *(NoteItemLink(note_id=note.id, item_id=self.items[key].id) for note, key in links)
            )

    # -- the business of the products -----------------------------------------------------

    def _finance(self) -> None:
        """Every product's business case, cost build-up and prices; a case with ``signed`` is
        signed off at the product's Analysis gate review that said go."""
        for key, spec in self.c["finance"].items():
            if key.startswith("_"):
                continue
            product = self.products[key]
            case = BusinessCase(
                product_id=product.id,
                currency=spec["currency"],
                period=Period(spec["period"]),
                horizon=spec["horizon"],
                start=self.d.at(spec["start"]),
                pricing_model=PricingModel(spec["pricing_model"]),
                notes=spec["notes"],
            )
            self.add(case)
            self.s.flush()
            self.cases[key] = case
            self.add(
                *(
                    BusinessDriver(case_id=case.id, key=name, value=Decimal(value), note=note)
                    for name, (value, note) in spec["drivers"].items()
                )
            )
            for order, (name, overrides) in enumerate(spec["scenarios"].items()):
                scenario = BusinessScenario(case_id=case.id, name=name, sort_order=order)
                self.add(scenario)
                self.s.flush()
                self.add(
                    *(
                        ScenarioOverride(scenario_id=scenario.id, key=name, value=Decimal(value))
                        for name, value in overrides.items()
                    )
                )
            items = [
                CostItem(
                    product_id=product.id,
                    name=name,
                    quantity=Decimal(quantity),
                    unit_cost=Decimal(cost),
                    sort_order=order,
                )
                for order, (name, quantity, cost) in enumerate(spec["cost_items"])
            ]
            self.add(*items)
            self.add(
                *(
                    PricePoint(
                        product_id=product.id,
                        segment=segment,
                        tier=tier,
                        channel=channel,
                        list_price=Decimal(price),
                        discount=Decimal(discount),
                        channel_margin=Decimal(channel_margin),
                        target_margin=Decimal(target),
                        sort_order=order,
                    )
                    for order, (
                        segment,
                        tier,
                        channel,
                        price,
                        discount,
                        channel_margin,
                        target,
                    ) in enumerate(spec["price_points"])
                )
            )
            self.s.flush()
            if "signed" in spec:
                self._sign(product, case, spec["signed"])
            for item, (name, quantity, cost) in zip(
                items, spec.get("cost_items_now", ()), strict=False
            ):  # costs that rose after the sign-off: the case is a draft again
                item.name, item.quantity, item.unit_cost = name, Decimal(quantity), Decimal(cost)
            self.s.flush()

    def _sign(self, product: Product, case: BusinessCase, signed: dict[str, str]) -> None:
        gate = next(
            g
            for g in self.gates[product.id]
            if Stage(g.stage) is Stage.ANALYSIS and GateDecision(g.decision) is GateDecision.GO
        )
        who = self.people[signed["by"]].name if "by" in signed else signed["by_name"]
        # A demo made for a day still to come (tests do) cannot sign in the future.
        self.finance.sign_off_in(
            self.uow,
            case.id,
            signed_by=who,
            scenario=signed["scenario"],
            signed_on=min(gate.decided_on, dt.date.today()),
            gate_review_id=gate.id,
        )

    def _plan_ratios(self, key: str, revenue: list[float]) -> list[Decimal]:
        """Actual ÷ planned revenue of each complete period of the product's signed plan
        that has actuals, oldest first (what the business-case elimination rule reads)."""
        spec = self.c["finance"][key]
        case = self.cases[key]
        plan = CoreCase(
            CaseSettings(case.currency, case.period, case.horizon, case.start, case.pricing_model),
            {name: Decimal(value) for name, (value, _note) in spec["drivers"].items()},
            tuple(
                Scenario(name, {k: Decimal(v) for k, v in overrides.items()})
                for name, overrides in spec["scenarios"].items()
            ),
        )
        rows = evaluate(plan, spec["signed"]["scenario"]).rows
        months = len(revenue)
        actual = {
            add_months(self.d.anchor, k - months): Decimal(repr(value))
            for k, value in enumerate(revenue)
        }
        return [
            v.ratio
            for v in plan_vs_actual(rows, actual, "revenue")
            if v.ratio is not None and v.complete
        ]

    # -- metrics, elimination, risks -------------------------------------------------------

    def _metrics_and_elimination(self) -> None:
        rng = random.Random(SEED)
        series: dict[str, dict[str, list[float]]] = {}
        for key, specs in self.c["metrics"].items():
            if key.startswith("_"):
                continue
            product = self.products[key]
            values: dict[str, list[float]] = {}
            for order, spec in enumerate(specs):
                values[spec["kind"]] = self._metric(product, spec, order, values, rng)
            series[key] = values
        spec = self.c["elimination"]
        self._elimination(self.products[spec["product"]], series[spec["product"]], spec)

    def _metric(
        self,
        product: Product,
        spec: dict[str, Any],
        order: int,
        earlier: dict[str, list[float]],
        rng: random.Random,
    ) -> list[float]:
        metric = Metric(
            product_id=product.id,
            name=spec["name"],
            kind=spec["kind"],
            unit=spec["unit"],
            direction=spec.get("direction", "up"),
            target=spec.get("target"),
            sort_order=order,
        )
        self.add(metric)
        self.s.flush()
        months = len(spec.get("values", ())) or self.c["metric_months"]
        periods = [add_months(self.d.anchor, k - months) for k in range(months)]
        values = _series(spec, periods, earlier, rng)
        budget = spec.get("budget")
        self.add(
            *(
                MetricValue(
                    metric_id=metric.id,
                    period=period,
                    value=value,
                    target=round(spec["start"] * (1 + budget) ** k, -3) if budget else None,
                )
                for k, (period, value) in enumerate(zip(periods, values, strict=True))
            )
        )
        return values

    def _elimination(
        self, product: Product, series: dict[str, list[float]], spec: dict[str, Any]
    ) -> None:
        """The figures of the review come from the product's own metric series."""
        revenue, margin, share = series["revenue"], series["margin"], series["market_share"]
        falling = next(
            (
                n
                for n in range(len(revenue) - 1, 0, -1)
                if all(a > b for a, b in pairwise(revenue[-n - 1 :]))
            ),
            0,
        )
        rules = EliminationRules()
        ratios = self._plan_ratios(spec["product"], revenue)
        below = below_business_case(ratios, rules)
        if below is None:
            raise PmdeskError("the demo's declining product no longer falls short of its plan")
        latest = ratios[-rules.business_case_periods :]
        ratio = sum(latest, Decimal(0)) / len(latest)
        figures = {
            "falling": falling,
            "margin": margin[-1],
            "share_from": share[0],
            "share_to": share[-1],
            "plan_ratio": ratio * 100,
            "plan_periods": len(latest),
        }
        product.elimination_flag = True
        product.elimination_flag_reason = spec["flag_reason"].format(**figures)
        review = EliminationReview(
            product_id=product.id,
            opened_on=self.d.at(spec["opened"]),
            triggers=[
                {"rule": "revenue_falling", "periods": falling, "value": revenue[-1]},
                {"rule": "margin_below", "value": margin[-1], "threshold": 15.0},
                {"rule": "share_shrinking", "from": share[0], "to": share[-1]},
                {
                    "rule": below.rule,
                    "detail": below.detail,
                    "value": round(float(ratio), 4),
                    "periods": len(latest),
                    "threshold": rules.business_case_floor,
                },
            ],
            revenue_lost_per_year=sum(revenue[-12:]),
            margin_lost_per_year=round(
                sum(r * m / 100 for r, m in zip(revenue[-12:], margin[-12:], strict=True)), -2
            ),
            customers_affected=spec["customers_affected"],
            shared_costs_remaining=spec["shared_costs_remaining"],
            dependent_products=spec["dependent_products"],
        )
        self.add(review)
        self.s.flush()
        self.add(*(RemedialAction(review_id=review.id, **action) for action in spec["actions"]))

    def _risks_and_revisions(self) -> None:
        for key, risks in self.c["risks"].items():
            self.add(*(Risk(product_id=self.products[key].id, **risk) for risk in risks))
        pulse = self.products[self.c["launch"]["product"]]
        for revision in self.c["revisions"]:
            self.add(
                SpecRevision(
                    product_id=pulse.id,
                    version=revision["version"],
                    revised_on=self.d.at(revision["on"]),
                    author=revision["author"],
                    summary=revision["summary"],
                )
            )


# Revenue by calendar month relative to the year's average (budgets close in March & December).
SEASON = {1: 0.93, 2: 0.97, 3: 1.06, 6: 1.04, 7: 0.95, 8: 0.9, 9: 1.04, 12: 1.07}


def _series(
    spec: dict[str, Any],
    periods: list[dt.date],
    earlier: dict[str, list[float]],
    rng: random.Random,
) -> list[float]:
    """One metric's monthly values from its shape in the content file (see its _about)."""
    if "values" in spec:
        return [float(v) for v in spec["values"]]
    digits, months = spec.get("round", 1), len(periods)
    if "from" in spec:
        first, last = spec["price"]
        source = earlier[spec["from"]]
        prices = [first + (last - first) * k / (months - 1) for k in range(months)]
        return [round(v * spec["share"] / p, digits) for v, p in zip(source, prices, strict=True)]
    values: list[float] = []
    for k, period in enumerate(periods):
        if "growth" in spec:
            value = spec["start"] * (1 + spec["growth"]) ** k
        else:
            value = spec["start"] + spec.get("step", 0) * k
        if spec.get("season"):
            value *= SEASON.get(period.month, 1.0)
        value *= 1 + rng.uniform(-1, 1) * spec.get("noise", 0)
        value += rng.uniform(-1, 1) * spec.get("jitter", 0)
        if k >= months - spec.get("falling", 0):
            value = values[-1] * rng.uniform(*spec["fall"])
        values.append(round(value, digits))
    return values
