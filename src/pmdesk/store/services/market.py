"""The market radar: competitors, the comparison matrix, win/loss, signals, feedback, limitations.

Every write is one transaction of the unit of work, so its journal makes it one undo step
and a team workspace refuses it when someone changed the rows since they were read. Input
is checked before anything is written: a refusal is a ValidationError naming the field,
and the workspace is left exactly as it was. Reads hand out the frozen rows below, the
scores and summaries computed by :mod:`pmdesk.core.market`.

The demand behind a requirement (:meth:`MarketService.demand`) reads the feedback linked
to it *and* the customers the Requirements view lists on it (``requirement_customer``):
both are voices behind the requirement, and a customer named in both is counted once,
at their larger revenue figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core import market as core
from pmdesk.core.enums import CanvasTemplate, RequirementStatus
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.market import (
    CRITERION_KEYS,
    CellLevel,
    DealOutcome,
    Demand,
    DemandItem,
    FeedbackSource,
    FeedbackStatus,
    Impact,
    Importance,
    LimitationKind,
    LimitationStatus,
    SignalKind,
    ThreatScore,
    WinLossSummary,
)
from pmdesk.core.pricing import parse_amount, parse_rate
from pmdesk.core.templates import canvas_layout

from ..models import (
    CanvasBoard,
    CanvasNote,
    Capability,
    ComparisonCell,
    Competitor,
    Feedback,
    FeedbackRequirement,
    Launch,
    Limitation,
    MarketSignal,
    Product,
    ProductCompetitor,
    Requirement,
    RequirementCustomer,
    RoadmapItem,
    SignalCompetitor,
    SignalProduct,
    SignalRequirement,
    WinLoss,
)
from .base import Repo

if TYPE_CHECKING:
    from ..workspace import UnitOfWork
    from .finance import PricePointRow

__all__ = [
    "KEY_FEATURE_BLOCKS",
    "CapabilityRow",
    "CellRow",
    "CompetitorRow",
    "FeedbackRow",
    "LimitationRow",
    "MarketService",
    "MarketingMix",
    "Matrix",
    "MixMessage",
    "MixNote",
    "SignalRow",
    "WinLossRow",
]

# Canvas blocks whose notes are a product's key features (product canvas, lean canvas,
# product vision board): "add rows from the canvas" reads these.
KEY_FEATURE_BLOCKS = ("key_features", "solution", "product")
PRICE_INDEX_MAX = 100_000  # a competitor's price as a % of ours: up to a thousand times
# Text a row cannot be without (the tables' *_not_blank rules).
REQUIRED = {
    "competitor": ("name",),
    "capability": ("name",),
    "market_signal": ("title",),
    "feedback": ("text",),
    "limitation": ("description",),
    "requirement": ("title",),
}
SIGNAL_LINKS = {
    "product_ids": ("signal_product", "product_id", Product),
    "competitor_ids": ("signal_competitor", "competitor_id", Competitor),
    "requirement_ids": ("signal_requirement", "requirement_id", Requirement),
}


# -- what the service hands out -------------------------------------------------------------


@dataclass(frozen=True)
class CompetitorRow:
    id: int
    name: str
    website: str
    segment: str
    positioning: str
    pricing: str
    market_share: Decimal | None
    price_index: int | None  # their price as a % of ours
    strengths: str
    weaknesses: str
    recent_moves: str
    notes: str
    scores: dict[str, int]  # threat criterion key -> 0..5
    threat: ThreatScore
    product_ids: tuple[int, ...]
    row_version: int = 1


@dataclass(frozen=True)
class CapabilityRow:
    id: int
    product_id: int
    name: str
    requirement_id: int | None
    note_id: int | None
    sort_order: int


@dataclass(frozen=True)
class CellRow:
    id: int
    capability_id: int
    competitor_id: int | None  # None: our product
    level: CellLevel
    evidence: str
    checked_on: dt.date | None
    stale: bool


@dataclass(frozen=True)
class Matrix:
    """A product's comparison matrix: rows × (our product, then its competitors by name)."""

    product_id: int
    product_name: str
    capabilities: tuple[CapabilityRow, ...]
    competitors: tuple[CompetitorRow, ...]
    cells: dict[tuple[int, int | None], CellRow]  # (capability id, competitor id | None)

    def cell(self, capability_id: int, competitor_id: int | None) -> CellRow | None:
        return self.cells.get((capability_id, competitor_id))

    def level(self, capability_id: int, competitor_id: int | None) -> CellLevel:
        found = self.cell(capability_id, competitor_id)
        return found.level if found else CellLevel.UNKNOWN

    def coverage(self, competitor_id: int | None) -> float | None:
        """Share of capabilities covered by a column (see core.market.coverage)."""
        return core.coverage(self.level(c.id, competitor_id) for c in self.capabilities)


@dataclass(frozen=True)
class WinLossRow:
    id: int
    competitor_id: int
    product_id: int | None
    deal: str
    date: dt.date
    outcome: DealOutcome
    reason: str
    value: Decimal | None


@dataclass(frozen=True)
class SignalRow:
    id: int
    date: dt.date
    kind: SignalKind
    title: str
    details: str
    source: str
    impact: Impact
    tags: tuple[str, ...]
    product_ids: tuple[int, ...]
    competitor_ids: tuple[int, ...]
    requirement_ids: tuple[int, ...]


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    product_id: int | None
    text: str
    customer: str
    contact: str
    source: FeedbackSource
    date: dt.date
    revenue: Decimal | None
    segment: str
    importance: Importance
    status: FeedbackStatus
    archive_reason: str
    requirement_ids: tuple[int, ...]


@dataclass(frozen=True)
class LimitationRow:
    id: int
    product_id: int
    item_id: int | None
    description: str
    workaround: str
    kind: LimitationKind
    status: LimitationStatus
    sort_order: int


# -- the marketing mix: the four Ps of a product, read from where the app keeps them -------------

# The canvas meanings the mix reads (core.templates: each template's blocks say theirs).
MIX_MEANINGS = ("features", "value", "customers", "channels", "promotion", "differentiation")


@dataclass(frozen=True)
class MixNote:
    """A canvas note the marketing mix shows, and the board and block it sits in."""

    id: int
    board_id: int
    block: str
    text: str


@dataclass(frozen=True)
class MixMessage:
    """A key message of the launch plan for one audience."""

    id: int
    audience: str
    message: str


def text_lines(text: str) -> list[str]:
    """The entries of a free-text list field (a launch's channels, segments, price): one per
    line, without list marks."""
    return [line.strip(" -•*\t") for line in text.splitlines() if line.strip(" -•*\t")]


