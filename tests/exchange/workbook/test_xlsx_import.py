"""Importing Excel: a sheet's rows through the CSV import's mapping, checks and all-or-nothing rule.

Workbooks are built with openpyxl (and XlsxWriter where a formula needs a saved
value) in tmp_path, and one is saved by LibreOffice; each is imported into a
new empty workspace and into the demo, through ``import_csv(ws, read_xlsx(path))``
and through ``pmdesk import xlsx``.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font
from tests.exchange.workbook.xlsx_crafting import (
    SHEET,
    replace_text,
    rewrite,
    save,
    workbook_bytes,
)
from tests.file_rows import file_rows
from tests.office import convert, needs_office

from pmdesk.cli import main
from pmdesk.core.enums import Attitude, MetricKind, MoSCoW
from pmdesk.core.errors import PmdeskError
from pmdesk.exchange.importing import ImportFileError, ImportRefused
from pmdesk.exchange.tabular import CsvTable
from pmdesk.exchange.tabular_import import import_csv, plan_csv
from pmdesk.exchange.tabular_targets import suggest_mapping
from pmdesk.exchange.workbook_import import (
    SheetTable,
    number_text,
    read_sheets,
    read_xlsx,
    sheet_names,
)
from pmdesk.store.demo import create_demo
from pmdesk.store.services import (
    LifecycleService,
    MarketService,
    PortfolioService,
    RequirementService,
    RoadmapService,
    StakeholderService,
)
from pmdesk.store.workspace import Workspace

TITLE = 'Login & <SSO> "now", please 🚀'
RTL = "שלום — כניסה אחת"
CJK = "路线图"


def book(path: Path, rows: list[list], *, title: str = "Sheet", formats=None) -> Path:
    """A one-sheet workbook; ``formats`` maps a cell ("C3") to its number format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref, number_format in (formats or {}).items():
        ws[ref].number_format = number_format
    wb.save(path)
    return path


@pytest.fixture
def product(workspace):
    return workspace.service(PortfolioService).create_product(name="Widget")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return create_demo(tmp_path_factory.mktemp("demo") / "demo.pmdesk")


# -- reading -----------------------------------------------------------------------------


def test_typed_cells_become_the_text_the_csv_import_reads(tmp_path):
    path = book(
        tmp_path / "typed.xlsx",
        [
            [],
            [None, "  Title ", "Number", "Share", "When", "Flag"],
            [],
            [None, TITLE, 3.0, 0.25, dt.datetime(2027, 3, 4), True],
            [None, RTL, 0.1 + 0.2, 0.07, dt.datetime(2027, 3, 4, 15, 15), False],
            [None, CJK, 1e308, 1.5, dt.date(9999, 12, 31)],
            [None, "no cells after", 42, -0.125, dt.datetime(2027, 3, 4, 15, 15, 30)],
            [None, "   ", None, None, None, None],
            [None, "a time", 0.1, 0, dt.time(9, 30)],
        ],
        formats={f"D{n}": "0.0%" for n in range(4, 10)},
    )
    # Formatting far to the right with no value is no column.
    wb = openpyxl.load_workbook(path)
    wb.active["K7"].font = Font(bold=True)
    wb.save(path)

    table = read_xlsx(path)
    assert isinstance(table, CsvTable) and isinstance(table, SheetTable)
    assert (table.name, table.encoding, table.delimiter, table.sheet) == (
        "typed.xlsx",
        "Excel workbook",
        "",
        "Sheet",
    )
    assert table.headers == ["", "Title", "Number", "Share", "When", "Flag"]
    assert table.numbers == [4, 5, 6, 7, 9]  # as Excel numbers its rows
    assert table.rows == [
        ["", TITLE, "3", "25%", "2027-03-04", "TRUE"],
        ["", RTL, "0.3", "7%", "2027-03-04 15:15", "FALSE"],
        ["", CJK, "1e+308", "150%", "9999-12-31"],
        ["", "no cells after", "42", "-12.5%", "2027-03-04 15:15:30"],
        ["", "a time", "0.1", "0%", "09:30"],
    ]
    assert table.warnings == []


