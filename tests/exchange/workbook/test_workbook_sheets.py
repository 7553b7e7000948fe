"""The Excel workbook's table sheets: typed cells, headers, frozen panes, filters, scope, limits.

Read back with openpyxl (an independent reader) and, for the text that must stay text,
after LibreOffice has loaded and saved the file again.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest
from tests.exchange.workbook.books import TODAY, exported
from tests.office import convert, needs_office

from pmdesk.cli import main
from pmdesk.core.scoring import rice
from pmdesk.exchange.output import ExportCancelled
from pmdesk.exchange.workbook import (
    CELL_TEXT_MAX,
    cut_to_cell,
    export_workbook,
    money_format,
    sheet_title,
    utf16_length,
)
from pmdesk.store.demo import create_demo
from pmdesk.store.services import PortfolioService
from pmdesk.store.workspace import Workspace

TABLE_SHEETS = [
    "Products",
    "Roadmap items",
    "Lanes",
    "Dependencies",
    "Requirements",
    "Stakeholders",
    "Launch tasks",
    "Metrics",
    "Competitors",
    "Feedback",
    "Risks",
    "Wins and losses",
]
PAYLOADS = ['=HYPERLINK("http://x.io","go")', "+1", "-2", "@SUM(A1)", "=1+1"]


def _headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def _column(sheet, header: str) -> list:
    index = _headers(sheet).index(header) + 1
    return [sheet.cell(row, index) for row in range(2, sheet.max_row + 1)]


def test_every_table_has_its_sheet_with_readable_headers_frozen_and_filtered(demo_book):
    book = openpyxl.load_workbook(demo_book)
    assert book.sheetnames[: len(TABLE_SHEETS)] == TABLE_SHEETS
    assert book.sheetnames[-1] == "About"
    assert [name for name in book.sheetnames if name.startswith("Business case – ")]
    for name in TABLE_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        last = sheet.cell(1, sheet.max_column).column_letter
        assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}", name
        headers = _headers(sheet)
        assert all(isinstance(h, str) and h and "_" not in h for h in headers), headers
        assert sheet.max_row > 1, f"the demo has rows for {name}"
        for letter, dimension in sheet.column_dimensions.items():
            assert 6 <= dimension.width <= 62, (name, letter, dimension.width)
    requirements = _headers(book["Requirements"])
    for header in ("Product", "Reach", "Impact", "Confidence", "Effort", "RICE score"):
        assert header in requirements
    assert {"Start", "End", "Progress", "Lane"} <= set(_headers(book["Roadmap items"]))


def test_cells_are_typed_dates_numbers_percentages_money_booleans(demo_book, demo_path):
    book = openpyxl.load_workbook(demo_book)
    items = book["Roadmap items"]
    for cell in _column(items, "Start") + _column(items, "End"):
        assert isinstance(cell.value, dt.datetime) and cell.number_format == "yyyy-mm-dd"
    for cell in _column(items, "Progress"):
        assert isinstance(cell.value, (int, float)) and 0 <= cell.value <= 1
        assert cell.number_format == "0%"
    requirements = book["Requirements"]
    titles = [c.value for c in _column(requirements, "Title")]
    parts = zip(
        *(
            [c.value for c in _column(requirements, h)]
            for h in ("Reach", "Impact", "Confidence", "Effort", "RICE score")
        ),
        strict=True,
    )
    for title, (reach, impact, confidence, effort, score) in zip(titles, parts, strict=True):
        assert all(isinstance(v, (int, float)) for v in (reach, impact, confidence, effort))
        # The score as the app computes it, from the parts as stored (confidence in %).
        assert score == pytest.approx(rice(reach, impact, confidence * 100, effort).score), title
    assert {c.number_format for c in _column(requirements, "Confidence")} == {"0%"}
    created = _column(requirements, "Created")
    assert all(isinstance(c.value, dt.datetime) for c in created)
    feedback = book["Feedback"]
    revenue = [c for c in _column(feedback, "Revenue") if c.value is not None]
    assert revenue and all(isinstance(c.value, float | int) for c in revenue)
    assert {c.number_format for c in revenue} == {money_format("EUR")}
    assert "€" in money_format("EUR") and '"SEK"' in money_format("SEK")
    assert money_format("JPY").count("0.") == 0  # no minor units in yen
    flagged = _column(book["Products"], "Flagged for elimination")
    assert {type(c.value) for c in flagged} == {bool}
    lag = [c.value for c in _column(book["Dependencies"], "Lag")]
    assert all(isinstance(v, int) for v in lag if v is not None)
    share = [c for c in _column(book["Competitors"], "Market share") if c.value is not None]
    assert share and all(0 <= c.value <= 1 and c.number_format == "0%" for c in share)
    # A metric measured in % is a percentage cell; the others plain numbers.
    with sqlite3.connect(demo_path) as conn:
        percent_metrics = {n for (n,) in conn.execute("SELECT name FROM metric WHERE unit = '%'")}
    metrics = book["Metrics"]
    for name, value in zip(_column(metrics, "Metric"), _column(metrics, "Value"), strict=True):
        assert isinstance(value.value, float | int)
        expected = "0%" if name.value in percent_metrics else "General"
        assert value.number_format == expected, name.value


def test_rows_match_the_workspace_every_product_or_one(demo_book, demo_path, tmp_path):
    with sqlite3.connect(demo_path) as conn:
        count = dict(
            conn.execute(
                "SELECT 'items', count(*) FROM roadmap_item UNION ALL "
                "SELECT 'requirements', count(*) FROM requirement UNION ALL "
                "SELECT 'stakeholders', count(*) FROM stakeholder"
            ).fetchall()
        )
        pulse = conn.execute("SELECT id FROM product WHERE name = 'Pulse Cloud'").fetchone()[0]
        pulse_items = conn.execute(
            "SELECT count(*) FROM roadmap_item WHERE product_id = ?", (pulse,)
        ).fetchone()[0]
    book = openpyxl.load_workbook(demo_book)
    assert book["Roadmap items"].max_row - 1 == count["items"]
    assert book["Requirements"].max_row - 1 == count["requirements"]
    assert book["Stakeholders"].max_row - 1 == count["stakeholders"]
    products = {c.value for c in _column(book["Roadmap items"], "Product")}
    assert len(products) == 3

    one = tmp_path / "pulse.xlsx"
    with Workspace.open(demo_path, read_only=True) as ws:
        export_workbook(ws, one, product_id=pulse)
    book = openpyxl.load_workbook(one)
    items = book["Roadmap items"]
    assert "Product" not in _headers(items)
    assert items.max_row - 1 == pulse_items
    cases = [n for n in book.sheetnames if n.startswith("Business case")]
    assert cases == ["Business case – Pulse Cloud"]
    assert [c.value for c in _column(book["Products"], "Name")] == ["Pulse Cloud"]


def test_a_new_empty_workspace_gives_sheets_that_say_there_is_nothing_yet(tmp_path):
    path = tmp_path / "empty.pmdesk"
    with Workspace.create(path, name="Empty") as ws:
        out = export_workbook(ws, tmp_path / "empty.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [*TABLE_SHEETS, "About"]
    for name in TABLE_SHEETS:
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert "yet" in str(sheet["A3"].value), name
    assert book["Roadmap items"]["A3"].value.startswith("No roadmap items yet")


def _poison(path: Path) -> None:
    """Every user text field of the demo set to a formula-looking text (unique per row)."""
    fields = {
        "product": ("name", "tagline", "owner", "segment", "vision", "goals", "confidentiality"),
        "lane": ("name",),
        "roadmap_item": ("name", "notes"),
        "requirement": ("ref", "title", "story_role", "story_goal", "story_benefit", "description"),
        "stakeholder": (
            "name",
            "role",
            "organisation",
            "department",
            "email",
            "phone",
            "comm_channel",
            "comm_owner",
            "notes",
        ),
        "launch": ("name",),
        "launch_task": ("title", "notes"),
        "metric": ("name",),
        "competitor": (
            "name",
            "website",
            "segment",
            "positioning",
            "pricing",
            "strengths",
            "weaknesses",
            "recent_moves",
            "notes",
        ),
        "feedback": ("text", "customer", "contact", "segment", "archive_reason"),
        "risk": ("title", "description", "mitigation", "owner"),
        "win_loss": ("deal", "reason"),
        "business_scenario": ("name",),
        "cost_item": ("name",),
        "business_driver": ("note",),
    }
    with sqlite3.connect(path) as conn:
        for table, columns in fields.items():
            for column in columns:
                for n, payload in enumerate(PAYLOADS):
                    conn.execute(
                        f"UPDATE {table} SET {column} = ? || ' ' || id WHERE id % 5 = ?",
                        (payload, n),
                    )


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Path:
    path = create_demo(tmp_path_factory.mktemp("poison") / "poison.pmdesk", today=TODAY)
    Workspace.open(path).close()
    _poison(path)
    out = path.parent / "poison.xlsx"
    exported(path, out)
    return out


def _payload_cells(book) -> list:
    return [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith(tuple(PAYLOADS))
    ]


def test_no_user_text_is_ever_written_as_a_formula(poisoned):
    book = openpyxl.load_workbook(poisoned)
    found = _payload_cells(book)
    assert len(found) > 200
    seen = {p for p in PAYLOADS if any(c.value.startswith(p + " ") for c in found)}
    assert seen == set(PAYLOADS)
    for cell in found:
        assert cell.data_type == "s", (cell.parent.title, cell.coordinate, cell.value)
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                assert sheet.title.startswith("Business case"), (sheet.title, cell.coordinate)
                assert "HYPERLINK" not in cell.value and "SUM(A1)" not in cell.value
    # The text is exactly as typed (with its row's id after it).
    names = [c.value for c in _column(book["Roadmap items"], "Name")]
    assert any(n.startswith('=HYPERLINK("http://x.io","go") ') for n in names)


@needs_office
def test_text_stays_text_after_libreoffice_loads_and_saves_it(poisoned):
    before = {
        (c.parent.title, c.coordinate): c.value
        for c in _payload_cells(openpyxl.load_workbook(poisoned))
    }
    again = openpyxl.load_workbook(convert(poisoned, "xlsx"))
    after = {(c.parent.title, c.coordinate): c for c in _payload_cells(again)}
    assert set(after) == set(before)
    for key, cell in after.items():
        assert cell.data_type == "s" and cell.value == before[key], key


NOTE = "Zeile ünd 路线图 🚀 " * 60_000  # about 1 MB of text


@pytest.fixture(scope="module")
def extreme(at_the_bounds, tmp_path_factory) -> tuple[Path, float]:
    """The demo at the bounds the store accepts (dates 1900 to 2199, numbers to ±1e12,
    200-character product names) with a 1 MB roadmap note; the export's seconds."""
    path = tmp_path_factory.mktemp("extreme") / "extreme.pmdesk"
    path.write_bytes(at_the_bounds.read_bytes())
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE roadmap_item SET notes = ? WHERE id = (SELECT min(id) FROM roadmap_item)",
            (NOTE,),
        )
    out = path.parent / "extreme.xlsx"
    started = time.perf_counter()
    exported(path, out)
    return out, time.perf_counter() - started


