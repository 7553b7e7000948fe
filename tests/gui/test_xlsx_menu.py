"""File ▸ Export ▸ Excel Workbook… and File ▸ Import ▸ Excel File…, from the window's menus.

On a copy of the demo and on a new workspace: the workbook is written in a
worker (Cancel leaves nothing), opened with openpyxl; an .xlsx made with
openpyxl is imported into requirements through the same dialog as a CSV file,
its rows appear in the Requirements view and Ctrl+Z takes them out again.
"""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox
from tests.gui.windows import demo_or_new, exposed, open_main_window

from pmdesk.gui.deck_dialog import WHOLE_PORTFOLIO, WorkbookDialog
from pmdesk.gui.import_dialog import CsvImportDialog
from pmdesk.gui.main_window import MainWindow
from pmdesk.store.services import PortfolioService, RequirementService
from pmdesk.store.workspace import Workspace

TITLE = 'Ship <SSO> & "magic" 路线图 🚀'
ROWS = [
    [TITLE, "Single sign-on for the admin console", "Must", 500, 3],
    ["Audit log export", "CSV and JSON", "Should", 120, 2.5],
    ["Dark mode", "", "Could", 80, 1],
]


@pytest.fixture(params=["demo", "new"])
def window(request, qtbot, tmp_path, demo_template):
    win = open_main_window(qtbot, demo_or_new(request.param, demo_template, tmp_path))
    win.view_host.show_view("requirements")
    assert win.product_selector.product_id() is not None
    errors: list[str] = []
    win.ctx.errorRaised.connect(errors.append)
    yield win, errors
    win.close()


def _action(win: MainWindow, menu_name: str, text: str):
    menu = getattr(win.menu_actions, menu_name)
    menu.aboutToShow.emit()  # as opening the menu does: enables what applies
    action = next(a for a in menu.actions() if a.text() == text)
    assert action.isEnabled()
    return action


def _click_box(qtbot, box: QCheckBox) -> None:
    before = box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() != before


def _workbook_dialog(qtbot, win: MainWindow) -> WorkbookDialog:
    shown: list = []
    win.exchange.show_dialog = shown.append
    _action(win, "export_menu", "Excel Workbook…").trigger()
    dialog = shown.pop()
    assert isinstance(dialog, WorkbookDialog)
    dialog.show()
    exposed(qtbot, dialog)
    _click_box(qtbot, dialog.open_after)  # no spreadsheet program in a test
    return dialog


def _export(qtbot, dialog: WorkbookDialog, target: Path) -> None:
    dialog.output_edit.setText(str(target))
    exported: list = []
    dialog.exported.connect(exported.append)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.op is None, timeout=120_000)  # done, failed or cancelled
    assert dialog.status.text() == f"Saved {target}"
    assert exported == [target]


def _cells(path: Path) -> set:
    book = openpyxl.load_workbook(path, read_only=True)
    values = {
        value
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    }
    book.close()
    return values


def test_the_workbook_of_a_product_or_the_whole_portfolio(qtbot, window, tmp_path):
    win, errors = window
    product = win.product_selector.product_id()
    requirements = win.ctx.service(RequirementService)
    dialog = _workbook_dialog(qtbot, win)
    assert dialog.product_box.currentData() == product
    name = dialog.product_box.currentText()
    assert Path(dialog.output_edit.text()).name == f"{name} – Workbook.xlsx"
    # One product's tables: its rows in, another product's not.
    ours = [r.title for r in requirements.requirements_of(product)]
    others = [
        r.title
        for p in win.ctx.service(PortfolioService).list_products()
        if p.id != product
        for r in requirements.requirements_of(p.id)
        if r.title not in ours
    ]
    target = tmp_path / "product.xlsx"
    _export(qtbot, dialog, target)
    cells = _cells(target)
    assert set(ours) <= cells
    assert not set(others) & cells
    # The whole portfolio's: every product's.
    dialog.product_box.setCurrentIndex(dialog.product_box.findText(WHOLE_PORTFOLIO))
    portfolio = win.ctx.service(PortfolioService).workspace_info().name
    assert Path(dialog.output_edit.text()).name == f"{portfolio} – Workbook.xlsx"
    target = tmp_path / "portfolio.xlsx"
    _export(qtbot, dialog, target)
    assert set(ours + others) <= _cells(target)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == [
        "portfolio.xlsx",
        "product.xlsx",
    ]
    assert not errors