def test_dates_of_a_mac_workbook_counted_from_1904_are_the_same_days(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active.append(["Title", "Created", "Due"])
    wb.active.append(["Mac", dt.datetime(2027, 3, 4, 9, 5), dt.date(2199, 12, 31)])
    wb.active["B2"].number_format = "yyyy-mm-dd hh:mm"
    wb.active["C2"].number_format = "d/m/yyyy"
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    assert read_xlsx(path).rows == [["Mac", "2027-03-04 09:05", "2199-12-31"]]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.0, "3"),
        (0.1, "0.1"),
        (0.1 + 0.2, "0.3"),  # as Excel shows and keeps it: 15 significant digits
        (-0.0, "0"),
        (1e308, "1e+308"),
        (-1e-7, "-1e-07"),
        (123456789012345.0, "123456789012345"),
        (1e15, "1000000000000000"),
        (1e16, "1e+16"),
        (2.5e-320, "2.5e-320"),
    ],
)
def test_numbers_are_written_as_short_as_they_are_exact(value, text):
    assert number_text(value) == text
    assert float(text) == float(f"{value:.15g}")


def test_a_percentage_means_what_the_sheet_shows(workspace, product, tmp_path):
    """0.8 shown as 80% is a confidence of 80, as the CSV import reads "80%"."""
    path = book(
        tmp_path / "rice.xlsx",
        [["Title", "Confidence %", "Progress"], ["Shown as percent", 0.8, 1], ["Plain", 65, 0]],
        formats={"B2": "0%", "C2": "0%"},
    )
    assert read_xlsx(path).rows[0] == ["Shown as percent", "80%", "100%"]
    import_csv(workspace, read_xlsx(path), target="requirements", product_id=product.id)
    found = workspace.service(RequirementService).requirements_of(product.id)
    assert [(r.title, r.confidence) for r in found] == [("Shown as percent", 80), ("Plain", 65)]