def test_a_text_longer_than_excel_holds_keeps_its_start_and_says_it_was_cut(extreme):
    out, seconds = extreme
    assert seconds < 10
    book = openpyxl.load_workbook(out)
    notes = _column(book["Roadmap items"], "Notes")
    long = next(c for c in notes if c.value and len(c.value) > 30_000)
    # As much as Excel holds (32,767 UTF-16 units: each 🚀 takes two), exactly as typed.
    assert NOTE.startswith(long.value)
    assert CELL_TEXT_MAX - 1 <= utf16_length(long.value) <= CELL_TEXT_MAX
    assert long.comment is not None
    assert f"({len(NOTE):,} characters)" in long.comment.text
    listed = [row[1].value for row in book["About"].iter_rows() if row[0].value == "Roadmap items"]
    assert f"{long.coordinate}: {len(NOTE):,} characters, cut to 32,767" in listed


def test_the_bounds_of_the_store_are_dates_and_numbers(extreme):
    out, _seconds = extreme
    book = openpyxl.load_workbook(out)
    ends = [c.value for c in _column(book["Roadmap items"], "End")]
    assert dt.datetime(2199, 12, 31) in ends
    people = book["Stakeholders"]
    assert {c.value for c in _column(people, "Next contact")} == {dt.datetime(2199, 12, 31)}
    assert {c.value for c in _column(people, "Last contact")} == {dt.datetime(1900, 1, 1)}
    assert {c.value for c in _column(book["Requirements"], "Reach")} == {1e12}
    long_names = [c.value for c in _column(book["Products"], "Name") if len(c.value) == 200]
    assert len(long_names) == 2
    cases = [n for n in book.sheetnames if n.startswith("Business case")]
    assert all(len(n) <= 31 for n in cases) and len(set(cases)) == len(cases) == 3