@dataclass(frozen=True)
class MarketingMix:
    """Product, Price, Place and Promotion of one product, each from the part of the app that
    holds it: the canvas, the launch plan, the business case's pricing, the backlog.

    The commercial specification prints it and the Market view's Marketing mix tab shows and
    edits it: one reading for screen and paper.
    """

    product_id: int
    tagline: str
    # Canvas notes per meaning (MIX_MEANINGS and any asked for), the product canvas's
    # boards first, most votes first, a text once.
    canvas: Mapping[str, tuple[MixNote, ...]]
    board_id: int | None  # where a note added from the mix goes: the first product canvas
    delivered: tuple[tuple[int, str], ...]  # (requirement id, title) of the done requirements
    launch_id: int | None  # the next launch to come, else the latest
    launch_name: str
    differentiator: str  # the launch's "Unlike ..., it ..."
    launch_segments: tuple[str, ...]
    launch_price: tuple[str, ...]
    launch_channels: tuple[str, ...]
    messages: tuple[MixMessage, ...]
    price_points: tuple[PricePointRow, ...]
    currency: str

    def notes(self, meaning: str) -> tuple[MixNote, ...]:
        return self.canvas.get(meaning, ())

    def texts(self, meaning: str) -> list[str]:
        return [n.text for n in self.notes(meaning)]

    @property
    def features_from_canvas(self) -> bool:
        return bool(self.notes("features"))

    @property
    def features(self) -> list[str]:
        """The canvas's key features, else the delivered capabilities."""
        return self.texts("features") or [title for _id, title in self.delivered]

    @property
    def channels_from_launch(self) -> bool:
        return bool(self.launch_channels)

    @property
    def channels(self) -> list[str]:
        """The launch plan's channels, else the canvas's."""
        return list(self.launch_channels) or self.texts("channels")

    def messages_by_audience(self) -> dict[str, list[MixMessage]]:
        grouped: dict[str, list[MixMessage]] = {}
        for message in self.messages:
            grouped.setdefault(message.audience, []).append(message)
        return grouped

    @property
    def empty(self) -> bool:
        return not (
            any(self.canvas.values())
            or self.delivered
            or self.launch_price
            or self.launch_channels
            or self.messages
            or self.price_points
        )


# -- input ---------------------------------------------------------------------------------------


def _money(label: str, value: object) -> Decimal | None:
    """An optional non-negative exact amount ("12,500", "€1,234.50"); None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str | Decimal | int) or isinstance(value, bool):
        raise ValidationError(label, f"{value!r} is not an exact amount; type it as text")
    return parse_amount(value, label)


def _share(value: object) -> Decimal | None:
    """A market share as a fraction 0..1 ("12 %", "0.12"); None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str | Decimal | int) or isinstance(value, bool):
        raise ValidationError("market_share", f"{value!r} is not a share; type it as “12 %”")
    text = Decimal(value) if isinstance(value, int) else value
    return core.check_share(parse_rate(text, "market_share", maximum=Decimal(1)))


