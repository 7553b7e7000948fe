"""A CSV or workbook import writes its rows whole (importing.insert_many: the journal's
straight path, no ORM objects): what lands in the file is what the ORM wrote.

Each comparison imports the same file twice, once as it is and once through the ORM (what
``insert_many`` did before: an object per row, flushed), and reads both files back with a
connection of its own. The moments a row is made at (a requirement's ``created_at``, a
stakeholder position's ``recorded_at``) differ between two imports and are compared apart.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from tests.exchange.test_csv_import import JIRA
from tests.exchange.test_feedback_csv import DESK

from pmdesk.core.enums import MetricKind
from pmdesk.exchange import tabular_import
from pmdesk.exchange.importing import BATCH
from pmdesk.exchange.tabular import read_csv
from pmdesk.exchange.tabular_import import apply_plan, import_csv, plan_csv
from pmdesk.store.models import Base
from pmdesk.store.services import LifecycleService, PortfolioService
from pmdesk.store.workspace import Workspace

MOMENTS = {"created_at", "recorded_at"}  # made as each import runs
LEFT_OUT = {"row_version", *MOMENTS}
HISTORY = {"change_edit", "change_entry", "workspace_info", "meta"}

STAKEHOLDERS = (
    "Name,Role,Power,Interest,Attitude,Next contact,Email\n"
    "Zoë Müller,CFO,8,2,Champion,2199-12-31,zoe@example.com\n"
    '"Bob, Jr.",,"3,5",9,critic,,\n'
    "שרה לוי 🚀,מנהלת,10,10,neutral,1900-01-01,\n"
)
METRICS = (
    "Metric,Period,Value,Target,Kind,Unit\n"
    "Revenue,2025-01-01,100.5,120,,\n"
    "NPS,2025-01-01,42,,KPI,points\n"
    "NPS,2199-12-01,1e12,-1e12,,\n"
)
CSVS = {
    "requirements": JIRA,
    "roadmap": JIRA,
    "stakeholders": STAKEHOLDERS,
    "metrics": METRICS,
    "feedback": DESK,
}
PRESETS = {"requirements": "jira", "roadmap": "jira"}


def through_orm(uow, result, model, rows, progress=None) -> list[int]:
    """The rows as ORM objects, flushed together: how imports wrote them before."""
    objects = [model(**fields) for fields in rows]
    uow.session.add_all(objects)
    uow.session.flush()
    for obj in objects:
        result.add(model.__tablename__, obj.id)
    return [obj.id for obj in objects]


def contents(path: Path) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]]]:
    """Every table's rows without the moments they were made at, and those moments."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows, moments = {}, {}
        for table in Base.metadata.sorted_tables:
            if table.name in HISTORY:
                continue
            kept = [c.name for c in table.c if c.name not in LEFT_OUT]
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows[table.name] = conn.execute(
                f'SELECT {", ".join(kept)} FROM "{table.name}" ORDER BY {order}'
            ).fetchall()
            made = [c.name for c in table.c if c.name in MOMENTS]
            if made:
                query = f'SELECT {", ".join(made)} FROM "{table.name}" ORDER BY {order}'
                moments[table.name] = conn.execute(query).fetchall()
        return rows, moments
    finally:
        conn.close()


def written_both_ways(tmp_path: Path, monkeypatch, write) -> dict:
    """``write(ws, product_id)`` in a new workspace with one product, as it is ("whole")
    and through the ORM: {way: (what write returned, the file's contents)}."""
    found = {}
    for way in ("whole", "orm"):
        if way == "orm":
            monkeypatch.setattr(tabular_import, "insert_many", through_orm)
        ws = Workspace.create(tmp_path / f"{way}.pmdesk", name="Import")
        product = ws.service(PortfolioService).create_product(name="Widget")
        answer = write(ws, product.id)
        ws.close()
        found[way] = (answer, contents(tmp_path / f"{way}.pmdesk"))
    return found


def imported_both_ways(tmp_path: Path, monkeypatch, target: str, data: str):
    def write(ws, product_id: int) -> None:
        if target == "metrics":  # one metric there already, one made by the import
            life = ws.service(LifecycleService)
            life.metrics.create(product_id=product_id, name="Revenue", kind=MetricKind.REVENUE)
        preset = PRESETS.get(target, "none")
        import_csv(ws, data.encode(), target=target, product_id=product_id, preset=preset)

    return {
        way: rows for way, (_none, rows) in written_both_ways(tmp_path, monkeypatch, write).items()
    }


@pytest.mark.parametrize("target", sorted(CSVS))
def test_an_import_lands_as_the_orm_wrote_it(
    tmp_path: Path, monkeypatch, straight_calls, target: str
) -> None:
    found = imported_both_ways(tmp_path, monkeypatch, target, CSVS[target])
    (rows, moments), (reference, reference_moments) = found["whole"], found["orm"]
    assert straight_calls  # the rows went whole, straight to SQLite
    assert rows == reference
    assert sum(len(r) for r in rows.values()) >= 5
    for table, made in moments.items():  # a moment for every row, as the ORM gave one
        assert len(made) == len(reference_moments[table])
        assert all(value is not None for row in made for value in row)


def test_requirements_get_the_models_made_defaults(
    tmp_path: Path, monkeypatch, straight_calls
) -> None:
    """A column the sheet does not give whose default is made when a row is (a new list
    of acceptance criteria, the moment it was created) gets one, row by row."""
    ws = Workspace.create(tmp_path / "reqs.pmdesk", name="Import")
    product = ws.service(PortfolioService).create_product(name="Widget")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    data = "Title,Priority\nSingle sign-on,High\nAudit log,Low\nExport,Medium\n"
    import_csv(ws, data.encode(), target="requirements", product_id=product.id)
    ws.close()
    conn = sqlite3.connect(tmp_path / "reqs.pmdesk")
    try:
        made = conn.execute("SELECT acceptance_criteria, created_at FROM requirement").fetchall()
    finally:
        conn.close()
    assert straight_calls == ["requirement"]
    assert [criteria for criteria, _at in made] == ["[]", "[]", "[]"]
    assert all(dt.datetime.fromisoformat(at) >= before for _criteria, at in made)


def test_a_large_sheet_is_written_in_batches_with_its_progress(
    tmp_path: Path, monkeypatch, straight_calls
) -> None:
    """2.5 batches of roadmap items: progress after each batch, every row as the ORM wrote
    it, and the ids one run in the rows' order."""
    lines = ["Title,Start,End,Lane"]
    for n in range(BATCH * 2 + BATCH // 2):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=n % 300)
        lines.append(f"Item {n} ✓,{day},{day + dt.timedelta(days=n % 9)},Lane {n % 7}")
    table = read_csv("\n".join(lines).encode())
    total = BATCH * 2 + BATCH // 2

    def write(ws, product_id: int):
        plan = plan_csv(ws, table, "roadmap")
        assert not plan.errors
        calls: list[tuple[int, int]] = []
        result = apply_plan(ws, plan, product_id=product_id, progress=lambda *c: calls.append(c))
        return calls, result.created["roadmap_item"]

    found = written_both_ways(tmp_path, monkeypatch, write)
    (calls, ids), (rows, _moments) = found["whole"]
    assert calls == [(BATCH, total), (2 * BATCH, total), (total, total)]
    assert ids == list(range(ids[0], ids[0] + total))
    assert straight_calls.count("roadmap_item") == 3
    assert rows == found["orm"][1][0]
