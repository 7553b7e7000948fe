"""The business of a product: its business case, sign-off, cost build-up, prices and P&L.

Reads hand out core objects (:class:`pmdesk.core.finance.BusinessCase` and friends) or the
plain rows below; every write is one transaction of the unit of work, so its journal makes
it one undo step and a team workspace refuses it when someone changed the rows since they
were read. Input is checked by core's rules (``validate_driver``, ``parse_money``,
``parse_rate``) before anything is written: a refusal is a ValidationError and the file
is left exactly as it was.

A signed-off version freezes the case and its figures per scenario into the version's
JSON (decimals as text); the draft goes on changing, the signed version stays readable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core import finance as core
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.finance import (
    BusinessCase as CoreCase,
)
from pmdesk.core.finance import (
    CaseSettings,
    Period,
    PeriodRow,
    PricingModel,
    Scenario,
)
from pmdesk.core.pricing import (
    CostItem,
    PricePoint,
    check_currency,
    parse_amount,
    parse_money,
    parse_rate,
    unit_cost,
)
from pmdesk.core.validation import NUMBER_MAX

from .. import portfolio_rows
from ..models import (
    BusinessCase,
    BusinessCaseVersion,
    BusinessDriver,
    BusinessScenario,
    ExactDecimal,
    GateReview,
    Product,
    ScenarioOverride,
)
from ..models import CostItem as CostItemModel
from ..models import PricePoint as PricePointModel
from ..plain import plain_read
from ..plan_rows import (
    VersionRow,
    actuals_of,
    case_from_content,
    horizon_periods,
    plan_ratios,
    signed_version,
)

if TYPE_CHECKING:
    from pmdesk.core import pnl as core_pnl

    from ..workspace import UnitOfWork

__all__ = [
    "CaseDetails",
    "CostItemRow",
    "FinanceService",
    "PlanVsActual",
    "PortfolioPnl",
    "PricePointRow",
    "ProductPnl",
    "ScenarioRow",
    "SignOff",
    "VersionRow",
]

BASE = "Base"
CONTENT_FORMAT = 1  # the layout of a signed version's JSON
SETTINGS = ("currency", "period", "horizon", "start", "pricing_model", "notes")
NAME_LENGTH = 100


# -- what the service hands out -------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioRow:
    id: int
    name: str
    overrides: dict[str, Decimal]


@dataclass(frozen=True)
class CostItemRow:
    id: int
    name: str
    quantity: Decimal
    unit_cost: Decimal


@dataclass(frozen=True)
class PricePointRow:
    id: int
    segment: str
    tier: str
    channel: str
    list_price: Decimal
    discount: Decimal
    channel_margin: Decimal
    target_margin: Decimal

    def point(self) -> PricePoint:
        """The core price point (for ``pricing.waterfall``)."""
        return PricePoint(
            self.segment,
            self.tier,
            self.channel,
            self.list_price,
            self.discount,
            self.channel_margin,
            self.target_margin,
        )


@dataclass(frozen=True)
class CaseDetails:
    """A product's business case as its editor shows it: every row with its id."""

    case_id: int
    product_id: int
    product_name: str
    settings: CaseSettings
    drivers: dict[str, Decimal]
    notes: dict[str, str]  # driver key -> note ("" when none)
    scenarios: tuple[ScenarioRow, ...]
    cost_items: tuple[CostItemRow, ...]
    price_points: tuple[PricePointRow, ...]
    versions: tuple[VersionRow, ...]  # oldest first
    case: CoreCase
    case_notes: str = ""  # the case's own notes (the decision asked, context)


@dataclass(frozen=True)
class SignOff:
    """Who signs a business case and which scenario they approve (see ``sign_off``)."""

    signed_by: str
    scenario: str


@dataclass(frozen=True)
class PlanVsActual:
    """The plan a product is held to, and its actual metric values against it per period."""

    plan_source: str  # "signed v3" or "draft"
    scenario: str
    rows: tuple[PeriodRow, ...]
    revenue: tuple[core_pnl.Variance, ...]
    units: tuple[core_pnl.Variance, ...]
    margin: tuple[core_pnl.Variance, ...]
    currency: str = "EUR"


@dataclass(frozen=True)
class ProductPnl:
    product_id: int
    name: str
    currency: str
    revenue: Decimal
    gross_margin: Decimal
    contribution: Decimal
    source: str  # "actual", "plan" or "plan and actual"


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    revenue: Decimal
    gross_margin: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class PortfolioPnl:
    """Per product totals and, per currency (never converted), the portfolio's totals."""

    products: tuple[ProductPnl, ...]
    totals: tuple[CurrencyTotal, ...]


# -- checking input ---------------------------------------------------------------------------


