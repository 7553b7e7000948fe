"""Importing a CSV into requirements, roadmap items, stakeholders, metric values or feedback.

Two steps, so a dialog can show the outcome before anything is written:
:func:`plan_csv` converts every row (dates, numbers, pmdesk's words) and runs
the same coercion and rules as an edit in the app, collecting every problem
with its row and column; :func:`apply_plan` writes a plan without errors in
one transaction. :func:`import_csv` does both, for the command line.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from pmdesk.core.enums import MetricKind
from pmdesk.core.errors import NotFoundError, ValidationError
from pmdesk.core.pricing import parse_amount
from pmdesk.store.models import (
    Feedback,
    Lane,
    Metric,
    MetricValue,
    Product,
    Requirement,
    RoadmapItem,
    Stakeholder,
    StakeholderPosition,
    table_of,
)
from pmdesk.store.services.base import Repo, coerce

from .importing import (
    BATCH,
    ImportRefused,
    ImportResult,
    Progress,
    RowError,
    clean_fields,
    field_key,
    insert,
    insert_many,
)
from .tabular import CsvTable, read_csv, unneutralise
from .tabular_dates import DAY_FIRST, DateGuess, guess_dates, parse_date
from .tabular_targets import PRESET_NONE, TARGETS, Target, suggest_mapping, translate

if TYPE_CHECKING:
    from pmdesk.store.workspace import Workspace

DEFAULT_LANE = "Imported"
_PSEUDO = ("lane", "metric", "metric_kind", "unit", "labels", "key")


@dataclass
class PlannedRow:
    number: int  # as a spreadsheet shows it
    fields: dict[str, Any]  # cleaned values of the target table
    extra: dict[str, Any]  # lane or metric name and kind, resolved when writing


@dataclass
class CsvPlan:
    target: Target
    mapping: list[str | None]
    headers: list[str]
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    dates: dict[int, DateGuess] = field(default_factory=dict)  # column index -> guess

    @property
    def ambiguous_columns(self) -> list[int]:
        return [i for i, guess in self.dates.items() if guess.ambiguous]

    def columns_of(self, name: str) -> list[int]:
        return [i for i, mapped in enumerate(self.mapping) if mapped == name]


def plan_csv(
    ws: Workspace,
    table: CsvTable,
    target: str,
    mapping: list[str | None] | None = None,
    *,
    preset: str = PRESET_NONE,
    date_order: str | None = None,
    progress: Progress | None = None,
) -> CsvPlan:
    """Every row converted and checked; ``plan.errors`` lists every problem found.

    ``progress(rows checked, rows)`` every :data:`~.importing.BATCH` rows; it may
    raise to stop (the person changed a choice meanwhile, or cancelled).
    """
    if target not in TARGETS:
        raise ValidationError("target", f"{target!r} is not one of {', '.join(TARGETS)}")
    spec = TARGETS[target]
    mapping = (
        list(mapping) if mapping is not None else suggest_mapping(table.headers, target, preset)
    )
    mapping += [None] * (len(table.headers) - len(mapping))
    plan = CsvPlan(spec, mapping[: len(table.headers)], table.headers)
    _check_mapping(plan)
    if plan.errors:
        return plan  # rows mean little until the columns are mapped
    for index, name in enumerate(plan.mapping):
        if name is not None and spec.field(name).kind in ("date", "datetime"):
            plan.dates[index] = guess = guess_dates(table.column(index))
            _date_column_errors(plan, table, index, guess, date_order)
    # An ambiguous column is reported above; its rows are read day-first meanwhile, so
    # the preview shows something and the other problems are found in the same pass.
    orders = {i: g.order or date_order or DAY_FIRST for i, g in plan.dates.items()}
    repo = Repo(ws, spec.model)
    for count, (number, row) in enumerate(zip(table.numbers, table.rows, strict=True), 1):
        plan.rows.append(_plan_row(plan, repo, number, row, orders))
        if progress is not None and count % BATCH == 0:
            progress(count, len(table.rows))
    return plan


def _check_mapping(plan: CsvPlan) -> None:
    for spec in plan.target.fields:
        if spec.required and not plan.columns_of(spec.name):
            plan.errors.append(RowError(None, f"no column is mapped to “{spec.label}”"))
    for name in {mapped for mapped in plan.mapping if mapped is not None}:
        columns = plan.columns_of(name)
        if name not in plan.target.names:
            plan.errors.append(RowError(None, f"{name!r} is not a field of {plan.target.label}"))
        elif len(columns) > 1 and plan.target.field(name).kind not in ("list", "text"):
            headers = ", ".join(plan.headers[i] for i in columns)
            plan.errors.append(
                RowError(
                    None,
                    f"several columns ({headers}) are mapped to one "
                    f"field, “{plan.target.field(name).label}”",
                )
            )


def _date_column_errors(plan, table, index, guess: DateGuess, order: str | None) -> None:
    header = plan.headers[index]
    if guess.ambiguous and order is None:
        plan.errors.append(
            RowError(
                None,
                "its dates could be day-first or month-first; choose the date order",
                index + 1,
                header,
            )
        )
    if guess.mixed:
        plan.errors.append(
            RowError(None, "it mixes day-first and month-first dates", index + 1, header)
        )


def _number(text: str) -> float:
    value = text.replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")  # a decimal comma, as European spreadsheets write it
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{text[:40]!r} is not a number pmdesk can store")
    return number


def _convert(plan: CsvPlan, name: str, kind: str, raw: str, order: str | None) -> Any:
    if kind == "date":
        return parse_date(raw, order).date()
    if kind == "datetime":
        return parse_date(raw, order)
    if kind == "number":
        return _number(raw)
    if kind == "money":  # exact: "12,500.50" is Decimal("12500.50"), never a float
        try:
            return parse_amount(raw.strip(), name)
        except ValidationError as exc:
            raise ValueError(exc.reason) from None
    if kind == "enum":
        return translate(plan.target.key, name, raw.strip())
    if kind == "name":
        return raw.strip()
    return raw


def _plan_row(plan: CsvPlan, repo: Repo, number: int, row: list[str], orders) -> PlannedRow:
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for index, name in enumerate(plan.mapping):
        raw = unneutralise(row[index]) if index < len(row) else ""
        if name is None or not raw.strip():
            continue
        spec = plan.target.field(name)
        try:
            value = _convert(plan, name, spec.kind, raw, orders.get(index))
        except ValueError as exc:
            errors.append(RowError(number, str(exc), index + 1, plan.headers[index]))
            continue
        if spec.kind == "list":
            values.setdefault(name, []).extend(v.strip() for v in value.splitlines() if v.strip())
        elif name in values and spec.kind == "text":
            values[name] += "\n" + value
        else:
            values[name] = value
    extra = {name: values.pop(name) for name in _PSEUDO if name in values}
    _fold_pseudo_fields(plan.target.key, values, extra)
    full, problems = clean_fields(repo, values)
    problems += _missing(plan, values, extra)
    if plan.target.key == "metrics":
        problems += _metric_problems(extra)
    if len(extra.get("lane", "")) > 200:
        problems.append(ValidationError("lane", "a lane name is at most 200 characters"))
    for problem in problems:
        columns = plan.columns_of(field_key(problem)) or plan.columns_of(problem.field)
        column = columns[0] if columns else None
        errors.append(
            RowError(
                number,
                problem.reason if column is not None else str(problem),
                None if column is None else column + 1,
                plan.headers[column] if column is not None else "",
            )
        )
    plan.errors += sorted(errors, key=lambda e: e.column or 10**6)
    return PlannedRow(number, full, extra)


def _fold_pseudo_fields(target: str, values: dict[str, Any], extra: dict[str, Any]) -> None:
    """Labels and keys have no field of their own: they become lines of the text."""
    text_field = {"requirements": "description", "roadmap": "notes"}.get(target)
    lines = []
    if extra.get("key"):
        lines.append(f"Key: {extra.pop('key')}")
    if extra.get("labels"):
        lines.append("Labels: " + ", ".join(extra.pop("labels")))
    if text_field and lines:
        existing = values.get(text_field, "")
        values[text_field] = "\n".join(([existing] if existing else []) + lines)
    if target == "roadmap":
        start, end = values.get("start_date"), values.get("end_date")
        values.setdefault("start_date", end)
        values.setdefault("end_date", start)
        if isinstance(values["end_date"], dt.date) and isinstance(values["start_date"], dt.date):
            values["end_date"] = max(values["end_date"], values["start_date"])


def _missing(plan: CsvPlan, values: dict[str, Any], extra: dict[str, Any]) -> list:
    """Required values left empty (the rules only see the fields a row has)."""
    problems = [
        ValidationError(spec.name, "a value is required")
        for spec in plan.target.fields
        if spec.required
        and spec.name not in values
        and not extra.get(spec.name)
        and spec.name not in ("title", "name")  # the rules say "cannot be empty" for these
    ]
    if plan.target.key == "roadmap" and values.get("start_date") is None:
        problems.append(ValidationError("start_date", "give a start date or an end date"))
    return problems


def _metric_problems(extra: dict[str, Any]) -> list[ValidationError]:
    problems = []
    if len(extra.get("metric", "")) > 200 or len(extra.get("unit", "")) > 40:
        problems.append(
            ValidationError("metric", "a metric name is at most 200 characters and a unit 40")
        )
    if extra.get("metric_kind"):
        try:
            extra["metric_kind"] = coerce(table_of(Metric).c.kind, extra["metric_kind"])
        except ValidationError as exc:
            problems.append(ValidationError("metric_kind", exc.reason))
    return problems


# -- writing ----------------------------------------------------------------------------


def import_csv(
    ws: Workspace,
    source: bytes | str | Path | CsvTable,
    *,
    target: str,
    product_id: int,
    mapping: list[str | None] | None = None,
    preset: str = PRESET_NONE,
    date_order: str | None = None,
    default_lane: str = DEFAULT_LANE,
) -> ImportResult:
    """Read, check and import a CSV in one go; ImportRefused lists every problem found."""
    table = source if isinstance(source, CsvTable) else read_csv(source)
    plan = plan_csv(ws, table, target, mapping, preset=preset, date_order=date_order)
    if plan.errors:  # named as what was read: a CSV file or a workbook's sheet
        raise ImportRefused(plan.errors, getattr(table, "what", "CSV file"))
    result = apply_plan(ws, plan, product_id=product_id, default_lane=default_lane)
    remarks = getattr(table, "remarks", None)  # a sheet's formulas saved without values
    if remarks is not None:
        result.warnings += remarks(plan.mapping)
    return result


def apply_plan(
    ws: Workspace,
    plan: CsvPlan,
    *,
    product_id: int,
    default_lane: str = DEFAULT_LANE,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a checked plan in one transaction (nothing at all if anything is refused).

    ``progress(rows written, rows)`` follows the writing; if it raises (Cancel),
    the transaction rolls back and the workspace is as it was.
    """
    if plan.errors:
        raise ImportRefused(plan.errors, "CSV file")
    with ws.read() as session:
        if session.get(Product, product_id) is None:
            raise NotFoundError("product", product_id)
    result = ImportResult()
    writer = {
        "requirements": _write_requirements,
        "roadmap": _write_items,
        "stakeholders": _write_stakeholders,
        "metrics": _write_metric_values,
        "feedback": _write_feedback,
    }
    with ws.transaction() as uow:
        writer[plan.target.key](uow, plan, product_id, result, default_lane, progress)
    return result


