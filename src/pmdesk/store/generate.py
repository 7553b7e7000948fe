"""Large synthetic workspaces, for benchmarks and for trying the views under load.

``create_large`` writes one product with tens of thousands of roadmap items
and an acyclic set of dependencies through bulk Core inserts (one executemany
per table inside one transaction), so 20,000 items take seconds rather than
the minutes that row-by-row service calls would need. The content is
reproducible from ``seed`` and ``today``.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from pmdesk.core.enums import DependencyType, ItemKind, ItemStatus, LaneKind, Stage
from pmdesk.core.errors import PmdeskError

from .demo import add_months
from .models import (
    Dependency,
    Entity,
    Lane,
    Metric,
    MetricValue,
    Product,
    Requirement,
    RequirementItemLink,
    RoadmapItem,
    StagePeriod,
    Stakeholder,
    table_of,
)
from .workspace import Workspace

# Successors are picked among the next few items of the topological order, so
# chains look like real plans (short hops) instead of a random hairball.
NEAR_WINDOW = 50
VERBS = ("Build", "Design", "Migrate", "Harden", "Localise", "Test", "Document", "Scale")
NOUNS = (
    "billing",
    "search",
    "export",
    "sync engine",
    "reports",
    "onboarding",
    "audit log",
    "alerts",
    "dashboard",
    "API",
    "importer",
    "permissions",
)
KIND_WEIGHTS = (
    (ItemKind.FEATURE, 80),
    (ItemKind.MILESTONE, 10),
    (ItemKind.RELEASE, 6),
    (ItemKind.INITIATIVE, 4),
)
LINK_WEIGHTS = (
    (DependencyType.FINISH_TO_START, 80),
    (DependencyType.START_TO_START, 10),
    (DependencyType.FINISH_TO_FINISH, 7),
    (DependencyType.START_TO_FINISH, 3),
)


def create_large(
    path: Path | str,
    *,
    items: int = 20_000,
    dependencies: int = 15_000,
    lanes: int = 40,
    seed: int = 1,
    today: dt.date | None = None,
) -> Path:
    """A new workspace at ``path`` with one very large roadmap; an existing file is refused."""
    path = Path(path)
    if path.exists():
        raise PmdeskError(f"{path.name}: a file with this name already exists; pick another")
    if items < 1 or lanes < 1:
        raise ValueError("a large workspace needs at least one item and one lane")
    if dependencies > items * (items - 1) // 2:
        raise ValueError(f"{items} items allow at most {items * (items - 1) // 2} dependencies")
    rng = random.Random(seed)
    today = today or dt.date.today()
    ws = Workspace.create(
        path, name=f"Large portfolio ({items:,} items)", organisation="Benchmark Industries"
    )
    try:
        with ws.transaction() as uow:
            uow.keep_history = False  # a generated portfolio is the present, no edit of it
            _fill(uow.session, rng, today, items, dependencies, lanes)
    except BaseException:
        ws.close()
        for leftover in ("", "-wal", "-shm", ".lock"):
            path.with_name(path.name + leftover).unlink(missing_ok=True)
        raise
    ws.close()
    return path


def _fill(
    session: Session, rng: random.Random, today: dt.date, items: int, dependencies: int, lanes: int
) -> None:
    product = Product(
        name="Atlas Platform",
        stage=Stage.DEVELOPMENT,
        owner="Pat Example",
        tagline="A synthetic product with a very large roadmap",
        segment="Benchmarks & stress tests",
    )
    session.add(product)
    session.flush()
    session.add(
        StagePeriod(
            product_id=product.id,
            stage=Stage.DEVELOPMENT,
            entered_on=today - dt.timedelta(days=400),
        )
    )
    lane_ids = _insert(
        session,
        Lane,
        [
            {
                "product_id": product.id,
                "name": f"Team {n + 1:02d}",
                "kind": LaneKind.TEAM,
                "colour": f"#{rng.randrange(0x1000000):06X}",
                "sort_order": n,
            }
            for n in range(lanes)
        ],
    )
    item_rows = [
        _item(rng, today, product.id, lane_ids[n * lanes // items], n) for n in range(items)
    ]
    item_ids = _insert(session, RoadmapItem, item_rows)
    order = list(item_ids)
    rng.shuffle(order)  # a random topological order: links only point forward in it
    _insert(
        session,
        Dependency,
        [
            {
                "predecessor_id": pred,
                "successor_id": succ,
                "type": _pick(rng, LINK_WEIGHTS),
                "lag_days": 0 if rng.random() < 0.85 else rng.randint(-5, 10),
            }
            for pred, succ in _forward_pairs(rng, order, dependencies)
        ],
    )
    _extras(session, rng, today, product.id, item_ids)


def _insert(session: Session, model: type[Entity], rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert with ids chosen here (the table is new), returned in row order."""
    start = (session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1
    ids = list(range(start, start + len(rows)))
    for entity_id, row in zip(ids, rows, strict=True):
        row["id"] = entity_id
    if rows:
        session.execute(sa.insert(table_of(model)), rows)
    return ids


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _item(
    rng: random.Random, today: dt.date, product_id: int, lane_id: int, n: int
) -> dict[str, Any]:
    kind = _pick(rng, KIND_WEIGHTS)
    start = today + dt.timedelta(days=rng.randint(-365, 365))
    longest = 90 if kind is ItemKind.INITIATIVE else 40
    days = 0 if kind is ItemKind.MILESTONE else rng.randint(1, longest)
    end = start + dt.timedelta(days=max(days - 1, 0))
    if end < today:
        progress, status = 100, ItemStatus.DONE
    elif start > today:
        progress, status = 0, ItemStatus.PLANNED
    else:
        progress = min(95, max(5, 100 * (today - start).days // max(days, 1)))
        status = ItemStatus.AT_RISK if rng.random() < 0.1 else ItemStatus.IN_PROGRESS
    name = f"{rng.choice(VERBS)} {rng.choice(NOUNS)} #{n + 1}"
    if n % 1000 == 999:  # text that must survive every view and export
        name += " – R&D <spike> “quoted” ✓"
    return {
        "product_id": product_id,
        "lane_id": lane_id,
        "name": name,
        "kind": kind,
        "start_date": start,
        "end_date": end,
        "progress": progress,
        "status": status,
        "sort_order": n,
    }


def _forward_pairs(rng: random.Random, order: list[int], count: int) -> list[tuple[int, int]]:
    """``count`` distinct (earlier, later) pairs of the order: acyclic by construction."""
    pairs: set[tuple[int, int]] = set()
    size, window, attempts = len(order), NEAR_WINDOW, 0
    while len(pairs) < count:
        attempts += 1
        if attempts > 20 * count:  # the near window is full: allow any forward pair
            window = size
        first = rng.randrange(size - 1)
        second = rng.randint(first + 1, min(size - 1, first + window))
        pairs.add((order[first], order[second]))
    return sorted(pairs)


def _extras(
    session: Session, rng: random.Random, today: dt.date, product_id: int, item_ids: list[int]
) -> None:
    """A handful of the other rows, so every view has something to show."""
    _insert(
        session,
        Stakeholder,
        [
            {
                "product_id": product_id,
                "name": f"Stakeholder {n + 1}",
                "role": "Reviewer",
                "department": "Development",
                "power": rng.uniform(0, 10),
                "interest": rng.uniform(0, 10),
            }
            for n in range(8)
        ],
    )
    requirement_ids = _insert(
        session,
        Requirement,
        [
            {
                "product_id": product_id,
                "ref": f"REQ-{n + 1}",
                "title": f"Requirement {n + 1}",
                "reach": rng.randint(10, 2000),
                "impact": rng.choice((0.25, 0.5, 1.0, 2.0, 3.0)),
                "confidence": rng.choice((50, 80, 100)),
                "effort": rng.randint(1, 8),
                "sort_order": n,
            }
            for n in range(20)
        ],
    )
    session.execute(
        sa.insert(table_of(RequirementItemLink)),
        [{"requirement_id": rid, "item_id": rng.choice(item_ids)} for rid in requirement_ids],
    )
    (metric_id,) = _insert(
        session,
        Metric,
        [{"product_id": product_id, "name": "Beta users", "kind": "kpi", "target": 1000.0}],
    )
    _insert(
        session,
        MetricValue,
        [
            {
                "metric_id": metric_id,
                "period": add_months(today.replace(day=1), -n),
                "value": 40.0 * (13 - n),
            }
            for n in range(1, 13)
        ],
    )