def _spec(key: str) -> core.DriverSpec:
    return core.driver_spec(key)


def _driver_value(key: str, value: Decimal | str | int, currency: str) -> Decimal:
    """A driver's value checked by core's rules; money is kept to the currency's minor units."""
    spec = _spec(key)
    if isinstance(value, float | bool):
        raise ValidationError(spec.label, f"{value!r} is not an exact number; type it as text")
    if spec.is_money:  # kept to the currency's minor units, as typed or as given
        value = parse_money(value, currency, spec.label, allow_negative=True)
    checked = core.validate_driver(key, value)
    return _storable(spec.label, checked)


def _storable(label: str, value: Decimal) -> Decimal:
    """``value`` when the file can hold it exactly (within ±NUMBER_MAX), else ValidationError."""
    try:
        ExactDecimal.canonical(value)
    except ValueError as exc:
        raise ValidationError(label, str(exc)) from None
    if abs(value) > Decimal(int(NUMBER_MAX)):
        raise ValidationError(label, f"is beyond ±{NUMBER_MAX:,.0f}")
    return value


def _name(label: str, text: object, length: int = NAME_LENGTH) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(label, "cannot be empty")
    cleaned = text.strip()
    if len(cleaned) > length:
        raise ValidationError(label, f"is longer than {length} characters")
    return cleaned


def _text(label: str, text: object, length: int | None = 200) -> str:
    if not isinstance(text, str):
        raise ValidationError(label, "should be text")
    if length is not None and len(text) > length:
        raise ValidationError(label, f"is longer than {length} characters")
    return text


def _period(value: Period | str) -> Period:
    if isinstance(value, Period):
        return value
    try:
        return Period.from_label(str(value))
    except ValueError as exc:
        raise ValidationError("period", str(exc)) from None


def _pricing_model(value: PricingModel | str) -> PricingModel:
    if isinstance(value, PricingModel):
        return value
    try:
        return PricingModel.from_label(str(value))
    except ValueError as exc:
        raise ValidationError("pricing model", str(exc)) from None