def _next_order(uow, model, product_id: int) -> int:
    found = uow.session.scalar(
        sa.select(sa.func.max(model.sort_order)).where(model.product_id == product_id)
    )
    return (found or 0) + 1


def _write_requirements(uow, plan: CsvPlan, product_id: int, result, _lane, progress) -> None:
    order = _next_order(uow, Requirement, product_id)
    rows = [
        row.fields | {"product_id": product_id, "sort_order": order + n}
        for n, row in enumerate(plan.rows)
    ]
    insert_many(uow, result, Requirement, rows, progress)


def _write_items(uow, plan: CsvPlan, product_id: int, result, default_lane: str, progress) -> None:
    lanes = {
        name.strip().casefold(): lane_id
        for lane_id, name in uow.session.execute(
            sa.select(Lane.id, Lane.name).where(Lane.product_id == product_id)
        )
    }
    lane_order = _next_order(uow, Lane, product_id)
    order = _next_order(uow, RoadmapItem, product_id)
    items = []
    for n, row in enumerate(plan.rows):
        name = row.extra.get("lane") or default_lane.strip() or DEFAULT_LANE
        key = name.strip().casefold()
        if key not in lanes:
            fields = {"product_id": product_id, "name": name, "sort_order": lane_order}
            lanes[key] = insert(uow, result, Lane, fields)
            lane_order += 1
        items.append(
            row.fields | {"product_id": product_id, "lane_id": lanes[key], "sort_order": order + n}
        )
    insert_many(uow, result, RoadmapItem, items, progress)