def test_the_writer_keeps_year_9999_and_1e308_and_names_what_excel_cannot_hold(tmp_path):
    """Beyond the store's bounds (a file holding them is refused at open), the writer still
    writes year 9999 and 1e308 as a date and a number, and what Excel has no cell for
    (a date before 1900, infinity) as text rather than a wrong value."""
    import xlsxwriter

    from pmdesk.exchange.output import Progress
    from pmdesk.exchange.workbook import Column, Styles, Table, _Writer

    path = tmp_path / "cells.xlsx"
    book = xlsxwriter.Workbook(str(path))
    writer = _Writer(book, Styles(book, "EUR"), Progress(None, None))
    columns = [Column("Day", "date"), Column("Amount", "money"), Column("Share", "percent")]
    rows = [
        [dt.date(9999, 12, 31), 1e308, 0.5],
        [dt.date(1899, 12, 31), float("inf"), None],
    ]
    writer.table(Table("Cells", columns, rows, "none"))
    book.close()
    sheet = openpyxl.load_workbook(path)["Cells"]
    assert sheet["A2"].value == dt.datetime(9999, 12, 31)
    assert sheet["B2"].value == 1e308 and sheet["B2"].number_format == money_format("EUR")
    assert sheet["C2"].value == 0.5 and sheet["C2"].number_format == "0%"
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("1899-12-31", "s")
    assert (sheet["B3"].value, sheet["B3"].data_type) == ("inf", "s")
    assert sheet["C3"].value is None