def _date(label: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(label, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _first_of_period(day: dt.date, period: Period) -> dt.date:
    if period is Period.YEAR:
        return day.replace(month=1, day=1)
    if period is Period.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def _currency(value: object) -> str:
    return check_currency(value.strip().upper() if isinstance(value, str) else value)  # type: ignore[arg-type]


def _settings_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The settings columns ``fields`` sets, checked; unknown names are refused."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "currency":
            cleaned[name] = _currency(value)
        elif name == "period":
            cleaned[name] = _period(value)
        elif name == "horizon":
            cleaned[name] = horizon_periods(value)
        elif name == "start":
            cleaned[name] = _date("start", value)
        elif name == "pricing_model":
            cleaned[name] = _pricing_model(value)
        elif name == "notes":
            cleaned[name] = _text("notes", value, None)
        else:
            raise ValidationError(name, "is not a setting of a business case")
    return cleaned


def _cost_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "name":
            cleaned[name] = _name("name", value, 200)
        elif name in ("quantity", "unit_cost"):
            label = name.replace("_", " ")
            if isinstance(value, float | bool):
                raise ValidationError(label, f"{value!r} is not an exact number; type it as text")
            cleaned[name] = _storable(label, parse_amount(value, label))
        else:
            raise ValidationError(name, "is not a field of a cost item")
    return cleaned


_RATES = ("discount", "channel_margin", "target_margin")


def _price_fields(fields: Mapping[str, Any], currency: str) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        label = name.replace("_", " ")
        if name in ("segment", "tier", "channel"):
            cleaned[name] = _text(label, value).strip()
        elif name == "list_price":
            if isinstance(value, float | bool):
                raise ValidationError(label, f"{value!r} is not an exact number; type it as text")
            cleaned[name] = _storable(label, parse_money(value, currency, label))
        elif name in _RATES:
            if isinstance(value, float | bool):
                raise ValidationError(label, f"{value!r} is not an exact number; type it as text")
            cleaned[name] = parse_rate(value, label, maximum=Decimal(1))
        else:
            raise ValidationError(name, "is not a field of a price point")
    return cleaned


# -- frozen content (a signed version's JSON) -------------------------------------------------


def _text_of(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _figures_content(result: core.ScenarioResult) -> dict[str, Any]:
    figures = result.figures
    return {
        "npv": _text_of(figures.npv),
        "irr_per_period": _text_of(figures.irr.per_period),
        "irr_annual": _text_of(figures.irr.annual),
        "irr_note": figures.irr.note,
        "payback_period": _text_of(figures.payback_period),
        "discounted_payback_period": _text_of(figures.discounted_payback_period),
        "roi": _text_of(figures.roi),
        "break_even_period": figures.break_even_period,
        "peak_funding": _text_of(figures.peak_funding),
        "total_revenue": _text_of(figures.total_revenue),
        "cash_flows": [_text_of(v) for v in result.cash_flows],
    }


# -- the service -------------------------------------------------------------------------------


class FinanceService:
    def __init__(self, ws) -> None:
        self.ws = ws

    # -- reading ------------------------------------------------------------------------------

    def case_id_for(self, product_id: int) -> int | None:
        with self.ws.read() as session:
            return session.scalar(
                sa.select(BusinessCase.id).where(BusinessCase.product_id == product_id)
            )

    def business_case(self, product_id: int) -> CoreCase | None:
        """The product's draft case as core computes with it (the build-up applied)."""
        details = self.case_details(product_id)
        return details.case if details is not None else None

    def case_details(self, product_id: int) -> CaseDetails | None:
        """Every row of the product's case, read in one session (a team notes their versions)."""
        with self.ws.read() as session:
            return _read_details(session, product_id)

    def cost_items(self, product_id: int) -> tuple[CostItemRow, ...]:
        """The product's cost build-up (a product may have one before it has a case)."""
        with self.ws.read() as session:
            items = _cost_items(session, product_id)
        return tuple(CostItemRow(i.id, i.name, i.quantity, i.unit_cost) for i in items)

    def price_points(self, product_id: int) -> tuple[PricePointRow, ...]:
        with self.ws.read() as session:
            points = _price_points(session, product_id)
        return tuple(_price_row(p) for p in points)

    def versions(self, product_id: int) -> tuple[VersionRow, ...]:
        """The product's signed versions, oldest first."""
        with self.ws.read() as session:
            rows = session.scalars(
                sa.select(BusinessCaseVersion)
                .join(BusinessCase, BusinessCaseVersion.case_id == BusinessCase.id)
                .where(BusinessCase.product_id == product_id)
                .order_by(BusinessCaseVersion.version)
            )
            return tuple(_version_row(v) for v in rows)

    def version_content(self, version_id: int) -> dict[str, Any]:
        """The frozen case of a signed version, as it was signed (decimals as text)."""
        with self.ws.read() as session:
            version = session.get(BusinessCaseVersion, version_id)
            if version is None:
                raise NotFoundError("business_case_version", version_id)
            return dict(version.content)

    def signed_case(self, product_id: int) -> tuple[VersionRow, CoreCase] | None:
        """The latest signed version of the product's case and the case it froze."""
        found = plain_read(self.ws, lambda fetch: signed_version(fetch, product_id))
        if found is None:
            return None
        version, content = found
        return version, case_from_content(content)

    def has_signed_case(self, product_id: int) -> bool:
        """Whether the product's case has a signed version (the Analysis gate's criterion)."""
        with self.ws.read() as session:
            return self.has_signed_in(session, product_id)

    @staticmethod
    def has_signed_in(session, product_id: int) -> bool:
        """``has_signed_case`` read with a session of its caller's (a gate review's)."""
        found = session.scalar(
            sa.select(BusinessCaseVersion.id)
            .join(BusinessCase, BusinessCaseVersion.case_id == BusinessCase.id)
            .where(BusinessCase.product_id == product_id)
            .limit(1)
        )
        return found is not None

    @staticmethod
    def case_id_in(session, product_id: int) -> int | None:
        """``case_id_for`` read with a session of its caller's."""
        return session.scalar(
            sa.select(BusinessCase.id).where(BusinessCase.product_id == product_id)
        )

    # -- the case ----------------------------------------------------------------------------

    def create_case(
        self,
        product_id: int,
        *,
        currency: str = "EUR",
        period: Period | str = Period.QUARTER,
        horizon: int = 20,
        start: dt.date | str | None = None,
        pricing_model: PricingModel | str = PricingModel.UNIT,
    ) -> int:
        """A business case with the default drivers and scenarios (Worst, Base, Best)."""
        fields = _settings_fields(
            {
                "currency": currency,
                "period": period,
                "horizon": horizon,
                "pricing_model": pricing_model,
            }
        )
        fields["start"] = (
            _date("start", start)
            if start is not None
            else _first_of_period(dt.date.today(), fields["period"])
        )
        with self.ws.transaction() as uow:
            if uow.session.get(Product, product_id) is None:
                raise NotFoundError("product", product_id)
            if self._case_of_product(uow, product_id) is not None:
                raise ValidationError("business case", "this product has one already")
            case_id = uow.insert("business_case", product_id=product_id, notes="", **fields)
            for key, value in core.default_drivers().items():
                uow.insert("business_driver", case_id=case_id, key=key, value=value, note="")
            for order, scenario in enumerate(core.default_scenarios()):
                scenario_id = uow.insert(
                    "business_scenario", case_id=case_id, name=scenario.name, sort_order=order
                )
                for key, value in scenario.overrides.items():
                    uow.insert("scenario_override", scenario_id=scenario_id, key=key, value=value)
            uow.journal.entity_id = case_id
        return case_id

    def update_settings(self, case_id: int, **fields: Any) -> None:
        """Change the currency, period, horizon, start, pricing model or notes, in one step."""
        cleaned = _settings_fields(fields)
        with self.ws.transaction() as uow:
            self._case(uow, case_id)
            uow.update("business_case", case_id, **cleaned)

    def set_driver(self, case_id: int, key: str, value: Decimal | str) -> None:
        with self.ws.transaction() as uow:
            case = self._case(uow, case_id)
            checked = _driver_value(key, value, case.currency)
            self._put_driver(uow, case_id, key, value=checked)

    def set_driver_note(self, case_id: int, key: str, note: str) -> None:
        _spec(key)
        text = _text("note", note, None)
        with self.ws.transaction() as uow:
            self._case(uow, case_id)
            self._put_driver(uow, case_id, key, note=text)

    def _put_driver(self, uow: UnitOfWork, case_id: int, key: str, **values: Any) -> None:
        driver_id = uow.session.scalar(
            sa.select(BusinessDriver.id).where(
                BusinessDriver.case_id == case_id, BusinessDriver.key == key
            )
        )
        if driver_id is not None:
            uow.update("business_driver", driver_id, **values)
            return
        row = {"value": core.default_drivers()[key], "note": ""} | values
        uow.insert("business_driver", case_id=case_id, key=key, **row)

    # -- scenarios ---------------------------------------------------------------------------

    def add_scenario(self, case_id: int, name: str) -> int:
        cleaned = _name("scenario name", name)
        with self.ws.transaction() as uow:
            self._case(uow, case_id)
            self._refuse_taken(uow, case_id, cleaned)
            order = uow.session.scalar(
                sa.select(sa.func.max(BusinessScenario.sort_order)).where(
                    BusinessScenario.case_id == case_id
                )
            )
            scenario_id = uow.insert(
                "business_scenario",
                case_id=case_id,
                name=cleaned,
                sort_order=(order if order is not None else -1) + 1,
            )
            uow.journal.entity_id = scenario_id
        return scenario_id

    def rename_scenario(self, scenario_id: int, name: str) -> None:
        cleaned = _name("scenario name", name)
        with self.ws.transaction() as uow:
            scenario = self._scenario(uow, scenario_id)
            if scenario.name == cleaned:
                return
            if scenario.name == BASE:
                raise ValidationError("scenario name", "the Base scenario keeps its name")
            if cleaned == BASE:
                raise ValidationError("scenario name", "“Base” is the case's own scenario")
            self._refuse_taken(uow, scenario.case_id, cleaned)
            uow.update("business_scenario", scenario_id, name=cleaned)

    def delete_scenario(self, scenario_id: int) -> None:
        with self.ws.transaction() as uow:
            scenario = self._scenario(uow, scenario_id)
            if scenario.name == BASE:
                raise ValidationError("scenario", "the Base scenario cannot be deleted")
            uow.delete("business_scenario", [scenario_id])

    def set_override(self, scenario_id: int, key: str, value: Decimal | str | None) -> None:
        """A scenario's own value of a driver; None (or empty text) clears it."""
        with self.ws.transaction() as uow:
            scenario = self._scenario(uow, scenario_id)
            case = self._case(uow, scenario.case_id)
            existing = uow.session.scalar(
                sa.select(ScenarioOverride.id).where(
                    ScenarioOverride.scenario_id == scenario_id, ScenarioOverride.key == key
                )
            )
            if value is None or (isinstance(value, str) and not value.strip()):
                _spec(key)
                if existing is not None:
                    uow.delete("scenario_override", [existing])
                return
            checked = _driver_value(key, value, case.currency)
            if existing is not None:
                uow.update("scenario_override", existing, value=checked)
            else:
                uow.insert("scenario_override", scenario_id=scenario_id, key=key, value=checked)

    def rebuild_default_scenarios(self, case_id: int) -> None:
        """Worst and Best made again from the base drivers as they are now, in one step.

        Their overrides are values (core.finance.default_scenarios), so they stay where the
        case's first drivers put them while the base moves on; this sets the drivers core's
        factors move (new units, their growth, price) to the factors applied to today's
        base. Other overrides, and scenarios of other names, are left as they are.
        """
        with self.ws.transaction() as uow:
            details = _read_details(uow.session, self._case(uow, case_id).product_id)
            assert details is not None  # the case exists: checked above
            rows = {s.name: s for s in details.scenarios}
            for scenario in core.default_scenarios(details.drivers):
                row = rows.get(scenario.name)
                if row is None:
                    continue
                for key, value in scenario.overrides.items():
                    existing = uow.session.scalar(
                        sa.select(ScenarioOverride.id).where(
                            ScenarioOverride.scenario_id == row.id, ScenarioOverride.key == key
                        )
                    )
                    if existing is None:
                        uow.insert("scenario_override", scenario_id=row.id, key=key, value=value)
                    else:
                        uow.update("scenario_override", existing, value=value)

    @staticmethod
    def _refuse_taken(uow: UnitOfWork, case_id: int, name: str) -> None:
        taken = uow.session.scalar(
            sa.select(BusinessScenario.id).where(
                BusinessScenario.case_id == case_id,
                sa.func.lower(BusinessScenario.name) == name.lower(),
            )
        )
        if taken is not None:
            raise ValidationError("scenario name", f"“{name}” is taken; choose another")

    # -- cost build-up and prices ---------------------------------------------------------------

    def add_cost_item(
        self, product_id: int, name: str, quantity: Decimal | str, unit_cost: Decimal | str
    ) -> int:
        cleaned = _cost_fields({"name": name, "quantity": quantity, "unit_cost": unit_cost})
        with self.ws.transaction() as uow:
            self._product(uow, product_id)
            order = uow.session.scalar(
                sa.select(sa.func.max(CostItemModel.sort_order)).where(
                    CostItemModel.product_id == product_id
                )
            )
            item_id = uow.insert(
                "cost_item",
                product_id=product_id,
                sort_order=(order if order is not None else -1) + 1,
                **cleaned,
            )
            uow.journal.entity_id = item_id
        return item_id

    def update_cost_item(self, item_id: int, **fields: Any) -> None:
        cleaned = _cost_fields(fields)
        with self.ws.transaction() as uow:
            if uow.session.get(CostItemModel, item_id) is None:
                raise NotFoundError("cost_item", item_id)
            uow.update("cost_item", item_id, **cleaned)

    def delete_cost_item(self, item_id: int) -> None:
        with self.ws.transaction() as uow:
            if uow.session.get(CostItemModel, item_id) is None:
                raise NotFoundError("cost_item", item_id)
            uow.delete("cost_item", [item_id])

    def add_price_point(
        self,
        product_id: int,
        segment: str,
        tier: str,
        channel: str,
        list_price: Decimal | str,
        discount: Decimal | str = Decimal(0),
        channel_margin: Decimal | str = Decimal(0),
        target_margin: Decimal | str = Decimal(0),
    ) -> int:
        currency = self._currency_of(product_id)
        cleaned = _price_fields(
            {
                "segment": segment,
                "tier": tier,
                "channel": channel,
                "list_price": list_price,
                "discount": discount,
                "channel_margin": channel_margin,
                "target_margin": target_margin,
            },
            currency,
        )
        with self.ws.transaction() as uow:
            self._product(uow, product_id)
            if self._currency_in(uow, product_id) != currency:
                raise ValidationError("currency", "the business case's currency changed; try again")
            order = uow.session.scalar(
                sa.select(sa.func.max(PricePointModel.sort_order)).where(
                    PricePointModel.product_id == product_id
                )
            )
            point_id = uow.insert(
                "price_point",
                product_id=product_id,
                sort_order=(order if order is not None else -1) + 1,
                **cleaned,
            )
            uow.journal.entity_id = point_id
        return point_id

    def update_price_point(self, point_id: int, **fields: Any) -> None:
        with self.ws.transaction() as uow:
            point = uow.session.get(PricePointModel, point_id)
            if point is None:
                raise NotFoundError("price_point", point_id)
            cleaned = _price_fields(fields, self._currency_in(uow, point.product_id))
            uow.update("price_point", point_id, **cleaned)

    def delete_price_point(self, point_id: int) -> None:
        with self.ws.transaction() as uow:
            if uow.session.get(PricePointModel, point_id) is None:
                raise NotFoundError("price_point", point_id)
            uow.delete("price_point", [point_id])

    def _currency_of(self, product_id: int) -> str:
        with self.ws.read() as session:
            return _case_currency(session, product_id)

    @staticmethod
    def _currency_in(uow: UnitOfWork, product_id: int) -> str:
        return _case_currency(uow.session, product_id)

    # -- sign-off ------------------------------------------------------------------------------

    def sign_off(
        self,
        case_id: int,
        *,
        signed_by: str,
        scenario: str,
        signed_on: dt.date | None = None,
        gate_review_id: int | None = None,
    ) -> int:
        """Freeze the case and its figures as a new signed version; returns the version's id."""
        with self.ws.transaction() as uow:
            version_id = self.sign_off_in(
                uow,
                case_id,
                signed_by=signed_by,
                scenario=scenario,
                signed_on=signed_on,
                gate_review_id=gate_review_id,
            )
        return version_id

    def sign_off_in(
        self,
        uow: UnitOfWork,
        case_id: int,
        *,
        signed_by: str,
        scenario: str,
        signed_on: dt.date | None = None,
        gate_review_id: int | None = None,
    ) -> int:
        """``sign_off`` inside a transaction that is already open (a gate review's)."""
        who = _name("signed by", signed_by, 200)
        day = _date("signed on", signed_on) if signed_on is not None else dt.date.today()
        if day > dt.date.today():
            raise ValidationError("signed on", "a sign-off cannot be dated in the future")
        case = self._case(uow, case_id)
        if gate_review_id is not None:
            review = uow.session.get(GateReview, gate_review_id)
            if review is None:
                raise NotFoundError("gate_review", gate_review_id)
            if review.product_id != case.product_id:
                raise ValidationError("gate review", "it is a review of another product")
        uow.session.flush()
        details = _read_details(uow.session, case.product_id)
        assert details is not None  # the case exists: checked above
        names = [s.name for s in details.scenarios]
        if scenario not in names:
            raise ValidationError(
                "scenario", f"{scenario!r} is not a scenario of this case ({', '.join(names)})"
            )
        number = (
            uow.session.scalar(
                sa.select(sa.func.max(BusinessCaseVersion.version)).where(
                    BusinessCaseVersion.case_id == case_id
                )
            )
            or 0
        ) + 1
        content = _frozen(details, number, who, day, scenario)
        version_id = uow.insert(
            "business_case_version",
            case_id=case_id,
            version=number,
            signed_by=who,
            signed_on=day,
            scenario=scenario,
            gate_review_id=gate_review_id,
            content=content,
        )
        uow.journal.entity_id = version_id
        return version_id

    # -- plan against actuals, P&L ---------------------------------------------------------------

    def plan(
        self, product_id: int, version_id: int | None = None
    ) -> tuple[str, str, CoreCase] | None:
        """(plan source, scenario, case) the product is held to: its latest signed version's
        approved scenario, else the draft's Base; or, given ``version_id``, that signed
        version's (an older version read as it was signed)."""
        if version_id is not None:
            with self.ws.read() as session:
                version = session.get(BusinessCaseVersion, version_id)
                if version is None:
                    raise NotFoundError("business_case_version", version_id)
                row, content = _version_row(version), dict(version.content)
            return f"signed v{row.version}", row.scenario, case_from_content(content)
        signed = self.signed_case(product_id)
        if signed is not None:
            version, frozen = signed
            return f"signed v{version.version}", version.scenario, frozen
        draft = self.business_case(product_id)
        if draft is None:
            return None
        names = [s.name for s in draft.scenarios]
        return "draft", BASE if BASE in names else (names[0] if names else BASE), draft

    def plan_vs_actual(self, product_id: int, version_id: int | None = None) -> PlanVsActual | None:
        from pmdesk.core import pnl as core_pnl

        found = self.plan(product_id, version_id)
        if found is None:
            return None
        source, scenario, case = found
        rows = core.evaluate(case, scenario).rows
        revenue, units, margin = self._actuals(product_id)
        return PlanVsActual(
            plan_source=source,
            scenario=scenario,
            rows=rows,
            revenue=core_pnl.plan_vs_actual(rows, revenue, "revenue"),
            units=core_pnl.plan_vs_actual(rows, units, "new_units"),
            margin=core_pnl.plan_vs_actual(rows, margin, "gross_margin"),
            currency=case.settings.currency,
        )

    def pnl(self, product_id: int, version_id: int | None = None) -> tuple[core_pnl.PnlRow, ...]:
        from pmdesk.core import pnl as core_pnl

        found = self.plan(product_id, version_id)
        if found is None:
            return ()
        _source, scenario, case = found
        rows = core.evaluate(case, scenario).rows
        revenue, units, margin = self._actuals(product_id)
        return core_pnl.pnl(rows, revenue, units, margin)

    def portfolio_pnl(self, year: int | None = None) -> PortfolioPnl:
        """Per product totals of its P&L (of ``year`` only when given), and per currency totals."""
        with self.ws.read() as session:
            products = session.execute(
                sa.select(Product.id, Product.name, BusinessCase.currency)
                .join(BusinessCase, BusinessCase.product_id == Product.id)
                .order_by(Product.sort_order, Product.id)
            ).all()
        found = []
        totals: dict[str, list[Decimal]] = {}
        for product_id, name, _draft_currency in products:
            plan = self.plan(product_id)
            if plan is None:
                continue
            # The rows are the plan's (a signed version's, whose currency is the one it was
            # signed in, even when the draft's has changed since).
            currency = plan[2].settings.currency
            rows = [r for r in self.pnl(product_id) if year is None or r.period.year == year]
            if not rows:
                continue
            revenue = sum((r.revenue for r in rows), Decimal(0))
            margin = sum((r.gross_margin for r in rows), Decimal(0))
            contribution = sum((r.contribution for r in rows), Decimal(0))
            sources = {r.source for r in rows}
            source = sources.pop() if len(sources) == 1 else "plan and actual"
            found.append(
                ProductPnl(product_id, name, currency, revenue, margin, contribution, source)
            )
            sums = totals.setdefault(currency, [Decimal(0)] * 3)
            sums[0] += revenue
            sums[1] += margin
            sums[2] += contribution
        return PortfolioPnl(
            tuple(found),
            tuple(CurrencyTotal(c, *sums) for c, sums in sorted(totals.items())),
        )

    def plan_ratios(self, product_id: int) -> list[Decimal]:
        """Actual ÷ planned revenue of each complete period of the product's signed plan
        that has actuals, oldest first (:func:`pmdesk.store.plan_rows.plan_ratios`)."""

        def read(fetch):
            return plan_ratios(fetch, product_id, portfolio_rows.series_of(fetch, product_id))

        return plain_read(self.ws, read)

    def revenue_ratio(self, product_id: int, periods: int) -> Decimal | None:
        """Actual ÷ planned revenue over the last ``periods`` complete periods that have
        actuals (None without a plan, or with fewer such periods): how far a product is from
        its plan, in one figure."""
        found = self.plan_vs_actual(product_id)
        if found is None:
            return None
        measured = [v for v in found.revenue if v.actual is not None and v.complete][-periods:]
        plan = sum((v.plan for v in measured), Decimal(0))
        if len(measured) < periods or plan <= 0:
            return None
        return sum((v.actual for v in measured if v.actual is not None), Decimal(0)) / plan

    def _actuals(
        self, product_id: int
    ) -> tuple[dict[dt.date, Decimal], dict[dt.date, Decimal], dict[dt.date, Decimal]]:
        """Monthly actual revenue, units and gross margin (an amount) from the metric values
        (:func:`pmdesk.store.plan_rows.actuals_of`)."""
        series = plain_read(self.ws, lambda fetch: portfolio_rows.series_of(fetch, product_id))
        return actuals_of(series)

    # -- lookups inside a transaction -------------------------------------------------------------

    @staticmethod
    def _case(uow: UnitOfWork, case_id: int) -> BusinessCase:
        case = uow.session.get(BusinessCase, case_id)
        if case is None:
            raise NotFoundError("business_case", case_id)
        return case

    @staticmethod
    def _case_of_product(uow: UnitOfWork, product_id: int) -> int | None:
        return uow.session.scalar(
            sa.select(BusinessCase.id).where(BusinessCase.product_id == product_id)
        )

    @staticmethod
    def _scenario(uow: UnitOfWork, scenario_id: int) -> BusinessScenario:
        scenario = uow.session.get(BusinessScenario, scenario_id)
        if scenario is None:
            raise NotFoundError("business_scenario", scenario_id)
        return scenario

    @staticmethod
    def _product(uow: UnitOfWork, product_id: int) -> Product:
        product = uow.session.get(Product, product_id)
        if product is None:
            raise NotFoundError("product", product_id)
        return product


# -- helpers -----------------------------------------------------------------------------------


def _cost_items(session, product_id: int) -> list[CostItemModel]:
    return list(
        session.scalars(
            sa.select(CostItemModel)
            .where(CostItemModel.product_id == product_id)
            .order_by(CostItemModel.sort_order, CostItemModel.id)
        )
    )


def _price_points(session, product_id: int) -> list[PricePointModel]:
    return list(
        session.scalars(
            sa.select(PricePointModel)
            .where(PricePointModel.product_id == product_id)
            .order_by(PricePointModel.sort_order, PricePointModel.id)
        )
    )


def _read_details(session, product_id: int) -> CaseDetails | None:
    """The product's case and all that belongs to it, read with ``session``."""
    case = session.scalar(sa.select(BusinessCase).where(BusinessCase.product_id == product_id))
    if case is None:
        return None
    product = session.get(Product, product_id)
    assert product is not None  # the case belongs to it (cascade)
    drivers = list(
        session.scalars(sa.select(BusinessDriver).where(BusinessDriver.case_id == case.id))
    )
    scenarios = list(
        session.scalars(
            sa.select(BusinessScenario)
            .where(BusinessScenario.case_id == case.id)
            .order_by(BusinessScenario.sort_order, BusinessScenario.id)
        )
    )
    overrides = list(
        session.scalars(
            sa.select(ScenarioOverride)
            .join(BusinessScenario, ScenarioOverride.scenario_id == BusinessScenario.id)
            .where(BusinessScenario.case_id == case.id)
            .order_by(ScenarioOverride.id)
        )
    )
    items = _cost_items(session, product_id)
    points = _price_points(session, product_id)
    versions = list(
        session.scalars(
            sa.select(BusinessCaseVersion)
            .where(BusinessCaseVersion.case_id == case.id)
            .order_by(BusinessCaseVersion.version)
        )
    )
    settings = CaseSettings(
        case.currency, case.period, case.horizon, case.start, case.pricing_model
    )
    values = core.default_drivers()
    values.update({d.key: d.value for d in drivers if d.key in core.DRIVER_KEYS})
    notes = {key: "" for key in values} | {
        d.key: d.note for d in drivers if d.key in core.DRIVER_KEYS
    }
    by_scenario: dict[int, dict[str, Decimal]] = {}
    for o in overrides:
        if o.key in core.DRIVER_KEYS:
            by_scenario.setdefault(o.scenario_id, {})[o.key] = o.value
    scenario_rows = tuple(ScenarioRow(s.id, s.name, by_scenario.get(s.id, {})) for s in scenarios)
    cost_rows = tuple(CostItemRow(i.id, i.name, i.quantity, i.unit_cost) for i in items)
    build_up = (
        unit_cost([CostItem(i.name, i.quantity, i.unit_cost) for i in cost_rows])
        if cost_rows
        else None
    )
    case_object = CoreCase(
        settings,
        dict(values),
        tuple(Scenario(s.name, dict(s.overrides)) for s in scenario_rows),
        build_up,
    )
    return CaseDetails(
        case_id=case.id,
        product_id=product_id,
        product_name=product.name,
        settings=settings,
        drivers=dict(values),
        notes=notes,
        scenarios=scenario_rows,
        cost_items=cost_rows,
        price_points=tuple(_price_row(p) for p in points),
        versions=tuple(_version_row(v) for v in versions),
        case=case_object,
        case_notes=case.notes,
    )


def _price_row(p: PricePointModel) -> PricePointRow:
    return PricePointRow(
        p.id,
        p.segment,
        p.tier,
        p.channel,
        p.list_price,
        p.discount,
        p.channel_margin,
        p.target_margin,
    )


def _version_row(version: BusinessCaseVersion) -> VersionRow:
    return VersionRow(
        version.id,
        version.version,
        version.signed_by,
        version.signed_on,
        version.scenario,
        version.gate_review_id,
    )


def _case_currency(session, product_id: int) -> str:
    """The currency of the product's case: its prices are in it (EUR before there is a case)."""
    currency = session.scalar(
        sa.select(BusinessCase.currency).where(BusinessCase.product_id == product_id)
    )
    return currency or "EUR"


def _frozen(
    details: CaseDetails, version: int, signed_by: str, signed_on: dt.date, scenario: str
) -> dict[str, Any]:
    """A signed version's JSON: the case as it is now and its figures per scenario."""
    settings = details.settings
    case = details.case
    return {
        "content_format": CONTENT_FORMAT,
        "version": version,
        "signed_by": signed_by,
        "signed_on": signed_on.isoformat(),
        "scenario": scenario,
        "product": details.product_name,
        "settings": {
            "currency": settings.currency,
            "period": settings.period.value,
            "horizon": settings.horizon,
            "start": settings.start.isoformat(),
            "pricing_model": settings.pricing_model.value,
        },
        "notes": details.case_notes,
        "drivers": {key: _text_of(value) for key, value in details.drivers.items()},
        "driver_notes": {key: note for key, note in details.notes.items() if note},
        "scenarios": [
            {
                "name": s.name,
                "overrides": {k: _text_of(v) for k, v in sorted(s.overrides.items())},
            }
            for s in details.scenarios
        ],
        "cost_items": [
            {"name": i.name, "quantity": _text_of(i.quantity), "unit_cost": _text_of(i.unit_cost)}
            for i in details.cost_items
        ],
        "unit_cost_from_build_up": _text_of(case.unit_cost_from_build_up),
        "price_points": [
            {
                "segment": p.segment,
                "tier": p.tier,
                "channel": p.channel,
                "list_price": _text_of(p.list_price),
                "discount": _text_of(p.discount),
                "channel_margin": _text_of(p.channel_margin),
                "target_margin": _text_of(p.target_margin),
            }
            for p in details.price_points
        ],
        "figures": {result.name: _figures_content(result) for result in core.evaluate_all(case)},
    }