def _required(label: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(label, "cannot be empty")
    return value


class MarketService:
    """Competitors, the comparison matrix, win/loss, signals, feedback and limitations."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self._repos = {
            model.__tablename__: Repo(ws, model)
            for model in (
                Competitor,
                Capability,
                ComparisonCell,
                WinLoss,
                MarketSignal,
                Feedback,
                Limitation,
                Requirement,
            )
        }

    # -- shared helpers ------------------------------------------------------------------------

    def _clean(self, table: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Fields coerced to their columns (unknown names refused); decimals parsed exactly."""
        plain = {k: v for k, v in fields.items() if k not in ("market_share", "revenue", "value")}
        cleaned = self._repos[table].clean(plain)
        if "market_share" in fields:
            cleaned["market_share"] = _share(fields["market_share"])
        for name in ("revenue", "value"):
            if name in fields:
                cleaned[name] = _money(name, fields[name])
        for name in REQUIRED.get(table, ()):
            if name in cleaned:
                _required(name, cleaned[name])
        return cleaned

    @staticmethod
    def _exists(uow: UnitOfWork, model: type, entity_id: object, kind: str) -> Any:
        found = uow.session.get(model, entity_id) if entity_id is not None else None
        if found is None:
            raise NotFoundError(kind, entity_id)
        return found

    @staticmethod
    def _next_order(uow: UnitOfWork, column: Any, where: Any) -> int:
        return int(uow.session.scalar(sa.select(sa.func.max(column)).where(where)) or 0) + 1

    # -- competitors ---------------------------------------------------------------------------

    def competitors(self, product_id: int | None = None) -> list[CompetitorRow]:
        """Every competitor by name, or those a product competes with."""
        with self.ws.read() as session:
            stmt = sa.select(Competitor).order_by(sa.func.lower(Competitor.name), Competitor.id)
            if product_id is not None:
                stmt = stmt.join(
                    ProductCompetitor, ProductCompetitor.competitor_id == Competitor.id
                ).where(ProductCompetitor.product_id == product_id)
            rows = list(session.scalars(stmt))
            links = _grouped(
                session.execute(
                    sa.select(ProductCompetitor.competitor_id, ProductCompetitor.product_id)
                )
            )
        return [_competitor_row(c, links.get(c.id, ())) for c in rows]

    def competitor(self, competitor_id: int) -> CompetitorRow:
        with self.ws.read() as session:
            found = session.get(Competitor, competitor_id)
            if found is None:
                raise NotFoundError("competitor", competitor_id)
            products = session.scalars(
                sa.select(ProductCompetitor.product_id)
                .where(ProductCompetitor.competitor_id == competitor_id)
                .order_by(ProductCompetitor.product_id)
            ).all()
            return _competitor_row(found, tuple(products))

    def add_competitor(self, name: str, *, product_ids: Iterable[int] = (), **fields: Any) -> int:
        """A new competitor (name unique in the workspace), linked to ``product_ids``.

        ``fields``: website, segment, positioning, pricing, market_share ("12 %" or
        "0.12"), price_index (their price as a % of ours), strengths, weaknesses, recent_moves, notes and the threat criteria
        (market_overlap, product_strength, momentum, price_pressure: 0..5).
        """
        cleaned = self._competitor_fields({"name": name, **fields})
        full = self._repos["competitor"]._defaults() | cleaned
        with self.ws.transaction() as uow:
            self._refuse_taken_name(uow, full["name"])
            competitor_id = uow.insert("competitor", **full)
            for product_id in dict.fromkeys(product_ids):
                self._exists(uow, Product, product_id, "product")
                uow.insert_rows(
                    "product_competitor",
                    [{"product_id": product_id, "competitor_id": competitor_id}],
                )
            uow.journal.entity_id = competitor_id
        return int(competitor_id)

    def update_competitor(self, competitor_id: int, **fields: Any) -> None:
        cleaned = self._competitor_fields(fields)
        with self.ws.transaction() as uow:
            self._exists(uow, Competitor, competitor_id, "competitor")
            if "name" in cleaned:
                self._refuse_taken_name(uow, cleaned["name"], competitor_id)
            uow.update("competitor", competitor_id, **cleaned)

    def set_threat_scores(self, competitor_id: int, **scores: object) -> ThreatScore:
        """Set some of the threat criteria (0..5); returns the new threat score."""
        checked = {key: core.check_criterion_score(key, value) for key, value in scores.items()}
        with self.ws.transaction() as uow:
            self._exists(uow, Competitor, competitor_id, "competitor")
            uow.update("competitor", competitor_id, **checked)
        return self.competitor(competitor_id).threat

    def delete_competitor(self, competitor_id: int) -> None:
        """The competitor goes with its cells, win/loss records and links."""
        with self.ws.transaction() as uow:
            self._exists(uow, Competitor, competitor_id, "competitor")
            uow.delete("competitor", [competitor_id])

    def link_product(self, competitor_id: int, product_id: int) -> None:
        with self.ws.transaction() as uow:
            self._exists(uow, Competitor, competitor_id, "competitor")
            self._exists(uow, Product, product_id, "product")
            if uow.session.get(ProductCompetitor, (product_id, competitor_id)) is None:
                uow.insert_rows(
                    "product_competitor",
                    [{"product_id": product_id, "competitor_id": competitor_id}],
                )

    def unlink_product(self, competitor_id: int, product_id: int) -> None:
        with self.ws.transaction() as uow:
            if uow.session.get(ProductCompetitor, (product_id, competitor_id)) is not None:
                uow.delete("product_competitor", [(product_id, competitor_id)])

    def _competitor_fields(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        scores = {
            k: core.check_criterion_score(k, v) for k, v in fields.items() if k in CRITERION_KEYS
        }
        cleaned = self._clean("competitor", {k: v for k, v in fields.items() if k not in scores})
        if "name" in cleaned:
            cleaned["name"] = cleaned["name"].strip()
        index = cleaned.get("price_index")
        if index is not None and not 0 <= index <= PRICE_INDEX_MAX:
            raise ValidationError(
                "price_index", f"{index} is not a percentage of our price from 0 to 100,000"
            )
        return cleaned | scores

    @staticmethod
    def _refuse_taken_name(uow: UnitOfWork, name: str, own_id: int | None = None) -> None:
        taken = uow.session.scalar(
            sa.select(Competitor.id).where(
                sa.func.lower(Competitor.name) == name.lower(), Competitor.id != (own_id or -1)
            )
        )
        if taken is not None:
            raise ValidationError("name", f"there is a competitor named {name!r} already")

    # -- the comparison matrix -------------------------------------------------------------------

    def capabilities(self, product_id: int) -> list[CapabilityRow]:
        with self.ws.read() as session:
            rows = session.scalars(
                sa.select(Capability)
                .where(Capability.product_id == product_id)
                .order_by(Capability.sort_order, Capability.id)
            ).all()
        return [_capability_row(c) for c in rows]

    def add_capability(
        self,
        product_id: int,
        name: str = "",
        *,
        requirement_id: int | None = None,
        note_id: int | None = None,
    ) -> int:
        """A row of the product's matrix: free text, or named after a requirement or a note
        (``name`` blank: the requirement's title or the note's text)."""
        with self.ws.transaction() as uow:
            self._exists(uow, Product, product_id, "product")
            if requirement_id is not None:
                requirement = self._exists(uow, Requirement, requirement_id, "requirement")
                name = name or requirement.title
            if note_id is not None:
                note = self._exists(uow, CanvasNote, note_id, "canvas_note")
                name = name or _first_line(note.text)
            cleaned = self._clean(
                "capability",
                {"name": name, "requirement_id": requirement_id, "note_id": note_id},
            )
            capability_id = uow.insert(
                "capability",
                product_id=product_id,
                sort_order=self._next_order(
                    uow, Capability.sort_order, Capability.product_id == product_id
                ),
                **cleaned,
            )
            uow.journal.entity_id = capability_id
        return int(capability_id)

    def add_capabilities_from_requirements(
        self, product_id: int, requirement_ids: Iterable[int] | None = None
    ) -> list[int]:
        """One row per requirement of the product (all, or those given) not yet a row: one step."""
        with self.ws.transaction() as uow:
            self._exists(uow, Product, product_id, "product")
            stmt = sa.select(Requirement).where(Requirement.product_id == product_id)
            if requirement_ids is not None:
                wanted = list(requirement_ids)
                stmt = stmt.where(Requirement.id.in_(wanted))
            found = uow.session.scalars(stmt.order_by(Requirement.sort_order, Requirement.id)).all()
            if requirement_ids is not None:
                missing = set(wanted) - {r.id for r in found}
                if missing:
                    raise NotFoundError("requirement of this product", min(missing))
            taken = set(
                uow.session.scalars(
                    sa.select(Capability.requirement_id).where(Capability.product_id == product_id)
                )
            )
            return self._add_rows(
                uow, product_id, [(r.title, r.id, None) for r in found if r.id not in taken]
            )

    def add_capabilities_from_canvas(self, product_id: int) -> list[int]:
        """One row per key-feature note of the product's canvases (see KEY_FEATURE_BLOCKS)
        not yet a row, in one step; blank notes are skipped."""
        with self.ws.transaction() as uow:
            self._exists(uow, Product, product_id, "product")
            notes = uow.session.execute(
                sa.select(CanvasNote.id, CanvasNote.text)
                .join(CanvasBoard, CanvasBoard.id == CanvasNote.board_id)
                .where(
                    CanvasBoard.product_id == product_id,
                    CanvasNote.block.in_(KEY_FEATURE_BLOCKS),
                )
                .order_by(CanvasBoard.id, CanvasNote.position, CanvasNote.id)
            ).all()
            taken = set(
                uow.session.scalars(
                    sa.select(Capability.note_id).where(Capability.product_id == product_id)
                )
            )
            rows = [
                (_first_line(text), None, note_id)
                for note_id, text in notes
                if note_id not in taken and _first_line(text)
            ]
            return self._add_rows(uow, product_id, rows)

    def _add_rows(
        self,
        uow: UnitOfWork,
        product_id: int,
        rows: Sequence[tuple[str, int | None, int | None]],
    ) -> list[int]:
        order = self._next_order(uow, Capability.sort_order, Capability.product_id == product_id)
        ids = []
        for offset, (name, requirement_id, note_id) in enumerate(rows):
            ids.append(
                int(
                    uow.insert(
                        "capability",
                        product_id=product_id,
                        name=name[:300],
                        requirement_id=requirement_id,
                        note_id=note_id,
                        sort_order=order + offset,
                    )
                )
            )
        return ids

    def update_capability(self, capability_id: int, **fields: Any) -> None:
        """Rename, relink (requirement_id, note_id) or reorder (sort_order) a row."""
        cleaned = self._clean("capability", fields)
        if "product_id" in cleaned:
            raise ValidationError("product_id", "a row stays with its product")
        with self.ws.transaction() as uow:
            self._exists(uow, Capability, capability_id, "capability")
            uow.update("capability", capability_id, **cleaned)

    def delete_capability(self, capability_id: int) -> None:
        with self.ws.transaction() as uow:
            self._exists(uow, Capability, capability_id, "capability")
            uow.delete("capability", [capability_id])

    def set_cell(
        self,
        capability_id: int,
        competitor_id: int | None,
        level: CellLevel | str,
        evidence: str = "",
        checked_on: dt.date | str | None = None,
    ) -> int:
        """Set the cell of a row for our product (``competitor_id`` None) or a competitor:
        its level, the evidence and the day it was checked. Returns the cell's id."""
        cleaned = self._clean(
            "comparison_cell", {"level": level, "evidence": evidence, "checked_on": checked_on}
        )
        with self.ws.transaction() as uow:
            self._exists(uow, Capability, capability_id, "capability")
            if competitor_id is not None:
                self._exists(uow, Competitor, competitor_id, "competitor")
            existing = uow.session.scalar(
                sa.select(ComparisonCell.id).where(
                    ComparisonCell.capability_id == capability_id,
                    ComparisonCell.competitor_id.is_(None)
                    if competitor_id is None
                    else ComparisonCell.competitor_id == competitor_id,
                )
            )
            if existing is not None:
                uow.update("comparison_cell", existing, **cleaned)
                return int(existing)
            cell_id = uow.insert(
                "comparison_cell",
                capability_id=capability_id,
                competitor_id=competitor_id,
                **cleaned,
            )
            uow.journal.entity_id = cell_id
        return int(cell_id)

    def matrix(
        self, product_id: int, *, today: dt.date | None = None, stale_days: int = core.STALE_DAYS
    ) -> Matrix:
        """The product's matrix; a cell checked more than ``stale_days`` before ``today``
        (default: the date today) or never is marked stale."""
        today = today or dt.date.today()
        competitors = tuple(self.competitors(product_id))
        with self.ws.read() as session:
            product = session.get(Product, product_id)
            if product is None:
                raise NotFoundError("product", product_id)
            capabilities = session.scalars(
                sa.select(Capability)
                .where(Capability.product_id == product_id)
                .order_by(Capability.sort_order, Capability.id)
            ).all()
            cells = session.scalars(
                sa.select(ComparisonCell)
                .join(Capability, Capability.id == ComparisonCell.capability_id)
                .where(Capability.product_id == product_id)
            ).all()
            name = product.name
        shown = {None} | {c.id for c in competitors}
        return Matrix(
            product_id,
            name,
            tuple(_capability_row(c) for c in capabilities),
            competitors,
            {
                (c.capability_id, c.competitor_id): CellRow(
                    c.id,
                    c.capability_id,
                    c.competitor_id,
                    c.level,
                    c.evidence,
                    c.checked_on,
                    core.is_stale(c.checked_on, today, stale_days),
                )
                for c in cells
                if c.competitor_id in shown
            },
        )

    def positioning(
        self, product_id: int, x_axis: str, y_axis: str
    ) -> tuple[list[core.PositionPoint], list[str]]:
        """The product and its competitors on two axes (core.market.AXES), bubble = market
        share; the second list names those without a value on an axis (our product has
        only a price, 100 % of itself, and its capability coverage)."""
        matrix = self.matrix(product_id)
        own_levels = [matrix.level(c.id, None) for c in matrix.capabilities]
        entries = [
            core.PositionEntry(matrix.product_name, core.our_axis_values(own_levels), ours=True)
        ]
        for competitor in matrix.competitors:
            levels = [matrix.level(c.id, competitor.id) for c in matrix.capabilities]
            entries.append(
                core.PositionEntry(
                    competitor.name,
                    core.competitor_axis_values(competitor.scores, levels, competitor.price_index),
                    competitor.market_share,
                    competitor_id=competitor.id,
                )
            )
        return core.positioning(entries, x_axis, y_axis)

    # -- win/loss ------------------------------------------------------------------------------

    def win_losses(
        self, *, competitor_id: int | None = None, product_id: int | None = None
    ) -> list[WinLossRow]:
        """Win/loss records, newest first, of one competitor and/or product if given."""
        with self.ws.read() as session:
            stmt = sa.select(WinLoss).order_by(WinLoss.date.desc(), WinLoss.id.desc())
            if competitor_id is not None:
                stmt = stmt.where(WinLoss.competitor_id == competitor_id)
            if product_id is not None:
                stmt = stmt.where(WinLoss.product_id == product_id)
            return [_win_loss_row(w) for w in session.scalars(stmt)]

    def add_win_loss(
        self,
        competitor_id: int,
        outcome: DealOutcome | str,
        date: dt.date | str,
        *,
        deal: str = "",
        reason: str = "",
        value: object = None,
        product_id: int | None = None,
    ) -> int:
        cleaned = self._clean(
            "win_loss",
            {
                "outcome": outcome,
                "date": date,
                "deal": deal,
                "reason": reason,
                "value": value,
                "product_id": product_id,
            },
        )
        with self.ws.transaction() as uow:
            self._exists(uow, Competitor, competitor_id, "competitor")
            if product_id is not None:
                self._exists(uow, Product, product_id, "product")
            record_id = uow.insert("win_loss", competitor_id=competitor_id, **cleaned)
            uow.journal.entity_id = record_id
        return int(record_id)

    def update_win_loss(self, record_id: int, **fields: Any) -> None:
        cleaned = self._clean("win_loss", fields)
        with self.ws.transaction() as uow:
            self._exists(uow, WinLoss, record_id, "win_loss")
            if cleaned.get("competitor_id") is not None:
                self._exists(uow, Competitor, cleaned["competitor_id"], "competitor")
            uow.update("win_loss", record_id, **cleaned)

    def delete_win_loss(self, record_id: int) -> None:
        with self.ws.transaction() as uow:
            self._exists(uow, WinLoss, record_id, "win_loss")
            uow.delete("win_loss", [record_id])

    def win_loss_summaries(
        self, *, product_id: int | None = None, top: int = 3
    ) -> dict[int, WinLossSummary]:
        """Per competitor: won, lost, win rate, values and the top reasons (core.market)."""
        rows = self.win_losses(product_id=product_id)
        return core.win_loss_summary(
            (core.DealRecord(r.competitor_id, r.outcome, r.reason, r.value) for r in rows), top
        )

    # -- market signals -----------------------------------------------------------------------

    def add_signal(
        self,
        title: str,
        kind: SignalKind | str,
        date: dt.date | str,
        *,
        details: str = "",
        source: str = "",
        impact: Impact | str = Impact.MEDIUM,
        tags: str | Iterable[str] = (),
        product_ids: Iterable[int] = (),
        competitor_ids: Iterable[int] = (),
        requirement_ids: Iterable[int] = (),
    ) -> int:
        """A dated signal with its links; ``tags`` as a list or "a, b; c"."""
        cleaned = self._clean(
            "market_signal",
            {
                "title": title,
                "kind": kind,
                "date": date,
                "details": details,
                "source": source,
                "impact": impact,
            },
        )
        cleaned["tags"] = list(core.parse_tags(tags))
        links = {
            "product_ids": product_ids,
            "competitor_ids": competitor_ids,
            "requirement_ids": requirement_ids,
        }
        with self.ws.transaction() as uow:
            signal_id = int(uow.insert("market_signal", **cleaned))
            self._set_signal_links(uow, signal_id, links)
            uow.journal.entity_id = signal_id
        return signal_id

    def update_signal(self, signal_id: int, **fields: Any) -> None:
        """Change fields; ``tags``, ``product_ids``, ``competitor_ids`` and
        ``requirement_ids`` replace the whole list."""
        links = {k: fields.pop(k) for k in list(fields) if k in SIGNAL_LINKS}
        tags = fields.pop("tags", None)
        cleaned = self._clean("market_signal", fields)
        if tags is not None:
            cleaned["tags"] = list(core.parse_tags(tags))
        with self.ws.transaction() as uow:
            self._exists(uow, MarketSignal, signal_id, "market_signal")
            if cleaned:
                uow.update("market_signal", signal_id, **cleaned)
            self._set_signal_links(uow, signal_id, links)

    def delete_signal(self, signal_id: int) -> None:
        with self.ws.transaction() as uow:
            self._exists(uow, MarketSignal, signal_id, "market_signal")
            uow.delete("market_signal", [signal_id])

    def _set_signal_links(
        self, uow: UnitOfWork, signal_id: int, links: Mapping[str, Iterable[int]]
    ) -> None:
        for name, ids in links.items():
            table, column, model = SIGNAL_LINKS[name]
            wanted = list(dict.fromkeys(ids))
            for target in wanted:
                self._exists(uow, model, target, model.__tablename__)
            link = sa.table(table, sa.column("signal_id"), sa.column(column))
            have: set[int] = set(
                uow.session.scalars(sa.select(link.c[column]).where(link.c.signal_id == signal_id))
            )
            gone = [(signal_id, target) for target in have if target not in wanted]
            if gone:
                uow.delete(table, gone)
            new = [{"signal_id": signal_id, column: t} for t in wanted if t not in have]
            if new:
                uow.insert_rows(table, new)

    def signal(self, signal_id: int) -> SignalRow:
        found = self.signals(ids=[signal_id])
        if not found:
            raise NotFoundError("market_signal", signal_id)
        return found[0]

    def signals(
        self,
        *,
        text: str = "",
        kind: SignalKind | str | None = None,
        impact: Impact | str | None = None,
        product_id: int | None = None,
        competitor_id: int | None = None,
        requirement_id: int | None = None,
        tag: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        ids: Iterable[int] | None = None,
    ) -> list[SignalRow]:
        """Signals newest first, filtered: ``text`` in the title, details or source (case
        folded), a kind, an impact, a linked product/competitor/requirement, a tag
        (case folded), dates from ``start`` to ``end`` inclusive. The timeline reads this."""
        with self.ws.read() as session:
            stmt = sa.select(MarketSignal).order_by(
                MarketSignal.date.desc(), MarketSignal.id.desc()
            )
            if ids is not None:
                stmt = stmt.where(MarketSignal.id.in_(list(ids)))
            if kind is not None:
                stmt = stmt.where(MarketSignal.kind == _enum(SignalKind, kind, "kind"))
            if impact is not None:
                stmt = stmt.where(MarketSignal.impact == _enum(Impact, impact, "impact"))
            if start is not None:
                stmt = stmt.where(MarketSignal.date >= start)
            if end is not None:
                stmt = stmt.where(MarketSignal.date <= end)
            for model, column, value in (
                (SignalProduct, SignalProduct.product_id, product_id),
                (SignalCompetitor, SignalCompetitor.competitor_id, competitor_id),
                (SignalRequirement, SignalRequirement.requirement_id, requirement_id),
            ):
                if value is not None:
                    stmt = stmt.where(
                        MarketSignal.id.in_(sa.select(model.signal_id).where(column == value))
                    )
            found = list(session.scalars(stmt))
            signal_ids = [s.id for s in found]
            products = _grouped(
                session.execute(
                    sa.select(SignalProduct.signal_id, SignalProduct.product_id).where(
                        SignalProduct.signal_id.in_(signal_ids)
                    )
                )
            )
            competitors = _grouped(
                session.execute(
                    sa.select(SignalCompetitor.signal_id, SignalCompetitor.competitor_id).where(
                        SignalCompetitor.signal_id.in_(signal_ids)
                    )
                )
            )
            requirements = _grouped(
                session.execute(
                    sa.select(SignalRequirement.signal_id, SignalRequirement.requirement_id).where(
                        SignalRequirement.signal_id.in_(signal_ids)
                    )
                )
            )
        wanted_text = text.casefold().strip()
        wanted_tag = " ".join(tag.split()).casefold() if tag else None
        rows = []
        for s in found:
            if wanted_text and not any(
                wanted_text in part.casefold() for part in (s.title, s.details, s.source)
            ):
                continue
            tags = tuple(str(t) for t in s.tags)
            if wanted_tag is not None and wanted_tag not in {t.casefold() for t in tags}:
                continue
            rows.append(
                SignalRow(
                    s.id,
                    s.date,
                    s.kind,
                    s.title,
                    s.details,
                    s.source,
                    s.impact,
                    tags,
                    products.get(s.id, ()),
                    competitors.get(s.id, ()),
                    requirements.get(s.id, ()),
                )
            )
        return rows

    def tags(self) -> list[str]:
        """Every tag in use, once each, sorted without case (for a filter's choices)."""
        with self.ws.read() as session:
            lists = session.scalars(sa.select(MarketSignal.tags)).all()
        return sorted(core.parse_tags(t for tags in lists for t in tags), key=str.casefold)

    def signal_to_requirement(
        self, signal_id: int, product_id: int | None = None, title: str = "", **fields: Any
    ) -> int:
        """A new requirement from a signal in one step, linked to it: titled after the
        signal unless ``title`` is given, its details as the description, in ``product_id``
        (default: the signal's only linked product). ``fields``: other requirement fields."""
        with self.ws.transaction() as uow:
            signal = self._exists(uow, MarketSignal, signal_id, "market_signal")
            if product_id is None:
                linked = uow.session.scalars(
                    sa.select(SignalProduct.product_id).where(SignalProduct.signal_id == signal_id)
                ).all()
                if len(linked) != 1:
                    raise ValidationError(
                        "product", "choose the product the requirement belongs to"
                    )
                product_id = linked[0]
            values = {
                "title": (title or signal.title)[:300],
                "description": signal.details,
                **fields,
            }
            requirement_id = self._insert_requirement(uow, product_id, values)
            uow.insert_rows(
                "signal_requirement", [{"signal_id": signal_id, "requirement_id": requirement_id}]
            )
            if uow.session.get(SignalProduct, (signal_id, product_id)) is None:
                uow.insert_rows(
                    "signal_product", [{"signal_id": signal_id, "product_id": product_id}]
                )
            uow.journal.entity_id = requirement_id
        return requirement_id

    def _insert_requirement(
        self, uow: UnitOfWork, product_id: int, fields: Mapping[str, Any]
    ) -> int:
        """A requirement inserted in this transaction, checked by the requirement's own rules."""
        self._exists(uow, Product, product_id, "product")
        repo = self._repos["requirement"]
        cleaned = self._clean("requirement", {**fields, "product_id": product_id})
        full = repo._defaults() | cleaned
        repo._validate(full)
        full["sort_order"] = self._next_order(
            uow, Requirement.sort_order, Requirement.product_id == product_id
        )
        return int(uow.insert("requirement", **full))

    # -- customer feedback ----------------------------------------------------------------------

    def feedback(
        self,
        *,
        status: FeedbackStatus | str | None = None,
        product_id: int | None = None,
        requirement_id: int | None = None,
        text: str = "",
    ) -> list[FeedbackRow]:
        """The inbox, newest first: by status, product, linked requirement or text (in the
        quote, customer, contact or segment; case folded)."""
        with self.ws.read() as session:
            stmt = sa.select(Feedback).order_by(Feedback.date.desc(), Feedback.id.desc())
            if status is not None:
                stmt = stmt.where(Feedback.status == _enum(FeedbackStatus, status, "status"))
            if product_id is not None:
                stmt = stmt.where(Feedback.product_id == product_id)
            if requirement_id is not None:
                stmt = stmt.where(
                    Feedback.id.in_(
                        sa.select(FeedbackRequirement.feedback_id).where(
                            FeedbackRequirement.requirement_id == requirement_id
                        )
                    )
                )
            found = list(session.scalars(stmt))
            links = _grouped(
                session.execute(
                    sa.select(FeedbackRequirement.feedback_id, FeedbackRequirement.requirement_id)
                )
            )
        wanted = text.casefold().strip()
        return [
            _feedback_row(f, links.get(f.id, ()))
            for f in found
            if not wanted
            or any(wanted in part.casefold() for part in (f.text, f.customer, f.contact, f.segment))
        ]

    def feedback_item(self, feedback_id: int) -> FeedbackRow:
        with self.ws.read() as session:
            found = session.get(Feedback, feedback_id)
            if found is None:
                raise NotFoundError("feedback", feedback_id)
            links = session.scalars(
                sa.select(FeedbackRequirement.requirement_id)
                .where(FeedbackRequirement.feedback_id == feedback_id)
                .order_by(FeedbackRequirement.requirement_id)
            ).all()
            return _feedback_row(found, tuple(links))

    def add_feedback(self, text: str, date: dt.date | str, **fields: Any) -> int:
        """A feedback item in the inbox (status new). ``fields``: customer, contact, source,
        revenue ("12,500"), segment, importance, product_id."""
        if "status" in fields or "archive_reason" in fields:
            raise ValidationError("status", "is set by triage (link, archive), not given")
        cleaned = self._clean("feedback", {"text": text, "date": date, **fields})
        full = self._repos["feedback"]._defaults() | cleaned
        with self.ws.transaction() as uow:
            if full.get("product_id") is not None:
                self._exists(uow, Product, full["product_id"], "product")
            feedback_id = uow.insert("feedback", **full)
            uow.journal.entity_id = feedback_id
        return int(feedback_id)

    def add_feedback_rows(self, rows: Iterable[Mapping[str, Any]]) -> list[int]:
        """Many feedback items in one step (an import): all of them, or none if one is refused."""
        checked = []
        for number, row in enumerate(rows, start=1):
            try:
                if "status" in row or "archive_reason" in row:
                    raise ValidationError("status", "is set by triage, not imported")
                checked.append(self._repos["feedback"]._defaults() | self._clean("feedback", row))
            except ValidationError as exc:
                raise ValidationError(f"row {number}: {exc.field}", exc.reason) from None
        with self.ws.transaction() as uow:
            ids = []
            for full in checked:
                if full.get("product_id") is not None:
                    self._exists(uow, Product, full["product_id"], "product")
                ids.append(int(uow.insert("feedback", **full)))
        return ids

    def update_feedback(self, feedback_id: int, **fields: Any) -> None:
        if "status" in fields or "archive_reason" in fields:
            raise ValidationError("status", "is set by triage (link, archive), not edited")
        cleaned = self._clean("feedback", fields)
        with self.ws.transaction() as uow:
            self._exists(uow, Feedback, feedback_id, "feedback")
            uow.update("feedback", feedback_id, **cleaned)

    def delete_feedback(self, feedback_id: int) -> None:
        with self.ws.transaction() as uow:
            self._exists(uow, Feedback, feedback_id, "feedback")
            uow.delete("feedback", [feedback_id])

    def link_feedback(self, feedback_id: int, requirement_id: int) -> None:
        """The feedback item supports the requirement (it may support several); a new or
        archived item becomes linked."""
        with self.ws.transaction() as uow:
            self._link_feedback(uow, feedback_id, requirement_id)

    def _link_feedback(self, uow: UnitOfWork, feedback_id: int, requirement_id: int) -> None:
        item = self._exists(uow, Feedback, feedback_id, "feedback")
        self._exists(uow, Requirement, requirement_id, "requirement")
        if uow.session.get(FeedbackRequirement, (feedback_id, requirement_id)) is None:
            uow.insert_rows(
                "feedback_requirement",
                [{"feedback_id": feedback_id, "requirement_id": requirement_id}],
            )
        if item.status is not FeedbackStatus.LINKED or item.archive_reason:
            uow.update("feedback", feedback_id, status=FeedbackStatus.LINKED, archive_reason="")

    def unlink_feedback(self, feedback_id: int, requirement_id: int) -> None:
        """The link goes; an item left without links is new again (an archived one stays)."""
        with self.ws.transaction() as uow:
            item = self._exists(uow, Feedback, feedback_id, "feedback")
            if uow.session.get(FeedbackRequirement, (feedback_id, requirement_id)) is None:
                return
            uow.delete("feedback_requirement", [(feedback_id, requirement_id)])
            left = uow.session.scalar(
                sa.select(sa.func.count())
                .select_from(FeedbackRequirement)
                .where(FeedbackRequirement.feedback_id == feedback_id)
            )
            if not left and item.status is FeedbackStatus.LINKED:
                uow.update("feedback", feedback_id, status=FeedbackStatus.NEW)

    def feedback_to_requirement(
        self, feedback_id: int, product_id: int | None = None, title: str = "", **fields: Any
    ) -> int:
        """A new requirement from a feedback item, linked to it, in one step: titled by
        ``title`` or the quote's first line, the quote as its description, the customer
        named on it with their revenue, in ``product_id`` (default: the item's product)."""
        with self.ws.transaction() as uow:
            item = self._exists(uow, Feedback, feedback_id, "feedback")
            product_id = product_id if product_id is not None else item.product_id
            if product_id is None:
                raise ValidationError("product", "choose the product the requirement belongs to")
            values = {
                "title": (title or _first_line(item.text))[:300],
                "description": item.text,
                "source": "customer",
                **fields,
            }
            requirement_id = self._insert_requirement(uow, product_id, values)
            self._link_feedback(uow, feedback_id, requirement_id)
            uow.journal.entity_id = requirement_id
        return requirement_id

    def archive_feedback(self, feedback_id: int, reason: str) -> None:
        """Set a feedback item aside with a reason (its links stay, for the record)."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationError("archive_reason", "say why the item is archived")
        with self.ws.transaction() as uow:
            self._exists(uow, Feedback, feedback_id, "feedback")
            uow.update(
                "feedback", feedback_id, status=FeedbackStatus.ARCHIVED, archive_reason=reason
            )

    def unarchive_feedback(self, feedback_id: int) -> None:
        """Back in the inbox: linked if it supports a requirement, new otherwise."""
        with self.ws.transaction() as uow:
            self._exists(uow, Feedback, feedback_id, "feedback")
            linked = uow.session.scalar(
                sa.select(sa.func.count())
                .select_from(FeedbackRequirement)
                .where(FeedbackRequirement.feedback_id == feedback_id)
            )
            status = FeedbackStatus.LINKED if linked else FeedbackStatus.NEW
            uow.update("feedback", feedback_id, status=status, archive_reason="")

    def demand(self, requirement_id: int, quotes: int = core.QUOTES_SHOWN) -> Demand:
        """The customers, revenue and strongest quotes behind a requirement (see module doc)."""
        with self.ws.read() as session:
            if session.get(Requirement, requirement_id) is None:
                raise NotFoundError("requirement", requirement_id)
        return self.demand_by_requirement(requirement_ids=[requirement_id], quotes=quotes).get(
            requirement_id, core.demand(())
        )

    def demand_by_requirement(
        self,
        product_id: int | None = None,
        *,
        requirement_ids: Iterable[int] | None = None,
        quotes: int = core.QUOTES_SHOWN,
        include_archived: bool = False,
    ) -> dict[int, Demand]:
        """requirement id -> its demand, for a product's requirements (or those given);
        archived feedback is left out unless asked for. Requirements without any voice
        are left out."""
        with self.ws.read() as session:
            wanted = sa.select(Requirement.id)
            if product_id is not None:
                wanted = wanted.where(Requirement.product_id == product_id)
            if requirement_ids is not None:
                wanted = wanted.where(Requirement.id.in_(list(requirement_ids)))
            feedback_stmt = (
                sa.select(FeedbackRequirement.requirement_id, Feedback)
                .join(Feedback, Feedback.id == FeedbackRequirement.feedback_id)
                .where(FeedbackRequirement.requirement_id.in_(wanted))
            )
            if not include_archived:
                feedback_stmt = feedback_stmt.where(Feedback.status != FeedbackStatus.ARCHIVED)
            voices: dict[int, list[DemandItem]] = {}
            for requirement_id, f in session.execute(feedback_stmt):
                voices.setdefault(requirement_id, []).append(
                    DemandItem(f.customer, f.revenue, f.text, f.importance, f.date, f.id, f.segment)
                )
            named = session.execute(
                sa.select(
                    RequirementCustomer.requirement_id,
                    RequirementCustomer.customer,
                    RequirementCustomer.revenue,
                ).where(RequirementCustomer.requirement_id.in_(wanted))
            ).all()
        for requirement_id, customer, revenue in named:
            # A float on the requirement; its decimal text is what the person typed.
            voices.setdefault(requirement_id, []).append(
                DemandItem(customer, Decimal(repr(float(revenue or 0))))
            )
        return {rid: core.demand(items, quotes) for rid, items in voices.items()}

    # -- limitations --------------------------------------------------------------------------

    def limitations(self, product_id: int, *, item_id: int | None = None) -> list[LimitationRow]:
        """A product's limitations and known issues in order; with ``item_id``, those of
        that release and those of every release."""
        with self.ws.read() as session:
            stmt = (
                sa.select(Limitation)
                .where(Limitation.product_id == product_id)
                .order_by(Limitation.sort_order, Limitation.id)
            )
            if item_id is not None:
                stmt = stmt.where(
                    sa.or_(Limitation.item_id == item_id, Limitation.item_id.is_(None))
                )
            return [_limitation_row(x) for x in session.scalars(stmt)]

    def add_limitation(self, product_id: int, description: str, **fields: Any) -> int:
        """``fields``: workaround, kind (limitation / known issue), status, item_id (the
        release or milestone of the product's roadmap it applies to)."""
        cleaned = self._clean("limitation", {"description": description, **fields})
        full = self._repos["limitation"]._defaults() | cleaned
        with self.ws.transaction() as uow:
            self._exists(uow, Product, product_id, "product")
            self._check_item(uow, product_id, full.get("item_id"))
            full["product_id"] = product_id
            full["sort_order"] = self._next_order(
                uow, Limitation.sort_order, Limitation.product_id == product_id
            )
            limitation_id = uow.insert("limitation", **full)
            uow.journal.entity_id = limitation_id
        return int(limitation_id)

    def update_limitation(self, limitation_id: int, **fields: Any) -> None:
        cleaned = self._clean("limitation", fields)
        if "product_id" in cleaned:
            raise ValidationError("product_id", "a limitation stays with its product")
        with self.ws.transaction() as uow:
            found = self._exists(uow, Limitation, limitation_id, "limitation")
            if "item_id" in cleaned:
                self._check_item(uow, found.product_id, cleaned["item_id"])
            uow.update("limitation", limitation_id, **cleaned)

    def delete_limitation(self, limitation_id: int) -> None:
        with self.ws.transaction() as uow:
            self._exists(uow, Limitation, limitation_id, "limitation")
            uow.delete("limitation", [limitation_id])

    # -- the marketing mix --------------------------------------------------------------------

    def mix_launch(self, product_id: int, today: dt.date | None = None) -> Launch | None:
        """The launch the mix reads: the next one to come (from ``today``), else the latest."""
        from .launch import LaunchService

        on = today or dt.date.today()
        launches = self.ws.service(LaunchService).launches_of(product_id)
        upcoming = [la for la in launches if la.launch_date >= on]
        return upcoming[0] if upcoming else (launches[-1] if launches else None)

    def canvas_notes(
        self, product_id: int, meanings: Sequence[str] = MIX_MEANINGS
    ) -> dict[str, tuple[MixNote, ...]]:
        """The product's canvas notes of each meaning: the product canvas's boards first, most
        votes first, each text once; blank notes are left out."""
        from .canvas import CanvasService

        canvas = self.ws.service(CanvasService)
        boards = canvas.boards_of(product_id)
        boards.sort(key=lambda b: b.template is not CanvasTemplate.PRODUCT_CANVAS)
        found: dict[str, list[MixNote]] = {m: [] for m in meanings}
        for board in boards:
            blocks = {b.key: b.meaning for b in canvas_layout(board.template).blocks}
            notes = sorted(canvas.notes_of_board(board.id), key=lambda n: (-n.votes, n.position))
            for n in notes:
                meaning = blocks.get(n.block)
                if meaning not in found or not n.text.strip():
                    continue
                if all(m.text != n.text for m in found[meaning]):
                    found[meaning].append(MixNote(n.id, board.id, n.block, n.text))
        return {m: tuple(notes) for m, notes in found.items()}

    def marketing_mix(self, product_id: int, today: dt.date | None = None) -> MarketingMix:
        """The four Ps of a product as the app holds them (see :class:`MarketingMix`)."""
        from .canvas import CanvasService
        from .finance import FinanceService
        from .launch import LaunchService
        from .requirements import RequirementService

        with self.ws.read() as session:
            product = session.get(Product, product_id)
            if product is None:
                raise NotFoundError("product", product_id)
            tagline = product.tagline
        launch = self.mix_launch(product_id, today)
        boards = self.ws.service(CanvasService).boards_of(product_id)
        board = next(
            (b for b in boards if b.template is CanvasTemplate.PRODUCT_CANVAS),
            boards[0] if boards else None,
        )
        delivered = tuple(
            (r.id, r.title)
            for r in self.ws.service(RequirementService).requirements_of(product_id)
            if r.status is RequirementStatus.DONE
        )
        messages = (
            self.ws.service(LaunchService).messages_of(launch.id) if launch is not None else []
        )
        details = self.ws.service(FinanceService).case_details(product_id)
        return MarketingMix(
            product_id=product_id,
            tagline=tagline,
            canvas=self.canvas_notes(product_id),
            board_id=board.id if board is not None else None,
            delivered=delivered,
            launch_id=launch.id if launch is not None else None,
            launch_name=launch.name if launch is not None else "",
            differentiator=launch.pos_differentiator if launch is not None else "",
            launch_segments=tuple(text_lines(launch.segments)) if launch is not None else (),
            launch_price=tuple(text_lines(launch.price)) if launch is not None else (),
            launch_channels=tuple(text_lines(launch.channels)) if launch is not None else (),
            messages=tuple(MixMessage(m.id, m.audience, m.message) for m in messages),
            price_points=details.price_points if details is not None else (),
            currency=details.settings.currency if details is not None else "",
        )

    @staticmethod
    def _check_item(uow: UnitOfWork, product_id: int, item_id: int | None) -> None:
        if item_id is None:
            return
        item = uow.session.get(RoadmapItem, item_id)
        if item is None or item.product_id != product_id:
            raise ValidationError("item_id", f"no release {item_id} on this product's roadmap")


# -- rows -----------------------------------------------------------------------------------------


def _grouped(pairs: Iterable[Any]) -> dict[int, tuple[int, ...]]:
    grouped: dict[int, list[int]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {key: tuple(sorted(values)) for key, values in grouped.items()}


def _enum(cls: type[Any], value: object, label: str) -> Any:
    if isinstance(value, cls):
        return value
    try:
        return cls.from_label(str(value))
    except ValueError as exc:
        raise ValidationError(label, str(exc)) from None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _competitor_row(c: Competitor, product_ids: tuple[int, ...]) -> CompetitorRow:
    scores = {key: int(getattr(c, key)) for key in CRITERION_KEYS}
    return CompetitorRow(
        c.id,
        c.name,
        c.website,
        c.segment,
        c.positioning,
        c.pricing,
        c.market_share,
        c.price_index,
        c.strengths,
        c.weaknesses,
        c.recent_moves,
        c.notes,
        scores,
        core.threat_score(scores),
        product_ids,
        c.row_version,
    )


def _capability_row(c: Capability) -> CapabilityRow:
    return CapabilityRow(c.id, c.product_id, c.name, c.requirement_id, c.note_id, c.sort_order)


def _win_loss_row(w: WinLoss) -> WinLossRow:
    return WinLossRow(
        w.id, w.competitor_id, w.product_id, w.deal, w.date, w.outcome, w.reason, w.value
    )


def _feedback_row(f: Feedback, requirement_ids: tuple[int, ...]) -> FeedbackRow:
    return FeedbackRow(
        f.id,
        f.product_id,
        f.text,
        f.customer,
        f.contact,
        f.source,
        f.date,
        f.revenue,
        f.segment,
        f.importance,
        f.status,
        f.archive_reason,
        requirement_ids,
    )


def _limitation_row(x: Limitation) -> LimitationRow:
    return LimitationRow(
        x.id, x.product_id, x.item_id, x.description, x.workaround, x.kind, x.status, x.sort_order
    )
