"""Rows that give every column go straight to SQLite's cursor (journal._insert_whole_rows):
what lands in the file, and the errors that come out, are SQLAlchemy's own.

Each comparison writes the same rows twice, once on the straight path and once through
SQLAlchemy's executemany (what the journal did before), and reads both files back with a
connection of their own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.file_rows import file_rows

from pmdesk.core.errors import ValidationError
from pmdesk.exchange.json_io import export_json, import_json
from pmdesk.store import journal
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService, RoadmapService
from pmdesk.store.workspace import Workspace

# Tables whose rows say when the file was made (each new file differs there).
MADE_AT = ("workspace_info", "meta")


def through_sqlalchemy(connection: sa.Connection, table: sa.Table, rows) -> None:
    connection.execute(sa.insert(table), list(rows))


def test_a_whole_portfolio_lands_as_sqlalchemy_wrote_it(
    tmp_path: Path, monkeypatch, straight_calls
) -> None:
    """The demo's every table (dates, times, JSON with nulls, enums, booleans, history),
    imported from its JSON export on both paths: the two files hold the same values."""
    demo = create_demo(tmp_path / "demo.pmdesk")
    ws = Workspace.open(demo, read_only=True)
    document = tmp_path / "demo.json"
    export_json(ws, document)
    ws.close()
    straight = import_json(document, tmp_path / "straight.pmdesk")
    monkeypatch.setattr(journal, "_insert_whole_rows", through_sqlalchemy)
    reference = import_json(document, tmp_path / "reference.pmdesk")

    assert {"roadmap_item", "dependency", "product", "change_entry"} <= set(straight_calls)
    a, b = file_rows(straight, history=True), file_rows(reference, history=True)
    for name in MADE_AT:
        a.pop(name), b.pop(name)
    assert a == b
    assert sum(len(rows) for rows in a.values()) > 500  # the demo's rows, not empty tables


def whole_row(table_name: str, values: dict) -> dict:
    """``values`` and every other column of the table: its default, else None or 0."""
    table = journal._table(table_name)
    row = {c.name: None for c in table.c} | values
    for column in table.c:
        if column.name not in values and not column.nullable:
            default = column.default.arg if column.default is not None else 0
            row[column.name] = default(None) if callable(default) else default
    return row


def test_odd_values_land_as_sqlalchemy_wrote_them(tmp_path: Path, monkeypatch) -> None:
    """Year 9999, a megabyte of right-to-left text with emoji, a moment far ahead, a
    boolean, an enum, and JSON given None (SQLAlchemy writes JSON's null there)."""
    written = {}
    for path_name, insert in (("straight", None), ("reference", through_sqlalchemy)):
        if insert is not None:
            monkeypatch.setattr(journal, "_insert_whole_rows", insert)
        ws = Workspace.create(tmp_path / f"{path_name}.pmdesk", name="Odd values")
        with ws.transaction() as uow:
            product = whole_row(
                "product",
                {
                    "id": 3,
                    "name": "Atlas",
                    "gate_criteria": None,
                    "elimination_flag": True,
                    "created_at": dt.datetime(9999, 12, 31, 23, 59, 59, 999999),
                },
            )
            uow.insert_rows("product", [product])
            uow.insert_rows("lane", [whole_row("lane", {"id": 4, "product_id": 3, "name": "C"})])
            item = {
                "id": 7,
                "product_id": 3,
                "lane_id": 4,
                "title": "שלום 🚀" * 90_000,
                "start_date": dt.date(9999, 12, 30),
                "end_date": dt.date(9999, 12, 31),
            }
            uow.insert_rows("roadmap_item", [whole_row("roadmap_item", item)])
        rows = file_rows(ws.path)
        written[path_name] = {name: rows[name] for name in ("product", "lane", "roadmap_item")}
        ws.close()
    assert written["straight"] == written["reference"]
    (item,) = written["straight"]["roadmap_item"]
    assert "9999-12-31" in item
    (product,) = written["straight"]["product"]
    assert "null" in product  # JSON's null, as SQLAlchemy writes None there


def test_a_key_taken_twice_is_refused_as_an_edit_and_leaves_the_file(
    workspace, straight_calls
) -> None:
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    before = file_rows(workspace.path)
    row = whole_row("lane", {"id": 50, "product_id": product.id, "name": "Core"})
    with pytest.raises(ValidationError), workspace.transaction() as uow:
        uow.insert_rows("lane", [row, dict(row)])
    assert straight_calls == ["lane"]
    assert file_rows(workspace.path) == before


@pytest.mark.parametrize("insert", [None, through_sqlalchemy], ids=["straight", "sqlalchemy"])
def test_a_value_of_the_wrong_type_is_refused_the_same_way(workspace, monkeypatch, insert) -> None:
    """A text where a date goes: SQLAlchemy's StatementError on both paths."""
    if insert is not None:
        monkeypatch.setattr(journal, "_insert_whole_rows", insert)
    product = workspace.service(PortfolioService).create_product(name="Atlas")
    lane = workspace.service(RoadmapService).lanes.create(product_id=product.id, name="Core")
    before = file_rows(workspace.path)
    values = {"id": 9, "product_id": product.id, "lane_id": lane.id, "title": "Late"}
    row = whole_row("roadmap_item", values | {"start_date": "next spring"})
    with pytest.raises(sa.exc.StatementError, match="date"), workspace.transaction() as uow:
        uow.insert_rows("roadmap_item", [row])
    assert file_rows(workspace.path) == before