def test_cancel_leaves_no_workbook(qtbot, window, tmp_path, monkeypatch):
    """Cancel pressed while the export opens its workspace: nothing is written."""
    win, _errors = window
    dialog = _workbook_dialog(qtbot, win)
    opening = threading.Event()
    real = Workspace.reopen_read_only

    def held(ws: Workspace) -> Workspace:
        opening.set()
        token = dialog.op.token
        while not token.cancelled:
            threading.Event().wait(0.005)
        return real(ws)

    monkeypatch.setattr(Workspace, "reopen_read_only", held)
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.output_edit.setText(str(folder / "book.xlsx"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(opening.is_set, timeout=30_000)
    with qtbot.waitSignal(dialog.cancelled, timeout=60_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert list(folder.iterdir()) == []
    assert dialog.status.text() == "Cancelled: no file was written."


def _write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _titles_in_view(win: MainWindow) -> list[str]:
    view = win.view_host.current_view()
    model = view.model
    column = model.column_index("title")
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _import(qtbot, win: MainWindow, path: Path, choose) -> CsvImportDialog:
    """File ▸ Import ▸ Excel File… on ``path``; ``choose(dialog)`` makes the choices."""
    menus = win.exchange
    menus.ask_open = lambda *_: path
    imported: list = []

    def drive(dialog: CsvImportDialog) -> None:
        choose(dialog)
        qtbot.waitUntil(lambda: dialog.planner is None and dialog.import_button.isEnabled())
        # Heard from the click on: a small import may be done before the test looks again.
        dialog.imported.connect(imported.append)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    menus.show_dialog = drive
    menus.dialog = None
    _action(win, "import_menu", "Excel File…").trigger()
    qtbot.waitUntil(lambda: bool(imported), timeout=60_000)
    return menus.dialog


def test_an_excel_file_imports_into_requirements_and_undoes(qtbot, window, tmp_path):
    win, errors = window
    product = win.product_selector.product_id()
    requirements = win.ctx.service(RequirementService)
    before = [r.title for r in requirements.requirements_of(product)]
    headers = ["Title", "Description", "Priority", "Reach", "Effort"]
    path = _write_xlsx(tmp_path / "backlog.xlsx", {"Backlog": [headers, *ROWS]})

    def choose(dialog: CsvImportDialog) -> None:
        assert dialog.target == "requirements"
        assert not dialog.sheet_combo.isVisibleTo(dialog)  # one sheet: nothing to choose
        assert "3 rows" in dialog.file_label.text()

    _import(qtbot, win, path, choose)
    assert not errors
    titles = _titles_in_view(win)
    assert [row[0] for row in ROWS] == [t for t in titles if t not in before]
    imported = {r.title: r for r in requirements.requirements_of(product)}
    assert imported[TITLE].reach == 500 and imported["Audit log export"].effort == 2.5
    # Ctrl+Z takes the whole import out in one step.
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.view_host.current_view().setFocus()
    qtbot.keyClick(win.view_host.current_view(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: TITLE not in _titles_in_view(win))
    assert sorted(_titles_in_view(win)) == sorted(before)
    assert [r.title for r in requirements.requirements_of(product)] == before


def test_the_sheet_to_import_is_chosen(qtbot, window, tmp_path):
    win, errors = window
    product = win.product_selector.product_id()
    requirements = win.ctx.service(RequirementService)
    before = len(requirements.requirements_of(product))
    path = _write_xlsx(
        tmp_path / "planning.xlsx",
        {
            "Cover": [],
            "People": [["Name", "Role"], ["Dana", "Sponsor"], ["Lee", "Engineer"]],
            "Backlog": [["Title", "Reach", "Effort"], *[[r[0], r[3], r[4]] for r in ROWS]],
        },
    )

    def choose(dialog: CsvImportDialog) -> None:
        combo = dialog.sheet_combo
        assert dialog.sheet == "People"  # the first sheet with rows
        assert combo.isVisibleTo(dialog) and combo.currentText() == "People"
        # The empty cover is not offered: there is nothing on it to import.
        assert [combo.itemText(i) for i in range(combo.count())] == ["People", "Backlog"]
        assert dialog.table.headers == ["Name", "Role"]
        assert "People" in dialog.file_label.text() and "2 rows" in dialog.file_label.text()
        combo.setCurrentIndex(combo.findText("Backlog"))
        assert dialog.sheet == "Backlog" and dialog.table.headers == ["Title", "Reach", "Effort"]
        assert "Backlog" in dialog.windowTitle() and "3 rows" in dialog.file_label.text()
        assert dialog.mapping_table.rowCount() == 3
        assert dialog.mapping() == ["title", "reach", "effort"]

    _import(qtbot, win, path, choose)
    assert not errors
    assert len(requirements.requirements_of(product)) == before + len(ROWS)
    assert set(_titles_in_view(win)) >= {row[0] for row in ROWS}


def test_formulas_saved_without_values_are_said(qtbot, window, tmp_path):
    """A workbook written by a program that does not calculate (openpyxl here): the
    formula's cell is read as empty, and the dialog says so before anything is imported."""
    win, errors = window
    path = _write_xlsx(
        tmp_path / "calc.xlsx",
        {"Backlog": [["Title", "Reach", "Effort"], ["Computed reach", "=100*5", 2]]},
    )
    seen: dict = {}

    def choose(dialog: CsvImportDialog) -> None:
        seen["shown"] = dialog.remarks_label.isVisibleTo(dialog)
        seen["text"] = dialog.remarks_label.text()

    _import(qtbot, win, path, choose)
    assert seen["shown"] and "formula cell has no calculated value" in seen["text"]
    assert "row 2, column B (Reach)" in seen["text"]
    assert not errors