def test_the_first_non_empty_visible_sheet_is_read_unless_one_is_named(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    hidden = wb.create_sheet("Lookup")
    hidden.append(["Code", "Meaning"])
    hidden.append(["M", "Must"])
    hidden.sheet_state = "hidden"
    data = wb.create_sheet("Backlog")
    data.append(["Title"])
    data.append(["First"])
    wb.create_sheet("Empty")
    path = tmp_path / "several.xlsx"
    wb.save(path)

    assert sheet_names(path) == ["Cover", "Lookup", "Backlog", "Empty"]
    table = read_xlsx(path)
    assert (table.name, table.sheet, table.rows) == (
        "several.xlsx ▸ Backlog",
        "Backlog",
        [["First"]],
    )
    assert read_xlsx(path, "lookup").rows == [["M", "Must"]]  # as Excel: any case
    with pytest.raises(ImportFileError, match="the sheet “Empty” is empty"):
        read_xlsx(path, "Empty")
    with pytest.raises(ImportFileError, match="no sheet named “Plan”.*“Cover”, “Lookup”"):
        read_xlsx(path, "Plan")


def test_every_sheet_with_rows_is_read_in_one_pass(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "Cover"
    for title, rows in (
        ("Backlog", [["Title"], ["First"]]),
        ("Empty", []),
        ("Later", [["Name"], ["Two"], ["Three"]]),
    ):
        sheet = wb.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "several.xlsx"
    wb.save(path)
    seen = []
    tables = read_sheets(path, progress=lambda done, total: seen.append((done, total)))
    assert list(tables) == ["Backlog", "Later"]
    assert tables["Later"] == read_xlsx(path, "Later")
    assert tables["Backlog"].name == "several.xlsx ▸ Backlog"
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(ImportFileError, match="every sheet of the workbook is empty"):
        read_sheets(empty)


def test_a_value_merged_down_belongs_to_each_row_it_covers(tmp_path, workspace, product):
    path = book(
        tmp_path / "merged.xlsx",
        [
            ["Roadmap 2027"],  # a title above the table, merged across
            ["Lane", "Name", "Start", "End"],
            ["Platform", "SSO", dt.date(2027, 1, 4), dt.date(2027, 2, 26)],
            [None, "Audit log", dt.date(2027, 3, 1), dt.date(2027, 3, 31)],
            [None, None, None, None],
            ["Growth", "Referrals", dt.date(2027, 2, 1), dt.date(2027, 4, 30)],
        ],
    )
    wb = openpyxl.load_workbook(path)
    wb.active.merge_cells("A1:D1")
    wb.active.merge_cells("A3:A5")  # over an empty row: that row stays skipped
    wb.active.merge_cells("A2:A2")  # a merge of one cell, as some programs write
    wb.save(path)
    table = read_xlsx(path)
    assert table.headers == ["Lane", "Name", "Start", "End"]  # the title line is no header
    assert table.numbers == [3, 4, 6]
    assert table.rows == [
        ["Platform", "SSO", "2027-01-04", "2027-02-26"],
        ["Platform", "Audit log", "2027-03-01", "2027-03-31"],
        ["Growth", "Referrals", "2027-02-01", "2027-04-30"],
    ]
    import_csv(workspace, table, target="roadmap", product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    lanes = {lane.id: lane.name for lane in roadmap.lanes_of(product.id)}
    assert [(lanes[i.lane_id], i.name) for i in roadmap.items_of(product.id)] == [
        ("Platform", "SSO"),
        ("Platform", "Audit log"),
        ("Growth", "Referrals"),
    ]


@pytest.mark.parametrize(
    ("top", "header_row"),
    [
        ([["Backlog"], ["Exported 4 March 2027"], []], 4),  # title lines: skipped
        ([["A note"], ["Another"], ["A third"], ["A fourth"]], 1),  # more than three: a list
        ([], 1),
    ],
)
def test_title_lines_above_the_table_are_not_its_header(tmp_path, top, header_row):
    path = book(tmp_path / "titled.xlsx", [*top, ["Title", "Reach"], ["One", 1]])
    table = read_xlsx(path)
    if header_row == 1 and top:
        assert table.headers == ["A note"]
    else:
        assert table.headers == ["Title", "Reach"] and table.rows == [["One", "1"]]
        assert table.numbers == [header_row + 1 if top else 2]


def test_a_one_column_list_keeps_its_header(tmp_path):
    path = book(tmp_path / "list.xlsx", [["Title"], ["One"], ["Two"], ["Three"], ["Four"]])
    table = read_xlsx(path)
    assert table.headers == ["Title"] and table.rows == [["One"], ["Two"], ["Three"], ["Four"]]


def test_a_formula_is_read_as_the_value_saved_with_it_never_run(tmp_path, workspace, product):
    import xlsxwriter

    path = tmp_path / "formulas.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet("Backlog")
        ws.write_row(0, 0, ["Title", "Reach", "Effort"])
        ws.write_row(1, 0, ["Saved value", None, 2])
        # The saved value (7) is not what the formula gives (2): we read, never calculate.
        ws.write_formula(1, 1, "=1+1", None, 7)
        ws.write_formula(2, 0, '="Text result"', None, "Text result")
        ws.write(2, 1, 5)
        # A formula that calls out to a program is only its saved text, never run.
        ws.write_formula(3, 0, '=WEBSERVICE("http://127.0.0.1:9/x")', None, "offline")
        ws.write(3, 1, 6)
    table = read_xlsx(path)
    assert table.rows == [["Saved value", "7", "2"], ["Text result", "5"], ["offline", "6"]]
    assert table.warnings == []


def test_text_that_looks_like_a_formula_imports_as_typed(tmp_path, workspace, product):
    import xlsxwriter

    typed = ["=1+1", "+44 20 7946 0000", "-minus", "@SUM(A1)", "'=quoted", '=HYPERLINK("x")']
    path = tmp_path / "texts.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        ws = wb.add_worksheet()
        ws.write_string(0, 0, "Title")
        for row, text in enumerate(typed, 1):
            ws.write_string(row, 0, text)
    table = read_xlsx(path)
    assert [row[0] for row in table.rows] == typed and table.uncalculated == ()
    import_csv(workspace, table, target="requirements", product_id=product.id)
    found = workspace.service(RequirementService).requirements_of(product.id)
    # As the CSV import: the one quote a spreadsheet export puts before a formula goes.
    assert [r.title for r in found] == [*typed[:4], "=quoted", typed[5]]


def test_a_formula_saved_without_a_value_reads_as_empty_and_says_so(tmp_path, workspace, product):
    path = book(
        tmp_path / "uncalculated.xlsx",
        [
            ["Title", "Reach", "Effort", None, "Total"],
            ["One", "=10*10", 2, None, "=SUM(C2:C3)"],
            ["Two", 50, "=1+1"],
        ],
    )
    table = read_xlsx(path)
    assert table.rows == [["One", "", "2"], ["Two", "50"]]
    (warning,) = table.warnings
    assert warning.startswith("3 formula cells have no calculated value")
    assert "row 2, column B (Reach)" in warning and "save it" in warning
    # The import names only the columns it takes: not the total at the side.
    result = import_csv(workspace, table, target="requirements", product_id=product.id)
    assert result.warnings == [warning.replace("3 formula cells", "2 formula cells")]


# -- importing into every target ---------------------------------------------------------


def test_requirements_with_their_rice_parts(workspace, product, tmp_path):
    path = book(
        tmp_path / "requirements.xlsx",
        [
            ["Title", "Reach", "Impact", "Confidence %", "Effort", "MoSCoW priority", "Created"],
            [TITLE, 1200, 2, 0.8, 1.5, "High", dt.datetime(2027, 3, 4, 9, 5)],
            [RTL, 300.0, 0.25, 0.5, 3, "Should", dt.date(2027, 3, 5)],
        ],
        formats={"D2": "0%", "D3": "0%", "G2": "yyyy-mm-dd hh:mm", "G3": "dd/mm/yyyy"},
    )
    result = import_csv(workspace, read_xlsx(path), target="requirements", product_id=product.id)
    found = workspace.service(RequirementService).requirements_of(product.id)
    assert result.created["requirement"] == [r.id for r in found]
    assert [(r.title, r.reach, r.impact, r.confidence, r.effort, r.moscow) for r in found] == [
        (TITLE, 1200, 2, 80, 1.5, MoSCoW.MUST),
        (RTL, 300, 0.25, 50, 3, MoSCoW.SHOULD),
    ]
    assert [r.created_at for r in found] == [
        dt.datetime(2027, 3, 4, 9, 5),
        dt.datetime(2027, 3, 5),
    ]


def test_roadmap_items_in_lanes(workspace, product, tmp_path):
    path = book(
        tmp_path / "roadmap.xlsx",
        [
            ["Name", "Lane", "Start date", "End date", "Progress %"],
            [CJK, "Platform", dt.date(2027, 3, 4), dt.date(2027, 4, 30), 0.5],
            ["Launch", "Go to market", None, dt.datetime(2199, 12, 31), 0],
        ],
        formats={"E2": "0%", "C2": "m/d/yy", "D2": "d.m.yyyy"},
    )
    import_csv(workspace, read_xlsx(path), target="roadmap", product_id=product.id)
    roadmap = workspace.service(RoadmapService)
    lanes = {lane.id: lane.name for lane in roadmap.lanes_of(product.id)}
    found = [
        (lanes[i.lane_id], i.name, i.start_date, i.end_date, i.progress)
        for i in roadmap.items_of(product.id)
    ]
    assert found == [
        ("Platform", CJK, dt.date(2027, 3, 4), dt.date(2027, 4, 30), 50),
        ("Go to market", "Launch", dt.date(2199, 12, 31), dt.date(2199, 12, 31), 0),
    ]


def test_stakeholders(workspace, product, tmp_path):
    path = book(
        tmp_path / "people.xlsx",
        [
            ["Name", "Role", "Power", "Interest", "Attitude", "Next contact", "Phone"],
            ["Zoë Müller", "CFO", 8, 2.5, "Champion", dt.date(2027, 3, 1), 441234567890],
            [RTL, None, 3, 9, "critic", None, "+44 20 7946 0000"],
        ],
    )
    import_csv(workspace, read_xlsx(path), target="stakeholders", product_id=product.id)
    service = workspace.service(StakeholderService)
    people = {p.name: p for p in service.stakeholders_of(product.id)}
    zoe = people["Zoë Müller"]
    assert (zoe.power, zoe.interest, zoe.attitude) == (8, 2.5, Attitude.CHAMPION)
    assert zoe.next_contact == dt.date(2027, 3, 1) and zoe.phone == "441234567890"
    assert people[RTL].attitude == Attitude.CRITIC and people[RTL].phone == "+44 20 7946 0000"


def test_metric_values(workspace, product, tmp_path):
    path = book(
        tmp_path / "metrics.xlsx",
        [
            ["Metric", "Period", "Value", "Target", "Kind", "Unit"],
            ["NPS", dt.date(2027, 1, 1), 42, None, "KPI", "points"],
            ["NPS", dt.date(2027, 2, 1), 45.5, 50, None, None],
            ["Revenue", dt.date(2027, 1, 1), 1e12, 0.1, "Revenue", "€"],
        ],
    )
    import_csv(workspace, read_xlsx(path), target="metrics", product_id=product.id)
    life = workspace.service(LifecycleService)
    metrics = {m.name: m for m in life.metrics_of(product.id)}
    assert metrics["NPS"].kind == MetricKind.KPI and metrics["Revenue"].unit == "€"
    assert [(v.period, v.value, v.target) for v in life.values_of(metrics["NPS"].id)] == [
        (dt.date(2027, 1, 1), 42, None),
        (dt.date(2027, 2, 1), 45.5, 50),
    ]
    assert [(v.value, v.target) for v in life.values_of(metrics["Revenue"].id)] == [(1e12, 0.1)]


def test_customer_feedback_with_exact_amounts(workspace, product, tmp_path):
    path = book(
        tmp_path / "feedback.xlsx",
        [
            ["Quote", "Customer", "Via", "Created at", "ARR", "Priority"],
            [
                "We need PDF export, with our logo",
                "Acme; Inc.",
                "Email",
                dt.date(2027, 3, 2),
                12500.5,
                "Urgent",
            ],
            [
                f"{RTL} 🚀\nSecond line",
                "Globex",
                "Phone",
                dt.datetime(2027, 3, 5, 14, 0),
                0.1 + 0.2,
                "Normal",
            ],
        ],
        formats={"E2": '"$"#,##0.00', "E3": "#,##0.00 [$€-407]"},
    )
    import_csv(workspace, read_xlsx(path), target="feedback", product_id=product.id)
    found = sorted(workspace.service(MarketService).feedback(), key=lambda f: f.date)
    assert [(f.text, f.customer, f.date, f.revenue) for f in found] == [
        (
            "We need PDF export, with our logo",
            "Acme; Inc.",
            dt.date(2027, 3, 2),
            Decimal("12500.5"),
        ),
        (f"{RTL} 🚀\nSecond line", "Globex", dt.date(2027, 3, 5), Decimal("0.3")),
    ]


# -- all or nothing ----------------------------------------------------------------------


def test_a_bad_row_refuses_the_whole_import_naming_excels_row(tmp_path):
    path = book(
        tmp_path / "bad.xlsx",
        [
            ["Backlog export"],
            [],
            ["Title", "Reach", "Confidence %", "Created"],
        ]
        + [[f"Good {n}", n, 0.5, dt.date(2027, 1, 1)] for n in range(10)]
        + [["Bad", "lots", 1.5, "31/02/2027"], ["Good again", 1, 0.2, None]],
        formats={f"C{n}": "0%" for n in range(4, 17)},
    )
    ws_path = tmp_path / "new.pmdesk"
    with Workspace.create(ws_path) as ws:
        product_id = ws.service(PortfolioService).create_product(name="Widget").id
    before = file_rows(ws_path)
    table = read_xlsx(path)
    assert table.headers == ["Title", "Reach", "Confidence %", "Created"]
    assert table.numbers == list(range(4, 16))
    with Workspace.open(ws_path) as ws, pytest.raises(ImportRefused) as refused:
        import_csv(ws, table, target="requirements", product_id=product_id)
    assert str(refused.value).startswith("Nothing was imported: the sheet “Sheet” has 3 problems")
    assert [(e.row, e.column) for e in refused.value.errors] == [(14, 2), (14, 3), (14, 4)]
    assert "Row 14, column 2 (Reach): 'lots' is not a number" in str(refused.value)
    assert file_rows(ws_path) == before


def test_a_refusal_leaves_the_demo_as_it_was(demo, tmp_path):
    path = book(
        tmp_path / "bad-people.xlsx",
        [["Name", "Power"], ["Fine", 5], ["Too strong", 11], [None, 3]],
    )
    before = file_rows(demo)
    with Workspace.open(demo) as ws:
        product_id = ws.service(PortfolioService).list_products()[0].id
        with pytest.raises(ImportRefused) as refused:
            import_csv(ws, read_xlsx(path), target="stakeholders", product_id=product_id)
    assert [e.row for e in refused.value.errors] == [3, 4]
    assert file_rows(demo) == before


def test_detection_and_preview_work_on_a_sheet_as_on_a_csv(workspace, product, tmp_path):
    path = book(
        tmp_path / "jira.xlsx",
        [["Summary", "Issue Type", "Priority", "Story Points"], ["A", "Story", "Low", 3]],
    )
    table = read_xlsx(path)
    assert suggest_mapping(table.headers, "requirements") == ["title", "kind", "moscow", "effort"]
    plan = plan_csv(workspace, table, "requirements")
    assert not plan.errors
    assert plan.rows[0].number == 2 and plan.rows[0].fields["effort"] == 3


# -- the command line --------------------------------------------------------------------


def test_pmdesk_import_xlsx_into_a_new_workspace(tmp_path, capsys):
    ws_path = tmp_path / "new.pmdesk"
    with Workspace.create(ws_path) as ws:
        ws.service(PortfolioService).create_product(name="Widget")
    rows = book(
        tmp_path / "backlog.xlsx",
        [["Title", "Reach", "Score"], [TITLE, 10, "=B2*2"], [CJK, 20, 4]],
    )
    assert main(["import", "xlsx", str(ws_path), str(rows), "--into", "requirements"]) == 0
    out = capsys.readouterr().out
    assert "imported 2 requirement" in out
    assert "warning:" not in out  # the uncalculated formula is in no column of the table
    with Workspace.open(ws_path, read_only=True) as ws:
        product = ws.service(PortfolioService).list_products()[0]
        found = ws.service(RequirementService).requirements_of(product.id)
        assert [(r.title, r.reach) for r in found] == [(TITLE, 10), (CJK, 20)]


def test_pmdesk_import_xlsx_into_the_demo_and_its_refusals(demo, tmp_path, capsys):
    rows = book(
        tmp_path / "quotes.xlsx",
        [["Feedback", "Date", "Customer"], ["Faster exports", dt.date(2027, 3, 4), "=A2"]],
    )

    def into_feedback(sheet: Path) -> int:
        return main(
            ["import", "xlsx", str(demo), str(sheet), "--into", "feedback"]
            + ["--product", "Pulse Cloud"]
        )

    assert into_feedback(rows) == 0
    captured = capsys.readouterr()
    assert "imported 1 feedback" in captured.out
    assert "warning: a formula cell has no calculated value" in captured.out
    with Workspace.open(demo, read_only=True) as ws:
        texts = [f.text for f in ws.service(MarketService).feedback()]
        assert texts.count("Faster exports") == 1

    before = file_rows(demo)
    bad = book(tmp_path / "bad.xlsx", [["Feedback", "Date"], ["No date", None], ["x", "soon"]])
    assert into_feedback(bad) == 2
    err = capsys.readouterr().err
    assert "Nothing was imported: the sheet “Sheet” has 3 problems" in err
    assert "Row 2, column 2 (Date)" in err and "Row 3, column 2 (Date)" in err
    assert "Traceback" not in err
    legacy = tmp_path / "old.xlsx"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    assert into_feedback(legacy) == 2
    err = capsys.readouterr().err
    assert "old Excel 97–2003 workbook (.xls)" in err and "Traceback" not in err
    assert file_rows(demo) == before


# -- other programs' workbooks ------------------------------------------------------------


@needs_office
def test_a_workbook_saved_by_libreoffice_imports(tmp_path, workspace, product):
    # Calc reads a CSV as Latin-1 unless told otherwise: this one is plain ASCII.
    source = tmp_path / "from-calc.csv"
    source.write_text(
        "Name,Lane,Start date,End date,Progress %\n"
        '"Export & <b>",Platform,2027-03-04,2027-04-30,25%\n'
        "Sync,Growth,2027-05-03,2027-05-03,0\n",
        encoding="ascii",
    )
    table = read_xlsx(convert(source, "xlsx"))
    assert table.headers == ["Name", "Lane", "Start date", "End date", "Progress %"]
    # Calc typed the cells (dates as dates, 25% as a percentage); they read back the same.
    assert table.rows == [
        ["Export & <b>", "Platform", "2027-03-04", "2027-04-30", "25%"],
        ["Sync", "Growth", "2027-05-03", "2027-05-03", "0"],
    ]
    import_csv(workspace, table, target="roadmap", product_id=product.id)
    items = workspace.service(RoadmapService).items_of(product.id)
    assert [(i.name, i.start_date, i.progress) for i in items] == [
        ("Export & <b>", dt.date(2027, 3, 4), 25),
        ("Sync", dt.date(2027, 5, 3), 0),
    ]


@needs_office
def test_formulas_calculated_and_saved_by_libreoffice_import_with_their_values(tmp_path):
    """openpyxl saves formulas without values; Calc calculates them when it saves the file."""
    path = book(
        tmp_path / "calc.xlsx",
        [
            ["Title", "Reach", "Note"],
            [CJK, "=2*21", '=IF(B2>5,"","small")'],
            [RTL, 3, '=IF(B3>5,"","small")'],
            ["🚀", 0.5, None],
        ],
        formats={"B4": "0%"},
    )
    assert len(read_xlsx(path).uncalculated) == 3
    table = read_xlsx(convert(path, "xlsx"))
    assert table.rows == [[CJK, "42"], [RTL, "3", "small"], ["🚀", "50%"]]
    assert table.uncalculated == () and table.warnings == []  # "" is a value, saved as one


def test_one_megabyte_of_text_in_a_cell_imports_in_seconds(workspace, product, tmp_path):
    """Excel stops at 32,767 characters; a crafted file may hold up to the CSV import's limit."""
    long = ("Ünïcödé 🚀 <&> " * 100_000)[:1_000_000]
    data = workbook_bytes([["Title", "Description"], ["Long one", "LONG"]])
    path = save(tmp_path / "long.xlsx", rewrite(data, SHEET, replace_text("LONG", long)))
    started = time.perf_counter()
    import_csv(workspace, read_xlsx(path), target="requirements", product_id=product.id)
    assert time.perf_counter() - started < 5
    (found,) = workspace.service(RequirementService).requirements_of(product.id)
    assert found.description == long


def test_nothing_but_pmdesk_errors_come_out(tmp_path):
    """Every refusal is a PmdeskError with a message (the command line prints it)."""
    with pytest.raises(PmdeskError, match="the file is empty"):
        read_xlsx(b"")
    with pytest.raises(PmdeskError, match="cannot read the file"):
        read_xlsx(tmp_path / "missing.xlsx")


# -- a round trip through pmdesk's own workbook ------------------------------------------

REQUIREMENT_FIELDS = (
    "ref",
    "title",
    "kind",
    "moscow",
    "reach",
    "impact",
    "confidence",
    "effort",
    "status",
    "source",
    "story_role",
    "story_goal",
    "story_benefit",
    "description",
    "acceptance_criteria",
    "created_at",
)


def test_the_demos_requirements_sheet_imports_back_as_it_was(demo, tmp_path):
    from pmdesk.exchange.workbook import export_workbook

    with Workspace.open(demo, read_only=True) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud")
        exported = export_workbook(ws, tmp_path / "pulse.xlsx", product_id=product.id)
        original = [
            tuple(getattr(r, name) for name in REQUIREMENT_FIELDS)
            for r in ws.service(RequirementService).requirements_of(product.id)
        ]
    assert len(original) > 5
    assert "Requirements" in sheet_names(exported)
    table = read_xlsx(exported, "Requirements")
    assert table.uncalculated == ()
    with Workspace.create(tmp_path / "new.pmdesk") as ws:
        product_id = ws.service(PortfolioService).create_product(name="Pulse Cloud").id
        result = import_csv(ws, table, target="requirements", product_id=product_id)
        assert result.warnings == []
        back = [
            tuple(getattr(r, name) for name in REQUIREMENT_FIELDS)
            for r in ws.service(RequirementService).requirements_of(product_id)
        ]
    assert back == original


def _roadmap_rows(ws: Workspace, product_id: int) -> list[tuple]:
    roadmap = ws.service(RoadmapService)
    lanes = {lane.id: lane.name for lane in roadmap.lanes_of(product_id)}
    fields = ("name", "kind", "start_date", "end_date", "progress", "status", "horizon", "notes")
    return sorted(
        (lanes[i.lane_id], *(getattr(i, name) for name in fields))
        for i in roadmap.items_of(product_id)
    )


def _stakeholder_rows(ws: Workspace, product_id: int) -> list[tuple]:
    fields = (
        "name role organisation department email phone attitude power interest importance "
        "comm_channel comm_frequency comm_owner last_contact next_contact notes"
    ).split()
    return sorted(
        tuple(getattr(p, name) for name in fields)
        for p in ws.service(StakeholderService).stakeholders_of(product_id)
    )


def _metric_rows(ws: Workspace, product_id: int) -> list[tuple]:
    """Each value with the target it is measured against (its own, else its metric's)."""
    life = ws.service(LifecycleService)
    return sorted(
        (m.name, m.kind, m.unit, v.period, v.value, m.target if v.target is None else v.target)
        for m in life.metrics_of(product_id)
        for v in life.values_of(m.id)
    )


def _feedback_rows(ws: Workspace, product_id: int) -> list[tuple]:
    fields = "date text customer contact source revenue segment importance".split()
    return sorted(
        tuple(getattr(f, name) for name in fields)
        for f in ws.service(MarketService).feedback(product_id=product_id)
    )


@pytest.mark.parametrize(
    ("sheet", "target", "rows"),
    [
        ("Roadmap items", "roadmap", _roadmap_rows),
        ("Stakeholders", "stakeholders", _stakeholder_rows),
        ("Metrics", "metrics", _metric_rows),
        ("Feedback", "feedback", _feedback_rows),
    ],
)
def test_every_importable_sheet_of_the_demo_imports_back(demo, tmp_path, sheet, target, rows):
    from pmdesk.exchange.workbook import export_workbook

    with Workspace.open(demo, read_only=True) as ws:
        product = ws.service(PortfolioService).product_by_name("Pulse Cloud")
        exported = export_workbook(ws, tmp_path / "pulse.xlsx", product_id=product.id)
        original = rows(ws, product.id)
    assert original
    with Workspace.create(tmp_path / "new.pmdesk") as ws:
        product_id = ws.service(PortfolioService).create_product(name="Pulse Cloud").id
        import_csv(ws, read_xlsx(exported, sheet), target=target, product_id=product_id)
        assert rows(ws, product_id) == original