@needs_office
def test_the_extreme_workbook_converts_to_pdf(extreme):
    out, _seconds = extreme
    pdf = convert(out, "pdf")
    assert pdf.stat().st_size > 10_000


def test_a_cut_never_splits_an_emoji():
    assert cut_to_cell("a" * CELL_TEXT_MAX + "b") == "a" * CELL_TEXT_MAX
    odd = "a" + "🚀" * CELL_TEXT_MAX  # a rocket would straddle the limit
    assert cut_to_cell(odd) == "a" + "🚀" * ((CELL_TEXT_MAX - 1) // 2)
    assert utf16_length("🚀") == 2


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    first = sheet_title("Business case – Aurora [Pro]: a/b*c?d\\e", taken)
    second = sheet_title("Business case – Aurora [Pro]: a/b*c?d\\e", taken)
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first + second)
    assert first != second and second.endswith("(2)")
    assert sheet_title("'quoted'", taken) == "quoted"


def test_a_cancel_leaves_no_file(demo_path, tmp_path):
    out = tmp_path / "cancelled.xlsx"
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with Workspace.open(demo_path, read_only=True) as ws, pytest.raises(ExportCancelled):
        export_workbook(ws, out, cancelled=cancelled)
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))


def test_progress_reaches_the_end(demo_path, tmp_path):
    seen: list[tuple[int, int]] = []
    with Workspace.open(demo_path, read_only=True) as ws:
        export_workbook(ws, tmp_path / "p.xlsx", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1]
    assert all(done < total for done, total in seen[:-1])


def test_pmdesk_export_xlsx_on_the_command_line(demo_path, tmp_path, capsys):
    out = tmp_path / "cli.xlsx"
    assert main(["export", "xlsx", str(demo_path), "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    book = openpyxl.load_workbook(out)
    assert "Product" in _headers(book["Requirements"])
    one = tmp_path / "one.xlsx"
    assert main(["export", "xlsx", str(demo_path), "--product", "DataLog 200", "-o", str(one)]) == 0
    book = openpyxl.load_workbook(one)
    assert "Product" not in _headers(book["Requirements"])
    assert [n for n in book.sheetnames if n.startswith("Business")] == [
        "Business case – DataLog 200"
    ]
    with Workspace.open(demo_path, read_only=True) as ws:
        assert ws.service(PortfolioService).product_by_name("DataLog 200")
