"""Exporting tables to CSV: every table, Excel-friendly, and safe against formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from _interchange_data import FORMULA, TRICKY, build_portfolio

from pmdesk.exchange.importing import ImportFileError, table_counts
from pmdesk.exchange.tabular import (
    FORMULA_STARTS,
    csv_bytes,
    export_all,
    export_table,
    exportable_tables,
    neutralise,
    unneutralise,
)
from pmdesk.store.models import Base


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_a_cell_a_spreadsheet_would_run_is_neutralised(start: str):
    text = f"{start}1+1 & <b>"
    assert neutralise(text) == "'" + text
    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("text", ["plain", "'quoted already", "a=b", " =leading space", "", "🚀=x"])
def test_other_cells_are_left_alone(text: str):
    assert neutralise(text) == text
    assert unneutralise(text) == text


def test_numbers_stay_numbers_and_text_is_neutralised():
    data = csv_bytes(["a", "b", "c"], [[-3, "-3", "@SUM(A1)"]])
    assert _rows(data)[1] == ["-3", "'-3", "'@SUM(A1)"]
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")


def test_every_table_exports_with_all_its_rows(workspace, tmp_path):
    build_portfolio(workspace)
    counts = table_counts(workspace, history=True)
    written = export_all(workspace, tmp_path / "out")
    # Every table but the file's own and the what-if scenarios (no part of the plan).
    assert (
        {p.stem for p in written}
        == set(exportable_tables())
        == set(counts)
        - {
            "meta",
            "what_if",
        }
    )
    assert counts["what_if"]  # there was one to leave out
    for path in written:
        rows = _rows(path.read_bytes())
        table = Base.metadata.tables[path.stem]
        assert set(rows[0]) == {c.key for c in table.columns}
        assert len(rows) - 1 == counts[path.stem], path.stem


def test_user_text_survives_and_formulas_are_text(workspace):
    build_portfolio(workspace)
    rows = _rows(export_table(workspace, "roadmap_item"))
    header = rows[0]
    names = [row[header.index("name")] for row in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names
    lanes = _rows(export_table(workspace, "lane"))
    assert f"Platform {TRICKY}" in [row[lanes[0].index("name")] for row in lanes[1:]]
    notes = [row[header.index("notes")] for row in rows[1:]]
    assert "Line 1\nLine 2 & more" in notes


def test_enums_dates_json_and_booleans_are_written_plainly(workspace):
    build_portfolio(workspace)
    rows = _rows(export_table(workspace, "requirement"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["moscow"] == "should" and record["impact"] == "2.0"
    assert record["acceptance_criteria"] == '["Given a file", "When – imported"]'
    assert rows[0][0] == "id" and rows[0][-1] == "row_version"
    lanes = _rows(export_table(workspace, "lane"))
    assert {dict(zip(lanes[0], r, strict=True))["collapsed"] for r in lanes[1:]} == {"false"}


def test_an_unknown_table_is_refused(workspace):
    with pytest.raises(ImportFileError):
        export_table(workspace, "sqlite_master")


def test_every_export_refuses_a_missing_folder_with_a_message(workspace, tmp_path):
    from pmdesk.core.errors import PmdeskError
    from pmdesk.exchange.ics import export_ics
    from pmdesk.exchange.json_io import export_json
    from pmdesk.exchange.mspdi import export_mspdi
    from pmdesk.store.services import PortfolioService

    product = workspace.service(PortfolioService).create_product(name="P")
    dest = tmp_path / "missing" / "out"
    exports = [
        lambda: export_table(workspace, "product", dest),
        lambda: export_ics(workspace, dest),
        lambda: export_json(workspace, dest),
        lambda: export_mspdi(workspace, product.id, dest),
    ]
    for export in exports:
        with pytest.raises(PmdeskError, match="cannot write"):
            export()


def test_links_say_how_their_lag_counts_and_calendars_export_too(workspace):
    build_portfolio(workspace)
    rows = _rows(export_table(workspace, "dependency"))
    header = rows[0]
    lags = sorted(
        tuple(row[header.index(k)] for k in ("lag_days", "lag_elapsed", "lag_unit", "lag_exact"))
        for row in rows[1:]
    )
    # A lead in calendar days, working days, and a working week MS Project gave exactly.
    assert lags == [
        ("-3", "true", "day", ""),
        ("0", "false", "day", ""),
        ("2", "false", "day", ""),
        ("5", "false", "week", "24000"),
    ]
    calendars = _rows(export_table(workspace, "work_calendar"))
    assert [row[calendars[0].index("weekdays")] for row in calendars[1:]] == ["31", "79"]
    days = _rows(export_table(workspace, "calendar_exception"))
    assert ["Release Friday", "true"] in [
        [row[days[0].index("name")], row[days[0].index("working")]] for row in days[1:]
    ]