def _write_feedback(uow, plan: CsvPlan, product_id: int, result, _lane, progress) -> None:
    """Feedback items of the product, new in the inbox (triage links them later)."""
    rows = [row.fields | {"product_id": product_id} for row in plan.rows]
    insert_many(uow, result, Feedback, rows, progress)


def _write_stakeholders(uow, plan: CsvPlan, product_id: int, result, _lane, progress) -> None:
    rows = [row.fields | {"product_id": product_id} for row in plan.rows]
    ids = insert_many(uow, result, Stakeholder, rows, progress)
    # Every new stakeholder starts a trail on the map, as one made in the app does.
    positions = [
        {key: fields[key] for key in ("power", "interest", "attitude")} | {"stakeholder_id": id_}
        for id_, fields in zip(ids, rows, strict=True)
    ]
    insert_many(uow, result, StakeholderPosition, positions)


def _write_metric_values(uow, plan: CsvPlan, product_id: int, result, _lane, progress) -> None:
    metrics = {
        name.strip().casefold(): metric_id
        for metric_id, name in uow.session.execute(
            sa.select(Metric.id, Metric.name).where(Metric.product_id == product_id)
        )
    }
    taken = set(
        uow.session.execute(
            sa.select(MetricValue.metric_id, MetricValue.period).where(
                MetricValue.metric_id.in_(list(metrics.values()))
            )
        ).all()
    )
    errors: list[RowError] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for row in plan.rows:
        key = (row.extra["metric"].casefold(), row.fields["period"])
        if key in seen:
            errors.append(
                RowError(
                    row.number,
                    f"{row.extra['metric']} already has a value for "
                    f"{key[1].isoformat()} in row {seen[key]}",
                )
            )
        elif (metrics.get(key[0]), key[1]) in taken:
            errors.append(
                RowError(
                    row.number,
                    f"{row.extra['metric']} already has a value for "
                    f"{key[1].isoformat()} in this workspace",
                )
            )
        seen.setdefault(key, row.number)
    if errors:
        raise ImportRefused(errors, "CSV file")
    values = []
    for row in plan.rows:
        key = row.extra["metric"].casefold()
        if key not in metrics:
            metrics[key] = insert(
                uow,
                result,
                Metric,
                {
                    "product_id": product_id,
                    "name": row.extra["metric"],
                    "kind": row.extra.get("metric_kind") or MetricKind.KPI,
                    "unit": row.extra.get("unit", ""),
                },
            )
        values.append(row.fields | {"metric_id": metrics[key]})
    insert_many(uow, result, MetricValue, values, progress)
